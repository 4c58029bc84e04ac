// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_explore.c - vfsim explore on the unscripted race scenarios of
 * tests/scenarios/races/: with its bug switch on, every strategy finds a
 * failing schedule within a fixed run budget and the shrunk list's replay
 * fails the same way; with the switch off (the `bug` line dropped), the
 * same budget finds nothing. Also: determinism, the command's exit
 * statuses and its output directory.
 */
#define _GNU_SOURCE
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli/exec.h"
#include "sim/cli/explore.h"
#include "sim/cli/explore_internal.h"
#include "sim/cli/vfsim_cli.h"
#include "sim/kernel/sched.h"
#include "tests/cli/explore_test_util.h"
#include "tests/cli/scenario_test_util.h"
#include "tests/harness.h"

/* Schedules per strategy: every race is found well within it (a slow
 * build, Valgrind's, tries the strategies that find them soonest with a
 * smaller budget that still finds them). */
#define RACE_BUDGET (vt_slow_build() ? 40u : 300u)

/* Where a strategy needs more than RACE_BUDGET to find a race, the budget
 * it gets (with the switch on and off alike), measured: uniform random
 * choice meets sleep-retry-holding-bg-lock's full ring under a
 * RELEASEDIR at seed 2392 (a random schedule rarely keeps three
 * submissions in flight at once; pct and dfs find it within 300), and a
 * slow build's 40 schedules are too few for random on
 * teach-forgets-uncounted (run 118). A slow build runs the entries of at
 * most 300 schedules and leaves out the larger ones. */
static const struct {
	const char *scenario; /* base name */
	const char *strategy;
	unsigned int runs;
} budgets[] = {
	{ "sleep-retry-holding-bg-lock.vfs", "random", 3000 },
	{ "teach-forgets-uncounted.vfs", "random", 300 },
};

static unsigned int budget(const char *path, const char *strategy)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	for (size_t i = 0; i < sizeof(budgets) / sizeof(*budgets); i++)
		if (!strcmp(budgets[i].scenario, base) &&
		    !strcmp(budgets[i].strategy, strategy))
			return budgets[i].runs;
	return RACE_BUDGET;
}

/*
 * The one failure a switch-off run may meet: the mainline driver's own
 * notify-after-remove race (virtio_fs_enqueue_req() kicks after dropping
 * fsvq->lock; a submitter preempted there can find remove() has drained,
 * reset and deleted the queues, the device having taken the request from
 * the ring without waiting for the kick). It is no bug switch's: the
 * preemption after a wake-up (sched_event_point()) reaches it, see
 * test_event_points_find_notify_race().
 */
static bool mainline_notify_race(const char *failure)
{
	return failure && strstr(failure, "kasan.uaf") &&
	       strstr(failure, "virtqueue_notify(): virtqueue requests.");
}

static const char *const strategies[] = { "random", "pct:2", "pct:3", "dfs:1",
					  "dfs:2" };

static int explore_runs(struct scenario *s, const char *strategy,
			unsigned int runs, struct vfsim_explore_result *r)
{
	struct vfsim_explore_opts o = { .runs = runs };
	char msg[128];

	CU_ASSERT_EQUAL_FATAL(vfsim_explore_parse_strategy(strategy, &o, msg,
							   sizeof(msg)),
			      0);
	return vfsim_explore(s, &o, r);
}

static int explore(struct scenario *s, const char *strategy,
		   struct vfsim_explore_result *r)
{
	return explore_runs(s, strategy, RACE_BUDGET, r);
}

