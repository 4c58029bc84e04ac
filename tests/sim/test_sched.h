/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_sched.h - what the scheduler's suites share (test_sched.c defines
 * it): a log of which task ran which segment, to see the interleaving,
 * and a task that writes its tag to it between yields.
 */
#ifndef VFSIM_TESTS_SIM_TEST_SCHED_H
#define VFSIM_TESTS_SIM_TEST_SCHED_H

#include <stddef.h>

/* The log: each segment's tag, in the order the segments ran. */
extern char st_order[512];

void st_log_step(const char *what);

/* st_yielder()'s argument: log @tag, yield, log it again, @yields
 * times; return @ret. */
struct yarg {
	const char *tag;
	int yields;
	int ret;
};

int st_yielder(void *arg);

/* Three yielders (a, b, c) on a new machine under @policy; the log, and
 * the choices in @choices (@n bytes) unless it is NULL. */
const char *st_run_random(const char *policy, char *choices, size_t n);

#endif
