/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * byteorder_cases.h - the byte-order helpers of sim/kernel/types.h checked
 * against the bytes the specs ask for, for whichever host order the
 * including file builds them for.
 *
 * Included by test_byteorder.c (the host's own order) and by
 * test_byteorder_other.c, which builds the helpers for the other order
 * (big endian on x86-64 and arm64), so both branches of every helper are
 * tested on any host. A host keeps an integer's bytes in its own order;
 * host_store() and host_load() model that for VFSIM_HOST_BIG_ENDIAN, the
 * order the helpers were built for, which need not be the real one.
 */
#ifndef VFSIM_TESTS_SIM_BYTEORDER_CASES_H
#define VFSIM_TESTS_SIM_BYTEORDER_CASES_H

#include <string.h>

#include "sim/virtio/virtio_ring.h"
#include "tests/harness.h"

static const u64 bo_values[] = { 0,
				 1,
				 0x80,
				 0x1234,
				 0xff00,
				 0x12345678,
				 0x80000001,
				 0xfedcba9876543210ULL,
				 0x0102030405060708ULL,
				 UINT64_MAX };

/* The @n bytes a host of the modelled order keeps for the integer @v. */
static void host_store(u64 v, unsigned int n, u8 *out)
{
	for (unsigned int i = 0; i < n; i++)
		out[i] = (u8)(v >> 8 * (VFSIM_HOST_BIG_ENDIAN ? n - 1 - i : i));
}

/* The integer a host of the modelled order reads from @n bytes. */
static u64 host_load(const u8 *in, unsigned int n)
{
	u64 v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (u64)in[i] << 8 * (VFSIM_HOST_BIG_ENDIAN ? n - 1 - i : i);
	return v;
}

/* What the specs ask for: least significant byte first, or most. */
static void le_bytes(u64 v, unsigned int n, u8 *out)
{
	for (unsigned int i = 0; i < n; i++)
		out[i] = (u8)(v >> 8 * i);
}

static void be_bytes(u64 v, unsigned int n, u8 *out)
{
	for (unsigned int i = 0; i < n; i++)
		out[i] = (u8)(v >> 8 * (n - 1 - i));
}

/* The host's bytes of @stored, a helper's result, are the spec's for @v. */
static void check_stored(u64 v, unsigned int n, u64 stored,
			 void (*spec)(u64 v, unsigned int n, u8 *out))
{
	u8 got[8], want[8];

	spec(v, n, want);
	host_store(stored, n, got);
	CU_ASSERT_EQUAL(memcmp(got, want, n), 0);
}

/* The integer the host reads from the spec's bytes for @v. */
static u64 spec_loaded(u64 v, unsigned int n,
		       void (*spec)(u64 v, unsigned int n, u8 *out))
{
	u8 b[8];

	spec(v, n, b);
	return host_load(b, n);
}

/* cpu_to_leN() stores little-endian bytes, leN_to_cpu() reads them back. */
static void bo_test_le(void)
{
	for (size_t k = 0; k < ARRAY_SIZE(bo_values); k++) {
		u64 v = bo_values[k];

		check_stored(v, 2, (__force u16)cpu_to_le16((u16)v), le_bytes);
		check_stored(v, 4, (__force u32)cpu_to_le32((u32)v), le_bytes);
		check_stored(v, 8, (__force u64)cpu_to_le64(v), le_bytes);
		CU_ASSERT_EQUAL(le16_to_cpu((__force __le16)spec_loaded(
					v, 2, le_bytes)),
				(u16)v);
		CU_ASSERT_EQUAL(le32_to_cpu((__force __le32)spec_loaded(
					v, 4, le_bytes)),
				(u32)v);
		CU_ASSERT_EQUAL(le64_to_cpu((__force __le64)spec_loaded(
					v, 8, le_bytes)),
				v);
	}
}

/* cpu_to_be32() stores big-endian bytes, be32_to_cpu() reads them back. */
static void bo_test_be(void)
{
	for (size_t k = 0; k < ARRAY_SIZE(bo_values); k++) {
		u32 v = (u32)bo_values[k];

		check_stored(v, 4, (__force u32)cpu_to_be32(v), be_bytes);
		CU_ASSERT_EQUAL(be32_to_cpu((__force __be32)spec_loaded(
					v, 4, be_bytes)),
				v);
	}
}

/*
 * A descriptor and a used element written through the helpers have the
 * bytes VIRTIO 1.x section 2.7 shows, field by field, at the fields'
 * offsets (the model stores each field as the host would).
 */
static void bo_test_ring_layout(void)
{
	static const u8 want_desc[16] = { 0x08, 0x07, 0x06, 0x05, 0x04, 0x03,
					  0x02, 0x01, 0x00, 0x10, 0x00, 0x00,
					  0x03, 0x00, 0x02, 0x01 };
	static const u8 want_used[8] = { 0x05, 0x00, 0x00, 0x00,
					 0x34, 0x12, 0x00, 0x00 };
	struct vring_desc d = {
		.addr = cpu_to_le64(0x0102030405060708ULL),
		.len = cpu_to_le32(4096),
		.flags = cpu_to_le16(VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE),
		.next = cpu_to_le16(0x0102),
	};
	struct vring_used_elem e = { cpu_to_le32(5), cpu_to_le32(0x1234) };
	u8 got[16];

	host_store((__force u64)d.addr, 8,
		   got + offsetof(struct vring_desc, addr));
	host_store((__force u32)d.len, 4,
		   got + offsetof(struct vring_desc, len));
	host_store((__force u16)d.flags, 2,
		   got + offsetof(struct vring_desc, flags));
	host_store((__force u16)d.next, 2,
		   got + offsetof(struct vring_desc, next));
	CU_ASSERT_EQUAL(memcmp(got, want_desc, sizeof(want_desc)), 0);

	host_store((__force u32)e.id, 4,
		   got + offsetof(struct vring_used_elem, id));
	host_store((__force u32)e.len, 4,
		   got + offsetof(struct vring_used_elem, len));
	CU_ASSERT_EQUAL(memcmp(got, want_used, sizeof(want_used)), 0);
}

/* Round trips, and the two orders are each other's byte swap. */
static void bo_test_round_trips(void)
{
	for (size_t k = 0; k < ARRAY_SIZE(bo_values); k++) {
		u64 v = bo_values[k];

		CU_ASSERT_EQUAL(le16_to_cpu(cpu_to_le16((u16)v)), (u16)v);
		CU_ASSERT_EQUAL(le32_to_cpu(cpu_to_le32((u32)v)), (u32)v);
		CU_ASSERT_EQUAL(le64_to_cpu(cpu_to_le64(v)), v);
		CU_ASSERT_EQUAL(be32_to_cpu(cpu_to_be32((u32)v)), (u32)v);
		CU_ASSERT_EQUAL(
			(__force u32)cpu_to_be32((u32)v),
			__builtin_bswap32((__force u32)cpu_to_le32((u32)v)));
	}
}

#endif /* VFSIM_TESTS_SIM_BYTEORDER_CASES_H */
