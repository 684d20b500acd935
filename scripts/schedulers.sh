#!/bin/sh
# Build the Linux kernel's own example sched_ext schedulers (tools/sched_ext/:
# scx_simple, scx_qmap, ...) as static x86_64 binaries for a bare initramfs,
# from Debian's linux-source-<major.minor> package matching the guest kernel,
# fetched through ktstr's private apt configuration (tools/ktstr/apt-private.sh).
# Each tests/external/patches/<name>.patch also builds, applied to a copy of
# tools/sched_ext, as the injected-bug scheduler <name>.
#
#   schedulers.sh [--kernel-dir DIR]      (default build/kernel)
#
# Result in DIR/schedulers/: <name> (static binary), <name>.bpf.o (the linked
# BPF object, with BTF and line info) and STATUS, one line per scheduler:
# "<name> ok" or "<name> failed: <reason>" (logs in build/<name>/log). Also
# dyn/scx_simple, the same scheduler dynamically linked against the tree's
# libbpf as a shared library in dyn/lib/, found through its RUNPATH
# ($ORIGIN/lib) as in a developer's build tree, with dyn/STATUS (a subject for
# ktstr's copying of shared libraries into the guest, tests/external/dynamic.t).
# The extracted source stays in DIR/src/; a re-run with the same inputs is a
# no-op.
# Exit 0 when scx_simple built, 1 when it did not but others did, 3 when the
# source or the tools cannot be had or nothing builds, 2 on usage errors.
set -eu

die() { echo "ktstr schedulers: $*" >&2; exit 3; }
say() { echo "ktstr schedulers: $*" >&2; }
usage() { echo "usage: schedulers.sh [--kernel-dir DIR]" >&2; exit 2; }

kdir=build/kernel
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel-dir) [ $# -ge 2 ] || usage; kdir=$2; shift ;;
	*) usage ;;
	esac
	shift
done

here=$(cd "$(dirname "$0")" && pwd)
patches=$(cd "$here/.." && pwd)/tests/external/patches

[ -f "$kdir/version" ] && [ -f "$kdir/vmlinux" ] || die "no kernel (version, vmlinux) in $kdir (run 'make kernel')"
# The real folder, not build/kernel's link: the cache lives with the kernel.
kdir=$(cd "$kdir" && pwd -P)
release=$(cat "$kdir/version")
series=$(echo "$release" | sed -n 's/^\([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p')
[ -n "$series" ] || die "cannot read a kernel version from $kdir/version ('$release')"
pkg=linux-source-$series
src=$kdir/src
out=$kdir/schedulers

for t in clang-19 bpftool gcc make xz tar patch python3 readelf cksum; do
	command -v $t >/dev/null || die "$t not found (run 'make deps')"
