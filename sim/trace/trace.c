// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace.c - the run's event log: recording, the hash, the kept events and
 * their memory budget, the sink, and reading the kept events back.
 *
 * An event is recorded as the binary record the caller built, nothing
 * printed: its strings are resolved to pointers that stay valid (see
 * trace_str.c), its hash is folded in, and it is kept (when asked) in
 * chunks that never move, so a pointer from trace_event_at() stays valid
 * while the trace grows. Strings a kept event must own (a detail in a
 * caller's buffer, a TRACE_FMT() argument list) go into an arena freed as
 * a whole by trace_reset().
 *
 * Keeping is the common case in a scenario (the scheduler hands over its
 * clock and task through variables) and has a fast path: trace_emit()
 * asks a few questions whose answers are nearly always the same (is
 * there room, did the site name the names it named last, do the detail
 * and the argument strings stay valid) and then copies the record with
 * one move per field. Everything else (the hashing path when nothing is
 * kept, a name from a buffer, an explicit task, a full chunk, the budget)
 * takes emit_slow(), the general path, which keeps the same record.
 */
#include "sim/trace/trace.h"

#include "sim/trace/asan.h"
#include "sim/trace/host.h"
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace/image.h"
#include "sim/trace/trace_internal.h"

#define ARENA_CHUNK	 65536
#define EVENTS_PER_CHUNK 1024

struct arena_chunk {
	struct arena_chunk *next;
	size_t size; /* of data */
	char data[];
};

/* trace_reuse(): a block of each kind kept by trace_reset() */
static struct {
	bool on;
	struct arena_chunk *arena;  /* an ARENA_CHUNK one */
	struct trace_event *events; /* EVENTS_PER_CHUNK events */
} spare;

static struct {
	struct trace_event **chunks; /* EVENTS_PER_CHUNK events each */
	size_t nr_chunks, cap_chunks;
	size_t nr_kept;
	size_t hashed; /* kept events folded into the hash */
	/* the next free slot of the last chunk, and its end */
	struct trace_event *slot, *slot_end;
	/* slot_end while trace_emit()'s kept fast path may run (events kept,
	 * the context read from variables, the budget not reached), NULL
	 * otherwise: fast_update() keeps it so, so one comparison per event
	 * stands for all four conditions */
	struct trace_event *fast_end;
	uint64_t hash;
	bool keep;
	bool hashing; /* trace_drop_hash() was not called */
	/* nothing kept, no hash, a sink and the context from variables:
	 * emit_to_sink() is all an event needs (with the sink's filter,
	 * when it has one) */
	bool to_sink;
	uint32_t skip_gen; /* the latest generation of trace__skip */
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
} tr = { .hash = TRACE_FNV_OFFSET,
	 .keep = true,
	 .hashing = true,
	 .budget = TRACE_DEFAULT_BUDGET,
	 .want_gen = 1 };

bool trace_enabled;
bool trace_over_budget;
uint64_t trace__count;
uint32_t trace__skip = TRACE__NO_SKIP;

static void fold_kept(void);

/* Over the budget: the kept trace takes more memory than it may. */
static inline bool over_budget(void)
{
	return tr.budget && tr.memory > tr.budget;
}

/* Open or close trace_emit()'s kept fast path (tr.fast_end) after any of
 * its conditions may have changed. */
static void fast_update(void)
{
	tr.fast_end = tr.keep && tr.now_var && tr.task_var && !over_budget() ?
			      tr.slot_end :
			      NULL;
}

/*
 * Let TRACE() skip the events nobody consumes, or stop it, after any of
 * the consumers changed: nothing kept, no hash, and a sink (if any) that
 * takes only the kinds its filter accepts. A new generation forgets
 * every site's finding, since the filter's answers may have changed.
 */
static void skip_update(void)
{
	tr.to_sink = !tr.keep && !tr.hashing && tr.sink && tr.now_var &&
		     tr.task_var;
	if (tr.keep || tr.hashing || (tr.sink && !tr.want)) {
		trace__skip = TRACE__NO_SKIP;
		return;
	}
	/* a fresh site's 0 and TRACE__NO_SKIP are never a generation */
	if (++tr.skip_gen == TRACE__NO_SKIP)
		tr.skip_gen = 1;
	trace__skip = tr.skip_gen;
}

/* @len bytes (a multiple of 8) from a new chunk, which becomes the
 * newest; what was left of the last one stays unused. */
static __attribute__((noinline)) char *arena_grow(size_t len)
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
	c->next = tr.arena;
	c->size = size;
	tr.arena = c;
	tr.arena_pos = c->data + len;
	tr.arena_end = c->data + size;
	tr.memory += sizeof(*c) + size;
	fast_update();
	return c->data;
}

