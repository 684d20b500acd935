#!/bin/sh
# vm: two short boots of bookworm's own 6.1 cloud kernel, which has no
# sched_ext (make kernel-61 caches it; KTSTR_KERNEL_61 names another): the
# wrong kernel is the environment's failure, not the scheduler's. ktstr-boot:
# verdict error, exit 3, "the guest kernel cannot run a sched_ext scheduler:
# kernel has no sched_ext ..."; the driver: the same reason, exit 3, no
# auto-repro. Skipped when no such kernel is at hand.
. ./vmlib.sh
need_scx
k=${KTSTR_KERNEL_61:-}
if [ -z "$k" ]; then
	for d in "${KTSTR_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/ktstr}"/test-kernels/6.1*; do
		[ -f "$d/version" ] && k=$d
	done
fi
[ -n "$k" ] && [ -e "$k/bzImage" ] || skip "no 6.1 kernel (make kernel-61, or KTSTR_KERNEL_61=DIR)"
! grep -qx 'CONFIG_SCHED_CLASS_EXT=y' "$k/config" 2>/dev/null || fail "$k has sched_ext: not a wrong kernel"
why='the guest kernel cannot run a sched_ext scheduler: kernel has no sched_ext'
boot --kernel "$k" ../scenarios/scx_ktstr_basic.yaml
want_rc 3
want ".verdict == \"error\" and .reached_workload == false and (.reason | startswith(\"$why\"))"
grep -q 'SCHEDULER_NOT_ATTACHED' "$out/com1.log" || fail "the console was not kept"
# The driver: an environment failure, no repro VM.
"$KTSTR_BIN/ktstr" test --kernel "$k" -o "$out/runs" -E 'test(scx_ktstr_basic)' >"$out/d.out" 2>"$out/d.err"
rc=$?
[ $rc -eq 3 ] || { sed -n 1,30p "$out/d.out" >&2; fail "ktstr: exit $rc, expected 3"; }
grep -Eq "^FAIL scx_ktstr_basic [0-9.]+s: $why" "$out/d.out" || { sed -n 1,30p "$out/d.out" >&2; fail "ktstr: no FAIL line"; }
! grep -q -- '--- auto-repro ---' "$out/d.out" || fail "ktstr: auto-repro ran on the wrong kernel"
exit 0
