// SPDX-License-Identifier: GPL-2.0-only
/*
 * wait.c - wait queues. Their hot paths, wq_wait() and
 * __wake_up_common(), are in sched_wait.c, where the block and the wake-up
 * they make are inline in them.
 */
#include "sim/kernel/wait.h"

void __init_waitqueue_head(wait_queue_head_t *wq, const char *name)
{
	INIT_LIST_HEAD(&wq->head);
	wq->name = name && name[0] == '&' ? name + 1 : name;
}

long __wait_remaining(u64 end_ns)
{
	u64 now = sched_now();
	u64 jiffy = NSEC_PER_SEC / HZ;
	long left;

	if (now >= end_ns)
		return 1; /* the condition held at the deadline */
	left = (long)((end_ns - now + jiffy - 1) / jiffy);
	return left > 0 ? left : 1;
}
