// SPDX-License-Identifier: GPL-2.0-only
/*
 * req_ledger.c - "every request ends exactly once", followed from the
 * trace (see req_ledger.h for the rules): the rules themselves (what a
 * send, an end, a FORGET, an unmount and a settled machine mean for a
 * connection's requests, and the reports of what breaks them) and the
 * dispatch of trace events to them, with the fast paths a sound run's
 * two events per request take.
 *
 * Per connection, each unique (uniques step by 2 from 2; an index is
 * unique / 2) was never seen, is open or has ended; req_ledger_conn.c
 * keeps that in bounded memory (struct conn, req_ledger_internal.h).
 */
#include "sim/cli/req_ledger.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "fuse_proto/fuse_proto.h"
#include "sim/cli/req_ledger_internal.h"
#include "sim/kernel/check.h"
#include "sim/trace/host.h"

/* Most violations one report spells out; the rest are counted. */
#define MAX_PER_REPORT 8

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
	/* &conns[nr_conns - 1] (NULL: none yet), the one a send goes to and
	 * ended() looks at first: kept, so that the fast paths load it
	 * rather than work it out on every event */
	struct conn *newest;
	char *pending; /* found since the last check */
	size_t pending_len;
	unsigned pending_nr;
	char *msg; /* the last message handed out */
	size_t violations;
};

struct req_ledger *req_ledger_new(void)
{
	struct req_ledger *l = host_realloc(NULL, sizeof(*l));

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
	for (size_t i = 0; i < l->nr_conns; i++)
		ledger_conn_release(&l->conns[i]);
	host_free(l->conns);
	host_free(l->pending);
	host_free(l->msg);
	/* a kind of the next run may sit where another one was */
	memset(l->kinds, 0, sizeof(l->kinds));
	l->conns = NULL;
	l->nr_conns = 0;
	l->newest = NULL;
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
	return l->newest;
}

static struct conn *new_conn(struct req_ledger *l)
{
	struct conn *c;

	l->conns =
		host_realloc(l->conns, (l->nr_conns + 1) * sizeof(*l->conns));
	c = &l->conns[l->nr_conns++];
	memset(c, 0, sizeof(*c));
	l->newest = c;
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
	l->pending = host_realloc(l->pending, l->pending_len + (size_t)n + 3);
	if (l->pending_len) {
		memcpy(l->pending + l->pending_len, "; ", 2);
		l->pending_len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(l->pending + l->pending_len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	l->pending_len += (size_t)n;
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
		st = ledger_sent_below(c, i);
	}
	if (st == OPEN)
		return;
	if (st == ENDED)
		sent_again(l, ev);
	ledger_open_add(c, ev);
	if (ev->opcode == FUSE_DESTROY)
		c->destroy_seq = ev->seq;
}

/* ended() of a request no connection has open: a violation. */
static __attribute__((cold, noinline)) void
ended_unopened(struct req_ledger *l, const struct trace_event *ev)
{
	char b[16];

	for (size_t i = l->nr_conns; i-- > 0;) {
		if (ledger_state_of(&l->conns[i], ev->unique / 2) == ENDED) {
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

static void ended(struct req_ledger *l, const struct trace_event *ev)
{
	u64 u = ev->unique / 2;

	for (size_t i = l->nr_conns; i-- > 0;) {
		struct conn *c = &l->conns[i];

		if (u >= c->base && u < c->top) {
			u8 *st = ring_slot(c, u);

			if (*st == OPEN) {
				*st = ENDED;
				ledger_open_del(c, u);
				advance(c);
				return;
			}
		} else if (u < c->base && c->nr_open &&
			   ledger_ended_below(c, u)) {
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
		ledger_gap_take(c, i);
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
 * connection ended() looks at first, and the entry ledger_open_del() would
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
		l->msg =
			host_realloc(l->msg, l->pending_len + strlen(more) + 1);
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

	for (size_t i = 0; i < l->nr_conns; i++)
		n += ledger_conn_bytes(&l->conns[i]);
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
