#!/bin/bash
# Diagnostic, run in the lab's dom0 (not part of CI): how often do PVH
# guests triple-fault on this machine's QEMU?  Stock xl only, so xlt is out
# of the picture: one PVH guest, PROBE_MIGRATIONS (default 12) live
# migrations to self through a local pipe, then PROBE_CREATES (default 5)
# create + destroy; a guest that dies is created again.  Prints one
# LAB-NOTE with the counts.  Run it with different LAB_QEMU_ACCEL /
# LAB_QEMU_CPU / LAB_XEN_EXTRA and compare (an iteration takes ~30 s:
# raise LAB_TEST_TIMEOUT and --timeout with the counts):
#   scripts/lab/run --overlay build/lab/overlay scripts/lab/fault-probe.sh
. /lab/lib.sh

migrations=${PROBE_MIGRATIONS:-12}
creates=${PROBE_CREATES:-5}
cfg=$(lab_config pvh-busybox probe)
printf '#!/bin/sh\nshift\nexec "$@"\n' >/tmp/selfpipe
chmod +x /tmp/selfpipe

faults() { xl dmesg | grep -c "Triple fault"; }
# up N: the guest exists and its console has shown N heartbeats
up() {
  xl domid probe >/dev/null 2>&1 &&
    wait_for_count "$(guest_log probe)" XLT-GUEST-HEARTBEAT "$1" 60
}
fresh() {
  xl destroy probe >/dev/null 2>&1
  rm -f "$(guest_log probe)"
  xl create "$cfg" >/dev/null 2>&1
}

t0=$(now_ms)
lost=0 failed=0
fresh
up 1 || lost=$((lost + 1))
for _ in $(seq "$migrations"); do
  n=$(grep -c XLT-GUEST-HEARTBEAT "$(guest_log probe)")
  xl migrate -s /tmp/selfpipe probe localhost >/dev/null 2>&1 ||
    failed=$((failed + 1))
  if ! up $((n + 2)); then
    lost=$((lost + 1))
    fresh
    up 1 || lost=$((lost + 1))
  fi
done
m_faults=$(faults)
boot_lost=0
for _ in $(seq "$creates"); do
  fresh
  up 1 || boot_lost=$((boot_lost + 1))
done
xl destroy probe >/dev/null 2>&1
t1=$(now_ms)
note "fault probe (accel ${LAB_QEMU_ACCEL:-tcg}, cpu ${LAB_QEMU_CPU:-default}, ${LAB_QEMU_MEM:-2048} MiB): $migrations migrations," \
  "$failed failed, $lost guests lost, $m_faults triple faults;" \
  "$creates boots, $boot_lost lost, $(($(faults) - m_faults)) triple faults;" \
  "$(((t1 - t0) / 1000)) s"
check "fault probe ran" true
