// SPDX-License-Identifier: GPL-2.0-only
/*
 * slab.c - kmalloc tracking: a host-side hash of records keyed by address
 * (bookkeeping never lives in guest memory, like gmem's), and a FIFO
 * quarantine of freed objects. The hash doubles as records accumulate, so
 * finding one costs the same with a hundred objects live or a million.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kernel/check.h"
#include "sim/kernel/fault.h"
#include "sim/kernel/gmem.h"
#include "sim/kernel/list.h"
#include "sim/kernel/sched.h"
#include "sim/kernel/slab.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

#define MIN_BUCKET_BITS 10

struct kmem_rec {
	const void *p;
	size_t size;
	const char *file, *func;
	const char *free_file, *free_func;
	int line, free_line;
	u64 seq; /* allocation order, for deterministic reports */
	bool freed;
	struct kmem_rec *hnext;
	/* the link that points here (a bucket or the previous record's
	 * hnext), so that releasing a record needs no look-up */
	struct kmem_rec **hpprev;
	struct list_head qnode; /* in quarantine while freed */
};

static struct {
	struct kmem_rec **buckets; /* 1 << bucket_bits chains */
	unsigned int bucket_bits;
	size_t nr_recs; /* records in the hash: live and quarantined */
	struct list_head quarantine;
	/* released records kept for reuse (host memory), through hnext */
	struct kmem_rec *spare;
	size_t nr_quarantined, max_quarantine;
	size_t nr_live;
	u64 nr_allocs, nr_failed;
	bool init;
} K;

static __attribute__((noinline)) void kmem_first_init(void)
{
	INIT_LIST_HEAD(&K.quarantine);
	K.max_quarantine = KMEM_QUARANTINE_DEFAULT;
	K.bucket_bits = MIN_BUCKET_BITS;
	K.buckets = host_calloc(1ULL << K.bucket_bits, sizeof(*K.buckets));
	K.init = true;
}

static inline void kmem_lazy_init(void)
{
	if (unlikely(!K.init))
		kmem_first_init();
}

/* Fibonacci hashing: block addresses are aligned and evenly spaced, so
 * their low bits alone would crowd a few chains. */
static size_t bucket(const void *p)
{
	return (size_t)(((u64)(uintptr_t)p * 0x9e3779b97f4a7c15ULL) >>
			(64 - K.bucket_bits));
}

/* Put @r at the head of the chain at @head. */
static inline void chain_add(struct kmem_rec *r, struct kmem_rec **head)
{
	r->hnext = *head;
	r->hpprev = head;
	if (r->hnext)
		r->hnext->hpprev = &r->hnext;
	*head = r;
}

/* Twice the chains, every record rehashed (chain order does not matter:
 * reports are sorted by allocation order). */
static void table_grow(void)
{
	struct kmem_rec **old = K.buckets;
	size_t n = 1ULL << K.bucket_bits;

	K.buckets = host_calloc(2 * n, sizeof(*K.buckets));
	K.bucket_bits++;
	for (size_t b = 0; b < n; b++) {
		while (old[b]) {
			struct kmem_rec *r = old[b];
			size_t nb = bucket(r->p);

			old[b] = r->hnext;
			chain_add(r, &K.buckets[nb]);
		}
	}
	free(old);
}

static struct kmem_rec *find(const void *p)
{
	struct kmem_rec *r = K.buckets[bucket(p)];

	while (r && r->p != p)
		r = r->hnext;
	return r;
}

static u64 gpa_of(const void *p)
{
	return gmem_contains(p) ? virt_to_phys(p) : 0;
}

/* A record for a live object at @p: every kmalloc() needs one, so
 * released ones are reused rather than going back to the host allocator
 * each time. Every field is set here. */
static struct kmem_rec *rec_alloc(const void *p, size_t size, const char *file,
				  int line, const char *func)
{
	struct kmem_rec *r = K.spare;

	if (likely(r)) {
		K.spare = r->hnext;
	} else {
		r = host_malloc(sizeof(*r));
	}
	*r = (struct kmem_rec){ .p = p,
				.size = size,
				.file = file,
				.func = func,
				.line = line,
				.seq = K.nr_allocs };
	return r;
}

