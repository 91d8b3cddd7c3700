#!/bin/bash
# Defined domains (issue 19): define, start, list --all, config-update,
# autostart settings, rename, undefine; a definition outlives its domain's
# runs and xltd's restart, keeps its UUID, and is refused where it would
# clash.  xl and xenstore as the second opinion.
. /lab/lib.sh

pgrep -x xltd >/dev/null || xltd
defdir=/var/lib/xlt/defined
trail=/var/log/xlt/audit.log
cfg=$(lab_config pv-busybox def1)
glog=$(guest_log def1)
ndefs() { find "$defdir" -name '*.json' | wc -l; }
# out_is TEXT CMD...: CMD's output (stdout and stderr) is exactly TEXT
# (an error's request id aside).
out_is() {
  local want=$1 got
  shift
  got=$("$@" 2>&1 | sed 's/ (request [0-9a-f]*)$//')
  [ "$got" = "$want" ] || { echo "got: $got"; echo "want: $want"; return 1; }
}
# list_all_row NAME: NAME's row of `xlt list --all`, fields squeezed.
list_all_row() { xlt list --all | awk -v n="$1" '$1 == n { $1 = $1; print }'; }
# json_member NAME KEY: KEY of NAME's object in the list on stdin (xlt's
# --json, one member a line; the name first).
json_member() {
  awk -v n="\"name\": \"$1\"" -v k="\"$2\": " '
    index($0, n) { inside = 1 }
    inside && /^ *}/ { inside = 0 }
    inside && index($0, k) { v = substr($0, index($0, k) + length(k))
                             sub(/,$/, "", v); print v }'
}
# def_json NAME KEY: KEY of NAME's entry in list --all --json.
def_json() { xlt list --all --json | json_member "$1" "$2"; }
export -f out_is list_all_row json_member def_json

# ---- define -----------------------------------------------------------------
before=$(ndefs)
check "define def1" sh -c "xlt define $cfg | grep -qE '^defined domain def1 \\(uuid [0-9a-f-]{36}\\)$'"
uuid=$(def_json def1 uuid | tr -d '"')
check "its definition is on disk, format 1" \
    grep -q '"xlt_definition": 1' "$defdir/$uuid.json"
check "nothing runs: xl does not know def1" sh -c '! xl domid def1'
check "list without --all does not show it" sh -c '! xlt list | grep -q "^def1 "'
check "list --all: id -, state off, 128 MiB, 1 vCPU" \
    out_is "def1 - 128 1 off 0.0" list_all_row def1
check "list --all --json: defined, no autostart" \
    bash -c '[ "$(def_json def1 defined)/$(def_json def1 autostart)/$(def_json def1 state)" = "true/false/\"off\"" ]'
check "define it again: refused, naming config-update" \
    out_is "xlt: define: def1: defined already (xlt config-update def1 FILE changes its config)" \
    xlt define "$cfg"
printf 'name = "bad"\nmemory = "lots"\n' >/tmp/bad.cfg
check_not "define a bad file: refused" xlt define /tmp/bad.cfg
check "it names the file and line" sh -c \
    'xlt define /tmp/bad.cfg 2>&1 | grep -qF "/tmp/bad.cfg:2: memory"'
printf 'name = "nokernel"\nkernel = "/nonexistent/vmlinuz"\nmemory = 64\n' \
    >/tmp/nokernel.cfg
check "define with a missing kernel: refused, naming it" sh -c \
    'xlt define /tmp/nokernel.cfg 2>&1 | grep -qF "kernel /nonexistent/vmlinuz"'
check "neither left a definition" sh -c "[ \$(find $defdir -name '*.json' | wc -l) -eq $((before + 1)) ]"
check "start of no definition: refused" \
    out_is "xlt: start: nosuch: no such definition (xlt list --all shows them)" \
    xlt start nosuch
check "create of def1's name from a file: refused while it is defined" \
    sh -c "xlt create $cfg 2>&1 | grep -qF 'def1 is defined, with UUID $uuid (xlt start def1 starts it)'"
check "and nothing was created" sh -c '! xl domid def1'

# ---- start, stop, start again -------------------------------------------------
check "start def1" sh -c 'xlt start def1 | grep -qE "^started domain def1 \(id [0-9]+\)$"'
check "it runs with the definition's UUID (xl list -v)" sh -c \
    "xl list -v def1 | awk 'NR==2 {print \$7}' | grep -qx $uuid"
check "it boots" wait_for_log "$glog" XLT-GUEST-UP 120
id=$(xlt domid def1)
check "start while it runs: refused" \
    out_is "xlt: start: def1: running already (id $id)" xlt start def1
check "list --json marks the running domain defined" \
    bash -c '[ "$(xlt list --json def1 | json_member def1 defined)" = true ]'
