#!/bin/bash
# Live migration between two lab hosts (scripts/lab/run --peer): A (here,
# 10.99.0.1) and B (10.99.0.2), two QEMUs joined by a socket network on
# the build machine's 127.0.0.1, each with xltd and the pool's key.  A PVH
# guest with a vif on xenbr0 and its disk on an LV goes A -> B -> A.  The
# storage: both QEMUs have the same raw file as a virtio disk (as hosts
# share a SAN LUN); it holds one volume group, so the LV has the same name
# on both, and xlt's block driver activates it on the host the guest runs
# on and deactivates it on the host it left.  Each move: the guest keeps
# running (its heartbeat goes on, it did not boot again), keeps its UUID,
# its vif is on the target's xenbr0 (the target pings it), its disk is
# connected there, its dedicated core is one of the target's, and the
# host it left has nothing of it (domain, vif, vbd, LV activation, store
# entry, dedicated core).
. /lab/lib.sh

# host B boots now, while this host makes the guest
printf 'LAB-PEER-START\n'

pgrep -x xltd >/dev/null || xltd
key=$(migrate_key)
a=${LAB_ADDR%/*}
b=$LAB_PEER
lv=xltshared/mig-disk

# dom0's side of the guests' network, the same on both hosts
bridge='ip link show xenbr0 >/dev/null 2>&1 ||
  { ip link add xenbr0 type bridge && ip link set xenbr0 up; }
ip addr show xenbr0 | grep -q 10.9.0.1/24 || ip addr add 10.9.0.1/24 dev xenbr0'

active() { [ "$(lvs --noheadings -o lv_attr "$lv" | tr -d ' ' | cut -c5)" = a ]; }
inactive_here() { ! active; }
inactive_on_b() {
  peer "[ \"\$(lvs --noheadings -o lv_attr $lv | tr -d ' ' | cut -c5)\" != a ]"
}
# heartbeats, in either of a host's logs for the guest (a migrated-in
# domain starts as NAME--incoming, and xenconsoled keeps that log name)
logs='/var/log/xen/console/guest-mig-h.log /var/log/xen/console/guest-mig-h--incoming.log'
beat_cmd="cat $logs 2>/dev/null | sed -n 's/.*XLT-GUEST-HEARTBEAT \([0-9]*\).*/\1/p' | sort -n | tail -n 1"
ups_cmd="cat $logs 2>/dev/null | grep -c XLT-GUEST-UP"
beat() { sh -c "$beat_cmd"; }
beats_past_on() { # HOST N: the heartbeat on HOST (a or b) passes N in 30 s
  local cmd="for i in \$(seq 60); do
    [ \"\$($beat_cmd)\" -gt $2 ] && exit 0; sleep 0.5; done; exit 1"
  if [ "$1" = b ]; then peer "$cmd"; else bash -c "$cmd"; fi
}
uuid() { xl list -v mig-h 2>/dev/null | awk 'NR==2 { print $7 }'; }
# the guest on a core of its own (xl: in pool xlt-dedicated, which holds
# one CPU, vCPU 0 pinned to CPU 1, the one dom0 does not keep)
dedicated_cmd='[ "$(xl list -c mig-h | awk "NR == 2 { print \$NF }")" = xlt-dedicated ] &&
  [ "$(xl cpupool-list | awk "\$1 == \"xlt-dedicated\" { print \$2 }")" = 1 ] &&
  [ "$(xl vcpu-list mig-h | awk "\$3 == 0 { print \$7 }")" = 1 ]'
# all CPUs back in Pool-0
pool0_cmd='[ "$(xl cpupool-list | awk "\$1 == \"Pool-0\" { print \$2 }")" = 2 ] &&
  ! xl cpupool-list | grep -q xlt-dedicated'
# nothing of the guest on a host: no domain, no vif, no vbd, no entry
gone_cmd='! xl list mig-h >/dev/null 2>&1 &&
  ! xl list | grep -q -- "mig-h--" &&
  ! ls /sys/class/net/xenbr0/brif | grep -q vif &&
  [ -z "$(xenstore-list /local/domain/0/backend/vbd 2>/dev/null)" ] &&
  ! grep -qs "\"mig-h\"" /var/lib/xlt/domains/*.json'
# the guest, connected on a host: vif on its xenbr0, disk state 4
here_cmd='xl list mig-h >/dev/null &&
  ls /sys/class/net/xenbr0/brif | grep -q vif &&
  xl block-list mig-h | awk "NR == 2 { exit !(\$4 == 4) }" &&
  ping -c 3 -W 2 10.9.0.2 >/dev/null'

# ---- the storage both hosts see --------------------------------------------------
check "the shared disk is /dev/vda" test -b /dev/vda
check "a volume group xltshared on it" sh -c \
    'pvcreate -q /dev/vda >/dev/null && vgcreate -q xltshared /dev/vda >/dev/null'
check "LV $lv, 16 MiB, left inactive" sh -c \
    "lvcreate -q -L 16M -n mig-disk xltshared >/dev/null && lvchange -an $lv"
check "xenbr0 at 10.9.0.1/24" sh -c "$bridge"

cfg=$(lab_config pvh-busybox mig-h)
check "create mig-h (PVH, 128 MiB, vif on xenbr0, xvda on $lv, a dedicated core)" \
    xlt create "$cfg" dedicated_cpus=1 'vif=["bridge=xenbr0,mac=00:16:3e:00:09:02"]' \
    "disk=[\"phy:/dev/$lv,xvda,w\"]" \
    'extra="console=hvc0 xlt_ip=10.9.0.2/24 xlt_write=xvda:XLT-PATTERN-MIG"'

# ---- host B ----------------------------------------------------------------------
check "host B answers on the link" wait_until 240 peer true
note "host B: $(peer 'hostname; uptime')"
check "B has the same key and runs xltd" peer \
    "umask 077; printf %s $key >/etc/xlt/migrate.key && xltd"
check "B: xenbr0 at 10.9.0.1/24" peer "$bridge"
check "B sees the volume group on the shared disk" peer "vgs xltshared"
check "B: $lv is inactive" inactive_on_b
# the link, before blaming the toolstack for a slow migration: 8 MiB
peer "timeout 60 socat -u TCP-LISTEN:7001,reuseaddr - | wc -c" >/tmp/link.out &
sleep 2
t0=$(now_ms)
dd if=/dev/zero bs=1048576 count=8 2>/dev/null | socat -u - "TCP:$b:7001"
wait
note "link A->B: $(tr -d ' \n' </tmp/link.out) bytes in $(($(now_ms) - t0)) ms"

check "mig-h boots" wait_for_log "$(guest_log mig-h)" "XLT-GUEST-HEARTBEAT 2" 240
check "it wrote its pattern to xvda" \
    wait_for_log "$(guest_log mig-h)" "XLT-GUEST-WROTE xvda" 30
check "A's driver activated $lv" active
check "A has it connected, and pings it" sh -c "$here_cmd"
check "it has a core of its own" sh -c "$dedicated_cmd"
u=$(uuid)
id=$(xl domid mig-h)
check_not "migrating it to this host is refused: no free core for it" \
    sh -c "xlt migrate mig-h localhost 2>/tmp/self.err"
check "the error says so" grep -q "cannot dedicate 1 CPU(s) to mig-h.*only 0 free" /tmp/self.err
check "it runs on, same id" test "$(xl domid mig-h)" = "$id"
check "and keeps its core" sh -c "$dedicated_cmd"

# ---- A -> B ------------------------------------------------------------------------
n=$(beat)
check "xlt migrate mig-h $b (live)" sh -c \
    "xlt migrate mig-h $b >/tmp/mig.out 2>/tmp/mig.err"
note "A->B: $(cat /tmp/mig.out)"
check "the summary says live, TLS, downtime" grep -q \
    "^migrated mig-h to $b (live, TLS): .* MiB in .* s, downtime" /tmp/mig.out
check "B runs mig-h, with the same UUID" \
    test "$(peer "xl list -v mig-h | awk 'NR==2 { print \$7 }'")" = "$u"
check "its heartbeat goes on, on B" beats_past_on b "$n"
check "it did not boot again" test "$(peer "$ups_cmd")" -eq 0
check "B has it connected (vif on B's xenbr0, disk state 4) and pings it" \
    peer "$here_cmd"
check "B's driver activated $lv" peer "lvs --noheadings -o lv_attr $lv | tr -d ' ' | cut -c5 | grep -q a"
check "B reads on $lv what the guest wrote on A" \
    peer "head -c 64 /dev/$lv | grep -q XLT-PATTERN-MIG"
check "xltd on B manages it (store entry)" \
    peer "test -e /var/lib/xlt/domains/$u.json"
check "it has a core of its own on B" peer "$dedicated_cmd"
check "A has nothing of mig-h left" sh -c "$gone_cmd"
check "A deactivated $lv" inactive_here
check "A's CPUs are all in Pool-0 again" sh -c "$pool0_cmd"

# ---- B -> A ------------------------------------------------------------------------
n=$(peer "$beat_cmd")
check "xlt migrate mig-h $a on B (live)" \
    peer "xlt migrate mig-h $a >/tmp/mig.out 2>/tmp/mig.err"
note "B->A: $(peer cat /tmp/mig.out)"
check "A runs mig-h again, same UUID" test "$(uuid)" = "$u"
check "its heartbeat goes on, on A" beats_past_on a "$n"
check "it booted only once" test "$(sh -c "$ups_cmd")" -eq 1
check "A has it connected and pings it" sh -c "$here_cmd"
check "A's driver activated $lv again" active
check "it has a core of its own on A again" sh -c "$dedicated_cmd"
check "B has nothing of mig-h left" peer "$gone_cmd"
check "B deactivated $lv" inactive_on_b
check "B's CPUs are all in Pool-0 again" peer "$pool0_cmd"
check "xltd on A manages it (store entry)" test -e "/var/lib/xlt/domains/$u.json"

check "destroy mig-h" xlt destroy mig-h
check "$lv is inactive again" inactive_here
peer "grep -E migrat /var/log/xlt/xltd.log | tail -n 4" | while read -r line; do
  note "B's xltd: $line"
done
exit 0