static inline char *arena_alloc(size_t len)
{
	char *p = tr.arena_pos;

	len = (len + 7) & ~(size_t)7;
	if (trace_unlikely((size_t)(tr.arena_end - p) < len))
		return arena_grow(len);
	tr.arena_pos = p + len;
	return p;
}

static const char *arena_strdup(const char *s)
{
	size_t len = strlen(s) + 1;

	return memcpy(arena_alloc(len), s, len);
}

void trace_reset(bool enable)
{
	while (tr.arena) {
		struct arena_chunk *next = tr.arena->next;

		/* the oldest: the first strings of the next trace are
		 * where this trace's first were (trace_mark()) */
		if (spare.on && !spare.arena && !next &&
		    tr.arena->size == ARENA_CHUNK) {
			spare.arena = tr.arena;
			mem_noaccess(spare.arena->data, ARENA_CHUNK);
		} else
			host_free(tr.arena);
		tr.arena = next;
	}
	tr.arena_pos = tr.arena_end = NULL;
	for (size_t i = 0; i < tr.nr_chunks; i++) {
		if (spare.on && !spare.events) {
			spare.events = tr.chunks[i];
			mem_noaccess(spare.events,
				     EVENTS_PER_CHUNK * sizeof(*spare.events));
		} else
			host_free(tr.chunks[i]);
	}
	if (!spare.on) {
		host_free(tr.chunks);
		tr.chunks = NULL;
		tr.cap_chunks = 0;
	}
	tr.nr_chunks = 0;
	tr.nr_kept = 0;
	tr.hashed = 0;
	tr.slot = tr.slot_end = NULL;
	tr.memory = 0;
	trace__count = 0;
	tr.hash = TRACE_FNV_OFFSET;
	tr.hashing = true;
	tr.last_fmt = NULL;
	trace_over_budget = false;
	trace_enabled = enable;
	fast_update();
	skip_update();
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
	if (!spare.on || tr.nr_chunks > 1 || (tr.arena && tr.arena->next) ||
	    (tr.arena && tr.arena->size != ARENA_CHUNK) || tr.sink)
		return -EBUSY;
	*m = (struct trace_mark){
		.events = tr.nr_chunks ? tr.chunks[0] : NULL,
		.arena = tr.arena,
		.arena_pos = tr.arena_pos,
		.last_fmt = tr.last_fmt,
		.nr_kept = tr.nr_kept,
		.hashed = tr.hashed,
		.hash = tr.hash,
		.count = trace__count,
		.memory = tr.memory,
		.keep = tr.keep,
		.hashing = tr.hashing,
		.enabled = trace_enabled,
		.over_budget = trace_over_budget,
	};
	return 0;
}

bool trace_mark_ready(const struct trace_mark *m)
{
	return spare.on && !tr.nr_chunks && !tr.arena && !tr.sink &&
	       (!m->events || spare.events == m->events) &&
	       (!m->arena || spare.arena == m->arena);
}

