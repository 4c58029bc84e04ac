// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_slab.c - kmalloc tracking, leaks, use-after-free, double free,
 * fault injection, might_sleep.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sim/kernel/gmem.h"
#include "sim/kernel/slab.h"
#include "sim/kernel/spinlock.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

static void setup(void)
{
	sim_test_setup();
	CU_ASSERT_EQUAL(gmem_init(1 << 20), 0);
}

static void teardown(void)
{
	kmem_exit();
	gmem_exit();
	sim_test_teardown();
}

static void test_alloc_is_guest_memory(void)
{
	u8 *p = kmalloc(100, GFP_KERNEL);
	u8 *z = kzalloc(64, GFP_ATOMIC);
	u8 *d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	CU_ASSERT_TRUE(gmem_contains(p));
	CU_ASSERT_EQUAL((uintptr_t)p % 8, 0);
	CU_ASSERT_PTR_EQUAL(phys_to_virt(virt_to_phys(p)), p);
	for (int i = 0; i < 64; i++)
		CU_ASSERT_EQUAL(z[i], 0);
	memcpy(p, "header", 7);
	d = kmemdup(p, 7, GFP_NOFS);
	CU_ASSERT_STRING_EQUAL((char *)d, "header");
	CU_ASSERT_TRUE(kmem_is_live(p));
	CU_ASSERT_EQUAL(ksize(p), 100);
	CU_ASSERT_EQUAL(kmem_nr_live(), 3);
	CU_ASSERT_EQUAL(kmem_nr_allocs(), 3);
	kfree(p);
	kfree(z);
	kfree(d);
	kfree(NULL);
	CU_ASSERT_FALSE(kmem_is_live(p));
	CU_ASSERT_EQUAL(ksize(p), 0);
	CU_ASSERT_EQUAL(kmem_nr_live(), 0);
	CU_ASSERT_EQUAL(kmem_check(), 0);
	CU_ASSERT_EQUAL(kmem_exit(), 0);
	CU_ASSERT_EQUAL(check_count(), 0);
}

