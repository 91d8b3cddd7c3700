#!/bin/bash
# Benchmark, run in the lab's dom0 with a second host (make bench boots
# with --peer): live migration of one PVH guest (128 MiB, 1 vCPU) from
# host A to host B over the QEMU socket link, RUNS times (BENCH_RUNS,
# default 5) each, alternating: xlt over TLS, stock `xl migrate` over TCP
# (-s with `socat - TCP:B:8010`, B's socat listener running `xl
# migrate-receive`, as people do with nc), then xlt with migrate_plain = 1
# on both hosts.  Each run A -> B is timed; the way back (B -> A, by the
# same tool) is not.  xlt's downtime from its summary (xl reports none).
. /lab/lib.sh

runs=${BENCH_RUNS:-5}
b=$LAB_PEER
a=${LAB_ADDR%/*}
printf 'LAB-PEER-START\n'

# the same xltd set-up on both hosts: CONF (an xlt.conf text) and the key
xltd_with() {
  printf '%s' "$1" >/tmp/bench.conf
  xltd_restart -f /tmp/bench.conf
}
key=$(migrate_key)
xltd_with ''
# xl's way: a listener running xl migrate-receive, and the -s command
listener='socat -b 1048576 TCP-LISTEN:8010,reuseaddr,fork EXEC:"xl migrate-receive" >/dev/null 2>&1 &'
eval "$listener"
printf '#!/bin/sh\nexec socat -b 1048576 - TCP:%s:8010\n' "$b" >/tmp/to-b
chmod 755 /tmp/to-b

xlt create "$(lab_config pvh-busybox bench-h)" >/dev/null
check "host B answers" wait_until 240 peer true || exit 0
# (the listener on a line of its own: a trailing & would take the whole
# && list into the background, holding the agent's connection open)
check "host B: the key, xltd, xl's listener, the -s command" peer "
  umask 077; printf %s $key >/etc/xlt/migrate.key && xltd || exit 1
  $listener
  printf '#!/bin/sh\nexec socat -b 1048576 - TCP:$a:8010\n' >/tmp/to-a &&
  chmod 755 /tmp/to-a"
wait_for_log "$(guest_log bench-h)" "XLT-GUEST-HEARTBEAT 2" 240 ||
  { check "the PVH guest boots" false; exit 0; }

# timed CMD...: its time in ms (its output in /tmp/bench-h.out), or "fail"
timed() {
  local t0
  t0=$(now_ms)
  if ! "$@" >/tmp/bench-h.out 2>&1; then
    note "failed: $*: $(tail -n 2 /tmp/bench-h.out | tr '\n' ' ')" >&2
    echo fail
    return
  fi
  echo $(($(now_ms) - t0))
}
downtime_ms() {
  sed -n 's/.*downtime \([0-9.]*\) s.*/\1/p' /tmp/bench-h.out |
    awk '{ printf "%d", $1 * 1000 }'
}
# back TOOL: bring the guest home from B, untimed
back() {
  if [ "$1" = xl ]; then
    peer "xl migrate -s /tmp/to-a bench-h $a" >/dev/null
  else
    peer "xlt migrate bench-h $a" >/dev/null
  fi
  wait_until 60 xl list bench-h >/dev/null
}

tls=() xl=() plain=() down_tls=() down_plain=()
for _ in $(seq "$runs"); do
  tls+=("$(timed xlt migrate bench-h "$b")")
  down_tls+=("$(downtime_ms)")
  back xlt
  xl+=("$(timed xl migrate -s /tmp/to-b bench-h "$b")")
  back xl
done
# plain is taken only on named addresses: each host's on the link
xltd_with "$(printf 'migrate_plain = 1\nmigrate_listen = "%s"\n' "$a")"
check "host B: xltd with migrate_plain = 1" peer "
  . /lab/lib.sh; printf 'migrate_plain = 1\\nmigrate_listen = \"%s\"\\n' $b >/tmp/bench.conf &&
  xltd_restart -f /tmp/bench.conf"
for _ in $(seq "$runs"); do
  plain+=("$(timed xlt migrate bench-h "$b")")
  down_plain+=("$(downtime_ms)")
  back xlt
done
xltd_with ''
bench_compare "live migration A -> B (two lab hosts), PVH 128 MiB, xlt TLS / xl over TCP" ms \
  xlt "${tls[*]}" xl "${xl[*]}"
bench_compare "the same, xlt plain / xl over TCP" ms xlt "${plain[*]}" xl "${xl[*]}"
bench_compare "downtime A -> B, xlt TLS / xlt plain (xl reports none)" ms \
  TLS "${down_tls[*]}" plain "${down_plain[*]}"
xl destroy bench-h
exit 0