void trace_rewind(const struct trace_mark *m)
{
	assert(trace_mark_ready(m));
	if (m->events) {
		/* keep_grow() as it took this block, what was kept in it
		 * then still there (a parked block is not written) */
		if (!tr.cap_chunks) {
			image_pause(true);
			tr.chunks = host_realloc(tr.chunks,
						 16 * sizeof(*tr.chunks));
			image_pause(false);
			tr.cap_chunks = 16;
		}
		tr.slot = spare.events;
		spare.events = NULL;
		mem_undefined(tr.slot, EVENTS_PER_CHUNK * sizeof(*tr.slot));
		mem_defined(tr.slot, m->nr_kept * sizeof(*tr.slot));
		tr.chunks[tr.nr_chunks++] = tr.slot;
		tr.slot_end = tr.slot + EVENTS_PER_CHUNK;
		tr.slot += m->nr_kept;
	}
	if (m->arena) {
		struct arena_chunk *c = spare.arena;

		spare.arena = NULL;
		mem_undefined(c->data, ARENA_CHUNK);
		mem_defined(c->data, (size_t)(m->arena_pos - c->data));
		c->next = NULL;
		tr.arena = c;
		tr.arena_pos = m->arena_pos;
		tr.arena_end = c->data + ARENA_CHUNK;
	}
	tr.last_fmt = m->last_fmt;
	tr.nr_kept = m->nr_kept;
	tr.hashed = m->hashed;
	tr.hash = m->hash;
	trace__count = m->count;
	tr.memory = m->memory;
	tr.keep = m->keep;
	tr.hashing = m->hashing;
	trace_enabled = m->enabled;
	trace_over_budget = m->over_budget;
	fast_update();
	skip_update();
}

void trace_enable(bool enable)
{
	trace_enabled = enable;
}

void trace_set_keep(bool keep)
{
	/* the events kept so far go into the hash before any that is not */
	if (!keep)
		fold_kept();
	tr.keep = keep;
	fast_update();
	skip_update();
}

bool trace_keeping(void)
{
	return tr.keep;
}

void trace_drop_hash(void)
{
	tr.hashing = false;
	tr.hash = 0;
	skip_update();
}

bool trace_hashing(void)
{
	return tr.hashing;
}

void trace_set_budget(uint64_t bytes)
{
	tr.budget = bytes;
	fast_update();
}

uint64_t trace_budget(void)
{
	return tr.budget;
}

uint64_t trace_memory(void)
{
	return tr.memory;
}

void trace_set_context(uint64_t (*now)(void), const char *(*task_name)(void))
{
	tr.now = now;
	tr.task_name = task_name;
}

void trace_set_context_vars(const uint64_t *now, const char *const *task_name,
			    const uint64_t *task_hash)
{
	tr.now_var = now;
	tr.task_var = task_name;
	tr.task_hash_var = task_hash;
	fast_update();
	skip_update();
}

uint64_t trace_name_hash(const char *name)
{
	return trace_str_content_hash(name);
}

void trace_set_sink(trace_sink_fn sink, void *arg)
{
	tr.sink = sink;
	tr.sink_arg = arg;
	trace_set_sink_filter(NULL, NULL);
}

void trace_set_sink_filter(trace_want_fn want, void *arg)
{
	tr.want = want;
	tr.want_arg = arg;
	/* a site's answer from 0 (never asked) is never current */
	if (++tr.want_gen == 0)
		tr.want_gen = 1;
	skip_update();
}

/* Does the sink take @ev? The filter's answer for the site's kind,
 * asked again when the kind or the filter changed. */
static inline bool sink_wants(const struct trace_event *ev,
			      struct trace_site *site)
{
	if (!tr.want)
		return true;
	if (trace_unlikely(site->want_gen != tr.want_gen ||
			   site->want_kind != ev->kind)) {
		site->want = tr.want(ev->kind, tr.want_arg);
		site->want_kind = ev->kind;
		site->want_gen = tr.want_gen;
	}
	return site->want;
}

const char *trace_fmt(const char *fmt, ...)
{
	va_list ap;
	int len;
	char *s;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert(len >= 0);
	s = arena_alloc((size_t)len + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)len + 1, fmt, ap);
	va_end(ap);
	tr.last_fmt = s;
	return s;
}

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

/* @a into @k, which has room for the arguments used (and no more); its
 * strings are @a's pointers. */
static inline void copy_args_to(struct trace_args *k,
				const struct trace_args *a)
{
	/* the cases below copy at most eight */
	_Static_assert(TRACE_MAX_ARGS == 8, "copy_args_to() copies 8 args");
	/* fmt, nargs and strs in one block (16 bytes: two moves) */
	memcpy(k, a, offsetof(struct trace_args, arg));
	/* a few words: copied in line, not by a call to memcpy() */
	switch (a->nargs) {
	case 8:
		k->arg[7] = a->arg[7];
		/* fall through */
	case 7:
		k->arg[6] = a->arg[6];
		/* fall through */
	case 6:
		k->arg[5] = a->arg[5];
		/* fall through */
	case 5:
		k->arg[4] = a->arg[4];
		/* fall through */
	case 4:
		k->arg[3] = a->arg[3];
		/* fall through */
	case 3:
		k->arg[2] = a->arg[2];
		/* fall through */
	case 2:
		k->arg[1] = a->arg[1];
		/* fall through */
	case 1:
		k->arg[0] = a->arg[0];
		/* fall through */
	default:
		break;
	}
}

