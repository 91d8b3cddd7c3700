#!/bin/bash
# The README's first command: xlt creates a PV guest on real Xen, and the
# guest's console is shown.
. /lab/lib.sh

say() { printf '\n### %s\n' "$*"; }
cfg=/tmp/demo.cfg
sed -e "s|/lab/guest/vmlinux.gz|$LAB_GUEST_KERNEL|" \
    -e "s|/lab/guest/initrd.gz|$LAB_GUEST_RAMDISK|" \
    -e 's|^name = .*|name = "demo"|' \
    /etc/xlt/examples/pv-busybox.cfg > "$cfg"

say "xltd                      # start the daemon"
xltd
say "xlt info | head -12"
xlt info | head -12
say "cat $cfg"
cat "$cfg"
say "xlt create $cfg"
check "xlt create" xlt create "$cfg"
say "the guest's console (/var/log/xen/console/guest-demo.log)"
check "the guest booted" wait_for_log "$(guest_log demo)" "XLT-GUEST-HEARTBEAT 2" 120
cat "$(guest_log demo)"
say "xlt list"
xlt list
say "xl list                   # stock xl agrees"
xl list
say "xlt destroy demo"
check "xlt destroy" xlt destroy demo
xlt list
exit 0
