#!/bin/sh
# The vmlinux of a bzImage whatever its codec: fake bzImages around the fake
# vmlinux, compressed as the kernel's build does (lz4 -l as bookworm's 6.1,
# gzip, zstd as 7.x; each with the decoded size appended), with a zstd magic
# as a decoy in the setup sectors: the payload is where the setup header
# says, never found by searching for a magic (bookworm's 6.1 failed with
# "zstd: Data corruption detected"). An xz payload is refused by name.
. ../lib.sh
need python3 lz4 gzip zstd xz
echo '{"name":"enqueue_task_scx"}' >"$tmp/in"
"$KTSTR_BIN/ktstr-btfres" --vmlinux fake-vmlinux --no-source "$tmp/in" | tail -n +2 >"$tmp/want"

# mkbz PAYLOAD OUT: a bzImage of one setup sector and PAYLOAD.
mkbz() {
	python3 - "$1" "$2" fake-vmlinux <<'PY'
import os, struct, sys
payload = open(sys.argv[1], 'rb').read() + struct.pack('<I', os.path.getsize(sys.argv[3]))
setup = bytearray(2 * 512)
setup[0x1f1] = 1
setup[0x202:0x206] = b'HdrS'
offset = 64
struct.pack_into('<II', setup, 0x248, offset, len(payload))
setup[0x300:0x304] = bytes([0x28, 0xb5, 0x2f, 0xfd])   # a decoy zstd magic
open(sys.argv[2], 'wb').write(bytes(setup) + b'\0' * offset + payload)
PY
}

for codec in lz4 gzip zstd; do
	case $codec in
	lz4) lz4 -q -l -c fake-vmlinux >"$tmp/p.$codec" ;;
	gzip) gzip -9 -c fake-vmlinux >"$tmp/p.$codec" ;;
	zstd) zstd -q -19 -c fake-vmlinux >"$tmp/p.$codec" ;;
	esac
	mkdir "$tmp/$codec"
	mkbz "$tmp/p.$codec" "$tmp/$codec/bzImage" || fail "cannot make the $codec bzImage"
	"$KTSTR_BIN/ktstr-btfres" --kernel "$tmp/$codec" --no-source "$tmp/in" >"$tmp/out" 2>"$tmp/err" ||
		{ cat "$tmp/err" >&2; fail "$codec: ktstr-btfres failed"; }
	cmp -s "$tmp/$codec/vmlinux" fake-vmlinux || fail "$codec: the extracted vmlinux differs"
	tail -n +2 "$tmp/out" | cmp -s - "$tmp/want" || fail "$codec: the output differs from the vmlinux's"
done

xz -c fake-vmlinux >"$tmp/p.xz"
mkdir "$tmp/xz"
mkbz "$tmp/p.xz" "$tmp/xz/bzImage"
"$KTSTR_BIN/ktstr-btfres" --kernel "$tmp/xz" --no-source "$tmp/in" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] || fail "xz: exit $rc, want 3"
grep -q 'a xz-compressed kernel: only zstd, lz4 and gzip can be read' "$tmp/err" || { cat "$tmp/err" >&2; fail "xz: no clear message"; }
[ ! -e "$tmp/xz/vmlinux" ] || fail "xz: a partial vmlinux was left"
