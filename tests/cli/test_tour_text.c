// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_tour_text.c - the tour's text machinery: parsing text traces
 * (and refusing what is not one), finding and counting lines, numbers in
 * details, and wrapping narration and trace lines into rows and columns.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/cli/tour_test_util.h"

static const char trace[] =
	"     0.000 us #1      -            task.spawn     - vfsd/hiprio/0\n"
	"  1000.000 us #2      t            vq.full        virtqueue_add_sgs "
	"q=hiprio avail=4 need=1 free=0\n"
	"  1500.250 us #3      at           mig.done       migration_run 367 "
	"state bytes\n"
	"  2000.000 us #4      t            vq.full        virtqueue_add_sgs "
	"q=hiprio avail=4 need=1 free=0";

static void test_parse(void)
{
	char *text = strdup(trace);
	struct tour_line *l;
	ssize_t n = tour_parse_trace(text, &l);

	CU_ASSERT_EQUAL_FATAL(n, 4);
	CU_ASSERT_EQUAL(l[0].time_ns, 0);
	CU_ASSERT_STRING_EQUAL(l[0].task, "-");
	CU_ASSERT_STRING_EQUAL(l[0].kind, "task.spawn");
	CU_ASSERT_STRING_EQUAL(l[0].rest, "- vfsd/hiprio/0");
	CU_ASSERT_EQUAL(l[2].time_ns, 1500250);
	CU_ASSERT_EQUAL(l[2].seq, 3);
	CU_ASSERT_STRING_EQUAL(l[2].task, "at");
	CU_ASSERT_STRING_EQUAL(l[3].rest,
			       "virtqueue_add_sgs q=hiprio avail=4 need=1 "
			       "free=0");
	free(l);
	free(text);
	text = strdup("");
	CU_ASSERT_EQUAL(tour_parse_trace(text, &l), 0);
	free(l);
	free(text);
}

static void test_parse_refuses(void)
{
	static const char *const bad[] = {
		"hello\n",
		"  1.000 us #1 t\n",
		"  1x000 us #1 t k f\n",
		"  1.00 us #1 t k f\n",
		"  1.000 ms #1 t k f\n",
		"  1.000 us #x t k f\n",
		"  1.000 us #1\n",
		"  1.000 us #1 t k\n",
		"  1.000 us #1 t\n",
		"     0.000 us #1 - task.spawn - x\nnot a line\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *text = strdup(bad[i]);
		struct tour_line *l = (void *)1;

		CU_ASSERT_EQUAL(tour_parse_trace(text, &l), -1);
		CU_ASSERT_PTR_NULL(l);
		free(text);
	}
}

static void test_find_and_count(void)
{
	struct tour_run r = { 0 };
	struct tour_pat p = { "vq.full", "free=0" }, none = { 0 };

	r.text = strdup(trace);
	r.nr = (size_t)tour_parse_trace(r.text, &r.lines);
	CU_ASSERT_EQUAL(tour_find(&r, 0, "vq.full", NULL), 1);
	CU_ASSERT_EQUAL(tour_find(&r, 2, "vq.full", NULL), 3);
	CU_ASSERT_EQUAL(tour_find(&r, 4, "vq.full", NULL), 4);
	CU_ASSERT_EQUAL(tour_find(&r, 0, "vq.full", "nope"), 4);
	CU_ASSERT_PTR_EQUAL(tour_first(&r, "vq.full", NULL), &r.lines[1]);
	CU_ASSERT_PTR_EQUAL(tour_last(&r, "vq.full", NULL), &r.lines[3]);
	CU_ASSERT_PTR_NULL(tour_first(&r, "vq.add", NULL));
	CU_ASSERT_PTR_NULL(tour_last(&r, "vq.add", NULL));
	CU_ASSERT_EQUAL(tour_count(&r, "vq.full", NULL), 2);
	CU_ASSERT_EQUAL(tour_count_in(&r, 0, 2, "vq.full", NULL), 1);
	CU_ASSERT_EQUAL(tour_count_in(&r, 2, 99, "vq.full", NULL), 1);
	CU_ASSERT(tour_match(&r.lines[1], &p));
	CU_ASSERT_FALSE(tour_match(&r.lines[0], &p));
	CU_ASSERT_FALSE(tour_match(&r.lines[1], &none));
	CU_ASSERT(tour_has_func(&r, "virtqueue_add_sgs"));
	CU_ASSERT(tour_has_func(&r, "-"));
	CU_ASSERT_FALSE(tour_has_func(&r, "virtqueue_add"));
	CU_ASSERT_FALSE(tour_has_func(&r, "migration"));
	free(r.lines);
	free(r.text);
}

