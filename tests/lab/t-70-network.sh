#!/bin/bash
# vifs on a Linux bridge through xlt's own driver (drivers/vif-bridge,
# rtnetlink): dom0 has a bridge with an address; a PV guest with a vif on
# it pings dom0 and dom0 pings the guest; the vif takes the bridge's MTU;
# the driver reports to xenstore as libxl expects; a missing bridge fails
# with its name and leaves nothing behind.  Anti-spoofing (ip=, nftables'
# table bridge xlt, read here with the nft program): a guest sending from
# its listed address reaches dom0, the same guest from another address
# does not, and its chain lives as long as its vif; the driver alone
# refuses a bad address, or an interface name that is not plain, before
# anything reaches nftables.
. /lab/lib.sh

driver=/usr/lib/xlt/vif-bridge
pgrep -x xltd >/dev/null || xltd

# dom0's side: xenbr0 at 10.9.0.1/24, with a smaller MTU than eth0's, so
# that taking the bridge's MTU shows
ip link add xenbr0 type bridge
ip link set xenbr0 mtu 1400
ip addr add 10.9.0.1/24 dev xenbr0
ip link set xenbr0 up

cfg=$(lab_config pv-busybox pv-net)
log=$(guest_log pv-net)
check "create pv-net with a vif on xenbr0" \
    xlt create "$cfg" 'vif=["bridge=xenbr0,mac=00:16:3e:00:09:02"]' \
    'extra="console=hvc0 xlt_ip=10.9.0.2/24 xlt_ping=10.9.0.1"'
id=$(xl domid pv-net)
be=/local/domain/0/backend/vif/$id/0
check "it boots" wait_for_log "$log" XLT-GUEST-UP 90
check "it sees its NIC" wait_for_log "$log" "XLT-GUEST-DEV net eth0 00:16:3e:00:09:02" 30
check "eth0 comes up" wait_for_log "$log" "XLT-GUEST-NET eth0 10.9.0.2/24" 30
check "the guest pings dom0" wait_for_log "$log" "XLT-GUEST-PING 10.9.0.1 ok" 40
check "dom0 pings the guest" ping -c 3 -W 2 10.9.0.2
check "xlt named its own driver" \
    test "$(xenstore-read "$be/script")" = "$driver"
check "hotplug-status: connected" \
    test "$(xenstore-read "$be/hotplug-status")" = connected
check "vif$id.0 is a port of xenbr0" \
    test "$(basename "$(readlink "/sys/class/net/vif$id.0/master")")" = xenbr0
check "with the bridge's MTU, 1400" \
    test "$(cat "/sys/class/net/vif$id.0/mtu")" = 1400
# (the first test of its boot: nothing before it gave a vif an ip=)
check "a vif without ip= makes no nftables table" \
    sh -c '! nft list table bridge xlt'
check "xl network-list: state 4 (connected)" sh -c \
    "xl network-list pv-net | awk 'NR == 2 { exit !(\$5 == 4) }'"
# live hotplug, seen from inside the guest
check "network-attach pv-net bridge=xenbr0 mac=00:16:3e:00:09:03" \
    xlt network-attach pv-net bridge=xenbr0 mac=00:16:3e:00:09:03
check "the guest sees a second NIC" \
    wait_for_log "$log" "XLT-GUEST-DEV net eth1 00:16:3e:00:09:03" 30
check "network-list: two vifs, both connected" sh -c \
    '[ "$(xlt network-list --json pv-net | grep -c "\"state\": 4")" = 2 ]'
check "xl network-list agrees" \
    test "$(xl network-list pv-net | awk 'NR > 1 && $5 == 4' | wc -l)" = 2
check "vif$id.1 is on xenbr0 too" \
    test "$(basename "$(readlink "/sys/class/net/vif$id.1/master")")" = xenbr0
check "network-detach pv-net 1" xlt network-detach pv-net 1
check "the guest's eth1 is gone" wait_until 30 sh -c \
    ". /lab/lib.sh; guest_devs_now $log | grep -q 'net eth0' &&
     ! guest_devs_now $log | grep -q 'net eth1'"
