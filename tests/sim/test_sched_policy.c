// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_sched_policy.c - who runs next: random and replay policies and
 * their errors, the explorer, a callback policy, the record of choices,
 * and preemption points under fifo and under policies that explore.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace/asan.h"
#include "sim/kernel/sched.h"
#include "sim/kernel/spinlock.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"
#include "tests/sim/test_sched.h"

static void test_random_reproducible_and_replay(void)
{
	char first[128], again[128], other[128], choices[256], replayed[256];
	bool differs = false;

	snprintf(first, sizeof(first), "%s",
		 st_run_random("random:7", choices, sizeof(choices)));
	CU_ASSERT_STRING_EQUAL(sched_policy_name(), "random");
	snprintf(again, sizeof(again), "%s",
		 st_run_random("random:7", NULL, 0));
	CU_ASSERT_STRING_EQUAL(first, again);
	/* some seed must give another order than fifo's */
	for (int s = 1; s < 20 && !differs; s++) {
		char pol[32];

		snprintf(pol, sizeof(pol), "random:%d", s);
		snprintf(other, sizeof(other), "%s",
			 st_run_random(pol, NULL, 0));
		differs = strcmp(other, "abcabcabcabc") != 0;
	}
	CU_ASSERT_TRUE(differs);
	/* replaying the recorded choices reproduces the run exactly */
	CU_ASSERT_EQUAL(strncmp(choices, "replay:", 7), 0);
	snprintf(again, sizeof(again), "%s",
		 st_run_random(choices, replayed, sizeof(replayed)));
	CU_ASSERT_STRING_EQUAL(sched_policy_name(), "replay");
	CU_ASSERT_STRING_EQUAL(first, again);
	CU_ASSERT_STRING_EQUAL(choices, replayed);
}

