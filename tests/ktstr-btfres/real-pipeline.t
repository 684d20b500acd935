#!/bin/sh
# ktstr-stackx's real crash fixture (scx-ktstr erroring in enqueue) through
# ktstr-btfres with the real kernel and object: the same targets, bridges and
# errors, parameter decoders (char * a string, a wake-up's state in hex) as the
# committed fixtures/real-error-bpf.targets.jsonl (captured on
# the reference kernel; skipped elsewhere).
. ../lib.sh
top=$(cd ../.. && pwd)
K=${KTSTR_KERNEL_DIR:-$top/build/kernel}
O=${KTSTR_BUILD:-$top/build}/bpf/scx-ktstr.bpf.o
B=${KTSTR_BIN:-$top/build/bin}/ktstr-btfres
IN=$top/tests/ktstr-stackx/real-error-bpf.out
REF_KERNEL=7.3.4+deb13-cloud-amd64
[ "$(cat "$K/version" 2>/dev/null)" = "$REF_KERNEL" ] || skip "fixture made on $REF_KERNEL"
[ -f "$O" ] && [ -f "$IN" ] || skip "no $O or $IN"
need jq

"$B" --kernel "$K" --no-source -b "$O" "$IN" >"$tmp/out" || { echo "ktstr-btfres failed"; exit 1; }
shape='select(.kind != "enums") | [.kind, .name, .bridge_for, .error, .task_param, [.params[]? | .name, .type, (.decoder // "-"), (.fields // [] | map(.name + "@" + (.offset | tostring)))]]'
jq -c "$shape" "$tmp/out" >"$tmp/got"
jq -c "$shape" fixtures/real-error-bpf.targets.jsonl >"$tmp/want"
diff -u "$tmp/want" "$tmp/got" || exit 1
# The enums the decoders need are there.
head -n 1 "$tmp/out" | jq -e '.enums.scx_exit_kind.SCX_EXIT_ERROR_BPF == "0x401" and
	.enums.scx_dsq_id_flags.SCX_DSQ_INVALID == "0x8000000000000000" and
	(.enums.scx_enq_flags | has("SCX_ENQ_WAKEUP")) and (.enums.scx_ent_flags | has("SCX_TASK_QUEUED"))' >/dev/null ||
	{ echo "enums line incomplete"; exit 1; }
