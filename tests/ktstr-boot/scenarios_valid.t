#!/bin/sh
# Every scenario the driver runs (tests/scenarios/) is valid, and the demo
# the README runs has the shape the spec gives it.
. ../lib.sh
n=0
for f in ../scenarios/*.yaml; do
	"$KTSTR_BIN/ktstr-boot" --check "$f" >/dev/null || { echo "invalid: $f"; exit 1; }
	n=$((n + 1))
done
[ $n -ge 4 ] || { echo "only $n scenarios"; exit 1; }
need jq
"$KTSTR_BIN/ktstr-boot" --check ../scenarios/demo_host_crash_auto_repro.yaml | jq -e '
	.scheduler == "scx-ktstr" and .topology == "1n1l4c1t" and
	.steps == [{"cgroups": [{"name": "demo_workers", "work_type": "YieldHeavy", "workers": 4, "cpuset": null}], "hold_ms": 8000}] and
	.bpf_map_write.after_ms == 2000 and .bpf_map_write.map == ".bss" and .bpf_map_write.offset == 0' >/dev/null ||
	{ echo "demo scenario shape changed"; exit 1; }
