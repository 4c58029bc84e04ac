/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file trace_msc.h
 * @brief The trace as a message sequence chart (mscgen source).
 *
 * A writer is fed the events of a run one by one, as they are emitted
 * (an event's strings may die right after it), and gives back the whole
 * chart at the end: `mscgen -T svg -o run.svg run.msc` draws it.
 *
 *	struct trace_msc *m = trace_msc_new(0);
 *	trace_set_sink(feed, m);       // feed() calls trace_msc_event()
 *	...run...
 *	char *msc = trace_msc_finish(m);
 *
 * **Columns** (entities), left to right, each drawn only when used:
 * one per guest task making system calls (in order of appearance, at most
 * TRACE_MSC_MAX_TASKS, later ones share an "other tasks" column), the
 * FUSE core (fuse_conn, its iqueue), the virtio_fs driver, "irq + work"
 * (the interrupt handler and the driver's works on kworkers), one per
 * virtqueue (hiprio, requests.N), the device (virtiofsd: its queue
 * workers, its FUSE server, its state transfer) and the VMM (the front
 * end: `at`/`on` actions, hot-unplug, migration, and whatever runs
 * outside any task). Where a step is not tied to a component below, it is
 * drawn on the column of the task that emitted it, known by its name:
 * `kworker/N`, `irq/N` and `virtio_fs_restore` are irq + work, `vfsd/...`
 * and `virtiofsd.*` the device, `at`, `on` and no task (`-`) the VMM,
 * and any other name a guest task.
 *
 * **Arcs**, the request's story: a task submits (`fuse.send`: task =>
 * FUSE core), the core hands it to the driver (`virtio_fs.send`, and a
 * FORGET's `virtio_fs.forget`), the driver adds it to a ring (`vq.add`,
 * `vq.full` as a lost message), the queue is kicked (`vq.kick`: queue ->
 * device), the device pops it (`dev.pop`), answers (`fuse.reply`, a box)
 * and pushes the used element (`dev.complete`), the queue interrupts
 * (`vq.irq`: queue -> irq + work), done work takes the buffer back
 * (`virtio_fs.reply`, `virtio_fs.forget_done`) and ends the request
 * (`fuse.end`: -> FUSE core); the task's operation result is a box on the
 * task (`scn.op`). The transport's set-up (`virtio.*`) runs from the
 * driver to the device; unplug, freeze and restore from the VMM to the
 * driver; the vhost-user requests of the front end (`dev.protocol_features`,
 * `dev.set_vring_base`, `dev.ring_drain`, `dev.set_state_fd`,
 * `dev.check_state`) from the VMM to the device, the device's other
 * steps boxes on it; migration steps (`mig.*`) are boxes on the VMM, its
 * end (done or failed) a separator. Drains, parking, mounts, errors and
 * warnings are boxes or notes on the driver; checker reports (`bug`) red
 * boxes on the task that hit them; fault injections notes; `mark` a
 * separator. Virtual time is a separator whenever it moved since the last
 * statement.
 *
 * **Skipped**, because another arc already tells the step or it is
 * bookkeeping: scheduling (`sched.*`, `task.*`, `timer.fire`), work
 * queueing (`work.*`), the ring halves of steps drawn once
 * (`vq.kick_prepare`, `vq.pop`, `vq.push`, `vq.need_notify`,
 * `vq.get_buf`, `vq.disable_cb`, `vq.enable_cb`, `dev.kick`, `dev.irq`,
 * `irq.raise`, `virtio_fs.enqueue`, `virtio_fs.irq`,
 * `virtio_fs.complete`, `virtio_fs.end`, `fuse.req`), the device's side
 * of set-up steps drawn from the driver or the VMM (`dev.reset`,
 * `dev.set_features`, `dev.ring_enable`, `dev.queue_ready`), device
 * construction and settings (`dev.create`, `dev.control`), pipe traffic
 * (`pipe.*`), queue-to-CPU mapping (`virtio_fs.mq_map`) and expectations
 * (`scn.expect`). Any other kind, known or not, is a note on the column of
 * the task that emitted it, so nothing is lost silently.
 *
 * **Limits.** Labels hold at most TRACE_MSC_LABEL_MAX bytes of text (then
 * "..."); a chart holds at most its max_arcs statements, after which a
 * `...` and a separator say how many events were not drawn (the text
 * trace has them all). The output depends on the events only, so a
 * deterministic trace gives a byte-identical chart.
 *
 * **Escaping** (trace_msc_escape()): mscgen strings end at `"` and turn
 * `\"` into a quote and `\n` into a line break; every other backslash is
 * literal. So a quote is written `\"`; a backslash stays one, except
 * before an `n` or at the end of a label, where it is written `\x5c`;
 * control bytes and bytes above 0x7e are written `\xHH`. The chart shows
 * exactly those characters.
 * @ingroup sim_trace
 */
#ifndef VFSIM_SIM_TRACE_TRACE_MSC_H
#define VFSIM_SIM_TRACE_TRACE_MSC_H

#include <stdio.h>

#include "sim/trace/trace.h"

/** @brief Default most statements (arcs, boxes, separators) of a chart. */
#define TRACE_MSC_MAX_ARCS 2000u

/** @brief Most bytes of event text in one label before "..." ends it. */
#define TRACE_MSC_LABEL_MAX 120u

/** @brief Most task columns; later tasks share one "other tasks" column. */
#define TRACE_MSC_MAX_TASKS 16u

/** @brief A chart being written (opaque). */
struct trace_msc;

/**
 * @brief Start a chart.
 * @param max_arcs most statements it may hold (0: TRACE_MSC_MAX_ARCS)
 * @return the writer; host memory exhaustion aborts, as the trace does
 */
struct trace_msc *trace_msc_new(unsigned max_arcs);

/**
 * @brief Add one event (drawn, skipped or counted as not drawn, see the
 * file comment). Everything needed is copied: @p ev may die afterwards.
 */
void trace_msc_event(struct trace_msc *m, const struct trace_event *ev);

/** @brief Events fed so far. */
unsigned long long trace_msc_events(const struct trace_msc *m);

/** @brief Statements written so far (separators included). */
unsigned trace_msc_arcs(const struct trace_msc *m);

/** @brief Drawable events left out because the chart was full. */
unsigned long long trace_msc_omitted(const struct trace_msc *m);

/**
 * @brief End the chart and free the writer.
 * @return the mscgen source, a malloc'ed NUL-terminated string (free()
 *         it); a chart with nothing drawn is still valid mscgen
 */
char *trace_msc_finish(struct trace_msc *m);

/** @brief Free a writer without producing its chart (NULL is fine). */
void trace_msc_free(struct trace_msc *m);

/**
 * @brief Write the chart of every event the trace kept.
 * @param out where to write
 * @param max_arcs as for trace_msc_new()
 * @return 0, or -EIO on a write error
 */
int trace_msc_write_kept(FILE *out, unsigned max_arcs);

/**
 * @brief Escape text for an mscgen string (see the file comment).
 * @param out where the escaped text goes, always NUL-terminated when
 *        @p size is not 0; an escape is never cut in half
 * @param size size of @p out
 * @param in the text (NULL: empty)
 * @param max at most this many bytes of @p in are used; when @p in is
 *        longer, "..." follows them
 * @return the length of the escaped text (excluding the NUL) when @p size
 *         is large enough; like snprintf(), the full length otherwise
 */
size_t trace_msc_escape(char *out, size_t size, const char *in, size_t max);

#endif /* VFSIM_SIM_TRACE_TRACE_MSC_H */
