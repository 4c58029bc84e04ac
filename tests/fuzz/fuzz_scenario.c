// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_scenario.c - libFuzzer target: the scenario parser.
 *
 * The input is scenario text (a NUL ends it, as scenario_parse_string()
 * reads it). Whatever it is, the parser either builds a tree whose
 * canonical dump parses back to the same dump, or fails with one of its
 * documented errnos at a position inside the text, with a "FILE:LINE:COL:
 * error: " message (tests/cli/scenario_check.h, shared with the CUnit
 * mutation test). The corpus starts from every scenario vfsim ships
 * (scripts/fuzz-seeds.py).
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tests/cli/scenario_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	unsigned ok = 0, bad = 0;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	assert(scn_check_one(text, &ok, &bad));
	free(text);
	return 0;
}
