#!/bin/bash
# Statistics: `xlt stats` and `xlt top` (xltd's sampler: libxenstat, libxenctrl,
# xenstore, off xltd's loop) of a PV guest with a vif on a bridge and an
# LV disk, whose CPU a busy loop in it raises (xlt_busy=12: from its
# 12th heartbeat on).  Second opinions: xentop -b for the CPU, xl list for the
# memory, the guest's own ping for the vif.  xlt top runs in a tmux
# terminal (build/lab/metrics-overlay) and shows the guest's CPU go up;
# its keys sort and quit; its batch mode.  Bad input: an unknown domain,
# an interval out of bounds, top's options.
. /lab/lib.sh

pgrep -x xltd >/dev/null || xltd
name=pv-stats
log=$(guest_log $name)
ip link add xenbr-st type bridge 2>/dev/null
ip addr add 10.9.7.1/24 dev xenbr-st 2>/dev/null
ip link set xenbr-st up
lab_vg
lvcreate -q -y -L 8M -n stats xltvg >/dev/null
cfg=$(lab_config pv-busybox $name)
cat >>"$cfg" <<'EOF'
extra = "console=hvc0 xlt_ip=10.9.7.2/24 xlt_ping=10.9.7.1 xlt_busy=12"
vif = ["bridge=xenbr-st"]
disk = ["/dev/xltvg/stats,raw,xvda,w"]
EOF

check "create $name (a vif, an LV disk)" xlt create "$cfg"
check "it boots and pings dom0 over its vif" \
  wait_for_log "$log" "XLT-GUEST-PING 10.9.7.1 ok" 120
check "it beats" wait_for_log "$log" "XLT-GUEST-HEARTBEAT 3" 60

# xlt top in a terminal of tmux's, 150 x 30, refreshed every second
export TERM=screen LC_ALL=C.UTF-8
tmux new-session -d -s top -x 150 -y 30 "xlt top -d 1"
# top_cpu: pv-stats's CPU(%) on tmux's screen now
top_cpu() {
  tmux capture-pane -p -t top | awk -v n=$name '$1 == n { print int($5) }'
}
check "xlt top shows $name" wait_until 20 sh -c "tmux capture-pane -p -t top | grep -q '^$name '"
top_idle=$(top_cpu)

# jq-less reading of stats --json: FIELD of the domain's object (the
# first match), by a small awk over the pretty-printed JSON
field() { # FILE KEY: the first "KEY": value in FILE
  sed -n "s/^ *\"$2\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$1" | head -n 1
}
# FILE: the domain's and its first vCPU's cpu_percent, whole numbers
cpu_of() { field "$1" cpu_percent | cut -d. -f1; }

check "stats --json of $name while it idles" sh -c \
  "xlt stats --json $name >/tmp/st-idle.json"
note "idle: $(cpu_of /tmp/st-idle.json)% CPU"
check "idle, it uses little CPU (< 40%)" \
  test "$(cpu_of /tmp/st-idle.json)" -lt 40
check "one domain, the one named" \
  test "$(grep -c '"uuid"' /tmp/st-idle.json)" = 1
check "its UUID is xl's" \
  test "$(field /tmp/st-idle.json uuid)" = \
  "$(xl list -v $name | awk 'NR == 2 { print $7 }')"
check "memory: the target is its 128 MiB" \
  test "$(field /tmp/st-idle.json target_bytes)" = $((128 << 20))
check "memory: what it has is xl list's (MiB)" \
  test "$(($(field /tmp/st-idle.json memory_bytes) >> 20))" = \
  "$(xl list $name | awk 'NR == 2 { print $3 }')"
