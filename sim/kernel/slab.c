// SPDX-License-Identifier: GPL-2.0-only
/*
 * slab.c - kmalloc tracking: host-side records (bookkeeping never lives in
 * guest memory, like gmem's), found from an object's address through a
 * table beside the arena's granule states, and a FIFO quarantine of freed
 * objects.
 *
 * The table maps each 16-byte granule of the arena to the record of the
 * object whose first granule it is (0: none). It is two-level, so that it
 * costs host memory only where the arena is used: a leaf covers 1 MiB of
 * arena. Finding a record is two loads, whatever the number of objects;
 * the records sit in one array, named by index, and the quarantine is a
 * ring of those indices, so neither an allocation nor a free allocates
 * host memory in steady state.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kernel/check.h"
#include "sim/kernel/fault.h"
#include "sim/kernel/gmem.h"
#include "sim/kernel/gmem_internal.h"
#include "sim/kernel/sched.h"
#include "sim/kernel/slab.h"
#include "sim/trace/host.h"
#include "sim/trace/image.h"
#include "sim/trace/trace.h"

/* granules per leaf of the record table */
#define LEAF_BITS 16
#define LEAF_SIZE (1u << LEAF_BITS)
/* leaves that cover the largest arena */
#define NR_LEAVES ((GMEM_MAX_SIZE / GMEM_MIN_BLOCK) >> LEAF_BITS)

struct kmem_rec {
	const void *p; /* NULL while the record is spare */
	size_t size;
	const char *file, *func;
	/* set by kfree(), read only once freed is set */
	const char *free_file, *free_func;
	int line, free_line;
	u64 seq; /* allocation order, for deterministic reports */
	bool freed;
	/* its first granule's number in the arena: the table's index,
	 * kept so that releasing needs no arena (kmem_exit() after a
	 * gmem_exit() releases records of an arena that is gone) */
	u32 granule;
	/* the arena it was made in (gmem_arena.gen): only that arena's
	 * block is freed with it, poisoned or checked; another arena (even
	 * at the same base, after gmem_exit() and gmem_init()) leaves the
	 * block alone */
	u32 gen;
	u32 next_spare; /* the next spare record while this one is spare */
};

/*
 * The record table's leaves, made as the arena is used (the array itself
 * costs memory only where an entry is set). They outlive kmem_exit():
 * every record is released by then, so they are all zero again, ready
 * for the next machine without a new allocation (an explorer builds
 * thousands).
 */
static u32 *leaves[NR_LEAVES];

static struct {
	struct kmem_rec *recs; /* [0] unused: index 0 means none */
	u32 nr_slots, cap;     /* slots in use (spare or not), allocated */
	u32 spare;	       /* first spare record, 0 when none */
	u32 *ring;	       /* the quarantine, oldest at ring[qhead] */
	size_t qcap, qhead;    /* ring size (a power of two), oldest */
	size_t nr_quarantined, max_quarantine;
	size_t nr_live;
	u64 nr_allocs, nr_failed;
	u32 gen;    /* the arena of the last kmalloc() */
	bool stale; /* a record of an earlier arena may be out of the table */
	bool init;
} K;

static __attribute__((noinline)) void kmem_first_init(void)
{
	K.max_quarantine = KMEM_QUARANTINE_DEFAULT;
	K.nr_slots = 1;
	K.init = true;
}

static inline void kmem_lazy_init(void)
{
	if (unlikely(!K.init))
		kmem_first_init();
}

/* The table's slot for the object whose first granule is number @g, its
 * leaf made when @make; NULL when there is none. */
static inline u32 *table_slot(u64 g, bool make)
{
	u32 *leaf = leaves[g >> LEAF_BITS];

	if (unlikely(!leaf)) {
		if (!make)
			return NULL;
		/* kept for every later machine: not a machine image's */
		image_pause(true);
		leaf = host_calloc(LEAF_SIZE, sizeof(*leaf));
		image_pause(false);
		leaves[g >> LEAF_BITS] = leaf;
	}
	return &leaf[g & (LEAF_SIZE - 1)];
}

/* The records of an earlier arena are not found through this one's
 * table (the arena is gone, or is another at another base, or kmalloc()
 * took one's slot): a search of them all, as the record hash once found
 * any pointer whatever the arena. Only when such records may exist. */
static __attribute__((noinline)) u32 find_stale(const void *p)
{
	if (!K.stale &&
	    (K.gen == gmem_arena.gen || !(K.nr_live + K.nr_quarantined)))
		return 0;
	for (u32 i = 1; i < K.nr_slots; i++)
		if (K.recs[i].p == p && K.recs[i].gen != gmem_arena.gen)
			return i;
	return 0;
}

