// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace.c - the run's event log: recording. Its other parts: the kept
 * events' storage, budget and reading back (trace_store.c), the hash
 * (trace_hash.c), what the recorder is set to do (trace_setup.c);
 * trace_record_internal.h is what they share.
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

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/trace/trace_record_internal.h"

struct trace_rec trace_rec = { .hash = TRACE_FNV_OFFSET,
			       .keep = true,
			       .hashing = true,
			       .budget = TRACE_DEFAULT_BUDGET,
			       .want_gen = 1 };

bool trace_enabled;
bool trace_over_budget;
uint64_t trace__count;

static const char *arena_strdup(const char *s)
{
	size_t len = strlen(s) + 1;

	return memcpy(arena_alloc(len), s, len);
}

/* Nobody consumes @site's events until the consumers change (see
 * TRACE()); a TRACE_ANY() site's next kind may be another's. */
static inline void site_skip(struct trace_site *site)
{
	if (site->any_kind || site->skip)
		return;
	site->skip = true;
	site->skip_next = trace_rec.skipping;
	trace_rec.skipping = site;
}

/* Does the sink take @ev? The filter's answer for the site's kind,
 * asked again when the kind or the filter changed. */
static inline bool sink_wants(const struct trace_event *ev,
			      struct trace_site *site)
{
	if (!trace_rec.want)
		return true;
	if (trace_unlikely(site->want_gen != trace_rec.want_gen ||
			   site->want_kind != ev->kind)) {
		site->want = trace_rec.want(ev->kind, trace_rec.want_arg);
		site->want_kind = ev->kind;
		site->want_gen = trace_rec.want_gen;
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
	trace_rec.last_fmt = s;
	return s;
}

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

/* Keep a copy of @ev, which owns what it must. Over the budget, keeping
 * stops (the events kept so far are hashed) and the event is not kept. */
static inline bool keep(const struct trace_event *ev, int detail_stable)
{
	struct trace_event *slot = keep_slot();

	if (trace_unlikely(!slot)) {
		trace_rec.keep = false;
		trace_over_budget = true;
		trace_fold_kept();
		trace_fast_update();
		trace_skip_update();
		return false;
	}
	*slot = *ev;
	/* A trace_fmt() result is in the arena already. */
	if (ev->detail && !detail_stable && ev->detail != trace_rec.last_fmt)
		slot->detail = arena_strdup(ev->detail);
	if (ev->args)
		slot->args = keep_args(ev->args, detail_stable);
	trace_rec.slot++;
	trace_rec.nr_kept++;
	return true;
}

/* The site's names (kind, function, queue) become pointers that stay
 * valid, and their names_word(). */
static __attribute__((noinline)) uint64_t
site_names_slow(struct trace_event *ev, struct trace_site *site)
{
	const char *kind = site->kind;
	uint64_t kh, fh, qh;

	kh = ev->kind ? site_ref(&ev->kind, &site->kind, &site->kind_h) : 0;
	/* the sink's answer was for the kind before */
	if (site->kind != kind)
		site->sink_gen = 0;
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
	if (!ev->task && trace_rec.task_var) {
		ev->task = *trace_rec.task_var;
		return *trace_rec.task_hash_var;
	}
	if (!ev->task)
		ev->task = trace_rec.task_name ? trace_rec.task_name() : "-";
	return trace_name_ref(&ev->task);
}

/*
 * Keep @ev (events are being kept): its names become pointers that stay
 * valid and it is copied, its detail's strings with it where they would
 * not stay; it is hashed when the hash is asked for (trace_fold_kept()). False
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
	trace_rec.hash = trace_mix(trace_rec.hash, fold_word(ev, th, nw, d));
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
	if (trace_rec.sink && sink_wants(ev, site)) {
		ev->time_ns = trace_rec.now_var ? *trace_rec.now_var :
			      trace_rec.now	? trace_rec.now() :
						  0;
		emit_plain(ev, site);
		trace_rec.sink(ev, trace_rec.sink_arg);
	} else {
		site_skip(site);
	}
}

/* emit_to_sink() past its common case: the filter asked again, the task
 * or the names looked up. */
static __attribute__((noinline)) void emit_to_sink_slow(struct trace_event *ev,
							struct trace_site *site)
{
	if (trace_rec.want && !sink_wants(ev, site)) {
		site_skip(site);
		return;
	}
	ev->time_ns = *trace_rec.now_var;
	emit_plain(ev, site);
	/* the sink takes the site's kind (the event's, now made to stay)
	 * until the filter changes (or the site's kind: site_names_slow());
	 * a TRACE() site's kind is one literal, so that emit_to_sink() need
	 * not compare it: a TRACE_ANY() site's stays on this path */
	if (ev->kind == site->kind && !site->any_kind)
		site->sink_gen = trace_rec.want_gen;
	trace_rec.sink(ev, trace_rec.sink_arg);
}

/*
 * An event when all it needs is to go to the sink (trace_rec.to_sink): what
 * emit_slow() (and with a filter, emit_unread()) does then, without
 * their questions. Its common case (the sink found to take the site's
 * kind under the current filter, the task the scheduler's, the site's
 * function and queue those it saw last) makes no call but the sink's, a
 * tail call, so that it saves no registers; what emit_plain() would do
 * then is two stores. The kind is not compared: sink_gen is set only for
 * a TRACE() site, whose kind is the literal it names every time (and the
 * site's once it stays: a kind that does not stay never sets it).
 */
static __attribute__((noinline)) void emit_to_sink(struct trace_event *ev,
						   struct trace_site *site)
{
	ev->seq = ++trace__count;
	if (trace_unlikely(ev->task || ev->func != site->func ||
			   ev->queue != site->queue ||
			   site->sink_gen != trace_rec.want_gen)) {
		emit_to_sink_slow(ev, site);
		return;
	}
	ev->task = *trace_rec.task_var;
	ev->time_ns = *trace_rec.now_var;
	if (ev->detail)
		ev->args = NULL;
	trace_rec.sink(ev, trace_rec.sink_arg);
}

/* Every event trace_emit()'s fast path does not take. */
static __attribute__((noinline)) void emit_slow(struct trace_event *ev,
						struct trace_site *site)
{
	ev->seq = ++trace__count;
	if (trace_rec.may_skip) {
		emit_unread(ev, site);
		return;
	}
	ev->time_ns = trace_rec.now_var ? *trace_rec.now_var :
		      trace_rec.now	? trace_rec.now() :
					  0;
	if (!trace_rec.keep || trace_unlikely(!emit_keep(ev, site))) {
		if (trace_rec.hashing)
			emit_hash(ev, site);
		else
			emit_plain(ev, site);
	}
	if (trace_rec.sink && sink_wants(ev, site))
		trace_rec.sink(ev, trace_rec.sink_arg);
}

/* Hand @ev to the sink if it takes it. */
static __attribute__((noinline)) void emit_sink(const struct trace_event *ev,
						struct trace_site *site)
{
	if (sink_wants(ev, site))
		trace_rec.sink(ev, trace_rec.sink_arg);
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
	slot->time_ns = *trace_rec.now_var;
	slot->task = *trace_rec.task_var;
	/* the caller's fields, kind to detail, as one block */
	memcpy(&slot->kind, &ev->kind, CALLER_FIELDS);
	slot->args = k;
	trace_rec.slot = slot + 1;
	trace_rec.nr_kept++;
	if (trace_rec.sink)
		emit_sink(slot, site);
}

/* Room in the arena for the copy of @a, taken into *@k; false when the
 * arena has none (emit_slow() grows it). */
static inline bool fast_args_room(const struct trace_args *a,
				  struct trace_args **k)
{
	size_t size =
		offsetof(struct trace_args, arg) + a->nargs * sizeof(a->arg[0]);
	char *p = trace_rec.arena_pos;

	if (trace_unlikely((size_t)(trace_rec.arena_end - p) < size))
		return false;
	trace_rec.arena_pos = p + size;
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
	emit_fast(ev, site, trace_rec.slot, a, k);
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
	emit_fast(ev, site, trace_rec.slot, NULL, NULL);
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
	struct trace_event *slot = trace_rec.slot;
	const struct trace_args *a = ev->args;
	struct trace_args *k = NULL;

	if (trace_unlikely((uintptr_t)slot >= (uintptr_t)trace_rec.fast_end) ||
	    trace_unlikely(ev->task != NULL) ||
	    trace_unlikely(ev->kind != site->kind || ev->func != site->func ||
			   ev->queue != site->queue)) {
		if (trace_rec.to_sink)
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
