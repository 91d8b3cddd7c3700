#!/bin/bash
# Benchmark, run in the lab's dom0: live migration of one PVH guest (128
# MiB, 1 vCPU) from the host to itself, RUNS times (BENCH_RUNS, default
# 5) each: xlt over TLS and stock `xl migrate` through a local pipe
# (xl's -s with a command that drops the host name, as Xen's own tests
# do), alternating; then xlt with migrate_plain = 1.  Total time from the
# command's start to its end; xlt's downtime from its own summary (xl
# reports none).  Medians and ratios.
. /lab/lib.sh

runs=${BENCH_RUNS:-5}
pgrep -x xltd >/dev/null || xltd
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >/etc/xlt/migrate.key
printf '#!/bin/sh\nshift\nexec "$@"\n' >/tmp/selfpipe
chmod +x /tmp/selfpipe /etc/xlt/migrate.key

# timed CMD...: the command's time in ms, or "fail"
timed() {
  local t0 t1
  t0=$(now_ms)
  "$@" >/tmp/bench-mig.out 2>&1 || { echo fail; return; }
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
tls=() xl=() plain=() down_tls=() down_plain=()
for i in $(seq "$runs"); do
  tls+=("$(timed xlt migrate bench-m localhost)")
  down_tls+=("$(downtime_ms)")
  xl+=("$(timed xl migrate -s /tmp/selfpipe bench-m localhost)")
done
pkill -x xltd
while pgrep -x xltd >/dev/null; do sleep 0.2; done
echo 'migrate_plain = 1' >/tmp/plain.conf
xltd -f /tmp/plain.conf
for i in $(seq "$runs"); do
  plain+=("$(timed xlt migrate bench-m localhost)")
  down_plain+=("$(downtime_ms)")
done
mt=$(printf '%s\n' "${tls[@]}" | median)
mx=$(printf '%s\n' "${xl[@]}" | median)
mp=$(printf '%s\n' "${plain[@]}" | median)
note "migrate PVH 128 MiB: xlt TLS ms: ${tls[*]} (downtime ${down_tls[*]})"
note "migrate PVH 128 MiB: xlt plain ms: ${plain[*]} (downtime ${down_plain[*]})"
note "migrate PVH 128 MiB: xl -s pipe ms: ${xl[*]}"
note "migrate PVH 128 MiB: median xlt TLS $mt ms (downtime $(printf '%s\n' "${down_tls[@]}" | median) ms), xlt plain $mp ms (downtime $(printf '%s\n' "${down_plain[@]}" | median) ms), xl $mx ms; TLS/xl $(ratio "$mt" "$mx"), plain/xl $(ratio "$mp" "$mx")"
check "every migration succeeded" sh -c \
    "! echo '${tls[*]} ${xl[*]} ${plain[*]}' | grep -q fail"
xl destroy bench-m
exit 0
