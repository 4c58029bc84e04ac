// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace_text.c - an event as text: the line of `vfsim run`, a JSON
 * object, and the TRACE_FMT() detail formatted from its arguments.
 *
 * This runs for every event of a text trace, so it does not go through
 * printf: a line is put together field by field, bytes copied a piece at
 * a time while the buffer has room, and a detail's format is read by a
 * small interpreter of the conversions the trace allows (the integer ones,
 * %c and %s, with flags, width, precision and length modifiers), whose
 * output is the same as printf's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "sim/trace/host.h"
#include "sim/trace/trace_internal.h"

/* Output: like snprintf(), the bytes that fit go to buf (size bytes,
 * the last kept for the NUL) and len counts what the whole needs. */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

/* The bytes that do not fit: as many as do. */
static __attribute__((noinline)) void put_slow(struct out *o, const char *s,
					       size_t n)
{
	for (size_t i = 0; i < n; i++, o->len++)
		if (o->len + 1 < o->size)
			o->buf[o->len] = s[i];
}

static __attribute__((noinline)) void copy_long(char *d, const char *s,
						size_t n)
{
	memcpy(d, s, n);
}

static __attribute__((noinline)) void fill_long(char *d, char c, size_t n)
{
	memset(d, c, n);
}

/* @n (at most 16) bytes as two fixed-size copies that may overlap: no
 * call, no loop, and no byte read or written outside either range. */
static inline void copy_short(char *d, const char *s, size_t n)
{
	uint64_t a, b;
	uint32_t x, y;

	if (n >= 8) {
		__builtin_memcpy(&a, s, 8);
		__builtin_memcpy(&b, s + n - 8, 8);
		__builtin_memcpy(d, &a, 8);
		__builtin_memcpy(d + n - 8, &b, 8);
	} else if (n >= 4) {
		__builtin_memcpy(&x, s, 4);
		__builtin_memcpy(&y, s + n - 4, 4);
		__builtin_memcpy(d, &x, 4);
		__builtin_memcpy(d + n - 4, &y, 4);
	} else {
		while (n--)
			*d++ = *s++;
	}
}

static inline void put_mem(struct out *o, const char *s, size_t n)
{
	char *d = o->buf + o->len;

	if (trace_unlikely(o->len + n >= o->size)) {
		put_slow(o, s, n);
		return;
	}
	o->len += n;
	if (n > 16)
		copy_long(d, s, n);
	else
		copy_short(d, s, n);
}

static inline void put_ch(struct out *o, char c)
{
	if (trace_unlikely(o->len + 1 >= o->size)) {
		put_slow(o, &c, 1);
		return;
	}
	o->buf[o->len++] = c;
}

static inline void put_str(struct out *o, const char *s)
{
	put_mem(o, s, strlen(s));
}

static inline void put_fill(struct out *o, char c, size_t n)
{
	if (trace_unlikely(o->len + n >= o->size)) {
		while (n--)
			put_slow(o, &c, 1);
		return;
	}
	if (n > 16) {
		fill_long(o->buf + o->len, c, n);
		o->len += n;
		return;
	}
	/* two stores of eight; past the end only while the buffer has room
	 * (what lies past the end is not output) */
	if (o->len + 8 < o->size) {
		uint64_t w = 0x0101010101010101ULL * (unsigned char)c;

		__builtin_memcpy(o->buf + o->len, &w, 8);
		if (n > 8)
			__builtin_memcpy(o->buf + o->len + n - 8, &w, 8);
		o->len += n;
		return;
	}
	while (n--)
		o->buf[o->len++] = c;
}

/* @s escaped as inside a JSON string. */
static void put_json_escaped(struct out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			put_ch(o, '\\');
			put_ch(o, (char)c);
		} else if (c < 0x20) {
			put_mem(o, "\\u00", 4);
			put_ch(o, hex[c >> 4]);
			put_ch(o, hex[c & 15]);
		} else {
			put_ch(o, (char)c);
		}
	}
}

