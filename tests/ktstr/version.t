#!/bin/sh
out=$("$KTSTR_BIN/ktstr" --version) || exit 1
[ "$out" = "ktstr $(cat ../../VERSION)" ] || { echo "got '$out'"; exit 1; }
"$KTSTR_BIN/ktstr" --help | grep -q '^Usage: ktstr ' || exit 1
"$KTSTR_BIN/ktstr" >/dev/null 2>&1; [ $? = 2 ] || { echo "no scenario must exit 2"; exit 1; }
exit 0
