#!/bin/sh
# vm: two boots, each stopped mid-workload. SIGTERM to ktstr-boot: QEMU is
# gone within the second, the initramfs removed, the logs and a result
# (verdict error, vm_exit interrupted) kept, exit 143. SIGKILL to ktstr-boot:
# QEMU dies with it (no VM outlives its tool), within the second too.
. ./vmlib.sh

# start DIR: ktstr-boot in the background into DIR; $bpid, $qpid once the
# workload runs.
start() {
	mkdir -p "$1"
	"$KTSTR_BIN/ktstr-boot" --out "$1" fixtures/long_eevdf.yaml >"$1.json" 2>"$1.err" &
	bpid=$!
	i=0
	until grep -q "workload started" "$1/com1.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 1200 ] || { kill -9 "$bpid"; fail "the workload never started (see $1/com1.log)"; }
		kill -0 "$bpid" 2>/dev/null || { cat "$1.err" >&2; fail "ktstr-boot ended before the workload"; }
		sleep 0.1
	done
	qpid=$(pgrep -f "qemu-system.*$1/" | head -n 1)
	[ -n "$qpid" ] || fail "no QEMU found for $1"
}
# gone PID: within 1 s the process has exited (a zombie counts as gone).
gone() {
	i=0
	while [ -e "/proc/$1" ] && [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]; do
		i=$((i + 1))
		[ $i -le 50 ] || return 1
		sleep 0.02
	done
}

start "$out/term"
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

start "$out/kill"
kill -KILL "$bpid"
gone "$qpid" || { kill -9 "$qpid"; fail "QEMU still runs 1 s after ktstr-boot was killed"; }
wait "$bpid" 2>/dev/null
exit 0
