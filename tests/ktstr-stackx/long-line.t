#!/bin/sh
# Hostile input: 1 MB lines (one after a frame's text, one after a header, one
# without a final newline) are prose: they end the backtrace, never match a
# header, and nothing of them reaches the output.
. ../lib.sh
set -eu
mb() { head -c 1048576 /dev/zero | tr '\0' "$1"; }
{
	echo "Backtrace:"
	echo "  first_fn+0x1/0x2"
	printf '  huge_fn+0x1/0x2'; mb x; echo
	echo "  after_fn+0x1/0x2"
	printf 'Backtrace:'; mb ' '; echo
	echo "  loose_fn+0x1/0x2"
	printf '  tail_fn+0x1/0x2'; mb y
} >"$tmp/in"
ktstr-stackx "$tmp/in" >"$tmp/out"
printf '%s\n' '{"name":"first_fn","raw":"first_fn","bpf":false,"source":"com1"}' >"$tmp/want"
diff -u "$tmp/want" "$tmp/out"
# The same through stdin, and with the long line first.
{ mb z; echo; cat "$tmp/in"; } | ktstr-stackx >"$tmp/out2"
diff -u "$tmp/want" "$tmp/out2"
