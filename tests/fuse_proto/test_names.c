// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_names.c - opcode and errno names for traces.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "tests/harness.h"

static void test_opcode_names(void)
{
	CU_ASSERT_STRING_EQUAL(fuse_opcode_name(FUSE_LOOKUP), "LOOKUP");
	CU_ASSERT_STRING_EQUAL(fuse_opcode_name(FUSE_GETATTR), "GETATTR");
	CU_ASSERT_STRING_EQUAL(fuse_opcode_name(FUSE_BATCH_FORGET),
			       "BATCH_FORGET");
	CU_ASSERT_STRING_EQUAL(fuse_opcode_name(FUSE_SETUPMAPPING),
			       "SETUPMAPPING");
	CU_ASSERT_STRING_EQUAL(fuse_opcode_name(FUSE_REMOVEMAPPING),
			       "REMOVEMAPPING");
	CU_ASSERT_STRING_EQUAL(fuse_opcode_name(FUSE_SYNCFS), "SYNCFS");
	CU_ASSERT_STRING_EQUAL(fuse_opcode_name(FUSE_TMPFILE), "TMPFILE");
	CU_ASSERT_STRING_EQUAL(fuse_opcode_name(CUSE_INIT), "CUSE_INIT");
	CU_ASSERT_STRING_EQUAL(fuse_opcode_name(FUSE_INIT_BSWAP_RESERVED),
			       "INIT_BSWAP_RESERVED");
	CU_ASSERT_STRING_EQUAL(fuse_opcode_name(CUSE_INIT_BSWAP_RESERVED),
			       "CUSE_INIT_BSWAP_RESERVED");
}

static void test_opcode_unknown(void)
{
	CU_ASSERT_PTR_NULL(fuse_opcode_name(0));
	CU_ASSERT_PTR_NULL(fuse_opcode_name(7)); /* hole in the numbering */
	CU_ASSERT_PTR_NULL(fuse_opcode_name(19));
	CU_ASSERT_PTR_NULL(fuse_opcode_name(52));
	CU_ASSERT_PTR_NULL(fuse_opcode_name(4095));
	CU_ASSERT_PTR_NULL(fuse_opcode_name(UINT32_MAX));
}

/* Every opcode 1..51 but the holes has a distinct name. */
static void test_opcode_names_distinct(void)
{
	int named = 0;

	for (uint32_t a = 0; a < 64; a++) {
		const char *na = fuse_opcode_name(a);

		if (!na)
			continue;
		named++;
		for (uint32_t b = a + 1; b < 64; b++) {
			const char *nb = fuse_opcode_name(b);

			CU_ASSERT(!nb || strcmp(na, nb));
		}
	}
	CU_ASSERT_EQUAL(named, 49); /* 51 minus the holes 7 and 19 */
}

static void test_errno_names(void)
{
	CU_ASSERT_STRING_EQUAL(fuse_errno_name(-ENOENT), "ENOENT");
	CU_ASSERT_STRING_EQUAL(fuse_errno_name(ENOENT), "ENOENT");
	CU_ASSERT_STRING_EQUAL(fuse_errno_name(-EIO), "EIO");
	CU_ASSERT_STRING_EQUAL(fuse_errno_name(-ENOSYS), "ENOSYS");
	CU_ASSERT_STRING_EQUAL(fuse_errno_name(-EAGAIN), "EAGAIN");
	CU_ASSERT_STRING_EQUAL(fuse_errno_name(-EOPNOTSUPP), "EOPNOTSUPP");
	CU_ASSERT_STRING_EQUAL(fuse_errno_name(-ENOTCONN), "ENOTCONN");
	CU_ASSERT_STRING_EQUAL(fuse_errno_name(-EHWPOISON), "EHWPOISON");
}

static void test_errno_unknown(void)
{
	CU_ASSERT_PTR_NULL(fuse_errno_name(0));
	CU_ASSERT_PTR_NULL(fuse_errno_name(-4095));
	CU_ASSERT_PTR_NULL(fuse_errno_name(-(EHWPOISON + 1)));
	CU_ASSERT_PTR_NULL(fuse_errno_name(INT_MIN));
	CU_ASSERT_PTR_NULL(fuse_errno_name(INT_MAX));
	CU_ASSERT_PTR_NULL(fuse_errno_name(-41)); /* unassigned on Linux */
}

VT_SUITE(fuse_proto_names, NULL, NULL, VT_CASE(test_opcode_names),
	 VT_CASE(test_opcode_unknown), VT_CASE(test_opcode_names_distinct),
	 VT_CASE(test_errno_names), VT_CASE(test_errno_unknown));
