/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scenario_check.h - what the scenario parser promises of any text: it
 * parses, and then its canonical dump parses back to the same dump; or it
 * fails with one of the documented errnos, a position inside the text and
 * a "FILE:LINE:COL: error: " message. Shared by the CUnit mutation test
 * and the libFuzzer target (tests/fuzz/fuzz_scenario.c).
 */
#ifndef VFSIM_TESTS_CLI_SCENARIO_CHECK_H
#define VFSIM_TESTS_CLI_SCENARIO_CHECK_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/scenario.h"

static inline unsigned scn_nr_lines(const char *s)
{
	unsigned n = 1;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Length of line @line (1-based) of @s, without its line end. */
static inline size_t scn_line_len(const char *s, unsigned line)
{
	while (--line && (s = strchr(s, '\n')))
		s++;
	return s ? strcspn(s, "\n") : 0;
}

static inline char *scn_dump_text(const struct scenario *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	scenario_dump(f, s);
	fclose(f);
	return buf;
}

static inline bool scn_check_one(const char *text, unsigned *ok, unsigned *bad)
{
	struct scenario_error e;
	struct scenario *s, *s2;
	char prefix[64];
	int r = scenario_parse_string("m.vfs", text, &s, &e);

	if (!r) {
		char *d1 = scn_dump_text(s), *d2;
		bool same;

		(*ok)++;
		scenario_free(s);
		/* whatever parses, its dump parses to the same dump */
		if (scenario_parse_string("d.vfs", d1, &s2, &e)) {
			fprintf(stderr, "dump does not parse: %s\n%s\n", e.msg,
				d1);
			free(d1);
			return false;
		}
		d2 = scn_dump_text(s2);
		same = !strcmp(d1, d2);
		if (!same)
			fprintf(stderr, "dump differs:\n%s\n---\n%s\n", d1, d2);
		free(d1);
		free(d2);
		scenario_free(s2);
		return same;
	}
	(*bad)++;
	snprintf(prefix, sizeof(prefix), "m.vfs:%u:%u: error: ", e.line, e.col);
	if ((r != -EINVAL && r != -ERANGE && r != -EEXIST && r != -ENOENT) ||
	    e.code != r || s || e.line < 1 || e.line > scn_nr_lines(text) ||
	    e.col < 1 || e.col > scn_line_len(text, e.line) + 1 ||
	    strncmp(e.msg, prefix, strlen(prefix)) ||
	    strlen(e.msg) == strlen(prefix)) {
		fprintf(stderr, "bad error %d '%s' for:\n%s\n", r, e.msg, text);
		return false;
	}
	return true;
}

#endif