/* A kept copy of @a: only the arguments used, strings it does not own
 * copied. */
static const struct trace_args *keep_args(const struct trace_args *a,
					  int stable)
{
	struct trace_args *k = (struct trace_args *)arena_alloc(
		offsetof(struct trace_args, arg) +
		a->nargs * sizeof(a->arg[0]));

	copy_args_to(k, a);

	if (stable)
		return k;
	for (unsigned i = 0; i < a->nargs; i++) {
		const char *s = (const char *)(uintptr_t)a->arg[i];
		int st;

		if (!((a->strs >> i) & 1) || !s)
			continue;
		trace_str_ref(s, &st);
		if (!st)
			k->arg[i] = (uint64_t)(uintptr_t)arena_strdup(s);
	}
	return k;
}

/* A new chunk for kept events; NULL once the kept trace takes more than
 * its budget (it overshoots by at most the chunk that crossed it). */
static __attribute__((noinline)) struct trace_event *keep_grow(void)
{
	size_t bytes = EVENTS_PER_CHUNK * sizeof(struct trace_event);

	if (over_budget())
		return NULL;
	/* the trace's, not a machine image's (image.h) */
	image_pause(true);
	if (tr.nr_chunks == tr.cap_chunks) {
		size_t cap = tr.cap_chunks ? 2 * tr.cap_chunks : 16;
		tr.chunks = host_realloc(tr.chunks, cap * sizeof(*tr.chunks));
		tr.cap_chunks = cap;
	}
	if (spare.events) {
		tr.slot = spare.events;
		spare.events = NULL;
		mem_undefined(tr.slot, bytes);
	} else {
		tr.slot = host_malloc(bytes);
	}
	image_pause(false);
	tr.chunks[tr.nr_chunks++] = tr.slot;
	tr.slot_end = tr.slot + EVENTS_PER_CHUNK;
	tr.memory += bytes;
	fast_update();
	return tr.slot;
}

/* Room for one more kept event, or NULL over the budget. */
static inline struct trace_event *keep_slot(void)
{
	if (trace_unlikely(tr.slot == tr.slot_end) ||
	    trace_unlikely(over_budget()))
		return keep_grow();
	return tr.slot;
}

/* The hash of name *@p, which becomes a pointer that stays valid; from
 * the site's cache @cp/@ch when it is the pointer the site saw last. */
static inline uint64_t site_ref(const char **p, const char **cp, uint64_t *ch)
{
	const char *orig = *p;
	uint64_t h;

	if (orig == *cp)
		return *ch;
	h = trace_name_ref(p);
	/* only a pointer that stayed (a literal, an interned name) is the
	 * same text next time */
	if (*p == orig) {
		*cp = orig;
		*ch = h;
	}
	return h;
}

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

/* What a detail contributes: a plain one, its content; a TRACE_FMT() one,
 * its format then its arguments (strings by their contents). */
static uint64_t kept_detail_hash(const struct trace_event *ev)
{
	const struct trace_args *a = ev->args;
	uint64_t d;

	if (ev->detail || !a)
		return str_hash(ev->detail);
	d = str_hash(a->fmt) + 1;
	for (unsigned i = 0; i < a->nargs; i++) {
		uint64_t v = a->arg[i];

		if ((a->strs >> i) & 1)
			v = str_hash((const char *)(uintptr_t)v);
		d = d * K_DET + v;
	}
	return d;
}

/*
 * Kept events are hashed when the hash is asked for (or keeping stops):
 * recording them costs no hashing, and the hash is the same as if each had
 * been folded in as it came. Guarantees: every kept event is in tr.hash.
 */
static void fold_kept(void)
{
	if (!tr.hashing) {
		tr.hashed = tr.nr_kept;
		return;
	}
	for (; tr.hashed < tr.nr_kept; tr.hashed++) {
		const struct trace_event *ev = trace_event_at(tr.hashed);

		tr.hash = trace_mix(tr.hash,
				    fold_word(ev, str_hash(ev->task),
					      names_word(str_hash(ev->kind),
							 str_hash(ev->func),
							 str_hash(ev->queue)),
					      kept_detail_hash(ev)));
	}
}

