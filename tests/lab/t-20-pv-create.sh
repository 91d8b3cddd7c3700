#!/bin/bash
# xlt creates a PV guest through xltd; the guest boots on real Xen.
. /lab/lib.sh

cfg=$(lab_config pv-busybox)
console=$(guest_log pv-busybox)

pgrep -x xltd >/dev/null || xltd

# Dry run: libxl's JSON, nothing created.
check "create -n prints the libxl config" \
    sh -c "xlt create -n $cfg | grep -q '\"name\": \"pv-busybox\"'"
check "create -n created nothing" sh -c '! xl list pv-busybox 2>/dev/null'

# Bad input: FILE:LINE, exit 1, nothing created.
printf 'name = "broken"\nkernel = "%s"\nmemory = "lots"\n' \
    "$LAB_GUEST_KERNEL" > /tmp/broken.cfg
check_not "a bad config fails" xlt create /tmp/broken.cfg
check "the error names file, line and key" sh -c \
    'xlt create /tmp/broken.cfg 2>&1 | grep -q "^xlt: create: /tmp/broken.cfg:3: memory: .lots. is not a number"'
printf 'name = "nokernel"\nkernel = "/nonexistent/vmlinuz"\nmemory = 64\n' \
    > /tmp/nokernel.cfg
check "a missing kernel is named" sh -c \
    'xlt create /tmp/nokernel.cfg 2>&1 | grep -q "kernel /nonexistent/vmlinuz: No such file"'
check "nothing was created" sh -c \
    '[ "$(xl list | wc -l)" = 2 ] && ! xl list broken && ! xl list nokernel' 

# The real thing.
t0=$(now_ms)
check "create a PV guest" xlt create "$cfg"
note "xlt create returned in $(( $(now_ms) - t0 )) ms"
check "the guest printed its marker" wait_for_log "$console" XLT-GUEST-UP 120
note "guest marker $(( $(now_ms) - t0 )) ms after create began"
check "the guest keeps running" wait_for_log "$console" "XLT-GUEST-HEARTBEAT 3" 60
check "xl sees it" xl list pv-busybox
check "xlt lists it" sh -c 'xlt list pv-busybox | grep -Eq "^pv-busybox +[0-9]+ +128 +1 "'
uuid=$(xl list -v pv-busybox | awk 'NR == 2 { print $7 }')
check "xlt list --json has the uuid xl shows" sh -c \
    "xlt list --json pv-busybox | grep -q '\"uuid\": \"$uuid\"'"
check_not "a second guest of the same name is refused" xlt create "$cfg"
check "the refusal says why" sh -c \
    "xlt create $cfg 2>&1 | grep -q 'a domain named pv-busybox already exists'"

check "destroy by name" xlt destroy pv-busybox
check "xl no longer sees it" sh -c '! xl list pv-busybox 2>/dev/null'
check "xltd noticed its death" wait_for_log /var/log/xlt/xltd.log "domain [0-9]+: died" 10
check_not "destroying it again fails" xlt destroy pv-busybox
check "naming it, and xltd runs on (the refusal is audited)" sh -c \
    'xlt destroy pv-busybox 2>&1 | grep -qF "pv-busybox: no such domain" &&
     xlt list >/dev/null'

# xltd notices a guest that shuts down, and destroys it (on_poweroff).
check "create again, by id afterwards" xlt create "$cfg"
check "the guest booted again" wait_for_log "$console" "XLT-GUEST-UP" 120
domid=$(xl domid pv-busybox)
check "xl asks the guest to power off" xl shutdown pv-busybox
check "xltd saw the shutdown" wait_for_log /var/log/xlt/xltd.log \
    "pv-busybox \($domid\): shut down \(poweroff\); on_poweroff=destroy" 60
check "and the domain is gone" sh -c \
    'for i in $(seq 30); do xl list pv-busybox 2>/dev/null || exit 0; sleep 1; done; exit 1'
exit 0
