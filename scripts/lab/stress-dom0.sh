#!/bin/bash
# An experiment, not a test: is dom0 sane while guests come and go?  Six
# PV guests are created and destroyed while dom0 sorts 20,000 numbers in
# a loop and checks each result.  Run it as
#   LAB_QEMU_CPU=... scripts/lab/run --overlay build/lab/overlay \
#       scripts/lab/stress-dom0.sh
# and read "checker: N runs, M bad" and dom0's segfaults in the serial log.
# The environment does not reach dom0: edit MODE (attach: a console is
# attached to each guest; none) and TOOL (xlt, or xl: stock xl without
# xltd) below.  It found the XSAVE memory corruption that scripts/lab/run
# now avoids.
. /lab/lib.sh

MODE=attach
TOOL=xlt

cfg=$(lab_config pv-busybox)
[ "$TOOL" = xl ] || pgrep -x xltd >/dev/null || xltd
seq 1 20000 | sort -r >/tmp/numbers
want=$(seq 1 20000 | md5sum)
(
  n=0 bad=0
  while [ ! -e /tmp/stop ]; do
    got=$(sort -n /tmp/numbers | md5sum 2>&1)
    [ "$got" = "$want" ] || { bad=$((bad + 1)); echo "checker: bad: $got"; }
    n=$((n + 1))
  done
  echo "checker: $n runs, $bad bad"
) &
for i in 1 2 3 4 5 6; do
  log=$(guest_log "g$i")
  check "create g$i" "$TOOL" create "$cfg" "name=\"g$i\""
  [ "$MODE" != attach ] || attach_start xlt console "g$i"
  check "g$i boots" wait_for_log "$log" XLT-GUEST-UP 120
  check "destroy g$i" "$TOOL" destroy "g$i"
  [ "$MODE" != attach ] || check "console ends" attach_wait 20
done
touch /tmp/stop
sleep 3
grep -m1 flags /proc/cpuinfo
dmesg | grep -iE "segfault|general protection|traps:" | head
exit 0
