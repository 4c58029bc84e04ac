/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vfsim_run.h
 * @ingroup lib
 * @brief libvfsim's public API, running a machine (all the way, by
 * steps, until a condition, an event or a time) and the device and
 * transport events a program injects.
 *
 * Part of <vfsim/vfsim.h>, which includes it: a program includes
 * <vfsim/vfsim.h> only, never this header on its own (it needs the
 * types declared there). The stability promise of vfsim.h covers it.
 */
#ifndef VFSIM_VFSIM_RUN_H
#define VFSIM_VFSIM_RUN_H

#ifndef VFSIM_VFSIM_H
#error "include <vfsim/vfsim.h>, not vfsim_run.h on its own"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** @name Running */
///@{
/** @brief Why a run stopped. */
enum vfsim_stop {
	VFSIM_STEPPED,	   ///< vfsim_step(): the steps were taken
	VFSIM_DONE,	   ///< every task returned and nothing is left to do
	VFSIM_UNTIL,	   ///< the run-until condition became true
	VFSIM_PAUSED,	   ///< nothing can run until the paused device resumes
	VFSIM_DEVICE_DEAD, ///< nothing can run: the device died with work
	VFSIM_DEADLOCK,	   ///< tasks are blocked and nothing can wake them
	VFSIM_STEP_LIMIT,  ///< vfsim_config::max_steps was reached
	VFSIM_TIME_LIMIT,  ///< vfsim_config::max_time_ns was reached
	/** the call was refused and nothing ran (vfsim_error() says why) */
	VFSIM_REFUSED,
};

/** @brief "done", "paused", ...: a stop reason's name. */
const char *vfsim_stop_name(enum vfsim_stop stop);

/**
 * @brief Run until nothing is left to do or nothing can progress. A
 * paused or dead device that holds the guest's requests stops the run
 * (VFSIM_PAUSED, VFSIM_DEVICE_DEAD) without a deadlock report: a device
 * that does not answer is the situation under test, not a bug.
 */
enum vfsim_stop vfsim_run(struct vfsim *vm);

/** @brief Take at most @p steps scheduling steps (each one task running
 *  to its next yield point, or the clock moving). @return VFSIM_STEPPED,
 *  or why it stopped sooner */
enum vfsim_stop vfsim_step(struct vfsim *vm, uint64_t steps);

/** @brief Run until @p stop(@p arg) is true (asked before every step).
 *  @return VFSIM_UNTIL, or why it stopped sooner */
enum vfsim_stop vfsim_run_until(struct vfsim *vm, bool (*stop)(void *arg),
				void *arg);

/**
 * @brief Run until a trace event matches @p pattern, as the language's
 * `run until` matches: a kind ("vq.kick"), a kind and function
 * ("fuse.end:fuse_request_end"), or, in double quotes, text the event's
 * line contains, as vfsim_trace_line() prints it ("\"op=GETATTR\"": a
 * request's lines name its opcode as op=NAME). A kind must be one the
 * trace emits (trace.md lists them): a misspelled one is refused, and
 * vfsim_error() names the nearest ("unknown event kind 'vq.kikc' (did
 * you mean 'vq.kick'?)"). A quoted text is searched as it is: one that
 * never occurs runs the machine to its end (VFSIM_DONE).
 * @return VFSIM_UNTIL, or why it stopped sooner (VFSIM_DONE: no such event
 *         came); VFSIM_REFUSED for a pattern the language refuses
 */
enum vfsim_stop vfsim_run_until_event(struct vfsim *vm, const char *pattern);

/** @brief Run until virtual time @p ns. @return VFSIM_UNTIL, or why it
 *  stopped sooner */
enum vfsim_stop vfsim_run_until_time(struct vfsim *vm, uint64_t ns);

/** @brief Virtual time now, in nanoseconds. */
uint64_t vfsim_now(const struct vfsim *vm);
///@}

/** @name Device and transport events
 * A call does not act at once: it queues the action in a task of its own
 * ("vmm"), as the language's `at` blocks do (an unplug, for one, sleeps
 * while it drains the queues, which only a task can do). That task is
 * runnable from the call on, behind the tasks that already are: under
 * the fifo policy each of them first runs to its next yield point (a
 * task may send a request and wait for it meanwhile); under a random
 * policy the policy picks. To act at a known point, run to it first, so
 * that nothing else is runnable when you call: vfsim_run_until_time()
 * while the tasks sleep, vfsim_run_until_event() on the event before,
 * or a stopped run (VFSIM_PAUSED, VFSIM_DONE).
 *
 * Each returns 0 once the action is queued; the action's own result
 * (0 or -errno) is traced when it runs, as a "scn.action" line ending in
 * "result R" (e.g. `scn.action device pause result 0`): search for it
 * with vfsim_trace_find(). */
///@{
/** @brief The device stops taking requests (a stalled daemon). */
int vfsim_device_pause(struct vfsim *vm);
/** @brief The paused device carries on. */
int vfsim_device_resume(struct vfsim *vm);
/** @brief The device dies: what it holds is never answered. */
int vfsim_device_die(struct vfsim *vm);
/** @brief New device latency from now on. */
int vfsim_device_latency(struct vfsim *vm, uint64_t ns);
/** @brief Hot-unplug the device: the driver's remove path. */
int vfsim_unplug(struct vfsim *vm);
/** @brief Migrate the device's state to a second device (vhost-user
 *  flow: suspend, save, load, resume); the guest carries on there.
 *  Needs vfsim_config::migration (else traced with -ENODEV). */
int vfsim_migrate(struct vfsim *vm);
/** @brief Suspend the device through the driver's freeze callback. */
int vfsim_freeze(struct vfsim *vm);
/** @brief Resume it through the driver's restore callback (after a
 *  freeze that succeeded; otherwise traced with -EINVAL). */
int vfsim_restore(struct vfsim *vm);
/** @brief Put @p text into the trace (kind "scn.mark"). */
int vfsim_mark(struct vfsim *vm, const char *text);
///@}

#ifdef __cplusplus
}
#endif

#endif /* VFSIM_VFSIM_RUN_H */
