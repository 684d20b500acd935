#!/bin/sh
# Capture real crash logs of scx-ktstr for ktstr-stackx's tests: boot the
# guest kernel in QEMU with a throwaway initramfs (busybox + the static
# loaders) once per case and keep the two serial logs.
#
#   capture-fixtures.sh [--kernel DIR] [--build DIR] [--out DIR] [CASE...]
#
# Cases (default: all):
#   error-bpf  crash knob set 2 s after attach: scx_bpf_error() in enqueue
#              -> error-bpf.com1 (console + sched_ext_dump trace), error-bpf.com2
#   error-dispatch  the same with --crash-in dispatch
#              -> error-dispatch.com1, error-dispatch.com2
#   stall      stall knob set 1 s after attach, watchdog timeout_ms 3000
#              -> stall.com1, stall.com2
#   stall-task the same with --stall-tasks user: user tasks parked, kernel
#              threads run, the watchdog names a starved task
#              -> stall-task.com1, stall-task.com2
#   verifier   the loader of bpf/scx-bad (rejected by the verifier)
#              -> verifier.com2
#   unreg      SIGTERM to the loader 2 s after attach: a clean unload
#              (SCX_EXIT_UNREG, exit status 0) -> unreg.com2
#   oops       `echo c > /proc/sysrq-trigger` while scx-ktstr runs -> oops.com1
# COM1 is the kernel console (ttyS0); /init also writes the sched_ext_dump
# trace events there at the end. COM2 (ttyS1) is the loader's output. Both
# are kept raw, as the guest's ttys wrote them (CRLF line ends).
# Exit: 0 all captured, 1 a case did not produce what it should, 2 usage,
# 3 something missing (kernel, qemu, busybox, build).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=$top/build/kernel
build=$top/build
out=$top/tests/ktstr-stackx/fixtures
cases=
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift ;;
	--build) build=$2; shift ;;
	--out) out=$2; shift ;;
	-h|--help) sed -n '2,28s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) echo "capture-fixtures: unknown option '$1'" >&2; exit 2 ;;
	error-bpf|error-dispatch|stall|stall-task|verifier|unreg|oops) cases="$cases $1" ;;
	*) echo "capture-fixtures: unknown case '$1'" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$cases" ] || cases="error-bpf error-dispatch stall stall-task verifier unreg oops"

die() { echo "capture-fixtures: $*" >&2; exit 3; }
[ -f "$kernel/vmlinux" ] || die "$kernel/vmlinux missing: run 'make kernel' first"
for f in "$build/bin/scx-ktstr" "$build/bpf/scx-bad/scx-bad"; do
	[ -x "$f" ] || die "$f missing: run 'make'"
done
busybox=$(command -v busybox) || die "busybox not found (busybox-static)"
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' || die "$busybox is not static (install busybox-static)"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found"
command -v cpio >/dev/null || die "cpio not found"

work=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-capture.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM

# The initramfs: one for every case; /init picks the case from the command line.
root=$work/root
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp"
cp "$busybox" "$root/bin/busybox"
cp "$build/bin/scx-ktstr" "$root/bin/scx-ktstr"
cp "$build/bpf/scx-bad/scx-bad" "$root/bin/scx-bad"
mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null || true
cat >"$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tracefs tracefs /sys/kernel/tracing
up() { cut -d' ' -f1 /proc/uptime; }
say() { echo "ktstr-capture: $(up) $*" >/dev/ttyS0; }
case=$(sed -n 's/.*ktstr\.case=\([a-z-]*\).*/\1/p' /proc/cmdline)
say "init started, case $case"

# Each dump line of the kernel is one sched_ext_dump trace event.
echo 1 >/sys/kernel/tracing/events/sched_ext/sched_ext_dump/enable
cat /sys/kernel/tracing/trace_pipe >/tmp/dump.txt &
tracer=$!

wait_enabled() { # up to 30 s
	i=0
	while [ "$(cat /sys/kernel/sched_ext/state)" != enabled ] && [ $i -lt 300 ]; do
		usleep 100000; i=$((i + 1))
	done
	say "sched_ext state $(cat /sys/kernel/sched_ext/state)"
}
load() { # CPU hogs plus a task that sleeps and wakes all the time
	yes >/dev/null & yes >/dev/null &
	(while :; do usleep 2000; done) &
}
wait_loader() { # up to 60 s, then give up on it
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 600 ]; do usleep 100000; i=$((i + 1)); done
	kill -0 "$1" 2>/dev/null && { say "loader still running, killing it"; kill -9 "$1"; }
	wait "$1"; say "loader exited with status $?"
}

