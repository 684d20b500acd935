#!/bin/sh
# No VM, no network: make deb builds the package of the installed tree. Its
# control file names the package's version (VERSION, what every tool says)
# and the dependencies of a set-up without building (QEMU 10 and libbpf 1.4
# from bookworm-backports, busybox-static, jq, what ktstr kernel fetch runs);
# it holds every tool, the driver's files, the scenarios, the completion and
# the man pages, owned by root, its md5sums right; the tools it holds run
# from where they are unpacked.
. ./installlib.sh
for t in dpkg-deb dpkg-shlibdeps md5sum; do
	command -v $t >/dev/null || { echo "$t not installed (make deps)" >&2; exit 77; }
done
fail() { echo "FAIL: $1"; cat "$tmp/out" "$tmp/err" 2>/dev/null | head -20; exit 1; }
version=$(cat "$top/VERSION")
mk deb DEBDIR="$tmp" >"$tmp/out" 2>"$tmp/err" || fail "make deb"
deb=$tmp/ktstr_${version}_amd64.deb
[ -s "$deb" ] || fail "no $deb"
[ "$(ls "$tmp" | grep -c '\.deb')" = 1 ] || fail "more than the package in $tmp: $(ls "$tmp")"

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = ktstr ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version), VERSION says $version"
[ "$(field Architecture)" = amd64 ] || fail "Architecture: $(field Architecture)"
[ -n "$(field Maintainer)" ] && [ -n "$(field Description)" ] || fail "no Maintainer or Description"
[ "$(field Installed-Size)" -gt 1000 ] || fail "Installed-Size: $(field Installed-Size)"
deps=$(field Depends)
for d in 'qemu-system-x86 (>= 1:10' 'libbpf1 (>= 1:1.4' busybox-static jq zstd binutils apt libjansson4 libyaml-0-2 libdw1 libelf1; do
	printf '%s\n' "$deps" | tr ',' '\n' | sed 's/^ *//' | grep -qF -- "$d" || fail "Depends lacks $d: $deps"
done
# Every dependency is a well-formed relation, none of them a build tool.
printf '%s\n' "$deps" | tr ',' '\n' | sed 's/^ *//' |
	grep -Evx '[a-z0-9][a-z0-9.+-]*( \((>=|=|>>) [0-9a-z.:+~-]+\))?' && fail "malformed Depends: $deps"
printf '%s\n' "$deps" | grep -Eq 'clang|gcc|-dev\b|cargo|dpkg-dev' && fail "a build tool in Depends: $deps"

dpkg-deb -c "$deb" >"$tmp/contents" || fail "dpkg-deb -c"
awk '$2 != "root/root"' "$tmp/contents" | grep . && fail "files not owned by root"
has() { grep -q " \./$1\$" "$tmp/contents" || fail "the package lacks /$1"; }
for t in "$KTSTR_BIN"/*; do has "usr/bin/${t##*/}"; done
for f in "$top"/tests/scenarios/*.yaml; do has "usr/share/ktstr/scenarios/${f##*/}"; done
for f in cache.sh kernel.sh apt-private.sh scx-ktstr.bpf.o; do has "usr/lib/ktstr/$f"; done
has usr/share/bash-completion/completions/ktstr
has usr/share/doc/ktstr/copyright
for m in "$top"/man/*.1; do has "usr/share/man/man1/${m##*/}.gz"; done
for m in "$top"/man/*.5; do has "usr/share/man/man5/${m##*/}.gz"; done
grep -Eq ' \./(build|tests|tmp|root|work)/' "$tmp/contents" && fail "build paths in the package"
grep -q 'schedulers/scx_simple_' "$tmp/contents" && fail "a test's injected-bug scheduler is packaged"

mkdir "$tmp/x"
dpkg-deb -x "$deb" "$tmp/x" && dpkg-deb -e "$deb" "$tmp/x/DEBIAN" || fail "unpack"
(cd "$tmp/x" && md5sum -c --quiet DEBIAN/md5sums) || fail "md5sums"
for t in "$tmp"/x/usr/bin/*; do
	n=${t##*/}
	[ "$("$t" --version 2>&1)" = "$n $version" ] || fail "$n --version: $("$t" --version 2>&1), not $version"
done
zcat "$tmp/x/usr/share/man/man1/ktstr.1.gz" | grep -q '^\.TH KTSTR 1' || fail "ktstr.1.gz"
# The packaged driver finds its own files (ktstr kernel) where it is.
env KTSTR_CACHE="$tmp/none" "$tmp/x/usr/bin/ktstr" kernel list >"$tmp/out" 2>"$tmp/err" || fail "packaged ktstr kernel list"
grep -q 'ktstr kernel fetch' "$tmp/err" || fail "packaged ktstr kernel list's message"
exit 0
