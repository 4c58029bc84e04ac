// SPDX-License-Identifier: GPL-2.0-only
/*
 * scenario_parse_value.c - typed values of the scenario language: integers,
 * durations, sizes and errno names.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "sim/cli/scenario_internal.h"

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
 * Digits of @p s (length @p len) as an unsigned number: decimal, or hex
 * after "0x". Returns -EINVAL for no digits or a bad digit, -ERANGE on
 * overflow of u64.
 */
static int digits(const char *s, size_t len, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		len -= 2;
	}
	if (!len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		int d = hexval(s[i]);

		if (d < 0 || (unsigned)d >= base)
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -ERANGE;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return 0;
}

static void need_word(struct scn_parser *P, const struct scn_tok *t,
		      const char *what)
{
	char b[80];

	if (t->kind == SCN_TK_STRING || (t->kind == SCN_TK_KEYVAL && t->str))
		scn_fail(P, -EINVAL, t->vcol, "expected %s, found string %s",
			 what, scn_tok_str(t, b, sizeof(b)));
}

uint64_t scn_uint(struct scn_parser *P, const struct scn_tok *t, uint64_t lo,
		  uint64_t hi, const char *what)
{
	uint64_t v = 0;
	char b[80];
	int e;

	need_word(P, t, what);
	e = digits(t->text, strlen(t->text), &v);
	if (e == -EINVAL)
		scn_fail(P, -EINVAL, t->vcol,
			 "bad number '%s' for %s (expected a decimal or 0x "
			 "hex integer)",
			 scn_show(t->text, b, sizeof(b)), what);
	if (e || v < lo || v > hi)
		scn_fail(P, -ERANGE, t->vcol,
			 "%s out of range: '%s' (expected %llu..%llu)", what,
			 scn_show(t->text, b, sizeof(b)),
			 (unsigned long long)lo, (unsigned long long)hi);
	return v;
}

int64_t scn_int(struct scn_parser *P, const struct scn_tok *t, const char *what)
{
	const char *s = t->text;
	bool neg = *s == '-';
	uint64_t v = 0;
	char b[80];
	int e;

	need_word(P, t, what);
	e = digits(s + neg, strlen(s + neg), &v);
	if (e == -EINVAL)
		scn_fail(P, -EINVAL, t->vcol,
			 "bad number '%s' for %s (expected a decimal or 0x "
			 "hex integer, optionally negative)",
			 scn_show(s, b, sizeof(b)), what);
	if (e || v > (uint64_t)INT64_MAX + neg)
		scn_fail(P, -ERANGE, t->vcol,
			 "%s out of range: '%s' (expected a signed 64-bit "
			 "integer)",
			 what, s);
	return neg ? (int64_t)(0 - v) : (int64_t)v;
}

