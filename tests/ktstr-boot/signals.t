#!/bin/sh
# vm: two boots, each stopped mid-workload. SIGTERM to ktstr-boot: QEMU is
# gone within the second, the initramfs removed, the logs and a result
# (verdict error, vm_exit interrupted) kept, exit 143. SIGKILL to ktstr-boot:
# QEMU dies with it (no VM outlives its tool), within the second too.
. ./vmlib.sh

boot_long "$out/term"
kill -TERM "$bpid"
gone "$qpid" || { kill -9 "$qpid"; fail "QEMU still runs 1 s after SIGTERM to ktstr-boot"; }
wait "$bpid"
rc=$?
[ "$rc" -eq 143 ] || fail "SIGTERM: exit status $rc, expected 143"
json=$(cat "$out/term.json")
want '.verdict == "error" and .vm_exit == "interrupted" and .reached_workload == true'
want '.reason == "interrupted by signal 15 (Terminated)"'
cmp -s "$out/term.json" "$out/term/result.json" || fail "result.json differs from the result line"
[ ! -e "$out/term/initramfs.cpio" ] || fail "the initramfs was left behind"
grep -q "workload started" "$out/term/com1.log" || fail "the console log was not kept"
grep -qx "ktstr-boot: interrupted by signal 15 (Terminated); logs in $out/term" "$out/term.err" ||
	{ cat "$out/term.err" >&2; fail "no one-line message for the interruption"; }

boot_long "$out/kill"
kill -KILL "$bpid"
gone "$qpid" || { kill -9 "$qpid"; fail "QEMU still runs 1 s after ktstr-boot was killed"; }
wait "$bpid" 2>/dev/null
exit 0