/* The index of the record of the object at @p, or 0 (any pointer). */
static inline u32 find(const void *p)
{
	u64 off = (u64)((uintptr_t)p - (uintptr_t)gmem_arena.base);
	const u32 *slot;
	u32 i;

	/* no record of this arena is in the table unless kmalloc() made it */
	if (off >= gmem_arena.size || off % GMEM_MIN_BLOCK)
		return find_stale(p);
	slot = table_slot(off / GMEM_MIN_BLOCK, false);
	i = slot ? *slot : 0;
	if (likely(i && K.recs[i].p == p))
		return i;
	return find_stale(p);
}

static u64 gpa_of(const void *p)
{
	return gmem_contains(p) ? virt_to_phys(p) : 0;
}

static __attribute__((noinline)) void recs_grow(void)
{
	K.cap = K.cap ? 2 * K.cap : 256;
	K.recs = host_realloc(K.recs, (size_t)K.cap * sizeof(*K.recs));
}

/* A record for a live object at @p: released ones are reused, so that
 * steady state allocates no host memory. The free site's fields are
 * left for kfree() to set. */
static inline u32 rec_alloc(const void *p, u64 g, size_t size, const char *file,
			    int line, const char *func)
{
	u32 i = K.spare;
	struct kmem_rec *r;

	if (likely(i)) {
		K.spare = K.recs[i].next_spare;
	} else {
		if (unlikely(K.nr_slots >= K.cap))
			recs_grow();
		i = K.nr_slots++;
	}
	r = &K.recs[i];
	r->p = p;
	r->size = size;
	r->file = file;
	r->func = func;
	r->line = line;
	r->seq = K.nr_allocs;
	r->freed = false;
	r->granule = (u32)g;
	r->gen = gmem_arena.gen;
	return i;
}

/* The first kmalloc() of a new arena: records of an earlier one that are
 * still kept are searched for from now on (find_stale()). */
static __attribute__((cold, noinline)) void new_arena(void)
{
	if (K.nr_live + K.nr_quarantined)
		K.stale = true;
	K.gen = gmem_arena.gen;
}

/* A record of an earlier arena in the table @slot of a block this arena
 * hands out: it leaves the table, and is found by find_stale(). */
static __attribute__((cold, noinline)) void unlink_stale(u32 *slot)
{
	/* gmem never hands out a live block twice */
	assert(K.recs[*slot].gen != gmem_arena.gen);
	*slot = 0;
}

void *__kmalloc(size_t size, gfp_t gfp, const char *file, int line,
		const char *func)
{
	u32 *slot;
	void *p;
	u64 g;

	kmem_lazy_init();
	if (gfp & __GFP_DIRECT_RECLAIM)
		__might_sleep("kmalloc");
	if (!(gfp & __GFP_NOFAIL) && FAULT_HIT("kmalloc", func)) {
		K.nr_failed++;
		return NULL;
	}
	/* gmem_alloc()'s block, without its checks of what is known here:
	 * an arena that exists (asserted there) and holds the size */
	if (likely(size - 1 < gmem_arena.size))
		p = gmem_alloc_class(gmem_size_class(size));
	else
		p = gmem_alloc(size ? size : 1, 8);
	if (!p) {
		K.nr_failed++;
		if (gfp & __GFP_NOFAIL)
			check_report("kmem.nofail",
				     "__GFP_NOFAIL allocation of %zu bytes at "
				     "%s:%d (%s) failed: guest memory is full",
				     size, file, line, func);
		return NULL;
	}
	g = (u64)((u8 *)p - gmem_arena.base) / GMEM_MIN_BLOCK;
	if (unlikely(K.gen != gmem_arena.gen))
		new_arena();
	slot = table_slot(g, true);
	if (unlikely(*slot))
		unlink_stale(slot);
	*slot = rec_alloc(p, g, size, file, line, func);
	K.nr_live++;
	K.nr_allocs++;
	memset(p, (gfp & __GFP_ZERO) ? 0 : 0xa5, size);
	return p;
}

void *__kcalloc(size_t n, size_t size, gfp_t gfp, const char *file, int line,
		const char *func)
{
	if (size && n > SIZE_MAX / size) {
		K.nr_failed++;
		return NULL;
	}
	return __kmalloc(n * size, gfp | __GFP_ZERO, file, line, func);
}

