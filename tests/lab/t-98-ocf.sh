#!/bin/bash
# ocf:xlt:domain (issue 19), on one host (its own boot: xmllint, which
# ocf-tester needs, comes in build/lab/ha-overlay): its meta-data valid against
# resource-agents' ra-api-1.dtd, Debian's ocf-tester passing it on a real
# guest, and what ocf:heartbeat:Xen got wrong: a guest rebooting under
# xltd's on_reboot and one crashing under on_crash=restart stay
# "running" to monitor; a crashed one that nobody restarts is failed;
# stop without the config file still stops; validate-all really checks
# the config; a reload is a mem-set; migrate_to is xlt migrate with a
# deadline; depth 10 sees a guest whose console went silent.
. /lab/lib.sh

pgrep -x xltd >/dev/null || xltd
agent=/usr/lib/ocf/resource.d/xlt/domain
export OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=ocfdom
# ra NAME ACTION [VAR=VALUE...]: the agent's exit status for ACTION on
# the resource of domain NAME (its output on stderr).
ra() {
  local name=$1 action=$2
  shift 2
  env OCF_RESKEY_name="$name" OCF_RESKEY_CRM_meta_timeout=30000 "$@" \
    "$agent" "$action" >&2
}
# ra_is RC NAME ACTION [VAR=VALUE...]: the agent exits RC.
ra_is() {
  local want=$1 rc=0
  shift
  ra "$@" || rc=$?
  [ "$rc" = "$want" ] || { echo "exit $rc, not $want"; return 1; }
}

check "the agent is installed, mode 755" sh -c "[ \"\$(stat -c %a $agent)\" = 755 ]"
check "its meta-data is valid against ra-api-1.dtd (xmllint)" sh -c \
    "$agent meta-data | (cd /usr/share/resource-agents && xmllint --noout --valid -)"
check "it advertises reload and migrate_to/from" sh -c \
    "$agent meta-data | grep -q 'action name=\"reload\"' &&
     $agent meta-data | grep -q 'action name=\"migrate_to\"' &&
     $agent meta-data | grep -q 'action name=\"migrate_from\"'"

# ---- validate-all -------------------------------------------------------------
printf 'name = "x"\nmemory = "lots"\n' >/tmp/ocfbad.cfg
check "validate-all of a bad config: 6 (not configured)" \
    ra_is 6 ocfbad validate-all OCF_RESKEY_config=/tmp/ocfbad.cfg
check "and the reason names the file and line" sh -c \
    "OCF_RESKEY_name=ocfbad OCF_RESKEY_config=/tmp/ocfbad.cfg $agent validate-all 2>&1 |
       grep -qF '/tmp/ocfbad.cfg:2: memory'"
check "validate-all of an undefined name without config: 6" \
    ra_is 6 nosuch validate-all
check "stop of an undefined name without config: 0 (stopped is stopped)" \
    ra_is 0 nosuch stop
check "monitor of it: 7 (not running)" ra_is 7 nosuch monitor

# ---- ocf-tester, with a config file --------------------------------------------
cfg=$(lab_config pv-busybox ocfdom)
check "ocf-tester passes the agent (create from a config)" sh -c \
    "ocf-tester -n ocfdom -o name=ocfdom -o config=$cfg $agent >/tmp/ocf-tester.out 2>&1;
     rc=\$?; cat /tmp/ocf-tester.out; [ \$rc = 0 ] && grep -q 'passed all tests' /tmp/ocf-tester.out"
while read -r line; do note "ocf-tester: $line"; done </tmp/ocf-tester.out
check_not "and leaves nothing running" xl domid ocfdom

# ---- a defined domain: restarts are not failures --------------------------------
uuid=6b1f0c52-1d5e-4c8e-9a44-3f2d8c1b7e01
lab_config pv-busybox ocfdef >/dev/null
sed -i '/^on_crash/d' /tmp/ocfdef.cfg
printf 'uuid = "%s"\non_reboot = "restart"\non_crash = "restart"\nextra = "console=hvc0 sysrq_always_enabled"\n' \
    "$uuid" >>/tmp/ocfdef.cfg
check "define ocfdef (uuid= in the file, as on every node)" xlt define /tmp/ocfdef.cfg
check "validate-all of the definition: 0" ra_is 0 ocfdef validate-all
check "start: 0" ra_is 0 ocfdef start
check "it runs with the definition's UUID (xl)" sh -c \
    "xl list -v ocfdef | awk 'NR==2 {print \$7}' | grep -qx $uuid"
check "monitor: 0" ra_is 0 ocfdef monitor
check "start again: 0, nothing new" sh -c \
    "id=\$(xl domid ocfdef); OCF_RESKEY_name=ocfdef $agent start && [ \$(xl domid ocfdef) = \$id ]"
