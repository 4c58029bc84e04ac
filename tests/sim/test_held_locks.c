// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_held_locks.c - every task's held-lock stack: reports name the
 * spinlocks held when they are filed, not the last one taken.
 */
#include <string.h>

#include "sim/kernel/delay.h"
#include "sim/kernel/spinlock.h"
#include "sim_test_util.h"
#include "tests/harness.h"

static spinlock_t locks[8];

static void init_locks(void)
{
	static const char *const names[] = { "l0", "l1", "l2", "l3",
					     "l4", "l5", "l6", "l7" };

	for (unsigned i = 0; i < ARRAY_SIZE(locks); i++)
		__spin_lock_init(&locks[i], names[i]);
}

static const char *report(const char *kind)
{
	long i = check_find(kind);

	return i < 0 ? "" : check_at((size_t)i)->message;
}

/* The v5 driver's pattern: fc->bg_lock held, fpq->lock taken and
 * released inside it, then a sleep. */
static int sleep_after_inner_unlock(void *arg)
{
	(void)arg;
	spin_lock(&locks[0]);
	spin_lock(&locks[1]);
	spin_unlock(&locks[1]);
	usleep_range(20, 30);
	spin_unlock(&locks[0]);
	return 0;
}

static void test_names_the_lock_held_not_the_last_taken(void)
{
	init_locks();
	task_spawn(sleep_after_inner_unlock, NULL, "t", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(check_count_kind("sleep.atomic"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(report("sleep.atomic"),
				      "usleep_range() in task t (syscall) "
				      "holding spinlock l0, step"));
}

static int nested_then_out_of_order(void *arg)
{
	(void)arg;
	spin_lock(&locks[0]);
	spin_lock(&locks[1]);
	spin_lock(&locks[2]);
	might_sleep(); /* all three */
	spin_unlock(&locks[1]);
	might_sleep(); /* l0, l2 */
	spin_unlock(&locks[0]);
	spin_unlock(&locks[2]);
	might_sleep(); /* nothing: no report */
	return 0;
}

static void test_nested_and_out_of_order(void)
{
	init_locks();
	task_spawn(nested_then_out_of_order, NULL, "t", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(check_count_kind("sleep.atomic"), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(check_at(0)->message,
				      "holding spinlocks l0, l1, l2, step"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(check_at(1)->message, "holding spinlocks l0, l2, step"));
}

static int keep_two(void *arg)
{
	(void)arg;
	spin_lock(&locks[3]);
	spin_lock(&locks[4]);
	return 0;
}

static int release_first(void *arg)
{
	(void)arg;
	spin_unlock(&locks[3]);
	return 0;
}

static void test_exit_names_all_and_foreign_unlock_pops_owner(void)
{
	struct task *keeper;
	char held[64];

	init_locks();
	keeper = task_spawn(keep_two, NULL, "keeper", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_STRING_EQUAL(report("spin.held_at_exit"),
			       "task keeper returned holding 2 spinlocks: "
			       "l3, l4");
	/* Another task's unlock takes the lock off its owner's stack. */
	task_spawn(release_first, NULL, "other", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(check_count_kind("spin.unlock_not_owner"), 1);
	CU_ASSERT_EQUAL(keeper->spin_held, 1);
	task_held_locks(keeper, held, sizeof(held));
	CU_ASSERT_STRING_EQUAL(held, "l4");
}

static int take_all(void *arg)
{
	struct task *t = current;
	char held[128];

	(void)arg;
	for (unsigned i = 0; i < ARRAY_SIZE(locks); i++)
		spin_lock(&locks[i]);
	task_held_locks(t, held, sizeof(held));
	CU_ASSERT_STRING_EQUAL(held, "l0, l1, l2, l3, l4, l5 and 2 more");
	/* A named lock released from a full stack: the slot it frees
	 * stands for a lock that was never named. */
	spin_unlock(&locks[2]);
	task_held_locks(t, held, sizeof(held));
	CU_ASSERT_STRING_EQUAL(held, "l0, l1, l3, l4, l5, ? and 1 more");
	spin_unlock(&locks[7]); /* past the stack: only counted */
	spin_unlock(&locks[6]);
	task_held_locks(t, held, sizeof(held));
	CU_ASSERT_STRING_EQUAL(held, "l0, l1, l3, l4, l5");
	/* Too small a buffer: cut, still a string. */
	task_held_locks(t, held, 5);
	CU_ASSERT_STRING_EQUAL(held, "l0, ");
	task_held_locks(t, held, 0);
	for (unsigned i = 0; i < 6; i++)
		if (i != 2)
			spin_unlock(&locks[i]);
	CU_ASSERT_EQUAL(t->spin_held, 0);
	task_held_locks(t, held, sizeof(held));
	CU_ASSERT_STRING_EQUAL(held, "");
	return 0;
}

static void test_more_than_the_stack_holds(void)
{
	init_locks();
	task_spawn(take_all, NULL, "t", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(check_count(), 0);
}

VT_SUITE_EACH(sim_held_locks, sim_test_setup, sim_test_teardown,
	      VT_CASE(test_names_the_lock_held_not_the_last_taken),
	      VT_CASE(test_nested_and_out_of_order),
	      VT_CASE(test_exit_names_all_and_foreign_unlock_pops_owner),
	      VT_CASE(test_more_than_the_stack_holds));
