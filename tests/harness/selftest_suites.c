// SPDX-License-Identifier: GPL-2.0-only
/*
 * selftest_suites.c - suites for checking the test harness itself
 * (scripts/harness-selftest.sh links them with tests/harness.c): one that
 * passes, one whose assertion fails, one that crashes, one that exits in
 * the middle, one that skips, one that hangs. A parallel run must report each as what it
 * is, in order.
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/harness.h"

static void test_passes(void)
{
	CU_ASSERT_EQUAL(1 + 1, 2);
}

static void test_fails(void)
{
	CU_ASSERT_EQUAL(1 + 1, 3);
}

static void test_crashes(void)
{
	raise(SIGSEGV);
}

static void test_exits(void)
{
	exit(0);
}

static void test_hangs(void)
{
	/* the runner's timeout (VFSIM_TEST_TIMEOUT=1 in the self-test) */
	for (;;)
		pause();
}

static void test_sleeps(void)
{
	/* finishes after the suites that follow it: output stays in order */
	usleep(300 * 1000);
	CU_ASSERT_TRUE(1);
}

static void test_skips(void)
{
	vt_skip("a prerequisite CI must have");
}

static void test_skips_ci_ok(void)
{
	vt_skip_ci_ok("a check CI's emulated runs cannot make");
}

VT_SUITE(self_a_sleeps, NULL, NULL, VT_CASE(test_sleeps));
VT_SUITE(self_b_passes, NULL, NULL, VT_CASE(test_passes));
VT_SUITE(self_c_fails, NULL, NULL, VT_CASE(test_fails));
VT_SUITE(self_d_crashes, NULL, NULL, VT_CASE(test_crashes));
VT_SUITE(self_e_exits, NULL, NULL, VT_CASE(test_exits));
VT_SUITE(self_g_hangs, NULL, NULL, VT_CASE(test_hangs));
VT_SUITE(self_f_skips, NULL, NULL, VT_CASE(test_skips),
	 VT_CASE(test_skips_ci_ok));
