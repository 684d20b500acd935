#!/bin/sh
# No VM: the driver with a stand-in ktstr-boot that records its arguments.
# A kernel path with a space reaches ktstr-boot as one argument, a folder
# with a space in its name runs its scenarios, two scenarios with the same
# base name in different folders get their own run folders, and a kernel
# with a space in its name shows as one word in NAME/KERNEL.
. ../lib.sh
: "${KTSTR_BIN:?run through tests/run.sh (make check)}"
need jq
fail() { echo "FAIL: $1"; cat "$tmp/out" "$tmp/err" 2>/dev/null | head -40; exit 1; }

b=$tmp/bin
mkdir "$b" "$tmp/log"
cp "$KTSTR_BIN/ktstr" "$b/"
for t in ktstr-stackx ktstr-btfres ktstr-stitch ktstr-tail; do
	printf '#!/bin/sh\nexit 0\n' >"$b/$t"
	chmod +x "$b/$t"
done
# --check: the scenario's name; a run: its arguments, one a line, and a pass.
cat >"$b/ktstr-boot" <<'STUB'
#!/bin/sh
if [ "$1" = --check ]; then
	printf '{"name":"%s","cpus":1}\n' "$(sed -n 's/^name: //p' "$2")"
	exit 0
fi
n=$(ls "$KTSTR_T_LOG" | wc -l)
printf '%s\n' "$@" >"$KTSTR_T_LOG/boot.$n"
echo '{"test":"t","scheduler":"eevdf","topology":"1n1l1c1t","verdict":"pass","reason":"ok"}'
STUB
chmod +x "$b/ktstr-boot"
export KTSTR_T_LOG="$tmp/log"

mkdir -p "$tmp/one" "$tmp/two" "$tmp/with space" "$tmp/my kernel"
printf 'name: first\n' >"$tmp/one/x.yaml"
printf 'name: second\n' >"$tmp/two/x.yaml"
printf 'name: spaced\n' >"$tmp/with space/s.yaml"

"$b/ktstr" --kernel "$tmp/my kernel" -o "$tmp/runs" "$tmp/one/x.yaml" "$tmp/two/x.yaml" "$tmp/with space" \
	>"$tmp/out" 2>"$tmp/err" || fail "exit $?"
[ "$(tail -n 1 "$tmp/out")" = "3 passed, 0 failed" ] || fail "not three runs"
# Each run its own folder: the second x.yaml does not overwrite the first.
cmp -s "$tmp/runs/x/scenario.yaml" "$tmp/one/x.yaml" || fail "runs/x is not one/x.yaml's"
cmp -s "$tmp/runs/x-2/scenario.yaml" "$tmp/two/x.yaml" || fail "runs/x-2 is not two/x.yaml's"
cmp -s "$tmp/runs/s/scenario.yaml" "$tmp/with space/s.yaml" || fail "the folder with a space did not run"
# The kernel as one argument, right after --kernel, in every boot.
for f in "$tmp"/log/boot.*; do
	grep -qx -- "--kernel" "$f" || fail "no --kernel in $(basename "$f")"
	[ "$(sed -n '/^--kernel$/{n;p;}' "$f")" = "$tmp/my kernel" ] || fail "kernel split: $(tr '\n' ' ' <"$f")"
done
[ "$(ls "$tmp/log" | wc -l)" = 3 ] || fail "not three boots"

# ktstr test on two kernels: NAME/KERNEL, the label one word.
"$b/ktstr" list -E 'test(first)' --kernel "$tmp/my kernel" --kernel /k2 "$tmp/one" >"$tmp/out" 2>"$tmp/err" ||
	fail "list exit $?"
[ "$(cat "$tmp/out")" = "$(printf 'first/my_kernel\nfirst/k2')" ] || fail "names: $(cat "$tmp/out")"
rm -f "$tmp"/log/*
"$b/ktstr" test --kernel "$tmp/my kernel" --kernel /k2 -o "$tmp/truns" "$tmp/one" >"$tmp/out" 2>"$tmp/err" ||
	fail "test exit $?"
grep -Eqx 'PASS first/my_kernel [0-9.]+s' "$tmp/out" || fail "no PASS line of first/my_kernel"
[ -f "$tmp/truns/first/my_kernel/status" ] && [ -f "$tmp/truns/first/k2/status" ] || fail "run folders"
grep -qx "kernels='$tmp/my kernel" "$tmp/truns/run.conf" || fail "run.conf kernels: $(cat "$tmp/truns/run.conf")"
exit 0
