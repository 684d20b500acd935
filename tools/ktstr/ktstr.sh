#!/bin/sh
# ktstr — run scenarios and, when a scheduler crashes, the auto-repro pipeline:
#   ktstr-boot → ktstr-stackx → ktstr-btfres → ktstr-probe → ktstr-stitch → ktstr-tail
# Each stage's input and output is kept in the run folder, so any stage can be
# rerun by hand on the saved files (RUNDIR/<test>/Makefile re-renders them).
#
#   ktstr [OPTION]... SCENARIO|DIR...        run them in order (the first form)
#   ktstr test [OPTION]... [SCENARIO|DIR...] the test runner: filters, -j, retries
#   ktstr list [--make] [SCENARIO|DIR...]    the test names, or a Makefile
#   ktstr replay RUNDIR                      rerun what failed in a saved run
set -u

VERSION=@VERSION@
prog=ktstr
here=$(cd "$(dirname "$0")" && pwd)

usage() {
	cat <<USAGE
Usage: ktstr [OPTION]... SCENARIO.yaml|DIR...
       ktstr test [OPTION]... [SCENARIO.yaml|DIR...]
       ktstr list [--make] [OPTION]... [SCENARIO.yaml|DIR...]
       ktstr replay [OPTION]... RUNDIR
Run each scenario in a VM; when the scheduler crashes, reproduce the crash with
BPF probes attached and print the chain of scheduler calls that led to it.

  -k, --kernel K     guest kernel (folder, bzImage, vmlinux, build tree or a
                     cached version; default \$KTSTR_KERNEL, else build/kernel);
                     test: repeatable, every test runs on every kernel
  -o, --out DIR      keep every run's files under DIR/<test>/ (default: a new
                     folder under \${TMPDIR:-/tmp}, printed at the end)
      --accel A      auto (default), kvm or tcg
      --no-repro     never run auto-repro
  -v, --verbose      progress of every stage on stderr
  -h, --help         show this help and exit
  -V, --version      show the version and exit

test and list (default folder: the project's tests/scenarios/):
  -E 'test(NAME)'    only the test named NAME; 'test(/REGEX/)' names matching
                     the extended regular expression; repeatable (any matches)
      --run-ignored ignored-only|all
                     demo_* tests are ignored unless asked for
  -j, --jobs N       up to N tests at once (default 1); a VM does not start
                     while the vCPUs in flight would exceed the host's cores
      --oversubscribe  start VMs whatever their vCPUs
      --retries N    retry a test whose VM failed as infrastructure (it died
                     before init, QEMU failed), never a scheduler verdict
      --repro-runs N run the repro VM N times: "crash reproduced k/N"
      --make         (list) print a Makefile with one target per test

A DIR runs every *.yaml in it. ktstr SCENARIO... ends with "N passed, N failed";
ktstr test prints one line per test (PASS name 12.3s, FAIL name 8.1s: reason),
the full report of each failure, and "N passed, N failed, N skipped".
Exit status: 0 all passed, 1 a test failed, 2 bad usage or scenario,
3 environment missing (kernel, QEMU) or VM failure.
USAGE
}

die() { echo "$prog: $*" >&2; exit "${2:-2}"; }
bad_usage() {
	echo "$prog: $*" >&2
	echo "Try 'ktstr --help' for more information." >&2
	exit 2
}

mode=run
case "${1:-}" in
test|list|replay) mode=$1; shift ;;
esac

kernels=
out=
accel=auto
repro=yes
verbose=
scenarios=
filters=
ignored=default
jobs=1
oversub=no
retries=0
repro_runs=1
make_list=no
need_num() { # option value
	case "$2" in ''|*[!0-9]*) bad_usage "$1: '$2' is not a number" ;; esac
}
while [ $# -gt 0 ]; do
	case "$1" in
	-k|--kernel) [ $# -ge 2 ] || die "$1 needs a value"; kernels="$kernels
$2"; shift ;;
	--kernel=*) kernels="$kernels
