#!/bin/bash
# CPU pools: list, take a CPU out of Pool-0, create a pool on it, move a
# guest there and back, rename, destroy; xl cpupool-list as the second
# opinion.  The lab's host has CPUs 0 and 1.
. /lab/lib.sh

cfg=$(lab_config pv-busybox)
pgrep -x xltd >/dev/null || xltd

# xl cpupool-list's column COL for pool POOL (2: CPUs, 3: sched, 5: domains)
xl_pool() {
  xl cpupool-list | awk -v p="$1" -v c="$2" '$1 == p { print $c }'
}

check "cpupool-list: Pool-0 has both CPUs, credit2" sh -c \
    'xlt cpupool-list | grep -Eq "^Pool-0 +2 +credit2 "'
check "cpupool-list -c: 0-1" sh -c \
    'xlt cpupool-list -c Pool-0 | grep -Eq "^Pool-0 +all|^Pool-0 +0-1"'
check "cpupool-list --json" sh -c \
    'xlt cpupool-list --json | grep -q "\"name\": \"Pool-0\""'

check_not "a pool on a CPU Pool-0 holds fails" \
    xlt cpupool-create 'name="fast"' 'cpus="1"'
check "and says to take it out first" sh -c \
    "xlt cpupool-create 'name=\"fast\"' 'cpus=\"1\"' 2>&1 | grep -q 'CPU 1 is not free'"
check_not "a pool without a name fails" xlt cpupool-create 'cpus="1"'
check_not "an unknown scheduler fails" \
    xlt cpupool-create 'name="fast"' 'sched="quick"'
check "and names the command line and the key" sh -c \
    "xlt cpupool-create 'name=\"fast\"' 'sched=\"quick\"' 2>&1 | grep -q '^xlt: cpupool-create: command line: sched:'"
check "cpupool-cpu-remove Pool-0 1" xlt cpupool-cpu-remove Pool-0 1
check "xl: Pool-0 has one CPU" test "$(xl_pool Pool-0 2)" = 1
check_not "removing it again fails" xlt cpupool-cpu-remove Pool-0 1
check "cpupool-create -n says what it would do" sh -c \
    "xlt cpupool-create -n 'name=\"fast\"' 'cpus=\"1\"' | grep -q 'would create cpupool fast: credit2, 1 CPU'"
check "and creates nothing" sh -c '! xl cpupool-list | grep -q "^fast "'
printf 'name = "fast"\nsched = "credit2"\ncpus = ["1"]\n' >/tmp/fast.pool
check "cpupool-create -f FILE" xlt cpupool-create -f /tmp/fast.pool
check "xl: pool fast, 1 CPU, credit2" \
    test "$(xl_pool fast 2)/$(xl_pool fast 3)" = 1/credit2
check_not "a second pool of that name fails" \
    xlt cpupool-create -f /tmp/fast.pool

check "create a guest" xlt create "$cfg" 'name="pv-pool"'
check "cpupool-migrate pv-pool fast" xlt cpupool-migrate pv-pool fast
check "xl: fast has 1 domain" test "$(xl_pool fast 5)" = 1
check "its vCPU runs on CPU 1" wait_until 10 sh -c \
    "xl vcpu-list pv-pool | awk '\$3 == 0 { exit \$4 != 1 }'"
check_not "destroying a pool with a domain fails" xlt cpupool-destroy fast
check "and says to migrate it first" sh -c \
    'xlt cpupool-destroy fast 2>&1 | grep -q "cpupool-migrate them first"'
check "cpupool-rename fast faster" xlt cpupool-rename fast faster
check "xl sees faster" test "$(xl_pool faster 2)" = 1
check "cpupool-migrate pv-pool Pool-0" xlt cpupool-migrate pv-pool Pool-0
check "cpupool-destroy faster" xlt cpupool-destroy faster
check "xl: gone" sh -c '! xl cpupool-list | grep -q "^faster "'
check "cpupool-cpu-add Pool-0 1" xlt cpupool-cpu-add Pool-0 1
check "xl: Pool-0 has both CPUs again" test "$(xl_pool Pool-0 2)" = 2
check_not "a pool that does not exist is named" xlt cpupool-destroy nopool
check "destroy the guest" xlt destroy pv-pool
exit 0
