#!/bin/sh
# make kernel-61: bookworm's own cloud kernel (6.1, no sched_ext) for the
# tests of the wrong kernel (tests/ktstr-boot/wrong_kernel.t), fetched with
# the system's apt (a Debian 12 host) into $cache/test-kernels/<release>/
# {bzImage,config,version}. Never a kernel of the cache proper: no tool
# picks it unless told (--kernel, KTSTR_KERNEL_61). ~27 MB download, once.
set -eu
die() { echo "ktstr kernel-61: $*" >&2; exit 3; }
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tools/ktstr/cache.sh"
for t in apt-get apt-cache dpkg-deb; do
	command -v "$t" >/dev/null || die "$t not found (a Debian 12 host has it)"
done
# The versioned package the metapackage points to, e.g. linux-image-6.1.0-57-cloud-amd64.
pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-6\.1[^ ]*-cloud-amd64\)$/\1/p' | head -n 1)
[ -n "$pkg" ] || die "no linux-image-6.1*-cloud-amd64 in the system's apt lists (bookworm's; apt-get update?)"
rel=${pkg#linux-image-}
dir=$cache/test-kernels/$rel
if [ -f "$dir/version" ]; then
	echo "$dir"
	exit 0
fi
mkdir -p "$cache/test-kernels" || die "cannot create $cache/test-kernels"
tmp=$(mktemp -d "$cache/test-kernels/.tmp.XXXXXX") || die "cannot create a temporary folder"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
echo "ktstr kernel-61: downloading $pkg" >&2
(cd "$tmp" && apt-get -q download "$pkg" >"$tmp/download.log" 2>&1) ||
	{ cat "$tmp/download.log" >&2; die "download of $pkg failed"; }
dpkg-deb -x "$tmp"/*.deb "$tmp/x" || die "cannot unpack $pkg"
mkdir "$tmp/k"
cp "$tmp/x/boot/vmlinuz-$rel" "$tmp/k/bzImage" && cp "$tmp/x/boot/config-$rel" "$tmp/k/config" ||
	die "$pkg has no /boot/vmlinuz-$rel or config"
! grep -qx 'CONFIG_SCHED_CLASS_EXT=y' "$tmp/k/config" || die "$rel has sched_ext: not a wrong kernel"
echo "$rel" >"$tmp/k/version"	# last: the folder is whole
rm -rf "$dir"
mv "$tmp/k" "$dir"
echo "$dir"