static void test_races_found_and_not_without_bug(void)
{
	glob_t g;

	CU_ASSERT_EQUAL_FATAL(glob("tests/scenarios/races/*.vfs", 0, NULL, &g),
			      0);
	CU_ASSERT(g.gl_pathc >= 3);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *text = vt_read_text(g.gl_pathv[i]);
		char *off_text = vt_without_bug(text);
		struct scenario *on = vt_parse(g.gl_pathv[i], text);
		struct scenario *off = vt_parse(g.gl_pathv[i], off_text);

		CU_ASSERT_PTR_NOT_NULL_FATAL(on);
		CU_ASSERT_PTR_NOT_NULL_FATAL(off);
		CU_ASSERT(strcmp(text, off_text) != 0); /* it has a switch */
		for (size_t k = 0; k < sizeof(strategies) / sizeof(*strategies);
		     k++) {
			unsigned int runs =
				budget(g.gl_pathv[i], strategies[k]);

			if (vt_slow_build() &&
			    ((k != 0 && k != 2 && k != 3) || runs > 300))
				continue;
			struct vfsim_explore_result r;
			char *a, *b;

			CU_ASSERT_EQUAL(
				explore_runs(on, strategies[k], runs, &r), 1);
			if (r.status != 1) {
				fprintf(stderr, "%s %s: not found\n",
					g.gl_pathv[i], strategies[k]);
				vfsim_explore_free(&r);
				continue;
			}
			a = explore_signature(r.failure);
			b = explore_signature(r.min_failure);
			if (strcmp(a, b))
				fprintf(stderr, "%s %s: %s vs %s\n",
					g.gl_pathv[i], strategies[k], a, b);
			CU_ASSERT_STRING_EQUAL(a, b);
			CU_ASSERT(r.min_deviations <= r.deviations);
			CU_ASSERT_PTR_NOT_NULL(r.trace);
			free(a);
			free(b);
			vfsim_explore_free(&r);
			explore_runs(off, strategies[k], runs, &r);
			CU_ASSERT(r.status == 0 ||
				  (r.status == 1 &&
				   mainline_notify_race(r.failure)));
			if (r.status && !mainline_notify_race(r.failure))
				fprintf(stderr, "%s %s without the bug: %s\n",
					g.gl_pathv[i], strategies[k],
					r.failure ? r.failure : r.error);
			vfsim_explore_free(&r);
		}
		scenario_free(on);
		scenario_free(off);
		free(text);
		free(off_text);
	}
	globfree(&g);
}

/* The same options give the same exploration, run for run. */
static void test_deterministic(void)
{
	char *text = vt_read_text(
		"tests/scenarios/races/hiprio-no-connected-check.vfs");
	struct scenario *s = vt_parse("race", text);
	struct vfsim_explore_result a, b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	explore(s, "pct:3", &a);
	explore(s, "pct:3", &b);
	CU_ASSERT_EQUAL(a.status, 1);
	CU_ASSERT_EQUAL(a.runs, b.runs);
	CU_ASSERT_EQUAL(a.distinct, b.distinct);
	CU_ASSERT_STRING_EQUAL(a.choices, b.choices);
	CU_ASSERT_STRING_EQUAL(a.minimized, b.minimized);
	CU_ASSERT_STRING_EQUAL(a.trace, b.trace);
	vfsim_explore_free(&a);
	vfsim_explore_free(&b);
	scenario_free(s);
	free(text);
}

/* A machine built on the arena and stacks of earlier ones (which other
 * scenarios dirtied) runs exactly as a first one: the same trace. */
static void test_reuse_keeps_runs_identical(void)
{
	char *t1 =
		vt_read_text("tests/scenarios/races/remove-without-drain.vfs");
	char *t2 = vt_read_text("tests/scenarios/migration.vfs");
	struct scenario *a = vt_parse("a", t1), *b = vt_parse("b", t2);
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_TEXT,
				     .policy = "random:3" };
	struct vfsim_result r1, r2, r3;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	vfsim_exec(a, &o, &r1);
	vfsim_exec(b, &o, &r2);
	vfsim_exec(a, &o, &r3);
	CU_ASSERT_EQUAL(r1.trace_hash, r3.trace_hash);
	CU_ASSERT_STRING_EQUAL(r1.trace, r3.trace);
	CU_ASSERT_EQUAL(r1.status, r3.status);
	vfsim_result_free(&r1);
	vfsim_result_free(&r2);
	vfsim_result_free(&r3);
	scenario_free(a);
	scenario_free(b);
	free(t1);
	free(t2);
}

/* A bug that files a report on every FORGET, 3,000 of them in fifo. */
static const char every_forget[] = "bug forget-sends-list-head\n"
				   "fs\n  file /a \"a\"\nend\n"
				   "task t\n  mount\n  repeat 3000\n"
				   "    lookup /a\n    forget /a\n  end\nend\n"
				   "run\n";

/*
 * A run to its end counts every report but stores and prints the first
 * 100 of the kind, and says how many more there were; an exploring run
 * stops at the first (its schedule has failed already), so neither its
 * time nor its memory grows with the bug's reports.
 */
