// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_mount_stuck.c - a mount that never returns. The v5-2019 driver
 * retries a failed submission for ever (usleep_range() and again), so in
 * a guest whose argument-buffer allocations all fail the mount's INIT
 * never goes out and guest_mount() never comes back from
 * virtio_fs_get_tree(). `vfsim explore` of
 * races/end-req-in-submitter.vfs with --variant v5-2019 under ASan
 * reported a host leak there: guest_mount() took its bookkeeping before
 * the super block existed, and a machine taken down with the task still
 * in get_tree lost it (136 bytes a run). It is now taken once the mount
 * exists, and listed at once, so the teardown frees it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/cli/cli_test_util.h"
#include "tests/cli/scenario_test_util.h"
#include "tests/harness.h"

static char *out_text, *err_text;

/* The run stops with t still inside the mount, retrying its INIT. */
static const char stuck_mount[] =
	"driver variant=v5-2019\n"
	"fault kmalloc:site=copy_args_to_argbuf,every\n"
	"task t\n"
	"  mount\n"
	"end\n"
	"run until time 100us\n"
	"expect reports sleep.atomic >= 0\n";

/* A machine taken down with t stuck in the mount. The check is
 * LeakSanitizer's at exit under `make check-asan` (it reported the lost
 * guest_fs before the fix); here, that the run stops as it should. */
static void test_stuck_mount_taken_down(void)
{
	char path[] = "/tmp/vfsim-stuck-XXXXXX";
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	close(fd); /* vt_write_text() writes it by name */
	CU_ASSERT_EQUAL_FATAL(vt_write_text(path, stuck_mount), 0);
	CU_ASSERT_EQUAL(vt_cli_run(&out_text, &err_text, "run", path, "--trace",
				   "none", NULL),
			0);
	/* the mount is still in progress: never answered */
	CU_ASSERT_PTR_NULL(strstr(err_text, "expectation failed"));
	remove(path);
	free(out_text);
	free(err_text);
	out_text = err_text = NULL;
}

VT_SUITE(cli_mount_stuck, NULL, NULL, VT_CASE(test_stuck_mount_taken_down));
