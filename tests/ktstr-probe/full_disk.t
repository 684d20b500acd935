#!/bin/sh
# vm: one repro boot whose run folder's disk fills up while it runs (a small
# tmpfs, as root, filled once the workload runs): the agent's stream cannot be
# saved. ktstr-boot says so (FILE: No space left on device: the agent's
# stream is lost) and exits 3; ktstr-probe reports that, not the run's
# verdict, exits 3 and writes no events; nothing lost silently.
. ./demolib.sh
[ "$(id -u)" = 0 ] || skip "mounting a small tmpfs needs root"
m=$tmp/m
mkdir "$m"
mount -t tmpfs -o size=64m ktstr-full "$m" 2>/dev/null || skip "cannot mount a tmpfs here"
trap 'umount "$m" 2>/dev/null; rm -rf "$tmp"' EXIT
demo_targets
vm=$m/vm
"$B/ktstr-probe" --targets "$tmp/targets.jsonl" --kernel "$kernel" --out "$vm" -o "$tmp/events.jsonl" \
	../scenarios/demo_host_crash_auto_repro.yaml 2>"$tmp/err" &
ppid_=$!
workload_qemu "$vm" "$ppid_"
# The agent prints its records at the end of the run: the disk is full by then.
cat /dev/zero >"$m/fill" 2>/dev/null
wait "$ppid_"
rc=$?
[ $rc -eq 3 ] || { cat "$tmp/err" >&2; fail "exit $rc, expected 3"; }
grep -qx "ktstr-boot: $vm/agent.out: No space left on device: the agent's stream is lost" "$tmp/err" ||
	fail "no line from ktstr-boot: $(cat "$tmp/err")"
grep -q "^ktstr-probe: the probe VM failed: its agent's stream could not be saved ($vm/agent.out: No space left on device); logs in $vm\$" \
	"$tmp/err" || fail "no line from ktstr-probe: $(cat "$tmp/err")"
[ ! -e "$tmp/events.jsonl" ] || fail "events written from a lost stream"
[ -z "$(ls "$vm" | grep '^agent\.out')" ] || fail "agent.out or its temporary left: $(ls "$vm")"
exit 0
