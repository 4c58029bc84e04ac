// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_sched_usage.c - what a run used up: the step limit changed on the
 * fly (sched_set_max_steps()) and the replay list (sched_replay_use()).
 */
#include <string.h>

#include "sim/kernel/sched.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

static int yield_n(void *arg)
{
	for (int i = 0; i < *(int *)arg; i++)
		sched_yield();
	return 0;
}

static int spin(void *arg)
{
	(void)arg;
	for (;;)
		sched_yield();
	return 0;
}

static void test_set_max_steps(void)
{
	CU_ASSERT_EQUAL(sched_max_steps(), 0);
	task_spawn(spin, NULL, "spin", TASK_SYSCALL, 0);
	sched_set_max_steps(7);
	CU_ASSERT_EQUAL(sched_max_steps(), 7);
	CU_ASSERT_EQUAL(sched_run(), SCHED_LIMIT);
	CU_ASSERT_EQUAL(sched_steps(), 7);
	CU_ASSERT_EQUAL(sched_step(), SCHED_LIMIT);
	/* raising it lets the run go on from where it stopped */
	sched_set_max_steps(12);
	CU_ASSERT_EQUAL(sched_run(), SCHED_LIMIT);
	CU_ASSERT_EQUAL(sched_steps(), 12);
	/* a limit below the steps taken stops the next step */
	sched_set_max_steps(3);
	CU_ASSERT_EQUAL(sched_step(), SCHED_LIMIT);
	CU_ASSERT_EQUAL(sched_steps(), 12);
	sched_set_max_steps(0);
	CU_ASSERT_EQUAL(sched_step(), SCHED_STEPPED);
	CU_ASSERT_EQUAL(sched_steps(), 13);
}

/* Two tasks yielding 2 times each: how many choices does fifo make? */
static size_t choices_of_two(const char *policy)
{
	static int n = 2;

	sim_test_teardown();
	sim_test_setup();
	CU_ASSERT_EQUAL(sched_set_policy(policy), 0);
	task_spawn(yield_n, &n, "a", TASK_SYSCALL, 0);
	task_spawn(yield_n, &n, "b", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	return sched_nr_choices();
}

static void test_replay_use(void)
{
	struct sched_replay_use u;
	char exact[64];
	size_t m = choices_of_two("fifo");

	CU_ASSERT_FALSE(sched_replay_use(&u));
	CU_ASSERT_EQUAL(u.listed, 0);
	CU_ASSERT_EQUAL(u.used, 0);
	CU_ASSERT_EQUAL(u.past_end, 0);
	CU_ASSERT_FATAL(m >= 3);

	/* exact: every listed choice taken, none past the end */
	CU_ASSERT_FATAL(m < 16);
	strcpy(exact, "replay:0");
	for (size_t i = 1; i < m; i++)
		strcat(exact, ",0");
	CU_ASSERT_EQUAL(choices_of_two(exact), m);
	CU_ASSERT_TRUE(sched_replay_use(&u));
	CU_ASSERT_EQUAL(u.listed, m);
	CU_ASSERT_EQUAL(u.used, m);
	CU_ASSERT_EQUAL(u.past_end, 0);

	/* a prefix runs out: the rest took 0 */
	CU_ASSERT_EQUAL(choices_of_two("replay:1"), m);
	CU_ASSERT_TRUE(sched_replay_use(&u));
	CU_ASSERT_EQUAL(u.listed, 1);
	CU_ASSERT_EQUAL(u.used, 1);
	CU_ASSERT_EQUAL(u.past_end, m - 1);

	/* an empty list runs out at once */
	choices_of_two("replay:");
	CU_ASSERT_TRUE(sched_replay_use(&u));
	CU_ASSERT_EQUAL(u.listed, 0);
	CU_ASSERT_EQUAL(u.past_end, m);

	/* a list longer than the run leaves choices unused */
	CU_ASSERT_EQUAL(choices_of_two("replay:0,0,0,0,0,0,0,0,0,0"), m);
	CU_ASSERT_TRUE(sched_replay_use(&u));
	CU_ASSERT_EQUAL(u.listed, 10);
	CU_ASSERT_EQUAL(u.used, m);
	CU_ASSERT_EQUAL(u.past_end, 0);

	/* a new policy starts the count again */
	CU_ASSERT_EQUAL(sched_set_policy("replay:0,0"), 0);
	CU_ASSERT_TRUE(sched_replay_use(&u));
	CU_ASSERT_EQUAL(u.listed, 2);
	CU_ASSERT_EQUAL(u.used, 0);
	CU_ASSERT_EQUAL(u.past_end, 0);
}

VT_SUITE_EACH(sim_sched_usage, sim_test_setup, sim_test_teardown,
	      VT_CASE(test_set_max_steps), VT_CASE(test_replay_use));
