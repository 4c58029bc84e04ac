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
 */
#include "sim/trace/trace.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace/trace_internal.h"

#define ARENA_CHUNK	 65536
#define EVENTS_PER_CHUNK 1024

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	char data[];
};

static struct {
	struct trace_event **chunks; /* EVENTS_PER_CHUNK events each */
	size_t nr_chunks, cap_chunks;
	size_t nr_kept;
	uint64_t count;
	uint64_t hash;
	bool keep;
	uint64_t budget, memory;
	struct arena_chunk *arena;
	uint64_t (*now)(void);
	const char *(*task_name)(void);
	trace_sink_fn sink;
	void *sink_arg;
	const char *last_fmt; /* latest trace_fmt() result, already stored */
} tr = { .hash = TRACE_FNV_OFFSET,
	 .keep = true,
	 .budget = TRACE_DEFAULT_BUDGET };

bool trace_enabled;
bool trace_over_budget;

void *trace_xmalloc(size_t size)
{
	void *p = malloc(size);

	if (!p) {
		fprintf(stderr, "vfsim: trace: out of host memory\n");
		abort();
	}
	return p;
}

static char *arena_alloc(size_t len)
{
	struct arena_chunk *c = tr.arena;

	len = (len + 7) & ~(size_t)7;
	if (!c || c->size - c->used < len) {
		size_t size = len > ARENA_CHUNK ? len : ARENA_CHUNK;

		c = trace_xmalloc(sizeof(*c) + size);
		c->size = size;
		c->used = 0;
		c->next = tr.arena;
		tr.arena = c;
		tr.memory += sizeof(*c) + size;
	}
	c->used += len;
	return c->data + c->used - len;
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

		free(tr.arena);
		tr.arena = next;
	}
	for (size_t i = 0; i < tr.nr_chunks; i++)
		free(tr.chunks[i]);
	free(tr.chunks);
	tr.chunks = NULL;
	tr.nr_chunks = tr.cap_chunks = 0;
	tr.nr_kept = 0;
	tr.memory = 0;
	tr.count = 0;
	tr.hash = TRACE_FNV_OFFSET;
	tr.last_fmt = NULL;
	trace_over_budget = false;
	trace_enabled = enable;
}

void trace_enable(bool enable)
{
	trace_enabled = enable;
}

void trace_set_keep(bool keep)
{
	tr.keep = keep;
}

bool trace_keeping(void)
{
	return tr.keep;
}

