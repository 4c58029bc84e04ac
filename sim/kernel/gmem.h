/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file gmem.h
 * @brief Guest memory: one arena addressed by guest physical address (GPA).
 *
 * Everything the driver shares with the device lives here: the vring
 * (descriptor table, avail and used rings), request headers, argument
 * buffers, pages. The guest side holds ordinary C pointers into the arena
 * and turns them into GPAs with virt_to_phys(), as a kernel driver does; the
 * device side never sees a C pointer and goes through the bounds-checked
 * copy_from_guest() / copy_to_guest().
 *
 * The arena is carved into power-of-two blocks, each aligned to its own
 * size, so any alignment up to the block size comes free (a vring needs 16
 * bytes for descriptors, 4 for the used ring). Block bookkeeping lives
 * outside the arena: freeing a block never writes guest memory, and a
 * device that reads a freed block reads whatever the guest last left there,
 * as real hardware would. Such accesses are counted and traced
 * ("mem.freed") so the checkers can report them.
 *
 * There is one guest memory per process (one simulated machine at a time).
 *
 * @par Two backings
 * Guest memory is either this simulated arena (gmem_init()) or, when a
 * real VMM shares the guest's RAM (vhost-user SET_MEM_TABLE), the regions
 * it passed, mapped into this process and registered with
 * gmem_map_region(). The device side's calls (gmem_range_valid(),
 * copy_from_guest(), copy_to_guest(), gmem_peek_le()) work on either, so
 * the ring and FUSE code that serves the simulated driver serves a real
 * one unchanged. The arena keeps its direct path (one offset from one
 * base pointer); the regions are searched only when no arena exists. The
 * two never coexist: gmem_init() refuses while regions are mapped, and
 * gmem_map_region() while an arena exists. Mapped memory has no blocks:
 * the allocator, virt_to_phys() and the freed-block checks are the
 * simulated guest's alone.
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_GMEM_H
#define VFSIM_SIM_KERNEL_GMEM_H

#include <assert.h>
#include <errno.h>

#include "sim/kernel/types.h"

/** @brief A guest physical address. */
typedef u64 gpa_t;

/** @brief GPA of the first byte of the arena (0 is never a valid GPA). */
#define GMEM_BASE 0x100000ULL

/** @brief Smallest block handed out (bytes). */
#define GMEM_MIN_BLOCK 16

/** @brief Largest arena gmem_init() makes. */
#define GMEM_MAX_SIZE (4ULL << 30)

/** @brief Default arena size when gmem_init() is given 0. */
#define GMEM_DEFAULT_SIZE (64ULL << 20)

/** @brief Usage figures of the arena. */
struct gmem_stats {
	u64 size;	    /**< arena size in bytes */
	u64 in_use;	    /**< bytes in allocated blocks (rounded sizes) */
	u64 peak;	    /**< highest in_use since gmem_init() */
	u64 nr_blocks;	    /**< blocks currently allocated */
	u64 freed_accesses; /**< device copies that touched a freed block */
};

/**
 * @brief Create the arena. Any previous arena must have been released.
 * @param size bytes of guest memory (rounded up to a power of two;
 *        0 selects GMEM_DEFAULT_SIZE)
 * @return 0, -EINVAL for a size beyond 4 GiB, -EBUSY when an arena
 *         already exists, -ENOMEM when the arena cannot be mapped (the
 *         host's memory running out elsewhere is host_oom())
 */
int gmem_init(u64 size);

/**
 * @brief gmem_init() with the arena's pages in a memfd, mapped shared,
 *        for a machine whose device is a real vhost-user back end: the
 *        front end hands gmem_shared_fd() over (SET_MEM_TABLE) and the
 *        back end maps the same pages. Everything else (the allocator,
 *        virt_to_phys(), the copies' one-pointer path) is as for
 *        gmem_init().
 * @return as gmem_init(), or memfd_create()'s -errno
 */
int gmem_init_shared(u64 size);

/** @brief The shared arena's memfd (its offset 0 is GPA #GMEM_BASE), or -1
 *  for a private arena or none. It stays the arena's: do not close it. */
