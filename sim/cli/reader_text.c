// SPDX-License-Identifier: GPL-2.0-only
/*
 * reader_text.c - vfsim's own: the reader view's text handling (lines,
 * braces outside comments and strings, top-level items, the output) and
 * finding the item that defines a name.
 */
#include "sim/cli/reader_internal.h"
#include "sim/trace/host.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rd_fail(struct rd *r, size_t line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->ret)
		return;
	r->ret = -EINVAL;
	if (!r->errsize)
		return;
	n = snprintf(r->err, r->errsize, "%s:%zu: ", r->path, line + 1);
	if (n < 0 || (size_t)n >= r->errsize)
		return;
	va_start(ap, fmt);
	vsnprintf(r->err + n, r->errsize - (size_t)n, fmt, ap);
	va_end(ap);
}

void rd_emit(struct rd *r, const char *s, size_t len)
{
	if (r->ret)
		return;
	if (r->len + len + 2 > r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4096;
		char *p;

		while (cap < r->len + len + 2)
			cap *= 2;
		p = realloc(r->out, cap);
		if (!p) {
			r->ret = -ENOMEM;
			return;
		}
		r->out = p;
		r->cap = cap;
	}
	memcpy(r->out + r->len, s, len);
	r->len += len;
	r->out[r->len] = '\0';
}

/* Line @i, @dedent leading tabs fewer (those it has). */
void rd_emit_line(struct rd *r, size_t i, int dedent)
{
	const char *s = r->l[i].s;
	size_t len = r->l[i].len;

	while (dedent-- > 0 && len && *s == '\t') {
		s++;
		len--;
	}
	rd_emit(r, s, len);
	rd_emit(r, "\n", 1);
}

/*
 * The braces of line @i outside comments, strings and characters:
 * *opened and *closed counted, *in_comment carried from line to line.
 */
void rd_scan(const struct rd_line *l, bool *in_comment, int *opened,
	     int *closed)
{
	char quote = 0;

	*opened = *closed = 0;
	for (size_t k = 0; k < l->len; k++) {
		char ch = l->s[k];
		char next = k + 1 < l->len ? l->s[k + 1] : 0;

		if (*in_comment) {
			if (ch == '*' && next == '/') {
				*in_comment = false;
				k++;
			}
		} else if (quote) {
			if (ch == '\\')
				k++;
			else if (ch == quote)
				quote = 0;
		} else if (ch == '/' && next == '*') {
			*in_comment = true;
			k++;
		} else if (ch == '/' && next == '/') {
			return;
		} else if (ch == '"' || ch == '\'') {
			quote = ch;
		} else if (ch == '{') {
			(*opened)++;
		} else if (ch == '}') {
			(*closed)++;
		}
	}
}

/* Leading blanks of @l skipped: where its text starts. */
const char *rd_text_of(const struct rd_line *l, size_t *len)
{
	const char *s = l->s;
	size_t n = l->len;

	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	*len = n;
	return s;
}

bool rd_starts(const char *s, size_t len, const char *prefix)
{
	size_t p = strlen(prefix);

	return len >= p && !memcmp(s, prefix, p);
}

/* The line after the top-level item that starts at line @first (a
 * function, an object, a declaration), and after one blank line. */
size_t rd_item_end(struct rd *r, size_t first)
{
	bool in_comment = false, braced = false;
	int depth = 0;

	for (size_t j = first; j < r->n; j++) {
		size_t len;
		const char *s = rd_text_of(&r->l[j], &len);
		int o, cl;

		rd_scan(&r->l[j], &in_comment, &o, &cl);
		braced |= o > 0;
		depth += o - cl;
		if (!depth && !in_comment &&
		    (braced || (len && s[len - 1] == ';'))) {
			if (j + 1 < r->n && !r->l[j + 1].len)
				j++;
			return j + 1;
		}
	}
	rd_fail(r, first, "item not closed");
	return r->n;
}

/* @text's lines into r->l. */
int rd_split_lines(struct rd *r, const char *text)
{
	size_t cap = 1;

	for (const char *p = text; *p; p++)
		cap += *p == '\n';
	r->l = calloc(cap, sizeof(*r->l));
	if (!r->l)
		return -ENOMEM;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		r->l[r->n++] = (struct rd_line){ p, len };
		p += len + (nl != NULL);
	}
	return 0;
}

/* Does line @l, at file level, start the definition of @name: a word
 * @name right after a blank or '*', followed by '(', '[' or " ="? */
static bool defines(const struct rd_line *l, const char *name)
{
	size_t n = strlen(name);

	if (!l->len || !isalpha((unsigned char)l->s[0]))
		return false;
	for (size_t k = 1; k + n < l->len; k++) {
		char after = l->s[k + n];

		if ((l->s[k - 1] == ' ' || l->s[k - 1] == '*') &&
		    !memcmp(l->s + k, name, n) &&
		    (after == '(' || after == '[' || after == ' '))
			return after != ' ' ||
			       (k + n + 1 < l->len && l->s[k + n + 1] == '=');
	}
	return false;
}

/* Is line @l part of a comment (its first, middle or last line)? */
static bool comment_line(const struct rd_line *l)
{
	size_t len;
	const char *s = rd_text_of(l, &len);

	return rd_starts(s, len, "/*") || rd_starts(s, len, "*");
}

int vfsim_reader_item(const char *text, const char *name, char **out)
{
	struct rd r = { .path = "" };
	size_t start = 0, end = 0, from;
	bool in_comment = false, found = false;
	int depth = 0;

	*out = NULL;
	if (rd_split_lines(&r, text))
		return -ENOMEM;
	for (size_t i = 0; i < r.n && !found; i++) {
		int o, c;

		if (!depth && !in_comment && defines(&r.l[i], name)) {
			size_t e = rd_item_end(&r, i);
			bool braced = false;

			for (size_t j = i; j < e; j++)
				braced |= memchr(r.l[j].s, '{', r.l[j].len) !=
					  NULL;
			/* a prototype is not the definition */
			if (braced || !end) {
				start = i;
				end = e;
				found = braced;
			}
		}
		rd_scan(&r.l[i], &in_comment, &o, &c);
		depth += o - c;
	}
	if (!end) {
		host_free(r.l);
		return -ENOENT;
	}
	for (from = start;
	     from && r.l[from - 1].len && comment_line(&r.l[from - 1]); from--)
		;
	/* the blank line rd_item_end() took along stays out */
	while (end > start && !r.l[end - 1].len)
		end--;
	for (size_t i = from; i < end && !r.ret; i++)
		rd_emit_line(&r, i, 0);
	host_free(r.l);
	if (r.ret) {
		host_free(r.out);
		return r.ret;
	}
	*out = r.out;
	return 0;
}
