// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_tour_book.c - the tour's verdicts on tours made up here: a part
 * fails (and the tour exits 1) when a scenario's expectation fails, when
 * it does not parse, when a beat's trace line is missing, when a named
 * function never ran, when a section names no known scenario, or when
 * the result needs a fact the run lacks. Also the built-in parts' result
 * functions when their facts are missing.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/cli/tour_test_util.h"

#define P(k, s)                         \
	{                               \
		.kind = (k), .sub = (s) \
	}

static const char ok_text[] = "task t\n"
			      "  mount\n"
			      "  sleep 1ms\n"
			      "  umount\n"
			      "end\n"
			      "run\n"
			      "expect task t returns 0\n";

static const struct tour_scenario scns[] = {
	{ "ok.vfs", "left", ok_text },
	{ "ok2.vfs", "right", ok_text },
	{ "fails.vfs", "x",
	  "task t\n  mount\nend\nrun\nexpect task t returns -EIO\n" },
	{ "bad.vfs", "x", "task t\n  lokup /\nend\n" },
	/* parses, but the machine cannot be built */
	{ "dup.vfs", "y", "fs\n  file /f \"a\"\n  file /f \"b\"\nend\nrun\n" },
};

static const struct tour_beat good_beats[] = {
	{ .say = "The mount sends INIT.",
	  .side = { { .any = { P("fuse.send", "op=INIT") } },
		    { .any = { P("fuse.send", "op=INIT") } } } },
	{ .say = "t sleeps; the other side has only a note.",
	  .side = { { .any = { P("timer.fire", "sleep") } },
		    { .note = "(a note)" } } },
};

static const struct tour_beat missing_beats[] = {
	{ .say = "Nothing like this happens.",
	  .side = { { .any = { P("vq.full", NULL) } } } },
	{ .say = "The unmount.",
	  .side = { { .any = { P("virtio_fs.umount", NULL) } } } },
};

static const struct tour_kfunc good_kfuncs[] = {
	{ "fs/fuse/virtio_fs.c", "virtio_kill_sb" },
	{ "fs/fuse/dev.c", "fuse_send_one" },
	{ NULL, NULL },
};

static const struct tour_kfunc never_kfuncs[] = {
	{ "fs/fuse/virtio_fs.c", "virtio_fs_remove" },
	{ NULL, NULL },
};

static bool facts_ok(const struct tour_run *runs, size_t nr, char *buf,
		     size_t size)
{
	snprintf(buf, size, "%zu runs, %zu events in the first", nr,
		 runs[0].nr);
	return true;
}

static bool facts_missing(const struct tour_run *runs, size_t nr, char *buf,
			  size_t size)
{
	(void)runs;
	(void)nr;
	(void)buf;
	(void)size;
	return false;
}

#define SECTION(a, b, beats_)                                     \
	{                                                         \
		.scn = { (a), (b) }, .beats = (beats_),           \
		.nr_beats = sizeof(beats_) / sizeof((beats_)[0]), \
	}

static const struct tour_section sec_two[] = {
	SECTION("ok.vfs", "ok2.vfs", good_beats),
};
static const struct tour_section sec_fails[] = {
	SECTION("fails.vfs", NULL, missing_beats),
};
static const struct tour_section sec_bad[] = {
	SECTION("bad.vfs", "dup.vfs", missing_beats),
};
static const struct tour_section sec_unknown[] = {
	SECTION("nope.vfs", NULL, missing_beats),
};
static const struct tour_section sec_missing[] = {
	SECTION("ok.vfs", NULL, missing_beats),
};

#define PART(title_, secs, kf, res)                                       \
	{                                                                 \
		.title = (title_), .intro = "Intro.", .sections = (secs), \
		.nr_sections = 1, .kfuncs = (kf), .read_next = "here",    \
		.result = (res),                                          \
	}

static const struct tour_part good_parts[] = {
	PART("Good", sec_two, good_kfuncs, facts_ok),
};

static const struct tour_part bad_parts[] = {
	PART("Good", sec_two, good_kfuncs, facts_ok),
	PART("Expectation", sec_fails, good_kfuncs, facts_ok),
	PART("Unparsable", sec_bad, good_kfuncs, facts_ok),
	PART("Unknown", sec_unknown, good_kfuncs, facts_missing),
};

