#!/bin/bash
# Roles and the audit trail (issue 18).  Root on xltd's socket is admin; a
# member of group xlt reads through the read-only socket and is refused
# changes, naming the role they need; one in neither may not connect.
# Every change and every refusal is recorded once, in three sinks: the
# hash-chained file (`xlt audit`, `xlt audit verify`, which one edited
# line makes fail), the journal with XLT_* fields (journald runs here
# without systemd) and auditd's VIRT_* records as libvirt writes them
# (`ausearch -m VIRT_CONTROL`).
. /lab/lib.sh

trail=/var/log/xlt/audit.log
journal="journalctl -D /run/log/journal --no-pager"
as() { # USER CMD: CMD (a shell line) run as USER
  local user=$1
  shift
  busybox su -s /bin/sh "$user" -c "$*"
}

# journald and auditd, as a Debian host runs them (journald needs a
# machine id for its files)
tr -d - </proc/sys/kernel/random/uuid >/etc/machine-id
/lib/systemd/systemd-journald >/dev/null 2>&1 &
journald=$!
check "journald runs" wait_until 10 test -S /run/systemd/journal/socket
check "auditd runs" auditd
# a member of group xlt, and a user in no group of xltd's
echo 'xlt:x:990:alice' >>/etc/group
echo 'alice:x:1000:990::/tmp:/bin/sh' >>/etc/passwd
echo 'bob:x:1001:1001::/tmp:/bin/sh' >>/etc/passwd
check "xltd restarts (group xlt now exists)" xltd_restart
check "its read-only socket is group xlt's" sh -c \
    '[ "$(stat -c "%a %U %G" /run/xlt/xltd-ro.sock)" = "660 root xlt" ]'

# ---- roles ------------------------------------------------------------------
cfg=$(lab_config pv-busybox audited)
check "root (admin) creates a paused guest" xlt create -p "$cfg"
check "alice (group xlt) lists it, through the read-only socket" \
    as alice "xlt list audited"
check_not "alice may not destroy it" as alice "xlt destroy audited"
check "she is told the role it needs" sh -c \
    "busybox su -s /bin/sh alice -c 'xlt destroy audited' 2>&1 | grep -qF \
     'destroy: permission denied: it needs the operator role (this caller, alice, is read-only)'"
check_not "bob (not in group xlt) may not even list" as bob "xlt list"
check "he is told who may" sh -c \
    "busybox su -s /bin/sh bob -c 'xlt list' 2>&1 | grep -qF \
     '(root'\''s; the members of group xlt may read through /run/xlt/xltd-ro.sock)'"
check "root sets its memory" xlt mem-set audited 100m
check "root destroys it" xlt destroy audited

# ---- the file -----------------------------------------------------------------
check "the trail verifies" xlt audit verify
has() { grep -qF "$1" "$trail"; }
check "it has the create, by root (admin), with its UUID" has \
    '"user":"root","uid":0,"role":"admin","op":"create","vm":"audited","uuid":"'
check "alice's refused destroy" sh -c \
    "grep -F '\"user\":\"alice\",\"uid\":1000,\"role\":\"read-only\",\"op\":\"destroy\",\"vm\":\"audited\"' $trail |
     grep -qF '\"result\":\"refused\"'"
check "root's destroy, done" sh -c \
    "grep -F '\"user\":\"root\",\"uid\":0,\"role\":\"admin\",\"op\":\"destroy\",\"vm\":\"audited\"' $trail |
     grep -qF '\"result\":\"ok\"'"
check "nothing for alice's list (it changes nothing)" sh -c \
    "! grep -F '\"user\":\"alice\"' $trail | grep -qF '\"op\":\"list\"'"
check "alice reads the trail: xlt audit" sh -c \
    "busybox su -s /bin/sh alice -c 'xlt audit --since 1h' |
     grep -qE '^[-0-9T:.Z]+ +alice +read-only +destroy +audited +refused +destroy: permission denied'"
check "xlt audit --json" sh -c \
    "xlt audit --json | grep -q '\"op\": \"mem-set\"'"
cp "$trail" /tmp/trail.edited
sed -i 's/"vm":"audited","uuid"/"vm":"innocent","uuid"/' /tmp/trail.edited
check_not "one edited line: xlt audit verify fails" xlt audit verify /tmp/trail.edited
check "naming the record and why" sh -c \
    "xlt audit verify /tmp/trail.edited 2>&1 | grep -qE 'record [0-9]+: its hash does not match its text \(edited\?\)'"
head -n -1 "$trail" >/tmp/trail.cut
grep -v '"op":"mem-set"' "$trail" >/tmp/trail.dropped
check_not "a record dropped: it fails" xlt audit verify /tmp/trail.dropped
check "a file cut at its end still verifies (the journal has the newest hash)" \
    xlt audit verify /tmp/trail.cut
newest=$(xlt audit verify | sed 's/.*newest hash //')

# ---- the journal --------------------------------------------------------------
check "the journal has alice's refusal, with its fields" sh -c \
    "$journal XLT_OP=destroy XLT_USER=alice XLT_RESULT=refused -o json |
     grep -q '\"XLT_REQUEST_ID\"'"
check "and the trail file's newest hash" sh -c \
    "$journal XLT_AUDIT_HASH=$newest -o cat | grep -q 'audit: destroy audited by root (admin): ok'"
check "each operation has its MESSAGE_ID" sh -c \
    "[ \$($journal XLT_OP=destroy -o json | grep -o '\"MESSAGE_ID\":\"[0-9a-f]*\"' | sort -u | wc -l) = 1 ]"

# ---- auditd ------------------------------------------------------------------
check "ausearch finds the start (VIRT_CONTROL)" sh -c \
    "ausearch -m VIRT_CONTROL --raw | grep 'virt=xen op=start reason=booted vm=\"audited\"' | grep -q 'res=success'"
check "the refused destroy, failed" sh -c \
    "ausearch -m VIRT_CONTROL --raw | grep 'op=stop reason=destroyed vm=\"audited\"' | grep -q 'res=failed'"
check "and the destroy" sh -c \
    "ausearch -m VIRT_CONTROL --raw | grep 'op=stop reason=destroyed vm=\"audited\"' | grep -q 'res=success'"
check "the memory change (VIRT_RESOURCE)" sh -c \
    "ausearch -m VIRT_RESOURCE --raw | grep -q 'virt=xen resrc=mem reason=update vm=\"audited\" uuid=[-0-9a-f]* old-mem=[0-9]* new-mem=102400'"
check "the start's identity (VIRT_MACHINE_ID)" sh -c \
    "ausearch -m VIRT_MACHINE_ID --raw | grep -q 'virt=xen vm=\"audited\"'"

# back to the boot's own: no auditd, no journald
auditctl -e 0 >/dev/null 2>&1
pkill -x auditd
kill "$journald"
check "xltd runs on" pgrep -x xltd
