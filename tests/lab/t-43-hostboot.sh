#!/bin/bash
# The host's boot and shutdown (issue 19): xltd's first start after a boot
# (played: /run/xlt/booted removed, xltd restarted) starts the autostart
# definitions by order, with their delay, and reports the one that does
# not fit in memory; a restart of xltd alone starts nothing; `xlt
# host-shutdown` saves every guest and the next boot restores them (the
# guest's heartbeat goes on from where it was), or shuts them down and
# destroys the one that does not go in time.
. /lab/lib.sh

pgrep -x xltd >/dev/null || xltd
log=/var/log/xlt/xltd.log
trail=/var/log/xlt/audit.log
# saves go to /tmp (a tmpfs; dom0's root file system is too small)
savedir=/tmp/xlt-save
# and the boot's mark in a folder /run does not have yet: xltd makes it
mark=/run/xlt-lab/booted
rm -rf /run/xlt-lab
printf 'host_save_dir = "%s"\nboot_mark = "%s"\n' "$savedir" "$mark" \
    >/tmp/hb-save.conf
# play_boot: what xltd sees when the host has booted.
play_boot() {
  pkill -x xltd
  while pgrep -x xltd >/dev/null; do sleep 0.2; done
  rm -f "$mark"
  xltd "$@"
}
# log_line RE: the number of the xltd log's last line matching RE.
log_line() {
  grep -nE -- "$1" /var/log/xlt/xltd.log | tail -n 1 | cut -d: -f1
}
# heartbeat NAME: the guest's latest heartbeat number.
heartbeat() {
  sed -n 's/.*XLT-GUEST-HEARTBEAT \([0-9]*\).*/\1/p' "$(guest_log "$1")" |
    tail -n 1
}
export -f log_line

# A host shutdown takes every guest: none of the earlier tests' may be left.
for id in $(xl list | awk 'NR > 2 { print $2 }'); do
  note "destroying domain $id, left by an earlier test"
  xlt destroy "$id" >/dev/null 2>&1 || xl destroy "$id"
done

for n in ab1 ab2 ab3; do
  cfg=$(lab_config pv-busybox "$n")
  check "define $n" xlt define "$cfg" memory=96
done
lab_config pv-busybox abbig >/dev/null
check "define abbig (64 GiB: more than the host has)" \
    xlt define /tmp/abbig.cfg memory=65536
lab_config pv-busybox aboff >/dev/null
check "define aboff (not autostart)" xlt define /tmp/aboff.cfg
check "autostart ab1 on --order 1 --delay 3" xlt autostart --order 1 --delay 3 ab1 on
check "autostart ab2 on --order 1" xlt autostart --order 1 ab2 on
check "autostart ab3 on --order 2" xlt autostart --order 2 ab3 on
check "autostart abbig on --order 2" xlt autostart --order 2 abbig on

check "xltd restarted alone" xltd_restart
check "starts nothing" sh -c 'sleep 2; ! xl domid ab1'
before=$(wc -l <"$log")
check "xltd's start after a boot" play_boot -f /tmp/hb-save.conf
check "it marks the boot done, making the mark's folder" test -e "$mark"
check "host boot: autostart ends, ab1..ab3 started, abbig failed" \
    wait_for_log "$log" "host boot: 0 of 0 saved guest\(s\) restored, 3 autostarted, 1 failed to start" 180
sed -n "$((before + 1)),\$p" "$log" | grep -E "autostart|host boot" |
  while read -r line; do note "boot: $line"; done
for n in ab1 ab2 ab3; do
  check "$n runs (xl)" xl domid "$n"
done
check_not "aboff was not started" xl domid aboff
check "abbig's failure names the memory" sh -c \
    "sed -n '$((before + 1)),\$p' $log | grep -E 'abbig: autostart failed: .*needs [0-9]+ MiB'"
check "order 1 before the delay, order 2 after it" bash -c \
    "[ \$(log_line 'ab1: autostart$') -lt \$(log_line 'autostart: 3 s before order 2') ] &&
     [ \$(log_line 'ab2: autostart$') -lt \$(log_line 'autostart: 3 s before order 2') ] &&
     [ \$(log_line 'autostart: 3 s before order 2') -lt \$(log_line 'ab3: autostart$') ]"
check "the trail records the autostarts, by xltd" sh -c \
    "grep -F '\"user\":\"xltd\"' $trail | grep -F '\"op\":\"autostart\",\"vm\":\"ab3\"' | grep -qF '\"result\":\"ok\"'"
check "and abbig's failure" sh -c \
    "grep -F '\"op\":\"autostart\",\"vm\":\"abbig\"' $trail | grep -qF '\"result\":\"failed\"'"
