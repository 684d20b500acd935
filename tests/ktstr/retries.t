#!/bin/sh
# No VM: a QEMU that fails at once (a stand-in first on PATH) is an
# infrastructure failure: --retries 1 runs the test once more (its first
# attempt kept as primary.infra1/), never turns it into a verdict, and the
# run ends in exit 3 (environment), the test counted as failed.
. ./driverlib.sh
need_tools ktstr ktstr-boot
need jq
fail() { echo "FAIL: $1"; cat "$tmp/out" "$tmp/err" 2>/dev/null | head -40; exit 1; }
mkdir "$tmp/bin"
printf '#!/bin/sh\necho "qemu: simulated failure" >&2\nexit 1\n' >"$tmp/bin/qemu-system-x86_64"
chmod +x "$tmp/bin/qemu-system-x86_64"
PATH="$tmp/bin:$PATH" "$B/ktstr" test --retries 1 -o "$tmp/runs" -E 'test(eevdf_basic)' >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] || fail "exit $rc, expected 3"
grep -Eqx 'FAIL eevdf_basic [0-9.]+s: VM died before init twice \(qemu error\)' "$tmp/out" || fail "no FAIL line"
[ -d "$tmp/runs/eevdf_basic/primary.infra1" ] || fail "the first attempt was not kept"
[ "$(cat "$tmp/runs/eevdf_basic/retries")" = 1 ] || fail "not retried once"
[ "$(tail -n 1 "$tmp/out")" = "0 passed, 1 failed, 0 skipped" ] || fail "bad summary"
# Without --retries: once.
PATH="$tmp/bin:$PATH" "$B/ktstr" test -o "$tmp/runs2" -E 'test(eevdf_basic)' >"$tmp/out" 2>"$tmp/err"
[ ! -e "$tmp/runs2/eevdf_basic/primary.infra1" ] || fail "retried without --retries"
exit 0
