# Shared by the benchmarks (bench/NAME.sh, sourced first): where the tools
# and the kernel are, RUNS, ICOUNT, $work (removed at exit; HUP/INT/TERM end the
# run), the demo scenario and its crash fixtures, and now/median. Each
# benchmark prints "ratio: X.XX (target ...)" as its last line.
set -eu
name=$(basename "$0" .sh)
top=$(cd "$(dirname "$0")/.." && pwd)
: "${KTSTR_BIN:=$top/build/bin}"
: "${KTSTR_KERNEL_DIR:=$top/build/kernel}"
RUNS=${RUNS:-1}
# ICOUNT=1: guest time counts the guest's instructions (ktstr-boot(1),
# KTSTR_ICOUNT): rates measured in the guest hold still on a busy host;
# wall times then mean little.
if [ -n "${ICOUNT:-}" ]; then
	export KTSTR_ICOUNT=shift=0,sleep=off
	echo "bench/$name.sh: ICOUNT: guest time counts instructions ($KTSTR_ICOUNT)"
fi
export KTSTR_KERNEL_DIR
B=$KTSTR_BIN
scn=$top/tests/scenarios/demo_host_crash_auto_repro.yaml
fx=$top/tests/ktstr-boot/fixtures

# need_bins TOOL...: each built in $B, else exit 3.
need_bins() {
	for f in "$@"; do
		[ -x "$B/$f" ] || { echo "bench/$name.sh: $B/$f missing (make)" >&2; exit 3; }
	done
}
# need_cmds COMMAND...: each installed, else exit 3.
need_cmds() {
	for c in "$@"; do
		command -v "$c" >/dev/null || { echo "bench/$name.sh: $c missing (make deps)" >&2; exit 3; }
	done
}

work=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-bench-$name.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM

now() { date +%s.%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# The demo crash's targets (ktstr-stackx on the fixtures, then ktstr-btfres
# with every callback of scx-ktstr), into $work/targets.jsonl.
demo_targets() {
	"$B/ktstr-stackx" --com2 "$fx/crash.com2.log" --com1 "$fx/crash.com1.log" |
		"$B/ktstr-btfres" --kernel "$KTSTR_KERNEL_DIR" -b "$top/build/bpf/scx-ktstr.bpf.o" -a >"$work/targets.jsonl"
}
