/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuse_core_test_util.h - request tasks shared by the guest_fuse_core
 * suites: a GETATTR sent synchronously or in the background from a task.
 */
#ifndef VFSIM_TESTS_GUEST_FUSE_CORE_TEST_UTIL_H
#define VFSIM_TESTS_GUEST_FUSE_CORE_TEST_UTIL_H

#include <string.h>

#include "tests/guest/fuse_test_transport.h"

struct req_task {
	struct fuse_mount *fm;
	u64 nodeid;
	bool force;	 /* args.force (+ nocreds) */
	bool background; /* fuse_simple_background() */
	u32 opcode;	 /* 0: GETATTR */
	ssize_t ret;
	int end_calls;
	int end_error;
	struct fuse_getattr_in in;
	struct fuse_attr_out out;
	struct fuse_args args;
	struct task *task;
};

static inline void rt_end(struct fuse_mount *fm, struct fuse_args *args,
			  int error)
{
	struct req_task *rt = container_of(args, struct req_task, args);

	(void)fm;
	rt->end_calls++;
	rt->end_error = error;
}

static inline void rt_fill(struct req_task *rt)
{
	memset(&rt->args, 0, sizeof(rt->args));
	rt->args.opcode = rt->opcode ? rt->opcode : FUSE_GETATTR;
	rt->args.nodeid = rt->nodeid ? rt->nodeid : FUSE_ROOT_ID;
	if (rt->args.opcode == FUSE_GETATTR) {
		rt->args.in_numargs = 1;
		rt->args.in_args[0].size = sizeof(rt->in);
		rt->args.in_args[0].value = &rt->in;
		rt->args.out_numargs = 1;
		rt->args.out_args[0].size = sizeof(rt->out);
		rt->args.out_args[0].value = &rt->out;
	}
	rt->args.force = rt->force;
	rt->args.nocreds = rt->force;
	if (rt->background)
		rt->args.end = rt_end;
}

static inline int rt_fn(void *arg)
{
	struct req_task *rt = arg;

	rt_fill(rt);
	if (rt->background)
		rt->ret = fuse_simple_background(rt->fm, &rt->args, GFP_KERNEL);
	else
		rt->ret = fuse_simple_request(rt->fm, &rt->args);
	return 0;
}

/* Start a request task; it runs when the scheduler next steps. */
static inline void rt_start(struct req_task *rt, struct fuse_mount *fm,
			    bool background, bool force)
{
	memset(rt, 0, sizeof(*rt));
	rt->fm = fm;
	rt->background = background;
	rt->force = force;
	rt->ret = 1; /* not returned yet */
	rt->task = task_spawn(rt_fn, rt, background ? "bg-req" : "req",
			      TASK_SYSCALL, 0);
}

/* Reports other than the stall report a held request causes. */
static inline size_t bugs(void)
{
	return check_count() - check_count_kind("deadlock");
}

/* Run until every non-daemon task is done or blocked (a blocked one is
 * reported as "deadlock", which bugs() leaves out). */
static inline void run_idle(void)
{
	enum sched_status st;

	do
		st = sched_step();
	while (st == SCHED_STEPPED);
}

#endif
