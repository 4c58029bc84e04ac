// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_run_strict.c - what fails a `vfsim run` besides its expectations:
 * checker reports the scenario did not account for, and the step limit;
 * and the warnings about a replay list that ran out or was not used up.
 * The stepping session (the console's) fails on neither.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli/exec.h"
#include "sim/cli/session.h"
#include "sim/cli/vfsim_cli.h"
#include "tests/cli/exec_test_util.h"
#include "tests/cli/scenario_test_util.h"
#include "tests/harness.h"

/* bug-remove-without-drain without its expectations: three reports, a
 * vq_freed_busy, a deadlock and an invariant. */
#define REMOVE_SETUP                          \
	"bug remove-without-drain\n"          \
	"device latency=1ms\n"                \
	"task t\n  mount\n  getattr /\nend\n" \
	"on \"do_getattr\"\n  unplug\nend\n"
#define REMOVE_NO_DRAIN REMOVE_SETUP "run\n"

/* A run that takes a few dozen steps and files no report. */
#define QUIET "task t\n  mount\n  getattr /\n  umount\nend\nrun\n"

/* Two tasks: the run makes scheduling choices. */
#define CHOOSY                                             \
	"task a\n  mount\n  getattr /\n  getattr /\nend\n" \
	"task b\n  getattr /\n  getattr /\nend\n"          \
	"run\nexpect task a returns 0\n"

static char *diag;

/* Run @text with @o (diag replaced by a buffer unless @quiet). */
static int run(const char *text, struct vfsim_exec_opts o, bool quiet,
	       struct vfsim_result *r)
{
	return vt_exec_text(text, o, quiet, r, &diag);
}

static unsigned count_of(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* The trace line numbered @pos is a "bug" event of @kind. */
static bool trace_has_report_at(const char *trace, const char *pos,
				const char *kind)
{
	char needle[64], line[512];
	const char *p;

	snprintf(needle, sizeof(needle), "#%-6s ", pos);
	p = strstr(trace, needle);
	if (!p)
		return false;
	snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
	return strstr(line, " bug ") && strstr(line, kind);
}

static void test_unexpected_reports_fail(void)
{
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_TEXT };
	const char *kinds[] = { "virtio_fs.vq_freed_busy", "deadlock",
				"invariant" };
	struct vfsim_result r;

	CU_ASSERT_EQUAL(run(REMOVE_NO_DRAIN, o, false, &r), 1);
	CU_ASSERT_EQUAL(r.status, 1);
	CU_ASSERT_EQUAL(r.expects, 0);
	CU_ASSERT_EQUAL(r.failed, 0);
	CU_ASSERT_EQUAL(r.unexpected, 3);
	CU_ASSERT_FALSE(r.limit);
	CU_ASSERT_EQUAL(count_of(diag, "s.vfs: unexpected report "), 3);
	for (size_t i = 0; i < 3; i++) {
		char head[96], pos[24];
		const char *p;

		snprintf(head, sizeof(head),
			 "s.vfs: unexpected report %s: ", kinds[i]);
		p = strstr(diag, head);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		p = strstr(p, "(trace position #");
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		p += strlen("(trace position #");
		snprintf(pos, sizeof(pos), "%.*s", (int)strcspn(p, ")"), p);
		/* the position is the report's own event in the trace */
		CU_ASSERT_TRUE(trace_has_report_at(r.trace, pos, kinds[i]));
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(diag, "unexpected report deadlock: task "
					    "t (syscall, cpu0) blocked "
					    "forever"));
	vfsim_result_free(&r);

	/* the same without a diagnostic stream: silent, still failed */
	CU_ASSERT_EQUAL(run(REMOVE_NO_DRAIN, o, true, &r), 1);
	CU_ASSERT_EQUAL(r.unexpected, 3);
	vfsim_result_free(&r);
}

static void test_accounted_reports(void)
{
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_NONE };
	struct vfsim_result r;

	/* `expect reports` owns the count: nothing is unexpected */
	CU_ASSERT_EQUAL(
		run(REMOVE_NO_DRAIN "expect reports == 3\n", o, false, &r), 0);
	CU_ASSERT_EQUAL(r.unexpected, 0);
	CU_ASSERT_PTR_NULL(strstr(diag, "unexpected"));
	vfsim_result_free(&r);
	/* ... even when the count it expects is wrong (that fails it) */
	CU_ASSERT_EQUAL(
		run(REMOVE_NO_DRAIN "expect reports == 1\n", o, false, &r), 1);
	CU_ASSERT_EQUAL(r.failed, 1);
	CU_ASSERT_EQUAL(r.unexpected, 0);
	CU_ASSERT_PTR_NULL(strstr(diag, "unexpected"));
	vfsim_result_free(&r);

	/* `expect report KIND` accounts for that kind only */
	CU_ASSERT_EQUAL(run(REMOVE_NO_DRAIN
			    "expect report virtio_fs.vq_freed_busy\n",
			    o, false, &r),
			1);
	CU_ASSERT_EQUAL(r.failed, 0);
	CU_ASSERT_EQUAL(r.unexpected, 2);
	CU_ASSERT_PTR_NULL(strstr(diag, "report virtio_fs.vq_freed_busy"));
	CU_ASSERT_PTR_NOT_NULL(strstr(diag, "unexpected report deadlock"));
	CU_ASSERT_PTR_NOT_NULL(strstr(diag, "unexpected report invariant"));
	vfsim_result_free(&r);

	/* `expect status deadlock` accounts for the deadlock report, and an
	 * expectation before the run counts as well as one after it */
	CU_ASSERT_EQUAL(run(REMOVE_SETUP
			    "expect report invariant\nrun\n"
			    "expect report virtio_fs.vq_freed_busy\n"
			    "expect status deadlock\n",
			    o, false, &r),
			1);
	/* (the early one failed: nothing had run) */
	CU_ASSERT_EQUAL(r.failed, 1);
	CU_ASSERT_EQUAL(r.unexpected, 0);
	vfsim_result_free(&r);
	CU_ASSERT_EQUAL(run(REMOVE_NO_DRAIN
			    "expect report virtio_fs.vq_freed_busy\n"
			    "expect report invariant\n"
			    "expect status deadlock\n",
			    o, false, &r),
			0);
	CU_ASSERT_PTR_NULL(strstr(diag, "unexpected"));
	vfsim_result_free(&r);

	/* `expect status done` accounts for nothing */
	CU_ASSERT_EQUAL(run(REMOVE_NO_DRAIN
			    "expect report virtio_fs.vq_freed_busy\n"
			    "expect report invariant\n"
			    "expect status done\n",
			    o, false, &r),
			1);
	CU_ASSERT_EQUAL(r.failed, 1);
	CU_ASSERT_EQUAL(r.unexpected, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(diag, "unexpected report deadlock"));
	vfsim_result_free(&r);
}

