// SPDX-License-Identifier: GPL-2.0-only
/*
 * explore.c - schedule exploration: the strategies (random, PCT, bounded
 * depth-first search) as the scheduler's policy callback, one part of an
 * exploration, and vfsim_explore(). Shrinking is in explore_shrink.c,
 * several processes in explore_jobs.c, the command in explore_cli.c, the
 * records (choice lists, hash sets, dfs's state table, outcome
 * fingerprints) in explore_record.c.
 */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/cli/backend.h"
#include "sim/cli/explore_internal.h"
#include "sim/cli/machine.h"
#include "sim/cli/session.h"
#include "sim/kernel/footprint.h"
#include "sim/kernel/sched.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

/* A task's PCT priority; a task seen for the first time gets a random
 * one above every priority a change point gives. */
static u64 *pct_prio(struct explorer *X, const struct task *t)
{
	for (size_t i = 0; i < X->nr_prio; i++)
		if (X->prio[i].t == t)
			return &X->prio[i].prio;
	if (X->nr_prio == X->cap_prio) {
		X->cap_prio = X->cap_prio ? 2 * X->cap_prio : 16;
		X->prio = host_realloc(X->prio, X->cap_prio * sizeof(*X->prio));
	}
	X->prio[X->nr_prio] =
		(struct xprio){ t, X->o->depth +
					   (explore_splitmix(&X->rng) >> 16) };
	return &X->prio[X->nr_prio++].prio;
}

static unsigned pct_best(struct explorer *X, struct task *const *runnable,
			 unsigned n)
{
	unsigned best = 0;
	u64 bp = *pct_prio(X, runnable[0]);

	for (unsigned i = 1; i < n; i++) {
		u64 p = *pct_prio(X, runnable[i]);

		if (p > bp) {
			bp = p;
			best = i;
		}
	}
	return best;
}

/* At change point j the task about to run drops to depth - 1 - j: below
 * every first priority, and below the drops before it. */
static unsigned pct_choose(struct explorer *X, struct task *const *runnable,
			   unsigned n)
{
	u64 step = X->rec.nr;

	for (unsigned j = 0; j < X->nr_change; j++)
		if (X->change[j] == step)
			*pct_prio(X, runnable[pct_best(X, runnable, n)]) =
				X->o->depth - 1 - j;
	return pct_best(X, runnable, n);
}

/*
 * dfs's reduction, at a decision past the replayed prefix: the state is
 * the happens-before class of every step so far (fp_class()), the clock
 * and the candidates in run-queue order. Two runs in the same state go on
 * alike (the machine is deterministic), so when an earlier run reached it
 * with no more deviations, everything below it within the bound was
 * explored then (depth first: a subtree is done before any run outside
 * it starts) and this run is abandoned. Only a run's own subtree is
 * explored by one job of several, so a job stores states reached with no
 * deviation only when it is alone.
 */
static bool xprune(struct explorer *X, struct task *const *runnable, unsigned n)
{
	u64 key = explore_mix(X->blind ? 0 : fp_class(), sched_now());

	key = explore_mix(key, n);
	for (unsigned k = 0; k < n; k++)
		key = explore_mix(key, runnable[k]->id);
	return xstates_visit(&X->states, key ? key : 1, X->devs,
			     X->shareable || X->devs);
}

/* The scheduler's policy callback during an exploration. A prefix that
 * no longer fits the run (a shrunk list diverges) is clamped. */
static unsigned explore_choose(void *arg, struct task *const *runnable,
			       unsigned n)
{
	struct explorer *X = arg;
	size_t i = X->rec.nr;
	unsigned c = 0;

	if (X->abandon)
		return 0;
	if (X->prefix && i < X->prefix->nr) {
		c = X->prefix->v[i].c < n ? X->prefix->v[i].c : n - 1;
	} else if (X->prune && xprune(X, runnable, n)) {
		X->abandon = true;
		X->pruned_at = i;
		return 0;
	} else if (X->mode == X_RANDOM) {
		c = (unsigned)(explore_splitmix(&X->rng) % n);
	} else if (X->mode == X_PCT) {
		c = pct_choose(X, runnable, n);
	}
	xlist_push(&X->rec, c, n);
	X->devs += c != 0;
	return c;
}

