// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_run_end.c - every run ends: when its tasks are done and only
 * housekeeping timers are left (the request-timeout check re-arms itself
 * for ever), or at the virtual-time limit with a report saying so.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli/exec.h"
#include "sim/cli/machine.h"
#include "sim/cli/vfsim_cli.h"
#include "tests/cli/console_test_util.h"
#include "tests/cli/exec_test_util.h"
#include "tests/cli/scenario_test_util.h"
#include "tests/harness.h"

/*
 * The 6-line scenario: a request timeout, and a mount left for
 * the shutdown. fuse_check_timeout() re-arms (every 15 s since the
 * timeout follows Linux 7.1) for as long as the connection lives; before
 * the fix the run went on until the step limit (50 million steps,
 * minutes, gigabytes of trace).
 */
#define FOREVER                \
	"driver timeout=15s\n" \
	"task t\n"             \
	"  mount\n"            \
	"end\n"                \
	"run\n"                \
	"expect task t returns 0\n"

/* A task that sleeps far past any sensible run. */
#define SLEEPER                                             \
	"task t\n  repeat 1000\n    sleep 1s\n  end\nend\n" \
	"run\nexpect task t done\n"

/* Nine small files in /d: one more FORGET than an 8-entry ring holds. */
#define NINE_FILES            \
	"  file /d/0 \"0\"\n" \
	"  file /d/1 \"1\"\n" \
	"  file /d/2 \"2\"\n" \
	"  file /d/3 \"3\"\n" \
	"  file /d/4 \"4\"\n" \
	"  file /d/5 \"5\"\n" \
	"  file /d/6 \"6\"\n" \
	"  file /d/7 \"7\"\n" \
	"  file /d/8 \"8\"\n"

static char *diag;

static int run(const char *text, struct vfsim_exec_opts o,
	       struct vfsim_result *r)
{
	return vt_exec_text(text, o, false, r, &diag);
}

static void test_timeout_work_does_not_keep_a_finished_run(void)
{
	/* A small step limit: before the fix the run hit it. */
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_TEXT,
				     .max_steps = 100000 };
	struct vfsim_result r;

	CU_ASSERT_EQUAL(run(FOREVER "expect status done\n", o, &r), 0);
	CU_ASSERT_FALSE(r.limit);
	CU_ASSERT_FALSE(r.time_limit);
	CU_ASSERT_STRING_EQUAL(diag, "");
	/* It ends where the mount ended: no timeout check fired. */
	CU_ASSERT(r.trace_count < 200);
	CU_ASSERT_PTR_NULL(
		strstr(r.trace, "work.run       fuse_check_timeout"));
	vfsim_result_free(&r);

	/* The same with the default limits, and with no trace kept. */
	o.max_steps = 0;
	o.format = VFSIM_TRACE_NONE;
	CU_ASSERT_EQUAL(run(FOREVER, o, &r), 0);
	CU_ASSERT(r.trace_count < 200);
	vfsim_result_free(&r);
}

/* Work still to do keeps a run going after its tasks are done: FORGETs
 * parked on a full hiprio queue are sent by the 1 ms retry once the
 * device resumes. A device that stopped answering will never do what it
 * holds: the run ends without waiting for the timeout check. */
static void test_work_left_keeps_the_run(void)
{
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_TEXT };
	struct vfsim_result r;

	/* 6.1's hiprio dispatch re-arms itself 1 ms later on a full ring */
	CU_ASSERT_EQUAL(run("driver variant=6.1\nmachine queue-size=8\n"
			    "fs\n  dir /d\n" NINE_FILES "end\n"
			    "task t\n  mount\n  repeat 9\n    lookup /d/$i\n"
			    "  end\n  sleep 100us\n  repeat 9\n"
			    "    forget /d/$i\n  end\nend\n"
			    "at 50us\n  device pause\nend\n"
			    "at 300us\n  device resume\nend\n"
			    "run\n"
			    "expect hiprio.queued_reqs == 0\n"
			    "expect trace count \"fuse.req       do_forget\" "
			    "== 9\n"
			    "expect status done\n",
			    o, &r),
			0);
	/* t returned at 300 us; the retry sent the last one at 1.1 ms */
	CU_ASSERT_PTR_NOT_NULL(strstr(r.trace,
				      "1100.000 us #560    kworker/0    "
				      "work.run       "
				      "virtio_fs_hiprio_dispatch_work"));
	vfsim_result_free(&r);

	CU_ASSERT_EQUAL(
		run("driver timeout=15s\n"
		    "device latency=1ms\n"
		    "fs\n  file /f \"x\"\nend\n"
		    "task t\n  mount\n  open /f as h\n  release h\nend\n"
		    "on \"op=RELEASE\"\n  device die\nend\n"
		    "run\n"
		    "expect trace lacks \"timed out\"\n"
		    "expect status done\n",
		    o, &r),
		0);
	vfsim_result_free(&r);
}

