# Helpers for the lab's tests (sourced; the tests run with bash in dom0).
# Each check prints one line that scripts/lab/run counts:
#   LAB-CHECK PASS <name>
#   LAB-CHECK FAIL <name>: <why>
# shellcheck shell=bash

# _check_report NAME RC OUTFILE WANT: print the verdict for a command that
# exited RC with its output in OUTFILE; WANT is "ok" or "fail".
_check_report() {
  local name=$1 rc=$2 out=$3 want=$4 tailtxt
  if { [ "$want" = ok ] && [ "$rc" -eq 0 ]; } ||
    { [ "$want" = fail ] && [ "$rc" -ne 0 ]; }; then
    printf 'LAB-CHECK PASS %s\n' "$name"
    return 0
  fi
  # the whole output first (for the log), then one summary line
  sed 's/^/  | /' "$out"
  tailtxt=$(tail -n 3 "$out" | tr '\n\r' '  ' | sed 's/  */ /g; s/ $//')
  if [ "$want" = ok ]; then
    printf 'LAB-CHECK FAIL %s: rc=%d: %s\n' "$name" "$rc" "$tailtxt"
  else
    printf 'LAB-CHECK FAIL %s: succeeded but should fail: %s\n' "$name" "$tailtxt"
  fi
  return 1
}

# check NAME CMD...: passes if CMD succeeds.  Returns CMD's verdict.
check() {
  local name=$1 out rc=0
  shift
  out=$(mktemp)
  "$@" >"$out" 2>&1 || rc=$?
  _check_report "$name" "$rc" "$out" ok || rc=1
  rm -f "$out"
  return "$rc"
}

# check_not NAME CMD...: passes if CMD fails.
check_not() {
  local name=$1 out rc=0
  shift
  out=$(mktemp)
  "$@" >"$out" 2>&1 || rc=$?
  _check_report "$name" "$rc" "$out" fail
  rc=$?
  rm -f "$out"
  return "$rc"
}

