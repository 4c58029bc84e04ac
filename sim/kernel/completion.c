// SPDX-License-Identifier: GPL-2.0-only
/*
 * completion.c - completions on top of wait queues.
 */
#include <errno.h>

#include "sim/kernel/check.h"
#include "sim/kernel/completion.h"
#include "sim/kernel/footprint.h"

void __init_completion(struct completion *x, const char *name)
{
	x->done = 0;
	__init_waitqueue_head(&x->wait, name);
}

void complete(struct completion *x)
{
	fp_touch(x);
	if (x->done != UINT_MAX)
		x->done++;
	__wake_up(&x->wait, 1);
}

void complete_all(struct completion *x)
{
	fp_touch(x);
	x->done = UINT_MAX;
	__wake_up(&x->wait, 0);
}

static void consume(struct completion *x)
{
	fp_touch(x);
	if (x->done != UINT_MAX)
		x->done--;
}

bool try_wait_for_completion(struct completion *x)
{
	fp_touch(x);
	if (!x->done)
		return false;
	consume(x);
	return true;
}

void wait_for_completion(struct completion *x)
{
	might_sleep();
	while (!x->done) {
		if (wq_wait(&x->wait, "completion", 0) == -EDEADLK) {
			check_report("completion.stuck",
				     "wait_for_completion(%s) outside tasks: "
				     "nothing can complete it",
				     x->wait.name);
			return;
		}
	}
	consume(x);
}

/* Guarantees: a completion that arrives together with the timeout is
 * still consumed and reported as success, as in the kernel. */
unsigned long wait_for_completion_timeout(struct completion *x,
					  unsigned long timeout)
{
	u64 end = sched_now() + jiffies_to_nsecs(timeout);

	might_sleep();
	while (!x->done) {
		u64 now = sched_now();

		if (now >= end ||
		    wq_wait(&x->wait, "completion", end - now) == -EDEADLK)
			break;
	}
	if (!x->done)
		return 0;
	consume(x);
	return (unsigned long)__wait_remaining(end);
}
