/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * console_test_util.h - run the stepping console in-process on a command
 * script held in memory, and the executor on the same scenario for
 * comparison.
 */
#ifndef VFSIM_TESTS_CLI_CONSOLE_TEST_UTIL_H
#define VFSIM_TESTS_CLI_CONSOLE_TEST_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/exec.h"
#include "sim/cli/vfsim_cli.h"
#include "tests/harness.h"

/* What one console run printed. */
struct vt_con {
	int rc;
	char *out, *err;
};

static inline void vt_con_free(struct vt_con *c)
{
	free(c->out);
	free(c->err);
	c->out = c->err = NULL;
}

/*
 * `vfsim step FILE ARGS...` (NULL-terminated) with @script as standard
 * input (not a terminal: a script). Frees what @c held before.
 */
static inline int vt_console(struct vt_con *c, const char *script,
			     const char *file, ...)
{
	char *argv[16];
	int argc = 0;
	size_t olen, elen;
	FILE *in, *out, *err;
	va_list ap;

	vt_con_free(c);
	if (file)
		argv[argc++] = (char *)file;
	va_start(ap, file);
	for (const char *a = va_arg(ap, const char *); a && argc < 15;
	     a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	in = *script ? fmemopen((void *)script, strlen(script), "r") :
		       fopen("/dev/null", "r");
	out = open_memstream(&c->out, &olen);
	err = open_memstream(&c->err, &elen);
	CU_ASSERT_FATAL(in && out && err);
	c->rc = vfsim_cmd_step(argc, argv, in, out, err);
	fclose(in);
	fclose(out);
	fclose(err);
	return c->rc;
}

/* The text after the last @marker in @text ("" when there is none). */
static inline const char *vt_after(const char *text, const char *marker)
{
	const char *last = NULL;

	for (const char *p = strstr(text, marker); p; p = strstr(p + 1, marker))
		last = p;
	return last ? last + strlen(marker) : "";
}

/* The first line of @text containing @needle, as a new string. */
static inline char *vt_line_with(const char *text, const char *needle)
{
	const char *p = strstr(text, needle), *b, *e;

	if (!p)
		return strdup("");
	for (b = p; b > text && b[-1] != '\n'; b--)
		;
	e = strchr(p, '\n');
	return strndup(b, e ? (size_t)(e - b) : strlen(b));
}

/* Number of lines of @text containing @needle. */
static inline unsigned int vt_count_lines(const char *text, const char *needle)
{
	unsigned int n = 0;

	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);
		char *line = strndup(l, len);

		n += strstr(line, needle) != NULL;
		free(line);
		l = nl ? nl + 1 : NULL;
	}
	return n;
}

/*
 * The text trace of @file run by the executor with a run program of just
 * `step @steps` (policy @policy, NULL for the file's): what the console
 * must have printed after the same steps.
 */
static inline char *vt_exec_steps(const char *file, const char *policy,
				  unsigned long long steps)
{
	struct vfsim_exec_opts o = { .policy = policy,
				     .format = VFSIM_TRACE_TEXT };
	struct scn_run_item it = { .kind = SCN_STEP, .steps = steps };
	struct scn_run_item *run;
	struct scenario_error perr;
	struct vfsim_result r;
	struct scenario *s;
	size_t nr;
	char *trace;

	if (scenario_parse_file(file, &s, &perr))
		return NULL;
	run = s->run;
	nr = s->nr_run;
	s->run = &it;
	s->nr_run = 1;
	vfsim_exec(s, &o, &r);
	s->run = run;
	s->nr_run = nr;
	trace = r.trace ? strdup(r.trace) : NULL;
	vfsim_result_free(&r);
	scenario_free(s);
	return trace;
}

#endif
