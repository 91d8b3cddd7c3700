#!/bin/bash
# The migration listener before a peer has authenticated (issue 17): a
# flood of idle connections costs xltd at most a few handshakes' fds and
# threads, each handshake has a deadline, `xlt list` answers meanwhile,
# and out of file descriptors the loop does not spin.  A real migration
# works afterwards.
. /lab/lib.sh

pgrep -x xltd >/dev/null || xltd
migrate_key >/dev/null
log=/var/log/xlt/xltd.log

fds_of() { ls "/proc/$(pgrep -x xltd)/fd" | wc -l; }
threads_of() { ls "/proc/$(pgrep -x xltd)/task" | wc -l; }
# CPU ticks xltd used so far (user + system)
ticks_of() { awk '{ print $14 + $15 }' "/proc/$(pgrep -x xltd)/stat"; }

# open N idle connections to the listener, kept in this shell
flood=()
open_flood() {
  local i f
  for i in $(seq "$1"); do
    exec {f}<>/dev/tcp/127.0.0.1/8002 && flood+=("$f")
  done
}
close_flood() {
  local f
  for f in "${flood[@]}"; do exec {f}>&-; done
  flood=()
}

listening() { wait_until 10 bash -c 'exec 3<>/dev/tcp/127.0.0.1/8002'; }
listening
sleep 1 # that probe's handshake ends
fds0=$(fds_of)
threads0=$(threads_of)
lines0=$(wc -l <"$log")

# ---- 40 idle connections -----------------------------------------------------
open_flood 40
note "xltd before the flood: $fds0 fds, $threads0 threads"
check "xltd refuses past its handshake cap, in one line" wait_until 5 sh -c \
    "tail -n +$((lines0 + 1)) $log | grep -q 'migration connections refused: .*too many connections in their handshake'"
t0=$(now_ms)
check "xlt list answers during the flood" xlt list
note "xlt list during the flood: $(($(now_ms) - t0)) ms"
note "xltd during the flood: $(fds_of) fds, $(threads_of) threads"
check "at most 4 handshakes from one address hold fds" \
    test "$(fds_of)" -le $((fds0 + 4 * 8))
check "and threads" test "$(threads_of)" -le $((threads0 + 4))
check "the handshakes meet their deadline: fds back" wait_until 20 sh -c \
    "[ \$(ls /proc/\$(pgrep -x xltd)/fd | wc -l) -le $((fds0 + 2)) ]"
check "threads back" test "$(threads_of)" -le "$threads0"
check "44 refusals and expiries, at most 3 log lines" \
    test "$(tail -n +$((lines0 + 1)) "$log" | grep -c 'connections refused')" -le 3
close_flood

# ---- out of file descriptors -------------------------------------------------
# as many fds as a fresh xltd holds when idle: the next accept (or the
# next handshake's pipes) finds none
xltd_restart
listening
sleep 1
fresh=$(fds_of)
(ulimit -n "$fresh" && xltd_restart)
check "xltd runs with $fresh fds at most" wait_until 10 pgrep -x xltd
sleep 1
note "xltd with $fresh fds at most: $(fds_of) open"
open_flood 30
ticks0=$(ticks_of)
sleep 3
spent=$(($(ticks_of) - ticks0))
note "xltd out of fds: $spent CPU ticks in 3 s"
check "out of fds, the loop does not spin" test "$spent" -lt 100
check "it says why it turns connections away" wait_until 15 sh -c \
    "grep -q 'migration connections refused: .*out of file descriptors' $log"
close_flood

# ---- a migration afterwards, with 64 fds at most ----------------------------
# (prlimit --nofile=64, as a unit's LimitNOFILE=64 would give it)
(ulimit -n 64 && xltd_restart)
check "xltd runs with 64 fds at most" wait_until 10 sh -c \
    'grep -q "^Max open files  *64 " /proc/$(pgrep -x xltd)/limits'
pv=$(lab_config pv-busybox pv-flood)
check "create pv-flood" xlt create "$pv"
check "it boots" wait_for_log "$(guest_log pv-flood)" "XLT-GUEST-HEARTBEAT 1" 90
open_flood 80
check "with 80 migration connections open, xlt list answers" timeout 5 xlt list pv-flood
close_flood
fds_below() { [ "$(fds_of)" -lt "$1" ]; }
check "their fds are given back" wait_until 15 fds_below 40
check "then a migration (non-live, TLS) gets through" \
    xlt migrate --non-live pv-flood localhost
check "pv-flood runs here, one of it" test "$(xl list | grep -c pv-flood)" -eq 1
check "destroy pv-flood" xlt destroy pv-flood
xltd_restart
