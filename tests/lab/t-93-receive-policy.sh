#!/bin/bash
# What a migrating peer may ask of this host (issue 17): a peer that has
# the pool's key (tests/peer/hostile-peer) sends domain headers whose
# configs would run its programs in dom0 or take this host's hardware,
# bad names and a UUID that runs here; each is refused, naming the key,
# before anything is built, and nothing is left.  A stalled, a garbage
# and a trickling stream are hung up on, and xltd answers meanwhile.  A
# plain xltd (no key) starts only with migrate_listen naming addresses,
# and listens on those alone.
. /lab/lib.sh

pgrep -x xltd >/dev/null || xltd
migrate_key >/dev/null
base=$(lab_config pv-busybox hostile)
log=/var/log/xlt/xltd.log

peer() { /lab/bin/hostile-peer 127.0.0.1 8002 /etc/xlt/migrate.key "$@"; }
# json_of NAME LINE...: libxl's JSON of the PV config with LINEs added
json_of() {
  local f=/tmp/hostile-$1.cfg
  shift
  { cat "$base"; printf '%s\n' "$@"; } >"$f"
  xlt create -n "$f" >"${f%.cfg}.json" && echo "${f%.cfg}.json"
}
# refused WHAT ANSWER LINE...: the receiver answers ANSWER (a grep -F text)
refused() {
  local what=$1 want=$2 json
  shift 2
  json=$(json_of "$what" "$@") || { check "json of $what" false; return; }
  peer header "$json" >/tmp/answer 2>&1
  check "$what: refused, and says so" grep -qF "$want" /tmp/answer
}

entries0=$(ls /var/lib/xlt/domains | wc -l)

refused "a vif's script" "vif 0: its hotplug script is this host's to choose; refused" \
    'vif = ["bridge=xenbr0,script=/tmp/evil"]'
refused "a disk's script" "disk 0: its hotplug script is this host's to choose; refused" \
    'disk = ["phy:/dev/null,xvdb,r,script=/tmp/evil"]'
refused "device_model_override" "device_model_override: the device model is this host's to choose" \
    'device_model_override = "/bin/sh"'
refused "device_model_args" "device_model_args: the device model's command line" \
    'device_model_args = ["-chardev", "file,path=/etc/shadow,id=x"]'
refused "bootloader" "bootloader: a program run in dom0" 'bootloader = "/tmp/evil"'
refused "ioports" "ioports: passing its I/O ports through" 'ioports = ["3f8-3ff"]'
refused "iomem" "iomem: passing its memory through" 'iomem = ["fe000,1"]'
refused "irqs" "irqs: passing its IRQs through" 'irqs = [7]'
refused "device_model_user" "device_model_user: the device model's user is this host's to choose" \
    'device_model_user = "root"'
refused "a 9p share of dom0's directories" "p9: sharing a directory of dom0's is this host's to choose" \
    'p9 = ["tag=share,path=/etc,security_model=none"]'
# what the guest would read or write of dom0's: boot files come from
# migrate_boot_dirs (here the default, /boot and /var/lib/xlt/boot) and
# are everyone's to read; disks are LVs of migrate_volume_groups (the
# lab's: xltvg, xltshared) or under migrate_disk_dirs
refused "a ramdisk outside migrate_boot_dirs" \
    "ramdisk: /etc/shadow is not in a directory migrate_boot_dirs names (xlt.conf); refused" \
    'ramdisk = "/etc/shadow"'
: >/var/lib/xlt/boot/private && chmod 600 /var/lib/xlt/boot/private
ln -sf /proc/version /var/lib/xlt/boot/outside
ln -sf /nonexistent/x /var/lib/xlt/boot/dangling
refused "a ramdisk there that only root may read" \
    "ramdisk: /var/lib/xlt/boot/private is not a file everyone here may read; refused" \
    'ramdisk = "/var/lib/xlt/boot/private"'
refused "a kernel there that links out" \
    "kernel: /var/lib/xlt/boot/outside is not in a directory migrate_boot_dirs names (xlt.conf); refused" \
    'kernel = "/var/lib/xlt/boot/outside"'
refused "a kernel there that links to nothing" \
    "kernel: /var/lib/xlt/boot/dangling is not in a directory migrate_boot_dirs names (xlt.conf); refused" \
    'kernel = "/var/lib/xlt/boot/dangling"'
rm -f /var/lib/xlt/boot/private /var/lib/xlt/boot/outside /var/lib/xlt/boot/dangling
refused "a disk of dom0's" \
    "disk 0: /dev/sda is neither an LV of a volume group migrate_volume_groups names nor in a directory migrate_disk_dirs names (xlt.conf); refused" \
    'disk = ["phy:/dev/sda,xvdb,r"]'
refused "an LV of a volume group xlt.conf does not name" \
    "disk 0: /dev/othervg/lv is an LV of volume group \`othervg', which migrate_volume_groups (xlt.conf) does not name; refused" \
    'disk = ["phy:/dev/othervg/lv,xvdb,r"]'