static void test_reports_bounded(void)
{
	struct scenario *s = vt_parse("every-forget", every_forget);
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_NONE };
	struct vfsim_explore_result x;
	struct vfsim_result r;
	char *text = NULL;
	size_t len = 0, lines = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	o.diag = open_memstream(&text, &len);
	CU_ASSERT_EQUAL(vfsim_exec(s, &o, &r), 1);
	fclose(o.diag);
	CU_ASSERT_EQUAL(r.unexpected, 3000);
	for (const char *p = text; (p = strstr(p, "unexpected report ")); p++)
		lines++;
	CU_ASSERT_EQUAL(lines, 100);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		text, "2900 more unexpected reports dev.infoleak not kept"));
	vfsim_result_free(&r);
	free(text);
	CU_ASSERT_EQUAL(explore_runs(s, "random", 5, &x), 1);
	CU_ASSERT_EQUAL(x.runs, 1); /* fifo fails */
	CU_ASSERT_PTR_NOT_NULL_FATAL(x.trace);
	/* the shrunk run's trace ends at its first report */
	lines = 0;
	for (const char *p = x.trace; (p = strstr(p, "dev.infoleak")); p++)
		lines++;
	CU_ASSERT_EQUAL(lines, 1);
	CU_ASSERT_PTR_NULL(strstr(x.trace, "unique=20 "));
	vfsim_explore_free(&x);
	scenario_free(s);
}

/*
 * A machine reused by an exploration (its arena, stacks, fault table and
 * heap kept from run to run) gives run N exactly the trace a fresh
 * process gives the same seed: the hash (with no text made, as the
 * explorer runs, and with it) and the text byte for byte.
 */
static void test_reused_run_equals_fresh_process(void)
{
	const char *prog = getenv("VFSIM");
	char *text =
		vt_read_text("tests/scenarios/races/remove-without-drain.vfs");
	char *off_text = vt_without_bug(text);
	struct scenario *s = vt_parse("removal", off_text);
	char path[] = "/tmp/vfsim-reuse-XXXXXX.vfs", cmd[512];
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_NONE,
				     .policy = "random:57" };
	struct vfsim_explore_result x;
	struct vfsim_result quiet, full;
	char *fresh = NULL;
	size_t cap = 0, len;
	FILE *f;
	int fd;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	/* 57 runs of the random strategy: seeds 1..56 after fifo */
	CU_ASSERT_EQUAL(explore_runs(s, "random", 57, &x), 0);
	CU_ASSERT_EQUAL(x.runs, 57);
	vfsim_explore_free(&x);
	vfsim_exec(s, &o, &quiet);
	o.format = VFSIM_TRACE_TEXT;
	vfsim_exec(s, &o, &full);
	CU_ASSERT_EQUAL(quiet.trace_hash, full.trace_hash);
	CU_ASSERT_PTR_NOT_NULL_FATAL(full.trace);
	if (!prog) {
		vt_skip("VFSIM (the vfsim program) is not set");
	} else {
		fd = mkstemps(path, 4);
		CU_ASSERT_FATAL(fd >= 0);
		CU_ASSERT_EQUAL(write(fd, off_text, strlen(off_text)),
				(ssize_t)strlen(off_text));
		close(fd);
		snprintf(
			cmd, sizeof(cmd),
			"%s run %s --policy random:57 --trace text 2>/dev/null",
			prog, path);
		f = popen(cmd, "r");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		len = (size_t)getdelim(&fresh, &cap, '\0', f);
		pclose(f);
		unlink(path);
		CU_ASSERT(len > 100);
		CU_ASSERT_STRING_EQUAL(fresh, full.trace);
		free(fresh);
	}
	vfsim_result_free(&quiet);
	vfsim_result_free(&full);
	scenario_free(s);
	free(text);
	free(off_text);
}

/*
 * A race only the event points reach: on the removal race with its switch
 * off, pct:3 finds the mainline driver's kick on a deleted queue within
 * 300 schedules (a kasan.uaf report, not a crash), the shrunk schedule
 * preempts the submitter right after its spin_unlock() woke a waiter, and
 * the same budget with the event points off (lock points only, as before
 * they existed) finds nothing.
 */
static void test_event_points_find_notify_race(void)
{
	char *text =
		vt_read_text("tests/scenarios/races/remove-without-drain.vfs");
	char *off_text = vt_without_bug(text);
	struct scenario *s = vt_parse("removal", off_text);
	struct vfsim_explore_result r;
	char *a, *b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	sched_set_event_points(false);
	CU_ASSERT_EQUAL(explore_runs(s, "pct:3", 300, &r), 0);
	vfsim_explore_free(&r);
	sched_set_event_points(true);
	CU_ASSERT_EQUAL(explore_runs(s, "pct:3", 300, &r), 1);
	CU_ASSERT(mainline_notify_race(r.failure));
	a = explore_signature(r.failure);
	b = explore_signature(r.min_failure);
	CU_ASSERT_STRING_EQUAL(a, b);
	CU_ASSERT_PTR_NOT_NULL(
		r.trace && strstr(r.trace, "virtqueue_notify(): virtqueue"));
	free(a);
	free(b);
	vfsim_explore_free(&r);
	scenario_free(s);
	free(text);
	free(off_text);
}

