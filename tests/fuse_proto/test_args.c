// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_args.c - guest side: request building, reply sizing and copying;
 * device side: reply building.
 */
#include <errno.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "tests/harness.h"

static struct fuse_proto_args mkdir_args(struct fuse_mkdir_in *in,
					 struct fuse_entry_out *out)
{
	struct fuse_proto_args a = {
		.opcode = FUSE_MKDIR,
		.nodeid = 5,
		.in_numargs = 2,
		.in_args = { { sizeof(*in), in }, { 4, "dir" } },
		.out_numargs = 1,
		.out_args = { { sizeof(*out), out } },
	};
	return a;
}

static void test_build_request(void)
{
	struct fuse_mkdir_in in = { .mode = 0755, .umask = 022 };
	struct fuse_entry_out out;
	struct fuse_proto_args a = mkdir_args(&in, &out);
	unsigned char buf[128];
	struct fuse_in_header ih;
	ssize_t n;

	CU_ASSERT_EQUAL(fuse_proto_request_size(&a), 40 + 8 + 4);
	memset(buf, 0xaa, sizeof(buf));
	n = fuse_proto_build_request(buf, sizeof(buf), 77, &a, 1, 2, 3);
	CU_ASSERT_EQUAL(n, 52);
	memcpy(&ih, buf, sizeof(ih));
	CU_ASSERT_EQUAL(ih.len, 52);
	CU_ASSERT_EQUAL(ih.opcode, FUSE_MKDIR);
	CU_ASSERT_EQUAL(ih.unique, 77);
	CU_ASSERT_EQUAL(ih.nodeid, 5);
	CU_ASSERT_EQUAL(ih.uid, 1);
	CU_ASSERT_EQUAL(ih.gid, 2);
	CU_ASSERT_EQUAL(ih.pid, 3);
	CU_ASSERT_EQUAL(ih.total_extlen, 0);
	CU_ASSERT_EQUAL(ih.padding, 0);
	CU_ASSERT_EQUAL(memcmp(buf + 40, &in, 8), 0);
	CU_ASSERT_STRING_EQUAL((char *)buf + 48, "dir");
	CU_ASSERT_EQUAL(buf[52], 0xaa); /* nothing past len */
}

