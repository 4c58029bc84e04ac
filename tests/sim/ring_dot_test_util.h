/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ring_dot_test_util.h - a ring picture's DOT without its cells' layout
 * attributes, so tests can look for "<TD>key</TD><TD>value</TD>".
 */
#ifndef VFSIM_TESTS_SIM_RING_DOT_TEST_UTIL_H
#define VFSIM_TESTS_SIM_RING_DOT_TEST_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "sim/trace/host.h"

/* @dot with every ` ALIGN="LEFT" WIDTH="N"` dropped (malloc'ed). */
static inline char *ring_dot_plain(const char *dot)
{
	static const char a[] = " ALIGN=\"LEFT\" WIDTH=\"";
	char *out = host_malloc(strlen(dot) + 1), *o = out;

	while (*dot) {
		if (!strncmp(dot, a, sizeof(a) - 1)) {
			dot += sizeof(a) - 1;
			while (*dot && *dot != '"')
				dot++;
			if (*dot)
				dot++;
			continue;
		}
		*o++ = *dot++;
	}
	*o = '\0';
	return out;
}

#endif /* VFSIM_TESTS_SIM_RING_DOT_TEST_UTIL_H */
