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
 *
 * The allocation and free of a block of a known class are inline code in
 * gmem_internal.h, which gmem_alloc() and gmem_free() share with the
 * slab: a request's two kmalloc() objects cost no calls into here.
 *
 * A machine whose device is a real back end gets the same arena in a
 * memfd mapped shared (gmem_init_shared()), so the back end maps the
 * very pages the driver writes.
 */
#define _GNU_SOURCE /* memfd_create() */
#include "sim/kernel/gmem.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim/kernel/gmem_internal.h"
#include "sim/trace/host.h"
#include "sim/trace/image.h"
#include "sim/trace/trace.h"

/* gmem_touches_freed() reads a word of state bytes from any granule. */
#define STATE_PAD 8

struct gmem_arena gmem_arena;
struct gmem_blocks gmem_blocks;

static struct {
	int memfd; /* the shared arena's memfd (gmem_init_shared()), or -1 */
	u64 top;   /* bump pointer: offset of the first never-carved byte */
} gm;

static u64 class_size(unsigned int k)
{
	return (u64)GMEM_MIN_BLOCK << k;
}

__attribute__((noinline)) void gmem_grow_free(struct gmem_free_stack *fs)
{
	fs->cap = fs->cap ? fs->cap * 2 : 64;
	fs->off = host_realloc(fs->off, fs->cap * sizeof(*fs->off));
}

/* The arena's pages: private anonymous memory, or a memfd that a real
 * back end maps too (the same pages, the same one-pointer access). */
