/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A miniature "vmlinux" for ktstr-btfres data cases: the sched_ext types
 * and functions the resolver looks at, with layouts that never change.
 * Rebuild fake-vmlinux with ./mkfixtures.sh (gcc -g, then pahole -J adds .BTF).
 */
typedef unsigned char u8;
typedef unsigned int u32;
typedef int s32;
typedef long long s64;
typedef unsigned long long u64;
typedef _Bool bool;
typedef struct { int counter; } atomic_t;

enum scx_enq_flags { SCX_ENQ_WAKEUP = 1, SCX_ENQ_HEAD = 16, SCX_ENQ_PREEMPT = 1ULL << 32 };
enum scx_exit_kind { SCX_EXIT_NONE, SCX_EXIT_DONE, SCX_EXIT_ERROR = 1024, SCX_EXIT_ERROR_BPF };
enum scx_dsq_id_flags { SCX_DSQ_FLAG_BUILTIN = 1ULL << 63, SCX_DSQ_INVALID = SCX_DSQ_FLAG_BUILTIN };
enum scx_ent_flags { SCX_TASK_QUEUED = 1, SCX_TASK_STATE_SHIFT = 8 };
enum scx_signed { SCX_MINUS_ONE = -1 };
enum other_kind { OTHER_A, OTHER_B };

struct cpumask { unsigned long bits[128]; };
typedef struct cpumask cpumask_var_t[1];

struct scx_dispatch_q {
	int lock;
	struct task_struct *first_task;
	u32 nr;
	u32 seq;
	u64 id;
};

struct sched_ext_entity {
	struct scx_dispatch_q *dsq;
	u64 ddsp_dsq_id;
	u64 ddsp_enq_flags;
	u32 flags;
	u32 weight;
	s32 sticky_cpu;
	s32 holding_cpu;
	u64 slice;
	u64 dsq_vtime;
};

struct task_struct {
	unsigned int __state;
	void *stack;
	union {
		int prio;
		int boost_prio;
	};
	int pid;
	int tgid;
	const struct cpumask *cpus_ptr;
	struct sched_ext_entity scx;
	char comm[16];
};

struct scx_rq {
	u32 nr_running;
	u32 flags;
};

struct rq {
	unsigned int nr_running;
	union {
		struct task_struct *donor;
		struct task_struct *curr;
	};
	struct scx_rq scx;
	int cpu;
};

struct scx_exit_info {
	enum scx_exit_kind kind;
	s32 exit_cpu;
	s64 exit_code;
	const char *reason;
	char *msg;
};

struct scx_dump_ctx {
	enum scx_exit_kind kind;
	s64 exit_code;
	const char *reason;
};

struct scx_init_task_args { bool fork; void *cgroup; };
struct scx_exit_task_args { bool cancelled; };
struct scx_cgroup_init_args { u32 weight; };
struct scx_sched { atomic_t exit_kind; bool aborting; s32 bypass_depth; };
struct affinity_context { const struct cpumask *new_mask; unsigned int flags; };

/* No curated fields: auto-discovery reads its ints, enums and cpumasks. */
struct widget {
	int level;
	unsigned int mode : 3;
	unsigned int armed : 1;
	enum other_kind kind;
	enum scx_exit_kind exit;
	struct cpumask *mask;
	cpumask_var_t inline_mask;
	struct { u64 seq; bool on; };
	char name[8];
	void *cookie;
	u8 tiny;
	u64 pid;
	unsigned long enq_flags;
};

struct sched_ext_ops {
	s32 (*select_cpu)(struct task_struct *, s32, u64);
	void (*enqueue)(struct task_struct *, u64);
	void (*dispatch)(s32, struct task_struct *);
	s32 (*init_task)(struct task_struct *, struct scx_init_task_args *);
	void (*exit)(struct scx_exit_info *);
	u32 flags;
	char name[128];
};

struct sched_ext_ops fake_ops;
/* Referenced so that they reach DWARF, hence BTF. */
enum scx_enq_flags fake_enq;
enum scx_dsq_id_flags fake_dsq;
enum scx_ent_flags fake_ent;
enum scx_signed fake_signed;

/* The kernel's CFI stubs name the arguments; dispatch has none on purpose. */
s32 sched_ext_ops__select_cpu(struct task_struct *p, s32 prev_cpu, u64 wake_flags) { return prev_cpu + (s32)wake_flags + p->pid; }
void sched_ext_ops__enqueue(struct task_struct *p, u64 enq_flags) { p->scx.slice = enq_flags; }
s32 sched_ext_ops__init_task(struct task_struct *p, struct scx_init_task_args *args__nullable) { return p->pid + args__nullable->fork; }
void sched_ext_ops__exit(struct scx_exit_info *info) { info->exit_cpu = 0; }

int select_task_rq_scx(struct task_struct *p, int prev_cpu, int wake_flags)
{
	return p->pid + prev_cpu + wake_flags;
}

void enqueue_task_scx(struct rq *rq, struct task_struct *p, int core_enq_flags)
{
	rq->curr = p;
	p->scx.flags = core_enq_flags;
}

int __scx_init_task(struct scx_sched *sch, struct task_struct *p, bool fork)
{
	return sch->bypass_depth + p->pid + fork;
}

bool scx_claim_exit(struct scx_sched *sch, enum scx_exit_kind kind)
{
	return sch->exit_kind.counter == (int)kind;
}

int __scx_exit(struct scx_sched *sch, enum scx_exit_kind kind, s64 exit_code, const char *fmt, ...)
{
	return sch->aborting + (int)kind + (int)exit_code + fmt[0];
}

void scx_dispatch_enqueue(struct scx_sched *sch, struct rq *rq, struct scx_dispatch_q *dsq,
			  struct task_struct *p, u64 slice, u64 vtime, u64 enq_flags, s32 sticky_cpu)
{
	dsq->nr += sch->bypass_depth + rq->cpu + p->pid + (int)slice + (int)vtime + (int)enq_flags + sticky_cpu;
}

void set_cpus_allowed_scx(struct task_struct *p, struct affinity_context *ac)
{
	p->cpus_ptr = ac->new_mask;
}

void scx_dump_state(struct scx_exit_info *ei, struct scx_dump_ctx *dctx, struct scx_cgroup_init_args *args,
		    struct scx_exit_task_args *eargs)
{
	dctx->kind = ei->kind + (int)args->weight + eargs->cancelled;
}

int widget_poke(struct widget *w, struct cpumask *mask, void *opaque, const char *label)
{
	w->mask = mask;
	return w->level + (int)(long)opaque + label[0];
}
