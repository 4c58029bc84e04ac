/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * exec_test_util.h - run a scenario given as text through vfsim_exec(),
 * with what it prints on its diagnostic stream kept for the test.
 */
#ifndef VFSIM_TESTS_CLI_EXEC_TEST_UTIL_H
#define VFSIM_TESTS_CLI_EXEC_TEST_UTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/cli/exec.h"
#include "tests/harness.h"

/*
 * Parse @text as file @name and run it with @o; the diagnostics go to
 * *@diag (freed first and replaced; NULL when @quiet). Returns
 * vfsim_exec()'s status; free @r with vfsim_result_free().
 */
static inline int vt_exec_named(const char *name, const char *text,
				struct vfsim_exec_opts o, bool quiet,
				struct vfsim_result *r, char **diag)
{
	struct scenario_error err;
	struct scenario *s;
	size_t len;
	int st;

	free(*diag);
	*diag = NULL;
	if (scenario_parse_string(name, text, &s, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		CU_FAIL_FATAL("scenario does not parse");
	}
	o.diag = quiet ? NULL : open_memstream(diag, &len);
	st = vfsim_exec(s, &o, r);
	if (o.diag)
		fclose(o.diag);
	scenario_free(s);
	return st;
}

/* vt_exec_named() for a text read as "s.vfs". */
static inline int vt_exec_text(const char *text, struct vfsim_exec_opts o,
			       bool quiet, struct vfsim_result *r, char **diag)
{
	return vt_exec_named("s.vfs", text, o, quiet, r, diag);
}

#endif
