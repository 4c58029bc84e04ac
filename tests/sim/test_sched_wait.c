// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_sched_wait.c - sleeping and blocking: usleep_range() and msleep()
 * in virtual time, jiffies, and the deadlocks the scheduler reports (two
 * mutexes taken in opposite orders, a completion nobody completes).
 */
#include <errno.h>
#include <string.h>

#include "sim/kernel/completion.h"
#include "sim/kernel/delay.h"
#include "sim/kernel/mutex.h"
#include "sim/kernel/sched.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

static int sleeper(void *arg)
{
	unsigned long us = *(unsigned long *)arg;

	usleep_range(us, us + 10);
	return (int)(sched_now() / 1000);
}

static void test_usleep_virtual_time(void)
{
	unsigned long a = 20, b = 5;
	struct task *ta, *tb;
	int r = 0;

	ta = task_spawn(sleeper, &a, "a", TASK_SYSCALL, 0);
	tb = task_spawn(sleeper, &b, "b", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(task_join(tb, &r), 0);
	CU_ASSERT_EQUAL(r, 5);
	CU_ASSERT_EQUAL(task_join(ta, &r), 0);
	CU_ASSERT_EQUAL(r, 20);
	CU_ASSERT_EQUAL(sched_now(), 20000);
	CU_ASSERT_EQUAL(sched_nr_timers(), 0);
	CU_ASSERT(trace_find("timer.fire", 0) >= 0);
	/* sleeps add up from the current virtual time */
	a = 30;
	ta = task_spawn(sleeper, &a, "later", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(task_join(ta, &r), 0);
	CU_ASSERT_EQUAL(r, 50);
	CU_ASSERT_EQUAL(check_count_kind("sleep.range"), 0);
	usleep_range(9, 2); /* a reversed range is reported */
	CU_ASSERT_EQUAL(check_count_kind("sleep.range"), 1);
	/* outside a task, sleeping is a no-op */
	usleep_range(100, 200);
	msleep(3);
	CU_ASSERT_EQUAL(sched_now(), 50000);
}

static int msleeper(void *arg)
{
	(void)arg;
	msleep(0);
	msleep(7);
	return (int)jiffies;
}

static void test_msleep_and_jiffies(void)
{
	struct task *t = task_spawn(msleeper, NULL, "m", TASK_SYSCALL, 0);
	int r = 0;

	CU_ASSERT_EQUAL(task_join(t, &r), 0);
	CU_ASSERT_EQUAL(r, 7);
	CU_ASSERT_EQUAL(msecs_to_jiffies(7), 7);
	CU_ASSERT_EQUAL(usecs_to_jiffies(1), 1);
	CU_ASSERT_EQUAL(usecs_to_jiffies(2000), 2);
	CU_ASSERT_EQUAL(jiffies_to_msecs(9), 9);
	CU_ASSERT_EQUAL(jiffies_to_nsecs(2), 2000000);
	CU_ASSERT_TRUE(time_after(5UL, 4UL));
	CU_ASSERT_TRUE(time_before(4UL, 5UL));
	CU_ASSERT_TRUE(time_after(1UL, (unsigned long)-1)); /* wraps */
}

static DEFINE_MUTEX(ma);
static DEFINE_MUTEX(mb);

static int ab(void *arg)
{
	(void)arg;
	mutex_lock(&ma);
	sched_yield();
	mutex_lock(&mb);
	mutex_unlock(&mb);
	mutex_unlock(&ma);
	return 0;
}

static int ba(void *arg)
{
	(void)arg;
	mutex_lock(&mb);
	sched_yield();
	mutex_lock(&ma);
	mutex_unlock(&ma);
	mutex_unlock(&mb);
	return 0;
}

static void test_deadlock_abba(void)
{
	struct task *t;

	mutex_init(&ma);
	mutex_init(&mb);
	t = task_spawn(ab, NULL, "ab", TASK_SYSCALL, 0);
	task_spawn(ba, NULL, "ba", TASK_WORKER, 1);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DEADLOCK);
	CU_ASSERT_EQUAL(check_count_kind("deadlock"), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(check_at(0)->message,
				      "task ab (syscall, cpu0) blocked "
				      "forever in mutex mb"));
	CU_ASSERT_PTR_NOT_NULL(strstr(check_at(1)->message,
				      "task ba (worker, cpu1) blocked "
				      "forever in mutex ma"));
	/* reported once per stall, status stays */
	CU_ASSERT_EQUAL(sched_step(), SCHED_DEADLOCK);
	CU_ASSERT_EQUAL(check_count_kind("deadlock"), 2);
	CU_ASSERT_EQUAL(task_join(t, NULL), -EDEADLK);
	CU_ASSERT(trace_find("bug deadlock", 0) >= 0 ||
		  trace_find("deadlock", 0) >= 0);
}

static struct completion never;

static int wait_never(void *arg)
{
	(void)arg;
	wait_for_completion(&never);
	return 0;
}

static void test_deadlock_completion(void)
{
	init_completion(&never);
	task_spawn(wait_never, NULL, "waiter", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DEADLOCK);
	CU_ASSERT_EQUAL(check_count(), 1);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(check_at(0)->message, "completion never"));
	CU_ASSERT_STRING_EQUAL(check_at(0)->kind, "deadlock");
	/* completing it from outside un-sticks the run */
	complete(&never);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
}

VT_SUITE_EACH(sim_sched_wait, sim_test_setup, sim_test_teardown,
	      VT_CASE(test_usleep_virtual_time),
	      VT_CASE(test_msleep_and_jiffies), VT_CASE(test_deadlock_abba),
	      VT_CASE(test_deadlock_completion));
