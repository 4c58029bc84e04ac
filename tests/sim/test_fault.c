// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fault.c - fault plan parser and rules.
 */
#include <errno.h>
#include <string.h>

#include "sim/kernel/fault.h"
#include "sim/trace/trace.h"
#include "tests/harness.h"

static void setup(void)
{
	fault_reset();
	trace_reset(true);
	trace_set_keep(true);
}

static void teardown(void)
{
	fault_reset();
	trace_reset(false);
}

/* Which of the first @n hits of @point at @site fail, as "0110..". */
static const char *pattern(const char *point, const char *site, int n)
{
	static char buf[64];

	for (int i = 0; i < n; i++)
		buf[i] = fault_hit(point, site) ? '1' : '0';
	buf[n] = 0;
	return buf;
}

static void test_nth(void)
{
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:nth=3"), 0);
	CU_ASSERT_EQUAL(fault_nr_rules(), 1);
	CU_ASSERT_STRING_EQUAL(pattern("kmalloc", NULL, 6), "001000");
	CU_ASSERT_EQUAL(fault_hits("kmalloc"), 6);
	CU_ASSERT_EQUAL(fault_fired("kmalloc"), 1);
	CU_ASSERT_STRING_EQUAL(pattern("other", NULL, 3), "000");
	CU_ASSERT_EQUAL(fault_hits("never.asked"), 0);
	CU_ASSERT_EQUAL(fault_fired("never.asked"), 0);
	CU_ASSERT(trace_find("kmalloc fails (hit 3)", 0) >= 0);
}

static void test_every_and_range(void)
{
	CU_ASSERT_EQUAL(
		fault_plan_parse("dev.die:every;vq.full:from=2,count=3"), 0);
	CU_ASSERT_EQUAL(fault_nr_rules(), 2);
	CU_ASSERT_STRING_EQUAL(pattern("dev.die", "x", 3), "111");
	CU_ASSERT_STRING_EQUAL(pattern("vq.full", NULL, 7), "0111000");
	fault_reset();
	CU_ASSERT_EQUAL(fault_plan_parse("dev.short:from=3"), 0);
	CU_ASSERT_STRING_EQUAL(pattern("dev.short", NULL, 5), "00111");
}

static void test_site(void)
{
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=fuse_dev_alloc"), 0);
	CU_ASSERT_STRING_EQUAL(pattern("kmalloc", "g", 2), "00");
	CU_ASSERT_STRING_EQUAL(pattern("kmalloc", NULL, 1), "0");
	CU_ASSERT_STRING_EQUAL(pattern("kmalloc", "fuse_dev_alloc", 2), "11");
	fault_reset();
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=fuse_dev_alloc,nth=2"),
			0);
	CU_ASSERT_STRING_EQUAL(pattern("kmalloc", "g", 3), "000");
	CU_ASSERT_STRING_EQUAL(pattern("kmalloc", "fuse_dev_alloc", 3), "010");
}

static void test_additive_and_deterministic(void)
{
	CU_ASSERT_EQUAL(fault_plan_parse("dev.long:nth=1"), 0);
	CU_ASSERT_EQUAL(fault_plan_parse("dev.long:nth=4"), 0);
	CU_ASSERT_STRING_EQUAL(pattern("dev.long", NULL, 5), "10010");
	fault_reset();
	CU_ASSERT_EQUAL(fault_nr_rules(), 0);
	CU_ASSERT_EQUAL(fault_hits("dev.long"), 0);
	CU_ASSERT_EQUAL(fault_plan_parse("dev.long:nth=1;dev.long:nth=4"), 0);
	CU_ASSERT_STRING_EQUAL(pattern("dev.long", NULL, 5), "10010");
}

static void expect(const char *spec, int err, const char *msg)
{
	unsigned before = fault_nr_rules();

	CU_ASSERT_EQUAL(fault_plan_parse(spec), err);
	CU_ASSERT_PTR_NOT_NULL(strstr(fault_error(), msg));
	CU_ASSERT_EQUAL(fault_nr_rules(), before); /* all or nothing */
}