${1#*=}" ;;
	-o|--out) [ $# -ge 2 ] || die "$1 needs a value"; out=$2; shift ;;
	--out=*) out=${1#*=} ;;
	--accel) [ $# -ge 2 ] || die "$1 needs a value"; accel=$2; shift ;;
	--accel=*) accel=${1#*=} ;;
	--no-repro) repro=no ;;
	-v|--verbose) verbose=-v ;;
	-h|--help) usage; exit 0 ;;
	-V|--version) echo "ktstr $VERSION"; exit 0 ;;
	-E) [ $mode != run ] || bad_usage "-E: only with ktstr test or list"
		[ $# -ge 2 ] || die "$1 needs a value"; filters="$filters
$2"; shift ;;
	--run-ignored) [ $# -ge 2 ] || die "$1 needs a value"; ignored=$2; shift ;;
	--run-ignored=*) ignored=${1#*=} ;;
	-j|--jobs) [ $# -ge 2 ] || die "$1 needs a value"; need_num "$1" "$2"; jobs=$2; shift ;;
	--jobs=*) jobs=${1#*=}; need_num --jobs "$jobs" ;;
	--oversubscribe) oversub=yes ;;
	--retries) [ $# -ge 2 ] || die "$1 needs a value"; need_num "$1" "$2"; retries=$2; shift ;;
	--retries=*) retries=${1#*=}; need_num --retries "$retries" ;;
	--repro-runs) [ $# -ge 2 ] || die "$1 needs a value"; need_num "$1" "$2"; repro_runs=$2; shift ;;
	--repro-runs=*) repro_runs=${1#*=}; need_num --repro-runs "$repro_runs" ;;
	--make) [ $mode = list ] || bad_usage "--make: only with ktstr list"; make_list=yes ;;
	--) shift; break ;;
	-*) bad_usage "unknown option '$1'" ;;
	*) scenarios="$scenarios
$1" ;;
	esac
	shift
done
for a in "$@"; do scenarios="$scenarios
$a"; done
case "$accel" in auto|kvm|tcg) ;; *) die "--accel: '$accel' is not auto, kvm or tcg" ;; esac
case "$ignored" in default|ignored-only|all) ;; *) bad_usage "--run-ignored: '$ignored' is not ignored-only or all" ;; esac
[ "$jobs" -ge 1 ] || bad_usage "--jobs: at least 1"
[ "$repro_runs" -ge 1 ] || bad_usage "--repro-runs: at least 1"
[ -n "$kernels" ] || kernels="
${KTSTR_KERNEL:-}"
nkernels=$(echo "$kernels" | sed '/^$/d' | wc -l)
[ $mode = run ] && [ "$nkernels" -gt 1 ] && bad_usage "--kernel: once, unless with ktstr test"

command -v jq >/dev/null || die "jq not found (run 'make deps')" 3
for t in ktstr-boot ktstr-stackx ktstr-btfres ktstr-stitch ktstr-tail; do
	[ -x "$here/$t" ] || die "$here/$t missing (run 'make')" 3
done

