#!/bin/bash
# blkback disks on LVM volumes through xlt's own driver (drivers/block-lvm):
# an inactive LV is activated for the guest and deactivated after it; the
# guest writes a pattern that dom0 then reads from the LV; an LV another
# guest writes to is refused; a missing LV fails with its name; an LV dom0
# holds (swap, device-mapper) is refused; of two creates racing for one
# writable LV exactly one wins; none leaves anything behind.
. /lab/lib.sh

driver=/usr/lib/xlt/block-lvm
pgrep -x xltd >/dev/null || xltd
# is LV active? (lv_attr's fifth letter)
active() { [ "$(lvs --noheadings -o lv_attr "$1" | tr -d ' ' | cut -c5)" = a ]; }
inactive() { ! active "$1"; }
no_vbd_of() { ! xenstore-read "/local/domain/0/backend/vbd/$1" >/dev/null 2>&1; }

check "a volume group for the tests" lab_vg
check "lvcreate xltvg/lv0, 16 MiB, left inactive" sh -c \
    'lvcreate -q -L 16M -n lv0 xltvg >/dev/null && lvchange -an xltvg/lv0'
check "it is inactive" inactive xltvg/lv0

cfg=$(lab_config pv-busybox pv-disk)
log=$(guest_log pv-disk)
check "create pv-disk with phy:/dev/xltvg/lv0 as xvdb" \
    xlt create "$cfg" 'disk=["phy:/dev/xltvg/lv0,xvdb,w"]' \
    'extra="console=hvc0 xlt_write=xvdb:XLT-PATTERN-4711"'
id=$(xl domid pv-disk)
be=/local/domain/0/backend/vbd/$id/51728
check "it boots" wait_for_log "$log" XLT-GUEST-UP 90
check "it sees a 16 MiB xvdb" \
    wait_for_log "$log" "XLT-GUEST-DEV block xvdb sectors=32768" 30
check "and writes the pattern to it" wait_for_log "$log" "XLT-GUEST-WROTE xvdb" 30
check "xlt named its own driver" test "$(xenstore-read "$be/script")" = "$driver"
check "the driver activated the LV" active xltvg/lv0
check "physical-device is the LV's MAJOR:MINOR" \
    test "$(xenstore-read "$be/physical-device")" = "$(stat -L -c %t:%T /dev/xltvg/lv0)"
check "physical-device-path" \
    test "$(xenstore-read "$be/physical-device-path")" = /dev/xltvg/lv0
check "hotplug-status: connected" \
    test "$(xenstore-read "$be/hotplug-status")" = connected
check "xl block-list: state 4 (connected)" sh -c \
    "xl block-list pv-disk | awk 'NR == 2 { exit !(\$4 == 4) }'"

# the same LV for a second guest: refused while pv-disk writes to it
cfg2=$(lab_config pv-busybox pv-disk2)
check_not "another guest cannot have lv0 (pv-disk writes to it)" \
    xlt create "$cfg2" 'disk=["phy:/dev/xltvg/lv0,xvdb,r"]'
check "and is told who has it" sh -c \
    "xlt create $cfg2 'disk=[\"phy:/dev/xltvg/lv0,xvdb,r\"]' 2>&1 |
     grep -q 'LV xltvg/lv0 is in use by domain $id'"
