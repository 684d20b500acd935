#!/bin/sh
# --version prints "ktstr-bpf-loader VERSION" with the tree's VERSION.
. ../lib.sh
want="ktstr-bpf-loader $(cat ../../VERSION)"
got=$("$KTSTR_BIN/ktstr-bpf-loader" --version) || { echo "exit status $?" >&2; exit 1; }
[ "$got" = "$want" ] || { echo "got '$got', want '$want'" >&2; exit 1; }
