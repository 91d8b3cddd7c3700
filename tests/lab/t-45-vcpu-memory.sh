#!/bin/bash
# vCPUs, memory and scheduling of a running PV guest: cpus= at create,
# vcpu-list, vcpu-pin, vcpu-set, mem-set, mem-max, sched-credit2; xl as the
# second opinion and the guest's own console (online CPUs, MemTotal); all
# of it still in place after the guest reboots.
. /lab/lib.sh

cfg=$(lab_config pv-busybox)
log=$(guest_log pv-tune)
pgrep -x xltd >/dev/null || xltd

# xl vcpu-list's column COL (7: hard affinity, 9: soft, 5: state) for
# vCPU VCPU of pv-tune.
xl_vcpu() {
  xl vcpu-list pv-tune | awk -v v="$1" -v c="$2" '$3 == v { print $c }'
}
xlt_vcpu() {
  xlt vcpu-list pv-tune | awk -v v="$1" -v c="$2" '$3 == v { print $c }'
}
# The guest's latest MemTotal (kB) from its console.
guest_mem() {
  sed -n 's/.*XLT-GUEST-MEM \([0-9]*\) kB.*/\1/p' "$log" | tail -n 1
}
one_cpu='XLT-GUEST-CPUS 0[[:space:]]*$'

check "create pv-tune: cpus=\"1\", 1 of 2 vCPUs, 128 of up to 160 MiB" \
    xlt create "$cfg" 'name="pv-tune"' vcpus=1 maxvcpus=2 'cpus="1"' \
    memory=128 maxmem=160
check "the guest boots with one CPU online" wait_for_log "$log" "$one_cpu" 90
check "and says how much memory it has" wait_for_log "$log" "XLT-GUEST-MEM" 10
mem0=$(guest_mem)
note "guest MemTotal at boot: $mem0 kB"

# vcpu-list against xl vcpu-list.
check "vcpu-list: vCPU 0 pinned to CPU 1" test "$(xlt_vcpu 0 7)" = 1
check "xl agrees" test "$(xl_vcpu 0 7)" = 1
check "vcpu-list: vCPU 1 offline, as xl says" sh -c \
    "[ \"$(xlt_vcpu 1 5)\" = --p ] && [ \"$(xl_vcpu 1 5)\" = --p ]"
check "vcpu-list --json" sh -c \
    'xlt vcpu-list --json pv-tune | grep -q "\"hard\": \"1\""'
check "vcpu-list without a domain lists dom0 too" sh -c \
    'xlt vcpu-list | grep -q "^Domain-0 "'

# vcpu-set: the guest sees its CPUs come and go.
check "vcpu-set 2" xlt vcpu-set pv-tune 2
check "the guest brings CPU 1 online" \
    wait_for_log "$log" "XLT-GUEST-CPUS 0-1" 30
check "xl shows vCPU 1 online" sh -c "[ \"$(xl_vcpu 1 5)\" != --p ]"
check_not "vcpu-set above maxvcpus fails" xlt vcpu-set pv-tune 3
check "and says the limit" sh -c \
    'xlt vcpu-set pv-tune 3 2>&1 | grep -q "can have 1 to 2 vCPUs"'
check_not "vcpu-set 0 fails" xlt vcpu-set pv-tune 0

# vcpu-pin: hard, soft, "-" and the errors.
check "vcpu-pin 1 0" xlt vcpu-pin pv-tune 1 0
check "xl: vCPU 1 may run on CPU 0 only" test "$(xl_vcpu 1 7)" = 0
check "vcpu-pin all - 0 (soft only)" xlt vcpu-pin pv-tune all - 0
check "xl: both prefer CPU 0" sh -c \
    "[ \"$(xl_vcpu 0 9)\" = 0 ] && [ \"$(xl_vcpu 1 9)\" = 0 ]"
check "xl: the hard affinities are untouched" sh -c \
    "[ \"$(xl_vcpu 0 7)\" = 1 ] && [ \"$(xl_vcpu 1 7)\" = 0 ]"
check "vcpu-pin all all all" xlt vcpu-pin pv-tune all all all
check "xl: all / all" test "$(xl_vcpu 1 7)/$(xl_vcpu 1 9)" = all/all
check_not "vcpu-pin to a CPU the host lacks fails" xlt vcpu-pin pv-tune 0 7
check "and names the host's CPUs" sh -c \
    'xlt vcpu-pin pv-tune 0 7 2>&1 | grep -q "the host has CPUs 0-1"'
check_not "vcpu-pin of a vCPU the guest lacks fails" xlt vcpu-pin pv-tune 5 0
check_not "vcpu-pin of garbage fails" xlt vcpu-pin pv-tune 0 1-x
check "vcpu-set 1" xlt vcpu-set pv-tune 1
check "the guest is down to one CPU" wait_for_count "$log" "$one_cpu" 2 30