before=$(wc -l <"$log")
check "xltd restarted again" xltd_restart -f /tmp/hb-save.conf
check "does not start them again" sh -c \
    "sleep 1; ! sed -n '$((before + 1)),\$p' $log | grep -E 'host boot|autostart'"

# ---- host shutdown: save; the next boot restores -------------------------------
check "ab1 boots and beats" wait_for_log "$(guest_log ab1)" "XLT-GUEST-HEARTBEAT 3" 120
check "ab2 boots" wait_for_log "$(guest_log ab2)" XLT-GUEST-UP 120
# two saves of 96 MiB fit in dom0's RAM; ab3 is autostarted at the next
# boot instead, after the restores
check "destroy ab3" xlt destroy ab3
out=/tmp/hostdown.out
before=$(wc -l <"$log")
check "host-shutdown (save, xlt.conf's default)" sh -c "xlt host-shutdown >$out 2>&1"
{ cat "$out"; sed -n "$((before + 1)),\$p" "$log" | grep "host shutdown"; } |
  while read -r line; do note "shutdown: $line"; done
check "it says both were saved" grep -qx "saved: ab1 ab2" "$out"
check "their files are in $savedir" ls "$savedir/ab1.save" "$savedir/ab2.save"
check "no guest runs any more (xl)" sh -c \
    '[ "$(xl list | wc -l)" = 2 ]'
beat=$(heartbeat ab1)
ups=$(grep -c XLT-GUEST-UP "$(guest_log ab1)")
note "ab1's last heartbeat before the save: $beat"
check "the next boot restores them" play_boot -f /tmp/hb-save.conf
check "host boot: 2 restored, then ab3 autostarted (ab1, ab2 run)" \
    wait_for_log "$log" "host boot: 2 of 2 saved guest\(s\) restored, 1 autostarted, 1 failed to start" 180
check "the restores came before the autostart" bash -c \
    "[ \$(log_line 'restored /tmp/xlt-save/ab2.save') -lt \$(log_line 'ab3: autostart$') ]"
check "ab1's heartbeat goes on from $beat" wait_for_log "$(guest_log ab1)" \
    "XLT-GUEST-HEARTBEAT $((beat + 1))\b" 60
check "with no second boot" sh -c \
    "[ \$(grep -c XLT-GUEST-UP $(guest_log ab1)) = $ups ]"
check "the save files are gone" sh -c "! ls $savedir/*.save 2>/dev/null"
check "ab1 keeps its definition's UUID" sh -c \
    "xlt list --json ab1 | grep -q '\"defined\": true'"

# ---- host shutdown: shut down, destroy what does not go ------------------------
lab_config pv-busybox stubborn >/dev/null
check "create stubborn, paused (it cannot hear a shutdown)" \
    xlt create -p /tmp/stubborn.cfg
printf 'host_shutdown = "shutdown"\nhost_shutdown_timeout = 8\n' >/tmp/hb.conf
# its second instance: the console log still has the first one's line
check "ab3 boots again" wait_for_count "$(guest_log ab3)" XLT-GUEST-UP 2 120
check "xltd with host_shutdown = shutdown, timeout 8 s" xltd_restart -f /tmp/hb.conf
check "host-shutdown: ab1..ab3 shut down, stubborn destroyed; exit 0" sh -c \
    "xlt host-shutdown >$out 2>&1"
while read -r line; do note "shutdown mode: $line"; done <"$out"
check "it says so (in domain id order)" sh -c \
    "grep '^shut_down:' $out | tr ' ' '\n' | sort | tr '\n' ' ' |
       grep -qx 'ab1 ab2 ab3 shut_down: ' && grep -qx 'destroyed: stubborn' $out"
check "nothing runs (xl)" sh -c '[ "$(xl list | wc -l)" = 2 ]'
check "the log says stubborn was destroyed for want of time" \
    grep -q "host shutdown: stubborn did not shut down in 8 s: destroying it" "$log"
check "definitions stay" sh -c "[ \$(xlt list --all | grep -c ' off ') -ge 5 ]"
printf 'host_shutdown = "nap"\n' >/tmp/bad-hb.conf
check "xltd -n refuses host_shutdown = nap, naming it" sh -c \
    "xltd -n -f /tmp/bad-hb.conf 2>&1 | grep -F 'host_shutdown' | grep -qF 'is not save, shutdown or migrate'"
check_not "host-shutdown --mode nap: refused" xlt host-shutdown --mode nap
xltd_restart
for n in ab1 ab2 ab3 abbig aboff; do xlt undefine "$n" >/dev/null; done
