#!/bin/bash
# The control socket's clients cannot lock each other out or grow xltd
# (issue 17): idle clients make room and time out, and a client that
# sends requests without reading the answers is read no further than one
# answer ahead.
. /lab/lib.sh

# idle clients are closed after control_idle_timeout: 15 s here
cp /etc/xlt/xlt.conf /tmp/idle.conf
echo 'control_idle_timeout = 15' >>/tmp/idle.conf
check "xltd with control_idle_timeout = 15" xltd_restart -f /tmp/idle.conf
sock=/run/xlt/xltd.sock
pid=$(pgrep -x xltd)
fds_of() { ls "/proc/$pid/fd" | wc -l; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"; }

fds0=$(fds_of)

# ---- 70 idle clients, more than xltd takes at once (64) ------------------------
for i in $(seq 70); do
  sleep 120 | nc -U "$sock" >/dev/null 2>&1 &
done
wait_until 10 sh -c "[ \$(ls /proc/$pid/fd | wc -l) -ge $((fds0 + 60)) ]"
note "xltd with 70 idle clients: $(fds_of) fds (idle: $fds0)"
check "xlt list answers with 70 idle clients connected" timeout 10 xlt list
check "and again" timeout 10 xlt info
check "idle clients are closed after 15 s" wait_until 30 sh -c \
    "[ \$(ls /proc/$pid/fd | wc -l) -le $((fds0 + 1)) ]"
pkill -f "sleep 120" || true

# ---- a client that never reads ---------------------------------------------
rss0=$(rss_kb)
yes '{"xlt":1,"cmd":"list"}' | head -n 200000 |
  socat -u - "UNIX-CONNECT:$sock" >/dev/null 2>&1 &
sleep 5
rss1=$(rss_kb)
note "xltd's memory with a client that does not read: $rss0 -> $rss1 KiB"
check "xltd does not buffer answers nobody reads" test $((rss1 - rss0)) -lt 4096
check "xlt list answers meanwhile" timeout 10 xlt list
pkill -x socat || true
check "xltd runs on" pgrep -x xltd
check "xltd with its own configuration again" xltd_restart
