#!/bin/sh
# vm: one boot, the demo crash, on a kernel whose BTF has no sched_ext_exit
# tracepoint (the real bzImage beside a copy of its vmlinux with the
# tracepoint's BTF typedef renamed): the probes have nothing to wait for, so
# auto-repro is skipped before a repro VM boots and the report says why in
# one line; the primary's verdict stands (exit 1) and its files are kept.
. ./driverlib.sh
need_tools ktstr ktstr-boot ktstr-probe ktstr-probe-agent scx-ktstr
need jq python3
fail() { echo "FAIL: $1"; sed -n '1,80p' "$tmp/out" "$tmp/err" 2>/dev/null; exit 1; }
[ -f "$KTSTR_KERNEL_DIR/vmlinux" ] || skip "no vmlinux in $KTSTR_KERNEL_DIR"
k=$tmp/kernel
mkdir "$k"
for f in "$KTSTR_KERNEL_DIR"/*; do
	[ "${f##*/}" = vmlinux ] || ln -s "$f" "$k/"
done
python3 - "$KTSTR_KERNEL_DIR/vmlinux" "$k/vmlinux" <<'PY' || fail "cannot rename the tracepoint in a copy of vmlinux"
import sys
b = open(sys.argv[1], 'rb').read()
old, new = b'\0btf_trace_sched_ext_exit\0', b'\0btf_trace_sched_ext_exiX\0'
if b.count(old) != 1:
    sys.exit(1)
open(sys.argv[2], 'wb').write(b.replace(old, new))
PY
"$B/ktstr" test --run-ignored all --kernel "$k" -o "$tmp/runs" -E 'test(demo_host_crash_auto_repro)' \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] || fail "exit $rc, expected 1 (the primary's verdict)"
d=$tmp/runs/demo_host_crash_auto_repro
grep -Eqx 'FAIL demo_host_crash_auto_repro [0-9.]+s: scheduler process died unexpectedly during workload .*' "$tmp/out" ||
	fail "no FAIL line"
grep -qx 'auto-repro: skipped: trigger unavailable in this kernel (no tracepoint sched_ext_exit in its BTF)' "$d/report.txt" ||
	fail "no line saying why auto-repro was skipped"
[ ! -e "$d/repro/com1.log" ] || fail "a repro VM booted"
grep -q '^crash reproduction' "$d/report.txt" && fail "a reproduction status without a repro VM"
jq -e '.trigger_available == false' "$d/events.jsonl" >/dev/null || fail "events.jsonl does not say so"
[ -s "$d/primary/com1.log" ] && [ -s "$d/stack.jsonl" ] && [ -s "$d/targets.jsonl" ] || fail "the primary's files were not kept"
exit 0
