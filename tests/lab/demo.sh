#!/bin/bash
# The README's first command: xlt creates a PV guest on real Xen, and the
# guest's console is shown; then the fleet: a second lab host (B), both
# serving the remote API, `xlt -H @all list`, a guest created on B from
# here and migrated B -> A by asking B, and B's audit trail of it.
. /lab/lib.sh

printf 'LAB-PEER-START\n' # host B boots meanwhile

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

b=$LAB_PEER
say "the fleet: host B ($b) boots beside this one (A)"
check "host B answers" wait_until 240 peer true
say "xlt pki init lab; xlt pki issue host b --alt $b; ...  # a CA, each host's certificate"
check "both hosts serve the remote API (TLS, certificates both ways)" fleet_up
cat /etc/xlt/pki/remote.allow
say "xlt -H $b create $(lab_config pv-busybox on-b)   # made here, created on B"
xlt -H "$b" create "$(lab_config pv-busybox on-b)"
check "it boots on B" wait_until 120 peer \
    "grep -q XLT-GUEST-UP /var/log/xen/console/guest-on-b.log"
say "xlt -H @all list          # every host at once, one table"
xlt -H @all list
say "xlt -H $b migrate --non-live on-b ${LAB_ADDR%/*}   # B sends it here"
xlt -H "$b" migrate --non-live on-b "${LAB_ADDR%/*}"
say "xlt -H @all list"
xlt -H @all list
say "xlt -H $b audit           # B's audit trail: who did what, from where"
xlt -H "$b" audit
check "it runs here now" xl list on-b
say "xlt destroy on-b"
xlt destroy on-b
exit 0
