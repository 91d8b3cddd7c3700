# Helpers shared by scripts/lab/build-base and scripts/lab/run (sourced).
# shellcheck shell=bash

LAB_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_REPO=$(cd "$LAB_SCRIPTS/../.." && pwd)
# The cache for everything the lab builds; relative paths are from the repo.
LAB_DIR=${LAB_DIR:-build/lab}
case $LAB_DIR in /*) ;; *) LAB_DIR=$LAB_REPO/$LAB_DIR ;; esac

die() {
  printf '%s: %s\n' "${0##*/}" "$*" >&2
  exit 2
}

say() {
  printf '%s: %s\n' "${0##*/}" "$*"
}

# is_elf FILE: true if FILE (after symlinks) starts with the ELF magic.
is_elf() {
  [ -f "$1" ] && [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = '177ELF' ]
}

# elf_libs FILE...: every library path ldd names for the given ELF files,
# including the dynamic loader; nothing for static binaries.
elf_libs() {
  local f
  for f in "$@"; do
    ldd "$f" 2>/dev/null | awk '
      $2 == "=>" && $3 ~ /^\// { print $3; next }
      $1 ~ /^\// { print $1 }'
  done | sort -u
}

# copy_into ROOT FILE...: copy each FILE (symlinks resolved) to the same
# path under ROOT.  ROOT's /bin, /sbin, /lib, /lib64 are symlinks into
# /usr, so host paths on either side of the merged /usr land in one place.
copy_into() {
  local root=$1 f
  shift
  for f in "$@"; do
    mkdir -p "$root$(dirname "$f")"
    # never write through a symlink already in ROOT (e.g. a busybox applet)
    rm -f "$root$f"
    cp -L "$f" "$root$f"
  done
}

# newc_entry NAME MODE RDEV_MAJOR RDEV_MINOR INO: one header-only entry of a
# "newc" cpio archive (directories, device nodes, the trailer), so device
# nodes can be put in an initramfs without mknod or root.
newc_entry() {
  local name=$1 mode=$2 maj=$3 min=$4 ino=$5
  local namesize=$((${#name} + 1))
  printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
    "$ino" "$mode" 0 0 1 0 0 0 0 "$maj" "$min" "$namesize" 0
  printf '%s\0' "$name"
  # header (110 bytes) plus name are padded to a multiple of 4
  head -c $(((4 - (110 + namesize) % 4) % 4)) /dev/zero
}

# dev_nodes_cpio: a cpio archive holding /dev/console and /dev/null, so
# the kernel can give /init its console before devtmpfs is mounted.
dev_nodes_cpio() {
  newc_entry dev $((8#040755)) 0 0 1
  newc_entry dev/console $((8#020600)) 5 1 2
  newc_entry dev/null $((8#020666)) 1 3 3
  newc_entry 'TRAILER!!!' 0 0 0 0
}

# tree_cpio DIR: a newc cpio archive of DIR's contents, owned by root.
tree_cpio() {
  (cd "$1" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
    cpio -o -H newc -R 0:0 --quiet)
}
