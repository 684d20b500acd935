#!/bin/sh
# ktstr — run scenarios and, when a scheduler crashes, the auto-repro pipeline
# of the spec's seven steps, one function each below:
#   first_vm (ktstr-boot) → stack_extraction (ktstr-stackx) → bpf_discovery →
#   btf_resolution (ktstr-btfres) → second_vm (ktstr-probe) → stitching
#   (ktstr-stitch) → diagnostic_tails (ktstr-tail)
# Each stage's input and output is kept in the run folder, so any stage can be
# rerun by hand on the saved files (RUNDIR/<test>/Makefile re-renders them).
#
#   ktstr [OPTION]... SCENARIO|DIR...        run them in order (the first form)
#   ktstr test [OPTION]... [SCENARIO|DIR...] the test runner: filters, -j, retries
#   ktstr list [--make] [SCENARIO|DIR...]    the test names, or a Makefile
#   ktstr replay RUNDIR                      rerun what failed in a saved run
#   ktstr demo [OPTION]...                   the README's demo (make demo)
#   ktstr kernel fetch|list|rm ...           the kernel cache (kernel.sh)
set -u

VERSION=@VERSION@
prog=ktstr
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac	# dirname, without its process
here=$(cd "${here:-/}" && pwd)
nl='
'

usage() {
	cat <<USAGE
Usage: ktstr [OPTION]... SCENARIO.yaml|DIR...
       ktstr test [OPTION]... [SCENARIO.yaml|DIR...]
       ktstr list [--make] [OPTION]... [SCENARIO.yaml|DIR...]
       ktstr replay [OPTION]... RUNDIR
       ktstr demo [OPTION]...
       ktstr kernel fetch [--debug] [VERSION] | list | rm VERSION
Run each scenario in a VM; when the scheduler crashes, reproduce the crash with
BPF probes attached and print the chain of scheduler calls that led to it.

  -k, --kernel K     guest kernel (folder, bzImage, vmlinux, build tree or a
                     cached version; default \$KTSTR_KERNEL, else build/kernel
                     in a source tree, else the newest cached kernel);
                     test: repeatable, every test runs on every kernel
  -o, --out DIR      keep every run's files under DIR/<test>/ (default: a new
                     folder under \${TMPDIR:-/tmp}, printed at the end)
      --accel A      auto (default), kvm or tcg
      --no-repro     never run auto-repro
  -v, --verbose      progress of every stage on stderr
  -h, --help         show this help and exit
  -V, --version      show the version and exit

test and list (default folder: the project's scenarios, installed or
tests/scenarios/ of a source tree):
  -E 'test(NAME)'    only the test named NAME; 'test(/REGEX/)' names matching
                     the extended regular expression; repeatable (any matches)
      --run-ignored ignored-only|all
                     demo_* tests are ignored unless asked for
  -j, --jobs N       up to N tests at once (default 1); a VM does not start
                     while the vCPUs in flight would exceed the host's cores
      --oversubscribe  start VMs whatever their vCPUs
      --retries N    retry a test whose VM (the repro VM too) failed as
                     infrastructure (it died before init, QEMU failed or was
                     killed), never a scheduler verdict
      --repro-runs N run the repro VM N times: "crash reproduced k/N"
      --make         (list) print a Makefile with one target per test

demo is ktstr test --run-ignored ignored-only -E 'test(demo_host_crash_auto_repro)'
on the project's scenarios. kernel manages the cached guest kernels
(ktstr kernel --help).

A DIR runs every *.yaml in it. ktstr SCENARIO... ends with "N passed, N failed";
ktstr test prints one line per test (PASS name 12.3s, FAIL name 8.1s: reason),
the full report of each failure, and "N passed, N failed, N skipped".
Exit status: 0 all passed, 1 a test failed, 2 bad usage or scenario,
3 environment missing (kernel, QEMU) or VM failure.
USAGE
}

die() { echo "$prog: $1" >&2; exit "${2:-2}"; }
bad_usage() {
	echo "$prog: $*" >&2
	echo "Try 'ktstr --help' for more information." >&2
	exit 2
}
say() { [ -n "$verbose" ] && echo "$prog: $*" >&2; return 0; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
count() { # the lines of a list (one item a line, no trailing newline)
	if [ -z "$1" ]; then echo 0; else printf '%s\n' "$1" | wc -l; fi
}

# The driver's own sourced files: installed in ../lib/ktstr/ beside the
# BPF objects, in a source tree in tools/ktstr/ (build/bin/../../tools/ktstr).
own_file() {
	for of_dir in "$here/../lib/ktstr" "$here/../../tools/ktstr"; do
		[ -f "$of_dir/$1" ] && { echo "$of_dir/$1"; return 0; }
	done
	die "$1 not found in $here/../lib/ktstr (reinstall ktstr)" 3
}

# ---- the command line ----
mode=run
case "${1:-}" in
test|list|replay) mode=$1; shift ;;
demo) mode=test; shift; set -- --run-ignored ignored-only -E 'test(demo_host_crash_auto_repro)' "$@" ;;
kernel) shift; ks=$(own_file kernel.sh) || exit 3; exec sh "$ks" "$@" ;;
esac

