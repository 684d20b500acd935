#!/bin/sh
# No VM: ktstr test -j 2 keeps the vCPUs in flight within the host's cores,
# seen through a QEMU stand-in (first on PATH) that logs when each VM starts
# and ends, then fails (ktstr-boot's two attempts each). Two tests of as
# many vCPUs as the host has cores run one after the other; with
# --oversubscribe, and with 1-vCPU tests when the host has two cores or more,
# side by side. The stand-in of a side-by-side run waits for the other VM
# (at most 30 s), so "side by side" does not hang on the host's speed.
. ./driverlib.sh
need_tools ktstr ktstr-boot
need jq awk
fail() { echo "FAIL: $1"; cat "$tmp/log" "$tmp/out" 2>/dev/null | head -40; exit 1; }
mkdir "$tmp/bin"
cat >"$tmp/bin/qemu-system-x86_64" <<'QEMU'
#!/bin/sh
echo "start $$" >>"$KT_LOG"
if [ -n "${KT_MEET:-}" ]; then
	i=0
	while [ "$(grep -c '^start ' "$KT_LOG")" -lt 2 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
else
	sleep 0.5
fi
echo "end $$" >>"$KT_LOG"
echo "qemu: simulated failure" >&2
exit 1
QEMU
chmod +x "$tmp/bin/qemu-system-x86_64"
cores=$(nproc)
# suite DIR VCPUS: two eevdf scenarios of VCPUS vCPUs.
suite() {
	mkdir -p "$1"
	for n in a b; do
		printf 'name: %s\nscheduler: eevdf\ntopology: 1n1l%sc1t\nmemory_mb: 256\n' "$n" "$2" >"$1/$n.yaml"
	done
}
# most_at_once [OPTION...]: runs the suite, prints the most VMs that were up at once.
most_at_once() {
	: >"$tmp/log"
	rm -rf "$tmp/runs"
	KT_LOG=$tmp/log PATH="$tmp/bin:$PATH" "$B/ktstr" test -j 2 --no-repro -o "$tmp/runs" "$@" >"$tmp/out" 2>&1
	rc=$?
	[ $rc -eq 3 ] || fail "exit $rc, expected 3 (QEMU failed)"
	[ "$(grep -c '^start ' "$tmp/log")" -eq 4 ] || fail "not two attempts for each of the two tests"
	awk '$1 == "start" { n++; if (n > m) m = n } $1 == "end" { n-- } END { print m }' "$tmp/log"
}
suite "$tmp/wide" "$cores"
[ "$(most_at_once "$tmp/wide")" = 1 ] || fail "two ${cores}-vCPU VMs ran at once on $cores cores"
[ "$(KT_MEET=1 most_at_once --oversubscribe "$tmp/wide")" = 2 ] || fail "--oversubscribe did not run them side by side"
if [ "$cores" -ge 2 ]; then
	suite "$tmp/narrow" 1
	[ "$(KT_MEET=1 most_at_once "$tmp/narrow")" = 2 ] || fail "two 1-vCPU VMs did not run side by side on $cores cores"
fi
exit 0
