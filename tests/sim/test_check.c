// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_check.c - the report list and the invariant registry.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kernel/check.h"
#include "sim/trace/trace.h"
#include "tests/harness.h"

static void setup(void)
{
	check_clear();
	check_invariant_clear();
	trace_reset(true);
	trace_set_keep(true);
}

static void teardown(void)
{
	check_clear();
	check_invariant_clear();
	check_set_echo(NULL);
	trace_reset(false);
}

static void test_reports(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	CU_ASSERT_EQUAL(check_count(), 0);
	CU_ASSERT_PTR_NULL(check_at(0));
	CU_ASSERT_EQUAL(check_find("x"), -1);
	check_report("x.one", "first %d", 1);
	check_report("x.two", "second");
	check_report("x.one", "third");
	CU_ASSERT_EQUAL(check_count(), 3);
	CU_ASSERT_EQUAL(check_count_kind("x.one"), 2);
	CU_ASSERT_EQUAL(check_find("x.two"), 1);
	CU_ASSERT_STRING_EQUAL(check_at(0)->message, "first 1");
	CU_ASSERT_STRING_EQUAL(check_at(0)->task, "-");
	CU_ASSERT_EQUAL(check_at(0)->trace_seq, 1);
	CU_ASSERT_EQUAL(check_at(2)->trace_seq, 3);
	CU_ASSERT(trace_find("x.two", 0) == 1);
	f = open_memstream(&buf, &len);
	check_print(f);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "BUG x.one [-] @1 t=0ns: first 1"));
	free(buf);
	/* echo mirrors new reports */
	f = open_memstream(&buf, &len);
	check_set_echo(f);
	for (int i = 0; i < 20; i++)
		check_report("x.many", "n%d", i);
	check_set_echo(NULL);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "BUG x.many [-] @23: n19"));
	free(buf);
	check_clear();
	CU_ASSERT_EQUAL(check_count(), 0);
}

/* A kind past its cap is counted, traced and echoed, but not stored. */
static void test_reports_capped(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	for (int i = 0; i < 5000; i++)
		check_report("x.loop", "retry %d", i);
	check_report("x.other", "once");
	CU_ASSERT_EQUAL(check_count(), 5001);
	CU_ASSERT_EQUAL(check_kept(), CHECK_KEEP_PER_KIND + 1);
	CU_ASSERT_EQUAL(check_count_kind("x.loop"), 5000);
	CU_ASSERT_EQUAL(check_dropped("x.loop"), 5000 - CHECK_KEEP_PER_KIND);
	CU_ASSERT_EQUAL(check_dropped(NULL), 5000 - CHECK_KEEP_PER_KIND);
	CU_ASSERT_EQUAL(check_dropped("x.other"), 0);
	CU_ASSERT_EQUAL(check_dropped("x.none"), 0);
	CU_ASSERT_EQUAL(check_count_kind("x.none"), 0);
	CU_ASSERT_EQUAL(check_find("x.other"), CHECK_KEEP_PER_KIND);
	CU_ASSERT_STRING_EQUAL(check_at(CHECK_KEEP_PER_KIND - 1)->message,
			       "retry 99");
	CU_ASSERT_EQUAL(check_nr_kinds(), 2);
	CU_ASSERT_STRING_EQUAL(check_kind_at(1)->kind, "x.other");
	CU_ASSERT_PTR_NULL(check_kind_at(2));
	/* every report is still an event of the trace */
	CU_ASSERT_EQUAL(trace_count(), 5001);
	f = open_memstream(&buf, &len);
	check_print(f);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(buf, "BUG x.loop: 4900 more reports not kept"));
	free(buf);
	/* a smaller cap; a long message past the cap is traced whole */
	check_clear();
	check_set_keep_per_kind(2);
	for (int i = 0; i < 4; i++)
		check_report("x.long", "%0300d", i);
	CU_ASSERT_EQUAL(check_kept(), 2);
	CU_ASSERT_EQUAL(check_dropped("x.long"), 2);
	{
		char tmp[512];
		const struct trace_event *ev = trace_event_at(trace_kept() - 1);

		CU_ASSERT_PTR_NOT_NULL_FATAL(ev);
		CU_ASSERT_EQUAL(strlen(trace_detail(ev, tmp, sizeof(tmp))),
				300);
	}
	check_set_keep_per_kind(0);
	check_clear();
	CU_ASSERT_EQUAL(check_nr_kinds(), 0);
	CU_ASSERT_EQUAL(check_dropped(NULL), 0);
}