say() { [ -n "$verbose" ] && echo "$prog: $*" >&2; return 0; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---- replay: the failed tests of a saved run, with its kernels and options ----
if [ $mode = replay ]; then
	rundir=$(echo "$scenarios" | sed '/^$/d')
	[ "$(echo "$rundir" | wc -l)" -eq 1 ] && [ -d "$rundir" ] || bad_usage "replay: one saved run folder expected"
	[ -f "$rundir/run.conf" ] || die "$rundir: not a run folder of ktstr test (no run.conf)"
	# shellcheck disable=SC1090
	. "$rundir/run.conf"
	scenarios=$(sed -n 's/^FAIL \([^ ]*\) \(.*\)$/\2/p; s/^ERROR \([^ ]*\) \(.*\)$/\2/p' "$rundir/status" | sort -u)
	names=$(sed -n 's/^\(FAIL\|ERROR\) \([^ ]*\) .*/\2/p' "$rundir/status" | sed 's|/[^/]*$||' | sort -u)
	[ -n "$scenarios" ] || { echo "$rundir: no failed test to replay"; echo "0 passed, 0 failed, 0 skipped"; exit 0; }
	filters=$(for n in $names; do echo "test($n)"; done)
	ignored=all
	mode=test
fi

# ---- the tests: scenario files, their names, filters ----
if [ -z "$scenarios" ] && [ $mode != run ]; then
	for d in "$here/../../tests/scenarios" "$here/../share/ktstr/scenarios" tests/scenarios; do
		[ -d "$d" ] && { scenarios=$(cd "$d" && pwd); break; }
	done
	[ -n "$scenarios" ] || die "no scenario folder found; name scenarios or a folder"
fi
[ -n "$scenarios" ] || { usage >&2; exit 2; }

# Expand folders into their scenario files.
list=$(echo "$scenarios" | while IFS= read -r s; do
	[ -n "$s" ] || continue
	if [ -d "$s" ]; then ls "$s"/*.yaml 2>/dev/null; else echo "$s"; fi
done)

# A test's name, from its scenario (the file's name when it cannot be read).
scn_name() {
	n=$("$here/ktstr-boot" --check "$1" 2>/dev/null | jq -r '.name // empty' 2>/dev/null)
	[ -n "$n" ] && echo "$n" || basename "$1" .yaml
}
kernel_label() { # how a kernel shows in NAME/KERNEL
	basename "$1"
}
wanted() { # name: passes the -E filters (none: all)
	[ -n "$(echo "$filters" | sed '/^$/d')" ] || return 0
	echo "$filters" | while IFS= read -r f; do
		[ -n "$f" ] || continue
		case "$f" in
		"test(/"*"/)") re=${f#test(/}; re=${re%/)}; echo "$1" | grep -Eq -- "$re" && { echo y; break; } ;;
		"test("*")") n=${f#test(}; n=${n%)}; [ "$1" = "$n" ] && { echo y; break; } ;;
		esac
	done | grep -q y
}
for f in $(echo "$filters" | sed '/^$/d'); do
	case "$f" in "test("*")") ;; *) bad_usage "-E: '$f' is neither 'test(NAME)' nor 'test(/REGEX/)'" ;; esac
done
# One line per test to run: NAME<tab>FILE<tab>KERNEL; skipped ones counted.
plan=
nskip=0
for f in $list; do
	n=$(scn_name "$f")
	if [ $mode != run ]; then
		wanted "$n" || continue
		case "$n:$ignored" in
		demo_*:default) nskip=$((nskip + 1)); continue ;;
		demo_*:*) ;;
		*:ignored-only) continue ;;
		esac
	fi
	for k in $(echo "$kernels" | sed '/^$/d'); do
		full=$n
		[ "$nkernels" -gt 1 ] && full=$n/$(kernel_label "$k")
		plan="$plan$full	$f	$k
"
	done
	[ -n "$(echo "$kernels" | sed '/^$/d')" ] || plan="$plan$n	$f	
"
done

if [ $mode = list ]; then
	if [ $make_list = yes ]; then
		# One target per test: `make -j N` or a CI matrix splits the suite.
		echo "# ktstr tests: make -f THIS [-j N] [KTSTR=...] [OUT=...]; generated by ktstr list --make"
		echo "KTSTR ?= $here/ktstr"
		echo "OUT ?= ktstr-runs"
		echo ".PHONY: all$(printf '%s' "$plan" | cut -f1 | sed 's/^/ /' | tr -d '\n')"
		echo "all:$(printf '%s' "$plan" | cut -f1 | sed 's/^/ /' | tr -d '\n')"
		printf '%s' "$plan" | while IFS='	' read -r n f k; do
			[ -n "$n" ] || continue
			echo "$n:"
			echo "	\$(KTSTR) test --run-ignored all${k:+ --kernel '$k'} -o \$(OUT)/$n -E 'test($n)' '$f'"
		done
	else
		printf '%s' "$plan" | cut -f1 | sed '/^$/d'
	fi
	exit 0
fi

if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/ktstr.XXXXXX") || die "cannot create a run folder" 3
else
	mkdir -p "$out" || die "cannot create $out" 3
fi
out=$(cd "$out" && pwd)

# The BPF object of a scheduler built by this project, for program BTF.
bpf_obj() {
	for d in "$here/../bpf" "$here/../lib/ktstr"; do
		[ -f "$d/$1.bpf.o" ] && { echo "$d/$1.bpf.o"; return; }
	done
}

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
reproduced() { # result.json of a repro VM: did the scheduler fail again?
	[ -s "$1" ] && [ "$(jq -r '.verdict' "$1")" = fail ]
}

# A Makefile in the test's folder: the host stages again from the saved files.
stage_makefile() { # dir
	cat >"$1/Makefile" <<MK
# Re-render the host stages of this saved run without booting anything:
#   make chain.txt history.txt trace.json
STITCH = $here/ktstr-stitch
TAIL = $here/ktstr-tail
chain.txt: events.jsonl targets.jsonl
	\$(STITCH) --targets targets.jsonl -o \$@ events.jsonl
history.txt: events.jsonl targets.jsonl
	\$(STITCH) --targets targets.jsonl --history -o \$@ events.jsonl
trace.json: events.jsonl targets.jsonl
	\$(STITCH) --targets targets.jsonl --format perfetto -o \$@ events.jsonl
.PHONY: all
all: chain.txt history.txt trace.json
MK
}

auto_repro() { # scenario dir result kernel-args
	scn=$1 d=$2 res=$3
	shift 3
	echo "--- auto-repro ---"
	if [ "$(jq -r '.reached_workload' "$res")" != true ]; then
		echo "PRIMARY DID NOT REACH WORKLOAD — auto-repro is not load-bearing (the primary VM's failure prevented the bug from being exercised, so the repro's verdict below should not be read as evidence about bug reproducibility — the bug was never exercised by either run)"
	fi
	sched=$(jq -r '.scheduler' "$res")
	obj=$(bpf_obj "$sched")
	# Any other scheduler: the BPF object its binary embeds (a libbpf or
	# libbpf-rs skeleton), when it has one; discovery in the guest otherwise.
	spath=$(jq -r '.scheduler_path // empty' "$res")
	if [ -z "$obj" ] && [ -n "$spath" ] && "$here/ktstr-btfres" "$@" --no-source -b "$spath" /dev/null >/dev/null 2>&1; then
		obj=$spath
	fi
	say "stack extraction"
	"$here/ktstr-stackx" --com2 "$d/primary/com2.log" --com1 "$d/primary/com1.log" >"$d/stack.jsonl" 2>"$d/stackx.err"
	say "BTF resolution"
	# No stack functions is fine: the struct_ops callbacks are added anyway (spec
	# step 3): --ops templates are bound in the guest to whatever programs the
	# scheduler has, known here or not.
	if ! "$here/ktstr-btfres" "$@" --ops ${obj:+-b "$obj" --all-callbacks} -o "$d/targets.jsonl" "$d/stack.jsonl" 2>"$d/btfres.err"; then
		echo "auto-repro: BTF resolution failed: $("$here/ktstr-tail" -n 1 "$d/btfres.err")"
		return
	fi
	if [ ! -x "$here/ktstr-probe" ]; then
		echo "auto-repro: ktstr-probe is not built; no probe data (stack: $(jq -r .name "$d/stack.jsonl" | tr '\n' ' '))"
		return
	fi
	run=1 k=0 first=
	while [ $run -le "$repro_runs" ]; do
		r=repro e=events.jsonl
		[ $run -gt 1 ] && r=repro$run e=events$run.jsonl
		say "repro VM with probes (run $run of $repro_runs)"
		start=$(date +%s)
		"$here/ktstr-probe" "$@" --accel "$accel" --targets "$d/targets.jsonl" --out "$d/$r" \
			-o "$d/$e" "$scn" 2>"$d/probe$run.err"
		rc=$?
		end=$(date +%s)
		[ $run -eq 1 ] && { cp "$d/probe1.err" "$d/probe.err"; dur=$((end - start)); }
		if reproduced "$d/$r/result.json"; then
			k=$((k + 1))
		fi
		# The chain of the first run that has one.
		if [ -z "$first" ] && [ -s "$d/$e" ]; then
			if "$here/ktstr-stitch" --targets "$d/targets.jsonl" -o "$d/chain.tmp" "$d/$e" 2>"$d/stitch.err" &&
				head -n 1 "$d/chain.tmp" | grep -q '^=== AUTO-PROBE'; then
				first=$r
				[ "$e" = events.jsonl ] || cp "$d/$e" "$d/events.jsonl"
			fi
			mv "$d/chain.tmp" "$d/chain.txt" 2>/dev/null
		elif [ $run -eq 1 ] && [ $rc -ne 0 ]; then
			echo "auto-repro: probe run failed (exit $rc): $("$here/ktstr-tail" -n 1 "$d/probe1.err")"
		fi
		run=$((run + 1))
	done
	[ -f "$d/chain.txt" ] && cat "$d/chain.txt"
	if [ -s "$d/events.jsonl" ]; then
		stage_makefile "$d"
		# The chain as a Perfetto trace too (make trace.json redoes it).
		"$here/ktstr-stitch" --targets "$d/targets.jsonl" --format perfetto -o "$d/trace.json" \
			"$d/events.jsonl" 2>>"$d/stitch.err"
	fi
	echo "repro VM duration: ${dur}s"
	[ "$repro_runs" -gt 1 ] && echo "crash reproduced $k/$repro_runs"
	# Without a chain, say at least whether the repro VM crashed again.
	if ! head -n 1 "$d/chain.txt" 2>/dev/null | grep -q '^=== AUTO-PROBE'; then
		crash_status "$d/repro/result.json"
	fi
	logs=$d/${first:-repro}
	[ -f "$logs/com2.log" ] || logs=$d/primary
	"$here/ktstr-tail" --section "scheduler log" --collapse-cycles "$logs/com2.log"
	"$here/ktstr-tail" --section "sched_ext dump" --only sched_ext_dump "$logs/com1.log"
	"$here/ktstr-tail" --section "dmesg" --except sched_ext_dump "$logs/com1.log"
}

# Whether a failure is the scheduler's exit (or a start that never got to
# the workload): the cases a repro VM can reproduce.
repro_worthy() { # result.json
	jq -e '.auto_repro == true and .verdict != "pass" and .vm_exit != null and
		(.reached_workload == false or (.sched_ext_exit != null and (.sched_ext_exit.code // 1024) >= 1024) or
		 (.reason | startswith("scheduler process died")))' "$1" >/dev/null 2>&1
}

# The first lines of a failure's report: what, where, how it ended, when.
bug_summary() { # result.json dir
	line=$(jq -r 'if .sched_ext_exit != null and (.sched_ext_exit.code // 0) >= 1024 then
		"\(.sched_ext_exit.kind): \(if .sched_ext_exit.message != "" then .sched_ext_exit.message else .sched_ext_exit.reason end)"
		else .reason end' "$1")
	cb=
	if [ -f "$2/chain.txt" ]; then
		f=$(sed -n 's/^causal task: .*, the task of \([A-Za-z0-9_.]*\) in flight.*/\1/p' "$2/chain.txt" | head -n 1)
		[ -n "$f" ] && cb=$(grep -E "^$f +[^ ]+\.bpf\.c:[0-9]+$" "$2/chain.txt" | head -n 1 | tr -s ' ')
		[ -n "$cb" ] || cb=$(grep -E '^[A-Za-z0-9_]+ +[^ ]+\.bpf\.c:[0-9]+$' "$2/chain.txt" | tail -n 1 | tr -s ' ')
	fi
	echo "BUG SUMMARY: $line${cb:+ (in $cb)}"
}
diagnostics() { # result.json
	echo "--- diagnostics ---"
	jq -r '"VM exit: \(.vm_exit // "none") after \(.duration_s)s (\(.attempts) attempt\(if .attempts == 1 then "" else "s" end))",
		(.console_tail // [] | .[])' "$1"
	echo "--- timeline ---"
	jq -r '.timeline[] | "\(.t)\t\(.stage)"' "$1" | awk -F '\t' '{ printf "%8.3fs  %s\n", $1, $2 }'
}

# Run one test into dir: status, duration and report.txt. Prints nothing.
run_test() { # name scenario kernel dir
	name=$1 scn=$2 k=$3 d=$4
	t0=$(now)
	mkdir -p "$d/primary"
	cp "$scn" "$d/scenario.yaml" 2>/dev/null
	set -- ${k:+--kernel "$k"}
	attempt=0
	while :; do
		"$here/ktstr-boot" "$@" --accel "$accel" $verbose --out "$d/primary" "$scn" >"$d/result.json" 2>"$d/boot.err"
		rc=$?
		# Infrastructure only: the VM died before init or QEMU failed; never a verdict.
		if [ $rc -eq 3 ] && [ $attempt -lt "$retries" ] &&
			jq -e '.vm_exit != null and .reached_workload == false and (.reason | test("^VM died before init|qemu"))' \
				"$d/result.json" >/dev/null 2>&1; then
			attempt=$((attempt + 1))
			mv "$d/primary" "$d/primary.infra$attempt"
			mkdir -p "$d/primary"
			continue
		fi
		break
	done
	res=$d/result.json
	{
		if [ $rc -eq 2 ] || [ ! -s "$res" ]; then
			echo "ktstr_test '$name' error:"
			"$here/ktstr-tail" -n 5 "$d/boot.err"
			status=ERROR
			[ $rc -eq 2 ] && status=USAGE
			reason=$("$here/ktstr-tail" -n 1 "$d/boot.err")
		else
			hdr="ktstr_test '$(jq -r '.test' "$res")' [sched=$(jq -r '.scheduler' "$res")] [topo=$(jq -r '.topology' "$res")]"
			reason=$(jq -r '.reason' "$res")
			case "$(jq -r '.verdict' "$res")" in
			pass) status=PASS; echo "$hdr passed" ;;
			fail) status=FAIL ;;
			*) status=ERROR ;;
			esac
			if [ $status != PASS ]; then
				if [ $repro = yes ] && repro_worthy "$res"; then
					auto_repro "$scn" "$d" "$res" "$@" >"$d/repro.txt"
				fi
				[ $mode = test ] && bug_summary "$res" "$d"
				echo "$hdr $([ $status = FAIL ] && echo failed || echo error):"
				echo "$reason"
				if [ $mode = test ]; then
					diagnostics "$res"
				fi
				[ -f "$d/repro.txt" ] && cat "$d/repro.txt"
			fi
		fi
	} >"$d/report.txt" 2>&1
	[ $attempt -gt 0 ] && echo "$attempt" >"$d/retries"
	echo "$status" >"$d/status"
	echo "$reason" | head -n 1 >"$d/reason"
	since "$t0" >"$d/duration"
	: >"$d/done"	# last: the pool waits for it (a zombie still answers kill -0)
}

