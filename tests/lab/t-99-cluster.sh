#!/bin/bash
# A two-node Pacemaker cluster on the two lab hosts (scripts/lab/run --peer,
# with build/lab/ha-overlay): corosync with two-node quorum, sbd on the
# 8 MiB disk both hosts share (softdog as its watchdog) as the fencing,
# and a PVH guest as an ocf:xlt:domain resource whose disk is an LV of
# the volume group on the other shared disk.  The guest is defined on
# both hosts (xlt define, one UUID); xlt's block driver activates its LV
# on the host it runs on only (Pacemaker runs it on one host at a time,
# and fencing makes sure of a host it cannot reach).  Checked:
# - the resource starts on A (its preferred node), xlt list marks it;
# - a crash is restarted by xltd's on_crash, and Pacemaker lets it be
#   (no failure counted, no restart of its own);
# - xlt destroy of it warns that Pacemaker will start it again, which
#   Pacemaker does;
# - crm_resource --move (what crm resource move and pcs run) makes xlt
#   migrate it live to B: its heartbeat goes on, it does not boot again;
#   (scripts/bench/pacemaker.sh compares that with xlt migrate by hand)
# - B's QEMU killed: A fences B through sbd (B's slot gets the reset) and
#   starts the guest; the failover time is noted;
# - stopping the resource shuts the guest down cleanly.
. /lab/lib.sh

printf 'LAB-PEER-START\n'

