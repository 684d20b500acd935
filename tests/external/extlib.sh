# Shared by tests/external: the kernel's own example schedulers (built by
# `make schedulers` beside the kernel, in $KTSTR_KERNEL_DIR/schedulers/) run
# as a user's scheduler would, through ktstr-boot or the whole driver.
. ../ktstr-boot/vmlib.sh

SCHED_DIR=$KTSTR_KERNEL_DIR/schedulers

# need_sched NAME [DIR [BIN [MAKE]]]: skip unless `make schedulers` (or MAKE)
# built it into DIR (its STATUS file) as DIR/BIN/NAME; a scheduler that failed
# to build is a failure (STATUS says why).
need_sched() {
	d=${2:-$SCHED_DIR} b=${3:-.} mk=${4:-make schedulers}
	[ -f "$d/STATUS" ] || skip "no such schedulers built ($mk)"
	st=$(grep "^$1 " "$d/STATUS" | head -n 1)
	case "$st" in
	"$1 ok") [ -x "$d/$b/$1" ] || fail "$d/$b/$1 missing though STATUS says ok" ;;
	"") skip "$1 is not among the built schedulers ($mk)" ;;
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

# drive_fail SCENARIO NAME: drive, which must exit 1 (a test failed); $json is
# then the primary's result.
drive_fail() {
	drive "$1"
	[ "$rc" -eq 1 ] || { cat "$out/driver.err" >&2; fail "driver exit $rc, expected 1"; }
	json=$(cat "$drv/$2/result.json")
}

# in_report REGEX: a line of the report must match (grep -E).
in_report() {
	grep -Eq "$1" "$report" && return
	# The head of the report, then every call line of its chain (a whole
	# chain runs to hundreds of lines).
	{ sed -n '1,40p' "$report"; echo '[…] calls:'; grep -E '^[A-Za-z_][A-Za-z0-9_.]*( |$)' "$report"; } >&2
	fail "report has no line matching: $1"
}