# ---- the first form: in order, each report as it comes ----
if [ $mode = run ]; then
	passed=0 failed=0 worst=0
	printf '%s' "$plan" | { while IFS='	' read -r n f k; do
		[ -n "$f" ] || continue
		base=$(basename "$f" .yaml)
		d=$out/$base
		say "running $f"
		run_test "$n" "$f" "$k" "$d"
		st=$(cat "$d/status")
		cat "$d/report.txt"
		case $st in
		PASS) passed=$((passed + 1)) ;;
		USAGE) failed=$((failed + 1)); [ $worst -lt 2 ] && worst=2 ;;
		ERROR) failed=$((failed + 1)); worst=3 ;;
		*) failed=$((failed + 1)); [ $worst -lt 1 ] && worst=1 ;;
		esac
	done
	echo "runs kept in $out"
	echo "$passed passed, $failed failed"
	exit $worst; }
	exit $?
fi

# ---- ktstr test: a pool of up to $jobs tests within the host's cores ----
ncores=$(nproc 2>/dev/null || echo 2)
{
	echo "# ktstr test options of this run (ktstr replay reads them)"
	echo "kernels='$(echo "$kernels" | sed "s/'/'\\\\''/g")'"
	echo "accel='$accel' repro='$repro' jobs='$jobs' oversub='$oversub' retries='$retries' repro_runs='$repro_runs'"
	echo "nkernels='$nkernels'"
} >"$out/run.conf"
: >"$out/status"

