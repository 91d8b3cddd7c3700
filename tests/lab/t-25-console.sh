#!/bin/bash
# create with KEY=VALUE overrides and -c; console (typing reaches the guest,
# Ctrl-] detaches, the console ends with the domain); sysrq, trigger, dmesg.
. /lab/lib.sh

cfg=$(lab_config pv-busybox)
log=$(guest_log pv-con)
pgrep -x xltd >/dev/null || xltd

# Overrides: a bad one names the command line and creates nothing.
check_not "a bad override fails" xlt create "$cfg" 'memory="lots"'
check "its error names the command line" sh -c \
    "xlt create $cfg 'memory=\"lots\"' 2>&1 | grep -q '^xlt: create: command line: memory: .lots. is not a number'"
check_not "an override that is not KEY=VALUE fails" xlt create "$cfg" memory
check "nothing was created" sh -c '[ "$(xl list | wc -l)" = 2 ]'

# create -c with overrides: the console shows the guest booting.
attach_start xlt create -c "$cfg" 'name="pv-con"' memory=96
check "create -c shows the guest's console" wait_for_log /tmp/attach.out XLT-GUEST-UP 120
check "create -c said what it created" grep -q "created domain pv-con (id" /tmp/attach.out
attach_type '\035'
check "Ctrl-] detaches create -c" attach_wait 10
check "the overrides took effect (xl list: pv-con, 96 MiB)" sh -c \
    'xl list pv-con | grep -Eq "^pv-con +[0-9]+ +96 "'
check "domid --json shows the domain's entry" sh -c \
    "xlt domid --json pv-con | grep -q '\"domid\": $(xl domid pv-con),'"
n=$(grep -c XLT-GUEST-HEARTBEAT "$log")
check "the guest runs on after the detach" \
    wait_for_count "$log" XLT-GUEST-HEARTBEAT $((n + 2)) 30

# console: what we type reaches the guest (its tty echoes it back).
attach_start xlt console pv-con
check "console shows the guest's heartbeat" \
    wait_for_log /tmp/attach.out XLT-GUEST-HEARTBEAT 30
attach_type 'xlt-typed-this\n'
check "typed text reaches the guest and is echoed" \
    wait_for_log /tmp/attach.out xlt-typed-this 30
attach_type 'more\035'
check "Ctrl-] detaches console" attach_wait 10
# console_records: the audit trail's records of root's consoles of pv-con,
# "OP ID" a line
console_records() {
  sed -nE 's/.*"id":"([0-9a-f]+)","user":"root","uid":0,"role":"admin","op":"(console|console-close)","vm":"pv-con".*"result":"ok".*/\2 \1/p' \
    /var/log/xlt/audit.log
}
# console_closed: the newest console opened was closed, under its id
console_closed() {
  local id
  id=$(console_records | awk '$1 == "console" { id = $2 } END { print id }')
  [ -n "$id" ] && console_records | grep -qx "console-close $id"
}
check "the audit trail has the console's open and close, by root" \
    wait_until 10 console_closed
check_not "console of a missing domain fails" xlt console no-such-domain
check_not "console -t rejects a bad type" xlt console -t vga pv-con

# sysrq and trigger.
check "sysrq h" xlt sysrq pv-con h
check "the guest kernel printed its sysrq help" wait_for_log "$log" "sysrq: HELP" 30
check_not "sysrq wants one letter" xlt sysrq pv-con hh
check "trigger nmi" xlt trigger pv-con nmi
check_not "trigger of an unknown event fails" xlt trigger pv-con poke
check "and says which events there are" sh -c \
    'xlt trigger pv-con poke 2>&1 | grep -q "not a trigger (nmi, reset"'

# A console ends by itself when its domain goes away.
attach_start xlt console pv-con
check "console attached again" wait_for_log /tmp/attach.out XLT-GUEST-HEARTBEAT 30
check "destroy the guest" xlt destroy pv-con
check "the console ends with the domain" attach_wait 20

# dmesg: Xen's console ring, as xl dmesg shows it.
check "dmesg shows Xen's banner" sh -c 'xlt dmesg | grep -q "Xen version 4.17"'
check "its first line is xl's" sh -c \
    '[ "$(xlt dmesg | head -1)" = "$(xl dmesg | head -1)" ]'
check "dmesg --json" sh -c 'xlt dmesg --json | grep -q "\"text\": \".*Xen version"'
check "dmesg -c clears the ring" sh -c \
    'xlt dmesg -c >/dev/null && [ "$(xl dmesg | grep -c "Xen version")" = 0 ]'
exit 0
