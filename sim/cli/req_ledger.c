// SPDX-License-Identifier: GPL-2.0-only
/*
 * req_ledger.c - "every request ends exactly once", followed from the
 * trace (see req_ledger.h for the rules).
 *
 * Per connection, each unique (uniques step by 2 from 2; an index is
 * unique / 2) was never seen, is open or has ended. Open requests are
 * listed with their opcode and where they were sent, in send order, so
 * reports come out in a deterministic order. The rest is kept in bounded
 * memory (struct conn): a window of state bytes over the indices from
 * the oldest request still open, and below it only the runs of indices
 * never sent, since everything else there has ended. A run of requests
 * that all end leaves nothing behind, and so does a unique a FORGET took
 * (its send or its drop is marked, and the window passes it as it passes
 * an end). What can grow is the gaps, one per run of uniques never sent
 * and never named by a FORGET, and the open list.
 */
#include "sim/cli/req_ledger.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "fuse_proto/fuse_proto.h"
#include "sim/kernel/check.h"
#include "sim/trace/host.h"

enum {
	UNSEEN,
	OPEN,
	ENDED,
	/* taken by a FORGET, which is no request and never ends; the
	 * window passes it as it passes ENDED, and below the window it
	 * reads as ENDED (nothing is kept per id there) */
	NOREQ
};

/* Most violations one report spells out; the rest are counted. */
#define MAX_PER_REPORT 8

struct open_req {
	u64 unique;
	s32 opcode;
	u64 sent_seq;
};

/* A run of indices below a connection's window that were never sent. */
struct gap {
	u64 start, len;
};

/*
 * What one connection knows, by index (unique / 2). The window
 * [base, top) holds a state byte per index in a ring of cap bytes (a
 * power of two; the slots past top are UNSEEN). Below base, an index is
 * OPEN when it is on the open list, UNSEEN when it is in one of the gaps,
 * and ENDED otherwise: the window slides past every request that ended,
 * so a run of requests that all end costs nothing per request. It slides
 * past an index still open or never sent only when the window would
 * grow beyond REQ_LEDGER_WINDOW; those are what the open list and the
 * gaps remember.
 */
struct conn {
	u8 *ring;
	u64 cap;
	u64 base, top;
	struct gap *gaps; /* sorted, disjoint, none adjacent */
	size_t nr_gaps, cap_gaps;
	struct open_req *open;
	size_t nr_open, cap_open;
	u64 destroy_seq; /* DESTROY sent (0: not yet) */
};
/* The kinds of event the ledger follows. */
enum kind {
	K_OTHER,
	K_SEND,
	K_END,
	K_FORGET,
};

#define KIND_BITS 8

struct req_ledger {
	/* kind pointer -> enum kind: every event comes here, and the
	 * trace hands its kinds over as pointers that stay valid */
	struct {
		const char *ptr;
		u8 kind;
	} kinds[1u << KIND_BITS];
	struct conn *conns;
	size_t nr_conns;
	char *pending; /* found since the last check */
	size_t pending_len;
	unsigned pending_nr;
	char *msg; /* the last message handed out */
	size_t violations;
};

static void *xrealloc(void *p, size_t size)
{
	p = host_realloc(p, size);
	return p;
}

struct req_ledger *req_ledger_new(void)
{
	struct req_ledger *l = xrealloc(NULL, sizeof(*l));

	memset(l, 0, sizeof(*l));
	return l;
}

void req_ledger_free(struct req_ledger *l)
{
	if (!l)
		return;
	req_ledger_reset(l);
	host_free(l);
}

void req_ledger_reset(struct req_ledger *l)
{
	for (size_t i = 0; i < l->nr_conns; i++) {
		host_free(l->conns[i].ring);
		host_free(l->conns[i].gaps);
		host_free(l->conns[i].open);
	}
	host_free(l->conns);
	host_free(l->pending);
	host_free(l->msg);
	/* a kind of the next run may sit where another one was */
	memset(l->kinds, 0, sizeof(l->kinds));
	l->conns = NULL;
	l->nr_conns = 0;
	l->pending = NULL;
	l->pending_len = 0;
	l->pending_nr = 0;
	l->msg = NULL;
	l->violations = 0;
}

