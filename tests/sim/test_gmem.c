// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_gmem.c - guest memory: the allocator, address translation, and the
 * device's bounds-checked copies.
 */
#include <errno.h>
#include <string.h>

#include "sim/kernel/gmem.h"
#include "sim/trace/trace.h"
#include "tests/harness.h"

static void setup(void)
{
	gmem_exit();
	trace_reset(true);
	CU_ASSERT_EQUAL_FATAL(gmem_init(1 << 20), 0);
}

static void teardown(void)
{
	gmem_exit();
	trace_reset(false);
}

static void test_init_rules(void)
{
	struct gmem_stats st;

	CU_ASSERT_EQUAL(gmem_init(1 << 20), -EBUSY);
	gmem_exit();
	gmem_exit(); /* twice is harmless */
	CU_ASSERT_FALSE(gmem_ready());
	CU_ASSERT_EQUAL(gmem_init(5ULL << 30), -EINVAL);
	CU_ASSERT_EQUAL(gmem_init(0), 0);
	st = gmem_get_stats();
	CU_ASSERT_EQUAL(st.size, GMEM_DEFAULT_SIZE);
	gmem_exit();
	/* Sizes round up to a power of two. */
	CU_ASSERT_EQUAL(gmem_init(3000), 0);
	CU_ASSERT_EQUAL(gmem_get_stats().size, 4096);
	gmem_exit();
}

static void test_blocks_are_aligned_to_their_size(void)
{
	static const size_t sizes[] = { 1, 16, 17, 100, 4096, 5000, 65536 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		void *p = gmem_alloc(sizes[i], 0);
		size_t bs = gmem_block_size(p);

		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		CU_ASSERT(bs >= sizes[i] && bs >= GMEM_MIN_BLOCK);
		CU_ASSERT_EQUAL(bs & (bs - 1), 0);
		CU_ASSERT_EQUAL(virt_to_phys(p) & (bs - 1), 0);
	}
	/* An alignment larger than the size enlarges the block. */
	void *q = gmem_alloc(8, 4096);

	CU_ASSERT_EQUAL(virt_to_phys(q) % 4096, 0);
	CU_ASSERT_EQUAL(gmem_block_size(q), 4096);
}

static void test_translation_round_trip(void)
{
	char *p = gmem_alloc(64, 0);
	gpa_t gpa = virt_to_phys(p + 5);

	CU_ASSERT(gpa >= GMEM_BASE);
	CU_ASSERT_PTR_EQUAL(phys_to_virt(gpa), p + 5);
	CU_ASSERT_PTR_NULL(phys_to_virt(0));
	CU_ASSERT_PTR_NULL(phys_to_virt(GMEM_BASE + (1 << 20)));
	CU_ASSERT_TRUE(gmem_contains(p));
	CU_ASSERT_FALSE(gmem_contains(&gpa));
}

/* gmem_contains() is one unsigned difference: its edges, and no arena. */
static void test_contains_edges(void)
{
	u8 *base = gmem_arena_base();
	u64 size = gmem_arena_size();

	CU_ASSERT_TRUE(gmem_contains(base));
	CU_ASSERT_TRUE(gmem_contains(base + size - 1));
	CU_ASSERT_FALSE(gmem_contains(base + size));
	CU_ASSERT_FALSE(gmem_contains((void *)((uintptr_t)base - 1)));
	CU_ASSERT_FALSE(gmem_contains(NULL));
	gmem_exit();
	CU_ASSERT_FALSE(gmem_contains(base));
	CU_ASSERT_FALSE(gmem_contains(NULL));
	CU_ASSERT_EQUAL(gmem_init(1 << 20), 0);
}

static void test_free_reuses_lifo_and_rejects_bad_frees(void)
{
	void *a = gmem_alloc(100, 0), *b = gmem_alloc(100, 0);
	struct gmem_stats st = gmem_get_stats();

	CU_ASSERT_EQUAL(st.nr_blocks, 2);
	CU_ASSERT_EQUAL(st.in_use, 256);
	CU_ASSERT_EQUAL(gmem_free(a), 0);
	CU_ASSERT_EQUAL(gmem_free(a), -EINVAL);		     /* double free */
	CU_ASSERT_EQUAL(gmem_free((char *)b + 16), -EINVAL); /* interior */
	CU_ASSERT_EQUAL(gmem_free(&st), -EINVAL); /* not guest memory */
	CU_ASSERT_EQUAL(gmem_block_size(a), 0);
	CU_ASSERT_PTR_EQUAL(gmem_alloc(128, 0), a); /* same class, reused */
	st = gmem_get_stats();
	CU_ASSERT_EQUAL(st.peak, 256);
}

