#!/bin/sh
# One exit-code contract for every tool (README, each man page's EXIT
# STATUS): 2 for bad usage and for an input the user named that is missing,
# unreadable (a folder) or malformed; 3 for the environment: no kernel, out
# of memory, output that cannot be written (a full disk). Each failure is
# one line on stderr that starts with the tool's name, and nothing on stdout.
. ../lib.sh
B=$KTSTR_BIN
need jq
[ -w /dev/full ] || skip "no /dev/full"
mkdir "$tmp/dir"
printf 'garbage: [unclosed\n' >"$tmp/bad.yaml"
printf '{"type":"hit",\n' >"$tmp/bad.jsonl"
printf '\377\376 not a log \000\n' >"$tmp/log"
S=../scenarios/eevdf_basic.yaml
T=../ktstr-stitch/targets.jsonl
E=../ktstr-stitch/crash.in
A=../ktstr-probe/fixtures/real-excerpt.agent.out
bad=0

# case WANT-EXIT TOOL ARGS...: exit status, one "TOOL: " line, empty stdout.
case_() {
	want=$1; shift
	tool=$1; shift
	"$B/$tool" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	why=
	[ "$rc" -eq "$want" ] || why="exit $rc, want $want"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || why="${why:+$why; }$(wc -l <"$tmp/err") lines on stderr"
	grep -q "^$tool: " "$tmp/err" || why="${why:+$why; }stderr does not start with '$tool: '"
	if [ -n "$why" ]; then
		echo "$tool $*: $why" >&2
		sed -n '1,3s/^/    /p' "$tmp/err" >&2
		bad=$((bad + 1))
	fi
}
# rc_ WANT-EXIT TOOL ARGS...: the exit status only.
rc_() {
	want=$1; shift
	tool=$1; shift
	"$B/$tool" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "$tool $*: exit $rc, want $want" >&2
		bad=$((bad + 1))
	fi
}
# full TOOL ARGS...: stdout on a full disk is 3 with one line.
full() {
	tool=$1; shift
	"$B/$tool" "$@" >/dev/full 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne 3 ] || [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q "^$tool: .*No space left on device" "$tmp/err"; then
		echo "$tool $* >/dev/full: exit $rc, want 3 with one 'No space left on device' line" >&2
		sed -n '1,3s/^/    /p' "$tmp/err" >&2
		bad=$((bad + 1))
	fi
}

# ktstr-boot: the scenario.
case_ 2 ktstr-boot --check "$tmp/missing.yaml"
case_ 2 ktstr-boot --check "$tmp/dir"
case_ 2 ktstr-boot --check "$tmp/bad.yaml"
case_ 3 ktstr-boot --kernel "$tmp/no-kernel" "$S"
full ktstr-boot --check "$S"
# ktstr-stackx: console logs.
case_ 2 ktstr-stackx "$tmp/missing.log"
case_ 2 ktstr-stackx "$tmp/dir"
full ktstr-stackx ../ktstr-stackx/console-exit.in
# ktstr-btfres: the function list.
case_ 2 ktstr-btfres --vmlinux "$KTSTR_KERNEL_DIR/vmlinux" --no-source "$tmp/missing.jsonl"
case_ 2 ktstr-btfres --vmlinux "$KTSTR_KERNEL_DIR/vmlinux" --no-source "$tmp/dir"
case_ 2 ktstr-btfres --vmlinux "$KTSTR_KERNEL_DIR/vmlinux" --no-source "$tmp/bad.jsonl"
case_ 3 ktstr-btfres --kernel "$tmp/no-kernel" ../ktstr-stackx/console-exit.out
[ -f "$KTSTR_KERNEL_DIR/vmlinux" ] &&
	full ktstr-btfres --vmlinux "$KTSTR_KERNEL_DIR/vmlinux" --no-source ../ktstr-stackx/console-exit.out
# ktstr-probe: the targets and the agent's stream.
case_ 2 ktstr-probe -t "$tmp/missing.jsonl" --agent-out "$A"
case_ 2 ktstr-probe -t "$tmp/dir" --agent-out "$A"
case_ 2 ktstr-probe -t "$tmp/bad.jsonl" --agent-out "$A"
case_ 2 ktstr-probe -t ../ktstr-probe/fixtures/real.targets.jsonl --agent-out "$tmp/missing.out"
case_ 3 ktstr-probe -t ../ktstr-probe/fixtures/real.targets.jsonl --kernel "$tmp/no-kernel" "$S"
full ktstr-probe -t ../ktstr-probe/fixtures/real.targets.jsonl --agent-out "$A"
# ktstr-stitch: targets and events.
case_ 2 ktstr-stitch -t "$T" "$tmp/missing.jsonl"
case_ 2 ktstr-stitch -t "$T" "$tmp/dir"
case_ 2 ktstr-stitch -t "$T" "$tmp/bad.jsonl"
case_ 2 ktstr-stitch -t "$tmp/missing.jsonl" "$E"
full ktstr-stitch -t "$T" "$E"
# ktstr-tail: a log (any bytes are a log).
case_ 2 ktstr-tail "$tmp/missing.log"
case_ 2 ktstr-tail "$tmp/dir"
full ktstr-tail "$tmp/log"
# ktstr, the driver: the scenario (its report of the test goes to stdout).
rc_ 2 ktstr "$tmp/missing.yaml"
rc_ 2 ktstr "$tmp/bad.yaml"
rc_ 3 ktstr --kernel "$tmp/no-kernel" "$S"

[ "$bad" -eq 0 ] || fail "$bad cases break the exit-code contract"
