// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_sched_end.c - how a run can end besides done and deadlock: the
 * virtual-time limit, and sched_tasks_done() (only timers left).
 */
#include "sim/kernel/sched.h"
#include "sim_test_util.h"
#include "tests/harness.h"

static unsigned fired;

static void count_fire(struct sim_timer *t)
{
	(void)t;
	fired++;
}

static void test_time_limit(void)
{
	struct sim_timer t = { 0 };

	fired = 0;
	CU_ASSERT_EQUAL(sched_max_time(), 0);
	sched_set_max_time(1000);
	CU_ASSERT_EQUAL(sched_max_time(), 1000);
	sim_timer_arm(&t, 1000, count_fire);
	CU_ASSERT_EQUAL(sched_step(), SCHED_TIMER); /* at the limit: fine */
	CU_ASSERT_EQUAL(sched_now(), 1000);
	sim_timer_arm(&t, 1001, count_fire);
	CU_ASSERT_EQUAL(sched_run(), SCHED_TIME_LIMIT);
	/* the clock stays put, the timer stays armed */
	CU_ASSERT_EQUAL(sched_now(), 1000);
	CU_ASSERT_TRUE(t.armed);
	CU_ASSERT_EQUAL(fired, 1);
	CU_ASSERT_STRING_EQUAL(sched_status_name(SCHED_TIME_LIMIT),
			       "time limit");
	sched_set_max_time(0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(fired, 2);
}

static int sleeper(void *arg)
{
	(void)arg;
	sched_block("sleep", "test", 5000);
	return 0;
}

static void test_time_limit_from_sched_opts(void)
{
	struct sched_opts o = { .max_time_ns = 2000 };

	sched_exit();
	CU_ASSERT_EQUAL(sched_init(&o), 0);
	task_spawn(sleeper, NULL, "s", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_TIME_LIMIT);
	CU_ASSERT_EQUAL(sched_now(), 0);
	CU_ASSERT_EQUAL(sched_nr_alive(), 1);
}

static bool stop;

/* A service loop: idle between requests, as kworkers are. */
static int daemon_fn(void *arg)
{
	(void)arg;
	while (!stop)
		sched_block(SCHED_WAIT_IDLE, "test", 0);
	return 0;
}

static int busy_daemon_fn(void *arg)
{
	(void)arg;
	sched_block("mutex", "test", 0);
	return 0;
}

static void test_tasks_done(void)
{
	struct sim_timer t = { 0 };
	struct task *d, *w;

	stop = false;
	CU_ASSERT_TRUE(sched_tasks_done()); /* nothing was spawned */
	d = task_spawn_flags(daemon_fn, NULL, "d", TASK_WORKER, 0,
			     TASK_F_DAEMON);
	CU_ASSERT_FALSE(sched_tasks_done()); /* the daemon is runnable */
	w = task_spawn(sleeper, NULL, "w", TASK_SYSCALL, 0);
	sim_timer_arm(&t, 1000000, count_fire); /* housekeeping, far away */
	CU_ASSERT_EQUAL(sched_step(), SCHED_STEPPED);
	CU_ASSERT_EQUAL(sched_step(), SCHED_STEPPED);
	CU_ASSERT_FALSE(sched_tasks_done()); /* w sleeps, it is not done */
	while (!task_done(w))
		sched_step();
	/* w returned, d waits for work, only the timer is left */
	CU_ASSERT_TRUE(sched_tasks_done());
	CU_ASSERT_TRUE(t.armed);
	/* a daemon blocked on something else than work is busy */
	task_spawn_flags(busy_daemon_fn, NULL, "b", TASK_WORKER, 0,
			 TASK_F_DAEMON);
	CU_ASSERT_EQUAL(sched_step(), SCHED_STEPPED);
	CU_ASSERT_FALSE(sched_tasks_done());
	sched_exit();
	CU_ASSERT_TRUE(sched_tasks_done()); /* no scheduler: nothing runs */
	sched_init(NULL);
	(void)d;
}

VT_SUITE_EACH(sim_sched_end, sim_test_setup, sim_test_teardown,
	      VT_CASE(test_time_limit),
	      VT_CASE(test_time_limit_from_sched_opts),
	      VT_CASE(test_tasks_done));
