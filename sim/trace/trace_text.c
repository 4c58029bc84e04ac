// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace_text.c - an event as the line of text of `vfsim run`, and the
 * growing text a trace is written into (struct trace_text, a FILE).
 *
 * This runs for every event of a text trace, so it does not go through
 * printf: a line is put together field by field, bytes copied a piece at
 * a time while the buffer has room (trace_text_internal.h); the line's
 * head and its names' columns are kept from the lines before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "sim/trace/host.h"
#include "sim/trace/trace_text_internal.h"

/* @s left-justified in @width columns, as "%-Ns". */
static inline void put_left(struct out *o, const char *s, size_t width)
{
	size_t n = strlen(s);

	put_mem(o, s, n);
	if (n < width)
		put_fill(o, ' ', width - n);
}

/* The time column, "%6llu.%03llu" of microseconds and the nanoseconds
 * past them, put together in one piece. */
static inline void put_time(struct out *o, uint64_t ns)
{
	char tmp[32], *end = tmp + sizeof(tmp), *p = end - 3;
	unsigned frac = (unsigned)(ns % 1000);

	p[0] = (char)('0' + frac / 100);
	p[1] = (char)('0' + frac / 10 % 10);
	p[2] = (char)('0' + frac % 10);
	*--p = '.';
	p = digits(p, ns / 1000, 10, 0);
	while (end - p < 10)
		*--p = ' ';
	put_mem(o, p, (size_t)(end - p));
}

#define OPNAMES 64 /* FUSE's opcodes are below, but CUSE_INIT */

#define OPNAME_MAX 32 /* the longest name is 24 bytes */

/* The names of the opcodes below OPNAMES as they are first met, in
 * blocks of OPNAME_MAX bytes (len 0: not yet, or none). */
static struct {
	size_t len;
	char text[OPNAME_MAX];
} opnames[OPNAMES];

/* The name of @opcode (its number when it has none), remembered. */
static __attribute__((noinline)) void put_opname_new(struct out *o,
						     int32_t opcode)
{
	const char *name = fuse_opcode_name((uint32_t)opcode);
	size_t len;

	if (!name) {
		trace_put_sdec(o, opcode);
		return;
	}
	len = strlen(name);
	if (opcode < OPNAMES && len < OPNAME_MAX) {
		memcpy(opnames[opcode].text, name, len);
		opnames[opcode].len = len;
	}
	put_mem(o, name, len);
}

static inline void put_opname(struct out *o, int32_t opcode)
{
	if (opcode < OPNAMES && opnames[opcode].len)
		put_block(o, opnames[opcode].text, opnames[opcode].len,
			  OPNAME_MAX);
	else
		put_opname_new(o, opcode);
}

/* " key=" and a number when it is present (not negative): @key has
 * eight bytes to read (a put_block()). */
static inline void put_field(struct out *o, const char key[8], size_t klen,
			     int32_t v)
{
	if (v < 0)
		return;
	put_block(o, key, klen, 8);
	put_udec(o, (uint64_t)v);
}

/* The names' columns: task, kind, function and queue. */
static void put_names_now(struct out *o, const struct trace_event *ev)
{
	put_left(o, ev->task ? ev->task : "-", 12);
	put_ch(o, ' ');
	put_left(o, ev->kind ? ev->kind : "-", 14);
	put_ch(o, ' ');
	put_str(o, ev->func ? ev->func : "-");
	if (ev->queue) {
		put_mem(o, " q=", 3);
		put_str(o, ev->queue);
	}
}

/* A pointer whose text never changes: NULL, a literal or an interned
 * name (the ones the trace records its events with). */
static inline bool lasting(const char *p)
{
	uint64_t h;

	return !p || trace_imm_find(p, &h);
}

/* 256 sets: with 128, the round trip's name tuples filled some set
 * three deep in a build whose string literals sat elsewhere (the slab's
 * fifth round moved them), and each event of that set missed every time */
#define NAMES_CACHE_BITS 8
#define NAMES_TEXT_MAX	 128

/* The names' columns of recent events, by their four pointers: the same
 * call site in the same task and queue formats to the same bytes. Only
 * pointers whose text never changes are remembered, so equal pointers
 * mean equal text. Two ways a set, the newer first. One per process,
 * like the trace. */
