/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file completion.h
 * @brief struct completion: "wait until this has happened".
 *
 * complete() adds one to done and wakes one waiter; complete_all() makes
 * done infinite and wakes every waiter; each successful wait consumes one.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_COMPLETION_H
#define VFSIM_SIM_KERNEL_COMPLETION_H

#include <limits.h>

#include "sim/kernel/wait.h"

/** @brief A completion. */
struct completion {
	unsigned int done;	/**< completions not yet consumed */
	wait_queue_head_t wait; /**< waiting tasks */
};

/** @brief Static initializer for a completion named @p n. */
#define COMPLETION_INITIALIZER(n)                          \
	{                                                  \
		0, __WAIT_QUEUE_HEAD_INITIALIZER((n).wait) \
	}

/** @brief DECLARE_COMPLETION(): define a completion not yet done. */
#define DECLARE_COMPLETION(n) struct completion n = COMPLETION_INITIALIZER(n)

/** @brief Initialize @p x (not done) with name @p name. */
void __init_completion(struct completion *x, const char *name);

/** @brief init_completion(): named after the expression. */
#define init_completion(x) __init_completion(x, #x)

/** @brief reinit_completion(): make it "not done" again. */
static inline void reinit_completion(struct completion *x)
{
	x->done = 0;
}

/** @brief complete(): signal one waiter (or the next wait). */
void complete(struct completion *x);

/** @brief complete_all(): signal every present and future waiter. */
void complete_all(struct completion *x);

/** @brief wait_for_completion(): sleep until done, consume one. */
void wait_for_completion(struct completion *x);

/**
 * @brief wait_for_completion_timeout(): as above, for at most @p timeout
 * jiffies.
 * @return 0 on timeout, else the remaining jiffies (at least 1)
 */
unsigned long wait_for_completion_timeout(struct completion *x,
					  unsigned long timeout);

/** @brief try_wait_for_completion(): consume one without sleeping;
 *  false when not done. */
bool try_wait_for_completion(struct completion *x);

/** @brief completion_done(): true when a wait would not sleep. */
static inline bool completion_done(const struct completion *x)
{
	return x->done != 0;
}

#endif /* VFSIM_SIM_KERNEL_COMPLETION_H */
