/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sim_test_util.h - setup shared by the sim_ suites: a fresh machine
 * (scheduler, trace, reports, fault plan) around every test.
 */
#ifndef VFSIM_TESTS_SIM_TEST_UTIL_H
#define VFSIM_TESTS_SIM_TEST_UTIL_H

#include "sim/kernel/check.h"
#include "sim/kernel/fault.h"
#include "sim/kernel/sched.h"
#include "sim/trace/trace.h"

static inline void sim_test_setup(void)
{
	trace_reset(true);
	trace_set_keep(true);
	check_clear();
	check_invariant_clear();
	fault_reset();
	sched_init(NULL);
}

static inline void sim_test_teardown(void)
{
	sched_exit();
	check_clear();
	check_invariant_clear();
	fault_reset();
	trace_reset(false);
}

#endif