void trace_set_budget(uint64_t bytes)
{
	tr.budget = bytes;
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

void trace_set_sink(trace_sink_fn sink, void *arg)
{
	tr.sink = sink;
	tr.sink_arg = arg;
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

/* The hash of a TRACE_FMT() detail: its format, then each argument (a
 * string by its contents); *stable clears when a string must be copied
 * to be kept. */
static uint64_t args_hash(uint64_t h, const struct trace_args *a, int *stable)
{
	int st;

	h = trace_mix(h, trace_str_ref(a->fmt, &st));
	*stable = st;
	for (unsigned i = 0; i < a->nargs; i++) {
		uint64_t v = a->arg[i];

		if ((a->strs >> i) & 1) {
			v = trace_str_ref((const char *)(uintptr_t)v, &st);
			*stable &= st;
		}
		h = trace_mix(h, v);
	}
	return h;
}

/* A kept copy of @a: only the arguments used, strings it does not own
 * copied. */
static const struct trace_args *keep_args(const struct trace_args *a,
					  int stable)
{
	size_t size =
		offsetof(struct trace_args, arg) + a->nargs * sizeof(a->arg[0]);
	struct trace_args *k = (struct trace_args *)arena_alloc(size);

	memcpy(k, a, size);
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

/* Room for one more kept event; NULL once the kept trace takes more
 * than its budget (it overshoots by at most the chunk that crossed it). */
static struct trace_event *keep_slot(void)
{
	size_t chunk = tr.nr_kept / EVENTS_PER_CHUNK;

	if (tr.budget && tr.memory > tr.budget)
		return NULL;
	if (chunk == tr.nr_chunks) {
		size_t bytes = EVENTS_PER_CHUNK * sizeof(struct trace_event);

		if (tr.nr_chunks == tr.cap_chunks) {
			size_t cap = tr.cap_chunks ? 2 * tr.cap_chunks : 16;
			struct trace_event **c =
				realloc(tr.chunks, cap * sizeof(*c));

			if (!c) {
				fprintf(stderr,
					"vfsim: trace: out of host memory\n");
				abort();
			}
			tr.chunks = c;
			tr.cap_chunks = cap;
		}
		tr.chunks[tr.nr_chunks++] = trace_xmalloc(bytes);
		tr.memory += bytes;
	}
	return &tr.chunks[chunk][tr.nr_kept % EVENTS_PER_CHUNK];
}

void trace_emit(const struct trace_event *in)
{
	struct trace_event ev = *in;
	int detail_stable = 1;
	uint64_t h = tr.hash;

	ev.seq = ++tr.count;
	ev.time_ns = tr.now ? tr.now() : 0;
	if (!ev.task)
		ev.task = tr.task_name ? tr.task_name() : "-";
	h = trace_mix(h, ev.time_ns);
	h = trace_mix(h, trace_name_ref(&ev.task));
	h = trace_mix(h, ev.kind ? trace_name_ref(&ev.kind) : 0);
	h = trace_mix(h, ev.func ? trace_name_ref(&ev.func) : 0);
	h = trace_mix(h, ev.queue ? trace_name_ref(&ev.queue) : 0);
	h = trace_mix(h, (uint64_t)(uint32_t)ev.head |
				 (uint64_t)(uint32_t)ev.avail_idx << 32);
	h = trace_mix(h, (uint64_t)(uint32_t)ev.used_idx |
				 (uint64_t)(uint32_t)ev.opcode << 32);
	h = trace_mix(h, ev.unique);
	if (ev.detail) {
		ev.args = NULL;
		h = trace_mix(h, trace_str_ref(ev.detail, &detail_stable));
	} else if (ev.args) {
		h = args_hash(trace_mix(h, 1), ev.args, &detail_stable);
	} else {
		h = trace_mix(h, 0);
	}
	tr.hash = h;

	if (tr.keep) {
		struct trace_event *slot = keep_slot();

		if (!slot) {
			tr.keep = false;
			trace_over_budget = true;
		} else {
			/* A trace_fmt() result is in the arena already. */
			if (ev.detail && !detail_stable &&
			    ev.detail != tr.last_fmt)
				ev.detail = arena_strdup(ev.detail);
			if (ev.args)
				ev.args = keep_args(ev.args, detail_stable);
			*slot = ev;
			tr.nr_kept++;
		}
	}
	tr.last_fmt = NULL;
	if (tr.sink)
		tr.sink(&ev, tr.sink_arg);
}

uint64_t trace_count(void)
{
	return tr.count;
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
	return tr.hash;
}

/* Format into a stack buffer, falling back to the heap for long events. */
static void write_one(FILE *out, const struct trace_event *ev,
		      int (*fmt)(const struct trace_event *, char *, size_t))
{
	char line[1024];
	int len = fmt(ev, line, sizeof(line));

	if (len < (int)sizeof(line)) {
		line[len] = '\n';
		fwrite(line, 1, (size_t)len + 1, out);
	} else {
		char *big = trace_xmalloc((size_t)len + 2);

		fmt(ev, big, (size_t)len + 1);
		big[len] = '\n';
		fwrite(big, 1, (size_t)len + 1, out);
		free(big);
	}
}

void trace_write_text(FILE *out)
{
	for (size_t i = 0; i < tr.nr_kept; i++)
		write_one(out, trace_event_at(i), trace_format_text);
}

void trace_write_jsonl(FILE *out)
{
	for (size_t i = 0; i < tr.nr_kept; i++)
		write_one(out, trace_event_at(i), trace_format_json);
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
			big = trace_xmalloc((size_t)len + 1);
			trace_format_text(ev, big, (size_t)len + 1);
			text = big;
		}
		if (strstr(text, needle))
			found = (long)i;
		free(big);
		big = NULL;
	}
	return found;
}