check "its disk is xvda, read from" sh -c \
  "grep -q '\"device\": \"xvda\"' /tmp/st-idle.json &&
   [ \"\$(sed -n 's/^ *\"read_requests\": \\([0-9]*\\),/\\1/p' /tmp/st-idle.json)\" -gt 0 ]"
check "its vif is on xenbr-st and sent its pings" sh -c \
  "grep -q '\"bridge\": \"xenbr-st\"' /tmp/st-idle.json &&
   [ \"\$(sed -n 's/^ *\"tx_packets\": \\([0-9]*\\),/\\1/p' /tmp/st-idle.json)\" -gt 0 ]"
check "the host's two CPUs, idle % between 0 and 100" sh -c \
  "[ \$(grep -c '\"idle_percent\"' /tmp/st-idle.json) = 2 ] &&
   ! grep '\"idle_percent\"' /tmp/st-idle.json | grep -q -- '-'"

check "the busy loop starts" wait_for_log "$log" XLT-GUEST-BUSY 120
sleep 3
top_busy=$(top_cpu)
note "xlt top: $name at ${top_idle}% CPU idle, ${top_busy}% busy"
check "xlt top saw it idle (< 40%)" test "${top_idle:-100}" -lt 40
check "and saw the loop raise it (> 50%)" test "${top_busy:-0}" -gt 50
tmux capture-pane -p -t top | head -n 4 | while IFS= read -r line; do note "top: $line"; done
tmux send-keys -t top n
check "key n sorts by name" wait_until 5 sh -c \
  "tmux capture-pane -p -t top | grep -q 'sorted by name'"
tmux send-keys -t top q
check "key q quits" wait_until 5 sh -c "! tmux has-session -t top 2>/dev/null"
# Ctrl-C in a shell's terminal: top ends and the terminal echoes again
tmux new-session -d -s sh -x 150 -y 30 "bash --norc --noprofile"
tmux send-keys -t sh "xlt top -d 1" Enter
check "top runs in a shell's terminal" wait_until 10 sh -c \
  "tmux capture-pane -p -t sh | grep -q '^xlt top - '"
tmux send-keys -t sh C-c
sleep 1
tmux send-keys -t sh "stty -a >/tmp/stty.txt" Enter
check "Ctrl-C ends it and gives the terminal back (echo, icanon)" \
  wait_until 10 sh -c "grep -q ' echo ' /tmp/stty.txt && grep -q ' icanon ' /tmp/stty.txt"
tmux kill-session -t sh
check "batch mode: two tables of $name" sh -c \
  "[ \"\$(xlt top -b -i 2 -d 0.5 $name | grep -c '^$name ')\" = 2 ]"
check_not "top -i 0 is refused" xlt top -b -i 0
check "and says why" sh -c \
  "xlt top -b -i 0 2>&1 | grep -qxF \"xlt: top: -i: \\\`0' is not a number of iterations (1 or more)\""
check "top -s with an unknown key is refused, listing them" sh -c \
  "xlt top -b -s size 2>&1 | grep -qxF \"xlt: top: -s: \\\`size' is not one of cpu, memory, name, id, network, block\""
check "stats --json over 3 s of it" sh -c \
  "xlt stats --interval 3 --json $name >/tmp/st-busy.json"
busy=$(cpu_of /tmp/st-busy.json)
vcpu0=$(sed -n '/"vcpus"/,/]/s/^ *"cpu_percent": \([0-9]*\).*/\1/p' \
  /tmp/st-busy.json | head -n 1)
# xentop's CPU(%) of the guest in its second sample (over 3 s)
theirs=$(xentop -b -i 2 -d 3 | awk -v n=$name '$1 == n { c = $4 } END { print int(c) }')
note "busy: xlt stats $busy% (vCPU 0 $vcpu0%), xentop $theirs%"
check "busy, it uses most of a CPU (> 50%)" test "$busy" -gt 50
check "and so does its vCPU 0" test "$vcpu0" -gt 50
check "xentop agrees within 25 points" \
  test $((busy > theirs ? busy - theirs : theirs - busy)) -lt 25

check "stats prints a table and a vCPU table" sh -c \
  "xlt stats $name >/tmp/st.txt &&
   head -n 1 /tmp/st.txt | grep -Eq '^NAME +ID +STATE +CPU\\(sec\\) +CPU\\(%\\)' &&
   grep -Eq '^$name +[0-9]+ +[-a-z]{6} ' /tmp/st.txt &&
   grep -Eq '^NAME +ID +VCPU +ONLINE' /tmp/st.txt &&
   grep -Eq '^$name +[0-9]+ +0 +yes ' /tmp/st.txt"
while IFS= read -r line; do note "stats: $line"; done </tmp/st.txt
check "stats without a domain lists dom0 too" sh -c \
  "xlt stats -i 0.5 | grep -q '^Domain-0 '"

check_not "stats of an unknown domain fails" xlt stats nosuch
check "and says so" sh -c \
  "xlt stats nosuch 2>&1 | grep -q '^xlt: stats: nosuch: no such domain (request '"
check "an interval of 0 is refused (exit 2)" sh -c \
  "xlt stats -i 0 $name; [ \$? = 2 ]"
check "and says why" sh -c \
  "xlt stats -i 0 $name 2>&1 |
   grep -qx \"xlt: stats: interval: \\\`0' is not a number of seconds from 0.1 to 3600\""

xlt destroy $name >/dev/null
lvremove -q -y xltvg/stats >/dev/null
ip link del xenbr-st
exit 0