static struct names_text {
	const char *task, *kind, *func, *queue;
	size_t len; /* 0: empty */
	char text[NAMES_TEXT_MAX];
} names_cache[1u << NAMES_CACHE_BITS][2];

static inline bool names_match(const struct names_text *c,
			       const struct trace_event *ev)
{
	return c->len && c->kind == ev->kind && c->task == ev->task &&
	       c->func == ev->func && c->queue == ev->queue;
}

/* The set of the names' cache where @ev's names would be. */
static inline struct names_text *names_set(const struct trace_event *ev)
{
	uint64_t k = (uint64_t)(uintptr_t)ev->kind * 0x9e3779b97f4a7c15ULL ^
		     (uint64_t)(uintptr_t)ev->func * 0xd6e8feb86659fd93ULL ^
		     (uint64_t)(uintptr_t)ev->task * 0xc2b2ae3d27d4eb4fULL ^
		     (uint64_t)(uintptr_t)ev->queue;

	return names_cache[(k * 0xff51afd7ed558ccdULL) >>
			   (64 - NAMES_CACHE_BITS)];
}

/* @ev's names' columns remembered, or NULL. */
static inline const struct names_text *names_find(const struct trace_event *ev)
{
	struct names_text *set = names_set(ev);

	if (names_match(&set[0], ev))
		return &set[0];
	if (names_match(&set[1], ev))
		return &set[1];
	return NULL;
}

/* The names' columns not remembered: formatted, and remembered when
 * their text never changes. */
static __attribute__((noinline)) void
put_names_new(struct out *o, const struct trace_event *ev)
{
	struct names_text *set = names_set(ev);
	char text[NAMES_TEXT_MAX];
	struct out t;

	if (!lasting(ev->task) || !lasting(ev->kind) || !lasting(ev->func) ||
	    !lasting(ev->queue)) {
		put_names_now(o, ev);
		return;
	}
	t = (struct out){ text, sizeof(text), 0 };
	put_names_now(&t, ev);
	if (t.len < sizeof(text)) {
		set[1] = set[0];
		set[0] = (struct names_text){ .task = ev->task,
					      .kind = ev->kind,
					      .func = ev->func,
					      .queue = ev->queue,
					      .len = t.len };
		memcpy(set[0].text, text, t.len);
	}
	put_names_now(o, ev);
}

#define HEAD_MAX 64 /* 21 bytes of time, 5, 20 digits and a space fit */

/* The head of the line last formatted: its time ("%6llu.%03llu" of
 * microseconds and the nanoseconds past them), " us #" and its number
 * ("%-6llu "). The next line of a trace is nearly always the next number
 * at the same time, so the head is reused with its number counted up in
 * place, neither formatted again. One per process, like the names'
 * cache (vfsim's own). */
static struct {
	uint64_t ns, seq;
	size_t len;		/* 0: empty */
	size_t seq_at, seq_end; /* where the number's digits are */
	char text[HEAD_MAX];
} head;

/* The head of a line at @ns numbered @seq, formatted afresh. */
static void head_build(uint64_t ns, uint64_t seq)
{
	struct out t = { head.text, sizeof(head.text), 0 };
	char tmp[24], *p = digits(tmp + sizeof(tmp), seq, 10, 0);
	size_t n = (size_t)(tmp + sizeof(tmp) - p);

	put_time(&t, ns);
	put_mem(&t, " us #", 5);
	head.seq_at = t.len;
	put_mem(&t, p, n);
	head.seq_end = t.len;
	if (n < 6)
		put_fill(&t, ' ', 6 - n);
	put_ch(&t, ' ');
	head.len = t.len;
	head.ns = ns;
	head.seq = seq;
}

/* The head's number counted up by one in place; false when it needs one
 * digit more (the head is then rebuilt). */
static inline bool head_next(void)
{
	for (size_t i = head.seq_end; i-- > head.seq_at;) {
		if (head.text[i] != '9') {
			head.text[i]++;
			head.seq++;
			return true;
		}
		head.text[i] = '0';
	}
	return false;
}

/* The head made the one of a line at @ns numbered @seq. */
static inline void head_set(uint64_t ns, uint64_t seq)
{
	if (!head.len || ns != head.ns ||
	    (seq != head.seq && (seq != head.seq + 1 || !head_next())))
		head_build(ns, seq);
}

