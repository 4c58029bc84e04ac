// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_output_lost.c - output that cannot be written is never lost
 * silently: `vfsim run`, `step`, `tour`, `--help` and `--version` exit
 * with status 3 and say why when their standard output refuses the
 * bytes (a full disk, a closed pipe). Before the fix each exited 0. And
 * console commands that cannot be read are an error, not the end of the
 * input.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/vfsim_cli.h"
#include "tests/cli/console_test_util.h"
#include "tests/harness.h"

/* A stream that takes @room bytes, then fails every write with ENOSPC,
 * as /dev/full does (with room 0). */
struct full {
	size_t room, taken;
};

static ssize_t full_write(void *cookie, const char *buf, size_t size)
{
	struct full *f = cookie;

	(void)buf;
	if (f->taken + size > f->room) {
		errno = ENOSPC;
		return -1;
	}
	f->taken += size;
	return (ssize_t)size;
}

static FILE *full_stream(struct full *f, size_t room)
{
	*f = (struct full){ room, 0 };
	return fopencookie(f, "w",
			   (cookie_io_functions_t){ .write = full_write });
}

static char *errs;

/* vfsim ARGS... with standard output taking @room bytes. */
static int run_full(size_t room, struct full *f, const char *a1, ...)
{
	char *argv[12] = { "vfsim", (char *)a1 };
	int argc = 2, rc;
	size_t elen;
	va_list ap;
	FILE *out, *err;

	va_start(ap, a1);
	for (const char *a = va_arg(ap, const char *); a && argc < 11;
	     a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	free(errs);
	errs = NULL;
	out = full_stream(f, room);
	err = open_memstream(&errs, &elen);
	CU_ASSERT_FATAL(out && err);
	rc = vfsim_cli_main(argc, argv, out, err);
	fclose(err);
	fclose(out); /* the bytes still buffered fail here: already seen */
	return rc;
}

static void test_run_trace_lost(void)
{
	struct full f;

	CU_ASSERT_EQUAL(run_full(0, &f, "run", "tests/scenarios/ops.vfs", NULL),
			3);
	CU_ASSERT_STRING_EQUAL(errs, "vfsim: the trace could not be written: "
				     "No space left on device\n");
	/* the same past the first few kilobytes */
	CU_ASSERT_EQUAL(run_full(10000, &f, "run", "tests/scenarios/ops.vfs",
				 "--trace", "jsonl", NULL),
			3);
	CU_ASSERT_PTR_NOT_NULL(strstr(errs, "could not be written"));
	/* nothing to write, nothing lost */
	CU_ASSERT_EQUAL(run_full(0, &f, "run", "tests/scenarios/ops.vfs",
				 "--trace", "none", NULL),
			0);
	CU_ASSERT_STRING_EQUAL(errs, "");
	/* a failed run whose trace is lost: the loss is what is reported */
	CU_ASSERT_EQUAL(run_full(0, &f, "run",
				 "tests/scenarios/bug-end-before-unlist.vfs",
				 "--trace", "msc", NULL),
			3);
}

static void test_other_commands(void)
{
	struct full f;

	CU_ASSERT_EQUAL(run_full(0, &f, "--help", NULL), 3);
	CU_ASSERT_STRING_EQUAL(errs, "vfsim: the output could not be written: "
				     "No space left on device\n");
	CU_ASSERT_EQUAL(run_full(0, &f, "--version", NULL), 3);
	CU_ASSERT_EQUAL(run_full(0, &f, "run", "--help", NULL), 3);
	CU_ASSERT_EQUAL(run_full(100, &f, "tour", "--part", "1", NULL), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(errs, "could not be written"));
	CU_ASSERT_EQUAL(run_full(0, &f, "run", "tests/scenarios/ops.vfs",
				 "--parse-only", NULL),
			3);
	CU_ASSERT_STRING_EQUAL(errs, "vfsim: the scenario could not be "
				     "written: No space left on device\n");
	/* an error exit with nothing for standard output stays what it was */
	CU_ASSERT_EQUAL(run_full(0, &f, "run", NULL), 2);
	CU_ASSERT_EQUAL(run_full(0, &f, "tour", "--part", "9", NULL), 2);
}

/* The console stops at the first command whose output is lost. */
static void test_console_stops(void)
{
	char script[] = "step 1\nstep 1\nstep 1\nstep 1\n";
	size_t elen;
	struct full f;
	char *argv[] = { "tests/scenarios/ops.vfs" };
	FILE *in, *out, *err;
	int rc;

	free(errs);
	in = fmemopen(script, strlen(script), "r");
	out = full_stream(&f, 100);
	err = open_memstream(&errs, &elen);
	CU_ASSERT_FATAL(in && out && err);
	/* vfsim_cmd_step() alone does not check; vfsim_cli_main() does,
	 * after it, as for every command */
	rc = vfsim_cli_output_status(out, err,
				     vfsim_cmd_step(1, argv, in, out, err));
	fclose(in);
	fclose(err);
	fclose(out);
	CU_ASSERT_EQUAL(rc, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(errs, "could not be written"));
	CU_ASSERT(f.taken <= 100);
	free(errs);
	errs = NULL;
}

static ssize_t broken_read(void *cookie, char *buf, size_t size)
{
	(void)cookie;
	(void)buf;
	(void)size;
	errno = EIO;
	return -1;
}

/* Commands that cannot be read are not the end of the input: the
 * console says so and fails. */
static void test_console_input_error(void)
{
	char *argv[] = { "tests/scenarios/ops.vfs" };
	size_t olen, elen;
	char *outs = NULL;
	FILE *in, *out, *err;

	free(errs);
	in = fopencookie(NULL, "r",
			 (cookie_io_functions_t){ .read = broken_read });
	out = open_memstream(&outs, &olen);
	err = open_memstream(&errs, &elen);
	CU_ASSERT_FATAL(in && out && err);
	CU_ASSERT_EQUAL(vfsim_cmd_step(1, argv, in, out, err), 1);
	fclose(in);
	fclose(err);
	fclose(out);
	CU_ASSERT_STRING_EQUAL(errs, "vfsim: step: cannot read the commands: "
				     "Input/output error\n");
	free(outs);
	free(errs);
	errs = NULL;
}

static int cleanup(void)
{
	free(errs);
	errs = NULL;
	return 0;
}

VT_SUITE(cli_output_lost, NULL, cleanup, VT_CASE(test_run_trace_lost),
	 VT_CASE(test_other_commands), VT_CASE(test_console_stops),
	 VT_CASE(test_console_input_error));
