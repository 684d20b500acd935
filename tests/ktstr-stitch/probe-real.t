#!/bin/sh
# The events of a real ktstr-probe run (tests/ktstr-probe/fixtures: an
# ERROR_BPF crash of scx-ktstr with ktstr_enqueue in flight) stitch to the
# chain saved with them, source line numbers aside (they move as the sources
# are edited); --history (compact and full) and --format json/perfetto read
# them too.
. ../lib.sh
set -eu
S=${KTSTR_BIN:?}/ktstr-stitch
fx=../ktstr-probe/fixtures
for f in real.events.jsonl real.targets.jsonl real.stitch.txt; do
	[ -f "$fx/$f" ] || { echo "no $fx/$f" >&2; exit 77; }
done
"$S" -t "$fx/real.targets.jsonl" "$fx/real.events.jsonl" >"$tmp/out"
strip() { sed -E 's/(\.[ch]):[0-9]+$/\1/' "$1"; }
strip "$fx/real.stitch.txt" >"$tmp/want"
strip "$tmp/out" >"$tmp/got"
diff -u "$tmp/want" "$tmp/got"
# The diff only detects change (ktstr-stitch wrote real.stitch.txt itself,
# KTSTR_SAVE_FIXTURES=1 of pipeline.t). The values that matter, checked by
# hand against the raw events and what the guest said on its own:
# - the trigger record: exit_kind 0x401 (SCX_EXIT_ERROR_BPF = 1025), cpu 3,
#   current pid 1 "init";
ev=$fx/real.events.jsonl
jq -se 'map(select(.type == "trigger"))[0] | .exit_kind == "0x401" and .cpu == 3 and .current_pid == 1 and
	.inflight_func == "ktstr_enqueue" and .inflight_pid == 11' "$ev" >/dev/null || fail "the raw trigger changed"
grep -qx 'exit: ERROR_BPF (1025) on cpu 3, current init\[1\]' "$tmp/out" || fail "exit line"
# - the causal task is the one scx-ktstr itself named in its error, without
#   any probe: "host-triggered crash in enqueue pid=11 comm=kworker/u16:0";
jq -se 'map(select(.type == "meta"))[0] | .boot.sched_ext_exit.message | endswith("in enqueue pid=11 comm=kworker/u16:0")' \
	"$ev" >/dev/null || fail "the scheduler's own message changed"
grep -q '^causal task: kworker/u16:0\[11\] 0xffff888004724680, ' "$tmp/out" || fail "causal task is not pid 11"
# - the last call, ktstr_enqueue of pid 11 (its raw args 0xffff888004724680
#   and 0x100009; entry fields pid 0xb, dsq_id 1<<63, slice 0x6ee074, exit
#   dsq_id 0x0): enq_flags 0x100009 = SCX_ENQ_WAKEUP 0x1 | SCX_ENQ_CPU_SELECTED
#   0x100000 | 0x8 (no name in scx_enq_flags), SCX_DSQ_INVALID → DSQ 0, slice
#   7266420 ns, cpus_ptr 0xf on 4 CPUs.
sed -n '/^ktstr_enqueue /,/^[^ ]/{/^ktstr_enqueue /p;/^ /p}' "$tmp/out" | tr -s ' ' >"$tmp/enq"
grep -q '^ktstr_enqueue main\.bpf\.c:[0-9]*$' "$tmp/enq" || fail "no ktstr_enqueue call"
for want in ' pid 11' ' cpus_ptr 0xf(0-3)' ' dsq_id SCX_DSQ_INVALID → 0' ' enq_flags NONE → WAKEUP|CPU_SELECTED|0x8' \
	' slice 7266420' ' enq_flags WAKEUP|CPU_SELECTED|0x8'; do
	grep -qxF -- "$want" "$tmp/enq" || fail "ktstr_enqueue: no line '$want' in: $(cat "$tmp/enq")"
done
[ "$(tail -n 1 "$tmp/enq")" = ' enq_flags WAKEUP|CPU_SELECTED|0x8' ] || fail "ktstr_enqueue's block ends elsewhere"
# - then the kernel calls ktstr_enqueue made that were still running at the
#   exit (its scx_bpf_error, then the claim of the exit inside it), the last
#   call: scx_claim_exit, exit_kind NONE → ERROR_BPF, returning true.
[ "$(grep -E '^[a-z_]+ +[^ ]+:[0-9]+$' "$tmp/out" | tail -n 3 | awk '{ print $1 }' | tr '\n' ' ')" = \
	"ktstr_enqueue scx_bpf_error_bstr scx_claim_exit " ] || fail "not ktstr_enqueue > scx_bpf_error_bstr > scx_claim_exit at the end"
