/* SPDX-License-Identifier: GPL-2.0 */
/* A struct_ops object for ktstr-btfres data cases (see mkfixtures.sh). */
typedef unsigned long long u64;
typedef int s32;

#define SEC(name) __attribute__((section(name), used))

struct task_struct {
	int pid;
} __attribute__((preserve_access_index));

struct sched_ext_ops {
	s32 (*select_cpu)(struct task_struct *, s32, u64);
	void (*enqueue)(struct task_struct *, u64);
	void (*dispatch)(s32, struct task_struct *);
	char name[128];
};

int seen;

/* A subprogram with a prototype of its own. */
__attribute__((noinline)) int tiny_helper(struct task_struct *p, int weight)
{
	return p->pid + weight;
}

/* struct_ops programs take one context argument, as BPF_PROG() writes them. */
SEC("struct_ops/tiny_select_cpu")
s32 tiny_select_cpu(unsigned long long *ctx)
{
	return (s32)ctx[1];
}

SEC("struct_ops/tiny_enqueue")
void tiny_enqueue(unsigned long long *ctx)
{
	struct task_struct *p = (void *)ctx[0];

	seen += tiny_helper(p, (int)ctx[1]);
}

SEC("struct_ops/tiny_dispatch")
void tiny_dispatch(unsigned long long *ctx)
{
	seen++;
}

SEC("struct_ops/tiny_init_task")
s32 tiny_init_task(unsigned long long *ctx)
{
	return 0;
}

SEC("struct_ops/tiny_exit")
void tiny_exit(unsigned long long *ctx)
{
	seen = 0;
}

SEC("struct_ops/tiny_frobnicate")
void tiny_frobnicate(unsigned long long *ctx)
{
}

SEC(".struct_ops.link")
struct sched_ext_ops tiny_ops = {
	.select_cpu = (void *)tiny_select_cpu,
	.enqueue = (void *)tiny_enqueue,
	.dispatch = (void *)tiny_dispatch,
	.name = "tiny",
};

char _license[] SEC("license") = "GPL";
