#!/bin/sh
# The agent's trace object (bpf/probe/trace.bpf.c) must have no CO-RE
# relocation: with one, libbpf parses the whole kernel BTF for every batch
# bound to the scheduler's programs (0.3-2.5 s each under TCG), while it
# waits stopped. The probe object itself has some (the trigger's reads), so
# the check can tell them apart. The count is the .BTF.ext header's
# core_relo_len (bytes 28-31, after magic, version, flags, hdr_len and the
# func_info and line_info offsets and lengths).
. ../lib.sh
need readelf od
relo_len() { # OBJECT: core_relo_len of its .BTF.ext, or nothing
	off=$(readelf -SW "$1" | awk '$2 == ".BTF.ext" { print $5 } $3 == ".BTF.ext" { print $6 }' | head -1)
	[ -n "$off" ] || return 0
	od -An -tu4 -j $((0x$off + 28)) -N4 "$1" | tr -d ' '
}
for o in trace probe; do
	[ -f "$KTSTR_BUILD/bpf/$o.bpf.o" ] || fail "$KTSTR_BUILD/bpf/$o.bpf.o missing (make)"
done
t=$(relo_len "$KTSTR_BUILD/bpf/trace.bpf.o")
p=$(relo_len "$KTSTR_BUILD/bpf/probe.bpf.o")
[ -n "$p" ] && [ "$p" -gt 0 ] || fail "probe.bpf.o: no CO-RE relocation found ('$p'): the check reads the wrong bytes"
[ "$t" = 0 ] || fail "trace.bpf.o has CO-RE relocations ($t bytes of them)"
# Nor an extern (a kfunc, a __kconfig): libbpf resolves those in the
# kernel's BTF too; the probes call bpf_rdonly_cast by a raw instruction the
# agent patches (record.bpf.h). scx-ktstr's object has externs: the check
# sees them.
externs() { readelf -sW "$1" 2>/dev/null | awk '$7 == "UND" && $8 != "" { print $8 }'; }
[ -n "$(externs "$KTSTR_BUILD/bpf/scx-ktstr.bpf.o")" ] || fail "scx-ktstr.bpf.o: no extern found: the check reads the wrong column"
[ -z "$(externs "$KTSTR_BUILD/bpf/trace.bpf.o")" ] || fail "trace.bpf.o has externs: $(externs "$KTSTR_BUILD/bpf/trace.bpf.o" | tr '\n' ' ')"