b=$LAB_PEER
key=$(migrate_key)
check "xltd with the migration key" xltd_restart
lv=xltshared/ha-disk
uuid=0c7a9e52-5b1d-4f7e-8d3a-2e6f4b9c1d77
logs='/var/log/xen/console/guest-ha-g.log /var/log/xen/console/guest-ha-g--incoming.log'
ups_cmd="cat $logs 2>/dev/null | grep -c XLT-GUEST-UP"
beat_cmd="cat $logs 2>/dev/null | sed -n 's/.*XLT-GUEST-HEARTBEAT \([0-9]*\).*/\1/p' | sort -n | tail -n 1"
on() { # HOST COMMAND: COMMAND's output and status on host a or b
  if [ "$1" = b ]; then peer "$2"; else bash -c "$2"; fi
}
ups_on() { on "$1" "$ups_cmd"; }
beat_on() { on "$1" "$beat_cmd"; }
ups_reach() { # HOST N: the guest's boots on HOST reach N in 150 s
  on "$1" "for i in \$(seq 300); do
    [ \"\$($ups_cmd)\" -ge $2 ] && exit 0; sleep 0.5; done; exit 1"
}
beats_past() { # HOST N: the heartbeat on HOST passes N in 60 s
  on "$1" "for i in \$(seq 120); do
    [ \"\$($beat_cmd)\" -gt $2 ] 2>/dev/null && exit 0; sleep 0.5; done; exit 1"
}
located() { # NODE: Pacemaker says the guest's resource runs (only) there
  [ "$(crm_resource --locate --resource ha-guest 2>/dev/null)" = \
    "resource ha-guest is running on: $1" ]
}
settled() { crm_resource --wait --timeout=240s; }
lv_active_on() { # HOST: the guest's LV is active on HOST
  on "$1" "[ \"\$(lvs --noheadings -o lv_attr $lv | tr -d ' ' | cut -c5)\" = a ]"
}
failcount_on() { # NODE: the resource's failure count there
  crm_failcount --query --resource ha-guest --node "$1" --quiet 2>/dev/null
}
# why (on a failure): the cluster's state and the fencer's log
cluster_why() {
  crm_mon -1 2>&1
  grep -iE 'fenc|stonith|sbd' /var/log/pacemaker/pacemaker.log 2>/dev/null | tail -n 40
  return 1
}
export -f wait_until now_ms to_peer
export -f on ups_on beat_on ups_reach beats_past located settled lv_active_on peer \
  cluster_why
export ups_cmd beat_cmd lv

# ---- the shared storage, the cluster's configuration ---------------------------
sbd=$(sbd_disk)
check "the sbd disk is there (serial lab-sbd): $sbd" test -b "$sbd"
check "sbd's slots on it (watchdog 10 s, msgwait 20 s); VG xltshared on /dev/vda, LV $lv" \
    cluster_storage "$lv"
check "corosync's files for both hosts" cluster_files
check "ha-g's config: $lv as its disk, sysrq, restarts" cluster_guest_config ha-g "$uuid" "$lv"
check "define ha-g on A" xlt define /tmp/ha-g.cfg

# ---- host B, then the cluster --------------------------------------------------
check "host B answers on the link" wait_until 240 peer true
check "B: the key, xltd, the same corosync files and definition" bash -c "
  peer 'umask 077; printf %s $key >/etc/xlt/migrate.key && xltd' &&
  to_peer /etc/corosync/corosync.conf /etc/corosync/authkey /tmp/ha-g.cfg &&
  peer 'xlt define /tmp/ha-g.cfg && vgs xltshared >/dev/null'"
check "A: sbd, corosync and pacemaker up" cluster_node_up
check "B: sbd, corosync and pacemaker up" cluster_peer_up
check "both nodes online in Pacemaker" cluster_online
check "corosync: quorate, two-node" sh -c \
    "corosync-quorumtool -s | grep -q 'Quorate: *Yes' &&
     corosync-quorumtool -s | grep -q '2Node'"
check "sbd: a slot each, clear" sh -c \
    "sbd -d $sbd list | grep -q 'lab-a.*clear' && sbd -d $sbd list | grep -q 'lab-b.*clear'"
note "$(crm_mon -1 | head -n 3 | tr '\n' ' ')"

check "resources: fencing by external/sbd, ha-guest (ocf:xlt:domain ha-g) preferring lab-a" \
    cluster_resources ha-guest ha-g lab-a
check "crm_verify finds nothing wrong" crm_verify --live-check

# ---- started on A ------------------------------------------------------------------
check "Pacemaker starts it on lab-a" wait_until 240 located lab-a
check "it boots on A" ups_reach a 1
check "its heartbeat, on A" beats_past a 1
check "A's driver activated $lv, B did not" bash -c "lv_active_on a && ! lv_active_on b"
check "B runs nothing of it" peer "! xl list ha-g >/dev/null 2>&1"
check "xlt list marks it as cluster resource ha-guest" sh -c \
    "xlt list ha-g | awk 'NR == 2 { exit !(\$7 == \"cluster:ha-guest\") }'"
check "and list --json says so" sh -c \
    "xlt list --json ha-g | grep -q '\"cluster_resource\": \"ha-guest\"'"
check "the fence device runs" bash -c \
    "crm_mon -1 | grep -q 'fence-sbd.*Started' || cluster_why"

# ---- a crash: xltd's on_crash, not Pacemaker's business -------------------------------
check "crash it (sysrq c)" xenstore-write "/local/domain/$(xl domid ha-g)/control/sysrq" c
check "xltd restarts it (on_crash=restart): it boots again" ups_reach a 2
sleep 21 # two of the resource's monitors
check "Pacemaker counted no failure" test "$(failcount_on lab-a)" = 0
check "and restarted nothing itself: two boots, not three" test "$(ups_on a)" = 2
check "it still runs on lab-a" located lab-a

# ---- xlt destroy of a cluster resource -----------------------------------------------
check "xlt destroy ha-g warns that Pacemaker will start it again" bash -c \
    "xlt destroy ha-g >/tmp/ha-destroy.out 2>&1;
     cat /tmp/ha-destroy.out;
     grep -q 'xlt: destroy: warning: ha-g is the cluster resource ha-guest: the cluster will start it again' /tmp/ha-destroy.out"
beats=$(grep -c XLT-GUEST-HEARTBEAT "$(guest_log ha-g)") # the old one's, all
check "which it does, on A" ups_reach a 3
check "one failure counted there" test "$(failcount_on lab-a)" = 1
check "clean up the failure" bash -c \
    "crm_resource --cleanup --resource ha-guest >/dev/null && settled && located lab-a"
check "its heartbeat, on A" wait_for_count "$(guest_log ha-g)" XLT-GUEST-HEARTBEAT $((beats + 1)) 60

# ---- crm_resource --move: a live migration ------------------------------------------
n=$(beat_on a)
t0=$(now_ms)
check "crm_resource --move --resource ha-guest --node lab-b" \
    crm_resource --move --resource ha-guest --node lab-b
check "the cluster settles with it on lab-b" bash -c "settled && located lab-b"
note "a live migration through Pacemaker (crm_resource --move until settled): $(($(now_ms) - t0)) ms"
check "its heartbeat goes on, on B" beats_past b "$n"
check "it did not boot on B" test "$(ups_on b)" = 0
check "Pacemaker migrated it (migrate_from on B)" \
    peer "grep -q 'ha-guest_migrate_from_0' /var/log/pacemaker/pacemaker.log"
check "B's driver activated $lv, A's deactivated it" bash -c "lv_active_on b && ! lv_active_on a"
check "A has nothing of it left" sh -c "! xl list ha-g >/dev/null 2>&1"
check "B's xlt list marks it too (the mark went with it)" \
    peer "xlt list ha-g | awk 'NR == 2 { exit !(\$7 == \"cluster:ha-guest\") }'"
check "crm_resource --clear: it stays (stickiness)" bash -c \
    "crm_resource --clear --resource ha-guest && settled && located lab-b"

# ---- B loses its power: fenced, the guest on A ---------------------------------------
check "B's sbd watches its slot" peer "pgrep -x sbd >/dev/null"
ups=$(ups_on a)
beats=$(grep -c XLT-GUEST-HEARTBEAT "$(guest_log ha-g)" 2>/dev/null)
t0=$(now_ms)
printf 'LAB-PEER-KILL\n'
check "the guest boots on A" bash -c "ups_reach a $((ups + 1)) || cluster_why"
ms_up=$(($(now_ms) - t0))
check "and beats there" wait_for_count "$(guest_log ha-g)" XLT-GUEST-HEARTBEAT $((${beats:-0} + 1)) 60
ms_beat=$(($(now_ms) - t0))
note "failover: B's QEMU killed -> the guest booting on A in $ms_up ms, its heartbeat on A in $ms_beat ms"
check "B was fenced (stonith_admin's history)" bash -c \
    "stonith_admin --history lab-b | grep -q 'successful' || cluster_why"
note "$(stonith_admin --history lab-b | head -n 2 | tr '\n' ' ')"
check "through sbd: B's slot holds the reset" sh -c "sbd -d $sbd list | grep -q 'lab-b.*reset'"
check "Pacemaker: lab-b offline, ha-guest on lab-a" bash -c \
    "crm_mon -1 | grep -q 'OFFLINE: \[ lab-b \]' && located lab-a"
check "A's driver activated $lv" lv_active_on a

# ---- stopping the resource: a clean shutdown -----------------------------------------
check "xlt events follows" events_start /tmp/ha.events xlt events
check "target-role Stopped" crm_resource --resource ha-guest --meta \
    --set-parameter target-role --parameter-value Stopped
check "the cluster settles with it stopped" bash -c \
    "settled && crm_resource --locate --resource ha-guest 2>&1 | grep -q 'NOT running'"
check "the guest powered off (not destroyed)" \
    grep -qE "Z lab-a shutdown ha-g \([0-9]+\) reason=poweroff$" /tmp/ha.events
check_not "nothing of it left on A" xl list ha-g
check "A deactivated $lv" bash -c "! lv_active_on a"
kill "$events_pid" 2>/dev/null

# ---- the cluster stops ----------------------------------------------------------------
check "pacemaker, corosync and sbd stop on A" cluster_node_down
xlt undefine ha-g >/dev/null
