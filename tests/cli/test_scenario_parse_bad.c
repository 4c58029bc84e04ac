// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_scenario_parse_bad.c - the malformed scenarios in
 * tests/scenarios/bad/: each file's first line is
 *
 *	# expect-error: LINE:COL: MESSAGE
 *
 * and parsing the file must fail with exactly "PATH:LINE:COL: error:
 * MESSAGE". Tests run from the repository root (make test, make check).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/scenario.h"
#include "tests/harness.h"

#define BAD_DIR "tests/scenarios/bad"
#define TAG	"# expect-error: "

/* Check one file; returns false (and says why) when it does not match. */
static bool check_file(const char *path)
{
	char line[SCENARIO_ERROR_MAX], want[SCENARIO_ERROR_MAX + 300];
	struct scenario_error e;
	struct scenario *s = NULL;
	unsigned l = 0, c = 0;
	FILE *f = fopen(path, "r");
	char *rest;
	int r;

	if (!f || !fgets(line, sizeof(line), f)) {
		fprintf(stderr, "%s: cannot read\n", path);
		if (f)
			fclose(f);
		return false;
	}
	fclose(f);
	line[strcspn(line, "\n")] = 0;
	if (strncmp(line, TAG, strlen(TAG)) ||
	    sscanf(line + strlen(TAG), "%u:%u:", &l, &c) != 2) {
		fprintf(stderr, "%s: first line is not '" TAG "L:C: ...'\n",
			path);
		return false;
	}
	rest = strchr(strchr(line + strlen(TAG), ':') + 1, ':') + 1;
	snprintf(want, sizeof(want), "%s:%u:%u: error:%s", path, l, c, rest);
	r = scenario_parse_file(path, &s, &e);
	if (r >= 0 || s || strcmp(e.msg, want) || e.line != l || e.col != c) {
		fprintf(stderr, "%s:\n  got  %d %s\n  want %s\n", path, r,
			e.msg, want);
		scenario_free(s);
		return false;
	}
	return true;
}

static void test_bad_files(void)
{
	DIR *d = opendir(BAD_DIR);
	struct dirent *de;
	int n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((de = readdir(d))) {
		char path[512];
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".vfs"))
			continue;
		snprintf(path, sizeof(path), BAD_DIR "/%s", de->d_name);
		CU_ASSERT_TRUE(check_file(path));
		n++;
	}
	closedir(d);
	/* the directory holds one file per common mistake */
	CU_ASSERT(n >= 18);
}

VT_SUITE(cli_scenario_bad, NULL, NULL, VT_CASE(test_bad_files));
