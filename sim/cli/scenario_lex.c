// SPDX-License-Identifier: GPL-2.0-only
/*
 * scenario_lex.c - the scenario language's tokens, numbers and units, the
 * arena every node lives in, and error reporting.
 */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/scenario_internal.h"
#include "sim/trace/host.h"

/* ---- arena ------------------------------------------------------------ */

struct scn_chunk {
	struct scn_chunk *next;
	size_t size, used;
	max_align_t data[];
};

#define SCN_CHUNK_MIN 16384

/* Guarantees zeroed, max-aligned memory (or host_oom()). */
void *scn_alloc(struct scn_parser *P, size_t size)
{
	struct scn_chunk **head = (struct scn_chunk **)&P->s->arena;
	struct scn_chunk *c = *head;
	const size_t align = sizeof(max_align_t);
	void *m;

	size = (size + align - 1) / align * align;
	if (!c || c->size - c->used < size) {
		size_t want = size > SCN_CHUNK_MIN ? size : SCN_CHUNK_MIN;

		c = host_calloc(1, sizeof(*c) + want);
		c->size = want;
		c->next = *head;
		*head = c;
	}
	m = (char *)c->data + c->used;
	c->used += size;
	return m;
}

void scn_arena_free(void *arena)
{
	struct scn_chunk *c = arena;

	while (c) {
		struct scn_chunk *next = c->next;

		host_free(c);
		c = next;
	}
}

char *scn_strndup(struct scn_parser *P, const char *s, size_t len)
{
	char *d = scn_alloc(P, len + 1);

	memcpy(d, s, len);
	return d;
}

/* The old array stays in the arena: growth by doubling wastes at most the
 * final size again, and no node ever needs freeing on its own. */
void *scn_push(struct scn_parser *P, void *arr, size_t *nr, size_t *cap,
	       size_t size)
{
	void **a = arr;

	if (*nr == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		void *n = scn_alloc(P, ncap * size);

		if (*nr)
			memcpy(n, *a, *nr * size);
		*a = n;
		*cap = ncap;
	}
	/* zeroed even when the slot is reused (the token array is) */
	return memset((char *)*a + (*nr)++ * size, 0, size);
}

/* ---- errors ----------------------------------------------------------- */

static _Noreturn void vfail(struct scn_parser *P, int code, unsigned line,
			    unsigned col, const char *fmt, va_list ap)
{
	struct scenario_error *e = P->err;
	int n;

	assert(code < 0);
	e->code = code;
	e->line = line;
	e->col = col ? col : 1;
	n = snprintf(e->msg, sizeof(e->msg), "%s:%u:%u: error: ", P->s->file,
		     line, e->col);
	if (n < 0 || (size_t)n >= sizeof(e->msg))
		n = 0;
	vsnprintf(e->msg + n, sizeof(e->msg) - (size_t)n, fmt, ap);
	longjmp(P->fail, 1);
}

void scn_fail(struct scn_parser *P, int code, unsigned col, const char *fmt,
	      ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(P, code, P->line, col, fmt, ap);
}

void scn_fail_line(struct scn_parser *P, int code, unsigned line, unsigned col,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(P, code, line, col, fmt, ap);
}

struct scn_pos scn_pos_at(struct scn_parser *P, unsigned col)
{
	return (struct scn_pos){ P->s->file, P->line, col };
}

/* Printable, bounded form of a token: messages quote what was found. */
const char *scn_tok_str(const struct scn_tok *t, char *buf, size_t size)
{
	char tmp[48];
	size_t j = 0;
	const char *s = t->text;

	for (; *s && j + 5 < sizeof(tmp); s++) {
		unsigned char c = (unsigned char)*s;

		if (c == (unsigned char)SCN_ITER_MARK) {
			tmp[j++] = '$';
			tmp[j++] = 'i';
		} else if (c < 0x20 || c == 0x7f) {
			tmp[j++] = '?';
		} else {
			tmp[j++] = (char)c;
		}
	}
	tmp[j] = 0;
	if (t->kind == SCN_TK_KEYVAL)
		snprintf(buf, size, "%s=%s%s%s%s", t->key, t->str ? "\"" : "",
			 tmp, *s ? "..." : "", t->str ? "\"" : "");
	else if (t->kind == SCN_TK_STRING)
		snprintf(buf, size, "\"%s%s\"", tmp, *s ? "..." : "");
	else
		snprintf(buf, size, "%s%s", tmp, *s ? "..." : "");
	return buf;
}

