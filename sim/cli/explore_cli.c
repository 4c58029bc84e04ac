// SPDX-License-Identifier: GPL-2.0-only
/*
 * explore_cli.c - `vfsim explore`: arguments, the figures and the failure
 * on standard output, the output directory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "guest/vfsim_variant.h"
#include "sim/cli/explore.h"
#include "sim/cli/vfsim_cli.h"
#include "sim/trace/host.h"

static const char explore_usage[] =
	"usage: vfsim explore FILE [--strategy random|pct:DEPTH|dfs:PREEMPTIONS]\n"
	"                          [--runs N] [--time SECONDS] [--jobs J]\n"
	"                          [--seed S] [--out DIR] [--variant NAME]\n"
	"                          [--no-prune] [--fresh-machine]\n"
	"\n"
	"Run the scenario FILE under many schedules, in this process, until\n"
	"one fails (an expectation, a checker report nobody expected, a\n"
	"deadlock, the step or virtual-time limit) or the budget is spent.\n"
	"Run 0 is always the fifo schedule. Then:\n"
	"  random          every choice uniform; run i uses the seed S + i,\n"
	"                  the choices of 'vfsim run --policy random:S+i'\n"
	"  pct:DEPTH       probabilistic concurrency testing: random task\n"
	"                  priorities, DEPTH - 1 points where the task about to\n"
	"                  run drops below all others (DEPTH 1..64)\n"
	"  dfs:PREEMPTIONS every schedule with at most PREEMPTIONS choices other\n"
	"                  than fifo's (a preemption, or a pick other than the\n"
	"                  run queue's head), depth first, each once (0..64);\n"
	"                  a run that reaches a state an earlier run reached\n"
	"                  with no more deviations is abandoned there (the\n"
	"                  state: which steps ran, ordered only where they\n"
	"                  touch a common lock, wait queue, ring or other\n"
	"                  shared object, and the run queue; docs/explore.md)\n"
	"\n"
	"It prints the schedules explored per second and the distinct\n"
	"interleavings (distinct trace hashes) among them. A failing schedule\n"
	"is shrunk to the fewest deviations from fifo that still fail the same\n"
	"way (the same report kind, expectation or limit); its replay list,\n"
	"how it failed and the trace of its replay are printed.\n"
	"\n"
	"options:\n"
	"  --strategy S  random (default), pct:DEPTH or dfs:PREEMPTIONS\n"
	"  --runs N      schedules to try at most (default 1000 when --time is\n"
	"                not given either; 0: no limit)\n"
	"  --time S      wall-clock budget in seconds (a decimal number)\n"
	"  --jobs J      explore in J processes (1..256), each its own part of\n"
	"                the schedules: random and pct share the run numbers,\n"
	"                dfs the subtrees of the first deviation\n"
	"  --seed S      random and pct: the first seed (default 0)\n"
	"  --out DIR     write the failing schedule's files into DIR (created\n"
	"                if missing): choices.txt (the shrunk list, for\n"
	"                'vfsim run FILE --policy replay:DIR/choices.txt'),\n"
	"                found.txt (the list as found) and trace.txt (the\n"
	"                shrunk run's trace, then not printed)\n"
	"  --variant V   driver variant, overriding the file's\n"
	"  --no-prune    dfs: no partial-order reduction, every schedule of\n"
	"                the bound is run to its end (to compare)\n"
	"  --fresh-machine  build every run's machine from nothing, keeping\n"
	"                nothing of the last one (to compare: the results are\n"
	"                the same, only slower)\n"
	"  --help        show this help and exit\n"
	"\n"
	"exit status: 0 nothing failed within the budget, 1 a failing schedule\n"
	"was found, 2 a usage or scenario error, 3 an output could not be\n"
	"written.\n";

static int usage_err(FILE *err, const char *msg, const char *arg)
{
	fprintf(err, "vfsim: ");
	fprintf(err, msg, arg);
	fprintf(err, "\n");
	return VFSIM_EXIT_USAGE;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end || errno || v > max)
		return -1;
	*out = v;
	return 0;
}

static int write_text(FILE *err, const char *dir, const char *name,
		      const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		fprintf(err, "vfsim: cannot write '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int write_found(FILE *err, const char *dir,
		       const struct vfsim_explore_result *r)
{
	char *line;
	int bad;

	if (mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(err, "vfsim: cannot create '%s': %s\n", dir,
			strerror(errno));
		return -1;
	}
	line = host_malloc(strlen(r->minimized) + strlen(r->choices) + 2);
	sprintf(line, "%s\n", r->minimized);
	bad = write_text(err, dir, "choices.txt", line);
	sprintf(line, "%s\n", r->choices);
	bad |= write_text(err, dir, "found.txt", line);
	host_free(line);
	return bad |
	       write_text(err, dir, "trace.txt", r->trace ? r->trace : "");
}

static const char *strategy_name(const struct vfsim_explore_opts *o, char *buf,
				 size_t size)
{
	if (o->strategy == VFSIM_EXPLORE_RANDOM)
		snprintf(buf, size, "random (seeds from %llu)",
			 (unsigned long long)o->seed);
	else
		snprintf(buf, size, "%s:%u",
			 o->strategy == VFSIM_EXPLORE_PCT ? "pct" : "dfs",
			 o->depth);
	return buf;
}

static void report(FILE *out, const char *file,
		   const struct vfsim_explore_opts *o,
		   const struct vfsim_explore_result *r, const char *dir)
{
	char name[64];

	fprintf(out,
		"explore %s: strategy %s, %llu schedules in %.3f s "
		"(%.0f schedules/s), %llu distinct interleavings (trace "
		"hashes)\n",
		file, strategy_name(o, name, sizeof(name)),
		(unsigned long long)r->runs, r->seconds,
		r->seconds > 0 ? (double)r->runs / r->seconds : 0.0,
		(unsigned long long)r->distinct);
	if (o->strategy == VFSIM_EXPLORE_DFS && !o->no_prune)
		fprintf(out,
			"partial-order reduction: %llu runs abandoned at a "
			"state an explored run reached with no more "
			"deviations (--no-prune runs them)\n",
			(unsigned long long)r->pruned);
	if (o->strategy == VFSIM_EXPLORE_DFS)
		fprintf(out,
			"%llu distinct outcomes (status, failure, reports, "
			"leaks and the events, in any order)\n",
			(unsigned long long)r->outcomes);
	if (r->status == 0) {
		fprintf(out, "%s\n",
			r->exhausted ? "no failing schedule: every schedule "
				       "within the bound was explored" :
				       "no failing schedule within the budget");
		return;
	}
	fprintf(out, "failing schedule: run %llu",
		(unsigned long long)r->found_run);
	if (o->strategy != VFSIM_EXPLORE_DFS && r->found_run)
		fprintf(out, " (seed %llu)", (unsigned long long)r->seed);
	fprintf(out, ", %zu deviations from fifo\n  %s\n", r->deviations,
		r->failure);
	fprintf(out, "  choices: %s\n", r->choices);
	fprintf(out,
		"minimized: %zu deviations from fifo (%llu shrinking runs)\n"
		"  %s\n  choices: %s\n",
		r->min_deviations, (unsigned long long)r->shrink_runs,
		r->min_failure, r->minimized);
	if (dir) {
		fprintf(out,
			"replay: vfsim run %s --policy replay:%s/choices.txt\n"
			"trace of the minimized run: %s/trace.txt\n",
			file, dir, dir);
		return;
	}
	fprintf(out, "trace of the minimized run:\n%s",
		r->trace ? r->trace : "");
}

int vfsim_cmd_explore(int argc, char **argv, FILE *out, FILE *err)
{
	struct vfsim_explore_opts o = { .strategy = VFSIM_EXPLORE_RANDOM };
	const char *file = NULL, *dir = NULL;
	bool runs_given = false;
	struct vfsim_explore_result r;
	struct scenario_error perr;
	struct scenario *s;
	char msg[256];
	uint64_t v;
	int status;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i],
			   *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(explore_usage, out);
			return 0;
		}
		if (a[0] != '-') {
			if (file)
				return usage_err(err,
						 "one scenario at a time: "
						 "unexpected '%s'",
						 a);
			file = a;
			continue;
		}
		if (!strcmp(a, "--no-prune")) {
			o.no_prune = true;
			continue;
		}
		if (!strcmp(a, "--fresh-machine")) {
			o.fresh_machine = true;
			continue;
		}
		if (strcmp(a, "--strategy") && strcmp(a, "--runs") &&
		    strcmp(a, "--time") && strcmp(a, "--jobs") &&
		    strcmp(a, "--seed") && strcmp(a, "--out") &&
		    strcmp(a, "--variant"))
			return usage_err(err,
					 "unknown option '%s' (see vfsim "
					 "explore --help)",
					 a);
		if (!val)
			return usage_err(err,
					 "'%s' needs a value (see vfsim "
					 "explore --help)",
					 a);
		i++;
		if (!strcmp(a, "--strategy")) {
			if (vfsim_explore_parse_strategy(val, &o, msg,
							 sizeof(msg)))
				return usage_err(err, "%s", msg);
		} else if (!strcmp(a, "--runs")) {
			if (parse_u64(val, UINT64_MAX, &o.runs))
				return usage_err(err,
						 "--runs takes a number of "
						 "schedules, not '%s'",
						 val);
			runs_given = true;
		} else if (!strcmp(a, "--time")) {
			char *end;

			errno = 0;
			o.seconds = strtod(val, &end);
			if (*val < '0' || *val > '9' || *end || errno ||
			    !(o.seconds > 0) || o.seconds > 1e9)
				return usage_err(err,
						 "--time takes seconds (a "
						 "number above 0), not '%s'",
						 val);
		} else if (!strcmp(a, "--jobs")) {
			if (parse_u64(val, 256, &v) || !v)
				return usage_err(err,
						 "--jobs takes 1..256, not "
						 "'%s'",
						 val);
			o.jobs = (unsigned)v;
		} else if (!strcmp(a, "--seed")) {
			if (parse_u64(val, UINT64_MAX, &o.seed))
				return usage_err(err,
						 "--seed takes a 64-bit "
						 "number, not '%s'",
						 val);
		} else if (!strcmp(a, "--out")) {
			dir = val;
		} else {
			enum virtio_fs_variant var;

			if (virtio_fs_variant_parse(val, &var))
				return usage_err(err,
						 "unknown driver variant '%s' "
						 "(expected v5-2019, 6.1 or "
						 "mainline)",
						 val);
			o.variant = val;
		}
	}
	if (!file)
		return usage_err(err, "%s",
				 "explore: missing scenario FILE (see vfsim "
				 "explore --help)");
	/* dfs says what its runs came to: the figure to compare with and
	 * without the reduction */
	o.outcomes = o.strategy == VFSIM_EXPLORE_DFS;
	if (o.no_prune && o.strategy != VFSIM_EXPLORE_DFS)
		return usage_err(err, "%s",
				 "--no-prune applies to --strategy dfs:K only");
	if (!runs_given && !(o.seconds > 0))
		o.runs = 1000;
	if (scenario_parse_file(file, &s, &perr)) {
		fprintf(err, perr.line ? "%s\n" : "vfsim: %s\n", perr.msg);
		return VFSIM_EXIT_USAGE;
	}
	status = vfsim_explore(s, &o, &r);
	if (status == 2) {
		fprintf(err, "vfsim: %s\n", r.error);
	} else {
		report(out, file, &o, &r, dir);
		if (status == 1 && dir && write_found(err, dir, &r))
			status = VFSIM_EXIT_HOST;
	}
	vfsim_explore_free(&r);
	scenario_free(s);
	return status;
}