char *explore_first_failure(const char *text)
{
	for (const char *p = text; p && *p;) {
		size_t len = strcspn(p, "\n");

		if (strncmp(p, "vfsim: warning:", 15))
			return host_strndup(p, len);
		p += len + (p[len] == '\n');
	}
	return NULL;
}

int explore_replay(struct explorer *X, const struct xlist *prefix, char **diag,
		   u64 *hash)
{
	struct vfsim_exec_opts o = {
		.variant = X->o->variant,
		.format = VFSIM_TRACE_NONE,
		.max_steps = X->o->max_steps,
		.choose = explore_choose,
		.choose_arg = X,
		.stop_at_unexpected = true,
		.abandon = &X->abandon,
		.no_choices = true,
	};
	struct vfsim_result r;
	char *first;
	int status;

	if (X->o->outcomes) {
		o.on_event = explore_outcome_event;
		o.on_event_arg = X;
	}
	X->events_sum = 0;
	X->rec.nr = 0;
	X->devs = 0;
	X->abandon = false;
	X->nr_prio = 0;
	X->prefix = prefix;
	/* one stream for every run: opening one costs more than some runs */
	if (!X->diag) {
		X->diag = open_memstream(&X->diag_text, &X->diag_len);
		if (!X->diag)
			host_oom(0);
	}
	rewind(X->diag);
	o.diag = X->diag;
	if (X->prune)
		fp_begin();
	status = vfsim_exec(X->s, &o, &r);
	if (X->prune)
		fp_end();
	fflush(X->diag);
	/* glibc's stream puts its NUL only at the longest length written:
	 * after rewind() a shorter run leaves an earlier run's tail behind */
	X->diag_text[X->diag_len] = '\0';
	first = status == 1 ? explore_first_failure(X->diag_text) : NULL;
	X->outcome = explore_outcome_hash(X, &r, status, first);
	/* decisions of the teardown are no part of the run */
	if (X->rec.nr > r.nr_choices)
		X->rec.nr = r.nr_choices;
	if (X->rec.nr > X->most_decisions)
		X->most_decisions = X->rec.nr;
	*hash = r.trace_hash;
	if (status == 2)
		snprintf(X->error, sizeof(X->error), "%s", r.error);
	if (diag)
		*diag = first	    ? first :
			status == 1 ? host_strdup("the run failed") :
				      NULL;
	else
		host_free(first);
	vfsim_result_free(&r);
	X->prefix = NULL;
	return status;
}

/* The word after @key in @line, with @what before it (heap). */
static char *word_after(const char *line, const char *key, const char *what)
{
	const char *p = strstr(line, key);
	size_t len;
	char *s;

	if (!p)
		return NULL;
	p += strlen(key);
	len = strcspn(p, ": ");
	s = host_malloc(strlen(what) + len + 1);
	sprintf(s, "%s%.*s", what, (int)len, p);
	return s;
}

char *explore_signature(const char *line)
{
	const char *p;
	char *s;

	if (!line)
		return host_strdup("");
	s = word_after(line, "unexpected report ", "report ");
	if (s)
		return s;
	p = strstr(line, "expectation failed: ");
	if (p) {
		const char *end = strstr(p, ": got ");

		return host_strndup(p, end ? (size_t)(end - p) : strlen(p));
	}
	if (strstr(line, "the step limit"))
		return host_strdup("step limit");
	if (strstr(line, "virtual-time limit"))
		return host_strdup("virtual-time limit");
	p = strstr(line, " (trace position");
	return host_strndup(line, p ? (size_t)(p - line) : strlen(line));
}

/*
 * Depth-first: the next schedule after the run just made (X->rec) is its
 * last decision that still has an untried alternative within the bound,
 * taken one further, the rest of the run fifo. Job j of J takes the
 * subtrees whose first deviation sits at a decision i with i % J == j.
 */
static bool dfs_next(struct explorer *X, unsigned job, unsigned jobs,
		     struct xlist *next)
{
	size_t before = xlist_deviations(&X->rec);

