// SPDX-License-Identifier: GPL-2.0-only
/*
 * req_ledger_conn.c - what one connection of the ledger knows of its
 * request indices (unique / 2): its open list, its gaps and its window
 * (struct conn, req_ledger_internal.h). It only stores and answers; what
 * counts as a violation, and the reports, are req_ledger.c's.
 *
 * Open requests are listed with their opcode and where they were sent,
 * in send order, so reports come out in a deterministic order. The rest
 * is kept in bounded memory: a window of state bytes over the indices
 * from the oldest request still open, and below it only the runs of
 * indices never sent, since everything else there has ended. A run of
 * requests that all end leaves nothing behind, and so does a unique a
 * FORGET took (its send or its drop is marked, and the window passes it
 * as it passes an end). What can grow is the gaps, one per run of
 * uniques never sent and never named by a FORGET, and the open list.
 *
 * The pieces every send and end of a sound run takes (ring_slot(),
 * window_slot(), advance()) are inline in req_ledger_internal.h.
 */
#include <assert.h>
#include <string.h>

#include "sim/cli/req_ledger.h"
#include "sim/cli/req_ledger_internal.h"
#include "sim/trace/host.h"

void ledger_conn_release(struct conn *c)
{
	host_free(c->ring);
	host_free(c->gaps);
	host_free(c->open);
}

size_t ledger_conn_bytes(const struct conn *c)
{
	return (size_t)c->cap + c->cap_gaps * sizeof(*c->gaps) +
	       c->cap_open * sizeof(*c->open);
}

size_t ledger_open_find(const struct conn *c, u64 idx)
{
	size_t i = 0;

	while (i < c->nr_open && c->open[i].unique / 2 != idx)
		i++;
	return i;
}

void ledger_open_add(struct conn *c, const struct trace_event *ev)
{
	if (c->nr_open == c->cap_open) {
		c->cap_open = c->cap_open ? 2 * c->cap_open : 16;
		c->open = host_realloc(c->open, c->cap_open * sizeof(*c->open));
	}
	c->open[c->nr_open++] =
		(struct open_req){ ev->unique, ev->opcode, ev->seq };
}

void ledger_open_del(struct conn *c, u64 idx)
{
	size_t i = ledger_open_find(c, idx);

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
		c->gaps = host_realloc(c->gaps, c->cap_gaps * sizeof(*c->gaps));
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

/* Index @i of gap @k is taken after all (a send or FORGET that came late). */
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

/* Resize the ring to @cap slots, keeping the window. */
static void ring_resize(struct conn *c, u64 cap)
{
	u8 *ring = host_realloc(NULL, (size_t)cap);

	memset(ring, UNSEEN, (size_t)cap);
	for (u64 i = c->base; i < c->top; i++)
		ring[i & (cap - 1)] = *ring_slot(c, i);
	host_free(c->ring);
	c->ring = ring;
	c->cap = cap;
}

/* (out of line: window_slot() calls it only when the ring must change) */
__attribute__((noinline)) void ledger_window_fit(struct conn *c, u64 i)
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

bool ledger_gap_take(struct conn *c, u64 i)
{
	size_t k = gap_find(c, i);

	if (k == c->nr_gaps)
		return false;
	gap_del(c, k, i);
	return true;
}

u8 ledger_state_of(const struct conn *c, u64 i)
{
	if (i >= c->top)
		return UNSEEN;
	if (i >= c->base)
		return *ring_slot(c, i);
	if (gap_find(c, i) < c->nr_gaps)
		return UNSEEN;
	return ledger_open_find(c, i) < c->nr_open ? OPEN : ENDED;
}

/* (out of line and cold: only a send that comes after the window passed
 * its index takes it) */
__attribute__((cold, noinline)) u8 ledger_sent_below(struct conn *c, u64 i)
{
	if (ledger_gap_take(c, i))
		return UNSEEN;
	return ledger_open_find(c, i) < c->nr_open ? OPEN : ENDED;
}

__attribute__((noinline)) bool ledger_ended_below(struct conn *c, u64 i)
{
	size_t k = ledger_open_find(c, i);

	if (k == c->nr_open)
		return false;
	ledger_open_del(c, i);
	return true;
}
