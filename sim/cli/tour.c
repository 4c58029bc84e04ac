// SPDX-License-Identifier: GPL-2.0-only
/*
 * tour.c - `vfsim tour`: a guided walk through the four mechanisms, each
 * run live from the built-in scenarios (tour_scenarios.c) and narrated
 * beat by beat (tour_parts.c). A part passes when every expectation of
 * its scenarios held, every beat found the trace lines that show it and
 * every kernel function it names ran; the tour exits 0 only if all did.
 *
 * Everything printed comes from the text of the tour or from the runs,
 * which are deterministic (virtual time, fixed policy): two runs of the
 * tour print the same bytes.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/tour_internal.h"
#include "sim/cli/vfsim_cli.h"
#include "sim/trace/host.h"

static const char tour_usage[] =
	"usage: vfsim tour [--part N] [--pause] [--trace]\n"
	"\n"
	"A guided, narrated walk through the four mechanisms vfsim models,\n"
	"each run live on the simulated machine from scenarios built into\n"
	"the program (no files needed; copies are in tests/scenarios/tour-*):\n"
	"\n"
	"  1  FORGETs on a full hiprio queue and the 1 ms dispatch retry\n"
	"  2  a full request queue: the v5-2019 and mainline drivers side by\n"
	"     side\n"
	"  3  device removal draining in-flight requests, and -ENOTCONN\n"
	"     after it; a dead device's hang, and a request timeout ending it\n"
	"  4  state transfer: the back end migrated in the middle of a\n"
	"     workload with an open file and a lock\n"
	"\n"
	"Each part says in plain words what happens, next to the trace lines\n"
	"that show it (TIME_US TASK EVENT FUNCTION DETAILS), names the kernel\n"
	"functions involved, checks its scenarios' expectations and ends with\n"
	"a one-line result measured in the run. A summary of the results\n"
	"closes the tour.\n"
	"\n"
	"options:\n"
	"  --part N   run part N only (1 to 4)\n"
	"  --pause    wait for Enter after each part (end of input: go on)\n"
	"  --trace    also print each scenario and its full trace\n"
	"  --help     show this help and exit\n"
	"\n"
	"Time is virtual, so the output is the same on every run. Runs in a\n"
	"few seconds at most; `make run` runs it.\n"
	"\n"
	"exit status: 0 every part held, 1 a part failed (an expectation, or\n"
	"the trace no longer shows what the narration says), 2 a usage error,\n"
	"3 the host failed (out of memory, or the output was not written).\n"
	"More: docs/tour.md.\n";

static const char tour_header[] =
	"vfsim tour: four virtio-fs mechanisms, run live\n"
	"\n"
	"The guest is a model of the Linux driver fs/fuse/virtio_fs.c, in three "
	"versions: the 2019 posting (v5-2019), Linux 6.1 as Debian bookworm "
	"ships it (6.1) and Linux 7.1 (mainline); the tour shows the first "
	"and the last. The device is a FUSE server on an in-memory file "
	"system, playing virtiofsd 1.13. They share only virtqueues in simulated guest memory. "
	"Time is virtual. Trace lines read TIME_US TASK EVENT FUNCTION "
	"DETAILS; `vfsim tour --trace` prints every line of every run.\n";

struct tour_opts {
	int part;   /* 0: all */
	bool pause; /* wait for Enter between parts */
	bool trace; /* print scenarios and full traces */
};

static int tour_usage_error(FILE *err, const char *fmt, const char *arg)
{
	fputs("vfsim: tour: ", err);
	fprintf(err, fmt, arg);
	fputs(" (see vfsim tour --help)\n", err);
	return 2;
}

/* @return -1 to go on, else the exit status (help, usage error). */
static int parse_args(const struct tour_book *book, int argc, char **argv,
		      struct tour_opts *o, FILE *out, FILE *err)
{
	char range[64];

	snprintf(range, sizeof(range), "a number from 1 to %zu",
		 book->nr_parts);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char *end;
		long n;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(tour_usage, out);
			return 0;
		} else if (!strcmp(a, "--pause")) {
			o->pause = true;
		} else if (!strcmp(a, "--trace")) {
			o->trace = true;
		} else if (!strcmp(a, "--part")) {
			if (i + 1 == argc)
				return tour_usage_error(
					err, "'--part' needs %s", range);
			a = argv[++i];
			n = strtol(a, &end, 10);
			if (end == a || *end || n < 1 ||
			    (size_t)n > book->nr_parts) {
				fprintf(err,
					"vfsim: tour: '--part' takes %s, got "
					"'%s' (see vfsim tour --help)\n",
					range, a);
				return 2;
			}
			if (o->part)
				return tour_usage_error(err, "%s",
							"'--part' given "
							"twice");
			o->part = (int)n;
		} else if (a[0] == '-') {
			return tour_usage_error(err, "unknown option '%s'", a);
		} else {
			return tour_usage_error(err, "unexpected argument '%s'",
						a);
		}
	}
	return -1;
}

