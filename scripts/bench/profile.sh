#!/bin/bash
# Profile, run in the lab's dom0 (not a benchmark): where the time goes in
# the step where xlt is slowest against xl, a live migration over TLS (see
# migrate.sh).  perf records the whole of dom0 (cpu-clock: the lab's CPU
# has no PMU; 250 Hz, call graphs) during one migration of a PVH guest (128
# MiB) to this host, then prints, as notes, the share of each process and
# library and the top functions.  Needs perf in dom0 (make bench adds it).
. /lab/lib.sh

command -v perf >/dev/null || { note "profile: no perf in dom0; skipped"; exit 0; }
# xltd with the default configuration (TLS), whatever ran before
xltd_restart
migrate_key >/dev/null

xlt create "$(lab_config pvh-busybox bench-p)" >/dev/null
wait_for_log "$(guest_log bench-p)" "XLT-GUEST-HEARTBEAT 2" 240 ||
  { check "the PVH guest boots" false; exit 0; }
check "perf record of one migration (TLS)" \
  perf record -a -g -e cpu-clock -F 250 -o /tmp/perf.data -- \
  xlt migrate bench-p localhost
# report PERCENT-LIMIT SORT...: the report's lines with a share, as notes
report() {
  perf report -i /tmp/perf.data --stdio --no-children --percent-limit "$1" \
    --sort "$2" -g none 2>/dev/null | grep '%' | head -n 25 |
    while read -r line; do note "profile by $2: $line"; done
}
report 1 comm,dso
report 1 comm,dso,sym
xlt destroy bench-p >/dev/null
exit 0
