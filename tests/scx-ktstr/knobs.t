#!/bin/sh
# The host writes the knobs by offset into the "<obj>.bss" map: keep them at
# crash@0 and stall@4 (u32), the counters after, then starve (set by the
# loader), the exit record elsewhere.
. ../lib.sh
obj=$KTSTR_BUILD/bpf/scx-ktstr.bpf.o
need bpftool
[ -f "$obj" ] || { echo "$obj missing" >&2; exit 1; }
got=$(bpftool btf dump file "$obj" | awk '/DATASEC .\.bss./ { on = 1; next } on && /VAR/ { print $2, $3, $5; next } { on = 0 }')
want="offset=0 size=4 'crash')
offset=4 size=4 'stall')
offset=8 size=8 'nr_enqueued')
offset=16 size=8 'nr_dispatched')
offset=24 size=4 'starve')"
[ "$got" = "$want" ] || { printf 'got:\n%s\nwant:\n%s\n' "$got" "$want" >&2; exit 1; }
# The skeleton keeps the struct_ops map attachable by libbpf 1.4.6 (no link member).
skel=$KTSTR_BUILD/gen/scx-ktstr.skel.h
if grep -q 'map->link = ' "$skel"; then echo "$skel still sets map->link" >&2; exit 1; fi
exit 0
