#!/bin/bash
# Benchmark, run in the lab's dom0: `xlt list` and `xlt info` against
# `xl list` and `xl info`, 100 calls in a row, RUNS (BENCH_RUNS, default 5)
# times each, alternating, with one PV guest running.
. /lab/lib.sh

runs=${BENCH_RUNS:-5}
calls=${BENCH_CALLS:-100}
pgrep -x xltd >/dev/null || xltd
xlt create "$(lab_config pv-busybox bench-q)" >/dev/null

# time_calls TOOL CMD: CALLS calls of TOOL CMD, in ms
time_calls() {
  local t0 t1 i
  t0=$(now_ms)
  for ((i = 0; i < calls; i++)); do
    "$1" "$2" >/dev/null 2>&1 || { echo fail; return; }
  done
  t1=$(now_ms)
  echo $((t1 - t0))
}

for cmd in list info; do
  a=() b=()
  for i in $(seq "$runs"); do
    a+=("$(time_calls xlt $cmd)")
    b+=("$(time_calls xl $cmd)")
  done
  bench_compare "$cmd, $calls calls" ms xlt "${a[*]}" xl "${b[*]}"
done
xlt destroy bench-q >/dev/null
exit 0
