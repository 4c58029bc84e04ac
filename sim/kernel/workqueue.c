// SPDX-License-Identifier: GPL-2.0-only
/*
 * workqueue.c - one shared queue served by a pool of kworker tasks.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>

#include "sim/kernel/check.h"
#include "sim/kernel/footprint.h"
#include "sim/kernel/sched.h"
#include "sim/trace/trace.h"
#include "sim/kernel/wait.h"
#include "sim/kernel/workqueue.h"
#include "sim/trace/image.h"

#define MAX_WORKERS 8

static struct workqueue_struct system_wq_s = { "events" };
struct workqueue_struct *system_wq = &system_wq_s;

struct kworker {
	struct task *task;
	/* Compared, never dereferenced: the function may free its work. */
	const struct work_struct *running;
	char name[16];
};

static struct {
	unsigned nr;
	struct kworker workers[MAX_WORKERS];
	struct list_head queue;
	wait_queue_head_t idle; /* kworkers with nothing to do */
	wait_queue_head_t done; /* flushers and cancellers */
	u64 executed;
} W;

/* vfsim's own: set while a machine is built, so a machine image
 * (sim/trace/image.h) puts it back as the set-up left it */
IMAGE_STATE(W)
IMAGE_STATE(system_wq_s)

bool work_running(const struct work_struct *w)
{
	fp_touch(&W);
	for (unsigned i = 0; i < W.nr; i++)
		if (W.workers[i].running == w)
			return true;
	return false;
}

static bool queued(const struct work_struct *w)
{
	fp_touch(&W);
	return w->entry.next != &w->entry;
}

/* The first queued item no other worker is running (non-reentrancy). */
static struct work_struct *pick(void)
{
	struct work_struct *w;

	list_for_each_entry(w, &W.queue, entry)
		if (!work_running(w))
			return w;
	return NULL;
}

static int worker_fn(void *arg)
{
	struct kworker *k = arg;

	for (;;) {
		struct work_struct *w = pick();
		work_func_t fn;

		if (!w) {
			wq_wait(&W.idle, SCHED_WAIT_IDLE, 0);
			continue;
		}
		list_del_init(&w->entry);
		w->pending = false;
		k->running = w;
		fn = w->func;
		TRACE(.kind = "work.run", .func = w->name);
		/* another CPU may get ahead of the item just taken */
		sched_event_point();
		fn(w);
		/* w may be gone now; no footprint event of its own: the
		 * flushers learn it through W.done's wake-up, in this step */
		k->running = NULL;
		W.executed++;
		wake_up_all(&W.done);
		if (!list_empty(&W.queue))
			wake_up_all(&W.idle);
	}
	return 0;
}

int workqueue_init(unsigned nr_workers)
{
	if (W.nr)
		return -EBUSY;
	if (!nr_workers || nr_workers > MAX_WORKERS)
		return -EINVAL;
	assert(sched_ready());
	INIT_LIST_HEAD(&W.queue);
	__init_waitqueue_head(&W.idle, "kworker-idle");
	__init_waitqueue_head(&W.done, "work-done");
	W.executed = 0;
	for (unsigned i = 0; i < nr_workers; i++) {
		struct kworker *k = &W.workers[i];

		snprintf(k->name, sizeof(k->name), "kworker/%u", i);
		k->running = NULL;
		k->task = task_spawn_flags(worker_fn, k, k->name, TASK_WORKER,
					   (int)i, TASK_F_DAEMON);
		assert(k->task);
	}
	W.nr = nr_workers;
	return 0;
}

void workqueue_reset(void)
{
	W.nr = 0;
	INIT_LIST_HEAD(&W.queue);
}

static void ensure_pool(void)
{
	if (!W.nr) {
		unsigned n = sched_nr_cpus();

		workqueue_init(n > MAX_WORKERS ? MAX_WORKERS : n);
	}
}

void __init_work(struct work_struct *w, work_func_t func, const char *name)
{
	INIT_LIST_HEAD(&w->entry);
	w->func = func;
	w->name = name;
	w->pending = false;
}

