#!/bin/sh
# --version prints "ktstr-stackx VERSION"; --help prints the usage on stdout.
. ../lib.sh
set -eu
want="ktstr-stackx $(cat ../../VERSION)"
got=$(ktstr-stackx --version)
[ "$got" = "$want" ] || { echo "--version: '$got', want '$want'"; exit 1; }
ktstr-stackx --help | grep -q '^Usage: ktstr-stackx \[--com2 FILE\] \[--com1 FILE\] \[FILE\.\.\.\]$'
ktstr-stackx -h >/dev/null