check "and vif$id.1 from dom0" test ! -e "/sys/class/net/vif$id.1"
check_not "network-detach of a vif it does not have fails" \
    xlt network-detach pv-net 7
check "and says so" sh -c \
    'xlt network-detach pv-net 7 2>&1 | grep -q "has no vif 7"'
check_not "network-attach to a missing bridge fails" \
    xlt network-attach pv-net bridge=nosuchbr
check "and names the bridge" sh -c \
    'xlt network-attach pv-net bridge=nosuchbr 2>&1 | grep -q "bridge nosuchbr does not exist"'
check_not "network-attach with a misspelt option fails" \
    xlt network-attach pv-net brige=xenbr0
check "pv-net still has one vif" \
    test "$(xl network-list pv-net | awk 'NR > 1' | wc -l)" = 1

# a bridge whose uplink is a VLAN interface (VLAN 10 on dummy8)
ip link add dummy8 type dummy && ip link set dummy8 up
ip link add link dummy8 name dummy8.10 type vlan id 10
ip link add brvlan type bridge
ip link set dummy8.10 master brvlan && ip link set dummy8.10 up
ip link set brvlan up
check "network-attach pv-net bridge=brvlan (its uplink is on VLAN 10)" \
    xlt network-attach pv-net bridge=brvlan mac=00:16:3e:00:09:04
check "the vif joined brvlan beside dummy8.10" sh -c \
    "ls /sys/class/net/brvlan/brif | grep -q '^vif$id\.' &&
     ls /sys/class/net/brvlan/brif | grep -qx dummy8.10"
check "the guest sees it" \
    wait_for_log "$log" "XLT-GUEST-DEV net eth[0-9] 00:16:3e:00:09:04" 30
check "network-detach by MAC" \
    xlt network-detach pv-net 00:16:3e:00:09:04
check "brvlan has its uplink only" \
    test "$(ls /sys/class/net/brvlan/brif)" = dummy8.10
ip link del brvlan
ip link del dummy8
check "destroy pv-net" xlt destroy pv-net
check "its vif is gone" wait_until 20 sh -c "! ip link show vif$id.0 2>/dev/null"
check "xenbr0 has no ports left" \
    test -z "$(ls /sys/class/net/xenbr0/brif)"

# anti-spoofing: vif ip=10.9.0.5; the guest first uses that address, then
# (the same guest, another name for a log of its own) 10.9.0.6
guard_vif='vif=["bridge=xenbr0,mac=00:16:3e:00:09:05,ip=10.9.0.5"]'
cfg=$(lab_config pv-busybox pv-guard)
log=$(guest_log pv-guard)
check "create pv-guard with ip=10.9.0.5 on its vif" \
    xlt create "$cfg" "$guard_vif" \
    'extra="console=hvc0 xlt_ip=10.9.0.5/24 xlt_ping=10.9.0.1"'
id=$(xl domid pv-guard)
chain=from-vif$id.0
check "libxl wrote the list to the backend's ip node" \
    test "$(xenstore-read "/local/domain/0/backend/vif/$id/0/ip")" = 10.9.0.5
check "pv-guard, from its listed address, pings dom0" \
    wait_for_log "$log" "XLT-GUEST-PING 10.9.0.1 ok" 90
check "dom0 pings pv-guard" ping -c 3 -W 2 10.9.0.5
check "the vif has its chain, $chain" nft list chain bridge xlt "$chain"
check "which drops another source MAC and accepts 10.9.0.5" sh -c \
    "nft list chain bridge xlt $chain > /tmp/guard.nft &&
     grep -q 'ether saddr != 00:16:3e:00:09:05 drop' /tmp/guard.nft &&
     grep -q 'ip saddr 10.9.0.5 accept' /tmp/guard.nft &&
     grep -q 'arp saddr ip 10.9.0.5 accept' /tmp/guard.nft &&
     tail -n 3 /tmp/guard.nft | grep -qx '[[:space:]]*drop'"
check "the map leads vif$id.0 there" sh -c \
    "nft list map bridge xlt antispoof | grep -qF '\"vif$id.0\" : jump $chain'"