void *__kmalloc(size_t size, gfp_t gfp, const char *file, int line,
		const char *func)
{
	struct kmem_rec *r, **slot;
	void *p;

	kmem_lazy_init();
	if (gfp & __GFP_DIRECT_RECLAIM)
		__might_sleep("kmalloc");
	if (!(gfp & __GFP_NOFAIL) && FAULT_HIT("kmalloc", func)) {
		K.nr_failed++;
		return NULL;
	}
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
	r = rec_alloc(p, size, file, line, func);
	if (K.nr_recs >= 2ULL << K.bucket_bits)
		table_grow();
	slot = &K.buckets[bucket(p)];
	/* gmem never hands out a live block twice */
	for (const struct kmem_rec *q = *slot; q; q = q->hnext)
		assert(q->p != p);
	chain_add(r, slot);
	K.nr_recs++;
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

/* Index of the first byte of @b[0..n) that is not POISON_FREE, or @n.
 * Every freed object is checked as it leaves quarantine: compare whole
 * chunks with memcmp() and look at single bytes only in a chunk that
 * differs. */
static size_t first_unpoisoned(const u8 *b, size_t n)
{
	static const u8 poison[256] = { [0 ... 255] = POISON_FREE };
	size_t i = 0;

	/* most objects fit one chunk, and most are intact */
	if (likely(n <= sizeof(poison)) && !memcmp(b, poison, n))
		return n;
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

/* Guarantees: a poison mismatch is reported once, naming both sites. */
static bool verify_poison(const struct kmem_rec *r)
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

static void release(struct kmem_rec *r)
{
	assert(*r->hpprev == r);
	*r->hpprev = r->hnext;
	if (r->hnext)
		r->hnext->hpprev = r->hpprev;
	K.nr_recs--;
	gmem_free((void *)r->p);
	r->hnext = K.spare;
	K.spare = r;
}

static void quarantine_pop(void)
{
	struct kmem_rec *r =
		list_first_entry(&K.quarantine, struct kmem_rec, qnode);

	list_del(&r->qnode);
	K.nr_quarantined--;
	verify_poison(r);
	release(r);
}

void __kfree(const void *p, const char *file, int line, const char *func)
{
	struct kmem_rec *r;

	if (!p)
		return;
	kmem_lazy_init();
	r = find(p);
	if (!r) {
		check_report("kmem.invalid_free",
			     "kfree() at %s:%d (%s) of a pointer kmalloc never "
			     "returned (gpa 0x%llx)",
			     file, line, func, (unsigned long long)gpa_of(p));
		return;
	}
	if (r->freed) {
		check_report(
			"kmem.double_free",
			"double free at %s:%d (%s) of %zu-byte object "
			"allocated at %s:%d (%s), first freed at %s:%d (%s)",
			file, line, func, r->size, r->file, r->line, r->func,
			r->free_file, r->free_line, r->free_func);
		return;
	}
	r->freed = true;
	r->free_file = file;
	r->free_line = line;
	r->free_func = func;
	K.nr_live--;
	memset((void *)p, POISON_FREE, r->size);
	list_add_tail(&r->qnode, &K.quarantine);
	K.nr_quarantined++;
	while (K.nr_quarantined > K.max_quarantine)
		quarantine_pop();
}

bool kmem_is_live(const void *p)
{
	const struct kmem_rec *r = K.init ? find(p) : NULL;

	return r && !r->freed;
}

size_t ksize(const void *p)
{
	const struct kmem_rec *r = K.init ? find(p) : NULL;

	return r && !r->freed ? r->size : 0;
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
	struct kmem_rec *r;
	int bad = 0;

	if (!K.init)
		return 0;
	list_for_each_entry(r, &K.quarantine, qnode)
		bad += !verify_poison(r);
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
	const struct kmem_rec *x = *(const struct kmem_rec *const *)a;
	const struct kmem_rec *y = *(const struct kmem_rec *const *)b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

size_t kmem_exit(void)
{
	struct kmem_rec **live;
	size_t n = 0;

	if (!K.init)
		return 0;
	while (!list_empty(&K.quarantine))
		quarantine_pop();
	/* Report in allocation order: bucket order follows host addresses. */
	live = host_calloc(K.nr_live + 1, sizeof(*live));
	for (size_t b = 0; b < 1ULL << K.bucket_bits; b++)
		for (struct kmem_rec *r = K.buckets[b]; r; r = r->hnext)
			live[n++] = r;
	assert(n == K.nr_live);
	qsort(live, n, sizeof(*live), by_seq);
	for (size_t i = 0; i < n; i++) {
		struct kmem_rec *r = live[i];

		check_report("kmem.leak",
			     "leak: %zu-byte object at gpa 0x%llx allocated at "
			     "%s:%d (%s)",
			     r->size, (unsigned long long)gpa_of(r->p), r->file,
			     r->line, r->func);
		release(r);
	}
	free(live);
	while (K.spare) {
		struct kmem_rec *r = K.spare;

		K.spare = r->hnext;
		free(r);
	}
	free(K.buckets);
	memset(&K, 0, sizeof(K));
	return n;
}