/* Several jobs find it too, and an exhausted dfs says so. */
static void test_jobs_and_exhaustion(void)
{
	char *text = vt_read_text(
		"tests/scenarios/races/hiprio-no-connected-check.vfs");
	char *off_text = vt_without_bug(text);
	struct scenario *s = vt_parse("race", text),
			*off = vt_parse("off", off_text);
	struct vfsim_explore_opts o = { .strategy = VFSIM_EXPLORE_RANDOM,
					.runs = RACE_BUDGET,
					.jobs = 2 };
	struct vfsim_explore_result r;

	CU_ASSERT_EQUAL(vfsim_explore(s, &o, &r), 1);
	CU_ASSERT_PTR_NOT_NULL(r.minimized);
	vfsim_explore_free(&r);
	o.strategy = VFSIM_EXPLORE_DFS;
	o.depth = 1;
	o.runs = 0;
	CU_ASSERT_EQUAL(vfsim_explore(off, &o, &r), 0);
	CU_ASSERT(r.exhausted);
	CU_ASSERT(r.runs > 1);
	vfsim_explore_free(&r);
	o.jobs = 1;
	CU_ASSERT_EQUAL(vfsim_explore(off, &o, &r), 0);
	CU_ASSERT(r.exhausted);
	vfsim_explore_free(&r);
	scenario_free(s);
	scenario_free(off);
	free(text);
	free(off_text);
}

/* dfs:@depth of @s to exhaustion, its parts in @p (outcomes, runs). */
static void dfs_part(struct scenario *s, unsigned int depth, bool no_prune,
		     bool blind, unsigned int jobs, struct xpart *p)
{
	struct vfsim_explore_opts o = { .strategy = VFSIM_EXPLORE_DFS,
					.depth = depth,
					.no_prune = no_prune,
					.outcomes = true };
	struct explorer X = { .s = s, .o = &o, .blind = blind };

	if (jobs > 1)
		explore_jobs(&X, jobs, p);
	else
		explore_part(&X, 0, 1, NULL, p);
	explore_free(&X);
}

/* Outcomes of @a that @b lacks. */
static size_t missing(const struct xhashes *a, const struct xhashes *b)
{
	struct xhashes c = { 0 };
	size_t n = 0;

	for (size_t i = 0; i < b->cap; i++)
		if (b->slot[i])
			xhashes_add(&c, b->slot[i]);
	for (size_t i = 0; i < a->cap; i++)
		if (a->slot[i])
			n += xhashes_add(&c, a->slot[i]);
	xhashes_free(&c);
	return n;
}

/*
 * The partial-order reduction drops no class of schedules: on race
 * scenarios with their switch off, explored to exhaustion, pruned and
 * unpruned dfs reach the same set of outcomes (status, failure, and the
 * events that happened in any order, sched's own decisions left out),
 * with fewer runs to their end. The same set with two jobs. And the test
 * can fail: a reduction that keys states by the clock and run queue
 * alone (no footprints) loses outcomes on one of them.
 */