static void test_kcalloc_overflow_and_zero(void)
{
	u32 *a = kcalloc(4, sizeof(u32), GFP_KERNEL);
	void *z = kmalloc(0, GFP_KERNEL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(a[3], 0);
	CU_ASSERT_PTR_NULL(kcalloc(SIZE_MAX / 2, 4, GFP_KERNEL));
	CU_ASSERT_PTR_NULL(kmalloc_array(SIZE_MAX / 2, 4, GFP_KERNEL));
	CU_ASSERT_EQUAL(kmem_nr_failed(), 2);
	CU_ASSERT_PTR_NOT_NULL(z);
	CU_ASSERT_TRUE(kmem_is_live(z));
	kfree(a);
	kfree(z);
}

static void leaky_function(void)
{
	void *p = kmalloc(40, GFP_KERNEL);

	(void)p;
}

static void test_leak_report_names_site(void)
{
	void *q = kmalloc(8, GFP_KERNEL);

	leaky_function();
	CU_ASSERT_EQUAL(kmem_exit(), 2);
	CU_ASSERT_EQUAL(check_count_kind("kmem.leak"), 2);
	/* allocation order */
	CU_ASSERT_PTR_NOT_NULL(strstr(check_at(0)->message, "8-byte object"));
	CU_ASSERT_PTR_NOT_NULL(strstr(check_at(1)->message, "40-byte object"));
	CU_ASSERT_PTR_NOT_NULL(strstr(check_at(1)->message, "test_slab.c"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(check_at(1)->message, "(leaky_function)"));
	CU_ASSERT_FALSE(kmem_is_live(q));
	CU_ASSERT_EQUAL(kmem_exit(), 0); /* twice is fine */
	CU_ASSERT_EQUAL(kmem_check(), 0);
}

static void test_double_and_invalid_free(void)
{
	char *p = kmalloc(32, GFP_KERNEL);
	char local;

	kfree(p);
	kfree(p);
	CU_ASSERT_EQUAL(check_count_kind("kmem.double_free"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(check_at(0)->message, "first freed at"));
	kfree(&local);
	p = kmalloc(64, GFP_KERNEL);
	kfree(p + 8);
	CU_ASSERT_EQUAL(check_count_kind("kmem.invalid_free"), 2);
	kfree(p);
}

static void test_uaf_write_detected(void)
{
	char *p = kmalloc(24, GFP_KERNEL);
	char *q;

	kfree(p);
	CU_ASSERT_EQUAL((u8)p[0], POISON_FREE);
	p[5] = 1; /* the bug */
	CU_ASSERT_EQUAL(kmem_check(), 1);
	CU_ASSERT_EQUAL(check_count_kind("kmem.uaf_write"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(check_at(0)->message, "byte 5 of 24"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(check_at(0)->message, "(test_uaf_write_detected)"));
	/* also when it leaves quarantine */
	check_clear();
	kmem_set_quarantine(1);
	q = kmalloc(8, GFP_KERNEL);
	kfree(q);
	CU_ASSERT_EQUAL(check_count_kind("kmem.uaf_write"), 1);
	kmem_set_quarantine(0);
	CU_ASSERT_EQUAL(kmem_check(), 0);
}

/* The poison check compares whole chunks, then bytes: a write anywhere
 * in an object of any size is found, at the right byte, and an untouched
 * object of any size is clean. */
static void test_uaf_write_any_offset(void)
{
	static const size_t sizes[] = { 1, 7, 8, 9, 255, 256, 257, 700 };
	char msg[48];

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t n = sizes[i];
		size_t offs[] = { 0, n / 2, n - 1, n > 300 ? 300 : n - 1 };
		char *p = kmalloc(n, GFP_KERNEL);

		kfree(p);
		CU_ASSERT_EQUAL(kmem_check(), 0);
		for (size_t j = 0; j < ARRAY_SIZE(offs); j++) {
			check_clear();
			p[offs[j]] = 0;
			CU_ASSERT_EQUAL(kmem_check(), 1);
			snprintf(msg, sizeof(msg), "byte %zu of %zu-byte",
				 offs[j], n);
			CU_ASSERT_PTR_NOT_NULL(
				strstr(check_at(0)->message, msg));
			p[offs[j]] = POISON_FREE;
		}
	}
	check_clear();
	CU_ASSERT_EQUAL(kmem_check(), 0);
}

/* Records of released objects are reused: a reused one carries nothing of
 * its past (no false double free, the leak names the new site). */
static void test_record_reuse(void)
{
	void *p;

	kmem_set_quarantine(0);
	for (int i = 0; i < 3; i++) {
		p = kmalloc(16, GFP_KERNEL);
		kfree(p);
	}
	leaky_function();
	CU_ASSERT_EQUAL(check_count(), 0);
	CU_ASSERT_EQUAL(kmem_exit(), 1);
	CU_ASSERT_EQUAL(check_count_kind("kmem.leak"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(check_at(0)->message, "40-byte object"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(check_at(0)->message, "(leaky_function)"));
}

/* Many live objects: the record table finds each one,
 * frees them, and reports the ones left as leaks. */
static void test_many_live_objects(void)
{
	enum {
		N = 5000
	};
	static void *p[N];

	for (int i = 0; i < N; i++) {
		p[i] = kmalloc((size_t)(8 + i % 64), GFP_KERNEL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p[i]);
	}
	CU_ASSERT_EQUAL(kmem_nr_live(), N);
	for (int i = 0; i < N; i++)
		CU_ASSERT_EQUAL(ksize(p[i]), (size_t)(8 + i % 64));
	for (int i = 0; i < N; i += 2)
		kfree(p[i]);
	for (int i = 0; i < N; i++)
		CU_ASSERT_EQUAL(kmem_is_live(p[i]), i % 2 == 1);
	CU_ASSERT_EQUAL(check_count(), 0);
	CU_ASSERT_EQUAL(kmem_exit(), N / 2);
	CU_ASSERT_EQUAL(check_count_kind("kmem.leak"), N / 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(check_at(0)->message, "9-byte object"));
}

static void test_quarantine_bound(void)
{
	void *p[10];

	kmem_set_quarantine(4);
	for (int i = 0; i < 10; i++)
		p[i] = kmalloc(16, GFP_KERNEL);
	for (int i = 0; i < 10; i++)
		kfree(p[i]);
	/* only the last four still remember they were freed */
	kfree(p[9]);
	CU_ASSERT_EQUAL(check_count_kind("kmem.double_free"), 1);
	kfree(p[0]);
	CU_ASSERT_EQUAL(check_count_kind("kmem.invalid_free"), 1);
	CU_ASSERT_EQUAL(gmem_get_stats().nr_blocks, 4);
}

/* The quarantine keeps its order (first freed, first released) while it
 * grows with its oldest entry anywhere in its ring, and a poison damaged
 * deep inside it is still found. */
static void test_quarantine_order_across_growth(void)
{
	enum {
		N = 410
	};
	static u8 *p[N];

	kmem_set_quarantine(3);
	for (int i = 0; i < N; i++)
		p[i] = kmalloc(24, GFP_KERNEL);
	for (int i = 0; i < 10; i++)
		kfree(p[i]); /* the ring's oldest entry moves on */
	kmem_set_quarantine(1000);
	for (int i = 10; i < N; i++)
		kfree(p[i]);
	p[200][5] = 0; /* in quarantine: written after free */
	CU_ASSERT_EQUAL(kmem_check(), 1);
	CU_ASSERT_EQUAL(check_count_kind("kmem.uaf_write"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(check_at(0)->message, "byte 5 of 24"));
	p[200][5] = POISON_FREE;
	/* released in order, each one on top of gmem's stack: the oldest
	 * (the 3 left of the first 10) first, the last freed last */
	kmem_set_quarantine(N - 10 + 2);
	CU_ASSERT_PTR_EQUAL(kmalloc(24, GFP_KERNEL), p[7]);
	kmem_set_quarantine(0);
	CU_ASSERT_EQUAL(check_count(), 1);
	CU_ASSERT_PTR_EQUAL(kmalloc(24, GFP_KERNEL), p[N - 1]);
	CU_ASSERT_PTR_EQUAL(kmalloc(24, GFP_KERNEL), p[N - 2]);
}

/* kfree() of a pointer that is not an object's start, in the arena or
 * not, is refused, and the object stays live. */
static void test_free_of_inner_pointer(void)
{
	u8 *p = kmalloc(100, GFP_KERNEL);

	kfree(p + 1);
	kfree(p + 16); /* a granule's start inside the object */
	kfree(p + 128);
	kfree(gmem_arena_base() + gmem_arena_size() - 16);
	CU_ASSERT_EQUAL(check_count_kind("kmem.invalid_free"), 4);
	CU_ASSERT_TRUE(kmem_is_live(p));
	CU_ASSERT_FALSE(kmem_is_live(p + 16));
	CU_ASSERT_EQUAL(ksize(p + 16), 0);
	kfree(p);
	CU_ASSERT_EQUAL(check_count(), 4);
}

/* kmem_exit() after gmem_exit() (the wrong order) still reports the leak
 * and leaves nothing behind for the next machine. */
static void test_exit_after_arena_gone(void)
{
	void *p = kmalloc(40, GFP_KERNEL);

	kfree(kmalloc(40, GFP_KERNEL)); /* one in quarantine too */
	gmem_exit();
	CU_ASSERT_EQUAL(kmem_exit(), 1);
	CU_ASSERT_EQUAL(check_count_kind("kmem.leak"), 1);
	CU_ASSERT_EQUAL(gmem_init(1 << 20), 0);
	CU_ASSERT_PTR_EQUAL(kmalloc(40, GFP_KERNEL), p);
	CU_ASSERT_EQUAL(check_count(), 1);
}

/* Records outlive their arena as the record hash's did: kmem_exit() after
 * a new arena at the same base reports the old objects and frees nothing
 * of the new arena (which once asserted in gmem's free of a block that
 * was not live there); the new arena's own objects are unaffected. */
static void test_records_of_an_earlier_arena(void)
{
	void *p = kmalloc(40, GFP_KERNEL), *q = kmalloc(100, GFP_KERNEL);
	void *n, *base = gmem_arena_base();

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	gmem_exit();
	CU_ASSERT_EQUAL_FATAL(gmem_init(1 << 20), 0);
	CU_ASSERT_PTR_EQUAL(gmem_arena_base(), base); /* the spare arena */
	CU_ASSERT(kmem_is_live(p));
	/* the new arena hands out p's block again: its own object */
	n = kmalloc(40, GFP_KERNEL);
	CU_ASSERT(kmem_is_live(n));
	kfree(n);
	CU_ASSERT_EQUAL(check_count(), 0);
	CU_ASSERT_EQUAL(kmem_exit(), 2);
	CU_ASSERT_EQUAL(check_count_kind("kmem.leak"), 2);
	CU_ASSERT_EQUAL(gmem_get_stats().in_use, 0);
}

/* An object whose arena is gone is still live and freed without a
 * report, as with the record hash (not kmem.invalid_free). */
static void test_free_after_arena_gone(void)
{
	void *p = kmalloc(40, GFP_KERNEL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	gmem_exit();
	CU_ASSERT(kmem_is_live(p));
	CU_ASSERT_EQUAL(ksize(p), 40);
	kfree(p);
	CU_ASSERT(!kmem_is_live(p));
	CU_ASSERT_EQUAL(check_count(), 0);
	CU_ASSERT_EQUAL(kmem_exit(), 0);
}

/* kfree() of a bogus pointer before any kmalloc() and after kmem_exit()
 * (no record array yet) is an invalid free, nothing undefined on the way
 * (the sanitizers' build runs this suite). */
static void test_invalid_free_without_records(void)
{
	char local;

	kmem_exit();
	kfree(&local);
	CU_ASSERT_EQUAL(check_count_kind("kmem.invalid_free"), 1);
	CU_ASSERT(!kmem_is_live(&local));
	CU_ASSERT_EQUAL(ksize(&local), 0);
}

static void test_fault_injection(void)
{
	void *a, *b, *c;

	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:nth=2"), 0);
	a = kmalloc(8, GFP_KERNEL);
	b = kmalloc(8, GFP_KERNEL);
	c = kmalloc(8, GFP_KERNEL);
	CU_ASSERT_PTR_NOT_NULL(a);
	CU_ASSERT_PTR_NULL(b);
	CU_ASSERT_PTR_NOT_NULL(c);
	CU_ASSERT_EQUAL(kmem_nr_failed(), 1);
	CU_ASSERT_EQUAL(fault_fired("kmalloc"), 1);
	kfree(a);
	kfree(c);
	fault_reset();
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:every"), 0);
	CU_ASSERT_PTR_NULL(kzalloc(8, GFP_KERNEL));
	a = kmalloc(8, GFP_KERNEL | __GFP_NOFAIL);
	CU_ASSERT_PTR_NOT_NULL(a);
	kfree(a);
}

/* Named as one of kmalloc's sites, which the plan checks (the real one is
 * static in guest/virtio_fs.c). */
static void *virtio_fs_read_tag(void)
{
	return kmalloc(8, GFP_KERNEL);
}

static void test_fault_at_site(void)
{
	void *a, *b;

	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=virtio_fs_read_tag"), 0);
	a = kmalloc(8, GFP_KERNEL);
	b = virtio_fs_read_tag();
	CU_ASSERT_PTR_NOT_NULL(a);
	CU_ASSERT_PTR_NULL(b);
	CU_ASSERT(trace_find("kmalloc fails", 0) >= 0);
	kfree(a);
}

static void test_arena_full(void)
{
	void *p = kmalloc(4 << 20, GFP_KERNEL);

	CU_ASSERT_PTR_NULL(p);
	CU_ASSERT_EQUAL(check_count(), 0);
	p = kmalloc(4 << 20, GFP_KERNEL | __GFP_NOFAIL);
	CU_ASSERT_PTR_NULL(p);
	CU_ASSERT_EQUAL(check_count_kind("kmem.nofail"), 1);
}

static DEFINE_SPINLOCK(slock);

static int alloc_under_lock(void *arg)
{
	void *a, *b;

	(void)arg;
	spin_lock(&slock);
	a = kmalloc(8, GFP_ATOMIC); /* fine */
	b = kmalloc(8, GFP_KERNEL); /* might sleep: bug */
	spin_unlock(&slock);
	kfree(a);
	kfree(b);
	return 0;
}

static void test_gfp_kernel_might_sleep(void)
{
	spin_lock_init(&slock);
	task_spawn(alloc_under_lock, NULL, "alloc", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(check_count(), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(check_at(0)->message,
				      "kmalloc() in task alloc (syscall) "
				      "holding spinlock slock"));
}

VT_SUITE_EACH(sim_slab, setup, teardown, VT_CASE(test_alloc_is_guest_memory),
	      VT_CASE(test_kcalloc_overflow_and_zero),
	      VT_CASE(test_leak_report_names_site),
	      VT_CASE(test_double_and_invalid_free),
	      VT_CASE(test_uaf_write_detected),
	      VT_CASE(test_uaf_write_any_offset), VT_CASE(test_record_reuse),
	      VT_CASE(test_many_live_objects), VT_CASE(test_quarantine_bound),
	      VT_CASE(test_quarantine_order_across_growth),
	      VT_CASE(test_free_of_inner_pointer),
	      VT_CASE(test_exit_after_arena_gone),
	      VT_CASE(test_records_of_an_earlier_arena),
	      VT_CASE(test_free_after_arena_gone),
	      VT_CASE(test_invalid_free_without_records),
	      VT_CASE(test_fault_injection), VT_CASE(test_fault_at_site),
	      VT_CASE(test_arena_full), VT_CASE(test_gfp_kernel_might_sleep));
