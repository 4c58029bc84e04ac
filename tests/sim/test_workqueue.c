// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_workqueue.c - work and delayed work semantics.
 */
#include <errno.h>
#include <string.h>

#include "sim/kernel/completion.h"
#include "sim/kernel/delay.h"
#include "sim/kernel/gmem.h"
#include "sim/kernel/slab.h"
#include "sim/kernel/workqueue.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

static int runs;
static u64 ran_at;
static char ran_on[32];

static void count_fn(struct work_struct *w)
{
	(void)w;
	runs++;
	ran_at = sched_now();
	snprintf(ran_on, sizeof(ran_on), "%s", current->name);
}

static void test_no_double_queue(void)
{
	struct work_struct w;

	runs = 0;
	INIT_WORK(&w, count_fn);
	CU_ASSERT_STRING_EQUAL(w.name, "count_fn");
	CU_ASSERT_TRUE(schedule_work(&w));
	CU_ASSERT_TRUE(work_pending(&w));
	CU_ASSERT_FALSE(schedule_work(&w));
	CU_ASSERT_FALSE(queue_work(system_wq, &w));
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(runs, 1);
	CU_ASSERT_FALSE(work_pending(&w));
	CU_ASSERT_STRING_EQUAL(ran_on, "kworker/0");
	CU_ASSERT_EQUAL(workqueue_nr_executed(), 1);
	CU_ASSERT(trace_find("work.run", 0) >= 0);
	/* idle kworkers are not a deadlock */
	CU_ASSERT_EQUAL(check_count(), 0);
	CU_ASSERT_EQUAL(workqueue_init(2), -EBUSY);
}

static void test_workqueue_init_errors(void)
{
	CU_ASSERT_EQUAL(workqueue_init(0), -EINVAL);
	CU_ASSERT_EQUAL(workqueue_init(9), -EINVAL);
	CU_ASSERT_EQUAL(workqueue_init(3), 0);
	CU_ASSERT_EQUAL(sched_nr_alive(), 3);
}

static int requeues;

static void requeue_fn(struct work_struct *w)
{
	runs++;
	if (--requeues > 0)
		CU_ASSERT_TRUE(schedule_work(w)); /* pending was cleared */
	CU_ASSERT_FALSE(work_running(w) == false);
}

static void test_requeue_self_not_concurrent(void)
{
	struct work_struct w;

	runs = 0;
	requeues = 4;
	INIT_WORK(&w, requeue_fn);
	schedule_work(&w);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(runs, 4);
}

struct flusher_arg {
	struct work_struct *w;
	int waited;
};

static void slow_fn(struct work_struct *w)
{
	(void)w;
	usleep_range(50, 60);
	runs++;
}

static int flusher(void *arg)
{
	struct flusher_arg *a = arg;

	schedule_work(a->w);
	a->waited = flush_work(a->w);
	return runs;
}

