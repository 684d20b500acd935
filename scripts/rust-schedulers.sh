#!/bin/sh
# Build schedulers of the sched_ext project (github.com/sched-ext/scx) that are
# written in Rust, from crates.io, as test subjects: real, larger schedulers
# than the kernel's examples (scripts/schedulers.sh). Each is built with
# `cargo install --locked`; its BPF is compiled by scx_cargo's BpfBuilder with
# clang-19 (BPF_CLANG; the plain clang here is clang-14, too old) and embedded
# in the binary by libbpf-rs.
#
#   rust-schedulers.sh [--force] [--kernel-dir DIR] [CRATE@VERSION ...]
#                      (default build/kernel, scx_bpfland@1.1.4)
#
# Result in DIR/schedulers/rust/: bin/<crate> (dynamically linked: libelf,
# libz, libgcc_s, libm, libc; ktstr-boot copies them and the ELF interpreter
# into the initramfs), <crate>.bpf.o (the BPF object the binary embeds, with
# BTF and line info), log/<crate>.log and STATUS, one line per crate:
# "<crate> ok" or "<crate> failed: <reason>". Cargo's target folder is shared
# by all kernels, in $KTSTR_CACHE/rust/target (nothing kernel-specific goes
# into these builds: scx_cargo bundles its own vmlinux.h), so a rebuild after
# `make schedulers` empties DIR/schedulers/ takes seconds, not minutes. A re-run
# with the same inputs is a no-op, failures included (--force rebuilds, e.g.
# after installing a missing library). CARGO_HOME (the crates.io registry) stays
# cargo's default. Cargo uses at most KTSTR_CARGO_JOBS (default 2) jobs.
#
# In .ci/run, allowed to fail (crates.io may be unreachable): the first build
# downloads ~180 crates and compiles for ~6 minutes on a 2-core host, later runs
# are cached. tests/external/rust.t skips (77) when nothing is built here.
#
# Measured 2026-12-01 (Debian 12, 2 cores, rustc/cargo 1.95, clang-19.1.7,
# guest kernel 7.3.4+deb13-cloud-amd64):
#   scx_bpfland 1.1.4 (libbpf-rs 0.27.2, scx_cargo/scx_utils 1.1.4): builds with
#     clang-19 without SCX_ALLOW_OLD_CLANG (it registers the plain struct
#     sched_ext_ops, not the arena-based cid form that scx_cargo refuses to
#     build with clang < 22), attaches and passes a mixed workload in the guest.
#     First build 5 min 47 s (cold target folder, ~180 crates downloaded); a
#     re-run with nothing changed 0.2 s; a rebuild with the target folder warm
#     6 s. The binary: 9.3 MB, dynamically linked (libelf.so.1, libz.so.1,
#     libgcc_s.so.1, libm.so.6, libc.so.6); in the guest nothing beyond what
#     ktstr-init sets up (bpffs, /boot/config-*, /var/run/scx).
#   scx_rlfifo 1.1.4 (scx_rustland_core 2.4.15, a user-space scheduler):
#     builds (26 s warm) only with libseccomp-dev installed (`-lseccomp`; not
#     in `make deps`), attaches and passes; it also needs libseccomp.so.2.
#   scx_lavd 1.1.4: builds (102 s warm); under TCG its load (~52,000 BPF
#     instructions, arena maps) outlasts the default 30 s attach wait. With
#     `attach_timeout: 300s` in the scenario it attached after 97 s (host at
#     load ~13) and passed the mixed load of tests/external (2026-12-01).
# SCX_ALLOW_OLD_CLANG, when set, is passed on to cargo (and is part of the
# cache key) for cid-form crates; nothing here sets it.
#
# Exit 0 when every crate built, 1 when some did, 3 when none did or the tools
# are missing (cargo, clang-19, libclang for bindgen, libelf/zlib headers),
# 2 on usage errors.
set -eu

die() { echo "ktstr rust-schedulers: $*" >&2; exit 3; }
say() { echo "ktstr rust-schedulers: $*" >&2; }
usage() { echo "usage: rust-schedulers.sh [--force] [--kernel-dir DIR] [CRATE@VERSION ...]" >&2; exit 2; }

kdir=build/kernel
crates=
force=no
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel-dir) [ $# -ge 2 ] || usage; kdir=$2; shift ;;
	--force) force=yes ;;
	-*) usage ;;
	*)
		# An exact version keeps the build reproducible (and the cache key honest).
		echo "$1" | grep -Eqx '[A-Za-z0-9_-]+@[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]*)?' || {
			echo "ktstr rust-schedulers: '$1' is not CRATE@VERSION (e.g. scx_bpfland@1.1.4)" >&2
			usage
		}
		crates="$crates $1" ;;
	esac
	shift
done
[ -n "$crates" ] || crates=scx_bpfland@1.1.4

