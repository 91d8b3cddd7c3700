#!/bin/bash
# xltd starts, serves xlt, refuses a second copy; xlt without xltd says so.
. /lab/lib.sh

check_not "list without xltd fails" xlt list
check "list without xltd says why" \
    sh -c 'xlt list 2>&1 | grep -q "xlt: list: xltd is not running"'
check "xltd -n accepts the default configuration" xltd -n
check "xltd starts" xltd
check "xltd made its socket" test -S /run/xlt/xltd.sock
check "xltd wrote its pid" sh -c 'kill -0 "$(cat /run/xlt/xltd.pid)"'
check "a second xltd refuses to start" \
    sh -c 'xltd 2>&1 | grep -q "already running"; ! xltd 2>/dev/null'
check "the first xltd is still there" sh -c 'kill -0 "$(cat /run/xlt/xltd.pid)"'
check "xltd logged that it is ready" grep -q "ready: pid" /var/log/xlt/xltd.log

check "info shows Xen 4.17" sh -c 'xlt info | grep -Eq "^xen_version +: 4\.17"'
check "info agrees with xl on total_memory" sh -c \
    '[ "$(xlt info | grep ^total_memory)" = "$(xl info | grep ^total_memory)" ]'
check "info agrees with xl on virt_caps" sh -c \
    '[ "$(xlt info | grep ^virt_caps)" = "$(xl info | grep ^virt_caps)" ]'
check "info --json has nr_cpus" sh -c 'xlt info --json | grep -q "\"nr_cpus\": "'
check "list shows Domain-0" sh -c 'xlt list | grep -Eq "^Domain-0 +0 "'
check "list --json names Domain-0" \
    sh -c 'xlt list --json | grep -q "\"name\": \"Domain-0\""'
check "a unique prefix selects a command" sh -c 'xlt li | grep -q Domain-0'
check_not "an unknown command fails" xlt frobnicate
check "an unknown domain is named in the error" \
    sh -c 'xlt list nosuch 2>&1 | grep -q "nosuch: no such domain"'

# A malformed message closes that connection, not the daemon.
check "xltd answers garbage with an error" sh -c \
    'echo "{not json" | socat -t 5 - UNIX-CONNECT:/run/xlt/xltd.sock | grep -q "\"error\""'
check "xltd survives garbage" sh -c 'xlt list >/dev/null'
exit 0
