#!/bin/sh
# --version prints "ktstr-stitch VERSION"; --help documents every option.
. ../lib.sh
set -eu
S=${KTSTR_BIN:?}/ktstr-stitch
[ "$("$S" --version)" = "ktstr-stitch $(cat ../../VERSION)" ]
for o in --targets --format --history --nr-cpus --output; do
	"$S" --help | grep -q -- "$o" || { echo "--help lacks $o"; exit 1; }
	grep -q -- "$(echo "$o" | sed 's/-/\\\\-/g')" ../../man/ktstr-stitch.1 || { echo "man page lacks $o"; exit 1; }
done