int req_ledger_register(struct req_ledger *l)
{
	/* it holds until found() files something, which pokes it: between
	 * the steps of a sound run the scheduler calls nothing for it */
	int ret = check_invariant_add_on_poke(REQ_LEDGER_INVARIANT,
					      req_ledger_check, l);

	if (!ret)
		check_invariants_enable(true);
	return ret;
}

/* The newest connection (the one a send belongs to), or NULL before the
 * first. */
static inline struct conn *newest_conn(struct req_ledger *l)
{
	return l->nr_conns ? &l->conns[l->nr_conns - 1] : NULL;
}

static struct conn *new_conn(struct req_ledger *l)
{
	struct conn *c;

	l->conns = xrealloc(l->conns, (l->nr_conns + 1) * sizeof(*l->conns));
	c = &l->conns[l->nr_conns++];
	memset(c, 0, sizeof(*c));
	return c;
}

static const char *opname(s32 opcode, char *buf, size_t size)
{
	const char *n = opcode >= 0 ? fuse_opcode_name((uint32_t)opcode) : NULL;

	if (n)
		return n;
	snprintf(buf, size, "op %d", opcode);
	return buf;
}

/* (out of line and cold, as is every path that finds a violation: the
 * events of a sound run take none, and need no registers saved for them) */
