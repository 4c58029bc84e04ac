/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file atomic.h
 * @brief atomic_t / atomic64_t and memory barriers with kernel names.
 *
 * Tasks switch only at yield points, so a plain read-modify-write is
 * already atomic here; these types exist so model code reads like the
 * kernel and keeps the kernel's discipline. Barriers are compiler barriers.
 * None of these is a yield point.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_ATOMIC_H
#define VFSIM_SIM_KERNEL_ATOMIC_H

#include "sim/kernel/footprint.h"

#include "sim/kernel/types.h"

/** @brief A 32-bit atomic counter. */
typedef struct {
	int counter; /**< the value; use the accessors */
} atomic_t;

/** @brief A 64-bit atomic counter. */
typedef struct {
	s64 counter; /**< the value; use the accessors */
} atomic64_t;

/** @brief Static initializer: ATOMIC_INIT(v). */
#define ATOMIC_INIT(v) \
	{              \
		(v)    \
	}

/** @brief READ_ONCE(): a single, non-elided read. */
#define READ_ONCE(x)                                  \
	(*({                                          \
		fp_touch(&(x));                       \
		(const volatile __typeof__(x) *)&(x); \
	}))
/** @brief WRITE_ONCE(): a single, non-elided write. */
#define WRITE_ONCE(x, v)                        \
	(*({                                    \
		fp_touch(&(x));                 \
		(volatile __typeof__(x) *)&(x); \
	}) = (v))

/** @brief Compiler barrier. */
#define barrier() __asm__ __volatile__("" ::: "memory")
/** @brief Full memory barrier (a compiler barrier on one host thread). */
#define smp_mb() barrier()
/** @brief Read barrier. */
#define smp_rmb() barrier()
/** @brief Write barrier. */
#define smp_wmb() barrier()
/**
 * @brief virt_mb(): full barrier against the other side of a shared ring.
 *
 * The simulated device runs on the driver's thread, but a device serving
 * a real guest (vfsim serve) shares its rings with CPUs of another
 * process, so the virt_*() barriers are real fences, as the kernel's are
 * for talking to a hypervisor: a store followed by a load of another ring
 * field (publish used idx, then read used_event) needs virt_mb().
 */
#define virt_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
/** @brief virt_rmb(): loads before it are done before loads after it. */
#define virt_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
/** @brief virt_wmb(): stores before it are visible before stores after. */
#define virt_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)

/** @brief atomic_read(). */
static inline int atomic_read(const atomic_t *v)
{
	return READ_ONCE(v->counter);
}

/** @brief atomic_set(). */
static inline void atomic_set(atomic_t *v, int i)
{
	WRITE_ONCE(v->counter, i);
}

/** @brief atomic_add(). */
static inline void atomic_add(int i, atomic_t *v)
{
	fp_touch(v);
	v->counter += i;
}

/** @brief atomic_sub(). */
static inline void atomic_sub(int i, atomic_t *v)
{
	fp_touch(v);
	v->counter -= i;
}

/** @brief atomic_inc(). */
static inline void atomic_inc(atomic_t *v)
{
	fp_touch(v);
	v->counter++;
}

/** @brief atomic_dec(). */
static inline void atomic_dec(atomic_t *v)
{
	fp_touch(v);
	v->counter--;
}

/** @brief atomic_add_return(): add and return the new value. */
static inline int atomic_add_return(int i, atomic_t *v)
{
	fp_touch(v);
	return v->counter += i;
}

/** @brief atomic_sub_return(): subtract and return the new value. */
static inline int atomic_sub_return(int i, atomic_t *v)
{
	fp_touch(v);
	return v->counter -= i;
}

/** @brief atomic_inc_return(). */
static inline int atomic_inc_return(atomic_t *v)
{
	fp_touch(v);
	return ++v->counter;
}

/** @brief atomic_dec_return(). */
static inline int atomic_dec_return(atomic_t *v)
{
	fp_touch(v);
	return --v->counter;
}

/** @brief atomic_dec_and_test(): decrement; true when it reached 0. */
static inline bool atomic_dec_and_test(atomic_t *v)
{
	fp_touch(v);
	return --v->counter == 0;
}

/** @brief atomic_sub_and_test(): subtract; true when it reached 0. */
static inline bool atomic_sub_and_test(int i, atomic_t *v)
{
	fp_touch(v);
	return (v->counter -= i) == 0;
}

/** @brief atomic_cmpxchg(): set to @p new if equal to @p old; returns
 *  the value found. */
static inline int atomic_cmpxchg(atomic_t *v, int old, int new)
{
	fp_touch(v);
	int cur = v->counter;

	if (cur == old)
		v->counter = new;
	return cur;
}

/** @brief atomic_xchg(): set and return the previous value. */
static inline int atomic_xchg(atomic_t *v, int new)
{
	fp_touch(v);
	int cur = v->counter;

	v->counter = new;
	return cur;
}

/** @brief atomic64_read(). */
static inline s64 atomic64_read(const atomic64_t *v)
{
	return READ_ONCE(v->counter);
}

/** @brief atomic64_set(). */
static inline void atomic64_set(atomic64_t *v, s64 i)
{
	WRITE_ONCE(v->counter, i);
}

/** @brief atomic64_add(). */
static inline void atomic64_add(s64 i, atomic64_t *v)
{
	fp_touch(v);
	v->counter += i;
}

/** @brief atomic64_sub(). */
static inline void atomic64_sub(s64 i, atomic64_t *v)
{
	fp_touch(v);
	v->counter -= i;
}

/** @brief atomic64_inc(). */
static inline void atomic64_inc(atomic64_t *v)
{
	fp_touch(v);
	v->counter++;
}

/** @brief atomic64_dec(). */
static inline void atomic64_dec(atomic64_t *v)
{
	fp_touch(v);
	v->counter--;
}

/** @brief atomic64_inc_return(). */
static inline s64 atomic64_inc_return(atomic64_t *v)
{
	fp_touch(v);
	return ++v->counter;
}

/** @brief atomic64_add_return(). */
static inline s64 atomic64_add_return(s64 i, atomic64_t *v)
{
	fp_touch(v);
	return v->counter += i;
}

/** @brief atomic64_dec_and_test(). */
static inline bool atomic64_dec_and_test(atomic64_t *v)
{
	fp_touch(v);
	return --v->counter == 0;
}

#endif /* VFSIM_SIM_KERNEL_ATOMIC_H */
