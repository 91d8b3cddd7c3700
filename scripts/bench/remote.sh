#!/bin/bash
# Benchmark, run in the lab's dom0: `xlt list` over the remote API (TLS,
# certificates both ways, to this host's own xltd on 127.0.0.1:8003)
# against `xlt list` on the local socket, 100 calls in a row, RUNS
# (BENCH_RUNS, default 5) times each, alternating, with one PV guest.
# What the remote path adds: a TCP connection, a TLS 1.3 handshake with
# ECDSA P-256 both ways, the server's thread and certificate checks.
. /lab/lib.sh

runs=${BENCH_RUNS:-5}
calls=${BENCH_CALLS:-100}
pki=/tmp/bench-pki
rm -rf "$pki"
xlt pki init bench --dir "$pki" >/dev/null &&
  xlt pki issue host self --alt 127.0.0.1 --dir "$pki" --out "$pki" >/dev/null &&
  xlt pki issue user root --role admin --dir "$pki" --out "$pki" >/dev/null
printf 'remote_port = 8003\npki_dir = "%s"\nremote_allow = "%s/remote.allow"\n' \
  "$pki" "$pki" >/tmp/bench-remote.conf
xltd_restart -f /tmp/bench-remote.conf
xlt create "$(lab_config pv-busybox bench-r)" >/dev/null

# time_calls ARGS...: CALLS calls of xlt ARGS list, in ms
time_calls() {
  local t0 t1 i
  t0=$(now_ms)
  for ((i = 0; i < calls; i++)); do
    XLT_PKI=$pki xlt "$@" list >/dev/null 2>&1 || { echo fail; return; }
  done
  t1=$(now_ms)
  echo $((t1 - t0))
}

a=() b=()
for i in $(seq "$runs"); do
  a+=("$(time_calls -H 127.0.0.1)")
  b+=("$(time_calls)")
done
bench_compare "list over the remote API (TLS) against the local socket, $calls calls" \
  ms remote "${a[*]}" local "${b[*]}"
xlt destroy bench-r >/dev/null
xltd_restart
exit 0
