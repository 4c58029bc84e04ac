// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_explore_reuse.c - a machine built on what the last one left it
 * (vfsim_machine_reuse(): the trace's first blocks, the request ledger,
 * the trace header's texts; the explorer's default) runs exactly as a
 * fresh one: for every race scenario with its switch on and off and for
 * the ordinary scenarios, under several policies, each run on a reused
 * machine has the fresh run's trace hash, status, reports, limits, leaks
 * and number of choices, also right after runs that failed (a KASAN
 * report, a deadlock, a leak, a run stopped at its first unexpected
 * report) and after another scenario's run. And vfsim_explore() finds
 * the same with --fresh-machine as without.
 */
#define _GNU_SOURCE
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/exec.h"
#include "sim/cli/explore.h"
#include "sim/cli/machine.h"
#include "tests/cli/explore_test_util.h"
#include "tests/cli/scenario_test_util.h"
#include "tests/harness.h"

/* What a run's result says, all of it that does not depend on where the
 * host put things. */
struct outcome {
	int status;
	unsigned expects, failed, unexpected;
	bool limit, time_limit;
	uint64_t hash, count, leaks;
	size_t choices;
};

/* Run @s under @policy as the explorer runs it (no text, stop at the
 * first unexpected report; @text: with the text trace, compared too). */
static struct outcome run(const struct scenario *s, const char *policy,
			  bool text, char **trace)
{
	struct vfsim_exec_opts o = { .policy = policy,
				     .format = text ? VFSIM_TRACE_TEXT :
						      VFSIM_TRACE_NONE,
				     .stop_at_unexpected = true,
				     .no_choices = true };
	struct vfsim_result r;
	struct outcome out;

	vfsim_exec(s, &o, &r);
	out = (struct outcome){ r.status,     r.expects,     r.failed,
				r.unexpected, r.limit,	     r.time_limit,
				r.trace_hash, r.trace_count, r.leaks,
				r.nr_choices };
	CU_ASSERT_PTR_NULL(r.choices); /* no_choices */
	if (trace) {
		*trace = r.trace;
		r.trace = NULL;
	}
	vfsim_result_free(&r);
	return out;
}

static bool same(const struct outcome *a, const struct outcome *b)
{
	return a->status == b->status && a->expects == b->expects &&
	       a->failed == b->failed && a->unexpected == b->unexpected &&
	       a->limit == b->limit && a->time_limit == b->time_limit &&
	       a->hash == b->hash && a->count == b->count &&
	       a->leaks == b->leaks && a->choices == b->choices;
}

/*
 * The suite's first case, so that in the forked child the test runner
 * gives each suite its machine is the process's first: its hash is a
 * later machine's. (sched_init() set the running task's name hash from
 * the hash of "-" before computing it, so a process's first machine
 * hashed its events outside tasks with 0: the explorer's fifo run 0 and
 * an identical later run had different trace hashes.)
 */
static void test_first_machine_hashes_as_later(void)
{
	char *text = vt_read_text("tests/scenarios/races/drain-by-polling.vfs");
	struct scenario *s = vt_parse("drain-by-polling.vfs", text);
	struct outcome first, second;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	first = run(s, "fifo", false, NULL);
	second = run(s, "fifo", false, NULL);
	CU_ASSERT(same(&first, &second));
	CU_ASSERT_EQUAL(first.hash, second.hash);
	scenario_free(s);
	free(text);
}

static const char *const policies[] = { "fifo", "random:1", "random:2",
					"random:5", "random:11" };
#define NR_POLICIES (sizeof(policies) / sizeof(*policies))

/* The policies a scenario runs under: under Valgrind (a slow build) a
 * run costs fifty times more, and fifo and one seed show the same. */
static size_t nr_policies(void)
{
	return vt_slow_build() ? 2 : NR_POLICIES;
}

/*
 * Each policy's run on fresh machines, then all of them again in a row
 * on reused ones, after a run of @other (another scenario: the header
 * and ledger it leaves must not show): the same outcomes. Returns how
 * many of @s's runs failed, to show the failing runs were among them.
 */
/* Whether @s's machine is kept as an image (machine_image.c): one
 * in-process device, no migration. */
