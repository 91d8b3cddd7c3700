# nm-symbols.sh: sourced by scripts/depgraph and scripts/check-layers.
#
# nm_symbols BUILD_DIR, the objects' paths on stdin, one a line: for each
# object OBJ (its path without BUILD_DIR/), "def OBJ SYMBOL" for every
# global symbol it defines (nm -g --defined-only) and "ref OBJ SYMBOL" for
# every symbol it uses from elsewhere (nm -u).
nm_symbols() {
  local build=$1 o rel
  while IFS= read -r o; do
    rel=${o#"$build"/}
    nm -g --defined-only "$o" | awk -v f="$rel" 'NF == 3 { print "def", f, $3 }'
    nm -u "$o" | awk -v f="$rel" '{ print "ref", f, $NF }'
  done
}
