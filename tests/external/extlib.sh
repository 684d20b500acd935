# Shared by tests/external: the kernel's own example schedulers (built by
# `make schedulers` beside the kernel, in $KTSTR_KERNEL_DIR/schedulers/) run
# as a user's scheduler would, through ktstr-boot or the whole driver.
. ../ktstr-boot/vmlib.sh

SCHED_DIR=$KTSTR_KERNEL_DIR/schedulers

# need_sched NAME: skip unless `make schedulers` built it; a scheduler that
# failed to build is a failure (the STATUS file says why).
need_sched() {
	[ -f "$SCHED_DIR/STATUS" ] || skip "no kernel-tree schedulers (make schedulers)"
	st=$(grep "^$1 " "$SCHED_DIR/STATUS" | head -n 1)
	case "$st" in
	"$1 ok") [ -x "$SCHED_DIR/$1" ] || fail "$SCHED_DIR/$1 missing though STATUS says ok" ;;
	"") skip "$1 is not among the built schedulers" ;;
	*) fail "$1 did not build: $st" ;;
	esac
}

# drive SCENARIO: the whole ktstr driver (primary VM, auto-repro); $rc, $drv
# (its run folder) and $report (its stdout) are set.
drive() {
	drv=$out/runs
	"$KTSTR_BIN/ktstr" -o "$drv" "$@" >"$out/report" 2>"$out/driver.err"
	rc=$?
	report=$out/report
}

# in_report REGEX: a line of the report must match (grep -E).
in_report() {
	grep -Eq "$1" "$report" || { sed -n '1,120p' "$report" >&2; fail "report has no line matching: $1"; }
}