check "it boots" wait_for_log "$(guest_log ocfdef)" XLT-GUEST-UP 120
# monitor every 0.3 s while the guest reboots under xltd's on_reboot
mon_through() { # SECONDS: monitor never says anything but 0 meanwhile
  local end=$(($(now_ms) + $1 * 1000)) rc
  while [ "$(now_ms)" -lt "$end" ]; do
    rc=0
    ra ocfdef monitor 2>/dev/null || rc=$?
    [ "$rc" = 0 ] || { echo "monitor said $rc"; return 1; }
    sleep 0.3
  done
}
id=$(xl domid ocfdef)
ups=$(grep -c XLT-GUEST-UP "$(guest_log ocfdef)")
check "reboot it (xltd restarts it: on_reboot=restart)" xlt reboot ocfdef
check "monitor says 0 throughout the restart" mon_through 12
check "it was restarted (a new id)" sh -c "[ \$(xl domid ocfdef) != $id ]"
check "and boots again" wait_for_count "$(guest_log ocfdef)" XLT-GUEST-UP $((ups + 1)) 120
id=$(xl domid ocfdef)
check "crash it (on_crash=restart)" xenstore-write "/local/domain/$id/control/sysrq" c
check "monitor says 0 through the crash and the restart" mon_through 10
check "xltd restarted it" sh -c "[ \$(xl domid ocfdef) != $id ]"

# ---- reload, depth 10, migrate -------------------------------------------------
check "reload with memory=100: 0" ra_is 0 ocfdef reload OCF_RESKEY_memory=100
check "its target is 100 MiB (xl)" sh -c \
    "[ \"\$(xl list ocfdef | awk 'NR==2 {print \$3}')\" = 100 ]"
check "depth 10 while its console beats: 0" \
    ra_is 0 ocfdef monitor OCF_CHECK_LEVEL=10 OCF_RESKEY_alive_seconds=10
check "pause it" xlt pause ocfdef
sleep 12
check "depth 10 once the console is silent 10 s: 1 (failed)" \
    ra_is 1 ocfdef monitor OCF_CHECK_LEVEL=10 OCF_RESKEY_alive_seconds=10
check "depth 0 still 0 (a paused domain runs)" ra_is 0 ocfdef monitor
check "unpause it" xlt unpause ocfdef
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >/etc/xlt/migrate.key
chmod 600 /etc/xlt/migrate.key
check "xltd with the migration key" xltd_restart
check "migrate_to without a target: not 0" sh -c "! OCF_RESKEY_name=ocfdef $agent migrate_to"
id=$(xl domid ocfdef)
check "migrate_to this host (non-live: a PV guest): 0" \
    ra_is 0 ocfdef migrate_to OCF_RESKEY_CRM_meta_migrate_target=lab \
    OCF_RESKEY_migrate_hosts="lab=localhost" OCF_RESKEY_live=false
check "it moved (a new id), same UUID" sh -c \
    "[ \$(xl domid ocfdef) != $id ] && xl list -v ocfdef | awk 'NR==2 {print \$7}' | grep -qx $uuid"
check "migrate_from: 0" ra_is 0 ocfdef migrate_from

# ---- stop -----------------------------------------------------------------------
check "stop: 0" ra_is 0 ocfdef stop
check_not "it is gone (xl)" xl domid ocfdef
check "monitor: 7" ra_is 7 ocfdef monitor
check "stop again: 0" ra_is 0 ocfdef stop
lab_config pv-busybox ocfgone >/dev/null
check "create ocfgone from a config" xlt create /tmp/ocfgone.cfg
rm /tmp/ocfgone.cfg
check "stop it with its config file gone: 0 (not 'not installed')" \
    ra_is 0 ocfgone stop OCF_RESKEY_config=/tmp/ocfgone.cfg \
    OCF_RESKEY_uuid="$(xl list -v ocfgone | awk 'NR==2 {print $7}')"
check_not "it is gone" xl domid ocfgone
lab_config pv-busybox ocfcrash >/dev/null
sed -i -e '/^on_crash/d' -e 's|^extra = .*|extra = "console=hvc0 sysrq_always_enabled"|' /tmp/ocfcrash.cfg
echo 'on_crash = "preserve"' >>/tmp/ocfcrash.cfg
check "create ocfcrash (on_crash=preserve)" xlt create /tmp/ocfcrash.cfg
cuuid=$(xl list -v ocfcrash | awk 'NR==2 {print $7}')
check "it boots" wait_for_log "$(guest_log ocfcrash)" XLT-GUEST-UP 120
check "crash it" xenstore-write "/local/domain/$(xl domid ocfcrash)/control/sysrq" c
check "monitor of a crash nobody restarts: 1 (failed)" \
    ra_is 1 ocfcrash monitor OCF_RESKEY_uuid="$cuuid" OCF_RESKEY_CRM_meta_timeout=10000
check "stop of it: 0, and it is gone" sh -c \
    "OCF_RESKEY_name=ocfcrash OCF_RESKEY_uuid=$cuuid $agent stop && ! xl domid ocfcrash"
rm -f /etc/xlt/migrate.key
xltd_restart
xlt undefine ocfdef >/dev/null
