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

/* @n bytes of @s, which has @cap readable bytes (a constant): when @n
 * is at most @cap and the buffer has room for all @cap, they are copied
 * as one block of fixed size (a few vector moves, no call); what lies
 * past @n is not output (the next bytes put go over it). */
static inline void put_block(struct out *o, const char *s, size_t n, size_t cap)
{
	if (trace_likely(n <= cap && o->len + cap < o->size)) {
		__builtin_memcpy(o->buf + o->len, s, cap);
		o->len += n;
		return;
	}
	put_mem(o, s, n);
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

/* The decimal digits of 0 to 99, two each. */
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

/* The digits of @v in @base at the end of @end's buffer; returns the
 * first. Decimal goes two digits at a time. */
static inline char *digits(char *end, uint64_t v, unsigned base, int upper)
{
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

/* An unsigned decimal ("%llu"): its digits made on the stack, with room
 * to read a fixed block from them, and put as one (put_block()). */
static inline void put_udec(struct out *o, uint64_t v)
{
	char tmp[48], *p;

	if (v < 10) {
		put_ch(o, (char)('0' + v));
		return;
	}
	p = digits(tmp + 24, v, 10, 0);
	put_block(o, p, (size_t)(tmp + 24 - p), 24);
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
		put_udec(o, (uint64_t)0 - (uint64_t)v);
	} else {
		put_udec(o, (uint64_t)v);
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

/* The conversion at @f (past its '%') with flags, width, precision or
 * a length the plain ones do not take; returns what follows it. */
static const char *put_conv(struct out *o, const char *f, uint64_t v,
			    int is_str)
{
	struct spec sp;

	f = parse_spec(f, &sp);
	if (sp.conv == 's')
		put_string_arg(o, &sp,
			       is_str ? (const char *)(uintptr_t)v : "?");
	else if (sp.conv == 'c')
		put_padded(o, &sp, "", (const char[]){ (char)v }, 1, 0);
	else
		put_int(o, &sp, v);
	return f;
}

/* A format read once, as the steps that put it out: each a piece of
 * literal text, then a conversion. */
enum fmt_step_conv {
	FMT_END,  /* the last piece: no conversion */
	FMT_PCT,  /* "%%" */
	FMT_U32,  /* "%u" */
	FMT_U64,  /* "%lu", "%llu", "%zu" */
	FMT_D32,  /* "%d" */
	FMT_D64,  /* "%ld", "%lld", "%zd" */
	FMT_S,	  /* "%s" */
	FMT_SPEC, /* anything else: put_conv() */
};

#define FMT_STEPS    12 /* eight conversions, a few "%%", the end */
#define FMT_LITS     48 /* bytes of literal text a format may have */
#define FMT_LIT_READ 16 /* what put_block() reads of a piece */

struct fmt_prog {
	const char *fmt; /* the format (a literal); NULL: empty slot */
	struct fmt_step {
		uint8_t conv;	  /* enum fmt_step_conv */
		uint8_t lit_len;  /* the piece before it, at lits + lit_off */
		uint8_t lit_off;  /* @see lit_len */
		uint8_t spec_off; /* the conversion, past its '%', in fmt */
	} steps[FMT_STEPS];
	/* the pieces, with room to read FMT_LIT_READ bytes from any */
	char lits[FMT_LITS + FMT_LIT_READ];
};

/* The plain conversion at @f (past its '%'), which it advances past, or
 * FMT_SPEC; @f is left on the conversion for FMT_SPEC. */
static enum fmt_step_conv plain_conv(const char **f)
{
	const char *c = *f;
	int wide = 0;

	if (c[0] == 'l' && c[1] == 'l') {
		wide = 1;
		c += 2;
	} else if (c[0] == 'l' || c[0] == 'z') {
		wide = 1;
		c++;
	}
	switch (*c) {
	case 's':
		if (wide)
			return FMT_SPEC;
		*f = c + 1;
		return FMT_S;
	case 'u':
		*f = c + 1;
		return wide ? FMT_U64 : FMT_U32;
	case 'd':
		*f = c + 1;
		return wide ? FMT_D64 : FMT_D32;
	default:
		return FMT_SPEC;
	}
}

/* @v put by the plain conversion @conv; false when @conv is none (or
 * does not fit the argument), and put_conv() is to read it. */
static inline __attribute__((always_inline)) bool
put_plain(struct out *o, enum fmt_step_conv conv, uint64_t v, int is_str)
{
	switch (conv) {
	case FMT_U32:
		if (is_str)
			return false;
		put_udec(o, (unsigned int)v);
		return true;
	case FMT_U64:
		if (is_str)
			return false;
		put_udec(o, v);
		return true;
	case FMT_D32:
		if (is_str)
			return false;
		put_sdec(o, (int)v);
		return true;
	case FMT_D64:
		if (is_str)
			return false;
		put_sdec(o, (int64_t)v);
		return true;
	case FMT_S:
		if (!is_str)
			return false;
		/* an empty string (an optional word left out) is common */
		if (v && !*(const char *)(uintptr_t)v)
			return true;
		put_str(o, v ? (const char *)(uintptr_t)v : "(null)");
		return true;
	default:
		return false;
	}
}

/* Read @fmt into @p; false when it does not fit (the interpreter of
 * put_args_slow() then reads it every time). */
static bool fmt_compile(struct fmt_prog *p, const char *fmt)
{
	const char *f = fmt;
	size_t lits = 0;

	for (unsigned n = 0; n < FMT_STEPS; n++) {
		struct fmt_step *st = &p->steps[n];
		const char *pct = strchr(f, '%');
		size_t len = pct ? (size_t)(pct - f) : strlen(f);
		struct spec sp;

		if (lits + len > FMT_LITS || (size_t)(f - fmt) + len > 250)
			return false;
		memcpy(p->lits + lits, f, len);
		st->lit_off = (uint8_t)lits;
		st->lit_len = (uint8_t)len;
		lits += len;
		if (!pct) {
			st->conv = FMT_END;
			p->fmt = fmt;
			return true;
		}
		f = pct + 1;
		st->spec_off = (uint8_t)(f - fmt);
		if (*f == '%') {
			st->conv = FMT_PCT;
			f++;
			continue;
		}
		st->conv = (uint8_t)plain_conv(&f);
		if (st->conv == FMT_SPEC)
			f = parse_spec(f, &sp);
	}
	return false;
}

#define FMT_CACHE_BITS 6
#define FMT_CACHE_WAYS 4

/* The formats read so far, by their pointers: a TRACE_FMT() format is a
 * literal, whose text never changes. Four ways a set, the newest first,
 * so that the few formats of a round trip never take each other's place
 * whatever their addresses. One per process, like the names' cache
 * (vfsim's own). */
static struct fmt_prog fmt_cache[1u << FMT_CACHE_BITS][FMT_CACHE_WAYS];

/* @a's format's program, or NULL when it has none (too long, or its
 * text could change). */
static const struct fmt_prog *fmt_prog_of(const char *fmt)
{
	struct fmt_prog *set =
		fmt_cache[((uint64_t)(uintptr_t)fmt * 0x9e3779b97f4a7c15ULL) >>
			  (64 - FMT_CACHE_BITS)];
	int stable;

	if (trace_likely(set[0].fmt == fmt))
		return &set[0];
	for (unsigned i = 1; i < FMT_CACHE_WAYS; i++)
		if (set[i].fmt == fmt)
			return &set[i];
	trace_str_ref(fmt, &stable);
	if (!stable)
		return NULL;
	memmove(&set[1], &set[0], (FMT_CACHE_WAYS - 1) * sizeof(*set));
	set[0].fmt = NULL;
	return fmt_compile(&set[0], fmt) ? &set[0] : NULL;
}

/* @a formatted by the interpreter, reading its format as it goes. */
static __attribute__((noinline)) void put_args_slow(struct out *o,
						    const struct trace_args *a)
{
	const char *f = a->fmt;
	unsigned k = 0;

	while (*f) {
		const char *pct = strchr(f, '%'), *c;
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
		c = f;
		if (put_plain(o, plain_conv(&c), v, is_str)) {
			f = c;
			continue;
		}
		f = put_conv(o, f, v, is_str);
	}
}

/* @a formatted, by its format's program when it has one: the same
 * bytes as put_args_slow(), without reading the format again. */
static void put_args(struct out *o, const struct trace_args *a)
{
	const struct fmt_prog *p = fmt_prog_of(a->fmt);
	/* a copy of the output nothing else sees, kept in registers (a
	 * store through its buffer cannot change it) */
	struct out l = *o;
	unsigned k = 0;

	if (trace_unlikely(!p)) {
		put_args_slow(o, a);
		return;
	}
	for (const struct fmt_step *st = p->steps;; st++) {
		uint64_t v;
		int is_str;

		put_block(&l, p->lits + st->lit_off, st->lit_len, FMT_LIT_READ);
		if (st->conv == FMT_END)
			break;
		if (st->conv == FMT_PCT) {
			put_ch(&l, '%');
			continue;
		}
		/* TRACE_FMT() checked the format against its arguments */
		v = k < a->nargs ? a->arg[k] : 0;
		is_str = (a->strs >> k) & 1;
		k++;
		if (!put_plain(&l, st->conv, v, is_str)) {
			*o = l;
			put_conv(o, p->fmt + st->spec_off, v, is_str);
			l = *o;
		}
	}
	*o = l;
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
		put_sdec(o, opcode);
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
	host_free(big);
}

int trace_format_json(const struct trace_event *ev, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };

	put_mem(&o, "{\"seq\":", 7);
	put_udec(&o, ev->seq);
	put_mem(&o, ",\"time_ns\":", 11);
	put_udec(&o, ev->time_ns);
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
		put_udec(&o, ev->unique);
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
		host_free(big);
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
