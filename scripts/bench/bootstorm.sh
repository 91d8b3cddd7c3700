#!/bin/bash
# Benchmark, run in the lab's dom0: a boot storm.  GUESTS (BENCH_GUESTS,
# default 20) PV guests of 96 MiB started when the host boots: by xltd's
# host boot (defined, autostart on, one order; xltd started with no
# /run/xlt/booted, host_parallel at a time, the default 4), against what
# Debian's xendomains does with /etc/xen/auto (do_start_auto: `xen create
# --quiet --defconfig FILE` for each file, one after another; `xen` is
# Debian's wrapper for xl, the script itself needs Python and the LSB
# init functions, which the lab's dom0 has not, so its loop is run here
# as it is written).  The time: from xltd's start (or the loop's) until
# every guest is built and running (xltd's log says "host boot: ...";
# each xl create returns once its guest runs).  The guests then boot
# under emulation side by side, for both tools alike: on CPU 1 only, with
# dom0's vCPUs on CPU 0, as a host that keeps cores for dom0 does; left
# to share, 20 emulated kernels booting starve dom0 and the toolstacks
# measure the emulator (first run so: xlt 129 s, xl 97 s).  RUNS
# (BENCH_RUNS, default 3) of each, alternating.  20 x 96 MiB must fit:
# make bench gives the lab 4 GiB.
. /lab/lib.sh

guests=${BENCH_GUESTS:-20}
runs=${BENCH_RUNS:-3}
log=/var/log/xlt/xltd.log
auto=/tmp/bench-auto
pgrep -x xltd >/dev/null || xltd
base=$(lab_config pv-busybox bench-b)
mkdir -p "$auto"
xl vcpu-pin 0 all 0 >/dev/null
for i in $(seq "$guests"); do
  sed -e "s|^name = .*|name = \"bs$i\"|" -e 's|^memory = .*|memory = 96|' \
    "$base" >"$auto/bs$i.cfg"
  echo 'cpus = "1"' >>"$auto/bs$i.cfg"
  xlt define "$auto/bs$i.cfg" >/dev/null
  xlt autostart "bs$i" on >/dev/null
done

# empty: every bs guest destroyed (by xl, which sees them all)
empty() {
  local i
  for i in $(seq "$guests"); do xl destroy "bs$i" >/dev/null 2>&1; done
  sleep 2
}

# A fifo nobody writes: `read -t` on it is a sleep that forks nothing.
mkfifo /tmp/bench-nap
exec {nap}<>/tmp/bench-nap

# storm_end FD: the line that ends the host boot, read from FD (the log,
# opened before xltd started) with bash's own read and nap: the waiting
# side forks nothing, so that dom0's one CPU goes to xltd, not to the
# measuring (a loop of sed and grep every 0.1 s took a fifth of it).
storm_end() {
  local line
  while :; do
    while read -r -u "$1" line; do
      case $line in *"host boot: "*" autostarted, "*) echo "$line"; return ;; esac
    done
    read -r -t 0.1 -u "$nap" _
  done
}

# xlt_storm: ms from xltd's start after a "boot" until it has started all
xlt_storm() {
  local t0 fd end
  pkill -x xltd
  while pgrep -x xltd >/dev/null; do sleep 0.2; done
  rm -f /run/xlt/booted
  exec {fd}<"$log"
  while read -r -u "$fd" _; do :; done
  t0=$(now_ms)
  xltd
  end=$(storm_end "$fd")
  exec {fd}<&-
  case $end in
  *", $guests autostarted, 0 failed"*) echo $(($(now_ms) - t0)) ;;
  *) echo fail ;;
  esac
}

# xl_storm: ms for xendomains' loop over $auto
xl_storm() {
  local t0 file ok=1
  t0=$(now_ms)
  for file in "$auto"/*; do
    xl create --quiet --defconfig "$file" >/dev/null 2>&1 || ok=0
  done
  if [ $ok = 1 ]; then echo $(($(now_ms) - t0)); else echo fail; fi
}

ours=() theirs=()
for r in $(seq "$runs"); do
  ours+=("$(xlt_storm)")
  empty
  theirs+=("$(xl_storm)")
  empty
  note "boot storm run $r: xlt ${ours[-1]} ms, xl ${theirs[-1]} ms"
done
for i in $(seq "$guests"); do xlt undefine "bs$i" >/dev/null; done
xl vcpu-pin 0 all all >/dev/null

bench_compare "boot storm: $guests guests started at host boot (xltd's autostart against xendomains' loop of xl create)" \
  ms xlt "${ours[*]}" xl "${theirs[*]}"
exit 0
