// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_byteorder.c - the byte-order helpers as this host builds them
 * (byteorder_cases.h), and the host's order as vfsim detects it.
 */
#include "tests/sim/byteorder_cases.h"

/* VFSIM_HOST_BIG_ENDIAN is the order the host really keeps bytes in. */
static void test_detected_order_is_the_hosts(void)
{
	u64 v = 0x0102030405060708ULL;
	u8 real[8], model[8];

	memcpy(real, &v, sizeof(v));
	host_store(v, 8, model);
	CU_ASSERT_EQUAL(memcmp(real, model, sizeof(real)), 0);
}

/* On this host the ring really holds the spec's bytes in memory. */
static void test_ring_bytes_in_memory(void)
{
	struct vring_desc d = { .len = cpu_to_le32(0x11223344) };
	u8 b[sizeof(d)];

	memcpy(b, &d, sizeof(d));
	CU_ASSERT_EQUAL(b[offsetof(struct vring_desc, len)], 0x44);
	CU_ASSERT_EQUAL(b[offsetof(struct vring_desc, len) + 3], 0x11);
}

VT_SUITE(sim_byteorder_host, NULL, NULL,
	 VT_CASE(test_detected_order_is_the_hosts), VT_CASE(bo_test_le),
	 VT_CASE(bo_test_be), VT_CASE(bo_test_ring_layout),
	 VT_CASE(bo_test_round_trips), VT_CASE(test_ring_bytes_in_memory));