static void test_policy_parse_errors(void)
{
	CU_ASSERT_EQUAL(sched_set_policy(NULL), -EINVAL);
	CU_ASSERT_EQUAL(sched_set_policy("lifo"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(sched_policy_error(), "unknown policy"));
	CU_ASSERT_EQUAL(sched_set_policy("random:"), -EINVAL);
	CU_ASSERT_EQUAL(sched_set_policy("random:12x"), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(sched_policy_error(), "not a number"));
	CU_ASSERT_EQUAL(sched_set_policy("random:99999999999999999999"),
			-ERANGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(sched_policy_error(), "out of range"));
	CU_ASSERT_EQUAL(sched_set_policy("random:18446744073709551615"), 0);
	CU_ASSERT_EQUAL(sched_set_policy("replay:1,,2"), -EINVAL);
	CU_ASSERT_EQUAL(sched_set_policy("replay:1,2,"), -EINVAL);
	CU_ASSERT_EQUAL(sched_set_policy("replay:-1"), -EINVAL);
	CU_ASSERT_EQUAL(sched_set_policy("replay:4294967296"), -ERANGE);
	CU_ASSERT_PTR_NOT_NULL(strstr(sched_policy_error(), "replay choice"));
	CU_ASSERT_EQUAL(sched_set_policy("replay:"), 0);
	CU_ASSERT_EQUAL(sched_set_policy("replay:0,4294967295"), 0);
	CU_ASSERT_EQUAL(sched_set_policy("fifo"), 0);
	CU_ASSERT_STRING_EQUAL(sched_policy_error(), "");
}

static void test_replay_out_of_range(void)
{
	struct yarg a = { "a", 1, 0 }, b = { "b", 1, 0 };

	st_order[0] = 0;
	CU_ASSERT_EQUAL(sched_set_policy("replay:5"), 0);
	task_spawn(st_yielder, &a, "a", TASK_SYSCALL, 0);
	task_spawn(st_yielder, &b, "b", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(check_count_kind("sched.choice"), 1);
	CU_ASSERT_STRING_EQUAL(st_order, "abab");
}

/* The explorer: depth-first over every schedule of two tasks. */
static void test_explorer_counts_interleavings(void)
{
	char policy[256] = "replay:";
	char seen[64][16];
	int runs = 0;

	for (;;) {
		struct yarg a = { "a", 2, 0 }, b = { "b", 2, 0 };

		sim_test_teardown();
		sim_test_setup();
		st_order[0] = 0;
		CU_ASSERT_EQUAL_FATAL(sched_set_policy(policy), 0);
		task_spawn(st_yielder, &a, "a", TASK_SYSCALL, 0);
		task_spawn(st_yielder, &b, "b", TASK_SYSCALL, 0);
		CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
		CU_ASSERT_EQUAL(strlen(st_order), 6);
		for (int i = 0; i < runs; i++)
			CU_ASSERT_STRING_NOT_EQUAL(seen[i], st_order);
		CU_ASSERT_FATAL(runs < 64);
		memcpy(seen[runs++], st_order, 7); /* 6 letters and the NUL */
		if (!sched_explore_next(policy, sizeof(policy)))
			break;
	}
	/* 3 segments each: C(6,3) interleavings */
	CU_ASSERT_EQUAL(runs, 20);
}

/* A lost update: read, yield (e.g. a spin_lock elsewhere), write back. */
static int racy_counter;

static int racy_inc(void *arg)
{
	int v;

	(void)arg;
	v = racy_counter;
	sched_yield();
	racy_counter = v + 1;
	return 0;
}

static int run_racy(const char *policy)
{
	sim_test_teardown();
	sim_test_setup();
	racy_counter = 0;
	CU_ASSERT_EQUAL(sched_set_policy(policy), 0);
	task_spawn(racy_inc, NULL, "inc1", TASK_SYSCALL, 0);
	task_spawn(racy_inc, NULL, "inc2", TASK_SYSCALL, 1);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	return racy_counter;
}

/* The explorer finds the bad schedule; its replay string reproduces it. */
static void test_explorer_finds_lost_update(void)
{
	char policy[128] = "replay:", bad[128] = "";
	int runs = 0, bad_runs = 0;

	do {
		runs++;
		if (run_racy(policy) != 2) {
			bad_runs++;
			if (!bad[0])
				sched_choices_format(bad, sizeof(bad));
		}
	} while (sched_explore_next(policy, sizeof(policy)));
	CU_ASSERT_EQUAL(runs, 6); /* C(4,2) */
	CU_ASSERT_EQUAL(bad_runs, 4);
	CU_ASSERT_STRING_EQUAL(bad, "replay:0,0,0"); /* fifo loses one */
	CU_ASSERT_EQUAL(run_racy(bad), 1);
	CU_ASSERT_EQUAL(run_racy("replay:0,1"), 2);
}

static unsigned last_n;

static unsigned choose_last(void *arg, struct task *const *runnable, unsigned n)
{
	CU_ASSERT_PTR_EQUAL(arg, &last_n);
	CU_ASSERT_PTR_NOT_NULL(runnable[n - 1]);
	last_n = n;
	return n - 1;
}

static unsigned choose_bad(void *arg, struct task *const *runnable, unsigned n)
{
	(void)arg;
	(void)runnable;
	return n + 3;
}

static void test_policy_fn(void)
{
	struct yarg a = { "a", 1, 0 }, b = { "b", 1, 0 };
	unsigned offered = 0;

	st_order[0] = 0;
	sched_set_policy_fn(choose_last, &last_n);
	CU_ASSERT_STRING_EQUAL(sched_policy_name(), "fn");
	task_spawn(st_yielder, &a, "a", TASK_SYSCALL, 0);
	task_spawn(st_yielder, &b, "b", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_STRING_EQUAL(st_order, "bbaa");
	CU_ASSERT_EQUAL(last_n, 2);
	CU_ASSERT_EQUAL(sched_nr_choices(), 2);
	CU_ASSERT_EQUAL(sched_choice_at(0, &offered), 1);
	CU_ASSERT_EQUAL(offered, 2);
	CU_ASSERT(trace_find("sched.pick", 0) >= 0);

	sim_test_teardown();
	sim_test_setup();
	sched_set_policy_fn(choose_bad, NULL);
	task_spawn(st_yielder, &a, "a", TASK_SYSCALL, 0);
	task_spawn(st_yielder, &b, "b", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(check_count_kind("sched.choice"), 3);
}

static void test_choices_format_truncates(void)
{
	struct yarg a = { "a", 3, 0 }, b = { "b", 3, 0 };
	char buf[8];
	int len;

	task_spawn(st_yielder, &a, "a", TASK_SYSCALL, 0);
	task_spawn(st_yielder, &b, "b", TASK_SYSCALL, 0);
	sched_run();
	len = sched_choices_format(buf, sizeof(buf));
	CU_ASSERT_EQUAL(len, 7 + 2 * (int)sched_nr_choices() - 1);
	CU_ASSERT_STRING_EQUAL(buf, "replay:");
	/* fifo took 0 everywhere, so alternatives remain to explore */
	CU_ASSERT_TRUE(sched_explore_next(buf, sizeof(buf)));
}

/* Two tasks, each taking a spinlock @n times: every spin_lock() is a
 * preemption point. */
static DEFINE_SPINLOCK(pp_lock);

static int locker(void *arg)
{
	struct yarg *a = arg;

	for (int i = 0; i < a->yields; i++) {
		spin_lock(&pp_lock);
		st_log_step(a->tag);
		spin_unlock(&pp_lock);
	}
	return 0;
}

static void run_lockers(const char *policy, int n)
{
	static struct yarg a, b;

	sim_test_teardown();
	sim_test_setup();
	st_order[0] = 0;
	spin_lock_init(&pp_lock);
	a = (struct yarg){ "a", n, 0 };
	b = (struct yarg){ "b", n, 0 };
	CU_ASSERT_EQUAL(sched_set_policy(policy), 0);
	task_spawn(locker, &a, "a", TASK_SYSCALL, 0);
	task_spawn(locker, &b, "b", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
}

/* Under fifo a preemption point lets the running task go on: no step, no
 * switch, and the record of choices does not grow. */
static void test_fifo_preemption_points(void)
{
	/* a long run shows the record stays small; replaying it under
	 * ASan or Valgrind (make check) takes a minute or more at 100,000 */
#ifdef VFSIM_ASAN
	const int n = 10000;
#else
	const int n = vt_slow_build() ? 10000 : 100000;
#endif
	size_t mem;
	char *buf;
	int len;

	run_lockers("fifo", 3);
	CU_ASSERT_STRING_EQUAL(st_order, "aaabbb");
	CU_ASSERT_EQUAL(sched_steps(), 2);
	/* a's three locks with b waiting, then b's first pick */
	CU_ASSERT_EQUAL(sched_nr_choices(), 4);
	CU_ASSERT_EQUAL(sched_choice_at(3, NULL), 0);
	CU_ASSERT_EQUAL(trace_find("sched.preempt", 0), -1);
	run_lockers("fifo", n);
	CU_ASSERT_EQUAL(sched_nr_choices(), (size_t)n + 1);
	mem = sched_choices_memory();
	CU_ASSERT(mem > 0 && mem <= 256);
	/* the replay string spells every one */
	len = sched_choices_format(NULL, 0);
	CU_ASSERT_EQUAL(len, 7 + 2 * (n + 1) - 1);
	buf = malloc((size_t)len + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	CU_ASSERT_EQUAL(sched_choices_format(buf, (size_t)len + 1), len);
	CU_ASSERT_EQUAL(strncmp(buf, "replay:0,0,0,", 13), 0);
	CU_ASSERT_STRING_EQUAL(buf + len - 4, ",0,0");
	/* ... and replaying it is fifo again, choice for choice */
	run_lockers(buf, n);
	CU_ASSERT_EQUAL(sched_steps(), 2);
	CU_ASSERT_EQUAL(sched_nr_choices(), (size_t)n + 1);
	CU_ASSERT(sched_choices_memory() <= 256);
	free(buf);
}

/* A policy that explores may preempt at a preemption point; its choices
 * replay exactly, and the explorer visits the preemptions. */
static void test_preemption_explored(void)
{
	char choices[512], policy[512] = "replay:";
	char first[sizeof(st_order)];
	unsigned offered = 9;
	int runs = 0, mixed = 0;

	run_lockers("random:3", 3);
	snprintf(first, sizeof(first), "%s", st_order);
	CU_ASSERT_NOT_EQUAL(strcmp(st_order, "aaabbb"), 0);
	CU_ASSERT(trace_find("sched.preempt", 0) >= 0);
	sched_choices_format(choices, sizeof(choices));
	run_lockers(choices, 3);
	CU_ASSERT_STRING_EQUAL(st_order, first);
	/* a choice other than 0 knows how many it was made among */
	for (size_t i = 0; i < sched_nr_choices(); i++)
		if (sched_choice_at(i, &offered))
			CU_ASSERT_EQUAL(offered, 2);
	/* replay:1 preempts a at its first lock in favour of b */
	run_lockers("replay:1", 1);
	CU_ASSERT_STRING_EQUAL(st_order, "ba");
	/* depth first over every schedule of two tasks with one lock each:
	 * who starts, then at most two preemptions (the first taken, the
	 * next task may give way again) */
	do {
		run_lockers(policy, 1);
		runs++;
		mixed += !strcmp(st_order, "ba");
	} while (sched_explore_next(policy, sizeof(policy)) && runs < 100);
	CU_ASSERT_EQUAL(runs, 6);
	CU_ASSERT_EQUAL(mixed, 3);
}

/* An explorer's callback sees the running task first at a preemption
 * point, and choosing it lets it go on. */
static unsigned go_on_unless_b(void *arg, struct task *const *runnable,
			       unsigned n)
{
	(void)arg;
	(void)n;
	if (runnable[0] == current)
		return strcmp(current->name, "b") ? 0 : 1;
	return 0;
}

static void test_preemption_by_callback(void)
{
	struct yarg a = { "a", 2, 0 }, b = { "b", 2, 0 };

	st_order[0] = 0;
	spin_lock_init(&pp_lock);
	sched_set_policy_fn(go_on_unless_b, NULL);
	task_spawn(locker, &b, "b", TASK_SYSCALL, 0);
	task_spawn(locker, &a, "a", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	/* b gives way at its first lock; a never does */
	CU_ASSERT_STRING_EQUAL(st_order, "aabb");
}

/* Scans of the record go in order; random access works too. */
static void test_choice_record_lookups(void)
{
	size_t n;

	st_run_random("random:7", NULL, 0);
	n = sched_nr_choices();
	CU_ASSERT_FATAL(n > 4);
	{
		unsigned fwd[64], off;

		CU_ASSERT_FATAL(n <= 64);
		for (size_t i = 0; i < n; i++)
			fwd[i] = sched_choice_at(i, &off);
		for (size_t i = n; i-- > 0;)
			CU_ASSERT_EQUAL(sched_choice_at(i, &off), fwd[i]);
		CU_ASSERT_EQUAL(sched_choice_at(n / 2, NULL), fwd[n / 2]);
	}
}

VT_SUITE_EACH(sim_sched_policy, sim_test_setup, sim_test_teardown,
	      VT_CASE(test_random_reproducible_and_replay),
	      VT_CASE(test_policy_parse_errors),
	      VT_CASE(test_replay_out_of_range),
	      VT_CASE(test_explorer_counts_interleavings),
	      VT_CASE(test_explorer_finds_lost_update), VT_CASE(test_policy_fn),
	      VT_CASE(test_choices_format_truncates),
	      VT_CASE(test_fifo_preemption_points),
	      VT_CASE(test_preemption_explored),
	      VT_CASE(test_preemption_by_callback),
	      VT_CASE(test_choice_record_lookups));
