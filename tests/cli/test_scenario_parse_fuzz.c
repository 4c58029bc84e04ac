// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_scenario_parse_fuzz.c - no input crashes the scenario parser.
 *
 * Thousands of seeded mutations of the valid samples: each either parses
 * (and then its dump parses back to the same dump) or fails with a known
 * errno and a position inside the text (tests/cli/scenario_check.h). Run
 * under Valgrind and ASan by make check; tests/fuzz/fuzz_scenario.c
 * checks the same of what libFuzzer makes up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/scenario.h"
#include "tests/cli/scenario_check.h"
#include "tests/cli/scenario_samples.h"
#include "tests/harness.h"

static uint64_t rng_state;

/* splitmix64: seeded, so every run mutates the same way */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static const char *const dict[] = {
	"end\n",
	"repeat 3\n",
	"task x\n",
	"$i",
	"\"",
	"\\",
	"0x",
	"#",
	"99999999999999999999",
	"-",
	"==",
	"=",
	" ",
	"\t",
	"\n",
	"\r\n",
	"ms",
	"K",
	"as h",
	"expect ",
	"run\n",
	"on vq.kick\n",
	"at 1s\n",
	"ENOENT",
	"requests.7.",
	"\\x",
	"\\x00",
	"\x01",
	"\xff",
	"machine ",
	"fs\n",
	"open /q as f\n",
	"read f 0 1\n",
	"opendir /d as d\n",
	"readdir d\n",
};

/* One random edit of @buf (length *len, capacity cap). */
static void mutate(char *buf, size_t *len, size_t cap)
{
	size_t at = below(*len + 1), n;
	const char *w;

	switch (below(5)) {
	case 0: /* replace a byte */
		if (*len) {
			static const char chars[] =
				"\"\\$#= \n\tx0-.:/,\001\177";
			at = below(*len);
			buf[at] = below(4) ? chars[below(sizeof(chars) - 1)] :
					     (char)(1 + below(255));
		}
		break;
	case 1: /* delete a range */
		n = below(*len - (at < *len ? at : *len) + 1);
		n = n > 16 ? 16 : n;
		memmove(buf + at, buf + at + n, *len - at - n);
		*len -= n;
		break;
	case 2: /* duplicate a range */
		n = below(*len - at + 1);
		n = n > 40 ? 40 : n;
		if (*len + n < cap) {
			memmove(buf + at + n, buf + at, *len - at);
			*len += n;
		}
		break;
	case 3: /* insert a dictionary word */
		w = dict[below(sizeof(dict) / sizeof(dict[0]))];
		n = strlen(w);
		if (*len + n < cap) {
			memmove(buf + at + n, buf + at, *len - at);
			memcpy(buf + at, w, n);
			*len += n;
		}
		break;
	default: /* truncate */
		*len = at;
		break;
	}
	buf[*len] = 0;
}

static void test_mutations(void)
{
	unsigned rounds = vt_slow_build() ? 150 : 1000;
	unsigned ok = 0, bad = 0, fails = 0;
	enum {
		CAP = 8192
	};
	char *buf = malloc(CAP);

	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	rng_state = 0x5eed;
	for (int i = 0; scn_samples[i]; i++) {
		if (!*scn_samples[i])
			continue;
		for (unsigned k = 0; k < rounds; k++) {
			size_t len = strlen(scn_samples[i]);
			unsigned edits = 1 + (unsigned)below(4);

			CU_ASSERT_FATAL(len < CAP);
			memcpy(buf, scn_samples[i], len + 1);
			for (unsigned m = 0; m < edits; m++)
				mutate(buf, &len, CAP);
			if (!scn_check_one(buf, &ok, &bad) && ++fails > 5)
				break;
		}
	}
	free(buf);
	CU_ASSERT_EQUAL(fails, 0);
	/* both outcomes happen, or the test proves little */
	CU_ASSERT(ok > rounds / 10);
	CU_ASSERT(bad > rounds);
}

/* Random printable lines: the lexer's own paths, not just the samples'. */
static void test_random_lines(void)
{
	unsigned rounds = vt_slow_build() ? 300 : 3000;
	unsigned ok = 0, bad = 0, fails = 0;
	static const char alpha[] = "ab $i\"\\=#-0x19.:/\t\nrunend";
	char buf[64];

	rng_state = 42;
	for (unsigned k = 0; k < rounds; k++) {
		size_t n = below(sizeof(buf));

		for (size_t j = 0; j < n; j++)
			buf[j] = alpha[below(sizeof(alpha) - 1)];
		buf[n] = 0;
		if (!scn_check_one(buf, &ok, &bad))
			fails++;
	}
	CU_ASSERT_EQUAL(fails, 0);
	CU_ASSERT(ok > 0 && bad > 0);
}

VT_SUITE(cli_scenario_fuzz, NULL, NULL, VT_CASE(test_mutations),
	 VT_CASE(test_random_lines));
