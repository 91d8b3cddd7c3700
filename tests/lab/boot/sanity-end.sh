#!/bin/bash
# Last in every lab boot: dom0 stayed sane while the tests ran guests.
. /lab/lib.sh

kill "$(cat /tmp/sanity.pid)" 2>/dev/null
check "dom0's checker never got a wrong result" sh -c \
    '! [ -s /tmp/sanity.bad ] || { cat /tmp/sanity.bad; false; }'
check "no dom0 process crashed" sh -c \
    '! dmesg | grep -E "segfault at|general protection fault|invalid opcode"'
exit 0
