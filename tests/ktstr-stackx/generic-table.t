#!/bin/sh
# The generic-function table has one home, lib/frame.c; ktstr-stackx(1) must
# list exactly its patterns (GENERIC FUNCTIONS, from "scheduler entry" to the "kept" note).
. ../lib.sh
set -eu
src=../../lib/frame.c man=../../man/ktstr-stackx.1
sed -n '/frame__generic_table\[\] = {/,/NULL, NULL/s/^[[:space:]]*{ "\([^"]*\)", "[^"]*" },.*/\1/p' "$src" |
	sort >"$tmp/table"
sed -n '/^scheduler entry$/,/^Functions that call/s/^\.BR\{0,1\} \([^ ]*\)\( ,\)\{0,1\}$/\1/p' "$man" |
	sort >"$tmp/man"
n=$(wc -l <"$tmp/table")
[ "$n" -ge 30 ] || { echo "only $n patterns read from $src"; exit 1; }
diff -u "$tmp/table" "$tmp/man" || { echo "table (-) and man page (+) differ"; exit 1; }