void *__kmemdup(const void *src, size_t len, gfp_t gfp, const char *file,
		int line, const char *func)
{
	void *p = __kmalloc(len, gfp & ~__GFP_ZERO, file, line, func);

	if (p)
		memcpy(p, src, len);
	return p;
}

static const u8 poison[256] = { [0 ... 255] = POISON_FREE };

/* Index of the first byte of @b[0..n) that is not POISON_FREE, or @n:
 * whole chunks with memcmp(), single bytes only in a chunk that differs. */
static size_t first_unpoisoned(const u8 *b, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t len = n - i < sizeof(poison) ? n - i : sizeof(poison);

		if (memcmp(b + i, poison, len))
			break;
		i += len;
	}
	for (; i < n; i++)
		if (b[i] != POISON_FREE)
			break;
	return i;
}

/* The report of a damaged poison, once, naming both sites. */
static __attribute__((cold, noinline)) bool
poison_damaged(const struct kmem_rec *r)
{
	const u8 *b = r->p;
	size_t i = first_unpoisoned(b, r->size);

	if (i == r->size)
		return true;
	check_report("kmem.uaf_write",
		     "use-after-free write: byte %zu of %zu-byte object at gpa "
		     "0x%llx (now 0x%02x); allocated at %s:%d (%s), freed at "
		     "%s:%d (%s)",
		     i, r->size, (unsigned long long)gpa_of(r->p), b[i],
		     r->file, r->line, r->func, r->free_file, r->free_line,
		     r->free_func);
	return false;
}

/* Guarantees: a poison mismatch is reported once, naming both sites.
 * Most objects fit one chunk, and most are intact: one memcmp(). */
static inline bool verify_poison(const struct kmem_rec *r)
{
	if (likely(r->size <= sizeof(poison)) && !memcmp(r->p, poison, r->size))
		return true;
	return poison_damaged(r);
}

/* Give record @i and its block back. */
static inline __attribute__((always_inline)) void release(u32 i)
{
	struct kmem_rec *r = &K.recs[i];
	u32 *slot = table_slot(r->granule, false);

	if (likely(r->gen == gmem_arena.gen)) {
		assert(slot && *slot == i);
		*slot = 0;
		gmem_free_head(r->granule);
	} else if (slot && *slot == i) {
		/* an earlier arena's: its block went with it, and a block at
		 * the same place now is this arena's business */
		*slot = 0;
	}
	r->p = NULL;
	r->next_spare = K.spare;
	K.spare = i;
}

static inline __attribute__((always_inline)) void quarantine_pop(void)
{
	u32 i = K.ring[K.qhead];

	K.qhead = (K.qhead + 1) & (K.qcap - 1);
	K.nr_quarantined--;
	if (likely(K.recs[i].gen == gmem_arena.gen))
		verify_poison(&K.recs[i]);
	release(i);
}

/* Twice the ring, its entries moved to the start in order. */
static __attribute__((noinline)) void ring_grow(void)
{
	size_t cap = K.qcap ? 2 * K.qcap : 128;
	u32 *ring = host_malloc(cap * sizeof(*ring));

	for (size_t n = 0; n < K.nr_quarantined; n++)
		ring[n] = K.ring[(K.qhead + n) & (K.qcap - 1)];
	host_free(K.ring);
	K.ring = ring;
	K.qcap = cap;
	K.qhead = 0;
}

static __attribute__((cold, noinline)) void
bad_free(const void *p, u32 i, const char *file, int line, const char *func)
{
	const struct kmem_rec *r;

	if (!i) {
		check_report("kmem.invalid_free",
			     "kfree() at %s:%d (%s) of a pointer kmalloc never "
			     "returned (gpa 0x%llx)",
			     file, line, func, (unsigned long long)gpa_of(p));
		return;
	}
	/* only here: with no record yet K.recs is NULL, and NULL + 0 is
	 * undefined (clang's pointer-overflow check reports it) */
	r = &K.recs[i];
	check_report("kmem.double_free",
		     "double free at %s:%d (%s) of %zu-byte object "
		     "allocated at %s:%d (%s), first freed at %s:%d (%s)",
		     file, line, func, r->size, r->file, r->line, r->func,
		     r->free_file, r->free_line, r->free_func);
}

