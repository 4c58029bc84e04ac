/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * exec_internal.h - state shared by the executor's files: exec.c (run
 * program, triggers), exec_task.c (guest tasks), exec_expect.c.
 */
#ifndef VFSIM_SIM_CLI_EXEC_INTERNAL_H
#define VFSIM_SIM_CLI_EXEC_INTERNAL_H

#include "guest/guest_vfs.h"
#include "sim/cli/exec.h"
#include "sim/cli/machine.h"
#include "sim/sched.h"

/* A handle a task opened, by name. */
struct exec_handle {
	char *name;
	bool isdir;
	struct guest_file f;
};

/* A path resolved on a mount: the dcache the executor keeps. */
struct exec_path {
	struct guest_fs *gfs;
	char *path;
	u64 nodeid;
};

struct exec;

/* One `task` block at run time. */
struct exec_task {
	struct exec *e;
	const struct scn_task *st;
	unsigned idx;
	struct task *t;	      /* NULL until spawned */
	int *results;	      /* by ordinal, [0] unused */
	int last;	      /* last op's result */
	bool any;	      /* an op ran */
	bool stopped;	      /* stop-on-error stopped it */
	struct guest_fs *gfs; /* its own mount, or NULL */
	struct exec_handle *handles;
	size_t nr_handles;
};

/* One `at` block's timer. */
struct exec_timer {
	struct sim_timer timer;
	struct exec *e;
	size_t idx;
};

struct exec {
	const struct scenario *s;
	const struct vfsim_exec_opts *o;
	struct vfsim_result *r;
	struct vfsim_machine m;
	struct exec_task *tasks;
	struct guest_fs *shared; /* the last mount made, for tasks without */
	struct exec_path *paths;
	size_t nr_paths;
	struct guest_fs **mounts; /* mounts not yet unmounted */
	size_t nr_mounts;
	bool *pending; /* per trigger: due, actions not started */
	bool *fired;   /* per trigger: started */
	struct exec_timer *timers;
	const struct scn_match *until; /* `run until EVENT` in progress */
	bool until_hit;
	bool spawned;
	enum sched_status status; /* last run's outcome */
	bool ran;		  /* a run item was executed */
	u64 leaks;		  /* kmem_exit() at teardown */
};

/* exec_task.c */
int exec_task_fn(void *arg);
void exec_tasks_free(struct exec *e);
int exec_errno_of(long ret);

/* exec.c */
bool exec_match(const struct scn_match *m, const struct trace_event *ev);
const char *exec_errname(int err);

/* exec_expect.c */
void exec_expect(struct exec *e, const struct scn_run_item *it);
void exec_expect_after(struct exec *e);

#endif