case "$case" in
error-bpf)
	scx-ktstr --crash-after-ms 2000 >/dev/ttyS1 2>&1 &
	sched=$!
	wait_enabled; load; wait_loader $sched ;;
error-dispatch)
	scx-ktstr --crash-after-ms 2000 --crash-in dispatch >/dev/ttyS1 2>&1 &
	sched=$!
	wait_enabled; load; wait_loader $sched ;;
stall)
	scx-ktstr --timeout-ms 3000 --stall-after-ms 1000 >/dev/ttyS1 2>&1 &
	sched=$!
	wait_enabled; load; wait_loader $sched ;;
stall-task)
	scx-ktstr --timeout-ms 3000 --stall-after-ms 1000 --stall-tasks user >/dev/ttyS1 2>&1 &
	sched=$!
	wait_enabled; load; wait_loader $sched ;;
verifier)
	scx-bad >/dev/ttyS1 2>&1 &
	sched=$!
	wait_loader $sched ;;
unreg)
	scx-ktstr >/dev/ttyS1 2>&1 &
	sched=$!
	wait_enabled; load; usleep 2000000
	kill -TERM $sched; wait_loader $sched ;;
oops)
	scx-ktstr >/dev/ttyS1 2>&1 &
	sched=$!
	wait_enabled; load; usleep 500000
	say "triggering a kernel crash (sysrq c)"
	echo c >/proc/sysrq-trigger ;;
esac

usleep 300000
kill $tracer 2>/dev/null
{
	echo "=== sched_ext_dump trace events ==="
	cat /tmp/dump.txt
	echo "=== end of sched_ext_dump trace events ==="
} >/dev/ttyS0
say "powering off"
poweroff -f
EOF
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$work/initramfs.cpio" || die "cpio failed"

mkdir -p "$out"
status=0
for c in $cases; do
	log=$work/$c
	mkdir -p "$log"
	t0=$(date +%s.%N)
	rc=0
	timeout 180 qemu-system-x86_64 -accel tcg,thread=multi -smp 2 -m 512 \
		-kernel "$kernel/vmlinux" -initrd "$work/initramfs.cpio" \
		-append "console=ttyS0 quiet loglevel=5 panic=-1 oops=panic nokaslr rdinit=/init ktstr.case=$c" \
		-no-reboot -display none -monitor none \
		-serial "file:$log/com1.log" -serial "file:$log/com2.log" || rc=$?
	t1=$(date +%s.%N)
	echo "capture-fixtures: $c: qemu exit $rc after $(echo "$t1 - $t0" | bc 2>/dev/null || echo '?') s" >&2
	case "$c" in
	error-bpf|error-dispatch) want1='sched_ext_dump:'; want2='EXIT: kind=SCX_EXIT_ERROR_BPF' ;;
	stall|stall-task) want1='sched_ext_dump:'; want2='EXIT: kind=SCX_EXIT_ERROR_STALL' ;;
	verifier) want1=; want2='BEGIN PROG LOAD LOG' ;;
	unreg) want1=; want2='EXIT: kind=SCX_EXIT_UNREG(64)' ;;
	oops) want1='sysrq'; want2= ;;
	esac
	ok=yes
	[ -z "$want1" ] || grep -q "$want1" "$log/com1.log" || { echo "capture-fixtures: $c: COM1 lacks '$want1'" >&2; ok=no; }
	[ -z "$want2" ] || grep -q "$want2" "$log/com2.log" || { echo "capture-fixtures: $c: COM2 lacks '$want2'" >&2; ok=no; }
	if [ $ok = no ]; then
		status=1
		echo "capture-fixtures: $c: logs kept in $out/$c.failed.com1/.com2" >&2
		cp "$log/com1.log" "$out/$c.failed.com1"
		cp "$log/com2.log" "$out/$c.failed.com2"
		continue
	fi
	case "$c" in
	verifier|unreg) cp "$log/com2.log" "$out/$c.com2" ;;
	oops) cp "$log/com1.log" "$out/$c.com1" ;;
	*) cp "$log/com1.log" "$out/$c.com1"; cp "$log/com2.log" "$out/$c.com2" ;;
	esac
	for f in "$out/$c".com*; do
		[ "$(wc -c <"$f")" -lt 204800 ] || echo "capture-fixtures: warning: $f is over 200 KB" >&2
	done
done
exit $status