check "and the hook has one rule" \
    test "$(nft list chain bridge xlt prerouting | grep -c 'iifname vmap @antispoof')" = 1
check "destroy pv-guard" xlt destroy pv-guard
check "its chain went with the vif" wait_until 20 sh -c \
    "! nft list chain bridge xlt $chain"
check "and its map element" sh -c \
    "! nft list map bridge xlt antispoof | grep -qF 'vif$id.0'"

cfg=$(lab_config pv-busybox pv-spoof)
log=$(guest_log pv-spoof)
check "create pv-spoof: the same vif, but the guest takes 10.9.0.6" \
    xlt create "$cfg" "$guard_vif" \
    'extra="console=hvc0 xlt_ip=10.9.0.6/24 xlt_ping=10.9.0.1"'
id=$(xl domid pv-spoof)
chain=from-vif$id.0
check "pv-spoof's eth0 comes up with 10.9.0.6" \
    wait_for_log "$log" "XLT-GUEST-NET eth0 10.9.0.6/24" 90
check "pv-spoof cannot reach dom0 from 10.9.0.6" \
    wait_for_log "$log" "XLT-GUEST-PING 10.9.0.1 fail" 90
check_not "dom0 gets no answer from 10.9.0.6" ping -c 3 -W 2 10.9.0.6
# the drop was the chain's: without its map element, the guest answers
check "(taking vif$id.0 out of the map by hand)" \
    nft delete element bridge xlt antispoof "{ \"vif$id.0\" }"
check "then dom0 gets answers from 10.9.0.6" ping -c 3 -W 2 10.9.0.6
check "destroy pv-spoof" xlt destroy pv-spoof
check "its chain is gone all the same" wait_until 20 sh -c \
    "! nft list chain bridge xlt $chain"

# a bridge that does not exist: refused before anything is made
cfg2=$(lab_config pv-busybox pv-nobr)
check_not "a vif on a missing bridge fails" \
    xlt create "$cfg2" 'vif=["bridge=nosuchbr"]'
check "and names the bridge" sh -c \
    "xlt create $cfg2 'vif=[\"bridge=nosuchbr\"]' 2>&1 |
     grep -q 'vif 0: bridge nosuchbr does not exist'"
