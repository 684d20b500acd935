#!/bin/sh
# A malformed scenario: ktstr reports the file:line error, boots nothing, exits 2.
. ../lib.sh
d=$tmp
printf 'name: bad\ntopology: 1x1y\n' > "$d/bad.yaml"
out=$("$KTSTR_BIN/ktstr" -o "$d/runs" "$d/bad.yaml" 2>&1)
rc=$?
[ $rc = 2 ] || { echo "exit $rc, expected 2: $out"; exit 1; }
echo "$out" | grep -q "^ktstr_test 'bad' error:" || { echo "$out"; exit 1; }
echo "$out" | grep -q "bad.yaml:2:" || { echo "no file:line in: $out"; exit 1; }
echo "$out" | tail -n 1 | grep -qx '0 passed, 1 failed' || { echo "$out"; exit 1; }
[ ! -e "$d/runs/bad/primary/com1.log" ] || { echo "a VM was booted"; exit 1; }
exit 0
