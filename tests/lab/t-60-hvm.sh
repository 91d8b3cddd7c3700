#!/bin/bash
# An HVM guest created by xlt: qemu-xen as device model, direct kernel boot,
# console on the emulated serial port (SeaBIOS + kernel take minutes under
# TCG), which this test reads through `xlt console`.  One boot serves all:
# - on_soft_reset: the guest kexecs (xen_hvm_shutdown asks Xen for a soft
#   reset, as a kdump kernel's start would) and xltd has libxl rebuild it
#   in place: same domid, a new device model and backends around the
#   memory it keeps, and the guest runs on in the kernel it kexec'd into.
#   kexec (with its libraries), the lab's bzImage and initrd reach the
#   guest as a cpio archive on an LV (guest-init's xlt_kexec=).
# - then, in that kernel: NMI, pause, ids, rename, the console's detach;
#   and a live migration to this host (its device model's state goes
#   along, its LV disk too): its heartbeat goes on on the new device
#   model's serial port.
# First of all, reboot -F of the guest before its PV drivers are up: xltd
# resets it (Xen on x86 has no reset trigger: a remote shutdown for
# reboot) and on_reboot restarts it; the restarted domain serves the rest.
. /lab/lib.sh

gone() { # the device model of domain $1 has exited
    local dm="[x]en-qemu-system-i386 -xen-domid $1 "
    for _ in $(seq 60); do pgrep -f "$dm" >/dev/null || return 0; sleep 0.5; done
    ps -o pid,ppid,stat,args | grep '[q]emu'
    return 1
}
dm() { pgrep -f "[x]en-qemu-system-i386 -xen-domid $1 "; }
# the console client ends with the device model it was attached to
attach_drop() { pkill -f "[x]lt console hvm-busybox"; exec 7>&-; }

# payload: the archive guest-init's xlt_kexec= unpacks, on a new LV
payload() {
  lvcreate -q -L 24M -n kexec xltvg >/dev/null &&
    rm -rf /tmp/kx && mkdir /tmp/kx && cp -a /lab/guest/kexec/. /tmp/kx/ &&
    cp "$LAB_GUEST_BZIMAGE" /tmp/kx/vmlinuz &&
    cp "$LAB_GUEST_RAMDISK" /tmp/kx/initrd.gz &&
    (cd /tmp/kx && find . | cpio -o -H newc 2>/dev/null) >/dev/xltvg/kexec
}

cfg=$(lab_config hvm-busybox)
serial=/tmp/attach.out
log=/var/log/xlt/xltd.log
pgrep -x xltd >/dev/null || xltd
lab_vg
check "an LV holding kexec, a kernel and an initrd" payload

t0=$(now_ms)
# (writable: qemu-xen has no read-only IDE disks, and an HVM guest's disk
# is also an emulated one until the PV driver takes over; 256 MiB: with
# the example's 128 the guest's kexec failed)
check "create an HVM guest with the LV as xvdb and xlt_kexec=xvdb" \
  xlt create "$cfg" memory=256 'disk=["phy:/dev/xltvg/kexec,xvdb,w"]' \
  'extra="console=ttyS0 quiet xlt_kexec=xvdb"' ||
  { tail -n 20 /var/log/xen/qemu-dm-hvm-busybox.log; exit 1; }
note "HVM: xlt create returned in $(( $(now_ms) - t0 )) ms"
id=$(xl domid hvm-busybox)
# [x]: so that pgrep -f does not find the shell running it
check "its device model runs" test -n "$(dm "$id")"
check "xlt says it is HVM" sh -c \
    'xlt list --json hvm-busybox | grep -q "\"type\": \"hvm\""'

check "reboot -F" xlt reboot -F hvm-busybox
check "xltd restarts it" wait_for_log "$log" \
    "hvm-busybox \($id\): shut down \(reboot\); on_reboot=restart" 60
check "it is back with a new id" sh -c \
    "for i in \$(seq 60); do n=\$(xl domid hvm-busybox 2>/dev/null) && [ \"\$n\" != $id ] && exit 0; sleep 1; done; exit 1"
