// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vfs_dev_fault.c - the device's fault points on the simulated ring:
 * each one picks one request by opcode and name and does to it what
 * vfsim serve does to a real driver's.
 */
#include <errno.h>
#include <string.h>

#include "device/virtio_fs_dev.h"
#include "sim/kernel/fault.h"
#include "sim/trace/trace.h"
#include "tests/device/dev_harness.h"

static void setup(void)
{
	fault_reset();
	dh_setup(NULL);
	dh_do_init();
}

static void teardown(void)
{
	dh_teardown();
	fault_reset();
}

static void test_error_picks_one_name(void)
{
	CU_ASSERT_EQUAL(fault_plan_parse("dev.error:site=LOOKUP/x,arg=EACCES"),
			0);
	dh_expect(dh_lookup(1, FUSE_ROOT_ID, "y"), -ENOENT);
	dh_expect(dh_lookup(1, FUSE_ROOT_ID, "x"), -EACCES);
	/* without an argument: EIO; a bad one never gets into the plan */
	fault_reset();
	CU_ASSERT_EQUAL(fault_plan_parse("dev.error:site=LOOKUP,arg=EWHAT"),
			-ENOENT);
	CU_ASSERT_EQUAL(fault_plan_parse("dev.error:site=LOOKUP/z"), 0);
	dh_expect(dh_lookup(1, FUSE_ROOT_ID, "z"), -EIO);
}

static void test_late_answers_later(void)
{
	struct dh_req *r;
	u64 t0;

	CU_ASSERT_EQUAL(fault_plan_parse("dev.late:site=GETATTR,arg=3ms"), 0);
	t0 = sched_now();
	r = dh_getattr(1, FUSE_ROOT_ID);
	dh_expect(r, 0);
	CU_ASSERT(sched_now() - t0 >= 3000000);
	fault_reset();
	CU_ASSERT_EQUAL(fault_plan_parse("dev.late:site=GETATTR,arg=soon"),
			-ENOENT);
	CU_ASSERT_EQUAL(fault_plan_parse("dev.late:site=GETATTR"), 0);
	t0 = sched_now();
	dh_expect(dh_getattr(1, FUSE_ROOT_ID), 0);
	CU_ASSERT(sched_now() - t0 >= 1000000000ULL); /* the 1 s default */
}

static void test_malformed_replies(void)
{
	struct dh_req *r;

	CU_ASSERT_EQUAL(fault_plan_parse("dev.bad-unique:site=GETATTR,nth=1;"
					 "dev.short:site=GETATTR,nth=2"),
			0);
	r = dh_getattr(1, FUSE_ROOT_ID);
	dh_kick(1);
	dh_run();
	CU_ASSERT_EQUAL(dh_result(r), DH_BADREPLY);
	CU_ASSERT_EQUAL(r->verify_err, -EBADR);
	r = dh_getattr(1, FUSE_ROOT_ID);
	dh_kick(1);
	dh_run();
	CU_ASSERT_EQUAL(dh_result(r), DH_BADREPLY);
	CU_ASSERT_EQUAL(r->used_len, (16 + sizeof(struct fuse_attr_out)) / 2);
	CU_ASSERT(dh_count("short: the reply has") == 1);
}

static void test_die_never_answers(void)
{
	struct dh_req *r;

	CU_ASSERT_EQUAL(fault_plan_parse("dev.die:site=MKDIR/d"), 0);
	r = dh_mkdir(1, FUSE_ROOT_ID, "d");
	dh_kick(1);
	dh_run();
	CU_ASSERT_EQUAL(dh_result(r), DH_PENDING);
	CU_ASSERT(vfs_dev_dead(dh_dev));
}

static void test_stall_then_resume(void)
{
	struct dh_req *a, *b;

	CU_ASSERT_EQUAL(fault_plan_parse("dev.stall:site=MKDIR/s,arg=2ms"), 0);
	dh_expect(dh_mkdir(1, FUSE_ROOT_ID, "s"), 0);
	CU_ASSERT(vfs_dev_paused(dh_dev) || dh_count("dev.stall_end") == 1);
	a = dh_getattr(1, FUSE_ROOT_ID);
	b = dh_forget(0, FUSE_ROOT_ID, 1);
	(void)b;
	dh_kick(0);
	dh_kick(1);
	dh_run();
	CU_ASSERT_EQUAL(dh_result(a), 0);
	CU_ASSERT(dh_count("dev.stall_end") == 1);
	CU_ASSERT(dh_count("chains") == 1);
	/* without a duration it lasts until vfs_dev_stall_end() */
	fault_reset();
	CU_ASSERT_EQUAL(fault_plan_parse("dev.stall:site=MKDIR/t"), 0);
	dh_expect(dh_mkdir(1, FUSE_ROOT_ID, "t"), 0);
	CU_ASSERT(vfs_dev_paused(dh_dev));
	a = dh_getattr(1, FUSE_ROOT_ID);
	dh_kick(1);
	dh_run();
	CU_ASSERT_EQUAL(dh_result(a), DH_PENDING);
	vfs_dev_stall_end(dh_dev);
	dh_run();
	CU_ASSERT_EQUAL(dh_result(a), 0);
	vfs_dev_stall_end(dh_dev); /* not paused: nothing happens */
	CU_ASSERT(dh_count("dev.stall_end") == 2);
}