test_dir() { echo "$out/$1"; }
vcpus_of() { # scenario
	c=$("$here/ktstr-boot" --check "$1" 2>/dev/null | jq -r '.cpus // 1' 2>/dev/null)
	echo "${c:-1}"
}
report_line() { # name dir
	st=$(cat "$2/status") dur=$(cat "$2/duration")
	case $st in
	PASS) echo "PASS $1 ${dur}s" ;;
	*) echo "FAIL $1 ${dur}s: $(cat "$2/reason")" ;;
	esac
	echo "$st $1 $(cat "$2/scenario.path")" >>"$out/status"
}

running=		# "pid:vcpus:name" per line
inflight=0
nrun=0
finish_done() { # reap finished tests, print their lines
	keep=
	for e in $running; do
		pid=${e%%:*} rest=${e#*:} v=${rest%%:*} n=${rest#*:}
		if [ ! -f "$(test_dir "$n")/done" ]; then
			keep="$keep $e"
		else
			wait "$pid" 2>/dev/null
			inflight=$((inflight - v))
			nrun=$((nrun - 1))
			report_line "$n" "$(test_dir "$n")"
		fi
	done
	running=$keep
}
trap 'for e in $running; do kill -TERM "${e%%:*}" 2>/dev/null; done; exit 130' INT TERM

names=
while IFS='	' read -r n f k; do
	[ -n "$f" ] || continue
	d=$(test_dir "$n")
	mkdir -p "$d"
	rm -f "$d/done" "$d/status" "$d/repro.txt" "$d/chain.txt"
	(cd "$(dirname "$f")" && echo "$(pwd)/$(basename "$f")") >"$d/scenario.path"
	v=$(vcpus_of "$f")
	# One test always runs; more only within -j and, unless told, the cores.
	while [ $nrun -ge "$jobs" ] || { [ $nrun -gt 0 ] && [ $oversub = no ] && [ $((inflight + v)) -gt "$ncores" ]; }; do
		sleep 0.2
		finish_done
	done
	run_test "$n" "$f" "$k" "$d" &
	running="$running $!:$v:$n"
	inflight=$((inflight + v))
	nrun=$((nrun + 1))
	names="$names $n"
done <<EOF
$plan
EOF
while [ -n "$(echo "$running" | tr -d ' ')" ]; do
	sleep 0.2
	finish_done
done

passed=0 failed=0 env=0 usage_err=0
for n in $names; do
	case "$(cat "$(test_dir "$n")/status")" in
	PASS) passed=$((passed + 1)) ;;
	ERROR) failed=$((failed + 1)); env=$((env + 1)) ;;
	USAGE) failed=$((failed + 1)); usage_err=$((usage_err + 1)) ;;
	*) failed=$((failed + 1)) ;;
	esac
