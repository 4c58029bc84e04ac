// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_exec.c - the executor's error paths, in-process: operations that
 * fail before reaching the guest (-ENODEV without a mount, -EBADF for a
 * handle whose open failed), data checks (-EIO), actions that find no
 * device, expectations on a removed queue, long trace lines, and the
 * set-up errors only the machine can detect; and a run stopped at its
 * first unexpected report.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/exec.h"
#include "tests/cli/exec_test_util.h"
#include "tests/cli/scenario_test_util.h"
#include "tests/harness.h"

static char *diag;

/* Run @text; return the status, with the diagnostics in @diag. */
static int run_text(const char *text, const char *policy,
		    struct vfsim_result *r)
{
	return vt_exec_named("t.vfs", text,
			     (struct vfsim_exec_opts){ .policy = policy },
			     false, r, &diag);
}

static void test_error_paths(void)
{
	char *text, *mark = malloc(3001);
	struct vfsim_result r;

	memset(mark, 'x', 3000);
	mark[3000] = '\0';
	CU_ASSERT_FATAL(asprintf(&text,
				 "machine variant=v5-2019\n"
				 "migration policy=guest-error\n"
				 "fs\n  file /f \"abc\"\nend\n"
				 "task u\n  getattr /\nend\n"
				 "task t\n  mount\n  open /nope as h\n"
				 "  read h 0 1\n  open /f as g\n"
				 "  read g 0 3 expect=\"xyz\"\n"
				 "  opendir / as d\n  readdir d expect=7\n"
				 "  releasedir d\n  release g\n  umount\nend\n"
				 "at 1ms\n  device die\n  unplug\n  unplug\n"
				 "  picture ring hiprio\n  mark \"%s\"\nend\n"
				 "run until time 500us\n"
				 "expect hiprio.avail_idx <= 100\n"
				 "expect requests.0.used_idx >= 1\n"
				 "run\n"
				 "expect task u returns -ENODEV\n"
				 "expect task t op 3 returns -EBADF\n"
				 "expect task t op 5 returns -EIO\n"
				 "expect task t op 7 returns -EIO\n"
				 "expect task t returns 0\n"
				 "expect trace contains \"unplug result "
				 "-ENODEV\"\n"
				 "expect trace contains \"no such queue now\"\n"
				 "expect hiprio.connected == 0\n"
				 "expect device.dead == 1\n",
				 mark) > 0);
	CU_ASSERT_EQUAL(run_text(text, NULL, &r), 1);
	CU_ASSERT_EQUAL(r.expects, 11);
	CU_ASSERT_EQUAL(r.failed, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(diag, "t.vfs:39:1: expectation failed: "
					    "hiprio.connected == 0: got no "
					    "such queue"));
	/* The line shows the result the mismatch gives, not the call's 0. */
	CU_ASSERT_PTR_NOT_NULL(strstr(
		r.trace, ": -EIO, 3 bytes read differ from the 3 expected"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.trace, ": -EIO, 3 entries, not 7"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.trace, mark)); /* not truncated */
	CU_ASSERT_EQUAL(r.nr_pictures, 0);
	vfsim_result_free(&r);
	free(text);
	free(mark);
}

/*
 * stop_at_unexpected: the run stops at the step after the first report
 * no expectation accounts for, also in a run whose predicate takes its
 * one-flag path (no trigger, no `run until time`, no abandon flag): the
 * report must clear that flag. The 40 GETATTRs after the FORGET that
 * leaks guest memory (dev.infoleak) never run.
 */
static void test_stop_at_unexpected_report(void)
{
	static const char text[] = "bug forget-sends-list-head\n"
				   "fs\n  file /a \"a\"\nend\n"
				   "task t\n  mount\n  lookup /a\n  forget /a\n"
				   "  repeat 40\n    getattr /\n  end\n"
				   "  umount\nend\n"
				   "run\n";
	struct vfsim_result all, stopped;

	vt_exec_text(text, (struct vfsim_exec_opts){ .policy = NULL }, true,
		     &all, &diag);
	vt_exec_text(text,
		     (struct vfsim_exec_opts){ .policy = NULL,
					       .stop_at_unexpected = true },
		     true, &stopped, &diag);
	CU_ASSERT_EQUAL(all.unexpected, 1);
	CU_ASSERT_EQUAL(stopped.unexpected, 1);
	/* a GETATTR round trip is about 30 events: 40 of them are gone */
	CU_ASSERT(stopped.trace_count + 40 * 20 < all.trace_count);
	vfsim_result_free(&all);
	vfsim_result_free(&stopped);
}

/* `run until` with no `on` trigger: the event it waits for must stop the
 * run there (the executor's one-flag predicate is cleared by that event,
 * not only by a trigger's). */
static void test_run_until_without_triggers(void)
{
	struct vfsim_result r;

	CU_ASSERT_EQUAL(run_text("task t\n  mount\n  repeat 5\n"
				 "    getattr /\n  end\n  umount\nend\n"
				 "run until dev.pop\n"
				 "expect task t blocked\n"
				 "run until \"op 2 /: 0\"\n"
				 "expect trace count \"getattr op 2\" == 1\n"
				 "run\nexpect task t done\n",
				 NULL, &r),
			0);
	CU_ASSERT_EQUAL(r.expects, 3);
	vfsim_result_free(&r);
}

