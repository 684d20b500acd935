# Shared by the VM cases of tests/ktstr-boot: skip without a kernel or QEMU,
# run ktstr-boot into a fresh folder, check the JSON line with jq.
: "${KTSTR_BIN:?run through tests/run.sh (make check)}"
. ../lib.sh

fail() { echo "FAIL: $*" >&2; [ -n "${out:-}" ] && [ -f "$out/result.json" ] && cat "$out/result.json" >&2; exit 1; }

[ -e "$KTSTR_KERNEL_DIR/vmlinux" ] || [ -e "$KTSTR_KERNEL_DIR/bzImage" ] ||
	skip "no guest kernel in $KTSTR_KERNEL_DIR (make kernel)"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed (make deps)"
command -v jq >/dev/null || skip "jq not installed (make deps)"

out=$tmp

# boot SCENARIO: runs ktstr-boot; $rc, $json (the stdout line) and $out are set.
boot() {
	"$KTSTR_BIN/ktstr-boot" --out "$out" "$@" >"$out/stdout" 2>"$out/stderr"
	rc=$?
	json=$(cat "$out/stdout")
	[ "$(wc -l <"$out/stdout")" -eq 1 ] || fail "expected one JSON line on stdout, got: $json"
	printf '%s\n' "$json" | jq -e . >/dev/null || fail "stdout is not JSON: $json"
}

# want JQ-EXPRESSION: the JSON line must satisfy it.
want() {
	printf '%s\n' "$json" | jq -e "$1" >/dev/null || fail "JSON does not satisfy: $1"
}

# need_scx: skip unless the test scheduler is built.
need_scx() {
	[ -x "$KTSTR_BIN/scx-ktstr" ] || skip "scx-ktstr not built"
}

# want_rc N: ktstr-boot must have exited with status N.
want_rc() {
	[ "$rc" -eq "$1" ] || fail "exit status $rc, expected $1"
}

# boot_long DIR: ktstr-boot of fixtures/long_eevdf.yaml in the background into
# DIR (DIR.json, DIR.err beside it); returns once its workload runs, with
# $bpid (ktstr-boot) and $qpid (its QEMU) set, to be stopped mid-workload.
boot_long() {
	mkdir -p "$1"
	"$KTSTR_BIN/ktstr-boot" --out "$1" fixtures/long_eevdf.yaml >"$1.json" 2>"$1.err" &
	bpid=$!
	workload_qemu "$1" "$bpid"
}
# gone PID: within 1 s the process has exited (a zombie counts as gone).
gone() {
	i=0
	while [ -e "/proc/$1" ] && [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]; do
		i=$((i + 1))
		[ $i -le 50 ] || return 1
		sleep 0.02
	done
}