static void test_exhaustion_returns_null(void)
{
	int n = 0;

	CU_ASSERT_PTR_NULL(gmem_alloc(2 << 20, 0));
	while (gmem_alloc(4096, 0))
		n++;
	CU_ASSERT_EQUAL(n, 256);
	CU_ASSERT_EQUAL(gmem_get_stats().in_use, 1 << 20);
}

static void test_alignment_gap_is_not_lost(void)
{
	/* A 16-byte block, then a 64 KiB block: the gap between them goes to
	 * the free lists, so the arena still fills completely. */
	u64 total = 0;
	void *p;

	CU_ASSERT_PTR_NOT_NULL(gmem_alloc(16, 0));
	CU_ASSERT_PTR_NOT_NULL(gmem_alloc(65536, 0));
	total = 16 + 65536;
	for (size_t sz = 1 << 19; sz >= 16; sz /= 2)
		while ((p = gmem_alloc(sz, 0)))
			total += sz;
	CU_ASSERT_EQUAL(total, 1 << 20);
}

static void test_device_copies_are_bounds_checked(void)
{
	char *p = gmem_alloc(32, 0);
	char buf[32];
	gpa_t gpa = virt_to_phys(p);
	gpa_t end = GMEM_BASE + (1 << 20);

	CU_ASSERT_EQUAL(copy_to_guest(gpa, "hello", 6), 0);
	CU_ASSERT_STRING_EQUAL(p, "hello");
	CU_ASSERT_EQUAL(copy_from_guest(buf, gpa, 6), 0);
	CU_ASSERT_STRING_EQUAL(buf, "hello");
	CU_ASSERT_EQUAL(copy_from_guest(buf, 0, 1), -EFAULT);
	CU_ASSERT_EQUAL(copy_from_guest(buf, GMEM_BASE - 1, 2), -EFAULT);
	CU_ASSERT_EQUAL(copy_from_guest(buf, end - 1, 2), -EFAULT);
	CU_ASSERT_EQUAL(copy_to_guest(end, buf, 1), -EFAULT);
	/* A length that would wrap the address space is refused. */
	CU_ASSERT_EQUAL(copy_to_guest(gpa, buf, (size_t)-1), -EFAULT);
	CU_ASSERT_FALSE(gmem_range_valid(gpa, UINT64_MAX - gpa + 1));
	CU_ASSERT_EQUAL(copy_from_guest(buf, end - 1, 1), 0);
	CU_ASSERT_EQUAL(copy_from_guest(buf, end, 0), 0);
}

static void test_copy_touching_freed_block_is_reported(void)
{
	char *p = gmem_alloc(64, 0), *q = gmem_alloc(64, 0);
	char buf[8];

	CU_ASSERT_EQUAL(copy_from_guest(buf, virt_to_phys(q), 8), 0);
	CU_ASSERT_EQUAL(gmem_get_stats().freed_accesses, 0);
	gmem_free(p);
	CU_ASSERT_EQUAL(copy_to_guest(virt_to_phys(p) + 8, "x", 1), 0);
	CU_ASSERT_EQUAL(copy_from_guest(buf, virt_to_phys(p) + 60, 8), 0);
	CU_ASSERT_EQUAL(gmem_get_stats().freed_accesses, 2);
	CU_ASSERT(trace_find("mem.freed", 0) >= 0);
	/* Reallocated, it is live again. */
	CU_ASSERT_PTR_EQUAL(gmem_alloc(64, 0), p);
	CU_ASSERT_EQUAL(copy_from_guest(buf, virt_to_phys(p), 8), 0);
	CU_ASSERT_EQUAL(gmem_get_stats().freed_accesses, 2);
}

VT_SUITE_EACH(sim_gmem, setup, teardown, VT_CASE(test_init_rules),
	      VT_CASE(test_blocks_are_aligned_to_their_size),
	      VT_CASE(test_translation_round_trip),
	      VT_CASE(test_contains_edges),
	      VT_CASE(test_free_reuses_lifo_and_rejects_bad_frees),
	      VT_CASE(test_exhaustion_returns_null),
	      VT_CASE(test_alignment_gap_is_not_lost),
	      VT_CASE(test_device_copies_are_bounds_checked),
	      VT_CASE(test_copy_touching_freed_block_is_reported));
