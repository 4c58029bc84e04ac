/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file workqueue.h
 * @brief Work items run by kworker tasks: schedule_work() and friends.
 *
 * Queued work waits on one global list; a small pool of kworker tasks
 * ("kworker/0", ...; one per CPU by default, started on first use) takes
 * items in queueing order. As in the kernel: a pending work is not queued
 * twice (the call returns false), pending is cleared just before the
 * function runs (so it may requeue itself), one work item never runs on
 * two workers at once, and the workqueue never touches a work item after
 * its function returned (the function may free it).
 *
 * Delayed work arms a virtual-time timer for the delay (in jiffies) and is
 * queued when it fires.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_WORKQUEUE_H
#define VFSIM_SIM_KERNEL_WORKQUEUE_H

#include "sim/kernel/list.h"
#include "sim/kernel/task.h"

struct work_struct;

/** @brief A work function. */
typedef void (*work_func_t)(struct work_struct *work);

/** @brief A work item. */
struct work_struct {
	struct list_head entry; /**< link in the queue while queued */
	work_func_t func;	/**< what to run */
	const char *name;	/**< name for the trace (the function's) */
	bool pending;		/**< queued, or its delay timer is armed */
};

/** @brief A work item that is queued after a delay. */
struct delayed_work {
	struct work_struct work; /**< the work proper */
	struct sim_timer timer;	 /**< the delay */
};

/** @brief A workqueue handle (all share one pool of kworkers here). */
struct workqueue_struct {
	const char *name; /**< name for the trace */
};

/** @brief The kernel's system_wq. */
extern struct workqueue_struct *system_wq;

/** @brief Initialize @p w to run @p func, named @p name. */
void __init_work(struct work_struct *w, work_func_t func, const char *name);

/** @brief Initialize @p dw to run @p func, named @p name. */
void __init_delayed_work(struct delayed_work *dw, work_func_t func,
			 const char *name);

/** @brief INIT_WORK(). */
#define INIT_WORK(w, f) __init_work(w, f, #f)

/** @brief INIT_DELAYED_WORK(). */
#define INIT_DELAYED_WORK(dw, f) __init_delayed_work(dw, f, #f)

/** @brief to_delayed_work(): the delayed_work around @p w. */
static inline struct delayed_work *to_delayed_work(struct work_struct *w)
{
	return container_of(w, struct delayed_work, work);
}

/**
 * @brief Start the kworker pool (otherwise done with one worker per CPU on
 * first use).
 * @return 0, -EBUSY when already started, -EINVAL for 0 or more than 8
 */
int workqueue_init(unsigned nr_workers);

/** @brief Forget the pool (called by sched_exit(), which frees tasks). */
void workqueue_reset(void);

/** @brief queue_work(): queue @p w; false when already pending. */
bool queue_work(struct workqueue_struct *wq, struct work_struct *w);

/** @brief schedule_work(): queue_work() on system_wq. */
bool schedule_work(struct work_struct *w);

/** @brief queue_delayed_work(): queue @p dw after @p delay jiffies;
 *  false when already pending. */
bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dw,
			unsigned long delay);

/** @brief schedule_delayed_work(): queue_delayed_work() on system_wq. */
bool schedule_delayed_work(struct delayed_work *dw, unsigned long delay);

/** @brief flush_work(): wait until @p w is neither pending nor running.
 *  @return true when it had to wait */
bool flush_work(struct work_struct *w);

/** @brief flush_delayed_work(): queue a waiting delayed work now, then
 *  flush_work(). */
bool flush_delayed_work(struct delayed_work *dw);

/** @brief cancel_work_sync(): unqueue @p w and wait for a running
 *  instance; true when it was pending. */
bool cancel_work_sync(struct work_struct *w);

/** @brief cancel_delayed_work(): disarm/unqueue without waiting; true
 *  when it was pending. */
bool cancel_delayed_work(struct delayed_work *dw);

/** @brief cancel_delayed_work_sync(): cancel_delayed_work() and wait for a
 *  running instance. */
bool cancel_delayed_work_sync(struct delayed_work *dw);

/** @brief work_pending(). */
static inline bool work_pending(const struct work_struct *w)
{
	return w->pending;
}

/** @brief delayed_work_pending(). */
static inline bool delayed_work_pending(const struct delayed_work *dw)
{
	return dw->work.pending;
}

/** @brief True while a kworker runs @p w's function. */
bool work_running(const struct work_struct *w);

/** @brief Work items executed since the pool started. */
u64 workqueue_nr_executed(void);

#endif /* VFSIM_SIM_KERNEL_WORKQUEUE_H */
