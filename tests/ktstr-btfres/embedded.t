#!/bin/sh
# A scheduler binary instead of its .bpf.o: the object its skeleton embeds
# (scx-ktstr here; a kernel-tree scheduler too when `make schedulers` ran)
# gives the same callbacks, sources and bridges. Hostile inputs: a binary
# with no object, and one whose embedded header claims more bytes than exist.
. ../lib.sh
top=$(cd ../.. && pwd)
K=${KTSTR_KERNEL_DIR:-$top/build/kernel}
BIN=${KTSTR_BIN:-$top/build/bin}
B=$BIN/ktstr-btfres
O=${KTSTR_BUILD:-$top/build}/bpf/scx-ktstr.bpf.o
[ -f "$K/vmlinux" ] || skip "no $K/vmlinux (make kernel)"
[ -f "$O" ] && [ -x "$BIN/scx-ktstr" ] || skip "scx-ktstr not built"
need jq
fail() { echo "FAIL: $*"; exit 1; }

pick='select(.kind == "bpf" or .bridge_for) | [.name, .source // "", .bridge_for // ""] | join(" ")'
"$B" --vmlinux "$K/vmlinux" --no-source -b "$O" -a /dev/null | jq -r "$pick" >"$tmp/obj" || fail "object run"
"$B" --vmlinux "$K/vmlinux" --no-source -b "$BIN/scx-ktstr" -a /dev/null >"$tmp/bin.json" || fail "binary run"
jq -r "$pick" "$tmp/bin.json" >"$tmp/bin"
[ "$(wc -l <"$tmp/obj")" -ge 5 ] || fail "too few callbacks from the object"
cmp -s "$tmp/obj" "$tmp/bin" || { diff "$tmp/obj" "$tmp/bin"; fail "binary and object differ"; }
jq -se '[.[] | select(.kind == "bpf") | .object | endswith("scx-ktstr[embedded]")] | all' "$tmp/bin.json" >/dev/null ||
	fail "object not named as embedded"
S=$K/schedulers/scx_simple
if [ -x "$S" ]; then
	"$B" --vmlinux "$K/vmlinux" --no-source -b "$S" -a /dev/null | jq -r "$pick" >"$tmp/simple" || fail "scx_simple run"
	grep -q '^simple_enqueue scx_simple\.bpf\.c:[0-9]' "$tmp/simple" || fail "no simple_enqueue from scx_simple's binary"
fi

# No object inside: one line naming the file, exit 2, nothing on stdout.
"$B" --vmlinux "$K/vmlinux" --no-source -b /bin/true /dev/null >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] || fail "no-object exit status"
[ ! -s "$tmp/out" ] || fail "output on a bad object"
grep -qx 'ktstr-btfres: /bin/true: no .BTF section and no BPF object embedded' "$tmp/err" || fail "message: $(cat "$tmp/err")"
# A forged header: ELF magic, EM_BPF, a section table past the end of the file.
{ head -c 100 /bin/true; printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\001\000\367\000\001\000\000\000'
  printf '\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\377\377\377\377\000\000\000\000'
  printf '\000\000\000\000\100\000\000\000\000\000\100\000\010\000\001\000'; } >"$tmp/forged"
"$B" --vmlinux "$K/vmlinux" --no-source -b "$tmp/forged" /dev/null >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] || fail "forged exit status"
grep -qx "ktstr-btfres: $tmp/forged: no valid BTF (neither ELF nor raw BTF)" "$tmp/err" || fail "forged message: $(cat "$tmp/err")"
exit 0