static bool imageable(const struct scenario *s)
{
	if (s->machine.devices > 1 || s->migration.prepare)
		return false;
	for (size_t i = 0; i < s->nr_triggers; i++)
		for (size_t j = 0; j < s->triggers[i].nr_actions; j++)
			if (s->triggers[i].actions[j].kind == SCN_ACT_MIGRATE)
				return false;
	return true;
}

static unsigned compare_runs(const struct scenario *s,
			     const struct scenario *other, const char *name)
{
	struct outcome fresh[NR_POLICIES];
	char *fresh_text = NULL, *reused_text = NULL;
	struct vfsim_machine_image_stats st0, st1;
	unsigned failed = 0;

	vfsim_machine_reuse(false);
	for (size_t i = 0; i < nr_policies(); i++)
		fresh[i] = run(s, policies[i], i == 1,
			       i == 1 ? &fresh_text : NULL);
	vfsim_machine_reuse(true);
	run(other, "random:3", false, NULL);
	vfsim_machine_image_stats(&st0);
	for (size_t i = 0; i < nr_policies(); i++) {
		struct outcome o = run(s, policies[i], i == 1,
				       i == 1 ? &reused_text : NULL);

		if (!same(&o, &fresh[i]))
			fprintf(stderr,
				"%s under %s: a reused machine ran "
				"otherwise than a fresh one\n",
				name, policies[i]);
		CU_ASSERT(same(&o, &fresh[i]));
		failed += o.status != 0;
	}
	/* every run after the first was put back from the first's image
	 * (whatever its policy) */
	vfsim_machine_image_stats(&st1);
	if (imageable(s))
		CU_ASSERT(st1.restores - st0.restores >= nr_policies() - 1);
	CU_ASSERT_PTR_NOT_NULL(fresh_text);
	CU_ASSERT_PTR_NOT_NULL(reused_text);
	if (fresh_text && reused_text)
		CU_ASSERT_STRING_EQUAL(fresh_text, reused_text);
	free(fresh_text);
	free(reused_text);
	vfsim_machine_reuse(false);
	return failed;
}

static void test_races_reused_as_fresh(void)
{
	char *other_text = vt_read_text("tests/scenarios/migration.vfs");
	struct scenario *other = vt_parse("migration.vfs", other_text);
	unsigned failed = 0;
	size_t nr;
	struct vt_race *r = vt_races(&nr);

	CU_ASSERT_PTR_NOT_NULL_FATAL(other);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(nr >= 10);
	for (size_t i = 0; i < nr; i++) {
		failed += compare_runs(r[i].on, other, r[i].path);
		/* the switch off right after the switch on: the same file's
		 * header with another bug list */
		vfsim_machine_reuse(true);
		run(r[i].on, "random:1", false, NULL);
		vfsim_machine_reuse(false);
		compare_runs(r[i].off, r[i].on, r[i].path);
	}
	/* reused machines followed failed runs (kasan reports, deadlocks,
	 * leaks, runs stopped at their first unexpected report) */
	CU_ASSERT(failed >= 10);
	vt_races_free(r, nr);
	scenario_free(other);
	free(other_text);
}

/* The ordinary scenarios (but those of a real back end), each after the
 * one before it. */
