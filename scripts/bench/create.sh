#!/bin/bash
# Benchmark, run in the lab's dom0: `xlt create` against `xl create` of the
# same PV config, alternating, RUNS times each; each time until the command
# returns (the domain built and unpaused).  Medians, min, max, ratio.
. /lab/lib.sh

runs=${BENCH_RUNS:-5}
base=$(lab_config pv-busybox bench-base)
pgrep -x xltd >/dev/null || xltd

# time_create TOOL NAME: create, print the ms it took, destroy.
time_create() {
    local tool=$1 name=$2 cfg=/tmp/$2.cfg t0 t1
    sed "s|^name = .*|name = \"$name\"|" "$base" > "$cfg"
    t0=$(now_ms)
    "$tool" create "$cfg" >/dev/null 2>&1 || { echo fail; return; }
    t1=$(now_ms)
    echo $((t1 - t0))
    xl destroy "$name" >/dev/null 2>&1
    sleep 1
}

xlt_ms=() xl_ms=()
for i in $(seq "$runs"); do
    xlt_ms+=("$(time_create xlt "bxlt$i")")
    xl_ms+=("$(time_create xl "bxl$i")")
done
bench_compare "create PV 128 MiB, no devices, until the command returns" ms \
  xlt "${xlt_ms[*]}" xl "${xl_ms[*]}"
exit 0
