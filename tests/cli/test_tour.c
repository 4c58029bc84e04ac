// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_tour.c - `vfsim tour` as a student runs it: it passes, prints the
 * same bytes every time, tells each part's story in order, and handles
 * --part, --pause (scripted Enter and end of input), --trace, --help and
 * bad arguments. Also: each built-in scenario equals its copy in
 * tests/scenarios (whose trace cli_scenarios checks), so the two cannot
 * drift apart.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/cli/vfsim_cli.h"
#include "tests/cli/scenario_test_util.h"
#include "tests/cli/tour_test_util.h"

static void test_tour_passes(void)
{
	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, NULL, NULL), 0);
	CU_ASSERT_STRING_EQUAL(tt_err, "");
	for (int i = 1; i <= TOUR_NR_PARTS; i++) {
		char want[32];

		snprintf(want, sizeof(want), "\nPart %d PASS  ", i);
		CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, want));
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "4 of 4 parts held"));
	CU_ASSERT_PTR_NULL(strstr(tt_out, "FAIL"));
	CU_ASSERT_PTR_NULL(strstr(tt_out, "MISSING"));
	CU_ASSERT_PTR_NULL(strstr(tt_out, "NOT RUN"));
	CU_ASSERT_PTR_NULL(strstr(tt_out, "press Enter"));
}

/* Byte for byte the same, twice in one process. */
static void test_tour_deterministic(void)
{
	char *first;

	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, NULL, NULL), 0);
	first = strdup(tt_out);
	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, NULL, NULL), 0);
	CU_ASSERT_STRING_EQUAL(first, tt_out);
	free(first);
}

/* Every line fits 80 columns but the summary's one-line results. */
static void test_tour_width(void)
{
	const char *summary;
	unsigned lineno = 1;

	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, NULL, NULL), 0);
	summary = strstr(tt_out, "== Summary");
	CU_ASSERT_PTR_NOT_NULL_FATAL(summary);
	for (const char *p = tt_out; p < summary; lineno++) {
		size_t len = vt_line_len(p);

		if (len > TOUR_WIDTH)
			fprintf(stderr, "\ntour line %u is %zu wide: %.*s\n",
				lineno, len, (int)len, p);
		CU_ASSERT(len <= TOUR_WIDTH);
		p += len + 1;
	}
}

/* The narration of every beat, every section intro and every part's
 * title, in the order of the book. */
static void test_tour_narration_in_order(void)
{
	const char *at;
	char *flat;

	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, NULL, NULL), 0);
	flat = tt_flat(tt_out);
	at = flat;
	for (int i = 0; i < TOUR_NR_PARTS; i++) {
		const struct tour_part *p = &tour_parts[i];
		const char *texts[2] = { p->title, p->intro };

		for (int k = 0; k < 2; k++) {
			char *want = tt_flat(texts[k]);
			const char *hit = strstr(at, want);

			CU_ASSERT_PTR_NOT_NULL(hit);
			if (hit)
				at = hit + strlen(want);
			free(want);
		}
		for (size_t s = 0; s < p->nr_sections; s++) {
			const struct tour_section *sec = &p->sections[s];

			for (size_t b = 0; b < sec->nr_beats; b++) {
				char *want = tt_flat(sec->beats[b].say);
				const char *hit = strstr(at, want);

				if (!hit)
					fprintf(stderr, "\nnot in order: %s\n",
						want);
				CU_ASSERT_PTR_NOT_NULL(hit);
				if (hit)
					at = hit + strlen(want);
				free(want);
			}
		}
	}
	free(flat);
	/* The two-column sections show both labels under a rule. */
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "  v5-2019"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "| mainline\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "| timeout=15s\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "--- | ---"));
}

/* Each part names its kernel functions, and the result facts are the
 * run's (checked against the scenario: 3 of 7 parked, and so on). */
