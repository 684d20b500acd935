#!/bin/sh
# Two 'ktstr kernel fetch VERSION' at once on one empty cache, with
# stand-ins for apt-get and apt-cache first on PATH (no network: the
# "download" is a .deb made here of the guest kernel's bzImage and config,
# slow enough for the two to overlap). One downloads, the other waits and
# finds it cached: both print the same folder, which is whole (bzImage,
# config, vmlinux with BTF, version; nothing nested in it), with no
# temporary folder left in the cache.
. ../lib.sh
need dpkg-deb zstd readelf flock
k=$KTSTR_KERNEL_DIR
[ -s "$k/bzImage" ] && [ -s "$k/config" ] || skip "no kernel at $k (make kernel)"
grep -Eqh '^(URIs:|deb ) *https?://' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null ||
	skip "no Debian mirror in the apt sources (ktstr kernel fetch reads it)"
rel=9.9.9-1-cloud-amd64
mkdir -p "$tmp/deb/DEBIAN" "$tmp/deb/boot" "$tmp/bin"
printf 'Package: linux-binary-unsigned-%s\nVersion: 1\nArchitecture: amd64\nMaintainer: t <t@t>\nDescription: t\n' "$rel" \
	>"$tmp/deb/DEBIAN/control"
cp "$k/bzImage" "$tmp/deb/boot/vmlinuz-$rel"
cp "$k/config" "$tmp/deb/boot/config-$rel"
dpkg-deb -Znone -b "$tmp/deb" "$tmp/kernel.deb" >/dev/null || fail "cannot build the stand-in package"
cat >"$tmp/bin/apt-cache" <<SH
#!/bin/sh
echo "linux-binary-unsigned-$rel - stand-in"
SH
cat >"$tmp/bin/apt-get" <<SH
#!/bin/sh
case " \$* " in
*" download "*) echo "\$\$" >>"$tmp/downloads"; sleep 2; cp "$tmp/kernel.deb" . ;;
esac
exit 0
SH
chmod +x "$tmp/bin/apt-cache" "$tmp/bin/apt-get"
export KTSTR_CACHE="$tmp/cache" PATH="$tmp/bin:$PATH"
"$KTSTR_BIN/ktstr" kernel fetch "$rel" >"$tmp/a.out" 2>"$tmp/a.err" &
a=$!
"$KTSTR_BIN/ktstr" kernel fetch "$rel" >"$tmp/b.out" 2>"$tmp/b.err" &
b=$!
wait $a || fail "the first fetch failed: $(cat "$tmp/a.err")"
wait $b || fail "the second fetch failed: $(cat "$tmp/b.err")"
dir=$tmp/cache/kernels/$rel
[ "$(cat "$tmp/a.out")" = "$dir" ] && [ "$(cat "$tmp/b.out")" = "$dir" ] ||
	fail "printed $(cat "$tmp/a.out") and $(cat "$tmp/b.out"), expected $dir"
[ "$(wc -l <"$tmp/downloads")" -eq 1 ] || fail "downloaded $(wc -l <"$tmp/downloads") times, expected once"
cat "$tmp/a.err" "$tmp/b.err" | grep -q "waiting for another 'ktstr kernel fetch' on $tmp/cache" ||
	fail "neither fetch said it waited"
[ "$(cd "$dir" && ls | tr '\n' ' ')" = "bzImage config version vmlinux " ] || fail "the folder holds: $(ls "$dir")"
[ "$(cat "$dir/version")" = "$rel" ] || fail "version file: $(cat "$dir/version")"
cmp -s "$dir/bzImage" "$k/bzImage" || fail "bzImage differs"
readelf -S "$dir/vmlinux" | grep -q '\.BTF' || fail "vmlinux has no BTF"
[ -z "$(ls -A "$tmp/cache/kernels" | grep -v "^$rel\$")" ] || fail "left in the cache: $(ls -A "$tmp/cache/kernels")"
exit 0
