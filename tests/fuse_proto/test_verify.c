// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_verify.c - guest side: checking replies, one test per malformation.
 */
#include <errno.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "tests/harness.h"

static unsigned char rep[512];

/* out_header(len = 16 + n, error, unique) + n payload bytes. */
static size_t mkrep(int32_t error, uint64_t unique, size_t n)
{
	struct fuse_out_header oh = {
		.len = (uint32_t)(sizeof(oh) + n),
		.error = error,
		.unique = unique,
	};

	memcpy(rep, &oh, sizeof(oh));
	memset(rep + sizeof(oh), 0x5a, n);
	return sizeof(oh) + n;
}

static struct fuse_attr_out attr_out;
static const struct fuse_proto_args getattr_args = {
	.opcode = FUSE_GETATTR,
	.out_numargs = 1,
	.out_args = { { sizeof(struct fuse_attr_out), &attr_out } },
};

static char read_buf[64];
static const struct fuse_proto_args read_args = {
	.opcode = FUSE_READ,
	.out_argvar = true,
	.out_numargs = 1,
	.out_args = { { sizeof(read_buf), read_buf } },
};

static void test_good_reply(void)
{
	struct fuse_out_header oh;
	size_t len = mkrep(0, 7, sizeof(struct fuse_attr_out));

	CU_ASSERT_EQUAL(
		fuse_proto_verify_reply(&getattr_args, 7, rep, len, &oh), 0);
	CU_ASSERT_EQUAL(oh.len, len);
	CU_ASSERT_EQUAL(oh.unique, 7);
	CU_ASSERT_EQUAL(
		fuse_proto_verify_reply(&getattr_args, 7, rep, len, NULL), 0);
}

static void test_good_error_reply(void)
{
	struct fuse_out_header oh;

	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&getattr_args, 7, rep,
						mkrep(-ENOENT, 7, 0), &oh),
			0);
	CU_ASSERT_EQUAL(oh.error, -ENOENT);
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&getattr_args, 7, rep,
						mkrep(-4095, 7, 0), &oh),
			0);
}

static void test_used_len_shorter_than_header(void)
{
	mkrep(0, 7, 0);
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&getattr_args, 7, rep, 15,
						NULL),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&getattr_args, 7, rep, 0, NULL),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&getattr_args, 7, NULL, 16,
						NULL),
			-EMSGSIZE);
}

static void test_len_differs_from_used_len(void)
{
	size_t len = mkrep(0, 7, sizeof(struct fuse_attr_out));

	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&getattr_args, 7, rep, len - 1,
						NULL),
			-EBADMSG);
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&getattr_args, 7, rep, len + 1,
						NULL),
			-EBADMSG);
}

static void test_unique_mismatch(void)
{
	size_t len = mkrep(0, 8, sizeof(struct fuse_attr_out));

	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&getattr_args, 7, rep, len,
						NULL),
			-EBADR);
	len = mkrep(0, 0, sizeof(struct fuse_attr_out)); /* a notification */
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&getattr_args, 7, rep, len,
						NULL),
			-EBADR);
}

static void test_error_out_of_range(void)
{
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&getattr_args, 7, rep,
						mkrep(-4096, 7, 0), NULL),
			-ERANGE);
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&getattr_args, 7, rep,
						mkrep(1, 7, 0), NULL),
			-ERANGE);
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&getattr_args, 7, rep,
						mkrep(INT32_MIN, 7, 0), NULL),
			-ERANGE);
}

static void test_error_reply_with_payload(void)
{
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&getattr_args, 7, rep,
						mkrep(-EIO, 7, 1), NULL),
			-EPROTO);
}

static void test_payload_too_long(void)
{
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(
				&getattr_args, 7, rep,
				mkrep(0, 7, sizeof(attr_out) + 1), NULL),
			-E2BIG);
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(
				&read_args, 7, rep,
				mkrep(0, 7, sizeof(read_buf) + 1), NULL),
			-E2BIG);
}

static void test_payload_too_short(void)
{
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(
				&getattr_args, 7, rep,
				mkrep(0, 7, sizeof(attr_out) - 1), NULL),
			-ENODATA);
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&getattr_args, 7, rep,
						mkrep(0, 7, 0), NULL),
			-ENODATA);
}

static void test_argvar(void)
{
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&read_args, 7, rep,
						mkrep(0, 7, 0), NULL),
			0);
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&read_args, 7, rep,
						mkrep(0, 7, 10), NULL),
			0);
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&read_args, 7, rep,
						mkrep(0, 7, sizeof(read_buf)),
						NULL),
			0);
}

/* argvar with a fixed arg before the variable one (IOCTL-like). */
static void test_argvar_with_fixed_prefix(void)
{
	struct fuse_proto_args a = {
		.opcode = FUSE_IOCTL,
		.out_argvar = true,
		.out_numargs = 2,
		.out_args = { { sizeof(struct fuse_ioctl_out), NULL },
			      { 32, NULL } },
	};

	CU_ASSERT_EQUAL(
		fuse_proto_verify_reply(&a, 7, rep, mkrep(0, 7, 16), NULL), 0);
	CU_ASSERT_EQUAL(
		fuse_proto_verify_reply(&a, 7, rep, mkrep(0, 7, 48), NULL), 0);
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&a, 7, rep, mkrep(0, 7, 15),
						NULL),
			-ENODATA);
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&a, 7, rep, mkrep(0, 7, 49),
						NULL),
			-E2BIG);
}