static void test_prune_keeps_outcomes(void)
{
	static const struct {
		const char *path;
		unsigned int depth;
	} cases[] = {
		{ "tests/scenarios/races/end-req-in-submitter.vfs", 2 },
		{ "tests/scenarios/races/hiprio-no-connected-check.vfs", 1 },
		{ "tests/scenarios/races/hiprio-no-connected-check.vfs", 2 },
		{ "tests/scenarios/races/remove-without-drain.vfs", 1 },
	};
	/* a slow build (Valgrind's) explores the two smallest trees */
	size_t n = vt_slow_build() ? 2 : sizeof(cases) / sizeof(*cases);
	size_t blind_lost = 0;

	for (size_t i = 0; i < n; i++) {
		char *text = vt_read_text(cases[i].path);
		char *off_text = vt_without_bug(text);
		struct scenario *s = vt_parse(cases[i].path, off_text);
		struct xpart full, pruned, jobs, blind;

		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		dfs_part(s, cases[i].depth, true, false, 1, &full);
		dfs_part(s, cases[i].depth, false, false, 1, &pruned);
		dfs_part(s, cases[i].depth, false, false, 2, &jobs);
		dfs_part(s, cases[i].depth, false, true, 1, &blind);
		CU_ASSERT(full.exhausted && pruned.exhausted && jobs.exhausted);
		CU_ASSERT_EQUAL(full.pruned, 0);
		CU_ASSERT(pruned.pruned > 0);
		CU_ASSERT(pruned.runs < full.runs);
		CU_ASSERT(jobs.runs < full.runs);
		CU_ASSERT_EQUAL(pruned.outcomes.nr, full.outcomes.nr);
		CU_ASSERT_EQUAL(missing(&full.outcomes, &pruned.outcomes), 0);
		CU_ASSERT_EQUAL(missing(&full.outcomes, &jobs.outcomes), 0);
		CU_ASSERT_EQUAL(missing(&pruned.outcomes, &full.outcomes), 0);
		if (missing(&full.outcomes, &pruned.outcomes))
			fprintf(stderr, "%s: the reduction lost outcomes\n",
				cases[i].path);
		blind_lost += missing(&full.outcomes, &blind.outcomes);
		xpart_free(&full);
		xpart_free(&pruned);
		xpart_free(&jobs);
		xpart_free(&blind);
		scenario_free(s);
		free(text);
		free(off_text);
	}
	CU_ASSERT(blind_lost > 0);
}

/* A pruned dfs explores the same schedules in the same order, and finds
 * the same failing one, run after run. */
static void test_prune_deterministic(void)
{
	char *text = vt_read_text(
		"tests/scenarios/races/teach-forgets-uncounted.vfs");
	char *off_text = vt_without_bug(text);
	struct scenario *on = vt_parse("on", text),
			*off = vt_parse("off", off_text);
	struct vfsim_explore_result a, b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(on);
	CU_ASSERT_PTR_NOT_NULL_FATAL(off);
	for (int k = 0; k < 2; k++) {
		struct scenario *s = k ? on : off;
		unsigned int runs = vt_slow_build() ? 40 : 400;

		explore_runs(s, "dfs:2", runs, &a);
		explore_runs(s, "dfs:2", runs, &b);
		CU_ASSERT_EQUAL(a.status, k);
		CU_ASSERT_EQUAL(a.status, b.status);
		CU_ASSERT_EQUAL(a.runs, b.runs);
		CU_ASSERT_EQUAL(a.pruned, b.pruned);
		CU_ASSERT_EQUAL(a.distinct, b.distinct);
		CU_ASSERT_EQUAL(a.outcomes, b.outcomes);
		if (k) {
			CU_ASSERT_STRING_EQUAL(a.choices, b.choices);
			CU_ASSERT_EQUAL(a.found_run, b.found_run);
		} else {
			CU_ASSERT(a.pruned > 0);
		}
		vfsim_explore_free(&a);
		vfsim_explore_free(&b);
	}
	scenario_free(on);
	scenario_free(off);
	free(text);
	free(off_text);
}

static int cli(const char *const *args, char **outp)
{
	char *argv[16], *buf = NULL, *ebuf = NULL;
	size_t len = 0, elen = 0;
	FILE *out = open_memstream(&buf, &len);
	FILE *err = open_memstream(&ebuf, &elen);
	int argc = 0, st;

	while (args[argc])
		argv[argc] = (char *)args[argc], argc++;
	st = vfsim_cli_main(argc, argv, out, err);
	fclose(out);
	fclose(err);
	free(ebuf);
	if (outp)
		*outp = buf;
	else
		free(buf);
	return st;
}

