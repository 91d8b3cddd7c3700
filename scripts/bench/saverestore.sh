#!/bin/bash
# Benchmark, run in the lab's dom0: `xlt save` + `xlt restore` against
# `xl save` + `xl restore` of the same running PV guest (1 vCPU, 256 MiB),
# alternating, RUNS (BENCH_RUNS, default 5) times each, into a tmpfs of
# its own (dom0's /tmp is too small for the image).  The time of each
# command until it returns.
. /lab/lib.sh

runs=${BENCH_RUNS:-5}
pgrep -x xltd >/dev/null || xltd
mkdir -p /bench && mount -t tmpfs -o size=320m tmpfs /bench
cfg=$(lab_config pv-busybox bench-s)

# timed CMD...: its time in ms, or "fail"
timed() {
  local t0
  t0=$(now_ms)
  "$@" >/tmp/bench-sr.out 2>&1 || { echo fail; return; }
  echo $(($(now_ms) - t0))
}

xlt create "$cfg" memory=256 >/dev/null
wait_for_log "$(guest_log bench-s)" "XLT-GUEST-HEARTBEAT 2" 120 ||
  { check "the guest boots" false; exit 0; }
xs=() xr=() ls=() lr=()
for _ in $(seq "$runs"); do
  xs+=("$(timed xlt save bench-s /bench/img)")
  xr+=("$(timed xlt restore /bench/img)")
  rm -f /bench/img
  ls+=("$(timed xl save bench-s /bench/img)")
  lr+=("$(timed xl restore /bench/img)")
  rm -f /bench/img
done
note "image: $(free -m | awk '/Mem:/ { print $4 }') MiB free in dom0 at the end"
bench_compare "save PV 256 MiB (to tmpfs)" ms xlt "${xs[*]}" xl "${ls[*]}"
bench_compare "restore PV 256 MiB (from tmpfs)" ms xlt "${xr[*]}" xl "${lr[*]}"
xl destroy bench-s
umount /bench
exit 0