# wait_for_log FILE REGEX TIMEOUT: poll until FILE has a line matching the
# extended REGEX; non-zero after TIMEOUT seconds.
wait_for_log() {
  local file=$1 re=$2 deadline
  deadline=$(($(now_ms) + $3 * 1000))
  until grep -qE -- "$re" "$file" 2>/dev/null; do
    [ "$(now_ms)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# wait_for_count FILE REGEX N TIMEOUT: until N lines of FILE match REGEX
# (a guest that restarted prints its marker again).
wait_for_count() {
  local file=$1 re=$2 n=$3 deadline
  deadline=$(($(now_ms) + $4 * 1000))
  until [ "$(grep -cE -- "$re" "$file" 2>/dev/null)" -ge "$n" ]; do
    [ "$(now_ms)" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

# wait_until TIMEOUT CMD...: until CMD succeeds; non-zero after TIMEOUT
# seconds (with CMD's last output).
wait_until() {
  local deadline out
  deadline=$(($(now_ms) + $1 * 1000))
  shift
  until out=$("$@" 2>&1); do
    [ "$(now_ms)" -lt "$deadline" ] || { echo "$out"; return 1; }
    sleep 0.5
  done
}

# guest_log NAME: where xenconsoled writes guest NAME's console.
guest_log() {
  echo "/var/log/xen/console/guest-$1.log"
}

# guest_cpus_since_boot LOG WANT: the guest's latest XLT-GUEST-CPUS since
# its latest XLT-GUEST-UP is WANT; otherwise says what it is.
guest_cpus_since_boot() {
  local got
  got=$(awk '/XLT-GUEST-UP/ { cpus = "none yet" }
             /XLT-GUEST-CPUS/ { sub(/.*XLT-GUEST-CPUS /, ""); sub(/[ \r]+$/, ""); cpus = $0 }
             END { print cpus }' "$1")
  [ "$got" = "$2" ] || { echo "online CPUs since boot: $got, not $2"; return 1; }
}

# guest_devs_now LOG: the guest's device list as of its latest
# XLT-GUEST-DEVS-CHANGED (what hotplug left it with).
guest_devs_now() {
  awk '/XLT-GUEST-DEVS-CHANGED/ { n = 0; delete l; next }
       /XLT-GUEST-DEV / { l[n++] = $0 }
       END { for (i = 0; i < n; i++) print l[i] }' "$1"
}

# peer CMD...: run the shell command CMD (its words joined by spaces) on
# host B of a two-host boot (tests/lab/boot/peer-agent.sh): prints its
# output and returns its status, or 255 when B does not answer.
peer() {
  local out rc
  out=$(printf '%s' "$*" | timeout 600 socat -t 600 - "TCP:$LAB_PEER:7000" 2>&1) ||
    { echo "host B ($LAB_PEER) does not answer: $out"; return 255; }
  case $out in
    *LAB-PEER-RC=*) ;;
    *) echo "host B ($LAB_PEER) gave no exit status: $out"; return 255 ;;
  esac
  rc=${out##*LAB-PEER-RC=}
  printf '%s' "${out%LAB-PEER-RC=*}"
  return "$rc"
}

# migrate_key: the pool's migration key (/etc/xlt/migrate.key, 0600),
# made if there is none; prints it.
migrate_key() {
  local f=/etc/xlt/migrate.key
  if [ ! -s "$f" ]; then
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$f"
    chmod 600 "$f"
  fi
  cat "$f"
}

# xltd_restart [ARG...]: stop xltd, wait until it is gone, start it with
# ARGs (e.g. -f CONF).
xltd_restart() {
  pkill -x xltd
  while pgrep -x xltd >/dev/null; do sleep 0.2; done
  xltd "$@"
}

# note TEXT: a measurement or remark, shown by scripts/lab/run.
note() {
  printf 'LAB-NOTE %s\n' "$*"
}

# ratio A B: A/B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# _bench_side NAME RUNS...: {"name":..,"runs":[..],"median":..,"min":..,
# "max":..} of the runs that did not fail ("fail" stays in runs).
_bench_side() {
  local name=$1
  shift
  printf '%s\n' "$@" | awk -v n="$name" '
    { runs = runs (NR > 1 ? "," : "") ($1 ~ /^[0-9.]+$/ ? $1 : "\"" $1 "\"") }
    $1 ~ /^[0-9.]+$/ { v[++k] = $1 + 0 }
    END {
      for (i = 2; i <= k; i++) {       # insertion sort (no asort in busybox)
        x = v[i]
        for (j = i - 1; j > 0 && v[j] > x; j--) v[j + 1] = v[j]
        v[j + 1] = x
      }
      printf "{\"name\":\"%s\",\"runs\":[%s]", n, runs
      if (k) printf ",\"median\":%s,\"min\":%s,\"max\":%s", v[int((k + 1) / 2)], v[1], v[k]
      printf "}"
    }'
}

# bench_compare WHAT UNIT A "A's RUNS" B "B's RUNS": one benchmark result,
# A (xlt, ours) against B (xl, stock): a LAB-BENCH line with the raw runs,
# median, min, max of each and the ratio of the medians (scripts/lab/run
# --bench collects them), a note a person can read, and a check that no
# run failed.
bench_compare() {
  local what=$1 unit=$2 a=$3 b=$5 ja jb ma mb r=null
  # shellcheck disable=SC2086 # the runs are words (sh, too, sources this)
  ja=$(_bench_side "$a" $4)
  # shellcheck disable=SC2086
  jb=$(_bench_side "$b" $6)
  ma=$(printf '%s\n' "$ja" | sed -n 's/.*"median":\([0-9.]*\).*/\1/p')
  mb=$(printf '%s\n' "$jb" | sed -n 's/.*"median":\([0-9.]*\).*/\1/p')
  [ -z "$ma" ] || [ -z "$mb" ] || [ "$mb" = 0 ] || r=$(ratio "$ma" "$mb")
  printf 'LAB-BENCH {"what":"%s","unit":"%s","a":%s,"b":%s,"ratio":%s}\n' \
    "$what" "$unit" "$ja" "$jb" "$r"
  note "$what: $a $unit: $4; $b $unit: $6; medians $a ${ma:-?} $b ${mb:-?}, $a/$b $r"
  check "$what: every run succeeded" sh -c "! echo '$4 $6' | grep -q fail"
}

# now_ms: milliseconds since boot (10 ms resolution).
now_ms() {
  local up="" _
  # a read interrupted by a signal leaves it empty: try again
  while [ -z "$up" ]; do
    read -r up _ </proc/uptime || up=""
  done
  echo $((10#${up%.*} * 1000 + 10#${up#*.} * 10))
}

# An attaching command (xlt console, xlt create -c) runs in the background:
# attach_start CMD... starts it with its input on fd 7 (a FIFO) and its
# output in /tmp/attach.out; attach_type TEXT types (printf format: \035 is
# Ctrl-]); attach_wait TIMEOUT succeeds when it has exited 0 in time.
attach_start() {
  rm -f /tmp/attach.in /tmp/attach.rc /tmp/attach.out
  mkfifo /tmp/attach.in
  # read-write: opening a FIFO write-only would block for good if the
  # reader never came
  exec 7<>/tmp/attach.in
  ( exec 7>&-; "$@" </tmp/attach.in >/tmp/attach.out 2>&1; echo $? >/tmp/attach.rc ) &
}

attach_type() {
  # a subshell that ignores SIGPIPE: the command may have gone already
  # shellcheck disable=SC2059 # the text is a format on purpose
  (trap '' PIPE; printf "$1" >&7)
}

attach_wait() {
  local deadline rc
  deadline=$(($(now_ms) + $1 * 1000))
  until [ -s /tmp/attach.rc ]; do
    [ "$(now_ms)" -lt "$deadline" ] || { echo "still attached"; return 1; }
    sleep 0.2
  done
  exec 7>&-
  rc=$(cat /tmp/attach.rc)
  [ "$rc" = 0 ] || { echo "exit $rc:"; cat /tmp/attach.out; return 1; }
}

# events_start FILE XLT-COMMAND...: an `xlt ... events ...` command in the
# background, its output in FILE, once xltd follows it (it said so); its
# pid in $events_pid.
events_start() {
  local out=$1
  shift
  "$@" >"$out" 2>&1 &
  events_pid=$!
  wait_for_log "$out" "events: following .*'s events" 20
}

# lab_vg: the volume group xltvg, on a sparse 256 MiB file in dom0's tmpfs
# through a loop device (made once per boot).
lab_vg() {
  local dev
  vgs xltvg >/dev/null 2>&1 && return 0
  truncate -s 256M /tmp/xltvg.img
  dev=$(losetup -f --show /tmp/xltvg.img) &&
    pvcreate -q "$dev" >/dev/null && vgcreate -q xltvg "$dev" >/dev/null
}

# lab_config EXAMPLE [NAME]: /etc/xlt/examples/EXAMPLE.cfg with the lab's
# guest kernel and ramdisk, and the domain renamed NAME if given, written
# to /tmp/NAME.cfg (or /tmp/EXAMPLE.cfg); prints that path.
# xl_lock_holders: the pids that hold xl's lock, /var/lock/xl (POSIX
# write locks on its inode in /proc/locks), one a line.
xl_lock_holders() {
  local ino
  ino=$(stat -L -c %i /var/lock/xl 2>/dev/null) || return 0
  awk -v ino="$ino" '$2 == "POSIX" && $4 == "WRITE" &&
      $6 ~ (":" ino "$") { print $5 }' /proc/locks
}
xl_lock_held_by() { xl_lock_holders | grep -qx "$1"; }
xl_lock_held_by_other() { xl_lock_holders | grep -vqx "$1"; }

lab_config() {
  local out=/tmp/${2:-$1}.cfg
  sed -e "s|/lab/guest/vmlinux.gz|$LAB_GUEST_KERNEL|" \
    -e "s|/lab/guest/vmlinuz|$LAB_GUEST_BZIMAGE|" \
    -e "s|/lab/guest/initrd.gz|$LAB_GUEST_RAMDISK|" \
    -e "${2:+s|^name = .*|name = \"$2\"|}" \
    "/etc/xlt/examples/$1.cfg" >"$out"
  echo "$out"
}

# pause_check NAME LOG: pause and unpause guest NAME, checking with xl that
# it is paused and from its console LOG that it stops and goes on.
pause_check() {
  local name=$1 log=$2 n
  check "pause $name" xlt pause "$name"
  check "xl shows $name paused" sh -c \
    "xl list $name | awk 'NR==2 { print \$5 }' | grep -q p"
  n=$(grep -c XLT-GUEST-HEARTBEAT "$log")
  sleep 5
  check "no heartbeat while paused" \
    test "$(grep -c XLT-GUEST-HEARTBEAT "$log")" -eq "$n"
  check "unpause $name" xlt unpause "$name"
  check "the heartbeat goes on" \
    wait_for_count "$log" XLT-GUEST-HEARTBEAT $((n + 1)) 30
}

# ids_check NAME: domid and domname agree with xl.
ids_check() {
  local id
  id=$(xl domid "$1")
  check "domid $1 is xl's" test "$(xlt domid "$1")" = "$id"
  check "domname $id is $1" test "$(xlt domname "$id")" = "$1"
}

# fleet_up: the remote API on both hosts of a two-host boot: a CA made
# here (xlt pki), host certificates for A and B (B's bundle copied over),
# root's client certificate here (admin), the pool's migration key on B,
# xltd on both serving port 8003; /etc/xlt/hosts.conf's group "all" is
# both.  Prints what it does; returns non-zero if a step fails.
fleet_up() {
  local pki=/etc/xlt/pki a=${LAB_ADDR%/*} b=$LAB_PEER bundle key
  key=$(migrate_key)
  rm -rf "$pki"
  xlt pki init lab >/dev/null &&
    xlt pki issue host a --alt "$a" --out "$pki" >/dev/null &&
    xlt pki issue user root-a --role admin --out "$pki" >/dev/null &&
    xlt pki issue host b --alt "$b" >/dev/null || return 1
  bundle=$(tar -C "$pki/issued/b" -cz . | base64 | tr -d '\n')
  peer "umask 077; printf %s $key >/etc/xlt/migrate.key &&
    mkdir -p $pki && echo $bundle | base64 -d | tar -xz -C $pki &&
    echo 'remote_port = 8003' >/etc/xlt/xlt.conf &&
    pkill -x xltd; while pgrep -x xltd >/dev/null; do sleep 0.2; done; xltd" ||
    return 1
  echo 'remote_port = 8003' >>/etc/xlt/xlt.conf
  xltd_restart || return 1
  printf 'all %s %s\n' "$a" "$b" >/etc/xlt/hosts.conf
}

# ---- the two-node cluster (t-99; build/lab/ha-overlay) -----------------------

# sbd_disk: the 8 MiB disk both lab hosts share for sbd (serial lab-sbd).
sbd_disk() {
  local b
  for b in /sys/block/vd*; do
    [ "$(cat "$b/serial" 2>/dev/null)" = lab-sbd ] || continue
    echo "/dev/${b##*/}"
    return 0
  done
  return 1
}

# cluster_node_up: this host's part of the cluster, as the Debian units
# start it: the hacluster user, softdog, sbd watching its slot on
# sbd_disk (made by sbd create) with Pacemaker's health too (-P),
# corosync (/etc/corosync written by the test), pacemakerd.
cluster_node_up() {
  local dev m
  dev=$(sbd_disk) || { echo "no sbd disk (serial lab-sbd)"; return 1; }
  grep -q '^haclient:' /etc/group || echo 'haclient:x:189:' >>/etc/group
  grep -q '^hacluster:' /etc/passwd ||
    echo 'hacluster:x:189:189:cluster:/var/lib/pacemaker:/bin/false' >>/etc/passwd
  mkdir -p /var/lib/pacemaker/cib /var/lib/pacemaker/pengine \
    /var/lib/pacemaker/blackbox /var/lib/pacemaker/cores /var/log/pacemaker \
    /var/lib/corosync /var/log/corosync
  chown -R hacluster:haclient /var/lib/pacemaker /var/log/pacemaker
  for m in /lab/modules/*.ko; do
    [ -d "/sys/module/$(basename "${m#*-}" .ko)" ] || insmod "$m" || return 1
  done
  [ -c /dev/watchdog ] || { echo "no /dev/watchdog"; return 1; }
  # daemons: none may keep this shell's output open (peer waits for its end)
  sbd -d "$dev" -W -w /dev/watchdog -P -p /run/sbd.pid watch \
    </dev/null >/var/log/sbd.out 2>&1 || { cat /var/log/sbd.out; return 1; }
  corosync </dev/null >/var/log/corosync/corosync.out 2>&1 ||
    { tail -n 5 /var/log/corosync/corosync.log; return 1; }
  setsid pacemakerd </dev/null >/var/log/pacemaker/pacemakerd.out 2>&1 &
}

# cluster_node_down: pacemakerd, corosync and sbd stopped, in that order
# (sbd disarms the watchdog as it leaves).
cluster_node_down() {
  local i
  pkill -TERM -x pacemakerd
  for i in $(seq 120); do pgrep -x pacemakerd >/dev/null || break; sleep 0.5; done
  pgrep -x pacemakerd >/dev/null && { echo "pacemakerd does not stop"; return 1; }
  corosync-cfgtool -H --force >/dev/null 2>&1
  for i in $(seq 60); do pgrep -x corosync >/dev/null || break; sleep 0.5; done
  kill -TERM "$(cat /run/sbd.pid)" 2>/dev/null
  for i in $(seq 60); do pgrep -x sbd >/dev/null || return 0; sleep 0.5; done
  echo "corosync or sbd does not stop"
  return 1
}

# to_peer FILE...: the same files on host B, same paths and modes.
to_peer() {
  local f
  for f in "$@"; do
    peer "mkdir -p $(dirname "$f") &&
      echo $(base64 -w0 "$f") | base64 -d >$f && chmod $(stat -c %a "$f") $f" ||
      return 1
  done
}

# cluster_storage VG/LV: sbd's slots on sbd_disk (watchdog 10 s, msgwait
# 20 s), and the LV (16 MiB, inactive) in a new VG on /dev/vda.
cluster_storage() {
  local dev
  dev=$(sbd_disk) || { echo "no sbd disk (serial lab-sbd)"; return 1; }
  sbd -d "$dev" -1 10 -4 20 create >/dev/null &&
    pvcreate -q /dev/vda >/dev/null && vgcreate -q "${1%/*}" /dev/vda >/dev/null &&
    lvcreate -q -L 16M -n "${1#*/}" "${1%/*}" >/dev/null && lvchange -an "$1"
}

# cluster_files: corosync's configuration for the two lab hosts (knet,
# aes256/sha256 through OpenSSL, two-node quorum) and a new authkey.
cluster_files() {
  mkdir -p /etc/corosync
  cat >/etc/corosync/corosync.conf <<CONF
totem {
    version: 2
    cluster_name: xltlab
    transport: knet
    crypto_model: openssl
    crypto_cipher: aes256
    crypto_hash: sha256
}
nodelist {
    node {
        name: lab-a
        nodeid: 1
        ring0_addr: ${LAB_ADDR%/*}
    }
    node {
        name: lab-b
        nodeid: 2
        ring0_addr: $LAB_PEER
    }
}
quorum {
    provider: corosync_votequorum
    two_node: 1
}
logging {
    to_logfile: yes
    logfile: /var/log/corosync/corosync.log
    to_stderr: no
    to_syslog: no
    timestamp: on
}
CONF
  (umask 077 && head -c 256 /dev/urandom >/etc/corosync/authkey) &&
    chmod 400 /etc/corosync/authkey
}

# cluster_guest_config NAME UUID VG/LV: /tmp/NAME.cfg, the PVH example
# with that UUID, the LV as its disk, sysrq, on_crash and on_reboot restart.
cluster_guest_config() {
  lab_config pvh-busybox "$1" >/dev/null &&
    sed -i '/^on_crash/d; /^extra/d' "/tmp/$1.cfg" &&
    cat >>"/tmp/$1.cfg" <<CFG
uuid = "$2"
disk = [ "phy:/dev/$3,xvda,w" ]
extra = "console=hvc0 sysrq_always_enabled"
on_crash = "restart"
on_reboot = "restart"
CFG
}

# cluster_peer_up: cluster_node_up on host B, in the background there (its
# output in B's /tmp/cluster-up.log), waited for.
cluster_peer_up() {
  peer "(. /lab/lib.sh; cluster_node_up && echo CLUSTER-UP) </dev/null >/tmp/cluster-up.log 2>&1 &"
  wait_until 120 peer 'grep -q CLUSTER-UP /tmp/cluster-up.log' && return 0
  peer 'cat /tmp/cluster-up.log; ps -ef | grep -E "sbd|corosync|pacemaker" | grep -v grep'
  return 1
}

# cluster_online: both nodes online in Pacemaker, within 240 s.
cluster_online() {
  wait_until 240 sh -c "crm_mon -1 2>/dev/null | grep -q 'Online: \[ lab-a lab-b \]'"
}

# cluster_resources RSC DOMAIN NODE: fencing on (stonith-timeout 60 s,
# above 1.2 x msgwait), stickiness 100, the fence device (external/sbd on
# sbd_disk, through fence_legacy; timeout_bypass: its check needs Perl),
# and RSC, ocf:xlt:domain of DOMAIN (defined on both hosts), migrations
# allowed, preferring NODE.
cluster_resources() {
  local rsc=$1 dom=$2 node=$3 dev
  dev=$(sbd_disk) || return 1
  crm_attribute --type crm_config --name stonith-enabled --update true &&
    crm_attribute --type crm_config --name stonith-timeout --update 60s &&
    crm_attribute --type rsc_defaults --name resource-stickiness --update 100 &&
    cibadmin --create -o resources -X "
<primitive id='fence-sbd' class='stonith' type='external/sbd'>
  <instance_attributes id='fence-sbd-params'>
    <nvpair id='fence-sbd-device' name='sbd_device' value='$dev'/>
    <nvpair id='fence-sbd-bypass' name='timeout_bypass' value='yes'/>
    <nvpair id='fence-sbd-hosts' name='pcmk_host_list' value='lab-a lab-b'/>
  </instance_attributes>
</primitive>" &&
    cibadmin --create -o resources -X "
<primitive id='$rsc' class='ocf' provider='xlt' type='domain'>
  <instance_attributes id='$rsc-params'>
    <nvpair id='$rsc-name' name='name' value='$dom'/>
    <nvpair id='$rsc-hosts' name='migrate_hosts' value='lab-a=${LAB_ADDR%/*} lab-b=$LAB_PEER'/>
  </instance_attributes>
  <meta_attributes id='$rsc-meta'>
    <nvpair id='$rsc-migrate' name='allow-migrate' value='true'/>
  </meta_attributes>
  <operations>
    <op id='$rsc-monitor' name='monitor' interval='10s' timeout='60s'/>
    <op id='$rsc-start' name='start' interval='0' timeout='120s'/>
    <op id='$rsc-stop' name='stop' interval='0' timeout='120s'/>
    <op id='$rsc-migrate-to' name='migrate_to' interval='0' timeout='180s'/>
    <op id='$rsc-migrate-from' name='migrate_from' interval='0' timeout='60s'/>
  </operations>
</primitive>" &&
    cibadmin --create -o constraints -X \
      "<rsc_location id='$rsc-prefers-$node' rsc='$rsc' node='$node' score='50'/>"
}
