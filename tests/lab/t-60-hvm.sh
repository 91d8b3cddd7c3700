#!/bin/bash
# An HVM guest created by xlt: qemu-xen as device model, direct kernel boot,
# console on the emulated serial port (SeaBIOS + kernel take minutes under
# TCG), which this test reads through `xlt console`.  Once it runs, it
# migrates live to this host (its device model's state goes along): its
# heartbeat goes on on the new device model's serial port.
. /lab/lib.sh

gone() { # the device model of domain $1 has exited
    local dm="[x]en-qemu-system-i386 -xen-domid $1 "
    for _ in $(seq 60); do pgrep -f "$dm" >/dev/null || return 0; sleep 0.5; done
    ps -o pid,ppid,stat,args | grep '[q]emu'
    return 1
}

cfg=$(lab_config hvm-busybox)
serial=/tmp/attach.out
pgrep -x xltd >/dev/null || xltd

t0=$(now_ms)
check "create an HVM guest" xlt create "$cfg"
note "HVM: xlt create returned in $(( $(now_ms) - t0 )) ms"
id=$(xl domid hvm-busybox)
# [x]: so that pgrep -f does not find the shell running it
check "its device model runs" pgrep -f "[x]en-qemu-system-i386 -xen-domid $id "
check "xlt says it is HVM" sh -c \
    'xlt list --json hvm-busybox | grep -q "\"type\": \"hvm\""'
attach_start xlt console hvm-busybox
check "the HVM guest boots" wait_for_log "$serial" XLT-GUEST-UP 400
note "HVM: marker $(( $(now_ms) - t0 )) ms after create began"
check "it runs on" wait_for_log "$serial" "XLT-GUEST-HEARTBEAT 2" 60
check "trigger nmi" xlt trigger hvm-busybox nmi
check "the guest kernel saw the NMI" wait_for_log "$serial" "NMI received" 60
pause_check hvm-busybox "$serial"
ids_check hvm-busybox
check "uptime lists it" sh -c \
    'xlt uptime hvm-busybox | grep -Eq "^hvm-busybox +[0-9]+ +0:0[0-9]:[0-9][0-9]$"'
check "rename it" xlt rename hvm-busybox hvm-renamed
check "rename it back" xlt rename hvm-renamed hvm-busybox
attach_type '\035'
check "Ctrl-] detaches the serial console" attach_wait 10

# live migration to this host
migrate_key >/dev/null
last_beat() { # the latest heartbeat in $serial
  sed -n 's/.*XLT-GUEST-HEARTBEAT \([0-9]*\).*/\1/p' "$serial" | tail -n 1
}
n=$(last_beat)
check "live migration of hvm-busybox to localhost" sh -c \
    "xlt migrate hvm-busybox localhost >/tmp/mig.out 2>/tmp/mig.err"
note "HVM: $(cat /tmp/mig.out)"
check "the summary says live" grep -q "^migrated hvm-busybox to localhost (live, TLS)" /tmp/mig.out
check "it has a new id" test "$(xl domid hvm-busybox)" != "$id"
check "the old device model is gone" gone "$id"
id=$(xl domid hvm-busybox)
check "a new device model runs for it" pgrep -f "[x]en-qemu-system-i386 -xen-domid $id "
attach_start xlt console hvm-busybox
check "its heartbeat goes on past $n (it kept running)" \
    wait_until 60 sh -c "[ \"\$(sed -n 's/.*XLT-GUEST-HEARTBEAT \([0-9]*\).*/\1/p' $serial | tail -n 1)\" -gt $n ]"
check "it did not boot again" sh -c "! grep -q XLT-GUEST-UP $serial"
attach_type '\035'
check "Ctrl-] detaches again" attach_wait 10
check "shutdown -F -w" xlt shutdown -F -w hvm-busybox
check "it is gone" sh -c '! xl list hvm-busybox 2>/dev/null'
check "its device model too" gone "$id"

# reboot -F before its PV drivers are up: xltd resets it (Xen on x86 has
# no reset trigger: a remote shutdown for reboot) and on_reboot restarts it.
check "create it again" xlt create "$cfg"
id=$(xl domid hvm-busybox)
check "reboot -F" xlt reboot -F hvm-busybox
check "xltd restarts it" wait_for_log /var/log/xlt/xltd.log \
    "hvm-busybox \($id\): shut down \(reboot\); on_reboot=restart" 60
check "it is back with a new id" sh -c \
    "for i in \$(seq 60); do n=\$(xl domid hvm-busybox 2>/dev/null) && [ \"\$n\" != $id ] && exit 0; sleep 1; done; exit 1"
new=$(xl domid hvm-busybox)
check "with a device model of its own" pgrep -f "[x]en-qemu-system-i386 -xen-domid $new "
check "destroy an HVM guest" xlt destroy hvm-busybox
check "it is gone too" sh -c '! xl list hvm-busybox 2>/dev/null'
check "and its device model" gone "$new"
exit 0
