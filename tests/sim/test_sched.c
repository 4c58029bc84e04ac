// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_sched.c - tasks, run loop, policies, explorer, clock, deadlock.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace/asan.h"
#include "sim/kernel/completion.h"
#include "sim/kernel/delay.h"
#include "sim/kernel/mutex.h"
#include "sim/kernel/sched.h"
#include "sim/kernel/spinlock.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

/* A log of which task ran which segment, to see the interleaving. */
static char order[512];

static void log_step(const char *what)
{
	strncat(order, what, sizeof(order) - strlen(order) - 1);
}

struct yarg {
	const char *tag;
	int yields;
	int ret;
};

static int yielder(void *arg)
{
	struct yarg *a = arg;

	for (int i = 0; i <= a->yields; i++) {
		if (i)
			sched_yield();
		log_step(a->tag);
	}
	return a->ret;
}

static void test_spawn_run_result(void)
{
	struct yarg a = { "a", 0, 42 }, b = { "b", 0, -5 };
	struct task *ta, *tb;
	int res = 0;

	order[0] = 0;
	ta = task_spawn(yielder, &a, "ta", TASK_SYSCALL, 0);
	tb = task_spawn(yielder, &b, "tb", TASK_DEVICE, 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ta);
	CU_ASSERT_EQUAL(tb->cpu, 1); /* 3 mod 2 CPUs */
	CU_ASSERT_EQUAL(sched_nr_alive(), 2);
	CU_ASSERT_FALSE(task_done(ta));
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_TRUE(task_done(ta));
	CU_ASSERT_EQUAL(task_join(ta, &res), 0);
	CU_ASSERT_EQUAL(res, 42);
	CU_ASSERT_EQUAL(task_join(tb, &res), 0);
	CU_ASSERT_EQUAL(res, -5);
	CU_ASSERT_STRING_EQUAL(order, "ab");
	CU_ASSERT_EQUAL(sched_nr_alive(), 0);
	CU_ASSERT(trace_find("task.exit", 0) >= 0);
	CU_ASSERT(trace_find("result 42", 0) >= 0);
	/* nothing left: another step says done */
	CU_ASSERT_EQUAL(sched_step(), SCHED_DONE);
}

static void test_fifo_order(void)
{
	struct yarg a = { "a", 2, 0 }, b = { "b", 2, 0 }, c = { "c", 1, 0 };

	order[0] = 0;
	task_spawn(yielder, &a, "a", TASK_SYSCALL, 0);
	task_spawn(yielder, &b, "b", TASK_SYSCALL, 0);
	task_spawn(yielder, &c, "c", TASK_SYSCALL, 0);
	CU_ASSERT_STRING_EQUAL(sched_policy_name(), "fifo");
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_STRING_EQUAL(order, "abcabcab");
	CU_ASSERT_EQUAL(sched_steps(), 8);
	CU_ASSERT(sched_switches() >= 8);
	CU_ASSERT(sched_nr_choices() > 0);
}

