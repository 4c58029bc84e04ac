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

/* One decision of a run: the index taken among @n runnable tasks. */
struct xchoice {
	u32 c, n;
};

/* A list of decisions (a run's record, a prefix to replay). */
struct xlist {
	struct xchoice *v;
	size_t nr, cap;
};

/* A set of trace hashes: the distinct interleavings seen. */
struct xhashes {
	u64 *slot;
	size_t nr, cap;
};

/* What one part of an exploration (a job) did. */
struct xpart {
	int status; /* 0, 1 found, 2 error */
	bool exhausted;
	u64 runs;
	u64 found_run, seed;
	struct xlist found;  /* the failing run's decisions */
	char *failure;	     /* its first diagnostic line */
	struct xhashes seen; /* trace hashes */
};

/* The explorer of one process. */
struct explorer {
	const struct scenario *s;
	const struct vfsim_explore_opts *o;
	/* the run under way */
	int mode; /* enum xmode in explore.c */
	struct xlist rec;
	const struct xlist *prefix;
	u64 rng;
	/* pct */
	struct xprio {
		const struct task *t;
		u64 prio;
	} * prio;
	size_t nr_prio, cap_prio;
	u64 change[64];
	unsigned nr_change;
	u64 most_decisions; /* the longest run so far, for pct */
	char error[512];
};

void xlist_push(struct xlist *l, u32 c, u32 n);
void xlist_free(struct xlist *l);
void xlist_copy(struct xlist *dst, const struct xlist *src);
size_t xlist_deviations(const struct xlist *l);
char *xlist_format(const struct xlist *l);

bool xhashes_add(struct xhashes *h, u64 hash);
void xhashes_free(struct xhashes *h);

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

double explore_wall(void);

#endif /* VFSIM_SIM_CLI_EXPLORE_INTERNAL_H */