# mem-set and mem-max: the balloon moves, the guest's MemTotal follows.
check "mem-set 96m" xlt mem-set pv-tune 96m
check "xl list: 96 MiB" wait_until 30 sh -c \
    'xl list pv-tune | awk "NR==2 { exit \$3 != 96 }"'
check "the guest's MemTotal dropped by 32 MiB" wait_until 30 sh -c \
    "[ \$(sed -n 's/.*XLT-GUEST-MEM \([0-9]*\) kB.*/\1/p' $log | tail -n 1) -le $((mem0 - 32768)) ]"
check "list --json: target 96, max 160" sh -c \
    'xlt list --json pv-tune | grep -q "\"target_memory\": 96," &&
     xlt list --json pv-tune | grep -q "\"max_memory\": 160,"'
check_not "mem-set above maxmem fails" xlt mem-set pv-tune 200
check "and says to raise it first" sh -c \
    'xlt mem-set pv-tune 200 2>&1 | grep -q "above domain [0-9]*.s maximum of 160 MiB"'
check_not "mem-max below the target fails" xlt mem-max pv-tune 64m
check_not "mem-set of garbage fails" xlt mem-set pv-tune lots
check "mem-max 256m" xlt mem-max pv-tune 256m
check "list --json: max 256" sh -c \
    'xlt list --json pv-tune | grep -q "\"max_memory\": 256,"'
check "mem-set 128m" xlt mem-set pv-tune 128m
check "the guest gets its memory back" wait_until 30 sh -c \
    "[ \$(sed -n 's/.*XLT-GUEST-MEM \([0-9]*\) kB.*/\1/p' $log | tail -n 1) -eq $mem0 ]"
check "mem-max 2g" xlt mem-max pv-tune 2g
check_not "mem-set beyond the host's free memory fails" \
    xlt mem-set pv-tune 1500m
check "and says how much is free" sh -c \
    'xlt mem-set pv-tune 1500m 2>&1 | grep -q "the host has [0-9]* MiB free"'
check "mem-max 256m again" xlt mem-max pv-tune 256m

# credit2 weight and cap (the lab's Xen runs credit2).
check "sched-credit2 lists dom0 with the default weight" sh -c \
    'xlt sched-credit2 | grep -Eq "^Domain-0 +0 +256 +0$"'
check "sched-credit2 -d pv-tune -w 512 -c 50" \
    xlt sched-credit2 -d pv-tune -w 512 -c 50
check "xl sched-credit2 agrees" sh -c \
    'xl sched-credit2 -d pv-tune | awk "NR==2 { exit !(\$3 == 512 && \$4 == 50) }"'
check "sched-credit2 --json" sh -c \
    'xlt sched-credit2 --json -d pv-tune | grep -q "\"weight\": 512"'
check_not "sched-credit on a credit2 pool fails" \
    xlt sched-credit -d pv-tune -w 10
check "and names the scheduler in use" sh -c \
    'xlt sched-credit -d pv-tune -w 10 2>&1 | grep -q "runs the credit2 scheduler, not credit"'
check_not "weight 0 is refused" xlt sched-credit2 -d pv-tune -w 0

# What was set at run time survives a reboot that xltd turns into a
# restart: pinning (kept in the store), online vCPUs and memory target
# (libxl keeps those in the config it hands back).
check "mem-set 112m" xlt mem-set pv-tune 112m
check "vcpu-set 2 again" xlt vcpu-set pv-tune 2
check "the guest brings CPU 1 online again" \
    wait_for_count "$log" "XLT-GUEST-CPUS 0-1" 2 30
check "vcpu-pin 0 1 - and 1 0 all" sh -c \
    'xlt vcpu-pin pv-tune 0 1 - && xlt vcpu-pin pv-tune 1 0 all'
check "the pinning is in the store" sh -c \
    'grep -A3 "\"hard\"" /var/lib/xlt/domains/*.json | grep -q "\"0\""'
id=$(xl domid pv-tune)
check "reboot -w pv-tune" xlt reboot -w pv-tune
check "it restarts and boots again" wait_for_count "$log" XLT-GUEST-UP 2 90
check "with a new id" sh -c "[ \"\$(xl domid pv-tune)\" != $id ]"
check "both vCPUs online again (its console)" \
    wait_until 60 guest_cpus_since_boot "$log" 0-1
check "xl: vCPU 0 still on CPU 1, vCPU 1 on CPU 0" sh -c \
    "[ \"\$(xl vcpu-list pv-tune | awk '\$3 == 0 { print \$7 }')\" = 1 ] &&
     [ \"\$(xl vcpu-list pv-tune | awk '\$3 == 1 { print \$7 }')\" = 0 ]"
check "xl list: still 112 MiB" wait_until 30 sh -c \
    'xl list pv-tune | awk "NR==2 { exit \$3 != 112 }"'
check "xl: still weight 512, cap 50" sh -c \
    'xl sched-credit2 -d pv-tune | awk "NR==2 { exit !(\$3 == 512 && \$4 == 50) }"'
check "destroy pv-tune" xlt destroy pv-tune
exit 0
