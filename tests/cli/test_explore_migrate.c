// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_explore_migrate.c - live migration under many schedules. The front
 * end's CHECK_DEVICE_STATE once waited for the back end's transfer task
 * with a loop of yields: a policy that kept preferring the front end
 * (pct:3, the tour's part 4, schedule 121) never ran the task, and after
 * 100,000 yields the check answered -EINPROGRESS and the migration failed.
 * It now blocks until the task wakes it, as virtiofsd joins its transfer
 * thread, and the tour's migration holds under every schedule explored.
 */
#include <stdlib.h>

#include "tests/cli/explore_test_util.h"
#include "tests/harness.h"

/* Schedules per strategy (a slow build, Valgrind's, tries fewer). */
#define MIGRATE_BUDGET (vt_slow_build() ? 40u : 300u)

static void test_tour_migration_holds(void)
{
	static const char path[] = "tests/scenarios/tour-4-migration.vfs";
	char *text = vt_read_text(path);
	struct scenario *s = text ? vt_parse(path, text) : NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	vt_explore_clean(path, s, MIGRATE_BUDGET);
	scenario_free(s);
	free(text);
}

VT_SUITE(cli_explore_migrate, NULL, NULL, VT_CASE(test_tour_migration_holds));