kernels=	# the lists hold one item a line
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
	-k|--kernel) [ $# -ge 2 ] || die "$1 needs a value"; kernels=${kernels:+$kernels$nl}$2; shift ;;
	--kernel=*) kernels=${kernels:+$kernels$nl}${1#*=} ;;
	-o|--out) [ $# -ge 2 ] || die "$1 needs a value"; out=$2; shift ;;
	--out=*) out=${1#*=} ;;
	--accel) [ $# -ge 2 ] || die "$1 needs a value"; accel=$2; shift ;;
	--accel=*) accel=${1#*=} ;;
	--no-repro) repro=no ;;
	-v|--verbose) verbose=-v ;;
	-h|--help) usage; exit 0 ;;
	-V|--version) echo "ktstr $VERSION"; exit 0 ;;
	-E) [ $mode != run ] || bad_usage "-E: only with ktstr test or list"
		[ $# -ge 2 ] || die "$1 needs a value"; filters=${filters:+$filters$nl}$2; shift ;;
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
	*) [ -z "$1" ] || scenarios=${scenarios:+$scenarios$nl}$1 ;;
	esac
	shift
done
for a in "$@"; do
	[ -z "$a" ] || scenarios=${scenarios:+$scenarios$nl}$a
done
case "$accel" in auto|kvm|tcg) ;; *) die "--accel: '$accel' is not auto, kvm or tcg" ;; esac
case "$ignored" in default|ignored-only|all) ;; *) bad_usage "--run-ignored: '$ignored' is not ignored-only or all" ;; esac
[ "$jobs" -ge 1 ] || bad_usage "--jobs: at least 1"
[ "$repro_runs" -ge 1 ] || bad_usage "--repro-runs: at least 1"
[ -n "$kernels" ] || kernels=${KTSTR_KERNEL:-}
nkernels=$(count "$kernels")
[ $mode = run ] && [ "$nkernels" -gt 1 ] && bad_usage "--kernel: once, unless with ktstr test"

command -v jq >/dev/null || die "jq not found (run 'make deps')" 3
for t in ktstr-boot ktstr-stackx ktstr-btfres ktstr-stitch ktstr-tail; do
	[ -x "$here/$t" ] || die "$here/$t missing (run 'make')" 3
done

# ---- replay: the failed tests of a saved run, with its kernels and options ----
if [ $mode = replay ]; then
	rundir=$scenarios
	case "$rundir" in ''|*"$nl"*) bad_usage "replay: one saved run folder expected" ;; esac
	[ -d "$rundir" ] || bad_usage "replay: one saved run folder expected"
	[ -f "$rundir/run.conf" ] || die "$rundir: not a run folder of ktstr test (no run.conf)"
	# shellcheck disable=SC1090
	. "$rundir/run.conf"
	kernels=$(printf '%s\n' "$kernels" | sed '/^$/d')	# older run.conf: a newline first
	scenarios=$(sed -n 's/^FAIL \([^ ]*\) \(.*\)$/\2/p; s/^ERROR \([^ ]*\) \(.*\)$/\2/p' "$rundir/status" | sort -u)
	[ -n "$scenarios" ] || { echo "$rundir: no failed test to replay"; echo "0 passed, 0 failed, 0 skipped"; exit 0; }
	filters=$(sed -n 's/^\(FAIL\|ERROR\) \([^ ]*\) .*/\2/p' "$rundir/status" | sed 's|/[^/]*$||' | sort -u |
		sed 's/.*/test(&)/')
	ignored=all
	mode=test
fi

# ---- the tests: scenario files, their names, filters ----
while IFS= read -r f; do
	case "$f" in ''|"test("*")") ;; *) bad_usage "-E: '$f' is neither 'test(NAME)' nor 'test(/REGEX/)'" ;; esac
done <<EOF
$filters
EOF
if [ -z "$scenarios" ] && [ $mode != run ]; then
	# An installed copy's own, a source tree's, the current folder's.
	for d in "$here/../share/ktstr/scenarios" "$here/../../tests/scenarios" tests/scenarios; do
		[ -d "$d" ] && { scenarios=$(cd "$d" && pwd); break; }
	done
	[ -n "$scenarios" ] || die "no scenario folder found; name scenarios or a folder"
fi
[ -n "$scenarios" ] || { usage >&2; exit 2; }

# No kernel named, none where the tools look first ($KTSTR_KERNEL_DIR, a
# source tree's build/kernel): the newest cached one, for every stage.
if [ -z "$kernels" ] && [ $mode != list ]; then
	if [ -n "${KTSTR_KERNEL_DIR:-}" ]; then
		say "kernel: $KTSTR_KERNEL_DIR (\$KTSTR_KERNEL_DIR)"
	elif [ -e "$here/../kernel" ]; then
		say "kernel: $(cd "$here/../kernel" && pwd -P)"
	else
		cs=$(own_file cache.sh) || exit 3
		. "$cs"
		newest=$(cached_kernels | head -n 1)
		[ -n "$newest" ] ||
			die "no kernel given (--kernel or KTSTR_KERNEL) and none cached in $kernel_cache: fetch one with 'ktstr kernel fetch'" 3
		kernels=$kernel_cache/$newest
		nkernels=1
		say "kernel: $kernels, the newest cached (--kernel chooses another)"
	fi
