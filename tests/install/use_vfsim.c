// SPDX-License-Identifier: GPL-2.0-only
/*
 * use_vfsim.c - a user's program built against an installed libvfsim
 * (make check-install): it must compile with only the pkg-config flags,
 * and its few calls across the layers must work.
 */
#include <stdio.h>

#include "fuse_proto/fuse_msg.h"
#include "sim/kernel/gmem.h"
#include "sim/kernel/sched.h"
#include "sim/trace/trace.h"

static int task_fn(void *arg)
{
	*(int *)arg = 42;
	return 0;
}

int main(void)
{
	struct fuse_getattr_in in = { 0 };
	struct fuse_attr_out out;
	struct fuse_proto_args args = {
		.opcode = FUSE_GETATTR,
		.nodeid = FUSE_ROOT_ID,
		.in_numargs = 1,
		.in_args = { { sizeof(in), &in } },
		.out_numargs = 1,
		.out_args = { { sizeof(out), &out } },
	};
	struct fuse_proto_req req;
	char buf[256];
	ssize_t len;
	int value = 0;

	len = fuse_proto_build_request(buf, sizeof(buf), 2, &args, 0, 0, 1);
	if (len < 0 || fuse_proto_parse_request(buf, (size_t)len, &req) ||
	    req.opcode != FUSE_GETATTR) {
		fprintf(stderr, "use_vfsim: FUSE request round trip failed\n");
		return 1;
	}
	trace_reset(true);
	if (gmem_init(1 << 20) || sched_init(NULL)) {
		fprintf(stderr, "use_vfsim: machine setup failed\n");
		return 1;
	}
	task_spawn(task_fn, &value, "t", TASK_SYSCALL, 0);
	if (sched_run() != SCHED_DONE || value != 42) {
		fprintf(stderr, "use_vfsim: the task did not run\n");
		return 1;
	}
	sched_exit();
	gmem_exit();
	printf("use_vfsim: %s round trip, task ran, %llu trace events\n",
	       fuse_opcode_name(req.opcode), (unsigned long long)trace_count());
	trace_reset(false);
	return 0;
}