__attribute__((format(printf, 2, 3), cold, noinline)) static void
found(struct req_ledger *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	l->violations++;
	/* the invariant runs after this step (see req_ledger_register()) */
	check_invariant_poke();
	if (l->pending_nr++ >= MAX_PER_REPORT)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	l->pending = xrealloc(l->pending, l->pending_len + (size_t)n + 3);
	if (l->pending_len) {
		memcpy(l->pending + l->pending_len, "; ", 2);
		l->pending_len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(l->pending + l->pending_len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	l->pending_len += (size_t)n;
}

/* Where index @idx is on @c's open list (nr_open: not there). */
static size_t open_find(const struct conn *c, u64 idx)
{
	size_t i = 0;

	while (i < c->nr_open && c->open[i].unique / 2 != idx)
		i++;
	return i;
}

static void open_add(struct conn *c, const struct trace_event *ev)
{
	if (c->nr_open == c->cap_open) {
		c->cap_open = c->cap_open ? 2 * c->cap_open : 16;
		c->open = xrealloc(c->open, c->cap_open * sizeof(*c->open));
	}
	c->open[c->nr_open++] =
		(struct open_req){ ev->unique, ev->opcode, ev->seq };
}

/* Take index @idx, which is open, off @c's open list. */
static void open_del(struct conn *c, u64 idx)
{
	size_t i = open_find(c, idx);

	assert(i < c->nr_open);
	/* nearly always the only one open, or the newest */
	if (i + 1 < c->nr_open)
		memmove(&c->open[i], &c->open[i + 1],
			(c->nr_open - i - 1) * sizeof(*c->open));
	c->nr_open--;
}

/* The gap holding index @i, or the number of gaps when none does. */
static size_t gap_find(const struct conn *c, u64 i)
{
	size_t lo = 0, hi = c->nr_gaps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct gap *g = &c->gaps[mid];

		if (i < g->start)
			hi = mid;
		else if (i - g->start >= g->len)
			lo = mid + 1;
		else
			return mid;
	}
	return c->nr_gaps;
}

/* Room for one more gap at position @k (the ones from @k on move up). */
static void gap_insert(struct conn *c, size_t k, u64 start, u64 len)
{
	if (c->nr_gaps == c->cap_gaps) {
		c->cap_gaps = c->cap_gaps ? 2 * c->cap_gaps : 4;
		c->gaps = xrealloc(c->gaps, c->cap_gaps * sizeof(*c->gaps));
	}
	memmove(&c->gaps[k + 1], &c->gaps[k],
		(c->nr_gaps - k) * sizeof(*c->gaps));
	c->gaps[k] = (struct gap){ start, len };
	c->nr_gaps++;
}

/* Indices [@start, @start + @len), above every gap, were never sent. */
static void gap_add(struct conn *c, u64 start, u64 len)
{
	struct gap *last = c->nr_gaps ? &c->gaps[c->nr_gaps - 1] : NULL;

	if (!len)
		return;
	if (last && last->start + last->len == start)
		last->len += len;
	else
		gap_insert(c, c->nr_gaps, start, len);
}

/* Index @i of gap @k is sent after all (a send that came late). */
static void gap_del(struct conn *c, size_t k, u64 i)
{
	struct gap *g = &c->gaps[k];
	u64 end = g->start + g->len;

	if (g->len == 1) {
		memmove(g, g + 1, (c->nr_gaps - k - 1) * sizeof(*g));
		c->nr_gaps--;
	} else if (i == g->start) {
		g->start++;
		g->len--;
	} else if (i == end - 1) {
		g->len--;
	} else {
		g->len = i - g->start;
		gap_insert(c, k + 1, i + 1, end - i - 1);
	}
}

static u8 *ring_slot(const struct conn *c, u64 i)
{
	return &c->ring[i & (c->cap - 1)];
}

/*
 * Move the window's low end up to @nb: what it passes that never ended
 * is remembered by the gaps (never sent) or stays on the open list.
 */
static void slide_to(struct conn *c, u64 nb)
{
	u64 i;

	for (i = c->base; i < nb && i < c->top; i++) {
		u8 *st = ring_slot(c, i);

		if (*st == UNSEEN)
			gap_add(c, i, 1);
		*st = UNSEEN;
	}
	if (nb > c->top) {
		gap_add(c, c->top, nb - c->top);
		c->top = nb;
	}
	c->base = nb;
}

/* The window's oldest requests have ended: it need not hold them. */
static void advance(struct conn *c)
{
	while (c->base < c->top && *ring_slot(c, c->base) >= ENDED) {
		*ring_slot(c, c->base) = UNSEEN;
		c->base++;
	}
}

/* Resize the ring to @cap slots, keeping the window. */
static void ring_resize(struct conn *c, u64 cap)
{
	u8 *ring = xrealloc(NULL, (size_t)cap);

	memset(ring, UNSEEN, (size_t)cap);
	for (u64 i = c->base; i < c->top; i++)
		ring[i & (cap - 1)] = *ring_slot(c, i);
	host_free(c->ring);
	c->ring = ring;
	c->cap = cap;
}

/* Make index @i, at or above the window's low end, a slot of the ring. */
static __attribute__((noinline)) void window_fit(struct conn *c, u64 i)
{
	u64 cap;

	/* what never ended at the low end, and is not open, can go */
	while (c->base < c->top && *ring_slot(c, c->base) != OPEN)
		slide_to(c, c->base + 1);
	if (c->base == c->top) {
		slide_to(c, i);
		if (c->cap)
			return;
	}
	if (i - c->base >= REQ_LEDGER_WINDOW)
		slide_to(c, i - REQ_LEDGER_WINDOW + 1);
	for (cap = c->cap ? c->cap : 64; cap <= i - c->base; cap *= 2)
		;
	if (cap != c->cap)
		ring_resize(c, cap);
}

/*
 * The state byte of index @i, at or above @c's window's low end: the
 * window grows (or slides) to hold it, and reaches up to it.
 */
static inline u8 *window_slot(struct conn *c, u64 i)
{
	if (i - c->base >= c->cap)
		window_fit(c, i);
	if (i >= c->top)
		c->top = i + 1;
	return ring_slot(c, i);
}

/* What @c knows of index @i. */
static u8 state_of(const struct conn *c, u64 i)
{
	if (i >= c->top)
		return UNSEEN;
	if (i >= c->base)
		return *ring_slot(c, i);
	if (gap_find(c, i) < c->nr_gaps)
		return UNSEEN;
	return open_find(c, i) < c->nr_open ? OPEN : ENDED;
}

/* Every request open on @c never ends: say why, and forget them. */
static void abandon(struct req_ledger *l, struct conn *c, const char *why,
		    u64 seq)
{
	char b[16];

	for (size_t i = 0; i < c->nr_open; i++) {
		const struct open_req *o = &c->open[i];

		found(l,
		      "%s unique=%" PRIu64 " (connection %zu) sent at #%" PRIu64
		      " never ended: %s (#%" PRIu64 ")",
		      opname(o->opcode, b, sizeof(b)), o->unique,
		      (size_t)(c - l->conns) + 1, o->sent_seq, why, seq);
		if (o->unique / 2 >= c->base && o->unique / 2 < c->top)
			*ring_slot(c, o->unique / 2) = ENDED;
	}
	c->nr_open = 0;
	advance(c);
}

/* sent() of a request that has ended: a violation. */
static __attribute__((cold, noinline)) void
sent_again(struct req_ledger *l, const struct trace_event *ev)
{
	char b[16];

	found(l,
	      "%s unique=%" PRIu64 " (connection %zu) sent again at "
	      "#%" PRIu64 " after it ended",
	      opname(ev->opcode, b, sizeof(b)), ev->unique, l->nr_conns,
	      ev->seq);
}

/* A send of index @i, below @c's window: what it was, and now open. */
static __attribute__((cold, noinline)) u8 sent_below(struct conn *c, u64 i)
{
	size_t k = gap_find(c, i);

	if (k < c->nr_gaps) {
		gap_del(c, k, i);
		return UNSEEN;
	}
	return open_find(c, i) < c->nr_open ? OPEN : ENDED;
}

static void sent(struct req_ledger *l, const struct trace_event *ev)
{
	struct conn *c = newest_conn(l);
	u64 i = ev->unique / 2;
	u8 st;

	/* A fresh connection's first unique, on its INIT. */
	if (!c || (ev->opcode == FUSE_INIT && ev->unique == 2))
		c = new_conn(l);
	if (i >= c->base) {
		u8 *p = window_slot(c, i);

		st = *p;
		*p = OPEN;
	} else {
		st = sent_below(c, i);
	}
	if (st == OPEN)
		return;
	if (st == ENDED)
		sent_again(l, ev);
	open_add(c, ev);
	if (ev->opcode == FUSE_DESTROY)
		c->destroy_seq = ev->seq;
}

/* ended() of a request no connection has open: a violation. */
static __attribute__((cold, noinline)) void
ended_unopened(struct req_ledger *l, const struct trace_event *ev)
{
	char b[16];

	for (size_t i = l->nr_conns; i-- > 0;) {
		if (state_of(&l->conns[i], ev->unique / 2) == ENDED) {
			found(l,
			      "%s unique=%" PRIu64 " (connection %zu) ended "
			      "twice: again at #%" PRIu64,
			      opname(ev->opcode, b, sizeof(b)), ev->unique,
			      i + 1, ev->seq);
			return;
		}
	}
	found(l,
	      "%s unique=%" PRIu64 " ended at #%" PRIu64 " but was never sent",
	      opname(ev->opcode, b, sizeof(b)), ev->unique, ev->seq);
}

/* End index @i if it is open below @c's window. */
static __attribute__((noinline)) bool ended_below(struct conn *c, u64 i)
{
	size_t k = open_find(c, i);

	if (k == c->nr_open)
		return false;
	open_del(c, i);
	return true;
}

static void ended(struct req_ledger *l, const struct trace_event *ev)
{
	u64 u = ev->unique / 2;

	for (size_t i = l->nr_conns; i-- > 0;) {
		struct conn *c = &l->conns[i];

		if (u >= c->base && u < c->top) {
			u8 *st = ring_slot(c, u);

			if (*st == OPEN) {
				*st = ENDED;
				open_del(c, u);
				advance(c);
				return;
			}
		} else if (u < c->base && c->nr_open && ended_below(c, u)) {
			return;
		}
	}
	ended_unopened(l, ev);
}

/*
 * A FORGET sent or dropped: its unique is no request's, so the window may
 * pass it. Without this, every FORGET's unique would stay "never sent"
 * and cost a gap once the window passed it: memory growing with every
 * LOOKUP/FORGET cycle of a long run.
 */
static void forgot(struct req_ledger *l, const struct trace_event *ev)
{
	struct conn *c = newest_conn(l);
	u64 i = ev->unique / 2;

	if (!c)
		return;
	if (i >= c->base) {
		u8 *p = window_slot(c, i);

		if (*p == UNSEEN)
			*p = NOREQ;
		advance(c);
	} else {
		size_t k = gap_find(c, i);

		if (k < c->nr_gaps)
			gap_del(c, k, i);
	}
}

void req_ledger_unmounted(struct req_ledger *l, uint64_t seq)
{
	for (size_t i = 0; i < l->nr_conns; i++) {
		struct conn *c = &l->conns[i];

		if (!c->destroy_seq)
			continue;
		abandon(l, c, "its connection was unmounted", seq);
		c->destroy_seq = 0;
	}
}

/* What the ledger makes of an event of kind @kind. */
static u8 classify(const char *kind)
{
	if (!kind)
		return K_OTHER;
	return !strcmp(kind, "virtio_fs.send")	      ? K_SEND :
	       !strcmp(kind, "fuse.end")	      ? K_END :
	       !strcmp(kind, "virtio_fs.forget")      ? K_FORGET :
	       !strcmp(kind, "virtio_fs.forget_drop") ? K_FORGET :
							K_OTHER;
}

bool req_ledger_follows(const char *kind)
{
	return classify(kind) != K_OTHER;
}

static __attribute__((noinline)) u8 kind_learn(struct req_ledger *l, size_t i,
					       const char *kind)
{
	/* the pair's free slot, else its first */
	if (l->kinds[i].ptr && !l->kinds[i ^ 1].ptr)
		i ^= 1;
	l->kinds[i].ptr = kind;
	l->kinds[i].kind = classify(kind);
	return l->kinds[i].kind;
}

/* The pair of slots of @kind in the ledger's table of kinds. */
static inline size_t kind_hash(const char *kind)
{
	return (size_t)(((u64)(uintptr_t)kind * 0x9e3779b97f4a7c15ULL) >>
			(64 - KIND_BITS));
}

/* What the table says of @kind into *@k, or false if it was not learnt. */
static inline bool kind_known(const struct req_ledger *l, const char *kind,
			      u8 *k)
{
	size_t i = kind_hash(kind);

	if (l->kinds[i].ptr == kind)
		*k = l->kinds[i].kind;
	else if (l->kinds[i ^ 1].ptr == kind)
		*k = l->kinds[i ^ 1].kind;
	else
		return false;
	return true;
}

static inline u8 kind_of(struct req_ledger *l, const char *kind)
{
	u8 k;

	if (kind_known(l, kind, &k))
		return k;
	return kind_learn(l, kind_hash(kind), kind);
}

/* An event of a kind the ledger follows, every case (out of line: the
 * common ones take sent_fast() or ended_fast()). */
static __attribute__((noinline)) void followed(struct req_ledger *l, u8 k,
					       const struct trace_event *ev)
{
	if (!ev->unique)
		return;
	if (k == K_SEND && ev->opcode != FUSE_FORGET &&
	    ev->opcode != FUSE_BATCH_FORGET)
		sent(l, ev);
	else if (k == K_END)
		ended(l, ev);
	else if (k == K_FORGET)
		forgot(l, ev);
}

/*
 * sent()'s common case, or false having changed nothing: a request on the
 * newest connection, never seen, inside its window, no INIT, FORGET or
 * DESTROY, with room on the open list. What sent() does then: the slot
 * OPEN, the window reaching up to it, the request on the open list.
 */
static inline bool sent_fast(struct req_ledger *l, const struct trace_event *ev)
{
	struct conn *c = newest_conn(l);
	u64 i = ev->unique / 2;
	u8 *p;

	if (unlikely(!c || ev->opcode == FUSE_INIT ||
		     ev->opcode == FUSE_FORGET ||
		     ev->opcode == FUSE_BATCH_FORGET ||
		     ev->opcode == FUSE_DESTROY || i < c->base ||
		     i - c->base >= c->cap || c->nr_open == c->cap_open))
		return false;
	p = ring_slot(c, i);
	if (unlikely(*p != UNSEEN))
		return false;
	*p = OPEN;
	if (i >= c->top)
		c->top = i + 1;
	c->open[c->nr_open++] =
		(struct open_req){ ev->unique, ev->opcode, ev->seq };
	return true;
}

/*
 * ended()'s common case, or false having changed nothing: a request open
 * in the newest connection's window and the newest on its open list (the
 * connection ended() looks at first, and the entry open_del() would
 * find). What ended() does then: the slot ENDED, the entry off the list,
 * the window advanced.
 */
static inline bool ended_fast(struct req_ledger *l,
			      const struct trace_event *ev)
{
	struct conn *c = newest_conn(l);
	u64 u = ev->unique / 2;
	u8 *st;

	if (unlikely(!c || u < c->base || u >= c->top || !c->nr_open ||
		     c->open[c->nr_open - 1].unique / 2 != u))
		return false;
	st = ring_slot(c, u);
	if (unlikely(*st != OPEN))
		return false;
	*st = ENDED;
	c->nr_open--;
	advance(c);
	return true;
}

/* req_ledger_event() for a kind not yet learnt: learnt, then every case.
 * Out of line, so that the common case's only calls are tail calls and
 * it saves no registers. */
static __attribute__((noinline)) void event_learn(struct req_ledger *l,
						  const struct trace_event *ev)
{
	u8 k = kind_of(l, ev->kind);

	if (k != K_OTHER)
		followed(l, k, ev);
}

void req_ledger_event(struct req_ledger *l, const struct trace_event *ev)
{
	u8 k;

	if (!ev->kind)
		return;
	if (unlikely(!kind_known(l, ev->kind, &k))) {
		event_learn(l, ev);
		return;
	}
	if (k == K_OTHER)
		return;
	/* a sound run's events, without a call (two per request) */
	if (likely(ev->unique) &&
	    (k == K_SEND ? sent_fast(l, ev) : k == K_END && ended_fast(l, ev)))
		return;
	followed(l, k, ev);
}

void req_ledger_settled(struct req_ledger *l)
{
	for (size_t i = 0; i < l->nr_conns; i++)
		abandon(l, &l->conns[i],
			"the machine can make no more progress", trace_count());
	if (l->pending_nr)
		check_invariants_run();
}

const char *req_ledger_check(void *arg)
{
	struct req_ledger *l = arg;
	char more[48];

	if (!l->pending_nr)
		return NULL;
	host_free(l->msg);
	l->msg = l->pending;
	if (l->pending_nr > MAX_PER_REPORT) {
		snprintf(more, sizeof(more), "; and %u more",
			 l->pending_nr - MAX_PER_REPORT);
		l->msg = xrealloc(l->msg, l->pending_len + strlen(more) + 1);
		strcpy(l->msg + l->pending_len, more);
	}
	l->pending = NULL;
	l->pending_len = 0;
	l->pending_nr = 0;
	return l->msg;
}

size_t req_ledger_open(const struct req_ledger *l)
{
	size_t n = 0;

	for (size_t i = 0; i < l->nr_conns; i++)
		n += l->conns[i].nr_open;
	return n;
}

size_t req_ledger_connections(const struct req_ledger *l)
{
	return l->nr_conns;
}

size_t req_ledger_bytes(const struct req_ledger *l)
{
	size_t n = sizeof(*l) + l->nr_conns * sizeof(*l->conns);

	for (size_t i = 0; i < l->nr_conns; i++) {
		const struct conn *c = &l->conns[i];

		n += (size_t)c->cap + c->cap_gaps * sizeof(*c->gaps) +
		     c->cap_open * sizeof(*c->open);
	}
	if (l->pending)
		n += l->pending_len + 1;
	if (l->msg)
		n += strlen(l->msg) + 1;
	return n;
}

size_t req_ledger_violations(const struct req_ledger *l)
{
	return l->violations;
}