/* @s left-justified in @width columns, as "%-Ns". */
static inline void put_left(struct out *o, const char *s, size_t width)
{
	size_t n = strlen(s);

	put_mem(o, s, n);
	if (n < width)
		put_fill(o, ' ', width - n);
}

/* The digits of @v in @base at the end of @end's buffer; returns the
 * first. Decimal goes two digits at a time. */
static inline char *digits(char *end, uint64_t v, unsigned base, int upper)
{
	static const char pairs[] = "00010203040506070809"
				    "10111213141516171819"
				    "20212223242526272829"
				    "30313233343536373839"
				    "40414243444546474849"
				    "50515253545556575859"
				    "60616263646566676869"
				    "70717273747576777879"
				    "80818283848586878889"
				    "90919293949596979899";
	const char *d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	if (base == 10) {
		while (v >= 100) {
			unsigned r = (unsigned)(v % 100);

			v /= 100;
			*--p = pairs[2 * r + 1];
			*--p = pairs[2 * r];
		}
		if (v >= 10) {
			*--p = pairs[2 * v + 1];
			*--p = pairs[2 * v];
		} else {
			*--p = (char)('0' + v);
		}
		return p;
	}
	do {
		*--p = d[v % base];
		v /= base;
	} while (v);
	return p;
}

/* An unsigned decimal right-justified in @width columns ("%Nllu"), or
 * zero-padded with @zero ("%0Nllu"). */
