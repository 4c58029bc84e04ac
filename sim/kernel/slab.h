/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file slab.h
 * @brief kmalloc()/kfree() in guest memory, with SLUB-style debugging.
 *
 * Kernel memory is guest memory: a request header the driver kmallocs must
 * be readable by the device through virt_to_phys(). Every allocation is
 * tracked with its call site. On kfree() the object is poisoned (0x6b, as
 * SLUB does) and kept in a bounded quarantine; when it leaves quarantine,
 * or at kmem_check(), the poison is verified, so a write after free is
 * reported ("kmem.uaf_write") with the allocation and free sites. Freeing a
 * freed object ("kmem.double_free") or a pointer kmalloc never returned
 * ("kmem.invalid_free") is reported too; kmem_exit() reports every object
 * still live ("kmem.leak").
 *
 * The fault point "kmalloc" is consulted with the calling function as the
 * site; __GFP_NOFAIL allocations are never failed. A GFP_KERNEL allocation
 * is a might_sleep() point (not a yield point).
 * @ingroup sim_kernel
 */
#ifndef VFSIM_SIM_KERNEL_SLAB_H
#define VFSIM_SIM_KERNEL_SLAB_H

#include <stddef.h>

#include "sim/kernel/types.h"

/** @brief Allocation flags. */
typedef unsigned int gfp_t;

/** @brief May sleep to reclaim memory. */
#define __GFP_DIRECT_RECLAIM 0x01u
/** @brief May start I/O. */
#define __GFP_IO 0x02u
/** @brief May call into the file system. */
#define __GFP_FS 0x04u
/** @brief May use emergency reserves. */
#define __GFP_HIGH 0x08u
/** @brief Return zeroed memory. */
#define __GFP_ZERO 0x100u
/** @brief Never fail (fault plans skip it). */
#define __GFP_NOFAIL 0x200u
/** @brief Do not warn on failure. */
#define __GFP_NOWARN 0x400u

/** @brief Normal process-context allocation (may sleep). */
#define GFP_KERNEL (__GFP_DIRECT_RECLAIM | __GFP_IO | __GFP_FS)
/** @brief May sleep, but must not recurse into the file system. */
#define GFP_NOFS (__GFP_DIRECT_RECLAIM | __GFP_IO)
/** @brief Atomic context: never sleeps. */
#define GFP_ATOMIC __GFP_HIGH
/** @brief Like GFP_ATOMIC without reserves. */
#define GFP_NOWAIT 0u

/** @brief The byte freed objects are filled with. */
#define POISON_FREE 0x6b

/** @brief Default number of freed objects held in quarantine. */
#define KMEM_QUARANTINE_DEFAULT 64

/** @brief kmalloc() behind the macro: records the call site. */
void *__kmalloc(size_t size, gfp_t gfp, const char *file, int line,
		const char *func);

/** @brief kcalloc() behind the macro: checks @p n * @p size overflow. */
void *__kcalloc(size_t n, size_t size, gfp_t gfp, const char *file, int line,
		const char *func);

/** @brief kmemdup() behind the macro. */
void *__kmemdup(const void *src, size_t len, gfp_t gfp, const char *file,
		int line, const char *func);

/** @brief kfree() behind the macro: records the free site. */
void __kfree(const void *p, const char *file, int line, const char *func);

/** @brief kmalloc(): @p size bytes of guest memory, or NULL. */
#define kmalloc(size, gfp) __kmalloc(size, gfp, __FILE__, __LINE__, __func__)
/** @brief kzalloc(): zeroed kmalloc(). */
#define kzalloc(size, gfp) \
	__kmalloc(size, (gfp) | __GFP_ZERO, __FILE__, __LINE__, __func__)
/** @brief kcalloc(): zeroed array of @p n elements (NULL on overflow). */
#define kcalloc(n, size, gfp) \
	__kcalloc(n, size, gfp, __FILE__, __LINE__, __func__)
/** @brief kmalloc_array(): array of @p n elements (NULL on overflow). */
#define kmalloc_array(n, size, gfp) \
	__kcalloc(n, size, (gfp) & ~__GFP_ZERO, __FILE__, __LINE__, __func__)
/** @brief kmemdup(): copy of @p len bytes at @p src. */
#define kmemdup(src, len, gfp) \
	__kmemdup(src, len, gfp, __FILE__, __LINE__, __func__)
/** @brief kfree(): free a kmalloc()ed object (NULL is ignored). */
#define kfree(p) __kfree(p, __FILE__, __LINE__, __func__)

/** @brief True when @p p is the start of a live kmalloc()ed object. */
bool kmem_is_live(const void *p);

/** @brief ksize(): the requested size of live object @p p (0 if none). */
size_t ksize(const void *p);

/** @brief Live objects right now. */
size_t kmem_nr_live(void);

/** @brief Successful allocations since the last kmem_exit(). */
u64 kmem_nr_allocs(void);

/** @brief Failed allocations (fault plan or full arena). */
u64 kmem_nr_failed(void);

/**
 * @brief Verify the poison of every object in quarantine now.
 * @return the number of use-after-free reports filed
 */
int kmem_check(void);

/** @brief Set how many freed objects stay in quarantine (0: none). */
void kmem_set_quarantine(size_t nr);

/**
 * @brief End of run: verify and release the quarantine, report each live
 * object as a leak ("kmem.leak", with its site), free them, forget all.
 * @return number of leaks reported
 */
size_t kmem_exit(void);

/** @brief Copy the record table's entries for a machine image
 *  (sim/trace/image.h; vfsim's own). Replaces an earlier copy. */
void kmem_image_take(void);

/** @brief Put the image's table entries back (after kmem_exit(); the
 *  records themselves come back with image_restore()). */
void kmem_image_restore(void);

/** @brief Forget the copy of kmem_image_take(). */
void kmem_image_drop(void);

#endif /* VFSIM_SIM_KERNEL_SLAB_H */
