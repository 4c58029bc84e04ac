/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * req_ledger_internal.h - between the ledger's two parts: what one
 * connection knows of its request indices (struct conn, kept by
 * req_ledger_conn.c), and the calls through which the rules and the
 * event dispatch (req_ledger.c) read and change it.
 *
 * ring_slot(), window_slot() and advance() run on every send and end of
 * a sound run: they stay static inline here, so req_ledger.c compiles
 * them into its fast paths as when the parts were one file.
 */
#ifndef VFSIM_SIM_CLI_REQ_LEDGER_INTERNAL_H
#define VFSIM_SIM_CLI_REQ_LEDGER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/kernel/types.h"
#include "sim/trace/trace.h"

/** @cond INTERNAL */

/* What a connection knows of one index (unique / 2). */
enum {
	UNSEEN,
	OPEN,
	ENDED,
	/* taken by a FORGET, which is no request and never ends; the
	 * window passes it as it passes ENDED, and below the window it
	 * reads as ENDED (nothing is kept per id there) */
	NOREQ
};

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

/** @brief Free what connection @p c holds (not @p c itself). */
void ledger_conn_release(struct conn *c);

/** @brief Host memory connection @p c holds, in bytes, beyond *@p c. */
size_t ledger_conn_bytes(const struct conn *c);

/** @brief Where index @p idx is on @p c's open list (nr_open: not there). */
size_t ledger_open_find(const struct conn *c, u64 idx);

/** @brief Put the request sent by @p ev at the end of @p c's open list. */
void ledger_open_add(struct conn *c, const struct trace_event *ev);

/** @brief Take index @p idx, which is open, off @p c's open list. */
void ledger_open_del(struct conn *c, u64 idx);

/**
 * @brief Index @p i, below @p c's window, is taken after all (a send or
 * a FORGET that came late): off the gaps.
 * @return whether it was in one (never sent until now)
 */
bool ledger_gap_take(struct conn *c, u64 i);

/** @brief What @p c knows of index @p i. */
u8 ledger_state_of(const struct conn *c, u64 i);

/**
 * @brief A send of index @p i, below @p c's window: what it was, and now
 * open (out of the gaps if it was there).
 */
__attribute__((cold)) u8 ledger_sent_below(struct conn *c, u64 i);

/** @brief End index @p i if it is open below @p c's window. */
bool ledger_ended_below(struct conn *c, u64 i);

/**
 * @brief Make index @p i, at or above the window's low end, a slot of
 * @p c's ring (window_slot() when it is not one yet).
 */
void ledger_window_fit(struct conn *c, u64 i);

/* The state byte of index @i in @c's ring (inside the window). */
static inline u8 *ring_slot(const struct conn *c, u64 i)
{
	return &c->ring[i & (c->cap - 1)];
}

/*
 * The state byte of index @i, at or above @c's window's low end: the
 * window grows (or slides) to hold it, and reaches up to it.
 */
static inline u8 *window_slot(struct conn *c, u64 i)
{
	if (i - c->base >= c->cap)
		ledger_window_fit(c, i);
	if (i >= c->top)
		c->top = i + 1;
	return ring_slot(c, i);
}

/* The window's oldest requests have ended: it need not hold them. */
static inline void advance(struct conn *c)
{
	while (c->base < c->top && *ring_slot(c, c->base) >= ENDED) {
		*ring_slot(c, c->base) = UNSEEN;
		c->base++;
	}
}

/** @endcond */

#endif /* VFSIM_SIM_CLI_REQ_LEDGER_INTERNAL_H */