void __kfree(const void *p, const char *file, int line, const char *func)
{
	struct kmem_rec *r;
	u32 i;

	if (!p)
		return;
	i = find(p);
	if (unlikely(!i || K.recs[i].freed)) {
		bad_free(p, i, file, line, func);
		return;
	}
	r = &K.recs[i];
	r->freed = true;
	r->free_file = file;
	r->free_line = line;
	r->free_func = func;
	K.nr_live--;
	if (unlikely(r->gen != gmem_arena.gen)) {
		/* an earlier arena's object: its memory is not this arena's
		 * to poison or watch */
		release(i);
		return;
	}
	memset((void *)p, POISON_FREE, r->size);
	if (unlikely(K.nr_quarantined == K.qcap))
		ring_grow();
	K.ring[(K.qhead + K.nr_quarantined) & (K.qcap - 1)] = i;
	K.nr_quarantined++;
	while (K.nr_quarantined > K.max_quarantine)
		quarantine_pop();
}

bool kmem_is_live(const void *p)
{
	u32 i = find(p);

	return i && !K.recs[i].freed;
}

size_t ksize(const void *p)
{
	u32 i = find(p);

	return i && !K.recs[i].freed ? K.recs[i].size : 0;
}

size_t kmem_nr_live(void)
{
	return K.nr_live;
}

u64 kmem_nr_allocs(void)
{
	return K.nr_allocs;
}

u64 kmem_nr_failed(void)
{
	return K.nr_failed;
}

int kmem_check(void)
{
	int bad = 0;

	if (!K.init)
		return 0;
	for (size_t n = 0; n < K.nr_quarantined; n++) {
		const struct kmem_rec *r =
			&K.recs[K.ring[(K.qhead + n) & (K.qcap - 1)]];

		/* an earlier arena's memory is not watched */
		if (r->gen == gmem_arena.gen)
			bad += !verify_poison(r);
	}
	return bad;
}

void kmem_set_quarantine(size_t nr)
{
	kmem_lazy_init();
	K.max_quarantine = nr;
	while (K.nr_quarantined > K.max_quarantine)
		quarantine_pop();
}

static int by_seq(const void *a, const void *b)
{
	const struct kmem_rec *x = &K.recs[*(const u32 *)a];
	const struct kmem_rec *y = &K.recs[*(const u32 *)b];

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * The slab of a machine image (sim/trace/image.h; vfsim's own): the
 * records and the quarantine come back with image_restore() (K and the
 * arrays it points to, allocated while the machine was built); the
 * table's leaves, kept by kmem_exit() all zero, get the image's entries
 * back from a list of them.
 */
IMAGE_STATE(K)

static struct {
	u32 *granule, *idx;
	size_t n;
} kimg;

void kmem_image_take(void)
{
	size_t cap = 0;

	kmem_image_drop();
	for (size_t l = 0; l < NR_LEAVES; l++) {
		for (u32 i = 0; leaves[l] && i < LEAF_SIZE; i++) {
			if (!leaves[l][i])
				continue;
			if (kimg.n == cap) {
				cap = cap ? 2 * cap : 64;
				kimg.granule = host_realloc(kimg.granule,
							    cap * sizeof(u32));
				kimg.idx = host_realloc(kimg.idx,
							cap * sizeof(u32));
			}
			kimg.granule[kimg.n] = (u32)((l << LEAF_BITS) | i);
			kimg.idx[kimg.n++] = leaves[l][i];
		}
	}
}

void kmem_image_restore(void)
{
	for (size_t i = 0; i < kimg.n; i++)
		*table_slot(kimg.granule[i], true) = kimg.idx[i];
}

void kmem_image_drop(void)
{
	host_free(kimg.granule);
	host_free(kimg.idx);
	memset(&kimg, 0, sizeof(kimg));
}

size_t kmem_exit(void)
{
	u32 *live;
	size_t n = 0;

	if (!K.init)
		return 0;
	while (K.nr_quarantined)
		quarantine_pop();
	/* Report in allocation order: record order follows reuse. */
	live = host_calloc(K.nr_live + 1, sizeof(*live));
	for (u32 i = 1; i < K.nr_slots; i++)
		if (K.recs[i].p)
			live[n++] = i;
	assert(n == K.nr_live);
	qsort(live, n, sizeof(*live), by_seq);
	for (size_t j = 0; j < n; j++) {
		const struct kmem_rec *r = &K.recs[live[j]];

		check_report("kmem.leak",
			     "leak: %zu-byte object at gpa 0x%llx allocated at "
			     "%s:%d (%s)",
			     r->size, (unsigned long long)gpa_of(r->p), r->file,
			     r->line, r->func);
		release(live[j]);
	}
	host_free(live);
	host_free(K.recs);
	host_free(K.ring);
	memset(&K, 0, sizeof(K));
	return n;
}
