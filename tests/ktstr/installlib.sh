# Shared by the cases that install ktstr (install_tree.t, install.t, deb.t):
# mk runs this tree's Makefile on the tests' build folder and kernel (whatever
# make check was given), outside any calling make; $tmp is removed at exit.
set -u
: "${KTSTR_BIN:?run through tests/run.sh (make check)}"
top=$(cd ../.. && pwd)
build=$(realpath --relative-to="$top" "${KTSTR_BUILD:-$top/build}")
san=
[ "$(basename "$build")" = build-san ] && san=1
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$top" BUILD="$build" \
		${san:+SANITIZE=1} KERNEL_DIR="$KTSTR_KERNEL_DIR" "$@"
}
# $tmp: tests/lib.sh's, unless driverlib.sh (which sources it) came first.
[ -n "${tmp:-}" ] || . ../lib.sh
# Run without any kernel variable, as a user would.
nokernel() { env -u KTSTR_KERNEL -u KTSTR_KERNEL_DIR "$@"; }
