#!/bin/bash
# Migration of a host to itself through its own xltd listener (as Xen's
# own tests do): a PVH guest live, twice (the second with --json), over
# TLS with the pool's key; a PV guest, which this Xen cannot migrate live
# (no shadow paging), refused in one line and then moved with --non-live.
# The guests' heartbeat counters go on (they kept running), names and
# UUIDs stay, xltd manages them afterwards, nothing is left over; failures
# leave the guest where it was.  A sender that hears nothing after "go"
# (or is killed then) asks the target, and resumes or destroys its copy.
. /lab/lib.sh

pgrep -x xltd >/dev/null || xltd
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >/etc/xlt/migrate.key
chmod 600 /etc/xlt/migrate.key

# A migrated-in domain is first NAME--incoming, and xenconsoled keeps the
# log name it began with: the guest's heartbeats are in either log.
beat() {
  cat "$(guest_log "$1")" "$(guest_log "$1--incoming")" 2>/dev/null |
    sed -n 's/.*XLT-GUEST-HEARTBEAT \([0-9]*\).*/\1/p' | sort -n | tail -n 1
}
beats_past() { # NAME N: its heartbeat passes N within 30 s
  wait_until 30 sh -c "[ \"\$(cat $(guest_log "$1") $(guest_log "$1--incoming") 2>/dev/null | sed -n 's/.*XLT-GUEST-HEARTBEAT \([0-9]*\).*/\1/p' | sort -n | tail -n 1)\" -gt $2 ]"
}
ups() { # NAME: how often it booted
  cat "$(guest_log "$1")" "$(guest_log "$1--incoming")" 2>/dev/null |
    grep -c XLT-GUEST-UP
}
uuid() { xl list -v "$1" 2>/dev/null | awk 'NR==2 { print $7 }'; }
leftovers() { # none of NAME--incoming, NAME--migratedaway
  ! xl list | grep -Eq -- "--(incoming|migratedaway)"
}

check "xltd takes migrations on port 8002" sh -c \
    'grep -q "taking migrations on port 8002 (TLS)" /var/log/xlt/xltd.log ||
     ss -ltn 2>/dev/null | grep -q ":8002 "'

# ---- PV: refused live, moved --non-live ---------------------------------------
# with a writable LV disk: its other copy here is not "another domain"
check "a volume group" lab_vg
check "lvcreate xltvg/mig0 for pv-mig's disk" lvcreate -q -y -L 8M -n mig0 xltvg
pv=$(lab_config pv-busybox pv-mig)
check "create pv-mig, xvdb on phy:/dev/xltvg/mig0 (w)" xlt create "$pv" vcpus=2 \
    'disk=["phy:/dev/xltvg/mig0,xvdb,w"]'
check "it boots" wait_for_log "$(guest_log pv-mig)" "XLT-GUEST-HEARTBEAT 2" 90
check "vcpu-pin 1 0" xlt vcpu-pin pv-mig 1 0
id=$(xl domid pv-mig)
u=$(uuid pv-mig)
check_not "live migration of a PV guest is refused" xlt migrate pv-mig localhost
check "in one line that says why and what to do" sh -c \
    "[ \$(xlt migrate pv-mig localhost 2>&1 | wc -l) -eq 1 ] &&
     xlt migrate pv-mig localhost 2>&1 | grep -q 'no shadow paging.*--non-live'"
check "pv-mig untouched (same id)" test "$(xl domid pv-mig)" = "$id"
n=$(beat pv-mig)
check "migrate --non-live pv-mig localhost" sh -c \
    "xlt migrate --non-live pv-mig localhost >/tmp/mig.out 2>/tmp/mig.err"
note "pv --non-live: $(cat /tmp/mig.out)"
check "the summary says non-live, TLS, downtime" grep -q \
    "^migrated pv-mig to localhost (non-live, TLS): .* MiB in .* s, downtime .* s (the whole transfer" /tmp/mig.out
