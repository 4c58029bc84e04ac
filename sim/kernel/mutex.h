/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file mutex.h
 * @brief struct mutex: a sleeping lock with owner checks.
 *
 * mutex_lock() is a might_sleep() point and a preemption point (the policy
 * may let another task run first, see sched.h); it waits while the mutex
 * is held. Checked:
 * recursion ("mutex.recursion"), unlocking an unlocked mutex
 * ("mutex.unlock_unlocked") and unlocking by a non-owner
 * ("mutex.unlock_not_owner").
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_MUTEX_H
#define VFSIM_SIM_KERNEL_MUTEX_H

#include "sim/kernel/footprint.h"
#include "sim/kernel/wait.h"

/** @brief A mutex. */
struct mutex {
	bool locked;		/**< held right now */
	struct task *owner;	/**< holder (NULL when taken outside tasks) */
	const char *name;	/**< name for reports */
	wait_queue_head_t wait; /**< tasks waiting for it */
};

/** @brief Static initializer for a mutex named @p n; its wait queue is
 *  named after it, as __mutex_init() names it (a trace shows the same
 *  name whether the mutex was defined or initialised). */
#define __MUTEX_INITIALIZER(n)                            \
	{                                                 \
		false, NULL, #n,                          \
		{                                         \
			LIST_HEAD_INIT((n).wait.head), #n \
		}                                         \
	}

/** @brief DEFINE_MUTEX(): define an unlocked mutex. */
#define DEFINE_MUTEX(n) struct mutex n = __MUTEX_INITIALIZER(n)

/** @brief Initialize @p m with name @p name (leading '&' dropped). */
void __mutex_init(struct mutex *m, const char *name);

/** @brief mutex_init(): named after the expression. */
#define mutex_init(m) __mutex_init(m, #m)

/** @brief mutex_lock()'s out-of-line part, after might_sleep(): every
 *  case but its fast path (for mutex_lock() only). */
void __mutex_lock_slow(struct mutex *m);

/** @brief mutex_unlock()'s out-of-line part: every case but its fast
 *  path (for mutex_unlock() only). */
void __mutex_unlock_slow(struct mutex *m);

/**
 * @brief mutex_lock(): take the mutex, sleeping while it is held.
 *
 * Inline, the common case: a free mutex (so not freed memory, nor held by
 * this task) taken by a task under a policy that does not explore; the
 * rest, with every check, out of line.
 */
static inline void mutex_lock(struct mutex *m)
{
	struct task *t = current;

	might_sleep();
	if (likely(*(const u8 *)&m->locked == 0 && t && !sched_fast.explores)) {
		sched_preempt_point();
		m->locked = true;
		m->owner = t;
		return;
	}
	__mutex_lock_slow(m);
}

/** @brief mutex_trylock(): take the mutex if free; 1 on success. */
int mutex_trylock(struct mutex *m);

/**
 * @brief mutex_unlock(): release it and wake one waiter.
 *
 * Inline, the common case: a live mutex held by the running task; the
 * rest, with every check, out of line.
 */
static inline void mutex_unlock(struct mutex *m)
{
	if (likely(*(const u8 *)&m->locked == 1 && m->owner == current)) {
		fp_touch(m); /* see __spin_unlock_slow() */
		m->locked = false;
		m->owner = NULL;
		__wake_up(&m->wait, 1);
		return;
	}
	__mutex_unlock_slow(m);
}

/** @brief mutex_is_locked(). */
static inline bool mutex_is_locked(const struct mutex *m)
{
	fp_touch(m);
	return m->locked;
}

#endif /* VFSIM_SIM_KERNEL_MUTEX_H */
