// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_trace_kinds.c - the list of event kinds: sorted and unique, it
 * holds every kind the expected traces of tests/scenarios show (what the
 * trace emits when the scenarios run; scripts/trace_kinds.py checks the
 * list against the TRACE() call sites), and a misspelling finds the kind
 * meant.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace/trace_kinds.h"
#include "tests/harness.h"

static void test_sorted_unique(void)
{
	size_t n;
	const char *const *k = trace_kinds(&n);

	CU_ASSERT(n > 150);
	for (size_t i = 1; i < n; i++)
		CU_ASSERT(strcmp(k[i - 1], k[i]) < 0);
	for (size_t i = 0; i < n; i++)
		CU_ASSERT_TRUE(trace_kind_known(k[i]));
	CU_ASSERT_FALSE(trace_kind_known(NULL));
	CU_ASSERT_FALSE(trace_kind_known(""));
	CU_ASSERT_FALSE(trace_kind_known("vq."));
}

/* The kind column (the fifth field: time, unit, #seq, task, kind) of
 * every line of every expected trace. */
static void test_every_traced_kind_is_listed(void)
{
	glob_t g;
	size_t lines = 0;
	int bad = 0;

	CU_ASSERT_EQUAL_FATAL(glob("tests/scenarios/*.trace", 0, NULL, &g), 0);
	/* and those of subfolders, when they hold any */
	glob("tests/scenarios/*/*.trace", GLOB_APPEND, NULL, &g);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *f = fopen(g.gl_pathv[i], "r");
		char line[4096], seq[32], task[256], kind[256];

		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%*s %*s %31s %255s %255s", seq, task,
				   kind) != 3 ||
			    seq[0] != '#')
				continue;
			lines++;
			if (!trace_kind_known(kind) && bad++ < 10)
				fprintf(stderr, "\n%s: kind '%s' is not listed",
					g.gl_pathv[i], kind);
		}
		fclose(f);
	}
	globfree(&g);
	CU_ASSERT(lines > 10000);
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_nearest(void)
{
	char msg[200];

	CU_ASSERT_STRING_EQUAL(trace_kind_nearest("vq.kikc"), "vq.kick");
	CU_ASSERT_STRING_EQUAL(trace_kind_nearest("fuse.ned"), "fuse.end");
	CU_ASSERT_STRING_EQUAL(trace_kind_nearest("virtio_fs.enqeue"),
			       "virtio_fs.enqueue");
	CU_ASSERT_STRING_EQUAL(trace_kind_nearest("dev.pops"), "dev.pop");
	CU_ASSERT_PTR_NULL(trace_kind_nearest("nothing.like.it"));
	CU_ASSERT_PTR_NULL(trace_kind_nearest("ab")); /* 2 edits of 2 */
	CU_ASSERT_PTR_NULL(
		trace_kind_nearest("a.name.longer.than.sixty.four.characters."
				   "is.far.from.every.kind.x"));
	CU_ASSERT_EQUAL(trace_kind_error("vq.kick", msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(trace_kind_error("vq.kikc", msg, sizeof(msg)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(msg, "unknown event kind 'vq.kikc' (did you "
				    "mean 'vq.kick'?)");
	CU_ASSERT_EQUAL(trace_kind_error("zz.top", msg, sizeof(msg)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "unknown event kind 'zz.top' (a "
					   "kind is a layer and a step"));
}

VT_SUITE(sim_trace_kinds, NULL, NULL, VT_CASE(test_sorted_unique),
	 VT_CASE(test_every_traced_kind_is_listed), VT_CASE(test_nearest));
