// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_run_memory.c - what a `vfsim run` holds while it runs: no kept
 * events unless the scenario's expectations read the trace, a kept trace
 * within its memory budget (a clear report when it runs over), and a text
 * trace written as it is made when a stream is given.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/exec.h"
#include "sim/trace/trace.h"
#include "tests/cli/exec_test_util.h"
#include "tests/harness.h"

static char *diag;

/* A scenario of @n GETATTRs, then @tail. */
static char *getattrs(unsigned n, const char *tail)
{
	char *text;

	if (asprintf(&text,
		     "task t stop-on-error\n  mount\n  repeat %u\n"
		     "    getattr /\n  end\n  umount\nend\nrun\n"
		     "expect task t returns 0\n%s",
		     n, tail) < 0)
		abort();
	return text;
}

/* Run @text (freed) with @o, the diagnostics into @diag. */
static int run(char *text, struct vfsim_exec_opts o, struct vfsim_result *r)
{
	int st = vt_exec_text(text, o, false, r, &diag);

	free(text);
	return st;
}

static int cleanup(void)
{
	free(diag);
	diag = NULL;
	trace_set_budget(TRACE_DEFAULT_BUDGET);
	return 0;
}

/* Kept events do not grow with the run unless an expectation reads them:
 * under a budget that holds about 1,000 events, a run of 16,000
 * finishes; one that reads its trace gets every event. */
static void test_keeps_only_what_is_read(void)
{
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_NONE };
	struct vfsim_result r;

	/* the first chunk of 1,024 events and of strings, and a bit */
	trace_set_budget(192 << 10);
	CU_ASSERT_EQUAL(run(getattrs(500, ""), o, &r), 0);
	CU_ASSERT_FALSE(r.limit);
	CU_ASSERT(r.trace_count > 500 * 20);
	vfsim_result_free(&r);
	trace_set_budget(TRACE_DEFAULT_BUDGET);

	CU_ASSERT_EQUAL(run(getattrs(500, "expect trace count \"op=GETATTR\" "
					  ">= 500\nexpect trace contains "
					  "\"umount\"\n"),
			    o, &r),
			0);
	CU_ASSERT_EQUAL(r.failed, 0);
	vfsim_result_free(&r);
}

/* Over its budget, the kept trace stops the run, which fails and says why. */
static void test_budget_stops_the_run(void)
{
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_NONE };
	struct vfsim_result r;

	trace_set_budget(256 << 10);
	CU_ASSERT_EQUAL(
		run(getattrs(5000, "expect trace contains \"op=GETATTR\"\n"), o,
		    &r),
		1);
	CU_ASSERT_TRUE(r.limit);
	CU_ASSERT(trace_kept() < r.trace_count);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(diag, "s.vfs: the run stopped: the kept trace reached "
			     "its memory budget (256 KiB, "));
	CU_ASSERT_PTR_NOT_NULL(strstr(diag, " events kept) (trace position #"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(diag, "a run whose expectations do not read the trace "
			     "keeps none"));
	vfsim_result_free(&r);

	/* the same run keeping nothing is not limited by it */
	CU_ASSERT_EQUAL(run(getattrs(5000, ""), o, &r), 0);
	CU_ASSERT_FALSE(r.limit);
	vfsim_result_free(&r);
	trace_set_budget(TRACE_DEFAULT_BUDGET);
}

/* A stream gets the trace as it is made: the same text, nothing held. */
static void test_stream_gets_the_same_text(void)
{
	static const enum vfsim_trace_format formats[] = { VFSIM_TRACE_TEXT,
							   VFSIM_TRACE_JSONL };

	for (size_t i = 0; i < 2; i++) {
		struct vfsim_exec_opts o = { .format = formats[i] };
		struct vfsim_result held, streamed;
		char *text = NULL;
		size_t len;

		CU_ASSERT_EQUAL(run(getattrs(20, ""), o, &held), 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(held.trace);
		o.stream = open_memstream(&text, &len);
		CU_ASSERT_EQUAL(run(getattrs(20, ""), o, &streamed), 0);
		fclose(o.stream);
		CU_ASSERT_PTR_NULL(streamed.trace);
		CU_ASSERT_STRING_EQUAL(text, held.trace);
		CU_ASSERT_EQUAL(streamed.trace_hash, held.trace_hash);
		free(text);
		vfsim_result_free(&held);
		vfsim_result_free(&streamed);
	}
}

VT_SUITE(cli_run_memory, NULL, cleanup, VT_CASE(test_keeps_only_what_is_read),
	 VT_CASE(test_budget_stops_the_run),
	 VT_CASE(test_stream_gets_the_same_text));
