/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file trace.h
 * @brief The trace: every step of a run as an event.
 *
 * A trace event says who (task) did what (kind, function) to which queue,
 * with the ring indices and the FUSE request it concerns, at what virtual
 * time. The same scenario, policy and seed must produce the same trace byte
 * for byte, so an event holds nothing that varies between runs (no host
 * pointers, no wall-clock time).
 *
 * There is one trace per process, like the kernel's trace buffer. The
 * scheduler tells it the current task and the virtual clock through
 * trace_set_context(); nothing here depends on the scheduler.
 *
 * Emitting costs one branch when tracing is off:
 *
 *	TRACE(.kind = "vq.add", .func = "virtqueue_add_sgs",
 *	      .queue = vq->name, .head = head, .avail_idx = idx);
 *
 * Fields not named take their "absent" value (-1 for indices and opcode,
 * 0 for unique, NULL for strings). kind and func are not copied: pass
 * string literals. The detail is copied, so it may point into an object
 * that is freed right after (a trace_fmt() result is stored only once).
 * @ingroup sim_trace
 */
#ifndef VFSIM_SIM_TRACE_TRACE_H
#define VFSIM_SIM_TRACE_TRACE_H

#include <stdio.h>

#include <stdbool.h>
#include <stdint.h>

/** @brief One step of a run. */
struct trace_event {
	uint64_t seq;	   /**< position in the trace, from 1 */
	uint64_t time_ns;  /**< virtual time of the step */
	const char *task;  /**< task that made the step (interned) */
	const char *kind;  /**< what sort of step, e.g. "vq.add" (static) */
	const char *func;  /**< function, by its kernel name where one exists */
	const char *queue; /**< queue name or NULL (interned) */
	int32_t head;	   /**< descriptor chain head, or -1 */
	int32_t avail_idx; /**< avail index after the step, or -1 */
	int32_t used_idx;  /**< used index after the step, or -1 */
	uint64_t unique;   /**< FUSE request unique, or 0 */
	int32_t opcode;	   /**< FUSE opcode, or -1 */
	const char *detail; /**< free text (a copy kept by the trace), or NULL */
};

/** @brief Receives each event as it is emitted (streaming output). */
typedef void (*trace_sink_fn)(const struct trace_event *ev, void *arg);

/** @brief Non-zero while events are recorded; read by TRACE() only. */
extern bool trace_enabled;

/** @brief Emit an event; see the file comment. Arguments are not evaluated
 *  when tracing is off. */
#define TRACE(...)                                                            \
	do {                                                                  \
		if (trace_enabled)                                            \
			trace_emit(                                           \
				&(const struct trace_event){ .head = -1,      \
							     .avail_idx = -1, \
							     .used_idx = -1,  \
							     .opcode = -1,    \
							     __VA_ARGS__ });  \
	} while (0)

/**
 * @brief Start a new trace: drop all events, reset the hash and sequence,
 * and enable or disable recording.
 * @param enable whether TRACE() records events from now on
 */
void trace_reset(bool enable);

/** @brief Turn recording on or off without dropping what was recorded. */
void trace_enable(bool enable);

/**
 * @brief Choose whether events are kept in memory.
 *
 * With @p keep false, events still go to the sink and into the hash but are
 * not stored: the event array stops growing. The strings events carry
 * (trace_fmt() results and detail copies, about 12 bytes per event) still
 * live in the arena until trace_reset(), because a caller may hold a
 * trace_fmt() result across events; a long run should reset between
 * phases.
 */
void trace_set_keep(bool keep);

/**
 * @brief Tell the trace how to read the virtual clock and the current task.
 * @param now returns the virtual time in ns (NULL: always 0)
 * @param task_name returns the current task's name (NULL: "-")
 */
void trace_set_context(uint64_t (*now)(void), const char *(*task_name)(void));

/** @brief Set (or clear with NULL) the streaming sink. */
void trace_set_sink(trace_sink_fn sink, void *arg);

/**
 * @brief Record one event. Fills seq, time_ns and task (when task is NULL),
 * interns the strings, updates the hash, calls the sink.
 * @param ev the event; the caller's copy is not kept
 */
void trace_emit(const struct trace_event *ev);

/**
 * @brief Format a detail string into the trace's own storage.
 * @return a string that lives until the next trace_reset()
 */
const char *trace_fmt(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/** @brief Number of events emitted since the last reset (kept or not). */
uint64_t trace_count(void);

/** @brief Number of events kept in memory. */
size_t trace_kept(void);

/** @brief The @p i-th kept event (0-based), or NULL when out of range. */
const struct trace_event *trace_event_at(size_t i);

/**
 * @brief Stable 64-bit hash (FNV-1a) of every event's text form since the
 * last reset. Equal hashes mean byte-identical text traces.
 */
uint64_t trace_hash(void);

/**
 * @brief Format an event as one line of text (no newline).
 * @return the length the full line needs, like snprintf()
 */
int trace_format_text(const struct trace_event *ev, char *buf, size_t size);

/**
 * @brief Format an event as one JSON object (no newline).
 * @return the length the full object needs, like snprintf()
 */
int trace_format_json(const struct trace_event *ev, char *buf, size_t size);

/** @brief Write every kept event as text, one per line. */
void trace_write_text(FILE *out);

/** @brief Write every kept event as JSON Lines. */
void trace_write_jsonl(FILE *out);

/**
 * @brief Find the first kept event at or after @p from whose text form
 * contains @p needle.
 * @return its index, or -1 when there is none
 */
long trace_find(const char *needle, size_t from);

#endif /* VFSIM_SIM_TRACE_TRACE_H */
