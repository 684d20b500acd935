#!/bin/sh
# Every field offset and size ktstr-btfres gives on the real guest kernel,
# checked against pahole, which decodes the same vmlinux BTF on its own.
# Each curated struct must be covered on the kernel the table was written for.
. ../lib.sh
V=${KTSTR_KERNEL_DIR:-../../build/kernel}/vmlinux
B=${KTSTR_BIN:-../../build/bin}/ktstr-btfres
REF_KERNEL=7.3.4+deb13-cloud-amd64
[ -f "$V" ] || skip "no $V (make kernel)"
for t in pahole jq; do
	command -v $t >/dev/null || skip "$t not installed"
done

# Kernel functions whose parameters are every curated struct.
for f in enqueue_task_scx scx_dispatch_enqueue sched_ext_ops__exit sched_ext_ops__dump \
	sched_ext_ops__init_task sched_ext_ops__exit_task sched_ext_ops__cgroup_init \
	set_cpus_allowed_scx sched_ext_ops__set_cpumask widget_poke; do
	printf '{"name":"%s","bpf":false}\n' $f
done >"$tmp/in"
"$B" --vmlinux "$V" --max-fields 400 "$tmp/in" >"$tmp/out" || { echo "ktstr-btfres failed"; exit 1; }
jq -r 'select(.params) | .params[] | select(.fields) | .struct as $s | .fields[] |
	[$s, .name, .offset, (.deref // "-"), .size, .decoder] | @tsv' "$tmp/out" | sort -u >"$tmp/fields"
[ -s "$tmp/fields" ] || { echo "no fields resolved"; exit 1; }

# How each curated field is reached: STRUCT:MEMBER hops, "." into an
# embedded struct, "->" through a pointer (a trailing "->": the pointee itself).
cat >"$tmp/paths" <<'PATHS'
task_struct pid task_struct:pid
task_struct cpus_ptr task_struct:cpus_ptr -> cpumask:bits
task_struct dsq_id task_struct:scx . sched_ext_entity:ddsp_dsq_id
task_struct enq_flags task_struct:scx . sched_ext_entity:ddsp_enq_flags
task_struct slice task_struct:scx . sched_ext_entity:slice
task_struct vtime task_struct:scx . sched_ext_entity:dsq_vtime
task_struct weight task_struct:scx . sched_ext_entity:weight
task_struct sticky_cpu task_struct:scx . sched_ext_entity:sticky_cpu
task_struct scx_flags task_struct:scx . sched_ext_entity:flags
task_struct dsq task_struct:scx . sched_ext_entity:dsq -> scx_dispatch_q:id
task_struct holding_cpu task_struct:scx . sched_ext_entity:holding_cpu
rq cpu rq:cpu
rq nr_running rq:scx . scx_rq:nr_running
rq rq_flags rq:scx . scx_rq:flags
rq curr_pid rq:curr -> task_struct:pid
scx_dispatch_q id scx_dispatch_q:id
scx_dispatch_q nr scx_dispatch_q:nr
scx_exit_info kind scx_exit_info:kind
scx_exit_info exit_code scx_exit_info:exit_code
scx_exit_info reason scx_exit_info:reason ->
scx_exit_info msg scx_exit_info:msg ->
scx_dump_ctx kind scx_dump_ctx:kind
scx_dump_ctx exit_code scx_dump_ctx:exit_code
scx_dump_ctx reason scx_dump_ctx:reason ->
scx_init_task_args fork scx_init_task_args:fork
scx_exit_task_args cancelled scx_exit_task_args:cancelled
scx_cgroup_init_args weight scx_cgroup_init_args:weight
scx_sched exit_kind scx_sched:exit_kind . atomic_t:counter
scx_sched aborting scx_sched:aborting
scx_sched bypass_depth scx_sched:bypass_depth
cpumask bits cpumask:bits
affinity_context new_mask affinity_context:new_mask -> cpumask:bits
affinity_context flags affinity_context:flags
PATHS

# "offset size" of a member of a struct (anonymous unions included), from pahole.
po() {
	[ -f "$tmp/s.$1" ] || pahole -C "$1" "$V" >"$tmp/s.$1" 2>/dev/null
	awk -v m="$2" '
	{ code = $0; sub(/\/\*.*$/, "", code) }
	code ~ ("[ *]" m "(\\[[0-9]+\\])*;[ \t]*$") &&
	    match($0, /\/\*[ ]*[0-9]+[ ]+[0-9]+[ ]*\*\//) {
		c = substr($0, RSTART + 2, RLENGTH - 4); split(c, a, " "); print a[1], a[2]; exit
	}' "$tmp/s.$1"
}

fail=0 checked=0
while IFS='	' read -r s name off deref size dec; do
	spec=$(awk -v s="$s" -v n="$name" '$1 == s && $2 == n { $1 = ""; $2 = ""; print; exit }' "$tmp/paths")
	if [ -z "$spec" ]; then
		# Auto-discovered: a direct member of the same name.
		spec="$s:$name"
		case $dec in cpumask) [ "$deref" = - ] || spec="$spec ->" ;; esac
	fi
	acc=0 eoff= ederef=- esize=
	for w in $spec; do
		case $w in
		.) ;;
		'->') eoff=$acc; acc=0; ederef=0 ;;
		*:*)
			r=$(po "${w%%:*}" "${w#*:}")
			[ -n "$r" ] || { echo "pahole: no ${w#*:} in struct ${w%%:*}"; fail=1; continue 2; }
			acc=$((acc + ${r% *})); esize=${r#* } ;;
		esac
	done
	if [ -z "$eoff" ]; then eoff=$acc; else ederef=$acc; fi
	case $dec in
	cpumask) [ "$esize" -gt 32 ] && esize=32 ;;
	string) esize=128 ;;
	esac
	if [ "$off/$deref/$size" != "$eoff/$ederef/$esize" ]; then
		echo "MISMATCH $s.$name: btfres $off/$deref/$size, pahole $eoff/$ederef/$esize ($spec)"
		fail=1
	fi
	checked=$((checked + 1))
done <"$tmp/fields"

ver=$(cat "$(dirname "$V")/version" 2>/dev/null)
if [ "$ver" = "$REF_KERNEL" ]; then
	for s in $(awk '{ print $1 }' "$tmp/paths" | sort -u); do
		grep -q "^$s	" "$tmp/fields" || { echo "curated struct $s not covered"; fail=1; }
	done
fi
echo "$checked fields checked against pahole"
[ $checked -ge 30 ] || { echo "too few fields checked"; fail=1; }
exit $fail