refused "a file disk that climbs out of migrate_disk_dirs" \
    "disk 0: /var/lib/xen/images/../../../etc/shadow is neither an LV" \
    'disk = ["/var/lib/xen/images/../../../etc/shadow,raw,xvdb,r"]'
pv_base=$base
base=$(lab_config hvm-busybox hostile)
refused "an HVM serial port into a file of dom0's" \
    "serial: where a serial port goes is this host's to choose; refused" \
    'serial = "file:/etc/passwd"'
base=$pv_base
refused "a 300-character name" "the domain's name is 300 characters long (at most 128)" \
    "name = \"$(printf 'a%.0s' $(seq 300))\""
# xlt itself refuses such a name in a file: a peer sends it anyway
json=$(json_of slash) && sed -i 's|"name": *"hostile"|"name": "../../x"|' "$json"
peer header "$json" >/tmp/answer 2>&1
check "a name with a slash: refused, and says so" \
    grep -qF "has a \`/' or a control character" /tmp/answer

# a UUID that a running domain has
uuid=6d2f3c1e-8a4b-4c2d-9e1f-0a1b2c3d4e5f
keeper=$(lab_config pv-busybox keeper)
echo "uuid = \"$uuid\"" >>"$keeper"
check "create keeper (with a fixed UUID)" xlt create "$keeper"
refused "keeper's UUID under another name" "has UUID $uuid already" \
    'name = "impostor"' "uuid = \"$uuid\""
check "keeper runs on, the one domain with its UUID" \
    test "$(xl list -v | grep -c "$uuid")" -eq 1
check "destroy keeper" xlt destroy keeper

# memory promised: a peer sends the header of a domain that takes most of
# the free memory, then no stream; meanwhile that memory is not free, and
# xltd holds xl's lock.  (Stock xl takes that lock only when its
# autoballoon is on, and Xen's dom0_mem turns it off here: on for now.)
cp /etc/xen/xl.conf /tmp/xl.conf.lab
echo 'autoballoon = "on"' >>/etc/xen/xl.conf
free_mb=$(xl info | awk '$1 == "free_memory" { print $3 }')
json=$(json_of promised 'name = "promised"' "memory = $((free_mb - 100))")
/lab/bin/hostile-peer 127.0.0.1 8002 /etc/xlt/migrate.key hold "$json" >/tmp/hold.out 2>&1 &
holder=$!
check "the receiver takes the header and waits for the stream" \
    wait_until 20 grep -q '"ready"' /tmp/hold.out
check "meanwhile xltd holds xl's lock" xl_lock_held_by "$(pgrep -x xltd)"
other=$(lab_config pv-busybox other)
check "a stock xl create waits for it (killed after 5 s, nothing made)" sh -c \
    "timeout 5 xl create -p $other 'name=\"xl-waits\"' >/dev/null 2>&1
     test \$? -gt 123 && ! xl list xl-waits 2>/dev/null"
check_not "a create that fits only in that memory fails at once" \
    timeout 30 xlt create "$other"
check "and says the memory is promised" sh -c \
    "xlt create $other 2>&1 | grep -q 'MiB more are promised to creates, restores or migrations under way'"
check "nothing created" sh -c '! xl list other 2>/dev/null'
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
check "once the peer is gone, the create fits" wait_until 30 xlt create "$other"
check_not "and xltd holds xl's lock no longer" xl_lock_held_by "$(pgrep -x xltd)"
check "destroy it" xlt destroy other

# the other way round: while a stock xl create holds xl's lock (its
# bootloader takes 12 s, then fails), xlt create is refused, not queued
printf '#!/bin/sh\nsleep 12\nexit 1\n' >/tmp/slowboot
chmod +x /tmp/slowboot
: >/tmp/slowboot.img
slow=$(lab_config pv-busybox slowboot)
sed -i -e '/^kernel/d' -e '/^ramdisk/d' "$slow"
printf '%s\n' 'bootloader = "/tmp/slowboot"' \
    'disk = ["file:/tmp/slowboot.img,xvda,r"]' >>"$slow"
xl create "$slow" >/tmp/slowboot.out 2>&1 &
slowpid=$!
check "stock xl holds its lock through its create" \
    wait_until 10 xl_lock_held_by_other "$(pgrep -x xltd)"
check_not "xlt create meanwhile fails" xlt create "$other"
check "saying who holds the lock" sh -c \
    "xlt create $other 2>&1 | grep -qF 'other: /var/lock/xl is held by another toolstack (a stock xl create?): try again; nothing created'"
check "nothing created, no store entry" sh -c \
    '! xl list other 2>/dev/null && ! grep -qs "\"name\": \"other\"" /var/lib/xlt/domains/*.json'