static void test_flush_waits(void)
{
	struct work_struct w;
	struct flusher_arg a = { &w, 0 };
	struct task *t;
	int r = -1;

	runs = 0;
	INIT_WORK(&w, slow_fn);
	t = task_spawn(flusher, &a, "flusher", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(task_join(t, &r), 0);
	CU_ASSERT_EQUAL(r, 1);
	CU_ASSERT_TRUE(a.waited);
	CU_ASSERT_EQUAL(sched_now(), 50000);
	/* nothing pending: returns false at once */
	CU_ASSERT_FALSE(flush_work(&w));
}

static void test_delayed_fires_at_right_time(void)
{
	struct delayed_work dw;

	runs = 0;
	INIT_DELAYED_WORK(&dw, count_fn);
	CU_ASSERT_PTR_EQUAL(to_delayed_work(&dw.work), &dw);
	CU_ASSERT_TRUE(schedule_delayed_work(&dw, msecs_to_jiffies(3)));
	CU_ASSERT_TRUE(delayed_work_pending(&dw));
	CU_ASSERT_FALSE(schedule_delayed_work(&dw, 1));
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(runs, 1);
	CU_ASSERT_EQUAL(ran_at, 3000000);
	CU_ASSERT(trace_find("delay 3 jiffies", 0) >= 0);
	/* zero delay queues at once */
	CU_ASSERT_TRUE(queue_delayed_work(system_wq, &dw, 0));
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(runs, 2);
	CU_ASSERT_EQUAL(ran_at, 3000000);
}

static void test_flush_delayed_runs_now(void)
{
	struct delayed_work dw;

	runs = 0;
	INIT_DELAYED_WORK(&dw, count_fn);
	schedule_delayed_work(&dw, 1000);
	CU_ASSERT_TRUE(flush_delayed_work(&dw)); /* from outside: runs sched */
	CU_ASSERT_EQUAL(runs, 1);
	CU_ASSERT_EQUAL(sched_now(), 0);
	CU_ASSERT_EQUAL(sched_nr_timers(), 0);
	CU_ASSERT_FALSE(flush_delayed_work(&dw));
}

static void test_cancel_delayed_sync(void)
{
	struct delayed_work dw;

	runs = 0;
	INIT_DELAYED_WORK(&dw, count_fn);
	CU_ASSERT_FALSE(cancel_delayed_work_sync(&dw));
	schedule_delayed_work(&dw, 5);
	CU_ASSERT_TRUE(cancel_delayed_work_sync(&dw));
	CU_ASSERT_FALSE(delayed_work_pending(&dw));
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(runs, 0);
	CU_ASSERT_EQUAL(sched_now(), 0);
	/* cancel after the timer fired, while queued */
	schedule_delayed_work(&dw, 2);
	CU_ASSERT_EQUAL(sched_step(), SCHED_TIMER); /* kworkers are idle */
	CU_ASSERT_EQUAL(sched_nr_timers(), 0);
	CU_ASSERT_TRUE(delayed_work_pending(&dw)); /* queued, not run */
	CU_ASSERT_TRUE(cancel_delayed_work(&dw));
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(runs, 0);
	CU_ASSERT(trace_find("work.cancel", 0) >= 0);
}

static struct work_struct slow;

static int canceller(void *arg)
{
	(void)arg;
	schedule_work(&slow);
	usleep_range(10, 10); /* the work is running now */
	CU_ASSERT_TRUE(work_running(&slow));
	CU_ASSERT_FALSE(cancel_work_sync(&slow)); /* not pending: running */
	return (int)(sched_now() / 1000);
}

static void test_cancel_work_sync_waits_running(void)
{
	struct task *t;
	int r = 0;

	runs = 0;
	INIT_WORK(&slow, slow_fn);
	t = task_spawn(canceller, NULL, "c", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(task_join(t, &r), 0);
	CU_ASSERT_EQUAL(r, 50);
	CU_ASSERT_EQUAL(runs, 1);
	/* pending and cancelled before running */
	schedule_work(&slow);
	CU_ASSERT_TRUE(cancel_work_sync(&slow));
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(runs, 1);
}

static void self_flush_fn(struct work_struct *w)
{
	runs++;
	CU_ASSERT_FALSE(flush_work(w));
}

static void test_flush_self_reported(void)
{
	struct work_struct w;

	runs = 0;
	INIT_WORK(&w, self_flush_fn);
	schedule_work(&w);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(runs, 1);
	CU_ASSERT_EQUAL(check_count_kind("work.flush_self"), 1);
}

struct obj {
	struct work_struct work;
	int v;
};

static void free_self_fn(struct work_struct *w)
{
	struct obj *o = container_of(w, struct obj, work);

	runs += o->v;
	kfree(o);
}

static void test_work_may_free_itself(void)
{
	struct obj *o;

	CU_ASSERT_EQUAL_FATAL(gmem_init(1 << 20), 0);
	runs = 0;
	o = kzalloc(sizeof(*o), GFP_KERNEL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	o->v = 7;
	INIT_WORK(&o->work, free_self_fn);
	schedule_work(&o->work);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(runs, 7);
	CU_ASSERT_EQUAL(kmem_exit(), 0);
	CU_ASSERT_EQUAL(check_count(), 0);
	gmem_exit();
}

static struct completion gate;

static void gated_fn(struct work_struct *w)
{
	(void)w;
	wait_for_completion(&gate);
	runs++;
}

static void test_flush_outside_stuck_work(void)
{
	struct work_struct w;

	runs = 0;
	init_completion(&gate);
	INIT_WORK(&w, gated_fn);
	schedule_work(&w);
	/* the work can never finish: the flush stops instead of hanging */
	CU_ASSERT_TRUE(flush_work(&w));
	CU_ASSERT_EQUAL(runs, 0);
	CU_ASSERT_EQUAL(check_count_kind("deadlock"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(check_at(0)->message,
				      "kworker/0 (worker, cpu0) blocked "
				      "forever in completion gate"));
	complete(&gate);
	CU_ASSERT_TRUE(flush_work(&w)); /* still running: waits */
	CU_ASSERT_EQUAL(runs, 1);
}

static void test_exit_with_pending_timer(void)
{
	struct delayed_work dw;

	INIT_DELAYED_WORK(&dw, count_fn);
	schedule_delayed_work(&dw, 10);
	CU_ASSERT_EQUAL(sched_nr_timers(), 1);
	sched_exit(); /* disarms it */
	CU_ASSERT_FALSE(dw.timer.armed);
	CU_ASSERT_EQUAL(sched_init(NULL), 0);
}

static void test_parallel_workers(void)
{
	struct work_struct a, b;

	runs = 0;
	INIT_WORK(&a, slow_fn);
	INIT_WORK(&b, slow_fn);
	schedule_work(&a);
	schedule_work(&b);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(runs, 2);
	/* two kworkers ran them side by side */
	CU_ASSERT_EQUAL(sched_now(), 50000);
}

VT_SUITE_EACH(
	sim_workqueue, sim_test_setup, sim_test_teardown,
	VT_CASE(test_no_double_queue), VT_CASE(test_workqueue_init_errors),
	VT_CASE(test_requeue_self_not_concurrent), VT_CASE(test_flush_waits),
	VT_CASE(test_delayed_fires_at_right_time),
	VT_CASE(test_flush_delayed_runs_now), VT_CASE(test_cancel_delayed_sync),
	VT_CASE(test_cancel_work_sync_waits_running),
	VT_CASE(test_flush_self_reported), VT_CASE(test_work_may_free_itself),
	VT_CASE(test_flush_outside_stuck_work),
	VT_CASE(test_exit_with_pending_timer), VT_CASE(test_parallel_workers));
