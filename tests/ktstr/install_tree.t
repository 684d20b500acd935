#!/bin/sh
# No VM: make install into a temporary PREFIX. The tree has every tool, the
# driver's files, the scenarios, the completion and the man pages; from an
# unrelated folder the installed copy lists its own scenarios, and with no
# --kernel every tool takes the newest cached kernel (said with -v) or, with
# none cached, names the command that fetches one.
. ./installlib.sh
fail() { echo "FAIL: $1"; cat "$tmp/out" "$tmp/err" 2>/dev/null | head -20; exit 1; }
p=$tmp/pfx
mk install PREFIX="$p" >"$tmp/out" 2>"$tmp/err" || fail "make install"

for t in "$KTSTR_BIN"/*; do
	[ -x "$p/bin/${t##*/}" ] || fail "bin/${t##*/} not installed"
done
for f in "$top"/tests/scenarios/*.yaml; do
	cmp -s "$f" "$p/share/ktstr/scenarios/${f##*/}" || fail "scenario ${f##*/} not installed"
done
for f in cache.sh kernel.sh apt-private.sh scx-ktstr.bpf.o; do
	[ -f "$p/lib/ktstr/$f" ] || fail "lib/ktstr/$f not installed"
done
cmp -s "$top/tools/ktstr/completion.bash" "$p/share/bash-completion/completions/ktstr" || fail "completion"
for m in "$top"/man/*.1; do
	[ -f "$p/share/man/man1/${m##*/}" ] || fail "man page ${m##*/}"
done
# The kernel's example schedulers beside the tools, when built; never the
# injected-bug variants of the tests.
st=$KTSTR_KERNEL_DIR/schedulers/STATUS
if [ -f "$st" ]; then
	for s in $(sed -n 's/^\([a-z0-9_]*\) ok$/\1/p' "$st"); do
		if [ -f "$top/tests/external/patches/$s.patch" ]; then
			[ ! -e "$p/lib/ktstr/schedulers/$s" ] || fail "test variant $s installed"
		else
			[ -x "$p/lib/ktstr/schedulers/$s" ] && [ -f "$p/lib/ktstr/schedulers/$s.bpf.o" ] ||
				fail "scheduler $s not installed"
		fi
	done
fi

mkdir "$tmp/elsewhere" && cd "$tmp/elsewhere" || exit 1
# Its own scenarios, the same tests as the source tree's.
nokernel KTSTR_CACHE="$tmp/empty" "$p/bin/ktstr" list --run-ignored all >"$tmp/out" 2>"$tmp/err" || fail "list"
"$KTSTR_BIN/ktstr" list --run-ignored all "$top/tests/scenarios" | cmp -s - "$tmp/out" || fail "installed list differs"

# No kernel anywhere: the driver and a C tool say how to get one, boot nothing.
nokernel KTSTR_CACHE="$tmp/empty" "$p/bin/ktstr" test -o "$tmp/runs0" -E 'test(eevdf_basic)' >"$tmp/out" 2>"$tmp/err"
[ $? = 3 ] || fail "driver without a kernel: want exit 3"
grep -qx "ktstr: no kernel given (--kernel or KTSTR_KERNEL) and none cached in $tmp/empty/kernels: fetch one with 'ktstr kernel fetch'" \
	"$tmp/err" || fail "driver's message"
[ ! -e "$tmp/runs0/eevdf_basic" ] || fail "a test ran without a kernel"
nokernel KTSTR_CACHE="$tmp/empty" "$p/bin/ktstr-boot" "$p/share/ktstr/scenarios/eevdf_basic.yaml" >"$tmp/out" 2>"$tmp/err"
[ $? = 3 ] || fail "ktstr-boot without a kernel: want exit 3"
grep -q "none cached in $tmp/empty/kernels: fetch one with 'ktstr kernel fetch'" "$tmp/err" || fail "ktstr-boot's message"

# A cache of two fake kernels and two half-done fetches: the newest whole one.
c=$tmp/cache/kernels
mkdir -p "$c/6.1.0-old" "$c/6.10.2-new" "$c/9.0-partial" "$c/.tmp.x"
for v in 6.1.0-old 6.10.2-new .tmp.x; do
	cp "$top/tests/ktstr-btfres/fake-vmlinux" "$c/$v/vmlinux" && echo "$v" >"$c/$v/version"
done
cp "$top/tests/ktstr-btfres/fake-vmlinux" "$c/9.0-partial/vmlinux"
echo '{"name":"enqueue_task_scx"}' >"$tmp/in"
nokernel KTSTR_CACHE="$tmp/cache" "$p/bin/ktstr-btfres" -v --no-source "$tmp/in" >"$tmp/out" 2>"$tmp/err" ||
	fail "ktstr-btfres with a cached kernel"
[ "$(head -n 1 "$tmp/out" | jq -r .kernel)" = 6.10.2-new ] || fail "ktstr-btfres did not take the newest: $(head -n 1 "$tmp/out")"
grep -qx "ktstr-btfres: kernel: $c/6.10.2-new, the newest cached (--kernel chooses another)" "$tmp/err" ||
	fail "ktstr-btfres -v does not say which kernel"
nokernel KTSTR_CACHE="$tmp/cache" "$p/bin/ktstr-btfres" --no-source "$tmp/in" >/dev/null 2>"$tmp/err"
[ ! -s "$tmp/err" ] || fail "without -v it says something: $(cat "$tmp/err")"
# The driver picks the same one and keeps it for replay; a bad scenario
# stops before anything boots.
printf 'name: bad\ntopology: 1x1y\n' >bad.yaml
nokernel KTSTR_CACHE="$tmp/cache" "$p/bin/ktstr" test -v -o "$tmp/runs" bad.yaml >"$tmp/out" 2>"$tmp/err"
[ $? = 2 ] || fail "bad scenario: want exit 2"
grep -qx "ktstr: kernel: $c/6.10.2-new, the newest cached (--kernel chooses another)" "$tmp/err" ||
	fail "the driver -v does not say which kernel"
grep -qx "kernels='$c/6.10.2-new'" "$tmp/runs/run.conf" || fail "run.conf: $(cat "$tmp/runs/run.conf")"
nokernel KTSTR_CACHE="$tmp/cache" "$p/bin/ktstr" kernel list >"$tmp/out" 2>"$tmp/err" || fail "kernel list"
[ "$(cut -d' ' -f1 "$tmp/out" | tr '\n' ' ')" = "VERSION 6.10.2-new 6.1.0-old " ] || fail "kernel list: $(cat "$tmp/out")"
exit 0
