#!/bin/bash
# Stopping xltd in the middle of work, and killing it there.  A create is
# held in the middle (the test holds block-lvm's lock, so the disk's
# driver waits with the domain half built):
# - SIGTERM, the create ends within stop_timeout: xltd waits for it,
#   answers `list' and refuses changes meanwhile, exits 0; the domain runs
#   and the next xltd manages it;
# - SIGTERM, the create still held at stop_timeout: xltd aborts it
#   through libxl, the client is told, nothing of the domain is left
#   (domain, store entry, its nodes in xenstore, its LV's activation),
#   xltd exits 0;
# - kill -9: the next xltd destroys the half-built domain, and leaves
#   nothing of it either;
# - the state directory full: a create is refused; one that filled it
#   while being built ends well, and the next xltd keeps it.
# Then a save killed with the domain suspended (the next xltd resumes
# it), and migrations: to a target whose state directory is full (it does
# not take the go), a target that gets SIGTERM mid-stream, a sender
# killed (-9) mid-stream (the next xltd resumes the domain) and one that
# gets SIGTERM mid-stream (cancelled): each time the domain runs on here
# and the target keeps nothing.
. /lab/lib.sh

LOCK=/run/lock/xlt-block-lvm
LOG=/tmp/stop-xltd.log
STORE=/var/lib/xlt/domains

