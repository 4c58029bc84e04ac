// SPDX-License-Identifier: GPL-2.0-only
/*
 * explore.c - schedule exploration: the strategies (random, PCT, bounded
 * depth-first search) as the scheduler's policy callback, one part of an
 * exploration, and vfsim_explore(). Shrinking is in explore_shrink.c,
 * several processes in explore_jobs.c, the command in explore_cli.c.
 */
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/cli/backend.h"
#include "sim/cli/explore_internal.h"
#include "sim/kernel/footprint.h"
#include "sim/kernel/sched.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

double explore_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void xlist_push(struct xlist *l, u32 c, u32 n)
{
	if (l->nr == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = host_realloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->nr++] = (struct xchoice){ c, n };
}

void xlist_free(struct xlist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void xlist_copy(struct xlist *dst, const struct xlist *src)
{
	dst->nr = 0;
	for (size_t i = 0; i < src->nr; i++)
		xlist_push(dst, src->v[i].c, src->v[i].n);
}

size_t xlist_deviations(const struct xlist *l)
{
	size_t d = 0;

	for (size_t i = 0; i < l->nr; i++)
		d += l->v[i].c != 0;
	return d;
}

char *xlist_format(const struct xlist *l)
{
	char *s = host_malloc(8 + 11 * l->nr), *p = s;

	p += sprintf(p, "replay:");
	for (size_t i = 0; i < l->nr; i++)
		p += sprintf(p, i ? ",%u" : "%u", l->v[i].c);
	return s;
}

/* Open addressing; 0 marks a free slot, so a hash 0 is stored as 1. */
bool xhashes_add(struct xhashes *h, u64 hash)
{
	size_t i;

	hash = hash ? hash : 1;
	if (2 * (h->nr + 1) > h->cap) {
		struct xhashes big = { .cap = h->cap ? 2 * h->cap : 1024 };

		big.slot = host_calloc(big.cap, sizeof(u64));
		for (size_t j = 0; j < h->cap; j++)
			if (h->slot[j])
				xhashes_add(&big, h->slot[j]);
		free(h->slot);
		*h = big;
	}
	for (i = hash & (h->cap - 1); h->slot[i]; i = (i + 1) & (h->cap - 1))
		if (h->slot[i] == hash)
			return false;
	h->slot[i] = hash;
	h->nr++;
	return true;
}

void xhashes_free(struct xhashes *h)
{
	free(h->slot);
	memset(h, 0, sizeof(*h));
}

/* The random policy's generator (sched_policy.c), so that run i of the
 * random strategy is `--policy random:SEED` choice for choice. */
static u64 splitmix(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

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
		(struct xprio){ t, X->o->depth + (splitmix(&X->rng) >> 16) };
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

static u64 xmix(u64 a, u64 b)
{
	u64 s = a ^ (b * 0x9e3779b97f4a7c15ULL);

	return splitmix(&s);
}

/* The most states dfs's reduction keeps (9 bytes each); past it, states
 * are still looked up but no more are stored (sound: fewer prunes). */
#define XSTATES_MAX (1u << 22)

/* Look @key up; true when it was reached before with at most @devs
 * deviations. Otherwise remember @devs for it (a new key only when
 * @store). */
static bool xstates_visit(struct xstates *t, u64 key, size_t devs, bool store)
{
	size_t i;

	if (2 * (t->nr + 1) > t->cap && t->nr < XSTATES_MAX) {
		struct xstates big = { .cap = t->cap ? 2 * t->cap : 4096 };

		big.key = host_calloc(big.cap, sizeof(u64));
		big.devs = host_calloc(big.cap, 1);
		for (size_t j = 0; j < t->cap; j++)
			if (t->key[j])
				xstates_visit(&big, t->key[j], t->devs[j],
					      true);
		free(t->key);
		free(t->devs);
		*t = big;
	}
	for (i = key & (t->cap - 1); t->key[i]; i = (i + 1) & (t->cap - 1)) {
		if (t->key[i] != key)
			continue;
		if (t->devs[i] <= devs)
			return true;
		t->devs[i] = (u8)devs;
		return false;
	}
	if (store && t->nr < XSTATES_MAX) {
		t->key[i] = key;
		t->devs[i] = (u8)devs;
		t->nr++;
	}
	return false;
}

void xstates_free(struct xstates *t)
{
	free(t->key);
	free(t->devs);
	memset(t, 0, sizeof(*t));
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
	u64 key = xmix(X->blind ? 0 : fp_class(), sched_now());

	key = xmix(key, n);
	for (unsigned k = 0; k < n; k++)
		key = xmix(key, runnable[k]->id);
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
		c = (unsigned)(splitmix(&X->rng) % n);
	} else if (X->mode == X_PCT) {
		c = pct_choose(X, runnable, n);
	}
	xlist_push(&X->rec, c, n);
	X->devs += c != 0;
	return c;
}

/* "replay:" and N comma-separated items: N. */
static size_t nr_listed(const char *choices)
{
	size_t n = 0;

	if (!choices || strlen(choices) <= 7)
		return 0;
	for (const char *p = choices + 7; *p; p++)
		n += *p == ',';
	return n + 1;
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

static u64 str_hash(const char *s)
{
	u64 h = 0xcbf29ce484222325ULL;

	for (; s && *s; s++)
		h = (h ^ (u8)*s) * 0x100000001b3ULL;
	return h;
}

/* dfs: every event but the scheduler's own decisions (sched.pick,
 * sched.preempt: how many there are depends on the interleaving, not on
 * what happened), summed, so that the order does not count. */
static void outcome_event(const struct trace_event *ev, void *arg)
{
	struct explorer *X = arg;
	u64 h;

	if (ev->kind && !strncmp(ev->kind, "sched.", 6))
		return;
	h = xmix(str_hash(ev->kind), str_hash(ev->task));
	h = xmix(h, str_hash(ev->func));
	h = xmix(h, str_hash(ev->queue));
	h = xmix(h, ev->time_ns);
	h = xmix(h, (u64)(u32)ev->opcode << 32 | (u32)ev->head);
	X->events_sum += xmix(h, ev->unique);
}

/* What a run came to, whatever its interleaving: a reduction that drops
 * a class of schedules shows as an outcome the full search has and the
 * reduced one lacks (tests/cli/test_explore.c). dfs adds the events that
 * happened, in any order (outcome_event()). */
static u64 outcome_hash(const struct explorer *X, const struct vfsim_result *r,
			int status, const char *first)
{
	char *sig = explore_signature(first);
	u64 h = xmix((u64)status, X->events_sum);

	h = xmix(h, r->unexpected);
	h = xmix(h, r->failed);
	h = xmix(h, r->leaks);
	h = xmix(h, (u64)r->limit << 1 | r->time_limit);
	for (const char *p = sig; *p; p++)
		h = xmix(h, (u8)*p);
	free(sig);
	return h;
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
	};
	struct vfsim_result r;
	char *text = NULL, *first;
	size_t len = 0;
	int status;

	if (X->o->outcomes) {
		o.on_event = outcome_event;
		o.on_event_arg = X;
	}
	X->events_sum = 0;
	X->rec.nr = 0;
	X->devs = 0;
	X->abandon = false;
	X->nr_prio = 0;
	X->prefix = prefix;
	o.diag = open_memstream(&text, &len);
	if (!o.diag)
		host_oom(0);
	if (X->prune)
		fp_begin();
	status = vfsim_exec(X->s, &o, &r);
	if (X->prune)
		fp_end();
	fclose(o.diag);
	first = status == 1 ? explore_first_failure(text) : NULL;
	X->outcome = outcome_hash(X, &r, status, first);
	/* decisions of the teardown are no part of the run */
	if (X->rec.nr > nr_listed(r.choices))
		X->rec.nr = nr_listed(r.choices);
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
		free(first);
	vfsim_result_free(&r);
	free(text);
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
		X->change[j] = splitmix(&X->rng) % k;
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
	free(diag);
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
				free(diag);
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
		free(diag);
	}
	X->prune = false;
	xlist_free(&next);
}

void xpart_free(struct xpart *p)
{
	xlist_free(&p->found);
	xhashes_free(&p->seen);
	xhashes_free(&p->outcomes);
	free(p->failure);
	memset(p, 0, sizeof(*p));
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
	xpart_free(&p);
	xlist_free(&X.rec);
	xstates_free(&X.states);
	free(X.prio);
	return r->status;
}

void vfsim_explore_free(struct vfsim_explore_result *r)
{
	free(r->choices);
	free(r->minimized);
	free(r->failure);
	free(r->min_failure);
	free(r->trace);
	memset(r, 0, sizeof(*r));
}
