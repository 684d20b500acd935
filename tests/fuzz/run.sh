#!/bin/sh
# make fuzz: runs each harness of tests/fuzz for $FUZZ_SECONDS, from its
# seeds (the tests' fixtures), its saved corpus (tests/fuzz/corpus/NAME) and
# what earlier runs here found (build-fuzz/corpus/NAME). Arguments:
# NAME:LIBFUZZER-OPTIONS:SEED-FILE... (one word each; options and seeds
# separated by spaces, options may be empty).
# Ends with one line a harness: executions, coverage, findings; exit 1 when
# any harness found something (build-fuzz/crashes/NAME/).
set -u
B=${FUZZ_BUILD:-build-fuzz}
S=${FUZZ_SECONDS:-60}
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM
found=0 summary=
for arg in "$@"; do
	name=${arg%%:*} rest=${arg#*:}
	opts=${rest%%:*} seeds=${rest#*:}
	mkdir -p "$B/corpus/$name" "$B/seeds/$name" "$B/crashes/$name"
	for f in $seeds; do cp "$f" "$B/seeds/$name/" 2>/dev/null; done
	dirs="$B/corpus/$name $B/seeds/$name"
	[ -d "tests/fuzz/corpus/$name" ] && dirs="$dirs tests/fuzz/corpus/$name"
	echo "== $name: $S s" >&2
	# shellcheck disable=SC2086 # $dirs, $opts: words without spaces, made above
	"$B/bin/$name" $opts -max_total_time="$S" -print_final_stats=1 -timeout=10 -rss_limit_mb=4096 \
		-artifact_prefix="$B/crashes/$name/" $dirs >"$B/$name.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$B/$name.log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$B/$name.log" | tail -n 1)
	n=$(find "$B/crashes/$name" -type f | wc -l)
	[ "$rc" -eq 0 ] && [ "$n" -eq 0 ] || found=1
	summary="$summary$name: ${execs:-?} executions, ${cov:-no coverage line}, $n finding(s), exit $rc
"
done
printf '%s' "$summary"
exit $found
