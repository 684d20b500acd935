#!/bin/sh
# ktstr's test runner: every folder tests/<tool>/ holds the cases of one tool.
#
#   NAME.out   a data case: the tool's expected stdout. The tool runs in the
#              case's folder with stdin from NAME.in (else /dev/null) and the
#              arguments of NAME.args (shell words; $KTSTR_BIN, $KTSTR_KERNEL_DIR
#              and $KTSTR_BUILD may be used). NAME.exit holds the expected exit
#              status (default 0), NAME.err the exact expected stderr (when present).
#   NAME.t     a script case: exit 0 pass, 77 skip (its last stderr line says
#              why), anything else fail. Runs in the case's folder and sources
#              tests/lib.sh (fail, skip, need, $tmp). A script case with a line
#              "# vm: WHY" among its first five boots VMs and is left out by
#              TESTS=host.
#
#   tests/run.sh [host | TOOL...]   (make check TESTS=...)
# The last line is "N passed, N failed, N skipped".
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
: "${KTSTR_BIN:=$top/build/bin}"
: "${KTSTR_BUILD:=$top/build}"
: "${KTSTR_KERNEL_DIR:=$top/build/kernel}"
export KTSTR_BIN KTSTR_BUILD KTSTR_KERNEL_DIR
export PATH="$KTSTR_BIN:$PATH"
export NO_COLOR=1
# Sanitizer builds: any leak or UB report fails the case.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=98}"

host_only=no
only=
for a in "$@"; do
	case "$a" in
	host) host_only=yes ;;
	*) only="$only $a" ;;
	esac
done

pass=0 fail=0 skip=0
work=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-tests.XXXXXX") || exit 3
# The exits matter: a handler that only cleaned up would let dash carry on
# with the next case after a TERM, in a work folder that is gone.
trap 'rm -rf "$work"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

report() { # status name [detail file]
	case "$1" in
	PASS) pass=$((pass + 1)); echo "PASS $2" ;;
	SKIP) skip=$((skip + 1)); echo "SKIP $2${3:+: $3}" ;;
	FAIL) fail=$((fail + 1)); echo "FAIL $2"
		[ -n "${3:-}" ] && [ -f "$3" ] && sed -n '1,40s/^/    /p' "$3" ;;
	esac
}

run_data_case() { # dir tool name
	d=$1 tool=$2 name=$3
	exp_exit=0
	[ -f "$d/$name.exit" ] && exp_exit=$(cat "$d/$name.exit")
	in=/dev/null
	[ -f "$d/$name.in" ] && in=$d/$name.in
	args=
	[ -f "$d/$name.args" ] && args=$(cat "$d/$name.args")
	(cd "$d" && eval "set -- $args" && exec "$KTSTR_BIN/$tool" "$@") <"$in" >"$work/out" 2>"$work/err"
	rc=$?
	: >"$work/why"
	if [ "$rc" != "$exp_exit" ]; then
		echo "exit status $rc, expected $exp_exit" >>"$work/why"
	fi
	if ! cmp -s "$work/out" "$d/$name.out"; then
		echo "stdout differs:" >>"$work/why"
		diff -u "$d/$name.out" "$work/out" | head -n 30 >>"$work/why"
	fi
	if [ -f "$d/$name.err" ] && ! cmp -s "$work/err" "$d/$name.err"; then
		echo "stderr differs:" >>"$work/why"
		diff -u "$d/$name.err" "$work/err" | head -n 10 >>"$work/why"
	fi
	if [ -s "$work/why" ]; then
		echo "stderr was:" >>"$work/why"
		head -n 10 "$work/err" >>"$work/why"
		report FAIL "$tool/$name" "$work/why"
	else
		report PASS "$tool/$name"
	fi
}

run_script_case() { # dir tool name
	d=$1 tool=$2 name=$3
	if [ $host_only = yes ] && head -n 5 "$d/$name.t" | grep -q '^# vm: '; then
		return
	fi
	(cd "$d" && exec sh "./$name.t") >"$work/out" 2>&1 </dev/null
	rc=$?
	case $rc in
	0) report PASS "$tool/$name" ;;
	77) report SKIP "$tool/$name" "$(tail -n 1 "$work/out")" ;;
	*) echo "exit status $rc" >>"$work/out"; report FAIL "$tool/$name" "$work/out" ;;
	esac
}

# A misspelt name must not pass as "0 passed, 0 failed".
for t in $only; do
	if [ ! -d "$top/tests/$t" ]; then
		echo "no folder tests/$t" >"$work/why"
		report FAIL "$t" "$work/why"
	fi
done

for d in "$top"/tests/*/; do
	d=${d%/}
	tool=$(basename "$d")
	if [ -n "$only" ]; then
		case " $only " in *" $tool "*) ;; *) continue ;; esac
	fi
	for f in "$d"/*.out "$d"/*.t; do
		[ -f "$f" ] || continue
		name=$(basename "$f")
		case "$f" in
		*.out) run_data_case "$d" "$tool" "${name%.out}" ;;
		*.t) run_script_case "$d" "$tool" "${name%.t}" ;;
		esac
	done
done

echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
