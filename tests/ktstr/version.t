#!/bin/sh
# One version everywhere: every tool says the VERSION file's (make deb's
# package version too, deb.t).
. ../lib.sh
out=$("$KTSTR_BIN/ktstr" --version) || exit 1
[ "$out" = "ktstr $(cat ../../VERSION)" ] || { echo "got '$out'"; exit 1; }
for t in "$KTSTR_BIN"/*; do
	out=$("$t" --version 2>&1)
	[ "$out" = "${t##*/} $(cat ../../VERSION)" ] || { echo "${t##*/} --version: '$out'"; exit 1; }
done
"$KTSTR_BIN/ktstr" --help | grep -q '^Usage: ktstr ' || exit 1
"$KTSTR_BIN/ktstr" >/dev/null 2>&1; [ $? = 2 ] || { echo "no scenario must exit 2"; exit 1; }
exit 0
