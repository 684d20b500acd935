#!/bin/sh
# vm: one boot: an installed copy (make install, temporary PREFIX) runs a
# scenario from an unrelated folder with no --kernel and no kernel variable:
# the newest kernel of its cache, and a kernel example scheduler named in the
# scenario found beside the installed tools (scx-ktstr when none was built).
. ./driverlib.sh
. ./installlib.sh
need_tools ktstr ktstr-boot ktstr-init scx-ktstr
fail() { echo "FAIL: $1"; cat "$tmp/out" "$tmp/err" 2>/dev/null | head -40; exit 1; }
p=$tmp/pfx
mk install PREFIX="$p" >"$tmp/out" 2>"$tmp/err" || fail "make install"
sched=scx-ktstr
[ -x "$p/lib/ktstr/schedulers/scx_simple" ] && sched=scx_simple

# The cache: the real kernel's files (not the schedulers built beside it,
# so the installed ones must be found), an older fake kernel, a half-done
# fetch of a newer one.
k=$(cd "$KTSTR_KERNEL_DIR" && pwd -P)
v=$(cat "$k/version")
c=$tmp/cache/kernels
mkdir -p "$c/$v" "$c/1.0-old" "$c/99.0-partial"
for f in vmlinux bzImage config version; do
	[ -e "$k/$f" ] && ln -s "$k/$f" "$c/$v/$f"
done
echo 1.0-old >"$c/1.0-old/version"
: >"$c/99.0-partial/bzImage"

mkdir "$tmp/elsewhere" && cd "$tmp/elsewhere" || exit 1
cat >mine.yaml <<YAML
name: installed_mine
scheduler: $sched
topology: 1n1l2c1t
memory_mb: 512
steps:
  - cgroups:
      - {name: spin, work_type: CpuSpin, workers: 2}
      - {name: pipe, work_type: PipeIo, workers: 2}
    hold: 1s
YAML
nokernel KTSTR_CACHE="$tmp/cache" "$p/bin/ktstr" -v -o runs mine.yaml >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || fail "exit $rc"
grep -qx "ktstr_test 'installed_mine' \[sched=$sched\] \[topo=1n1l2c1t\] passed" "$tmp/out" || fail "no pass line"
grep -qx "ktstr: kernel: $c/$v, the newest cached (--kernel chooses another)" "$tmp/err" || fail "-v does not say which kernel"
r=runs/mine/result.json
case "$(jq -r .kernel "$r")" in "$c/$v/"*) ;; *) fail "booted $(jq -r .kernel "$r"), not the cached $v" ;; esac
want=$p/bin/scx-ktstr
[ $sched = scx_simple ] && want=$p/lib/ktstr/schedulers/scx_simple
[ "$(jq -r .scheduler_path "$r")" = "$want" ] || fail "scheduler from $(jq -r .scheduler_path "$r"), not $want"
exit 0
