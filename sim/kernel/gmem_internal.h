/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file gmem_internal.h
 * @brief Between the arena (gmem.c) and the mapped backing (gmem_map.c):
 * what gmem_map.c asks of the arena (the calls it serves when no arena
 * exists are declared in gmem.h, whose inline accessors call them).
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_GMEM_INTERNAL_H
#define VFSIM_SIM_KERNEL_GMEM_INTERNAL_H

#include "sim/kernel/gmem.h"

/** @brief True while an arena exists (gmem_map_region() refuses then). */
bool gmem_arena_present(void);

#endif /* VFSIM_SIM_KERNEL_GMEM_INTERNAL_H */