static int seen_hook;

static void count_hook(const char *kind, void *arg)
{
	(void)arg;
	seen_hook += !strcmp(kind, "x.hook");
}

/* The hook sees every report, stored or not. */
static void test_hook(void)
{
	check_set_keep_per_kind(1);
	check_set_hook(count_hook, NULL);
	check_report("x.hook", "a");
	check_report("x.hook", "b");
	check_set_hook(NULL, NULL);
	check_report("x.hook", "c");
	check_set_keep_per_kind(0);
	CU_ASSERT_EQUAL(seen_hook, 2);
	CU_ASSERT_EQUAL(check_count_kind("x.hook"), 3);
}

static int warn_twice(int v)
{
	return WARN_ON_ONCE(v > 1);
}

static void test_warn_and_bug_on(void)
{
	int x = 3;

	CU_ASSERT_FALSE(WARN_ON(x == 2));
	CU_ASSERT_EQUAL(check_count(), 0);
	CU_ASSERT_TRUE(WARN_ON(x == 3));
	CU_ASSERT_EQUAL(check_count_kind("warn"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(check_at(0)->message, "test_check.c"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(check_at(0)->message, "test_warn_and_bug_on(): x == 3"));
	CU_ASSERT_FALSE(warn_twice(1));
	CU_ASSERT_TRUE(warn_twice(2));
	CU_ASSERT_TRUE(warn_twice(5));
	CU_ASSERT_EQUAL(check_count_kind("warn"), 2);
	BUG_ON(x != 3);
	CU_ASSERT_EQUAL(check_count_kind("bug_on"), 0);
	BUG_ON(x > 0);
	CU_ASSERT_EQUAL(check_count_kind("bug_on"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(check_at(2)->message, "kernel BUG at"));
}

static int calls;

static const char *ok_inv(void *arg)
{
	calls++;
	return arg;
}

static void test_invariants(void)
{
	char name[32];
	static char names[40][32];

	CU_ASSERT_FALSE(check_invariants_enabled());
	CU_ASSERT_EQUAL(check_invariant_add(NULL, ok_inv, NULL), -EINVAL);
	CU_ASSERT_EQUAL(check_invariant_add("a", NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL(check_invariant_add("a", ok_inv, NULL), 0);
	CU_ASSERT_EQUAL(check_invariant_add("a", ok_inv, NULL), -EEXIST);
	CU_ASSERT_EQUAL(check_invariant_add("b", ok_inv, "broken"), 0);
	calls = 0;
	CU_ASSERT_EQUAL(check_invariants_run(), 1);
	CU_ASSERT_EQUAL(calls, 2);
	CU_ASSERT_STRING_EQUAL(check_at(0)->message, "b: broken");
	CU_ASSERT_EQUAL(check_invariant_remove("b"), 0);
	CU_ASSERT_EQUAL(check_invariant_remove("b"), -ENOENT);
	CU_ASSERT_EQUAL(check_invariants_run(), 0);
	check_invariants_enable(true);
	CU_ASSERT_TRUE(check_invariants_enabled());
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "i%d", i);
		memcpy(names[i], name, sizeof(name));
	}
	for (int i = 0; i < 31; i++)
		CU_ASSERT_EQUAL(check_invariant_add(names[i], ok_inv, NULL), 0);
	CU_ASSERT_EQUAL(check_invariant_add(names[31], ok_inv, NULL), -ENOMEM);
	check_invariant_clear();
	CU_ASSERT_FALSE(check_invariants_enabled());
	CU_ASSERT_EQUAL(check_invariants_run(), 0);
}

VT_SUITE_EACH(sim_check, setup, teardown, VT_CASE(test_reports),
	      VT_CASE(test_invariants), VT_CASE(test_warn_and_bug_on),
	      VT_CASE(test_reports_capped), VT_CASE(test_hook));
