// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhost_user_mem.c - the vhost-user memory table: map each region's file
 * descriptor, register it as guest memory, translate ring addresses.
 *
 * A region's mmap_offset need not be page aligned, so the mapping starts
 * at the page below it and the region's first byte is found inside.
 */
#include "sim/vmm/vhost_user_mem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void unmap_one(struct vhost_user_mem_map *r)
{
	gmem_unmap_region(r->gpa);
	munmap(r->map, r->len);
}

void vhost_user_mem_clear(struct vhost_user_mem *m)
{
	for (unsigned int i = 0; i < m->nr; i++)
		unmap_one(&m->r[i]);
	m->nr = 0;
}

int vhost_user_mem_add(struct vhost_user_mem *m,
		       const struct vhost_user_mem_region *r, int fd)
{
	u64 page = (u64)sysconf(_SC_PAGESIZE);
	u64 base = r->mmap_offset & ~(page - 1);
	u64 len = r->mmap_offset - base + r->memory_size;
	struct vhost_user_mem_map *mr;
	void *map;
	int ret;

	if (!r->memory_size || len < r->memory_size ||
	    r->mmap_offset + r->memory_size < r->mmap_offset ||
	    r->guest_phys_addr + r->memory_size < r->guest_phys_addr ||
	    len > SIZE_MAX)
		return -EINVAL;
	if (m->nr == GMEM_MAP_MAX_REGIONS)
		return -ENOSPC;
	map = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   (off_t)base);
	if (map == MAP_FAILED)
		return -errno;
	mr = &m->r[m->nr];
	*mr = (struct vhost_user_mem_map){
		.gpa = r->guest_phys_addr,
		.size = r->memory_size,
		.uva = r->userspace_addr,
		.map = map,
		.len = (size_t)len,
		.host = (u8 *)map + (r->mmap_offset - base),
	};
	ret = gmem_map_region(mr->gpa, mr->size, mr->host);
	if (ret) {
		munmap(map, (size_t)len);
		return ret;
	}
	m->nr++;
	return 0;
}

int vhost_user_mem_set_table(struct vhost_user_mem *m,
			     const struct vhost_user_memory *t, const int *fds,
			     unsigned int nfds)
{
	int ret = 0;

	vhost_user_mem_clear(m);
	if (t->nregions > VHOST_USER_MEM_TABLE_MAX || t->nregions > nfds)
		return -EINVAL;
	for (unsigned int i = 0; i < t->nregions && !ret; i++)
		ret = vhost_user_mem_add(m, &t->regions[i], fds[i]);
	if (ret)
		vhost_user_mem_clear(m);
	return ret;
}

int vhost_user_mem_remove(struct vhost_user_mem *m,
			  const struct vhost_user_mem_region *r)
{
	for (unsigned int i = 0; i < m->nr; i++) {
		struct vhost_user_mem_map *mr = &m->r[i];

		if (mr->gpa != r->guest_phys_addr ||
		    mr->size != r->memory_size || mr->uva != r->userspace_addr)
			continue;
		unmap_one(mr);
		memmove(mr, mr + 1, (m->nr - i - 1) * sizeof(*mr));
		m->nr--;
		return 0;
	}
	return -ENOENT;
}

int vhost_user_mem_uva_to_gpa(const struct vhost_user_mem *m, u64 uva, u64 len,
			      gpa_t *gpa)
{
	for (unsigned int i = 0; i < m->nr; i++) {
		const struct vhost_user_mem_map *mr = &m->r[i];

		if (uva - mr->uva < mr->size &&
		    len <= mr->size - (uva - mr->uva)) {
			*gpa = mr->gpa + (uva - mr->uva);
			return 0;
		}
	}
	return -EFAULT;
}
