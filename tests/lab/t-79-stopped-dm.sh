#!/bin/bash
# A device model stopped with SIGSTOP (a debugger, a stuck process), under
# an HVM guest (issue 17).  A stopped QEMU answers no QMP command, and
# libxl waits 10 s for each; it ends a device model with SIGHUP, which a
# stopped process does not act on.  The guest need not have booted for
# any of this: SeaBIOS is enough.
# - save and live migration fail, naming the stopped process, nothing
#   done: the guest runs on here, the target keeps nothing, no file;
# - xltd answers `xlt list` meanwhile (libxl reads the config off its
#   loop);
# - a reboot (a remote shutdown) waits, in Xen, for the vCPU's I/O that
#   the device model has not done; continued, the guest restarts;
# - destroy: the domain is destroyed, and its device model, which would
#   keep the domain dying with its memory mapped, is killed 10 s later.
# Then a PV guest whose config libxl lost reboots: its on_reboot comes
# from the config it was created with.  And /vm/UUID left by a domain
# that is gone: xltd's start sweeps it.
. /lab/lib.sh

pgrep -x xltd >/dev/null || xltd
migrate_key >/dev/null
log=/var/log/xlt/xltd.log
dm() { pgrep -f "[x]en-qemu-system-i386 -xen-domid $1 "; }
# no domain is dying (xl shows one as "(null)" with a d)
none_dying() { ! xl list | awk 'NR > 1 && $5 ~ /d/ { found = 1 } END { exit !found }'; }
# runs() NAME: there, neither suspended, paused nor dying
runs() { xl list "$1" | awk 'NR==2 { exit $5 ~ /[spd]/ }'; }
# answers_quickly: xlt list within a second (any xlt call takes ~0.25 s
# here), three times over 3 s
answers_quickly() {
  for _ in 1 2 3; do timeout 1 xlt list >/dev/null || return 1; sleep 1; done
}

cfg=$(lab_config hvm-busybox dmstop)
check "create an HVM guest (qemu-xen)" xlt create "$cfg"
id=$(xlt domid dmstop)
pid=$(dm "$id")
check "its device model runs" test -n "$pid"
kill -STOP "$pid"
stopped="its device model (pid $pid) is stopped and does not answer (continue it: kill -CONT $pid)"

# fails_naming_dm WHAT CMD...: CMD fails while xlt list answers, naming
# the stopped device model; nothing done
fails_naming_dm() {
  local what=$1 job rc=0
  shift
  "$@" >/tmp/dmstop.out 2>&1 &
  job=$!
  check "$what: xlt list answers meanwhile" answers_quickly
  wait "$job" || rc=$?
  check "$what fails" test "$rc" -ne 0
  check "$what: naming the stopped device model; nothing done" grep -qF \
      "cannot read domain $id's configuration: $stopped; nothing done" \
      /tmp/dmstop.out
  check "$what: the same domain runs on" sh -c \
      "[ \$(xl domid dmstop) = $id ] && $(declare -f runs) && runs dmstop"
}
fails_naming_dm "save" xlt save dmstop /tmp/dmstop.save
check "no save file is left" test ! -e /tmp/dmstop.save
fails_naming_dm "live migration" xlt migrate dmstop localhost
check "no --incoming domain" sh -c '! xl list | grep -q -- --incoming'
# vcpu-set asks the device model (QMP), which would never answer
check_not "vcpu-set fails at once" timeout 10 xlt vcpu-set dmstop 1
check "naming the stopped device model; nothing done" sh -c \
    "timeout 10 xlt vcpu-set dmstop 1 2>&1 | grep -qF \"setting domain $id's vCPUs: $stopped; nothing done\""

# ---- a reboot: Xen holds it until the device model answers ----------------------
# (the guest's vCPU waits for an I/O the device model has not done; the
# shutdown completes when it has: nothing is lost meanwhile)
check "reboot -F (a remote shutdown for reboot)" xlt reboot -F dmstop
check "xlt list answers meanwhile" answers_quickly
check "the domain is not shut down while its device model is stopped" \
    sh -c "xl list dmstop | awk 'NR==2 { exit \$5 ~ /s/ }'"
