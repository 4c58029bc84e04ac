// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_expect_unfinished.c - an expectation about something that did
 * not happen fails and says what happened instead: an operation that
 * never ran or is still waiting, a repeat that did not finish, a task
 * that has not returned.
 */
#include <string.h>

#include "sim/cli/exec.h"
#include "tests/cli/exec_test_util.h"
#include "tests/harness.h"

static char *diag;

static int run(const char *text, struct vfsim_result *r)
{
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_TEXT };

	return vt_exec_text(text, o, false, r, &diag);
}

static bool said(const char *text)
{
	bool ok = diag && strstr(diag, text);

	if (!ok)
		fprintf(stderr, "\nwanted: %s\ngot:\n%s", text,
			diag ? diag : "");
	return ok;
}

/*
 * The device dies while op 2 waits for its reply: op 2 is still waiting
 * and op 3 never ran. Before the fix both "returned 0" (the results
 * were zero-filled) and the run exited 0.
 */
static void test_device_dies_mid_workload(void)
{
	struct vfsim_result r;

	CU_ASSERT_EQUAL(run("device latency=1ms\n"
			    "task t\n  mount\n  getattr /\n  getattr /\nend\n"
			    "on \"do_getattr\"\n  device die\nend\n"
			    "run\n"
			    "expect status deadlock\n"
			    "expect task t op 1 returns 0\n"
			    "expect task t op 2 returns 0\n"
			    "expect task t op 3 returns 0\n"
			    "expect task t returns 0\n",
			    &r),
			1);
	CU_ASSERT_EQUAL(r.failed, 3);
	CU_ASSERT(said("s.vfs:13:1: expectation failed: task t op 2 returns "
		       "0: got op 2 still waiting: the task is blocked in "
		       "waitqueue req->waitq"));
	CU_ASSERT(said("s.vfs:14:1: expectation failed: task t op 3 returns "
		       "0: got op 3 never ran: the task is at op 2, blocked "
		       "in waitqueue req->waitq"));
	CU_ASSERT(said("s.vfs:15:1: expectation failed: task t returns 0: "
		       "got the task has not returned: the task is at op 2, "
		       "blocked in waitqueue req->waitq"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.trace, "task t op 3 returns 0: FAILED, "
					       "got op 3 never ran"));
	vfsim_result_free(&r);
}

/* stop-on-error: what came after the failing op never ran; the task's
 * own result is the failure. */
static void test_stop_on_error(void)
{
	struct vfsim_result r;

	CU_ASSERT_EQUAL(run("fs\n  file /f0 \"x\"\n  file /f1 \"x\"\nend\n"
			    "task t stop-on-error\n  mount\n"
			    "  repeat 3\n    lookup /f$i\n    getattr /\n"
			    "  end\n  getattr /\nend\n"
			    "run\n"
			    "expect task t returns -ENOENT\n"
			    "expect task t op 2 returns -ENOENT\n"
			    "expect task t op 3 returns 0\n"
			    "expect task t op 4 returns 0\n"
			    "expect task t done\n",
			    &r),
			1);
	CU_ASSERT_EQUAL(r.failed, 2);
	CU_ASSERT(said("s.vfs:16:1: expectation failed: task t op 3 returns "
		       "0: got op 3 ran 2 of its 3 times: the task stopped at "
		       "op 2 (stop-on-error)"));
	CU_ASSERT(said("s.vfs:17:1: expectation failed: task t op 4 returns "
		       "0: got op 4 never ran: the task stopped at op 2 "
		       "(stop-on-error)"));
	vfsim_result_free(&r);
}

/* A run stopped inside a repeat: the op under way is still waiting, the
 * one before it has not run as often as the repeat says. */
static void test_repeat_not_finished(void)
{
	struct vfsim_result r;

	CU_ASSERT_EQUAL(run("device latency=100us\n"
			    "task t\n  mount\n  repeat 4\n    getattr /\n"
			    "    lookup /\n  end\nend\n"
			    "run until time 250us\n"
			    "expect task t op 2 returns 0\n"
			    "expect task t op 3 returns 0\n"
			    "expect task t blocked\n"
			    "expect task t done\n"
			    "run\n"
			    "expect task t op 2 returns 0\n"
			    "expect task t op 3 returns 0\n"
			    "expect task t done\n",
			    &r),
			1);
	CU_ASSERT_EQUAL(r.failed, 3);
	CU_ASSERT(said("s.vfs:10:1: expectation failed: task t op 2 returns 0: "
		       "got op 2 still waiting: the task is blocked in "
		       "waitqueue req->waitq"));
	CU_ASSERT(said("s.vfs:11:1: expectation failed: task t op 3 returns "
		       "0: got op 3 ran 1 of its 4 times: the task is at op 2, "
		       "blocked in waitqueue req->waitq"));
	CU_ASSERT(said("s.vfs:13:1: expectation failed: task t done: got "
		       "blocked in waitqueue req->waitq"));
	CU_ASSERT_PTR_NULL(strstr(diag, "s.vfs:16:"));
	CU_ASSERT_PTR_NULL(strstr(diag, "s.vfs:15:"));
	vfsim_result_free(&r);
}