static void delayed_timer_fn(struct sim_timer *timer);

void __init_delayed_work(struct delayed_work *dw, work_func_t func,
			 const char *name)
{
	__init_work(&dw->work, func, name);
	dw->timer.armed = false;
	dw->timer.fn = delayed_timer_fn;
	dw->timer.idle = NULL;
}

/* The work is pending already; put it on the queue and wake a worker.
 * A busy worker may take it on another CPU before the queuer goes on:
 * a preemption point (the wake-up is one when it woke an idle worker). */
static void enqueue(struct work_struct *w)
{
	ensure_pool();
	fp_touch(&W);
	assert(w->pending && !queued(w));
	list_add_tail(&w->entry, &W.queue);
	if (!__wake_up(&W.idle, 1))
		sched_event_point();
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *w)
{
	fp_touch(&W);
	if (w->pending)
		return false;
	w->pending = true;
	TRACE(.kind = "work.queue", .func = w->name, .queue = wq->name);
	enqueue(w);
	return true;
}

bool schedule_work(struct work_struct *w)
{
	return queue_work(system_wq, w);
}

static void delayed_timer_fn(struct sim_timer *timer)
{
	struct delayed_work *dw =
		container_of(timer, struct delayed_work, timer);

	TRACE(.kind = "timer.fire", .func = dw->work.name);
	enqueue(&dw->work);
}

bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw,
			unsigned long delay)
{
	fp_touch(&W);
	if (dw->work.pending)
		return false;
	if (!delay)
		return queue_work(wq, &dw->work);
	dw->work.pending = true;
	TRACE(.kind = "work.queue", .func = dw->work.name, .queue = wq->name,
	      .args = TRACE_FMT("delay %lu jiffies", delay));
	ensure_pool();
	sim_timer_arm(&dw->timer, sched_now() + jiffies_to_nsecs(delay),
		      delayed_timer_fn);
	return true;
}

bool schedule_delayed_work(struct delayed_work *dw, unsigned long delay)
{
	return queue_delayed_work(system_wq, dw, delay);
}

static bool running_self(const struct work_struct *w)
{
	fp_touch(&W);
	for (unsigned i = 0; i < W.nr; i++)
		if (W.workers[i].task == current && W.workers[i].running == w)
			return true;
	return false;
}

/* Wait until @cond_pending (if asked) and running are both false. */
static bool wait_idle(struct work_struct *w, bool pending_too, const char *func)
{
	bool waited = false;

	might_sleep();
	if (running_self(w)) {
		check_report("work.flush_self",
			     "%s(%s) from inside the work itself would "
			     "deadlock",
			     func, w->name);
		return false;
	}
	while ((pending_too && w->pending) || work_running(w)) {
		waited = true;
		if (wq_wait(&W.done, "flush", 0) == -EDEADLK)
			break;
	}
	return waited;
}

bool flush_work(struct work_struct *w)
{
	return wait_idle(w, true, "flush_work");
}

bool flush_delayed_work(struct delayed_work *dw)
{
	if (sim_timer_cancel(&dw->timer))
		enqueue(&dw->work);
	return wait_idle(&dw->work, true, "flush_delayed_work");
}

static bool unqueue(struct work_struct *w)
{
	fp_touch(&W);
	bool was = w->pending;

	if (queued(w))
		list_del_init(&w->entry);
	w->pending = false;
	if (was)
		TRACE(.kind = "work.cancel", .func = w->name);
	return was;
}

bool cancel_work_sync(struct work_struct *w)
{
	bool was = unqueue(w);

	wait_idle(w, false, "cancel_work_sync");
	return was;
}

bool cancel_delayed_work(struct delayed_work *dw)
{
	sim_timer_cancel(&dw->timer);
	return unqueue(&dw->work);
}

bool cancel_delayed_work_sync(struct delayed_work *dw)
{
	bool was = cancel_delayed_work(dw);

	wait_idle(&dw->work, false, "cancel_delayed_work_sync");
	return was;
}

u64 workqueue_nr_executed(void)
{
	return W.executed;
}
