#!/bin/sh
# bench/probe-overhead.sh: how much the repro VM's probes slow the workload.
#
# The demo scenario (four YieldHeavy workers, the host-made crash 2 s in) run
# by ktstr-boot without probes and by ktstr-probe with the demo's full probe
# set (the targets of bench/probe.sh), same kernel and accel, RUNS times
# interleaved. Rate: the step's iterations over the step's time up to the
# crash ("step 1 started" .. "step 1 done" of the timeline). Then where the
# time goes: the runs and kernel-measured run time of each kind of probe
# program (kprobe, fentry/fexit of kernel functions and of BPF callbacks),
# the agent's CPU time, and the vCPU time lost per record.
# Last line: "ratio: probed/unprobed iterations per second (target >= 0.6)".
. "$(dirname "$0")/lib.sh"
need_bins ktstr-boot ktstr-probe ktstr-probe-agent ktstr-stackx ktstr-btfres scx-ktstr
need_cmds jq
demo_targets

# rate RESULT.JSON: iterations per second of step 1, "ITERATIONS SECONDS RATE".
rate() {
	jq -r '[.timeline[] | select(.stage | startswith("step 1 "))] as $s |
		($s | map(select(.stage | startswith("step 1 started"))) | .[0].t) as $a |
		($s | map(select(.stage | startswith("step 1 done"))) | .[0]) as $d |
		($d.stage | [scan("=([0-9]+)") | .[0] | tonumber] | add) as $n |
		if $a == null or $d == null then "0 0 0" else "\($n) \($d.t - $a) \($n / ($d.t - $a))" end' "$1"
}

i=0
while [ "$i" -lt "$RUNS" ]; do
	i=$((i + 1))
	"$B/ktstr-boot" --out "$work/boot$i" "$scn" >/dev/null || [ $? = 1 ]
	"$B/ktstr-probe" -t "$work/targets.jsonl" --out "$work/probe$i" -o "$work/events$i.jsonl" "$scn"
	set -- $(rate "$work/boot$i/result.json")
	echo "run $i unprobed: $1 iterations in $2 s: $3/s"
	echo "$3" >>"$work/boot.rates"
	res=$work/probe$i/result.json
	[ -f "$res" ] || res=$(find "$work/probe$i" -name result.json | head -n 1)
	set -- $(rate "$res")
	echo "run $i probed:   $1 iterations in $2 s: $3/s"
	echo "$3" >>"$work/probe.rates"
	secs=$2
	# Where the time went: the kernel's count and run time of each kind of
	# program (the trampolines' and kprobe's own cost is not in it), and the
	# agent's CPU time while the scenario ran (it drains on the guest's vCPUs).
	head -n 1 "$work/events$i.jsonl" | jq -r '.probe.stats | "  records submitted \(.submitted), kept \(.recorded), dropped \(.drops)",
		((.progs // {}) | to_entries[] | select(.value.runs > 0) |
		"  \(.key): \(.value.runs) runs, \(.value.ns / .value.runs / 1000 | . * 10 | floor / 10) us each in the program"),
		"  agent: \(.agent_run_cpu_ms // "?") ms of CPU while the scenario ran, \(.agent_cpu_ms // "?") ms in all"'
done
b=$(median <"$work/boot.rates")
p=$(median <"$work/probe.rates")
sub=$(head -n 1 "$work/events$RUNS.jsonl" | jq '.probe.stats.submitted // 0')
cpus=$(jq -r '.topology' "$work/boot$RUNS/result.json" | awk -F'[nlct]' '{ print $1 * $2 * $3 * $4 }')
echo "unprobed: ${b}/s   probed: ${p}/s   (medians of $RUNS)"
# The vCPU time the probes took from the workload, spread over the hits.
awk -v b="$b" -v p="$p" -v n="$sub" -v c="$cpus" -v s="$secs" 'BEGIN {
	if (n > 0 && b > 0) printf "cost: ~%.1f us of vCPU time per probe record (%d records, %d vCPUs, %.2f s)\n",
		c * s * (1 - p / b) / n * 1e6, n, c, s }'
awk -v p="$p" -v b="$b" 'BEGIN { printf "ratio: %.2f (target >= 0.6)\n", (b > 0) ? p / b : 0 }'