/* The device's points are checked by the one plan parser
 * (fault_plan_check()): names, arguments, sites. */
static void test_plan_check(void)
{
	char msg[FAULT_ERR_MAX];

	CU_ASSERT_EQUAL(fault_plan_check("kmalloc:nth=2;dev.late:site="
					 "LOOKUP,arg=5ms;dev.die:nth=1",
					 msg, sizeof(msg)),
			0);
	CU_ASSERT_EQUAL(fault_plan_check("dev.slow:nth=1", msg, sizeof(msg)),
			-ENOENT);
	CU_ASSERT(strstr(msg, "unknown point") != NULL);
	CU_ASSERT(strstr(msg, "dev.late") != NULL);
	CU_ASSERT_EQUAL(fault_plan_check("dev.late:arg=5", msg, sizeof(msg)),
			-ENOENT);
	CU_ASSERT(strstr(msg, "a duration") != NULL);
	CU_ASSERT_EQUAL(fault_plan_check("dev.error:arg=ENOPE", msg,
					 sizeof(msg)),
			-ENOENT);
	CU_ASSERT(strstr(msg, "errno name") != NULL);
	CU_ASSERT_EQUAL(fault_plan_check("dev.die:arg=now", msg, sizeof(msg)),
			-ENOENT);
	CU_ASSERT(strstr(msg, "no arg") != NULL);
	CU_ASSERT_EQUAL(fault_plan_check("dev.error:site=LOOKUP,"
					 "arg=-EACCES",
					 msg, sizeof(msg)),
			0);
	CU_ASSERT_EQUAL(fault_plan_check("dev.error:site=LOKUP", msg,
					 sizeof(msg)),
			-ENOENT);
	CU_ASSERT(strstr(msg, "FUSE opcode") != NULL);
	CU_ASSERT_EQUAL(fault_plan_check("dev.die:site=LOOKUP/", msg,
					 sizeof(msg)),
			-ENOENT);
}

/*
 * Each popped request's consultation of a device point is a hit, counted
 * as every point's are (fault.h), whether or not the plan has rules. The
 * device used to skip its points when the plan was empty, so they alone
 * counted nothing there.
 */
static void test_hits_counted_without_rules(void)
{
	static const char *const points[] = {
		"dev.die",
		"dev.error",
		"dev.late",
		"dev.bad-unique",
		"dev.short",
		"dev.long",
		"dev.positive-error",
		"dev.error-range",
		"dev.error-payload",
		"dev.dup-reply",
		"dev.stray-reply",
		"dev.stall",
	};

	CU_ASSERT_EQUAL_FATAL(fault_nr_rules(), 0);
	fault_reset(); /* (INIT's hits) */
	dh_expect(dh_getattr(1, FUSE_ROOT_ID), 0);
	dh_expect(dh_lookup(1, FUSE_ROOT_ID, "nothing"), -ENOENT);
	for (size_t i = 0; i < ARRAY_SIZE(points); i++)
		CU_ASSERT_EQUAL(fault_hits(points[i]), 2);
	/* the same with a plan whose rules name none of them */
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:nth=1000000"), 0);
	dh_expect(dh_getattr(1, FUSE_ROOT_ID), 0);
	for (size_t i = 0; i < ARRAY_SIZE(points); i++)
		CU_ASSERT_EQUAL(fault_hits(points[i]), 3);
	/* a firing dev.error ends the consulting */
	CU_ASSERT_EQUAL(fault_plan_parse("dev.error:site=GETATTR"), 0);
	dh_expect(dh_getattr(1, FUSE_ROOT_ID), -EIO);
	CU_ASSERT_EQUAL(fault_hits("dev.error"), 4);
	CU_ASSERT_EQUAL(fault_hits("dev.late"), 3);
}

VT_SUITE_EACH(device_vfs_dev_fault, setup, teardown,
	      VT_CASE(test_error_picks_one_name),
	      VT_CASE(test_late_answers_later), VT_CASE(test_malformed_replies),
	      VT_CASE(test_die_never_answers), VT_CASE(test_stall_then_resume),
	      VT_CASE(test_plan_check),
	      VT_CASE(test_hits_counted_without_rules));
