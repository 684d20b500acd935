#!/bin/sh
# ktstr kernel: the guest kernels of ktstr's cache (run as `ktstr kernel ...`).
#
#   ktstr kernel fetch [--debug] [--link PATH] [VERSION]
#   ktstr kernel list
#   ktstr kernel rm VERSION
#
# fetch: the newest Debian cloud kernel on the mirror whose config has
# CONFIG_SCHED_CLASS_EXT=y (or VERSION), through a private apt configuration
# (its own sources, lists and cache; the system's apt setup is never touched),
# into $cache/kernels/<release>/{bzImage,config,vmlinux,version}; --debug adds
# vmlinux-dbg (the DWARF vmlinux) and System.map. It prints the kernel's folder;
# --link makes PATH a symlink to it (make kernel: build/kernel).
# Exit 0 done, 2 bad usage, 3 the kernel cannot be had.
set -eu

die() { echo "ktstr kernel: $*" >&2; exit 3; }
say() { echo "ktstr kernel: $*" >&2; }
usage() {
	cat <<USAGE
Usage: ktstr kernel fetch [--debug] [--link PATH] [VERSION]
       ktstr kernel list
       ktstr kernel rm VERSION
The guest kernels of the cache (\${KTSTR_CACHE:-~/.cache/ktstr}/kernels/).

  fetch    download the newest Debian cloud kernel with sched_ext (or VERSION)
           unless cached; print its folder
    --debug      also the DWARF vmlinux (~350 MB download) for source lines
    --link PATH  make PATH a symlink to the kernel's folder
  list     the cached kernels, newest (the default kernel) first: version,
           whether the DWARF vmlinux is there, size
  rm       remove a cached kernel (and the schedulers built beside it)
USAGE
}
bad_usage() {
	echo "ktstr kernel: $*" >&2
	echo "Try 'ktstr kernel --help' for more information." >&2
	exit 2
}

here=$(dirname "$0")
. "$here/cache.sh"

