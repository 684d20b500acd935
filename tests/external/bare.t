#!/bin/sh
# vm: boots one VM: a kernel example scheduler given as its bare BPF object
# (scheduler: scx_simple.bpf.o), loaded in the guest by ktstr-bpf-loader,
# which fills the object's __SCX_* constants from the kernel's BTF: it
# attaches and passes (with zeros it would fail on "non-existent DSQ 0x0").
. ./extlib.sh
need_sched scx_simple
[ -x "$KTSTR_BIN/ktstr-bpf-loader" ] || skip "ktstr-bpf-loader not built"
cp "$SCHED_DIR/scx_simple.bpf.o" "$out/"
sed -e "s|^scheduler: scx_simple\$|scheduler: scx_simple.bpf.o|" -e "s/^name: example_mixed\$/name: bare_simple/" \
	scenarios/example_mixed.yaml >"$out/bare.yaml"
boot "$out/bare.yaml"
want_rc 0
want '.verdict == "pass" and .reason == "workload completed"'
want '.scheduler_path | endswith("/scx_simple.bpf.o")'
grep -q '^ktstr-bpf-loader: attached' "$out/com2.log" || fail "the loader did not say it attached"