kill -CONT "$pid"
check "once it is continued, the guest restarts (a new domain)" \
    wait_until 60 sh -c "id2=\$(xl domid dmstop 2>/dev/null) && [ \"\$id2\" != $id ]"
check "and its old device model ends by itself" wait_until 20 sh -c \
    "! kill -0 $pid 2>/dev/null"

# ---- destroy -------------------------------------------------------------------
# (once the restarted domain's device model is up: stopped before it says
# so, libxl's create waits its 60 s for it)
check "the restarted domain's device model is up" wait_until 60 sh -c \
    '[ "$(xenstore-read /local/domain/0/device-model/$(xl domid dmstop)/state 2>/dev/null)" = running ]'
id=$(xl domid dmstop)
pid=$(dm "$id")
kill -STOP "$pid"
check "destroy, its device model stopped" xlt destroy dmstop ||
  note "xltd's log: $(tail -n 8 "$log" | tr '\n' '|')"
check "the device model is killed 10 s on, saying so" wait_until 40 grep -qF \
    "domain $id: its device model (pid $pid, state T: stopped) did not end 10 s after the domain was destroyed" \
    "$log"
check "no domain is left dying" wait_until 20 none_dying
check "no device model is left" sh -c '! pgrep -f "[x]en-qemu-system-i386 -xen-domid"'
check "no store entry is left" sh -c '! grep -qs "\"dmstop\"" /var/lib/xlt/domains/*.json'
check "xltd runs on" pgrep -x xltd

# ---- libxl's config of a domain lost: on_* from the store ----------------------
# libxl keeps a domain's current config in /var/lib/xen/userdata-*; when
# it cannot tell it (that file gone, or a device model that does not
# answer) the guest's on_* action comes from the config it was created
# with, which xltd's store keeps, rather than not at all.
cfg=$(lab_config pv-busybox lostcfg)
check "create a PV guest" xlt create "$cfg"
check "it boots" wait_for_log "$(guest_log lostcfg)" "XLT-GUEST-HEARTBEAT 1" 90
id=$(xl domid lostcfg)
rm -f /var/lib/xen/userdata-d."$id".*.libxl-json
check "reboot it" xlt reboot lostcfg
check "xltd says where its on_reboot comes from" wait_until 30 grep -qF \
    "lostcfg ($id): cannot read domain $id's configuration" "$log"
check "the config it was created with" grep -qF \
    "its on_* actions are taken from the config it was created with" "$log"
check "and restarts it (a new domain)" wait_until 60 sh -c \
    "id2=\$(xl domid lostcfg 2>/dev/null) && [ \"\$id2\" != $id ]"
check "xltd manages it: destroy" xlt destroy lostcfg

# ---- /vm/UUID of a domain that is gone ------------------------------------------
# (libxl removes it at the end of a destroy; one cut short leaves it)
ghost=11111111-2222-4333-8444-555555555555
xenstore-write "/vm/$ghost/name" ghost "/vm/not-a-uuid/name" other
dom0_vm=/vm/$(xl list -v 0 | awk 'NR==2 { print $7 }')
xenstore-exists "$dom0_vm" || xenstore-write "$dom0_vm/name" Domain-0
check "xltd restarts" xltd_restart
check "it removes /vm/UUID of a domain that is gone, saying so" sh -c \
    "! xenstore-exists /vm/$ghost && grep -qF 'no domain has UUID $ghost but it left /vm/$ghost in xenstore; removed' $log"
check "and leaves what is not a UUID" xenstore-exists /vm/not-a-uuid
check "and that of a domain that runs (dom0)" xenstore-exists "$dom0_vm"
xenstore-rm /vm/not-a-uuid