static void test_no_out_args(void)
{
	struct fuse_proto_args a = { .opcode = FUSE_UNLINK };

	CU_ASSERT_EQUAL(
		fuse_proto_verify_reply(&a, 7, rep, mkrep(0, 7, 0), NULL), 0);
	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&a, 7, rep, mkrep(0, 7, 8),
						NULL),
			-E2BIG);
	/* argvar with no args at all is just "no payload" */
	a.out_argvar = true;
	CU_ASSERT_EQUAL(
		fuse_proto_verify_reply(&a, 7, rep, mkrep(0, 7, 0), NULL), 0);
}

static void test_bad_description(void)
{
	struct fuse_proto_args a = { .out_numargs =
					     FUSE_PROTO_MAX_OUT_ARGS + 1 };

	CU_ASSERT_EQUAL(fuse_proto_verify_reply(&a, 7, rep, mkrep(0, 7, 0),
						NULL),
			-EINVAL);
}

/*
 * FUSE_VERIFY_KERNEL checks what Linux 7.1's virtio_fs_verify_response()
 * checks (length, len field, unique) and takes the rest as it comes: an
 * out-of-range or positive error, a payload on an error, a payload too
 * short or too long all pass it, and fail the strict level.
 */
static void test_kernel_strictness(void)
{
	static const struct {
		int32_t error;
		size_t n;
		int strict;
	} lax[] = {
		{ 5, 0, -ERANGE },
		{ -5000, 0, -ERANGE },
		{ -EIO, 8, -EPROTO },
		{ 0, sizeof(struct fuse_attr_out) + 8, -E2BIG },
		{ 0, 8, -ENODATA },
	};
	struct fuse_out_header oh;
	size_t len;

	for (size_t i = 0; i < sizeof(lax) / sizeof(lax[0]); i++) {
		len = mkrep(lax[i].error, 7, lax[i].n);
		CU_ASSERT_EQUAL(fuse_proto_check_reply(&getattr_args, 7, rep,
						       len, &oh,
						       FUSE_VERIFY_KERNEL),
				0);
		CU_ASSERT_EQUAL(oh.error, lax[i].error);
		CU_ASSERT_EQUAL(fuse_proto_check_reply(&getattr_args, 7, rep,
						       len, NULL,
						       FUSE_VERIFY_STRICT),
				lax[i].strict);
	}
	/* the three the kernel does check */
	len = mkrep(0, 7, sizeof(struct fuse_attr_out));
	CU_ASSERT_EQUAL(fuse_proto_check_reply(&getattr_args, 7, rep, 8, NULL,
					       FUSE_VERIFY_KERNEL),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(fuse_proto_check_reply(&getattr_args, 7, rep, len - 1,
					       NULL, FUSE_VERIFY_KERNEL),
			-EBADMSG);
	CU_ASSERT_EQUAL(fuse_proto_check_reply(&getattr_args, 8, rep, len, NULL,
					       FUSE_VERIFY_KERNEL),
			-EBADR);
	CU_ASSERT_EQUAL(fuse_proto_check_reply(&getattr_args, 7, rep, len, NULL,
					       (enum fuse_verify_strictness)7),
			-EINVAL);
	/* the kernel's level needs no description (the guest hands it none);
	 * the strict one refuses to check without one */
	CU_ASSERT_EQUAL(fuse_proto_check_reply(NULL, 7, rep, len, &oh,
					       FUSE_VERIFY_KERNEL),
			0);
	CU_ASSERT_EQUAL(oh.len, len);
	CU_ASSERT_EQUAL(fuse_proto_check_reply(NULL, 8, rep, len, NULL,
					       FUSE_VERIFY_KERNEL),
			-EBADR);
	CU_ASSERT_EQUAL(fuse_proto_check_reply(NULL, 7, rep, len, NULL,
					       FUSE_VERIFY_STRICT),
			-EINVAL);
}

VT_SUITE(fuse_proto_verify, NULL, NULL, VT_CASE(test_good_reply),
	 VT_CASE(test_kernel_strictness), VT_CASE(test_good_error_reply),
	 VT_CASE(test_used_len_shorter_than_header),
	 VT_CASE(test_len_differs_from_used_len), VT_CASE(test_unique_mismatch),
	 VT_CASE(test_error_out_of_range),
	 VT_CASE(test_error_reply_with_payload), VT_CASE(test_payload_too_long),
	 VT_CASE(test_payload_too_short), VT_CASE(test_argvar),
	 VT_CASE(test_argvar_with_fixed_prefix), VT_CASE(test_no_out_args),
	 VT_CASE(test_bad_description));
