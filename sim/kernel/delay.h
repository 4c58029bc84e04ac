/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file delay.h
 * @brief Virtual time for kernel code: jiffies, HZ, sleeping.
 *
 * The virtual clock (sched_now(), in ns) only moves when no task can run,
 * so a sleep costs no host time. jiffies are derived from it: HZ ticks per
 * virtual second, starting at 0.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_DELAY_H
#define VFSIM_SIM_KERNEL_DELAY_H

#include "sim/kernel/sched.h"

/** @brief Timer ticks per virtual second (one jiffy is 1 ms). */
#define HZ 1000

/** @brief Nanoseconds per second. */
#define NSEC_PER_SEC 1000000000ULL
/** @brief Nanoseconds per millisecond. */
#define NSEC_PER_MSEC 1000000ULL
/** @brief Nanoseconds per microsecond. */
#define NSEC_PER_USEC 1000ULL

/** @brief The jiffies count now (the clock divided into 1/HZ ticks). */
unsigned long sched_jiffies(void);

/** @brief The kernel's jiffies, read from the virtual clock. */
#define jiffies (sched_jiffies())

/** @brief Nanoseconds in @p j jiffies. */
static inline u64 jiffies_to_nsecs(unsigned long j)
{
	return (u64)j * (NSEC_PER_SEC / HZ);
}

/** @brief msecs_to_jiffies(): milliseconds to jiffies, rounded up. */
static inline unsigned long msecs_to_jiffies(unsigned int m)
{
	return (unsigned long)(((u64)m * HZ + 999) / 1000);
}

/** @brief usecs_to_jiffies(): microseconds to jiffies, rounded up. */
static inline unsigned long usecs_to_jiffies(unsigned int u)
{
	return (unsigned long)(((u64)u * HZ + 999999) / 1000000);
}

/** @brief jiffies_to_msecs(): jiffies to milliseconds. */
static inline unsigned int jiffies_to_msecs(unsigned long j)
{
	return (unsigned int)((u64)j * 1000 / HZ);
}

/** @brief time_after(a, b): true when jiffies value @p a is later than @p b
 *  (wrap-safe). */
#define time_after(a, b) ((long)((b) - (a)) < 0)

/** @brief time_before(a, b): true when @p a is earlier than @p b. */
#define time_before(a, b) time_after(b, a)

/**
 * @brief usleep_range(): sleep a virtual duration in [min, max] µs.
 *
 * The built-in policies all sleep @p min_us (the deterministic choice); it
 * is a might_sleep() point. Outside a task it returns at once.
 */
void usleep_range(unsigned long min_us, unsigned long max_us);

/** @brief msleep(): sleep @p msecs virtual milliseconds. */
void msleep(unsigned int msecs);

#endif /* VFSIM_SIM_KERNEL_DELAY_H */
