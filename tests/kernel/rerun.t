#!/bin/sh
# Re-running make kernel (ktstr kernel fetch) uses the cache: same folder, no download.
. ../lib.sh
[ -d "$KTSTR_KERNEL_DIR" ] || { echo "no kernel: run 'make kernel'" >&2; exit 77; }
before=$(readlink -f "$KTSTR_KERNEL_DIR")
link=$(mktemp -u "${TMPDIR:-/tmp}/ktstr-kernel-link.XXXXXX")
out=$("$KTSTR_BIN/ktstr" kernel fetch --link "$link" 2>&1) || { echo "$out"; exit 1; }
after=$(readlink -f "$link")
rm -f "$link"
echo "$out" | grep -q downloading && { echo "re-run downloaded again: $out"; exit 1; }
[ "$before" = "$after" ] || { echo "re-run picked $after, not $before"; exit 1; }
exit 0
