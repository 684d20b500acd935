#!/bin/sh
# Install every build and run dependency of ktstr from Debian's packages.
# Idempotent: re-running installs nothing new. Debian 12 (bookworm) only:
# libbpf-dev >= 1.4, bpftool and QEMU 10 come from bookworm-backports
# (bookworm's QEMU 7.2 crashes TCG guests while they patch kernel text).
set -eu

die() { echo "ktstr deps: $*" >&2; exit 3; }

[ -r /etc/os-release ] || die "cannot read /etc/os-release; only Debian 12 (bookworm) is supported"
. /etc/os-release
[ "${ID:-}" = debian ] && [ "${VERSION_CODENAME:-}" = bookworm ] ||
	die "unsupported system '${PRETTY_NAME:-unknown}': make deps supports Debian 12 (bookworm) only"

SUDO=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || die "must run as root (or have sudo)"
	SUDO=sudo
fi

# Backports live on the same mirror as the system's own sources: reuse its URI
# rather than naming a host here.
mirror=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
	grep -Eo 'https?://[^ ]+/debian/?' | grep -v security | head -n1)
[ -n "$mirror" ] || die "no Debian mirror found in the system's apt sources"

bp=/etc/apt/sources.list.d/ktstr-bookworm-backports.sources
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	echo "ktstr deps: adding bookworm-backports ($bp)" >&2
	printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$mirror" | $SUDO tee "$bp" >/dev/null
	updated=
else
	updated=${KTSTR_APT_UPDATED:-}
fi

MAIN="build-essential make pkg-config clang-19 llvm-19 lld-19 libelf-dev libdw-dev libyaml-dev
libjansson-dev zlib1g-dev libzstd-dev busybox-static cpio zstd jq dwarves elfutils binutils
file xz-utils ca-certificates python3 llvm libclang-rt-19-dev liblz4-dev lz4 procps"
BACKPORTS="libbpf-dev bpftool qemu-system-x86"

missing=
for p in $MAIN; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
bpok=yes
for p in $BACKPORTS; do
	v=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || true)
	case "$p:$v" in
	libbpf-dev:1:1.[4-9]*|libbpf-dev:1:[2-9]*) ;;
	bpftool:7.[5-9]*|bpftool:[89]*) ;;
	qemu-system-x86:1:[1-9][0-9]*) ;;
	*) bpok=no ;;
	esac
done

if [ -z "$missing" ] && [ $bpok = yes ]; then
	echo "ktstr deps: all dependencies present" >&2
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
[ -n "$updated" ] || $SUDO apt-get update -q >&2 || die "apt-get update failed"
if [ -n "$missing" ]; then
	$SUDO apt-get install -y -q --no-install-recommends $missing >&2 || die "installing$missing failed"
fi
if [ $bpok = no ]; then
	$SUDO apt-get install -y -q --no-install-recommends -t bookworm-backports $BACKPORTS >&2 ||
		die "installing $BACKPORTS from bookworm-backports failed"
fi
echo "ktstr deps: done" >&2
