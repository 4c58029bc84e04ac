/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * trace_event.h - made-up trace events for tests that feed the trace's
 * formatters and readers by hand.
 */
#ifndef VFSIM_TESTS_SIM_TRACE_EVENT_H
#define VFSIM_TESTS_SIM_TRACE_EVENT_H

#include "sim/trace/trace.h"

/* An event with the "absent" defaults TRACE() gives (no head, indices or
 * opcode), and the fields named (the build allows overriding them). */
#define EV(...)                                 \
	((struct trace_event){ .head = -1,      \
			       .avail_idx = -1, \
			       .used_idx = -1,  \
			       .opcode = -1,    \
			       __VA_ARGS__ })

#endif /* VFSIM_TESTS_SIM_TRACE_EVENT_H */
