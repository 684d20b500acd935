#!/bin/sh
# Re-running make kernel uses the cache: same folder, no download.
[ -d "$KTSTR_KERNEL_DIR" ] || { echo "no kernel: run 'make kernel'" >&2; exit 77; }
top=$(cd ../.. && pwd)
before=$(readlink -f "$KTSTR_KERNEL_DIR")
link=$(mktemp -u "${TMPDIR:-/tmp}/ktstr-kernel-link.XXXXXX")
out=$(sh "$top/scripts/kernel.sh" --link "$link" 2>&1) || { echo "$out"; exit 1; }
after=$(readlink -f "$link")
rm -f "$link"
echo "$out" | grep -q downloading && { echo "re-run downloaded again: $out"; exit 1; }
[ "$before" = "$after" ] || { echo "re-run picked $after, not $before"; exit 1; }
exit 0
