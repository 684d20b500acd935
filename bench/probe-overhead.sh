#!/bin/sh
# bench/probe-overhead.sh: how much the repro VM's probes slow the workload.
#
# The demo scenario (four YieldHeavy workers, the host-made crash 2 s in) run
# by ktstr-boot without probes and by ktstr-probe with the demo's full probe
# set (the targets of bench/probe.sh), same kernel and accel, RUNS times
# interleaved, and with the same probes attached but recording nothing
# (--empty-probes: the floor, what the trampolines cost alone). Rate: the
# step's iterations over the step's time up to the crash ("step 1 started"
# .. "step 1 done" of the timeline). Then where the time goes: the agent's
# CPU time, the vCPU time lost per record, and from one more run with the
# kernel's run time accounting (--run-stats) the runs and time of each kind
# of probe program (kprobe, fentry/fexit of kernel functions and of BPF
# callbacks).
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

# probe_run N FLAGS...: ktstr-probe with the demo's probes into $work/probeN.
probe_run() {
	n=$1
	shift
	"$B/ktstr-probe" "$@" -t "$work/targets.jsonl" --out "$work/probe$n" -o "$work/events$n.jsonl" "$scn"
}
# rate_of DIR: the rate of the run whose result.json is in DIR (or below it).
rate_of() {
	res=$1/result.json
	[ -f "$res" ] || res=$(find "$1" -name result.json | head -n 1)
	rate "$res"
}

i=0
while [ "$i" -lt "$RUNS" ]; do
	i=$((i + 1))
	"$B/ktstr-boot" --out "$work/boot$i" "$scn" >/dev/null || [ $? = 1 ]
	probe_run "$i"
	probe_run "empty$i" --empty-probes
	set -- $(rate "$work/boot$i/result.json")
	echo "run $i unprobed: $1 iterations in $2 s: $3/s"
	echo "$3" >>"$work/boot.rates"
	set -- $(rate_of "$work/probe$i")
	echo "run $i probed:   $1 iterations in $2 s: $3/s"
	echo "$3" >>"$work/probe.rates"
	secs=$2
	set -- $(rate_of "$work/probeempty$i")
	echo "run $i empty probes (attached, recording nothing): $1 iterations in $2 s: $3/s"
	echo "$3" >>"$work/empty.rates"
	head -n 1 "$work/events$i.jsonl" | jq -r '.probe.stats | "  records \(.recorded), \(.queued) in the flight recorder at the end, lost \(.drops), missed by the per-task history \(.history_missed // 0)",
		"  agent: \(.agent_run_cpu_ms // "?") ms of CPU while the scenario ran, \(.agent_cpu_ms // "?") ms in all"'
done
# Where the time goes inside the programs: one more run with the kernel's
# run time accounting on (it slows every program run by itself, so its rate
# is not the ratio's).
probe_run stats --run-stats
set -- $(rate_of "$work/probestats")
head -n 1 "$work/eventsstats.jsonl" | jq -r --arg r "$3" '.probe.stats |
	"with --run-stats: \($r)/s, records \(.recorded)",
	((.progs // {}) | to_entries[] | select(.value.runs > 0) |
	"  \(.key): \(.value.runs) runs, \(.value.ns / .value.runs / 1000 | . * 10 | floor / 10) us each in the program")'
b=$(median <"$work/boot.rates")
p=$(median <"$work/probe.rates")
e=$(median <"$work/empty.rates")
sub=$(head -n 1 "$work/events$RUNS.jsonl" | jq '.probe.stats.recorded // .probe.stats.submitted // 0')
cpus=$(jq -r '.topology' "$work/boot$RUNS/result.json" | awk -F'[nlct]' '{ print $1 * $2 * $3 * $4 }')
echo "unprobed: ${b}/s   probed: ${p}/s   empty probes: ${e}/s   (medians of $RUNS)"
# The probes' floor: attached but recording nothing, the trampolines and
# program runs alone; what recording adds is the rest.
awk -v b="$b" -v e="$e" 'BEGIN { if (b > 0) printf "floor: empty probes run at %.2f of unprobed: the most any recording can reach\n", e / b }'
# The vCPU time the probes took from the workload, spread over the records.
awk -v b="$b" -v p="$p" -v e="$e" -v n="$sub" -v c="$cpus" -v s="$secs" 'BEGIN {
	if (n > 0 && b > 0 && e > 0)
		printf "cost: ~%.1f us of vCPU time per probe record (%d records, %d vCPUs, %.2f s), of which ~%.1f us the empty probes\n",
			c * s * (1 - p / b) / n * 1e6, n, c, s, c * s * (1 - e / b) / n * 1e6 }'
awk -v p="$p" -v b="$b" 'BEGIN { printf "ratio: %.2f (target >= 0.6)\n", (b > 0) ? p / b : 0 }'
