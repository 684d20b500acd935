#!/bin/sh
# --version prints "ktstr-tail VERSION"; --help and the man page document every option.
. ../lib.sh
set -eu
T=${KTSTR_BIN:?}/ktstr-tail
[ "$("$T" --version)" = "ktstr-tail $(cat ../../VERSION)" ]
for o in --lines --collapse-cycles --section --only --except; do
	"$T" --help | grep -q -- "$o" || { echo "--help lacks $o"; exit 1; }
	grep -q -- "$(echo "$o" | sed 's/-/\\\\-/g')" ../../man/ktstr-tail.1 || { echo "man page lacks $o"; exit 1; }
done
