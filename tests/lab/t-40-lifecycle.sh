#!/bin/bash
# Lifecycle commands on a PV guest, and xltd applying its on_* actions.
. /lab/lib.sh

# sysrq_always_enabled: Debian's kernel allows sysrq c (crash) only then.
mkcfg() { # NAME [EXTRA LINE]: a PV guest config in /tmp/NAME.cfg
    local cfg
    cfg=$(lab_config pv-busybox "$1")
    sed -i -e '/^on_crash/d' \
        -e 's|^extra = .*|extra = "console=hvc0 sysrq_always_enabled"|' "$cfg"
    [ -z "${2:-}" ] || echo "$2" >> "$cfg"
}
log=/var/log/xlt/xltd.log
# life_state: what xl, xltd and the console say of guest life, as notes.
life_state() {
    local line
    { xl list; tail -n 4 "$(guest_log life)"; grep "life" "$log" | tail -n 8
    } 2>&1 | while read -r line; do note "life: $line"; done
}

# crash_create ACTION NAME: create guest NAME with on_crash=ACTION.
crash_create() {
    mkcfg "$2" "on_crash = \"$1\""
    check "create $2 (on_crash=$1)" xlt create "/tmp/$2.cfg"
}
# crash_it ACTION NAME: once guest NAME booted, crash it (sysrq c), and
# check that xltd applied ACTION.
crash_it() {
    local id
    check "$2 boots" wait_for_log "$(guest_log "$2")" XLT-GUEST-UP 120
    id=$(xl domid "$2")
    check "crash $2" xenstore-write "/local/domain/$id/control/sysrq" c
    check "xltd applied on_crash=$1" wait_for_log "$log" \
        "$2 \\($id\\): shut down \\(crash\\); on_crash=$1" 60
}

pgrep -x xltd >/dev/null || xltd
mkcfg life
# what happens from here on, as xlt events tells it (checked further down)
check "xlt events follows" events_start /tmp/life.events xlt events
check "xlt events --json too" events_start /tmp/life.jevents xlt events --json

check "create -p leaves it paused" xlt create -p /tmp/life.cfg
check "list shows it paused" sh -c '[ "$(xlt list life | awk "NR==2{print \$5}")" = "--p---" ]'
check "domid agrees with xl" sh -c '[ "$(xlt domid life)" = "$(xl domid life)" ]'
id=$(xlt domid life)
check "domname agrees with xl" sh -c "[ \"\$(xlt domname $id)\" = life ]"
check_not "domid of a missing domain fails" xlt domid nosuch
# the guests of the on_crash and on_reboot checks below boot meanwhile
# (the lab has two CPUs, and a guest's boot takes one)
crash_create preserve crashy
mkcfg phoenix2 'on_reboot = "rename-restart"'
check "create phoenix2 (on_reboot=rename-restart)" xlt create /tmp/phoenix2.cfg
crash_create restart phoenix
crash_create coredump-destroy nodump
check "unpause" xlt unpause life
check "it boots once unpaused" wait_for_log "$(guest_log life)" XLT-GUEST-UP 120
check "pause" xlt pause life
check "paused per xl" sh -c 'xl list life | awk "NR==2{print \$5}" | grep -q p'
check "unpause again" xlt unpause life
check "it runs on" sh -c '[ "$(xl list life | awk "NR==2{print \$5}" | cut -c3)" = - ]'

# reboot: xltd restarts it (on_reboot=restart, the default), same UUID.
uuid=$(xl list -v life | awk 'NR == 2 { print $7 }')
check "reboot -w returns once it went down" xlt reboot -w life
check "xltd applied on_reboot=restart" wait_for_log "$log" \
    "life \\($id\\): shut down \\(reboot\\); on_reboot=restart" 10
check "a new instance boots" wait_for_count "$(guest_log life)" XLT-GUEST-UP 2 120 ||
    life_state
check "with a new id" sh -c "[ \"\$(xl domid life)\" != $id ]"
check "and the same UUID" sh -c "xl list -v life | grep -q $uuid"

