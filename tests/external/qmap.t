#!/bin/sh
# vm: boots one VM: scx_qmap as the 7.3 sources build with clang-19. Measured
# here: the verifier rejects qmap_dequeue. Whatever it does, the verdict must
# say so exactly: a pass, or "did not attach" with the verifier's summary.
. ./extlib.sh
need_sched scx_qmap
boot scenarios/qmap.yaml
if [ "$rc" -eq 0 ]; then
	want '.verdict == "pass"'
	exit 0
fi
want_rc 1
want '.verdict == "fail" and .reached_workload == false and .sched_ext_exit == null'
want '.reason | test("^scheduler did not attach: verifier rejected qmap_[a-z_]+ \\(scx_qmap\\.bpf\\.c:[0-9]+")'
want '.load_error | startswith("verifier rejected qmap_")'
