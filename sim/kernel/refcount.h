/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file refcount.h
 * @brief refcount_t: a reference count that refuses to wrap or revive.
 *
 * Like the kernel's, incrementing a count that reached zero (a use after
 * the last put) and decrementing below zero are reported as bugs instead of
 * silently corrupting the count: the count then saturates.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_REFCOUNT_H
#define VFSIM_SIM_KERNEL_REFCOUNT_H

#include "sim/kernel/footprint.h"

#include <stdbool.h>

/** @brief A reference count (kernel: refcount_t). */
typedef struct {
	int refs; /**< current count; REFCOUNT_SATURATED once misused */
} refcount_t;

/** @brief Value a misused count is parked at. */
#define REFCOUNT_SATURATED (-1)

/** @brief Static initializer. */
#define REFCOUNT_INIT(n)    \
	{                   \
		.refs = (n) \
	}

/** @brief Set the count (initialisation). */
static inline void refcount_set(refcount_t *r, int n)
{
	fp_touch(r);
	r->refs = n;
}

/** @brief Read the count. */
static inline int refcount_read(const refcount_t *r)
{
	fp_touch(r);
	return r->refs;
}

/** @brief Report a misuse and saturate (refcount.c). */
void refcount_warn_saturate(refcount_t *r, const char *what);

/** @brief Take a reference; taking one on a zero count is reported. */
static inline void refcount_inc(refcount_t *r)
{
	fp_touch(r);
	if (r->refs <= 0) {
		refcount_warn_saturate(r, "increment on 0; use-after-free");
		return;
	}
	r->refs++;
}

/**
 * @brief Drop a reference.
 * @return true when this was the last one (the caller frees the object)
 */
static inline bool refcount_dec_and_test(refcount_t *r)
{
	fp_touch(r);
	if (r->refs <= 0) {
		refcount_warn_saturate(r, "decrement hit 0; leaking memory");
		return false;
	}
	return --r->refs == 0;
}

#endif /* VFSIM_SIM_KERNEL_REFCOUNT_H */
