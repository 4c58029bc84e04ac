/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_trace.h - what the trace's suites share (test_trace.c defines
 * it): a fresh kept trace with a made-up clock and task around every
 * test, and one sample event.
 */
#ifndef VFSIM_TESTS_SIM_TEST_TRACE_H
#define VFSIM_TESTS_SIM_TEST_TRACE_H

#include "sim/kernel/types.h"

/* The made-up clock's time, which tt_setup() sets to 0. */
extern u64 tt_fake_now;

/* A fresh trace, enabled and kept, with the made-up clock and task "t1"
 * as its context; and back to none (suite init and cleanup too). */
int tt_setup(void);
int tt_teardown(void);

/* One vq.add event at 12345 ns, a formatted detail with it. */
void tt_emit_sample(void);

#endif
