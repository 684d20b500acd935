#!/bin/sh
# vm: boots one VM: scx_central, whose __kconfig externs need the kernel
# config in the guest (/boot/config-$(uname -r)), attaches and passes.
. ./extlib.sh
need_sched scx_central
boot scenarios/central_mixed.yaml
want_rc 0
want '.verdict == "pass" and .reason == "workload completed"'
grep -q 'failed to open system Kconfig' "$out/com2.log" && fail "libbpf found no kernel config"
exit 0