static void test_step_limit_fails(void)
{
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_TEXT,
				     .max_steps = 6 };
	struct vfsim_result r;
	char want[160];

	CU_ASSERT_EQUAL(run(QUIET, o, false, &r), 1);
	CU_ASSERT_TRUE(r.limit);
	CU_ASSERT_EQUAL(r.failed, 0);
	CU_ASSERT_EQUAL(r.unexpected, 0);
	snprintf(want, sizeof(want),
		 "s.vfs: the run stopped at the step limit (6 steps) (trace "
		 "position #%" PRIu64 "); still running: t (blocked in "
		 "waitqueue req->waitq)\n",
		 r.trace_count);
	CU_ASSERT_STRING_EQUAL(diag, want);
	vfsim_result_free(&r);

	/* by `step` too, and the expectations after it still run */
	CU_ASSERT_EQUAL(run("task t\n  mount\n  getattr /\nend\nstep 1000\n"
			    "expect status done\n",
			    o, false, &r),
			1);
	CU_ASSERT_TRUE(r.limit);
	CU_ASSERT_EQUAL(r.failed, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(diag, "got limit"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(diag, "the run stopped at the step limit (6 steps)"));
	vfsim_result_free(&r);

	/* silent without a diagnostic stream, still failed */
	CU_ASSERT_EQUAL(run(QUIET, o, true, &r), 1);
	CU_ASSERT_TRUE(r.limit);
	vfsim_result_free(&r);

	/* the default limit (VFSIM_MAX_STEPS) is far away */
	o.max_steps = 0;
	CU_ASSERT_EQUAL(run(QUIET "expect status done\n", o, false, &r), 0);
	CU_ASSERT_FALSE(r.limit);
	CU_ASSERT_STRING_EQUAL(diag, "");
	vfsim_result_free(&r);
}

