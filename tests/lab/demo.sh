#!/bin/bash
# The README's first command: xlt creates a PV guest on real Xen, and the
# guest's console is shown.
. /lab/lib.sh

say() { printf '\n### %s\n' "$*"; }
cfg=$(lab_config pv-busybox demo)

say "xltd                      # start the daemon"
xltd
say "xlt info | head -12"
xlt info | head -12
say "cat $cfg"
cat "$cfg"
say "xlt create $cfg"
xlt create "$cfg"
check "xl sees the guest" xl list demo
say "the guest's console, its last lines (/var/log/xen/console/guest-demo.log)"
check "the guest booted" wait_for_log "$(guest_log demo)" "XLT-GUEST-HEARTBEAT 2" 120
tail -n 12 "$(guest_log demo)"
say "xlt list"
xlt list
say "xl list                   # stock xl agrees"
xl list
say "xlt destroy demo"
xlt destroy demo
check "the guest is gone" sh -c '! xl list demo 2>/dev/null'
xlt list
exit 0
