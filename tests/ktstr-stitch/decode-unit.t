#!/bin/sh
# The decoders of lib/decode.c, value by value, against the enum table of the
# real kernel (targets.jsonl line 1, from its BTF): built against libktstr.a.
. ../lib.sh
set -eu
top=$(cd ../.. && pwd)
build=${KTSTR_BUILD:-$top/build}
[ -f "$build/libktstr.a" ] || { echo "no $build/libktstr.a: run make first" >&2; exit 77; }
san=
case $build in *-san) san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" ;; esac
${CC:-cc} -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE $san \
	-I"$top/lib" -o "$tmp/decode_test" decode_test.c "$build/libktstr.a" -ljansson
"$tmp/decode_test" targets.jsonl
