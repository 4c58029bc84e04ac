// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace_json.c - an event as a JSON object (`vfsim run --trace jsonl`),
 * and the JSON writers trace_perfetto.c puts its trace together with.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "sim/trace/host.h"
#include "sim/trace/trace_text_internal.h"

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
	trace_put_sdec(o, v);
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

void trace_text_printf(struct trace_text *t, const char *fmt, ...)
{
	va_list ap;
	int len;

	trace_text_reserve(t, 256);
	va_start(ap, fmt);
	len = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if ((size_t)len >= t->cap - t->len) {
		trace_text_reserve(t, (size_t)len);
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
	trace_text_reserve(t, 6 * n + 2);
	o = (struct out){ t->buf + t->len, t->cap - t->len, 0 };
	put_ch(&o, '"');
	put_json_escaped(&o, s, n);
	put_ch(&o, '"');
	terminate(&o);
	t->len += o.len;
}

void trace_text_json_event(struct trace_text *t, const struct trace_event *ev)
{
	trace_text_put_event(t, ev, trace_format_json);
}