check "nothing of pv-disk2 is left" sh -c \
    '! xl list pv-disk2 >/dev/null 2>&1 &&
     ! grep -qs "\"pv-disk2\"" /var/lib/xlt/domains/*.json &&
     [ "$(xenstore-list /local/domain/0/backend/vbd)" = '"$id"' ]'
check "lv0 is still active for pv-disk" active xltvg/lv0

# live hotplug of a second LV, seen from inside the guest
check "lvcreate xltvg/lv1, 8 MiB" sh -c 'lvcreate -q -L 8M -n lv1 xltvg >/dev/null'
check "block-attach pv-disk phy:/dev/xltvg/lv1,xvdc,w" \
    xlt block-attach pv-disk phy:/dev/xltvg/lv1,xvdc,w
check "the guest sees an 8 MiB xvdc" \
    wait_for_log "$log" "XLT-GUEST-DEV block xvdc sectors=16384" 30
check "block-list: xvdc connected, through block-lvm" sh -c \
    "xlt block-list pv-disk | grep -Eq '^xvdc +51744 +0 +4 ' &&
     [ \"\$(xenstore-read /local/domain/0/backend/vbd/$id/51744/script)\" = $driver ]"
check "xl block-list agrees" sh -c \
    "xl block-list pv-disk | awk '\$1 == 51744 { f = \$4 == 4 } END { exit !f }'"
check "block-detach pv-disk xvdc" xlt block-detach pv-disk xvdc
check "the guest's xvdc is gone" wait_until 30 sh -c \
    ". /lab/lib.sh; guest_devs_now $log | grep -q 'block xvdb' &&
     ! guest_devs_now $log | grep -q 'block xvdc'"
check_not "block-detach of a disk it does not have fails" \
    xlt block-detach pv-disk xvdz
check "and says so" sh -c \
    'xlt block-detach pv-disk xvdz 2>&1 | grep -q "has no disk xvdz"'
check_not "block-attach of a missing LV fails" \
    xlt block-attach pv-disk phy:/dev/xltvg/nosuch,xvdd,w
check "and names it" sh -c \
    'xlt block-attach pv-disk phy:/dev/xltvg/nosuch,xvdd,w 2>&1 |
     grep -q "LV xltvg/nosuch does not exist"'
check "pv-disk has its one disk left" \
    test "$(xl block-list pv-disk | awk 'NR > 1' | wc -l)" = 1
lvremove -q -f xltvg/lv1 >/dev/null

# the LV grows under the running guest
check "volume-grow xltvg/lv0 +8m while pv-disk runs" sh -c \
    "xlt volume-grow xltvg/lv0 +8m | grep -q 'domain $id sees the new size'"
check "the guest sees xvdb grow to 24 MiB" \
    wait_for_log "$log" "XLT-GUEST-DEV block xvdb sectors=49152" 30
check_not "volume-remove of its disk is refused" xlt volume-remove xltvg/lv0
check "and says whose disk it is" sh -c \
    "xlt volume-remove xltvg/lv0 2>&1 | grep -q 'is a disk of domain $id'"

# after the guest: the LV is inactive again, and holds what it wrote
check "shutdown -w pv-disk" xlt shutdown -w pv-disk
check "its backend is gone" wait_until 20 no_vbd_of "$id"
check "the driver deactivated the LV" wait_until 10 inactive xltvg/lv0
check "dom0 reads the guest's pattern from the LV" sh -c \
    'lvchange -ay xltvg/lv0 && head -c 64 /dev/xltvg/lv0 | grep -q XLT-PATTERN-4711;
     rc=$?; lvchange -an xltvg/lv0; exit $rc'

# a missing LV
check_not "a disk on a missing LV fails" \
    xlt create "$cfg2" 'disk=["phy:/dev/xltvg/nosuch,xvdb,w"]'
check "and names the LV" sh -c \
    "xlt create $cfg2 'disk=[\"phy:/dev/xltvg/nosuch,xvdb,w\"]' 2>&1 |
     grep -q 'LV xltvg/nosuch does not exist'"
check "nothing is left: no domain, no store entry, no backend" sh -c \
    '! xl list pv-disk2 >/dev/null 2>&1 &&
     ! grep -qs "\"pv-disk2\"" /var/lib/xlt/domains/*.json &&
     [ -z "$(xenstore-list /local/domain/0/backend/vbd 2>/dev/null)" ]'
check "no LV was left active" sh -c \
    '[ -z "$(lvs --noheadings -o lv_attr xltvg | tr -d " " | cut -c5 | grep a)" ]'
# an LV dom0 holds: swap, or under a device-mapper device
check "lvcreate xltvg/held, swapon it in dom0" sh -c \
    'lvcreate -q -L 8M -n held xltvg >/dev/null && mkswap /dev/xltvg/held >/dev/null 2>&1 &&
     swapon /dev/xltvg/held'
check_not "a disk on dom0's swap is refused" \
    xlt create "$cfg2" 'disk=["phy:/dev/xltvg/held,xvdb,w"]'
check "and says dom0 holds it" sh -c \
    "xlt create $cfg2 'disk=[\"phy:/dev/xltvg/held,xvdb,r\"]' 2>&1 |
     grep -q 'LV xltvg/held is in use in dom0 (mounted, swap'"
check "the swap is untouched" grep -q "^$(readlink -f /dev/xltvg/held) " /proc/swaps
swapoff /dev/xltvg/held
check "dmsetup: a linear device on xltvg/held" sh -c \
    "echo 0 \$(blockdev --getsz /dev/xltvg/held) linear /dev/xltvg/held 0 |
     dmsetup create xlt-held"
check_not "a disk under device-mapper is refused" \
    xlt create "$cfg2" 'disk=["phy:/dev/xltvg/held,xvdb,r"]'
dmsetup remove xlt-held
check "nothing of pv-disk2 is left, the LV still active (lvm's, not ours)" sh -c \
    '! xl list pv-disk2 >/dev/null 2>&1 &&
     ! grep -qs "\"pv-disk2\"" /var/lib/xlt/domains/*.json &&
     [ -z "$(xenstore-list /local/domain/0/backend/vbd 2>/dev/null)" ] &&
     [ "$(lvs --noheadings -o lv_attr xltvg/held | tr -d " " | cut -c5)" = a ]'
lvremove -q -f xltvg/held >/dev/null

# two guests race for one writable LV: exactly one gets it, every time
check "lvcreate xltvg/race (-y: held's swap signature is wiped)" sh -c \
    "lvcreate -q -y -L 8M -n race xltvg >/dev/null"
lab_config pv-busybox race-a >/dev/null
lab_config pv-busybox race-b >/dev/null
race_round() {
  xlt create -p /tmp/race-a.cfg 'disk=["phy:/dev/xltvg/race,xvdb,w"]' \
    >/dev/null 2>&1 & a=$!
  xlt create -p /tmp/race-b.cfg 'disk=["phy:/dev/xltvg/race,xvdb,w"]' \
    >/dev/null 2>&1 & b=$!
  wait $a; ra=$?; wait $b; rb=$?
  won=$(xl list | awk '$1 ~ /^race-/' | wc -l)
  xlt destroy race-a >/dev/null 2>&1; xlt destroy race-b >/dev/null 2>&1
  [ $((ra == 0)) -ne $((rb == 0)) ] && [ "$won" = 1 ] ||
    { echo "exits $ra and $rb, $won domains"; return 1; }
}
for round in 1 2; do
  check "race $round: one create wins, the other is refused" race_round
done
check "after the races no backend is left" wait_until 20 sh -c \
    '[ -z "$(xenstore-list /local/domain/0/backend/vbd 2>/dev/null)" ]'
lvremove -q -f xltvg/race >/dev/null

# the sharing rule, with the driver on its own on two fake backends of
# domains 901 and 902: both read, fine; one writes, refused
lvchange -ay xltvg/lv0
dev=$(stat -L -c %t:%T /dev/xltvg/lv0)
for d in 901 902; do
  xenstore-write "/local/domain/0/backend/vbd/$d/51728/params" /dev/xltvg/lv0
  xenstore-write "/local/domain/0/backend/vbd/$d/51728/mode" r
done
check "driver: domain 901 reads lv0" \
    env XENBUS_PATH=backend/vbd/901/51728 $driver add
check "driver: domain 902 may read it too" \
    env XENBUS_PATH=backend/vbd/902/51728 $driver add
check "both have its device" sh -c \
    "[ \"\$(xenstore-read /local/domain/0/backend/vbd/902/51728/physical-device)\" = $dev ]"
xenstore-rm /local/domain/0/backend/vbd/902/51728/physical-device
xenstore-write /local/domain/0/backend/vbd/902/51728/mode w
check_not "driver: but not write it" \
    env XENBUS_PATH=backend/vbd/902/51728 $driver add
check "hotplug-error says who reads it" sh -c \
    'xenstore-read /local/domain/0/backend/vbd/902/51728/hotplug-error |
     grep -q "LV xltvg/lv0 is in use by domain 901"'
xenstore-rm /local/domain/0/backend/vbd/901
xenstore-rm /local/domain/0/backend/vbd/902
lvchange -an xltvg/lv0

# a backend taken away (its domain destroyed) before the add ran, and
# while it waited for the lock: the add fails and writes nothing, which
# would make the backend's directory again, and activates nothing
check_not "driver: an add for a backend that is gone fails" \
    env XENBUS_PATH=backend/vbd/903/51728 $driver add
check "saying so, and makes nothing in xenstore" sh -c \
    "env XENBUS_PATH=backend/vbd/903/51728 $driver add 2>&1 |
       grep -q 'backend/vbd/903/51728: the device was taken away meanwhile' &&
     ! xenstore-exists /local/domain/0/backend/vbd/903"
xenstore-write /local/domain/0/backend/vbd/904/51728/params /dev/xltvg/lv0
xenstore-write /local/domain/0/backend/vbd/904/51728/mode r
rm -f /tmp/lock.held /tmp/lock.release
flock /run/lock/xlt-block-lvm sh -c 'touch /tmp/lock.held
  while [ ! -e /tmp/lock.release ]; do sleep 0.1; done' &
locker=$!
wait_until 10 test -e /tmp/lock.held
env XENBUS_PATH=backend/vbd/904/51728 $driver add 2>/tmp/gone.err &
adder=$!
sleep 1
xenstore-rm /local/domain/0/backend/vbd/904
touch /tmp/lock.release
wait $locker
rc=0
wait $adder || rc=$?
check "driver: an add whose backend went while it waited fails" test $rc -ne 0
check "it made nothing again in xenstore" sh -c \
    '! xenstore-exists /local/domain/0/backend/vbd/904 &&
     grep -q "taken away meanwhile" /tmp/gone.err'
check "nor activated the LV" sh -c \
    '[ "$(lvs --noheadings -o lv_attr xltvg/lv0 | tr -d " " | cut -c5)" != a ]'
lvremove -q -f xltvg/lv0 >/dev/null
exit 0