fi

# A test's name, from its scenario (the file's name when it cannot be read).
scn_name() {
	sn=$("$here/ktstr-boot" --check "$1" </dev/null 2>/dev/null | jq -r '.name // empty' 2>/dev/null)
	if [ -n "$sn" ]; then echo "$sn"; else basename "$1" .yaml; fi
}
kernel_label() { # how a kernel shows in NAME/KERNEL: a word
	basename "$1" | tr -c 'A-Za-z0-9._+\n-' '_'
}
wanted() { # name: passes the -E filters (none: all)
	[ -n "$filters" ] || return 0
	while IFS= read -r wf; do
		case "$wf" in
		"test(/"*"/)") wre=${wf#test(/}; wre=${wre%/)}; printf '%s\n' "$1" | grep -Eq -- "$wre" && return 0 ;;
		"test("*")") wn=${wf#test(}; wn=${wn%)}; [ "$1" = "$wn" ] && return 0 ;;
		esac
	done <<EOF
$filters
EOF
	return 1
}

# One line per test to run: NAME<tab>DIR<tab>FILE<tab>KERNEL, DIR its run
# folder under $out: the test's name (the first form: the file's), with -2,
# -3, ... when an earlier test took it. Skipped ones are counted.
plan=
nskip=0
taken=
run_dir() { # base: sets rd, a folder name no earlier test has
	rd=$1 rd_i=1
	while case "$nl$taken$nl" in *"$nl$rd$nl"*) true ;; *) false ;; esac; do
		rd_i=$((rd_i + 1))
		rd=$1-$rd_i
	done
	taken=${taken:+$taken$nl}$rd
}
plan_test() { # name file kernel
	run_dir "$1"	# the first form's names are the files' (add_scenario)
	plan="$plan$1	$rd	$2	$3$nl"
}
add_scenario() { # file
	if [ $mode = run ]; then
		# The first form names a test by its file; its scenario's own name
		# only says which test failed before any result (run_test asks then).
		as_name=$(basename "$1" .yaml)
	else
		as_name=$(scn_name "$1")
		wanted "$as_name" || return 0
		case "$as_name:$ignored" in
		demo_*:default) nskip=$((nskip + 1)); return 0 ;;
		demo_*:*) ;;
		*:ignored-only) return 0 ;;
		esac
	fi
	if [ -z "$kernels" ]; then
		plan_test "$as_name" "$1" ""
		return 0
	fi
	while IFS= read -r as_k; do
		as_full=$as_name
		[ "$nkernels" -gt 1 ] && as_full=$as_name/$(kernel_label "$as_k")
		plan_test "$as_full" "$1" "$as_k"
	done <<EOF
