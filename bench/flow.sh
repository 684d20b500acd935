#!/bin/sh
# bench/flow.sh: what the host stages and the driver add on top of the VMs.
#
# The demo's whole `ktstr` run (primary VM, ktstr-stackx, ktstr-btfres, the
# repro VM of ktstr-probe, ktstr-stitch, ktstr-tail, the report) against the
# sum of its two VMs' own wall times in the same run (duration_s of the
# primary's and the repro's result.json). RUNS times; medians.
# Last line: "ratio: whole run / the two VMs (target <= 1.05)".
. "$(dirname "$0")/lib.sh"
need_bins ktstr
need_cmds jq

i=0
while [ "$i" -lt "$RUNS" ]; do
	i=$((i + 1))
	t0=$(now)
	"$B/ktstr" -o "$work/run$i" "$scn" >"$work/report$i" 2>&1 || [ $? = 1 ]
	t1=$(now)
	d=$work/run$i/demo_host_crash_auto_repro
	[ -f "$d/primary/result.json" ] && [ -f "$d/repro/result.json" ] ||
		{ echo "bench/flow.sh: run $i has no primary or repro result (see below)" >&2; tail -n 20 "$work/report$i" >&2; exit 1; }
	vms=$(jq -s 'map(.duration_s) | add' "$d/primary/result.json" "$d/repro/result.json")
	whole=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
	echo "run $i: whole ${whole}s, VMs ${vms}s (primary $(jq .duration_s "$d/primary/result.json")s, repro $(jq .duration_s "$d/repro/result.json")s)"
	echo "$whole" >>"$work/whole"
	echo "$vms" >>"$work/vms"
done
w=$(median <"$work/whole")
v=$(median <"$work/vms")
awk -v w="$w" -v v="$v" 'BEGIN { printf "host stages and driver: %.2f s on top of the VMs\nratio: %.2f (target <= 1.05)\n", w - v, w / v }'