/* Spawned, not yet run: its first operation has not begun. */
static void test_spawned_not_started(void)
{
	struct vfsim_result r;

	CU_ASSERT_EQUAL(run("task t\n  mount\nend\n"
			    "step 1\n"
			    "expect task t op 1 returns 0\n"
			    "run\n"
			    "expect task t op 1 returns 0\n",
			    &r),
			1);
	CU_ASSERT_EQUAL(r.failed, 1);
	CU_ASSERT(said("s.vfs:5:1: expectation failed: task t op 1 returns 0: "
		       "got op 1 never ran: the task is runnable"));
	vfsim_result_free(&r);
}

/* A task with no operation returns, but has no result to check; one
 * that never started has none either. */
static void test_no_operation(void)
{
	struct vfsim_result r;

	CU_ASSERT_EQUAL(run("task idle\nend\n"
			    "task t\n  mount\nend\n"
			    "expect task t done\n"
			    "run\n"
			    "expect task idle done\n"
			    "expect task idle returns 0\n",
			    &r),
			1);
	CU_ASSERT_EQUAL(r.failed, 2);
	CU_ASSERT(said("s.vfs:6:1: expectation failed: task t done: got not "
		       "started"));
	CU_ASSERT(said("s.vfs:9:1: expectation failed: task idle returns 0: "
		       "got the task returned without running an operation"));
	vfsim_result_free(&r);
}

/*
 * Every other kind, about something that did not happen: each fails and
 * its message says what was there instead.
 */
static void test_every_kind_says_what_happened(void)
{
	struct vfsim_result r;

	CU_ASSERT_EQUAL(run("fs\n  file /f \"x\"\nend\n"
			    "task t\n  mount\n  lookup /f\n  sleep 2ms\nend\n"
			    "at 1ms\n  unplug\nend\n"
			    "expect status done\n"
			    "expect trace contains \"op=LOOKUP\"\n"
			    "step 3\n"
			    "expect status done\n"
			    "run until \"op=LOOKUP\"\n"
			    "expect status done\n"
			    "run until time 500us\n"
			    "expect device.lookups == 0\n"
			    "expect lookups balanced\n"
			    "run\n"
			    "expect requests.0.in_flight == 0\n"
			    "expect hiprio.connected == 1\n"
			    "expect report deadlock\n"
			    "expect reports > 0\n"
			    "expect trace count \"op=FORGET\" == 1\n"
			    "expect trace lacks \"op=LOOKUP\"\n"
			    "expect leaks == 3\n",
			    &r),
			1);
	CU_ASSERT_EQUAL(r.failed, 13);
	CU_ASSERT(said("s.vfs:12:1: expectation failed: status done: got not "
		       "run"));
	CU_ASSERT(said("s.vfs:13:1: expectation failed: trace contains "
		       "\"op=LOOKUP\": got 0 events"));
	CU_ASSERT(said("s.vfs:15:1: expectation failed: status done: got "
		       "stepped"));
	CU_ASSERT(said("s.vfs:17:1: expectation failed: status done: got "
		       "stopped"));
	CU_ASSERT(said("s.vfs:19:1: expectation failed: device.lookups == 0: "
		       "got 1"));
	CU_ASSERT(said("s.vfs:20:1: expectation failed: lookups balanced: got "
		       "1 lookups outstanding"));
	CU_ASSERT(said("s.vfs:22:1: expectation failed: requests.0.in_flight "
		       "== 0: got no such queue (the device is gone)"));
	CU_ASSERT(said("s.vfs:23:1: expectation failed: hiprio.connected == 1: "
		       "got no such queue (the device is gone)"));
	CU_ASSERT(said("s.vfs:24:1: expectation failed: report deadlock: got 0 "
		       "such reports"));
	CU_ASSERT(said("s.vfs:25:1: expectation failed: reports > 0: got 0"));
	CU_ASSERT(said("s.vfs:26:1: expectation failed: trace count "
		       "\"op=FORGET\" == 1: got 0"));
	CU_ASSERT(said("s.vfs:27:1: expectation failed: trace lacks "
		       "\"op=LOOKUP\": got "));
	CU_ASSERT(said("s.vfs:28:1: expectation failed: leaks == 3: got 0 "
		       "kernel objects left after the run"));
	vfsim_result_free(&r);
}

static int cleanup(void)
{
	free(diag);
	diag = NULL;
	return 0;
}

VT_SUITE(cli_expect_unfinished, NULL, cleanup,
	 VT_CASE(test_device_dies_mid_workload), VT_CASE(test_stop_on_error),
	 VT_CASE(test_repeat_not_finished), VT_CASE(test_no_operation),
	 VT_CASE(test_every_kind_says_what_happened),
	 VT_CASE(test_spawned_not_started));
