// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_virtio_fs_variant.c - driver variants and bug switches by name.
 */
#include <errno.h>
#include <string.h>

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

	/* a switch the variant's code cannot have: refused, nothing set */
	CU_ASSERT_EQUAL(
		virtio_fs_set_bugs("drain-by-polling,end-before-unlist"),
		-ENOTSUP);
	CU_ASSERT_EQUAL(virtio_fs_set_bug("end-before-unlist", true), -ENOTSUP);
	CU_ASSERT_EQUAL(virtio_fs_get_bugs(), 0);
	CU_ASSERT_EQUAL(virtio_fs_set_variant("v5-2019"), 0);
	CU_ASSERT_EQUAL(
		virtio_fs_set_bugs("end-before-unlist,probe-error-leak"), 0);
	CU_ASSERT_EQUAL(virtio_fs_get_bugs(),
			(1u << VIRTIO_FS_BUG_END_BEFORE_UNLIST) |
				(1u << VIRTIO_FS_BUG_PROBE_ERROR_LEAK));
	/* and no variant change that would strand one */
	CU_ASSERT_EQUAL(virtio_fs_set_variant("mainline"), -EINVAL);
	CU_ASSERT_EQUAL(virtio_fs_get_variant(), VIRTIO_FS_V5_2019);
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

	/* v5 has no request timeout */
	CU_ASSERT_EQUAL(virtio_fs_set_request_timeout(7), -ENOTSUP);
	CU_ASSERT_EQUAL(virtio_fs_set_variant("mainline"), 0);
	CU_ASSERT_EQUAL(virtio_fs_set_request_timeout(7), 0);
	CU_ASSERT_EQUAL(virtio_fs_set_request_timeout(65536), -ERANGE);
	CU_ASSERT_EQUAL(virtio_fs_get_request_timeout(), 7);
	CU_ASSERT_EQUAL(virtio_fs_set_max_request_timeout(30), 0);
	CU_ASSERT_EQUAL(virtio_fs_get_max_request_timeout(), 30);
	CU_ASSERT_EQUAL(virtio_fs_set_variant("6.1"), -EINVAL);
	virtio_fs_variant_reset();
	CU_ASSERT_EQUAL(virtio_fs_get_request_timeout(), 0);
	CU_ASSERT_EQUAL(virtio_fs_get_max_request_timeout(), 0);
}

/* Each variant names its release and sources; mainline is a numbered
 * release, and only it has request timeouts and sysfs. */
static void test_variant_info(void)
{
	const struct virtio_fs_variant_info *vi;
	enum virtio_fs_variant v;

	for (int i = 0; i < VIRTIO_FS_NR_VARIANTS; i++) {
		vi = virtio_fs_variant_info((enum virtio_fs_variant)i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(vi);
		CU_ASSERT(strlen(vi->release) > 0);
		CU_ASSERT(strlen(vi->source) > 0);
		CU_ASSERT_EQUAL(virtio_fs_variant_parse(vi->name, &v), 0);
		CU_ASSERT_EQUAL(v, i);
	}
	CU_ASSERT_PTR_NULL(virtio_fs_variant_info(VIRTIO_FS_NR_VARIANTS));
	CU_ASSERT_EQUAL(virtio_fs_variant_parse("6.1", &v), 0);
	CU_ASSERT_EQUAL(v, VIRTIO_FS_V6_1);
	vi = virtio_fs_variant_info(VIRTIO_FS_V6_1);
	CU_ASSERT_PTR_NOT_NULL(strstr(vi->release, "6.1.192"));
	CU_ASSERT_FALSE(vi->request_timeout);
	vi = virtio_fs_variant_info(VIRTIO_FS_MAINLINE);
	CU_ASSERT_PTR_NOT_NULL(strstr(vi->release, "Linux 7.1"));
	CU_ASSERT(vi->request_timeout && vi->sysfs);
	CU_ASSERT_EQUAL(virtio_fs_variant_bugs(VIRTIO_FS_V6_1), 0);
}

/* Every switch says which code it is and where it comes from; only
 * teaching switches are named teach-*. */
static void test_bug_info(void)
{
	for (int i = 0; i < VIRTIO_FS_NR_BUGS; i++) {
		const struct virtio_fs_bug_info *bi =
			virtio_fs_bug_info((enum virtio_fs_bug)i);

		CU_ASSERT_PTR_NOT_NULL_FATAL(bi);
		CU_ASSERT(strlen(bi->code) > 0 && strlen(bi->history) > 0);
		CU_ASSERT_NOT_EQUAL(bi->variants & VFS_ALL_VARIANTS, 0);
		CU_ASSERT_EQUAL(bi->teaching, !strncmp(bi->name, "teach-", 6));
		/* a variant's own bugs can be named on it */
		for (int v = 0; v < VIRTIO_FS_NR_VARIANTS; v++)
			if (virtio_fs_variant_bugs((enum virtio_fs_variant)v) &
			    (1u << i))
				CU_ASSERT(bi->variants & (1u << v));
	}
	CU_ASSERT_PTR_NULL(virtio_fs_bug_info(VIRTIO_FS_NR_BUGS));
}

/* vfsim's own options, by name. */
static void test_options(void)
{
	enum virtio_fs_option o;

	for (int i = 0; i < VIRTIO_FS_NR_OPTIONS; i++) {
		const char *name =
			virtio_fs_option_name((enum virtio_fs_option)i);

		CU_ASSERT_PTR_NOT_NULL_FATAL(name);
		CU_ASSERT_EQUAL(virtio_fs_option_parse(name, &o), 0);
		CU_ASSERT_EQUAL(o, i);
	}
	CU_ASSERT_PTR_NULL(virtio_fs_option_name(VIRTIO_FS_NR_OPTIONS));
	CU_ASSERT_EQUAL(virtio_fs_option_parse("nope", &o), -EINVAL);
	CU_ASSERT_EQUAL(virtio_fs_option_parse(NULL, &o), -EINVAL);
	CU_ASSERT_EQUAL(virtio_fs_get_options(), 0);
	CU_ASSERT_EQUAL(virtio_fs_set_option("bounded-drain", true), 0);
	CU_ASSERT_EQUAL(virtio_fs_set_option("strict-replies", true), 0);
	CU_ASSERT_EQUAL(virtio_fs_set_option("nope", true), -EINVAL);
	CU_ASSERT_EQUAL(virtio_fs_get_options(),
			(1u << VIRTIO_FS_OPT_BOUNDED_DRAIN) |
				(1u << VIRTIO_FS_OPT_STRICT_REPLIES));
	CU_ASSERT_FALSE(virtio_fs_get_restore());
	virtio_fs_set_restore(true);
	CU_ASSERT(virtio_fs_get_restore());
	CU_ASSERT_EQUAL(virtio_fs_set_option("bounded-drain", false), 0);
	CU_ASSERT_EQUAL(virtio_fs_get_options(),
			(1u << VIRTIO_FS_OPT_RESTORE) |
				(1u << VIRTIO_FS_OPT_STRICT_REPLIES));
}

VT_SUITE_EACH(guest_virtio_fs_variant, reset, reset,
	      VT_CASE(test_variant_names), VT_CASE(test_bug_names),
	      VT_CASE(test_bug_switches), VT_CASE(test_variant_info),
	      VT_CASE(test_bug_info), VT_CASE(test_options));
