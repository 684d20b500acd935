#!/bin/sh
# No VM, no network: ktstr kernel list and rm on fake caches ($KTSTR_CACHE).
# Empty: nothing listed, the command that fetches one named. Populated:
# newest first (the default kernel), whether the DWARF vmlinux is there, the
# files' size; half-done fetches (no version file, .tmp.*) are not kernels.
. ../lib.sh
: "${KTSTR_BIN:?run through tests/run.sh (make check)}"
fail() { echo "FAIL: $1"; cat "$tmp/out" "$tmp/err" 2>/dev/null; exit 1; }
k() { KTSTR_CACHE=$cache "$KTSTR_BIN/ktstr" kernel "$@" >"$tmp/out" 2>"$tmp/err"; }

# Empty: no folder at all, then an empty kernels/ folder.
cache=$tmp/none
k list || fail "list of a missing cache: exit $?"
[ ! -s "$tmp/out" ] || fail "a missing cache lists something"
grep -qx "ktstr kernel: no kernel cached in $tmp/none/kernels (ktstr kernel fetch gets one)" "$tmp/err" ||
	fail "the empty cache's message"
[ ! -e "$tmp/none" ] || fail "list created the cache"
cache=$tmp/empty
mkdir -p "$cache/kernels"
k list || fail "list of an empty cache: exit $?"
[ ! -s "$tmp/out" ] && grep -q 'ktstr kernel fetch' "$tmp/err" || fail "empty kernels/ folder"

# Populated: two kernels, one with DWARF and its sources beside it (make
# schedulers' src/), one linked in; the half-done ones are left out.
cache=$tmp/c
kd=$cache/kernels
mkdir -p "$kd/7.3.4+deb13-cloud-amd64/src" "$kd/6.12.38+deb13-cloud-amd64" "$tmp/elsewhere" \
	"$kd/9.9.9-partial" "$kd/.tmp.AbCdEf"
head -c 3145728 /dev/zero >"$kd/7.3.4+deb13-cloud-amd64/vmlinux"
head -c 1048576 /dev/zero >"$kd/7.3.4+deb13-cloud-amd64/src/x"
truncate -s 1G "$kd/7.3.4+deb13-cloud-amd64/vmlinux-dbg"	# sparse: the size is what counts
echo 7.3.4+deb13-cloud-amd64 >"$kd/7.3.4+deb13-cloud-amd64/version"
head -c 20000 /dev/zero >"$tmp/elsewhere/bzImage"
echo 7.3.10-linked >"$tmp/elsewhere/version"
ln -s "$tmp/elsewhere" "$kd/7.3.10-linked"
echo 6.12.38+deb13-cloud-amd64 >"$kd/6.12.38+deb13-cloud-amd64/version"
: >"$kd/9.9.9-partial/bzImage"
echo 9.9.9 >"$kd/.tmp.AbCdEf/version"
: >"$kd/.no-scx-6.1.0-99-cloud-amd64"
k list || fail "list: exit $?"
cat >"$tmp/want" <<'EOF'
VERSION                    DWARF  SIZE
7.3.10-linked              no     20 KiB
7.3.4+deb13-cloud-amd64    yes    1.0 GiB
6.12.38+deb13-cloud-amd64  no     26 B
EOF
cmp -s "$tmp/out" "$tmp/want" || { diff -u "$tmp/want" "$tmp/out"; fail "list differs"; }
[ ! -s "$tmp/err" ] || fail "list wrote to stderr"

# rm: the kernel and what was built beside it; a link goes, not its target.
k rm 7.3.4+deb13-cloud-amd64 || fail "rm: exit $?"
[ ! -e "$kd/7.3.4+deb13-cloud-amd64" ] || fail "rm left the folder"
k rm 7.3.10-linked || fail "rm of a link: exit $?"
[ -f "$tmp/elsewhere/bzImage" ] || fail "rm followed the link"
k list && [ "$(sed -n '2,$p' "$tmp/out" | cut -d' ' -f1)" = 6.12.38+deb13-cloud-amd64 ] || fail "list after rm"
for bad in 7.3.4+deb13-cloud-amd64 .. ../c .tmp.AbCdEf ''; do
	k rm "$bad"
	[ $? = 2 ] || fail "rm '$bad': want exit 2"
	grep -q "Try 'ktstr kernel --help'" "$tmp/err" || fail "rm '$bad': no usage hint"
done
[ -d "$kd/.tmp.AbCdEf" ] && [ -d "$kd/9.9.9-partial" ] || fail "rm removed what it refused"

# Usage errors never reach the network.
for args in "" "frob" "list x" "fetch --bogus" "fetch a b" "fetch ../x"; do
	# shellcheck disable=SC2086
	k $args
	[ $? = 2 ] || fail "ktstr kernel $args: want exit 2"
done
k --help && grep -q '^Usage: ktstr kernel fetch' "$tmp/out" || fail "--help"
exit 0
