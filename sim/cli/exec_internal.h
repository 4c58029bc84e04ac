/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file exec_internal.h
 * @brief State shared by the executor's files: session.c (the machine,
 * the trace sink, stepping, teardown), exec.c (the run program),
 * exec_action.c (`at`/`on` actions), exec_task.c (guest tasks),
 * exec_op.c (a task's operations), exec_expect.c (expectations).
 * @ingroup sim_cli
 */
#ifndef VFSIM_SIM_CLI_EXEC_INTERNAL_H
#define VFSIM_SIM_CLI_EXEC_INTERNAL_H

#include "guest/vfsim_syscalls.h"
#include "sim/cli/exec.h"
#include "sim/cli/machine.h"
#include "sim/cli/session.h"
#include "sim/kernel/sched.h"

/** @brief A handle a task opened, by name. */
struct exec_handle {
	char *name;	     ///< the scenario's handle name (host heap)
	bool isdir;	     ///< opened by opendir
	bool closed;	     ///< released: the name stays, the file is gone
	struct guest_file f; ///< the open file
};

/** @brief A path resolved on a mount: the dcache the executor keeps. */
struct exec_path {
	struct guest_fs *gfs; ///< the mount
	char *path;	      ///< absolute path (host heap)
	u64 nodeid;	      ///< what it resolved to
};

struct exec;

/**
 * @brief What one operation of a task (by ordinal) did, so that an
 * expectation about it can tell a result from an operation that never ran,
 * is still under way, or did not run as often as its repeats say.
 */
struct exec_op_state {
	u64 runs;   ///< times it completed
	u64 total;  ///< times the task's body runs it (its repeats' product)
	int result; ///< the result of its last completed run
	/** the path or handle its scn.op event names, interned
	 *  (trace_name()) when written without `$i`, so the trace records
	 *  it without looking its text up; NULL until it first runs */
	const char *shown;
	/** which of its texts (path, path2, handle, data, tag: bits 0-4)
	 *  hold `$i`, found once before the task runs, so that an
	 *  operation without them looks at none of its texts again */
	u8 iter_texts;
};

/** @brief One `task` block at run time. */
struct exec_task {
	struct exec *e;		   ///< the run
	const struct scn_task *st; ///< its block
	unsigned idx;		   ///< index in the scenario (lock owner - 1)
	struct task *t;		   ///< the task, NULL until spawned
	struct exec_op_state *ops; ///< per operation by ordinal, [0] unused
	unsigned cur;		   ///< ordinal of the operation under way, or 0
	unsigned stopped_at;	   ///< stop-on-error stopped it here, or 0
	int last;		   ///< the last operation's result
	bool any;		   ///< an operation ran
	struct guest_fs *gfs;	   ///< its own mount, or NULL
	struct exec_handle *handles; ///< handles by name
	size_t nr_handles;	     ///< number of handles
	/** the running operation's texts expanded into copies (freed by
	 *  exec_op_run(), or by exec_tasks_free() when the task never got
	 *  back); NULL for a text used as written */
	char *op_text[5];
};

/** @brief One `at` block's timer. */
struct exec_timer {
	struct sim_timer timer; ///< armed at the block's time
	struct exec *e;		///< the run
	size_t idx;		///< the block's index
};

/** @brief One scenario run. */
struct exec {
	const struct scenario *s;	 ///< the scenario
	const struct vfsim_exec_opts *o; ///< the options (@c opts)
	struct vfsim_exec_opts opts;	 ///< the caller's options, copied
	struct vfsim_result *r;		 ///< the outcome being filled
	struct vfsim_machine m;		 ///< the machine
	struct exec_task *tasks;	 ///< one per `task` block
	size_t room; ///< slots of @c tasks (tasks may be added, see session.h)
	struct guest_fs *shared;   ///< last mount made, for tasks without one
	struct exec_path *paths;   ///< resolved paths
	size_t nr_paths;	   ///< number of resolved paths
	struct guest_fs **mounts;  ///< mounts not yet unmounted
	size_t nr_mounts;	   ///< number of those
	bool *pending;		   ///< per trigger: due, actions not started
	bool *fired;		   ///< per trigger: started
	struct exec_timer *timers; ///< per trigger (used by `at` only)
	const struct scn_match *until; ///< `run until EVENT` in progress
	bool until_hit;		       ///< its event was seen
	bool over;	///< the run in progress found the run over
	u64 until_time; ///< `run until time` in progress, or 0
	/** the run in progress has no trigger, no `run until time` and no
	 *  explorer's abandon flag, and neither an unexpected report
	 *  (stop_unexpected) nor the `run until`'s event (until_hit) came:
	 *  what stop_pred() would test at every step, found once and
	 *  cleared where the last two are set */
	bool pred_plain;
	bool spawned;		  ///< the tasks were spawned
	bool closing;		  ///< shutting down: tasks stop
	enum sched_status status; ///< the last run's outcome
	bool ran;		  ///< a run item was executed
	/** vfsim_exec(): fail on unaccounted reports and the step limit */
	bool strict;
	/** vfsim_exec_opts::stop_at_unexpected: a report no expectation
	 *  accounts for was filed; the run stops at the next step */
	bool stop_unexpected;
	u64 limit_pos;	    ///< trace position of SCHED_LIMIT, or 0
	u64 limit_steps;    ///< steps taken when it was reached
	bool limit_trace;   ///< it was the kept trace's memory budget
	u64 time_limit_pos; ///< trace position of SCHED_TIME_LIMIT, or 0
	/** the tasks still running when a limit was first reached */
	char limit_tasks[256];
	u64 leaks; ///< kmem_exit() at teardown
	bool out;  ///< the trace text is written (text, jsonl, perfetto)
	bool json; ///< the text is JSON Lines
	/** text or JSONL written, no chart drawn: the sink's first case */
	bool text_only;
	struct trace_text text;		 ///< the trace as it is written
	struct trace_msc *msc;		 ///< the sequence chart, or NULL
	struct trace_perfetto *perfetto; ///< the Perfetto writer, or NULL
};

/* @op's texts in the order of exec_task::op_text. */
static inline void exec_op_texts(const struct scn_op *op, const char *t[5])
{
	t[0] = op->path;
	t[1] = op->path2;
	t[2] = op->handle;
	t[3] = op->data;
	t[4] = op->tag;
}

/**
 * @brief (exec_op.c) Run operation @p op of task @p et, its texts with
 * `$i` expanded for iteration @p iter, and trace its result (the scn.op
 * event).
 * @param et the task (the caller, a task body: operations may sleep)
 * @param op one of its operations, not a repeat
 * @param iter the iteration of the repeat around it, or 0
 * @param why set when an expect= of the operation did not hold (left
 *        as it is otherwise; the caller sets it to NULL)
 * @return its result: 0, or a negative errno (-EIO for a failed expect=)
 */
int exec_op_run(struct exec_task *et, const struct scn_op *op,
		unsigned long iter, const char **why);

/** @brief (exec_op.c) Forget every resolved path and free the cache. */
void exec_paths_free(struct exec *e);

/** @brief Body of a scenario task; @p arg is its struct exec_task. */
int exec_task_fn(void *arg);

/**
 * @brief Prepare @p et for block @p st: its operation table, with the
 * times each operation is to run.
 */
void exec_task_prepare(struct exec *e, struct exec_task *et,
		       const struct scn_task *st, unsigned idx);

/**
 * @brief (exec_expect.c) What an expectation about task @p et may read: the result of
 * operation @p op (0: the task's return, the last operation's result),
 * or why there is none.
 * @param et the task
 * @param op an ordinal of the task, or 0
 * @param result set to the result when there is one
 * @param why set, when there is none, to what happened instead ("op 3
 *        never ran: ...", "op 3 still waiting: ...", "the task has not
 *        returned: ...")
 * @return true with @p *result set, false with @p *why set (a bool, not
 *         a NULL message, so that the compiler sees @p *result set on
 *         every path that reports one)
 */
bool exec_task_result(const struct exec_task *et, unsigned op, int *result,
		      const char **why);

/**
 * @brief Where task @p t is: "runnable", "blocked in KIND NAME" or
 * "done" (in a trace_fmt() buffer).
 */
const char *exec_task_where(const struct task *t);

/** @brief Free the tasks' handles, results and the path cache. */
void exec_tasks_free(struct exec *e);

/** @brief (exec_op.c) 0 for a non-negative result, else the result (an
 *  errno). */
int exec_errno_of(long ret);

/** @brief A session is its run (session.h's opaque type). */
struct vfsim_session {
	struct exec e; ///< the run
};

/**
 * @brief Install the session's sink: every event to the full sink while
 * it writes them or a trigger or `run until` matches them, else only
 * those the machine's checkers follow (trace_set_sink_filter()), straight
 * to them; called again whenever e->until changes.
 */
void exec_sink_scope(struct exec *e);

/**
 * @brief The run is over: sched_tasks_done(), no `at`/`on` block due or
 * still to come at a time, and no `run until time` in progress.
 */
bool exec_run_over(struct exec *e);

/** @brief Start a task for every due `at`/`on` block.
 *  @return true when one was started */
bool exec_fire_pending(struct exec *e);

/** @brief Perform action @p a now, traced with its result (exec_action.c;
 *  the caller is a task, as actions may sleep). */
void exec_action_run(struct exec *e, const struct scn_action *a);

/** @brief Start the task that runs trigger @p i's actions (exec_action.c). */
void exec_trigger_start(struct exec *e, size_t i);

/** @brief Execute run item @p it (run, run until, step, expect). */
void exec_run_item(struct exec *e, const struct scn_run_item *it);

/** @brief "0", "-ENOENT", ...: a result as the trace shows it. */
const char *exec_errname(int err);

/** @brief Evaluate the expectation of run item @p it now. */
void exec_expect(struct exec *e, const struct scn_run_item *it);

/** @brief `device.FIELD` of an expectation now (dead, paused, inodes,
 *  handles, lookups, suspended, requests). */
int64_t exec_device_field(struct exec *e, const char *field);

/** @brief Evaluate the expectations checked after teardown (no leaks). */
void exec_expect_after(struct exec *e);

/** @brief Note the outcome @p st of a run or step (the step limit). */
void exec_note_status(struct exec *e, enum sched_status st);

/**
 * @brief vfsim_exec()'s checks of what no expectation looked at: print
 * and count the first @p nr_reports checker reports the scenario did not
 * account for, the step limit, and the replay list's warnings.
 */
void exec_check_unexpected(struct exec *e, size_t nr_reports);

/** @brief (exec_expect.c) Does an expectation of @p s account for reports
 *  of @p kind (`expect reports`, `expect report KIND`, `expect status
 *  deadlock`)? */
bool exec_accounted(const struct scenario *s, const char *kind);

#endif /* VFSIM_SIM_CLI_EXEC_INTERNAL_H */
