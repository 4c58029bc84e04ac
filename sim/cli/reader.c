// SPDX-License-Identifier: GPL-2.0-only
/*
 * reader.c - vfsim's own: fold a guest source file for one driver variant
 * (reader.h). The guest's regular form makes this a matter of lines and
 * braces; the code is clang-formatted, so a condition that wraps still
 * ends its last line with ") {", and braces sit where the kernel's style
 * puts them.
 */
#define _GNU_SOURCE /* memmem() */
#include "sim/cli/reader.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* One line of the input, without its newline. */
struct rd_line {
	const char *s;
	size_t len;
};

struct rd {
	const char *path;
	struct rd_line *l;
	size_t n;
	enum virtio_fs_variant v;
	u32 bugs; /* the variant's own bugs: those switches hold */
	char *out;
	size_t len, cap;
	char *err;
	size_t errsize;
	int ret;
};

/* The condition functions of the regular form. */
enum rd_kind {
	RD_VARIANT,
	RD_BUG,
	RD_OPTION
};

static const struct {
	const char *name;
	enum rd_kind kind;
} conds[] = {
	{ "virtio_fs_variant_in", RD_VARIANT },
	{ "fuse_variant_in", RD_VARIANT },
	{ "virtio_fs_bug", RD_BUG },
	{ "virtio_fs_opt", RD_OPTION },
};

static void fail(struct rd *r, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct rd *r, size_t line, const char *fmt, ...)
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

static void emit(struct rd *r, const char *s, size_t len)
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
static void emit_line(struct rd *r, size_t i, int dedent)
{
	const char *s = r->l[i].s;
	size_t len = r->l[i].len;

	while (dedent-- > 0 && len && *s == '\t') {
		s++;
		len--;
	}
	emit(r, s, len);
	emit(r, "\n", 1);
}

/*
 * The braces of line @i outside comments, strings and characters:
 * *opened and *closed counted, *in_comment carried from line to line.
 */
