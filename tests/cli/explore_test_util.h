/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * explore_test_util.h - the explorer's tests' helpers: a scenario text
 * parsed, a race scenario's text with its bug switch off, and every race
 * scenario of tests/scenarios/races/ loaded with its switch on and off.
 */
#ifndef VFSIM_TESTS_CLI_EXPLORE_TEST_UTIL_H
#define VFSIM_TESTS_CLI_EXPLORE_TEST_UTIL_H

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/explore.h"
#include "sim/cli/scenario.h"
#include "tests/harness.h"
#include "tests/cli/scenario_test_util.h"

/* @text parsed as the file @name; NULL (the error printed) if it fails. */
static inline struct scenario *vt_parse(const char *name, const char *text)
{
	struct scenario_error err;
	struct scenario *s;

	if (scenario_parse_string(name, text, &s, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return NULL;
	}
	return s;
}

/* Explore @s for @runs schedules with pct:3, random and pct:2: no
 * schedule may fail (a failure is printed with @name). */
static inline void vt_explore_clean(const char *name, struct scenario *s,
				    unsigned int runs)
{
	static const char *const strategies[] = { "pct:3", "random", "pct:2" };

	for (size_t k = 0; k < sizeof(strategies) / sizeof(*strategies); k++) {
		struct vfsim_explore_opts o = { .runs = runs };
		struct vfsim_explore_result r;
		char msg[128];

		CU_ASSERT_EQUAL_FATAL(
			vfsim_explore_parse_strategy(strategies[k], &o, msg,
						     sizeof(msg)),
			0);
		CU_ASSERT_EQUAL(vfsim_explore(s, &o, &r), 0);
		CU_ASSERT_EQUAL(r.status, 0);
		CU_ASSERT_EQUAL(r.runs, runs);
		if (r.status)
			fprintf(stderr, "%s %s: %s\n", name, strategies[k],
				r.failure ? r.failure : r.error);
		vfsim_explore_free(&r);
	}
}

/* The text without its `bug` lines: the switch off (heap). */
static inline char *vt_without_bug(const char *text)
{
	char *out = calloc(1, strlen(text) + 1), *o = out;

	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n") + (p[strcspn(p, "\n")] == '\n');

		if (strncmp(p, "bug ", 4)) {
			memcpy(o, p, len);
			o += len;
		}
		p += len;
	}
	return out;
}

/* One race scenario, its switch on and off. */
struct vt_race {
	const char *path;
	char *text, *off_text;
	struct scenario *on, *off;
};

/* Every race scenario (@nr set), in name order; NULL when one cannot be
 * read or parsed. Free with vt_races_free(). */
static inline struct vt_race *vt_races(size_t *nr)
{
	struct vt_race *r;
	glob_t g;

	*nr = 0;
	if (glob("tests/scenarios/races/*.vfs", 0, NULL, &g))
		return NULL;
	r = calloc(g.gl_pathc, sizeof(*r));
	for (size_t i = 0; i < g.gl_pathc; i++) {
		r[i].path = strdup(g.gl_pathv[i]);
		r[i].text = vt_read_text(g.gl_pathv[i]);
		if (!r[i].text)
			return NULL;
		r[i].off_text = vt_without_bug(r[i].text);
		r[i].on = vt_parse(r[i].path, r[i].text);
		r[i].off = vt_parse(r[i].path, r[i].off_text);
		if (!r[i].on || !r[i].off)
			return NULL;
	}
	*nr = g.gl_pathc;
	globfree(&g);
	return r;
}

static inline void vt_races_free(struct vt_race *r, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		scenario_free(r[i].on);
		scenario_free(r[i].off);
		free(r[i].text);
		free(r[i].off_text);
		free((char *)r[i].path);
	}
	free(r);
}

#endif