static void test_numbers(void)
{
	struct tour_line l = { .rest = "drain q=requests.0 in_flight=12 "
				       "367 state bytes x=" };
	char buf[32];

	CU_ASSERT_EQUAL(tour_number(&l, "in_flight="), 12);
	CU_ASSERT_EQUAL(tour_number(&l, " state bytes"), 367);
	CU_ASSERT_EQUAL(tour_number(&l, "x="), -1);
	CU_ASSERT_EQUAL(tour_number(&l, " bytes"), -1);
	CU_ASSERT_EQUAL(tour_number(&l, "nope="), -1);
	CU_ASSERT_EQUAL(tour_number(NULL, "x="), -1);
	l.rest = " state bytes";
	CU_ASSERT_EQUAL(tour_number(&l, " state bytes"), -1);
	CU_ASSERT_STRING_EQUAL(tour_ms(1500000, buf, sizeof(buf)), "1.500 ms");
	CU_ASSERT_STRING_EQUAL(tour_ms(20000000000ull, buf, sizeof(buf)),
			       "20.000 s");
	CU_ASSERT_STRING_EQUAL(tour_ms(999, buf, sizeof(buf)), "0.000 ms");
}

static void test_wrap(void)
{
	struct tour_rows rows = { 0 };

	tour_rows_wrap(&rows, "aaa bbb  ccc dddd e", 8, 2);
	CU_ASSERT_EQUAL_FATAL(rows.nr, 3);
	CU_ASSERT_STRING_EQUAL(rows.row[0], "aaa bbb");
	CU_ASSERT_STRING_EQUAL(rows.row[1], "  ccc");
	CU_ASSERT_STRING_EQUAL(rows.row[2], "  dddd e");
	tour_rows_free(&rows);
	CU_ASSERT_EQUAL(rows.nr, 0);
	/* A word wider than a row is cut, nothing is lost. */
	tour_rows_wrap(&rows, "ab 0123456789abcdef", 8, 2);
	CU_ASSERT_EQUAL_FATAL(rows.nr, 4);
	CU_ASSERT_STRING_EQUAL(rows.row[0], "ab");
	CU_ASSERT_STRING_EQUAL(rows.row[1], "  012345");
	CU_ASSERT_STRING_EQUAL(rows.row[2], "  6789ab");
	CU_ASSERT_STRING_EQUAL(rows.row[3], "  cdef");
	tour_rows_free(&rows);
	/* Blanks only: no row. Exactly a row wide: one row. */
	tour_rows_wrap(&rows, "   ", 8, 2);
	CU_ASSERT_EQUAL(rows.nr, 0);
	tour_rows_wrap(&rows, "abcd efg", 8, 2);
	CU_ASSERT_EQUAL_FATAL(rows.nr, 1);
	CU_ASSERT_STRING_EQUAL(rows.row[0], "abcd efg");
	tour_rows_free(&rows);
	/* Many rows (the array grows). */
	for (int i = 0; i < 40; i++)
		tour_rows_wrap(&rows, "x", 8, 2);
	CU_ASSERT_EQUAL(rows.nr, 40);
	tour_rows_free(&rows);
}

static void test_print(void)
{
	struct tour_rows a = { 0 }, b = { 0 };
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	tour_rows_wrap(&a, "left", TOUR_COL_WIDTH, 0);
	tour_rows_wrap(&b, "right one two", 9, 0);
	tour_rows_print2(f, &a, &b);
	tour_rows_print2(f, &b, &a);
	tour_rows_print(f, &a, 3);
	tour_say(f, "one\n\ntwo\n", 1);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(
		text, "  left                                  | right "
		      "one\n"
		      "                                        | two\n"
		      "  right one                             | left\n"
		      "  two                                   |\n"
		      "   left\n"
		      " one\n"
		      "\n"
		      " two\n");
	free(text);
	tour_rows_free(&a);
	tour_rows_free(&b);
}

/* A trace line as a row: "TIME TASK KIND REST", wrapped with a hang. */
static void test_line_rows(void)
{
	char *text = strdup(trace);
	struct tour_rows rows = { 0 };
	struct tour_line *l;

	CU_ASSERT_EQUAL_FATAL(tour_parse_trace(text, &l), 4);
	tour_rows_line(&rows, &l[2], 30);
	CU_ASSERT_EQUAL_FATAL(rows.nr, 3);
	CU_ASSERT_STRING_EQUAL(rows.row[0], "1500.250 at mig.done");
	CU_ASSERT_STRING_EQUAL(rows.row[1], "    migration_run 367 state");
	CU_ASSERT_STRING_EQUAL(rows.row[2], "    bytes");
	tour_rows_free(&rows);
	free(l);
	free(text);
}

/* A mark with a newline splits its trace line: not a text trace the tour
 * can read, and it says so instead of narrating half a line. */
static void test_run_unreadable_trace(void)
{
	static const struct tour_scenario nl = {
		"nl.vfs", "x", "at 1us\n  mark \"a\\nb\"\nend\nrun\n"
	};
	struct tour_run r;

	CU_ASSERT_EQUAL(tour_run_scenario(&nl, &r), -1);
	CU_ASSERT_FALSE(r.ok);
	CU_ASSERT_EQUAL(r.nr, 0);
	CU_ASSERT_EQUAL(r.res.status, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.diag, "nl.vfs: the trace is not text"));
	tour_run_free(&r);
}

VT_SUITE(cli_tour_text, NULL, tt_cleanup, VT_CASE(test_parse),
	 VT_CASE(test_parse_refuses), VT_CASE(test_find_and_count),
	 VT_CASE(test_numbers), VT_CASE(test_wrap), VT_CASE(test_print),
	 VT_CASE(test_line_rows), VT_CASE(test_run_unreadable_trace));