$kernels
EOF
}
# A folder runs every *.yaml in it, in name order.
while IFS= read -r s; do
	if [ -d "$s" ]; then
		for f in "$s"/*.yaml; do
			[ -e "$f" ] && add_scenario "$f"
		done
	else
		add_scenario "$s"
	fi
done <<EOF
$scenarios
EOF

list_tests() {
	if [ $make_list = no ]; then
		printf '%s' "$plan" | cut -f1
		return
	fi
	# One target per test: `make -j N` or a CI matrix splits the suite.
	echo "# ktstr tests: make -f THIS [-j N] [KTSTR=...] [OUT=...]; generated by ktstr list --make"
	echo "KTSTR ?= $here/ktstr"
	echo "OUT ?= ktstr-runs"
	echo ".PHONY: all$(printf '%s' "$plan" | cut -f1 | sed 's/^/ /' | tr -d '\n')"
	echo "all:$(printf '%s' "$plan" | cut -f1 | sed 's/^/ /' | tr -d '\n')"
	while IFS='	' read -r n rd f k; do
		[ -n "$n" ] || continue
		echo "$n:"
		echo "	\$(KTSTR) test --run-ignored all${k:+ --kernel '$k'} -o \$(OUT)/$n -E 'test($n)' '$f'"
	done <<EOF
$plan
EOF
}
if [ $mode = list ]; then
	list_tests
	exit 0
fi

if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/ktstr.XXXXXX") || die "cannot create a run folder" 3
else
	mkdir -p "$out" || die "cannot create $out" 3
fi
out=$(cd "$out" && pwd)
# One run a folder: a second ktstr with the same -o would clobber the
# first's tests as they run. Held until this run and its VMs are gone.
if command -v flock >/dev/null; then
	exec 8>"$out/.lock" || die "cannot write $out/.lock" 3
	flock -n 8 || die "$out is in use by another ktstr run (it holds $out/.lock); choose another -o" 3
fi

# ---- 1. the first VM: the scenario as it is, retried only for infrastructure ----
# Infrastructure only: the VM died before init, QEMU failed or was killed
# from outside; never a verdict.
infra_failure() { # result.json of ktstr-boot
	jq -e '.vm_exit == "qemu killed" or (.vm_exit != null and .reached_workload == false and (.reason | test("^VM died before init|qemu")))' \
		"$1" >/dev/null 2>&1
}
first_vm() { # scenario dir kernel-args...: sets rc and attempt
	fv_scn=$1 fv_d=$2
	shift 2
	attempt=0
	while :; do
		"$here/ktstr-boot" "$@" --accel "$accel" $verbose --out "$fv_d/primary" "$fv_scn" \
			>"$fv_d/result.json" 2>"$fv_d/boot.err"
		rc=$?
		if [ $rc -eq 3 ] && [ $attempt -lt "$retries" ] && infra_failure "$fv_d/result.json"; then
			attempt=$((attempt + 1))
			mv "$fv_d/primary" "$fv_d/primary.infra$attempt"
			mkdir -p "$fv_d/primary"
			continue
		fi
		break
	done
}

# ---- 2. stack extraction: the crash trace's functions ----
stack_extraction() { # dir
	say "stack extraction"
	"$here/ktstr-stackx" --com2 "$1/primary/com2.log" --com1 "$1/primary/com1.log" >"$1/stack.jsonl" 2>"$1/stackx.err"
}

# ---- 3. BPF discovery: the scheduler's BPF object on the host, if any ----
# Ours (built here), else the object its binary embeds (a libbpf or libbpf-rs
# skeleton); without one the guest's agent discovers the programs (the --ops
# templates of step 4 are bound there to whatever implements each op).
bpf_discovery() { # scheduler scheduler_path kernel-args...: sets obj
	bd_sched=$1 bd_path=$2
	shift 2
	obj=
	for bd_dir in "$here/../bpf" "$here/../lib/ktstr"; do
		[ -f "$bd_dir/$bd_sched.bpf.o" ] && { obj=$bd_dir/$bd_sched.bpf.o; return; }
	done
	if [ -n "$bd_path" ] && "$here/ktstr-btfres" "$@" --no-source -b "$bd_path" /dev/null >/dev/null 2>&1; then
		obj=$bd_path
	fi
}

# ---- 4. BTF resolution: probe targets ----
# No stack functions is fine: the struct_ops callbacks are added anyway.
btf_resolution() { # dir kernel-args...
	br_d=$1
	shift
	say "BTF resolution"
	"$here/ktstr-btfres" "$@" --ops ${obj:+-b "$obj" --all-callbacks} -o "$br_d/targets.jsonl" "$br_d/stack.jsonl" \
		2>"$br_d/btfres.err"
}

# ---- 5. the second VM: the scenario again with the probes, repro_runs times ----
# A result.json's fields are read in one jq a file, eval'd as shell words,
# not one jq a field (each ~20 ms). txt: what `jq -r FIELD` and $(...) gave,
# the trailing newlines dropped; yes(f): "yes" when jq -e would have passed
# f, else "" (an error is false). A file that is not JSON leaves them empty.
jq_defs='def txt: if type == "string" then . else tojson end | until(endswith("\n") | not; .[:-1]);
	def yes(f): if ([try f catch false] | last) then "yes" else "" end;'
# What the report says of a repro VM's result.json, in one jq (x_verdict,
# x_reason, x_kind: the exit's kind or the reason, x_noattach: the scheduler
# did not attach, without an exit).
repro_fields() { # result.json
	x_verdict= x_reason= x_kind= x_noattach=
	eval "$(jq -r "$jq_defs"'
		@sh "x_verdict=\(.verdict | txt) x_reason=\(.reason | txt)",
		@sh "x_kind=\((try (.sched_ext_exit.kind // .reason) catch "") | txt)",
		@sh "x_noattach=\(yes(.sched_ext_exit == null and (.reason | startswith("scheduler did not attach"))))"' "$1")"
}
# The first line of the events is their meta record, as ktstr-probe writes
# it (compact JSON). What it says plainly is taken from it without a jq
# (a quote in a string value is escaped: no string passes for a key); jq
# for anything else.
reproduced() { # result.json of a repro VM, its events' meta line: did the scheduler fail again?
	[ -s "$1" ] || return 1
	# The result's verdict, first in the meta record's "boot" object.
	case "$2" in *'"boot":{"verdict":"fail",'*) return 0 ;; esac
	repro_fields "$1"
	[ "$x_verdict" = fail ]
}
no_trigger_in() { # the events' meta line: the kernel has no trigger
	case "$1" in *'"trigger_available":true'*) return 1 ;; esac
	printf '%s\n' "$1" | jq -e '.trigger_available == false' >/dev/null 2>&1
}
second_vm() { # scenario dir kernel-args...: sets nrepro, dur and no_trigger
	sv_scn=$1 sv_d=$2
	shift 2
	nrepro=0 sv_run=1 no_trigger=
	while [ $sv_run -le "$repro_runs" ]; do
		r=repro e=events.jsonl
		[ $sv_run -gt 1 ] && r=repro$sv_run e=events$sv_run.jsonl
		say "repro VM with probes (run $sv_run of $repro_runs)"
		sv_start=$(date +%s)
		sv_try=0
		while :; do
			"$here/ktstr-probe" "$@" --accel "$accel" --targets "$sv_d/targets.jsonl" --out "$sv_d/$r" \
				-o "$sv_d/$e" "$sv_scn" 2>"$sv_d/probe$sv_run.err"
			sv_rc=$?
			# --retries covers the repro VM's infrastructure failures too.
			[ $sv_rc -eq 3 ] && [ $sv_try -lt "$retries" ] && infra_failure "$sv_d/$r/result.json" || break
			sv_try=$((sv_try + 1))
			echo "auto-repro: the repro VM failed ($(jq -r .reason "$sv_d/$r/result.json")); retrying, its logs in $r.infra$sv_try/"
			rm -rf "$sv_d/$r.infra$sv_try"
			mv "$sv_d/$r" "$sv_d/$r.infra$sv_try"
		done
		[ $sv_run -eq 1 ] && { cp "$sv_d/probe1.err" "$sv_d/probe.err"; dur=$(($(date +%s) - sv_start)); }
		sv_meta=
		[ -s "$sv_d/$e" ] && sv_meta=$(head -n 1 "$sv_d/$e")
		# A kernel without the trigger: ktstr-probe booted nothing, nor will it.
		if [ -n "$sv_meta" ] && no_trigger_in "$sv_meta"; then
			no_trigger=$("$here/ktstr-tail" -n 1 "$sv_d/probe$sv_run.err" | sed 's/^ktstr-probe: //')
			no_trigger=${no_trigger:-trigger unavailable in this kernel}
			return
		fi
		if reproduced "$sv_d/$r/result.json" "$sv_meta"; then
			nrepro=$((nrepro + 1))
		fi
		if [ $sv_run -eq 1 ] && [ $sv_rc -ne 0 ] && [ ! -s "$sv_d/$e" ]; then
			echo "auto-repro: probe run failed (exit $sv_rc): $("$here/ktstr-tail" -n 1 "$sv_d/probe1.err")"
		fi
		sv_run=$((sv_run + 1))
	done
}

# ---- 6. stitching: the chain of the first run that has one ----
# A Makefile in the test's folder: the host stages again from the saved files.
stage_makefile() { # dir
	cat >"$1/Makefile" <<MK
# Re-render the host stages of this saved run without booting anything:
#   make chain.txt timeline.txt history.txt trace.json
STITCH = $here/ktstr-stitch
TAIL = $here/ktstr-tail
chain.txt: events.jsonl targets.jsonl
	\$(STITCH) --targets targets.jsonl -o \$@ events.jsonl
timeline.txt: events.jsonl targets.jsonl
	\$(STITCH) --targets targets.jsonl --history -o \$@ events.jsonl
history.txt: events.jsonl targets.jsonl
	\$(STITCH) --targets targets.jsonl --history=full -o \$@ events.jsonl
trace.json: events.jsonl targets.jsonl
	\$(STITCH) --targets targets.jsonl --format perfetto -o \$@ events.jsonl
.PHONY: all
all: chain.txt timeline.txt history.txt trace.json
MK
}
is_chain() { # file: ktstr-stitch's chain, its "=== AUTO-PROBE" line first
	ic_l=
	[ -f "$1" ] && IFS= read -r ic_l 2>/dev/null <"$1"
	case "$ic_l" in "=== AUTO-PROBE"*) return 0 ;; esac
	return 1
}
stitching() { # dir: sets first (the repro run folder the chain came from)
	st_d=$1
	first= st_run=1
	# Each chain is rendered with its Perfetto trace (one read of the events
	# for both); the trace kept is that of events.jsonl, the chain's run's or
	# else run 1's (make trace.json redoes it): run 1's is written in place,
	# a later run's beside it until its chain is the one.
	while [ -z "$first" ] && [ $st_run -le "$repro_runs" ]; do
		r=repro e=events.jsonl st_tr=trace.json
		[ $st_run -gt 1 ] && r=repro$st_run e=events$st_run.jsonl st_tr=trace$st_run.tmp
		if [ -s "$st_d/$e" ]; then
			# Written whole or not at all: a chain.tmp is there only when the chain was rendered.
			[ ! -e "$st_d/chain.tmp" ] || rm -f "$st_d/chain.tmp"
			"$here/ktstr-stitch" --targets "$st_d/targets.jsonl" -o "$st_d/chain.tmp" \
				--perfetto "$st_d/$st_tr" "$st_d/$e" 2>"$st_d/stitch.err"
			if is_chain "$st_d/chain.tmp"; then
				first=$r
				[ "$e" = events.jsonl ] || cp "$st_d/$e" "$st_d/events.jsonl"
				[ $st_run -eq 1 ] || mv "$st_d/$st_tr" "$st_d/trace.json" 2>/dev/null
			fi
			mv "$st_d/chain.tmp" "$st_d/chain.txt" 2>/dev/null
			[ ! -e "$st_d/trace$st_run.tmp" ] || rm -f "$st_d/trace$st_run.tmp"
		fi
		st_run=$((st_run + 1))
	done
	[ -f "$st_d/chain.txt" ] && cat "$st_d/chain.txt"
	[ -s "$st_d/events.jsonl" ] && stage_makefile "$st_d"
}

# ---- 7. diagnostic tails: how the repro went, the last lines of its logs ----
crash_status() { # result.json of the repro VM
	if [ ! -s "$1" ]; then
		echo "crash reproduction: unknown (the repro VM left no result)"
		return
	fi
	repro_fields "$1"
	if [ "$x_verdict" = error ]; then
		echo "crash reproduction: unknown (the repro VM failed: $x_reason)"
	elif [ "$x_verdict" = fail ] && [ -n "$x_noattach" ]; then
		echo "crash reproduction: the scheduler did not attach in the repro VM either ($(printf '%s\n' "$x_reason" | cut -c27-))"
	elif [ "$x_verdict" = fail ]; then
		echo "crash reproduction: reproduced ($x_kind)"
	else
		echo "crash reproduction: not reproduced (repro verdict $x_verdict)"
	fi
}
diagnostic_tails() { # dir
	dt_d=$1
	echo "repro VM duration: ${dur}s"
	[ "$repro_runs" -gt 1 ] && echo "crash reproduced $nrepro/$repro_runs"
	# Without a chain, say at least whether the repro VM crashed again.
	if ! is_chain "$dt_d/chain.txt"; then
		crash_status "$dt_d/repro/result.json"
	fi
	dt_logs=$dt_d/${first:-repro}
	[ -f "$dt_logs/com2.log" ] || dt_logs=$dt_d/primary
	log_tails "$dt_logs"
}
log_tails() { # VM folder: its scheduler log, sched_ext dump and dmesg
	"$here/ktstr-tail" --section "scheduler log" --collapse-cycles "$1/com2.log"
	"$here/ktstr-tail" --section "sched_ext dump" --only sched_ext_dump "$1/com1.log"
	"$here/ktstr-tail" --section "dmesg" --except sched_ext_dump "$1/com1.log"
}

# The spec's label of a failure before sys_rdy, ahead of the repro's verdict.
not_reached() {
	echo "PRIMARY DID NOT REACH WORKLOAD — auto-repro is not load-bearing (the primary VM's failure prevented the bug from being exercised, so the repro's verdict below should not be read as evidence about bug reproducibility — the bug was never exercised by either run)"
}
# No VM booted (the scheduler or the kernel missing on the host, the
# initramfs not built): a repro VM would stop at the same place.
no_boot_repro() { # reason
	echo "--- auto-repro ---"
	not_reached
	echo "auto-repro: not run: no VM booted, and a repro VM would not either ($1)"
}

# Steps 2 to 7, after a first VM whose scheduler failed (its result_fields loaded).
auto_repro() { # scenario dir kernel-args...
	ar_scn=$1 ar_d=$2
	shift 2
	echo "--- auto-repro ---"
	[ "$r_reached" = true ] || not_reached
	stack_extraction "$ar_d"
	bpf_discovery "$r_sched" "$r_path" "$@"
	if ! btf_resolution "$ar_d" "$@"; then
		echo "auto-repro: BTF resolution failed: $("$here/ktstr-tail" -n 1 "$ar_d/btfres.err")"
		return
	fi
	if [ ! -x "$here/ktstr-probe" ]; then
		echo "auto-repro: ktstr-probe is not built; no probe data (stack: $(jq -r .name "$ar_d/stack.jsonl" | tr '\n' ' '))"
		return
	fi
	second_vm "$ar_scn" "$ar_d" "$@"
	if [ -n "$no_trigger" ]; then
		echo "auto-repro: skipped: $no_trigger"
		log_tails "$ar_d/primary"
		return
	fi
	stitching "$ar_d"
	diagnostic_tails "$ar_d"
}

# The report's fields of a first VM's result.json, in one jq, not one a
# field (see jq_defs): r_test, r_sched, r_topo, r_reason, r_verdict,
# r_reached, r_path (the scheduler's on the host, or empty), r_noboot (yes:
# no VM booted, auto-repro on), r_line (the bug summary's) and r_worthy (yes:
# the failure is the scheduler's exit, or a start that never got to the
# workload: the cases a repro VM can reproduce; a verdict "error" is the
# host's or the VM's failure, a panic before init, QEMU killed, the wrong
# kernel: nothing of the scheduler to reproduce).
result_fields() { # result.json
	r_test= r_sched= r_topo= r_reason= r_verdict= r_reached= r_path= r_worthy= r_noboot= r_line=
	eval "$(jq -r "$jq_defs"'
		@sh "r_test=\(.test | txt) r_sched=\(.scheduler | txt) r_topo=\(.topology | txt)",
		@sh "r_reason=\(.reason | txt) r_verdict=\(.verdict | txt) r_reached=\(.reached_workload | txt)",
		@sh "r_path=\(.scheduler_path // "" | txt)",
		@sh "r_worthy=\(yes(.auto_repro == true and .verdict == "fail" and .vm_exit != null and
			(.reached_workload == false or (.sched_ext_exit != null and (.sched_ext_exit.code // 1024) >= 1024) or
			 (.reason | startswith("scheduler process died")))))",
		@sh "r_noboot=\(yes(.auto_repro == true and .vm_exit == null and .reached_workload == false))",
		@sh "r_line=\((try (if .sched_ext_exit != null and (.sched_ext_exit.code // 0) >= 1024 then
			"\(.sched_ext_exit.kind): \(if .sched_ext_exit.message != "" then .sched_ext_exit.message else .sched_ext_exit.reason end)"
			else .reason end) catch "") | txt)"' "$1")"
}

# The first lines of a failure's report: what, where, how it ended, when.
bug_summary() { # dir
	line=$r_line
	cb=
	if [ -f "$1/chain.txt" ]; then
		bs_f=$(sed -n 's/^causal task: .*, the task of \([A-Za-z0-9_.]*\) in flight.*/\1/p' "$1/chain.txt" | head -n 1)
		[ -n "$bs_f" ] && cb=$(grep -E "^$bs_f +[^ ]+\.bpf\.c:[0-9]+$" "$1/chain.txt" | head -n 1 | tr -s ' ')
		[ -n "$cb" ] || cb=$(grep -E '^[A-Za-z0-9_]+ +[^ ]+\.bpf\.c:[0-9]+$' "$1/chain.txt" | tail -n 1 | tr -s ' ')
	fi
	echo "BUG SUMMARY: $line${cb:+ (in $cb)}"
}
diagnostics() { # result.json
	echo "--- diagnostics ---"
	# One jq: the VM's exit and its console's tail, a line "\001", the
	# timeline (awk aligns it under its header).
	jq -r '(try (if .vm_exit == null then "VM exit: none (no VM booted)" else
		"VM exit: \(.vm_exit) after \(.duration_s)s (\(.attempts) attempt\(if .attempts == 1 then "" else "s" end))" end,
		(.console_tail // [] | .[])) catch empty), "\u0001",
		(try (.timeline[] | "\(.t)\t\(.stage)") catch empty)' "$1" |
		awk -F '\t' 'tl { printf "%8.3fs  %s\n", $1, $2; next }
			$0 == "\001" { tl = 1; print "--- timeline ---"; next }
			{ print }
			END { if (!tl) print "--- timeline ---" }'
}

# Run one test into dir: status, duration and report.txt. Prints nothing.
run_test() { # name scenario kernel dir
	name=$1 scn=$2 d=$4
	t0=$(now)
	mkdir -p "$d/primary"
	cp "$scn" "$d/scenario.yaml" 2>/dev/null
	set -- ${3:+--kernel "$3"}
	first_vm "$scn" "$d" "$@"
	res=$d/result.json
	{
		if [ $rc -eq 2 ] || [ ! -s "$res" ]; then
			status=ERROR
			[ $rc -eq 2 ] && status=USAGE
			reason=$("$here/ktstr-tail" -n 1 "$d/boot.err")
			# ktstr-boot said nothing but its error: before any VM, or it died.
			[ $mode = test ] && [ $status = ERROR ] && echo "BUG SUMMARY: $reason"
			[ $mode = run ] && name=$(scn_name "$scn")
			echo "ktstr_test '$name'$("$here/ktstr-boot" --check "$scn" </dev/null 2>/dev/null |
				jq -r '" [sched=\(.scheduler)] [topo=\(.topology)]"' 2>/dev/null) error:"
			"$here/ktstr-tail" -n 5 "$d/boot.err"
			if [ $mode = test ] && [ $status = ERROR ]; then
				echo "--- diagnostics ---"
				echo "VM exit: unknown (ktstr-boot exited $rc without a result)"
				echo "--- timeline ---"
				[ $repro = yes ] && no_boot_repro "$reason"
			fi
		else
			result_fields "$res"
			hdr="ktstr_test '$r_test' [sched=$r_sched] [topo=$r_topo]"
			reason=$r_reason
			case "$r_verdict" in
			pass) status=PASS; echo "$hdr passed" ;;
			fail) status=FAIL ;;
			*) status=ERROR ;;
			esac
			if [ $status != PASS ]; then
				if [ $repro = yes ] && [ -n "$r_worthy" ]; then
					auto_repro "$scn" "$d" "$@" >"$d/repro.txt"
				elif [ $repro = yes ] && [ -n "$r_noboot" ]; then
					no_boot_repro "$reason" >"$d/repro.txt"
				fi
				[ $mode = test ] && bug_summary "$d"
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
run_in_order() {
	passed=0 failed=0 worst=0
	while IFS='	' read -r n rd f k; do
		[ -n "$f" ] || continue
		d=$out/$rd
		say "running $f"
		run_test "$n" "$f" "$k" "$d" </dev/null
		cat "$d/report.txt"
		case $status in	# run_test's, as it wrote it in $d/status
		PASS) passed=$((passed + 1)) ;;
		USAGE) failed=$((failed + 1)); [ $worst -lt 2 ] && worst=2 ;;
		ERROR) failed=$((failed + 1)); worst=3 ;;
		*) failed=$((failed + 1)); [ $worst -lt 1 ] && worst=1 ;;
		esac
	done <<EOF