# A reboot the guest's own kernel starts (sysrq b: reboot at once).
id=$(xl domid life)
check "the guest reboots itself" xenstore-write "/local/domain/$id/control/sysrq" b
check "xltd restarts it again" wait_for_log "$log" \
    "life \\($id\\): shut down \\(reboot\\); on_reboot=restart" 30
check "a third instance boots" wait_for_count "$(guest_log life)" XLT-GUEST-UP 3 120 ||
    life_state

# shutdown -w: back only once it is down; on_poweroff=destroy removes it.
check "shutdown -w" xlt shutdown -w life
check "it is gone when shutdown -w returns" sh -c '! xl list life 2>/dev/null'

# preserve: the domain stays, crashed, for a look.
crash_it preserve crashy
check "it is preserved, shut down for crash" sh -c \
    '[ "$(xl list crashy | awk "NR==2{print \$5}" | cut -c4-5)" = sc ]'
check "destroy the wreck" xlt destroy crashy

# xlt events told all of it as it came, one line each
ev_line() { # WHAT EVENT NAME [KEY=VALUE]: the events have that line
  check "events: $*" grep -qE "Z $(hostname) $2 $3 \([0-9]+\)${4:+ $4}\$" /tmp/life.events
}
ev_line "created paused" created life state=paused
ev_line "unpaused" unpaused life
ev_line "paused" paused life
ev_line "asked to reboot" shutdown life reason=reboot
ev_line "restarted by xltd" restarted life
ev_line "the guest's own reboot" shutdown life reason=reboot
ev_line "powered off" shutdown life reason=poweroff
ev_line "gone" stopped life
ev_line "crashed" crashed crashy reason=crash
ev_line "crashy destroyed" stopped crashy
check "once each: created once, restarted twice, three instances gone" sh -c \
    "[ \"\$(grep -oE ' (created|restarted|stopped) life ' /tmp/life.events | sort | uniq -c | tr -s ' ' | tr '\n' ,)\" = ' 1 created life , 2 restarted life , 3 stopped life ,' ]"
check "--json: one object a line, with the UUID" sh -c \
    "grep -F '\"event\":\"restarted\",\"domid\":' /tmp/life.jevents | grep -qF '\"name\":\"life\",\"uuid\":\"$uuid\"'"
check "the audit trail has xltd's own restarts of life" sh -c \
    "grep -F '\"user\":\"xltd\"' /var/log/xlt/audit.log | grep -F '\"op\":\"restart\",\"vm\":\"life\"' | grep -q '\"result\":\"ok\"'"

# rename-restart: the old instance stays as NAME-DOMID, the new one runs
# under a new UUID, and its store entry keeps the file and the pinning.
check "phoenix2 boots" wait_for_log "$(guest_log phoenix2)" XLT-GUEST-UP 120
check "pin its vCPU to CPU 1" xlt vcpu-pin phoenix2 0 1
id=$(xl domid phoenix2)
check "reboot phoenix2" xlt reboot phoenix2
check "the old one is kept as phoenix2-$id" wait_until 60 xl list "phoenix2-$id"
check "a new phoenix2 runs" wait_until 60 sh -c \
    "n=\$(xl domid phoenix2) && [ \"\$n\" != $id ]"
check "its store entry has the file's text and path" sh -c \
    "f=\$(grep -l '\"name\": \"phoenix2\"' /var/lib/xlt/domains/*.json) &&
     grep -q '\"path\": \"/tmp/phoenix2.cfg\"' \$f && grep -q '\"text\": \"' \$f"
check "and its vCPU is still pinned to CPU 1" wait_until 30 sh -c \
    "xl vcpu-list phoenix2 | awk '\$3 == 0 { exit \$7 != 1 }'"
check "destroy the old one" xl destroy "phoenix2-$id"

# A guest that crashes as often as it boots (coredump-restart): xltd
# restarts it crash_restart_limit times within the window, then stops;
# each crash is dumped, and only the newest dump_keep dumps are kept
# (96 MiB: each dump takes tens of seconds here).
printf '%s\n' 'crash_restart_limit = 1' 'dump_keep = 1' >/tmp/crash.conf
check "xltd with crash_restart_limit = 1, dump_keep = 1" \
    xltd_restart -f /tmp/crash.conf
