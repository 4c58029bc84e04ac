/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tour_test_util.h - run `vfsim tour` in-process with scripted standard
 * input and captured output, for the cli_tour* suites.
 */
#ifndef VFSIM_TESTS_CLI_TOUR_TEST_UTIL_H
#define VFSIM_TESTS_CLI_TOUR_TEST_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/tour_internal.h"
#include "tests/harness.h"

/* What the last tour run printed. */
static char *tt_out, *tt_err;

/*
 * Run @book's tour with the NULL-terminated options after "tour", @input
 * as standard input (NULL: empty). Returns the exit status.
 */
static inline int tt_tour(const struct tour_book *book, const char *input,
			  const char *arg, ...)
{
	char *argv[16] = { "tour" };
	size_t olen, elen;
	int argc = 1, rc;
	FILE *in, *out, *err;
	va_list ap;

	free(tt_out);
	free(tt_err);
	in = fmemopen((void *)(input ? input : ""), input ? strlen(input) : 0,
		      "r");
	if (!in)
		in = fopen("/dev/null", "r");
	out = open_memstream(&tt_out, &olen);
	err = open_memstream(&tt_err, &elen);
	va_start(ap, arg);
	for (const char *a = arg; a && argc < 15; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	rc = tour_main(book, argc, argv, in, out, err);
	fclose(in);
	fclose(out);
	fclose(err);
	return rc;
}

/* How many times @needle occurs in @hay. */
static inline unsigned tt_count(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* @text with every run of blanks and newlines made one blank (the tour
 * wraps its narration). Free the result. */
static inline char *tt_flat(const char *text)
{
	char *s = malloc(strlen(text) + 1), *d = s;
	int blank = 0;

	for (const char *p = text; *p; p++) {
		if (*p == ' ' || *p == '\n') {
			blank = 1;
			continue;
		}
		if (blank && d != s)
			*d++ = ' ';
		blank = 0;
		*d++ = *p;
	}
	*d = '\0';
	return s;
}

static inline int tt_cleanup(void)
{
	free(tt_out);
	free(tt_err);
	tt_out = tt_err = NULL;
	return 0;
}

#endif /* VFSIM_TESTS_CLI_TOUR_TEST_UTIL_H */