check "it showed progress" grep -q "^migrating pv-mig to localhost" /tmp/mig.err
check "pv-mig has a new id" test "$(xl domid pv-mig)" != "$id"
check "the same UUID" test "$(uuid pv-mig)" = "$u"
check "its heartbeat goes on: it kept running" beats_past pv-mig "$n"
check "its new copy has xvdb on mig0, and no other domain does" sh -c \
    "[ \"\$(xenstore-read /local/domain/0/backend/vbd/\$(xl domid pv-mig)/51728/physical-device)\" = \$(stat -L -c %t:%T /dev/xltvg/mig0) ] &&
     [ \"\$(xenstore-list /local/domain/0/backend/vbd)\" = \$(xl domid pv-mig) ]"
check "it did not boot again" test "$(ups pv-mig)" -eq 1
check "vCPU 1 still pinned to CPU 0" sh -c \
    "xl vcpu-list pv-mig | awk '\$3 == 1 { exit \$7 != 0 }'"
check "xltd manages it (store entry)" test -e "/var/lib/xlt/domains/$u.json"
check "no --incoming or --migratedaway domain left" leftovers

# ---- PVH: live, twice ---------------------------------------------------------------
pvh=$(lab_config pvh-busybox pvh-mig)
check "create pvh-mig (PVH, 128 MiB)" xlt create "$pvh"
check "it boots" wait_for_log "$(guest_log pvh-mig)" "XLT-GUEST-HEARTBEAT 2" 240
u=$(uuid pvh-mig)
check "mem-set pvh-mig 112m" xlt mem-set pvh-mig 112m
check "vcpu-pin pvh-mig 0 1" xlt vcpu-pin pvh-mig 0 1
id=$(xl domid pvh-mig)
n=$(beat pvh-mig)
check "live migration of pvh-mig to localhost" sh -c \
    "xlt migrate pvh-mig localhost >/tmp/mig.out 2>/tmp/mig.err"
note "pvh live: $(cat /tmp/mig.out)"
check "the summary says live, downtime" grep -q \
    "^migrated pvh-mig to localhost (live, TLS): .* MiB in .* s, downtime" /tmp/mig.out
check "pvh-mig has a new id" test "$(xl domid pvh-mig)" != "$id"
check "the same UUID" test "$(uuid pvh-mig)" = "$u"
check "its heartbeat goes on" beats_past pvh-mig "$n"
check "it did not boot again" test "$(ups pvh-mig)" -eq 1
check "no leftovers" leftovers
# the target keeps a record of each "go" it took, for a sender that heard
# nothing more and asks (the id is the migration's, from its hello)
mid=$(sed -n 's/.*pvh-mig: migrating in from .*"id":"\([0-9a-f]*\)".*/\1/p' \
      /var/log/xlt/xltd.log | tail -n 1)
answer_has() { # UUID ID TEXT: the target's answer to the question has TEXT
  /lab/bin/hostile-peer 127.0.0.1 8002 /etc/xlt/migrate.key ask \
      "{\"xlt_migrate\":1,\"ask\":\"$1\",\"id\":\"$2\"}" | grep -F "$3"
}
check "the migration had an id, $mid" test "${#mid}" -eq 32
check "asked, the target says it took that go" \
    answer_has "$u" "$mid" '{"runs":true}'
check "and not another's" \
    answer_has "$u" 0123456789abcdef0123456789abcdef '{"runs":false}'
check "a question without an id gets an error" \
    answer_has "$u" nope '"error":"no migration id"'
# the second time, the migrated copy moves again
id=$(xl domid pvh-mig)
n=$(beat pvh-mig)
check "migrate --json, again" sh -c \
    "xlt migrate --json pvh-mig localhost >/tmp/mig.json && grep -q '\"downtime\":' /tmp/mig.json"
check "a new id again, its heartbeat goes on, no second boot" sh -c \
    "[ \$(xl domid pvh-mig) != $id ] && [ \$(cat $(guest_log pvh-mig) $(guest_log pvh-mig--incoming) 2>/dev/null | grep -c XLT-GUEST-UP) -eq 1 ]"
check "its heartbeat goes on" beats_past pvh-mig "$n"
check "after two migrations: memory target 112 MiB (xl list)" sh -c \
    "[ \"\$(xl list pvh-mig | awk 'NR==2 { print \$3 }')\" = 112 ]"
check "and vCPU 0 still pinned to CPU 1 (xl vcpu-list)" sh -c \
    "xl vcpu-list pvh-mig | awk '\$3 == 0 { exit \$7 != 1 }'"
# what a migration of pvh-mig sends, in MiB (for the cuts below)
total=$(($(sed -n 's/.*"bytes": *\([0-9]*\).*/\1/p' /tmp/mig.json) / 1048576))
note "a migration of pvh-mig sends $total MiB"

# ---- failures: nothing moves, nothing is left --------------------------------
id=$(xl domid pvh-mig)
# a deadline (what Pacemaker's migrate_to needs): cancelled in time, the
# guest runs on here
n=$(beat pvh-mig)
check_not "migrate --timeout 1: cancelled ($total MiB take longer)" sh -c \
    "xlt migrate --timeout 1 pvh-mig localhost >/tmp/dl.out 2>/tmp/dl.err"
check "it says the deadline passed and the guest runs on here" sh -c \
    "grep -q 'not handed over within its deadline of 1 s: cancelled; it runs on here' /tmp/dl.err"
check "pvh-mig still runs here, same id" sh -c "[ \$(xl domid pvh-mig) = $id ]"
check "its heartbeat goes on after the cancel" beats_past pvh-mig "$n"
check "no --incoming copy left after the cancel" wait_until 20 leftovers
check_not "migrate --timeout 0: refused" xlt migrate --timeout 0 pvh-mig localhost
check_not "migrate to a port nobody listens on fails" xlt migrate pvh-mig localhost:8009
check "pvh-mig still runs here, same id" test "$(xl domid pvh-mig)" = "$id"
mv /etc/xlt/migrate.key /tmp/key
check_not "migrate without the pool's key fails" xlt migrate pvh-mig localhost
check "and says where the key should be" sh -c \
    "xlt migrate pvh-mig localhost 2>&1 | grep -q '/etc/xlt/migrate.key'"
mv /tmp/key /etc/xlt/migrate.key
# Cuts: the connection goes through a relay (socat), killed once the
# sender's progress shows about 10% and 90% of what it sends.
sent_mib() {
  sed -n 's/^migrating pvh-mig to localhost: \([0-9]*\)\..*/\1/p' /tmp/cut.err |
    tail -n 1
}
for pct in 10 90; do
  socat TCP-LISTEN:8003,reuseaddr TCP:localhost:8002 &
  relay=$!
  sleep 0.5
  n=$(beat pvh-mig)
  xlt migrate pvh-mig localhost:8003 >/dev/null 2>/tmp/cut.err &
  mig=$!
  while kill -0 $mig 2>/dev/null; do
    [ "$(sent_mib)" -ge $((total * pct / 100)) ] 2>/dev/null && break
    sleep 0.2
  done
  kill $relay 2>/dev/null
  check_not "a connection cut at ${pct}% ($(sent_mib) MiB sent) fails" wait $mig
  wait $relay 2>/dev/null
  note "cut at ${pct}%: $(tail -n 1 /tmp/cut.err)"
  check "it says the guest runs on here" grep -q "it runs on here, and the target keeps nothing" /tmp/cut.err
  check "pvh-mig runs on here, same id" test "$(xl domid pvh-mig)" = "$id"
  check "its heartbeat goes on" beats_past pvh-mig "$n"
  check "no leftovers" wait_until 10 leftovers
  check "the store entry is still there" test -e "/var/lib/xlt/domains/$u.json"
done
check "the receiving side logged each failure and kept nothing" test \
    "$(grep -c "migration of pvh-mig from .* failed: .*nothing kept" /var/log/xlt/xltd.log)" -ge 2

# The target's xltd killed in the middle of the stream: a second xltd on
# this host (its own socket, pid file, state and port 8004) receives.
mkdir -p /tmp/xltB
printf '%s\n' 'migrate_port = 8004' 'state_dir = "/tmp/xltB"' \
  'socket = "/tmp/xltB/sock"' 'pid_file = "/tmp/xltB/pid"' \
  'log_file = "/tmp/xltB/log"' 'audit_log = "/tmp/xltB/audit.log"' >/tmp/xltB.conf
check "a second xltd takes migrations on port 8004" xltd -f /tmp/xltB.conf
( sleep 6; kill -9 "$(cat /tmp/xltB/pid)" ) &
n=$(beat pvh-mig)
check_not "migrating to it fails when it is killed mid-stream" sh -c \
    "xlt migrate pvh-mig localhost:8004 >/dev/null 2>/tmp/kill.err"
note "target killed: $(tail -n 1 /tmp/kill.err)"
wait
check "pvh-mig runs on here, same id" test "$(xl domid pvh-mig)" = "$id"
check "its heartbeat goes on" beats_past pvh-mig "$n"
note "left by the killed xltd: $(xl list | grep -c -- --incoming) domain(s)"
# (its receive policy lets the domain's own copy keep its UUID meanwhile)
check "it was killed mid-stream: it left a half-received domain" \
    sh -c 'xl list | grep -q -- --incoming'
check "that xltd starts again" xltd -f /tmp/xltB.conf
check "and destroys what it half received" \
    wait_until 20 sh -c '! xl list | grep -q -- --incoming'
check "no leftovers" leftovers
pidB=$(cat /tmp/xltB/pid)
kill "$pidB"
while kill -0 "$pidB" 2>/dev/null; do sleep 0.2; done

# After "go" the sender cannot tell alone whether the target runs the
# domain; it asks the target.  hostile-peer --target takes a migration up
# to "go" and never says "running", then answers that question.
listening() { grep -q ":$(printf %04X "$1") 00000000:0000 0A" /proc/net/tcp; }
target() { # AFTER-GO ANSWER
  /lab/bin/hostile-peer --target 8006 /etc/xlt/migrate.key "$1" "$2" \
      >/tmp/target.out 2>&1 &
  wait_until 10 listening 8006
}
# 1. the sender's xltd killed (-9) after "go"; the target says it does
#    not run the domain: the next xltd resumes it here
u=$(uuid pvh-mig)
id=$(xl domid pvh-mig)
target stall gone
xlt migrate pvh-mig localhost:8006 >/dev/null 2>&1 &
mig=$!
check "the target takes pvh-mig up to go" wait_until 120 grep -q "got go" /tmp/target.out
check "pvh-mig waits here, suspended, as pvh-mig--migratedaway" sh -c \
    "xl list pvh-mig--migratedaway | awk 'NR == 2 { exit \$5 !~ /s/ }'"
check "the handover is noted" test -e "/var/lib/xlt/away/$u.json"
check "the sender's xltd is killed (-9)" sh -c \
    'kill -9 "$(cat /run/xlt/xltd.pid)"; while pgrep -x xltd >/dev/null; do sleep 0.2; done'
wait "$mig"
check "a new xltd starts" xltd
check "it asks the target, which does not run it" wait_until 30 grep -q "answered" /tmp/target.out
check "so it resumes pvh-mig here, same id" \
    wait_until 30 sh -c "[ \"\$(xl domid pvh-mig)\" = $id ]"
check "where its heartbeat goes on" beats_past pvh-mig "$(beat pvh-mig)"
check "managed again: its store entry is back, the note gone" sh -c \
    "test -e /var/lib/xlt/domains/$u.json && test ! -e /var/lib/xlt/away/$u.json"
check "the log says so" grep -q \
    "pvh-mig ($id): localhost does not run it: resumed here" /var/log/xlt/xltd.log
check "no leftovers" leftovers
check "xltd still manages it: reboot restarts it" xlt reboot pvh-mig

# 2. the target hangs up after "go" and then says it runs the domain:
#    the sender destroys its copy
upv=$(uuid pv-mig)
target close runs
check_not "migrating pv-mig to a target that hangs up after go fails" sh -c \
    "xlt migrate --non-live pv-mig localhost:8006 2>/tmp/go.err"
note "hung up after go: $(tail -n 1 /tmp/go.err)"
check "saying its copy waits until xltd has asked the target" \
    grep -q "suspended as pv-mig--migratedaway until xltd has asked the target" /tmp/go.err
check "xltd asks; the target says it runs it" wait_until 30 grep -q "answered" /tmp/target.out
check "so the copy here is destroyed" \
    wait_until 30 sh -c '! xl list pv-mig--migratedaway 2>/dev/null && ! xl list pv-mig 2>/dev/null'
check "no store entry, no note left" sh -c \
    "test ! -e /var/lib/xlt/domains/$upv.json && test ! -e /var/lib/xlt/away/$upv.json"
check "the log says so" grep -q \
    "pv-mig: localhost runs it; its copy here is destroyed" /var/log/xlt/xltd.log
check "destroy pvh-mig" xlt destroy pvh-mig
check "mig0 is no one's disk any more: lvremove takes it" wait_until 20 \
    lvremove -q -f xltvg/mig0
grep -E "migrat" /var/log/xlt/xltd.log | tail -n 12 | while read -r line; do
  note "xltd: $line"
done
exit 0
