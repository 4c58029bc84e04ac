/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file kref.h
 * @brief struct kref: a reference count with a release function.
 *
 * Getting a reference on an object whose count already reached zero, and
 * dropping more references than were taken, are reported ("kref.get_zero",
 * "kref.underflow"): both mean use of a freed object in the kernel.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_KREF_H
#define VFSIM_SIM_KERNEL_KREF_H

#include "sim/kernel/atomic.h"
#include "sim/kernel/check.h"

/** @brief A reference count. */
struct kref {
	atomic_t refcount; /**< number of references held */
};

/** @brief Static initializer: one reference. */
#define KREF_INIT(n)                       \
	{                                  \
		.refcount = ATOMIC_INIT(n) \
	}

/** @brief kref_init(): the creator's reference. */
static inline void kref_init(struct kref *kref)
{
	atomic_set(&kref->refcount, 1);
}

/** @brief kref_read(): the current count. */
static inline unsigned int kref_read(const struct kref *kref)
{
	return (unsigned int)atomic_read(&kref->refcount);
}

/** @brief kref_get(): take another reference (the count must be > 0). */
static inline void kref_get(struct kref *kref)
{
	if (atomic_read(&kref->refcount) <= 0)
		check_report("kref.get_zero",
			     "kref_get() on an object whose count is %d "
			     "(already released)",
			     atomic_read(&kref->refcount));
	atomic_inc(&kref->refcount);
}

/** @brief kref_get_unless_zero(): take a reference unless the count is 0. */
static inline bool kref_get_unless_zero(struct kref *kref)
{
	if (atomic_read(&kref->refcount) <= 0)
		return false;
	atomic_inc(&kref->refcount);
	return true;
}

/**
 * @brief kref_put(): drop a reference; the last one calls @p release.
 * @return 1 when @p release was called, else 0
 */
static inline int kref_put(struct kref *kref,
			   void (*release)(struct kref *kref))
{
	if (atomic_read(&kref->refcount) <= 0) {
		check_report("kref.underflow",
			     "kref_put() on an object whose count is %d",
			     atomic_read(&kref->refcount));
		return 0;
	}
	if (atomic_dec_and_test(&kref->refcount)) {
		release(kref);
		return 1;
	}
	return 0;
}

#endif /* VFSIM_SIM_KERNEL_KREF_H */