/* A part's heading: "== Part 1 of 4: TITLE ===...", TOUR_WIDTH wide. */
static void heading(FILE *out, const char *text)
{
	int n = fprintf(out, "== %s ", text);

	for (; n < TOUR_WIDTH; n++)
		fputc('=', out);
	fputc('\n', out);
}

/* The kernel functions of @p, grouped by file; each must have run. */
static bool print_kfuncs(FILE *out, const struct tour_part *p,
			 const struct tour_run *runs, size_t nr)
{
	char line[1024];
	bool ok = true;

	fputs("\n  Functions this part ran, by source file:\n", out);
	for (size_t i = 0; p->kfuncs[i].name; i++) {
		size_t len;

		/* one line per file, in the order the files first appear */
		if (i && !strcmp(p->kfuncs[i - 1].where, p->kfuncs[i].where))
			continue;
		len = (size_t)snprintf(line, sizeof(line),
				       "%s:", p->kfuncs[i].where);
		for (size_t j = i; p->kfuncs[j].name; j++) {
			bool seen = false;

			if (strcmp(p->kfuncs[j].where, p->kfuncs[i].where))
				continue;
			for (size_t k = 0; k < nr && !seen; k++)
				seen = tour_has_func(&runs[k],
						     p->kfuncs[j].name);
			ok &= seen;
			len += (size_t)snprintf(line + len, sizeof(line) - len,
						" %s%s", p->kfuncs[j].name,
						seen ? "" : " (NOT RUN)");
		}
		{
			struct tour_rows rows = { 0 };

			tour_rows_wrap(&rows, line, TOUR_WIDTH - 4, 4);
			tour_rows_print(out, &rows, 4);
			tour_rows_free(&rows);
		}
	}
	return ok;
}

/* One beat's side: its window in run @r from cursor @at. */
static void side_window(const struct tour_section *sec, size_t b, int s,
			const struct tour_run *r, size_t *at, size_t *first,
			size_t *end)
{
	const struct tour_side *side = &sec->beats[b].side[s];

	*first = tour_side_find(side, r, *at);
	*end = r->nr;
	if (*first >= r->nr)
		return;
	for (size_t nb = b + 1; nb < sec->nr_beats; nb++) {
		const struct tour_side *next = &sec->beats[nb].side[s];

		if (!tour_side_has_pat(next))
			continue;
		*end = tour_side_find(next, r, *first + 1);
		break;
	}
	*at = *first + 1;
}

/* Walk the beats of @sec over its runs. @return false when a beat's
 * lines are missing. */
static bool print_section(FILE *out, const struct tour_section *sec,
			  const struct tour_run *runs)
{
	bool two = sec->scn[1] != NULL, ok = true;
	size_t at[2] = { 0, 0 };

	if (sec->intro) {
		fputc('\n', out);
		tour_say(out, sec->intro, 0);
	}
	if (two) {
		struct tour_rows h[2] = { { 0 } };

		fputc('\n', out);
		for (int s = 0; s < 2; s++)
			tour_rows_wrap(&h[s], runs[s].scn->label,
				       TOUR_COL_WIDTH, 0);
		for (int s = 0; s < 2; s++) {
			char rule[TOUR_COL_WIDTH + 1];

			memset(rule, '-', TOUR_COL_WIDTH);
			rule[TOUR_COL_WIDTH] = '\0';
			tour_rows_wrap(&h[s], rule, TOUR_COL_WIDTH, 0);
		}
		tour_rows_print2(out, &h[0], &h[1]);
		for (int s = 0; s < 2; s++)
			tour_rows_free(&h[s]);
	}
	for (size_t b = 0; b < sec->nr_beats; b++) {
		struct tour_rows rows[2] = { { 0 } };
		unsigned width = two ? TOUR_COL_WIDTH : TOUR_WIDTH - 4;

		fputc('\n', out);
		tour_say(out, sec->beats[b].say, 2);
		for (int s = 0; s < (two ? 2 : 1); s++) {
			size_t first, end;

			side_window(sec, b, s, &runs[s], &at[s], &first, &end);
			tour_side_rows(&rows[s], &sec->beats[b].side[s],
				       &runs[s], first, end, width);
			ok &= !rows[s].broken;
		}
		if (two)
			tour_rows_print2(out, &rows[0], &rows[1]);
		else
			tour_rows_print(out, &rows[0], 4);
		for (int s = 0; s < 2; s++)
			tour_rows_free(&rows[s]);
	}
	return ok;
}

static void print_full_traces(FILE *out, const struct tour_run *runs, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		fprintf(out, "\n--- scenario %s ---\n%s", runs[i].scn->file,
			runs[i].scn->text);
		fprintf(out, "--- its trace (%zu events) ---\n%s", runs[i].nr,
			runs[i].res.trace ? runs[i].res.trace : "");
	}
}

/*
 * Run and print part @idx. Guarantees: @result holds its one-line
 * result, and the return value says whether it held.
 */
