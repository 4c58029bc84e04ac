// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_sched_idle.c - housekeeping timers (sim_timer_set_idle()): alone
 * they neither keep a finished run going nor hide a deadlock for ever,
 * while anything else goes on they fire as usual; and the CPU groups of
 * group_cpus_evenly().
 */
#include <string.h>

#include "sim/kernel/completion.h"
#include "sim/kernel/cpumask.h"
#include "sim/kernel/delay.h"
#include "sim/kernel/gmem.h"
#include "sim/kernel/sched.h"
#include "sim/kernel/slab.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

/* A periodic check: re-arms itself every second; "busy" while the test
 * says something is outstanding. */
static struct sim_timer tick;
static unsigned int ticks;
static bool outstanding;

static void tick_fn(struct sim_timer *t)
{
	ticks++;
	sim_timer_arm(t, sched_now() + NSEC_PER_SEC, tick_fn);
}

static bool tick_idle(const struct sim_timer *t)
{
	(void)t;
	return !outstanding;
}

static void arm_tick(void)
{
	memset(&tick, 0, sizeof(tick));
	ticks = 0;
	sim_timer_set_idle(&tick, tick_idle, 0);
	sim_timer_arm(&tick, NSEC_PER_SEC, tick_fn);
}

static bool sched_test_after(void *arg)
{
	return sched_now() >= *(u64 *)arg;
}

static int sleeper(void *arg)
{
	msleep(*(unsigned int *)arg);
	return 0;
}

/* Nothing outstanding: the run is over at once, the check still armed. */
static void test_idle_timer_alone_ends_run(void)
{
	arm_tick();
	outstanding = false;
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(ticks, 0);
	CU_ASSERT_EQUAL(sched_now(), 0);
	CU_ASSERT(tick.armed);
	CU_ASSERT_EQUAL(sched_nr_timers(), 1);
	CU_ASSERT_EQUAL(check_count(), 0);
	sim_timer_cancel(&tick);
}

/* While a task sleeps (an ordinary timer) the check fires as usual. */
static void test_idle_timer_fires_meanwhile(void)
{
	unsigned int ms = 3500;

	arm_tick();
	outstanding = false;
	task_spawn(sleeper, &ms, "sleeper", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(ticks, 3);
	CU_ASSERT_EQUAL(sched_now(), 3500 * NSEC_PER_MSEC);
	sim_timer_cancel(&tick);
}

/* Work outstanding: the check keeps firing (it may end it). */
static void test_idle_timer_busy_fires(void)
{
	u64 stop = 5 * NSEC_PER_SEC;

	arm_tick();
	outstanding = true;
	CU_ASSERT_EQUAL(sched_run_until(sched_test_after, &stop),
			SCHED_STOPPED);
	CU_ASSERT_EQUAL(ticks, 5);
	/* ... but with nothing ever running in between, not for ever */
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(ticks, SCHED_IDLE_FIRES_MAX);
	outstanding = false;
	sim_timer_cancel(&tick);
}

static int waiter(void *arg)
{
	wait_for_completion(arg);
	return 0;
}

/* A task blocked for good: reported as a deadlock at once when the
 * check can do nothing, after SCHED_IDLE_FIRES_MAX firings when it
 * could but nothing comes of it. */
static void test_idle_timer_deadlock(void)
{
	struct completion c;

	init_completion(&c);
	task_spawn(waiter, &c, "waiter", TASK_SYSCALL, 0);
	arm_tick();
	outstanding = false;
	CU_ASSERT_EQUAL(sched_run(), SCHED_DEADLOCK);
	CU_ASSERT_EQUAL(ticks, 0);
	CU_ASSERT_EQUAL(check_count_kind("deadlock"), 1);
	check_clear();
	outstanding = true;
	CU_ASSERT_EQUAL(sched_run(), SCHED_DEADLOCK);
	CU_ASSERT_EQUAL(ticks, SCHED_IDLE_FIRES_MAX);
	outstanding = false;
	sim_timer_cancel(&tick);
	complete(&c);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	check_clear();
}

/* Marking and unmarking an armed timer keeps the count right. */
static void test_set_idle_while_armed(void)
{
	unsigned int ms = 2500;

	memset(&tick, 0, sizeof(tick));
	ticks = 0;
	sim_timer_arm(&tick, NSEC_PER_SEC, tick_fn);
	sim_timer_set_idle(&tick, tick_idle, 0);
	outstanding = false;
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(ticks, 0);
	sim_timer_set_idle(&tick, NULL, 0);
	task_spawn(sleeper, &ms, "sleeper", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_step(), SCHED_STEPPED);
	CU_ASSERT_EQUAL(sched_step(), SCHED_TIMER);
	CU_ASSERT_EQUAL(ticks, 1);
	sim_timer_cancel(&tick);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
}

/* group_cpus_evenly(): consecutive CPUs, the first groups one larger. */
static void check_groups(unsigned int cpus, unsigned int groups,
			 const u64 *want, unsigned int want_masks)
{
	struct sched_opts o = { .nr_cpus = cpus };
	struct cpumask *m;
	unsigned int n = 99;

	sched_exit();
	CU_ASSERT_EQUAL_FATAL(sched_init(&o), 0);
	m = group_cpus_evenly(groups, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(n, want_masks);
	for (unsigned int g = 0; g < groups; g++)
		CU_ASSERT_EQUAL(m[g].bits, want[g]);
	kfree(m);
}

static void test_group_cpus_evenly(void)
{
	static const u64 six_four[] = { 0x3, 0xc, 0x10, 0x20 };
	static const u64 five_two[] = { 0x7, 0x18 };
	static const u64 two_four[] = { 0x1, 0x2, 0, 0 };
	static const u64 four_one[] = { 0xf };
	unsigned int n = 99;
	unsigned int cpu, seen = 0;

	kmem_exit();
	gmem_exit();
	CU_ASSERT_EQUAL_FATAL(gmem_init(1 << 20), 0);
	check_groups(6, 4, six_four, 4);
	check_groups(5, 2, five_two, 2);
	check_groups(2, 4, two_four, 2);
	check_groups(4, 1, four_one, 1);
	for_each_cpu(cpu, &(struct cpumask){ .bits = 0x14 }) seen |= 1u << cpu;
	CU_ASSERT_EQUAL(seen, 0x14);
	CU_ASSERT_FALSE(cpumask_test_cpu(NR_CPUS, &(struct cpumask){ ~0ull }));
	CU_ASSERT_PTR_NULL(group_cpus_evenly(0, &n));
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(kmem_exit(), 0);
	gmem_exit();
}

VT_SUITE_EACH(sim_sched_idle, sim_test_setup, sim_test_teardown,
	      VT_CASE(test_idle_timer_alone_ends_run),
	      VT_CASE(test_idle_timer_fires_meanwhile),
	      VT_CASE(test_idle_timer_busy_fires),
	      VT_CASE(test_idle_timer_deadlock),
	      VT_CASE(test_set_idle_while_armed),
	      VT_CASE(test_group_cpus_evenly));
