// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace_text.c - an event as text: the line of `vfsim run`, a JSON
 * object, and the TRACE_FMT() detail formatted from its arguments.
 *
 * This runs for every event of a text trace, so it does not go through
 * printf: a line is put together field by field, and a detail's format is
 * read by a small interpreter of the conversions the trace allows (the
 * integer ones, %c and %s, with flags, width, precision and length
 * modifiers), whose output is the same as printf's.
 */
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "sim/trace/trace_internal.h"

/* With @json set, output is escaped as inside a JSON string. */
struct out {
	struct trace_out o;
	int json;
};

static inline void put_raw(struct trace_out *o, char c)
{
	if (o->len < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_json_char(struct trace_out *o, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	if (c == '"' || c == '\\') {
		put_raw(o, '\\');
		put_raw(o, (char)c);
	} else if (c < 0x20) {
		put_raw(o, '\\');
		put_raw(o, 'u');
		put_raw(o, '0');
		put_raw(o, '0');
		put_raw(o, hex[c >> 4]);
		put_raw(o, hex[c & 15]);
	} else {
		put_raw(o, (char)c);
	}
}

static inline void put_ch(struct out *x, char c)
{
	if (x->json)
		put_json_char(&x->o, (unsigned char)c);
	else
		put_raw(&x->o, c);
}

static void put_mem(struct out *x, const char *s, size_t n)
{
	struct trace_out *o = &x->o;

	if (x->json) {
		for (size_t i = 0; i < n; i++)
			put_json_char(o, (unsigned char)s[i]);
		return;
	}
	if (o->len < o->size) {
		size_t room = o->size - o->len;

		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void put_str(struct out *x, const char *s)
{
	put_mem(x, s, strlen(s));
}

static void put_spaces(struct out *x, size_t n)
{
	while (n--)
		put_ch(x, ' ');
}

/* @s left-justified in @width columns, as "%-Ns". */
static void put_left(struct out *x, const char *s, size_t width)
{
	size_t n = strlen(s);

	put_mem(x, s, n);
	if (n < width)
		put_spaces(x, width - n);
}

/* Digits of @v in @base, lowest first, into @tmp; returns how many. */
static size_t digits(char *tmp, uint64_t v, unsigned base, int upper)
{
	const char *d = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t n = 0;

	do {
		tmp[n++] = d[v % base];
		v /= base;
	} while (v);
	return n;
}

/* An unsigned decimal right-justified in @width columns ("%Nllu"), or
 * zero-padded with @zero ("%0Nllu"). */
static void put_udec(struct out *x, uint64_t v, size_t width, int zero)
{
	char tmp[24];
	size_t n = digits(tmp, v, 10, 0);

	for (size_t i = n; i < width; i++)
		put_ch(x, zero ? '0' : ' ');
	while (n)
		put_ch(x, tmp[--n]);
}

static void put_sdec(struct out *x, int64_t v)
{
	if (v < 0) {
		put_ch(x, '-');
		put_udec(x, (uint64_t)0 - (uint64_t)v, 0, 0);
	} else {
		put_udec(x, (uint64_t)v, 0, 0);
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
static void put_padded(struct out *x, const struct spec *sp, const char *pre,
		       const char *body, size_t n, size_t zeros)
{
	size_t npre = strlen(pre), total = npre + zeros + n;

	if (!sp->left && !(sp->zero && sp->prec < 0))
		if (total < sp->width)
			put_spaces(x, sp->width - total);
	put_str(x, pre);
	if (!sp->left && sp->zero && sp->prec < 0 && total < sp->width)
		zeros += sp->width - total;
	while (zeros--)
		put_ch(x, '0');
	while (n)
		put_ch(x, body[--n]);
	if (sp->left && total < sp->width)
		put_spaces(x, sp->width - total);
}

static void put_int(struct out *x, const struct spec *sp, uint64_t raw)
{
	int is_signed = sp->conv == 'd' || sp->conv == 'i';
	unsigned base = sp->conv == 'x' || sp->conv == 'X' ? 16 :
			sp->conv == 'o'			   ? 8 :
							     10;
	const char *pre = "";
	uint64_t mag = raw;
	char tmp[24];
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
	n = sp->prec == 0 && mag == 0 ? 0 :
					digits(tmp, mag, base, sp->conv == 'X');
	if (sp->alt && base == 8 && (n == 0 || tmp[n - 1] != '0'))
		tmp[n++] = '0';
	if (sp->prec > 0 && (size_t)sp->prec > n)
		zeros = (size_t)sp->prec - n;
	put_padded(x, sp, pre, tmp, n, zeros);
}

static void put_string_arg(struct out *x, const struct spec *sp, const char *s)
{
	size_t n;

	if (!s)
		s = sp->prec < 0 || sp->prec >= 6 ? "(null)" : "";
	n = strlen(s);
	if (sp->prec >= 0 && (size_t)sp->prec < n)
		n = (size_t)sp->prec;
	if (!sp->left && n < sp->width)
		put_spaces(x, sp->width - n);
	put_mem(x, s, n);
	if (sp->left && n < sp->width)
		put_spaces(x, sp->width - n);
}

static void put_args(struct out *x, const struct trace_args *a)
{
	const char *f = a->fmt;
	unsigned k = 0;

	while (*f) {
		const char *pct = strchr(f, '%');
		struct spec sp;
		uint64_t v;

		if (!pct) {
			put_str(x, f);
			return;
		}
		put_mem(x, f, (size_t)(pct - f));
		f = parse_spec(pct + 1, &sp);
		if (sp.conv == '%') {
			put_ch(x, '%');
			continue;
		}
		/* TRACE_FMT() checked the format against its arguments */
		v = k < a->nargs ? a->arg[k] : 0;
		if (sp.conv == 's')
			put_string_arg(x, &sp,
				       (a->strs >> k) & 1 ?
					       (const char *)(uintptr_t)v :
					       "?");
		else if (sp.conv == 'c')
			put_padded(x, &sp, "", (const char[]){ (char)v }, 1, 0);
		else
			put_int(x, &sp, v);
		k++;
	}
}

void trace_out_args(struct trace_out *o, const struct trace_args *a)
{
	struct out x = { *o, 0 };

	put_args(&x, a);
	*o = x.o;
}

static void terminate(struct trace_out *o)
{
	if (o->size)
		o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
}

const char *trace_detail(const struct trace_event *ev, char *buf, size_t size)
{
	struct trace_out o = { buf, size, 0 };

	if (ev->detail || !ev->args)
		return ev->detail;
	trace_out_args(&o, ev->args);
	terminate(&o);
	return buf;
}

static void put_detail(struct out *x, const struct trace_event *ev)
{
	if (ev->detail)
		put_str(x, ev->detail);
	else
		put_args(x, ev->args);
}

static void put_opname(struct out *x, int32_t opcode)
{
	const char *name = fuse_opcode_name((uint32_t)opcode);

	if (name)
		put_str(x, name);
	else
		put_sdec(x, opcode);
}

int trace_format_text(const struct trace_event *ev, char *buf, size_t size)
{
	struct out x = { { buf, size, 0 }, 0 };

	put_udec(&x, ev->time_ns / 1000, 6, 0);
	put_ch(&x, '.');
	put_udec(&x, ev->time_ns % 1000, 3, 1);
	put_mem(&x, " us #", 5);
	{
		char tmp[24];
		size_t n = digits(tmp, ev->seq, 10, 0), w = n;

		while (n)
			put_ch(&x, tmp[--n]);
		if (w < 6)
			put_spaces(&x, 6 - w);
	}
	put_ch(&x, ' ');
	put_left(&x, ev->task ? ev->task : "-", 12);
	put_ch(&x, ' ');
	put_left(&x, ev->kind ? ev->kind : "-", 14);
	put_ch(&x, ' ');
	put_str(&x, ev->func ? ev->func : "-");
	if (ev->queue) {
		put_mem(&x, " q=", 3);
		put_str(&x, ev->queue);
	}
	if (ev->head >= 0) {
		put_mem(&x, " head=", 6);
		put_udec(&x, (uint64_t)ev->head, 0, 0);
	}
	if (ev->avail_idx >= 0) {
		put_mem(&x, " avail=", 7);
		put_udec(&x, (uint64_t)ev->avail_idx, 0, 0);
	}
	if (ev->used_idx >= 0) {
		put_mem(&x, " used=", 6);
		put_udec(&x, (uint64_t)ev->used_idx, 0, 0);
	}
	if (ev->unique) {
		put_mem(&x, " unique=", 8);
		put_udec(&x, ev->unique, 0, 0);
	}
	if (ev->opcode >= 0) {
		put_mem(&x, " op=", 4);
		put_opname(&x, ev->opcode);
	}
	if (ev->detail || ev->args) {
		put_ch(&x, ' ');
		put_detail(&x, ev);
	}
	terminate(&x.o);
	return (int)x.o.len;
}

static void put_json_str(struct out *x, const char *key, const char *s)
{
	put_mem(x, ",\"", 2);
	put_str(x, key);
	put_mem(x, "\":\"", 3);
	x->json = 1;
	put_str(x, s);
	x->json = 0;
	put_ch(x, '"');
}

static void put_json_num(struct out *x, const char *key, int64_t v)
{
	put_mem(x, ",\"", 2);
	put_str(x, key);
	put_mem(x, "\":", 2);
	put_sdec(x, v);
}

int trace_format_json(const struct trace_event *ev, char *buf, size_t size)
{
	struct out x = { { buf, size, 0 }, 0 };

	put_mem(&x, "{\"seq\":", 7);
	put_udec(&x, ev->seq, 0, 0);
	put_mem(&x, ",\"time_ns\":", 11);
	put_udec(&x, ev->time_ns, 0, 0);
	put_json_str(&x, "task", ev->task ? ev->task : "-");
	put_json_str(&x, "kind", ev->kind ? ev->kind : "-");
	put_json_str(&x, "func", ev->func ? ev->func : "-");
	if (ev->queue)
		put_json_str(&x, "queue", ev->queue);
	if (ev->head >= 0)
		put_json_num(&x, "head", ev->head);
	if (ev->avail_idx >= 0)
		put_json_num(&x, "avail", ev->avail_idx);
	if (ev->used_idx >= 0)
		put_json_num(&x, "used", ev->used_idx);
	if (ev->unique) {
		put_mem(&x, ",\"unique\":", 10);
		put_udec(&x, ev->unique, 0, 0);
	}
	if (ev->opcode >= 0) {
		put_mem(&x, ",\"opcode\":\"", 11);
		x.json = 1;
		put_opname(&x, ev->opcode);
		x.json = 0;
		put_ch(&x, '"');
	}
	if (ev->detail || ev->args) {
		put_mem(&x, ",\"detail\":\"", 11);
		x.json = 1;
		put_detail(&x, ev);
		x.json = 0;
		put_ch(&x, '"');
	}
	put_ch(&x, '}');
	terminate(&x.o);
	return (int)x.o.len;
}
