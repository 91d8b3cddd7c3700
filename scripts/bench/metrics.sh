#!/bin/bash
# Benchmark, run in the lab's dom0: what watching costs, with GUESTS
# (BENCH_GUESTS, default 20) paused PV guests (96 MiB: the lab's guest
# kernel spans 74) on the host.
# - xltd's CPU time over SECONDS (BENCH_SECONDS, default 30) while a
#   scraper fetches /metrics once a second (curl; its own CPU not
#   counted), against xentop -b -d 1 for as long: both read libxenstat
#   once a second.  Less the CPU xltd takes idle for as long.
# - xlt top -b -d 1 (its own CPU and xltd's, which samples for it)
#   against xentop -b -d 1, the same number of refreshes.
# CPU time in ms from /proc/PID/stat (utime + stime, in clock ticks);
# RUNS (BENCH_RUNS, default 3) of each, alternating.  Needs curl (the
# metrics overlay; make bench adds it).
. /lab/lib.sh

guests=${BENCH_GUESTS:-20}
secs=${BENCH_SECONDS:-30}
runs=${BENCH_RUNS:-3}
command -v curl >/dev/null || { note "metrics bench: no curl in dom0; skipped"; exit 0; }
conf=/etc/xlt/xlt.conf
cp $conf /tmp/xlt.conf.bench 2>/dev/null || : >/tmp/xlt.conf.bench
{ cat /tmp/xlt.conf.bench; echo 'metrics_port = 9101'; echo 'metrics_listen = "127.0.0.1"'; } >$conf
xltd_restart
base=$(lab_config pv-busybox bench-m)
for i in $(seq "$guests"); do
  sed "s|^name = .*|name = \"bm$i\"|" "$base" >"/tmp/bm$i.cfg"
  out=$(xlt create -p "/tmp/bm$i.cfg" memory=96 2>&1) || note "bm$i: not created: $out"
done
hz=$(getconf CLK_TCK 2>/dev/null || echo 100) # busybox has no getconf

# cpu_ms PID: its CPU time so far, ms
cpu_ms() { awk -v hz="$hz" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$1/stat"; }
xltd_pid() { pgrep -x xltd; }

# scraped: xltd's CPU ms over SECS of one scrape a second, less idle's
scraped() {
  local pid t0 t1 idle
  pid=$(xltd_pid)
  t0=$(cpu_ms "$pid"); sleep "$secs"; t1=$(cpu_ms "$pid")
  idle=$((t1 - t0))
  t0=$(cpu_ms "$pid")
  for _ in $(seq "$secs"); do
    curl -sf -o /dev/null http://127.0.0.1:9101/metrics || { echo fail; return; }
    sleep 1
  done
  t1=$(cpu_ms "$pid")
  echo $((t1 - t0 - idle))
}

# children_ticks PID: the CPU ticks of PID's children it has waited for
children_ticks() { awk '{ print $16 + $17 }' "/proc/$1/stat"; }

# xentop_ms N: xentop's CPU ms for N refreshes a second apart
xentop_ms() {
  local me=$BASHPID before after
  before=$(children_ticks "$me")
  xentop -b -d 1 -i "$1" >/dev/null
  after=$(children_ticks "$me")
  echo $(((after - before) * 1000 / hz))
}

# top_ms N: xlt top's CPU ms and xltd's for N refreshes a second apart
top_ms() {
  local me=$BASHPID pid before after t0 t1
  pid=$(xltd_pid)
  t0=$(cpu_ms "$pid")
  before=$(children_ticks "$me")
  xlt top -b -d 1 -i "$1" >/dev/null
  after=$(children_ticks "$me")
  t1=$(cpu_ms "$pid")
  echo $(((after - before) * 1000 / hz + t1 - t0))
}

ours=() theirs=() top=() xentop=()
for r in $(seq "$runs"); do
  ours+=("$(scraped)")
  theirs+=("$(xentop_ms "$secs")")
  top+=("$(top_ms "$secs")")
  xentop+=("$(xentop_ms "$secs")")
  note "metrics run $r: xltd scraped ${ours[-1]} ms, xentop ${theirs[-1]} ms; xlt top ${top[-1]} ms, xentop ${xentop[-1]} ms"
done
bench_compare "watching $guests guests, a sample a second for ${secs} s: xltd's CPU serving /metrics (less idle) against xentop -b -d 1" \
  ms xltd "${ours[*]}" xentop "${theirs[*]}"
bench_compare "xlt top -b -d 1 (with xltd's part) against xentop -b -d 1, $secs refreshes, $guests guests" \
  ms "xlt-top" "${top[*]}" xentop "${xentop[*]}"

for i in $(seq "$guests"); do xlt destroy bm$i >/dev/null 2>&1; done
cat /tmp/xlt.conf.bench >$conf
xltd_restart
exit 0
