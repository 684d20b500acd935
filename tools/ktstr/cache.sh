# Sourced by the driver (ktstr.sh), ktstr kernel (kernel.sh) and
# scripts/{rust-,}schedulers.sh: where ktstr's cache is and which kernels it holds.
# Sets cache and kernel_cache (its kernel folder); no side effects.

# The same order as kernel__cache_dir() (lib/kernel.c), which reads the cache.
cache=${KTSTR_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/ktstr}
kernel_cache=$cache/kernels

# The complete kernels (a fetch writes their version file last), newest
# first: the first is every tool's default kernel (newest_cached() in
# lib/kernel.c orders them the same).
cached_kernels() {
	[ -d "$kernel_cache" ] || return 0
	for ck_dir in "$kernel_cache"/*; do
		if [ -f "$ck_dir/version" ]; then basename "$ck_dir"; fi
	done | sort -r -V
}