int gmem_shared_fd(void);

/** @brief This process's address of GPA #GMEM_BASE (NULL without an
 *  arena): the "user address" a front end gives a back end. */
void *gmem_arena_base(void);

/** @brief Bytes in the arena (0 without one). */
u64 gmem_arena_size(void);

/**
 * @brief Release the arena and every block in it. Safe to call twice.
 *
 * kmalloc() memory lives in the arena, so call kmem_exit() first: it reports
 * leaks and forgets its records of blocks that are about to vanish.
 * A private arena's pages are kept for the next gmem_init() of the same
 * size, which hands them out again exactly as a new mapping would (all
 * zero): an explorer building machine after machine saves the mapping
 * and its page faults. A block pointer of the released arena must not
 * be used (the pages may still be there).
 */
void gmem_exit(void);

/**
 * @brief Copy the arena's carved part and its granules' states for a
 * machine image (sim/trace/image.h; vfsim's own). Replaces an earlier
 * copy.
 * @return 0; -EINVAL without an arena or with a shared one
 */
int gmem_image_take(void);

/** @brief Whether gmem_image_restore() can run: the image's arena is the
 *  one gmem_exit() kept, and no arena is in use. */
bool gmem_image_ready(void);

/**
 * @brief Take the kept arena again with the image's carved part and
 * granule states (gmem_image_ready() must hold); the arena's and the
 * allocator's file-level state come back with image_restore().
 */
void gmem_image_restore(void);

/** @brief Forget the copies of gmem_image_take(). */
void gmem_image_drop(void);

/** @brief True between gmem_init() and gmem_exit(). */
bool gmem_ready(void);

/**
 * @brief Allocate a block of guest memory.
 * @param size bytes wanted (0 is treated as 1)
 * @param align required alignment, a power of two (0 means none)
 * @return the block, or NULL when the arena has no room
 *
 * The block is rounded up to a power of two of at least GMEM_MIN_BLOCK and
 * aligned to that size. Its contents are not cleared.
 */
void *gmem_alloc(size_t size, size_t align);

/**
 * @brief Free a block from gmem_alloc().
 * @return 0, or -EINVAL when @p p is not the start of a live block
 *         (double free, or a pointer into the middle of a block)
 */
int gmem_free(void *p);

/** @brief Size of the live block starting at @p p, or 0 if there is none. */
size_t gmem_block_size(const void *p);

/** @cond INTERNAL */
/* What the inline accessors below read: the arena and its granule states.
 * gmem.c's own; read it through the functions. */
struct gmem_arena {
	u8 *base;  /* first byte of the arena, NULL when there is none */
	u64 size;  /* bytes */
	u8 *state; /* one byte per granule (GMEM_MIN_BLOCK bytes), padded */
	/* which arena this is: numbered from 1 by each gmem_init(), 0 when
	 * there is none, so a record of an arena that is gone (the slab's)
	 * is told from one of this arena, even at the same base */
	u32 gen;
};
extern struct gmem_arena gmem_arena;

/* The mapped backing's side of the calls below (gmem_map.c). */
/** @brief gmem_range_valid() over the mapped regions (adjacent regions
 *  join: a range may cross from one into the next). */
bool gmem_map_range_valid(gpa_t gpa, u64 len);

/**
 * @brief Copy between @p buf and mapped guest memory, region by region.
 * @return 0, or -EFAULT when some byte of the range is not mapped
 *         (nothing is copied then)
 */
int gmem_map_copy(gpa_t gpa, void *buf, size_t len, bool to_guest);

/* The state byte of a granule inside a block that was freed. */
#define GMEM_GRANULE_FREED 3

void gmem_freed_access(gpa_t gpa, size_t len, const char *func);
bool gmem_touches_freed_slow(u64 first, u64 last);

/* Does [off, off + len) of the arena (valid, len > 0) touch a freed
 * block? A copy covers a few granules: one word of state bytes tells. */
