// SPDX-License-Identifier: GPL-2.0-only
/*
 * harness.c - main() of the test binary: collects the registered suites,
 * filters them by name, runs them with CUnit's basic interface, and exits
 * non-zero when any assertion failed (CU_get_number_of_failures(), since
 * CU_basic_run_tests() returns only framework errors).
 *
 *	vfsim-tests [FILTER...]   run suites whose name contains any FILTER
 */
#include "tests/harness.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct vt_suite *suites;
static unsigned int nr_skipped;

void vt_register(struct vt_suite *suite)
{
	struct vt_suite **pos = &suites;

	/* Keep the list sorted by name: run order is independent of linking. */
	while (*pos && strcmp((*pos)->name, suite->name) < 0)
		pos = &(*pos)->next;
	suite->next = *pos;
	*pos = suite;
}

bool vt_slow_build(void)
{
	return getenv("VFSIM_TEST_SLOW") != NULL;
}

void vt_skip(const char *why)
{
	nr_skipped++;
	printf("\n  SKIPPED: %s\n", why);
	fflush(stdout);
}

static bool selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strstr(name, argv[i]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	unsigned int nr_suites = 0, failures;

	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "vfsim-tests: %s\n", CU_get_error_msg());
		return 2;
	}
	for (struct vt_suite *s = suites; s; s = s->next) {
		CU_pSuite cs;

		if (!selected(s->name, argc, argv))
			continue;
		cs = CU_add_suite_with_setup_and_teardown(s->name, s->init,
							  s->cleanup,
							  s->setup_each,
							  s->teardown_each);
		if (!cs)
			goto cunit_error;
		for (const struct vt_case *c = s->cases; c->name; c++)
			if (!CU_add_test(cs, c->name, c->fn))
				goto cunit_error;
		nr_suites++;
	}
	if (nr_suites == 0) {
		CU_cleanup_registry();
		/* make test runs two binaries (tests/labs/ is one of its
		 * own): a filter may match only the other one's suites */
		if (getenv("VFSIM_TEST_PART"))
			return 77;
		fprintf(stderr, "vfsim-tests: no suite matches the filter\n");
		return 2;
	}

	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS)
		goto cunit_error;
	failures =
		CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	if (nr_skipped)
		printf("%u test(s) skipped a check that cannot run here\n",
		       nr_skipped);
	CU_cleanup_registry();
	return failures ? 1 : 0;

cunit_error:
	fprintf(stderr, "vfsim-tests: %s\n", CU_get_error_msg());
	CU_cleanup_registry();
	return 2;
}
