// SPDX-License-Identifier: GPL-2.0-only
/*
 * exec_task.c - a scenario `task` as a guest program: its operations run
 * in order, repeats looped here with their iteration numbers, how often
 * each operation ran and its last result recorded, stop-on-error and
 * shutdown obeyed between operations. Each operation itself, as the
 * syscall it is, is exec_op.c's (exec_op_run()).
 */
#include <string.h>

#include "sim/cli/exec_internal.h"
#include "sim/kernel/footprint.h"
#include "sim/trace/host.h"

/*
 * Run @ops @reps times, the k-th time as iteration k: a repeat's body, or
 * the task's operations once as iteration 0. The iterations are looped
 * here rather than by the repeat's caller, so that an operation in a loop
 * costs no call of run_ops() of its own. Returns true when the task must
 * stop (stop-on-error).
 */
static bool run_ops(struct exec_task *et, const struct scn_op *ops, size_t n,
		    u64 reps)
{
	for (u64 k = 0; k < reps; k++) {
		for (size_t i = 0; i < n; i++) {
			const struct scn_op *op = &ops[i];
			const char *why = NULL;
			int ret;

			/* Shutting down: stop at the syscall boundary, as a
			 * killed process does, so nothing uses a mount being
			 * unmounted. */
			if (et->e->closing)
				return true;
			if (op->kind == SCN_OP_REPEAT) {
				if (run_ops(et, op->body, op->nr_body,
					    op->repeat))
					return true;
				continue;
			}
			et->cur = op->ordinal;
			/* the scenario's tables (paths, mounts) are shared by
			 * its tasks: a footprint object at each operation's
			 * ends */
			fp_touch(et->e);
			ret = exec_op_run(et, op, k, &why);
			fp_touch(et->e);
			if (why) {
				/* A data mismatch fails the op as EIO would. */
				ret = ret ? ret : -EIO;
			}
			et->cur = 0;
			et->ops[op->ordinal].runs++;
			et->ops[op->ordinal].result = ret;
			et->last = ret;
			et->any = true;
			if (ret && et->st->stop_on_error) {
				et->stopped_at = op->ordinal;
				return true;
			}
		}
	}
	return false;
}

/* How often each operation of @ops is to run, @mult being how often the
 * block holding them runs (saturated: a count that large never ends),
 * and which of its texts have an iteration mark. */
static void count_runs(struct exec_task *et, const struct scn_op *ops, size_t n,
		       u64 mult)
{
	for (size_t i = 0; i < n; i++) {
		const struct scn_op *op = &ops[i];
		u64 m;

		if (op->kind != SCN_OP_REPEAT) {
			const char *text[5];

			et->ops[op->ordinal].total = mult;
			exec_op_texts(op, text);
			for (unsigned t = 0; t < 5; t++)
				if (text[t] && strchr(text[t], SCN_ITER_MARK))
					et->ops[op->ordinal].iter_texts |=
						(u8)(1u << t);
			continue;
		}
		if (__builtin_mul_overflow(mult, op->repeat, &m))
			m = UINT64_MAX;
		count_runs(et, op->body, op->nr_body, m);
	}
}

void exec_task_prepare(struct exec *e, struct exec_task *et,
		       const struct scn_task *st, unsigned idx)
{
	et->e = e;
	et->st = st;
	et->idx = idx;
	et->ops = host_calloc(st->nr_ordinal + 1, sizeof(*et->ops));
	count_runs(et, st->ops, st->nr_ops, 1);
}

int exec_task_fn(void *arg)
{
	struct exec_task *et = arg;

	run_ops(et, et->st->ops, et->st->nr_ops, 1);
	return et->last;
}

void exec_tasks_free(struct exec *e)
{
	for (size_t i = 0; e->tasks && i < e->s->nr_tasks; i++) {
		struct exec_task *et = &e->tasks[i];

		for (size_t j = 0; j < et->nr_handles; j++)
			host_free(et->handles[j].name);
		for (size_t j = 0; j < 5; j++)
			host_free(et->op_text[j]);
		host_free(et->handles);
		host_free(et->ops);
	}
	host_free(e->tasks);
	e->tasks = NULL;
	exec_paths_free(e);
	host_free(e->mounts);
	e->mounts = NULL;
}