static void test_command(void)
{
	char dir[] = "/tmp/vfsim-explore-XXXXXX", path[128], *out;
	const char *race =
		"tests/scenarios/races/hiprio-no-connected-check.vfs";
	char *choices;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	CU_ASSERT_EQUAL(cli((const char *[]){ "vfsim", "explore", race,
					      "--strategy", "dfs:1", "--out",
					      dir, NULL },
			    &out),
			1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "schedules/s"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "distinct interleavings"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "minimized:"));
	free(out);
	/* the replay list fails `vfsim run` the same way */
	snprintf(path, sizeof(path), "%s/choices.txt", dir);
	choices = vt_read_text(path);
	CU_ASSERT(!strncmp(choices, "replay:", 7));
	free(choices);
	snprintf(path, sizeof(path), "replay:%s/choices.txt", dir);
	CU_ASSERT_EQUAL(cli((const char *[]){ "vfsim", "run", race, "--trace",
					      "none", "--policy", path, NULL },
			    NULL),
			1);
	CU_ASSERT_EQUAL(cli((const char *[]){ "vfsim", "explore",
					      "tests/scenarios/removal.vfs",
					      "--runs", "20", NULL },
			    NULL),
			0);
	CU_ASSERT_EQUAL(cli((const char *[]){ "vfsim", "explore", race,
					      "--strategy", "pct:0", NULL },
			    NULL),
			2);
	CU_ASSERT_EQUAL(cli((const char *[]){ "vfsim", "explore", race,
					      "--strategy", "bfs", NULL },
			    NULL),
			2);
	CU_ASSERT_EQUAL(cli((const char *[]){ "vfsim", "explore", race,
					      "--jobs", "0", NULL },
			    NULL),
			2);
	CU_ASSERT_EQUAL(cli((const char *[]){ "vfsim", "explore", race,
					      "--time", "x", NULL },
			    NULL),
			2);
	CU_ASSERT_EQUAL(cli((const char *[]){ "vfsim", "explore", NULL }, NULL),
			2);
	CU_ASSERT_EQUAL(cli((const char *[]){ "vfsim", "explore",
					      "/nonexistent.vfs", NULL },
			    NULL),
			2);
	CU_ASSERT_EQUAL(
		cli((const char *[]){ "vfsim", "explore", "--help", NULL },
		    NULL),
		0);
	/* --no-prune: dfs only; dfs says what its reduction did */
	CU_ASSERT_EQUAL(cli((const char *[]){ "vfsim", "explore", race,
					      "--no-prune", NULL },
			    NULL),
			2);
	CU_ASSERT_EQUAL(cli((const char *[]){ "vfsim", "explore", race,
					      "--strategy", "dfs:1",
					      "--no-prune", NULL },
			    &out),
			1);
	CU_ASSERT_PTR_NULL(strstr(out, "partial-order reduction"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "distinct outcomes"));
	free(out);
	CU_ASSERT_EQUAL(cli((const char *[]){ "vfsim", "explore", race,
					      "--strategy", "dfs:1", NULL },
			    &out),
			1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "partial-order reduction: "));
	free(out);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	CU_ASSERT_EQUAL(system(path), 0);
}

/*
 * No seed crashes the process: remove-without-drain frees the queues
 * under a done work still on its way to their lock (random:8 was a
 * segfault in wq_wait() following the freed lock's poisoned wait list;
 * random:3 meets it since the event points); now the lock in freed
 * memory is a kasan.uaf report.
 */
static void test_no_seed_crashes(void)
{
	glob_t g;
	unsigned seeds = vt_slow_build() ? 20 : 100;

	CU_ASSERT_EQUAL_FATAL(glob("tests/scenarios/races/*.vfs", 0, NULL, &g),
			      0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *text = vt_read_text(g.gl_pathv[i]);
		struct scenario *s = vt_parse(g.gl_pathv[i], text);
		char policy[32];
		unsigned uaf = 0;

		for (unsigned seed = 1; s && seed <= seeds; seed++) {
			struct vfsim_exec_opts o = { .format = VFSIM_TRACE_NONE,
						     .policy = policy };
			struct vfsim_result r;

			snprintf(policy, sizeof(policy), "random:%u", seed);
			CU_ASSERT(vfsim_exec(s, &o, &r) <= 1);
			vfsim_result_free(&r);
		}
		if (strstr(g.gl_pathv[i], "remove-without-drain")) {
			struct vfsim_exec_opts o = { .format = VFSIM_TRACE_TEXT,
						     .policy = "random:3" };
			struct vfsim_result r;

			CU_ASSERT_EQUAL(vfsim_exec(s, &o, &r), 1);
			uaf = r.trace && strstr(r.trace, "kasan.uaf");
			CU_ASSERT(uaf);
			vfsim_result_free(&r);
		}
		scenario_free(s);
		free(text);
	}
	globfree(&g);
}

VT_SUITE(cli_explore, NULL, NULL, VT_CASE(test_races_found_and_not_without_bug),
	 VT_CASE(test_no_seed_crashes), VT_CASE(test_deterministic),
	 VT_CASE(test_reuse_keeps_runs_identical),
	 VT_CASE(test_jobs_and_exhaustion), VT_CASE(test_command),
	 VT_CASE(test_reports_bounded),
	 VT_CASE(test_reused_run_equals_fresh_process),
	 VT_CASE(test_event_points_find_notify_race),
	 VT_CASE(test_prune_keeps_outcomes), VT_CASE(test_prune_deterministic));