static void put_udec(struct out *o, uint64_t v, size_t width, int zero)
{
	char tmp[24], *p;
	size_t n;

	if (v < 10 && width <= 1) { /* most numbers of a trace: 0..9 */
		put_ch(o, (char)('0' + v));
		return;
	}
	p = digits(tmp + sizeof(tmp), v, 10, 0);
	n = (size_t)(tmp + sizeof(tmp) - p);
	if (n < width && width <= sizeof(tmp)) {
		/* padded in place: one copy */
		while (n < width)
			tmp[sizeof(tmp) - ++n] = zero ? '0' : ' ';
		p = tmp + sizeof(tmp) - n;
	} else if (n < width) {
		put_fill(o, zero ? '0' : ' ', width - n);
	}
	put_mem(o, p, n);
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

static void put_sdec(struct out *o, int64_t v)
{
	if (v < 0) {
		put_ch(o, '-');
		put_udec(o, (uint64_t)0 - (uint64_t)v, 0, 0);
	} else {
		put_udec(o, (uint64_t)v, 0, 0);
	}
}

/* One conversion's flags, width, precision and length. */
struct spec {
	int left, zero, plus, space, alt;
	size_t width;
	long prec; /* -1: none */
	int len;   /* 0 int, 1 char (hh), 2 short (h), 8 64-bit */
	char conv;
};

static const char *parse_spec(const char *f, struct spec *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	for (;; f++) {
		if (*f == '-')
			sp->left = 1;
		else if (*f == '0')
			sp->zero = 1;
		else if (*f == '+')
			sp->plus = 1;
		else if (*f == ' ')
			sp->space = 1;
		else if (*f == '#')
			sp->alt = 1;
		else
			break;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (size_t)(*f++ - '0');
	if (*f == '.') {
		sp->prec = 0;
		for (f++; *f >= '0' && *f <= '9'; f++)
			sp->prec = sp->prec * 10 + (*f - '0');
	}
	if (*f == 'h') {
		sp->len = f[1] == 'h' ? 1 : 2;
		f += sp->len == 1 ? 2 : 1;
	} else if (*f == 'l' || *f == 'z' || *f == 'j' || *f == 't' ||
		   *f == 'L' || *f == 'q') {
		sp->len = 8;
		f += f[0] == 'l' && f[1] == 'l' ? 2 : 1;
	}
	sp->conv = *f;
	return *f ? f + 1 : f;
}

/* The body (sign, prefix, digits) padded to the width, as printf does. */
static void put_padded(struct out *o, const struct spec *sp, const char *pre,
		       const char *body, size_t n, size_t zeros)
{
	size_t npre = strlen(pre), total = npre + zeros + n;

	if (!sp->left && !(sp->zero && sp->prec < 0) && total < sp->width)
		put_fill(o, ' ', sp->width - total);
	put_mem(o, pre, npre);
	if (!sp->left && sp->zero && sp->prec < 0 && total < sp->width)
		zeros += sp->width - total;
	put_fill(o, '0', zeros);
	put_mem(o, body, n);
	if (sp->left && total < sp->width)
		put_fill(o, ' ', sp->width - total);
}

static void put_int(struct out *o, const struct spec *sp, uint64_t raw)
{
	int is_signed = sp->conv == 'd' || sp->conv == 'i';
	unsigned base = sp->conv == 'x' || sp->conv == 'X' ? 16 :
			sp->conv == 'o'			   ? 8 :
							     10;
	const char *pre = "";
	uint64_t mag = raw;
	char tmp[26], *p, *end = tmp + sizeof(tmp);
	size_t n, zeros = 0;

	if (is_signed) {
		int64_t v = sp->len == 1 ? (signed char)raw :
			    sp->len == 2 ? (short)raw :
			    sp->len == 8 ? (int64_t)raw :
					   (int)raw;

		mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
		pre = v < 0 ? "-" : sp->plus ? "+" : sp->space ? " " : "";
	} else {
		mag = sp->len == 1 ? (unsigned char)raw :
		      sp->len == 2 ? (unsigned short)raw :
		      sp->len == 8 ? raw :
				     (unsigned int)raw;
		if (sp->alt && mag && base == 16)
			pre = sp->conv == 'X' ? "0X" : "0x";
	}
	p = sp->prec == 0 && mag == 0 ? end :
					digits(end, mag, base, sp->conv == 'X');
	if (sp->alt && base == 8 && (p == end || *p != '0'))
		*--p = '0';
	n = (size_t)(end - p);
	if (sp->prec > 0 && (size_t)sp->prec > n)
		zeros = (size_t)sp->prec - n;
	put_padded(o, sp, pre, p, n, zeros);
}

static void put_string_arg(struct out *o, const struct spec *sp, const char *s)
{
	size_t n;

	if (!s)
		s = sp->prec < 0 || sp->prec >= 6 ? "(null)" : "";
	n = strlen(s);
	if (sp->prec >= 0 && (size_t)sp->prec < n)
		n = (size_t)sp->prec;
	if (!sp->left && n < sp->width)
		put_fill(o, ' ', sp->width - n);
	put_mem(o, s, n);
	if (sp->left && n < sp->width)
		put_fill(o, ' ', sp->width - n);
}

/* A plain conversion, the common case: no flag, width or precision. */
static bool put_plain(struct out *o, const char **f, uint64_t v, int is_str)
{
	const char *c = *f;
	int len = 0;

	if (c[0] == 'l' && c[1] == 'l') {
		len = 8;
		c += 2;
	} else if (c[0] == 'l' || c[0] == 'z') {
		len = 8;
		c++;
	}
	if (*c == 's' && is_str) {
		const char *s = (const char *)(uintptr_t)v;

		put_str(o, s ? s : "(null)");
	} else if (*c == 'u' && !is_str) {
		put_udec(o, len ? v : (unsigned int)v, 0, 0);
	} else if (*c == 'd' && !is_str) {
		put_sdec(o, len ? (int64_t)v : (int)v);
	} else {
		return false;
	}
	*f = c + 1;
	return true;
}

static void put_args(struct out *o, const struct trace_args *a)
{
	const char *f = a->fmt;
	unsigned k = 0;

	while (*f) {
		const char *pct = strchr(f, '%');
		struct spec sp;
		uint64_t v;
		int is_str;

		if (!pct) {
			put_str(o, f);
			return;
		}
		put_mem(o, f, (size_t)(pct - f));
		f = pct + 1;
		if (*f == '%') {
			put_ch(o, '%');
			f++;
			continue;
		}
		/* TRACE_FMT() checked the format against its arguments */
		v = k < a->nargs ? a->arg[k] : 0;
		is_str = (a->strs >> k) & 1;
		k++;
		if (put_plain(o, &f, v, is_str))
			continue;
		f = parse_spec(f, &sp);
		if (sp.conv == 's')
			put_string_arg(o, &sp,
				       is_str ? (const char *)(uintptr_t)v :
						"?");
		else if (sp.conv == 'c')
			put_padded(o, &sp, "", (const char[]){ (char)v }, 1, 0);
		else
			put_int(o, &sp, v);
	}
}

static void terminate(struct out *o)
{
	if (o->size)
		o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
}

const char *trace_detail(const struct trace_event *ev, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };

	if (ev->detail || !ev->args)
		return ev->detail;
	put_args(&o, ev->args);
	terminate(&o);
	return buf;
}

static void put_detail(struct out *o, const struct trace_event *ev)
{
	if (ev->detail)
		put_str(o, ev->detail);
	else
		put_args(o, ev->args);
}

static void put_opname(struct out *o, int32_t opcode)
{
	const char *name = fuse_opcode_name((uint32_t)opcode);

	if (name)
		put_str(o, name);
	else
		put_sdec(o, opcode);
}

/* " key=" and a number when it is present (not negative). */
static inline void put_field(struct out *o, const char *key, size_t klen,
			     int32_t v)
{
	if (v < 0)
		return;
	put_mem(o, key, klen);
	put_udec(o, (uint64_t)v, 0, 0);
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

#define NAMES_CACHE_BITS 7
#define NAMES_TEXT_MAX	 120

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

static void put_names(struct out *o, const struct trace_event *ev)
{
	uint64_t k = (uint64_t)(uintptr_t)ev->kind * 0x9e3779b97f4a7c15ULL ^
		     (uint64_t)(uintptr_t)ev->func * 0xd6e8feb86659fd93ULL ^
		     (uint64_t)(uintptr_t)ev->task * 0xc2b2ae3d27d4eb4fULL ^
		     (uint64_t)(uintptr_t)ev->queue;
	struct names_text *set = names_cache[(k * 0xff51afd7ed558ccdULL) >>
					     (64 - NAMES_CACHE_BITS)];
	char text[NAMES_TEXT_MAX];
	struct out t;

	if (names_match(&set[0], ev)) {
		put_mem(o, set[0].text, set[0].len);
		return;
	}
	if (names_match(&set[1], ev)) {
		put_mem(o, set[1].text, set[1].len);
		return;
	}
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

int trace_format_text(const struct trace_event *ev, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	char tmp[32], *p;
	size_t n;

	put_time(&o, ev->time_ns);
	put_mem(&o, " us #", 5);
	/* "%-6llu " in one piece: up to 20 digits end at tmp + 24, the
	 * padding (at most 6 bytes) goes after them */
	p = digits(tmp + 24, ev->seq, 10, 0);
	n = (size_t)(tmp + 24 - p);
	while (n < 6)
		p[n++] = ' ';
	p[n++] = ' ';
	put_mem(&o, p, n);
	put_names(&o, ev);
	put_field(&o, " head=", 6, ev->head);
	put_field(&o, " avail=", 7, ev->avail_idx);
	put_field(&o, " used=", 6, ev->used_idx);
	if (ev->unique) {
		put_mem(&o, " unique=", 8);
		put_udec(&o, ev->unique, 0, 0);
	}
	if (ev->opcode >= 0) {
		put_mem(&o, " op=", 4);
		put_opname(&o, ev->opcode);
	}
	if (ev->detail || ev->args) {
		put_ch(&o, ' ');
		put_detail(&o, ev);
	}
	terminate(&o);
	return (int)o.len;
}

static void put_json_str(struct out *o, const char *key, const char *s)
{
	put_mem(o, ",\"", 2);
	put_str(o, key);
	put_mem(o, "\":\"", 3);
	put_json_escaped(o, s, strlen(s));
	put_ch(o, '"');
}

static void put_json_num(struct out *o, const char *key, int64_t v)
{
	put_mem(o, ",\"", 2);
	put_str(o, key);
	put_mem(o, "\":", 2);
	put_sdec(o, v);
}

/* The detail as a JSON string's contents: formatted, then escaped. */
static void put_json_detail(struct out *o, const struct trace_event *ev)
{
	char small[1024], *big = NULL;
	struct out d = { small, sizeof(small), 0 };

	put_detail(&d, ev);
	if (d.len >= d.size) {
		big = host_malloc(d.len + 1);
		d = (struct out){ big, d.len + 1, 0 };
		put_detail(&d, ev);
	}
	put_json_escaped(o, d.buf, d.len);
	free(big);
}

int trace_format_json(const struct trace_event *ev, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };

	put_mem(&o, "{\"seq\":", 7);
	put_udec(&o, ev->seq, 0, 0);
	put_mem(&o, ",\"time_ns\":", 11);
	put_udec(&o, ev->time_ns, 0, 0);
	put_json_str(&o, "task", ev->task ? ev->task : "-");
	put_json_str(&o, "kind", ev->kind ? ev->kind : "-");
	put_json_str(&o, "func", ev->func ? ev->func : "-");
	if (ev->queue)
		put_json_str(&o, "queue", ev->queue);
	if (ev->head >= 0)
		put_json_num(&o, "head", ev->head);
	if (ev->avail_idx >= 0)
		put_json_num(&o, "avail", ev->avail_idx);
	if (ev->used_idx >= 0)
		put_json_num(&o, "used", ev->used_idx);
	if (ev->unique) {
		put_mem(&o, ",\"unique\":", 10);
		put_udec(&o, ev->unique, 0, 0);
	}
	if (ev->opcode >= 0) {
		const char *name = fuse_opcode_name((uint32_t)ev->opcode);
		char num[16];

		if (!name) {
			snprintf(num, sizeof(num), "%d", ev->opcode);
			name = num;
		}
		put_json_str(&o, "opcode", name);
	}
	if (ev->detail || ev->args) {
		put_mem(&o, ",\"detail\":\"", 11);
		put_json_detail(&o, ev);
		put_ch(&o, '"');
	}
	put_ch(&o, '}');
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
		free(big);
	}
}

/* Room for @need more bytes and the NUL. */
static void text_reserve(struct trace_text *t, size_t need)
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
static void text_put_event(struct trace_text *t, const struct trace_event *ev,
			   int (*fmt)(const struct trace_event *, char *,
				      size_t))
{
	int len;

	text_reserve(t, 1024);
	len = fmt(ev, t->buf + t->len, t->cap - t->len);
	if ((size_t)len + 1 >= t->cap - t->len) {
		text_reserve(t, (size_t)len + 1);
		fmt(ev, t->buf + t->len, t->cap - t->len);
	}
	t->len += (size_t)len;
}

void trace_text_append(struct trace_text *t, const struct trace_event *ev,
		       bool json)
{
	text_put_event(t, ev, json ? trace_format_json : trace_format_text);
	t->buf[t->len++] = '\n';
	t->buf[t->len] = '\0';
}

void trace_text_printf(struct trace_text *t, const char *fmt, ...)
{
	va_list ap;
	int len;

	text_reserve(t, 256);
	va_start(ap, fmt);
	len = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if ((size_t)len >= t->cap - t->len) {
		text_reserve(t, (size_t)len);
		va_start(ap, fmt);
		vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
	}
	t->len += (size_t)len;
}

void trace_text_json_str(struct trace_text *t, const char *s)
{
	size_t n = strlen(s);
	struct out o;

	/* at most 6 bytes for each byte, and the quotes */
	text_reserve(t, 6 * n + 2);
	o = (struct out){ t->buf + t->len, t->cap - t->len, 0 };
	put_ch(&o, '"');
	put_json_escaped(&o, s, n);
	put_ch(&o, '"');
	terminate(&o);
	t->len += o.len;
}

void trace_text_json_event(struct trace_text *t, const struct trace_event *ev)
{
	text_put_event(t, ev, trace_format_json);
}