done
# Static guest binaries need the archives, not just the shared libraries.
for a in libelf.a libz.a libzstd.a; do
	case $(gcc -print-file-name=$a) in /*) ;; *) die "$a not found (run 'make deps')" ;; esac
done

tmp=
trap 'if [ -n "$tmp" ]; then rm -rf "$tmp"; fi' EXIT
trap 'exit 130' INT TERM

# The part of the source tree the schedulers need: libbpf (bookworm's 1.4
# headers are too old for the 7.x scx headers) and what its build includes,
# the tools/ uapi headers, bpf_doc.py (generates bpf_helper_defs.h) and
# tools/sched_ext itself: ~5 MB of the 1.5 GB tree.
members="tools/sched_ext tools/lib/bpf tools/include tools/build tools/scripts
tools/arch/x86/include scripts/bpf_doc.py COPYING"

fetch_source() {
	command -v apt-get >/dev/null && command -v apt-cache >/dev/null && command -v dpkg-deb >/dev/null ||
		die "apt-get, apt-cache and dpkg-deb are needed to fetch $pkg"
	# Sets "$@" to the private apt options.
	. "$here/../tools/ktstr/cache.sh"
	. "$here/../tools/ktstr/apt-private.sh"
	# Prefer the upload the kernel came from (same Debian version as its
	# linux-binary-unsigned package), then the same upstream release.
	kver=$(apt-cache "$@" show "linux-binary-unsigned-$release" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
	vers=$(apt-cache "$@" show "$pkg" 2>/dev/null | sed -n 's/^Version: //p')
	[ -n "$vers" ] || die "$pkg not found on the mirror (trixie-backports, sid)"
	ver=
	for v in $vers; do
		if [ "$v" = "$kver" ]; then ver=$v; fi
	done
	if [ -z "$ver" ]; then
		for v in $vers; do
			if [ "${v%%-*}" = "${release%%[+-]*}" ]; then ver=$v; break; fi
		done
	fi
	if [ -z "$ver" ]; then
		ver=$(apt-cache "$@" policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: //p')
		[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "no installable version of $pkg"
		say "no $pkg for $release (${kver:-version unknown}); using $ver"
	fi
	say "downloading $pkg $ver"
	tmp=$(mktemp -d "$kdir/.src.XXXXXX")
	(cd "$tmp" && apt-get "$@" download "$pkg=$ver" >"$tmp/download.log" 2>&1) ||
		{ cat "$tmp/download.log" >&2; die "download of $pkg $ver failed"; }
	deb=$(ls "$tmp"/*.deb)
	# Stream the inner tarball out of the .deb; keep only $members.
	mkdir "$tmp/src"
	set -f
	# shellcheck disable=SC2086
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$pkg.tar.xz" | xz -dc |
		tar -x -C "$tmp/src" --strip-components=1 $(for m in $members; do echo "$pkg/$m"; done) ||
		die "cannot extract $pkg.tar.xz from $deb"
	set +f
	[ -f "$tmp/src/tools/sched_ext/Makefile" ] && [ -f "$tmp/src/tools/lib/bpf/Makefile" ] ||
		die "$deb has no tools/sched_ext or tools/lib/bpf"
	echo "$pkg $ver" >"$tmp/src/.source"
	rm -rf "$src"
	mv "$tmp/src" "$src"
	rm -rf "$tmp"
	tmp=
}

# .source is written last: its presence means the tree is whole.
[ -f "$src/.source" ] || fetch_source

# Everything a build depends on; when unchanged, the last result stands.
key=$( {
	cat "$src/.source" "$here/schedulers.sh"
	readelf -n "$kdir/vmlinux" 2>/dev/null | grep 'Build ID' || cksum <"$kdir/vmlinux"
	clang-19 --version | head -n1
	bpftool version | head -n1
	gcc --version | head -n1
	for p in "$patches"/*.patch; do [ -f "$p" ] && echo "$p" && cat "$p"; done
} | cksum)

summary() { # print STATUS on stderr, exit by scx_simple's fate
	sed 's/^/ktstr schedulers: /' "$out/STATUS" >&2
	grep -qx 'scx_simple ok' "$out/STATUS" && exit 0
	grep -q ' ok$' "$out/STATUS" && exit 1
	die "no scheduler built (see $out/build/*/log)"
}

if [ -f "$out/STATUS" ] && [ "$(cat "$out/.key" 2>/dev/null)" = "$key" ]; then
	say "up to date in $out ($(cat "$src/.source"))"
	summary
fi

say "building in $out from $(cat "$src/.source")"
# Everything of the last build but rust/ (scripts/rust-schedulers.sh's).
if [ -d "$out" ]; then find "$out" -mindepth 1 -maxdepth 1 ! -name rust -exec rm -rf {} +; fi
b=$out/build
mkdir -p "$b/libbpf" "$b/include"
jobs=$(nproc 2>/dev/null || echo 2)

# The tree's libbpf: the static archive, the headers, and the shared library
# for dyn/ (as a system without a new enough libbpf would build it).
make -s -C "$src/tools/lib/bpf" -j"$jobs" OUTPUT="$b/libbpf/" DESTDIR="$b" prefix= \
	"$b/libbpf/libbpf.a" "$b/libbpf/libbpf.so" install_headers >"$b/libbpf.log" 2>&1 ||
	die "the tree's tools/lib/bpf did not build: $(grep -m1 -i error "$b/libbpf.log" || tail -n1 "$b/libbpf.log")"
rm -rf "$b/libbpf/staticobjs" "$b/libbpf/sharedobjs"	# in libbpf.a and libbpf.so now
bpftool btf dump file "$kdir/vmlinux" format c >"$b/include/vmlinux.h" 2>"$b/vmlinux.log" ||
	die "bpftool cannot dump the BTF of $kdir/vmlinux: $(head -n1 "$b/vmlinux.log")"

