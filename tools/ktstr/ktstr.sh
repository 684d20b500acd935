#!/bin/sh
# ktstr — run scenarios and, when a scheduler crashes, the auto-repro pipeline:
#   ktstr-boot → ktstr-stackx → ktstr-btfres → ktstr-probe → ktstr-stitch → ktstr-tail
# Each stage's input and output is kept in the run folder, so any stage can be
# rerun by hand on the saved files.
set -u

VERSION=@VERSION@
prog=ktstr
here=$(cd "$(dirname "$0")" && pwd)

usage() {
	cat <<USAGE
Usage: ktstr [OPTION]... SCENARIO.yaml|DIR...
Run each scenario in a VM; when the scheduler crashes, reproduce the crash with
BPF probes attached and print the chain of scheduler calls that led to it.

  -k, --kernel K     guest kernel (folder, bzImage, vmlinux or build tree;
                     default \$KTSTR_KERNEL, else build/kernel)
  -o, --out DIR      keep every run's files under DIR/<test>/ (default: a new
                     folder under \${TMPDIR:-/tmp}, printed at the end)
      --accel A      auto (default), kvm or tcg
      --no-repro     never run auto-repro
  -v, --verbose      progress of every stage on stderr
  -h, --help         show this help and exit
  -V, --version      show the version and exit

A DIR runs every *.yaml in it. The last line reads "N passed, N failed".
Exit status: 0 all passed, 1 a test failed, 2 bad usage or scenario,
3 environment missing (kernel, QEMU) or VM failure.
USAGE
}

die() { echo "$prog: $*" >&2; exit "${2:-2}"; }

kernel=${KTSTR_KERNEL:-}
out=
accel=auto
repro=yes
verbose=
scenarios=
while [ $# -gt 0 ]; do
	case "$1" in
	-k|--kernel) [ $# -ge 2 ] || die "$1 needs a value"; kernel=$2; shift ;;
	--kernel=*) kernel=${1#*=} ;;
	-o|--out) [ $# -ge 2 ] || die "$1 needs a value"; out=$2; shift ;;
	--out=*) out=${1#*=} ;;
	--accel) [ $# -ge 2 ] || die "$1 needs a value"; accel=$2; shift ;;
	--accel=*) accel=${1#*=} ;;
	--no-repro) repro=no ;;
	-v|--verbose) verbose=-v ;;
	-h|--help) usage; exit 0 ;;
	-V|--version) echo "ktstr $VERSION"; exit 0 ;;
	--) shift; break ;;
	-*) echo "$prog: unknown option '$1'" >&2; echo "Try 'ktstr --help' for more information." >&2; exit 2 ;;
	*) scenarios="$scenarios
$1" ;;
	esac
	shift
done
for a in "$@"; do scenarios="$scenarios
$a"; done
[ -n "$scenarios" ] || { usage >&2; exit 2; }
case "$accel" in auto|kvm|tcg) ;; *) die "--accel: '$accel' is not auto, kvm or tcg" ;; esac
command -v jq >/dev/null || die "jq not found (run 'make deps')" 3
for t in ktstr-boot ktstr-stackx ktstr-btfres ktstr-stitch ktstr-tail; do
	[ -x "$here/$t" ] || die "$here/$t missing (run 'make')" 3
done

if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/ktstr.XXXXXX") || die "cannot create a run folder" 3
else
	mkdir -p "$out" || die "cannot create $out" 3
fi
set -- ${kernel:+--kernel "$kernel"}
kargs="$*"

say() { [ -n "$verbose" ] && echo "$prog: $*" >&2; return 0; }

# The BPF object of a scheduler built by this project, for program BTF.
bpf_obj() {
	for d in "$here/../bpf" "$here/../lib/ktstr"; do
		[ -f "$d/$1.bpf.o" ] && { echo "$d/$1.bpf.o"; return; }
	done
}

