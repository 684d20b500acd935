// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "guestlog.h"
#include "log.h"
#include "scx.h"
#include "verdict.h"

/* The checks over the timeline's stages (lib/checks.c); the first that failed, or NULL. */
static const struct check *run_checks(const struct scenario *s, struct vm_result *r)
{
	const char **stages = calloc(r->ntl + 1, sizeof(*stages));
	size_t i;

	r->nchecks = 0;
	if (!stages)
		return NULL;
	for (i = 0; i < r->ntl; i++)
		stages[i] = r->tl[i].stage;
	if (checks__run(s, stages, r->ntl, r->checks, &r->nchecks))
		warning("checks: out of memory");
	free(stages);
	for (i = 0; i < r->nchecks; i++)
		if (!r->checks[i].ok)
			return &r->checks[i];
	return NULL;
}

/*
 * What follows "SCHEDULER_NOT_ATTACHED" in its stage, ": why" as ktstr-init
 * sends it. The guest is not trusted to send the separator, or anything.
 */
static const char *not_attached_why(const char *stage)
{
	const char *w = stage + strlen("SCHEDULER_NOT_ATTACHED");

	if (*w == ':')
		w++;
	while (*w == ' ')
		w++;
	return *w ? w : "no reason given";
}

void verdict__judge(const struct vm_run_opts *o, struct vm_result *r, bool timed_out, bool panic)
{
	const struct scenario *s = o->scn;
	const struct vm_tl *sysrdy = guestlog__tl_find(r, "sys_rdy", 0);
	const struct vm_tl *na = guestlog__tl_find(r, "SCHEDULER_NOT_ATTACHED", 0);
	const struct vm_tl *trouble = NULL, *done = guestlog__tl_find(r, "workload done", 0), *last, *td = NULL;
	size_t from = sysrdy ? (size_t)(sysrdy - r->tl) : 0;
	const struct check *failed = NULL;
	bool late_error = false, in_teardown = false;

	r->reached_workload = sysrdy != NULL;
	if (sysrdy && o->sched_path) {
		/*
		 * Any time until ktstr-init stops the scheduler, teardown included:
		 * from then on it says "scheduler stopped" and no longer watches
		 * the state, so these stages are always the scheduler's own doing.
		 */
		const struct vm_tl *a = guestlog__tl_find(r, "scheduler died", from);
		const struct vm_tl *b = guestlog__tl_find(r, "sched_ext state left", from);

		td = guestlog__tl_find(r, "teardown", from);
		trouble = a && b ? (a->t < b->t ? a : b) : a ? a : b;
		/*
		 * An error exit in the moment between the teardown stage and the
		 * stop (a watchdog stall found late) leaves no stage, but its
		 * kind says so: an unload never turns into an error exit.
		 */
		late_error = !trouble && r->have_exit && scx__exit_is_error(r->exit_code, r->exit_reason);
		in_teardown = late_error || (trouble && td && trouble >= td);
	}
	last = r->ntl ? &r->tl[r->ntl - 1] : NULL;
	/* Measured only over a whole workload: an aborted one's numbers mean little. */
	if (sysrdy && done && (!trouble || trouble > done))
		failed = run_checks(s, r);
	r->verdict = "fail";
	/*
	 * A kind below SCX_EXIT_ERROR is an unregistration (ktstr-init
	 * stopping a scheduler that was not enabled in time, or its own
	 * exit), not an error; -1 is a kernel "disabled" message of no known
	 * kind.
	 */
	if (na && r->have_exit && (r->exit_code < 0 || r->exit_code >= SCX_EXIT_KIND_ERROR)) {
		/* sched_ext disabled it: it attached, then failed before user space saw "enabled". */
		r->verdict = s->expect_err ? "pass" : "fail";
		snprintf(r->reason, sizeof(r->reason), "scheduler error during enable: %.400s%s",
			 r->exit_msg[0] ? r->exit_msg : r->exit_reason[0] ? r->exit_reason : r->exit_kind,
			 s->expect_err ? " (expected an error)" : "");
	} else if (na && !strncmp(not_attached_why(na->stage), "kernel has no sched_ext", 23)) {
		/* The wrong kernel, not the scheduler's failure: no verdict on it. */
		r->verdict = "error";
		r->env_error = true;
		snprintf(r->reason, sizeof(r->reason), "the guest kernel cannot run a sched_ext scheduler: %.400s",
			 not_attached_why(na->stage));
	} else if (na) {
		r->verdict = s->expect_err ? "pass" : "fail";
		snprintf(r->reason, sizeof(r->reason), "scheduler did not attach: %.400s%s",
			 r->load_error[0] ? r->load_error : not_attached_why(na->stage),
			 s->expect_err ? " (expected an error)" : "");
	} else if (trouble || late_error) {
		/* A late error has no stage of its own: the teardown is when it was seen. */
		double at = (trouble ? trouble : td ? td : last)->t - sysrdy->t;

		if (s->expect_err) {
			r->verdict = "pass";
			snprintf(r->reason, sizeof(r->reason), "scheduler exited with an error as expected (%s, %.1fs into test)",
				 r->have_exit ? r->exit_kind : "no exit record", at);
		} else if (late_error) {
			snprintf(r->reason, sizeof(r->reason),
				 "scheduler exited with an error during teardown, before it was stopped: %s: %.300s",
				 r->exit_kind, r->exit_msg[0] ? r->exit_msg : r->exit_reason);
		} else {
			snprintf(r->reason, sizeof(r->reason),
				 "scheduler process died unexpectedly during %s (%.1fs into test)",
				 in_teardown ? "teardown, before it was stopped" : "workload", at);
		}
	} else if (timed_out) {
		snprintf(r->reason, sizeof(r->reason), "VM timed out (last stage: %s)", last ? last->stage : "none");
	} else if (panic) {
		snprintf(r->reason, sizeof(r->reason), "kernel panic %s", sysrdy ? "during workload" : "before sys_rdy");
	} else if (!sysrdy) {
		snprintf(r->reason, sizeof(r->reason), "VM stopped before sys_rdy (last stage: %s)",
			 last ? last->stage : "none");
	} else if (!done || !guestlog__tl_find(r, "poweroff", from)) {
		snprintf(r->reason, sizeof(r->reason), "VM stopped during the workload (last stage: %s)",
			 last ? last->stage : "none");
	} else if (s->expect_err) {
		snprintf(r->reason, sizeof(r->reason), "expected the scheduler to exit with an error, but it ran to the end");
	} else if (failed) {
		/* Not crashing is not passing. */
		snprintf(r->reason, sizeof(r->reason), "%s", failed->reason);
	} else {
		r->verdict = "pass";
		snprintf(r->reason, sizeof(r->reason), "workload completed");
	}
	/* It quotes timeline stages, which snprintf may have cut mid-character. */
	guestlog__clean_in_place(r->reason, sizeof(r->reason));
}
