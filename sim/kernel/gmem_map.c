// SPDX-License-Identifier: GPL-2.0-only
/*
 * gmem_map.c - guest memory shared by a real VMM: the regions of a
 * vhost-user memory table, as host pointers by guest physical address.
 *
 * The table is small (a VMM passes a handful of regions) and kept sorted
 * by GPA, so a lookup is a short scan from the region that served the
 * last one: a device's copies mostly land where the previous one did.
 * Adjacent regions join: a buffer that runs from one into the next is
 * copied in pieces, as a VMM may split contiguous RAM into several slots.
 */
#include <errno.h>
#include <string.h>

#include "sim/kernel/gmem_internal.h"
#include "sim/trace/image.h"

struct region {
	gpa_t gpa;
	u64 size;
	u8 *host;
};

static struct {
	struct region r[GMEM_MAP_MAX_REGIONS];
	unsigned int nr;
	unsigned int last; /* region of the last lookup */
} mt;

/* vfsim's own: set while a machine is built, so a machine image
 * (sim/trace/image.h) puts it back as the set-up left it */
IMAGE_STATE(mt)

/* The region holding @gpa, or NULL. */
static const struct region *find(gpa_t gpa)
{
	unsigned int i = mt.last;

	if (i < mt.nr && gpa - mt.r[i].gpa < mt.r[i].size)
		return &mt.r[i];
	for (i = 0; i < mt.nr; i++) {
		if (gpa - mt.r[i].gpa < mt.r[i].size) {
			mt.last = i;
			return &mt.r[i];
		}
	}
	return NULL;
}

int gmem_map_region(gpa_t gpa, u64 size, void *host)
{
	unsigned int i;

	if (!size || !host || gpa + size < gpa)
		return -EINVAL;
	if (gmem_arena_present())
		return -EBUSY;
	for (i = 0; i < mt.nr; i++)
		if (gpa < mt.r[i].gpa + mt.r[i].size &&
		    mt.r[i].gpa < gpa + size)
			return -EEXIST;
	if (mt.nr == GMEM_MAP_MAX_REGIONS)
		return -ENOSPC;
	for (i = mt.nr; i > 0 && mt.r[i - 1].gpa > gpa; i--)
		mt.r[i] = mt.r[i - 1];
	mt.r[i] = (struct region){ gpa, size, host };
	mt.nr++;
	mt.last = 0;
	return 0;
}

int gmem_unmap_region(gpa_t gpa)
{
	for (unsigned int i = 0; i < mt.nr; i++) {
		if (mt.r[i].gpa != gpa)
			continue;
		memmove(&mt.r[i], &mt.r[i + 1],
			(mt.nr - i - 1) * sizeof(mt.r[0]));
		mt.nr--;
		mt.last = 0;
		return 0;
	}
	return -ENOENT;
}

void gmem_unmap_all(void)
{
	memset(&mt, 0, sizeof(mt));
}

unsigned int gmem_nr_regions(void)
{
	return mt.nr;
}

void *gmem_map_ptr(gpa_t gpa, u64 len)
{
	const struct region *r = find(gpa);

	if (!r || len > r->size - (gpa - r->gpa))
		return NULL;
	return r->host + (gpa - r->gpa);
}

bool gmem_map_range_valid(gpa_t gpa, u64 len)
{
	if (gpa + len < gpa)
		return false;
	do {
		const struct region *r = find(gpa);
		u64 room;

		if (!r)
			return false;
		room = r->size - (gpa - r->gpa);
		if (len <= room)
			return true;
		gpa += room;
		len -= room;
	} while (len);
	return true;
}

int gmem_map_copy(gpa_t gpa, void *buf, size_t len, bool to_guest)
{
	u8 *b = buf;

	if (!gmem_map_range_valid(gpa, len))
		return -EFAULT;
	while (len) {
		const struct region *r = find(gpa);
		u64 off = gpa - r->gpa;
		size_t n = r->size - off < len ? (size_t)(r->size - off) : len;

		if (to_guest)
			memcpy(r->host + off, b, n);
		else
			memcpy(b, r->host + off, n);
		gpa += n;
		b += n;
		len -= n;
	}
	return 0;
}