static void test_parse_errors(void)
{
	char longname[90], many[40 * 16 + 1] = "";

	expect(NULL, -EINVAL, "empty");
	expect("", -EINVAL, "empty");
	expect("kmalloc", -EINVAL, "expected point:rule");
	expect(":nth=1", -EINVAL, "expected point:rule");
	expect("kmalloc:", -EINVAL, "empty item");
	expect("kmalloc:nth=1,", -EINVAL, "empty item");
	expect("kmalloc:nth", -EINVAL, "expected key=value");
	expect("kmalloc:nth=x", -EINVAL, "not a number");
	expect("kmalloc:nth=", -EINVAL, "not a number");
	expect("kmalloc:nth=0", -ERANGE, "number must be");
	expect("kmalloc:nth=99999999999999999999", -ERANGE, "number must be");
	expect("kmalloc:nth=1,every", -EINVAL, "more than one mode");
	expect("kmalloc:every,nth=1", -EINVAL, "more than one mode");
	expect("kmalloc:nth=1,from=2", -EINVAL, "more than one mode");
	expect("kmalloc:count=2", -EINVAL, "count needs from");
	expect("kmalloc:nth=1,count=2", -EINVAL, "count needs from");
	expect("kmalloc:site=", -EINVAL, "empty site");
	expect("kmalloc:when=3", -EINVAL, "unknown key");
	expect("kmalloc:nth=1;", -EINVAL, "trailing ';'");
	expect("kmalloc:nth=1;b", -EINVAL, "expected point:rule");
	memset(longname, 'a', 40);
	strcpy(longname + 40, ":every");
	expect(longname, -ENAMETOOLONG, "point name too long");
	strcpy(longname, "kmalloc:site=");
	memset(longname + 13, 's', 70);
	longname[83] = 0;
	expect(longname, -ENAMETOOLONG, "site name too long");
	for (int i = 0; i < 33; i++)
		strcat(many, i ? ";dev.die:every" : "dev.die:every");
	expect(many, -ENOSPC, "too many rules");
	CU_ASSERT_EQUAL(fault_nr_rules(), 0);
	/* a good plan after errors clears the message */
	CU_ASSERT_EQUAL(fault_plan_parse("dev.die:every"), 0);
	CU_ASSERT_STRING_EQUAL(fault_error(), "");
}

static bool hit_here(void)
{
	return FAULT_HIT("mig.cut", "vhost_load_backend_state");
}

/* A point keeps its number for the whole process, so a call site looks
 * it up once; a plan's rules find the same number. */
static void test_point_numbers(void)
{
	char name[16];
	int id;

	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "pt%d", i);
		CU_ASSERT_FALSE(fault_hit(name, NULL));
	}
	CU_ASSERT_EQUAL(fault_hits("pt0"), 1);
	CU_ASSERT_EQUAL(fault_hits("pt39"), 1);
	id = fault_point("pt39");
	CU_ASSERT(id >= 0);
	CU_ASSERT_EQUAL(fault_point("pt39"), id);
	/* a plan names only points vfsim has; they keep their numbers too */
	CU_ASSERT_EQUAL(fault_plan_parse("pt39:every"), -ENOENT);
	id = fault_point("dev.late");
	CU_ASSERT_EQUAL(fault_plan_parse("dev.late:every"), 0);
	CU_ASSERT_TRUE(fault_hit_id(id, NULL));
	CU_ASSERT_EQUAL(fault_fired("dev.late"), 1);
	/* no number for a name that cannot be one: never hit, never counted */
	CU_ASSERT_EQUAL(fault_point("a-point-name-longer-than-31-bytes-x"), -1);
	CU_ASSERT_EQUAL(fault_point(""), -1);
	CU_ASSERT_FALSE(fault_hit("a-point-name-longer-than-31-bytes-x", NULL));
	CU_ASSERT_FALSE(fault_hit_id(-1, NULL));
	/* a call site's cached number, across a reset of the plan */
	CU_ASSERT_FALSE(hit_here());
	CU_ASSERT_EQUAL(
		fault_plan_parse("mig.cut:site=vhost_load_backend_state,nth=2"),
		0);
	CU_ASSERT_FALSE(hit_here()); /* the rule's first hit */
	CU_ASSERT_TRUE(hit_here());
	fault_reset();
	CU_ASSERT_EQUAL(fault_hits("mig.cut"), 0);
	CU_ASSERT_EQUAL(fault_plan_parse("mig.cut:every"), 0);
	CU_ASSERT_TRUE(hit_here());
	CU_ASSERT_EQUAL(fault_hits("mig.cut"), 1);
}

VT_SUITE_EACH(sim_fault, setup, teardown, VT_CASE(test_nth),
	      VT_CASE(test_every_and_range), VT_CASE(test_site),
	      VT_CASE(test_additive_and_deterministic),
	      VT_CASE(test_parse_errors), VT_CASE(test_point_numbers));
