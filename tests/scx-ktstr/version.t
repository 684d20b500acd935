#!/bin/sh
# --version prints "scx-ktstr VERSION" with the tree's VERSION.
. ../lib.sh
want="scx-ktstr $(cat ../../VERSION)"
got=$("$KTSTR_BIN/scx-ktstr" --version) || { echo "exit status $?" >&2; exit 1; }
[ "$got" = "$want" ] || { echo "got '$got', want '$want'" >&2; exit 1; }