[ -f "$kdir/version" ] || die "no kernel in $kdir (run 'make kernel')"
# The real folder, not build/kernel's link: the result lives with the kernel.
kdir=$(cd "$kdir" && pwd -P)
out=$kdir/schedulers/rust
. "$(dirname "$0")/../tools/ktstr/cache.sh"
target=$cache/rust/target
jobs=${KTSTR_CARGO_JOBS:-2}
case "$jobs" in '' | *[!0-9]* | 0) die "KTSTR_CARGO_JOBS must be a positive number, not '$jobs'" ;; esac

# rustup installs cargo in ~/.cargo/bin, which a make or sudo PATH may lack.
if ! command -v cargo >/dev/null && [ -x "${CARGO_HOME:-${HOME:-/root}/.cargo}/bin/cargo" ]; then
	PATH=${CARGO_HOME:-${HOME:-/root}/.cargo}/bin:$PATH
	export PATH
fi
command -v cargo >/dev/null || die "cargo not found (install Rust with rustup: https://rustup.rs)"
command -v rustc >/dev/null || die "rustc not found (install Rust with rustup)"
for t in clang-19 cc pkg-config cksum; do
	command -v $t >/dev/null || die "$t not found (run 'make deps')"
done
# libbpf-sys builds libbpf from its vendored source against the system's
# libelf and zlib.
pkg-config --exists libelf zlib || die "libelf or zlib development files not found (run 'make deps')"
# bindgen (scx_cargo's enable_intf) loads libclang at build time.
if [ -z "${LIBCLANG_PATH:-}" ]; then
	for d in /usr/lib/llvm-19/lib /usr/lib/x86_64-linux-gnu; do
		for f in "$d"/libclang-19.so* "$d"/libclang.so*; do
			if [ -e "$f" ]; then LIBCLANG_PATH=$d; break 2; fi
		done
	done
	[ -n "${LIBCLANG_PATH:-}" ] || die "libclang not found for bindgen (install libclang1-19, or set LIBCLANG_PATH)"
fi
export LIBCLANG_PATH

# Everything a build depends on; when unchanged, the last result stands.
# shellcheck disable=SC2086
key=$( {
	cat "$0"
	echo $crates
	echo "SCX_ALLOW_OLD_CLANG=${SCX_ALLOW_OLD_CLANG:-}"
	clang-19 --version | head -n1
	rustc --version
	cargo --version
} | cksum)

summary() { # print STATUS on stderr, exit by how many built
	sed 's/^/ktstr rust-schedulers: /' "$out/STATUS" >&2
	grep -q ' failed: ' "$out/STATUS" || exit 0
	grep -q ' ok$' "$out/STATUS" && exit 1
	die "no Rust scheduler built (see $out/log/)"
}

if [ $force = no ] && [ -f "$out/STATUS" ] && [ "$(cat "$out/.key" 2>/dev/null)" = "$key" ]; then
	say "up to date in $out"
	summary
fi

trap 'exit 130' INT TERM
rm -rf "$out"
mkdir -p "$out/log" "$target" || die "cannot create $out or $target"

for spec in $crates; do
	name=${spec%@*}
	log=$out/log/$name.log
	say "building $spec (cargo -j $jobs; the first build takes minutes; log in $log)"
	t0=$(date +%s)
	if env BPF_CLANG=clang-19 CARGO_TARGET_DIR="$target" \
		cargo install --locked -j "$jobs" --root "$out" "$spec" >"$log" 2>&1 &&
		[ -x "$out/bin/$name" ]; then
		say "built $spec in $(($(date +%s) - t0)) s"
		# The object BpfBuilder linked (what the binary embeds), newest build of this crate.
		obj=$(ls -t "$target"/release/build/"$name"-*/out/*.bpf.o 2>/dev/null | head -n1)
		if [ -n "$obj" ]; then cp "$obj" "$out/$name.bpf.o"; fi
		echo "$name ok"
	else
		# The linker's or the build script's own words before cargo's summary.
		why=$(grep -m1 -E 'unable to find library|cannot find -l|undefined reference|cid-form|verifier' "$log" ||
			grep -m1 -E '^error|[Ee]rror:' "$log" || tail -n1 "$log")
		[ -x "$out/bin/$name" ] || [ -n "$why" ] || why="cargo installed no bin/$name"
		say "$spec failed after $(($(date +%s) - t0)) s"
		echo "$name failed: $(echo "$why" | tr -s ' \t' '  ' | cut -c1-200)"
	fi
done >"$out/STATUS"
rm -f "$out/.crates.toml" "$out/.crates2.json"	# cargo's install records; the key says what is here

# Nothing built may be the environment's fault (crates.io unreachable): then
# the next run retries.
if grep -q ' ok$' "$out/STATUS"; then echo "$key" >"$out/.key"; fi
summary