check "the old device model is gone" gone "$id"
# libxl builds it paused and unpauses it once its device model runs
check "the new domain runs, with a device model of its own" wait_until 90 sh -c \
    "[ -n \"\$(pgrep -f \"[x]en-qemu-system-i386 -xen-domid \$(xl domid hvm-busybox) \")\" ] &&
     xl list hvm-busybox | awk 'NR == 2 { exit \$5 ~ /p/ }'"
id=$(xl domid hvm-busybox)
first_dm=$(dm "$id")
attach_start xlt console hvm-busybox
check "the HVM guest boots" wait_for_log "$serial" XLT-GUEST-UP 400
note "HVM: marker $(( $(now_ms) - t0 )) ms after create began"

# ---- the soft reset ------------------------------------------------------------
check "it loads the second kernel" wait_for_log "$serial" XLT-GUEST-KEXEC 120
t1=$(now_ms)
check_not "kexec did not fail in the guest" grep -q XLT-GUEST-KEXEC-FAIL "$serial" ||
  tail -n 20 "$serial"
# The lab's emulated CPU now and then triple-faults the kexec'd kernel
# (Xen then reboots the guest): say so at once, and scripts/lab/run
# --again-on-lab-fault boots the lab again, rather than waiting out the
# checks below.
check "xltd hears it go down" wait_for_log "$log" \
  "hvm-busybox \\($id\\): shut down \\((soft_reset|reboot)\\)" 60
if grep -q "hvm-busybox ($id): shut down (reboot)" "$log"; then
  note "the guest went down for a reboot, not a soft reset: a triple fault in its kexec (see the serial log); not going on"
  exit 1
fi
check "xltd soft-resets it (on_soft_reset's default)" wait_for_log "$log" \
  "hvm-busybox \\($id\\): shut down \\(soft_reset\\); on_soft_reset=soft_reset" 5
check "libxl rebuilt it and it runs on" wait_for_log "$log" \
  "hvm-busybox \\($id\\): soft-reset, running on" 120
note "soft reset: rebuilt $(($(now_ms) - t1)) ms after the guest kexec'd"
attach_drop
attach_start xlt console hvm-busybox
check "the kexec'd kernel comes up" wait_for_log "$serial" XLT-GUEST-KEXECED 300
note "soft reset: the new kernel's userspace $(($(now_ms) - t1)) ms after the kexec"
check "and its userspace runs" wait_for_log "$serial" "XLT-GUEST-HEARTBEAT 2" 60
check "the same domain: same domid" test "$(xl domid hvm-busybox)" = "$id"
check "xl sees it running or blocked, not shut down" sh -c \
  "xl list hvm-busybox | awk 'NR == 2 { exit !(\$5 ~ /^(r|-b)/) }'"
check "a new device model serves it" sh -c \
  "[ -n \"\$(pgrep -f '[x]en-qemu-system-i386 -xen-domid $id ')\" ] &&
   [ \"\$(pgrep -f '[x]en-qemu-system-i386 -xen-domid $id ')\" != '$first_dm' ]"
check "its disk is connected again" sh -c \
  "xl block-list hvm-busybox | awk 'NR == 2 { exit !(\$4 == 4) }'"
check "its store entry is kept" grep -qs '"name": "hvm-busybox"' /var/lib/xlt/domains/*.json

# ---- the running guest ----------------------------------------------------------
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

# ---- live migration to this host ------------------------------------------------
migrate_key >/dev/null
last_beat() { # the latest heartbeat in $serial
  sed -n 's/.*XLT-GUEST-HEARTBEAT \([0-9]*\).*/\1/p' "$serial" | tail -n 1
}
# (its 256 MiB ballooned down to 128 first: fewer pages to send)
check "mem-set hvm-busybox 128m (its balloon driver)" xlt mem-set hvm-busybox 128m
check "xl list: about 128 MiB" wait_until 60 sh -c \
    'xl list hvm-busybox | awk "NR==2 { exit \$3 > 130 }"'
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
check "the LV is released" sh -c \
  'lvchange -an xltvg/kexec && lvremove -q -y xltvg/kexec >/dev/null'

check "create it again" xlt create "$cfg"
id=$(xl domid hvm-busybox)
check "with a device model of its own" pgrep -f "[x]en-qemu-system-i386 -xen-domid $id "
check "destroy an HVM guest" xlt destroy hvm-busybox
check "it is gone too" sh -c '! xl list hvm-busybox 2>/dev/null'
check "and its device model" gone "$id"
exit 0
