// SPDX-License-Identifier: GPL-2.0-only
/*
 * gmem.c - guest memory arena and its block allocator.
 *
 * Blocks are powers of two aligned to their size (class k holds blocks of
 * GMEM_MIN_BLOCK << k bytes). Free blocks of each class sit on a host-side
 * stack, reused last-in first-out so runs stay deterministic. New blocks are
 * carved from a bump pointer; the gap that aligning the bump pointer leaves
 * is cut into aligned power-of-two pieces and put on their free lists, so
 * nothing is lost. Blocks are not coalesced: a workload's buffers come in
 * few sizes and are reused by class.
 *
 * Every 16-byte granule has a state byte (never used, allocated, freed) so
 * that a device copy touching a freed block can be noticed without any
 * bookkeeping inside guest memory.
 */
#include "sim/kernel/gmem.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim/trace/trace.h"

#define NR_CLASSES 33 /* 16 B << 32 = 64 GiB: more than any arena */

enum granule_state {
	GRANULE_UNUSED = 0,
	GRANULE_LIVE,  /* inside an allocated block */
	GRANULE_HEAD,  /* first granule of an allocated block */
	GRANULE_FREED, /* inside a block that was freed */
};

struct free_stack {
	u64 *off;
	size_t nr, cap;
};

static struct {
	u8 *base;
	u64 size;
	u64 top;      /* bump pointer: offset of the first never-carved byte */
	u8 *state;    /* one per granule */
	u8 *class_of; /* class of the block whose head is this granule */
	struct free_stack free[NR_CLASSES];
	struct gmem_stats st;
} gm;

static unsigned int size_class(u64 size)
{
	unsigned int k = 0;

	while (((u64)GMEM_MIN_BLOCK << k) < size)
		k++;
	return k;
}

static u64 class_size(unsigned int k)
{
	return (u64)GMEM_MIN_BLOCK << k;
}

static bool push_free(unsigned int k, u64 off)
{
	struct free_stack *fs = &gm.free[k];

	if (fs->nr == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 64;
		u64 *p = realloc(fs->off, cap * sizeof(*p));

		if (!p)
			return false;
		fs->off = p;
		fs->cap = cap;
	}
	fs->off[fs->nr++] = off;
	return true;
}

int gmem_init(u64 size)
{
	if (gm.base)
		return -EBUSY;
	if (size == 0)
		size = GMEM_DEFAULT_SIZE;
	if (size > (4ULL << 30))
		return -EINVAL;
	size = class_size(size_class(size));

	gm.base = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (gm.base == MAP_FAILED) {
		gm.base = NULL;
		return -ENOMEM;
	}
	gm.state = calloc(size / GMEM_MIN_BLOCK, 1);
	gm.class_of = calloc(size / GMEM_MIN_BLOCK, 1);
	if (!gm.state || !gm.class_of) {
		gmem_exit();
		return -ENOMEM;
	}
	gm.size = size;
	gm.top = 0;
	memset(&gm.st, 0, sizeof(gm.st));
	gm.st.size = size;
	return 0;
}

void gmem_exit(void)
{
	if (gm.base)
		munmap(gm.base, gm.size);
	free(gm.state);
	free(gm.class_of);
	for (unsigned int k = 0; k < NR_CLASSES; k++)
		free(gm.free[k].off);
	memset(&gm, 0, sizeof(gm));
}

bool gmem_ready(void)
{
	return gm.base != NULL;
}

/* Cut [from, to) into aligned power-of-two pieces on the free lists. */
static bool give_back_gap(u64 from, u64 to)
{
	while (from < to) {
		unsigned int k = 0;

		/* Largest class aligned at @from that still fits. */
		while (k + 1 < NR_CLASSES &&
		       !(from & (class_size(k + 1) - 1)) &&
		       from + class_size(k + 1) <= to)
			k++;
		if (!push_free(k, from))
			return false;
		memset(gm.state + from / GMEM_MIN_BLOCK, GRANULE_UNUSED,
		       class_size(k) / GMEM_MIN_BLOCK);
		from += class_size(k);
	}
	return true;
}

void *gmem_alloc(size_t size, size_t align)
{
	unsigned int k;
	u64 off, bsize;

	assert(gm.base);
	assert(!(align & (align - 1)));
	if (size == 0)
		size = 1;
	if (align > size)
		size = align;
	if (size > gm.size)
		return NULL;
	k = size_class(size);
	bsize = class_size(k);

	if (gm.free[k].nr) {
		off = gm.free[k].off[--gm.free[k].nr];
	} else {
		u64 aligned = (gm.top + bsize - 1) & ~(bsize - 1);

		if (aligned + bsize > gm.size)
			return NULL;
		if (!give_back_gap(gm.top, aligned))
			return NULL;
		off = aligned;
		gm.top = aligned + bsize;
	}

	memset(gm.state + off / GMEM_MIN_BLOCK, GRANULE_LIVE,
	       bsize / GMEM_MIN_BLOCK);
	gm.state[off / GMEM_MIN_BLOCK] = GRANULE_HEAD;
	gm.class_of[off / GMEM_MIN_BLOCK] = (u8)k;
	gm.st.in_use += bsize;
	gm.st.nr_blocks++;
	if (gm.st.in_use > gm.st.peak)
		gm.st.peak = gm.st.in_use;
	return gm.base + off;
}

