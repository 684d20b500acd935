# Shared by the VM cases of tests/ktstr-probe that rerun the demo's crash with
# its real targets: skip without the tools, kernel or object; then
# demo_targets writes the targets of that crash to $tmp/targets.jsonl.
. ../lib.sh
B=${KTSTR_BIN:?}
kernel=${KTSTR_KERNEL_DIR:-../../build/kernel}
obj=${KTSTR_BUILD:-../../build}/bpf/scx-ktstr.bpf.o
for t in ktstr-stackx ktstr-btfres ktstr-probe ktstr-probe-agent ktstr-boot scx-ktstr; do
	[ -x "$B/$t" ] || skip "$t not built"
done
[ -f "$kernel/vmlinux" ] || skip "no kernel at $kernel (make kernel)"
[ -f "$obj" ] || skip "no $obj"
need qemu-system-x86_64 jq

# The targets of the demo's crash fixtures (ktstr-stackx → ktstr-btfres with every callback).
demo_targets() {
	"$B/ktstr-stackx" --com2 ../ktstr-boot/fixtures/crash.com2.log --com1 ../ktstr-boot/fixtures/crash.com1.log \
		>"$tmp/stack.jsonl" || fail "ktstr-stackx"
	"$B/ktstr-btfres" --kernel "$kernel" --bpf-obj "$obj" --all-callbacks "$tmp/stack.jsonl" \
		>"$tmp/targets.jsonl" || fail "ktstr-btfres"
}
