#!/bin/sh
# A million lines: a 7-line loop repeated 142855 times collapses to one
# marker between the first and last iterations; a million distinct lines and
# a million identical ones go through the collapse too (linear passes).
. ../lib.sh
set -eu
T=${KTSTR_BIN:?}/ktstr-tail
awk 'BEGIN { print "header"; for (i = 0; i < 142855; i++) for (j = 0; j < 7; j++) print "loop line " j; print "tail" }' >"$tmp/loop"
"$T" -c -n 0 "$tmp/loop" >"$tmp/out"
awk 'BEGIN { print "header"; for (j = 0; j < 7; j++) print "loop line " j
	print "--- 142853 identical iterations omitted ---"
	for (j = 0; j < 7; j++) print "loop line " j; print "tail" }' >"$tmp/want"
diff -u "$tmp/want" "$tmp/out"
awk 'BEGIN { for (i = 0; i < 1000000; i++) print "distinct " i }' >"$tmp/distinct"
[ "$("$T" -c -n 2 "$tmp/distinct")" = "$(printf 'distinct 999998\ndistinct 999999')" ]
awk 'BEGIN { for (i = 0; i < 1000000; i++) print "same" }' >"$tmp/same"
[ "$("$T" -c "$tmp/same")" = "$(printf 'same\n--- 999998 identical iterations omitted ---\nsame')" ]
