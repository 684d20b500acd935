#!/bin/sh
# Source locations from DWARF with the fake kernel: each function's line
# equals addr2line's for its address; the index is cached, reused, and
# rebuilt when stale or torn.
. ../lib.sh
B=${KTSTR_BIN:-../../build/bin}/ktstr-btfres
for t in jq addr2line nm; do
	command -v $t >/dev/null || skip "$t not installed"
done
fail=0
funcs="enqueue_task_scx select_task_rq_scx __scx_exit widget_poke"
for f in $funcs; do printf '{"name":"%s"}\n' $f; done >"$tmp/in"

run() { "$B" -v --vmlinux fake-vmlinux --dwarf fake-vmlinux --srcidx "$tmp/idx" "$tmp/in" 2>"$tmp/err"; }
run >"$tmp/out1" || { echo "first run failed"; cat "$tmp/err"; exit 1; }
grep -q "source index of fake-vmlinux built" "$tmp/err" || { echo "index not built"; fail=1; }
for f in $funcs; do
	addr=$(nm fake-vmlinux | awk -v f=$f '$3 == f { print $1 }')
	want=$(addr2line -e fake-vmlinux "$addr" | sed 's|^\(\./\)*||')
	got=$(jq -r --arg f $f 'select(.name == $f) | .source' "$tmp/out1")
	[ "$got" = "$want" ] || { echo "$f: $got, addr2line says $want"; fail=1; }
done

run >"$tmp/out2" || fail=1
grep -q "built" "$tmp/err" && { echo "second run parsed DWARF again"; fail=1; }
cmp -s "$tmp/out1" "$tmp/out2" || { echo "cached index gives other output"; fail=1; }

# A torn cache and one of another build are rebuilt.
head -c 100 "$tmp/idx" >"$tmp/idx.torn" && mv "$tmp/idx.torn" "$tmp/idx"
run >"$tmp/out3" && grep -q "built" "$tmp/err" || { echo "torn index not rebuilt"; fail=1; }
cmp -s "$tmp/out1" "$tmp/out3" || { echo "rebuilt index differs"; fail=1; }
sed -i '1s/ [0-9a-f]*$/ 0000/' "$tmp/idx"
run >"$tmp/out4" && grep -q "built" "$tmp/err" || { echo "stale index not rebuilt"; fail=1; }

# Without --dwarf there are no sources at all.
"$B" --vmlinux fake-vmlinux "$tmp/in" | jq -e 'select(.source)' >/dev/null && { echo "source without DWARF"; fail=1; }
exit $fail
