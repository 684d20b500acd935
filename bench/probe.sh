#!/bin/sh
# bench/probe.sh: what the probes cost a repro run.
#
# boot:  ktstr-boot of the demo crash scenario (the first VM, no probes).
# probe: ktstr-probe of the same scenario with the targets of that crash
#        (ktstr-stackx on the ktstr-boot crash fixtures → ktstr-btfres with
#        every callback of scx-ktstr: 31 targets), to its events file.
# Same kernel and accel; medians of RUNS (default 1: each run is two
# ~25 s VMs) wall times, interleaved. Also prints the agent's own phases,
# and per BPF object its load+attach ms and the verifier's instructions and ms.
# Last line: "ratio: probe/boot (target <= 1.3)".
. "$(dirname "$0")/lib.sh"
need_bins ktstr-boot ktstr-probe ktstr-probe-agent ktstr-stackx ktstr-btfres scx-ktstr
demo_targets

i=0
while [ "$i" -lt "$RUNS" ]; do
	i=$((i + 1))
	t0=$(now)
	"$B/ktstr-boot" --out "$work/boot$i" "$scn" >/dev/null || [ $? = 1 ]
	t1=$(now)
	"$B/ktstr-probe" -t "$work/targets.jsonl" --out "$work/probe$i" -o "$work/events$i.jsonl" "$scn"
	t2=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >>"$work/boot.times"
	awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }' >>"$work/probe.times"
	head -1 "$work/events$i.jsonl" | jq -c '{phases_ms: (.probe.phases | map_values(.ms)),
		kprobes_ms: ([.probe.attach[] | select(.how == "kprobe") | .ms] | add),
		batches: [.probe.batches[] | .load_ms + .attach_ms],
		verifier: [.probe.batches[] | {insns: .verifier_insns, ms: .verifier_ms}], stats: .probe.stats,
		trigger_fired}'
done
b=$(median <"$work/boot.times")
p=$(median <"$work/probe.times")
echo "boot (no probes): ${b}s   probe run: ${p}s   (medians of $RUNS)"
awk -v p="$p" -v b="$b" 'BEGIN { printf "ratio: %.2f (target <= 1.3)\n", p / b }'
