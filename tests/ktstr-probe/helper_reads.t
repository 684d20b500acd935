#!/bin/sh
# vm: one repro boot of the demo with --helper-reads: the fields read by
# bpf_probe_read_kernel(), the path of kernels without direct loads
# (bpf_rdonly_cast to void), which this kernel would not take otherwise.
# Fails if the stats do not say "helper", if the trigger misses ktstr_enqueue
# in flight, or if the causal task's fields do not decode from those reads
# (pid, comm of the task argument, a pointer hop: its cpumask).
. ./demolib.sh
demo_targets
"$B/ktstr-probe" --targets "$tmp/targets.jsonl" --kernel "$kernel" --helper-reads -m 3000 --out "$tmp/vm" \
	-o "$tmp/events.jsonl" ../scenarios/demo_host_crash_auto_repro.yaml 2>"$tmp/err" ||
	{ cat "$tmp/err" >&2; fail "ktstr-probe exit $?"; }
meta() { head -n 1 "$tmp/events.jsonl" | jq -r "$1"; }
[ "$(meta .probe.stats.reads)" = helper ] || fail "reads: $(meta .probe.stats.reads), expected helper"
trig=$(jq -c 'select(.type == "trigger")' "$tmp/events.jsonl" | head -n 1)
[ "$(echo "$trig" | jq -r .inflight_func)" = ktstr_enqueue ] || fail "ktstr_enqueue not in flight: $trig"
hexpid=$(printf '0x%x' "$(echo "$trig" | jq -r '.inflight_pid // .current_pid')")
n=$(jq --arg p "$hexpid" 'select(.type == "hit" and .func == "ktstr_enqueue" and .fields.p.pid.entry == $p
	and (.fields.p.cpus_ptr.entry | type) == "array")' "$tmp/events.jsonl" | jq -s length)
[ "$n" -gt 0 ] || fail "no ktstr_enqueue of the causal task ($hexpid) with its fields read: $(jq -c 'select(.type == "hit" and .func == "ktstr_enqueue") | .fields.p' "$tmp/events.jsonl" | tail -n 1)"
"$KTSTR_BIN/ktstr-stitch" -t "$tmp/targets.jsonl" "$tmp/events.jsonl" >"$tmp/chain" || fail "ktstr-stitch"
[ "$(grep -E '^[a-z_]+( |$)' "$tmp/chain" | tail -n 3 | awk '{ print $1 }' | tr '\n' ' ')" = \
	"ktstr_enqueue scx_bpf_error_bstr scx_claim_exit " ] || fail "chain's end: $(tail -n 30 "$tmp/chain")"
exit 0