sed -n '/^scx_claim_exit /,$p' "$tmp/out" | tr -s ' ' >"$tmp/claim"
for want in ' exit_kind NONE → ERROR_BPF' ' kind ERROR_BPF' ' return true'; do
	grep -qxF -- "$want" "$tmp/claim" || fail "scx_claim_exit: no line '$want' in: $(cat "$tmp/claim")"
done
grep -q '^causal task: .*, the task of ktstr_enqueue in flight on cpu [0-9]' "$tmp/out"
# --history=full: every call of the timeline numbered 1..N, among them the
# default view's (the timeline adds the calls around the task's)
grep -E '^[A-Za-z_][A-Za-z0-9_.]*  +[^ ]+:[0-9]+$' "$tmp/out" | awk '{ print $1 }' | sort -u >"$tmp/funcs"
[ -s "$tmp/funcs" ]
"$S" -t "$fx/real.targets.jsonl" --history=full "$fx/real.events.jsonl" >"$tmp/hist"
h=$(grep -c '^#[0-9]' "$tmp/hist")
[ "$(grep '^#[0-9]' "$tmp/hist" | tail -1 | cut -d' ' -f1)" = "#$h" ]
grep '^#[0-9]' "$tmp/hist" | awk '{ print $5 }' | sort -u >"$tmp/hfuncs"
[ -z "$(comm -23 "$tmp/funcs" "$tmp/hfuncs")" ] || { echo "full history lacks: $(comm -23 "$tmp/funcs" "$tmp/hfuncs")"; exit 1; }
# --history: the compact timeline fits a screen and tells the story: init's
# write woke the task, whose enqueue raised the error inside ktstr_enqueue:
# ktstr_enqueue, then scx_bpf_error_bstr inside it, then scx_claim_exit
# inside that, each one level deeper, all of the same CPU; every call of the
# full history has its line (nothing to fold here).
"$S" -t "$fx/real.targets.jsonl" --history "$fx/real.events.jsonl" >"$tmp/compact"
[ "$(wc -l <"$tmp/compact")" -le 40 ] || { echo "compact history: $(wc -l <"$tmp/compact") lines"; exit 1; }
[ "$(grep -c '^#[0-9]' "$tmp/compact")" -eq "$h" ]
grep -Eq '^#[0-9]+ +-[0-9.]+ms +cpu [0-9]+  ksys_write ' "$tmp/compact"
grep -Eq '^#[0-9]+ +-[0-9.]+ms +cpu [0-9]+ +try_to_wake_up +kernel/sched/core\.c:[0-9]+ .*return 1$' "$tmp/compact"
awk '/^#[0-9]/ {
	s = $0; sub(/^#[0-9]+ +-[0-9.]+m?s +cpu [0-9]+  /, "", s)
	n = match(s, /[^ ]/) - 1; split(s, w, " ")
	if (w[1] == "ktstr_enqueue") { e = n; ecpu = $4 }
	else if (w[1] == "scx_bpf_error_bstr" && e && $4 == ecpu && n == e + 2) b = n
	else if (w[1] == "scx_claim_exit" && b && $4 == ecpu && n == b + 2) ok = 1
}
END { exit !ok }' "$tmp/compact" || { echo "no ktstr_enqueue > scx_bpf_error_bstr > scx_claim_exit nesting"; cat "$tmp/compact"; exit 1; }
grep -Eq 'scx_claim_exit +kernel/sched/ext/ext\.c:[0-9]+ +exit_kind NONE→ERROR_BPF, aborting false→true, return true$' "$tmp/compact"
"$S" -t "$fx/real.targets.jsonl" -f json "$fx/real.events.jsonl" | jq -se '
  .[0].type == "stitch" and .[0].why_none == null and .[1].type == "exit" and
  .[2].why == "inflight" and ([.[] | select(.type == "call")] | length) == .[0].shown' >/dev/null
"$S" -t "$fx/real.targets.jsonl" -f perfetto "$fx/real.events.jsonl" | jq -e '
  ([.traceEvents[] | select(.ph == "X")] | length) > 0 and
  all(.traceEvents[] | select(.ph == "X"); (.ts | type == "number") and (.dur | type == "number"))' >/dev/null
