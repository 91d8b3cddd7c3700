#!/usr/bin/env bash
# Install, from Debian 12's archive, everything the build, the tests and the
# lab need. Idempotent: quiet and quick when all is present.
set -euo pipefail

packages=(
  # build
  build-essential pkg-config libxen-dev libyajl-dev uuid-dev check
  libnl-3-dev libnl-route-3-dev libnftables-dev libgnutls28-dev
  libsystemd-dev libaudit-dev
  # xltd's statistics: libxenstat comes with libxen-dev; its /metrics
  # endpoint is served by libmicrohttpd (HTTP parsing, limits and TLS
  # through GnuTLS, which xlt already uses)
  libmicrohttpd-dev
  clang libclang-rt-14-dev
  # lab: the hypervisor, dom0 userland and the device model
  qemu-system-x86 xen-hypervisor-4.17-amd64 xen-utils-4.17 qemu-system-xen
  linux-image-amd64 busybox-static lvm2 bridge-utils iproute2 cpio kmod
  netcat-openbsd socat gzip xz-utils binutils procps util-linux
  # nft in the lab's dom0, for the tests to read the ruleset (t-70):
  # vif-bridge itself uses libnftables, not the program
  nftables
  # make bench: perf in the lab's dom0 (scripts/bench/profile.sh)
  linux-perf
  # the lab's HVM guest kexecs itself, which asks for a soft reset (t-60)
  kexec-tools
  # the audit trail's readers in the lab's dom0 (t-13): auditd and
  # ausearch; journald and journalctl come with systemd
  auditd systemd
  # ocf:xlt:domain's tests in the lab's dom0 (t-98): Pacemaker's resource
  # agent library (ocf-shellfuncs), ocf-tester and the DTD it checks
  # meta-data against with xmllint
  resource-agents libxml2-utils
  # the two-node cluster in the lab (t-99, scripts/lab/ha-overlay): the
  # cluster engine Debian ships, and sbd's fencing on a shared disk
  corosync pacemaker pacemaker-cli-utils sbd
  # the statistics' tests (t-65, t-66): curl in the lab's dom0 fetches
  # /metrics (HTTPS, a bearer token); promtool (Debian's prometheus) checks
  # what xltd serves against Prometheus's own rules; tmux is the terminal
  # xlt top is driven in
  curl prometheus tmux
  # scripts/check-dashboard (the Grafana dashboard's queries)
  python3
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
# Packages such as xen-utils ship services; this is a build host, so keep
# their maintainer scripts from starting anything.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
  made_policy=1
fi
trap '[ $made_policy -eq 1 ] && $sudo rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
# kexec-tools must not take over this host's reboots: the lab only copies it
echo 'kexec-tools kexec-tools/load_kexec boolean false' | $sudo debconf-set-selections
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