check "list --all shows it once, running" sh -c \
    '[ "$(xlt list --all | grep -c "^def1 ")" = 1 ] && xlt list --all | grep "^def1 " | grep -qv " off "'
check "config-update def1 (memory=96): for its next start" \
    out_is "def1: definition updated; it runs (id $id) as it was until its next start" \
    xlt config-update def1 "$cfg" memory=96
lab_config pv-busybox other >/dev/null
check "config-update with another name: refused" \
    out_is "xlt: config-update: the config names the domain other, not def1 (a definition keeps its name: xlt rename)" \
    xlt config-update def1 /tmp/other.cfg
check "it still runs with 128 MiB (xl)" sh -c \
    '[ "$(xl list def1 | awk "NR==2 {print \$3}")" = 128 ]'
check "rename def1 def1b: the definition follows" bash -c \
    'xlt rename def1 def1b && [ "$(list_all_row def1b | cut -d" " -f1)" = def1b ]'
check "rename back" xlt rename def1b def1
check "shutdown -w def1" xlt shutdown -w def1
check "it is gone (xl)" sh -c '! xl domid def1'
check "and stays defined: list --all says off, with the new 96 MiB" \
    out_is "def1 - 96 1 off 0.0" list_all_row def1
xltd_restart
check "definitions outlive xltd's restart" \
    out_is "def1 - 96 1 off 0.0" list_all_row def1
check "start def1 again: paused" sh -c 'xlt start -p def1 | grep -q ", paused$"'
check "it runs with 96 MiB now, same UUID (xl)" sh -c \
    "xl list -v def1 | awk 'NR==2 {print \$3, \$7}' | grep -qx '96 $uuid'"
check "destroy it" xlt destroy def1
check "still defined after a destroy" out_is "def1 - 96 1 off 0.0" list_all_row def1

# ---- autostart settings ---------------------------------------------------------
check "autostart def1 on --order 2 --delay 1" xlt autostart --order 2 --delay 1 def1 on
check "list --all --json: autostart, order 2, delay 1" bash -c \
    '[ "$(def_json def1 autostart)/$(def_json def1 autostart_order)/$(def_json def1 autostart_delay)" = "true/2/1" ]'
check "autostart def1 off keeps order and delay" bash -c \
    'xlt autostart def1 off && [ "$(def_json def1 autostart)/$(def_json def1 autostart_order)" = "false/2" ]'
check_not "autostart with a bad delay: refused" xlt autostart --delay 99999 def1 on
check_not "autostart maybe: refused" xlt autostart def1 maybe
check "config-update keeps the autostart settings" bash -c \
    "xlt config-update def1 $cfg >/dev/null && [ \"\$(def_json def1 autostart_order)\" = 2 ]"

# ---- a running domain becomes defined; undefine --------------------------------
lab_config pv-busybox transient >/dev/null
check "create transient (from a file, not defined)" xlt create -p /tmp/transient.cfg
tuuid=$(xl list -v transient | awk 'NR==2 {print $7}')
check "list --json: not defined" bash -c \
    '[ "$(xlt list --json transient | json_member transient defined)" = false ]'
check "define it while it runs: it keeps its UUID" sh -c \
    "xlt define /tmp/transient.cfg | grep -qF 'defined domain transient (uuid $tuuid)'"
check "undefine it while it runs: it runs on" \
    out_is "transient: no longer defined; it runs on (id $(xl domid transient)) until it stops" \
    xlt undefine transient
check "its definition file is gone" sh -c "[ ! -e $defdir/$tuuid.json ]"
check "it still runs (xl)" xl domid transient
check "destroy transient" xlt destroy transient
check_not "undefine it again: no such definition" xlt undefine transient

# ---- a damaged definition does not hide the others --------------------------------
echo '{"xlt_definition": 1, "name": "broken"' >"$defdir/00000000-0000-0000-0000-0000000000aa.json"
check "list --all still shows def1" bash -c 'list_all_row def1 | grep -q off'
check "xltd logs what is wrong with it" \
    grep -q "00000000-0000-0000-0000-0000000000aa.json" /var/log/xlt/xltd.log
rm -f "$defdir/00000000-0000-0000-0000-0000000000aa.json"

# ---- the trail -------------------------------------------------------------------
for op in define start config-update autostart undefine; do
  check "the audit trail has $op" grep -qF "\"op\":\"$op\"" "$trail"
done
check "and names def1 for start" grep -qF '"op":"start","vm":"def1"' "$trail"

check "undefine def1" out_is "def1: no longer defined" xlt undefine def1
check "list --all no longer shows it" sh -c '! xlt list --all | grep -q "^def1 "'
