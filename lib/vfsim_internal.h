/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vfsim_internal.h
 * @brief What the library's files share: the machine handle behind
 * struct vfsim, its tasks, and the error message of the last failure.
 * @ingroup lib
 */
#ifndef VFSIM_LIB_VFSIM_INTERNAL_H
#define VFSIM_LIB_VFSIM_INTERNAL_H

#include "include/vfsim/vfsim.h"
#include "sim/cli/exec_internal.h"
#include "sim/cli/scenario.h"
#include "sim/cli/session.h"

/** @brief Most tasks one machine takes (vfsim_task_new()). */
#define VFSIM_MAX_TASKS 256

/** @brief A guest program: its text in the scenario language until it
 *  starts, then the parsed task the session runs. */
struct vfsim_task {
	struct vfsim *vm;	 ///< its machine
	char *name;		 ///< the task's name
	char *body;		 ///< its operations, one per line (host heap)
	size_t len;		 ///< length of @c body
	unsigned nr_ops;	 ///< operations so far (the last ordinal)
	unsigned depth;		 ///< `repeat` blocks not yet closed
	bool stop_on_error;	 ///< the task stops at its first failure
	bool started;		 ///< vfsim_task_start() succeeded
	size_t idx;		 ///< its index in the machine's scenario
	struct scenario *parsed; ///< owner of the started task's tree
	struct scn_op *typed;	 ///< operations added by vfsim_op_*() calls
	size_t nr_typed;	 ///< entries of @c typed
	char **strs;		 ///< their strings (host heap)
	size_t nr_strs;		 ///< entries of @c strs
};

/**
 * @brief Put the vfsim_op_*() operations of a started task's parsed tree
 * in the places their stand-ins hold (lib/vfsim_ops.c).
 */
void vfsim_ops_place(struct vfsim_task *t);

/** @brief Free what vfsim_op_*() kept for task @p t. */
void vfsim_ops_free(struct vfsim_task *t);

/** @brief An action queued by a device or transport call. */
struct vfsim_action {
	struct vfsim *vm;    ///< its machine
	struct scn_action a; ///< the action, as an `at` block holds it
	char *text;	     ///< the mark's text (host heap), or NULL
};

/** @brief The machine handle (the public struct vfsim). */
struct vfsim {
	struct vfsim_config cfg;    ///< the caller's configuration, copied
	struct scenario *conf;	    ///< the configuration as a parsed scenario
	struct scenario scn;	    ///< @c conf with the tasks added so far
	struct scn_task *slots;	    ///< the tasks' trees (VFSIM_MAX_TASKS)
	struct vfsim_task **tasks;  ///< the tasks, by index
	size_t nr_tasks;	    ///< tasks made (started or not)
	struct vfsim_session *ss;   ///< the run
	struct vfsim_result r;	    ///< what the session fills in at the end
	struct vfsim_action **acts; ///< actions queued (freed at the end)
	size_t nr_acts;		    ///< number of those
	const struct scn_match *until; ///< vfsim_run_until_event()'s pattern
	bool until_hit;		       ///< it was seen
};

/** @brief The machine's run (the executor's state). */
static inline struct exec *vfsim_exec_of(const struct vfsim *vm)
{
	return &vm->ss->e;
}

/**
 * @brief Remember @p fmt as the message vfsim_error() returns.
 * @return @p err, for `return vfsim_fail(-EINVAL, ...)`
 */
int vfsim_fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * @brief The message of a scenario parse error without its position
 * ("FILE:LINE:COL: error: " stripped).
 */
const char *vfsim_parse_message(const struct scenario_error *err);

/** @brief Free the tasks of @p vm (after the session is closed). */
void vfsim_tasks_free(struct vfsim *vm);

#endif /* VFSIM_LIB_VFSIM_INTERNAL_H */
