// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_footprint.c - the happens-before class of a run (footprint.h):
 * equal for two orders of steps that touch different objects, different
 * when they touch the same one or one step is opaque; nothing recorded
 * while off.
 */
#include "sim/kernel/atomic.h"
#include "sim/kernel/check.h"
#include "sim/kernel/footprint.h"
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
	      VT_CASE(test_class), VT_CASE(test_off));
