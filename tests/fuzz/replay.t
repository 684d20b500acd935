#!/bin/sh
# The fuzz harnesses (make fuzz-build) over their seeds, their saved corpus
# and every past finding (tests/fuzz/crashers/NAME/): each input once, under
# ASan and UBSan. A finding that comes back fails here, in CI, long after the
# fuzzing run that found it.
. ../lib.sh
need clang-19
cd ../.. || fail "no source tree"
make -s fuzz-build >"$tmp/build" 2>&1 || { cat "$tmp/build" >&2; fail "make fuzz-build failed"; }
n=0
for bin in build-fuzz/bin/*; do
	name=$(basename "$bin")
	mkdir -p "$tmp/seeds/$name"
	# The seeds make fuzz starts from (tests/fuzz/fuzz.mk), as make lists them.
	for f in $(make -s --no-print-directory fuzz-seeds FUZZ="$name"); do cp "$f" "$tmp/seeds/$name/"; done
	dirs="$tmp/seeds/$name"
	for d in tests/fuzz/corpus/$name tests/fuzz/crashers/$name; do [ -d "$d" ] && dirs="$dirs $d"; done
	# shellcheck disable=SC2086 # folders without spaces
	"$bin" -runs=0 -artifact_prefix="$tmp/" $dirs >"$tmp/$name.log" 2>&1 ||
		{ tail -n 40 "$tmp/$name.log" >&2; fail "$name: an input fails (log above)"; }
	grep -q 'INITED\|Done' "$tmp/$name.log" || { cat "$tmp/$name.log" >&2; fail "$name: no input ran"; }
	n=$((n + 1))
done
[ "$n" -ge 8 ] || fail "only $n harnesses built"
