// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_serve_cli.c - `vfsim serve`'s command line: help, and every usage
 * error refused before anything is served (exit 2, one line naming it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/vfsim_cli.h"
#include "tests/harness.h"

static char *out_text, *err_text;

/* Run `vfsim serve ARGS...` in-process; its exit status. */
static int serve(const char *a1, const char *a2, const char *a3, const char *a4,
		 const char *a5, const char *a6)
{
	const char *args[] = { a1, a2, a3, a4, a5, a6 };
	char *argv[6];
	size_t olen, elen;
	FILE *out, *err;
	int argc = 0, rc;

	for (int i = 0; i < 6 && args[i]; i++)
		argv[argc++] = (char *)args[i];
	free(out_text);
	free(err_text);
	out = open_memstream(&out_text, &olen);
	err = open_memstream(&err_text, &elen);
	rc = vfsim_cmd_serve(argc, argv, out, err);
	fclose(out);
	fclose(err);
	return rc;
}

static void test_help(void)
{
	CU_ASSERT_EQUAL(serve("--help", 0, 0, 0, 0, 0), 0);
	CU_ASSERT(strstr(out_text, "--socket PATH") != NULL);
	CU_ASSERT(strstr(out_text, "SIGUSR1") != NULL);
}

static void test_usage_errors(void)
{
	static const struct {
		const char *a[6];
		const char *msg;
	} cases[] = {
		{ { 0 }, "give one of --socket PATH or --fuse MOUNTPOINT" },
		{ { "--socket", "s", "--fuse", "m" }, "give one of" },
		{ { "--socket" }, "'--socket' needs a value" },
		{ { "--socket", "s", "--socket", "t" }, "given twice" },
		{ { "--bogus" }, "unknown argument '--bogus'" },
		{ { "--socket", "s", "--fs", "a.vfs", "--dir", "d" },
		  "--fs and --dir exclude each other" },
		{ { "--socket", "s", "--trace", "xml" },
		  "unknown trace format 'xml'" },
		{ { "--fuse", "m", "--once" }, "--once goes with --socket" },
		{ { "--socket", "s", "--dir", "/nonexistent" },
		  "is not a directory" },
		{ { "--socket", "s", "--fs", "/nonexistent.vfs" },
		  "/nonexistent.vfs" },
		{ { "--socket", "s", "--faults", "dev.late:arg=5" },
		  "dev.late takes a duration" },
		{ { "--socket", "s", "--faults", "kmalloc:nth=0" },
		  "number must be" },
		{ { "--socket", "s", "--out", "/proc/no/such/dir" },
		  "cannot create" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const *a = cases[i].a;

		CU_ASSERT_EQUAL(
			serve(a[0], a[0] ? a[1] : 0, a[0] && a[1] ? a[2] : 0,
			      a[0] && a[1] && a[2] ? a[3] : 0,
			      a[0] && a[1] && a[2] && a[3] ? a[4] : 0,
			      a[0] && a[1] && a[2] && a[3] && a[4] ? a[5] : 0),
			2);
		if (!strstr(err_text, cases[i].msg))
			fprintf(stderr, "case %zu: %s", i, err_text);
		CU_ASSERT(strstr(err_text, cases[i].msg) != NULL);
	}
	free(out_text);
	free(err_text);
	out_text = err_text = NULL;
}

VT_SUITE(cli_serve, NULL, NULL, VT_CASE(test_help), VT_CASE(test_usage_errors));
