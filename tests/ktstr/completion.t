#!/bin/sh
# No VM: the bash completion (tools/ktstr/completion.bash) completes the
# subcommands, each one's options and their values, the cached kernel
# versions ($KTSTR_CACHE), test names for -E and scenario files.
. ../lib.sh
: "${KTSTR_BIN:?run through tests/run.sh (make check)}"
need bash
top=$(cd ../.. && pwd)
mkdir -p "$tmp/cache/kernels/7.3.4+deb13-cloud-amd64" "$tmp/cache/kernels/9.9-partial" "$tmp/s/sub"
echo 7.3.4+deb13-cloud-amd64 >"$tmp/cache/kernels/7.3.4+deb13-cloud-amd64/version"
: >"$tmp/s/a.yaml"
: >"$tmp/s/notes.txt"
# comp WORD...: what completing the last word offers, sorted, one a line.
comp() {
	(cd "$tmp/s" && KTSTR_CACHE=$tmp/cache bash -c '
		. "$0"
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_ktstr
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort' "$top/tools/ktstr/completion.bash" "$@")
}
fail=0
want() { # expected (space-separated) WORD...
	w=$1
	shift
	got=$(comp "$@" | tr '\n' ' ' | sed 's/ $//')
	[ "$got" = "$w" ] || { echo "completing '$*': got '$got', want '$w'"; fail=1; }
}
want "a.yaml demo kernel list replay sub test" ktstr ''
want "--help fetch list rm" ktstr kernel ''
want "7.3.4+deb13-cloud-amd64" ktstr kernel rm ''
want "--debug --link" ktstr kernel fetch --
want "auto kvm tcg" ktstr test --accel ''
want "all ignored-only" ktstr list --run-ignored ''
want "--repro-runs --retries" ktstr test --re
want "--make" ktstr list --ma
want "" ktstr --ma
want "7.3.4+deb13-cloud-amd64" ktstr --kernel 7.3
want "a.yaml sub" ktstr test ''
want "sub" ktstr replay ''
want "" ktstr -j ''
# -E: the test names of the tools' default scenarios, quoted for the shell.
want 'test\(scx_ktstr_basic\) test\(scx_ktstr_expect_err\) test\(scx_ktstr_stall\)' "$KTSTR_BIN/ktstr" test -E 'test(scx_k'
want 'test\(eevdf_basic\)' "$KTSTR_BIN/ktstr" list -E "'test(e"
bash -c '. "$0"; complete -p ktstr' "$top/tools/ktstr/completion.bash" | grep -qx 'complete -F _ktstr ktstr' ||
	{ echo "not registered for ktstr"; fail=1; }
exit $fail
