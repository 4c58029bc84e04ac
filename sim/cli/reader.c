// SPDX-License-Identifier: GPL-2.0-only
/*
 * reader.c - vfsim's own: fold a guest source file for one driver variant
 * (reader.h). The guest's regular form makes this a matter of lines and
 * braces; the code is clang-formatted, so a condition that wraps still
 * ends its last line with ") {", and braces sit where the kernel's style
 * puts them.
 */
#define _GNU_SOURCE /* memmem() */
#include "sim/cli/reader_internal.h"
#include "sim/trace/host.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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

/* The line whose '}' closes the block line @open opens (its last '{'). */
static size_t block_end(struct rd *r, size_t open)
{
	bool in_comment = false;
	int depth = 1;

	for (size_t i = open + 1; i < r->n; i++) {
		int o, c;

		rd_scan(&r->l[i], &in_comment, &o, &c);
		/* a "} else {" line closes before it opens */
		if (depth - c <= 0)
			return i;
		depth += o - c;
	}
	rd_fail(r, open, "block not closed");
	return r->n;
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
		rd_fail(r, line, "%s() must be the whole condition",
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
				rd_fail(r, line, "unknown variant mask '%.*s'",
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
			rd_fail(r, line, "unknown %s '%.*s'",
				conds[k].kind == RD_BUG ? "bug switch" :
							  "option",
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
	const char *s = rd_text_of(&r->l[i], &len);

	if (!rd_starts(s, len, prefix))
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
		s = rd_text_of(&r->l[j], &len);
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
			rd_fail(r, i,
				"a branch of a variant condition that is "
				"not '} else if (...) {' or '} else {'");
			return r->n;
		}
		if (val < 0)
			val = eval(r, i, cond, strlen(cond));
		if (val < 0) {
			rd_fail(r, i,
				"'else if (%s)' after a variant condition",
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
		s = rd_text_of(&r->l[close], &len);
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
		const char *s = rd_text_of(&r->l[j], &len), *open, *close;

		while (k < len && (s[k] == '/' || s[k] == '*' || s[k] == ' '))
			k++;
		s += k;
		len -= k;
		if (!len)
			continue;
		if (!rd_starts(s, len, "Kernel [") &&
		    !rd_starts(s, len, "sim ["))
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
			rd_fail(r, line,
				"unknown variant, option: or bug: '%s' "
				"in an annotation",
				item);
	}
	return active;
}

/* Fold lines [@a, @b), each @dedent tabs less; @top: at file level. */
static void fold(struct rd *r, size_t a, size_t b, int dedent, bool top)
{
	bool in_comment = false;
	int depth = 0;

	for (size_t i = a; i < b && !r->ret;) {
		size_t len;
		const char *s = rd_text_of(&r->l[i], &len);
		char list[128];
		int o, c;

		if (top && !depth && !in_comment && rd_starts(s, len, "/*") &&
		    s == r->l[i].s && annotation(r, i, list, sizeof(list)) &&
		    !list_active(r, i, list)) {
			size_t end = i;

			/* the comment, then the item */
			while (end < b &&
			       !memmem(r->l[end].s, r->l[end].len, "*/", 2))
				end++;
			if (end >= b) {
				rd_fail(r, i, "comment not closed");
				return;
			}
			i = rd_item_end(r, end + 1);
			continue;
		}
		if (!in_comment && rd_starts(s, len, "if (")) {
			char cond[1024];
			size_t last;
			int val = -1;

			if (if_head(r, i, "if (", &last, cond, sizeof(cond)))
				val = eval(r, i, cond, strlen(cond));
			else if (cond_fn(s + 4, len - 4) >= 0 ||
				 (len > 5 && s[4] == '!' &&
				  cond_fn(s + 5, len - 5) >= 0))
				rd_fail(r, i,
					"a variant condition must stand "
					"alone in 'if (...) {'");
			if (val >= 0) {
				i = fold_chain(r, i, dedent, val);
				continue;
			}
		}
		if (top) {
			rd_scan(&r->l[i], &in_comment, &o, &c);
			depth += o - c;
		}
		rd_emit_line(r, i, dedent);
		i++;
	}
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
		rd_fail(&r, 0, "no such variant");
		return r.ret;
	}
	if (rd_split_lines(&r, text))
		return -ENOMEM;
	r.bugs = virtio_fs_variant_bugs(v);
	rd_emit(&r, "", 0);
	fold(&r, 0, r.n, 0, true);
	host_free(r.l);
	if (r.ret) {
		host_free(r.out);
		return r.ret;
	}
	*out = r.out;
	return 0;
}