	for (size_t i = X->rec.nr; i-- > 0;) {
		const struct xchoice *ch = &X->rec.v[i];

		before -= ch->c != 0;
		if (ch->c + 1 >= ch->n || before + 1 > X->o->depth)
			continue;
		if (!before && i % jobs != job)
			continue;
		next->nr = 0;
		for (size_t k = 0; k < i; k++)
			xlist_push(next, X->rec.v[k].c, X->rec.v[k].n);
		xlist_push(next, ch->c + 1, ch->n);
		return true;
	}
	return false;
}

/* Set the run up for strategy run @run (not the fifo run 0). */
static void start_run(struct explorer *X, u64 run)
{
	u64 k;

	X->rng = X->o->seed + run;
	X->mode = X->o->strategy == VFSIM_EXPLORE_RANDOM ? X_RANDOM : X_PCT;
	if (X->mode != X_PCT)
		return;
	/* d - 1 change points among the decisions a run takes */
	k = X->most_decisions ? X->most_decisions : 1;
	X->nr_change = X->o->depth - 1;
	for (unsigned j = 0; j < X->nr_change; j++)
		X->change[j] = explore_splitmix(&X->rng) % k;
}

static bool budget_left(struct explorer *X, const struct xpart *p,
			unsigned jobs, double t0, volatile int *stop)
{
	u64 runs = X->o->runs ? (X->o->runs + jobs - 1) / jobs : 0;

	if (stop && *stop)
		return false;
	/* an abandoned run cost a machine too */
	if (runs && p->runs + p->pruned >= runs)
		return false;
	return !(X->o->seconds > 0 && explore_wall() - t0 >= X->o->seconds);
}

static void note_failure(struct xpart *p, struct explorer *X, u64 run,
			 char *diag, volatile int *stop)
{
	p->status = 1;
	p->found_run = run;
	p->seed = X->o->seed + run;
	xlist_copy(&p->found, &X->rec);
	p->failure = diag;
	if (stop)
		*stop = 1;
}

void explore_part(struct explorer *X, unsigned job, unsigned jobs,
		  volatile int *stop, struct xpart *p)
{
	bool dfs = X->o->strategy == VFSIM_EXPLORE_DFS;
	struct xlist next = { 0 };
	double t0 = explore_wall();
	char *diag;
	u64 hash;
	int st;

	memset(p, 0, sizeof(*p));
	X->prune = dfs && !X->o->no_prune;
	X->shareable = jobs <= 1;
	/* run 0: fifo (every job needs it to start a depth-first walk;
	 * only job 0 counts it) */
	X->mode = X_ZERO;
	st = explore_replay(X, NULL, &diag, &hash);
	if (st == 2) {
		p->status = 2;
		p->failure = host_strdup(X->error);
		return;
	}
	if (X->abandon) {
		/* a state met twice in one run: only a key without the
		 * footprints' class (the tests' blind reduction) or a hash
		 * collision does that; the run says nothing */
		if (X->rec.nr > X->pruned_at)
			X->rec.nr = X->pruned_at;
		p->pruned += job == 0;
	} else if (job == 0) {
		p->runs++;
		xhashes_add(&p->seen, hash);
		xhashes_add(&p->outcomes, X->outcome);
		if (st == 1) {
			note_failure(p, X, 0, diag, stop);
			return;
		}
	}
	host_free(diag);
	for (u64 run = 1; budget_left(X, p, jobs, t0, stop); run++) {
		if (dfs) {
			if (!dfs_next(X, job, jobs, &next)) {
				p->exhausted = true;
				break;
			}
			X->mode = X_ZERO;
			st = explore_replay(X, &next, &diag, &hash);
			if (X->abandon) {
				/* the rest of this run, and every alternative
				 * from the pruned decision on, were explored */
				if (X->rec.nr > X->pruned_at)
					X->rec.nr = X->pruned_at;
				p->pruned++;
				host_free(diag);
				continue;
			}
		} else {
			if (run % jobs != job)
				continue;
			start_run(X, run);
			st = explore_replay(X, NULL, &diag, &hash);
		}
		p->runs++;
		xhashes_add(&p->seen, hash);
		xhashes_add(&p->outcomes, X->outcome);
		if (st == 1) {
			note_failure(p, X, dfs ? p->runs - 1 : run, diag, stop);
			break;
		}
		host_free(diag);
	}
	X->prune = false;
	xlist_free(&next);
}

