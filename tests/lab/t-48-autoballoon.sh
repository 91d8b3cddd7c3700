#!/bin/bash
# dom0 autoballoon: off in "auto" mode when Xen sets dom0_mem (as xl);
# when on, a guest that only fits once dom0 shrinks is created, with
# progress; one that would take dom0 below dom0_min_mem is refused
# up front, dom0 untouched, nothing created; when dom0 does not free the
# memory within autoballoon_seconds, xltd gives up: dom0's target back,
# xl's lock released, nothing created.
. /lab/lib.sh

cfg=$(lab_config pv-busybox)
dom0_mb() { xl list 0 | awk 'NR==2 { print $3 }'; }
free_mb=$(xl info | awk '$1 == "free_memory" { print $3 }')
dom0_before=$(dom0_mb)
note "host: ${free_mb} MiB free, dom0 ${dom0_before} MiB"
big=$((free_mb + 64))

xltd_restart
check_not "auto (Xen sets dom0_mem): a guest bigger than free memory fails" \
    xlt create "$cfg" 'name="big"' "memory=$big"
check "and says autoballoon is off" sh -c \
    "xlt create $cfg 'name=\"big\"' memory=$big 2>&1 | grep -q 'autoballoon is off'"
check "nothing created, no store entry" sh -c \
    '! xl list big 2>/dev/null && ! grep -qs "\"name\": \"big\"" /var/lib/xlt/domains/*.json'

# the lab's own xlt.conf (scripts/lab/dom0-init), with this test's lines
cp /etc/xlt/xlt.conf /tmp/lab-xlt.conf
lab_conf() { { cat /tmp/lab-xlt.conf; printf '%s\n' "$@"; } >/etc/xlt/xlt.conf; }
lab_conf 'autoballoon = "on"' 'dom0_min_mem = 600'
check "xltd -n accepts the autoballoon settings" xltd -n
printf 'autoballoon = "sometimes"\n' >/tmp/bad.conf
check_not "a bad autoballoon value is refused" xltd -n -f /tmp/bad.conf
xltd_restart
t0=$(now_ms)
check "autoballoon on: the big guest is created" sh -c \
    "xlt create $cfg 'name=\"big\"' memory=$big 2>/tmp/big.err || { cat /tmp/big.err; false; }"
note "create with autoballoon took $(($(now_ms) - t0)) ms; it said: $(tr '\n' '|' </tmp/big.err)"
check "it showed dom0 being lowered" grep -q "autoballoon: .*lowering dom0" /tmp/big.err
check "xl: big runs" xl list big
check "dom0 gave up the memory" test "$(dom0_mb)" -lt $((dom0_before - 60))
check "destroy big" xlt destroy big

dom0_now=$(dom0_mb)
huge=$((free_mb + 400))
check_not "a guest that would take dom0 below its minimum fails" \
    xlt create "$cfg" 'name="huge"' "memory=$huge"
check "and names dom0_min_mem" sh -c \
    "xlt create $cfg 'name=\"huge\"' memory=$huge 2>&1 | grep -q 'below dom0_min_mem (600 MiB); nothing created'"
check "dom0 was not touched" test "$(dom0_mb)" = "$dom0_now"
check "nothing created" sh -c '! xl list huge 2>/dev/null'

lab_conf
xltd_restart
check "mem-set 0 gives dom0 its memory back" xlt mem-set 0 "${dom0_before}m"

# The give-up path.  dom0's balloon driver is made deaf to xltd: each time
# dom0's target changes in xenstore, a watcher sets the driver's own
# target (sysfs) back to what it was, so dom0 hands back at most what its
# driver freed before the watcher ran, then takes it again.
lab_conf 'autoballoon = "on"' 'dom0_min_mem = 200' 'autoballoon_seconds = 4'
xltd_restart
dom0_back() { [ "$(dom0_mb)" -ge $((dom0_before - 8)) ]; }
check "dom0 has its memory back" wait_until 60 dom0_back
sysfs=/sys/devices/system/xen_memory/xen_memory0/target_kb
target_before=$(xenstore-read /local/domain/0/memory/target)
free_mb=$(xl info | awk '$1 == "free_memory" { print $3 }')
deaf=$((free_mb + 500))
keep=$(cat $sysfs)
xenstore-watch /local/domain/0/memory/target |
  while read -r _; do echo "$keep" >$sysfs; done &
watcher=$!
t0=$(now_ms)
check_not "dom0 does not free the memory: the create fails" sh -c \
  "xlt create $cfg 'name=\"deaf\"' memory=$deaf 2>/tmp/deaf.err"
note "give-up took $(($(now_ms) - t0)) ms; it said: $(tr '\n' '|' </tmp/deaf.err)"
kill $watcher 2>/dev/null
pkill -f "xenstore-watch /local/domain/0/memory/target"
check "it said how far it got and that nothing was created" grep -q \
  "dom0 freed too little within 4 s (.* MiB free): dom0 is back at .*; nothing created" \
  /tmp/deaf.err
check "it showed progress while waiting" grep -q "autoballoon: .* of .* MiB free" /tmp/deaf.err
check "dom0's target is back where it was" \
  test "$(xenstore-read /local/domain/0/memory/target)" = "$target_before"
check "nothing created, no store entry" sh -c \
  '! xl list deaf 2>/dev/null && ! grep -qs "\"name\": \"deaf\"" /var/lib/xlt/domains/*.json'
check "xl's lock is free again: stock xl creates a guest" \
  timeout 60 xl create -p "$cfg" 'name="after-deaf"'
xl destroy after-deaf 2>/dev/null
lab_conf
xltd_restart
exit 0
