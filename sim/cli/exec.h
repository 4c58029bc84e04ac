/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file exec.h
 * @brief The scenario executor: runs a parsed scenario on a fresh
 * simulated machine and checks its expectations.
 *
 * One guest task per `task` block runs its operations in order through
 * the guest's syscall-like API (guest/vfsim_syscalls.h); `at`/`on` blocks fire
 * their actions at a virtual time or on the first matching trace event;
 * the run program (run, run until, step, expect) is executed in order.
 * Every operation's result, every action and every expectation is traced
 * (kinds "scn.op", "scn.action", "scn.expect"), so the text trace of a run
 * is the whole story and a changed result changes it.
 *
 * Semantics the language reference leaves open, as implemented:
 * - an `at`/`on` block's actions run in a task of their own ("at"/"on",
 *   a TASK_FRONTEND), started at the scheduling decision after the time
 *   or event; a `run until` stopped by the same event stops first;
 * - tasks are spawned by the first run statement, in file order; a task
 *   without its own `mount` uses the last mount any task made, and an
 *   operation with no mount at all fails with -ENODEV;
 * - paths resolve one component at a time from the root, through a cache
 *   standing in for the dcache (each name is looked up once per mount;
 *   the `lookup` operation always sends a LOOKUP for its last name);
 * - `read ... expect=` and `readdir ... expect=` that see other data
 *   fail the operation with -EIO (the mismatch is in its trace line);
 * - lock owners are the task's index + 1; `dax-unmap` names no file and
 *   is sent for the root's nodeid;
 * - `device.requests` is the number of chains the device holds now
 *   (popped, not yet answered); `device.lookups` the sum of the device's
 *   lookup counts except the root's; `lookups balanced` means that sum
 *   is 0;
 * - `restore` reaches the driver only after a `freeze` that succeeded, as
 *   the PM core resumes only what it suspended; otherwise its result is
 *   -EINVAL and nothing happens;
 * - mounts a scenario leaves are unmounted at shutdown (the trace is
 *   closed by then), so `expect no leaks` is about the kernel, not about
 *   a missing `umount`;
 * - a run program that ends before the tasks do (`run until`, `step`)
 *   shuts them down as a kill would: the operation under way finishes,
 *   no task starts another, a paused device is resumed so that what it
 *   holds can end, and only then are the mounts unmounted.
 *
 * vfsim_exec() is a loop over the steppable session of session.h, which
 * the stepping console (docs/console.md) drives as well.
 *
 * An expectation about something that did not happen fails and says
 * what happened instead, never a default: an operation that never ran,
 * is still waiting, or ran fewer times than its repeats say; a task that
 * has not returned (docs/scenarios.md lists each kind's message).
 *
 * A failed expectation is printed to vfsim_exec_opts::diag as
 * `FILE:LINE:COL: expectation failed: WHAT: got X (trace position #N)`,
 * N being the number of trace events emitted when it was evaluated.
 * `expect no leaks` and `expect leaks OP N` are checked after the run:
 * once the machine is taken down, they count the guest kernel objects
 * that remain.
 *
 * vfsim_exec() also fails a run (status 1) for what no expectation
 * looked at:
 * - every checker report (sim/kernel/check.h, trace kind "bug") filed during the
 *   run that the scenario did not account for, printed as
 *   `FILE: unexpected report KIND: MESSAGE (trace position #N)`, N being
 *   the report's own trace event. `expect reports OP N` anywhere in the
 *   file accounts for every report (the scenario owns the count),
 *   `expect report KIND` for the reports of that KIND, and
 *   `expect status deadlock` for "deadlock" reports. Reports filed by
 *   the teardown after the run (untraced) are not counted. Only the
 *   first CHECK_KEEP_PER_KIND reports of a kind are printed; a line
 *   `FILE: N more unexpected reports KIND not kept (...)` counts the
 *   rest;
 * - a run stopped by the step limit (vfsim_exec_opts::max_steps) or the
 *   virtual-time limit (vfsim_exec_opts::max_time_ns), printed as
 *   `FILE: the run stopped at the step limit (N steps) ...` or
 *   `FILE: the run stopped at the virtual-time limit (DURATION) ...`,
 *   each with its trace position and the tasks that had not returned,
 *   with where they were (`; still running: t (blocked in ...)`).
 * A replay policy whose list ran out (the rest of the run took choice 0)
 * or was not used up gets a `vfsim: warning: ...` line only: a
 * hand-made prefix is a legitimate replay.
 * @ingroup sim_cli
 */
#ifndef VFSIM_SIM_CLI_EXEC_H
#define VFSIM_SIM_CLI_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/cli/scenario.h"
#include "sim/kernel/sched.h"

struct trace_event;

/** @brief Format of vfsim_result::trace. */
enum vfsim_trace_format {
	VFSIM_TRACE_TEXT,  ///< one line per event (trace_format_text())
	VFSIM_TRACE_JSONL, ///< JSON Lines (trace_format_json())
	VFSIM_TRACE_NONE,  ///< no trace text kept
	VFSIM_TRACE_MSC, ///< the sequence chart (mscgen, sim/trace/trace_msc.h)
	/** Chrome/Perfetto JSON (sim/trace/trace_perfetto.h) */
	VFSIM_TRACE_PERFETTO,
};

/** @brief How to run a scenario. */
struct vfsim_exec_opts {
	/** scheduling policy overriding the scenario's (NULL: the file's) */
	const char *policy;
	/** driver variant overriding the scenario's (NULL: the file's) */
	const char *variant;
	enum vfsim_trace_format format; ///< what vfsim_result::trace holds
	/** write a text, JSONL or Perfetto trace here as the run makes it, instead of
	 *  collecting it in vfsim_result::trace (which stays NULL): the
	 *  run's memory then stays flat however long its trace */
	FILE *stream;
	FILE *diag; ///< failed expectations and errors (NULL: silent)
	/** also draw the run as a sequence chart into vfsim_result::msc
	 *  (always done for VFSIM_TRACE_MSC) */
	bool msc;
	/** step limit of the run (0: VFSIM_MAX_STEPS); a run that reaches
	 *  it fails */
	uint64_t max_steps;
	/** virtual-time limit of the run in ns (0: VFSIM_MAX_TIME_NS, or
	 *  four times the machine's request timeout when that is longer);
	 *  a run whose clock would pass it stops there and fails */
	uint64_t max_time_ns;
	/** where the device runs (sim/cli/backend.h: `unix:PATH`,
	 *  `spawn:vfsim`, `spawn:virtiofsd`), overriding the scenario's
	 *  `device backend=`; NULL: the scenario's, else in-process. With a
	 *  real back end the run follows the wall clock and is not
	 *  deterministic. */
	const char *backend;
	/** an explorer's policy (sim/cli/explore.h): every choice of the
	 *  run is this callback's, overriding @c policy and the file's
	 *  (NULL: none). The teardown after the run takes choice 0, as a
	 *  replay of the recorded choices does past their end. */
	sched_choose_fn choose;
	void *choose_arg; ///< the argument of @c choose
	/** also hand every trace event to this function (the library's
	 *  trace sinks); NULL: none */
	void (*on_event)(const struct trace_event *ev, void *arg);
	void *on_event_arg; ///< passed to @c on_event
	/** stop the run at the first checker report no expectation
	 *  accounts for (after the step that filed it): the run has failed
	 *  already, and a bug that reports on every retry of a loop would
	 *  otherwise run on to the virtual-time limit. The expectations
	 *  after that point are not evaluated; the teardown and the leak
	 *  count still run. The explorer sets it. */
	bool stop_at_unexpected;
	/** stop the run at the next step boundary once this becomes true
	 *  (NULL: never): an explorer abandoning a run whose rest it knows
	 *  already (its partial-order reduction). As for
	 *  @c stop_at_unexpected, later expectations are not evaluated and
	 *  the teardown still runs; the result says nothing of the run. */
	const bool *abandon;
	/** room for this many tasks added after the session was opened
	 *  (vfsim_session_add_task()); 0 for a scenario's own tasks only */
	size_t task_room;
	/** the caller will not read vfsim_result::trace_hash, which is
	 *  then 0 (trace_drop_hash()): an event nothing else consumes then
	 *  costs next to nothing. The default (false) computes the hash, as
	 *  the explorer, the console and the determinism tests need; the
	 *  event count, the events' numbers and every output are the same
	 *  either way. */
	bool no_trace_hash;
	/** the caller keeps its own record of the run's choices (the
	 *  explorer): vfsim_result::choices stays NULL and only
	 *  vfsim_result::nr_choices is set, which spares formatting a list
	 *  nobody reads */
	bool no_choices;
};

/** @brief One `picture ring` snapshot. */
struct vfsim_picture {
	char *name; ///< file name without extension ("as FILE" or generated)
	char *dot;  ///< the Graphviz DOT text
};

/** @brief What a run produced. Free with vfsim_result_free(). */
struct vfsim_result {
	/** 0 all held, 1 some failed (or, from vfsim_exec(), a report was
	 *  unexpected or the step limit was hit), 2 set-up error */
	int status;
	unsigned expects; ///< expectations evaluated
	unsigned failed;  ///< expectations that failed
	/** checker reports no expectation accounted for (vfsim_exec() only) */
	unsigned unexpected;
	bool limit; ///< the run stopped at the step limit (vfsim_exec() only)
	/** the run stopped at the virtual-time limit (vfsim_exec() only) */
	bool time_limit;
	/** trace_hash() of the run (0 with vfsim_exec_opts::no_trace_hash) */
	uint64_t trace_hash;
	uint64_t trace_count; ///< events in the trace
	char *trace;	      ///< the trace in the requested format, or NULL
	/** errno of the first write to vfsim_exec_opts::stream that failed
	 *  (nothing more is written after it), or 0 */
	int stream_error;
	/** recorded choices, "replay:I,J,..." (NULL with
	 *  vfsim_exec_opts::no_choices) */
	char *choices;
	size_t nr_choices; ///< how many choices the run made
	char *msc; ///< the run as mscgen source, or NULL when not asked for
	struct vfsim_picture *pictures; ///< ring pictures, in order taken
	size_t nr_pictures;		///< number of pictures
	/** guest kernel objects still allocated when the machine was taken
	 *  down (each a leak) */
	uint64_t leaks;
	/** the set-up error's message when status is 2 */
	char error[512];
};

/**
 * @brief Run @p s on a new machine and check its expectations.
 * @param s a parsed scenario
 * @param opts options (NULL: defaults, text trace, silent)
 * @param r the outcome (always initialised; free with vfsim_result_free())
 * @return r->status: 0 when every expectation held, 1 when one failed
 *         (or a report went unaccounted for, or the step limit stopped
 *         the run), 2 when the machine could not be built (nothing ran)
 */
int vfsim_exec(const struct scenario *s, const struct vfsim_exec_opts *opts,
	       struct vfsim_result *r);

/** @brief Free what vfsim_exec() allocated in @p r. */
void vfsim_result_free(struct vfsim_result *r);

#endif /* VFSIM_SIM_CLI_EXEC_H */
