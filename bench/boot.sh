#!/bin/sh
# bench/boot.sh: is ktstr-boot as fast as the run a user would write by hand?
#
# naive: the kernel's bzImage, a busybox /init that mounts, starts scx-ktstr,
#        polls /sys/kernel/sched_ext/state until "enabled" and powers off.
# ktstr: ktstr-boot of a scx-ktstr scenario with a zero hold (to sys_rdy,
#        through teardown and poweroff).
# Same kernel, accel, vCPUs (2) and memory; medians of RUNS (default 3) each,
# interleaved. Last line: "ratio: ktstr/naive (target <= 0.7)".
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
: "${KTSTR_BIN:=$top/build/bin}"
: "${KTSTR_KERNEL_DIR:=$top/build/kernel}"
RUNS=${RUNS:-3}
export KTSTR_KERNEL_DIR

for f in "$KTSTR_BIN/ktstr-boot" "$KTSTR_BIN/scx-ktstr" "$KTSTR_KERNEL_DIR/bzImage"; do
	[ -e "$f" ] || { echo "bench/boot.sh: $f missing (make; make kernel)" >&2; exit 3; }
done
busybox=$(command -v busybox) || { echo "bench/boot.sh: busybox missing (make deps)" >&2; exit 3; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-bench-boot.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM

# The naive image, built once with the cpio tool (outside the timing).
mkdir -p "$work/root/bin" "$work/root/dev" "$work/root/proc" "$work/root/sys"
cp "$busybox" "$work/root/bin/busybox"
cp "$KTSTR_BIN/scx-ktstr" "$work/root/scx-ktstr"
cat >"$work/root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/scx-ktstr >/dev/ttyS1 2>&1 &
while [ "$(/bin/busybox cat /sys/kernel/sched_ext/state)" != enabled ]; do /bin/busybox usleep 50000; done
echo "naive: sched_ext enabled"
/bin/busybox poweroff -f
INIT
chmod +x "$work/root/init"
(cd "$work/root" && find . | cpio -o -H newc --quiet) >"$work/naive.cpio"

cat >"$work/zero.yaml" <<'YAML'
name: bench_zero_hold
scheduler: scx-ktstr
topology: 1n1l2c1t
memory_mb: 512
steps:
  - hold: 0s
YAML

now() { date +%s.%N; }

naive() {
	t0=$(now)
	qemu-system-x86_64 -nodefaults -no-reboot -display none -monitor none -accel tcg,thread=multi \
		-m 512 -smp 2 -kernel "$KTSTR_KERNEL_DIR/bzImage" -initrd "$work/naive.cpio" \
		-append "console=ttyS0 quiet loglevel=5 panic=-1 oops=panic nokaslr rdinit=/init" \
		-serial "file:$work/naive.com1" -serial "file:$work/naive.com2" </dev/null >/dev/null 2>&1
	t1=$(now)
	grep -q 'naive: sched_ext enabled' "$work/naive.com1" || { echo "naive run did not enable sched_ext" >&2; exit 1; }
	awk "BEGIN { print $t1 - $t0 }"
}

ours() {
	t0=$(now)
	rc=0
	"$KTSTR_BIN/ktstr-boot" --accel tcg --out "$work/ours" "$work/zero.yaml" >"$work/ours.json" 2>/dev/null || rc=$?
	t1=$(now)
	[ $rc -eq 0 ] || { echo "ktstr-boot failed ($rc): $(cat "$work/ours.json")" >&2; exit 1; }
	awk "BEGIN { print $t1 - $t0 }"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: >"$work/n" && : >"$work/o"
i=0
while [ $i -lt "$RUNS" ]; do
	n=$(naive); o=$(ours)
	echo "run $((i + 1)): naive ${n}s, ktstr-boot ${o}s"
	echo "$n" >>"$work/n"; echo "$o" >>"$work/o"
	i=$((i + 1))
done
mn=$(median <"$work/n"); mo=$(median <"$work/o")
printf 'naive (bzImage, busybox /init, scx-ktstr to enabled, poweroff): median %.2fs\n' "$mn"
printf 'ktstr-boot (scx-ktstr, zero hold, sys_rdy, teardown, poweroff): median %.2fs\n' "$mo"
awk "BEGIN { printf \"ratio: %.2f (target <= 0.7)\\n\", $mo / $mn }"