/* A timeout of twenty check periods and more: the run waits for the
 * check that aborts the dead device's request instead of calling it a
 * deadlock after SCHED_IDLE_FIRES_MAX checks. */
static void test_long_timeout_fires(void)
{
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_NONE };
	struct vfsim_result r;

	CU_ASSERT_EQUAL(run("driver timeout=300s\n"
			    "task t\n  mount\n  sleep 20ms\n  getattr /\n"
			    "  getattr /\nend\n"
			    "at 10ms\n  device die\nend\n"
			    "run\nexpect task t op 3 returns -ECONNABORTED\n"
			    "expect task t op 4 returns -ENOTCONN\n"
			    "expect status done\n",
			    o, &r),
			0);
	CU_ASSERT_EQUAL(r.failed, 0);
	CU_ASSERT_EQUAL(r.unexpected, 0);
	vfsim_result_free(&r);
}

static void test_time_limit_stops_a_runaway_run(void)
{
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_TEXT,
				     .max_time_ns = 5000000000ull };
	struct vfsim_result r;
	char want[256];

	/* The 6-line scenario asked to run for two hours: the clock must
	 * move, the timeout check (every 15 s) would move it, and the limit
	 * stops it at 5 s with the clock where the mount left it. */
	CU_ASSERT_EQUAL(run("driver timeout=15s\n"
			    "task t\n  mount\nend\n"
			    "run until time 7200s\n"
			    "expect task t returns 0\n",
			    o, &r),
			1);
	CU_ASSERT_TRUE(r.time_limit);
	CU_ASSERT_EQUAL(r.failed, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(diag, "s.vfs: the run stopped at the "
					    "virtual-time limit (5s): the "
					    "clock would pass it"));
	CU_ASSERT_PTR_NULL(strstr(diag, "still running"));
	CU_ASSERT_PTR_NULL(
		strstr(r.trace, "work.run       fuse_check_timeout"));
	vfsim_result_free(&r);

	CU_ASSERT_EQUAL(run(SLEEPER "expect status done\n", o, &r), 1);
	CU_ASSERT_TRUE(r.time_limit);
	CU_ASSERT_FALSE(r.limit);
	CU_ASSERT_EQUAL(r.failed, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(diag, "got time limit"));
	snprintf(want, sizeof(want),
		 "s.vfs: the run stopped at the virtual-time limit (5s): the "
		 "clock would pass it (trace position #%" PRIu64
		 "); still running: t (blocked in sleep scenario)\n",
		 r.trace_count - 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(diag, want));
	/* The clock stayed at the last timer before the limit. */
	CU_ASSERT_PTR_NOT_NULL(strstr(r.trace, "5000000.000 us"));
	CU_ASSERT_PTR_NULL(strstr(r.trace, "6000000.000 us"));
	vfsim_result_free(&r);

	/* A long request timeout moves the default: four of them. */
	o.max_time_ns = 0;
	CU_ASSERT_EQUAL(run("driver timeout=1000s\n"
			    "task t\n  repeat 1000\n    sleep 10s\n  end\nend\n"
			    "run\n",
			    o, &r),
			1);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(diag, "the virtual-time limit (4000s): the clock"));
	vfsim_result_free(&r);

	/* The default is VFSIM_MAX_TIME_NS (600 s). */
	o.max_time_ns = 0;
	o.format = VFSIM_TRACE_NONE;
	CU_ASSERT_EQUAL(run(SLEEPER, o, &r), 1);
	CU_ASSERT_TRUE(r.time_limit);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(diag, "the virtual-time limit (600s): the clock"));
	vfsim_result_free(&r);
}