/* Keep a copy of @ev, which owns what it must. Over the budget, keeping
 * stops (the events kept so far are hashed) and the event is not kept. */
static inline bool keep(const struct trace_event *ev, int detail_stable)
{
	struct trace_event *slot = keep_slot();

	if (trace_unlikely(!slot)) {
		tr.keep = false;
		trace_over_budget = true;
		fold_kept();
		fast_update();
		skip_update();
		return false;
	}
	*slot = *ev;
	/* A trace_fmt() result is in the arena already. */
	if (ev->detail && !detail_stable && ev->detail != tr.last_fmt)
		slot->detail = arena_strdup(ev->detail);
	if (ev->args)
		slot->args = keep_args(ev->args, detail_stable);
	tr.slot++;
	tr.nr_kept++;
	return true;
}

/* The site's names (kind, function, queue) become pointers that stay
 * valid, and their names_word(). */
static __attribute__((noinline)) uint64_t
site_names_slow(struct trace_event *ev, struct trace_site *site)
{
	uint64_t kh, fh, qh;

	kh = ev->kind ? site_ref(&ev->kind, &site->kind, &site->kind_h) : 0;
	fh = ev->func ? site_ref(&ev->func, &site->func, &site->func_h) : 0;
	qh = ev->queue ? site_ref(&ev->queue, &site->queue, &site->queue_h) : 0;
	/* The site's three may have moved even when they are not @ev's (a
	 * NULL or a buffer's text leaves its own untouched): its word
	 * follows them, so that it is right whenever they match. */
	site->names = names_word(site->kind_h, site->func_h, site->queue_h);
	return names_word(kh, fh, qh);
}

/* names_word() of @ev's names: the site's, kept for the three it saw
 * last (a site's names are literals or interned names, the same every
 * time, in all but a few sites); a fresh site's zeroes stand for three
 * NULLs. */
static inline uint64_t site_names(struct trace_event *ev,
				  struct trace_site *site)
{
	if (ev->kind == site->kind && ev->func == site->func &&
	    ev->queue == site->queue)
		return site->names;
	return site_names_slow(ev, site);
}

/* The task of @ev, by a pointer that stays valid, and its hash. */
static inline uint64_t emit_task(struct trace_event *ev)
{
	if (!ev->task && tr.task_var) {
		ev->task = *tr.task_var;
		return *tr.task_hash_var;
	}
	if (!ev->task)
		ev->task = tr.task_name ? tr.task_name() : "-";
	return trace_name_ref(&ev->task);
}

/*
 * Keep @ev (events are being kept): its names become pointers that stay
 * valid and it is copied, its detail's strings with it where they would
 * not stay; it is hashed when the hash is asked for (fold_kept()). False
 * over the budget: keeping has stopped and the caller hashes the event.
 */
static inline bool emit_keep(struct trace_event *ev, struct trace_site *site)
{
	const struct trace_args *a = ev->args;
	int stable = 1;

	emit_task(ev);
	site_names(ev, site);
	if (ev->detail) {
		ev->args = NULL;
		trace_str_ref(ev->detail, &stable);
	} else if (a && a->strs) {
		for (unsigned i = 0; i < a->nargs; i++) {
			int st;

			if ((a->strs >> i) & 1) {
				trace_str_ref(
					(const char *)(uintptr_t)a->arg[i],
					&st);
				stable &= st;
			}
		}
	}
	return keep(ev, stable);
}

/* Fold @ev into the running hash (events are not kept, or no longer). */
static inline void emit_hash(struct trace_event *ev, struct trace_site *site)
{
	const struct trace_args *a = ev->args;
	uint64_t d = 0, th = emit_task(ev), nw = site_names(ev, site);

	if (ev->detail) {
		int st;

		ev->args = NULL;
		d = trace_str_ref(ev->detail, &st);
	} else if (a) {
		d = site_ref(&(const char *){ a->fmt }, &site->fmt,
			     &site->fmt_h) +
		    1;
		for (unsigned i = 0; i < a->nargs; i++) {
			uint64_t v = a->arg[i];
			int st;

			if ((a->strs >> i) & 1)
				v = trace_str_ref((const char *)(uintptr_t)v,
						  &st);
			d = d * K_DET + v;
		}
	}
	tr.hash = trace_mix(tr.hash, fold_word(ev, th, nw, d));
}

