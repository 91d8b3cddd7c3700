#!/bin/bash
# save and restore of a PV guest with a vif: xlt's files restore with xl
# and xl's with xlt; the guest's heartbeat counter goes on across each (it
# kept running, it did not boot again); pinning, memory target and UUID
# survive; failures leave the guest running and no file behind.
. /lab/lib.sh

pgrep -x xltd >/dev/null || xltd
ip link show xenbr0 >/dev/null 2>&1 || {
  ip link add xenbr0 type bridge && ip link set xenbr0 up
}
cfg=$(lab_config pv-busybox pv-save)
log=$(guest_log pv-save)
save=/tmp/pv-save.xlt
xlsave=/tmp/pv-save.xl

# The guest's latest heartbeat number.
beat() {
  sed -n 's/.*XLT-GUEST-HEARTBEAT \([0-9]*\).*/\1/p' "$log" | tail -n 1
}
# The heartbeat goes past N within 30 s.
beats_past() {
  wait_until 30 sh -c "[ \"\$(sed -n 's/.*XLT-GUEST-HEARTBEAT \([0-9]*\).*/\1/p' $log | tail -n 1)\" -gt $1 ]"
}
xl_field() { # xl list's column $1 of pv-save
  xl list pv-save 2>/dev/null | awk -v c="$1" 'NR==2 { print $c }'
}
uuid() {
  xl list -v pv-save 2>/dev/null | awk 'NR==2 { print $7 }'
}
entry() { # pv-save's store entry, by its UUID $1
  echo "/var/lib/xlt/domains/$1.json"
}

# 128 MiB: at 80 MiB the Debian kernel has 32 MiB left, and its netfront,
# which allocates its rings afresh on each resume, ran out of memory on the
# second restore (with xl as with xlt).
check "create pv-save: 128 MiB, 2 vCPUs, a vif on xenbr0" \
    xlt create "$cfg" memory=128 vcpus=2 'vif=["bridge=xenbr0"]'
check "it boots" wait_for_log "$log" "XLT-GUEST-HEARTBEAT 2" 90
check "vcpu-pin 1 0 (kept by xltd, not by libxl)" xlt vcpu-pin pv-save 1 0
check "mem-set 112m" xlt mem-set pv-save 112m
id0=$(uuid)
note "pv-save uuid $id0"

# ---- xlt save, xlt restore ------------------------------------------------
n=$(beat)
check "xlt save pv-save $save" sh -c "xlt save pv-save $save >/tmp/save.out 2>/tmp/save.err"
note "save: $(cat /tmp/save.out)"
check "it says what it saved" grep -q "^saved pv-save to $save: .* MiB in .* s" /tmp/save.out
check "and showed progress" grep -q "^saving pv-save: .* MiB after" /tmp/save.err
check "pv-save is gone" sh -c '! xl list pv-save >/dev/null 2>&1'
check "and so is its store entry" test ! -e "$(entry "$id0")"
check "no vif left on xenbr0" sh -c '! ls /sys/class/net/xenbr0/brif | grep -q vif'
check "the file has xl's header" sh -c "head -c 27 $save | grep -q 'Xen saved domain, xl format'"
check "and the config (JSON)" grep -q '"name": "pv-save"' "$save"
check "and xlt's state" grep -q '"xlt_save":1' "$save"
check "xlt restore $save" sh -c "xlt restore $save >/tmp/restore.out 2>/tmp/restore.err"
note "restore: $(cat /tmp/restore.out)"
check "it says what it restored" grep -q "^restored pv-save (id [0-9]*) from $save: .* MiB in" /tmp/restore.out
check "the heartbeat goes on from $n: it kept running" beats_past "$n"
check "it did not boot again" test "$(grep -c XLT-GUEST-UP "$log")" -eq 1
check "same UUID" test "$(uuid)" = "$id0"
check "memory target 112 MiB" test "$(xl_field 3)" = 112
check "2 vCPUs" test "$(xl_field 4)" = 2
check "vCPU 1 still pinned to CPU 0 (xl vcpu-list)" sh -c \
    "xl vcpu-list pv-save | awk '\$3 == 1 { exit \$7 != 0 }'"
