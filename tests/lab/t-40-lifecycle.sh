#!/bin/bash
# Lifecycle commands on a PV guest, and xltd applying its on_* actions.
. /lab/lib.sh

# sysrq_always_enabled: Debian's kernel allows sysrq c (crash) only then.
mkcfg() { # NAME [EXTRA LINE]: a PV guest config in /tmp/NAME.cfg
    sed -e "s|/lab/guest/vmlinux.gz|$LAB_GUEST_KERNEL|" \
        -e "s|/lab/guest/initrd.gz|$LAB_GUEST_RAMDISK|" \
        -e "s|^name = .*|name = \"$1\"|" -e '/^on_crash/d' \
        -e 's|^extra = .*|extra = "console=hvc0 sysrq_always_enabled"|' \
        /etc/xlt/examples/pv-busybox.cfg > "/tmp/$1.cfg"
    [ -z "${2:-}" ] || echo "$2" >> "/tmp/$1.cfg"
}
ups() { grep -c XLT-GUEST-UP "$(guest_log "$1")" 2>/dev/null; }
state() { xlt list "$1" | awk 'NR == 2 { print $5 }'; }
log=/var/log/xlt/xltd.log

pgrep -x xltd >/dev/null || xltd
mkcfg life

check "create -p leaves it paused" xlt create -p /tmp/life.cfg
check "list shows it paused" sh -c '[ "$(xlt list life | awk "NR==2{print \$5}")" = "--p---" ]'
check "domid agrees with xl" sh -c '[ "$(xlt domid life)" = "$(xl domid life)" ]'
id=$(xlt domid life)
check "domname agrees with xl" sh -c "[ \"\$(xlt domname $id)\" = life ]"
check_not "domid of a missing domain fails" xlt domid nosuch
check "unpause" xlt unpause life
check "it boots once unpaused" wait_for_log "$(guest_log life)" XLT-GUEST-UP 120
check "pause" xlt pause life
check "paused per xl" sh -c 'xl list life | awk "NR==2{print \$5}" | grep -q p'
check "unpause again" xlt unpause life
check "it runs on" sh -c '[ "$(xl list life | awk "NR==2{print \$5}" | cut -c3)" = - ]'

# reboot: xltd restarts it (on_reboot=restart, the default), same UUID.
uuid=$(xl list -v life | awk 'NR == 2 { print $7 }')
check "reboot -w returns once it went down" xlt reboot -w life
check "xltd applied on_reboot=restart" wait_for_log "$log" \
    "life \\($id\\): shut down \\(reboot\\); on_reboot=restart" 10
check "a new instance boots" sh -c \
    'for i in $(seq 120); do [ "$(grep -c XLT-GUEST-UP /var/log/xen/console/guest-life.log)" -ge 2 ] && exit 0; sleep 1; done; exit 1'
check "with a new id" sh -c "[ \"\$(xl domid life)\" != $id ]"
check "and the same UUID" sh -c "xl list -v life | grep -q $uuid"

# A reboot the guest's own kernel starts (sysrq b: reboot at once).
id=$(xl domid life)
check "the guest reboots itself" xenstore-write "/local/domain/$id/control/sysrq" b
check "xltd restarts it again" wait_for_log "$log" \
    "life \\($id\\): shut down \\(reboot\\); on_reboot=restart" 30
check "a third instance boots" sh -c \
    'for i in $(seq 120); do [ "$(grep -c XLT-GUEST-UP /var/log/xen/console/guest-life.log)" -ge 3 ] && exit 0; sleep 1; done; exit 1'

# shutdown -w: back only once it is down; on_poweroff=destroy removes it.
check "shutdown -w" xlt shutdown -w life
check "it is gone when shutdown -w returns" sh -c '! xl list life 2>/dev/null'

# A crash, with on_crash=preserve: the domain stays, crashed, for a look.
mkcfg crashy 'on_crash = "preserve"'
check "create a guest that keeps its crashes" xlt create /tmp/crashy.cfg
check "it boots" wait_for_log "$(guest_log crashy)" XLT-GUEST-UP 120
id=$(xl domid crashy)
check "crash it (sysrq c)" xenstore-write "/local/domain/$id/control/sysrq" c
check "xltd saw the crash" wait_for_log "$log" \
    "crashy \\($id\\): shut down \\(crash\\); on_crash=preserve" 60
check "it is preserved, shut down for crash" sh -c \
    '[ "$(xl list crashy | awk "NR==2{print \$5}" | cut -c4-5)" = sc ]'
check "destroy the wreck" xlt destroy crashy

# on_crash=restart, and shutdown -a for everything left.
mkcfg phoenix 'on_crash = "restart"'
check "create a guest that restarts on crash" xlt create /tmp/phoenix.cfg
check "it boots" wait_for_log "$(guest_log phoenix)" XLT-GUEST-UP 120
id=$(xl domid phoenix)
check "crash it" xenstore-write "/local/domain/$id/control/sysrq" c
check "xltd restarts it" wait_for_log "$log" \
    "phoenix \\($id\\): shut down \\(crash\\); on_crash=restart" 60
check "it comes back" sh -c \
    'for i in $(seq 120); do [ "$(grep -c XLT-GUEST-UP /var/log/xen/console/guest-phoenix.log)" -ge 2 ] && exit 0; sleep 1; done; exit 1'
check "shutdown -a -w" xlt shutdown -a -w
check "no guest is left" sh -c '[ "$(xl list | wc -l)" = 2 ]'
check_not "dom0 is refused" xlt shutdown 0
exit 0
