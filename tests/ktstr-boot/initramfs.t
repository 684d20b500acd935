#!/bin/sh
# The initramfs ktstr-boot builds, inspected with cpio(1). QEMU refuses the
# fake kernel at once (two quick attempts), so nothing really boots.
# (No "# vm:" line: QEMU refuses the fake kernel at once, nothing boots, so the
# sanitizer pass, TESTS=host, runs it too.)
. ./vmlib.sh
need_scx
command -v cpio >/dev/null || skip "cpio not installed"
head -c 65536 /dev/zero >"$out/bzImage"
boot --keep-initramfs --kernel "$out/bzImage" ../scenarios/demo_host_crash_auto_repro.yaml
want_rc 3
img=$out/initramfs.cpio
[ -s "$img" ] || fail "no initramfs kept"
cpio -it <"$img" >"$out/list" 2>/dev/null || fail "cpio cannot read the image"
for f in init dev/console ktstr/plan ktstr/sched/scx-ktstr bin/busybox bin/sh; do
	grep -qx "$f" "$out/list" || fail "$f missing from the image: $(tr '\n' ' ' <"$out/list")"
done
cpio -itv <"$img" 2>/dev/null | grep -q '^crw------- .* dev/console$' || fail "dev/console is not a character device"
# The image's /init is ktstr-init, byte for byte.
mkdir "$out/x" && (cd "$out/x" && cpio -id --quiet <"$img") || fail "cpio cannot extract the image"
cmp -s "$out/x/init" "$KTSTR_BIN/ktstr-init" || fail "/init is not ktstr-init"
[ -x "$out/x/init" ] || fail "/init is not executable"
# The plan says what the scenario says, resolved for the guest.
for l in 'name demo_host_crash_auto_repro' 'cpus 4' 'scheduler /ktstr/sched/scx-ktstr' \
	'scheduler_arg --timeout-ms' 'scheduler_arg 4000' 'attach_timeout_ms 30000' 'step 8000' 'cgroup demo_workers YieldHeavy 4 -' 'end'; do
	grep -qx -- "$l" "$out/x/ktstr/plan" || fail "plan lacks '$l': $(cat "$out/x/ktstr/plan")"
done
# attach_timeout is the guest's wait for the scheduler and for a probe agent.
{ cat ../scenarios/demo_host_crash_auto_repro.yaml; echo "attach_timeout: 90s"; } >"$out/slow.yaml"
rm -rf "$out/x" "$img"
boot --keep-initramfs --kernel "$out/bzImage" --agent "$KTSTR_BIN/scx-ktstr" "$out/slow.yaml"
mkdir "$out/x" && (cd "$out/x" && cpio -id --quiet ktstr/plan <"$img") || fail "cpio cannot extract the plan"
for l in 'attach_timeout_ms 90000' 'agent_ready_ms 90000'; do
	grep -qx -- "$l" "$out/x/ktstr/plan" || fail "plan lacks '$l': $(cat "$out/x/ktstr/plan")"
done
