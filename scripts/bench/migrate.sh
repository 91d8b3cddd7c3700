#!/bin/bash
# Benchmark, run in the lab's dom0: live migration of one PVH guest (128
# MiB, 1 vCPU) from the host to itself, RUNS times (BENCH_RUNS, default
# 5) each: xlt over TLS; stock `xl migrate` through a local pipe (xl's -s
# with a command that drops the host name and execs the rest, as Xen's own
# tests do: what ssh would carry, without ssh's encryption); and xl over
# TCP (-s with a command that connects to a socat listener running `xl
# migrate-receive`, as people do with nc), alternating; then xlt with
# migrate_plain = 1.  Total time from the command's start to its end;
# xlt's downtime from its own summary (xl reports none).
. /lab/lib.sh

runs=${BENCH_RUNS:-5}
# xltd with the default configuration (TLS), whatever ran before
xltd_restart
migrate_key >/dev/null
printf '#!/bin/sh\nshift\nexec "$@"\n' >/tmp/selfpipe
# socat with 1 MiB buffers (its default, 8 KiB, makes xl 3x slower here)
printf '#!/bin/sh\nexec socat -b 1048576 - TCP:127.0.0.1:8010\n' >/tmp/xltcp
chmod +x /tmp/selfpipe /tmp/xltcp
socat -b 1048576 TCP-LISTEN:8010,reuseaddr,fork EXEC:"xl migrate-receive" \
  2>/dev/null &
listener=$!

# timed CMD...: the command's time in ms, or "fail"
timed() {
  local t0 t1
  t0=$(now_ms)
  if ! "$@" >/tmp/bench-mig.out 2>&1; then
    note "failed: $*: $(tail -n 2 /tmp/bench-mig.out | tr '\n' ' ')" >&2
    echo fail
    return
  fi
  t1=$(now_ms)
  echo $((t1 - t0))
}
downtime_ms() {
  sed -n 's/.*downtime \([0-9.]*\) s.*/\1/p' /tmp/bench-mig.out |
    awk '{ printf "%d", $1 * 1000 }'
}

xlt create "$(lab_config pvh-busybox bench-m)" >/dev/null
wait_for_log "$(guest_log bench-m)" "XLT-GUEST-HEARTBEAT 2" 240 ||
  { check "the PVH guest boots" false; exit 0; }
tls=() xl=() xltcp=() plain=() down_tls=() down_plain=()
for _ in $(seq "$runs"); do
  tls+=("$(timed xlt migrate bench-m localhost)")
  down_tls+=("$(downtime_ms)")
  xl+=("$(timed xl migrate -s /tmp/selfpipe bench-m localhost)")
  xltcp+=("$(timed xl migrate -s /tmp/xltcp bench-m localhost)")
done
kill "$listener"
printf '%s\n' 'migrate_plain = 1' 'migrate_listen = "127.0.0.1"' >/tmp/plain.conf
xltd_restart -f /tmp/plain.conf
for _ in $(seq "$runs"); do
  plain+=("$(timed xlt migrate bench-m localhost)")
  down_plain+=("$(downtime_ms)")
done
bench_compare "live migration to self, PVH 128 MiB, xlt TLS / xl -s pipe" ms \
  xlt "${tls[*]}" xl "${xl[*]}"
bench_compare "the same, xlt plain (migrate_plain = 1) / xl -s pipe" ms \
  xlt "${plain[*]}" xl "${xl[*]}"
bench_compare "the same, xlt TLS / xl over TCP (socat, as with nc)" ms \
  xlt "${tls[*]}" xl "${xltcp[*]}"
bench_compare "the same, xlt plain / xl over TCP" ms \
  xlt "${plain[*]}" xl "${xltcp[*]}"
bench_compare "downtime, xlt TLS / xlt plain (xl reports none)" ms \
  TLS "${down_tls[*]}" plain "${down_plain[*]}"
xl destroy bench-m
exit 0
