#!/bin/sh
# vm: two boots (primary and repro VM): an unmodified kernel-tree scheduler
# with one injected bug (a DSQ never created; the kernel raises the error
# after ops.enqueue returned) through the whole driver. No object file of it
# is given: the chain's callbacks come from discovery in the repro VM.
. ./extlib.sh
need_sched scx_simple_baddsq
drive scenarios/baddsq.yaml
[ "$rc" -eq 1 ] || fail "driver exit $rc, expected 1"
r=$drv/baddsq/result.json
json=$(cat "$r")
want '.verdict == "fail" and .reached_workload == true'
# The kernel's number, not a guess from "runtime error".
want '.sched_ext_exit.kind == "SCX_EXIT_ERROR" and .sched_ext_exit.code == 1024'
want '.sched_ext_exit.message | test("non-existent DSQ 0x29")'
in_report '^=== AUTO-PROBE: scx_exit fired ===$'
in_report '^exit: ERROR \(1024\)'
# The scheduler's own callback, named and placed by the guest's line info,
# with its task decoded; then the kernel path to the error.
in_report '^simple_enqueue +scx_simple\.bpf\.c:[0-9]+$'
sed -n '/^simple_enqueue /,/^[a-z_]/p' "$report" | grep -Eq '^  task_struct \*p$' || fail "simple_enqueue has no task_struct *p"
sed -n '/^simple_enqueue /,/^[a-z_]/p' "$report" | grep -Eq '^    pid +[0-9]+$' || fail "simple_enqueue's task has no pid"
awk '/^simple_enqueue /{s=1} s && /^(scx_claim_exit|scx_exit|scx_vexit)/{k=1} END{exit !k}' "$report" ||
	fail "no kernel exit path after simple_enqueue"
grep -q '"type":"prog","func":"simple_enqueue","op":"enqueue"' "$drv/baddsq/events.jsonl" ||
	fail "the agent did not report simple_enqueue as ops.enqueue"
exit 0
