// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_byteorder_other.c - the byte-order helpers built for the host order
 * this machine does not have: big endian on x86-64 and arm64 (little
 * endian on a big-endian host). With test_byteorder.c that covers both
 * branches of every helper in sim/kernel/types.h wherever the suite runs.
 *
 * This must be the first thing the file defines, before any include:
 * types.h takes VFSIM_HOST_BIG_ENDIAN as given when it is set.
 */
#if !defined(__BYTE_ORDER__)
#error "the compiler does not say the host byte order"
#endif
#define VFSIM_HOST_BIG_ENDIAN (__BYTE_ORDER__ != __ORDER_BIG_ENDIAN__)

#include "tests/sim/byteorder_cases.h"

/* The helpers really are the other order's: they swap where the host's
 * own would not, and the other way round. */
static void test_built_for_the_other_order(void)
{
	u32 v = 0x11223344;
	u32 swapped = __builtin_bswap32(v);
	bool host_big = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;

	CU_ASSERT_EQUAL((__force u32)cpu_to_le32(v), host_big ? v : swapped);
	CU_ASSERT_EQUAL((__force u32)cpu_to_be32(v), host_big ? swapped : v);
}

VT_SUITE(sim_byteorder_other, NULL, NULL,
	 VT_CASE(test_built_for_the_other_order), VT_CASE(bo_test_le),
	 VT_CASE(bo_test_be), VT_CASE(bo_test_ring_layout),
	 VT_CASE(bo_test_round_trips));