/* The PM path as actions, and an expectation on the run's status. */
static void test_freeze_restore_actions(void)
{
	struct vfsim_result r;

	CU_ASSERT_EQUAL(run_text("at 1us\n  freeze\n  restore\nend\n"
				 "run\nexpect status done\n"
				 "expect trace contains \"freeze result\"\n"
				 "expect trace contains \"restore result\"\n"
				 "expect hiprio.connected == 1\n",
				 NULL, &r),
			0);
	CU_ASSERT_EQUAL(r.expects, 4);
	vfsim_result_free(&r);
}

static void test_setup_errors(void)
{
	struct vfsim_result r;

	CU_ASSERT_EQUAL(run_text("run\n", "replay:x", &r), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "replay"));
	CU_ASSERT_PTR_NOT_NULL(strstr(diag, r.error));
	CU_ASSERT_PTR_NULL(r.trace);
	vfsim_result_free(&r);
	CU_ASSERT_EQUAL(run_text("fs\n  file /f size=1\n  file /f \"x\"\nend\n"
				 "run\n",
				 NULL, &r),
			2);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "t.vfs:3:3: error: cannot "
					       "create '/f': File exists"));
	vfsim_result_free(&r);
	/* Defaults: no options at all, nothing printed. */
	{
		struct scenario *s;

		CU_ASSERT_EQUAL_FATAL(
			scenario_parse_string("d.vfs",
					      "run\nexpect status "
					      "deadlock\n",
					      &s, NULL),
			0);
		CU_ASSERT_EQUAL(vfsim_exec(s, NULL, &r), 1);
		CU_ASSERT_PTR_NOT_NULL(r.trace);
		vfsim_result_free(&r);
		scenario_free(s);
	}
	free(diag);
	diag = NULL;
}

/* A pattern file bigger than one chunk reads back as the pattern. */
static void test_pattern_file(void)
{
	struct vfsim_result r;

	CU_ASSERT_EQUAL(run_text("fs\n  file /p size=9000\nend\n"
				 "task t\n  mount\n  open /p as h\n"
				 "  read h 8190 4 expect=\"abcd\"\n"
				 "  release h\n  umount\nend\n"
				 "run\nexpect task t op 3 returns 0\n"
				 "expect no leaks\n",
				 NULL, &r),
			0);
	vfsim_result_free(&r);
	free(diag);
	diag = NULL;
}

/* A migration with nothing mounted, loading with the guest-error policy;
 * names too long for the device's file system are set-up errors. */
static void test_migrate_and_long_names(void)
{
	char long_name[300], text[1024];
	struct vfsim_result r;

	CU_ASSERT_EQUAL(run_text("migration policy=guest-error\n"
				 "at 1us\n  migrate\n  migrate\nend\n"
				 "run\nexpect trace contains \"migrate result "
				 "0\"\n"
				 "expect trace contains \"migrate result "
				 "-EALREADY\"\n",
				 NULL, &r),
			0);
	vfsim_result_free(&r);
	memset(long_name, 'n', 280);
	long_name[280] = '\0';
	snprintf(text, sizeof(text), "fs\n  dir /%s/x\nend\nrun\n", long_name);
	CU_ASSERT_EQUAL(run_text(text, NULL, &r), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "t.vfs:2:3: error: cannot "
					       "create"));
	vfsim_result_free(&r);
	snprintf(text, sizeof(text), "fs\n  dir /%s\nend\nrun\n", long_name);
	CU_ASSERT_EQUAL(run_text(text, NULL, &r), 2);
	vfsim_result_free(&r);
	free(diag);
	diag = NULL;
}

/* A scenario's marks and verdicts are not the machine's doing: before,
 * a mark satisfied `expect trace contains`, and a second `expect trace
 * lacks "X"` failed on the first one's verdict, which names X. */
static void test_trace_expectations_skip_notes(void)
{
	struct vfsim_result r;

	CU_ASSERT_EQUAL(run_text("at 1us\n  mark \"virtio_fs.park\"\nend\n"
				 "run\n"
				 "expect trace lacks \"virtio_fs.park\"\n"
				 "expect trace lacks \"virtio_fs.park\"\n"
				 "expect trace count \"virtio_fs.park\" == 0\n"
				 "expect trace contains \"task.exit\"\n",
				 NULL, &r),
			0);
	CU_ASSERT_EQUAL(r.failed, 0);
	vfsim_result_free(&r);
	CU_ASSERT_EQUAL(run_text("at 1us\n  mark \"virtio_fs.park\"\nend\n"
				 "run\n"
				 "expect trace contains \"virtio_fs.park\"\n",
				 NULL, &r),
			1);
	CU_ASSERT_PTR_NOT_NULL(strstr(diag, "t.vfs:5:1: expectation failed"));
	vfsim_result_free(&r);
}

VT_SUITE(cli_exec, NULL, NULL, VT_CASE(test_error_paths),
	 VT_CASE(test_stop_at_unexpected_report),
	 VT_CASE(test_run_until_without_triggers),
	 VT_CASE(test_trace_expectations_skip_notes),
	 VT_CASE(test_freeze_restore_actions), VT_CASE(test_setup_errors),
	 VT_CASE(test_pattern_file), VT_CASE(test_migrate_and_long_names));
