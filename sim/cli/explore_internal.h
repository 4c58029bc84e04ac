/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * explore_internal.h - what explore.c (the strategies and one part of an
 * exploration), explore_shrink.c and explore_jobs.c (several processes)
 * share. Not installed.
 */
#ifndef VFSIM_SIM_CLI_EXPLORE_INTERNAL_H
#define VFSIM_SIM_CLI_EXPLORE_INTERNAL_H

#include "sim/cli/exec.h"
#include "sim/cli/explore.h"
#include "sim/kernel/types.h"

/** @brief How the explorer's policy chooses past a run's prefix. */
enum xmode {
	X_ZERO,	  ///< choice 0 (fifo, dfs, shrinking)
	X_RANDOM, ///< uniform
	X_PCT,	  ///< priorities with change points
};

/** @brief One decision of a run: index @c c taken among @c n tasks. */
struct xchoice {
	u32 c; ///< the index taken
	u32 n; ///< the runnable tasks it was taken among
};

/** @brief A list of decisions (a run's record, a prefix to replay). */
struct xlist {
	struct xchoice *v; ///< the decisions
	size_t nr;	   ///< how many
	size_t cap;	   ///< room in @c v
};

/** @brief A set of trace hashes: the distinct interleavings seen. */
struct xhashes {
	u64 *slot;  ///< open addressing, 0 free
	size_t nr;  ///< hashes stored
	size_t cap; ///< slots (a power of two)
};

/** @brief dfs's reduction: the states reached, each with the fewest
 *  deviations it was reached with (open addressing on the key, 0 free). */
struct xstates {
	u64 *key;   ///< the state's key (0: free slot)
	u8 *devs;   ///< the fewest deviations it was reached with
	size_t nr;  ///< keys stored
	size_t cap; ///< slots (a power of two)
};

/** @brief What one part of an exploration (a job) did. */
struct xpart {
	int status;		 ///< 0, 1 found, 2 error
	bool exhausted;		 ///< dfs: every schedule in the bound tried
	u64 runs;		 ///< schedules run to their end
	u64 pruned;		 ///< dfs: runs abandoned by the reduction
	struct xhashes outcomes; ///< outcome fingerprints of the runs
	u64 found_run;		 ///< the failing run's number
	u64 seed;		 ///< its seed (random, pct)
	struct xlist found;	 ///< the failing run's decisions
	char *failure;		 ///< its first diagnostic line (or the error)
	struct xhashes seen;	 ///< trace hashes
};

/** @brief pct: a task's priority. */
struct xprio {
	const struct task *t; ///< the task
	u64 prio;	      ///< its priority
};

/** @brief The explorer of one process. */
struct explorer {
	const struct scenario *s;	    ///< the scenario explored
	const struct vfsim_explore_opts *o; ///< the options
	enum xmode mode;		    ///< the run under way
	struct xlist rec;		    ///< the run's decisions so far
	const struct xlist *prefix; ///< decisions to replay first, or NULL
	u64 rng;		    ///< random and pct: the generator's state
	struct xprio *prio;	    ///< pct: the tasks seen in this run
	size_t nr_prio;		    ///< pct: entries in @c prio
	size_t cap_prio;	    ///< pct: room in @c prio
	u64 change[64];		    ///< pct: the change points
	unsigned nr_change;	    ///< pct: how many
	u64 most_decisions;	    ///< the longest run so far (pct's k)
	bool prune;		    ///< dfs's reduction is on for this run
	bool shareable;		    ///< store states reached without deviation
	/** tests only: key states by the clock and run queue alone, without
	 *  the footprints' class, an unsound reduction the tests show they
	 *  catch (tests/cli/test_explore.c) */
	bool blind;
	bool abandon;	       ///< the run is to stop (pruned)
	size_t pruned_at;      ///< the decision where it was
	size_t devs;	       ///< deviations among rec's decisions
	struct xstates states; ///< dfs: the states reached
	u64 outcome;	       ///< the last run's outcome fingerprint
	u64 events_sum;	       ///< dfs: its events, in any order
	char error[512];       ///< why the scenario could not run
	FILE *diag;	       ///< the runs' diagnostics (one stream, rewound)
	char *diag_text;       ///< @c diag's text, NUL-terminated by the run
	size_t diag_len;       ///< its length at the last flush
};

/* Free what an explorer holds (its records, state table and stream);
 * @X itself is the caller's. */
void explore_free(struct explorer *X);

void xlist_push(struct xlist *l, u32 c, u32 n);
void xlist_free(struct xlist *l);
void xlist_copy(struct xlist *dst, const struct xlist *src);
size_t xlist_deviations(const struct xlist *l);
char *xlist_format(const struct xlist *l);

/* Add @hash to the set; true when it was not there. */
bool xhashes_add(struct xhashes *h, u64 hash);
/* Free the set's memory; the set is empty again. */
void xhashes_free(struct xhashes *h);

/* dfs's state table: true when @key was reached before with at most
 * @devs deviations; otherwise @devs is remembered for it (a new key only
 * when @store). */
bool xstates_visit(struct xstates *t, u64 key, size_t devs, bool store);
/* Free the table's memory; the table is empty again. */
void xstates_free(struct xstates *t);

/* The random policy's generator (sched_policy.c's), one step. */
u64 explore_splitmix(u64 *state);
/* @a and @b mixed into one 64-bit hash. */
u64 explore_mix(u64 a, u64 b);

/* vfsim_exec_opts.on_event during a dfs run that reports outcomes: adds
 * the event to X->events_sum (the struct explorer *@arg), in any order. */
void explore_outcome_event(const struct trace_event *ev, void *arg);
/* The run's outcome fingerprint: its status, events (in any order),
 * reports, failed expectations, leaks, limits and the signature of its
 * first failure line @first. */
u64 explore_outcome_hash(const struct explorer *X, const struct vfsim_result *r,
			 int status, const char *first);

/* Run the scenario once: fifo after @prefix (NULL: none); @diag gets the
 * run's first failure line (heap) when it failed. Returns vfsim_exec()'s
 * status; @hash the trace hash. The decisions are in X->rec. */
int explore_replay(struct explorer *X, const struct xlist *prefix, char **diag,
		   u64 *hash);

/* The first line of a run's diagnostics @text that is not a warning
 * (heap), or NULL. */
char *explore_first_failure(const char *text);

/* How a failure line fails: the report kind, the expectation or the
 * limit, without trace positions (heap). */
char *explore_signature(const char *line);

/* Explore part @job of @jobs, stopping when *@stop becomes non-zero (it
 * sets it on a failure; may be NULL). */
void explore_part(struct explorer *X, unsigned job, unsigned jobs,
		  volatile int *stop, struct xpart *p);
void xpart_free(struct xpart *p);

/* Several processes, each its part; the parts merged into @p. */
int explore_jobs(struct explorer *X, unsigned jobs, struct xpart *p);

/* Shrink @p's failing run into @r (minimized, its trace). */
void explore_shrink(struct explorer *X, const struct xpart *p,
		    struct vfsim_explore_result *r);

/* The monotonic clock, in seconds. */
double explore_wall(void);

#endif /* VFSIM_SIM_CLI_EXPLORE_INTERNAL_H */
