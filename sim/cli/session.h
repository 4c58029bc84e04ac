/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file session.h
 * @brief A scenario run that can be stepped: the executor's machine,
 * tasks and `at`/`on` triggers, driven one scheduling decision at a time.
 *
 * vfsim_exec() is a loop over this API (open, one vfsim_session_run_item()
 * per run-program item, close); the stepping console (`vfsim step`)
 * drives the same session with vfsim_session_step() instead, so both see
 * the same machine, the same triggers and the same trace.
 *
 *	struct vfsim_result r;
 *	struct vfsim_session *ss;
 *
 *	if (vfsim_session_open(s, &opts, &r, &ss) == 0) {
 *		vfsim_session_start(ss);
 *		while (vfsim_session_step(ss) <= SCHED_TIMER)
 *			look_at(vfsim_session_machine(ss));
 *		vfsim_session_close(ss);
 *	}
 *	vfsim_result_free(&r);
 *
 * A step is one call of sched_step(), preceded by the start of every
 * `at`/`on` block that became due since the last one (each block's
 * actions run in a task of their own, see exec.h). The session adds
 * nothing else to the machine, so its state after K steps depends only on
 * the scenario, the policy and K: opening it again and taking K steps
 * lands in the same state, trace included, byte for byte.
 *
 * One session per process at a time (the machine is process-wide).
 * @ingroup sim_cli
 */
#ifndef VFSIM_SIM_CLI_SESSION_H
#define VFSIM_SIM_CLI_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/cli/exec.h"
#include "sim/cli/machine.h"
#include "sim/kernel/sched.h"
#include "sim/trace/trace.h"

struct guest_fs;

/** @brief An open scenario run (opaque). */
struct vfsim_session;

/**
 * @brief Build the machine of @p s, install the trace sink, and prepare
 * the tasks and triggers (not yet spawned: see vfsim_session_start()).
 * @param s a parsed scenario; must outlive the session
 * @param opts options (NULL: defaults); copied
 * @param r the outcome, filled by vfsim_session_close() (always
 *        initialised here; free it with vfsim_result_free() after the
 *        close)
 * @param ssp set to the session, or NULL on failure
 * @return 0; 2 when the machine could not be built (r->status is 2 and
 *         r->error says why, also printed to opts->diag)
 */
int vfsim_session_open(const struct scenario *s,
		       const struct vfsim_exec_opts *opts,
		       struct vfsim_result *r, struct vfsim_session **ssp);

/**
 * @brief Spawn the scenario's tasks (in file order) and arm its `at`
 * timers. The first step or run item does it when nobody did; calling it
 * again does nothing.
 */
void vfsim_session_start(struct vfsim_session *ss);

/**
 * @brief Take on task @p idx of the session's scenario, a task its owner
 * appended after the session was opened (the library builds its
 * scenario as it goes): it is prepared, and spawned at once when the
 * session has started, else with the others at the start.
 * @param ss the session
 * @param idx the task's index in the scenario's tasks; the scenario's
 *        @c nr_tasks already counts it
 * @return 0, or -ENOSPC when the session was opened without room for it
 *         (vfsim_exec_opts::task_room)
 */
int vfsim_session_add_task(struct vfsim_session *ss, size_t idx);

/** @brief True once vfsim_session_start() ran. */
bool vfsim_session_started(const struct vfsim_session *ss);

/**
 * @brief One step: start the due `at`/`on` blocks, then sched_step(),
 * unless the run is over: its tasks are done, no `at`/`on` block is due
 * or still to come at a time, and only timers are left
 * (sched_tasks_done()): a periodic work re-arming itself for ever does
 * not keep a finished run going.
 * @return sched_step()'s status: SCHED_STEPPED (a task ran), SCHED_TIMER
 *         (the clock moved), or SCHED_DONE, SCHED_DEADLOCK, SCHED_LIMIT,
 *         SCHED_TIME_LIMIT (nothing ran: the run is over)
 */
enum sched_status vfsim_session_step(struct vfsim_session *ss);

/**
 * @brief Step until @p stop(@p arg) is true, asked before every step (so
 * a predicate that is true at once takes no step), or the run is over.
 * @param ss the session
 * @param stop the predicate (NULL: step until the run is over)
 * @param arg passed to @p stop
 * @return SCHED_STOPPED when @p stop ended it, else the status of the step
 *         that ended the run
 */
enum sched_status vfsim_session_run_until(struct vfsim_session *ss,
					  bool (*stop)(void *arg), void *arg);

/**
 * @brief Execute one item of the run program (run, run until, step,
 * expect) as `vfsim run` does; exec.h gives the semantics.
 */
void vfsim_session_run_item(struct vfsim_session *ss,
			    const struct scn_run_item *it);

/**
 * @brief Fill in the result (trace, hash, choices, pictures), take the
 * machine down (mounts left are unmounted, untraced), check `expect no
 * leaks`, and free the session.
 * @return the result's status: 0 every expectation held, 1 one failed
 */
int vfsim_session_close(struct vfsim_session *ss);

/** @brief The session's machine (read it; step only through the session). */
struct vfsim_machine *vfsim_session_machine(struct vfsim_session *ss);

/**
 * @brief The guest mounts the scenario's tasks made and have not
 * unmounted.
 * @param ss the session
 * @param mounts set to the array (valid until the next step)
 * @return the number of mounts
 */
size_t vfsim_session_mounts(const struct vfsim_session *ss,
			    struct guest_fs *const **mounts);

/**
 * @brief True when trace event @p ev matches pattern @p m, as `on` and
 * `run until` match: by kind (and function), or by text contained in the
 * event's text form.
 */
bool vfsim_match(const struct scn_match *m, const struct trace_event *ev);

/**
 * @brief Free the session block kept for the next session while machine
 * images are on (the explorer calls it when it is done).
 */
void vfsim_session_spare_free(void);

#endif /* VFSIM_SIM_CLI_SESSION_H */
