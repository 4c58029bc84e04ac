// SPDX-License-Identifier: GPL-2.0-only
/*
 * req_ledger.c - "every request ends exactly once", followed from the
 * trace (see req_ledger.h for the rules).
 *
 * Per connection, one byte per unique (uniques step by 2 from 2) says
 * whether it was never seen, is open or has ended; open requests are
 * also listed with their opcode and where they were sent, in send order,
 * so reports come out in a deterministic order.
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
	ENDED
};

/* Most violations one report spells out; the rest are counted. */
#define MAX_PER_REPORT 8

struct open_req {
	u64 unique;
	s32 opcode;
	u64 sent_seq;
};

struct conn {
	u8 *state; /* by unique / 2 */
	size_t cap;
	struct open_req *open;
	size_t nr_open, cap_open;
	u64 destroy_seq; /* DESTROY sent (0: not yet) */
};

/* The kinds of event the ledger follows. */
enum kind {
	K_OTHER,
	K_SEND,
	K_END,
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
	free(l);
}

void req_ledger_reset(struct req_ledger *l)
{
	for (size_t i = 0; i < l->nr_conns; i++) {
		free(l->conns[i].state);
		free(l->conns[i].open);
	}
	free(l->conns);
	free(l->pending);
	free(l->msg);
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
	int ret =
		check_invariant_add(REQ_LEDGER_INVARIANT, req_ledger_check, l);

	if (!ret)
		check_invariants_enable(true);
	return ret;
}

static struct conn *new_conn(struct req_ledger *l)
{
	struct conn *c;

	l->conns = xrealloc(l->conns, (l->nr_conns + 1) * sizeof(*l->conns));
	c = &l->conns[l->nr_conns++];
	memset(c, 0, sizeof(*c));
	return c;
}

static u8 *slot(struct conn *c, u64 unique)
{
	size_t i = (size_t)(unique / 2);

	if (i >= c->cap) {
		size_t cap = c->cap ? c->cap : 64;

		while (cap <= i)
			cap *= 2;
		c->state = xrealloc(c->state, cap);
		memset(c->state + c->cap, UNSEEN, cap - c->cap);
		c->cap = cap;
	}
	return &c->state[i];
}

static u8 state_of(const struct conn *c, u64 unique)
{
	size_t i = (size_t)(unique / 2);

	return i < c->cap ? c->state[i] : UNSEEN;
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

static void open_add(struct conn *c, const struct trace_event *ev)
{
	if (c->nr_open == c->cap_open) {
		c->cap_open = c->cap_open ? 2 * c->cap_open : 16;
		c->open = xrealloc(c->open, c->cap_open * sizeof(*c->open));
	}
	c->open[c->nr_open++] =
		(struct open_req){ ev->unique, ev->opcode, ev->seq };
}

/* Take @unique, which is open, off @c's open list. */
static void open_del(struct conn *c, u64 unique)
{
	size_t i = 0;

	while (c->open[i].unique != unique)
		i++;
	assert(i < c->nr_open);
	/* nearly always the only one open, or the newest */
	if (i + 1 < c->nr_open)
		memmove(&c->open[i], &c->open[i + 1],
			(c->nr_open - i - 1) * sizeof(*c->open));
	c->nr_open--;
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
		*slot(c, o->unique) = ENDED;
	}
	c->nr_open = 0;
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
	struct conn *c = l->nr_conns ? &l->conns[l->nr_conns - 1] : NULL;
	u8 *st;

	/* A fresh connection's first unique, on its INIT. */
	if (!c || (ev->opcode == FUSE_INIT && ev->unique == 2))
		c = new_conn(l);
	st = slot(c, ev->unique);
	if (*st == OPEN)
		return;
	if (*st == ENDED)
		sent_again(l, ev);
	*st = OPEN;
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
		if (state_of(&l->conns[i], ev->unique) == ENDED) {
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
	size_t u = (size_t)(ev->unique / 2);

	for (size_t i = l->nr_conns; i-- > 0;) {
		struct conn *c = &l->conns[i];

		if (u < c->cap && c->state[u] == OPEN) {
			c->state[u] = ENDED;
			open_del(c, ev->unique);
			return;
		}
	}
	ended_unopened(l, ev);
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
	return !strcmp(kind, "virtio_fs.send") ? K_SEND :
	       !strcmp(kind, "fuse.end")       ? K_END :
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

static inline u8 kind_of(struct req_ledger *l, const char *kind)
{
	size_t i = (size_t)(((u64)(uintptr_t)kind * 0x9e3779b97f4a7c15ULL) >>
			    (64 - KIND_BITS));

	if (l->kinds[i].ptr == kind)
		return l->kinds[i].kind;
	if (l->kinds[i ^ 1].ptr == kind)
		return l->kinds[i ^ 1].kind;
	return kind_learn(l, i, kind);
}

/* An event of a kind the ledger follows (out of line: most are not). */
static __attribute__((noinline)) void followed(struct req_ledger *l, u8 k,
					       const struct trace_event *ev)
{
	if (!ev->unique || ev->unique >= REQ_LEDGER_MAX_UNIQUE)
		return;
	if (k == K_SEND && ev->opcode != FUSE_FORGET &&
	    ev->opcode != FUSE_BATCH_FORGET)
		sent(l, ev);
	else if (k == K_END)
		ended(l, ev);
}

void req_ledger_event(struct req_ledger *l, const struct trace_event *ev)
{
	u8 k;

	if (!ev->kind)
		return;
	k = kind_of(l, ev->kind);
	if (k != K_OTHER)
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
	free(l->msg);
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

size_t req_ledger_violations(const struct req_ledger *l)
{
	return l->violations;
}
