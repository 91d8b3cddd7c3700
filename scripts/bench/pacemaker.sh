#!/bin/bash
# Benchmark, run in the lab's dom0 with a second host and the HA overlay
# (make bench boots with --peer and build/lab/ha-overlay): the two-node
# cluster of t-99 (corosync, sbd, Pacemaker, ocf:xlt:domain), a PVH guest
# (128 MiB) as its resource with its disk on an LV of the shared disk.
# - a live migration through Pacemaker (crm_resource --move to the other
#   node, timed until crm_resource --wait says the cluster settled, then
#   --clear), RUNS times (BENCH_CLUSTER_RUNS, default 3), against `xlt
#   migrate` by hand with the resource unmanaged, as many times, each way
#   in turn;
# - then one failover: B's QEMU killed with the guest on B, timed until its
#   heartbeat on A (one run: B cannot boot again in this boot).
# Last of the benchmarks that need host B: B is gone after it.
. /lab/lib.sh

runs=${BENCH_CLUSTER_RUNS:-3}
printf 'LAB-PEER-START\n'
command -v pacemakerd >/dev/null ||
  { note "pacemaker.sh: no pacemaker here (build/lab/ha-overlay): skipped"; exit 0; }
lv=xltshared/bench-ha
uuid=5d2c8e1a-7b4f-4c3e-9a61-0f8e2d7c4b19
a=${LAB_ADDR%/*}
b=$LAB_PEER
logs='/var/log/xen/console/guest-bench-ha.log /var/log/xen/console/guest-bench-ha--incoming.log'
beat_cmd="cat $logs 2>/dev/null | sed -n 's/.*XLT-GUEST-HEARTBEAT \([0-9]*\).*/\1/p' | sort -n | tail -n 1"
where() { # the node Pacemaker runs the resource on
  crm_resource --locate --resource bench-rsc 2>/dev/null | sed -n 's/.*running on: //p'
}
settled() { crm_resource --wait --timeout=240s; }
other() { if [ "$1" = lab-a ]; then echo lab-b; else echo lab-a; fi; }
addr_of() { if [ "$1" = lab-a ]; then echo "$a"; else echo "$b"; fi; }
on_node() { if [ "$1" = lab-b ]; then peer "$2"; else bash -c "$2"; fi; }
beats_past_on() { # NODE N: the heartbeat on NODE passes N in 60 s
  on_node "$1" "for i in \$(seq 120); do
    [ \"\$($beat_cmd)\" -gt $2 ] 2>/dev/null && exit 0; sleep 0.5; done; exit 1"
}

key=$(migrate_key)
xltd_restart
check "storage, corosync's files, the guest defined on A" bash -c "
  . /lab/lib.sh; cluster_storage $lv && cluster_files &&
  cluster_guest_config bench-ha $uuid $lv && xlt define /tmp/bench-ha.cfg"
check "host B answers" wait_until 240 peer true || exit 0
check "B: the key, xltd, the files, the definition" bash -c "
  . /lab/lib.sh; peer 'umask 077; printf %s $key >/etc/xlt/migrate.key;
    pkill -x xltd; while pgrep -x xltd >/dev/null; do sleep 0.2; done; xltd' &&
  to_peer /etc/corosync/corosync.conf /etc/corosync/authkey /tmp/bench-ha.cfg &&
  peer 'xlt define /tmp/bench-ha.cfg'"
check "the cluster up on both hosts" bash -c \
    ". /lab/lib.sh; cluster_node_up && cluster_peer_up && cluster_online"
check "its resources" cluster_resources bench-rsc bench-ha lab-b
check "the guest runs on lab-b and beats" bash -c "
  . /lab/lib.sh; wait_until 240 sh -c '[ \"\$(crm_resource --locate --resource bench-rsc 2>/dev/null)\" = \"resource bench-rsc is running on: lab-b\" ]' &&
  peer 'for i in \$(seq 240); do grep -q XLT-GUEST-HEARTBEAT $logs 2>/dev/null && exit 0; sleep 0.5; done; exit 1'" ||
  exit 0

# one_move HOW: the guest moved to the other node, HOW being pacemaker
# (crm_resource --move, until the cluster settled) or hand (xlt migrate);
# the seconds until its heartbeat goes on there, or "fail".
move_pacemaker() {
  crm_resource --move --resource bench-rsc --node "$2" >/dev/null 2>&1 &&
    settled >/dev/null 2>&1 && [ "$(where)" = "$2" ]
}
move_hand() { on_node "$1" "xlt migrate bench-ha $(addr_of "$2") >/dev/null 2>&1"; }
one_move() {
  local from to n t0
  from=$(where)
  to=$(other "$from")
  n=$(on_node "$from" "$beat_cmd")
  t0=$(now_ms)
  if "move_$1" "$from" "$to" && beats_past_on "$to" "$n"; then
    echo "$(ratio $(($(now_ms) - t0)) 1000)" # ratio ends no line
  else
    echo fail
  fi
}

# moves HOW ARG: RUNS moves by HOW, each followed by crm_resource ARG (the
# move's constraint cleared, or the resource looked at again) and a
# settled cluster; their times, one a line.
moves() {
  local _
  for _ in $(seq "$runs"); do
    one_move "$1"
    crm_resource "$2" --resource bench-rsc >/dev/null 2>&1
    settled >/dev/null 2>&1
  done
}
managed() { # true|false
  crm_resource --resource bench-rsc --meta --set-parameter is-managed \
    --parameter-value "$1" >/dev/null && settled
}

mapfile -t pm < <(moves pacemaker --clear)
managed false # by hand, Pacemaker told to keep out; it looks after each
mapfile -t hand < <(moves hand --refresh)
managed true
bench_compare "live migration of a cluster resource (PVH 128 MiB, A<->B)" s \
  pacemaker "${pm[*]}" xlt-by-hand "${hand[*]}"

# ---- one failover -------------------------------------------------------------------
if [ "$(where)" = lab-a ]; then
  crm_resource --move --resource bench-rsc --node lab-b >/dev/null 2>&1
  settled
  crm_resource --clear --resource bench-rsc >/dev/null 2>&1
  settled
fi
beats=$(grep -c XLT-GUEST-HEARTBEAT /var/log/xen/console/guest-bench-ha.log 2>/dev/null)
t0=$(now_ms)
printf 'LAB-PEER-KILL\n'
check "failover: the guest beats on A" wait_for_count \
    /var/log/xen/console/guest-bench-ha.log XLT-GUEST-HEARTBEAT $((${beats:-0} + 1)) 240
note "failover (one run): B's QEMU killed -> the guest's heartbeat on A in $(ratio $(($(now_ms) - t0)) 1000) s"
crm_resource --resource bench-rsc --meta --set-parameter target-role \
  --parameter-value Stopped >/dev/null
settled
cluster_node_down >/dev/null
xlt undefine bench-ha >/dev/null
