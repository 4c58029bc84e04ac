/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file trace_perfetto.h
 * @brief A run as a Chrome/Perfetto trace: the JSON trace event format
 * that ui.perfetto.dev and chrome://tracing open.
 *
 * The writer reads events as the trace emits them (a sink, like the
 * sequence chart's) and appends JSON to a @ref trace_text, so a long run
 * can be written out as it goes:
 *
 *	struct trace_perfetto *p = trace_perfetto_new(&text);
 *	... trace_perfetto_event(p, ev, cpu) for each event ...
 *	... trace_perfetto_counters(p, "requests.0", t, in_flight, num_free)
 *	trace_perfetto_finish(p, end_ns);   // closes what is open
 *
 * What it draws:
 * - **tasks** (process "tasks"): one track per task, each of its events
 *   an instant event named by its kind, the event's JSON (as
 *   trace_format_json() writes it) as arguments;
 * - **CPUs** (process "CPUs"): one track per simulated CPU, a slice per
 *   stretch a task ran there (from its first event until another task's
 *   event on that CPU, or until it blocked);
 * - **queues** (process "virtqueues"): one track per queue with its
 *   kicks (`vq.kick`) and interrupts (`vq.irq`, `dev.irq`) as instant
 *   events, and two counters per queue, `in_flight` and `num_free`;
 * - **requests** (process "requests"): each FUSE request an async slice
 *   from its enqueue (`virtio_fs.send`, `virtio_fs.forget`) to its end
 *   (`fuse.end`, `virtio_fs.forget_done`, `virtio_fs.forget_drop`),
 *   named by its opcode. A request still open when the run ends is
 *   closed there, with `"unfinished": true` in the end's arguments.
 *
 * Time stamps are virtual time in microseconds with nanosecond decimals.
 * @ingroup sim_trace
 */
#ifndef VFSIM_SIM_TRACE_TRACE_PERFETTO_H
#define VFSIM_SIM_TRACE_TRACE_PERFETTO_H

#include <stdint.h>

#include "sim/trace/trace.h"

struct trace_perfetto;

/**
 * @brief Start a Perfetto trace written into @p out (the JSON's opening
 * and the processes' names are appended at once).
 * @param out where the JSON goes; must outlive the writer
 * @return the writer (never NULL)
 */
struct trace_perfetto *trace_perfetto_new(struct trace_text *out);

/**
 * @brief Add one event.
 * @param p the writer
 * @param ev the event, while its strings are alive (a sink's argument)
 * @param cpu the simulated CPU it happened on, or -1 when none
 */
void trace_perfetto_event(struct trace_perfetto *p,
			  const struct trace_event *ev, int cpu);

/**
 * @brief Record a queue's counters at @p time_ns; written only when they
 * changed since the queue's last record.
 * @param p the writer
 * @param queue the queue's name
 * @param time_ns virtual time
 * @param in_flight the driver's in_flight count for the queue
 * @param num_free free descriptors of the ring
 */
void trace_perfetto_counters(struct trace_perfetto *p, const char *queue,
			     uint64_t time_ns, int64_t in_flight,
			     int64_t num_free);

/**
 * @brief Close every open slice at @p end_ns, end the JSON and free the
 * writer.
 */
void trace_perfetto_finish(struct trace_perfetto *p, uint64_t end_ns);

#endif /* VFSIM_SIM_TRACE_TRACE_PERFETTO_H */