/* An event that is neither kept nor hashed, for the sink: its task and
 * names made what emit_hash() makes them, a plain detail winning. */
static void emit_plain(struct trace_event *ev, struct trace_site *site)
{
	emit_task(ev);
	site_names(ev, site);
	if (ev->detail)
		ev->args = NULL;
}

/* An event nobody keeps or hashes: to the sink if it takes the kind;
 * otherwise the site learns that nobody consumes its events (see
 * TRACE()), unless its kind may change. */
static __attribute__((noinline)) void emit_unread(struct trace_event *ev,
						  struct trace_site *site)
{
	if (tr.sink && sink_wants(ev, site)) {
		ev->time_ns = tr.now_var ? *tr.now_var : tr.now ? tr.now() : 0;
		emit_plain(ev, site);
		tr.sink(ev, tr.sink_arg);
	} else if (!site->any_kind) {
		site->skip = trace__skip;
	}
}

/* An event when all it needs is to go to the sink (tr.to_sink): what
 * emit_slow() (and with a filter, emit_unread()) does then, without
 * their questions. */
static __attribute__((noinline)) void emit_to_sink(struct trace_event *ev,
						   struct trace_site *site)
{
	ev->seq = ++trace__count;
	if (tr.want && !sink_wants(ev, site)) {
		if (!site->any_kind)
			site->skip = trace__skip;
		return;
	}
	ev->time_ns = *tr.now_var;
	emit_plain(ev, site);
	tr.sink(ev, tr.sink_arg);
}

/* Every event trace_emit()'s fast path does not take. */
static __attribute__((noinline)) void emit_slow(struct trace_event *ev,
						struct trace_site *site)
{
	ev->seq = ++trace__count;
	if (trace__skip != TRACE__NO_SKIP) {
		emit_unread(ev, site);
		return;
	}
	ev->time_ns = tr.now_var ? *tr.now_var : tr.now ? tr.now() : 0;
	if (!tr.keep || trace_unlikely(!emit_keep(ev, site))) {
		if (tr.hashing)
			emit_hash(ev, site);
		else
			emit_plain(ev, site);
	}
	if (tr.sink && sink_wants(ev, site))
		tr.sink(ev, tr.sink_arg);
}

/* Hand @ev to the sink if it takes it. */
static __attribute__((noinline)) void emit_sink(const struct trace_event *ev,
						struct trace_site *site)
{
	if (sink_wants(ev, site))
		tr.sink(ev, tr.sink_arg);
}

/* Bytes of struct trace_event from kind to detail: what the caller
 * fills in and the fast path copies as they are (seq, time and task come
 * first, args last). */
#define CALLER_FIELDS                         \
	(offsetof(struct trace_event, args) - \
	 offsetof(struct trace_event, kind))
_Static_assert(offsetof(struct trace_event, kind) == 3 * sizeof(uint64_t) &&
		       offsetof(struct trace_event, args) +
				       sizeof(const struct trace_args *) ==
			       sizeof(struct trace_event),
	       "struct trace_event: seq, time_ns, task first, args last");

/*
 * Keep @ev in @slot, the next free one, with the copy of its arguments
 * @a (when it has some) at @k, their room in the arena taken: its seq,
 * time and task as emit_slow() would give them, its names as they are.
 */
static inline void emit_fast(struct trace_event *ev, struct trace_site *site,
			     struct trace_event *slot,
			     const struct trace_args *a, struct trace_args *k)
{
	if (a)
		copy_args_to(k, a);
	slot->seq = ++trace__count;
	slot->time_ns = *tr.now_var;
	slot->task = *tr.task_var;
	/* the caller's fields, kind to detail, as one block */
	memcpy(&slot->kind, &ev->kind, CALLER_FIELDS);
	slot->args = k;
	tr.slot = slot + 1;
	tr.nr_kept++;
	if (tr.sink)
		emit_sink(slot, site);
}