static void test_build_request_exact_and_short_buffer(void)
{
	struct fuse_mkdir_in in = { 0 };
	struct fuse_entry_out out;
	struct fuse_proto_args a = mkdir_args(&in, &out);
	unsigned char buf[52];

	CU_ASSERT_EQUAL(fuse_proto_build_request(buf, 52, 1, &a, 0, 0, 0), 52);
	memset(buf, 0xaa, sizeof(buf));
	CU_ASSERT_EQUAL(fuse_proto_build_request(buf, 51, 1, &a, 0, 0, 0),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(buf[0], 0xaa); /* nothing written */
	CU_ASSERT_EQUAL(fuse_proto_build_request(NULL, 0, 1, &a, 0, 0, 0),
			-EMSGSIZE);
}

static void test_build_request_no_args(void)
{
	struct fuse_proto_args a = { .opcode = FUSE_STATFS, .nodeid = 1 };
	unsigned char buf[40];

	CU_ASSERT_EQUAL(fuse_proto_request_size(&a), 40);
	CU_ASSERT_EQUAL(fuse_proto_build_request(buf, 40, 9, &a, 0, 0, 0), 40);
	/* a zero-size arg with no value is fine */
	a.in_numargs = 1;
	CU_ASSERT_EQUAL(fuse_proto_build_request(buf, 40, 9, &a, 0, 0, 0), 40);
}

static void test_build_request_bad_description(void)
{
	struct fuse_proto_args a = { .opcode = FUSE_LOOKUP };
	unsigned char buf[64];

	a.in_numargs = FUSE_PROTO_MAX_IN_ARGS + 1;
	CU_ASSERT_EQUAL(fuse_proto_request_size(&a), 0);
	CU_ASSERT_EQUAL(fuse_proto_build_request(buf, 64, 1, &a, 0, 0, 0),
			-EINVAL);
	a.in_numargs = 1;
	a.in_args[0].size = 3; /* NULL value */
	CU_ASSERT_EQUAL(fuse_proto_request_size(&a), 0);
	CU_ASSERT_EQUAL(fuse_proto_build_request(buf, 64, 1, &a, 0, 0, 0),
			-EINVAL);
}

static void test_build_request_over_4g(void)
{
	static const char big; /* never read: the size check comes first */
	struct fuse_proto_args a = {
		.opcode = FUSE_WRITE,
		.in_numargs = 2,
		.in_args = { { UINT32_MAX, &big }, { 1, &big } },
	};
	unsigned char buf[64];

	CU_ASSERT_EQUAL(fuse_proto_request_size(&a), 0);
	CU_ASSERT_EQUAL(fuse_proto_build_request(buf, 64, 1, &a, 0, 0, 0),
			-EOVERFLOW);
}

static void test_reply_size(void)
{
	struct fuse_entry_out eo;
	struct fuse_open_out oo;
	struct fuse_proto_args a = {
		.opcode = FUSE_CREATE,
		.out_numargs = 2,
		.out_args = { { sizeof(eo), &eo }, { sizeof(oo), &oo } },
	};

	CU_ASSERT_EQUAL(fuse_proto_reply_size(&a), 16 + 128 + 16);
	a.out_numargs = 0;
	CU_ASSERT_EQUAL(fuse_proto_reply_size(&a), 16);
	a.out_numargs = FUSE_PROTO_MAX_OUT_ARGS + 1;
	CU_ASSERT_EQUAL(fuse_proto_reply_size(&a), 0);
}

static void test_build_reply(void)
{
	struct fuse_open_out oo = { .fh = 42, .open_flags = FOPEN_KEEP_CACHE };
	struct fuse_proto_in_arg part = { sizeof(oo), &oo };
	unsigned char buf[64];
	struct fuse_out_header oh;

	CU_ASSERT_EQUAL(fuse_proto_build_reply(buf, sizeof(buf), 8, &part, 1),
			32);
	memcpy(&oh, buf, sizeof(oh));
	CU_ASSERT_EQUAL(oh.len, 32);
	CU_ASSERT_EQUAL(oh.error, 0);
	CU_ASSERT_EQUAL(oh.unique, 8);
	CU_ASSERT_EQUAL(memcmp(buf + 16, &oo, sizeof(oo)), 0);
	CU_ASSERT_EQUAL(fuse_proto_build_reply(buf, 31, 8, &part, 1),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(fuse_proto_build_reply(NULL, 0, 8, NULL, 0), -EMSGSIZE);
	CU_ASSERT_EQUAL(fuse_proto_build_reply(buf, 16, 8, NULL, 0), 16);
}

static void test_build_reply_bad_parts(void)
{
	static const char big;
	struct fuse_proto_in_arg parts[2] = { { 5, NULL }, { 0, NULL } };
	unsigned char buf[64];

	CU_ASSERT_EQUAL(fuse_proto_build_reply(buf, 64, 1, parts, 2), -EINVAL);
	parts[0] = (struct fuse_proto_in_arg){ UINT32_MAX, &big };
	parts[1] = (struct fuse_proto_in_arg){ 1, &big };
	CU_ASSERT_EQUAL(fuse_proto_build_reply(buf, 64, 1, parts, 2),
			-EOVERFLOW);
}

static void test_build_error_reply(void)
{
	unsigned char buf[16];
	struct fuse_out_header oh;

	CU_ASSERT_EQUAL(fuse_proto_build_error_reply(buf, 16, 3, -ENOENT), 16);
	memcpy(&oh, buf, sizeof(oh));
	CU_ASSERT_EQUAL(oh.len, 16);
	CU_ASSERT_EQUAL(oh.error, -ENOENT);
	CU_ASSERT_EQUAL(oh.unique, 3);
	CU_ASSERT_EQUAL(fuse_proto_build_error_reply(buf, 16, 3, 0), 16);
	CU_ASSERT_EQUAL(fuse_proto_build_error_reply(buf, 16, 3, -4095), 16);
	CU_ASSERT_EQUAL(fuse_proto_build_error_reply(buf, 16, 3, -4096),
			-ERANGE);
	CU_ASSERT_EQUAL(fuse_proto_build_error_reply(buf, 16, 3, 1), -ERANGE);
	CU_ASSERT_EQUAL(fuse_proto_build_error_reply(buf, 15, 3, -EIO),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(fuse_proto_build_error_reply(NULL, 16, 3, -EIO),
			-EMSGSIZE);
}

/* Build a reply on the device side, check and copy it on the guest side. */
static void test_copy_reply_args_fixed(void)
{
	struct fuse_entry_out eo = { .nodeid = 9, .attr.mode = 040755 };
	struct fuse_open_out oo = { .fh = 3 };
	struct fuse_entry_out geo;
	struct fuse_open_out goo;
	struct fuse_proto_in_arg parts[2] = { { sizeof(eo), &eo },
					      { sizeof(oo), &oo } };
	struct fuse_proto_args a = {
		.opcode = FUSE_CREATE,
		.out_numargs = 2,
		.out_args = { { sizeof(geo), &geo }, { sizeof(goo), &goo } },
	};
	unsigned char buf[256];
	ssize_t n = fuse_proto_build_reply(buf, sizeof(buf), 4, parts, 2);

	CU_ASSERT_EQUAL(n, 160);
	CU_ASSERT_EQUAL(fuse_proto_copy_reply_args(&a, 4, buf, (size_t)n), 144);
	CU_ASSERT_EQUAL(memcmp(&geo, &eo, sizeof(eo)), 0);
	CU_ASSERT_EQUAL(memcmp(&goo, &oo, sizeof(oo)), 0);
	CU_ASSERT_EQUAL(fuse_proto_copy_reply_args(&a, 5, buf, (size_t)n),
			-EBADR);
}

static void test_copy_reply_args_argvar(void)
{
	char data[100];
	struct fuse_proto_in_arg part = { 5, "hello" };
	struct fuse_proto_args a = {
		.opcode = FUSE_READ,
		.out_argvar = true,
		.out_numargs = 1,
		.out_args = { { sizeof(data), data } },
	};
	unsigned char buf[64];
	ssize_t n = fuse_proto_build_reply(buf, sizeof(buf), 4, &part, 1);

	CU_ASSERT_EQUAL(fuse_proto_reply_size(&a), 116);
	CU_ASSERT_EQUAL(fuse_proto_copy_reply_args(&a, 4, buf, (size_t)n), 5);
	CU_ASSERT_EQUAL(a.out_args[0].size, 5);
	CU_ASSERT_EQUAL(memcmp(data, "hello", 5), 0);
}

static void test_copy_reply_args_error_and_null_value(void)
{
	struct fuse_attr_out ao = { .attr_valid = 1 };
	struct fuse_proto_in_arg part = { sizeof(ao), &ao };
	struct fuse_proto_args a = {
		.opcode = FUSE_GETATTR,
		.out_numargs = 1,
		.out_args = { { sizeof(ao), NULL } }, /* size check only */
	};
	unsigned char buf[256];
	ssize_t n = fuse_proto_build_reply(buf, sizeof(buf), 4, &part, 1);

	CU_ASSERT_EQUAL(fuse_proto_copy_reply_args(&a, 4, buf, (size_t)n),
			(ssize_t)sizeof(ao));
	n = fuse_proto_build_error_reply(buf, sizeof(buf), 4, -ENOENT);
	CU_ASSERT_EQUAL(fuse_proto_copy_reply_args(&a, 4, buf, (size_t)n), 0);
}

VT_SUITE(fuse_proto_args, NULL, NULL, VT_CASE(test_build_request),
	 VT_CASE(test_build_request_exact_and_short_buffer),
	 VT_CASE(test_build_request_no_args),
	 VT_CASE(test_build_request_bad_description),
	 VT_CASE(test_build_request_over_4g), VT_CASE(test_reply_size),
	 VT_CASE(test_build_reply), VT_CASE(test_build_reply_bad_parts),
	 VT_CASE(test_build_error_reply), VT_CASE(test_copy_reply_args_fixed),
	 VT_CASE(test_copy_reply_args_argvar),
	 VT_CASE(test_copy_reply_args_error_and_null_value));