check "xltd manages it again (store entry)" test -e "$(entry "$id0")"
check "its vif is on xenbr0 again" sh -c 'ls /sys/class/net/xenbr0/brif | grep -q vif'
check "through xlt's driver" sh -c \
    "xenstore-read /local/domain/0/backend/vif/\$(xl domid pv-save)/0/script | grep -q /vif-bridge\$"

# ---- the file of xlt save restored by xl, xl's by xlt ----------------------
check "xlt save again" xlt save pv-save "$save"
n=$(beat)
check "xl restore of xlt's file" xl restore "$save"
check "the heartbeat goes on under xl" beats_past "$n"
check "xl kept the pinning xlt saved" sh -c \
    "xl vcpu-list pv-save | awk '\$3 == 1 { exit \$7 != 0 }'"
check "xltd does not manage what xl restored" test ! -e "$(entry "$id0")"
check "xl save" xl save pv-save "$xlsave"
n=$(beat)
check "xlt restore of xl's file" xlt restore "$xlsave"
check "the heartbeat goes on under xlt" beats_past "$n"
check "xltd manages it" test -e "$(entry "$id0")"
check "still no second boot" test "$(grep -c XLT-GUEST-UP "$log")" -eq 1
rm -f "$xlsave"

# ---- checkpoint, paused, errors --------------------------------------------
id=$(xl domid pv-save)
check "save -c (a checkpoint)" xlt save -c pv-save "$save"
n=$(beat)
check "pv-save runs on, same domain id" test "$(xl domid pv-save)" = "$id"
check "its heartbeat goes on" beats_past "$n"
check_not "restore while pv-save runs fails" xlt restore "$save"
check "and says why" sh -c "xlt restore $save 2>&1 | grep -q 'a domain named pv-save already exists (id $id); nothing restored'"
check "xltd still restarts it on reboot after the checkpoint" \
    xlt reboot pv-save
check "it comes back" wait_for_count "$log" XLT-GUEST-UP 2 90
check "destroy" xlt destroy pv-save
check "restore -p" xlt restore -p "$save"
check "xl: paused" sh -c "xl_state=\$(xl list pv-save | awk 'NR==2 { print \$5 }'); echo \$xl_state | grep -q p"
check "unpause" xlt unpause pv-save
rm -f "$save"

check_not "save of a domain that does not exist fails" xlt save nosuch "$save"
check_not "save into a missing directory fails" xlt save pv-save /nonexistent/x
check "and names the path" sh -c \
    "xlt save pv-save /nonexistent/x 2>&1 | grep -q '/nonexistent/x: No such file or directory; nothing done'"
mkdir -p /tmp/small && mount -t tmpfs -o size=8m tmpfs /tmp/small
n=$(beat)
check_not "save onto a full file system fails" xlt save pv-save /tmp/small/x
check "and leaves no file" test ! -e /tmp/small/x
check "the guest runs on" beats_past "$n"
check "xl: running, not suspended" sh -c "! xl list pv-save | awk 'NR==2 { print \$5 }' | grep -q s"
umount /tmp/small
check_not "restore of a file that is not a saved domain fails" xlt restore "$cfg"
check "and says so" sh -c \
    "xlt restore $cfg 2>&1 | grep -q '$cfg: not a saved domain'"
check_not "restore of a missing file fails" xlt restore /tmp/nosuch
# a FIFO nobody writes to (or reads from) would block xltd's loop for good
mkfifo /tmp/fifo
check_not "save into a FIFO fails at once" timeout 10 xlt save pv-save /tmp/fifo
check "and says why" sh -c \
    "xlt save pv-save /tmp/fifo 2>&1 | grep -q 'saving pv-save: /tmp/fifo: not a regular file; nothing done'"
check_not "restore from a FIFO fails at once" timeout 10 xlt restore /tmp/fifo
check "and says why" sh -c \
    "xlt restore /tmp/fifo 2>&1 | grep -q '/tmp/fifo: not a regular file'"
check "the guest runs on, xlt list answers" sh -c \
    "timeout 5 xlt list pv-save && ! xl list pv-save | awk 'NR==2 { print \$5 }' | grep -q s"
rm -f /tmp/fifo
check "xlt destroy pv-save" xlt destroy pv-save
check "no domain left" sh -c '! xl list pv-save >/dev/null 2>&1'
exit 0
