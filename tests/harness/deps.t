#!/bin/sh
# make deps installs every tool the build, the tests and the scripts call
# (the list below; bookworm's pahole -J calls llvm-objcopy, the VM tests
# pgrep): each comes from a package of
# scripts/deps.sh's lists, one they pull in (two levels of Depends), or an
# Essential or required one that every Debian root has.
. ../lib.sh
need dpkg-query
tools="cc make pkg-config clang-19 ld.lld-19 llvm-strip-19 llvm-objcopy bpftool pahole qemu-system-x86_64 jq
busybox cpio zstd lz4 gzip xz readelf file python3 dpkg-deb apt-get apt-cache pgrep patch flock awk sed"
lists=$(sed -n '/^MAIN="/,/"$/p; /^BACKPORTS="/p' ../../scripts/deps.sh | tr -d '"' | sed 's/^[A-Z]*=//' | tr ' ' '\n' | sed '/^$/d')
[ -n "$lists" ] || fail "no package lists in scripts/deps.sh"
# deps PKG...: their Depends and Pre-Depends (installed packages), names only.
deps() {
	for p in "$@"; do
		dpkg-query -W -f='${Depends}, ${Pre-Depends}\n' "$p" 2>/dev/null
	done | tr ',|' '\n\n' | sed 's/([^)]*)//; s/:any//; s/^ *//; s/ *$//' | sed '/^$/d' | sort -u
}
l1=$(deps $lists)
l2=$(deps $l1)
known=$(printf '%s\n' "$lists" "$l1" "$l2" | sort -u)
bad=
for t in $tools; do
	p=$(command -v "$t") || { bad="$bad $t(not installed)"; continue; }
	# /usr/bin or /bin (merged /usr), the link's target, or the system's own
	# copy behind a shim (pyenv's python3).
	pkg=
	for f in "$p" "$(readlink -f "$p")" "/usr/bin/$t" "/bin/$t" "$(readlink -f "/usr/bin/$t")"; do
		pkg=$(dpkg-query -S "$f" 2>/dev/null | head -n 1 | cut -d: -f1)
		[ -z "$pkg" ] || break
	done
	[ -n "$pkg" ] || { bad="$bad $t(no package owns $p)"; continue; }
	printf '%s\n' "$known" | grep -qxF "$pkg" && continue
	case "$(dpkg-query -W -f='${Essential} ${Priority}' "$pkg")" in
	yes*|*required) continue ;;
	esac
	bad="$bad $t($pkg)"
done
[ -z "$bad" ] || fail "not installed by make deps:$bad"
exit 0
