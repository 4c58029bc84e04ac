// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_sched.c - tasks and the run loop: spawn, run, join, fifo order,
 * CPUs, options, step limit, run-until, invariants after each step, the
 * steps a task takes itself inside a run, the trace budget. The
 * policies are in test_sched_policy.c, sleeps and deadlocks in
 * test_sched_wait.c; the log and yielder they share are here.
 */
#include <errno.h>
#include <string.h>

#include "sim/kernel/sched.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"
#include "tests/sim/test_sched.h"

/* A log of which task ran which segment, to see the interleaving. */
char st_order[512];

void st_log_step(const char *what)
{
	strncat(st_order, what, sizeof(st_order) - strlen(st_order) - 1);
}

int st_yielder(void *arg)
{
	struct yarg *a = arg;

	for (int i = 0; i <= a->yields; i++) {
		if (i)
			sched_yield();
		st_log_step(a->tag);
	}
	return a->ret;
}

static void test_spawn_run_result(void)
{
	struct yarg a = { "a", 0, 42 }, b = { "b", 0, -5 };
	struct task *ta, *tb;
	int res = 0;

	st_order[0] = 0;
	ta = task_spawn(st_yielder, &a, "ta", TASK_SYSCALL, 0);
	tb = task_spawn(st_yielder, &b, "tb", TASK_DEVICE, 3);
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
	CU_ASSERT_STRING_EQUAL(st_order, "ab");
	CU_ASSERT_EQUAL(sched_nr_alive(), 0);
	CU_ASSERT(trace_find("task.exit", 0) >= 0);
	CU_ASSERT(trace_find("result 42", 0) >= 0);
	/* nothing left: another step says done */
	CU_ASSERT_EQUAL(sched_step(), SCHED_DONE);
}

static void test_fifo_order(void)
{
	struct yarg a = { "a", 2, 0 }, b = { "b", 2, 0 }, c = { "c", 1, 0 };

	st_order[0] = 0;
	task_spawn(st_yielder, &a, "a", TASK_SYSCALL, 0);
	task_spawn(st_yielder, &b, "b", TASK_SYSCALL, 0);
	task_spawn(st_yielder, &c, "c", TASK_SYSCALL, 0);
	CU_ASSERT_STRING_EQUAL(sched_policy_name(), "fifo");
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_STRING_EQUAL(st_order, "abcabcab");
	CU_ASSERT_EQUAL(sched_steps(), 8);
	CU_ASSERT(sched_switches() >= 8);
	CU_ASSERT(sched_nr_choices() > 0);
}

const char *st_run_random(const char *policy, char *choices, size_t n)
{
	struct yarg a = { "a", 3, 0 }, b = { "b", 3, 0 }, c = { "c", 3, 0 };

	sim_test_teardown();
	sim_test_setup();
	st_order[0] = 0;
	CU_ASSERT_EQUAL(sched_set_policy(policy), 0);
	task_spawn(st_yielder, &a, "a", TASK_SYSCALL, 0);
	task_spawn(st_yielder, &b, "b", TASK_SYSCALL, 0);
	task_spawn(st_yielder, &c, "c", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	if (choices)
		sched_choices_format(choices, n);
	return st_order;
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

static int spawner(void *arg)
{
	struct yarg *a = arg;

	task_spawn(st_yielder, a, "child", TASK_SYSCALL, 1);
	return 1;
}

static void test_spawn_from_task(void)
{
	struct yarg c = { "c", 1, 9 };

	st_order[0] = 0;
	task_spawn(spawner, &c, "parent", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_STRING_EQUAL(st_order, "cc");
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
	task_spawn(st_yielder, &a, "a", TASK_SYSCALL, 0);
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

	task_spawn(st_yielder, &a, "a", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(sched_steps(), 11);
	CU_ASSERT_EQUAL(sched_switches(), 1);
	sim_test_teardown();
	sim_test_setup();
	task_spawn(st_yielder, &a, "a", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run_until(no_stop, NULL), SCHED_DONE);
	CU_ASSERT_EQUAL(sched_steps(), 11);
	CU_ASSERT_EQUAL(sched_switches(), 1);
	sim_test_teardown();
	sim_test_setup();
	task_spawn(st_yielder, &a, "a", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(step_all(), SCHED_DONE);
	CU_ASSERT_EQUAL(sched_steps(), 11);
	CU_ASSERT_EQUAL(sched_switches(), 11);

	for (int how = 0; how < 3; how++) {
		sim_test_teardown();
		sim_test_setup();
		st_order[0] = 0;
		task_spawn(st_yielder, &b, "b", TASK_SYSCALL, 0);
		task_spawn(st_yielder, &c, "c", TASK_SYSCALL, 0);
		CU_ASSERT_EQUAL(how == 0 ? sched_run() :
				how == 1 ? sched_run_until(no_stop, NULL) :
					   step_all(),
				SCHED_DONE);
		CU_ASSERT_STRING_EQUAL(st_order, "bcbcbc");
		CU_ASSERT_EQUAL(sched_steps(), 6);
		CU_ASSERT_EQUAL(sched_nr_choices(), 5);
		/* every step switches to the other task (straight to it in
		 * a run), until b's exit leaves c alone */
		CU_ASSERT_EQUAL(sched_switches(), 6);
		CU_ASSERT_EQUAL(sched_nr_alive(), 0);
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

VT_SUITE_EACH(sim_sched, sim_test_setup, sim_test_teardown,
	      VT_CASE(test_spawn_run_result), VT_CASE(test_fifo_order),
	      VT_CASE(test_cpu_ids), VT_CASE(test_init_options),
	      VT_CASE(test_step_limit), VT_CASE(test_run_until),
	      VT_CASE(test_spawn_from_task),
	      VT_CASE(test_invariants_after_each_step),
	      VT_CASE(test_invariants_on_poke),
	      VT_CASE(test_run_switches_in_tasks),
	      VT_CASE(test_trace_budget_stops_run));
