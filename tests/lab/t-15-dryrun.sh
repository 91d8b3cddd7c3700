#!/bin/bash
# `xlt create -n` and `xl create -n` print the same libxl_domain_config for
# every config xlt accepts (configs/ and the unit tests' golden files), on
# the same host.  UUIDs are random when a file sets none: those are masked.
. /lab/lib.sh

# cpus= and cpus_soft= need the host's CPUs, which xlt asks xltd for.
pgrep -x xltd >/dev/null || xltd

# Files xl refuses but xlt accepts on purpose: xm's builder='linux'.
extensions=" xm-builder-linux.cfg "

# Files where xl prints what it read from memory it never set:
# - hvm-rdm.cfg: xl copies rdm's policy out of an uninitialised local
#   when rdm= has no policy (and libxlutil 4.17 rejects every policy=);
# - pv-pci.cfg: xl gives a PV guest's pci devices the rdm policy of the
#   HVM half of the build-info union.
undefined_in_xl=" hvm-rdm.cfg pv-pci.cfg "

mask_uuid() { sed -E 's/"uuid": "[0-9a-f-]{36}"/"uuid": "(random)"/'; }

for cfg in /lab/configs/*.cfg; do
    name=${cfg##*/}
    case "$undefined_in_xl" in *" $name "*)
        note "$name: not compared, xl's result is undefined there"; continue;;
    esac
    xlt create -n "$cfg" >/tmp/xlt.json 2>/dev/null || continue
    grep -q '^uuid' "$cfg" || { mask_uuid </tmp/xlt.json >/tmp/xlt.m; mv /tmp/xlt.m /tmp/xlt.json; }
    if ! xl create -n "$cfg" >/tmp/xl.json 2>/tmp/xl.err; then
        check "xl refuses $name, which xlt accepts on purpose" \
            sh -c "case '$extensions' in *' $name '*) exit 0;; esac; cat /tmp/xl.err; exit 1"
        continue
    fi
    grep -q '^uuid' "$cfg" || { mask_uuid </tmp/xl.json >/tmp/xl.m; mv /tmp/xl.m /tmp/xl.json; }
    check "create -n matches xl: $name" diff -u /tmp/xl.json /tmp/xlt.json
done

# Without xltd, a file that pins cannot be sized for the host: it says so.
pkill -x xltd && sleep 1
check_not "without xltd, create -n of a file with cpus= fails" \
    xlt create -n /lab/configs/pv-cpus.cfg
check "and says xltd is needed" sh -c \
    'xlt create -n /lab/configs/pv-cpus.cfg 2>&1 | grep -q "cpus: needs the host.s CPUs.*xltd running"'
check "a file without cpus= still works without xltd" \
    xlt create -n /lab/configs/pv-minimal.cfg
xltd
exit 0