static const struct tour_part missing_parts[] = {
	PART("Missing beat", sec_missing, good_kfuncs, facts_ok),
	PART("Never ran", sec_two, never_kfuncs, facts_ok),
	PART("No facts", sec_two, good_kfuncs, facts_missing),
};

static const struct tour_book good_book = { good_parts, 1, scns, 5 };
static const struct tour_book bad_book = { bad_parts, 4, scns, 5 };
static const struct tour_book missing_book = { missing_parts, 3, scns, 5 };

static void test_book_good(void)
{
	CU_ASSERT_EQUAL(tt_tour(&good_book, NULL, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "Part 1 of 1: Good"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "Part 1 PASS  2 runs, "));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "| (a note)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "1 of 1 part held"));
	/* The range in messages follows the book. */
	CU_ASSERT_EQUAL(tt_tour(&good_book, NULL, "--part", "2", NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_err, "a number from 1 to 1"));
}

static void test_book_failures(void)
{
	CU_ASSERT_EQUAL(tt_tour(&bad_book, NULL, NULL), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "Part 1 PASS"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "Part 2 FAIL"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "Part 3 FAIL"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "Part 4 FAIL"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "1 of 4 parts held"));
	/* The failed expectation, where it is. */
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "fails.vfs: 1 of 1 expectations "
					      "failed\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "fails.vfs:5:1: expectation "
					      "failed: task t returns -EIO"));
	/* The parse error, whole. */
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "bad.vfs did not run:\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "bad.vfs:2:3: error: unknown "
					      "operation 'lokup'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "dup.vfs did not run:\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "cannot create '/f'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "(no built-in scenario "
					      "nope.vfs)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "a fact of the result is "
					      "missing"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "MISSING from this run: a "
					      "'vq.full' line"));
}

static void test_book_missing(void)
{
	CU_ASSERT_EQUAL(tt_tour(&missing_book, NULL, NULL), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "Part 1 FAIL"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "The trace no longer shows what "
					      "this part says"));
	/* The beat after the missing one still finds its line. */
	CU_ASSERT_PTR_NOT_NULL(
		strstr(tt_out, "virtio_fs.umount virtio_kill_sb"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "Part 2 FAIL"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "virtio_fs_remove (NOT RUN)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "Part 3 FAIL"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "0 of 3 parts held"));
}

/* The built-in parts' results refuse runs that lack their facts. */
static void test_builtin_results_need_facts(void)
{
	struct tour_run runs[TOUR_MAX_RUNS] = { 0 };
	char buf[512];

	for (int i = 0; i < TOUR_NR_PARTS; i++) {
		CU_ASSERT_FALSE(
			tour_parts[i].result(runs, 0, buf, sizeof(buf)));
		for (size_t nr = 1; nr <= 3; nr++)
			CU_ASSERT_FALSE(tour_parts[i].result(runs, nr, buf,
							     sizeof(buf)));
	}
	/* The right number of runs, but one without the facts. */
	CU_ASSERT_EQUAL(tour_run_scenario(&scns[0], &runs[0]), 0);
	CU_ASSERT_EQUAL(tour_run_scenario(&scns[0], &runs[1]), 0);
	CU_ASSERT_EQUAL(tour_run_scenario(&scns[0], &runs[2]), 0);
	CU_ASSERT_FALSE(tour_parts[0].result(runs, 1, buf, sizeof(buf)));
	CU_ASSERT_FALSE(tour_parts[1].result(runs, 2, buf, sizeof(buf)));
	CU_ASSERT_FALSE(tour_parts[2].result(runs, 3, buf, sizeof(buf)));
	CU_ASSERT_FALSE(tour_parts[3].result(runs, 1, buf, sizeof(buf)));
	for (int i = 0; i < 3; i++)
		tour_run_free(&runs[i]);
}

VT_SUITE(cli_tour_book, NULL, tt_cleanup, VT_CASE(test_book_good),
	 VT_CASE(test_book_failures), VT_CASE(test_book_missing),
	 VT_CASE(test_builtin_results_need_facts));
