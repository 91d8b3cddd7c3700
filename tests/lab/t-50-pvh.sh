#!/bin/bash
# A PVH guest created by xlt; rename and uptime; a reboot keeps the new name.
. /lab/lib.sh

cfg=$(lab_config pvh-busybox)
pgrep -x xltd >/dev/null || xltd

t0=$(now_ms)
check "create a PVH guest" xlt create "$cfg"
note "PVH: xlt create returned in $(( $(now_ms) - t0 )) ms"
check "the PVH guest boots" wait_for_log "$(guest_log pvh-busybox)" XLT-GUEST-UP 180
note "PVH: marker $(( $(now_ms) - t0 )) ms after create began"
check "xlt says it is PVH" sh -c \
    'xlt list --json pvh-busybox | grep -q "\"type\": \"pvh\""'
check "xl agrees" sh -c 'xl list -l pvh-busybox | grep -q "\"type\": \"pvh\""'
check "uptime lists it" sh -c \
    'xlt uptime pvh-busybox | grep -Eq "^pvh-busybox +[0-9]+ +0:0[0-9]:[0-9][0-9]$"'
check "uptime of dom0 matches the host's" sh -c \
    'xlt uptime 0 | grep -Eq "^Domain-0 +0 +0:0[0-9]:[0-9][0-9]$"'

attach_start xlt console pvh-busybox
check "console of a PVH guest" \
    wait_for_log /tmp/attach.out XLT-GUEST-HEARTBEAT 30
attach_type '\035'
check "Ctrl-] detaches" attach_wait 10
check "sysrq to a PVH guest" xlt sysrq pvh-busybox h
check "its kernel printed the sysrq help" \
    wait_for_log "$(guest_log pvh-busybox)" "sysrq: HELP" 30
pause_check pvh-busybox "$(guest_log pvh-busybox)"
ids_check pvh-busybox

check "rename it" xlt rename pvh-busybox renamed
check "xl sees the new name" xl list renamed
check "the store entry has the new name" \
    grep -q '"name": "renamed"' /var/lib/xlt/domains/*.json
check_not "the old name is gone" xl list pvh-busybox
check_not "renaming onto a taken name fails" xlt rename renamed Domain-0
check_not "a name with a slash is refused" xlt rename renamed a/b
id=$(xl domid renamed)
check "reboot it" xlt reboot renamed
check "xltd restarts it" wait_for_log /var/log/xlt/xltd.log \
    "renamed \\($id\\): shut down \\(reboot\\); on_reboot=restart" 60
check "it comes back under its new name" sh -c \
    'for i in $(seq 60); do xl list renamed >/dev/null 2>&1 && exit 0; sleep 1; done; exit 1'
check "and boots" wait_for_log "$(guest_log renamed)" XLT-GUEST-UP 180
check "shutdown -w" xlt shutdown -w renamed
check "gone" sh -c '! xl list renamed 2>/dev/null'
check "create -p" xlt create -p "$cfg"
check "destroy a PVH guest" xlt destroy pvh-busybox
check "it is gone" sh -c '! xl list pvh-busybox 2>/dev/null'
exit 0
