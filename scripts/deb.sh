#!/bin/sh
# make deb: a Debian package of the installed tree, built with dpkg-deb, so
# that `apt install ./ktstr_VERSION_amd64.deb` (bookworm-backports enabled:
# QEMU 10 and libbpf 1.4 come from there) is the whole set-up of a user who
# never builds.
#
#   deb.sh STAGE VERSION OUTDIR
#
# STAGE is `make install DESTDIR=STAGE PREFIX=/usr` in a folder named
# .../debian/ktstr (dpkg-shlibdeps reads the shared libraries of its binaries
# from there). Writes OUTDIR/ktstr_VERSION_amd64.deb (whole or not at all).
# Exit 0 done, 2 bad usage, 3 a tool is missing.
set -eu

die() { echo "ktstr deb: $*" >&2; exit "${2:-3}"; }
[ $# -eq 3 ] || die "usage: deb.sh STAGE VERSION OUTDIR" 2
stage=$1 version=$2 outdir=$3
[ -x "$stage/usr/bin/ktstr" ] || die "$stage: no installed tree (make install DESTDIR=$stage PREFIX=/usr)" 2
case "$stage" in */debian/ktstr) ;; *) die "$stage: must be a folder .../debian/ktstr" 2 ;; esac
stage=$(cd "$stage" && pwd)
for t in dpkg-deb dpkg-shlibdeps readelf gzip md5sum; do
	command -v $t >/dev/null || die "$t not found (run 'make deps')"
done
top=$(cd "$(dirname "$0")/.." && pwd)

# Debian's layout: compressed man pages, a copyright file.
find "$stage/usr/share/man" -type f -name '*.[0-9]' -exec gzip -9nf {} +
mkdir -p "$stage/usr/share/doc/ktstr"
cat >"$stage/usr/share/doc/ktstr/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: ktstr

Files: *
License: GPL-2.0
 The tools, and the kernel's example sched_ext schedulers in
 /usr/lib/ktstr/schedulers/ (built from Debian's linux-source), are under the
 GNU General Public License version 2; on Debian systems its text is in
 /usr/share/common-licenses/GPL-2.
EOF
gzip -9nc "$top/README.md" >"$stage/usr/share/doc/ktstr/README.md.gz"

# The libraries of the dynamically linked tools (the guest's are static).
# (dpkg-shlibdeps finds the package's root by its DEBIAN folder.)
mkdir -p "$stage/DEBIAN"
work=$(cd "$stage/../.." && pwd)
dynamic=
for f in "$stage"/usr/bin/*; do
	if readelf -l "$f" 2>/dev/null | grep -q 'program interpreter'; then dynamic="$dynamic debian/ktstr/usr/bin/${f##*/}"; fi
done
[ -n "$dynamic" ] || die "no dynamically linked tool in $stage/usr/bin"
printf 'Source: ktstr\n\nPackage: ktstr\nArchitecture: amd64\n' >"$work/debian/control"
# shellcheck disable=SC2086
shlibs=$(cd "$work" && dpkg-shlibdeps -O $dynamic 2>"$work/shlibdeps.err" | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || die "dpkg-shlibdeps: $(head -n 1 "$work/shlibdeps.err")"

# What the tools run besides their libraries: QEMU 10 (bookworm's 7.2 kills
# TCG guests that patch their text), busybox and jq for the guest and the
# driver, and what ktstr kernel fetch uses (apt-get download, zstd, readelf).
cat >"$stage/DEBIAN/control" <<EOF
Package: ktstr
Version: $version
Architecture: amd64
Maintainer: ktstr maintainers <maintainers@users.noreply.r-seed-6d222a8b.example>
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $shlibs, qemu-system-x86 (>= 1:10.0), busybox-static, jq, zstd, binutils, apt
Recommends: bpftool, make, ca-certificates
Section: devel
Priority: optional
Description: sched_ext scheduler tests in VMs, with automatic crash reproduction
 ktstr runs Linux sched_ext (BPF) schedulers inside QEMU VMs under scripted
 workloads. When a scheduler crashes or exits, it reruns the scenario with
 BPF probes attached and prints the chain of scheduler calls that led to the
 failure, with decoded fields and source lines.
 .
 ktstr kernel fetch downloads a guest kernel with sched_ext; ktstr demo runs
 the demo. On Debian 12, qemu-system-x86 (>= 10) and libbpf1 (>= 1.4) come
 from bookworm-backports.
EOF
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | LC_ALL=C sort |
	xargs -d "\n" md5sum) >"$stage/DEBIAN/md5sums"

mkdir -p "$outdir"
deb=$outdir/ktstr_${version}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb.tmp" >/dev/null || { rm -f "$deb.tmp"; die "dpkg-deb failed"; }
mv "$deb.tmp" "$deb"
echo "$deb"
