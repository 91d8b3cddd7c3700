#!/bin/bash
# Dedicated cores: dedicated_cpus=1 at create and vcpu-dedicate at run time
# give a guest's vCPU a CPU of its own, out of Pool-0 where dom0 runs; a
# second one is refused (the lab's host has CPUs 0 and 1, and Pool-0
# keeps one); the guest keeps its CPU across a reboot; the CPU goes back
# to Pool-0 when the guest lets it go or dies.  xl as the second opinion.
. /lab/lib.sh

cfg=$(lab_config pv-busybox pv-ded)
log=$(guest_log pv-ded)
pgrep -x xltd >/dev/null || xltd

# xl cpupool-list's column COL for pool POOL (2: CPUs, 5: domains)
xl_pool() {
  xl cpupool-list | awk -v p="$1" -v c="$2" '$1 == p { print $c }'
}
# xl vcpu-list's hard affinity of vCPU 0 of DOMAIN
xl_hard0() {
  xl vcpu-list "$1" | awk '$3 == 0 { print $7 }'
}
# DOMAIN's CPU pool (xl list -c)
pool_of() {
  xl list -c "$1" 2>/dev/null | awk 'NR == 2 { print $NF }'
}
back_in_pool0() {
  [ "$(xl_pool Pool-0 2)" = 2 ] && ! xl cpupool-list | grep -q xlt-dedicated
}

check "create pv-ded with dedicated_cpus=1" \
    xlt create "$cfg" dedicated_cpus=1
check "it boots" wait_for_log "$log" XLT-GUEST-UP 90
check "xl: xlt-dedicated holds one CPU and pv-ded" \
    test "$(xl_pool xlt-dedicated 2)/$(xl_pool xlt-dedicated 5)" = 1/1
check "xl: Pool-0 (dom0) keeps one CPU" test "$(xl_pool Pool-0 2)" = 1
check "xl: pv-ded is in xlt-dedicated" test "$(pool_of pv-ded)" = xlt-dedicated
check "xl: its vCPU is pinned to CPU 1" test "$(xl_hard0 pv-ded)" = 1
check "xl: dom0's vCPUs run on CPU 0 only" sh -c \
    '[ -z "$(xl vcpu-list Domain-0 | awk "NR > 1 && \$4 != \"-\" && \$4 != 0")" ]'
check "info shows the layout" sh -c \
    'xlt info | grep -Eq "^dedicated_cpus +: 1=pv-ded/0$" &&
     xlt info | grep -Eq "^shared_cpus +: 0$"'
check "vcpu-list --json says dedicated" sh -c \
    'xlt vcpu-list --json pv-ded | grep -q "\"dedicated\": true"'
check_not "vcpu-pin of a dedicated guest is refused" \
    xlt vcpu-pin pv-ded 0 0
check "and says why" sh -c \
    'xlt vcpu-pin pv-ded 0 0 2>&1 | grep -q "has dedicated CPUs"'

# no cores left: refused, nothing created
cfg2=$(lab_config pv-busybox pv-ded2)
check_not "a second dedicated guest is refused" \
    xlt create "$cfg2" dedicated_cpus=1
check "and told there are no free cores" sh -c \
    "xlt create $cfg2 dedicated_cpus=1 2>&1 |
     grep -q 'cannot dedicate 1 CPU(s) to pv-ded2: only 0 free'"
check "nothing of it is left" sh -c \
    '! xl list pv-ded2 >/dev/null 2>&1 &&
     ! grep -qs "\"pv-ded2\"" /var/lib/xlt/domains/*.json &&
     [ "$(xl cpupool-list | awk "\$1 == \"xlt-dedicated\" { print \$2 }")" = 1 ]'
check_not "dedicated_cpus with cpus= is refused" \
    xlt create "$cfg2" dedicated_cpus=1 'cpus="0"'
check "naming the file, line and key" sh -c \
    "xlt create $cfg2 dedicated_cpus=1 'cpus=\"0\"' 2>&1 |
     grep -q 'command line: dedicated_cpus: xltd picks the CPUs'"

# a reboot keeps the CPU
check "reboot -w pv-ded" xlt reboot -w pv-ded
check "it boots again" wait_for_count "$log" XLT-GUEST-UP 2 90
check "xl: still in xlt-dedicated, on CPU 1" \
    test "$(pool_of pv-ded)/$(xl_hard0 pv-ded)" = xlt-dedicated/1

# give it back, take it again at run time
check "vcpu-dedicate -r pv-ded" xlt vcpu-dedicate -r pv-ded
check "xl: the CPU is back in Pool-0, the pool is gone" back_in_pool0
check "xl: pv-ded runs in Pool-0 on any CPU" \
    test "$(pool_of pv-ded)/$(xl_hard0 pv-ded)" = Pool-0/all
check "vcpu-dedicate pv-ded" sh -c \
    'xlt vcpu-dedicate pv-ded | grep -q "CPUs 1 dedicated"'
check "xl: pinned to CPU 1 in xlt-dedicated again" \
    test "$(pool_of pv-ded)/$(xl_hard0 pv-ded)" = xlt-dedicated/1
check_not "dedicating it twice is refused" xlt vcpu-dedicate pv-ded
check_not "dom0 cannot be dedicated" xlt vcpu-dedicate Domain-0
n=$(grep -c XLT-GUEST-HEARTBEAT "$log")
check "the guest still runs" \
    wait_for_count "$log" XLT-GUEST-HEARTBEAT $((n + 2)) 30

# its death frees the CPU
check "destroy pv-ded" xlt destroy pv-ded
check "xl: the CPU is back in Pool-0" wait_until 30 back_in_pool0
exit 0
