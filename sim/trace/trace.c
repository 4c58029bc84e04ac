// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace.c - the run's event log.
 *
 * Events are kept in a growable array; their strings live in an arena that
 * is freed as a whole by trace_reset(). Task and queue names are interned
 * (one copy per distinct name) so the events outlive the tasks and queues
 * that made them. The hash is folded in at emit time over the text form,
 * which makes "same hash" mean "same text trace" even when events are not
 * kept.
 */
#include "sim/trace/trace.h"

#include "fuse_proto/fuse_msg.h"
#include "sim/trace/host.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define FNV_OFFSET  0xcbf29ce484222325ULL
#define FNV_PRIME   0x100000001b3ULL
#define ARENA_CHUNK 65536
#define INTERN_MIN  64

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	char data[];
};

static struct {
	struct trace_event *ev;
	size_t nr_kept, cap;
	uint64_t count;
	uint64_t hash;
	bool keep;
	struct arena_chunk *arena;
	const char **intern; /* open addressing, power-of-two size */
	size_t intern_size, intern_used;
	uint64_t (*now)(void);
	const char *(*task_name)(void);
	trace_sink_fn sink;
	void *sink_arg;
	const char *last_fmt; /* latest trace_fmt() result, already stored */
} tr = { .hash = FNV_OFFSET, .keep = true };

bool trace_enabled;

static char *arena_alloc(size_t len)
{
	struct arena_chunk *c = tr.arena;

	if (!c || c->size - c->used < len) {
		size_t size = len > ARENA_CHUNK ? len : ARENA_CHUNK;

		c = host_malloc(sizeof(*c) + size);
		c->size = size;
		c->used = 0;
		c->next = tr.arena;
		tr.arena = c;
	}
	c->used += len;
	return c->data + c->used - len;
}

static const char *arena_strdup(const char *s)
{
	size_t len = strlen(s) + 1;

	return memcpy(arena_alloc(len), s, len);
}

static uint64_t fnv1a(uint64_t h, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= FNV_PRIME;
	}
	return h;
}

static void intern_grow(void)
{
	size_t old_size = tr.intern_size;
	const char **old = tr.intern;

	tr.intern_size = old_size ? old_size * 2 : INTERN_MIN;
	tr.intern = host_calloc(tr.intern_size, sizeof(*tr.intern));
	for (size_t i = 0; i < old_size; i++) {
		size_t j;

		if (!old[i])
			continue;
		j = fnv1a(FNV_OFFSET, old[i], strlen(old[i])) &
		    (tr.intern_size - 1);
		while (tr.intern[j])
			j = (j + 1) & (tr.intern_size - 1);
		tr.intern[j] = old[i];
	}
	free(old);
}

/* One stored copy per distinct string; the copy lives until trace_reset(). */
static const char *intern(const char *s)
{
	size_t i;

	if (!s)
		return NULL;
	if (2 * (tr.intern_used + 1) > tr.intern_size)
		intern_grow();
	i = fnv1a(FNV_OFFSET, s, strlen(s)) & (tr.intern_size - 1);
	while (tr.intern[i]) {
		if (!strcmp(tr.intern[i], s))
			return tr.intern[i];
		i = (i + 1) & (tr.intern_size - 1);
	}
	tr.intern[i] = arena_strdup(s);
	tr.intern_used++;
	return tr.intern[i];
}

void trace_reset(bool enable)
{
	while (tr.arena) {
		struct arena_chunk *next = tr.arena->next;

		free(tr.arena);
		tr.arena = next;
	}
	free(tr.ev);
	free(tr.intern);
	tr.ev = NULL;
	tr.intern = NULL;
	tr.nr_kept = tr.cap = 0;
	tr.intern_size = tr.intern_used = 0;
	tr.count = 0;
	tr.hash = FNV_OFFSET;
	tr.last_fmt = NULL;
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

void trace_emit(const struct trace_event *in)
{
	struct trace_event ev = *in;
	char line[512];
	int len;

	ev.seq = ++tr.count;
	ev.time_ns = tr.now ? tr.now() : 0;
	ev.task = intern(ev.task      ? ev.task :
			 tr.task_name ? tr.task_name() :
					"-");
	ev.queue = intern(ev.queue);
	/* kind and func are string literals. The detail may be any string,
	 * including one inside an object about to be freed (a tag, a name):
	 * keep a copy, unless it is the trace_fmt() result just stored. */
	if (ev.detail && ev.detail != tr.last_fmt)
		ev.detail = arena_strdup(ev.detail);
	tr.last_fmt = NULL;

	len = trace_format_text(&ev, line, sizeof(line));
	if (len < (int)sizeof(line)) {
		tr.hash = fnv1a(tr.hash, line, (size_t)len);
	} else {
		char *big = host_malloc((size_t)len + 1);

		trace_format_text(&ev, big, (size_t)len + 1);
		tr.hash = fnv1a(tr.hash, big, (size_t)len);
		free(big);
	}
	tr.hash = fnv1a(tr.hash, "\n", 1);

	if (tr.keep) {
		if (tr.nr_kept == tr.cap) {
			size_t cap = tr.cap ? tr.cap * 2 : 1024;
			tr.ev = host_realloc(tr.ev, cap * sizeof(*tr.ev));
			tr.cap = cap;
		}
		tr.ev[tr.nr_kept++] = ev;
	}
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
	return i < tr.nr_kept ? &tr.ev[i] : NULL;
}

uint64_t trace_hash(void)
{
	return tr.hash;
}

/* Append to a fixed buffer, tracking the length a full rendering needs. */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	size_t room = o->len < o->size ? o->size - o->len : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n;
}

