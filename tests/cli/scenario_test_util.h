/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scenario_test_util.h - text file helpers for the executor's tests:
 * read, write, and a readable line diff; and a scenario text run.
 */
#ifndef VFSIM_TESTS_CLI_SCENARIO_TEST_UTIL_H
#define VFSIM_TESTS_CLI_SCENARIO_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "sim/cli/exec.h"

static inline char *vt_read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int c;

	if (!f)
		return NULL;
	mem = open_memstream(&buf, &len);
	while ((c = fgetc(f)) != EOF)
		fputc(c, mem);
	fclose(mem);
	fclose(f);
	return buf;
}

static inline int vt_write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return 1;
	fputs(text, f);
	return fclose(f) ? 1 : 0;
}

/* Length of the line at @p (without its newline). */
static inline size_t vt_line_len(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? (size_t)(nl - p) : strlen(p);
}

/*
 * Compare @want and @got line by line. On the first difference print
 * up to three lines of context and five differing lines of each side,
 * as "NAME:LINE: -expected" / "NAME:LINE: +actual". Returns 0 when equal.
 */
static inline int vt_diff_text(const char *name, const char *want,
			       const char *got, FILE *out)
{
	const char *w = want, *g = got, *ctx[3] = { 0 };
	unsigned line = 1;

	if (!strcmp(want, got))
		return 0;
	while (*w && *g && vt_line_len(w) == vt_line_len(g) &&
	       !memcmp(w, g, vt_line_len(w))) {
		ctx[line % 3] = w;
		w += vt_line_len(w) + (w[vt_line_len(w)] == '\n');
		g += vt_line_len(g) + (g[vt_line_len(g)] == '\n');
		line++;
	}
	fprintf(out, "\n--- %s (expected)\n+++ actual trace\n", name);
	for (unsigned k = line > 3 ? line - 3 : 1; k < line; k++)
		if (ctx[k % 3])
			fprintf(out, "%s:%u:  %.*s\n", name, k,
				(int)vt_line_len(ctx[k % 3]), ctx[k % 3]);
	for (unsigned k = 0; k < 5 && *w; k++) {
		fprintf(out, "%s:%u: -%.*s\n", name, line + k,
			(int)vt_line_len(w), w);
		w += vt_line_len(w) + (w[vt_line_len(w)] == '\n');
	}
	for (unsigned k = 0; k < 5 && *g; k++) {
		fprintf(out, "%s:%u: +%.*s\n", name, line + k,
			(int)vt_line_len(g), g);
		g += vt_line_len(g) + (g[vt_line_len(g)] == '\n');
	}
	return 1;
}

#endif
