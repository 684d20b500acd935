#!/bin/sh
# Every op of the bridge table whose kernel caller is absent from the BTF in
# use gets a "no kernel caller" note (set_cpumask, dequeue, ... as much as
# enqueue): a kernel built here with sched_ext_ops members but none of the
# callers.
. ../lib.sh
B=${KTSTR_BIN:-../../build/bin}/ktstr-btfres
command -v gcc >/dev/null && command -v pahole >/dev/null && command -v jq >/dev/null ||
	skip "gcc, pahole or jq missing"
cat >"$tmp/k.c" <<'C'
struct task_struct { int pid; };
struct cpumask { unsigned long bits[4]; };
struct sched_ext_ops {
	void (*enqueue)(struct task_struct *, unsigned long long);
	void (*set_cpumask)(struct task_struct *, const struct cpumask *);
	void (*dequeue)(struct task_struct *, unsigned long long);
	void (*cpu_online)(int);
};
struct sched_ext_ops ops;
C
gcc -g -O0 -shared -fPIC -nostdlib "$tmp/k.c" -o "$tmp/vmlinux" && pahole -J "$tmp/vmlinux" 2>/dev/null ||
	{ echo "cannot build the test kernel"; exit 1; }
printf '{"name":"x_%s","bpf":true}\n' enqueue set_cpumask dequeue cpu_online >"$tmp/in"
"$B" --vmlinux "$tmp/vmlinux" "$tmp/in" >"$tmp/out" || { echo "ktstr-btfres failed"; exit 1; }
got=$(jq -c 'select(.kind == "bpf") | [.op, [.notes[]? | select(test("kernel caller"))]]' "$tmp/out" | tr '\n' ' ')
want='["enqueue",["no kernel caller of ops.enqueue in this BTF"]] ["set_cpumask",["no kernel caller of ops.set_cpumask in this BTF"]] ["dequeue",["no kernel caller of ops.dequeue in this BTF"]] ["cpu_online",[]] '
[ "$got" = "$want" ] || { echo "got:      $got"; echo "expected: $want"; exit 1; }
