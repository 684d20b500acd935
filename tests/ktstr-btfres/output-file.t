#!/bin/sh
# -o writes the same records as stdout, and no file at all on bad input.
. ../lib.sh
B=${KTSTR_BIN:-../../build/bin}/ktstr-btfres
"$B" --vmlinux fake-vmlinux -o "$tmp/t.jsonl" curated-task-rq.in || { echo "-o failed"; exit 1; }
cmp -s "$tmp/t.jsonl" curated-task-rq.out || { echo "-o output differs from curated-task-rq.out"; exit 1; }
"$B" --vmlinux fake-vmlinux -o "$tmp/bad.jsonl" malformed-json.in 2>/dev/null
[ $? = 2 ] || { echo "malformed input: want exit 2"; exit 1; }
[ ! -e "$tmp/bad.jsonl" ] || { echo "a partial output file was left"; exit 1; }
[ -z "$(ls -A "$tmp" | grep -v '^t.jsonl$')" ] || { echo "temp files left: $(ls -A "$tmp")"; exit 1; }
