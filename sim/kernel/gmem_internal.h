/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file gmem_internal.h
 * @brief Between the arena (gmem.c) and the mapped backing (gmem_map.c):
 * what the device-side calls use when no arena exists.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_GMEM_INTERNAL_H
#define VFSIM_SIM_KERNEL_GMEM_INTERNAL_H

#include "sim/kernel/gmem.h"

/** @brief gmem_range_valid() over the mapped regions (adjacent regions
 *  join: a range may cross from one into the next). */
bool gmem_map_range_valid(gpa_t gpa, u64 len);

/**
 * @brief Copy between @p buf and mapped guest memory, region by region.
 * @return 0, or -EFAULT when some byte of the range is not mapped
 *         (nothing is copied then)
 */
int gmem_map_copy(gpa_t gpa, void *buf, size_t len, bool to_guest);

/** @brief True while an arena exists (gmem_map_region() refuses then). */
bool gmem_arena_present(void);

#endif /* VFSIM_SIM_KERNEL_GMEM_INTERNAL_H */
