/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file gmem_internal.h
 * @brief Inside sim/kernel: what gmem_map.c asks of the arena (the calls it
 * serves when no arena exists are declared in gmem.h, whose inline
 * accessors call them), and the arena's block allocator as inline code,
 * for gmem.c and for the slab (slab.c), which allocates and frees two
 * blocks per request and already knows what gmem_alloc() and gmem_free()
 * check.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_GMEM_INTERNAL_H
#define VFSIM_SIM_KERNEL_GMEM_INTERNAL_H

#include "sim/kernel/gmem.h"

/** @brief True while an arena exists (gmem_map_region() refuses then). */
bool gmem_arena_present(void);

/** @brief Block size classes: 16 B << 32 = 64 GiB, more than any arena. */
#define GMEM_NR_CLASSES 33

/** @brief The state byte of a granule (#GMEM_MIN_BLOCK bytes). */
enum gmem_granule_state {
	GRANULE_UNUSED = 0,
	GRANULE_LIVE, /**< inside an allocated block */
	GRANULE_HEAD, /**< first granule of an allocated block */
	GRANULE_FREED = GMEM_GRANULE_FREED, /**< inside a freed block */
};

/** @brief Free blocks of one class: offsets, reused last in first out. */
struct gmem_free_stack {
	u64 *off;   /**< offsets of the free blocks in the arena */
	size_t nr;  /**< how many */
	size_t cap; /**< room in @c off */
};

/** @brief The block allocator's state (gmem.c's; read it through the
 *  functions below). */
struct gmem_blocks {
	u8 *class_of; /**< class of the block whose head is this granule */
	struct gmem_free_stack free[GMEM_NR_CLASSES]; /**< by class */
	struct gmem_stats st;			      /**< usage figures */
};

/** @brief The block allocator of the one arena. */
extern struct gmem_blocks gmem_blocks;

/** @brief A new block of class @p k from the bump pointer, its offset in
 *  @p off; false when the arena has no room (out of line: rare). */
bool gmem_carve(unsigned int k, u64 *off);

/** @brief Make room on a free stack (out of line: rare). */
void gmem_grow_free(struct gmem_free_stack *fs);

/** @brief Put the block at offset @p off on class @p k's free stack. */
static inline void gmem_push_free(unsigned int k, u64 off)
{
	struct gmem_free_stack *fs = &gmem_blocks.free[k];

	if (unlikely(fs->nr == fs->cap))
		gmem_grow_free(fs);
	fs->off[fs->nr++] = off;
}

/** @brief The class whose block size is the power of two at or above
 *  @p size (at most the arena's size). */
static inline unsigned int gmem_size_class(u64 size)
{
	if (size <= GMEM_MIN_BLOCK)
		return 0;
	return (unsigned int)(64 - __builtin_clzll(size - 1)) - 4;
}

/** @brief Set the state of the 1 << @p k granules from number @p g: the
 *  blocks of a request (up to 16 granules) with a few stores, no call. */
static inline void gmem_mark(u64 g, unsigned int k, u8 state)
{
	u8 *s = gmem_arena.state + g;
	u64 w = 0x0101010101010101ULL * state;

	switch (k) {
	case 0:
		*s = state;
		break;
	case 1:
		__builtin_memcpy(s, &w, 2);
		break;
	case 2:
		__builtin_memcpy(s, &w, 4);
		break;
	case 3:
		__builtin_memcpy(s, &w, 8);
		break;
	case 4:
		__builtin_memcpy(s, &w, 8);
		__builtin_memcpy(s + 8, &w, 8);
		break;
	default:
		__builtin_memset(s, state, 1ULL << k);
	}
}

/** @brief gmem_alloc() of a block of class @p k (of at most the arena's
 *  size): the block, or NULL when the arena has no room. */
static inline void *gmem_alloc_class(unsigned int k)
{
	struct gmem_free_stack *fs = &gmem_blocks.free[k];
	u64 off, g, bsize = (u64)GMEM_MIN_BLOCK << k;

	if (likely(fs->nr))
		off = fs->off[--fs->nr];
	else if (!gmem_carve(k, &off))
		return NULL;
	g = off / GMEM_MIN_BLOCK;
	gmem_mark(g, k, GRANULE_LIVE);
	gmem_arena.state[g] = GRANULE_HEAD;
	gmem_blocks.class_of[g] = (u8)k;
	gmem_blocks.st.in_use += bsize;
	gmem_blocks.st.nr_blocks++;
	if (gmem_blocks.st.in_use > gmem_blocks.st.peak)
		gmem_blocks.st.peak = gmem_blocks.st.in_use;
	return gmem_arena.base + off;
}

/** @brief gmem_free() of the live block whose head is granule @p g (the
 *  caller knows it is one). */
static inline void gmem_free_head(u64 g)
{
	unsigned int k = gmem_blocks.class_of[g];

	assert(gmem_arena.state[g] == GRANULE_HEAD);
	gmem_push_free(k, g * GMEM_MIN_BLOCK);
	gmem_mark(g, k, GRANULE_FREED);
	gmem_blocks.st.in_use -= (u64)GMEM_MIN_BLOCK << k;
	gmem_blocks.st.nr_blocks--;
}

#endif /* VFSIM_SIM_KERNEL_GMEM_INTERNAL_H */
