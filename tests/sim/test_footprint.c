// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_footprint.c - the happens-before class of a run (footprint.h):
 * equal for two orders of steps that touch different objects, different
 * when they touch the same one or one step is opaque; a release ordered
 * against a trylock; device tasks' steps ordered; nothing recorded
 * while off.
 */
#include "sim/kernel/atomic.h"
#include "sim/kernel/check.h"
#include "sim/kernel/footprint.h"
#include "sim/kernel/mutex.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

static atomic_t cx, cy;

static int inc(void *arg)
{
	atomic_inc(arg);
	return 0;
}

static int report(void *arg)
{
	atomic_inc(arg);
	check_report("test.fp", "an opaque step");
	return 0;
}

/* Run task a (on @pa) and task b (on @pb) in @policy's order; the class. */
static u64 run(const char *policy, int (*fa)(void *), void *pa,
	       int (*fb)(void *), void *pb, u64 *events, u64 *opaque)
{
	u64 class;

	CU_ASSERT_EQUAL(sched_set_policy(policy), 0);
	fp_begin();
	task_spawn(fa, pa, "a", TASK_SYSCALL, 0);
	task_spawn(fb, pb, "b", TASK_SYSCALL, 1);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	class = fp_class();
	*events = fp_events();
	*opaque = fp_opaque_events();
	fp_end();
	sched_exit();
	check_clear();
	sched_init(NULL);
	return class;
}

static void test_class(void)
{
	u64 ev1, ev2, op1, op2, c1, c2;

	/* different objects: a then b, b then a: one class */
	c1 = run("fifo", inc, &cx, inc, &cy, &ev1, &op1);
	c2 = run("replay:1", inc, &cx, inc, &cy, &ev2, &op2);
	CU_ASSERT_EQUAL(c1, c2);
	CU_ASSERT_EQUAL(ev1, ev2);
	CU_ASSERT(ev1 >= 4); /* two spawns, two increments, two returns */
	/* the same object: the order counts */
	c1 = run("fifo", inc, &cx, inc, &cx, &ev1, &op1);
	c2 = run("replay:1", inc, &cx, inc, &cx, &ev2, &op2);
	CU_ASSERT_NOT_EQUAL(c1, c2);
	CU_ASSERT_EQUAL(ev1, ev2);
	/* an opaque step conflicts with everything */
	c1 = run("fifo", report, &cx, inc, &cy, &ev1, &op1);
	c2 = run("replay:1", report, &cx, inc, &cy, &ev2, &op2);
	CU_ASSERT_NOT_EQUAL(c1, c2);
	CU_ASSERT(op1 >= 1);
	CU_ASSERT_EQUAL(op1, op2);
}

static DEFINE_MUTEX(fp_m);
static int tried = -1;

static int hold(void *arg)
{
	(void)arg;
	mutex_lock(&fp_m);
	cond_resched(); /* where b may run */
	mutex_unlock(&fp_m);
	return 0;
}

static int try(void *arg)
{
	(void)arg;
	tried = mutex_trylock(&fp_m);
	return 0;
}

/* a holds the mutex across a preemption point; b tries it. "a locks, b
 * fails, a unlocks" and "a locks, a unlocks, b takes it" end in different
 * states, so their classes must differ: a release is an event on the lock
 * (when only acquisitions were, the two had one class). */
static void test_release_against_trylock(void)
{
	u64 ev, op, c1, c2;

	c1 = run("replay:0,0,1", hold, NULL, try, NULL, &ev, &op);
	CU_ASSERT_EQUAL(tried, 0);
	__mutex_init(&fp_m, "fp_m");
	c2 = run("replay:0,0,0", hold, NULL, try, NULL, &ev, &op);
	CU_ASSERT_EQUAL(tried, 1);
	__mutex_init(&fp_m, "fp_m");
	CU_ASSERT_NOT_EQUAL(c1, c2);
}

static int dev_shared;

static int dev_write(void *arg)
{
	dev_shared = (int)(long)arg; /* the device's state: no lock */
	return 0;
}

/* Two device tasks writing 1 and 2 in @policy's order; the class. */
static u64 run_devices(const char *policy)
{
	u64 class;

	CU_ASSERT_EQUAL(sched_set_policy(policy), 0);
	fp_begin();
	task_spawn(dev_write, (void *)1L, "d1", TASK_DEVICE, 0);
	task_spawn(dev_write, (void *)2L, "d2", TASK_DEVICE, 1);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	class = fp_class();
	fp_end();
	sched_exit();
	sched_init(NULL);
	return class;
}

/* Device workers share the device model without the kernel's locks:
 * two device tasks' steps never commute, or "1 then 2" and "2 then 1"
 * (different states) would have one class. */
static void test_device_steps_ordered(void)
{
	u64 c1 = run_devices("fifo"), c2;

	CU_ASSERT_EQUAL(dev_shared, 2);
	c2 = run_devices("replay:1");
	CU_ASSERT_EQUAL(dev_shared, 1);
	CU_ASSERT_NOT_EQUAL(c1, c2);
}

/* Off, the hooks record nothing. */
static void test_off(void)
{
	u64 before;

	fp_begin();
	fp_end();
	before = fp_events();
	task_spawn(inc, &cx, "a", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(fp_events(), before);
	CU_ASSERT_FALSE(fp_on);
}

VT_SUITE_EACH(sim_footprint, sim_test_setup, sim_test_teardown,
	      VT_CASE(test_class), VT_CASE(test_release_against_trylock),
	      VT_CASE(test_device_steps_ordered), VT_CASE(test_off));
