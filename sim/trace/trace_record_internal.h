/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace_record_internal.h - between the recorder's parts: its state, the
 * inline pieces of the kept events' storage (trace_store.c) and of the
 * hash (trace_hash.c) that recording (trace.c) runs on every event, and
 * the calls that open or close its fast paths (trace_setup.c).
 *
 * arena_alloc(), keep_slot() and the hash's folding run for every event
 * of a kept or hashed trace: they stay static inline here, so the
 * recorder compiles them into its paths as when the parts were one file.
 */
#ifndef VFSIM_SIM_TRACE_TRACE_RECORD_INTERNAL_H
#define VFSIM_SIM_TRACE_TRACE_RECORD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/trace/trace_internal.h"

/** @cond INTERNAL */
#define ARENA_CHUNK	 65536
#define EVENTS_PER_CHUNK 1024

struct arena_chunk {
	struct arena_chunk *next;
	size_t size; /* of data */
	char data[];
};

/* The recorder's state (trace.c). */
struct trace_rec {
	struct trace_event **chunks; /* EVENTS_PER_CHUNK events each */
	size_t nr_chunks, cap_chunks;
	size_t nr_kept;
	size_t hashed; /* kept events folded into the hash */
	/* the next free slot of the last chunk, and its end */
	struct trace_event *slot, *slot_end;
	/* slot_end while trace_emit()'s kept fast path may run (events kept,
	 * the context read from variables, the budget not reached), NULL
	 * otherwise: trace_fast_update() keeps it so, so one comparison per event
	 * stands for all four conditions */
	struct trace_event *fast_end;
	uint64_t hash;
	bool keep;
	bool hashing; /* trace_drop_hash() was not called */
	/* nothing kept, no hash, a sink and the context from variables:
	 * emit_to_sink() is all an event needs (with the sink's filter,
	 * when it has one) */
	bool to_sink;
	/* nothing kept, no hash, and no sink or one with a filter: a site
	 * whose event nobody consumes may set its skip (see TRACE()) */
	bool may_skip;
	/* the sites whose skip is set, linked by skip_next */
	struct trace_site *skipping;
	uint64_t budget, memory;
	struct arena_chunk *arena;
	char *arena_pos, *arena_end; /* the free part of the newest chunk */
	uint64_t (*now)(void);
	const char *(*task_name)(void);
	const uint64_t *now_var;
	const char *const *task_var;
	const uint64_t *task_hash_var;
	trace_sink_fn sink;
	void *sink_arg;
	trace_want_fn want; /* NULL: the sink takes every event */
	void *want_arg;
	uint32_t want_gen;    /* the sites' answers of another are stale */
	const char *last_fmt; /* latest trace_fmt() result, already stored */
};

extern struct trace_rec trace_rec;

/* Over the budget: the kept trace takes more memory than it may. */
static inline bool over_budget(void)
{
	return trace_rec.budget && trace_rec.memory > trace_rec.budget;
}

/* Open or close trace_emit()'s kept fast path, and let TRACE() skip what
 * nobody consumes or stop it, after a consumer or a condition changed
 * (trace_setup.c). */
void trace_fast_update(void);
void trace_skip_update(void);

/* The string arena's and the kept events' new chunks (trace_store.c). */
char *trace_arena_grow(size_t len);
struct trace_event *trace_keep_grow(void);

static inline char *arena_alloc(size_t len)
{
	char *p = trace_rec.arena_pos;

	len = (len + 7) & ~(size_t)7;
	if (trace_unlikely((size_t)(trace_rec.arena_end - p) < len))
		return trace_arena_grow(len);
	trace_rec.arena_pos = p + len;
	return p;
}

/* Room for one more kept event, or NULL over the budget. */
static inline struct trace_event *keep_slot(void)
{
	if (trace_unlikely(trace_rec.slot == trace_rec.slot_end) ||
	    trace_unlikely(over_budget()))
		return trace_keep_grow();
	return trace_rec.slot;
}

/* Every kept event folded into trace_rec.hash (trace_hash.c). */
void trace_fold_kept(void);

/* Odd constants that fold an event's words into one (multiply-add: a
 * change in any one word changes the sum) before it goes into the
 * running hash. */
#define K_TIME	0x9e3779b97f4a7c15ULL
#define K_TASK	0xc2b2ae3d27d4eb4fULL
#define K_KIND	0x165667b19e3779f9ULL
#define K_FUNC	0xd6e8feb86659fd93ULL
#define K_QUEUE 0xff51afd7ed558ccdULL
#define K_IDX	0xc4ceb9fe1a85ec53ULL
#define K_USED	0x94d049bb133111ebULL
#define K_UNIQ	0xbf58476d1ce4e5b9ULL
#define K_DET	0x2545f4914f6cdd1dULL

/* The hash a string contributes: its content's. For a pointer that stays
 * valid it is found in the cache; for a copy the trace owns, computed. */
static inline uint64_t str_hash(const char *s)
{
	uint64_t h;

	if (!s)
		return 0;
	return trace_imm_find(s, &h) ? h : trace_str_content_hash(s);
}

/* The part of an event's folded word that its kind, function and queue
 * contribute, from their hashes: constant for a call site that names the
 * same three every time, so the site keeps it (site_names()). */
static inline uint64_t names_word(uint64_t kh, uint64_t fh, uint64_t qh)
{
	return kh * K_KIND + fh * K_FUNC + qh * K_QUEUE;
}

/* An event's words folded into one (multiply-add by the K_ constants),
 * from the hashes of its task (@th) and detail (@d) and names_word()
 * (@nw). Recording and trace_hash() both come here. */
static inline uint64_t fold_word(const struct trace_event *ev, uint64_t th,
				 uint64_t nw, uint64_t d)
{
	return ev->time_ns * K_TIME + th * K_TASK + nw +
	       ((uint64_t)(uint32_t)ev->head | (uint64_t)(uint32_t)ev->avail_idx
						       << 32) *
		       K_IDX +
	       ((uint64_t)(uint32_t)ev->used_idx |
		(uint64_t)(uint32_t)ev->opcode << 32) *
		       K_USED +
	       ev->unique * K_UNIQ + d * K_DET;
}

/** @endcond */

#endif /* VFSIM_SIM_TRACE_TRACE_RECORD_INTERNAL_H */
