#!/bin/sh
# ktstr-btfres resolving 64 kernel functions (curated and discovered fields,
# enums, source locations from the cached DWARF index) against a bare
# btf__parse() of the same vmlinux, in the same run. Median of 7 runs each.
#   sh bench/btfres.sh      (make bench)
# Last line: ratio: X.XX (target <= 3)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
BIN=${KTSTR_BIN:-$top/build/bin}
K=${KTSTR_KERNEL_DIR:-$top/build/kernel}
V=$K/vmlinux
RUNS=7
[ -f "$V" ] || { echo "no $V: run make kernel" >&2; exit 3; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/btfres-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM

${CC:-cc} -O2 -o "$tmp/btf_parse" "$top/bench/btf_parse.c" -lbpf

# 64 functions of the sched_ext core and its callers, from the BTF itself.
bpftool btf dump file "$V" format raw |
	sed -n "s/^\[[0-9]*\] FUNC '\([a-z_]*scx[a-z_]*\)'.*/\1/p" | head -n 64 |
	sed 's/.*/{"name":"&","bpf":false,"source":"com1"}/' >"$tmp/in"
n=$(wc -l <"$tmp/in")
echo "functions: $n"
[ "$n" -eq 64 ] || { echo "expected 64 functions" >&2; exit 1; }

# Warm-up: builds the DWARF source index once, and the page cache.
"$BIN/ktstr-btfres" --kernel "$K" "$tmp/in" >"$tmp/out"
"$tmp/btf_parse" "$V" >/dev/null
echo "targets: $(tail -n +2 "$tmp/out" | grep -c '"kind":"kernel"') resolved," \
	"$(grep -c '"source":' "$tmp/out") with source"

ns() { date +%s%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
i=0
while [ $i -lt $RUNS ]; do
	t0=$(ns); "$tmp/btf_parse" "$V" >/dev/null; t1=$(ns)
	"$BIN/ktstr-btfres" --kernel "$K" "$tmp/in" >/dev/null; t2=$(ns)
	echo $((t1 - t0)) >>"$tmp/parse"
	echo $((t2 - t1)) >>"$tmp/btfres"
	i=$((i + 1))
done
p=$(median <"$tmp/parse")
r=$(median <"$tmp/btfres")
echo "btf__parse:   $((p / 1000000)) ms (median of $RUNS)"
echo "ktstr-btfres: $((r / 1000000)) ms (median of $RUNS)"
awk -v r="$r" -v p="$p" 'BEGIN { printf "ratio: %.2f (target <= 3)\n", r / p }'