/* `step N` stops at a limit instead of asking N more times. */
static void test_step_stops_at_a_limit(void)
{
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_NONE,
				     .max_steps = 6 };
	struct vfsim_result r;

	CU_ASSERT_EQUAL(run("task t\n  mount\n  getattr /\nend\n"
			    "step 1000000000\n",
			    o, &r),
			1);
	CU_ASSERT_TRUE(r.limit);
	vfsim_result_free(&r);
}

/* The list of tasks still running is cut, visibly, when it is long. */
static void test_limit_names_many_tasks(void)
{
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_NONE,
				     .max_time_ns = 1000000 };
	struct vfsim_result r;
	char text[4096];
	size_t n = 0;

	for (int i = 0; i < 20; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "task a_task_with_a_long_name_%02d\n"
				      "  sleep 1s\nend\n",
				      i);
	snprintf(text + n, sizeof(text) - n, "run\n");
	CU_ASSERT_EQUAL(run(text, o, &r), 1);
	CU_ASSERT_TRUE(r.time_limit);
	CU_ASSERT_PTR_NOT_NULL(strstr(diag, "still running: "
					    "a_task_with_a_long_name_00 "
					    "(blocked in sleep scenario), "));
	CU_ASSERT_PTR_NOT_NULL(strstr(diag, "...\n"));
	CU_ASSERT_PTR_NULL(strstr(diag, "a_task_with_a_long_name_19"));
	vfsim_result_free(&r);
}

/* Through the program: --time-limit, its errors, the exit status. */
static void test_program_time_limit(void)
{
	char path[] = "/tmp/vfsim-end-XXXXXX";
	char *out = NULL, *errt = NULL;
	size_t olen, elen;
	struct {
		const char *arg;
		int status;
		const char *err;
	} cases[] = {
		{ "3s", 1, "the virtual-time limit (3s)" },
		{ "2500ms", 1, "the virtual-time limit (2500ms)" },
		{ "10", 2,
		  "vfsim: duration '10' for --time-limit needs a unit" },
		{ "1h", 2, "vfsim: unknown unit 'h' in duration '1h'" },
		{ "0s", 2, "vfsim: --time-limit must be more than 0ns" },
		{ NULL, 2, "vfsim: '--time-limit' needs a value" },
	};
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL_FATAL(vt_write_text(path, SLEEPER), 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *argv[] = { "vfsim",
				 "run",
				 path,
				 "--trace",
				 "none",
				 "--time-limit",
				 (char *)cases[i].arg,
				 NULL };
		FILE *fo = open_memstream(&out, &olen);
		FILE *fe = open_memstream(&errt, &elen);

		CU_ASSERT_EQUAL(vfsim_cli_main(cases[i].arg ? 7 : 6, argv, fo,
					       fe),
				cases[i].status);
		fclose(fo);
		fclose(fe);
		CU_ASSERT_PTR_NOT_NULL(strstr(errt, cases[i].err));
		free(out);
		free(errt);
	}
	unlink(path);
}

/* The console ends the same runs the same way. */
static void test_console_run_end(void)
{
	char path[] = "/tmp/vfsim-end-XXXXXX";
	struct vt_con c = { 0 };
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL_FATAL(vt_write_text(path, FOREVER), 0);
	CU_ASSERT_EQUAL(vt_console(&c, "continue\nwhere\n", path, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(c.out, "the run is over: done (every task finished)"));
	CU_ASSERT_EQUAL_FATAL(vt_write_text(path, SLEEPER), 0);
	CU_ASSERT_EQUAL(vt_console(&c, "continue\nwhere\n", path,
				   "--time-limit", "2s", NULL),
			0);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "the run is over: the virtual-"
					     "time limit was reached"));
	CU_ASSERT_EQUAL(vt_console(&c, "", path, "--time-limit", "soon", NULL),
			2);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "bad duration 'soon'"));
	vt_con_free(&c);
	unlink(path);
}

static int cleanup(void)
{
	free(diag);
	diag = NULL;
	return 0;
}

VT_SUITE(cli_run_end, NULL, cleanup,
	 VT_CASE(test_timeout_work_does_not_keep_a_finished_run),
	 VT_CASE(test_work_left_keeps_the_run),
	 VT_CASE(test_long_timeout_fires),
	 VT_CASE(test_time_limit_stops_a_runaway_run),
	 VT_CASE(test_step_stops_at_a_limit),
	 VT_CASE(test_limit_names_many_tasks), VT_CASE(test_program_time_limit),
	 VT_CASE(test_console_run_end));
