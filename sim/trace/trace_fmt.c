// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace_fmt.c - a TRACE_FMT() detail formatted from its format and
 * arguments, without printf: a format is read once into a program of
 * literal pieces and conversions, cached by the format's pointer, and a
 * small interpreter of the conversions the trace allows (the integer
 * ones, %c and %s, with flags, width, precision and length modifiers)
 * reads any other; the output is the same as printf's.
 */
#include <stdint.h>
#include <string.h>

#include "sim/trace/trace_text_internal.h"

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
		trace_put_sdec(o, (int)v);
		return true;
	case FMT_D64:
		if (is_str)
			return false;
		trace_put_sdec(o, (int64_t)v);
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
void trace_put_args(struct out *o, const struct trace_args *a)
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

const char *trace_detail(const struct trace_event *ev, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };

	if (ev->detail || !ev->args)
		return ev->detail;
	trace_put_args(&o, ev->args);
	terminate(&o);
	return buf;
}