void xpart_free(struct xpart *p)
{
	xlist_free(&p->found);
	xhashes_free(&p->seen);
	xhashes_free(&p->outcomes);
	host_free(p->failure);
	memset(p, 0, sizeof(*p));
}

void explore_free(struct explorer *X)
{
	xlist_free(&X->rec);
	xstates_free(&X->states);
	host_free(X->prio);
	if (X->diag)
		fclose(X->diag);
	host_free(X->diag_text);
	X->prio = NULL;
	X->diag = NULL;
	X->diag_text = NULL;
}

int vfsim_explore_parse_strategy(const char *arg, struct vfsim_explore_opts *o,
				 char *msg, size_t msgsize)
{
	const char *num = NULL;
	char *end;
	unsigned long v;

	if (!strcmp(arg, "random")) {
		o->strategy = VFSIM_EXPLORE_RANDOM;
		o->depth = 0;
		return 0;
	}
	if (!strncmp(arg, "pct:", 4)) {
		o->strategy = VFSIM_EXPLORE_PCT;
		num = arg + 4;
	} else if (!strncmp(arg, "dfs:", 4)) {
		o->strategy = VFSIM_EXPLORE_DFS;
		num = arg + 4;
	}
	if (!num) {
		snprintf(msg, msgsize,
			 "unknown strategy '%s' (expected random, pct:DEPTH "
			 "or dfs:PREEMPTIONS)",
			 arg);
		return -EINVAL;
	}
	errno = 0;
	v = strtoul(num, &end, 10);
	if (*num < '0' || *num > '9' || *end || errno || v > 64 ||
	    (o->strategy == VFSIM_EXPLORE_PCT && v < 1)) {
		snprintf(msg, msgsize,
			 "bad strategy '%s': %s takes a number %s..64", arg,
			 o->strategy == VFSIM_EXPLORE_PCT ? "pct" : "dfs",
			 o->strategy == VFSIM_EXPLORE_PCT ? "1" : "0");
		return -EINVAL;
	}
	o->depth = (unsigned)v;
	return 0;
}

int vfsim_explore(const struct scenario *s, const struct vfsim_explore_opts *o,
		  struct vfsim_explore_result *r)
{
	struct explorer X = { .s = s, .o = o };
	struct xpart p;
	double t0 = explore_wall();

	memset(r, 0, sizeof(*r));
	/* Machine after machine allocates and frees the same host memory:
	 * keep it in the process rather than give the heap's top back and
	 * fault it in again for every run (a process-wide setting, glibc's;
	 * the rest of the program is indifferent to it). */
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
	mallopt(M_TOP_PAD, 16 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	if (s->device.backend) {
		snprintf(r->error, sizeof(r->error),
			 "explore runs the device in process: the scenario's "
			 "'device backend=' cannot be explored");
		return r->status = 2;
	}
	/* one scenario, thousands of machines: each leaves the next what
	 * it would build alike */
	vfsim_machine_reuse(!o->fresh_machine);
	if (o->jobs > 1)
		explore_jobs(&X, o->jobs, &p);
	else
		explore_part(&X, 0, 1, NULL, &p);
	r->seconds = explore_wall() - t0;
	r->runs = p.runs;
	r->pruned = p.pruned;
	r->outcomes = p.outcomes.nr;
	r->distinct = p.seen.nr;
	r->exhausted = p.exhausted;
	r->status = p.status;
	if (p.status == 2) {
		snprintf(r->error, sizeof(r->error), "%s", p.failure);
	} else if (p.status == 1) {
		r->found_run = p.found_run;
		r->seed = p.seed;
		r->choices = xlist_format(&p.found);
		r->deviations = xlist_deviations(&p.found);
		r->failure = host_strdup(p.failure);
		explore_shrink(&X, &p, r);
	}
	vfsim_machine_reuse(false);
	vfsim_session_spare_free();
	xpart_free(&p);
	explore_free(&X);
	return r->status;
}

void vfsim_explore_free(struct vfsim_explore_result *r)
{
	host_free(r->choices);
	host_free(r->minimized);
	host_free(r->failure);
	host_free(r->min_failure);
	host_free(r->trace);
	memset(r, 0, sizeof(*r));
}