static void scan(const struct rd_line *l, bool *in_comment, int *opened,
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

/* The line whose '}' closes the block line @open opens (its last '{'). */
static size_t block_end(struct rd *r, size_t open)
{
	bool in_comment = false;
	int depth = 1;

	for (size_t i = open + 1; i < r->n; i++) {
		int o, c;

		scan(&r->l[i], &in_comment, &o, &c);
		/* a "} else {" line closes before it opens */
		if (depth - c <= 0)
			return i;
		depth += o - c;
	}
	fail(r, open, "block not closed");
	return r->n;
}

/* Leading blanks of @l skipped: where its text starts. */
static const char *text_of(const struct rd_line *l, size_t *len)
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

static bool starts(const char *s, size_t len, const char *prefix)
{
	size_t p = strlen(prefix);

	return len >= p && !memcmp(s, prefix, p);
}

/* Does @s (@len bytes) start with a condition function's name and '('?
 * Which one, or -1. */
static int cond_fn(const char *s, size_t len)
{
	for (size_t k = 0; k < sizeof(conds) / sizeof(conds[0]); k++) {
		size_t n = strlen(conds[k].name);

		if (len > n && !memcmp(s, conds[k].name, n) && s[n] == '(')
			return (int)k;
	}
	return -1;
}

/* A bug switch or option's enum name ("VIRTIO_FS_BUG_DRAIN_BY_POLLING")
 * from its name ("drain-by-polling"): @prefix, then upper case. */
static void enum_name(char *buf, size_t size, const char *prefix,
		      const char *name)
{
	size_t k = (size_t)snprintf(buf, size, "%s", prefix);

	for (; *name && k + 1 < size; name++)
		buf[k++] = *name == '-' ? '_' : (char)toupper(*name);
	buf[k] = '\0';
}

/* Does the word @w (@n bytes) name variant @v's mask bit? -1: no mask
 * name at all. */
static int mask_has(const char *w, size_t n, enum virtio_fs_variant v)
{
	static const struct {
		const char *name;
		u32 mask;
	} masks[] = {
		{ "VFS_V5_2019", VFS_V5_2019 },
		{ "VFS_V6_1", VFS_V6_1 },
		{ "VFS_MAINLINE", VFS_MAINLINE },
		{ "VFS_ALL_VARIANTS", VFS_ALL_VARIANTS },
	};

	for (size_t k = 0; k < sizeof(masks) / sizeof(masks[0]); k++)
		if (strlen(masks[k].name) == n && !memcmp(w, masks[k].name, n))
			return !!(masks[k].mask & (1u << v));
	return -1;
}

/* The last argument of the call in @args (between its parentheses). */
static const char *last_arg(const char *args, size_t len, size_t *n)
{
	const char *a = args;

	for (size_t k = 0; k < len; k++)
		if (args[k] == ',')
			a = args + k + 1;
	while (a < args + len && isspace((unsigned char)*a))
		a++;
	*n = (size_t)(args + len - a);
	while (*n && isspace((unsigned char)a[*n - 1]))
		(*n)--;
	return a;
}

/*
 * Evaluate condition @c (@len bytes, without the if's parentheses) for
 * the variant: 1 or 0, or -1 when it is no condition of the regular form
 * (then nothing is folded). A call of a condition function that is more
 * than the whole condition, or names an unknown mask, switch or option,
 * fails.
 */
static int eval(struct rd *r, size_t line, const char *c, size_t len)
{
	bool neg = false;
	const char *args, *a;
	size_t n, alen;
	int k, val = 0;

	while (len && isspace((unsigned char)c[len - 1]))
		len--;
	if (len && *c == '!') {
		neg = true;
		c++;
		len--;
	}
	k = cond_fn(c, len);
	if (k < 0)
		return -1;
	args = c + strlen(conds[k].name) + 1;
	alen = (size_t)(c + len - args);
	if (!alen || args[alen - 1] != ')' || memchr(args, '(', alen - 1) ||
	    memchr(args, ')', alen - 1)) {
		fail(r, line, "%s() must be the whole condition",
		     conds[k].name);
		return 0;
	}
	a = last_arg(args, alen - 1, &n);
	if (conds[k].kind == RD_VARIANT) {
		const char *w = a, *end = a + n;

		while (w < end) {
			const char *e = w;
			int has;

			while (e < end &&
			       (isalnum((unsigned char)*e) || *e == '_'))
				e++;
			has = mask_has(w, (size_t)(e - w), r->v);
			if (has < 0) {
				fail(r, line, "unknown variant mask '%.*s'",
				     (int)(e - w), w);
				return 0;
			}
			val |= has;
			while (e < end &&
			       (isspace((unsigned char)*e) || *e == '|'))
				e++;
			w = e;
		}
	} else {
		int nr = conds[k].kind == RD_BUG ? VIRTIO_FS_NR_BUGS :
						   VIRTIO_FS_NR_OPTIONS;
		int i;

		for (i = 0; i < nr; i++) {
			char name[64];

			if (conds[k].kind == RD_BUG)
				enum_name(name, sizeof(name), "VIRTIO_FS_BUG_",
					  virtio_fs_bug_name(
						  (enum virtio_fs_bug)i));
			else
				enum_name(name, sizeof(name), "VIRTIO_FS_OPT_",
					  virtio_fs_option_name(
						  (enum virtio_fs_option)i));
			if (strlen(name) == n && !memcmp(a, name, n))
				break;
		}
		if (i == nr) {
			fail(r, line, "unknown %s '%.*s'",
			     conds[k].kind == RD_BUG ? "bug switch" : "option",
			     (int)n, a);
			return 0;
		}
		/* an option is vfsim's own: never in a kernel's view */
		val = conds[k].kind == RD_BUG && (r->bugs & (1u << i));
	}
	return neg ? !val : val;
}

/*
 * Line @i starts "@prefix": gather the condition up to the ") {" that
 * ends it (the same line or a later one) into @buf, *last its last line.
 * @return false when it is not that shape (no folding then)
 */
static bool if_head(struct rd *r, size_t i, const char *prefix, size_t *last,
		    char *buf, size_t size)
{
	size_t pos = 0, len;
	const char *s = text_of(&r->l[i], &len);

	if (!starts(s, len, prefix))
		return false;
	s += strlen(prefix);
	len -= strlen(prefix);
	for (size_t j = i;;) {
		if (pos + len + 2 > size)
			return false;
		memcpy(buf + pos, s, len);
		pos += len;
		if (pos >= 3 && !memcmp(buf + pos - 3, ") {", 3)) {
			pos -= 3;
			buf[pos] = '\0';
			*last = j;
			return true;
		}
		if (++j >= r->n || j > i + 8)
			return false;
		buf[pos++] = ' ';
		s = text_of(&r->l[j], &len);
	}
}

static void fold(struct rd *r, size_t a, size_t b, int dedent, bool top);

/*
 * A chain of conditions of the regular form starting at line @i: fold in
 * the body of the first that holds (or of the else). @return the line
 * after the chain.
 */
static size_t fold_chain(struct rd *r, size_t i, int dedent, int first)
{
	char cond[1024];
	bool taken = false;
	const char *prefix = "if (";
	int val = first;

	for (;;) {
		size_t last = i, close;
		const char *s;
		size_t len;

		if (!if_head(r, i, prefix, &last, cond, sizeof(cond))) {
			fail(r, i,
			     "a branch of a variant condition that is "
			     "not '} else if (...) {' or '} else {'");
			return r->n;
		}
		if (val < 0)
			val = eval(r, i, cond, strlen(cond));
		if (val < 0) {
			fail(r, i, "'else if (%s)' after a variant condition",
			     cond);
			return r->n;
		}
		close = block_end(r, last);
		if (close >= r->n)
			return r->n;
		if (val && !taken) {
			fold(r, last + 1, close, dedent + 1, false);
			taken = true;
		}
		s = text_of(&r->l[close], &len);
		if (len == 1 && *s == '}')
			return close + 1;
		if (len == 8 && !memcmp(s, "} else {", 8)) {
			size_t end = block_end(r, close);

			if (!taken)
				fold(r, close + 1, end, dedent + 1, false);
			return end + 1;
		}
		prefix = "} else if (";
		i = close;
		val = -1;
	}
}

/* The first words of the comment starting at line @i: an annotation
 * "Kernel [LIST]" or "sim [LIST]", then ':' or a blank? Its LIST into
 * @list. */
static bool annotation(struct rd *r, size_t i, char *list, size_t size)
{
	for (size_t j = i; j < r->n && j < i + 2; j++) {
		size_t len, k = 0;
		const char *s = text_of(&r->l[j], &len), *open, *close;

		while (k < len && (s[k] == '/' || s[k] == '*' || s[k] == ' '))
			k++;
		s += k;
		len -= k;
		if (!len)
			continue;
		if (!starts(s, len, "Kernel [") && !starts(s, len, "sim ["))
			return false;
		open = memchr(s, '[', len);
		close = memchr(s, ']', len);
		if (!close || close < open || (size_t)(close - s) + 1 >= len ||
		    (close[1] != ':' && close[1] != ' ') ||
		    (size_t)(close - open) >= size)
			return false;
		memcpy(list, open + 1, (size_t)(close - open - 1));
		list[close - open - 1] = '\0';
		return true;
	}
	return false;
}

/* Does an annotation's LIST include the variant? */
static bool list_active(struct rd *r, size_t line, char *list)
{
	bool active = false;

	for (char *item = strtok(list, ", "); item; item = strtok(NULL, ", ")) {
		enum virtio_fs_variant v;
		enum virtio_fs_option o;
		enum virtio_fs_bug b;

		if (!virtio_fs_variant_parse(item, &v))
			active |= v == r->v;
		else if (!strncmp(item, "option:", 7) &&
			 !virtio_fs_option_parse(item + 7, &o))
			continue; /* vfsim's own: in no kernel */
		else if (!strncmp(item, "bug:", 4) &&
			 !virtio_fs_bug_parse(item + 4, &b))
			active |= !!(r->bugs & (1u << b));
		else
			fail(r, line,
			     "unknown variant, option: or bug: '%s' "
			     "in an annotation",
			     item);
	}
	return active;
}

/* The line after the top-level item that starts at line @first (a
 * function, an object, a declaration), and after one blank line. */
static size_t item_end(struct rd *r, size_t first)
{
	bool in_comment = false, braced = false;
	int depth = 0;

	for (size_t j = first; j < r->n; j++) {
		size_t len;
		const char *s = text_of(&r->l[j], &len);
		int o, cl;

		scan(&r->l[j], &in_comment, &o, &cl);
		braced |= o > 0;
		depth += o - cl;
		if (!depth && !in_comment &&
		    (braced || (len && s[len - 1] == ';'))) {
			if (j + 1 < r->n && !r->l[j + 1].len)
				j++;
			return j + 1;
		}
	}
	fail(r, first, "item not closed");
	return r->n;
}

/* Fold lines [@a, @b), each @dedent tabs less; @top: at file level. */
static void fold(struct rd *r, size_t a, size_t b, int dedent, bool top)
{
	bool in_comment = false;
	int depth = 0;

	for (size_t i = a; i < b && !r->ret;) {
		size_t len;
		const char *s = text_of(&r->l[i], &len);
		char list[128];
		int o, c;

		if (top && !depth && !in_comment && starts(s, len, "/*") &&
		    s == r->l[i].s && annotation(r, i, list, sizeof(list)) &&
		    !list_active(r, i, list)) {
			size_t end = i;

			/* the comment, then the item */
			while (end < b &&
			       !memmem(r->l[end].s, r->l[end].len, "*/", 2))
				end++;
			if (end >= b) {
				fail(r, i, "comment not closed");
				return;
			}
			i = item_end(r, end + 1);
			continue;
		}
		if (!in_comment && starts(s, len, "if (")) {
			char cond[1024];
			size_t last;
			int val = -1;

			if (if_head(r, i, "if (", &last, cond, sizeof(cond)))
				val = eval(r, i, cond, strlen(cond));
			else if (cond_fn(s + 4, len - 4) >= 0 ||
				 (len > 5 && s[4] == '!' &&
				  cond_fn(s + 5, len - 5) >= 0))
				fail(r, i,
				     "a variant condition must stand "
				     "alone in 'if (...) {'");
			if (val >= 0) {
				i = fold_chain(r, i, dedent, val);
				continue;
			}
		}
		if (top) {
			scan(&r->l[i], &in_comment, &o, &c);
			depth += o - c;
		}
		emit_line(r, i, dedent);
		i++;
	}
}

/* @text's lines into r->l. */
static int split_lines(struct rd *r, const char *text)
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

int vfsim_reader_fold(const char *path, const char *text,
		      enum virtio_fs_variant v, char **out, char *err,
		      size_t errsize)
{
	struct rd r = { .path = path, .v = v, .err = err, .errsize = errsize };

	*out = NULL;
	if (errsize)
		err[0] = '\0';
	if (!virtio_fs_variant_info(v)) {
		fail(&r, 0, "no such variant");
		return r.ret;
	}
	if (split_lines(&r, text))
		return -ENOMEM;
	r.bugs = virtio_fs_variant_bugs(v);
	emit(&r, "", 0);
	fold(&r, 0, r.n, 0, true);
	free(r.l);
	if (r.ret) {
		free(r.out);
		return r.ret;
	}
	*out = r.out;
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
	const char *s = text_of(l, &len);

	return starts(s, len, "/*") || starts(s, len, "*");
}

int vfsim_reader_item(const char *text, const char *name, char **out)
{
	struct rd r = { .path = "" };
	size_t start = 0, end = 0, from;
	bool in_comment = false, found = false;
	int depth = 0;

	*out = NULL;
	if (split_lines(&r, text))
		return -ENOMEM;
	for (size_t i = 0; i < r.n && !found; i++) {
		int o, c;

		if (!depth && !in_comment && defines(&r.l[i], name)) {
			size_t e = item_end(&r, i);
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
		scan(&r.l[i], &in_comment, &o, &c);
		depth += o - c;
	}
	if (!end) {
		free(r.l);
		return -ENOENT;
	}
	for (from = start;
	     from && r.l[from - 1].len && comment_line(&r.l[from - 1]); from--)
		;
	/* the blank line item_end() took along stays out */
	while (end > start && !r.l[end - 1].len)
		end--;
	for (size_t i = from; i < end && !r.ret; i++)
		emit_line(&r, i, 0);
	free(r.l);
	if (r.ret) {
		free(r.out);
		return r.ret;
	}
	*out = r.out;
	return 0;
}
