#!/bin/sh
# vm: two boots: ktstr list --make writes a Makefile with one target per test;
# make -j2 runs both through it, each into its own run folder.
. ./driverlib.sh
need_tools ktstr ktstr-boot scx-ktstr
need make
fail() { echo "FAIL: $1"; cat "$tmp/Makefile" "$tmp/out" 2>/dev/null; exit 1; }
"$B/ktstr" list --make -E 'test(eevdf_basic)' -E 'test(scx_ktstr_expect_err)' >"$tmp/Makefile" || fail "list --make"
grep -qx 'all: eevdf_basic scx_ktstr_expect_err' "$tmp/Makefile" || fail "no all target"
grep -q '^eevdf_basic:$' "$tmp/Makefile" && grep -q '^scx_ktstr_expect_err:$' "$tmp/Makefile" || fail "targets"
make -s -C "$tmp" -j2 OUT="$tmp/runs" >"$tmp/out" 2>&1 || fail "make -j2"
grep -Eqx 'PASS eevdf_basic [0-9.]+s' "$tmp/out" || fail "eevdf_basic did not pass"
grep -Eqx 'PASS scx_ktstr_expect_err [0-9.]+s' "$tmp/out" || fail "scx_ktstr_expect_err did not pass"
[ -s "$tmp/runs/eevdf_basic/eevdf_basic/result.json" ] || fail "no run folder of eevdf_basic"
exit 0
