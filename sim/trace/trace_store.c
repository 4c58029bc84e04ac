// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace_store.c - where the kept events and the strings they own live:
 * chunks of events that never move and the string arena, both grown
 * within the memory budget (trace_set_budget()), freed as a whole by
 * trace_reset(), their first blocks parked for the next trace
 * (trace_reuse(), trace_mark()); and reading the kept events back.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim/trace/asan.h"
#include "sim/trace/host.h"
#include "sim/trace/image.h"
#include "sim/trace/trace_record_internal.h"

/* trace_reuse(): a block of each kind kept by trace_reset() */
static struct {
	bool on;
	struct arena_chunk *arena;  /* an ARENA_CHUNK one */
	struct trace_event *events; /* EVENTS_PER_CHUNK events */
} spare;

/* @len bytes (a multiple of 8) from a new chunk, which becomes the
 * newest; what was left of the last one stays unused. */
__attribute__((noinline)) char *trace_arena_grow(size_t len)
{
	size_t size = len > ARENA_CHUNK ? len : ARENA_CHUNK;
	struct arena_chunk *c;

	if (spare.arena && size == ARENA_CHUNK) {
		c = spare.arena;
		spare.arena = NULL;
		mem_undefined(c->data, size);
	} else {
		/* the trace's, not a machine image's (image.h) */
		image_pause(true);
		c = host_malloc(sizeof(*c) + size);
		image_pause(false);
	}
	c->next = trace_rec.arena;
	c->size = size;
	trace_rec.arena = c;
	trace_rec.arena_pos = c->data + len;
	trace_rec.arena_end = c->data + size;
	trace_rec.memory += sizeof(*c) + size;
	trace_fast_update();
	return c->data;
}

/* A new chunk for kept events; NULL once the kept trace takes more than
 * its budget (it overshoots by at most the chunk that crossed it). */
__attribute__((noinline)) struct trace_event *trace_keep_grow(void)
{
	size_t bytes = EVENTS_PER_CHUNK * sizeof(struct trace_event);

	if (over_budget())
		return NULL;
	/* the trace's, not a machine image's (image.h) */
	image_pause(true);
	if (trace_rec.nr_chunks == trace_rec.cap_chunks) {
		size_t cap = trace_rec.cap_chunks ? 2 * trace_rec.cap_chunks :
						    16;
		trace_rec.chunks = host_realloc(
			trace_rec.chunks, cap * sizeof(*trace_rec.chunks));
		trace_rec.cap_chunks = cap;
	}
	if (spare.events) {
		trace_rec.slot = spare.events;
		spare.events = NULL;
		mem_undefined(trace_rec.slot, bytes);
	} else {
		trace_rec.slot = host_malloc(bytes);
	}
	image_pause(false);
	trace_rec.chunks[trace_rec.nr_chunks++] = trace_rec.slot;
	trace_rec.slot_end = trace_rec.slot + EVENTS_PER_CHUNK;
	trace_rec.memory += bytes;
	trace_fast_update();
	return trace_rec.slot;
}

void trace_reset(bool enable)
{
	while (trace_rec.arena) {
		struct arena_chunk *next = trace_rec.arena->next;

		/* the oldest: the first strings of the next trace are
		 * where this trace's first were (trace_mark()) */
		if (spare.on && !spare.arena && !next &&
		    trace_rec.arena->size == ARENA_CHUNK) {
			spare.arena = trace_rec.arena;
			mem_noaccess(spare.arena->data, ARENA_CHUNK);
		} else
			host_free(trace_rec.arena);
		trace_rec.arena = next;
	}
	trace_rec.arena_pos = trace_rec.arena_end = NULL;
	for (size_t i = 0; i < trace_rec.nr_chunks; i++) {
		if (spare.on && !spare.events) {
			spare.events = trace_rec.chunks[i];
			mem_noaccess(spare.events,
				     EVENTS_PER_CHUNK * sizeof(*spare.events));
		} else
			host_free(trace_rec.chunks[i]);
	}
	if (!spare.on) {
		host_free(trace_rec.chunks);
		trace_rec.chunks = NULL;
		trace_rec.cap_chunks = 0;
	}
	trace_rec.nr_chunks = 0;
	trace_rec.nr_kept = 0;
	trace_rec.hashed = 0;
	trace_rec.slot = trace_rec.slot_end = NULL;
	trace_rec.memory = 0;
	trace__count = 0;
	trace_rec.hash = TRACE_FNV_OFFSET;
	trace_rec.hashing = true;
	trace_rec.last_fmt = NULL;
	trace_over_budget = false;
	trace_enabled = enable;
	trace_fast_update();
	trace_skip_update();
}

void trace_reuse(bool on)
{
	spare.on = on;
	if (on)
		return;
	if (spare.arena)
		mem_undefined(spare.arena->data, ARENA_CHUNK);
	if (spare.events)
		mem_undefined(spare.events,
			      EVENTS_PER_CHUNK * sizeof(*spare.events));
	host_free(spare.arena);
	host_free(spare.events);
	spare.arena = NULL;
	spare.events = NULL;
}

