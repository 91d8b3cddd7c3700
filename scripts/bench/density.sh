#!/bin/bash
# Benchmark, run in the lab's dom0: density and xltd's footprint.  GUESTS
# (BENCH_GUESTS, default 20) PV guests (1 vCPU, 96 MiB, as the lab's guest
# kernel spans 74 MiB) created one after another by `xlt create -p`, the
# time of each; all destroyed; the same with `xl create -p`.  Paused: the
# toolstack's cost, not 20 guest kernels booting under emulation.  Does
# the create time stay flat as the host fills?  Rows: every create, the
# first 5 and the last 5.  Resident memory: xltd idle and with the guests,
# against xl's per-domain monitor processes (xl has no daemon: each create
# leaves one behind).  20 x 96 MiB must fit: make bench gives the lab 4 GiB.
. /lab/lib.sh

guests=${BENCH_GUESTS:-20}
pgrep -x xltd >/dev/null || xltd
base=$(lab_config pv-busybox bench-d)

# rss_kib PID...: their resident memory together, in KiB
rss_kib() {
  local pid sum=0 kib
  for pid in "$@"; do
    kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
    sum=$((sum + ${kib:-0}))
  done
  echo "$sum"
}

# fill TOOL PREFIX: create GUESTS paused guests PREFIX1.., print each ms
fill() {
  local tool=$1 i cfg t0
  for i in $(seq "$guests"); do
    cfg=/tmp/$2$i.cfg
    sed "s|^name = .*|name = \"$2$i\"|" "$base" >"$cfg"
    t0=$(now_ms)
    if "$tool" create -p "$cfg" memory=96 vcpus=1 >/dev/null 2>&1; then
      echo $(($(now_ms) - t0))
    else
      echo fail
    fi
  done
}

# empty TOOL PREFIX: destroy what fill made
empty() {
  local i
  for i in $(seq "$guests"); do "$1" destroy "$2$i" >/dev/null 2>&1; done
  sleep 2
}

idle=$(rss_kib "$(pgrep -x xltd)")
mapfile -t ours < <(fill xlt dxlt)
full=$(rss_kib "$(pgrep -x xltd)")
empty xlt dxlt
mapfile -t theirs < <(fill xl dxl)
# shellcheck disable=SC2046 # one PID a word
monitors=$(rss_kib $(pgrep -x xl))
note "xl monitor processes with $guests guests: $(pgrep -x xl | wc -l)"
empty xl dxl

bench_compare "create -p, one after another, $guests guests (each create)" ms \
  xlt "${ours[*]}" xl "${theirs[*]}"
bench_compare "the same, the first 5" ms xlt "${ours[*]:0:5}" xl "${theirs[*]:0:5}"
bench_compare "the same, the last 5" ms \
  xlt "${ours[*]: -5}" xl "${theirs[*]: -5}"
bench_compare "resident memory with $guests guests (xltd was $idle KiB idle; xl: its monitors)" \
  KiB xltd "$full" xl "$monitors"
exit 0