$plan
EOF
	echo "runs kept in $out"
	echo "$passed passed, $failed failed"
	exit $worst
}
[ $mode = run ] && run_in_order

# ---- ktstr test: a pool of up to $jobs tests within the host's cores ----
{
	echo "# ktstr test options of this run (ktstr replay reads them)"
	echo "kernels='$(printf '%s' "$kernels" | sed "s/'/'\\\\''/g")'"
	echo "accel='$accel' repro='$repro' jobs='$jobs' oversub='$oversub' retries='$retries' repro_runs='$repro_runs'"
	echo "nkernels='$nkernels'"
} >"$out/run.conf"
: >"$out/status"

plan_field() { # test number, field (1 name, 2 run folder, 3 scenario, 4 kernel)
	printf '%s' "$plan" | sed -n "$1p" | cut -f"$2"
}
vcpus_of() { # scenario
	c=$("$here/ktstr-boot" --check "$1" </dev/null 2>/dev/null | jq -r '.cpus // 1' 2>/dev/null)
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

running=		# "pid:vcpus:test number" per word
inflight=0
nrun=0
finish_done() { # reap finished tests, print their lines
	keep=
	for e in $running; do
		pid=${e%%:*} rest=${e#*:} v=${rest%%:*} i=${rest#*:}
		fd_dir=$out/$(plan_field "$i" 2)
		if [ ! -f "$fd_dir/done" ]; then
			keep="$keep $e"
		else
			wait "$pid" 2>/dev/null
			inflight=$((inflight - v))
			nrun=$((nrun - 1))
			report_line "$(plan_field "$i" 1)" "$fd_dir"
		fi
	done
	running=$keep
}
run_pool() {
	ncores=$(nproc 2>/dev/null || echo 2)
	trap 'for e in $running; do kill -TERM "${e%%:*}" 2>/dev/null; done; exit 130' INT TERM
	ntests=0
	while IFS='	' read -r n rd f k; do
		[ -n "$f" ] || continue
		ntests=$((ntests + 1))
		d=$out/$rd
		mkdir -p "$d"
		rm -f "$d/done" "$d/status" "$d/repro.txt" "$d/chain.txt"
		(cd "$(dirname "$f")" && echo "$(pwd)/$(basename "$f")") >"$d/scenario.path"
		v=$(vcpus_of "$f")
		# One test always runs; more only within -j and, unless told, the cores.
		while [ $nrun -ge "$jobs" ] || { [ $nrun -gt 0 ] && [ $oversub = no ] && [ $((inflight + v)) -gt "$ncores" ]; }; do
			sleep 0.2
			finish_done
		done
		run_test "$n" "$f" "$k" "$d" </dev/null &
		running="$running $!:$v:$ntests"
		inflight=$((inflight + v))
		nrun=$((nrun + 1))
	done <<EOF
$plan
EOF
	while [ -n "$(echo "$running" | tr -d ' ')" ]; do
		sleep 0.2
		finish_done
	done
}

# JUnit XML for CI (one testcase per test; the report as the failure's text).
write_junit() { # passed failed
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo "<testsuite name=\"ktstr\" tests=\"$(($1 + $2))\" failures=\"$2\" skipped=\"$nskip\">"
	while IFS='	' read -r n rd f k; do
		[ -n "$f" ] || continue
		d=$out/$rd
		esc=$(printf '%s' "$n" | jq -Rr @html)
		printf '  <testcase name="%s" classname="ktstr" time="%s">' "$esc" "$(cat "$d/duration")"
		if [ "$(cat "$d/status")" != PASS ]; then
			printf '<failure message="%s">' "$(jq -Rr @html <"$d/reason")"
			jq -Rr @html <"$d/report.txt"
			printf '</failure>'
		fi
		echo '</testcase>'
	done <<EOF
$plan
EOF
}

summary() {
	passed=0 failed=0 env=0 usage_err=0
	while IFS='	' read -r n rd f k; do
		[ -n "$f" ] || continue
		case "$(cat "$out/$rd/status")" in
		PASS) passed=$((passed + 1)) ;;
		ERROR) failed=$((failed + 1)); env=$((env + 1)) ;;
		USAGE) failed=$((failed + 1)); usage_err=$((usage_err + 1)) ;;
		*) failed=$((failed + 1)) ;;
		esac
	done <<EOF
$plan
EOF
	# The full report of each failure, in the order the tests were listed.
	while IFS='	' read -r n rd f k; do
		[ -n "$f" ] || continue
		[ "$(cat "$out/$rd/status")" = PASS ] && continue
		echo
		cat "$out/$rd/report.txt"
	done <<EOF
$plan
EOF
	write_junit $passed $failed >"$out/junit.xml"
	echo
	echo "runs kept in $out"
	echo "$passed passed, $failed failed, $nskip skipped"
	if [ $failed -gt $((env + usage_err)) ]; then exit 1; fi
	if [ $env -gt 0 ]; then exit 3; fi
	if [ $usage_err -gt 0 ]; then exit 2; fi
	exit 0
}

run_pool
summary
