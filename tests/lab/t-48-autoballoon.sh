#!/bin/bash
# dom0 autoballoon: off in "auto" mode when Xen sets dom0_mem (as xl);
# when on, a guest that only fits once dom0 shrinks is created, with
# progress; one that would take dom0 below dom0_min_mem is refused
# up front, dom0 untouched, nothing created.
. /lab/lib.sh

cfg=$(lab_config pv-busybox)
restart_xltd() {
  pkill -x xltd
  while pgrep -x xltd >/dev/null; do sleep 0.2; done
  xltd
}
dom0_mb() { xl list 0 | awk 'NR==2 { print $3 }'; }
free_mb=$(xl info | awk '$1 == "free_memory" { print $3 }')
dom0_before=$(dom0_mb)
note "host: ${free_mb} MiB free, dom0 ${dom0_before} MiB"
big=$((free_mb + 64))

restart_xltd
check_not "auto (Xen sets dom0_mem): a guest bigger than free memory fails" \
    xlt create "$cfg" 'name="big"' "memory=$big"
check "and says autoballoon is off" sh -c \
    "xlt create $cfg 'name=\"big\"' memory=$big 2>&1 | grep -q 'autoballoon is off'"
check "nothing created, no store entry" sh -c \
    '! xl list big 2>/dev/null && ! grep -qs "\"name\": \"big\"" /var/lib/xlt/domains/*.json'

printf 'autoballoon = "on"\ndom0_min_mem = 600\n' >/etc/xlt/xlt.conf
check "xltd -n accepts the autoballoon settings" xltd -n
printf 'autoballoon = "sometimes"\n' >/tmp/bad.conf
check_not "a bad autoballoon value is refused" xltd -n -f /tmp/bad.conf
restart_xltd
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

rm -f /etc/xlt/xlt.conf
restart_xltd
check "mem-set 0 gives dom0 its memory back" xlt mem-set 0 "${dom0_before}m"
exit 0
