/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file req_ledger.h
 * @brief The invariant "every request ends exactly once", kept from the
 * trace.
 *
 * The ledger reads the events of a run as they are emitted and keeps, per
 * FUSE connection, which request uniques were handed to the transport and
 * which ended:
 * - a request starts when the FUSE core hands it to the driver
 *   (`virtio_fs.send`, both driver variants; FORGETs, which never end, are
 *   not requests here: their sends and drops, `virtio_fs.forget` and
 *   `virtio_fs.forget_drop`, only tell the ledger that a unique is taken,
 *   so that it keeps nothing for it);
 * - it ends when fuse_request_end() ends it (`fuse.end`; a second call for
 *   an ended request is traced as `fuse.end` too, with the detail "again");
 * - uniques restart with every connection: a new one begins when INIT is
 *   sent with the first unique a connection hands out (2). An end is
 *   matched with the newest connection that has the unique open.
 *
 * Every unique a connection can hand out is followed, 2 up to 2^64 - 2
 * (fuse_get_unique() steps by 2 and never wraps in a connection's life;
 * the odd ones mark an INTERRUPT, which virtio-fs never sends, and 0 is
 * no request's). Memory does not grow with the uniques: see
 * req_ledger_bytes().
 *
 * It finds four ways to break the invariant, each reported once, with the
 * trace positions ("#" and the event's number) of the events involved:
 * - a request ended twice;
 * - a request ended that was never sent;
 * - a unique sent again after its request ended;
 * - a request that never ended: still open when its connection was
 *   unmounted (a `umount` operation that succeeded after the connection
 *   sent DESTROY, which the executor tells the ledger directly:
 *   req_ledger_unmounted()), or when the machine can make no more
 *   progress (req_ledger_settled() after a run that ended done or
 *   deadlocked).
 *
 * Reports go through the invariant registry (sim/kernel/check.h):
 * req_ledger_register() adds the invariant REQ_LEDGER_INVARIANT, which
 * files what was found since the last step as one "invariant" report.
 * A run stopped early (`run until`, `step`) is not judged: its requests
 * may still end.
 * @ingroup sim_cli
 */
#ifndef VFSIM_SIM_CLI_REQ_LEDGER_H
#define VFSIM_SIM_CLI_REQ_LEDGER_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/trace/trace.h"

/** @brief The invariant's name in the registry. */
#define REQ_LEDGER_INVARIANT "every request ends exactly once"

/**
 * @brief Most indices (unique / 2) a connection's window of state bytes
 * spans: past it, the oldest requests still open leave the window and
 * are found on the open list alone. Higher than the most requests that
 * can be in flight (32,768 on the largest queue), so a steady run never
 * reaches it.
 */
#define REQ_LEDGER_WINDOW (1ull << 16)

/** @brief The ledger of one run (opaque). */
struct req_ledger;

/**
 * @brief A new, empty ledger.
 * @return it; host memory exhaustion aborts, as the trace does
 */
struct req_ledger *req_ledger_new(void);

/** @brief Free a ledger (NULL is fine); unregister it first. */
void req_ledger_free(struct req_ledger *l);

/**
 * @brief Make @p l as req_ledger_new() makes one, keeping its memory for
 * the next run (a machine reused, sim/cli/machine.h); unregister it
 * first.
 */
void req_ledger_reset(struct req_ledger *l);

/**
 * @brief Add the invariant to the registry and turn invariant checking on.
 * @return check_invariant_add()'s result
 */
int req_ledger_register(struct req_ledger *l);

/**
 * @brief Whether req_ledger_event() does anything with events of kind
 * @p kind (NULL: an event without one): a trace sink may hand the ledger
 * only those (trace_set_sink_filter()).
 */
bool req_ledger_follows(const char *kind);

/**
 * @brief Take one event into account (see the file comment). The ledger
 * remembers what each kind pointer names, so @p ev's kind must be a
 * string that does not change (a literal, or what the trace hands a sink:
 * a literal or an interned name).
 */
void req_ledger_event(struct req_ledger *l, const struct trace_event *ev);

/**
 * @brief A `umount` operation succeeded: every request still open on a
 * connection that sent DESTROY never ends, and is reported so.
 * @param l the ledger
 * @param seq the trace position of the operation's `scn.op` event (its
 *        number, as trace_count() gives it right after the event), which
 *        the report names
 */
void req_ledger_unmounted(struct req_ledger *l, uint64_t seq);

/**
 * @brief The machine can make no more progress: every request still open
 * never ends. Files what was found at once (check_invariants_run()).
 */
void req_ledger_settled(struct req_ledger *l);

/**
 * @brief The invariant callback: NULL while it holds, else what was found
 * since the last call (one message, owned by the ledger).
 */
const char *req_ledger_check(void *l);

/** @brief Requests open now, over every connection. */
size_t req_ledger_open(const struct req_ledger *l);

/** @brief Connections seen so far. */
size_t req_ledger_connections(const struct req_ledger *l);

/**
 * @brief Host memory the ledger holds now, in bytes: its state, every
 * connection's window, gaps and open list, and pending messages. Bounded
 * while requests keep ending and FORGETs are sent or dropped (see
 * req_ledger_conn.c), whatever the run's length; a unique taken and never
 * traced again costs a gap.
 */
size_t req_ledger_bytes(const struct req_ledger *l);

/** @brief Violations found so far (reported or waiting to be). */
size_t req_ledger_violations(const struct req_ledger *l);

#endif /* VFSIM_SIM_CLI_REQ_LEDGER_H */