static const char *opname(int32_t opcode, char *tmp, size_t size)
{
	const char *name = fuse_opcode_name((uint32_t)opcode);

	if (name)
		return name;
	snprintf(tmp, size, "%d", opcode);
	return tmp;
}

int trace_format_text(const struct trace_event *ev, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	char tmp[16];

	if (size)
		buf[0] = '\0';
	put(&o, "%6llu.%03llu us #%-6llu %-12s %-14s %s",
	    (unsigned long long)(ev->time_ns / 1000),
	    (unsigned long long)(ev->time_ns % 1000),
	    (unsigned long long)ev->seq, ev->task ? ev->task : "-",
	    ev->kind ? ev->kind : "-", ev->func ? ev->func : "-");
	if (ev->queue)
		put(&o, " q=%s", ev->queue);
	if (ev->head >= 0)
		put(&o, " head=%d", ev->head);
	if (ev->avail_idx >= 0)
		put(&o, " avail=%d", ev->avail_idx);
	if (ev->used_idx >= 0)
		put(&o, " used=%d", ev->used_idx);
	if (ev->unique)
		put(&o, " unique=%llu", (unsigned long long)ev->unique);
	if (ev->opcode >= 0)
		put(&o, " op=%s", opname(ev->opcode, tmp, sizeof(tmp)));
	if (ev->detail)
		put(&o, " %s", ev->detail);
	return (int)o.len;
}

static void put_json_string(struct out *o, const char *key, const char *s)
{
	put(o, ",\"%s\":\"", key);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			put(o, "\\%c", c);
		else if (c < 0x20)
			put(o, "\\u%04x", c);
		else
			put(o, "%c", c);
	}
	put(o, "\"");
}

int trace_format_json(const struct trace_event *ev, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	char tmp[16];

	if (size)
		buf[0] = '\0';
	put(&o, "{\"seq\":%llu,\"time_ns\":%llu", (unsigned long long)ev->seq,
	    (unsigned long long)ev->time_ns);
	put_json_string(&o, "task", ev->task ? ev->task : "-");
	put_json_string(&o, "kind", ev->kind ? ev->kind : "-");
	put_json_string(&o, "func", ev->func ? ev->func : "-");
	if (ev->queue)
		put_json_string(&o, "queue", ev->queue);
	if (ev->head >= 0)
		put(&o, ",\"head\":%d", ev->head);
	if (ev->avail_idx >= 0)
		put(&o, ",\"avail\":%d", ev->avail_idx);
	if (ev->used_idx >= 0)
		put(&o, ",\"used\":%d", ev->used_idx);
	if (ev->unique)
		put(&o, ",\"unique\":%llu", (unsigned long long)ev->unique);
	if (ev->opcode >= 0)
		put_json_string(&o, "opcode",
				opname(ev->opcode, tmp, sizeof(tmp)));
	if (ev->detail)
		put_json_string(&o, "detail", ev->detail);
	put(&o, "}");
	return (int)o.len;
}

/* Format into a stack buffer, falling back to the heap for long events. */
static void write_one(FILE *out, const struct trace_event *ev,
		      int (*fmt)(const struct trace_event *, char *, size_t))
{
	char line[512];
	int len = fmt(ev, line, sizeof(line));

	if (len < (int)sizeof(line)) {
		fprintf(out, "%s\n", line);
	} else {
		char *big = host_malloc((size_t)len + 1);

		fmt(ev, big, (size_t)len + 1);
		fprintf(out, "%s\n", big);
		free(big);
	}
}

void trace_write_text(FILE *out)
{
	for (size_t i = 0; i < tr.nr_kept; i++)
		write_one(out, &tr.ev[i], trace_format_text);
}

void trace_write_jsonl(FILE *out)
{
	for (size_t i = 0; i < tr.nr_kept; i++)
		write_one(out, &tr.ev[i], trace_format_json);
}

long trace_find(const char *needle, size_t from)
{
	char line[512];

	for (size_t i = from; i < tr.nr_kept; i++) {
		trace_format_text(&tr.ev[i], line, sizeof(line));
		if (strstr(line, needle))
			return (long)i;
	}
	return -1;
}