# Expand folders into their scenario files.
list=$(echo "$scenarios" | while IFS= read -r s; do
	[ -n "$s" ] || continue
	if [ -d "$s" ]; then ls "$s"/*.yaml 2>/dev/null; else echo "$s"; fi
done)

passed=0 failed=0 worst=0
crash_status() { # result.json of the repro VM
	if [ ! -s "$1" ]; then
		echo "crash reproduction: unknown (the repro VM left no result)"
	elif [ "$(jq -r '.verdict' "$1")" = fail ] && [ "$(jq -r '.sched_ext_exit' "$1")" = null ] &&
		jq -e '.reason | startswith("scheduler did not attach")' "$1" >/dev/null; then
		echo "crash reproduction: the scheduler did not attach in the repro VM either ($(jq -r '.reason' "$1" | cut -c27-))"
	elif [ "$(jq -r '.verdict' "$1")" = fail ]; then
		echo "crash reproduction: reproduced ($(jq -r '.sched_ext_exit.kind // .reason' "$1"))"
	else
		echo "crash reproduction: not reproduced (repro verdict $(jq -r '.verdict' "$1"))"
	fi
}
auto_repro() { # scenario dir result
	scn=$1 d=$2 res=$3
	echo "--- auto-repro ---"
	if [ "$(jq -r '.reached_workload' "$res")" != true ]; then
		echo "PRIMARY DID NOT REACH WORKLOAD — auto-repro is not load-bearing (the primary VM's failure prevented the bug from being exercised, so the repro's verdict below should not be read as evidence about bug reproducibility — the bug was never exercised by either run)"
	fi
	sched=$(jq -r '.scheduler' "$res")
	obj=$(bpf_obj "$sched")
	# Any other scheduler: the BPF object its binary embeds (a libbpf or
	# libbpf-rs skeleton), when it has one; discovery in the guest otherwise.
	spath=$(jq -r '.scheduler_path // empty' "$res")
	if [ -z "$obj" ] && [ -n "$spath" ] && "$here/ktstr-btfres" $kargs --no-source -b "$spath" /dev/null >/dev/null 2>&1; then
		obj=$spath
	fi
	say "stack extraction"
	"$here/ktstr-stackx" --com2 "$d/primary/com2.log" --com1 "$d/primary/com1.log" >"$d/stack.jsonl" 2>"$d/stackx.err"
	say "BTF resolution"
	# No stack functions is fine: the struct_ops callbacks are added anyway (spec
	# step 3): --ops templates are bound in the guest to whatever programs the
	# scheduler has, known here or not.
	if ! "$here/ktstr-btfres" $kargs --ops ${obj:+-b "$obj" --all-callbacks} -o "$d/targets.jsonl" "$d/stack.jsonl" 2>"$d/btfres.err"; then
		echo "auto-repro: BTF resolution failed: $("$here/ktstr-tail" -n 1 "$d/btfres.err")"
		return
	fi
	if [ ! -x "$here/ktstr-probe" ]; then
		echo "auto-repro: ktstr-probe is not built; no probe data (stack: $(jq -r .name "$d/stack.jsonl" | tr '\n' ' '))"
	else
		say "repro VM with probes"
		start=$(date +%s)
		"$here/ktstr-probe" $kargs --accel "$accel" --targets "$d/targets.jsonl" --out "$d/repro" \
			-o "$d/events.jsonl" "$scn" 2>"$d/probe.err"
		rc=$?
		end=$(date +%s)
		if [ $rc -ne 0 ] && [ ! -s "$d/events.jsonl" ]; then
			echo "auto-repro: probe run failed (exit $rc): $("$here/ktstr-tail" -n 1 "$d/probe.err")"
		else
			"$here/ktstr-stitch" --targets "$d/targets.jsonl" -o "$d/chain.txt" "$d/events.jsonl" 2>"$d/stitch.err" &&
				cat "$d/chain.txt"
		fi
		echo "repro VM duration: $((end - start))s"
		# Without a chain, say at least whether the repro VM crashed again.
		if ! head -n 1 "$d/chain.txt" 2>/dev/null | grep -q '^=== AUTO-PROBE'; then
			crash_status "$d/repro/result.json"
		fi
	fi
	logs=$d/repro
	[ -f "$logs/com2.log" ] || logs=$d/primary
	"$here/ktstr-tail" --section "scheduler log" --collapse-cycles "$logs/com2.log"
	"$here/ktstr-tail" --section "sched_ext dump" --only sched_ext_dump "$logs/com1.log"
	"$here/ktstr-tail" --section "dmesg" --except sched_ext_dump "$logs/com1.log"
}

for scn in $list; do
	base=$(basename "$scn" .yaml)
	d=$out/$base
	mkdir -p "$d/primary"
	say "running $scn"
	"$here/ktstr-boot" $kargs --accel "$accel" $verbose --out "$d/primary" "$scn" >"$d/result.json" 2>"$d/boot.err"
	rc=$?
	if [ $rc -eq 2 ] || [ ! -s "$d/result.json" ]; then
		echo "ktstr_test '$base' error:"
		"$here/ktstr-tail" -n 5 "$d/boot.err"
		failed=$((failed + 1))
		[ $rc -gt $worst ] && worst=$rc
		[ $worst -lt 2 ] && worst=2
		continue
	fi
	res=$d/result.json
	name=$(jq -r '.test' "$res")
	hdr="ktstr_test '$name' [sched=$(jq -r '.scheduler' "$res")] [topo=$(jq -r '.topology' "$res")]"
	case "$(jq -r '.verdict' "$res")" in
	pass)
		echo "$hdr passed"
		passed=$((passed + 1))
		continue ;;
	fail) echo "$hdr failed:" ;;
	*) echo "$hdr error:" ;;
	esac
	jq -r '.reason' "$res"
	failed=$((failed + 1))
	[ $rc -gt $worst ] && worst=$rc
	if [ $repro = yes ] && [ "$(jq -r '.auto_repro' "$res")" = true ] && [ $rc -eq 1 ]; then
		auto_repro "$scn" "$d" "$res"
	fi
done

echo "runs kept in $out"
echo "$passed passed, $failed failed"
exit $worst
