#!/bin/bash
# Benchmark, run in the lab's dom0: device set-up, xlt's C drivers against
# Xen's stock bash hotplug scripts, in the same boot.
#  1. The drivers alone, as libxl runs them, on a fake backend: vif online
#     + offline on a dummy interface and xenbr0; vbd add + remove on an LV.
#  2. A whole create of a PV guest (1 vCPU, 128 MiB, a vif on xenbr0, a
#     vbd on an LV): `xlt create` (xlt's drivers) against `xl create`
#     (the stock scripts), alternating; the time until the command returns
#     and until both backends are connected (xenstore state 4).
# RUNS (BENCH_RUNS, default 5) of each; medians, min, max and ratios.
. /lab/lib.sh

runs=${BENCH_RUNS:-5}
pgrep -x xltd >/dev/null || xltd
ip link add xenbr0 type bridge && ip addr add 10.9.0.1/24 dev xenbr0 &&
  ip link set xenbr0 up
lab_vg
lvcreate -q -L 16M -n bench xltvg >/dev/null

# ---- 1. the drivers alone ----------------------------------------------------

fake=backend/vif/999/0
xenstore-write "/local/domain/0/$fake/bridge" xenbr0
ip link add dummy9 type dummy
vbd=backend/vbd/999/51728
xenstore-write "/local/domain/0/$vbd/params" /dev/xltvg/bench
xenstore-write "/local/domain/0/$vbd/mode" w
xenstore-write "/local/domain/0/$vbd/type" phy
xenstore-write "/local/domain/0/$vbd/frontend-id" 999

# time_vif SCRIPT: online then offline of dummy9, in ms
time_vif() {
  local t0 t1
  t0=$(now_ms)
  env XENBUS_PATH=$fake XENBUS_TYPE=vif XENBUS_BASE_PATH=backend vif=dummy9 \
    netdev= script="$1" "$1" online type_if=vif >/dev/null 2>&1 &&
    env XENBUS_PATH=$fake XENBUS_TYPE=vif XENBUS_BASE_PATH=backend vif=dummy9 \
      netdev= script="$1" "$1" offline type_if=vif >/dev/null 2>&1 ||
    { echo fail; return; }
  t1=$(now_ms)
  echo $((t1 - t0))
}

# time_vbd SCRIPT: add then remove of the LV (active beforehand: the stock
# script cannot activate one), in ms
time_vbd() {
  local t0 t1
  lvchange -ay xltvg/bench
  t0=$(now_ms)
  env XENBUS_PATH=$vbd XENBUS_TYPE=vbd XENBUS_BASE_PATH=backend \
    script="$1" "$1" add >/dev/null 2>&1 &&
    env XENBUS_PATH=$vbd XENBUS_TYPE=vbd XENBUS_BASE_PATH=backend \
      script="$1" "$1" remove >/dev/null 2>&1 ||
    { echo fail; return; }
  t1=$(now_ms)
  for n in physical-device physical-device-path hotplug-status xlt-activated; do
    xenstore-rm "/local/domain/0/$vbd/$n" 2>/dev/null
  done
  echo $((t1 - t0))
}

ours_vif=() stock_vif=() ours_vbd=() stock_vbd=()
for i in $(seq "$runs"); do
  ours_vif+=("$(time_vif /usr/lib/xlt/vif-bridge)")
  stock_vif+=("$(time_vif /etc/xen/scripts/vif-bridge)")
  ours_vbd+=("$(time_vbd /usr/lib/xlt/block-lvm)")
  stock_vbd+=("$(time_vbd /etc/xen/scripts/block)")
done
bench_compare "vif hotplug, online + offline (driver alone)" ms ours "${ours_vif[*]}" stock "${stock_vif[*]}"
bench_compare "vbd hotplug on an LV, add + remove (driver alone)" ms ours "${ours_vbd[*]}" stock "${stock_vbd[*]}"
xenstore-rm /local/domain/0/backend/vif/999
xenstore-rm /local/domain/0/backend/vbd/999
ip link del dummy9
lvchange -an xltvg/bench

# ---- 2. a whole create ---------------------------------------------------------

base=$(lab_config pv-busybox bench-dev)

# connected DOMID: both backends in state 4
connected() {
  [ "$(xenstore-read "/local/domain/0/backend/vif/$1/0/state" 2>/dev/null)" = 4 ] &&
    [ "$(xenstore-read "/local/domain/0/backend/vbd/$1/51728/state" 2>/dev/null)" = 4 ]
}

# time_create TOOL NAME: "RETURNED_MS CONNECTED_MS", then destroy
time_create() {
  local tool=$1 name=$2 cfg=/tmp/$2.cfg t0 t1 t2 id
  sed "s|^name = .*|name = \"$name\"|" "$base" >"$cfg"
  printf '%s\n' 'vif = ["bridge=xenbr0"]' \
    'disk = ["phy:/dev/xltvg/bench,xvdb,w"]' >>"$cfg"
  lvchange -ay xltvg/bench # the stock block script needs it active
  t0=$(now_ms)
  "$tool" create "$cfg" >/dev/null 2>&1 || { echo "fail fail"; return; }
  t1=$(now_ms)
  id=$(xl domid "$name")
  until connected "$id"; do
    [ $(($(now_ms) - t0)) -lt 60000 ] || { echo "$((t1 - t0)) fail"; break; }
    sleep 0.05
  done
  t2=$(now_ms)
  connected "$id" && echo "$((t1 - t0)) $((t2 - t0))"
  xl destroy "$name" >/dev/null 2>&1
  sleep 1
}

xlt_ret=() xlt_con=() xl_ret=() xl_con=()
for i in $(seq "$runs"); do
  read -r r c < <(time_create xlt "dxlt$i")
  xlt_ret+=("$r") xlt_con+=("$c")
  read -r r c < <(time_create xl "dxl$i")
  xl_ret+=("$r") xl_con+=("$c")
done
bench_compare "create PV + vif + LV disk, until the command returns" ms xlt "${xlt_ret[*]}" xl "${xl_ret[*]}"
bench_compare "the same, until both backends are connected" ms xlt "${xlt_con[*]}" xl "${xl_con[*]}"
lvremove -q -f xltvg/bench >/dev/null
ip link del xenbr0
exit 0
