#!/bin/sh
# A BPF object without a struct_ops map (ktstr's probes) is no scheduler:
# exit 2 and one line, on any kernel (the object is checked first).
. ../lib.sh
obj=$KTSTR_BUILD/bpf/probe.bpf.o
[ -f "$obj" ] || { echo "$obj missing" >&2; exit 1; }
t=$tmp
"$KTSTR_BIN/ktstr-bpf-loader" "$obj" >"$t/out" 2>"$t/err"
rc=$?
[ $rc = 2 ] || { echo "exit status $rc, want 2" >&2; cat "$t/err" >&2; exit 1; }
[ ! -s "$t/out" ] || { echo "unexpected stdout:" >&2; cat "$t/out" >&2; exit 1; }
grep -qx "ktstr-bpf-loader: $obj: no struct_ops map: not a sched_ext scheduler" "$t/err" ||
	{ echo "unexpected stderr:" >&2; cat "$t/err" >&2; exit 1; }