static void test_tour_facts(void)
{
	char *flat;

	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, NULL, NULL), 0);
	flat = tt_flat(tt_out);
	CU_ASSERT_PTR_NOT_NULL(strstr(flat, "3 of 7 FORGETs parked on "
					    "hiprio.queued_reqs"));
	CU_ASSERT_PTR_NOT_NULL(strstr(flat, "2.000 ms (ring full, re-armed), "
					    "3.000 ms (sent 3)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(flat, "mainline: 2 parked"));
	CU_ASSERT_PTR_NOT_NULL(strstr(flat,
				      "ended -ECONNABORTED at 30.000 s "
				      "with timeout=15s (next: -ENOTCONN), "
				      "then unmount hung (deadlock)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(flat, "answered by the destination"));
	for (int i = 0; i < TOUR_NR_PARTS; i++)
		for (size_t k = 0; tour_parts[i].kfuncs[k].name; k++)
			CU_ASSERT_PTR_NOT_NULL(
				strstr(flat, tour_parts[i].kfuncs[k].name));
	free(flat);
}

static void test_tour_part(void)
{
	for (int n = 1; n <= TOUR_NR_PARTS; n++) {
		char arg[16], want[64];

		snprintf(arg, sizeof(arg), "%d", n);
		CU_ASSERT_EQUAL(
			tt_tour(&tour_builtin, NULL, "--part", arg, NULL), 0);
		snprintf(want, sizeof(want), "Part %d of 4:", n);
		CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, want));
		CU_ASSERT_EQUAL(tt_count(tt_out, " of 4: "), 1);
		CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "1 of 1 part held"));
	}
}

/* --pause: one prompt between parts, none after the last; Enter goes
 * on, and so does the end of the input (no prompt after it). */
static void test_tour_pause(void)
{
	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, "\n\n\n", "--pause", NULL), 0);
	CU_ASSERT_EQUAL(tt_count(tt_out, "-- press Enter for part"), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "press Enter for part 4 of 4"));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "4 of 4 parts held"));
	/* Text before the Enter is ignored up to the newline. */
	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, "go\nmore\n", "--pause", NULL),
			0);
	CU_ASSERT_EQUAL(tt_count(tt_out, "-- press Enter for part"), 3);
	/* One Enter, then the end of input: it goes straight on. */
	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, "\n", "--pause", NULL), 0);
	CU_ASSERT_EQUAL(tt_count(tt_out, "-- press Enter for part"), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "4 of 4 parts held"));
	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, NULL, "--pause", NULL), 0);
	CU_ASSERT_EQUAL(tt_count(tt_out, "-- press Enter for part"), 1);
	/* One part: nothing to wait for. */
	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, "\n", "--pause", "--part", "2",
				NULL),
			0);
	CU_ASSERT_EQUAL(tt_count(tt_out, "press Enter"), 0);
}

/* --trace: each scenario of the part and its whole trace. */
static void test_tour_trace(void)
{
	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, NULL, "--part", "3", "--trace",
				NULL),
			0);
	for (size_t i = 0; i < tour_builtin.nr_scenarios; i++) {
		const struct tour_scenario *s = &tour_builtin.scenarios[i];
		char want[128];

		snprintf(want, sizeof(want), "--- scenario %s ---\n", s->file);
		if (strncmp(s->file, "tour-3-", 7)) {
			CU_ASSERT_PTR_NULL(strstr(tt_out, want));
			continue;
		}
		CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, want));
		CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, s->text));
	}
	CU_ASSERT_EQUAL(tt_count(tt_out, "--- its trace ("), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "us #1      -"));
}

static void test_tour_help(void)
{
	static const char *const opts[] = { "--part N",	   "--pause",
					    "--trace",	   "--help",
					    "exit status", "docs/tour.md" };

	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, NULL, "--help", NULL), 0);
	CU_ASSERT_STRING_EQUAL(tt_err, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, "usage: vfsim tour"));
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, opts[i]));
	for (int n = 1; n <= TOUR_NR_PARTS; n++) {
		char want[24];

		snprintf(want, sizeof(want), "\n  %d  ", n);
		CU_ASSERT_PTR_NOT_NULL(strstr(tt_out, want));
	}
	/* Help wins over whatever else is on the line; nothing runs. */
	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, NULL, "--part", "1", "-h", NULL),
			0);
	CU_ASSERT_PTR_NULL(strstr(tt_out, "Part 1 of 4"));
}