static const char *run_random(const char *policy, char *choices, size_t n)
{
	struct yarg a = { "a", 3, 0 }, b = { "b", 3, 0 }, c = { "c", 3, 0 };

	sim_test_teardown();
	sim_test_setup();
	order[0] = 0;
	CU_ASSERT_EQUAL(sched_set_policy(policy), 0);
	task_spawn(yielder, &a, "a", TASK_SYSCALL, 0);
	task_spawn(yielder, &b, "b", TASK_SYSCALL, 0);
	task_spawn(yielder, &c, "c", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	if (choices)
		sched_choices_format(choices, n);
	return order;
}

static void test_random_reproducible_and_replay(void)
{
	char first[128], again[128], other[128], choices[256], replayed[256];
	bool differs = false;

	snprintf(first, sizeof(first), "%s",
		 run_random("random:7", choices, sizeof(choices)));
	CU_ASSERT_STRING_EQUAL(sched_policy_name(), "random");
	snprintf(again, sizeof(again), "%s", run_random("random:7", NULL, 0));
	CU_ASSERT_STRING_EQUAL(first, again);
	/* some seed must give another order than fifo's */
	for (int s = 1; s < 20 && !differs; s++) {
		char pol[32];

		snprintf(pol, sizeof(pol), "random:%d", s);
		snprintf(other, sizeof(other), "%s", run_random(pol, NULL, 0));
		differs = strcmp(other, "abcabcabcabc") != 0;
	}
	CU_ASSERT_TRUE(differs);
	/* replaying the recorded choices reproduces the run exactly */
	CU_ASSERT_EQUAL(strncmp(choices, "replay:", 7), 0);
	snprintf(again, sizeof(again), "%s",
		 run_random(choices, replayed, sizeof(replayed)));
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

	order[0] = 0;
	CU_ASSERT_EQUAL(sched_set_policy("replay:5"), 0);
	task_spawn(yielder, &a, "a", TASK_SYSCALL, 0);
	task_spawn(yielder, &b, "b", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(check_count_kind("sched.choice"), 1);
	CU_ASSERT_STRING_EQUAL(order, "abab");
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
		order[0] = 0;
		CU_ASSERT_EQUAL_FATAL(sched_set_policy(policy), 0);
		task_spawn(yielder, &a, "a", TASK_SYSCALL, 0);
		task_spawn(yielder, &b, "b", TASK_SYSCALL, 0);
		CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
		CU_ASSERT_EQUAL(strlen(order), 6);
		for (int i = 0; i < runs; i++)
			CU_ASSERT_STRING_NOT_EQUAL(seen[i], order);
		CU_ASSERT_FATAL(runs < 64);
		memcpy(seen[runs++], order, 7); /* 6 letters and the NUL */
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

	order[0] = 0;
	sched_set_policy_fn(choose_last, &last_n);
	CU_ASSERT_STRING_EQUAL(sched_policy_name(), "fn");
	task_spawn(yielder, &a, "a", TASK_SYSCALL, 0);
	task_spawn(yielder, &b, "b", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_STRING_EQUAL(order, "bbaa");
	CU_ASSERT_EQUAL(last_n, 2);
	CU_ASSERT_EQUAL(sched_nr_choices(), 2);
	CU_ASSERT_EQUAL(sched_choice_at(0, &offered), 1);
	CU_ASSERT_EQUAL(offered, 2);
	CU_ASSERT(trace_find("sched.pick", 0) >= 0);

	sim_test_teardown();
	sim_test_setup();
	sched_set_policy_fn(choose_bad, NULL);
	task_spawn(yielder, &a, "a", TASK_SYSCALL, 0);
	task_spawn(yielder, &b, "b", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(check_count_kind("sched.choice"), 3);
}

static void test_choices_format_truncates(void)
{
	struct yarg a = { "a", 3, 0 }, b = { "b", 3, 0 };
	char buf[8];
	int len;

	task_spawn(yielder, &a, "a", TASK_SYSCALL, 0);
	task_spawn(yielder, &b, "b", TASK_SYSCALL, 0);
	sched_run();
	len = sched_choices_format(buf, sizeof(buf));
	CU_ASSERT_EQUAL(len, 7 + 2 * (int)sched_nr_choices() - 1);
	CU_ASSERT_STRING_EQUAL(buf, "replay:");
	/* fifo took 0 everywhere, so alternatives remain to explore */
	CU_ASSERT_TRUE(sched_explore_next(buf, sizeof(buf)));
}

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

static int cpu_reporter(void *arg)
{
	(void)arg;
	return smp_processor_id() * 10 + raw_smp_processor_id();
}

static void test_cpu_ids(void)
{
	struct task *t;
	int r = 0;

	sim_test_teardown();
	trace_reset(true);
	CU_ASSERT_EQUAL(sched_init(&(struct sched_opts){ .nr_cpus = 4 }), 0);
	CU_ASSERT_EQUAL(sched_init(NULL), -EBUSY);
	CU_ASSERT_EQUAL(num_online_cpus(), 4);
	CU_ASSERT_EQUAL(nr_cpu_ids, 4);
	CU_ASSERT_EQUAL(smp_processor_id(), 0);
	t = task_spawn(cpu_reporter, NULL, "c", TASK_IRQ, 3);
	task_join(t, &r);
	CU_ASSERT_EQUAL(r, 33);
	t = task_spawn(cpu_reporter, NULL, "c", TASK_IRQ, -1);
	task_join(t, &r);
	CU_ASSERT_EQUAL(r, 0);
}

static void test_init_options(void)
{
	sim_test_teardown();
	CU_ASSERT_FALSE(sched_ready());
	CU_ASSERT_EQUAL(sched_nr_cpus(), 1);
	CU_ASSERT_EQUAL(sched_nr_alive(), 0);
	CU_ASSERT_EQUAL(sched_step(), SCHED_DONE);
	CU_ASSERT_EQUAL(sched_init(&(struct sched_opts){ .nr_cpus = 5000 }),
			-EINVAL);
	CU_ASSERT_EQUAL(sched_init(&(struct sched_opts){ .stack_size = 4096 }),
			-EINVAL);
	CU_ASSERT_EQUAL(sched_init(&(struct sched_opts){ .stack_size = 20000 }),
			-EINVAL);
	CU_ASSERT_EQUAL(sched_init(&(struct sched_opts){ .stack_size = 32768 }),
			0);
	CU_ASSERT_TRUE(sched_ready());
	CU_ASSERT_STRING_EQUAL(sched_task_name(), "-");
	CU_ASSERT_STRING_EQUAL(task_kind_name(TASK_FRONTEND), "frontend");
	CU_ASSERT_STRING_EQUAL(task_kind_name((enum task_kind)99), "?");
	CU_ASSERT_STRING_EQUAL(sched_status_name(SCHED_DEADLOCK), "deadlock");
	CU_ASSERT_STRING_EQUAL(sched_status_name((enum sched_status)99), "?");
	sched_exit();
	sched_exit(); /* twice is fine */
	trace_reset(true);
	sched_init(NULL);
}

static int spinner_forever(void *arg)
{
	(void)arg;
	for (;;)
		sched_yield();
	return 0;
}

static void test_step_limit(void)
{
	sim_test_teardown();
	trace_reset(true);
	sched_init(&(struct sched_opts){ .max_steps = 10 });
	task_spawn(spinner_forever, NULL, "spin", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_LIMIT);
	CU_ASSERT_EQUAL(sched_steps(), 10);
}

static bool past_five(void *arg)
{
	(void)arg;
	return sched_steps() >= 5;
}

static void test_run_until(void)
{
	task_spawn(spinner_forever, NULL, "spin", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run_until(past_five, NULL), SCHED_STOPPED);
	CU_ASSERT_EQUAL(sched_steps(), 5);
	/* sched_exit() frees a task that never returned */
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

static int spawner(void *arg)
{
	struct yarg *a = arg;

	task_spawn(yielder, a, "child", TASK_SYSCALL, 1);
	return 1;
}

static void test_spawn_from_task(void)
{
	struct yarg c = { "c", 1, 9 };

	order[0] = 0;
	task_spawn(spawner, &c, "parent", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_STRING_EQUAL(order, "cc");
	CU_ASSERT(trace_find("child", 0) >= 0);
}

static int inv_calls;

static const char *inv_fails_late(void *arg)
{
	(void)arg;
	return ++inv_calls == 3 ? "third step broke it" : NULL;
}

static void test_invariants_after_each_step(void)
{
	struct yarg a = { "a", 4, 0 };

	inv_calls = 0;
	CU_ASSERT_EQUAL(check_invariant_add("late", inv_fails_late, NULL), 0);
	check_invariants_enable(true);
	task_spawn(yielder, &a, "a", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(inv_calls, 5);
	CU_ASSERT_EQUAL(check_count_kind("invariant"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(check_at(0)->message, "late: third"));
	CU_ASSERT_EQUAL(check_at(0)->step, 3);
}

/* A broken state found by the task at its third step, as the request
 * ledger finds a violation: the owner pokes, the invariant reports. */
static int poke_calls, eager_calls, poker_step;
static bool poke_broken;

static const char *inv_on_poke(void *arg)
{
	(void)arg;
	poke_calls++;
	return poke_broken ? "the poked one" : NULL;
}

static const char *inv_eager(void *arg)
{
	(void)arg;
	eager_calls++;
	return NULL;
}

static int poker(void *arg)
{
	(void)arg;
	for (poker_step = 1; poker_step <= 5; poker_step++) {
		if (poker_step > 1)
			sched_yield();
		if (poker_step == 3) {
			poke_broken = true;
			check_invariant_poke();
		} else {
			poke_broken = false;
		}
	}
	return 0;
}

/* An invariant that breaks only when its owner says so runs after the
 * step that poked it and no other, and reports at that step as an
 * invariant run after every step would; beside one that can break at
 * any step, both run after every step, in the order registered. */
static void test_invariants_on_poke(void)
{
	u64 steps;

	poke_calls = eager_calls = 0;
	CU_ASSERT_EQUAL(check_invariant_add_on_poke("poked", inv_on_poke, NULL),
			0);
	CU_ASSERT_FALSE(check_invariants_due());
	check_invariants_enable(true);
	CU_ASSERT_TRUE(check_invariants_enabled());
	CU_ASSERT_FALSE(check_invariants_due());
	task_spawn(poker, NULL, "p", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(poke_calls, 1);
	CU_ASSERT_EQUAL_FATAL(check_count_kind("invariant"), 1);
	CU_ASSERT_STRING_EQUAL(check_at(0)->message, "poked: the poked one");
	CU_ASSERT_EQUAL(check_at(0)->step, 3);
	CU_ASSERT_FALSE(check_invariants_due());

	check_clear();
	poke_calls = 0;
	steps = sched_steps(); /* counted on from the first run */
	CU_ASSERT_EQUAL(check_invariant_add("eager", inv_eager, NULL), 0);
	CU_ASSERT_TRUE(check_invariants_due());
	task_spawn(poker, NULL, "p", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(poke_calls, 5);
	CU_ASSERT_EQUAL(eager_calls, 5);
	CU_ASSERT_EQUAL_FATAL(check_count_kind("invariant"), 1);
	CU_ASSERT_EQUAL(check_at(0)->step, steps + 3);
	CU_ASSERT_EQUAL(check_invariant_remove("eager"), 0);
	CU_ASSERT_FALSE(check_invariants_due());
	check_invariant_poke();
	CU_ASSERT_TRUE(check_invariants_due());
	check_invariants_enable(false);
	CU_ASSERT_FALSE(check_invariants_due());
}

static bool no_stop(void *arg)
{
	(void)arg;
	return false;
}

/* Step by step through the scheduler, as a console does. */
static enum sched_status step_all(void)
{
	enum sched_status st;

	do
		st = sched_step();
	while (st == SCHED_STEPPED || st == SCHED_TIMER);
	return st;
}

/* Inside sched_run() and sched_run_until() a task at a yield point takes
 * the next step itself: alone, it carries on without a switch; with
 * others, it switches straight to the one picked. Stepping through the
 * scheduler takes the same steps in the same order, one switch into a
 * task per step. */
static void test_run_switches_in_tasks(void)
{
	struct yarg a = { "a", 10, 0 }, b = { "b", 2, 0 }, c = { "c", 2, 0 };

	task_spawn(yielder, &a, "a", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(sched_steps(), 11);
	CU_ASSERT_EQUAL(sched_switches(), 1);
	sim_test_teardown();
	sim_test_setup();
	task_spawn(yielder, &a, "a", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run_until(no_stop, NULL), SCHED_DONE);
	CU_ASSERT_EQUAL(sched_steps(), 11);
	CU_ASSERT_EQUAL(sched_switches(), 1);
	sim_test_teardown();
	sim_test_setup();
	task_spawn(yielder, &a, "a", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(step_all(), SCHED_DONE);
	CU_ASSERT_EQUAL(sched_steps(), 11);
	CU_ASSERT_EQUAL(sched_switches(), 11);

	for (int how = 0; how < 3; how++) {
		sim_test_teardown();
		sim_test_setup();
		order[0] = 0;
		task_spawn(yielder, &b, "b", TASK_SYSCALL, 0);
		task_spawn(yielder, &c, "c", TASK_SYSCALL, 0);
		CU_ASSERT_EQUAL(how == 0 ? sched_run() :
				how == 1 ? sched_run_until(no_stop, NULL) :
					   step_all(),
				SCHED_DONE);
		CU_ASSERT_STRING_EQUAL(order, "bcbcbc");
		CU_ASSERT_EQUAL(sched_steps(), 6);
		CU_ASSERT_EQUAL(sched_nr_choices(), 5);
		/* every step switches to the other task (straight to it in
		 * a run), until b's exit leaves c alone */
		CU_ASSERT_EQUAL(sched_switches(), 6);
		CU_ASSERT_EQUAL(sched_nr_alive(), 0);
	}
}

/* Two tasks, each taking a spinlock @n times: every spin_lock() is a
 * preemption point. */
static DEFINE_SPINLOCK(pp_lock);

static int locker(void *arg)
{
	struct yarg *a = arg;

	for (int i = 0; i < a->yields; i++) {
		spin_lock(&pp_lock);
		log_step(a->tag);
		spin_unlock(&pp_lock);
	}
	return 0;
}

static void run_lockers(const char *policy, int n)
{
	static struct yarg a, b;

	sim_test_teardown();
	sim_test_setup();
	order[0] = 0;
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
	CU_ASSERT_STRING_EQUAL(order, "aaabbb");
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
	char first[sizeof(order)];
	unsigned offered = 9;
	int runs = 0, mixed = 0;

	run_lockers("random:3", 3);
	snprintf(first, sizeof(first), "%s", order);
	CU_ASSERT_NOT_EQUAL(strcmp(order, "aaabbb"), 0);
	CU_ASSERT(trace_find("sched.preempt", 0) >= 0);
	sched_choices_format(choices, sizeof(choices));
	run_lockers(choices, 3);
	CU_ASSERT_STRING_EQUAL(order, first);
	/* a choice other than 0 knows how many it was made among */
	for (size_t i = 0; i < sched_nr_choices(); i++)
		if (sched_choice_at(i, &offered))
			CU_ASSERT_EQUAL(offered, 2);
	/* replay:1 preempts a at its first lock in favour of b */
	run_lockers("replay:1", 1);
	CU_ASSERT_STRING_EQUAL(order, "ba");
	/* depth first over every schedule of two tasks with one lock each:
	 * who starts, then at most two preemptions (the first taken, the
	 * next task may give way again) */
	do {
		run_lockers(policy, 1);
		runs++;
		mixed += !strcmp(order, "ba");
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

	order[0] = 0;
	spin_lock_init(&pp_lock);
	sched_set_policy_fn(go_on_unless_b, NULL);
	task_spawn(locker, &b, "b", TASK_SYSCALL, 0);
	task_spawn(locker, &a, "a", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	/* b gives way at its first lock; a never does */
	CU_ASSERT_STRING_EQUAL(order, "aabb");
}

/* Scans of the record go in order; random access works too. */
static void test_choice_record_lookups(void)
{
	size_t n;

	run_random("random:7", NULL, 0);
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

static int chatty(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100000; i++) {
		TRACE(.kind = "chat", .args = TRACE_FMT("%d", i));
		sched_yield();
	}
	return 0;
}

/* A kept trace over its budget stops the run, as the step limit does. */
static void test_trace_budget_stops_run(void)
{
	trace_set_budget(1 << 20);
	task_spawn(chatty, NULL, "chatty", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_LIMIT);
	CU_ASSERT_TRUE(trace_over_budget);
	CU_ASSERT(sched_steps() < 100000);
	CU_ASSERT_EQUAL(sched_step(), SCHED_LIMIT);
	trace_set_budget(TRACE_DEFAULT_BUDGET);
	/* sim_test_teardown() resets the trace, which clears the condition */
}

VT_SUITE_EACH(
	sim_sched, sim_test_setup, sim_test_teardown,
	VT_CASE(test_spawn_run_result), VT_CASE(test_fifo_order),
	VT_CASE(test_random_reproducible_and_replay),
	VT_CASE(test_policy_parse_errors), VT_CASE(test_replay_out_of_range),
	VT_CASE(test_explorer_counts_interleavings),
	VT_CASE(test_explorer_finds_lost_update), VT_CASE(test_policy_fn),
	VT_CASE(test_choices_format_truncates),
	VT_CASE(test_usleep_virtual_time), VT_CASE(test_msleep_and_jiffies),
	VT_CASE(test_cpu_ids), VT_CASE(test_init_options),
	VT_CASE(test_step_limit), VT_CASE(test_run_until),
	VT_CASE(test_deadlock_abba), VT_CASE(test_deadlock_completion),
	VT_CASE(test_spawn_from_task), VT_CASE(test_invariants_after_each_step),
	VT_CASE(test_invariants_on_poke), VT_CASE(test_run_switches_in_tasks),
	VT_CASE(test_trace_budget_stops_run),
	VT_CASE(test_fifo_preemption_points), VT_CASE(test_preemption_explored),
	VT_CASE(test_preemption_by_callback),
	VT_CASE(test_choice_record_lookups));
