// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_explore.c - vfsim explore's figures (issue #14), through the
 * public entry point vfsim_explore() that `vfsim explore` runs:
 * - schedules per second on the removal race (tests/scenarios/races/
 *   remove-without-drain.vfs with its switch off, so that no schedule
 *   fails and the whole budget is spent), random strategy, one process,
 *   with the machines reused and with --fresh-machine, and the CPU time
 *   a machine's set-up and teardown take alone, both ways;
 * - the wall time each race scenario takes to be found (and shrunk) with
 *   each strategy, dfs with and without its partial-order reduction;
 * - the schedules dfs:1 and dfs:2 explore to exhaustion on each race
 *   with its switch off (capped at DFS_CAP runs), without the reduction
 *   and with it (runs to their end + runs abandoned).
 * Nothing is asserted on a time: the benchmark fails only when a race is
 * not found or the switch-off run finds something.
 *
 * "FIGURE key value unit" lines feed scripts/bench.sh's table.
 */
#define _GNU_SOURCE
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/cli/explore.h"
#include "sim/cli/machine.h"
#include "sim/cli/session.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;

	if (!f || getdelim(&buf, &cap, '\0', f) < 0) {
		fprintf(stderr, "bench_explore: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	return buf;
}

static struct scenario *parse(const char *name, const char *text)
{
	struct scenario_error err;
	struct scenario *s;

	if (scenario_parse_string(name, text, &s, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		exit(1);
	}
	return s;
}

static void drop_bug_lines(char *text)
{
	char *o = text;

	for (char *p = text; *p;) {
		size_t len = strcspn(p, "\n") + (p[strcspn(p, "\n")] == '\n');

		if (strncmp(p, "bug ", 4)) {
			memmove(o, p, len);
			o += len;
		}
		p += len;
	}
	*o = '\0';
}

/* Runs past which a dfs count stops (sleep-retry-holding-bg-lock's
 * dfs:2 tree is larger). */
#define DFS_CAP 20000u

/* Passes of each way of building machines, alternating, the best kept:
 * the machine may be shared, and a pass costs a fraction of a second. */
#define PASSES 5

/* One pass of 3,000 schedules of the removal race, switch off, random,
 * with the machines reused (what vfsim explore does) or each built
 * afresh (--fresh-machine): CPU seconds, or a negative number when a
 * schedule failed; @wall gets the wall seconds. */
static double rate_pass(const struct scenario *s, bool fresh, double *wall)
{
	struct vfsim_explore_opts o = { .runs = 3000, .fresh_machine = fresh };
	struct vfsim_explore_result r;
	clock_t cpu = clock();
	int st = vfsim_explore(s, &o, &r);

	cpu = clock() - cpu;
	*wall = r.seconds;
	vfsim_explore_free(&r);
	return st ? -1 : (double)(cpu ? cpu : 1) / CLOCKS_PER_SEC;
}

/* A machine of the removal race built and taken down without a run
 * (vfsim_session_open() and vfsim_session_close(), as each schedule
 * does around its run), 3,000 times: CPU seconds. */
static double setup_pass(const struct scenario *s, bool reuse)
{
	struct vfsim_exec_opts o = { .no_choices = true };
	clock_t cpu;

	vfsim_machine_reuse(reuse);
	cpu = clock();
	for (int i = 0; i < 3000; i++) {
		struct vfsim_session *ss;
		struct vfsim_result r;

		if (!vfsim_session_open(s, &o, &r, &ss))
			vfsim_session_close(ss);
		vfsim_result_free(&r);
	}
	cpu = clock() - cpu;
	vfsim_machine_reuse(false);
	return (double)cpu / CLOCKS_PER_SEC;
}

static double best(double a, double b)
{
	return a < 0 || b < 0 ? -1 : !a || b < a ? b : a;
}

/* Schedules per second on the removal race, reused and fresh machines,
 * and what a machine's set-up and teardown cost alone, both ways. */
static int rates(void)
{
	const char *removal = "tests/scenarios/races/remove-without-drain.vfs";
	char *text = slurp(removal);
	double cpu[2] = { 0, 0 }, wall[2] = { 0, 0 }, set[2] = { 0, 0 }, w;
	struct scenario *s;
	int bad = 0;

	drop_bug_lines(text);
	s = parse(removal, text);
	rate_pass(s, false, &w); /* warm-up: the arena, stacks, heap */
	for (int p = 0; p < PASSES; p++) {
		for (int f = 0; f < 2; f++) {
			cpu[f] = best(cpu[f], rate_pass(s, f, &w));
			wall[f] = !wall[f] || w < wall[f] ? w : wall[f];
			set[f] = best(set[f], setup_pass(s, !f));
		}
	}
	if (cpu[0] < 0 || cpu[1] < 0) {
		fprintf(stderr, "bench_explore: the removal race without its "
				"bug failed a schedule\n");
		bad = 1;
	}
	for (int f = 0; f < 2; f++) {
		const char *key = f ? "explore_rate_fresh" : "explore_rate";

		printf("removal race (switch off), random%s: 3000 schedules, "
		       "best of %d passes: %.3f s, %.3f s CPU; set-up + "
		       "teardown of a machine alone %.2f us CPU\n",
		       f ? ", --fresh-machine" : "", PASSES, wall[f], cpu[f],
		       set[f] * 1e6 / 3000);
		printf("FIGURE %s %.0f schedules/s\n", key, 3000 / wall[f]);
		printf("FIGURE %s_cpu %.0f schedules/s\n", key, 3000 / cpu[f]);
		printf("FIGURE %s %.2f us\n",
		       f ? "explore_setup_fresh" : "explore_setup",
		       set[f] * 1e6 / 3000);
	}
	scenario_free(s);
	free(text);
	return bad;
}

/* The time @s (switch on) takes to be found with @strategy. */
static int find(struct scenario *s, const char *base, const char *strategy,
		bool no_prune)
{
	struct vfsim_explore_opts x = { .runs = 100000, .no_prune = no_prune };
	struct vfsim_explore_result r;
	char msg[128];
	int bad = 0;
	clock_t cpu;

	vfsim_explore_parse_strategy(strategy, &x, msg, sizeof(msg));
	cpu = clock();
	if (vfsim_explore(s, &x, &r) != 1) {
		fprintf(stderr, "bench_explore: %s not found with %s%s\n", base,
			strategy, no_prune ? " --no-prune" : "");
		bad = 1;
	}
	cpu = clock() - cpu;
	printf("%s %s%s: found at run %llu (+%llu abandoned), %zu -> %zu "
	       "deviations, %.3f ms, %.3f ms CPU\n",
	       base, strategy, no_prune ? " --no-prune" : "",
	       (unsigned long long)r.found_run, (unsigned long long)r.pruned,
	       r.deviations, r.min_deviations, r.seconds * 1e3,
	       (double)cpu * 1e3 / CLOCKS_PER_SEC);
	/* CPU time: the machine may be shared */
	printf("FIGURE find_%.*s_%s%s %.3f ms\n", (int)(strlen(base) - 4), base,
	       strategy, no_prune ? "_noprune" : "",
	       (double)cpu * 1e3 / CLOCKS_PER_SEC);
	vfsim_explore_free(&r);
	return bad;
}

/* dfs:@depth on @s (switch off) to exhaustion or DFS_CAP runs. */
static int count(struct scenario *s, const char *base, unsigned int depth)
{
	struct vfsim_explore_result full, pruned;
	struct vfsim_explore_opts x = { .strategy = VFSIM_EXPLORE_DFS,
					.depth = depth,
					.runs = DFS_CAP,
					.no_prune = true,
					.outcomes = true };
	int bad = 0;

	vfsim_explore(s, &x, &full);
	x.no_prune = false;
	vfsim_explore(s, &x, &pruned);
	if (full.status || pruned.status) {
		fprintf(stderr,
			"bench_explore: %s without its bug failed "
			"under dfs\n",
			base);
		bad = 1;
	}
	printf("%s dfs:%u, switch off: %llu schedules%s in %.3f s; with the "
	       "reduction %llu run to their end + %llu abandoned%s in %.3f "
	       "s; outcomes %llu / %llu\n",
	       base, depth, (unsigned long long)full.runs,
	       full.exhausted ? "" : " (cap)", full.seconds,
	       (unsigned long long)pruned.runs,
	       (unsigned long long)pruned.pruned,
	       pruned.exhausted ? "" : " (cap)", pruned.seconds,
	       (unsigned long long)full.outcomes,
	       (unsigned long long)pruned.outcomes);
	printf("FIGURE dfs%u_%.*s %llu%s->%llu+%llu%s schedules\n", depth,
	       (int)(strlen(base) - 4), base, (unsigned long long)full.runs,
	       full.exhausted ? "" : "(cap)", (unsigned long long)pruned.runs,
	       (unsigned long long)pruned.pruned,
	       pruned.exhausted ? "" : "(cap)");
	vfsim_explore_free(&full);
	vfsim_explore_free(&pruned);
	return bad;
}

/* With "rate": the rates and set-up costs only. */
int main(int argc, char **argv)
{
	static const char *const strategies[] = { "random", "pct:3", "dfs:1",
						  "dfs:2" };
	int bad = rates();
	glob_t g;

	if (argc > 1 && !strcmp(argv[1], "rate"))
		return bad;
	if (glob("tests/scenarios/races/*.vfs", 0, NULL, &g))
		return 1;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *base = strrchr(g.gl_pathv[i], '/') + 1;
		char *text = slurp(g.gl_pathv[i]);
		struct scenario *s = parse(g.gl_pathv[i], text);

		for (size_t k = 0; k < 4; k++) {
			bad |= find(s, base, strategies[k], false);
			if (k >= 2)
				bad |= find(s, base, strategies[k], true);
		}
		scenario_free(s);
		drop_bug_lines(text);
		s = parse(g.gl_pathv[i], text);
		bad |= count(s, base, 1);
		bad |= count(s, base, 2);
		scenario_free(s);
		free(text);
	}
	globfree(&g);
	return bad;
}
