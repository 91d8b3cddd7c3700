#!/bin/bash
# An HVM guest created by xlt: qemu-xen as device model, direct kernel boot,
# console on the emulated serial port (SeaBIOS + kernel take minutes under
# TCG), which this test reads through `xlt console` all along.
. /lab/lib.sh

cfg=$(lab_config hvm-busybox)
serial=/tmp/attach.out
pgrep -x xltd >/dev/null || xltd

t0=$(now_ms)
check "create an HVM guest" xlt create "$cfg"
note "HVM: xlt create returned in $(( $(now_ms) - t0 )) ms"
id=$(xl domid hvm-busybox)
# [x]: so that pgrep -f does not find the shell running it
dm="[x]en-qemu-system-i386 -xen-domid $id "
check "its device model runs" pgrep -f "$dm"
check "xlt says it is HVM" sh -c \
    'xlt list --json hvm-busybox | grep -q "\"type\": \"hvm\""'
attach_start xlt console hvm-busybox
check "the HVM guest boots" wait_for_log "$serial" XLT-GUEST-UP 400
note "HVM: marker $(( $(now_ms) - t0 )) ms after create began"
check "it runs on" wait_for_log "$serial" "XLT-GUEST-HEARTBEAT 2" 60
check "trigger nmi" xlt trigger hvm-busybox nmi
check "the guest kernel saw the NMI" wait_for_log "$serial" "NMI received" 60
attach_type '\035'
check "Ctrl-] detaches the serial console" attach_wait 10
check "shutdown -F -w" xlt shutdown -F -w hvm-busybox
check "it is gone" sh -c '! xl list hvm-busybox 2>/dev/null'
check "its device model too" sh -c \
    "for i in \$(seq 60); do pgrep -f '$dm' >/dev/null || exit 0; sleep 0.5; done; ps -o pid,ppid,stat,args | grep '[q]emu'; exit 1"
exit 0
