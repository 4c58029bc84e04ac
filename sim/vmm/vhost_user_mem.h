/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vhost_user_mem.h
 * @brief The guest's RAM as a vhost-user front end shares it: the memory
 *        table of SET_MEM_TABLE, ADD_MEM_REG and REM_MEM_REG, each region
 *        a file descriptor mapped into this process and registered as
 *        guest memory (sim/kernel/gmem.h's mapped backing).
 *
 * Ring addresses in SET_VRING_ADDR are the front end's own virtual
 * addresses ("user addresses"); vhost_user_mem_uva_to_gpa() turns them
 * into guest physical addresses through the same table, so the device
 * side only ever deals in GPAs, as it does in the simulator.
 * @ingroup sim_vmm
 */
#ifndef VFSIM_SIM_VMM_VHOST_USER_MEM_H
#define VFSIM_SIM_VMM_VHOST_USER_MEM_H

#include "sim/kernel/gmem.h"
#include "sim/vmm/vhost_user_proto.h"

/** @brief One mapped region. */
struct vhost_user_mem_map {
	gpa_t gpa;  /**< first guest physical address */
	u64 size;   /**< bytes */
	u64 uva;    /**< the front end's address of the first byte */
	void *map;  /**< what mmap() returned */
	size_t len; /**< bytes mapped at @ref map */
	u8 *host;   /**< this process's address of the first byte */
};

/** @brief The memory table. */
struct vhost_user_mem {
	struct vhost_user_mem_map r[GMEM_MAP_MAX_REGIONS]; /**< regions */
	unsigned int nr;				   /**< in use */
};

/**
 * @brief SET_MEM_TABLE: replace the whole table. The descriptors stay the
 *        caller's (mmap() keeps its own reference).
 * @return 0; -EINVAL for more regions than descriptors, a region of size
 *         0 or one whose offset and size overflow; -EEXIST for regions
 *         that overlap in guest physical addresses; -ENOSPC past
 *         #GMEM_MAP_MAX_REGIONS; -EBUSY while a simulated arena exists;
 *         mmap()'s -errno (e.g. -ENODEV for a descriptor that cannot be
 *         mapped). On error the table is empty.
 */
int vhost_user_mem_set_table(struct vhost_user_mem *m,
			     const struct vhost_user_memory *t, const int *fds,
			     unsigned int nfds);

/** @brief ADD_MEM_REG: one more region. @return as set_table. */
int vhost_user_mem_add(struct vhost_user_mem *m,
		       const struct vhost_user_mem_region *r, int fd);

/**
 * @brief REM_MEM_REG: drop the region with that guest address, size and
 *        user address.
 * @return 0, or -ENOENT when no region matches
 */
int vhost_user_mem_remove(struct vhost_user_mem *m,
			  const struct vhost_user_mem_region *r);

/** @brief Unmap every region. */
void vhost_user_mem_clear(struct vhost_user_mem *m);

/**
 * @brief Front end address to guest physical address, for a range of
 *        @p len bytes that must lie in one region.
 * @return 0, or -EFAULT when it does not
 */
int vhost_user_mem_uva_to_gpa(const struct vhost_user_mem *m, u64 uva, u64 len,
			      gpa_t *gpa);

#endif /* VFSIM_SIM_VMM_VHOST_USER_MEM_H */
