#!/bin/sh
# Real targets: ktstr-btfres on the fetched kernel and the scx-ktstr object
# (stack.jsonl: the functions of a real ERROR_BPF crash) gives the same
# parameters, field names and decoders as targets.jsonl, so stitching the
# crash fixture with it prints crash.out (source lines aside: they move as
# main.bpf.c is edited).
. ../lib.sh
set -eu
B=${KTSTR_BIN:?}
build=${KTSTR_BUILD:-../../build}
kernel=${KTSTR_KERNEL_DIR:-../../build/kernel}
obj=$build/bpf/scx-ktstr.bpf.o
[ -x "$B/ktstr-btfres" ] || { echo "ktstr-btfres not built" >&2; exit 77; }
[ -f "$kernel/vmlinux" ] || { echo "no kernel at $kernel (make kernel)" >&2; exit 77; }
[ -f "$obj" ] || { echo "no $obj" >&2; exit 77; }
"$B/ktstr-btfres" --kernel "$kernel" --bpf-obj "$obj" --all-callbacks stack.jsonl >"$tmp/targets.jsonl"
"$B/ktstr-stitch" --targets "$tmp/targets.jsonl" crash.in >"$tmp/out"
strip() { sed -E 's/  +[^ ]+\.c:[0-9]+$//' "$1"; }
strip crash.out >"$tmp/want"
strip "$tmp/out" >"$tmp/got"
diff -u "$tmp/want" "$tmp/got"