/* Room in the arena for the copy of @a, taken into *@k; false when the
 * arena has none (emit_slow() grows it). */
static inline bool fast_args_room(const struct trace_args *a,
				  struct trace_args **k)
{
	size_t size =
		offsetof(struct trace_args, arg) + a->nargs * sizeof(a->arg[0]);
	char *p = tr.arena_pos;

	if (trace_unlikely((size_t)(tr.arena_end - p) < size))
		return false;
	tr.arena_pos = p + size;
	*k = (struct trace_args *)p;
	return true;
}

/* trace_emit() of an event with string arguments: the fast path when
 * they all stay valid (out of line, so the common case needs no saved
 * registers). */
static __attribute__((noinline)) void emit_strs(struct trace_event *ev,
						struct trace_site *site)
{
	const struct trace_args *a = ev->args;
	struct trace_args *k;

	/* only the string arguments: the set bits of strs */
	for (unsigned m = a->strs; m; m &= m - 1) {
		const char *s =
			(const char *)(uintptr_t)a->arg[__builtin_ctz(m)];
		uint64_t h;

		if (s && !trace_imm_find(s, &h)) {
			emit_slow(ev, site);
			return;
		}
	}
	if (!fast_args_room(a, &k)) {
		emit_slow(ev, site);
		return;
	}
	emit_fast(ev, site, tr.slot, a, k);
}

/* trace_emit() of an event with a plain detail: the fast path when the
 * detail stays valid (a literal, an interned name), out of line like
 * emit_strs(). */
static __attribute__((noinline)) void emit_detail(struct trace_event *ev,
						  struct trace_site *site)
{
	uint64_t h;

	if (!trace_imm_find(ev->detail, &h)) {
		emit_slow(ev, site);
		return;
	}
	/* a plain detail wins over an argument list, as in emit_keep() */
	emit_fast(ev, site, tr.slot, NULL, NULL);
}

/*
 * The common case first, as a straight line: events are kept, the task
 * and the time come from the scheduler's variables, the site names the
 * three names it named last (so they are pointers that stay valid), a
 * plain detail, if any, stays valid (emit_detail()), so do the arguments'
 * strings (emit_strs()), and the arena has room for the argument list. The event
 * is then kept by emit_fast(): what emit_slow() would do, without its
 * questions. Anything else goes to emit_slow().
 */
void trace_emit(struct trace_event *ev, struct trace_site *site)
{
	struct trace_event *slot = tr.slot;
	const struct trace_args *a = ev->args;
	struct trace_args *k = NULL;

	if (trace_unlikely((uintptr_t)slot >= (uintptr_t)tr.fast_end) ||
	    trace_unlikely(ev->task != NULL) ||
	    trace_unlikely(ev->kind != site->kind || ev->func != site->func ||
			   ev->queue != site->queue)) {
		if (tr.to_sink)
			emit_to_sink(ev, site);
		else
			emit_slow(ev, site);
		return;
	}
	if (ev->detail) {
		emit_detail(ev, site);
		return;
	}
	if (a) {
		if (a->strs) {
			emit_strs(ev, site);
			return;
		}
		if (trace_unlikely(!fast_args_room(a, &k))) {
			emit_slow(ev, site);
			return;
		}
	}
	emit_fast(ev, site, slot, a, k);
}

uint64_t trace_count(void)
{
	return trace__count;
}

size_t trace_kept(void)
{
	return tr.nr_kept;
}

const struct trace_event *trace_event_at(size_t i)
{
	if (i >= tr.nr_kept)
		return NULL;
	return &tr.chunks[i / EVENTS_PER_CHUNK][i % EVENTS_PER_CHUNK];
}

uint64_t trace_hash(void)
{
	fold_kept();
	return tr.hashing ? tr.hash : 0;
}

void trace_write_text(FILE *out)
{
	for (size_t i = 0; i < tr.nr_kept; i++)
		trace_write_event(out, trace_event_at(i), false);
}

void trace_write_jsonl(FILE *out)
{
	for (size_t i = 0; i < tr.nr_kept; i++)
		trace_write_event(out, trace_event_at(i), true);
}

long trace_find(const char *needle, size_t from)
{
	char line[1024], *big = NULL;
	long found = -1;

	for (size_t i = from; i < tr.nr_kept && found < 0; i++) {
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
