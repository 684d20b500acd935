#!/bin/sh
# vm: one boot of the demo by ktstr-boot with the probe agent and a plan
# whose kernel line (lib/kfacts.h) has this kernel's BTF size but facts of
# another kernel: task_struct.comm at 8, bpf_rdonly_cast at BTF id 1, no
# tracing multi links. The agent must see they are not its kernel's once it
# has parsed its BTF, say so, and load again with its own: fails if the note
# is missing, if the trigger does not fire with the enqueue callback in
# flight, or if the comms the probes read are not the tasks' (read at the
# wrong offset they would be other bytes of task_struct).
. ../lib.sh
set -eu
B=${KTSTR_BIN:?}
kernel=${KTSTR_KERNEL_DIR:-../../build/kernel}
for t in ktstr-boot ktstr-probe-agent scx-ktstr; do
	[ -x "$B/$t" ] || skip "$t not built"
done
[ -f "$kernel/vmlinux" ] || skip "no kernel at $kernel (make kernel)"
need qemu-system-x86_64 jq readelf

size=$(readelf -S -W "$kernel/vmlinux" | awk '$2 == ".BTF" { print $6 }')
[ -n "$size" ] || fail "no .BTF section in $kernel/vmlinux"
size=$(printf '%d' "0x$size")
cat >"$tmp/plan" <<EOF
ktstr-probe-plan 1
kernel $size 8 1 1 1 1 -1 -1
target 0 bpf 2 1 0 ops.enqueue
target 1 kernel 3 0 -1 scx_bpf_error_bstr
EOF
"$B/ktstr-boot" --out "$tmp/vm" --kernel "$kernel" --agent "$B/ktstr-probe-agent" \
	--agent-arg=--plan=/ktstr/probe/plan --file "$tmp/plan:/ktstr/probe/plan" \
	-- ../scenarios/demo_host_crash_auto_repro.yaml >"$tmp/boot.json" 2>"$tmp/err" || [ $? = 1 ] ||
	{ cat "$tmp/err" >&2; fail "ktstr-boot exit $?"; }
out=$tmp/vm/agent.out
[ -s "$out" ] || fail "no agent stream: $(tail -5 "$tmp/err")"
# The stream's JSON lines (it has the plain ready line too).
ev() { jq -R -r "fromjson? | $1" "$out"; }
[ -n "$(ev 'select(.ev == "note") | select(.msg | test("kernel facts are not this kernel")) | .msg')" ] ||
	fail "no note of the wrong kernel facts: $(ev 'select(.ev == "note") | .msg')"
trig=$(ev 'select(.ev == "trigger") | tojson' | head -n 1)
[ "$(echo "$trig" | jq -r .inflight)" = 0 ] || fail "the enqueue callback not in flight at the trigger: $trig"
# The comms of the enqueue callback's records: the tasks' names, among them the workers' (init's children).
comms=$(ev 'select(.ev == "entry" and .i == 0) | .comm' | sort -u)
[ -n "$comms" ] || fail "no record of the enqueue callback"
echo "$comms" | grep -qx init || fail "no record with comm init: $(echo "$comms" | head -5 | tr '\n' ' ')"
exit 0