static bool run_part(FILE *out, const struct tour_book *book, int idx,
		     const struct tour_opts *o, char *result, size_t size,
		     unsigned *expects)
{
	const struct tour_part *p = &book->parts[idx];
	struct tour_run runs[TOUR_MAX_RUNS];
	char title[512], facts[1024];
	size_t nr = 0, first = 0;
	bool ok = true, beats = true;

	snprintf(title, sizeof(title), "Part %d of %zu: %s", idx + 1,
		 book->nr_parts, p->title);
	fputc('\n', out);
	heading(out, title);
	fputc('\n', out);
	tour_say(out, p->intro, 0);
	for (size_t s = 0; s < p->nr_sections; s++) {
		const struct tour_section *sec = &p->sections[s];

		first = nr;
		assert(s < TOUR_MAX_SECTIONS);
		for (int k = 0; k < 2 && sec->scn[k]; k++) {
			const struct tour_scenario *scn =
				tour_scenario_by_file(book, sec->scn[k]);

			if (!scn) {
				/* only a broken table gets here */
				fprintf(out, "(no built-in scenario %s)\n",
					sec->scn[k]);
				ok = false;
				continue;
			}
			ok &= !tour_run_scenario(scn, &runs[nr]);
			*expects += runs[nr].res.expects;
			nr++;
		}
		if (nr - first == (sec->scn[1] ? 2u : 1u))
			beats &= print_section(out, sec, &runs[first]);
		else
			beats = false;
	}
	ok &= print_kfuncs(out, p, runs, nr);
	ok &= beats;
	if (!p->result(runs, nr, facts, sizeof(facts))) {
		snprintf(facts, sizeof(facts), "%s",
			 "(a fact of the result is missing from the run)");
		ok = false;
	}
	snprintf(result, size, "Part %d %s  %s", idx + 1, ok ? "PASS" : "FAIL",
		 facts);
	snprintf(title, sizeof(title), "Read next: %s.", p->read_next);
	fputc('\n', out);
	tour_say(out, title, 2);
	for (size_t i = 0; i < nr; i++) {
		if (runs[i].ok)
			continue;
		if (runs[i].res.trace)
			fprintf(out, "\n  %s: %u of %u expectations failed\n",
				runs[i].scn->file, runs[i].res.failed,
				runs[i].res.expects);
		else
			fprintf(out, "\n  %s did not run:\n",
				runs[i].scn->file);
		fputs(runs[i].diag ? runs[i].diag : "", out);
	}
	if (!beats)
		fputs("\n  The trace no longer shows what this part says "
		      "(a MISSING line above).\n",
		      out);
	snprintf(title, sizeof(title), "Result: %s. ", ok ? "PASS" : "FAIL");
	{
		char *body = host_malloc(strlen(title) + strlen(facts) + 1);

		strcat(strcpy(body, title), facts);
		fputc('\n', out);
		tour_say(out, body, 0);
		host_free(body);
	}
	if (o->trace)
		print_full_traces(out, runs, nr);
	for (size_t i = 0; i < nr; i++)
		tour_run_free(&runs[i]);
	return ok;
}

/* Wait for Enter on @in; false once the input has ended. */
static bool wait_enter(FILE *in)
{
	int c;

	while ((c = fgetc(in)) != EOF)
		if (c == '\n')
			return true;
	return false;
}

int tour_main(const struct tour_book *book, int argc, char **argv, FILE *in,
	      FILE *out, FILE *err)
{
	char results[TOUR_NR_PARTS][1536];
	struct tour_opts o = { 0 };
	int from = 0, to = (int)book->nr_parts, rc, passed = 0;
	unsigned expects = 0;
	bool pausing;

	assert(book->nr_parts >= 1 && book->nr_parts <= TOUR_NR_PARTS);
	rc = parse_args(book, argc, argv, &o, out, err);
	if (rc >= 0)
		return rc;
	if (o.part)
		from = o.part - 1, to = o.part;
	pausing = o.pause;
	tour_say(out, tour_header, 0);
	for (int i = from; i < to; i++) {
		passed += run_part(out, book, i, &o, results[i],
				   sizeof(results[i]), &expects);
		if (pausing && i + 1 < to) {
			fprintf(out,
				"\n-- press Enter for part %d of %zu "
				"(end of input: go on) --\n",
				i + 2, book->nr_parts);
			fflush(out);
			pausing = wait_enter(in);
		}
	}
	fputc('\n', out);
	heading(out, "Summary");
	fputc('\n', out);
	for (int i = from; i < to; i++)
		fprintf(out, "%s\n", results[i]);
	fprintf(out,
		"\n%d of %d part%s held; %u expectations checked in the "
		"runs.\n",
		passed, to - from, to - from == 1 ? "" : "s", expects);
	tour_say(
		out,
		"Next: docs/tour.md, then `vfsim run "
		"tests/scenarios/tour-1-hiprio.vfs` (and the other tour-*.vfs) "
		"for every event of a run.",
		0);
	return passed == to - from ? 0 : 1;
}

int vfsim_cmd_tour(int argc, char **argv, FILE *in, FILE *out, FILE *err)
{
	return tour_main(&tour_builtin, argc, argv, in, out, err);
}