int trace_mark(struct trace_mark *m)
{
	if (!spare.on || trace_rec.nr_chunks > 1 ||
	    (trace_rec.arena && trace_rec.arena->next) ||
	    (trace_rec.arena && trace_rec.arena->size != ARENA_CHUNK) ||
	    trace_rec.sink)
		return -EBUSY;
	*m = (struct trace_mark){
		.events = trace_rec.nr_chunks ? trace_rec.chunks[0] : NULL,
		.arena = trace_rec.arena,
		.arena_pos = trace_rec.arena_pos,
		.last_fmt = trace_rec.last_fmt,
		.nr_kept = trace_rec.nr_kept,
		.hashed = trace_rec.hashed,
		.hash = trace_rec.hash,
		.count = trace__count,
		.memory = trace_rec.memory,
		.keep = trace_rec.keep,
		.hashing = trace_rec.hashing,
		.enabled = trace_enabled,
		.over_budget = trace_over_budget,
	};
	return 0;
}

bool trace_mark_ready(const struct trace_mark *m)
{
	return spare.on && !trace_rec.nr_chunks && !trace_rec.arena &&
	       !trace_rec.sink && (!m->events || spare.events == m->events) &&
	       (!m->arena || spare.arena == m->arena);
}

void trace_rewind(const struct trace_mark *m)
{
	assert(trace_mark_ready(m));
	if (m->events) {
		/* trace_keep_grow() as it took this block, what was kept in it
		 * then still there (a parked block is not written) */
		if (!trace_rec.cap_chunks) {
			image_pause(true);
			trace_rec.chunks =
				host_realloc(trace_rec.chunks,
					     16 * sizeof(*trace_rec.chunks));
			image_pause(false);
			trace_rec.cap_chunks = 16;
		}
		trace_rec.slot = spare.events;
		spare.events = NULL;
		mem_undefined(trace_rec.slot,
			      EVENTS_PER_CHUNK * sizeof(*trace_rec.slot));
		mem_defined(trace_rec.slot,
			    m->nr_kept * sizeof(*trace_rec.slot));
		trace_rec.chunks[trace_rec.nr_chunks++] = trace_rec.slot;
		trace_rec.slot_end = trace_rec.slot + EVENTS_PER_CHUNK;
		trace_rec.slot += m->nr_kept;
	}
	if (m->arena) {
		struct arena_chunk *c = spare.arena;

		spare.arena = NULL;
		mem_undefined(c->data, ARENA_CHUNK);
		mem_defined(c->data, (size_t)(m->arena_pos - c->data));
		c->next = NULL;
		trace_rec.arena = c;
		trace_rec.arena_pos = m->arena_pos;
		trace_rec.arena_end = c->data + ARENA_CHUNK;
	}
	trace_rec.last_fmt = m->last_fmt;
	trace_rec.nr_kept = m->nr_kept;
	trace_rec.hashed = m->hashed;
	trace_rec.hash = m->hash;
	trace__count = m->count;
	trace_rec.memory = m->memory;
	trace_rec.keep = m->keep;
	trace_rec.hashing = m->hashing;
	trace_enabled = m->enabled;
	trace_over_budget = m->over_budget;
	trace_fast_update();
	trace_skip_update();
}

void trace_set_budget(uint64_t bytes)
{
	trace_rec.budget = bytes;
	trace_fast_update();
}

uint64_t trace_budget(void)
{
	return trace_rec.budget;
}

uint64_t trace_memory(void)
{
	return trace_rec.memory;
}

uint64_t trace_count(void)
{
	return trace__count;
}

size_t trace_kept(void)
{
	return trace_rec.nr_kept;
}

const struct trace_event *trace_event_at(size_t i)
{
	if (i >= trace_rec.nr_kept)
		return NULL;
	return &trace_rec.chunks[i / EVENTS_PER_CHUNK][i % EVENTS_PER_CHUNK];
}

void trace_write_text(FILE *out)
{
	for (size_t i = 0; i < trace_rec.nr_kept; i++)
		trace_write_event(out, trace_event_at(i), false);
}

void trace_write_jsonl(FILE *out)
{
	for (size_t i = 0; i < trace_rec.nr_kept; i++)
		trace_write_event(out, trace_event_at(i), true);
}

long trace_find(const char *needle, size_t from)
{
	char line[1024], *big = NULL;
	long found = -1;

	for (size_t i = from; i < trace_rec.nr_kept && found < 0; i++) {
		const struct trace_event *ev = trace_event_at(i);
		int len = trace_format_text(ev, line, sizeof(line));
		const char *text = line;

		if (len >= (int)sizeof(line)) {
			big = host_malloc((size_t)len + 1);
			trace_format_text(ev, big, (size_t)len + 1);
			text = big;
		}
		if (strstr(text, needle))
			found = (long)i;
		host_free(big);
		big = NULL;
	}
	return found;
}