static void test_scenarios_reused_as_fresh(void)
{
	struct scenario *prev = NULL;
	char *prev_text = NULL;
	size_t done = 0;
	glob_t g;

	CU_ASSERT_EQUAL_FATAL(glob("tests/scenarios/*.vfs", 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *text = vt_read_text(g.gl_pathv[i]);
		struct scenario *s = vt_parse(g.gl_pathv[i], text);

		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		if (s->device.backend) {
			scenario_free(s);
			free(text);
			continue;
		}
		/* a slow build: every fourth */
		if (!vt_slow_build() || i % 4 == 0) {
			compare_runs(s, prev ? prev : s, g.gl_pathv[i]);
			done++;
		}
		scenario_free(prev);
		free(prev_text);
		prev = s;
		prev_text = text;
	}
	CU_ASSERT(done >= (vt_slow_build() ? 8u : 30u));
	scenario_free(prev);
	free(prev_text);
	globfree(&g);
}

static void explore(const struct scenario *s, const char *strategy,
		    unsigned runs, bool fresh, struct vfsim_explore_result *r)
{
	struct vfsim_explore_opts o = { .runs = runs,
					.fresh_machine = fresh,
					.outcomes = true };
	char msg[128];

	CU_ASSERT_EQUAL_FATAL(vfsim_explore_parse_strategy(strategy, &o, msg,
							   sizeof(msg)),
			      0);
	vfsim_explore(s, &o, r);
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Everything an exploration reports, with the machines reused and
 * fresh: runs, abandoned runs, interleavings, outcomes, what failed,
 * where, how it shrank, the shrunk run's trace. */
static void test_explore_same_with_fresh_machines(void)
{
	static const char *const strategies[] = { "random", "pct:3", "dfs:1" };
	unsigned budget = vt_slow_build() ? 15 : 30;
	unsigned found = 0;
	size_t nr;
	struct vt_race *r = vt_races(&nr);

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* a slow build: every fourth race */
	for (size_t i = 0; i < nr; i += vt_slow_build() ? 4 : 1) {
		for (size_t k = 0; k < 6; k++) {
			const struct scenario *s = k < 3 ? r[i].on : r[i].off;
			struct vfsim_machine_image_stats st0, st1;
			struct vfsim_explore_result a, b;
			bool eq;

			vfsim_machine_image_stats(&st0);
			explore(s, strategies[k % 3], budget, false, &a);
			vfsim_machine_image_stats(&st1);
			explore(s, strategies[k % 3], budget, true, &b);
			/* every run after the first put back from an image */
			if (imageable(s))
				CU_ASSERT(st1.restores - st0.restores + 1 >=
					  a.runs);
			eq = a.status == b.status && a.runs == b.runs &&
			     a.pruned == b.pruned && a.distinct == b.distinct &&
			     a.outcomes == b.outcomes &&
			     a.exhausted == b.exhausted &&
			     a.found_run == b.found_run && a.seed == b.seed &&
			     a.deviations == b.deviations &&
			     a.min_deviations == b.min_deviations &&
			     same_str(a.choices, b.choices) &&
			     same_str(a.minimized, b.minimized) &&
			     same_str(a.failure, b.failure) &&
			     same_str(a.min_failure, b.min_failure) &&
			     same_str(a.trace, b.trace);
			if (!eq)
				fprintf(stderr,
					"%s %s: --fresh-machine "
					"explores otherwise\n",
					r[i].path, strategies[k % 3]);
			CU_ASSERT(eq);
			found += a.status == 1;
			vfsim_explore_free(&a);
			vfsim_explore_free(&b);
		}
	}
	/* failing schedules were found and shrunk both ways */
	CU_ASSERT(found >= (vt_slow_build() ? 4u : 10u));
	vt_races_free(r, nr);
}

/*
 * A scenario at the address of one freed before gets its own trace
 * header, not the one the reused machine cached for the first (the cache
 * was keyed by the scenario's address). Both live in one struct here, so
 * the address is the same for certain.
 */
static void test_header_not_by_address(void)
{
	static const char a_text[] = "task t\n  mount\n  umount\nend\n";
	static const char b_text[] = "device options=park-setlkw\n"
				     "task t\n  mount\n  umount\nend\n";
	struct scenario *a = vt_parse("a.vfs", a_text);
	struct scenario *b = vt_parse("b.vfs", b_text);
	struct scenario slot;
	char *trace = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	vfsim_machine_reuse(true);
	slot = *a;
	run(&slot, "fifo", true, &trace);
	CU_ASSERT_PTR_NULL(strstr(trace, "park-setlkw"));
	free(trace);
	slot = *b;
	run(&slot, "fifo", true, &trace);
	CU_ASSERT_PTR_NOT_NULL(strstr(trace, "vfsim options: park-setlkw"));
	free(trace);
	vfsim_machine_reuse(false);
	scenario_free(a);
	scenario_free(b);
}

VT_SUITE(cli_explore_reuse, NULL, NULL,
	 VT_CASE(test_first_machine_hashes_as_later),
	 VT_CASE(test_races_reused_as_fresh),
	 VT_CASE(test_scenarios_reused_as_fresh),
	 VT_CASE(test_explore_same_with_fresh_machines),
	 VT_CASE(test_header_not_by_address));