/* The line's fields after its names: ring indices, unique, opcode. */
static inline void put_fields(struct out *o, const struct trace_event *ev)
{
	static const char k_head[8] = " head=", k_avail[8] = " avail=",
			  k_used[8] = " used=", k_unique[8] = " unique=",
			  k_op[8] = " op=";

	put_field(o, k_head, 6, ev->head);
	put_field(o, k_avail, 7, ev->avail_idx);
	put_field(o, k_used, 6, ev->used_idx);
	if (ev->unique) {
		put_block(o, k_unique, 8, 8);
		put_udec(o, ev->unique);
	}
	if (ev->opcode >= 0) {
		put_block(o, k_op, 4, 8);
		put_opname(o, ev->opcode);
	}
}

int trace_format_text(const struct trace_event *ev, char *buf, size_t size)
{
	/* the line up to its detail is put through a copy of the output
	 * that nothing outside sees, which the compiler keeps in registers
	 * (a store through buf cannot change it) */
	struct out o = { buf, size, 0 }, l = o;
	const struct names_text *names;

	head_set(ev->time_ns, ev->seq);
	/* most heads fit in 32 bytes, most names in 80: smaller blocks */
	if (head.len <= 32)
		put_block(&l, head.text, head.len, 32);
	else
		put_block(&l, head.text, head.len, HEAD_MAX);
	names = names_find(ev);
	if (trace_likely(names != NULL)) {
		if (names->len <= 80)
			put_block(&l, names->text, names->len, 80);
		else
			put_block(&l, names->text, names->len, NAMES_TEXT_MAX);
	} else {
		o.len = l.len;
		put_names_new(&o, ev);
		l.len = o.len;
	}
	put_fields(&l, ev);
	o.len = l.len;
	if (ev->detail || ev->args) {
		put_ch(&o, ' ');
		put_detail(&o, ev);
	}
	terminate(&o);
	return (int)o.len;
}

void trace_write_event(FILE *out, const struct trace_event *ev, bool json)
{
	int (*fmt)(const struct trace_event *, char *, size_t) =
		json ? trace_format_json : trace_format_text;
	char line[2048];
	int len = fmt(ev, line, sizeof(line));

	if (len < (int)sizeof(line)) {
		line[len] = '\n';
		fwrite(line, 1, (size_t)len + 1, out);
	} else {
		char *big = host_malloc((size_t)len + 2);

		fmt(ev, big, (size_t)len + 1);
		big[len] = '\n';
		fwrite(big, 1, (size_t)len + 1, out);
		host_free(big);
	}
}

/* Room for @need more bytes and the NUL. */
void trace_text_reserve(struct trace_text *t, size_t need)
{
	size_t cap = t->cap ? t->cap : 65536;

	while (cap - t->len < need + 1)
		cap *= 2;
	if (cap == t->cap)
		return;
	t->buf = host_realloc(t->buf, cap);
	t->cap = cap;
}

/* @ev formatted by @fmt at the end of @t, with room for one more byte. */
void trace_text_put_event(struct trace_text *t, const struct trace_event *ev,
			  int (*fmt)(const struct trace_event *, char *,
				     size_t))
{
	int len;

	trace_text_reserve(t, 1024);
	len = fmt(ev, t->buf + t->len, t->cap - t->len);
	if ((size_t)len + 1 >= t->cap - t->len) {
		trace_text_reserve(t, (size_t)len + 1);
		fmt(ev, t->buf + t->len, t->cap - t->len);
	}
	t->len += (size_t)len;
}

/* Room a text line nearly always fits in: with that much left, a line is
 * formatted once, straight into the buffer. */
#define TEXT_LINE_ROOM 1024

void trace_text_append(struct trace_text *t, const struct trace_event *ev,
		       bool json)
{
	size_t room = t->cap - t->len;

	if (!json && trace_likely(room > TEXT_LINE_ROOM)) {
		int len = trace_format_text(ev, t->buf + t->len, room);

		if (trace_likely((size_t)len + 1 < room)) {
			t->len += (size_t)len;
			t->buf[t->len++] = '\n';
			t->buf[t->len] = '\0';
			return;
		}
	}
	trace_text_put_event(t, ev,
			     json ? trace_format_json : trace_format_text);
	t->buf[t->len++] = '\n';
	t->buf[t->len] = '\0';
}