# As tools/sched_ext/Makefile does: clang's own system include dirs last, so
# headers such as asm/types.h resolve under -target bpf.
sys_includes=$(clang-19 -v -E - </dev/null 2>&1 |
	sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')

build_one() { # name base dir: build dir/base{.bpf.c,.c} as scheduler name
	name=$1 base=$2 dir=$3 w=$b/$1
	mkdir -p "$w"
	# From the sources' folder, as the tree's Makefile compiles. Line info
	# keeps the absolute path of the copy built (src/ or the patched tree
	# under build/<name>/), so a source-line viewer can open the file.
	# shellcheck disable=SC2086
	if (
		cd "$dir"
		step=clang-19 && clang-19 -g -O2 -mcpu=v3 -target bpf -mlittle-endian -D__TARGET_ARCH_x86 \
			-Iinclude -Iinclude/bpf-compat -I"$b/include" -I"$src/tools/include/uapi" $sys_includes \
			-Wall -Wno-compare-distinct-pointer-types -Wno-microsoft-anon-tag -fms-extensions \
			-c "$base.bpf.c" -o "$w/$base.bpf.o" &&
		step="bpftool gen object" && bpftool gen object "$w/$base.linked.o" "$w/$base.bpf.o" &&
		step="bpftool gen skeleton" &&
		bpftool gen skeleton "$w/$base.linked.o" name "$base" >"$w/$base.bpf.skel.h" &&
		step=gcc && gcc -O2 -pthread -Wall -I"$w" -I"$b/include" -I"$src/tools/lib" -I"$src/tools/include" \
			-I"$src/tools/include/uapi" -Iinclude -c "$base.c" -o "$w/$base.o" &&
		step="gcc -static" && gcc -static -s -pthread -o "$w/$base" "$w/$base.o" "$b/libbpf/libbpf.a" \
			-l:libelf.a -l:libz.a -l:libzstd.a ||
		{ echo "ktstr-step: $step"; exit 1; }
	) >"$w/log" 2>&1; then
		mv "$w/$base" "$out/$name" && cp "$w/$base.linked.o" "$out/$name.bpf.o" && echo ok >"$w/result"
	else
		step=$(sed -n 's/^ktstr-step: //p' "$w/log")
		why=$(grep -m1 -E 'error|undefined reference|No such file' "$w/log" || grep -v '^ktstr-step: ' "$w/log" | tail -n1)
		echo "failed: $step: $(echo "$why" | tr -s ' \t' '  ' | cut -c1-200)" >"$w/result"
	fi
}

# A patch names the files it changes relative to the kernel source root;
# its scheduler is the first tools/sched_ext/<base>.bpf.c or .c it touches.
prepare_variant() { # name patch: echo the base scheduler, or fail with a reason in result
	name=$1 w=$b/$1
	mkdir -p "$w/tree/tools"
	base=$(sed -n 's|^+++ b/tools/sched_ext/\(scx_[A-Za-z0-9_]*\)\(\.bpf\)\{0,1\}\.c.*|\1|p' "$2" | head -n1)
	if [ -z "$base" ] || [ ! -f "$src/tools/sched_ext/$base.c" ]; then
		echo "failed: patch: $(basename "$2") changes no tools/sched_ext/scx_*.c" >"$w/result"
		return 1
	fi
	cp -R "$src/tools/sched_ext" "$w/tree/tools/"
	if ! patch -p1 -s -f --no-backup-if-mismatch -d "$w/tree" <"$2" >"$w/log" 2>&1; then
		echo "failed: patch: $(head -n1 "$w/log")" >"$w/result"
		return 1
	fi
	echo "$base"
}

names=
for c in "$src"/tools/sched_ext/scx_*.bpf.c; do
	n=$(basename "$c" .bpf.c)
	[ -f "$src/tools/sched_ext/$n.c" ] && names="$names $n"
done
variants=
for p in "$patches"/*.patch; do
	[ -f "$p" ] && variants="$variants $(basename "$p" .patch)"
done
[ -n "$names" ] || die "no tools/sched_ext/scx_*.bpf.c in $src"

# $jobs at a time; each build writes its own result file.
running=0
for n in $names $variants; do
	if [ -f "$patches/$n.patch" ]; then
		base=$(prepare_variant "$n" "$patches/$n.patch") || continue
		build_one "$n" "$base" "$b/$n/tree/tools/sched_ext" &
	else
		build_one "$n" "$n" "$src/tools/sched_ext" &
	fi
	running=$((running + 1))
	if [ $running -ge "$jobs" ]; then wait; running=0; fi
done
wait

for n in $names $variants; do
	echo "$n $(cat "$b/$n/result" 2>/dev/null || echo 'failed: no result')"
done >"$out/STATUS"

# dyn/scx_simple: the objects built above, linked against libbpf.so.1 in
# dyn/lib/ (RUNPATH $ORIGIN/lib) and the system's libelf, libz and libc.
mkdir -p "$out/dyn/lib"
if [ -f "$b/scx_simple/scx_simple.o" ] && [ -f "$b/libbpf/libbpf.so" ] &&
	cp -L "$b/libbpf/libbpf.so" "$out/dyn/lib/libbpf.so.1" &&
	# shellcheck disable=SC2016
	gcc -pthread -o "$out/dyn/scx_simple" "$b/scx_simple/scx_simple.o" "$out/dyn/lib/libbpf.so.1" \
		-lelf -lz -Wl,-rpath,'$ORIGIN/lib' >"$b/dyn.log" 2>&1; then
	echo "scx_simple ok"
else
	echo "scx_simple failed: $(grep -m1 -E 'error|undefined' "$b/dyn.log" 2>/dev/null || echo 'no scx_simple.o or libbpf.so')"
fi >"$out/dyn/STATUS"
# Nothing built may be the environment's fault: then the next run retries.
if grep -q ' ok$' "$out/STATUS"; then echo "$key" >"$out/.key"; fi
summary
