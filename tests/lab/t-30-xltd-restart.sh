#!/bin/bash
# Stopping xltd never stops a guest; a new xltd adopts the running ones.
. /lab/lib.sh

cfg=$(lab_config pv-busybox keep)

pgrep -x xltd >/dev/null || xltd
check "create a guest" xlt create "$cfg"
check "it runs" wait_for_log "$(guest_log keep)" XLT-GUEST-UP 120
pid=$(cat /run/xlt/xltd.pid)
check "SIGTERM stops xltd" sh -c \
    "kill -TERM $pid; for i in \$(seq 50); do kill -0 $pid 2>/dev/null || exit 0; sleep 0.1; done; exit 1"
check "xltd logged its stop" grep -q "stopped" /var/log/xlt/xltd.log
check "the socket is gone" test ! -e /run/xlt/xltd.sock
check "the guest still runs" xl list keep
check "xltd starts again" xltd
check "it adopted the guest" wait_for_log /var/log/xlt/xltd.log \
    "watching 1 domain, 1 managed by xltd" 5
check "the store holds it" test -f "/var/lib/xlt/domains/$(xl list -v keep | awk 'NR == 2 { print $7 }').json"
check "kill -9 of xltd" sh -c 'kill -9 "$(cat /run/xlt/xltd.pid)"; sleep 1'
check "the guest survives kill -9" xl list keep
check "xltd starts over the stale socket" xltd
check "xlt works again" sh -c 'xlt list keep | grep -q keep'
id=$(xl domid keep)
check "after kill -9, xltd still owns it: a reboot restarts it" xlt reboot keep
check "restarted per on_reboot" wait_for_log /var/log/xlt/xltd.log \
    "keep \\($id\\): shut down \\(reboot\\); on_reboot=restart" 30
check "it boots again" wait_for_count "$(guest_log keep)" XLT-GUEST-UP 2 120
check "destroy it" xlt destroy keep
check "gone" sh -c '! xl list keep 2>/dev/null'
check "and forgotten" sh -c '[ -z "$(ls /var/lib/xlt/domains)" ]'

# A domain stock xl made is xl's: xltd lists it, leaves its shutdown alone,
# and tells its events (xlt events) as of its own.
sed 's|^name = .*|name = "byxl"|' "$cfg" > /tmp/byxl.cfg
check "xlt events follows this host's" events_start /tmp/byxl.events xlt events
check "stock xl creates a guest" xl create /tmp/byxl.cfg
check "xlt lists it" sh -c 'xlt list byxl | grep -q byxl'
check "it boots" wait_for_log "$(guest_log byxl)" XLT-GUEST-UP 120
check "xl shuts it down" xl shutdown -w byxl
check "xltd left it to xl" sh -c \
    'grep -q "byxl (.*not managed by xltd" /var/log/xlt/xltd.log || { tail -n 15 /var/log/xlt/xltd.log; exit 1; }'
check "xlt events told xl's create, naming who made it" grep -qE \
    "Z $(hostname) created byxl \([0-9]+\) by=another toolstack\$" /tmp/byxl.events
check "its shutdown, with the reason" grep -qE " shutdown byxl \([0-9]+\) reason=poweroff" /tmp/byxl.events
check "and that it is gone" wait_for_log /tmp/byxl.events " stopped byxl \([0-9]+\)" 10
kill "$events_pid"
exit 0