pkill -x xltd
while pgrep -x xltd >/dev/null; do sleep 0.2; done
stop_timeout() { printf 'stop_timeout = %s\n' "$1" >/tmp/stop.conf; }
stop_timeout 60
: >"$LOG"
start_xltd() { # in the foreground, so that its exit status is ours to see
  xltd -d -f /tmp/stop.conf 2>>"$LOG" &
  xltd_pid=$!
  wait_until 20 sh -c 'xlt list >/dev/null 2>&1'
}
hold_lock() { # block-lvm's adds wait until release_lock
  rm -f /tmp/lock.held /tmp/lock.release
  flock "$LOCK" sh -c 'touch /tmp/lock.held
    while [ ! -e /tmp/lock.release ]; do sleep 0.1; done' &
  lock_pid=$!
  wait_until 10 test -e /tmp/lock.held
}
release_lock() { touch /tmp/lock.release; wait "$lock_pid"; }
held_in_driver() { # NAME exists, and its disk's driver waits
  wait_until 60 sh -c "xl list $1 >/dev/null 2>&1 && pgrep -f block-lvm >/dev/null"
}
held_create() { # NAME: its create in the background ($create), held;
  # its disk's LV inactive, for block-lvm to activate; its id in $held
  lvchange -q -an xltvg/stop0
  hold_lock
  xlt create "$(lab_config pv-busybox "$1")" "$disk" >"/tmp/$1.out" 2>&1 &
  create=$!
  check "$1 is half built, its disk's driver waiting" held_in_driver "$1"
  held=$(xl domid "$1")
}
lv_inactive() { # stop0 is not active (block-lvm deactivated what it activated)
  [ "$(lvs --noheadings -o lv_attr xltvg/stop0 | tr -d ' ' | cut -c5)" != a ]
}
nothing_of() { # NAME: no domain, no store entry
  ! xl list "$1" >/dev/null 2>&1 && ! grep -qs "\"$1\"" $STORE/*.json
}
xs_left() { # DOMID: what xenstore still has of it
  local kind
  for kind in $(xenstore-list /local/domain/0/backend 2>/dev/null); do
    xenstore-exists "/local/domain/0/backend/$kind/$1" && echo "backend/$kind/$1"
  done
  xenstore-exists "/libxl/$1" && echo "/libxl/$1"
  xenstore-exists "/local/domain/$1" && echo "/local/domain/$1"
  return 0
}
xs_clean() { # DOMID: xenstore has nothing of it
  local left
  left=$(xs_left "$1")
  [ -z "$left" ] || { echo "left: $left"; return 1; }
}
exits_with() { # CODE PID: the background job PID ends with CODE
  local rc=0
  wait "$2" || rc=$?
  [ "$rc" = "$1" ] || { echo "exit $rc"; return 1; }
}
fails() { # PID: the background job PID ends non-zero
  local rc=0
  wait "$1" || rc=$?
  [ "$rc" != 0 ]
}

check "a volume group" lab_vg
check "lvcreate xltvg/stop0" lvcreate -q -y -L 8M -n stop0 xltvg
disk='disk=["phy:/dev/xltvg/stop0,xvdb,w"]'
check "xltd starts (stop_timeout = 60)" start_xltd

# ---- SIGTERM; the create ends during the drain ------------------------------
held_create stop-a
check "its store entry is marked building" test -e \
    "$STORE/$(xl list -v stop-a | awk 'NR==2 { print $7 }').json.building"
kill -TERM "$xltd_pid"
check "SIGTERM: xltd waits for the create" wait_until 10 grep -q \
    "stopping: 1 operation under way; waiting up to 60 s" "$LOG"
check "xlt list still answers" sh -c 'xlt list | grep -q "^stop-a "'
check_not "a change is refused meanwhile" xlt pause stop-a
check "saying why" sh -c \
    'xlt pause stop-a 2>&1 | grep -q "pause: xltd is stopping (try again once it is back)"'
release_lock
check "the create ends well" exits_with 0 "$create"
check "xltd exits 0 once it has" exits_with 0 "$xltd_pid"
check "stop-a runs (not paused)" sh -c \
    "xl list stop-a | awk 'NR==2 { exit \$5 ~ /p/ }'"
check "its entry is marked building no longer" sh -c \
    "! test -e $STORE/\$(xl list -v stop-a | awk 'NR==2 { print \$7 }').json.building"
stop_timeout 5
check "the next xltd manages it (stop_timeout = 5)" start_xltd
check "destroy stop-a" xlt destroy stop-a
check "stop-a's disk is let go" wait_until 20 sh -c \
    '[ -z "$(xenstore-list /local/domain/0/backend/vbd 2>/dev/null)" ]'
check "nothing of stop-a is left" nothing_of stop-a
check "block-lvm deactivated the LV it had activated" lv_inactive

# ---- SIGTERM; the create is still held at stop_timeout -------------------------
held_create stop-b
kill -TERM "$xltd_pid"
check "after 5 s xltd aborts it" wait_until 20 grep -q \
    "stopping: 1 operation still under way after 5 s: aborting" "$LOG"
check "xltd exits 0" exits_with 0 "$xltd_pid"
check "the create failed" fails "$create"
note "aborted create: $(tail -n 1 /tmp/stop-b.out)"
release_lock
check "no stop-b domain, no store entry" wait_until 20 nothing_of stop-b
check "nothing of it in xenstore (backends, /libxl, /local/domain)" \
    wait_until 20 xs_clean "$held"
check "its LV is not left active" lv_inactive

# ---- kill -9 in the middle of a create -----------------------------------------
check "xltd starts" start_xltd
held_create stop-c
kill -9 "$xltd_pid"
wait "$xltd_pid" 2>/dev/null
check "its create fails" fails "$create"
release_lock
check "the half-built stop-c is still there" xl list stop-c
check "the next xltd starts" start_xltd
check "and destroys it, saying why" wait_until 20 grep -q \
    "stop-c ([0-9]*): half built when an xltd stopped; destroying it" "$LOG"
check "no stop-c domain, no store entry" wait_until 20 nothing_of stop-c
check "nothing of it in xenstore (backends, /libxl, /local/domain)" \
    wait_until 20 xs_clean "$held"
check "its LV is not left active" lv_inactive

# ---- the state directory full, before and in the middle of a create -------------
# A domain's entry is written before libxl builds it, marked building;
# the mark must go once it is built even when nothing more can be written
# there, or the next xltd destroys a running guest as half built.
kill "$xltd_pid"
wait "$xltd_pid" 2>/dev/null
mkdir -p /tmp/full && mount -t tmpfs -o size=512k tmpfs /tmp/full
printf '%s\n' 'stop_timeout = 5' 'state_dir = "/tmp/full"' >/tmp/stop.conf
fill() { dd if=/dev/zero of=/tmp/full/fill bs=4k >/dev/null 2>&1; true; }
check "an xltd with its state on a 512 KiB file system" start_xltd
fill
check_not "a create with the state directory full fails" \
    xlt create "$(lab_config pv-busybox full-a)"
check "saying so; nothing created" sh -c "xlt create /tmp/full-a.cfg 2>&1 |
    grep -qF \"full-a: cannot record it in /tmp/full/domains (see xltd's log); nothing created\" &&
    ! xl list full-a 2>/dev/null"
rm -f /tmp/full/fill
held_create full-b
entry=/tmp/full/domains/$(xl list -v full-b | awk 'NR==2 { print $7 }').json
check "its entry is marked building" test -e "$entry.building"
fill
release_lock
check "the create ends well, the disk full" exits_with 0 "$create"
check "its entry is marked building no longer" test ! -e "$entry.building"
kill -9 "$xltd_pid"
wait "$xltd_pid" 2>/dev/null
rm -f /tmp/full/fill
check "the next xltd starts" start_xltd
check "it keeps full-b running, and manages it: destroy" sh -c \
    "xl list full-b >/dev/null && ! grep -q 'full-b .*half built' $LOG &&
     xlt destroy full-b"
kill "$xltd_pid"
wait "$xltd_pid" 2>/dev/null
umount /tmp/full
stop_timeout 5
check "the lab's xltd starts again" start_xltd
lvremove -q -f xltvg/stop0 >/dev/null

# ---- kill -9 while a save has the domain suspended ------------------------------
cfg=$(lab_config pv-busybox stop-s)
check "create stop-s" xlt create "$cfg"
check "it boots" wait_for_log "$(guest_log stop-s)" "XLT-GUEST-HEARTBEAT 2" 90
xlt save stop-s /tmp/stop-s.save >/dev/null 2>&1 &
save=$!
check "the save suspends it" wait_until 30 sh -c \
    "xl list stop-s | awk 'NR==2 { exit \$5 !~ /s/ }'"
kill -STOP "$xltd_pid"
kill -9 "$xltd_pid"
wait "$xltd_pid" 2>/dev/null
wait "$save"
check "the killed xltd left stop-s suspended" sh -c \
    "xl list stop-s | awk 'NR==2 { exit \$5 !~ /s/ }'"
n=$(grep -c XLT-GUEST-HEARTBEAT "$(guest_log stop-s)")
check "the next xltd starts" start_xltd
check "and resumes it, saying why" wait_until 20 grep -q \
    "stop-s ([0-9]*): left suspended by a save or migration an xltd did not finish; resuming it" "$LOG"
check "stop-s runs on (its heartbeat goes on)" wait_until 30 sh -c \
    "[ \$(grep -c XLT-GUEST-HEARTBEAT $(guest_log stop-s)) -gt $n ]"
check "xltd manages it: destroy" xlt destroy stop-s
rm -f /tmp/stop-s.save

# ---- SIGTERM to a migration's sender mid-stream ----------------------------------
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >/etc/xlt/migrate.key
chmod 600 /etc/xlt/migrate.key
mkdir -p /tmp/stopB/state && mount -t tmpfs -o size=512k tmpfs /tmp/stopB/state
printf '%s\n' 'migrate_port = 8006' 'state_dir = "/tmp/stopB/state"' \
  'socket = "/tmp/stopB/sock"' 'pid_file = "/tmp/stopB/pid"' \
  'log_file = "/tmp/stopB/log"' 'audit_log = "/tmp/stopB/audit.log"' >/tmp/stopB.conf
check "a second xltd takes migrations on port 8006" xltd -f /tmp/stopB.conf
cfg=$(lab_config pv-busybox stop-m)
check "create stop-m" xlt create "$cfg"
check "it boots" wait_for_log "$(guest_log stop-m)" "XLT-GUEST-HEARTBEAT 2" 90
id=$(xl domid stop-m)
target_kept_nothing() {
  check "the target kept nothing" wait_until 20 sh -c \
      '! xl list | grep -q -- --incoming && ! ls /tmp/stopB/state/domains/*.json 2>/dev/null'
}
migrating() { # stop-m's migration to port 8006 in the background ($mig)
  xlt migrate --non-live stop-m localhost:8006 >/tmp/stop-m.out 2>&1 &
  mig=$!
  check "the migration streams (stop-m suspended)" wait_until 30 sh -c \
      "xl list stop-m | awk 'NR==2 { exit \$5 !~ /s/ }'"
}
heartbeat_on() { # stop-m runs on here, same id, its heartbeat going on
  local n
  n=$(grep -c XLT-GUEST-HEARTBEAT "$(guest_log stop-m)")
  check "stop-m runs on here (same id, heartbeat goes on)" sh -c \
      "[ \$(xl domid stop-m) = $id ] && . /lab/lib.sh &&
       wait_until 30 sh -c '[ \$(grep -c XLT-GUEST-HEARTBEAT $(guest_log stop-m)) -gt $n ]'"
}

# the target's state directory full: it cannot record the domain as its
# own, so it does not take the go, and the domain runs on here
dd if=/dev/zero of=/tmp/stopB/state/fill bs=4k >/dev/null 2>&1
check_not "a migration to a target whose state directory is full fails" \
    sh -c 'xlt migrate --non-live stop-m localhost:8006 >/tmp/stop-m.out 2>&1'
check "the target says why" grep -qF \
    "the target could not rename, record and unpause it" /tmp/stop-m.out
check "stop-m runs on here, the same domain" sh -c \
    "[ \$(xl domid stop-m) = $id ] && xl list stop-m | awk 'NR==2 { exit \$5 ~ /[spd]/ }'"
target_kept_nothing
rm -f /tmp/stopB/state/fill
# the target's xltd gets SIGTERM mid-stream: it cancels what it received
migrating
target_pid=$(cat /tmp/stopB/pid)
kill -TERM "$target_pid"
check "the migration fails (target stopping)" fails "$mig"
heartbeat_on
target_kept_nothing
check "the target's xltd exits" wait_until 20 sh -c "! kill -0 $target_pid 2>/dev/null"
check "it starts again" xltd -f /tmp/stopB.conf

# the sender's xltd killed (-9) mid-stream: the next one resumes the
# domain the migration had suspended
migrating
kill -9 "$xltd_pid"
wait "$xltd_pid" 2>/dev/null
check "the migration fails (sender killed)" fails "$mig"
target_kept_nothing
check "the next xltd starts" start_xltd
check "and resumes stop-m, saying why" wait_until 20 grep -q \
    "stop-m ([0-9]*): left suspended by a save or migration an xltd did not finish; resuming it" "$LOG"
heartbeat_on

# the sender's xltd gets SIGTERM mid-stream
migrating
kill -TERM "$xltd_pid"
check "the migration fails" fails "$mig"
check "saying xltd is stopping and the domain runs on here" grep -q \
    "xltd is stopping; it runs on here" /tmp/stop-m.out
check "the sender's xltd exits 0" exits_with 0 "$xltd_pid"
heartbeat_on
target_kept_nothing
kill "$(cat /tmp/stopB/pid)"
check "the next xltd starts" start_xltd
check "destroy stop-m" xlt destroy stop-m

# back to the boot's own xltd
kill -TERM "$xltd_pid"
check "a stop with nothing under way exits 0" exits_with 0 "$xltd_pid"
xltd
grep -E "stopping|half built|left suspended|but left" "$LOG" | while read -r line; do
  note "xltd: $line"
done
exit 0
