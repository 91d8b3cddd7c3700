#!/bin/bash
# on_soft_reset: an HVM guest that kexecs asks Xen for a soft reset
# (Linux's xen_hvm_shutdown does, as a kdump kernel's start would).  xltd
# has libxl rebuild it in place: same domid, a new device model and
# backends around the memory it keeps, and the guest runs on in the kernel
# it kexec'd into.  kexec (with its libraries), the lab's bzImage and
# initrd reach the guest as a cpio archive on an LV (guest-init's
# xlt_kexec=).
. /lab/lib.sh

dm() { pgrep -f "[x]en-qemu-system-i386 -xen-domid $1 "; }
log=/var/log/xlt/xltd.log
serial=/tmp/kx.serial
console=/tmp/kx.console

# payload: the archive guest-init's xlt_kexec= unpacks, on a new LV
payload() {
  lvcreate -q -L 24M -n kexec xltvg >/dev/null &&
    rm -rf /tmp/kx && mkdir /tmp/kx && cp -a /lab/guest/kexec/. /tmp/kx/ &&
    cp "$LAB_GUEST_BZIMAGE" /tmp/kx/vmlinuz &&
    cp "$LAB_GUEST_RAMDISK" /tmp/kx/initrd.gz &&
    (cd /tmp/kx && find . | cpio -o -H newc 2>/dev/null) >/dev/xltvg/kexec
}

pgrep -x xltd >/dev/null || xltd
lab_vg
check "an LV holding kexec, a kernel and an initrd" payload

# QEMU truncates a file serial port when it starts, and a soft reset
# starts a new one: follow the file into a log of both kernels
: >"$serial"
tail -F "$serial" >"$console" 2>/dev/null &
tailer=$!
cfg=$(lab_config hvm-busybox kx)
# (writable: qemu-xen has no read-only IDE disks, and an HVM guest's disk
# is also an emulated one until the PV driver takes over; 256 MiB: with
# the example's 128 the guest's kexec failed)
check "create an HVM guest with the LV as xvdb and xlt_kexec=xvdb" \
  xlt create "$cfg" memory=256 'disk=["phy:/dev/xltvg/kexec,xvdb,w"]' \
  'extra="console=ttyS0 quiet xlt_kexec=xvdb"' "serial=\"file:$serial\"" ||
  { tail -n 20 /var/log/xen/qemu-dm-kx.log; exit 1; }
id=$(xl domid kx)
first_dm=$(dm "$id")
check "it boots and loads the second kernel" \
  wait_for_log "$console" XLT-GUEST-KEXEC 400
t0=$(now_ms)
check_not "kexec did not fail in the guest" grep -q XLT-GUEST-KEXEC-FAIL "$console" ||
  tail -n 20 "$console"
check "xltd soft-resets it (on_soft_reset's default)" wait_for_log "$log" \
  "kx \\($id\\): shut down \\(soft_reset\\); on_soft_reset=soft_reset" 60
check "libxl rebuilt it and it runs on" wait_for_log "$log" \
  "kx \\($id\\): soft-reset, running on" 120
t1=$(now_ms)
check "the kexec'd kernel comes up" wait_for_log "$console" XLT-GUEST-KEXECED 300
note "soft reset: rebuilt $((t1 - t0)) ms after the guest kexec'd," \
  "its new kernel's userspace $(($(now_ms) - t0)) ms after"
check "and its userspace runs" wait_for_log "$console" "XLT-GUEST-HEARTBEAT 2" 60
check "the same domain: same domid" test "$(xl domid kx)" = "$id"
check "xl sees it running or blocked, not shut down" sh -c \
  "xl list kx | awk 'NR == 2 { exit !(\$5 ~ /^(r|-b)/) }'"
check "a new device model serves it" sh -c \
  "[ -n \"\$(pgrep -f '[x]en-qemu-system-i386 -xen-domid $id ')\" ] &&
   [ \"\$(pgrep -f '[x]en-qemu-system-i386 -xen-domid $id ')\" != '$first_dm' ]"
check "its disk is connected again" sh -c \
  "xl block-list kx | awk 'NR == 2 { exit !(\$4 == 4) }'"
check "its store entry is kept" grep -qs '"name": "kx"' /var/lib/xlt/domains/*.json
check "xltd still watches it: destroy ends it" xlt destroy kx
check "xltd saw it die" wait_for_log "$log" "domain $id: died" 30
kill "$tailer"
check "the LV is released" sh -c \
  'lvchange -an xltvg/kexec && lvremove -q -y xltvg/kexec >/dev/null'
exit 0
