#!/bin/sh
# make kernel: the linked folder holds a sched_ext kernel with readable BTF.
. ../lib.sh
k=$KTSTR_KERNEL_DIR
[ -d "$k" ] || { echo "no kernel at $k: run 'make kernel'" >&2; exit 77; }
for f in bzImage config vmlinux version; do
	[ -s "$k/$f" ] || { echo "missing $k/$f"; exit 1; }
done
grep -qx 'CONFIG_SCHED_CLASS_EXT=y' "$k/config" || { echo "config lacks CONFIG_SCHED_CLASS_EXT=y"; exit 1; }
file -L "$k/vmlinux" | grep -q 'ELF 64-bit' || { echo "vmlinux is not an ELF"; exit 1; }
n=$(bpftool btf dump file "$k/vmlinux" format raw | grep -c "^\[[0-9]*\] STRUCT 'sched_ext_ops'")
[ "$n" = 1 ] || { echo "BTF of vmlinux lacks struct sched_ext_ops"; exit 1; }
bpftool btf dump file "$k/vmlinux" format raw | grep -q "FUNC 'enqueue_task_scx'" ||
	{ echo "BTF of vmlinux lacks enqueue_task_scx"; exit 1; }
exit 0