static void test_replay_warnings(void)
{
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_NONE };
	struct vfsim_result r;
	char *exact, *longer, want[160];
	size_t m;

	CU_ASSERT_EQUAL(run(CHOOSY, o, false, &r), 0);
	exact = strdup(r.choices);
	CU_ASSERT_PTR_NOT_NULL_FATAL(exact);
	m = (size_t)count_of(exact, ",") + 1;
	CU_ASSERT_FATAL(strlen(exact) > strlen("replay:"));
	vfsim_result_free(&r);

	/* exact: no word */
	o.policy = exact;
	CU_ASSERT_EQUAL(run(CHOOSY, o, false, &r), 0);
	CU_ASSERT_STRING_EQUAL(diag, "");
	vfsim_result_free(&r);

	/* an empty list runs out at once: a warning, status unchanged */
	o.policy = "replay:";
	CU_ASSERT_EQUAL(run(CHOOSY, o, false, &r), 0);
	snprintf(want, sizeof(want),
		 "vfsim: warning: the replay list ran out after 0 of %zu "
		 "choices; choice 0 from there\n",
		 m);
	CU_ASSERT_STRING_EQUAL(diag, want);
	vfsim_result_free(&r);

	/* a longer list leaves choices unused */
	CU_ASSERT_FATAL(asprintf(&longer, "%s,0,0,0", exact) > 0);
	o.policy = longer;
	CU_ASSERT_EQUAL(run(CHOOSY, o, false, &r), 0);
	CU_ASSERT_STRING_EQUAL(diag, "vfsim: warning: the replay list was not "
				     "used up: 3 choices were left unused\n");
	vfsim_result_free(&r);

	/* the scenario's own `policy` line is checked the same way; a
	 * failed run still warns */
	o.policy = NULL;
	CU_ASSERT_EQUAL(run("policy replay:\n" CHOOSY "expect status "
			    "deadlock\n",
			    o, false, &r),
			1);
	CU_ASSERT_PTR_NOT_NULL(strstr(diag, "the replay list ran out after 0"));
	vfsim_result_free(&r);

	/* no diagnostic stream: nothing to say it on */
	o.policy = "replay:";
	CU_ASSERT_EQUAL(run(CHOOSY, o, true, &r), 0);
	vfsim_result_free(&r);
	free(longer);
	free(exact);
}

/* The console's session shows reports and never fails on them. */
static void test_session_not_strict(void)
{
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_NONE,
				     .max_steps = 10 };
	struct scenario_error err;
	struct vfsim_session *ss;
	struct vfsim_result r;
	struct scenario *s;

	CU_ASSERT_EQUAL_FATAL(
		scenario_parse_string("s.vfs", REMOVE_NO_DRAIN, &s, &err), 0);
	o.max_steps = 0;
	CU_ASSERT_EQUAL_FATAL(vfsim_session_open(s, &o, &r, &ss), 0);
	while (vfsim_session_step(ss) <= SCHED_TIMER)
		;
	CU_ASSERT_EQUAL(vfsim_session_close(ss), 0);
	CU_ASSERT_EQUAL(r.unexpected, 0);
	vfsim_result_free(&r);
	/* nor on the step limit */
	o.max_steps = 10;
	CU_ASSERT_EQUAL_FATAL(vfsim_session_open(s, &o, &r, &ss), 0);
	CU_ASSERT_EQUAL(vfsim_session_run_until(ss, NULL, NULL), SCHED_LIMIT);
	CU_ASSERT_EQUAL(vfsim_session_close(ss), 0);
	CU_ASSERT_FALSE(r.limit);
	vfsim_result_free(&r);
	scenario_free(s);
}

/* Through the program: the exit status and standard error. */
static void test_program_exit_status(void)
{
	char path[] = "/tmp/vfsim-strict-XXXXXX";
	char *argv[] = { "vfsim", "run", path, "--trace", "none", NULL };
	char *out = NULL, *errt = NULL;
	size_t olen, elen;
	FILE *fo, *fe;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL_FATAL(vt_write_text(path, REMOVE_NO_DRAIN), 0);
	fo = open_memstream(&out, &olen);
	fe = open_memstream(&errt, &elen);
	CU_ASSERT_EQUAL(vfsim_cli_main(5, argv, fo, fe), 1);
	fclose(fo);
	fclose(fe);
	CU_ASSERT_EQUAL(count_of(errt, ": unexpected report "), 3);
	CU_ASSERT_EQUAL(strncmp(errt, path, strlen(path)), 0);
	free(out);
	free(errt);
	unlink(path);
}

static int cleanup(void)
{
	free(diag);
	diag = NULL;
	return 0;
}

VT_SUITE(cli_run_strict, NULL, cleanup, VT_CASE(test_unexpected_reports_fail),
	 VT_CASE(test_accounted_reports), VT_CASE(test_step_limit_fails),
	 VT_CASE(test_replay_warnings), VT_CASE(test_session_not_strict),
	 VT_CASE(test_program_exit_status));
