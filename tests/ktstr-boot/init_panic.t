#!/bin/sh
# vm: boots two VMs whose /init cannot run (~3 s each): the kernel panics
# before ktstr-init, ktstr-boot retries once, then reports an environment
# error with the console's tail, never a scheduler verdict.
. ./vmlib.sh
printf '#!/no/such/interpreter\n' >"$out/init"
chmod +x "$out/init"
KTSTR_INIT="$out/init" boot ../scenarios/eevdf_basic.yaml
want_rc 3
want '.verdict == "error" and .attempts == 2 and .reached_workload == false'
want '.vm_exit == "kernel panic" and (.reason | startswith("VM died before init twice"))'
want '.console_tail | map(select(contains("Requested init /init failed"))) | length > 0'
[ -s "$out/com1.try1.log" ] || fail "the first attempt's console was not kept"
