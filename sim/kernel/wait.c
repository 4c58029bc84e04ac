// SPDX-License-Identifier: GPL-2.0-only
/*
 * wait.c - wait queues.
 */
#include <assert.h>
#include <errno.h>

#include "sim/kernel/footprint.h"
#include "sim/kernel/wait.h"

void __init_waitqueue_head(wait_queue_head_t *wq, const char *name)
{
	INIT_LIST_HEAD(&wq->head);
	wq->name = name && name[0] == '&' ? name + 1 : name;
}

/* Guarantees: on return the entry is unlinked, whatever ended the wait. */
int wq_wait(wait_queue_head_t *wq, const char *what, u64 timeout_ns)
{
	struct wait_queue_entry wait = { .task = current };
	int ret;

	if (!current)
		return sched_block(what, wq->name, timeout_ns);
	fp_touch(wq);
	list_add_tail(&wait.entry, &wq->head);
	ret = sched_block(what, wq->name, timeout_ns);
	if (wait.entry.next != &wait.entry)
		list_del_init(&wait.entry);
	return ret;
}

unsigned __wake_up_common(wait_queue_head_t *wq, unsigned nr)
{
	unsigned n = 0;

	fp_touch(wq);
	while (!list_empty(&wq->head) && (!nr || n < nr)) {
		struct wait_queue_entry *w = list_first_entry(
			&wq->head, struct wait_queue_entry, entry);

		list_del_init(&w->entry);
		sched_wake(w->task);
		n++;
	}
	/* A woken task may run on another CPU at once, before the waker's
	 * next line: a preemption point once every waiter is off the list
	 * (fifo goes on, and records the 0). */
	if (n)
		sched_event_point();
	return n;
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
