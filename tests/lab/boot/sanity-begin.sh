#!/bin/bash
# First in every lab boot: a background checker sorts the same numbers
# every few seconds and records any run whose digest differs.  It guards
# the lab itself: with XSAVE exposed by QEMU's TCG, dom0's processes saw
# corrupted memory whenever a guest ran (see LAB.md notes in README).
. /lab/lib.sh

seq 1 5000 | sort -r >/tmp/sanity.numbers
want=$(sort -n /tmp/sanity.numbers | md5sum)
check "dom0 sorts numbers right" [ "${want%% *}" = "$(seq 1 5000 | md5sum | cut -d' ' -f1)" ]
: >/tmp/sanity.bad
(
  while :; do
    got=$(sort -n /tmp/sanity.numbers 2>&1 | md5sum 2>&1)
    [ "$got" = "$want" ] || echo "$(date +%T) $got" >>/tmp/sanity.bad
    sleep 3
  done
) </dev/null >/dev/null 2>&1 &
echo $! >/tmp/sanity.pid
exit 0
