// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_explore_umount.c - an unmount racing another task's operation,
 * under many schedules. Lab 8's drain-two once unmounted in task t while
 * task u's LOOKUP was still inside the device: the unmount freed the
 * mount, and the LOOKUP read it when it came back (heap-use-after-free
 * in fuse_lookup_name() under ASan, found by `vfsim explore --strategy
 * pct:3`). An unmount under a busy mount is now refused with -EBUSY, as
 * umount(2) is. These explorations run in process, so `make check-asan`
 * runs them instrumented: the use-after-free cannot come back unseen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/explore.h"
#include "tests/cli/explore_test_util.h"
#include "tests/cli/scenario_test_util.h"
#include "tests/harness.h"

/* Schedules per strategy (a slow build, Valgrind's, tries fewer). */
#define UMOUNT_BUDGET (vt_slow_build() ? 40u : 500u)

/* drain-two as it was: t unmounts at 3 ms, u's LOOKUP is answered at
 * 3.1 ms. The unmount must be refused under every schedule, and u's
 * LOOKUP still answered. */
static const char old_drain_two[] = "machine queues=2 cpus=2\n"
				    "device latency=1ms\n"
				    "fs\n"
				    "  file /a \"one\"\n"
				    "  file /b \"two\"\n"
				    "end\n"
				    "task t cpu=0\n"
				    "  mount\n"
				    "  sleep 2ms\n"
				    "  lookup /a\n"
				    "  getattr /a\n"
				    "  umount\n"
				    "end\n"
				    "task u cpu=1\n"
				    "  sleep 2100us\n"
				    "  lookup /b\n"
				    "  getattr /b\n"
				    "end\n"
				    "at 2500us\n"
				    "  unplug\n"
				    "end\n"
				    "run\n"
				    "expect task u op 2 returns 0\n"
				    "expect task u op 3 returns -ENOTCONN\n"
				    "expect task t op 5 returns -EBUSY\n"
				    "expect status done\n"
				    "expect reports == 0\n"
				    "expect no leaks\n";

/* The scenarios that unmount with two tasks on one mount hold under
 * every schedule explored: the lab's graded file, lab 4's reference
 * answer and the scenario test of the refusal. */
static void test_files_hold(void)
{
	static const char *const files[] = {
		"labs/lab8-removal/graded/drain-two.vfs",
		"tests/labs/lab4.vfs",
		"tests/scenarios/umount-busy.vfs",
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		char *text = vt_read_text(files[i]);
		struct scenario *s = text ? vt_parse(files[i], text) : NULL;

		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		vt_explore_clean(files[i], s, UMOUNT_BUDGET);
		scenario_free(s);
		free(text);
	}
}

/* The use-after-free's own schedule space: refused, never freed. */
static void test_old_drain_two_refused(void)
{
	struct scenario *s = vt_parse("old-drain-two.vfs", old_drain_two);

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	vt_explore_clean("old-drain-two.vfs", s, UMOUNT_BUDGET);
	scenario_free(s);
}

VT_SUITE(cli_explore_umount, NULL, NULL, VT_CASE(test_files_hold),
	 VT_CASE(test_old_drain_two_refused));
