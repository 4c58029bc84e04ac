// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_explore.c - vfsim explore's figures (issue #14), through the
 * public entry point vfsim_explore() that `vfsim explore` runs:
 * - schedules per second on the removal race (tests/scenarios/races/
 *   remove-without-drain.vfs with its switch off, so that no schedule
 *   fails and the whole budget is spent), random strategy, one process;
 * - the wall time each race scenario takes to be found (and shrunk) with
 *   each strategy.
 * Nothing is asserted on a time: the benchmark fails only when a race is
 * not found or the switch-off run finds something.
 *
 * "FIGURE key value unit" lines feed scripts/bench.sh's table.
 */
#define _GNU_SOURCE
#include <glob.h>
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

int main(void)
{
	static const char *const strategies[] = { "random", "pct:3", "dfs:2" };
	const char *removal = "tests/scenarios/races/remove-without-drain.vfs";
	struct vfsim_explore_opts o = { .runs = 3000 };
	struct vfsim_explore_result r;
	char *text = slurp(removal), msg[128];
	struct scenario *s;
	int bad = 0;
	clock_t cpu;
	glob_t g;

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

	if (glob("tests/scenarios/races/*.vfs", 0, NULL, &g))
		return 1;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *base = strrchr(g.gl_pathv[i], '/') + 1;

		text = slurp(g.gl_pathv[i]);
		s = parse(g.gl_pathv[i], text);
		for (size_t k = 0; k < 3; k++) {
			struct vfsim_explore_opts x = { .runs = 100000 };

			vfsim_explore_parse_strategy(strategies[k], &x, msg,
						     sizeof(msg));
			if (vfsim_explore(s, &x, &r) != 1) {
				fprintf(stderr,
					"bench_explore: %s not found "
					"with %s\n",
					base, strategies[k]);
				bad = 1;
			}
			printf("%s %s: found at run %llu, %zu -> %zu "
			       "deviations, %.3f ms\n",
			       base, strategies[k],
			       (unsigned long long)r.found_run, r.deviations,
			       r.min_deviations, r.seconds * 1e3);
			printf("FIGURE find_%.*s_%s %.3f ms\n",
			       (int)(strlen(base) - 4), base, strategies[k],
			       r.seconds * 1e3);
			vfsim_explore_free(&r);
		}
		scenario_free(s);
		free(text);
	}
	globfree(&g);
	return bad;
}
