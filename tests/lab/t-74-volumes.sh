#!/bin/bash
# The volume commands on LVM: volume-create, -snapshot (the backup
# recipe: snapshot, copy out, remove), -grow, -remove, -list, run by xltd
# (each in a thread of its own) and recorded in its audit trail; lvm as
# the second opinion.  (volume-grow under a running guest, and
# volume-remove of a guest's disk, are in t-72; over -H, t-96.)
. /lab/lib.sh
pgrep -x xltd >/dev/null || xltd

lv_mb() { lvs --noheadings --units m --nosuffix -o lv_size "$1" | tr -d ' '; }

check "a volume group for the tests" lab_vg
check "volume-create xltvg data 16m" sh -c \
    'xlt volume-create xltvg data 16m | grep -q "^/dev/xltvg/data: created"'
check "lvs: 16 MiB" test "$(lv_mb xltvg/data)" = 16.00
check "volume-list: 16 MiB, active, no domain" sh -c \
    'xlt volume-list xltvg | tee /dev/stderr |
     grep -Eq "^xltvg +data +16 +yes +- +-$"'
check "volume-list --json" sh -c \
    'xlt volume-list --json | grep -q "\"lv\": \"data\""'
printf 'XLT-BACKUP-42\n' | dd of=/dev/xltvg/data conv=fsync 2>/dev/null
check "volume-snapshot xltvg/data data-snap" sh -c \
    'xlt volume-snapshot xltvg/data data-snap | grep -q "snapshot of xltvg/data"'
check "volume-list: its origin is data" sh -c \
    'xlt volume-list xltvg | tee /dev/stderr |
     grep -Eq "^xltvg +data-snap +[0-9]+ +yes +data +-$"'
printf 'CHANGED-AFTER\n' | dd of=/dev/xltvg/data conv=fsync 2>/dev/null
check "the copy out of the snapshot has the data of that moment" sh -c \
    'dd if=/dev/xltvg/data-snap of=/tmp/backup.img bs=1M 2>/dev/null &&
     head -c 64 /tmp/backup.img | grep -q XLT-BACKUP-42'
check "volume-remove xltvg/data-snap" xlt volume-remove xltvg/data-snap
check "lvm: gone" sh -c '! lvs xltvg/data-snap >/dev/null 2>&1'
check "volume-grow xltvg/data 32m" xlt volume-grow xltvg/data 32m
check "lvs: 32 MiB" test "$(lv_mb xltvg/data)" = 32.00
check "volume-grow xltvg/data +8m" xlt volume-grow xltvg/data +8m
check "lvs: 40 MiB" test "$(lv_mb xltvg/data)" = 40.00
check_not "growing it to less fails" xlt volume-grow xltvg/data 8m
check "and says what lvm said" sh -c \
    'xlt volume-grow xltvg/data 8m 2>&1 | grep -q "^xlt: volume-grow: lvm lvextend failed: "'
check_not "volume-create of a name taken fails" xlt volume-create xltvg data 8m
check_not "volume-create with a bad size fails" xlt volume-create xltvg x lots
check "and names the size" sh -c \
    "xlt volume-create xltvg x lots 2>&1 | grep -q \"\\\`lots' is not a size\""
check_not "volume-create in a missing VG fails" xlt volume-create novg x 8m
check_not "a volume that is not VG/LV is refused" xlt volume-remove data
check "volume-remove xltvg/data" xlt volume-remove xltvg/data
check "lvm: no volumes left" test -z "$(lvs --noheadings xltvg)"
check "the audit trail has each change, by root" sh -c \
    "grep -F '\"user\":\"root\",\"uid\":0,\"role\":\"admin\",\"op\":\"volume-create\"' /var/log/xlt/audit.log | grep -qF '\"params\":{\"vg\":\"xltvg\",\"name\":\"data\",\"size\":\"16m\"}' &&
     grep -F '\"op\":\"volume-grow\"' /var/log/xlt/audit.log | grep -q '\"result\":\"failed\"' &&
     grep -F '\"op\":\"volume-remove\"' /var/log/xlt/audit.log | grep -q '\"result\":\"ok\"'"
rm -f /tmp/backup.img
exit 0
