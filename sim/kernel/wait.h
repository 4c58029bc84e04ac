/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file wait.h
 * @brief Wait queues: wait_queue_head_t, wait_event(), wake_up().
 *
 * A task that waits links a wait_queue_entry (on its own stack) into the
 * head and blocks; wake_up() unlinks entries and makes their tasks
 * runnable. wait_event() re-checks its condition after every wake-up, as
 * the kernel does, so spurious wake-ups are harmless. All other sleeping
 * primitives (mutex, completion, contended spinlock) are built on this.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_WAIT_H
#define VFSIM_SIM_KERNEL_WAIT_H

#include "sim/kernel/delay.h"
#include "sim/kernel/list.h"
#include "sim/kernel/sched.h"

/** @brief A waiter: links a task into a wait queue. */
struct wait_queue_entry {
	struct task *task;	/**< the waiting task */
	struct list_head entry; /**< link in wait_queue_head::head */
};

/** @brief A wait queue. */
typedef struct wait_queue_head {
	struct list_head head; /**< waiters, oldest first */
	const char *name;      /**< name for reports and the trace */
} wait_queue_head_t;

/** @brief Static initializer for a wait queue named @p n. */
#define __WAIT_QUEUE_HEAD_INITIALIZER(n)     \
	{                                    \
		LIST_HEAD_INIT((n).head), #n \
	}

/** @brief DECLARE_WAIT_QUEUE_HEAD(): define an initialized wait queue. */
#define DECLARE_WAIT_QUEUE_HEAD(n) \
	wait_queue_head_t n = __WAIT_QUEUE_HEAD_INITIALIZER(n)

/** @brief Initialize @p wq with name @p name (leading '&' dropped). */
void __init_waitqueue_head(wait_queue_head_t *wq, const char *name);

/** @brief init_waitqueue_head(): named after the expression. */
#define init_waitqueue_head(wq) __init_waitqueue_head(wq, #wq)

/**
 * @brief Block the current task on @p wq once.
 * @param wq the queue
 * @param what class of object for reports ("waitqueue", "mutex", ...)
 * @param timeout_ns 0 for none
 * @return 0 when woken, -ETIMEDOUT, or -EDEADLK (outside a task, when the
 *         scheduler can make no progress)
 */
int wq_wait(wait_queue_head_t *wq, const char *what, u64 timeout_ns);

/** @brief __wake_up()'s work once a waiter is there (kernel:
 *  __wake_up_common()). */
unsigned __wake_up_common(wait_queue_head_t *wq, unsigned nr);

/** @brief Wake up to @p nr waiters (0: all), oldest first.
 *  @return how many were woken */
static inline unsigned __wake_up(wait_queue_head_t *wq, unsigned nr)
{
	/* most wake-ups find nobody waiting (an unlock, a kick) */
	if (list_empty(&wq->head))
		return 0;
	return __wake_up_common(wq, nr);
}

/** @brief wake_up(): wake every waiter (no exclusive waits here). */
#define wake_up(wq) ((void)__wake_up(wq, 0))

/** @brief wake_up_all(): wake every waiter. */
#define wake_up_all(wq) ((void)__wake_up(wq, 0))

/** @brief wake_up_interruptible(): same as wake_up(). */
#define wake_up_interruptible(wq) ((void)__wake_up(wq, 0))

/** @brief waitqueue_active(): true when a task waits on @p wq. */
static inline bool waitqueue_active(const wait_queue_head_t *wq)
{
	return !list_empty(&wq->head);
}

/** @brief Remaining jiffies until @p end_ns, at least 1 (used once the
 *  condition held). */
long __wait_remaining(u64 end_ns);

/** @brief wait_event(): sleep until @p cond is true. */
#define wait_event(wq, cond)                                            \
	do {                                                            \
		might_sleep();                                          \
		while (!(cond))                                         \
			if (wq_wait(&(wq), "waitqueue", 0) == -EDEADLK) \
				break;                                  \
	} while (0)

/**
 * @brief wait_event_timeout(): sleep until @p cond or @p timeout jiffies.
 * @return 0 when the timeout elapsed with @p cond false, else the
 *         remaining jiffies (at least 1), as in the kernel
 */
#define wait_event_timeout(wq, cond, timeout)                           \
	({                                                              \
		u64 __end = sched_now() + jiffies_to_nsecs(timeout);    \
		long __ret = 1;                                         \
		might_sleep();                                          \
		while (!(cond)) {                                       \
			if (sched_now() >= __end ||                     \
			    wq_wait(&(wq), "waitqueue",                 \
				    __end - sched_now()) == -EDEADLK) { \
				__ret = (cond) ? 1 : 0;                 \
				break;                                  \
			}                                               \
		}                                                       \
		__ret ? __wait_remaining(__end) : 0;                    \
	})

#endif /* VFSIM_SIM_KERNEL_WAIT_H */
