# Shared by every script case (tests/<folder>/NAME.t), like git's
# t/test-lib.sh: fail, skip, need, and $tmp, a fresh folder that is removed
# when the script ends. A script sources it first (`. ../lib.sh`), from the
# folder tests/run.sh runs it in.
#
# HUP, INT and TERM end the script with 129, 130 and 143: a trap that only
# cleaned up would let dash carry on after the handler, with $tmp gone.
# KEEP=1 keeps $tmp (its path is printed) to look at after a failure.
set -u
: "${KTSTR_BIN:=$(cd ../.. && pwd)/build/bin}"
: "${KTSTR_BUILD:=$(cd ../.. && pwd)/build}"
: "${KTSTR_KERNEL_DIR:=$(cd ../.. && pwd)/build/kernel}"
export KTSTR_BIN KTSTR_BUILD KTSTR_KERNEL_DIR

# fail MESSAGE: the case failed (exit 1); skip REASON: it cannot run here (77).
fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "$*" >&2; exit 77; }

# need COMMAND...: skip unless each is installed.
need() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "$c not installed (make deps)"
	done
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-t.XXXXXX") || { echo "FAIL: cannot make a temporary folder" >&2; exit 3; }
if [ -n "${KEEP:-}" ]; then
	echo "keeping $tmp" >&2
else
	trap 'rm -rf "$tmp"' EXIT
fi
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# workload_qemu DIR PID: waits until the VM whose console is DIR/com1.log
# runs its workload, then sets qpid to its QEMU (to be stopped mid-workload);
# fails when PID, the tool that runs it, ends first.
workload_qemu() {
	wq_i=0
	until grep -q "workload started" "$1/com1.log" 2>/dev/null; do
		wq_i=$((wq_i + 1))
		[ $wq_i -lt 6000 ] || { kill -9 "$2"; fail "the workload never started (see $1/com1.log)"; }
		kill -0 "$2" 2>/dev/null || fail "the tool ended before the workload (see $1/com1.log)"
		sleep 0.05
	done
	qpid=$(pgrep -f "qemu-system.*$1/" | head -n 1)
	[ -n "$qpid" ] || fail "no QEMU found for $1"
}