static int map_arena(u64 size, bool shared)
{
	int fd = -1;
	u8 *base;

	if (shared) {
		fd = memfd_create("vfsim-guest-ram", MFD_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (ftruncate(fd, (off_t)size)) {
			int err = -errno;

			close(fd);
			return err;
		}
		base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			    0);
	} else {
		base = mmap(NULL, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	}
	if (base == MAP_FAILED) {
		if (fd >= 0)
			close(fd);
		return -ENOMEM;
	}
	gmem_arena.base = base;
	gm.memfd = fd;
	return 0;
}

/*
 * The last private arena, kept by gmem_exit() for the next gmem_init()
 * of the same size: an explorer builds thousands of machines, and a new
 * arena costs a mapping, the page faults of its first touches and two
 * zeroed host arrays of a byte per granule. Reused, it is made as a new
 * one would be: the carved part zeroed (the rest was never handed out),
 * the pages past it given back (a fault plan may have scribbled there
 * through a bad address), the granule arrays cleared as far as used.
 */
static struct {
	u8 *base, *state, *class_of;
	u64 size, top;
} spare;

static void spare_release(void)
{
	if (!spare.base)
		return;
	munmap(spare.base, spare.size);
	host_free(spare.state);
	host_free(spare.class_of);
	memset(&spare, 0, sizeof(spare));
}

static bool spare_take(u64 size)
{
	u64 used = (spare.top + 4095) & ~4095ull;

	if (!spare.base || spare.size != size) {
		spare_release();
		return false;
	}
	memset(spare.base, 0, spare.top);
	if (used < size)
		madvise(spare.base + used, size - used, MADV_DONTNEED);
	memset(spare.state, 0, spare.top / GMEM_MIN_BLOCK + STATE_PAD);
	memset(spare.class_of, 0, spare.top / GMEM_MIN_BLOCK);
	gmem_arena.base = spare.base;
	gmem_arena.state = spare.state;
	gmem_blocks.class_of = spare.class_of;
	gm.memfd = -1;
	memset(&spare, 0, sizeof(spare));
	return true;
}

/* The last arena's number (struct gmem_arena.gen), never reused but on
 * wrapping past 2^32 arenas. */
static u32 arena_gen;

static int arena_init(u64 size, bool shared)
{
	int ret;

	if (gmem_arena.base || gmem_nr_regions())
		return -EBUSY;
	if (size == 0)
		size = GMEM_DEFAULT_SIZE;
	if (size > GMEM_MAX_SIZE)
		return -EINVAL;
	size = class_size(gmem_size_class(size));

	if (shared || !spare_take(size)) {
		ret = map_arena(size, shared);
		if (ret)
			return ret;
		/* kept with the arena for the next machine: not a
		 * machine image's (image.h) */
		image_pause(true);
		gmem_arena.state =
			host_calloc(size / GMEM_MIN_BLOCK + STATE_PAD, 1);
		gmem_blocks.class_of = host_calloc(size / GMEM_MIN_BLOCK, 1);
		image_pause(false);
	}
	gmem_arena.size = size;
	gmem_arena.gen = ++arena_gen ? arena_gen : ++arena_gen;
	gm.top = 0;
	memset(&gmem_blocks.st, 0, sizeof(gmem_blocks.st));
	gmem_blocks.st.size = size;
	return 0;
}

int gmem_init(u64 size)
{
	return arena_init(size, false);
}

int gmem_init_shared(u64 size)
{
	return arena_init(size, true);
}

int gmem_shared_fd(void)
{
	return gmem_arena.base ? gm.memfd : -1;
}

void *gmem_arena_base(void)
{
	return gmem_arena.base;
}

u64 gmem_arena_size(void)
{
	return gmem_arena.size;
}

void gmem_exit(void)
{
	if (gmem_arena.base && gm.memfd < 0) {
		/* kept for the next arena of its size */
		spare_release();
		spare.base = gmem_arena.base;
		spare.size = gmem_arena.size;
		spare.top = gm.top;
		spare.state = gmem_arena.state;
		spare.class_of = gmem_blocks.class_of;
	} else {
		if (gmem_arena.base) {
			munmap(gmem_arena.base, gmem_arena.size);
			if (gm.memfd >= 0)
				close(gm.memfd);
		}
		host_free(gmem_arena.state);
		host_free(gmem_blocks.class_of);
	}
	for (unsigned int k = 0; k < GMEM_NR_CLASSES; k++)
		host_free(gmem_blocks.free[k].off);
	memset(&gm, 0, sizeof(gm));
	memset(&gmem_blocks, 0, sizeof(gmem_blocks));
	memset(&gmem_arena, 0, sizeof(gmem_arena));
}

/*
 * The guest memory of a machine image (sim/trace/image.h): the arena's
 * carved part and its granules' states, copied when the image is taken
 * and put back into the same arena, kept by gmem_exit() for it. The
 * file-level state (the arena's and the allocator's) is put back by
 * image_restore() (vfsim's own, as the image is).
 */
IMAGE_STATE(gmem_arena)
IMAGE_STATE(gmem_blocks)
IMAGE_STATE(gm)

static struct {
	u8 *base; /* the arena the image is of, NULL when none */
	u64 size, top;
	u8 *bytes, *state, *class_of; /* copies of their first top bytes */
} img;

int gmem_image_take(void)
{
	u64 granules = gm.top / GMEM_MIN_BLOCK;

	gmem_image_drop();
	if (!gmem_arena.base || gm.memfd >= 0)
		return -EINVAL;
	img.base = gmem_arena.base;
	img.size = gmem_arena.size;
	img.top = gm.top;
	img.bytes = host_malloc(gm.top);
	memcpy(img.bytes, gmem_arena.base, gm.top);
	img.state = host_malloc(granules + STATE_PAD);
	memcpy(img.state, gmem_arena.state, granules + STATE_PAD);
	img.class_of = host_malloc(granules);
	memcpy(img.class_of, gmem_blocks.class_of, granules);
	return 0;
}

bool gmem_image_ready(void)
{
	return img.base && !gmem_arena.base && spare.base == img.base &&
	       spare.size == img.size;
}

void gmem_image_restore(void)
{
	u64 granules = img.top / GMEM_MIN_BLOCK;
	u64 top = spare.top > img.top ? spare.top : img.top;
	u64 used = (top + 4095) & ~4095ull;

	assert(gmem_image_ready());
	/* spare_take()'s work, but what the image's copy overwrites is
	 * not cleared first: past the image's part up to what the last
	 * run carved zeroed, the pages past that given back (a bad
	 * address may have scribbled there), the image's part copied */
	memset(img.base + img.top, 0, top - img.top);
	if (used < img.size)
		madvise(img.base + used, img.size - used, MADV_DONTNEED);
	memcpy(img.base, img.bytes, img.top);
	memset(spare.state + granules, 0,
	       (top - img.top) / GMEM_MIN_BLOCK + STATE_PAD);
	memcpy(spare.state, img.state, granules + STATE_PAD);
	memset(spare.class_of + granules, 0, (top - img.top) / GMEM_MIN_BLOCK);
	memcpy(spare.class_of, img.class_of, granules);
	/* the arena is in use again; image_restore() puts back the arena's
	 * and the allocator's file-level state, which point to it */
	memset(&spare, 0, sizeof(spare));
}

void gmem_image_drop(void)
{
	host_free(img.bytes);
	host_free(img.state);
	host_free(img.class_of);
	memset(&img, 0, sizeof(img));
}

bool gmem_ready(void)
{
	return gmem_arena.base != NULL;
}

bool gmem_arena_present(void)
{
	return gmem_arena.base != NULL;
}

/* Cut [from, to) into aligned power-of-two pieces on the free lists. */
static void give_back_gap(u64 from, u64 to)
{
	while (from < to) {
		unsigned int k = 0;

		/* Largest class aligned at @from that still fits. */
		while (k + 1 < GMEM_NR_CLASSES &&
		       !(from & (class_size(k + 1) - 1)) &&
		       from + class_size(k + 1) <= to)
			k++;
		gmem_push_free(k, from);
		memset(gmem_arena.state + from / GMEM_MIN_BLOCK, GRANULE_UNUSED,
		       class_size(k) / GMEM_MIN_BLOCK);
		from += class_size(k);
	}
}

bool gmem_carve(unsigned int k, u64 *off)
{
	u64 bsize = class_size(k);
	u64 aligned = (gm.top + bsize - 1) & ~(bsize - 1);

	if (aligned + bsize > gmem_arena.size)
		return false;
	give_back_gap(gm.top, aligned);
	*off = aligned;
	gm.top = aligned + bsize;
	return true;
}

void *gmem_alloc(size_t size, size_t align)
{
	assert(gmem_arena.base);
	assert(!(align & (align - 1)));
	if (size == 0)
		size = 1;
	if (align > size)
		size = align;
	if (size > gmem_arena.size)
		return NULL;
	return gmem_alloc_class(gmem_size_class(size));
}

/* Offset of @p in the arena if it is the head of a live block, else -1. */
static s64 live_head(const void *p)
{
	u64 off;

	if (!gmem_contains(p))
		return -1;
	off = (u64)((const u8 *)p - gmem_arena.base);
	if (off % GMEM_MIN_BLOCK ||
	    gmem_arena.state[off / GMEM_MIN_BLOCK] != GRANULE_HEAD)
		return -1;
	return (s64)off;
}

int gmem_free(void *p)
{
	s64 off = live_head(p);

	if (off < 0)
		return -EINVAL;
	gmem_free_head((u64)off / GMEM_MIN_BLOCK);
	return 0;
}

size_t gmem_block_size(const void *p)
{
	s64 off = live_head(p);

	return off < 0 ? 0 :
			 class_size(gmem_blocks.class_of[off / GMEM_MIN_BLOCK]);
}

void *phys_to_virt(gpa_t gpa)
{
	if (!gmem_range_valid(gpa, 1))
		return NULL;
	return gmem_arena.base + (gpa - GMEM_BASE);
}

/* Note (and trace) a device copy that touched a freed block; kept out of
 * line so that the copies themselves stay small. */
__attribute__((cold)) void gmem_freed_access(gpa_t gpa, size_t len,
					     const char *func)
{
	gmem_blocks.st.freed_accesses++;
	TRACE(.kind = "mem.freed", .func = func,
	      .args = TRACE_FMT("gpa=0x%llx len=%zu touches freed memory",
				(unsigned long long)gpa, len));
}

bool gmem_touches_freed_slow(u64 first, u64 last)
{
	return memchr(gmem_arena.state + first, GRANULE_FREED,
		      last - first + 1) != NULL;
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

struct gmem_stats gmem_get_stats(void)
{
	return gmem_blocks.st;
}
