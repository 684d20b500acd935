# Shared by the VM cases of tests/ktstr: the tools' folder as $B, a skip
# (77) without a guest kernel or a tool the case needs, and a work folder
# $tmp removed at exit.
B=${KTSTR_BIN:?run through tests/run.sh (make check)}
. ../lib.sh
[ -e "$KTSTR_KERNEL_DIR/vmlinux" ] || [ -e "$KTSTR_KERNEL_DIR/bzImage" ] ||
	{ echo "no kernel in $KTSTR_KERNEL_DIR (make kernel)" >&2; exit 77; }
# need_tools TOOL...: skip unless each is built.
need_tools() {
	for t in "$@"; do
		[ -x "$B/$t" ] || { echo "$t not built" >&2; exit 77; }
	done
}