/* Offset of @p in the arena if it is the head of a live block, else -1. */
static s64 live_head(const void *p)
{
	u64 off;

	if (!gmem_contains(p))
		return -1;
	off = (u64)((const u8 *)p - gm.base);
	if (off % GMEM_MIN_BLOCK ||
	    gm.state[off / GMEM_MIN_BLOCK] != GRANULE_HEAD)
		return -1;
	return (s64)off;
}

int gmem_free(void *p)
{
	s64 off = live_head(p);
	unsigned int k;
	u64 bsize;

	if (off < 0)
		return -EINVAL;
	k = gm.class_of[off / GMEM_MIN_BLOCK];
	bsize = class_size(k);
	if (!push_free(k, (u64)off))
		return -ENOMEM;
	memset(gm.state + off / GMEM_MIN_BLOCK, GRANULE_FREED,
	       bsize / GMEM_MIN_BLOCK);
	gm.st.in_use -= bsize;
	gm.st.nr_blocks--;
	return 0;
}

size_t gmem_block_size(const void *p)
{
	s64 off = live_head(p);

	return off < 0 ? 0 : class_size(gm.class_of[off / GMEM_MIN_BLOCK]);
}

bool gmem_contains(const void *p)
{
	const u8 *b = p;

	return gm.base && b >= gm.base && b < gm.base + gm.size;
}

gpa_t virt_to_phys(const void *p)
{
	assert(gmem_contains(p));
	return GMEM_BASE + (u64)((const u8 *)p - gm.base);
}

void *phys_to_virt(gpa_t gpa)
{
	if (!gmem_range_valid(gpa, 1))
		return NULL;
	return gm.base + (gpa - GMEM_BASE);
}

bool gmem_range_valid(gpa_t gpa, u64 len)
{
	if (!gm.base || gpa < GMEM_BASE)
		return false;
	gpa -= GMEM_BASE;
	return gpa <= gm.size && len <= gm.size - gpa;
}

/* Note (and trace) a device copy that touched a freed block; kept out of
 * line so that the copies themselves stay small. */
static __attribute__((noinline, cold)) void freed_access(gpa_t gpa, size_t len,
							 const char *func)
{
	gm.st.freed_accesses++;
	TRACE(.kind = "mem.freed", .func = func,
	      .args = TRACE_FMT("gpa=0x%llx len=%zu touches freed memory",
				(unsigned long long)gpa, len));
}

/* Does [gpa, gpa + len) (valid, len > 0) touch a freed block? */
static inline void check_freed(gpa_t gpa, size_t len, const char *func)
{
	u64 first = (gpa - GMEM_BASE) / GMEM_MIN_BLOCK;
	u64 last = (gpa - GMEM_BASE + len - 1) / GMEM_MIN_BLOCK;

	/* Most copies are small: look at one state byte before scanning. */
	if (unlikely(first == last ? gm.state[first] == GRANULE_FREED :
				     memchr(gm.state + first, GRANULE_FREED,
					    last - first + 1) != NULL))
		freed_access(gpa, len, func);
}

int copy_from_guest(void *dst, gpa_t gpa, size_t len)
{
	if (!gmem_range_valid(gpa, len))
		return -EFAULT;
	if (len == 0)
		return 0;
	check_freed(gpa, len, "copy_from_guest");
	memcpy(dst, gm.base + (gpa - GMEM_BASE), len);
	return 0;
}

u64 gmem_peek_le(gpa_t gpa, size_t len)
{
	u8 b[8] = { 0 };
	u64 v = 0;

	assert(len >= 1 && len <= sizeof(b));
	if (copy_from_guest(b, gpa, len))
		return 0;
	for (size_t i = len; i-- > 0;)
		v = (v << 8) | b[i]; /* ring fields are little endian */
	return v;
}

int copy_to_guest(gpa_t gpa, const void *src, size_t len)
{
	if (!gmem_range_valid(gpa, len))
		return -EFAULT;
	if (len == 0)
		return 0;
	check_freed(gpa, len, "copy_to_guest");
	memcpy(gm.base + (gpa - GMEM_BASE), src, len);
	return 0;
}

struct gmem_stats gmem_get_stats(void)
{
	return gm.st;
}