wait "$slowpid"
check "once xl is done, xlt create works" xlt create "$other"
check "destroy it" xlt destroy other
cp /tmp/xl.conf.lab /etc/xen/xl.conf

# streams that are no migration
check "a stalled peer is hung up on at the handshake's deadline" \
    timeout 30 sh -c "/lab/bin/hostile-peer 127.0.0.1 8002 /etc/xlt/migrate.key stall | grep -q 'hung up'"
check "a garbage stream is hung up on" \
    timeout 30 /lab/bin/hostile-peer 127.0.0.1 8002 /etc/xlt/migrate.key garbage

# a peer that trickles the stream a byte a second, once libxl has failed
# on what came before: the receiver's loop must not wait for it (a
# second, plain xltd on port 8005, its own socket and state)
mkdir -p /tmp/xltC
printf '%s\n' 'migrate_port = 8005' 'migrate_plain = 1' \
  'state_dir = "/tmp/xltC"' 'socket = "/tmp/xltC/sock"' \
  'pid_file = "/tmp/xltC/pid"' 'log_file = "/tmp/xltC/log"' \
  'audit_log = "/tmp/xltC/audit.log"' >/tmp/xltC.conf
# plain authenticates nobody: only on addresses xlt.conf names
check_not "a plain xltd without migrate_listen does not start" \
    xltd -f /tmp/xltC.conf
check "saying where and why" sh -c \
    "xltd -f /tmp/xltC.conf 2>&1 | grep -q '/tmp/xltC.conf:2: migrate_plain: plain migrations (no TLS, no key) are taken only on the addresses migrate_listen names'"
echo 'migrate_listen = "lab-a"' >>/tmp/xltC.conf
check "nor with a name for an address" sh -c \
    "! xltd -f /tmp/xltC.conf 2>/tmp/xltC.err &&
     grep -q \"/tmp/xltC.conf:8: migrate_listen: .lab-a. is not an IP address\" /tmp/xltC.err"
sed -i 's/^migrate_listen = .*/migrate_listen = "127.0.0.1"/' /tmp/xltC.conf
check "a plain xltd takes migrations on 127.0.0.1 port 8005" xltd -f /tmp/xltC.conf
# the kernel's listening sockets on port 8005 (0x1F45): 127.0.0.1 alone
check "it listens there, and on no other address" sh -c \
    "[ \"\$(awk '\$4 == \"0A\" && \$2 ~ /:1F45\$/ { print \$2 }' /proc/net/tcp /proc/net/tcp6)\" = 0100007F:1F45 ]"
# all of 127/8 is this host's: the TLS xltd (every address) answers on
# 127.0.0.2, the plain one (127.0.0.1 only) does not
check "the TLS xltd, on every address, answers on 127.0.0.2" \
    timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.2/8002'
check_not "the plain one does not" timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.2/8005'

json=$(json_of trickle 'name = "trickle"')
# a stream that does not begin as libxl's is refused before libxl sees
# it (libxl 4.17 crashed xltd on such a stream header)
check "a stream that is not libxl's is refused" sh -c \
    "timeout 30 /lab/bin/hostile-peer 127.0.0.1 8005 - junkstream $json >/dev/null 2>&1;
     grep -q \"the peer's stream is not libxl's\" /tmp/xltC/log"
check "and that xltd runs on" timeout 3 xlt -S /tmp/xltC/sock list
# a header that says it is ~4 GiB long: refused by its head at once
check "an oversized header is refused by its length" sh -c \
    "timeout 10 /lab/bin/hostile-peer 127.0.0.1 8005 - oversize >/tmp/oversize.out 2>&1 &&
     grep -q 'the peer sent a frame of 4294967280 bytes' /tmp/xltC/log"
note "oversized header: $(tr '\n' ' ' </tmp/oversize.out)"
check "and that xltd runs on" timeout 3 xlt -S /tmp/xltC/sock list
/lab/bin/hostile-peer 127.0.0.1 8005 - trickle "$json" >/tmp/trickle.out 2>&1 &
trickler=$!
check "libxl fails on the peer's stream" wait_until 30 grep -q \
    "migration from .* refused: restoring it failed" /tmp/xltC/log
check "that xltd answers while the peer trickles" \
    timeout 3 xlt -S /tmp/xltC/sock list
check "and hangs up on it" wait_until 15 grep -q "hung up after" /tmp/trickle.out
note "$(tail -n 1 /tmp/trickle.out)"
kill "$(cat /tmp/xltC/pid)"
wait "$trickler"

check "the receiver logged each refusal" \
    test "$(grep -c 'migration from .*127.0.0.1 refused' "$log")" -ge 11
check "nothing was built: no --incoming domain" sh -c '! xl list | grep -q -- --incoming'
check "no store entry was left" test "$(ls /var/lib/xlt/domains | wc -l)" -eq "$entries0"
check "xltd runs on" pgrep -x xltd
