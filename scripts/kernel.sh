#!/bin/sh
# Fetch the guest kernel: the newest Debian cloud kernel on the mirror whose
# config has CONFIG_SCHED_CLASS_EXT=y, through a private apt configuration (its
# own sources, lists and cache; the system's apt setup is never touched).
#
#   kernel.sh [--debug] [--link DIR/kernel]
#
# Result: $KTSTR_CACHE/kernels/<release>/{bzImage,config,vmlinux,version}
# (--debug adds vmlinux-dbg, the DWARF vmlinux, and System.map) and a symlink
# (default build/kernel) pointing at it. Exit 3 when it cannot be had.
set -eu

die() { echo "ktstr kernel: $*" >&2; exit 3; }
say() { echo "ktstr kernel: $*" >&2; }

debug=no
link=build/kernel
while [ $# -gt 0 ]; do
	case "$1" in
	--debug) debug=yes ;;
	--link) [ $# -ge 2 ] || { echo "usage: kernel.sh [--debug] [--link PATH]" >&2; exit 2; }
		link=$2; shift ;;
	*) echo "usage: kernel.sh [--debug] [--link PATH]" >&2; exit 2 ;;
	esac
	shift
done

for t in apt-get apt-cache dpkg-deb zstd readelf; do
	command -v $t >/dev/null || die "$t not found (run 'make deps')"
done

# Private apt setup shared with schedulers.sh: sets cache, apt and "$@".
. "$(dirname "$0")/apt-private.sh"
mkdir -p "$cache/kernels" || die "cannot create $cache/kernels"

# Newest first.
candidates=$(apt-cache "$@" search --names-only '^linux-binary-unsigned-.*-cloud-amd64$' 2>/dev/null |
	sed -n 's/^linux-binary-unsigned-\(.*-cloud-amd64\) .*/\1/p' | sort -u | sort -r -V)
if [ -z "$candidates" ]; then
	cached=$(ls "$cache/kernels" 2>/dev/null | sort -r -V | while read -r r; do
		[ -f "$cache/kernels/$r/version" ] && echo "$r"; done | head -n1)
	[ -n "$cached" ] || die "no linux-binary-unsigned-*-cloud-amd64 package found and no cached kernel"
	candidates=$cached
fi

extract_vmlinux() { # bzImage out: the payload is a zstd-compressed ELF
	off=$(LC_ALL=C grep -obUaP '\x28\xb5\x2f\xfd' "$1" | head -n1 | cut -d: -f1)
	[ -n "$off" ] || return 1
	# Trailing bytes after the frame make zstd complain; the frame itself is whole.
	tail -c +$((off + 1)) "$1" | zstd -dcq 2>/dev/null >"$2" || true
	readelf -S "$2" 2>/dev/null | grep -q '\.BTF' || return 1
	# The BTF must be readable by the tools that will use it.
	if command -v bpftool >/dev/null; then
		bpftool btf dump file "$2" format raw 2>/dev/null | head -n1 | grep -q . || return 1
	fi
}

release=
for rel in $candidates; do
	dir=$cache/kernels/$rel
	if [ -f "$dir/version" ]; then release=$rel; break; fi
	if [ -f "$cache/kernels/.no-scx-$rel" ]; then continue; fi
	# The image is in linux-binary-unsigned-*, its config in linux-base-*.
	say "downloading linux-binary-unsigned-$rel and linux-base-$rel"
	tmp=$(mktemp -d "$cache/kernels/.tmp.XXXXXX")
	(cd "$tmp" && apt-get "$@" download "linux-binary-unsigned-$rel" "linux-base-$rel" >"$tmp/download.log" 2>&1) ||
		{ cat "$tmp/download.log" >&2; rm -rf "$tmp"; die "download of linux-binary-unsigned-$rel failed"; }
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$tmp/x" || { rm -rf "$tmp"; die "cannot unpack $deb"; }
	done
	# 7.x packages keep the image and config under usr/lib/modules/<release>/;
	# older ones under boot/.
	cfg=$(ls "$tmp"/x/usr/lib/modules/*/config "$tmp"/x/boot/config-* 2>/dev/null | head -n1)
	img=$(ls "$tmp"/x/usr/lib/modules/*/vmlinuz* "$tmp"/x/boot/vmlinuz-* 2>/dev/null | head -n1)
	if [ -z "$cfg" ] || [ -z "$img" ]; then rm -rf "$tmp"; die "kernel package has no config or vmlinuz"; fi
	if ! grep -qx 'CONFIG_SCHED_CLASS_EXT=y' "$cfg"; then
		say "$rel lacks CONFIG_SCHED_CLASS_EXT=y, trying an older one"
		: >"$cache/kernels/.no-scx-$rel"
		rm -rf "$tmp"
		continue
	fi
	mkdir "$tmp/k"
	cp "$img" "$tmp/k/bzImage" && cp "$cfg" "$tmp/k/config"
	extract_vmlinux "$tmp/k/bzImage" "$tmp/k/vmlinux" ||
		{ rm -rf "$tmp"; die "cannot extract an ELF vmlinux with .BTF from $rel's bzImage"; }
	echo "$rel" >"$tmp/k/version"
	rm -rf "$dir"
	mv "$tmp/k" "$dir"
	rm -rf "$tmp"
	release=$rel
	break
done
[ -n "$release" ] || die "no cloud kernel with CONFIG_SCHED_CLASS_EXT=y found"
dir=$cache/kernels/$release

if [ $debug = yes ] && { [ ! -f "$dir/vmlinux-dbg" ] || [ ! -f "$dir/System.map" ]; }; then
	say "downloading linux-image-$release-dbg (~350 MB)"
	tmp=$(mktemp -d "$cache/kernels/.tmp.XXXXXX")
	(cd "$tmp" && apt-get "$@" download "linux-image-$release-dbg" >"$tmp/download.log" 2>&1) ||
		{ cat "$tmp/download.log" >&2; rm -rf "$tmp"; die "download of linux-image-$release-dbg failed"; }
	deb=$(ls "$tmp"/linux-image-*.deb)
	# Only the vmlinux and System.map, streamed out of the data tarball.
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" \
		"./usr/lib/debug/lib/modules/$release/vmlinux" "./usr/lib/debug/lib/modules/$release/System.map" 2>/dev/null || true
	rm -f "$deb"
	[ -s "$tmp/usr/lib/debug/lib/modules/$release/vmlinux" ] || { rm -rf "$tmp"; die "no vmlinux in the -dbg package"; }
	# The real System.map (the one in linux-binary-unsigned is a placeholder).
	if [ -s "$tmp/usr/lib/debug/lib/modules/$release/System.map" ]; then
		mv "$tmp/usr/lib/debug/lib/modules/$release/System.map" "$dir/System.map"
	fi
	mv "$tmp/usr/lib/debug/lib/modules/$release/vmlinux" "$dir/vmlinux-dbg"
	rm -rf "$tmp"
fi

mkdir -p "$(dirname "$link")"
ln -sfn "$dir" "$link"
say "kernel $release at $dir"
