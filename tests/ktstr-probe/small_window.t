#!/bin/sh
# vm: one repro boot with the smallest flight recorder (--max-events 64: the
# floor of 256 records a CPU, 1024 for the demo's 4): the rings turn over
# hundreds of times, the per-task history keeps what they let go, and the
# chain still reaches the exit (the returns recorded after the trigger must
# not overwrite the in-flight entries first). Fails if the rings do not cap,
# if the history keeps nothing, or if a small recorder loses the chain's end.
. ./demolib.sh
demo_targets
"$B/ktstr-probe" --targets "$tmp/targets.jsonl" --kernel "$kernel" --max-events 64 --out "$tmp/vm" \
	-o "$tmp/events.jsonl" ../scenarios/demo_host_crash_auto_repro.yaml 2>"$tmp/err" ||
	{ cat "$tmp/err" >&2; fail "ktstr-probe exit $?"; }
meta() { head -n 1 "$tmp/events.jsonl" | jq -r "$1"; }
[ "$(meta .trigger_fired)" = true ] || fail "the trigger did not fire"
q=$(meta .probe.stats.queued) c=$(meta .probe.stats.capped) r=$(meta .probe.stats.recorded)
k=$(meta .probe.phases.printed.kept)
[ "$q" -le 1024 ] && [ "$q" -gt 0 ] || fail "$q records in the rings at the end, expected 1..1024"
[ "$c" -gt 1000 ] && [ "$r" -gt "$c" ] || fail "rings did not turn over: recorded $r, capped $c"
[ "$k" -gt 0 ] || fail "the per-task history printed nothing (kept $k)"
# Every record printed once: the rings' and the history's.
n=$(grep -c '"ev":"\(entry\|exit\)"' "$tmp/vm/agent.out")
[ "$n" -eq $((q + k)) ] || fail "$n records printed, expected $q in the rings + $k from the history"
"$KTSTR_BIN/ktstr-stitch" -t "$tmp/targets.jsonl" "$tmp/events.jsonl" >"$tmp/chain" || fail "ktstr-stitch"
grep -q '^causal task: ' "$tmp/chain" || fail "no causal task: $(head -n 5 "$tmp/chain")"
[ "$(grep -E '^[a-z_]+( |$)' "$tmp/chain" | tail -n 3 | awk '{ print $1 }' | tr '\n' ' ')" = \
	"ktstr_enqueue scx_bpf_error_bstr scx_claim_exit " ] ||
	fail "the chain does not end in ktstr_enqueue > scx_bpf_error_bstr > scx_claim_exit: $(grep -E '^[a-z_]+( |$)' "$tmp/chain" | tail -n 5)"
exit 0
