// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_virtio_fs_variant.c - driver variants and bug switches by name.
 */
#include <errno.h>

#include "guest/vfsim_variant.h"
#include "tests/harness.h"

static void reset(void)
{
	virtio_fs_variant_reset();
}

static void test_variant_names(void)
{
	enum virtio_fs_variant v;

	CU_ASSERT_EQUAL(virtio_fs_get_variant(), VIRTIO_FS_MAINLINE);
	CU_ASSERT_EQUAL(virtio_fs_variant_parse("v5-2019", &v), 0);
	CU_ASSERT_EQUAL(v, VIRTIO_FS_V5_2019);
	CU_ASSERT_EQUAL(virtio_fs_variant_parse("mainline", &v), 0);
	CU_ASSERT_EQUAL(v, VIRTIO_FS_MAINLINE);
	CU_ASSERT_EQUAL(virtio_fs_variant_parse("v5", &v), -EINVAL);
	CU_ASSERT_EQUAL(virtio_fs_variant_parse(NULL, &v), -EINVAL);
	CU_ASSERT_EQUAL(virtio_fs_set_variant("v5-2019"), 0);
	CU_ASSERT_EQUAL(virtio_fs_get_variant(), VIRTIO_FS_V5_2019);
	CU_ASSERT_EQUAL(virtio_fs_set_variant("2019"), -EINVAL);
	CU_ASSERT_EQUAL(virtio_fs_get_variant(), VIRTIO_FS_V5_2019);
	CU_ASSERT_STRING_EQUAL(virtio_fs_variant_name(VIRTIO_FS_V5_2019),
			       "v5-2019");
	CU_ASSERT_PTR_NULL(virtio_fs_variant_name(VIRTIO_FS_NR_VARIANTS));
	CU_ASSERT_EQUAL(virtio_fs_variant_bugs(VIRTIO_FS_MAINLINE), 0);
	CU_ASSERT(virtio_fs_variant_bugs(VIRTIO_FS_V5_2019) &
		  (1u << VIRTIO_FS_BUG_FORGET_SENDS_LIST_HEAD));
	CU_ASSERT(!(virtio_fs_variant_bugs(VIRTIO_FS_V5_2019) &
		    (1u << VIRTIO_FS_BUG_END_BEFORE_UNLIST)));
}

static void test_bug_names(void)
{
	enum virtio_fs_bug b;

	for (int i = 0; i < VIRTIO_FS_NR_BUGS; i++) {
		const char *name = virtio_fs_bug_name((enum virtio_fs_bug)i);

		CU_ASSERT_PTR_NOT_NULL_FATAL(name);
		CU_ASSERT_EQUAL(virtio_fs_bug_parse(name, &b), 0);
		CU_ASSERT_EQUAL(b, i);
	}
	CU_ASSERT_PTR_NULL(virtio_fs_bug_name(VIRTIO_FS_NR_BUGS));
	CU_ASSERT_EQUAL(virtio_fs_bug_parse("nope", &b), -EINVAL);
	CU_ASSERT_EQUAL(virtio_fs_bug_parse(NULL, &b), -EINVAL);
}

static void test_bug_switches(void)
{
	CU_ASSERT_EQUAL(virtio_fs_get_bugs(), 0);
	CU_ASSERT_EQUAL(virtio_fs_set_bug("freeze-returns-0", true), 0);
	CU_ASSERT_EQUAL(virtio_fs_get_bugs(),
			1u << VIRTIO_FS_BUG_FREEZE_RETURNS_0);
	CU_ASSERT_EQUAL(virtio_fs_set_bug("freeze-returns-0", false), 0);
	CU_ASSERT_EQUAL(virtio_fs_get_bugs(), 0);
	CU_ASSERT_EQUAL(virtio_fs_set_bug("nope", true), -EINVAL);

	CU_ASSERT_EQUAL(
		virtio_fs_set_bugs("end-before-unlist,probe-error-leak"), 0);
	CU_ASSERT_EQUAL(virtio_fs_get_bugs(),
			(1u << VIRTIO_FS_BUG_END_BEFORE_UNLIST) |
				(1u << VIRTIO_FS_BUG_PROBE_ERROR_LEAK));
	/* all or nothing */
	CU_ASSERT_EQUAL(virtio_fs_set_bugs("drain-by-polling,nope"), -EINVAL);
	CU_ASSERT_EQUAL(virtio_fs_set_bugs("drain-by-polling,"), -EINVAL);
	CU_ASSERT_EQUAL(virtio_fs_set_bugs(",drain-by-polling"), -EINVAL);
	CU_ASSERT_EQUAL(virtio_fs_set_bugs(
				"a-name-much-longer-than-any-bug-name-there-"
				"is-in-this-list-of-bugs"),
			-EINVAL);
	CU_ASSERT_EQUAL(virtio_fs_set_bugs(NULL), -EINVAL);
	CU_ASSERT_EQUAL(virtio_fs_get_bugs(),
			(1u << VIRTIO_FS_BUG_END_BEFORE_UNLIST) |
				(1u << VIRTIO_FS_BUG_PROBE_ERROR_LEAK));
	CU_ASSERT_EQUAL(virtio_fs_set_bugs("none"), 0);
	CU_ASSERT_EQUAL(virtio_fs_get_bugs(), 0);
	CU_ASSERT_EQUAL(virtio_fs_set_bugs("drain-by-polling"), 0);
	CU_ASSERT_EQUAL(virtio_fs_set_bugs(""), 0);
	CU_ASSERT_EQUAL(virtio_fs_get_bugs(), 0);

	virtio_fs_set_request_timeout(7);
	CU_ASSERT_EQUAL(virtio_fs_get_request_timeout(), 7);
	virtio_fs_variant_reset();
	CU_ASSERT_EQUAL(virtio_fs_get_request_timeout(), 0);
}

VT_SUITE_EACH(guest_virtio_fs_variant, reset, reset,
	      VT_CASE(test_variant_names), VT_CASE(test_bug_names),
	      VT_CASE(test_bug_switches));
