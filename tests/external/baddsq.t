#!/bin/sh
# vm: three boots: an unmodified kernel-tree scheduler with one injected bug
# (a DSQ never created; the kernel raises the error after ops.enqueue
# returned) through the whole driver (primary and repro VM; the host reads
# the BPF object the binary embeds), then the repro stage again by hand with
# nothing known on the host (op templates only): discovery in the guest must
# name and place the same callbacks.
. ./extlib.sh
need_sched scx_simple_baddsq
drive_fail scenarios/baddsq.yaml baddsq
want '.verdict == "fail" and .reached_workload == true'
# The kernel's number, not a guess from "runtime error".
want '.sched_ext_exit.kind == "SCX_EXIT_ERROR" and .sched_ext_exit.code == 1024'
want '.sched_ext_exit.message | test("non-existent DSQ 0x29")'
in_report '^=== AUTO-PROBE: scx_exit fired ===$'
in_report '^exit: ERROR \(1024\)'
in_report '^message: .*non-existent DSQ 0x29'
# The scheduler's own callback, named and placed by the guest's line info,
# with its task decoded; then the kernel path to the error.
in_report '^simple_enqueue +scx_simple\.bpf\.c:[0-9]+$'
sed -n '/^simple_enqueue /,/^[a-z_]/p' "$report" | grep -Eq '^  task_struct \*p$' || fail "simple_enqueue has no task_struct *p"
sed -n '/^simple_enqueue /,/^[a-z_]/p' "$report" | grep -Eq '^    pid +[0-9]+$' || fail "simple_enqueue's task has no pid"
awk '/^simple_enqueue /{s=1} s && /^(scx_claim_exit|scx_exit|scx_vexit)/{k=1} END{exit !k}' "$report" ||
	fail "no kernel exit path after simple_enqueue"
grep -q '"type":"prog","func":"simple_enqueue","op":"enqueue"' "$drv/baddsq/events.jsonl" ||
	fail "the agent did not report simple_enqueue as ops.enqueue"
jq -se '[.[] | select(.name == "simple_enqueue") | .object | endswith("[embedded]")] | any' "$drv/baddsq/targets.jsonl" >/dev/null ||
	fail "the host did not read the object embedded in the scheduler binary"

# The host knowing nothing: stack functions and op templates only.
d=$drv/baddsq
"$KTSTR_BIN/ktstr-btfres" --ops --no-source -o "$out/t2.jsonl" "$d/stack.jsonl" 2>"$out/btfres2.err" ||
	fail "ktstr-btfres --ops: $(cat "$out/btfres2.err")"
grep -q '"name":"simple_' "$out/t2.jsonl" && fail "targets name scheduler functions though no object was given"
"$KTSTR_BIN/ktstr-probe" --targets "$out/t2.jsonl" --out "$out/repro2" -o "$out/e2.jsonl" \
	scenarios/baddsq.yaml 2>"$out/probe2.err" || true
[ -s "$out/e2.jsonl" ] || fail "no events from the discovery-only repro: $(tail -n 3 "$out/probe2.err")"
"$KTSTR_BIN/ktstr-stitch" --targets "$out/t2.jsonl" -o "$out/chain2.txt" "$out/e2.jsonl" 2>"$out/stitch2.err" ||
	fail "ktstr-stitch: $(cat "$out/stitch2.err")"
grep -q '"type":"prog","func":"simple_enqueue","op":"enqueue","source":"scx_simple.bpf.c:[0-9]*","target":"ops.enqueue"' \
	"$out/e2.jsonl" || fail "ops.enqueue was not bound to simple_enqueue in the guest"
grep -Eq '^=== AUTO-PROBE: scx_exit fired ===$' "$out/chain2.txt" || { cat "$out/chain2.txt" >&2; fail "no chain"; }
# The same place as the host's object says, from the kernel's line info.
want_src=$(jq -r 'select(.name == "simple_enqueue") | .source' "$d/targets.jsonl")
grep -Eq "^simple_[a-z_]+ +scx_simple\.bpf\.c:[0-9]+$" "$out/chain2.txt" || { cat "$out/chain2.txt" >&2; fail "no callback in the chain"; }
grep -q "\"func\":\"simple_enqueue\",\"op\":\"enqueue\",\"source\":\"$want_src\"" "$out/e2.jsonl" ||
	fail "guest line info for simple_enqueue differs from the object's ($want_src)"
exit 0
