#!/bin/sh
# vm: two boots (~30 s each) of a guest that hangs: its /init (a stand-in
# for ktstr-init) prints one line on the console to show it runs, then
# sleeps forever: nothing on the channel, no power-off. The host's boot deadline (KTSTR_BOOT_TIMEOUT, 30 s here)
# stops it, ktstr-boot retries once, then reports an environment error
# (exit 3) that says it hung, never a scheduler verdict; both attempts'
# consoles are kept and no QEMU is left running.
. ./vmlib.sh
printf '#!/bin/sh\necho hung-init: sleeping\nexec sleep 1000000\n' >"$out/init"
chmod +x "$out/init"
KTSTR_BOOT_TIMEOUT=30 KTSTR_INIT="$out/init" boot ../scenarios/eevdf_basic.yaml
want_rc 3
want '.verdict == "error" and .attempts == 2 and .vm_exit == "timeout" and .reached_workload == false'
want '.reason == "VM died before init twice (timeout: no word from the guest in 30 s)"'
for f in com1.try1.log com1.log; do
	grep -q 'hung-init: sleeping' "$out/$f" || fail "$f: not kept, or the kernel never ran /init"
done
grep -q 'attempt 1: the VM died before ktstr-init ran (timeout); retrying' "$out/stderr" ||
	{ cat "$out/stderr" >&2; fail "no warning about the first attempt"; }
pgrep -f "qemu-system.*$out/" >/dev/null && fail "a QEMU of this test still runs"
# A deadline that is not a number is bad input, before anything boots.
KTSTR_BOOT_TIMEOUT=soon "$KTSTR_BIN/ktstr-boot" --out "$out/bad" ../scenarios/eevdf_basic.yaml >/dev/null 2>"$out/bad.err"
rc=$?
[ $rc -eq 2 ] || fail "KTSTR_BOOT_TIMEOUT=soon: exit $rc, expected 2"
grep -qx "ktstr-boot: KTSTR_BOOT_TIMEOUT: expected 1 to 3600 seconds, got 'soon'" "$out/bad.err" ||
	fail "KTSTR_BOOT_TIMEOUT=soon: $(cat "$out/bad.err")"
exit 0