done
# The full report of each failure, in the order the tests were listed.
for n in $names; do
	d=$(test_dir "$n")
	[ "$(cat "$d/status")" = PASS ] && continue
	echo
	cat "$d/report.txt"
done
# JUnit XML for CI (one testcase per test; the report as the failure's text).
{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo "<testsuite name=\"ktstr\" tests=\"$((passed + failed))\" failures=\"$failed\" skipped=\"$nskip\">"
	for n in $names; do
		d=$(test_dir "$n")
		esc=$(printf '%s' "$n" | jq -Rr @html)
		printf '  <testcase name="%s" classname="ktstr" time="%s">' "$esc" "$(cat "$d/duration")"
		if [ "$(cat "$d/status")" != PASS ]; then
			printf '<failure message="%s">' "$(jq -Rr @html <"$d/reason")"
			jq -Rr @html <"$d/report.txt"
			printf '</failure>'
		fi
		echo '</testcase>'
	done
	echo '</testsuite>'
} >"$out/junit.xml"
echo
echo "runs kept in $out"
echo "$passed passed, $failed failed, $nskip skipped"
if [ $failed -gt $((env + usage_err)) ]; then exit 1; fi
if [ $env -gt 0 ]; then exit 3; fi
if [ $usage_err -gt 0 ]; then exit 2; fi
exit 0
