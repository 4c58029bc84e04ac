// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_machine_teardown.c - a machine thrown away while a task is stuck
 * in the driver (a dead device, no request timeout: the teardown's
 * removal and unmount wait for ever) must not poison the next machine of
 * the same process. Before virtio_fs_module_reset() the next probe
 * walked a freed instance list and never returned.
 */
#include <stdlib.h>

#include "guest/virtio_fs.h"
#include "sim/cli/exec.h"
#include "tests/harness.h"

static const char dead[] = "fs\n"
			   "  file /f \"data\"\n"
			   "end\n"
			   "task t\n"
			   "  mount\n"
			   "  sleep 1ms\n"
			   "  getattr /f\n"
			   "end\n"
			   "at 500us\n"
			   "  device die\n"
			   "end\n"
			   "run\n"
			   "expect status deadlock\n";

/* The scenario's own unmount is the stuck task: the shutdown's unmount
 * of the same mount is refused (-EBUSY) and the mount's host memory goes
 * with the machine. */
static const char dead_umount[] = "fs\n"
				  "  file /f \"data\"\n"
				  "end\n"
				  "task t\n"
				  "  mount\n"
				  "  lookup /f\n"
				  "  sleep 1ms\n"
				  "  umount\n"
				  "end\n"
				  "at 500us\n"
				  "  device die\n"
				  "end\n"
				  "run\n"
				  "expect task t blocked\n"
				  "expect status deadlock\n";

static const char fine[] = "fs\n"
			   "  file /f \"data\"\n"
			   "end\n"
			   "task t\n"
			   "  mount\n"
			   "  getattr /f\n"
			   "  umount\n"
			   "end\n"
			   "run\n"
			   "expect task t returns 0\n"
			   "expect no leaks\n";

static int run(const char *text)
{
	struct vfsim_result r;
	struct scenario *s;
	int status;

	CU_ASSERT_EQUAL_FATAL(scenario_parse_string("t.vfs", text, &s, NULL),
			      0);
	status = vfsim_exec(s, NULL, &r);
	vfsim_result_free(&r);
	scenario_free(s);
	return status;
}

static void test_next_machine_after_stuck_teardown(void)
{
	CU_ASSERT_EQUAL(run(dead), 0);
	CU_ASSERT_EQUAL(virtio_fs_nr_instances(), 0);
	CU_ASSERT_FALSE(mutex_is_locked(&virtio_fs_mutex));
	CU_ASSERT_EQUAL(run(dead), 0);
	CU_ASSERT_EQUAL(run(dead_umount), 0);
	CU_ASSERT_EQUAL(run(fine), 0);
	/* A clean teardown leaves nothing to forget. */
	CU_ASSERT_FALSE(virtio_fs_module_reset());
}

VT_SUITE(cli_machine_teardown, NULL, NULL,
	 VT_CASE(test_next_machine_after_stuck_teardown));
