#!/bin/bash
# The remote API between the two lab hosts (issue 18): A (here, 10.99.0.1)
# makes a CA with `xlt pki', a certificate for host B and for its users;
# B's xltd serves its requests over TLS on port 8003, each client's role
# from its certificate through B's allow-list.  From A: B's host info and
# guests, a guest created on B and driven (pause, memory, vCPUs, its
# console, a vif attached and detached, a reboot, save and restore, a
# volume made, attached, refused removal while in use, removed), its
# events followed, migrated B -> A by asking B (one request id in both
# trails); 8 requests waiting on B while list and destroy answer at once;
# a read-only user lists but may not destroy; a
# revoked certificate and another CA's are refused by name; a connection
# that says nothing is dropped, and a flood of them keeps nobody out for
# long while B's own xlt answers throughout.  B's audit trail has each
# remote change and refusal with the certificate's subject and address.
. /lab/lib.sh

printf 'LAB-PEER-START\n'
pgrep -x xltd >/dev/null || xltd
a=${LAB_ADDR%/*}
b=$LAB_PEER
pki=/etc/xlt/pki
check "host B answers on the link" wait_until 240 peer true
cp /etc/xlt/xlt.conf /tmp/xlt.conf.orig 2>/dev/null || : >/tmp/xlt.conf.orig

# ---- the PKI, made on A; both hosts serve (lib.sh's fleet_up) ---------------
check "a CA, certificates for A, B and A's root; B gets its bundle; both serve" \
    fleet_up
check "the CA's fingerprint is shown" sh -c \
    "xlt pki show $pki/ca.pem | grep -qE '^  SHA-256      ([0-9A-F]{2}:){31}[0-9A-F]{2}\$'"
check "its key is root's alone" sh -c \
    "[ \"\$(stat -c %a $pki/private $pki/private/ca-key.pem | tr '\n' ' ')\" = '700 600 ' ]"
check "B's host key is its own" peer \
    "[ \"\$(stat -c %a $pki/private/host-key.pem)\" = 600 ]"
check "a reader (read-only)" xlt pki issue user reader --role read-only
check "and mallory (operator)" xlt pki issue user mallory --role operator
check_not "issuing a user without a role is refused" \
    xlt pki issue user carol
check "naming what it needs" sh -c \
    "xlt pki issue user carol 2>&1 | grep -qF 'issue: a user needs --role (read-only, operator or admin)'"
check "another CA's user (eve, admin)" sh -c \
    "xlt pki init evil --dir /tmp/evil >/dev/null &&
     xlt pki issue user eve --role admin --dir /tmp/evil --out /tmp/eve &&
     cp $pki/ca.pem /tmp/eve/ca.pem"

# ---- every command group on B, from A ------------------------------------------
export XLT_HOST=$b
b_name=$(peer hostname)
check "xlt -H b info is B's" sh -c "xlt info | grep -qE '^host +: $b_name\$'"
check "A follows B's events (xlt -H b events)" events_start /tmp/b.events xlt events
b_events_pid=$events_pid
XLT_HOST='' check "and its own" events_start /tmp/a.events xlt events
cfg=$(lab_config pv-busybox remote-g)
check "create on B from A" xlt create "$cfg" maxvcpus=2
check "xlt events on A shows the create on B, by B's name" \
    wait_for_log /tmp/b.events "Z $b_name created remote-g \([0-9]+\)\$" 20
check "B runs it (xl on B)" peer "xl list remote-g"
check "A has no such guest" sh -c "! xl list remote-g 2>/dev/null"
check "xlt -H b list shows it" sh -c "xlt list | grep -q '^remote-g '"
check "xlt -H b stats shows it, A's not" sh -c \
    "xlt stats -i 0.5 | grep -q '^remote-g ' && ! XLT_HOST= xlt stats -i 0.5 | grep -q '^remote-g '"
check "it boots on B" wait_until 120 peer \
    "grep -q XLT-GUEST-UP /var/log/xen/console/guest-remote-g.log"
check "pause on B" xlt pause remote-g
check "B's xl says paused" peer "xl list remote-g | awk 'NR==2 { print \$5 }' | grep -q p"
check "unpause" xlt unpause remote-g
check "mem-set 96m" xlt mem-set remote-g 96m
check "B's xl shows 96 MiB" peer "[ \"\$(xl list remote-g | awk 'NR==2 { print \$3 }')\" = 96 ]"
check "B's events: paused, unpaused, the new memory target" sh -c \
    "grep -qE ' paused remote-g \([0-9]+\)\$' /tmp/b.events &&
     grep -qE ' unpaused remote-g \([0-9]+\)\$' /tmp/b.events &&
     grep -qE ' memory remote-g \([0-9]+\) target_kb=98304\$' /tmp/b.events"
check "vcpu-list over the API" sh -c "xlt vcpu-list remote-g | grep -q remote-g"
check "network-list over the API" xlt network-list remote-g
attach_start xlt console remote-g
check "xlt -H b console shows B's guest" \
    wait_for_log /tmp/attach.out XLT-GUEST-HEARTBEAT 60
attach_type 'typed-on-a\n'
check "what A types reaches the guest on B, echoed back" \
    wait_for_log /tmp/attach.out typed-on-a 30
check "B's guest got it (its console log on B)" peer \
    "grep -q typed-on-a /var/log/xen/console/guest-remote-g.log"
attach_type '\035'
check "Ctrl-] detaches" attach_wait 10
check "vcpu-set 2 on B" xlt vcpu-set remote-g 2
check "B's xl shows 2 vCPUs online (once the guest took the second)" \
    wait_until 30 peer \
    "[ \"\$(xl list remote-g | awk 'NR==2 { print \$4 }')\" = 2 ]"
check "a bridge on B" peer "ip link add xlt-br1 type bridge && ip link set xlt-br1 up"
check "network-attach on B" xlt network-attach remote-g bridge=xlt-br1
check "B's xenstore has the vif's backend" peer \
    "xenstore-exists /local/domain/0/backend/vif/\$(xl domid remote-g)/0"
check "network-detach on B" xlt network-detach remote-g 0
check "B's events: vCPUs, the vif added and removed" sh -c \
    "grep -qE ' vcpus remote-g \([0-9]+\) online=2\$' /tmp/b.events &&
     grep -qE ' device-added remote-g \([0-9]+\) device=vif/0\$' /tmp/b.events &&
     grep -qE ' device-removed remote-g \([0-9]+\) device=vif/0\$' /tmp/b.events"
check "reboot on B" xlt reboot remote-g
check "B restarts it (its events say so)" \
    wait_for_log /tmp/b.events " restarted remote-g " 60
check "it boots again on B" wait_until 120 peer \
    "[ \$(grep -c XLT-GUEST-UP /var/log/xen/console/guest-remote-g.log) -ge 2 ]"
check "save on B, to B's file" xlt save remote-g /tmp/remote-g.save
check "B has the file, and no remote-g" peer \
    "test -s /tmp/remote-g.save && ! xl list remote-g 2>/dev/null"
check "restore on B from B's file" xlt restore /tmp/remote-g.save
check "B runs it again" peer "xl list remote-g"
check "B's events: saved, restored" sh -c \
    "grep -qE ' saved remote-g \([0-9]+\) file=/tmp/remote-g.save\$' /tmp/b.events &&
     grep -qE ' restored remote-g \([0-9]+\)\$' /tmp/b.events"
# volumes: xltd runs lvm (off its loop), so they go to B like the rest
check "a volume group on B" peer \
    "vgs xltvg >/dev/null 2>&1 || { truncate -s 64M /tmp/xltvg.img &&
     dev=\$(losetup -f --show /tmp/xltvg.img) && pvcreate -q \$dev >/dev/null &&
     vgcreate -q xltvg \$dev >/dev/null; }"
check "volume-create on B from A" xlt volume-create xltvg rdata 8m
check "B's lvm has it" peer "lvs xltvg/rdata"
check "volume-list over the API shows it, 8 MiB" sh -c \
    "xlt volume-list xltvg | grep -qE '^xltvg +rdata +8 '"
check "block-attach it to remote-g on B" \
    xlt block-attach remote-g phy:/dev/xltvg/rdata,xvdb,w
check "B's events: the disk added" wait_for_log /tmp/b.events \
    " device-added remote-g \([0-9]+\) device=vbd/xvdb\$" 20
check_not "volume-remove on B refuses a disk in use" \
    xlt volume-remove xltvg/rdata
check "saying whose" sh -c "xlt volume-remove xltvg/rdata 2>&1 | grep -qE \
    'xltvg/rdata is a disk of domain [0-9]+: detach it first \(request [0-9a-f]{16}\)'"
check "block-detach" xlt block-detach remote-g xvdb
check "volume-remove on B" xlt volume-remove xltvg/rdata
check "B's lvm has it no more" peer "! lvs xltvg/rdata 2>/dev/null"

# ---- roles and refusals ---------------------------------------------------------
as_user() { XLT_PKI=$1 xlt "${@:2}"; }
check "the reader lists B's guests" sh -c \
    "XLT_PKI=$pki/issued/reader xlt list | grep -q '^remote-g '"
check_not "but may not destroy one" as_user "$pki/issued/reader" destroy remote-g
check "told the role it needs" sh -c \
    "XLT_PKI=$pki/issued/reader xlt destroy remote-g 2>&1 | grep -qF \
     'destroy: permission denied: it needs the operator role (this caller, CN=reader,OU=read-only,O=lab, is read-only)'"
rid=$(XLT_PKI=$pki/issued/reader xlt destroy remote-g 2>&1 |
      sed -nE 's/.* \(request ([0-9a-f]{16})\)$/\1/p')
check "and the id of its request, to look up in B's trail" test -n "$rid"
check_not "nor open its console" as_user "$pki/issued/reader" console remote-g
check "the reader sees B's statistics (xlt -H b stats, read-only)" sh -c \
    "XLT_PKI=$pki/issued/reader xlt stats -i 0.5 remote-g | grep -q '^remote-g '"
check "and B's xlt top, in batch mode" sh -c \
    "XLT_PKI=$pki/issued/reader xlt top -b -i 1 -d 0.5 | grep -q '^remote-g '"
check "reader follows B's events all the same (read-only)" sh -c \
    "XLT_PKI=$pki/issued/reader timeout 3 xlt events 2>&1 | grep -q 'following $b_name.s events'"
check "mallory lists B's guests" as_user "$pki/issued/mallory" list
check "until she is revoked" sh -c \
    "xlt pki revoke mallory | grep -q 'Revoked CN=mallory,OU=operator,O=lab'"
crl=$(base64 <$pki/crl.pem | tr -d '\n')
check "and B has the new CRL (no restart)" peer \
    "echo $crl | base64 -d >$pki/crl.pem.new && mv $pki/crl.pem.new $pki/crl.pem"
check_not "mallory's revoked certificate is refused" \
    as_user "$pki/issued/mallory" list
check "by name and why" sh -c \
    "XLT_PKI=$pki/issued/mallory xlt list 2>&1 | grep -qF \
     'certificate of CN=mallory,OU=operator,O=lab refused: it is revoked'"
check_not "another CA's certificate is refused" as_user /tmp/eve list
check "by name and why" sh -c "XLT_PKI=/tmp/eve xlt list 2>&1 | grep -qF \
     'certificate of CN=eve,OU=admin,O=evil refused: it is not issued by this host'\''s CA'"
check "A refuses B when B's certificate does not name what A asked" sh -c \
    "echo '$b b-by-another-name' >>/etc/hosts &&
     xlt -H b-by-another-name list 2>&1 | grep -qF \"b-by-another-name: its certificate refused: it is another host's\""

# ---- silence and floods -----------------------------------------------------------
t0=$(now_ms)
check "a connection that says nothing is dropped within ~10 s" sh -c \
    "timeout 20 socat -u TCP:$b:8003 - >/dev/null"
silent_ms=$(($(now_ms) - t0))
note "a silent client was dropped after $silent_ms ms"
# TLS without a certificate, then bytes without end: told why and cut
t0=$(now_ms)
check "a client with no certificate that keeps sending is cut" sh -c \
    "timeout 20 socat -u /dev/zero OPENSSL:$b:8003,verify=0 >/dev/null 2>&1; [ \$? != 124 ]"
note "a certificate-less client sending without end was cut after $(($(now_ms) - t0)) ms"
flood=()
for i in $(seq 12); do timeout 30 socat -u TCP:$b:8003 - >/dev/null 2>&1 & flood+=($!); done
sleep 1
check "meanwhile B's own xlt answers at once" peer "timeout 2 xlt list"
check "once the flood's deadline passes, A is let in again" \
    wait_until 30 sh -c "xlt list >/dev/null 2>&1"
wait "${flood[@]}" # (not the events followers)

# ---- migrate B -> A, asked of B -------------------------------------------------
# (a PV guest moves suspended: the lab's Xen has no shadow paging)
check "xlt -H b migrate remote-g A (B sends to A)" sh -c \
    "xlt migrate --non-live remote-g $a >/tmp/rmig.out"
note "B->A via the API: $(cat /tmp/rmig.out)"
check "A runs it now" sh -c "XLT_HOST= xlt list | grep -q '^remote-g '"
check "B has it no more" peer "! xl list remote-g 2>/dev/null"
check "A's events: remote-g migrated in from B, by B's request" \
    wait_for_log /tmp/a.events " migrated-in remote-g \([0-9]+\) peer=$b request=[0-9a-f]{16}\$" 20
check "B's events: migrated out to A" \
    wait_for_log /tmp/b.events " migrated-out remote-g \([0-9]+\) peer=$a\$" 20
mid=$(sed -nE 's/.* migrated-in remote-g .* request=([0-9a-f]{16})$/\1/p' /tmp/a.events)
check "A's trail has the migration in under B's request id" sh -c \
    "grep -F '\"id\":\"$mid\"' /var/log/xlt/audit.log | grep -qF '\"user\":\"xltd\",\"from\":\"$b\",\"role\":\"admin\",\"op\":\"migrate-in\",\"vm\":\"remote-g\"'"
kill "$events_pid" "$b_events_pid"

# ---- every host at once: xlt -H @all list ------------------------------------------
check "a guest on B as well" xlt create -p "$(lab_config pv-busybox remote-b)"
printf '# lab hosts\nall %s %s 10.99.0.9  # (no such host)\nup %s %s\n' \
    "$a" "$b" "$a" "$b" >/etc/xlt/hosts.conf
for i in 1 2 3 4 5; do
  t0=$(now_ms)
  xlt -H @up list >/dev/null 2>&1
  up_ms+=("$(($(now_ms) - t0))")
done
note "xlt -H @up list (both lab hosts, 5 runs): ${up_ms[*]} ms; median $(printf '%s\n' "${up_ms[@]}" | sort -n | sed -n 3p) ms"
t0=$(now_ms)
xlt -H @all list >/tmp/all.out 2>&1
all_rc=$?
note "xlt -H @all list (two hosts and one down): $(($(now_ms) - t0)) ms, rc $all_rc"
check "one table: A's guest, with its host" grep -qE "^$a +remote-g " /tmp/all.out
check "B's guest, with its host" grep -qE "^$b +remote-b " /tmp/all.out
check "the host that is down, on a line of its own, with why" grep -qE \
    "^10\.99\.0\.9 +error: connecting to 10\.99\.0\.9 port 8003: " /tmp/all.out
check "and the exit status says a host did not answer" test "$all_rc" = 1
check "--json: each host's domains or error" sh -c \
    "xlt -H @all list --json | grep -q '\"host\":\"$b\",\"domains\":\[.*remote-b'"
check_not "only list and events go to a group" xlt -H @all destroy remote-b
check "xlt -H @all events follows every host" events_start /tmp/all.events xlt -H @all events
check "(both that answer said so)" wait_until 20 sh -c \
    "[ \$(grep -c \"events: following .*'s events\" /tmp/all.events) = 2 ]"
check "unpause remote-b on B" xlt unpause remote-b
check "pause remote-g on A" env XLT_HOST= xlt pause remote-g
check "both hosts' events in one stream: B's" \
    wait_for_log /tmp/all.events "Z $b_name unpaused remote-b " 20
check "and A's" wait_for_log /tmp/all.events "Z $(hostname) paused remote-g " 20
check "and the host that is down, on a line of its own" wait_for_log \
    /tmp/all.events "events: 10\.99\.0\.9: connecting to 10\.99\.0\.9 port 8003: " 20
kill "$events_pid"
check "A destroys its guest" env XLT_HOST= xlt destroy remote-g

# ---- every request busy: list and destroy still answer --------------------------
# 8 of A's requests wait on B: shutdown -w of a guest that is paused, so
# never acknowledges (libxl waits 60 s for that); B's loop waits for none
# of them, and answers others at once
check "pause remote-b again" xlt pause remote-b
asking() { peer "grep -c 'asking it to shut down' /var/log/xlt/xltd.log || true"; }
n0=$(asking)
busy=()
for i in $(seq 8); do
  xlt shutdown -w remote-b >/tmp/busy.$i 2>&1 &
  busy+=($!)
  wait_until 20 eval '[ "$(asking)" -ge $((n0 + i)) ]' >/dev/null
done
check "8 shutdown -w wait on B" eval '[ "$(asking)" -ge $((n0 + 8)) ]'
t0=$(now_ms)
check "meanwhile B lists at once" sh -c "xlt list | grep -q '^remote-b '"
list_ms=$(($(now_ms) - t0))
check "within 3 s (TLS, under TCG)" test "$list_ms" -lt 3000
t0=$(now_ms)
check "and destroys" xlt destroy remote-b
note "with 8 requests waiting on B: list ${list_ms} ms, destroy $(($(now_ms) - t0)) ms (over TLS, under TCG)"
check "each waiting shutdown -w returns once the guest is gone" wait_until 30 \
    eval 'for p in "${busy[@]}"; do kill -0 "$p" 2>/dev/null && exit 1; done; true'
check "and succeeds (it is down, as asked)" \
    eval 'failed=0; for p in "${busy[@]}"; do wait "$p" || failed=1; done; [ $failed = 0 ]'
cp /tmp/xlt.conf.orig /etc/xlt/xlt.conf
check "A's xltd as before" xltd_restart

# ---- B's audit trail -------------------------------------------------------------------
trail=/var/log/xlt/audit.log
check "B's trail has the create, by A's root certificate, from A" peer \
    "grep -F '\"user\":\"CN=root-a,OU=admin,O=lab\",\"from\":\"$a\",\"role\":\"admin\",\"op\":\"create\",\"vm\":\"remote-g\"' $trail | grep -q '\"result\":\"ok\"'"
check "the reader's refused destroy" peer \
    "grep -F '\"user\":\"CN=reader,OU=read-only,O=lab\"' $trail | grep -F '\"op\":\"destroy\"' | grep -q '\"result\":\"refused\"'"
check "mallory's refused connection, with no role" peer \
    "grep -F '\"user\":\"CN=mallory,OU=operator,O=lab\"' $trail | grep -F '\"role\":\"none\",\"op\":\"connect\"' | grep -q 'it is revoked'"
check "the migration, asked remotely, under the id A's trail has" peer \
    "grep -F '\"op\":\"migrate\",\"vm\":\"remote-g\"' $trail | grep -F '\"id\":\"$mid\"' | grep -q '\"result\":\"ok\"'"
check "the refusal the reader was told the id of" peer \
    "grep -F '\"id\":\"$rid\"' $trail | grep -q '\"result\":\"refused\"'"
check "the console A's root opened on B, and its close" peer \
    "grep -F '\"user\":\"CN=root-a,OU=admin,O=lab\",\"from\":\"$a\",\"role\":\"admin\",\"op\":\"console\",\"vm\":\"remote-g\"' $trail &&
     grep -qF '\"user\":\"CN=root-a,OU=admin,O=lab\",\"from\":\"$a\",\"role\":\"admin\",\"op\":\"console-close\",\"vm\":\"remote-g\"' $trail"
check "the volumes made and removed from A" peer \
    "grep -F '\"user\":\"CN=root-a,OU=admin,O=lab\",\"from\":\"$a\",\"role\":\"admin\",\"op\":\"volume-create\"' $trail | grep -q '\"result\":\"ok\"' &&
     grep -F '\"op\":\"volume-remove\"' $trail | grep -q '\"result\":\"failed\"'"
check "B's trail verifies" peer "xlt audit verify"
check "xlt -H b audit reads it from A" sh -c \
    "xlt audit | grep -qE 'CN=reader.* destroy +remote-g +refused'"
unset XLT_HOST

# back to the boot's own: B's xltd as before (no remote API)
peer "rm -f /etc/xlt/xlt.conf; pkill -x xltd; while pgrep -x xltd >/dev/null; do sleep 0.2; done; xltd" >/dev/null
check "B's xltd runs on" peer "pgrep -x xltd"