/* Split a token into its leading digits and a unit suffix. */
static size_t num_part(const char *s)
{
	size_t i = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return 0; /* units go with decimal numbers only */
	while (s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

static const struct {
	const char *unit;
	uint64_t mul;
} duration_units[] = {
	{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 }
};

/*
 * The duration @s (a decimal number and a unit) for @what, in *@ns; on
 * failure a negative errno, the message in @msg and, in *@col, how far
 * into @s the fault is.
 */
static int duration_parse(const char *s, const char *what, uint64_t *ns,
			  char *msg, size_t msgsize, unsigned *col)
{
	size_t n = num_part(s);
	uint64_t v = 0;
	char b[80], b2[40];

	*col = 0;
	if (!n) {
		snprintf(msg, msgsize,
			 "bad duration '%s' for %s (expected a decimal "
			 "number with a unit: ns, us, ms or s)",
			 scn_show(s, b, sizeof(b)), what);
		return -EINVAL;
	}
	if (!s[n]) {
		snprintf(msg, msgsize,
			 "duration '%s' for %s needs a unit (expected ns, "
			 "us, ms or s)",
			 scn_show(s, b, sizeof(b)), what);
		return -EINVAL;
	}
	for (size_t i = 0;
	     i < (sizeof(duration_units) / sizeof(duration_units[0])); i++) {
		if (strcmp(s + n, duration_units[i].unit))
			continue;
		if (digits(s, n, &v) ||
		    v > UINT64_MAX / duration_units[i].mul) {
			snprintf(msg, msgsize,
				 "duration '%s' for %s overflows (at most "
				 "%lluns)",
				 scn_show(s, b, sizeof(b)), what,
				 (unsigned long long)UINT64_MAX);
			return -ERANGE;
		}
		*ns = v * duration_units[i].mul;
		return 0;
	}
	*col = (unsigned)n;
	snprintf(msg, msgsize,
		 "unknown unit '%s' in duration '%s' (expected ns, us, "
		 "ms or s)",
		 scn_show(s + n, b2, sizeof(b2)), scn_show(s, b, sizeof(b)));
	return -EINVAL;
}

uint64_t scn_duration(struct scn_parser *P, const struct scn_tok *t,
		      const char *what)
{
	char msg[256];
	uint64_t ns;
	unsigned col;
	int err;

	need_word(P, t, what);
	err = duration_parse(t->text, what, &ns, msg, sizeof(msg), &col);
	if (err)
		scn_fail(P, err, t->vcol + col, "%s", msg);
	return ns;
}

int scenario_parse_duration(const char *text, const char *what, uint64_t *ns,
			    char *msg, size_t msgsize)
{
	unsigned col;

	return duration_parse(text, what, ns, msg, msgsize, &col);
}

size_t scenario_format_duration(uint64_t ns, char *buf, size_t size)
{
	unsigned u = 0;

	while (ns &&
	       u < (sizeof(duration_units) / sizeof(duration_units[0])) - 1 &&
	       ns % 1000 == 0) {
		ns /= 1000;
		u++;
	}
	return (size_t)snprintf(buf, size, "%llu%s", (unsigned long long)ns,
				duration_units[u].unit);
}

uint64_t scn_size(struct scn_parser *P, const struct scn_tok *t,
		  const char *what)
{
	const char *s = t->text;
	size_t len = strlen(s), n = num_part(s);
	uint64_t v = 0, mul = 1;
	char b[80], b2[40];
	int e;

	need_word(P, t, what);
	if (n && s[n] && !s[n + 1]) {
		if (s[n] == 'K')
			mul = 1ull << 10;
		else if (s[n] == 'M')
			mul = 1ull << 20;
		else if (s[n] == 'G')
			mul = 1ull << 30;
		if (mul != 1)
			len = n;
	}
	e = digits(s, len, &v);
	if (e == -EINVAL) {
		if (n && s[n] >= 'A')
			scn_fail(P, -EINVAL, t->vcol + (unsigned)n,
				 "unknown unit '%s' in size '%s' "
				 "(expected K, M or G)",
				 scn_show(s + n, b2, sizeof(b2)),
				 scn_show(s, b, sizeof(b)));
		scn_fail(P, -EINVAL, t->vcol,
			 "bad size '%s' for %s (expected a number, "
			 "optionally with K, M or G)",
			 scn_show(s, b, sizeof(b)), what);
	}
	if (e || v > UINT64_MAX / mul)
		scn_fail(P, -ERANGE, t->vcol,
			 "size '%s' for %s overflows (at most %llu bytes)",
			 scn_show(s, b, sizeof(b)), what,
			 (unsigned long long)UINT64_MAX);
	return v * mul;
}

/* fuse_proto owns the errno name table; scenarios read it backwards. */
#define SCN_ERRNO_MAX 133

const char *scn_errno_name(int err)
{
	assert(err > 0 && err <= SCN_ERRNO_MAX);
	return fuse_errno_name(-err);
}

int scn_errno(struct scn_parser *P, const struct scn_tok *t)
{
	const char *s = t->text;
	char b[80];

	need_word(P, t, "an errno");
	if (!strcmp(s, "0"))
		return 0;
	if (*s == '-')
		s++;
	for (int e = 1; e <= SCN_ERRNO_MAX; e++) {
		const char *n = scn_errno_name(e);

		if (n && !strcmp(n, s))
			return -e;
	}
	scn_fail(P, -EINVAL, t->vcol,
		 "unknown errno '%s' (expected 0 or an errno name such as "
		 "ENOENT or -ENOTCONN)",
		 scn_show(t->text, b, sizeof(b)));
}
