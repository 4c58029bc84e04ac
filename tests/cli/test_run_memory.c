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
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

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

/* Peak RSS in KiB of `vfsim run` (@prog) of @n GETATTRs, --trace none;
 * -1 if it did not run to a clean exit. */
static long program_rss(const char *prog, unsigned n)
{
	char path[] = "/tmp/vfsim-rss-XXXXXX.vfs", *text = getattrs(n, "");
	struct rusage ru;
	int fd = mkstemps(path, 4), status;
	bool written;
	pid_t pid;

	if (fd < 0) {
		free(text);
		return -1;
	}
	written = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	free(text);
	pid = written ? fork() : -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execl(prog, "vfsim", "run", path, "--trace", "none",
		      (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status)) {
		unlink(path);
		return -1;
	}
	unlink(path);
	return ru.ru_maxrss;
}

/*
 * What `vfsim run --trace none` holds does not grow with the run: 20
 * times as many GETATTRs, the same peak (it used to keep a byte per
 * request in the request ledger and format every scheduling choice, two
 * bytes each, at the end: about 12 bytes a GETATTR).
 */
static void test_program_memory_flat(void)
{
	const char *prog = getenv("VFSIM");
	long short_run, long_run;

	if (!prog) {
		vt_skip("VFSIM (the vfsim program) is not set");
		return;
	}
	short_run = program_rss(prog, 10000);
	long_run = program_rss(prog, 200000);
	CU_ASSERT_FATAL(short_run > 0 && long_run > 0);
	if (long_run - short_run >= 1024)
		fprintf(stderr, "\npeak RSS %ld KiB, then %ld KiB\n", short_run,
			long_run);
	CU_ASSERT(long_run - short_run < 1024);
}

VT_SUITE(cli_run_memory, NULL, cleanup, VT_CASE(test_keeps_only_what_is_read),
	 VT_CASE(test_budget_stops_the_run),
	 VT_CASE(test_stream_gets_the_same_text),
	 VT_CASE(test_program_memory_flat));