static inline bool gmem_touches_freed(u64 off, size_t len)
{
	u64 first = off / GMEM_MIN_BLOCK;
	u64 last = (off + len - 1) / GMEM_MIN_BLOCK;

	/* a ring field, a descriptor: one granule */
	if (off % GMEM_MIN_BLOCK + len <= GMEM_MIN_BLOCK)
		return gmem_arena.state[first] == GMEM_GRANULE_FREED;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (last - first < 8) {
		u64 w, z;

		__builtin_memcpy(&w, gmem_arena.state + first, sizeof(w));
		w ^= 0x0101010101010101ULL * GMEM_GRANULE_FREED;
		/* a byte of w is 0 where a granule is freed */
		z = (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
		if (last - first < 7)
			z &= (1ULL << (8 * (last - first + 1))) - 1;
		return z != 0;
	}
#endif
	return gmem_touches_freed_slow(first, last);
}
/** @endcond */

/** @brief True when @p p points into the arena (allocated or not). */
static inline bool gmem_contains(const void *p)
{
	/* one unsigned difference: below the arena wraps past its size;
	 * without an arena the size is 0 */
	return (u64)((uintptr_t)p - (uintptr_t)gmem_arena.base) <
	       gmem_arena.size;
}

/**
 * @brief GPA of a pointer into the arena (the kernel's virt_to_phys()).
 * Asserts that @p p is inside the arena.
 */
static inline gpa_t virt_to_phys(const void *p)
{
	assert(gmem_contains(p));
	return GMEM_BASE + (u64)((const u8 *)p - gmem_arena.base);
}

/**
 * @brief Pointer for a GPA (the kernel's phys_to_virt()); guest side only.
 * @return the pointer, or NULL when @p gpa is outside the arena
 */
void *phys_to_virt(gpa_t gpa);

/**
 * @brief The GPA of [@p p, @p p + @p len) when the whole range lies in the
 * arena: gmem_contains(), virt_to_phys() and gmem_range_valid() in one
 * (a driver mapping a buffer for the device).
 * @param p host address of the first byte
 * @param len bytes
 * @param gpa set to the GPA of @p p on success
 * @return true when the range is in the arena; false (and @p gpa
 *         untouched) otherwise, and always without an arena
 */
static inline bool gmem_map_buf(const void *p, u64 len, gpa_t *gpa)
{
	/* one unsigned difference: below the arena wraps past its size;
	 * without an arena the size is 0, so no test of the base */
	u64 off = (u64)((uintptr_t)p - (uintptr_t)gmem_arena.base);

	if (off >= gmem_arena.size || len > gmem_arena.size - off)
		return false;
	*gpa = GMEM_BASE + off;
	return true;
}

/** @brief True when [gpa, gpa + len) lies inside guest memory (the arena,
 *  or the mapped regions when there is no arena), without overflow. */
static inline bool gmem_range_valid(gpa_t gpa, u64 len)
{
	u64 off = gpa - GMEM_BASE;

	if (len > GMEM_MAX_SIZE) /* no copy is larger, on either backing */
		return false;
	if (unlikely(!gmem_arena.base))
		return gmem_map_range_valid(gpa, len);
	return gpa >= GMEM_BASE && off <= gmem_arena.size &&
	       len <= gmem_arena.size - off;
}

/**
 * @brief True when [@p gpa, @p gpa + @p len) lies inside the arena: the
 * cheap part of gmem_range_valid() (one subtraction, two compares),
 * always false without an arena (its size is 0 then).
 */
static inline bool gmem_arena_range(gpa_t gpa, u64 len)
{
	u64 off = gpa - GMEM_BASE; /* below the arena wraps past its size */

	return off < gmem_arena.size && len <= gmem_arena.size - off;
}

/** @cond INTERNAL */
/* The host address of [gpa, gpa + len) in the arena, a range found valid
 * before, once a touch of a freed block is noted as @func. */
static inline u8 *gmem_valid_ptr(gpa_t gpa, size_t len, const char *func)
{
	if (unlikely(gmem_touches_freed(gpa - GMEM_BASE, len)))
		gmem_freed_access(gpa, len, func);
	return gmem_arena.base + (gpa - GMEM_BASE);
}
/** @endcond */

/**
 * @brief Read @p len bytes at @p gpa, a range already found valid with
 * gmem_range_valid() (a ring area checked once when the ring was set up):
 * copy_from_guest() without the bounds check. A touch of a freed block is
 * still noted, as @p func.
 */
static inline void gmem_read_valid(void *dst, gpa_t gpa, size_t len,
				   const char *func)
{
	if (unlikely(!gmem_arena.base)) {
		/* the front end may have taken the region away since the
		 * range was checked: read zeros, which the ring code then
		 * refuses as it refuses any bad field */
		if (gmem_map_copy(gpa, dst, len, false))
			__builtin_memset(dst, 0, len);
		return;
	}
	__builtin_memcpy(dst, gmem_valid_ptr(gpa, len, func), len);
}

/** @brief The write twin of gmem_read_valid(). */
static inline void gmem_write_valid(gpa_t gpa, const void *src, size_t len,
				    const char *func)
{
	if (unlikely(!gmem_arena.base)) {
		/* a region taken away since: nothing is written */
		(void)gmem_map_copy(gpa, (void *)src, len, true);
		return;
	}
	__builtin_memcpy(gmem_valid_ptr(gpa, len, func), src, len);
}

/**
 * @brief Device-side read of guest memory. A read that touches a freed
 * block of the arena is counted and traced ("mem.freed"), and done.
 * @return 0, or -EFAULT when the range is not inside guest memory (the
 *         arena, or the mapped regions when there is no arena; nothing is
 *         copied then)
 */
static inline int copy_from_guest(void *dst, gpa_t gpa, size_t len)
{
	if (!gmem_range_valid(gpa, len))
		return -EFAULT;
	if (len)
		gmem_read_valid(dst, gpa, len, "copy_from_guest");
	return 0;
}

/**
 * @brief Device-side write of guest memory. A write that touches a freed
 * block of the arena is counted and traced ("mem.freed"), and done.
 * @return 0, or -EFAULT when the range is not inside guest memory
 *         (nothing is written then)
 */
static inline int copy_to_guest(gpa_t gpa, const void *src, size_t len)
{
	if (!gmem_range_valid(gpa, len))
		return -EFAULT;
	if (len)
		gmem_write_valid(gpa, src, len, "copy_to_guest");
	return 0;
}

/**
 * @brief An observer's read of a little-endian field of @p len bytes (1 to
 * 8) at @p gpa, as ring pictures and consoles show ring fields.
 * @return the value, or 0 when the range is not inside the arena (a
 *         picture shows what it can rather than failing)
 */
u64 gmem_peek_le(gpa_t gpa, size_t len);

/** @brief Current usage figures. */
struct gmem_stats gmem_get_stats(void);

/* --- the mapped backing (gmem_map.c) ----------------------------------- */

/** @brief Most regions mapped at once (vhost-user GET_MAX_MEM_SLOTS). */
#define GMEM_MAP_MAX_REGIONS 32

/**
 * @brief Register host memory standing for guest physical addresses
 * [@p gpa, @p gpa + @p size): a region a VMM shares (its mapping is the
 * caller's; this only records where it is).
 * @return 0; -EINVAL for size 0, a range that wraps, or a NULL @p host;
 *         -EBUSY while a simulated arena exists; -EEXIST when the range
 *         overlaps a region already mapped; -ENOSPC when
 *         #GMEM_MAP_MAX_REGIONS are mapped
 */
int gmem_map_region(gpa_t gpa, u64 size, void *host);

/**
 * @brief Forget the region that starts at @p gpa (the caller unmaps it).
 * @return 0, or -ENOENT when no region starts there
 */
int gmem_unmap_region(gpa_t gpa);

/** @brief Forget every region. */
void gmem_unmap_all(void);

/** @brief Number of regions mapped. */
unsigned int gmem_nr_regions(void);

/**
 * @brief Host address of guest physical range [@p gpa, @p gpa + @p len)
 * in the mapped backing, when it lies inside one region.
 * @return the pointer, or NULL (not mapped, or split over regions)
 */
void *gmem_map_ptr(gpa_t gpa, u64 len);

#endif /* VFSIM_SIM_KERNEL_GMEM_H */
