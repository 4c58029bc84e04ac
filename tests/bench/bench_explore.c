// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_explore.c - vfsim explore's figures (issue #14), through the
 * public entry point vfsim_explore() that `vfsim explore` runs:
 * - schedules per second on the removal race (tests/scenarios/races/
 *   remove-without-drain.vfs with its switch off, so that no schedule
 *   fails and the whole budget is spent), random strategy, one process;
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

/* Schedules per second on the removal race, switch off, random. */
static int rate(void)
{
	const char *removal = "tests/scenarios/races/remove-without-drain.vfs";
	struct vfsim_explore_opts o = { .runs = 3000 };
	struct vfsim_explore_result r;
	char *text = slurp(removal);
	struct scenario *s;
	int bad = 0;
	clock_t cpu;

	drop_bug_lines(text);
	s = parse(removal, text);
	cpu = clock();
	if (vfsim_explore(s, &o, &r) != 0) {
		fprintf(stderr, "bench_explore: the removal race without its "
				"bug failed a schedule\n");
		bad = 1;
	}
	printf("removal race (switch off), random: %llu schedules in %.3f s, "
	       "%llu distinct\n",
	       (unsigned long long)r.runs, r.seconds,
	       (unsigned long long)r.distinct);
	cpu = clock() - cpu;
	printf("FIGURE explore_rate %.0f schedules/s\n",
	       (double)r.runs / r.seconds);
	/* the same per CPU second: the machine may be shared */
	printf("FIGURE explore_rate_cpu %.0f schedules/s\n",
	       (double)r.runs * CLOCKS_PER_SEC / (double)(cpu ? cpu : 1));
	vfsim_explore_free(&r);
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

int main(void)
{
	static const char *const strategies[] = { "random", "pct:3", "dfs:1",
						  "dfs:2" };
	int bad = rate();
	glob_t g;

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
