#!/bin/sh
# Output files on a full disk (a small tmpfs, as root): the events of
# ktstr-probe when the disk fills up while they are written (32 KiB free for
# 400 KiB of events), then ktstr-stitch's chain and ktstr-btfres's targets on
# a disk with no room at all. Each tool: exit 3, one line naming the file and
# "No space left on device", and no file left, neither the output nor its
# temporary (whole or not at all). stdout on /dev/full is exit-contract.t's.
. ../lib.sh
B=$KTSTR_BIN
need jq
[ "$(id -u)" = 0 ] || skip "mounting a small tmpfs needs root"
m=$tmp/m
mkdir "$m"
mount -t tmpfs -o size=1m ktstr-full "$m" 2>/dev/null || skip "cannot mount a tmpfs here"
trap 'umount "$m" 2>/dev/null; rm -rf "$tmp"' EXIT
bad=0
# enospc FILE TOOL ARGS...: the tool writes FILE (its -o) on the full disk.
enospc() {
	f=$1; shift
	tool=$1; shift
	"$B/$tool" "$@" -o "$f" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	why=
	[ $rc -eq 3 ] || why="exit $rc, want 3"
	[ "$(cat "$tmp/err")" = "$tool: $f: No space left on device" ] || why="${why:+$why; }stderr: $(head -n 3 "$tmp/err")"
	left=$(cd "$m" && ls | grep -v '^fill$')
	[ -z "$left" ] || why="${why:+$why; }left behind: $left"
	[ -s "$tmp/out" ] && why="${why:+$why; }stdout not empty"
	if [ -n "$why" ]; then
		echo "$tool on a full disk: $why" >&2
		bad=$((bad + 1))
	fi
}
head -c $((1024 * 1024 - 32 * 1024)) /dev/zero >"$m/fill" || fail "cannot fill $m"
P=../ktstr-probe/fixtures
enospc "$m/events.jsonl" ktstr-probe -t $P/real.targets.jsonl --agent-out $P/real-excerpt.agent.out
cat /dev/zero >>"$m/fill" 2>/dev/null
[ "$(df -k "$m" | awk 'NR == 2 { print $4 }')" = 0 ] || fail "$m is not full"
enospc "$m/chain.txt" ktstr-stitch -t $P/real.targets.jsonl $P/real.events.jsonl
enospc "$m/trace.json" ktstr-stitch -t $P/real.targets.jsonl --format perfetto $P/real.events.jsonl
[ -f "$KTSTR_KERNEL_DIR/vmlinux" ] &&
	enospc "$m/targets.jsonl" ktstr-btfres --vmlinux "$KTSTR_KERNEL_DIR/vmlinux" --no-source ../ktstr-stackx/console-exit.out
[ "$bad" -eq 0 ] || fail "$bad tools broke the full-disk contract"
exit 0
