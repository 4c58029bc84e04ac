/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file explore.h
 * @brief Schedule exploration: run one scenario under many schedules, stop
 * at the first that fails, shrink it and hand back a replay list.
 *
 * A run is a function of the scenario and its list of scheduling choices
 * (sim/kernel/sched.h). The explorer drives the choices through the
 * scheduler's policy callback, one run after the other, in process:
 * - `random`: every choice uniform; run i uses seed `seed + i`, the very
 *   choices `vfsim run --policy random:SEED` makes;
 * - `pct:DEPTH`: probabilistic concurrency testing (Burckhardt et al.,
 *   ASPLOS 2010): every task gets a random priority when it first
 *   competes, the highest runnable priority runs, and at DEPTH - 1 random
 *   decisions the task about to run drops below every other. A bug that
 *   needs DEPTH ordering constraints among n tasks and k decisions is
 *   found by one run with probability at least 1 / (n k^(DEPTH-1));
 * - `dfs:K`: every schedule with at most K deviations from fifo (a
 *   deviation is a choice other than 0: a preemption, or a pick other
 *   than the run queue's head), depth first, each exactly once; a run
 *   that reaches a state (the happens-before class of its steps,
 *   sim/kernel/footprint.h, and the scheduler's run queue) an earlier
 *   run reached with no more deviations is abandoned there, since
 *   everything below it was explored (vfsim_explore_opts::no_prune
 *   turns that off).
 * Run 0 of every strategy is the fifo schedule.
 *
 * A schedule fails when vfsim_exec() fails it: an expectation, a checker
 * report nobody expected (a deadlock files one), the step or virtual-time
 * limit. The failing list is then shrunk: deviations are set back to 0
 * one at a time, and a change is kept when the run still fails the same
 * way (the same report kind, expectation or limit), until no single
 * deviation can go. The minimized list replays with
 * `vfsim run FILE --policy replay:LIST`.
 * @ingroup sim_cli
 */
#ifndef VFSIM_SIM_CLI_EXPLORE_H
#define VFSIM_SIM_CLI_EXPLORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/cli/scenario.h"

/** @brief How the explorer picks the schedules it tries. */
enum vfsim_explore_strategy {
	VFSIM_EXPLORE_RANDOM, ///< uniform random choices, a seed per run
	VFSIM_EXPLORE_PCT,    ///< PCT with vfsim_explore_opts::depth
	VFSIM_EXPLORE_DFS,    ///< every schedule with at most depth deviations
};

/** @brief What to explore and for how long. */
struct vfsim_explore_opts {
	enum vfsim_explore_strategy strategy; ///< how schedules are chosen
	/** pct: the bug depth d (1..64, d - 1 priority change points);
	 *  dfs: the most deviations from fifo (0..64) */
	unsigned depth;
	uint64_t runs;	 ///< schedules to try at most (0: no limit)
	double seconds;	 ///< wall-clock budget (0: no limit)
	unsigned jobs;	 ///< processes exploring (0 or 1: this one)
	uint64_t seed;	 ///< random and pct: run i uses seed + i
	uint64_t shrink; ///< shrinking runs at most (0: 2000)
	/** driver variant overriding the scenario's (NULL: the file's) */
	const char *variant;
	/** step limit of each run (0: vfsim_exec()'s default) */
	uint64_t max_steps;
	/** dfs: explore every schedule of the bound, without the
	 *  partial-order reduction (docs/explore.md); for comparing */
	bool no_prune;
	/** fold every trace event (but the scheduler's decisions) into
	 *  each run's outcome (vfsim_explore_result::outcomes), in any
	 *  order: a hash per event, so off unless asked */
	bool outcomes;
	/** build every run's machine from nothing: none of what one
	 *  machine leaves the next (vfsim_machine_reuse()) is kept. The
	 *  results are the same either way; for comparing */
	bool fresh_machine;
};

/** @brief What an exploration found. Free with vfsim_explore_free(). */
struct vfsim_explore_result {
	/** 0 nothing failed within the budget (or, dfs, at all), 1 a failing
	 *  schedule was found, 2 the scenario could not run (error says why) */
	int status;
	bool exhausted; ///< dfs tried every schedule within its bound
	uint64_t runs;	///< schedules explored (shrinking not counted)
	/** dfs: runs abandoned where they reached a state an explored run
	 *  had reached with no more deviations (not in @c runs) */
	uint64_t pruned;
	/** outcomes of the runs explored to their end: distinct hashes of
	 *  (status, failure signature, unexpected reports, failed
	 *  expectations, leaks, limits and, with
	 *  vfsim_explore_opts::outcomes, every trace event but the
	 *  scheduler's decisions summed in any order), what a run came to
	 *  whatever its interleaving: a reduction must keep them all */
	uint64_t outcomes;
	uint64_t distinct;  ///< distinct trace hashes among them
	double seconds;	    ///< wall time the exploration took
	uint64_t found_run; ///< the failing schedule's run number
	/** random and pct: the failing run's seed (random: for
	 *  `--policy random:SEED`) */
	uint64_t seed;
	char *choices;	       ///< the failing run's choices, "replay:..."
	size_t deviations;     ///< its choices other than 0
	char *minimized;       ///< the shrunk choices, "replay:..."
	size_t min_deviations; ///< the shrunk list's choices other than 0
	uint64_t shrink_runs;  ///< runs the shrinking took
	/** how the failing run failed: its first diagnostic line */
	char *failure;
	/** how the shrunk run failed (the same way: same report kind,
	 *  expectation or limit) */
	char *min_failure;
	char *trace;	 ///< the text trace of the shrunk run (its replay)
	char error[512]; ///< status 2: why
};

/**
 * @brief Parse a strategy argument: "random", "pct:DEPTH" or
 *        "dfs:PREEMPTIONS".
 * @return 0 and sets @p o's strategy and depth; -EINVAL (message in
 *         @p msg) otherwise
 */
int vfsim_explore_parse_strategy(const char *arg, struct vfsim_explore_opts *o,
				 char *msg, size_t msgsize);

/**
 * @brief Explore @p s: run it under schedule after schedule until one
 *        fails or the budget (runs, seconds) is spent; shrink a failure.
 *
 * Deterministic for a given scenario and options, but for --seconds and
 * for which of several jobs finds a failure first.
 * @param s a parsed scenario (run in process: a real back end is refused)
 * @param o the options
 * @param r the outcome (always initialised; free with
 *        vfsim_explore_free())
 * @return r->status
 */
int vfsim_explore(const struct scenario *s, const struct vfsim_explore_opts *o,
		  struct vfsim_explore_result *r);

/** @brief Free what vfsim_explore() allocated in @p r. */
void vfsim_explore_free(struct vfsim_explore_result *r);

/**
 * @brief The `vfsim explore` command.
 * @param argc arguments after "explore"
 * @param argv them
 * @param out standard output: figures, the failure, the shrunk trace
 * @param err diagnostics
 * @return 0 nothing found within the budget, 1 a failing schedule found,
 *         2 a usage or scenario error, 3 an output could not be written
 */
int vfsim_cmd_explore(int argc, char **argv, FILE *out, FILE *err);

#endif /* VFSIM_SIM_CLI_EXPLORE_H */