# A version as a folder name of the cache: one path component.
check_version() {
	case "$1" in
	''|.|..|*/*|.*) bad_usage "'$1' is not a kernel version (ktstr kernel list shows them)" ;;
	esac
}

# ---- list ----
# Sizes are the files' bytes, so the same cache lists the same on any
# file system.
human() {
	awk -v b="$1" 'BEGIN {
		if (b >= 1073741824) printf "%.1f GiB", b / 1073741824
		else if (b >= 1048576) printf "%.0f MiB", b / 1048576
		else if (b >= 1024) printf "%.0f KiB", b / 1024
		else printf "%d B", b }'
}
kernel_list() {
	[ $# -eq 0 ] || bad_usage "list takes no arguments"
	versions=$(cached_kernels)
	if [ -z "$versions" ]; then
		say "no kernel cached in $kernel_cache (ktstr kernel fetch gets one)"
		return 0
	fi
	w=$(printf '%s\n' "$versions" VERSION | awk '{ if (length > w) w = length } END { print w }')
	printf "%-${w}s  %-5s  %s\n" VERSION DWARF SIZE
	printf '%s\n' "$versions" | while IFS= read -r v; do
		dwarf=no
		[ -f "$kernel_cache/$v/vmlinux-dbg" ] && dwarf=yes
		bytes=$(find -L "$kernel_cache/$v" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f", s }')
		printf "%-${w}s  %-5s  %s\n" "$v" "$dwarf" "$(human "$bytes")"
	done
}

# ---- rm ----
kernel_rm() {
	[ $# -eq 1 ] || bad_usage "rm takes one VERSION"
	check_version "$1"
	[ -d "$kernel_cache/$1" ] || bad_usage "$1: not in the cache (ktstr kernel list shows what is)"
	rm -rf "${kernel_cache:?}/$1" || die "cannot remove $kernel_cache/$1"
	say "removed $1"
}

# ---- fetch ----
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

# The kernel's image (linux-binary-unsigned-*) and config (linux-base-*)
# into $kernel_cache/$1; 1 when it lacks sched_ext (remembered, never retried).
download_kernel() { # release, apt options...
	rel=$1
	shift
	say "downloading linux-binary-unsigned-$rel and linux-base-$rel"
	tmp=$(mktemp -d "$kernel_cache/.tmp.XXXXXX")
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
		: >"$kernel_cache/.no-scx-$rel"
		rm -rf "$tmp"
		return 1
	fi
	mkdir "$tmp/k" && cp "$img" "$tmp/k/bzImage" && cp "$cfg" "$tmp/k/config" ||
		{ rm -rf "$tmp"; die "cannot copy the kernel into $tmp"; }
	extract_vmlinux "$tmp/k/bzImage" "$tmp/k/vmlinux" ||
		{ rm -rf "$tmp"; die "cannot extract an ELF vmlinux with .BTF from $rel's bzImage"; }
	echo "$rel" >"$tmp/k/version"
	rm -rf "${kernel_cache:?}/$rel"
	mv "$tmp/k" "$kernel_cache/$rel"
	rm -rf "$tmp"
}

# Only the vmlinux and System.map of linux-image-<release>-dbg, streamed out
# of its data tarball.
download_dwarf() { # release, apt options...
	rel=$1 dir=$kernel_cache/$1
	shift
	say "downloading linux-image-$rel-dbg (~350 MB)"
	tmp=$(mktemp -d "$kernel_cache/.tmp.XXXXXX")
	(cd "$tmp" && apt-get "$@" download "linux-image-$rel-dbg" >"$tmp/download.log" 2>&1) ||
		{ cat "$tmp/download.log" >&2; rm -rf "$tmp"; die "download of linux-image-$rel-dbg failed"; }
	deb=$(ls "$tmp"/linux-image-*.deb)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" \
		"./usr/lib/debug/lib/modules/$rel/vmlinux" "./usr/lib/debug/lib/modules/$rel/System.map" 2>/dev/null || true
	rm -f "$deb"
	[ -s "$tmp/usr/lib/debug/lib/modules/$rel/vmlinux" ] || { rm -rf "$tmp"; die "no vmlinux in the -dbg package"; }
	# The real System.map (the one in linux-binary-unsigned is a placeholder).
	if [ -s "$tmp/usr/lib/debug/lib/modules/$rel/System.map" ]; then
		mv "$tmp/usr/lib/debug/lib/modules/$rel/System.map" "$dir/System.map"
	fi
	mv "$tmp/usr/lib/debug/lib/modules/$rel/vmlinux" "$dir/vmlinux-dbg"
	rm -rf "$tmp"
}

kernel_fetch() {
	debug=no link= want=
	while [ $# -gt 0 ]; do
		case "$1" in
		--debug) debug=yes ;;
		--link) [ $# -ge 2 ] || bad_usage "--link needs a value"; link=$2; shift ;;
		--link=*) link=${1#*=} ;;
		-*) bad_usage "fetch: unknown option '$1'" ;;
		*) [ -z "$want" ] || bad_usage "fetch takes one VERSION"; check_version "$1"; want=$1 ;;
		esac
		shift
	done
	for t in apt-get:apt apt-cache:apt dpkg-deb:dpkg zstd:zstd readelf:binutils flock:util-linux; do
		command -v "${t%:*}" >/dev/null || die "${t%:*} not found (install the package ${t#*:})"
	done

	mkdir -p "$kernel_cache" || die "cannot create $kernel_cache"
	# One fetch at a time per cache: two would update the same apt lists
	# (unlocked) and download the same kernel, the second's rm -rf and mv
	# racing the first's folder. The second waits, then finds it cached.
	exec 9>"$cache/.fetch.lock" || die "cannot open $cache/.fetch.lock"
	if ! flock -n 9; then
		say "waiting for another 'ktstr kernel fetch' on $cache"
		flock 9 || die "cannot lock $cache/.fetch.lock"
	fi
	# Sets "$@" to the private apt options (and refreshes the lists daily).
	. "$here/apt-private.sh"

	# Newest first.
	candidates=$(apt-cache "$@" search --names-only '^linux-binary-unsigned-.*-cloud-amd64$' 2>/dev/null |
		sed -n 's/^linux-binary-unsigned-\(.*-cloud-amd64\) .*/\1/p' | sort -u | sort -r -V)
	if [ -n "$want" ]; then
		if [ -f "$kernel_cache/$want/version" ] || printf '%s\n' "$candidates" | grep -qxF -- "$want"; then
			candidates=$want
		else
			die "$want: neither cached nor on the mirror (linux-binary-unsigned-$want in trixie-backports, sid)"
		fi
	elif [ -z "$candidates" ]; then
		candidates=$(cached_kernels | head -n1)
		[ -n "$candidates" ] || die "no linux-binary-unsigned-*-cloud-amd64 package found and no cached kernel"
	fi

	release=
	for rel in $candidates; do
		if [ -f "$kernel_cache/$rel/version" ]; then release=$rel; break; fi
		if [ -f "$kernel_cache/.no-scx-$rel" ]; then
			[ -z "$want" ] || die "$rel lacks CONFIG_SCHED_CLASS_EXT=y"
			continue
		fi
		if download_kernel "$rel" "$@"; then release=$rel; break; fi
		[ -z "$want" ] || die "$rel lacks CONFIG_SCHED_CLASS_EXT=y"
		say "$rel lacks CONFIG_SCHED_CLASS_EXT=y, trying an older one"
	done
	[ -n "$release" ] || die "no cloud kernel with CONFIG_SCHED_CLASS_EXT=y found"
	dir=$kernel_cache/$release
	if [ $debug = yes ] && { [ ! -f "$dir/vmlinux-dbg" ] || [ ! -f "$dir/System.map" ]; }; then
		download_dwarf "$release" "$@"
	fi
	if [ -n "$link" ]; then
		mkdir -p "$(dirname "$link")"
		ln -sfn "$dir" "$link"
	fi
	say "kernel $release at $dir"
	echo "$dir"
}

case "${1:-}" in
fetch) shift; kernel_fetch "$@" ;;
list) shift; kernel_list "$@" ;;
rm) shift; kernel_rm "$@" ;;
-h|--help) usage ;;
'') usage >&2; exit 2 ;;
*) bad_usage "unknown command '$1' (fetch, list or rm)" ;;
esac
