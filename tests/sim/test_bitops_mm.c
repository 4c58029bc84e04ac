// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_bitops_mm.c - bit operations, refcount_t misuse reports, and pages
 * of guest memory.
 */
#include "sim/kernel/bitops.h"
#include "sim/kernel/gmem.h"
#include "sim/kernel/mm.h"
#include "sim/kernel/refcount.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

static void setup(void)
{
	sim_test_setup();
	CU_ASSERT_EQUAL_FATAL(gmem_init(1 << 20), 0);
}

static void teardown(void)
{
	kmem_exit();
	gmem_exit();
	sim_test_teardown();
}

static void test_bitops_across_words(void)
{
	unsigned long map[2] = { 0, 0 };
	unsigned int high = BITS_PER_LONG + 3;

	set_bit(1, map);
	__set_bit(high, map);
	CU_ASSERT_TRUE(test_bit(1, map));
	CU_ASSERT_TRUE(test_bit(high, map));
	CU_ASSERT_FALSE(test_bit(2, map));
	CU_ASSERT_EQUAL(map[1], 1UL << 3);
	CU_ASSERT_TRUE(test_and_set_bit(1, map));
	CU_ASSERT_FALSE(test_and_set_bit(2, map));
	CU_ASSERT_TRUE(test_and_clear_bit(2, map));
	CU_ASSERT_FALSE(test_and_clear_bit(2, map));
	clear_bit(1, map);
	__clear_bit(high, map);
	CU_ASSERT_EQUAL(map[0], 0);
	CU_ASSERT_EQUAL(map[1], 0);
}

static void test_refcount_counts_and_reports_misuse(void)
{
	refcount_t r = REFCOUNT_INIT(1);

	refcount_inc(&r);
	CU_ASSERT_EQUAL(refcount_read(&r), 2);
	CU_ASSERT_FALSE(refcount_dec_and_test(&r));
	CU_ASSERT_TRUE(refcount_dec_and_test(&r));
	CU_ASSERT_EQUAL(check_count_kind("refcount"), 0);
	/* A reference taken after the last put is a use-after-free. */
	refcount_inc(&r);
	CU_ASSERT_EQUAL(check_count_kind("refcount"), 1);
	CU_ASSERT_EQUAL(refcount_read(&r), REFCOUNT_SATURATED);
	/* And a saturated count never reaches "last reference" again. */
	CU_ASSERT_FALSE(refcount_dec_and_test(&r));
	CU_ASSERT_EQUAL(check_count_kind("refcount"), 2);
	refcount_set(&r, 3);
	CU_ASSERT_EQUAL(refcount_read(&r), 3);
}

static void test_pages_are_aligned_guest_memory(void)
{
	struct page *p = alloc_page(GFP_KERNEL);
	char *addr = page_address(p);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_TRUE(gmem_contains(addr));
	CU_ASSERT_EQUAL(virt_to_phys(addr) % PAGE_SIZE, 0);
	CU_ASSERT_TRUE(kmem_is_live(addr));
	addr[PAGE_SIZE - 1] = 1;
	__free_page(p);
	CU_ASSERT_FALSE(kmem_is_live(addr));
	CU_ASSERT_EQUAL(kmem_exit(), 0);
}

static void test_page_allocation_obeys_fault_plan(void)
{
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:nth=1"), 0);
	CU_ASSERT_PTR_NULL(alloc_page(GFP_KERNEL));
	CU_ASSERT_PTR_NOT_NULL(alloc_page(GFP_KERNEL | __GFP_NOFAIL));
	CU_ASSERT_EQUAL(kmem_exit(), 1); /* the NOFAIL page, reported leaked */
}

VT_SUITE_EACH(sim_bitops_mm, setup, teardown, VT_CASE(test_bitops_across_words),
	      VT_CASE(test_refcount_counts_and_reports_misuse),
	      VT_CASE(test_pages_are_aligned_guest_memory),
	      VT_CASE(test_page_allocation_obeys_fault_plan));