/* Exit 2, one clear line on stderr, nothing on stdout. */
static void bad(const char *needle)
{
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_err, needle));
	CU_ASSERT_PTR_NOT_NULL(strstr(tt_err, "vfsim: tour: "));
	CU_ASSERT_EQUAL(tt_count(tt_err, "\n"), 1);
	CU_ASSERT_STRING_EQUAL(tt_out, "");
}

static void test_tour_bad_args(void)
{
	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, NULL, "--part", NULL), 2);
	bad("'--part' needs a number from 1 to 4");
	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, NULL, "--part", "0", NULL), 2);
	bad("'--part' takes a number from 1 to 4, got '0'");
	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, NULL, "--part", "5", NULL), 2);
	bad("got '5'");
	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, NULL, "--part", "2x", NULL), 2);
	bad("got '2x'");
	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, NULL, "--part", "", NULL), 2);
	bad("got ''");
	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, NULL, "--part", "1", "--part",
				"2", NULL),
			2);
	bad("'--part' given twice");
	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, NULL, "--frob", NULL), 2);
	bad("unknown option '--frob'");
	CU_ASSERT_EQUAL(tt_tour(&tour_builtin, NULL, "x.vfs", NULL), 2);
	bad("unexpected argument 'x.vfs'");
}

/* Through the program's front door: `vfsim tour ...`. */
static void test_tour_from_vfsim(void)
{
	char *argv[] = { "vfsim", "tour", "--frob", NULL };
	char *out_text = NULL, *err_text = NULL;
	size_t olen, elen;
	FILE *out = open_memstream(&out_text, &olen);
	FILE *err = open_memstream(&err_text, &elen);

	CU_ASSERT_EQUAL(vfsim_cli_main(3, argv, out, err), 2);
	fflush(err);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "unknown option '--frob'"));
	argv[1] = "--help";
	CU_ASSERT_EQUAL(vfsim_cli_main(2, argv, out, err), 0);
	fflush(out);
	CU_ASSERT_PTR_NOT_NULL(strstr(out_text, "  tour        guided tour"));
	fclose(out);
	fclose(err);
	free(out_text);
	free(err_text);
}

/* The built-in scenarios are the files, byte for byte. */
static void test_tour_scenarios_match_files(void)
{
	for (size_t i = 0; i < tour_builtin.nr_scenarios; i++) {
		const struct tour_scenario *s = &tour_builtin.scenarios[i];
		char path[256];
		char *text;

		snprintf(path, sizeof(path), "tests/scenarios/%s", s->file);
		text = vt_read_text(path);
		CU_ASSERT_PTR_NOT_NULL(text);
		if (text && vt_diff_text(path, text, s->text, stderr))
			CU_FAIL("built-in scenario differs from its file");
		free(text);
		CU_ASSERT_PTR_EQUAL(
			tour_scenario_by_file(&tour_builtin, s->file), s);
	}
	CU_ASSERT_PTR_NULL(tour_scenario_by_file(&tour_builtin, "nope.vfs"));
	/* Every scenario a section names exists, and every scenario is
	 * shown by some section. */
	for (size_t i = 0; i < tour_builtin.nr_scenarios; i++) {
		bool used = false;

		for (size_t p = 0; p < tour_builtin.nr_parts; p++)
			for (size_t s = 0; s < tour_parts[p].nr_sections; s++)
				for (int k = 0; k < 2; k++)
					used |= tour_parts[p]
							.sections[s]
							.scn[k] &&
						!strcmp(tour_parts[p]
								.sections[s]
								.scn[k],
							tour_builtin
								.scenarios[i]
								.file);
		CU_ASSERT(used);
	}
}

VT_SUITE(cli_tour, NULL, tt_cleanup, VT_CASE(test_tour_passes),
	 VT_CASE(test_tour_deterministic), VT_CASE(test_tour_width),
	 VT_CASE(test_tour_narration_in_order), VT_CASE(test_tour_facts),
	 VT_CASE(test_tour_part), VT_CASE(test_tour_pause),
	 VT_CASE(test_tour_trace), VT_CASE(test_tour_help),
	 VT_CASE(test_tour_bad_args), VT_CASE(test_tour_from_vfsim),
	 VT_CASE(test_tour_scenarios_match_files));