const char *scn_show(const char *s, char *buf, size_t size)
{
	struct scn_tok t = { .kind = SCN_TK_WORD, .text = s };

	return scn_tok_str(&t, buf, size);
}

/* ---- lexer ------------------------------------------------------------ */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_eol(const char *p)
{
	return !*p || *p == '\n' || (p[0] == '\r' && (!p[1] || p[1] == '\n'));
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A string from its opening quote at @p start. Guarantees the decoded text
 * holds no NUL and SCN_ITER_MARK only where "$i" was written.
 */
static const char *lex_string(struct scn_parser *P, const char *start,
			      struct scn_tok *t)
{
	const char *p = start + 1;
	size_t cap = 16, n = 0;
	char *buf = scn_alloc(P, cap);
	for (;;) {
		unsigned col = t->vcol + (unsigned)(p - start);
		unsigned char c = (unsigned char)*p;
		int out;

		if (is_eol(p))
			scn_fail(P, -EINVAL, t->vcol,
				 "unterminated string (expected '\"' before "
				 "the end of the line)");
		if (c == '"') {
			p++;
			break;
		}
		if (c == '\\') {
			char e = p[1];

			if (e == '"' || e == '\\' || e == '$') {
				out = e;
			} else if (e == 'n') {
				out = '\n';
			} else if (e == 't') {
				out = '\t';
			} else if (e == 'x' && hexval(p[2]) >= 0 &&
				   hexval(p[3]) >= 0) {
				out = hexval(p[2]) * 16 + hexval(p[3]);
				if (out == 0 || out == SCN_ITER_MARK)
					scn_fail(P, -EINVAL, col,
						 "byte \\x%02x is not allowed "
						 "in a string",
						 out);
				p += 2;
			} else {
				char bad[8];

				snprintf(bad, sizeof(bad), "%c%c",
					 (unsigned char)e >= 0x20 &&
							 (unsigned char)e <
								 0x7f ?
						 e :
						 '?',
					 0);
				scn_fail(P, -EINVAL, col,
					 "bad escape '\\%s' (expected \\\", "
					 "\\\\, \\n, \\t, \\$ or \\xHH)",
					 bad);
			}
			p += 2;
		} else if (c == '$') {
			if (p[1] != 'i')
				scn_fail(P, -EINVAL, col,
					 "'$' in a string must be '$i' "
					 "(write \\$ for a dollar sign)");
			out = SCN_ITER_MARK;
			t->var = true;
			p += 2;
		} else if (c < 0x20 || c == 0x7f) {
			if (c != '\t')
				scn_fail(P, -EINVAL, col,
					 "control byte 0x%02x in a string "
					 "(expected an escape such as \\n)",
					 c);
			out = c;
			p++;
		} else {
			out = c;
			p++;
		}
		if (n + 2 > cap) {
			char *nb = scn_alloc(P, cap * 2);

			memcpy(nb, buf, n);
			buf = nb;
			cap *= 2;
		}
		buf[n++] = (char)out;
	}
	buf[n] = 0;
	t->text = buf;
	return p;
}

static bool is_key(const char *s, size_t len)
{
	if (!len || !((s[0] >= 'a' && s[0] <= 'z') ||
		      (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* A bare word; "$i" becomes SCN_ITER_MARK, any other '$' is an error. */
static char *word_text(struct scn_parser *P, const char *s, size_t len,
		       unsigned col, bool *var)
{
	char *d = scn_alloc(P, len + 1);
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '$') {
			if (i + 1 >= len || s[i + 1] != 'i')
				scn_fail(P, -EINVAL, col + (unsigned)i,
					 "unknown variable in '%.*s' (expected "
					 "$i)",
					 (int)(len > 40 ? 40 : len), s);
			d[n++] = SCN_ITER_MARK;
			*var = true;
			i++;
		} else {
			d[n++] = s[i];
		}
	}
	d[n] = 0;
	return d;
}

bool scn_lex_line(struct scn_parser *P)
{
	const char *p = P->p, *line = P->p;

	if (!*p)
		return false;
	P->line++;
	P->nr_toks = 0;
	for (;;) {
		struct scn_tok *t;
		const char *start;
		unsigned col;

		while (is_blank(*p))
			p++;
		if (is_eol(p) || *p == '#') {
			while (*p && *p != '\n')
				p++;
			break;
		}
		col = (unsigned)(p - line) + 1;
		t = scn_push(P, &P->toks, &P->nr_toks, &P->cap_toks,
			     sizeof(*t));
		t->col = t->vcol = col;
		start = p;
		if (*p == '"') {
			t->kind = SCN_TK_STRING;
			p = lex_string(P, p, t);
		} else {
			const char *eq = NULL;

			for (; !is_blank(*p) && !is_eol(p) && *p != '#' &&
			       *p != '"';
			     p++) {
				unsigned char c = (unsigned char)*p;

				if (c < 0x20 || c >= 0x7f)
					scn_fail(
						P, -EINVAL,
						(unsigned)(p - line) + 1,
						"unexpected byte 0x%02x "
						"(expected printable ASCII "
						"outside strings and comments)",
						c);
				if (c == '=' && !eq)
					eq = p;
			}
			if (eq && is_key(start, (size_t)(eq - start))) {
				t->kind = SCN_TK_KEYVAL;
				t->key = scn_strndup(P, start,
						     (size_t)(eq - start));
				t->vcol = col + (unsigned)(eq - start) + 1;
				if (eq + 1 == p && *p == '"') {
					t->str = true;
					p = lex_string(P, p, t);
				} else {
					t->text = word_text(
						P, eq + 1, (size_t)(p - eq - 1),
						t->vcol, &t->var);
				}
			} else {
				t->kind = SCN_TK_WORD;
				if (*p == '"')
					scn_fail(
						P, -EINVAL,
						(unsigned)(p - line) + 1,
						"unexpected '\"' inside a word "
						"(expected a blank before the "
						"string)");
				t->text = word_text(P, start,
						    (size_t)(p - start), col,
						    &t->var);
			}
		}
		if (!is_blank(*p) && !is_eol(p) && *p != '#')
			scn_fail(P, -EINVAL, (unsigned)(p - line) + 1,
				 "unexpected '%c' right after a string "
				 "(expected a blank)",
				 *p);
	}
	P->p = *p ? p + 1 : p;
	return true;
}

bool scn_is_name(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	      *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' ||
		      *s == '-' || *s == SCN_ITER_MARK))
			return false;
	return true;
}

size_t scenario_expand(const char *tmpl, unsigned long i, char *buf,
		       size_t size)
{
	char num[24];
	size_t n = 0, nl = 0;

	for (const char *p = tmpl; *p; p++) {
		const char *add = p;
		size_t len = 1;

		if (*p == SCN_ITER_MARK) {
			/* printed once, and only for a template that has
			 * a mark: most paths have none */
			if (!nl)
				nl = (size_t)snprintf(num, sizeof(num), "%lu",
						      i);
			add = num;
			len = nl;
		}
		for (size_t k = 0; k < len; k++, n++)
			if (size && n < size - 1)
				buf[n] = add[k];
	}
	if (size)
		buf[n < size ? n : size - 1] = 0;
	return n;
}
