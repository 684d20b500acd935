#!/bin/sh
# -o FILE: the output appears whole, and not at all when the input is bad.
. ../lib.sh
set -eu
S=${KTSTR_BIN:?}/ktstr-stitch
"$S" -t targets.jsonl -o "$tmp/out.txt" crash.in
cmp "$tmp/out.txt" crash.out
rc=0
"$S" -t targets.jsonl -o "$tmp/bad.txt" bad-json.in 2>/dev/null || rc=$?
[ "$rc" -eq 2 ]
[ ! -e "$tmp/bad.txt" ]
[ -z "$(ls "$tmp" | grep -v '^out.txt$' || true)" ]
