/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace_ctx.h - the context a scheduler gives the trace, for the trace's
 * tests: the clock and the task in variables (trace_set_context_vars()),
 * and functions that return the same (trace_set_context()). Each test
 * file that includes it has its own.
 */
#ifndef VFSIM_TESTS_SIM_TRACE_CTX_H
#define VFSIM_TESTS_SIM_TRACE_CTX_H

#include <stdint.h>

static uint64_t v_now;
static const char *v_task;
static uint64_t v_task_hash;

static inline uint64_t now_fn(void)
{
	return v_now;
}

static inline const char *task_fn(void)
{
	return v_task;
}

#endif /* VFSIM_TESTS_SIM_TRACE_CTX_H */
