// SPDX-License-Identifier: GPL-2.0-only
/*
 * explore_record.c - what an exploration keeps: the choice lists of runs,
 * sets of hashes (trace hashes, outcomes), dfs's table of states reached
 * with their fewest deviations, and a run's outcome fingerprint; the
 * hashing they share with the strategies (explore.c).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/cli/explore_internal.h"
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
	host_free(l->v);
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
		host_free(h->slot);
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
	host_free(h->slot);
	memset(h, 0, sizeof(*h));
}

/* The random policy's generator (sched_policy.c), so that run i of the
 * random strategy is `--policy random:SEED` choice for choice. */
u64 explore_splitmix(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

u64 explore_mix(u64 a, u64 b)
{
	u64 s = a ^ (b * 0x9e3779b97f4a7c15ULL);

	return explore_splitmix(&s);
}

/* The most states dfs's reduction keeps (9 bytes each); past it, states
 * are still looked up but no more are stored (sound: fewer prunes). */
#define XSTATES_MAX (1u << 22)

/* Look @key up; true when it was reached before with at most @devs
 * deviations. Otherwise remember @devs for it (a new key only when
 * @store). */
bool xstates_visit(struct xstates *t, u64 key, size_t devs, bool store)
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
		host_free(t->key);
		host_free(t->devs);
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
	host_free(t->key);
	host_free(t->devs);
	memset(t, 0, sizeof(*t));
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
void explore_outcome_event(const struct trace_event *ev, void *arg)
{
	struct explorer *X = arg;
	u64 h;

	if (ev->kind && !strncmp(ev->kind, "sched.", 6))
		return;
	h = explore_mix(str_hash(ev->kind), str_hash(ev->task));
	h = explore_mix(h, str_hash(ev->func));
	h = explore_mix(h, str_hash(ev->queue));
	h = explore_mix(h, ev->time_ns);
	h = explore_mix(h, (u64)(u32)ev->opcode << 32 | (u32)ev->head);
	X->events_sum += explore_mix(h, ev->unique);
}

/* What a run came to, whatever its interleaving: a reduction that drops
 * a class of schedules shows as an outcome the full search has and the
 * reduced one lacks (tests/cli/test_explore.c). dfs adds the events that
 * happened, in any order (explore_outcome_event()). */
u64 explore_outcome_hash(const struct explorer *X, const struct vfsim_result *r,
			 int status, const char *first)
{
	char *sig = explore_signature(first);
	u64 h = explore_mix((u64)status, X->events_sum);

	h = explore_mix(h, r->unexpected);
	h = explore_mix(h, r->failed);
	h = explore_mix(h, r->leaks);
	h = explore_mix(h, (u64)r->limit << 1 | r->time_limit);
	for (const char *p = sig; *p; p++)
		h = explore_mix(h, (u8)*p);
	host_free(sig);
	return h;
}
