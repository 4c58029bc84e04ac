/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file exec_internal.h
 * @brief State shared by the executor's files: exec.c (run program,
 * triggers), exec_task.c (guest tasks), exec_expect.c (expectations).
 */
#ifndef VFSIM_SIM_CLI_EXEC_INTERNAL_H
#define VFSIM_SIM_CLI_EXEC_INTERNAL_H

#include "guest/guest_vfs.h"
#include "sim/cli/exec.h"
#include "sim/cli/machine.h"
#include "sim/sched.h"

/** @brief A handle a task opened, by name. */
struct exec_handle {
	char *name;	     ///< the scenario's handle name (host heap)
	bool isdir;	     ///< opened by opendir
	struct guest_file f; ///< the open file
};

/** @brief A path resolved on a mount: the dcache the executor keeps. */
struct exec_path {
	struct guest_fs *gfs; ///< the mount
	char *path;	      ///< absolute path (host heap)
	u64 nodeid;	      ///< what it resolved to
};

struct exec;

/** @brief One `task` block at run time. */
struct exec_task {
	struct exec *e;		     ///< the run
	const struct scn_task *st;   ///< its block
	unsigned idx;		     ///< index in the scenario (lock owner - 1)
	struct task *t;		     ///< the task, NULL until spawned
	int *results;		     ///< results by ordinal, [0] unused
	int last;		     ///< the last operation's result
	bool any;		     ///< an operation ran
	bool stopped;		     ///< stop-on-error stopped it
	struct guest_fs *gfs;	     ///< its own mount, or NULL
	struct exec_handle *handles; ///< handles by name
	size_t nr_handles;	     ///< number of handles
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
	const struct vfsim_exec_opts *o; ///< the options
	struct vfsim_result *r;		 ///< the outcome being filled
	struct vfsim_machine m;		 ///< the machine
	struct exec_task *tasks;	 ///< one per `task` block
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
	bool spawned;		       ///< the tasks were spawned
	enum sched_status status;      ///< the last run's outcome
	bool ran;		       ///< a run item was executed
	u64 leaks;		       ///< kmem_exit() at teardown
	FILE *out;		       ///< the trace as it is written
	char *out_buf;		       ///< @c out's buffer
	size_t out_len;		       ///< @c out's length
	/** host memory held by operations and actions that may block (see
	 *  exec_alloc()) */
	void **held;
	size_t nr_held;		     ///< entries in use in @c held
	size_t held_cap;	     ///< entries allocated in @c held
	struct exec_umount *umounts; ///< the shutdown's unmounts
};

/** @brief One unmount of the shutdown (exec.c), kept until the machine is
 *  gone: a stuck one may still run during its teardown. */
struct exec_umount {
	struct exec *e;	      ///< the run
	struct guest_fs *gfs; ///< the mount to unmount
};

/**
 * @brief Host memory for an operation or action that may block in the
 * guest: freed by exec_free(), or at the end of the run when its task was
 * still stuck as the machine was thrown away. Aborts when out of memory.
 */
void *exec_alloc(struct exec *e, size_t size);

/** @brief Free what exec_alloc() gave (NULL: nothing). */
void exec_free(struct exec *e, void *p);

/** @brief @p gfs was unmounted (or its unmount failed for good): drop it
 *  from the mounts left, the shared mount, the tasks and the path cache. */
void exec_mount_gone(struct exec *e, struct guest_fs *gfs);

/** @brief Body of a scenario task; @p arg is its struct exec_task. */
int exec_task_fn(void *arg);

/** @brief Free the tasks' handles, results and the path cache. */
void exec_tasks_free(struct exec *e);

/** @brief 0 for a non-negative result, else the result (an errno). */
int exec_errno_of(long ret);

/** @brief True when trace event @p ev matches pattern @p m. */
bool exec_match(const struct scn_match *m, const struct trace_event *ev);

/** @brief "0", "-ENOENT", ...: a result as the trace shows it. */
const char *exec_errname(int err);

/** @brief Evaluate the expectation of run item @p it now. */
void exec_expect(struct exec *e, const struct scn_run_item *it);

/** @brief Evaluate the expectations checked after teardown (no leaks). */
void exec_expect_after(struct exec *e);

#endif /* VFSIM_SIM_CLI_EXEC_INTERNAL_H */