check "nothing was created" sh -c \
    '! xl list pv-nobr >/dev/null 2>&1 && ! ip link show | grep -q "vif.*nosuchbr" &&
     ! grep -qs "\"pv-nobr\"" /var/lib/xlt/domains/*.json'

# the driver on its own, as libxl runs it: its errors reach xenstore
fake=backend/vif/999/0
xenstore-write "/local/domain/0/$fake/bridge" nosuchbr
ip link add dummy9 type dummy
check_not "driver: a bridge gone meanwhile fails" \
    env XENBUS_PATH=$fake vif=dummy9 $driver online type_if=vif
check "driver: hotplug-error names it" sh -c \
    "xenstore-read /local/domain/0/$fake/hotplug-error |
     grep -q 'dummy9: bridge nosuchbr does not exist'"
check "driver: hotplug-status error" \
    test "$(xenstore-read /local/domain/0/$fake/hotplug-status)" = error
check_not "driver: a missing interface fails" \
    env XENBUS_PATH=$fake vif=nosuch0 $driver online type_if=vif
check "driver: offline of a missing interface is fine" \
    env XENBUS_PATH=$fake vif=nosuch0 $driver offline type_if=vif
check_not "driver: a wrong command is refused" \
    env XENBUS_PATH=$fake vif=dummy9 $driver frobnicate
xenstore-write "/local/domain/0/$fake/bridge" xenbr0
check "driver: online puts dummy9 on xenbr0" \
    env XENBUS_PATH=$fake vif=dummy9 $driver online type_if=vif
check "dummy9 is a port of xenbr0, up" sh -c \
    '[ "$(basename "$(readlink /sys/class/net/dummy9/master)")" = xenbr0 ] &&
     ip link show dummy9 | grep -q "<.*UP"'
check "driver: offline takes it out" \
    env XENBUS_PATH=$fake vif=dummy9 $driver offline type_if=vif
check "dummy9 is no longer a port" test ! -e /sys/class/net/dummy9/master

# the driver's anti-spoofing on its own
xenstore-write "/local/domain/0/$fake/mac" 00:16:3e:00:09:99
xenstore-write "/local/domain/0/$fake/ip" "10.9.0.99 10.9.0.300"
check_not "driver: an ip node with a bad address fails" \
    env XENBUS_PATH=$fake vif=dummy9 $driver online type_if=vif
check "driver: hotplug-error names the address" sh -c \
    "xenstore-read /local/domain/0/$fake/hotplug-error | grep -qF \
     'dummy9: ip= lists \"10.9.0.300\", which is not an IPv4 or IPv6 address'"
check "driver: no chain was added for it" \
    sh -c '! nft list chain bridge xlt from-dummy9'
check "driver: nor did dummy9 join xenbr0" \
    test ! -e /sys/class/net/dummy9/master
xenstore-write "/local/domain/0/$fake/ip" "10.9.0.99 fd00:9::99/64"
check "driver: online with IPv4 and IPv6 in ip" \
    env XENBUS_PATH=$fake vif=dummy9 $driver online type_if=vif
check "driver: the chain takes both, and link-local for IPv6" sh -c \
    "nft list chain bridge xlt from-dummy9 > /tmp/guard.nft &&
     grep -q 'ip saddr 10.9.0.99 accept' /tmp/guard.nft &&
     grep -q 'ip6 saddr fd00:9::/64 accept' /tmp/guard.nft &&
     grep -q 'ip6 saddr fe80::/10 accept' /tmp/guard.nft"
check "driver: online again (a restarted host) makes it anew" \
    env XENBUS_PATH=$fake vif=dummy9 $driver online type_if=vif
check "driver: still one chain for dummy9 and one hook rule" sh -c \
    "nft list table bridge xlt > /tmp/guard.nft &&
     [ \"\$(grep -c 'chain from-dummy9 {' /tmp/guard.nft)\" = 1 ] &&
     [ \"\$(grep -c 'ip saddr 10.9.0.99 accept' /tmp/guard.nft)\" = 1 ] &&
     [ \"\$(grep -c 'iifname vmap @antispoof' /tmp/guard.nft)\" = 1 ]"
check "driver: offline" \
    env XENBUS_PATH=$fake vif=dummy9 $driver offline type_if=vif
check "driver: the chain and its map element are gone" sh -c \
    "! nft list chain bridge xlt from-dummy9 &&
     ! nft list map bridge xlt antispoof | grep -q dummy9"
check "driver: offline again is fine" \
    env XENBUS_PATH=$fake vif=dummy9 $driver offline type_if=vif
# a chain left for the name (the spec lost its ip=, a vifname= reused)
check "driver: online with ip once more" \
    env XENBUS_PATH=$fake vif=dummy9 $driver online type_if=vif
xenstore-rm "/local/domain/0/$fake/ip"
check "driver: online without ip" \
    env XENBUS_PATH=$fake vif=dummy9 $driver online type_if=vif
check "driver: which removed the chain left for dummy9" \
    sh -c '! nft list chain bridge xlt from-dummy9'
check "driver: offline once more" \
    env XENBUS_PATH=$fake vif=dummy9 $driver offline type_if=vif
# Linux takes 'dum;9' as a name; it must never reach nft text
xenstore-write "/local/domain/0/$fake/ip" 10.9.0.99
ip link add 'dum;9' type dummy
check_not "driver: with ip, an interface name that is not plain fails" \
    env XENBUS_PATH=$fake 'vif=dum;9' $driver online type_if=vif
check "driver: and says so" sh -c \
    "xenstore-read /local/domain/0/$fake/hotplug-error | grep -qF \
     'interface name \"dum;9\" is not a plain one'"
check "driver: nothing of it reached nftables" \
    sh -c "! nft list ruleset | grep -qF 'dum;9'"
ip link del 'dum;9'
xenstore-rm /local/domain/0/backend/vif/999
ip link del dummy9
ip link del xenbr0
exit 0
