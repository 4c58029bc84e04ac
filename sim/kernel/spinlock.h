/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file spinlock.h
 * @brief spinlock_t with the kernel's API and misuse checks.
 *
 * spin_lock() is a preemption point (another CPU may get there first: the
 * policy decides, see sched.h; under fifo the task goes on). A task that
 * finds the lock taken waits on it until spin_unlock(): on a real machine
 * it would spin, here it is simply not runnable, which has the same effect
 * on the possible interleavings and lets deadlock detection see it.
 *
 * Checked: recursion ("spin.recursion"), unlock of an unlocked lock
 * ("spin.unlock_unlocked"), unlock by a task that does not hold it
 * ("spin.unlock_not_owner"), returning with a lock held, and sleeping
 * while holding one (might_sleep(), "sleep.atomic"). Interrupts do not
 * exist as such (irq handlers are tasks), so the _irq, _irqsave and _bh
 * variants are the plain operations.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_SPINLOCK_H
#define VFSIM_SIM_KERNEL_SPINLOCK_H

#include "sim/kernel/check.h"
#include "sim/kernel/footprint.h"
#include "sim/kernel/wait.h"

/** @brief A spinlock. */
typedef struct spinlock {
	bool locked;		/**< held right now */
	struct task *owner;	/**< holder (NULL when taken outside tasks) */
	const char *name;	/**< name for reports */
	wait_queue_head_t wait; /**< tasks "spinning" on it */
} spinlock_t;

/** @brief Static initializer for a lock named @p n. */
#define __SPIN_LOCK_UNLOCKED(n)                                          \
	{                                                                \
		false, NULL, #n, __WAIT_QUEUE_HEAD_INITIALIZER((n).wait) \
	}

/** @brief DEFINE_SPINLOCK(): define an unlocked spinlock. */
#define DEFINE_SPINLOCK(n) spinlock_t n = __SPIN_LOCK_UNLOCKED(n)

/** @brief Initialize @p lock with name @p name (leading '&' dropped). */
void __spin_lock_init(spinlock_t *lock, const char *name);

/** @brief spin_lock_init(): named after the expression. */
#define spin_lock_init(lock) __spin_lock_init(lock, #lock)

/** @brief spin_lock()'s out-of-line part: every case but its fast path
 *  (for spin_lock() only). */
void __spin_lock_slow(spinlock_t *lock);

/** @brief spin_unlock()'s out-of-line part: every case but its fast path
 *  (for spin_unlock() only). */
void __spin_unlock_slow(spinlock_t *lock);

/**
 * @brief The first byte of a lock (its @c locked flag): 0 or 1 in a live
 * lock, kfree()'s poison in freed memory, so a 0 or 1 proves the lock is
 * not freed. Read as a byte: a poisoned bool is no bool.
 */
static inline u8 __lock_first_byte(const void *lock)
{
	return *(const u8 *)lock;
}

/**
 * @brief spin_lock(): take the lock (a preemption point).
 *
 * Inline, the common case: a free lock taken by a task under a policy
 * that does not explore, with room on its held-lock stack. A free lock is
 * neither freed memory nor held by this task, and fifo never preempts, so
 * none of the checks can fire; everything else goes out of line, where
 * every check is made.
 */
static inline void spin_lock(spinlock_t *lock)
{
	struct task *t = current;

	if (likely(__lock_first_byte(lock) == 0 && t && !sched_fast.explores &&
		   t->spin_held < TASK_HELD_LOCKS)) {
		sched_preempt_point();
		lock->locked = true;
		lock->owner = t;
		t->held[t->spin_held++] =
			(struct held_lock){ lock, lock->name };
		return;
	}
	__spin_lock_slow(lock);
}

/**
 * @brief spin_unlock(): release the lock.
 *
 * Inline, the common case: a live lock held by the running task, the last
 * on its held-lock stack; everything else goes out of line, where every
 * check is made.
 */
static inline void spin_unlock(spinlock_t *lock)
{
	struct task *t = current;

	if (likely(__lock_first_byte(lock) == 1 && t && lock->owner == t &&
		   t->spin_held && t->spin_held <= TASK_HELD_LOCKS &&
		   t->held[t->spin_held - 1].lock == lock)) {
		t->spin_held--;
		fp_touch(lock); /* see __spin_unlock_slow() */
		lock->locked = false;
		lock->owner = NULL;
		wake_up_all(&lock->wait);
		return;
	}
	__spin_unlock_slow(lock);
}

/** @brief spin_trylock(): take the lock if free; 1 on success. */
int spin_trylock(spinlock_t *lock);

/** @brief spin_is_locked(). */
static inline bool spin_is_locked(const spinlock_t *lock)
{
	fp_touch(lock);
	return lock->locked;
}

/** @brief assert_spin_locked(): report "spin.not_locked" unless
 *  @p lock is held. */
#define assert_spin_locked(lock)                                            \
	do {                                                                \
		if (!spin_is_locked(lock))                                  \
			check_report("spin.not_locked",                     \
				     "%s(): spinlock %s must be held here", \
				     __func__, (lock)->name);               \
	} while (0)

/** @brief spin_lock_irqsave(): spin_lock(); @p flags is set to 0. */
#define spin_lock_irqsave(lock, flags) \
	do {                           \
		(flags) = 0;           \
		spin_lock(lock);       \
	} while (0)

/** @brief spin_unlock_irqrestore(): spin_unlock(). */
#define spin_unlock_irqrestore(lock, flags) \
	do {                                \
		(void)(flags);              \
		spin_unlock(lock);          \
	} while (0)

/** @brief spin_lock_irq(): spin_lock(). */
#define spin_lock_irq(lock) spin_lock(lock)
/** @brief spin_unlock_irq(): spin_unlock(). */
#define spin_unlock_irq(lock) spin_unlock(lock)
/** @brief spin_lock_bh(): spin_lock(). */
#define spin_lock_bh(lock) spin_lock(lock)
/** @brief spin_unlock_bh(): spin_unlock(). */
#define spin_unlock_bh(lock) spin_unlock(lock)

#endif /* VFSIM_SIM_KERNEL_SPINLOCK_H */