mkcfg looper 'on_crash = "coredump-restart"'
sed -i 's/^memory = .*/memory = 96/' /tmp/looper.cfg
check "create looper (on_crash=coredump-restart)" xlt create /tmp/looper.cfg
for n in 1 2; do
  check "looper boots ($n)" \
      wait_for_count "$(guest_log looper)" XLT-GUEST-UP $n 120
  id=$(xl domid looper)
  check "crash it ($n)" xenstore-write "/local/domain/$id/control/sysrq" c
  if [ "$n" = 1 ]; then
    # the dump is written beside xltd's loop; kill -9 in the middle of it
    check "xltd dumps it beside its loop, as a .part first" sh -c \
        ". /lab/lib.sh; wait_for_log $log 'looper \\($id\\): dumping its core to' 60 &&
         ls /var/lib/xen/dump/looper-*.core.part"
    t0=$(now_ms)
    check "xlt list answers meanwhile" sh -c 'xlt list | grep -q "^looper "'
    ms=$(($(now_ms) - t0))
    note "xlt list during the dump: $ms ms"
    check "within a second" test "$ms" -lt 1000
    check "xltd is killed (-9) in the middle of the dump" sh -c \
        'ls /var/lib/xen/dump/looper-*.core.part &&
         kill -9 "$(cat /run/xlt/xltd.pid)"'
    check "a new xltd starts" sh -c \
        'while pgrep -x xltd >/dev/null; do sleep 0.2; done; xltd -f /tmp/crash.conf'
    check "it removes the half-written dump" wait_for_log "$log" \
        "removed a half-written core dump /var/lib/xen/dump/looper-[0-9]+\\.core\\.part" 30
  fi
  check "xltd dumps it ($n)" wait_for_log "$log" \
      "looper \\($id\\): core dumped to /var/lib/xen/dump/looper-" 90
done
check "after the second crash xltd stops restarting it, saying why" \
    grep -q "looper: crashed 2 times within 600 s; not restarting it (crash_restart_limit = 1 in xlt.conf)" "$log"
check "looper is gone, and stays gone" sh -c \
    '. /lab/lib.sh; wait_until 30 sh -c "! xl list looper 2>/dev/null" &&
     sleep 5 && ! xl list looper 2>/dev/null'
check "one core dump is kept (dump_keep = 1)" \
    test "$(ls /var/lib/xen/dump/looper-*.core | wc -l)" -eq 1
check "the older one was removed, and xltd said so" \
    test "$(grep -c "looper: removed its oldest core dump" "$log")" -eq 1
check "and no half-written one is left" sh -c '! ls /var/lib/xen/dump/*.part'
grep -E "looper.*(dump|crashed)" "$log" | while read -r line; do
  note "xltd: $line"
done
rm -f /var/lib/xen/dump/looper-*.core
check "xltd with its own configuration again" xltd_restart

# A dump the file system has no room for is not written (a tenth of it
# must stay free): a 32 MiB file system, a 128 MiB guest.
mount -t tmpfs -o size=32m tmpfs /var/lib/xen/dump
check "nodump boots" wait_for_log "$(guest_log nodump)" XLT-GUEST-UP 120
id=$(xl domid nodump)
check "crash nodump (on_crash=coredump-destroy)" \
    xenstore-write "/local/domain/$id/control/sysrq" c
check "xltd does not dump it where there is no room, and says so" \
    wait_for_log "$log" "nodump: not dumped: a core of [0-9]+ MiB would leave less than a tenth of /var/lib/xen/dump free \\(3[0-9] of 3[0-9] MiB free\\)" 60
check "it is destroyed all the same" wait_until 30 sh -c '! xl list nodump 2>/dev/null'
check "and nothing was written there" test -z "$(ls -A /var/lib/xen/dump)"
umount /var/lib/xen/dump

# restart; then shutdown -a for everything left.
crash_it restart phoenix
check "it comes back" wait_for_count "$(guest_log phoenix)" XLT-GUEST-UP 2 120
check "shutdown -a -w" xlt shutdown -a -w
check "no guest is left" sh -c '[ "$(xl list | wc -l)" = 2 ]'
check_not "dom0 is refused" xlt shutdown 0
exit 0
