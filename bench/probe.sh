#!/bin/sh
# bench/probe.sh: what the probes cost a repro run.
#
# boot:  ktstr-boot of the demo crash scenario (the first VM, no probes).
# probe: ktstr-probe of the same scenario with the targets of that crash
#        (ktstr-stackx on the ktstr-boot crash fixtures → ktstr-btfres with
#        every callback of scx-ktstr: 31 targets), to its events file.
# Same kernel and accel; medians of RUNS (default 1: each run is two
# ~25 s VMs) wall times, interleaved. Also prints the agent's own phases.
# Last line: "ratio: probe/boot (target <= 2.0)".
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
: "${KTSTR_BIN:=$top/build/bin}"
: "${KTSTR_KERNEL_DIR:=$top/build/kernel}"
RUNS=${RUNS:-1}
export KTSTR_KERNEL_DIR
B=$KTSTR_BIN
scn=$top/tests/scenarios/demo_host_crash_auto_repro.yaml
fx=$top/tests/ktstr-boot/fixtures
for f in ktstr-boot ktstr-probe ktstr-probe-agent ktstr-stackx ktstr-btfres scx-ktstr; do
	[ -x "$B/$f" ] || { echo "bench/probe.sh: $B/$f missing (make)" >&2; exit 3; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-bench-probe.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM

"$B/ktstr-stackx" --com2 "$fx/crash.com2.log" --com1 "$fx/crash.com1.log" |
	"$B/ktstr-btfres" --kernel "$KTSTR_KERNEL_DIR" -b "$top/build/bpf/scx-ktstr.bpf.o" -a >"$work/targets.jsonl"

now() { date +%s.%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
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
		batches: [.probe.batches[] | .load_ms + .attach_ms], stats: .probe.stats,
		trigger_fired}'
done
b=$(median <"$work/boot.times")
p=$(median <"$work/probe.times")
echo "boot (no probes): ${b}s   probe run: ${p}s   (medians of $RUNS)"
awk -v p="$p" -v b="$b" 'BEGIN { printf "ratio: %.2f (target <= 2.0)\n", p / b }'
