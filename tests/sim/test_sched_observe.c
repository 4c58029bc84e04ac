// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_sched_observe.c - the scheduler's read-only views for consoles:
 * the task the last step ran, when the next step happens, and the walk
 * over every task.
 */
#include <stdint.h>
#include <string.h>

#include "sim/kernel/delay.h"
#include "sim/kernel/sched.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

static int sleeper(void *arg)
{
	msleep(*(unsigned int *)arg);
	return 7;
}

static int yielder(void *arg)
{
	(void)arg;
	sched_yield();
	return 0;
}

static int blocker(void *arg)
{
	(void)arg;
	return sched_block("test", "forever", 0);
}

static void test_last_task(void)
{
	unsigned int ms = 2;
	struct task *a, *b;

	CU_ASSERT_PTR_NULL(sched_last_task());
	a = task_spawn(yielder, NULL, "a", TASK_SYSCALL, 0);
	b = task_spawn(sleeper, &ms, "b", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_step(), SCHED_STEPPED);
	CU_ASSERT_PTR_EQUAL(sched_last_task(), a);
	CU_ASSERT_EQUAL(sched_step(), SCHED_STEPPED);
	CU_ASSERT_PTR_EQUAL(sched_last_task(), b);
	/* A clock move runs no task: the last one stays. */
	CU_ASSERT_EQUAL(sched_step(), SCHED_STEPPED); /* a returns */
	CU_ASSERT_PTR_EQUAL(sched_last_task(), a);
	CU_ASSERT(task_done(a));
	CU_ASSERT_EQUAL(sched_step(), SCHED_TIMER);
	CU_ASSERT_PTR_EQUAL(sched_last_task(), a);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_PTR_EQUAL(sched_last_task(), b);
}

static void test_next_time(void)
{
	unsigned int ms = 3;

	CU_ASSERT_EQUAL(sched_next_time(), UINT64_MAX); /* nothing at all */
	task_spawn(sleeper, &ms, "s", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_next_time(), 0); /* runnable: now */
	CU_ASSERT_EQUAL(sched_step(), SCHED_STEPPED);
	/* asleep: the clock jumps to its timer next */
	CU_ASSERT_EQUAL(sched_next_time(), 3000000);
	CU_ASSERT_EQUAL(sched_now(), 0);
	CU_ASSERT_EQUAL(sched_step(), SCHED_TIMER);
	CU_ASSERT_EQUAL(sched_now(), 3000000);
	CU_ASSERT_EQUAL(sched_next_time(), 3000000);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(sched_next_time(), UINT64_MAX);
	sched_exit();
	CU_ASSERT_EQUAL(sched_next_time(), UINT64_MAX); /* not running */
	sched_init(NULL);
}

struct walk {
	char names[64];
	unsigned int n, stop_at;
};

static int visit(void *arg, const struct task *t)
{
	struct walk *w = arg;

	strcat(w->names, t->name);
	strcat(w->names, t->state == TASK_DEAD	  ? "=dead," :
			 t->state == TASK_BLOCKED ? "=blocked," :
						    "=runnable,");
	return ++w->n == w->stop_at ? 99 : 0;
}

static void test_for_each_task(void)
{
	struct walk w = { 0 };

	CU_ASSERT_EQUAL(sched_for_each_task(visit, &w), 0);
	CU_ASSERT_EQUAL(w.n, 0);
	task_spawn(yielder, NULL, "y", TASK_SYSCALL, 0);
	task_spawn(blocker, NULL, "k", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DEADLOCK);
	task_spawn(yielder, NULL, "z", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_for_each_task(visit, &w), 0);
	CU_ASSERT_STRING_EQUAL(w.names, "y=dead,k=blocked,z=runnable,");
	/* A non-zero return stops the walk and is passed on. */
	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	CU_ASSERT_EQUAL(sched_for_each_task(visit, &w), 99);
	CU_ASSERT_STRING_EQUAL(w.names, "y=dead,k=blocked,");
	sched_exit();
	CU_ASSERT_EQUAL(sched_for_each_task(visit, &w), 0);
	sched_init(NULL);
}

VT_SUITE_EACH(sim_sched_observe, sim_test_setup, sim_test_teardown,
	      VT_CASE(test_last_task), VT_CASE(test_next_time),
	      VT_CASE(test_for_each_task));
