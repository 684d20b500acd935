# Sourced after cache.sh by ktstr kernel fetch (tools/ktstr/kernel.sh) and
# scripts/schedulers.sh: ktstr's private apt configuration, so both fetch from
# the same lists and cache and the system's apt setup is never touched (its
# sources are only read, for the mirror). The caller defines die and say.
#
# Sets apt (the private apt state under $cache) and the positional parameters
# ("$@") to the apt-get/apt-cache options; refreshes the package lists when
# they are older than a day.

apt=$cache/apt
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/etc" || die "cannot create $apt"
: >"$apt/status"

# Same mirror as the system's own Debian sources; newer suites than the host's.
mirror=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
	grep -Eo 'https?://[^ ]+/debian/?' | grep -v security | head -n1)
[ -n "$mirror" ] || die "no Debian mirror found in the system's apt sources"
mirror=${mirror%/}
printf 'deb %s trixie-backports main\ndeb %s sid main\n' "$mirror" "$mirror" >"$apt/etc/sources.list"

set -- -o Dir::Etc::SourceList="$apt/etc/sources.list" -o Dir::Etc::SourceParts=/dev/null \
	-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" -o Dir::State::status="$apt/status" \
	-o APT::Architecture=amd64 -o Debug::NoLocking=1 -q

# Refresh the package lists at most once a day, so re-runs are cheap and
# work offline with what is cached.
fresh=$(find "$apt/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -n1)
if [ -z "$fresh" ] || [ -n "${KTSTR_KERNEL_REFRESH:-}" ]; then
	say "updating package lists of trixie-backports and sid"
	apt-get "$@" update >"$apt/update.log" 2>&1 || say "apt-get update failed (see $apt/update.log); using cached lists"
fi
