/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace_text_internal.h - between the parts of the trace's text output:
 * the bounded output buffer and its inline writers (trace_out.c holds
 * their out-of-line parts), the TRACE_FMT() detail (trace_fmt.c), the
 * line of text (trace_text.c) and JSON (trace_json.c).
 *
 * The writers run for every byte of a text trace: they stay static
 * inline here, so each part compiles them into its own loops as when
 * the four were one file.
 */
#ifndef VFSIM_SIM_TRACE_TRACE_TEXT_INTERNAL_H
#define VFSIM_SIM_TRACE_TRACE_TEXT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sim/trace/trace_internal.h"

/** @cond INTERNAL */
/* Output: like snprintf(), the bytes that fit go to buf (size bytes,
 * the last kept for the NUL) and len counts what the whole needs. */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

/* The out-of-line parts (trace_out.c): the bytes that do not fit, as
 * many as do; copies and fills of more than 16 bytes. */
void trace_out_slow(struct out *o, const char *s, size_t n);
void trace_out_copy_long(char *d, const char *s, size_t n);
void trace_out_fill_long(char *d, char c, size_t n);

/* The decimal digits of 0 to 99, two each (trace_out.c). */
extern const char trace_digit_pairs[];

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
		trace_out_slow(o, s, n);
		return;
	}
	o->len += n;
	if (n > 16)
		trace_out_copy_long(d, s, n);
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
		trace_out_slow(o, &c, 1);
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
			trace_out_slow(o, &c, 1);
		return;
	}
	if (n > 16) {
		trace_out_fill_long(o->buf + o->len, c, n);
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
			*--p = trace_digit_pairs[2 * r + 1];
			*--p = trace_digit_pairs[2 * r];
		}
		if (v >= 10) {
			*--p = trace_digit_pairs[2 * v + 1];
			*--p = trace_digit_pairs[2 * v];
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

/* A signed decimal ("%lld"; trace_out.c). */
void trace_put_sdec(struct out *o, int64_t v);

/* The NUL after the output, where it fits (as snprintf() puts it). */
static inline void terminate(struct out *o)
{
	if (o->size)
		o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
}

/* @a formatted, by its format's program when it has one (trace_fmt.c). */
void trace_put_args(struct out *o, const struct trace_args *a);

/* An event's detail: its text, or its TRACE_FMT() arguments formatted. */
static inline void put_detail(struct out *o, const struct trace_event *ev)
{
	if (ev->detail)
		put_str(o, ev->detail);
	else
		trace_put_args(o, ev->args);
}

/* The growing text of a struct trace_text (trace_text.c): room for
 * @need more bytes and the NUL; @ev formatted by @fmt at its end, with
 * room for one more byte. */
void trace_text_reserve(struct trace_text *t, size_t need);
void trace_text_put_event(struct trace_text *t, const struct trace_event *ev,
			  int (*fmt)(const struct trace_event *, char *,
				     size_t));

/** @endcond */

#endif /* VFSIM_SIM_TRACE_TRACE_TEXT_INTERNAL_H */
