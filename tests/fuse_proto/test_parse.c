// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_parse.c - device side: parsing requests, one test per malformation.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "tests/harness.h"

static unsigned char msg[8192];

/* Header + body into msg; returns the length. */
static size_t mk(uint32_t opcode, const void *body, size_t n)
{
	struct fuse_in_header ih = {
		.len = (uint32_t)(sizeof(ih) + n),
		.opcode = opcode,
		.unique = 2,
		.nodeid = 1,
	};

	memcpy(msg, &ih, sizeof(ih));
	if (n)
		memcpy(msg + sizeof(ih), body, n);
	return sizeof(ih) + n;
}

/* Append bytes to a body under construction. */
static size_t put(unsigned char *body, size_t at, const void *p, size_t n)
{
	memcpy(body + at, p, n);
	return at + n;
}

/* Parse from an exactly sized heap copy, so ASan/Valgrind catch any read
 * past the end. */
static int parse_exact(size_t len, struct fuse_proto_req *req)
{
	unsigned char *copy = malloc(len ? len : 1);
	int err;

	memcpy(copy, msg, len);
	err = fuse_proto_parse_request(copy, len, req);
	/* the view points into the copy: rebase it onto msg for the caller */
	if (!err) {
		if (req->arg)
			req->arg =
				msg + ((const unsigned char *)req->arg - copy);
		if (req->name)
			req->name = (const char *)msg +
				    ((const unsigned char *)req->name - copy);
		if (req->name2)
			req->name2 = (const char *)msg +
				     ((const unsigned char *)req->name2 - copy);
		if (req->payload)
			req->payload =
				msg +
				((const unsigned char *)req->payload - copy);
		if (req->ext)
			req->ext =
				msg + ((const unsigned char *)req->ext - copy);
	}
	free(copy);
	return err;
}

static void test_lookup(void)
{
	struct fuse_proto_req r;
	size_t len = mk(FUSE_LOOKUP, "name", 5);

	CU_ASSERT_EQUAL(parse_exact(len, &r), 0);
	CU_ASSERT_EQUAL(r.opcode, FUSE_LOOKUP);
	CU_ASSERT_EQUAL(r.hdr.unique, 2);
	CU_ASSERT_EQUAL(r.hdr.nodeid, 1);
	CU_ASSERT_PTR_NULL(r.arg);
	CU_ASSERT_EQUAL(r.name_len, 4);
	CU_ASSERT_STRING_EQUAL(r.name, "name");
	CU_ASSERT_PTR_NULL(r.name2);
	CU_ASSERT_PTR_NULL(r.payload);
	CU_ASSERT_PTR_NULL(r.ext);
}

static void test_getattr(void)
{
	struct fuse_getattr_in in = { .getattr_flags = FUSE_GETATTR_FH,
				      .fh = 7 };
	struct fuse_proto_req r;

	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_GETATTR, &in, sizeof(in)), &r), 0);
	CU_ASSERT_PTR_EQUAL(r.arg, msg + 40);
	CU_ASSERT_EQUAL(r.arg_size, sizeof(in));
	CU_ASSERT_PTR_NULL(r.name);
}

static void test_mkdir_and_create(void)
{
	unsigned char body[64];
	struct fuse_mkdir_in mi = { .mode = 0755 };
	struct fuse_create_in ci = { .flags = 2 };
	struct fuse_proto_req r;
	size_t n;

	n = put(body, 0, &mi, sizeof(mi));
	n = put(body, n, "d", 2);
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_MKDIR, body, n), &r), 0);
	CU_ASSERT_EQUAL(r.arg_size, 8);
	CU_ASSERT_STRING_EQUAL(r.name, "d");
	n = put(body, 0, &ci, sizeof(ci));
	n = put(body, n, "file", 5);
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_CREATE, body, n), &r), 0);
	CU_ASSERT_EQUAL(r.arg_size, 16);
	CU_ASSERT_STRING_EQUAL(r.name, "file");
}

static void test_rename_two_names(void)
{
	unsigned char body[64];
	struct fuse_rename2_in in = { .newdir = 4 };
	struct fuse_proto_req r;
	size_t n;

	n = put(body, 0, &in, sizeof(in));
	n = put(body, n, "old\0new", 8);
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_RENAME2, body, n), &r), 0);
	CU_ASSERT_STRING_EQUAL(r.name, "old");
	CU_ASSERT_STRING_EQUAL(r.name2, "new");
	CU_ASSERT_EQUAL(r.name2_len, 3);
	n = put(body, 0, &in, 8);
	n = put(body, n, "a\0b", 4);
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_RENAME, body, n), &r), 0);
	CU_ASSERT_STRING_EQUAL(r.name2, "b");
}

static void test_symlink_long_target(void)
{
	unsigned char body[4200];
	struct fuse_proto_req r;
	size_t n = put(body, 0, "ln", 3);

	memset(body + n, 'x', FUSE_PROTO_PATH_MAX);
	body[n + FUSE_PROTO_PATH_MAX] = 0;
	n += FUSE_PROTO_PATH_MAX + 1;
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_SYMLINK, body, n), &r), 0);
	CU_ASSERT_EQUAL(r.name2_len, FUSE_PROTO_PATH_MAX);
	/* one more byte is too long */
	body[n - 1] = 'x';
	body[n] = 0;
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_SYMLINK, body, n + 1), &r),
			-ENAMETOOLONG);
}

static void test_write_payload(void)
{
	unsigned char body[64];
	struct fuse_write_in in = { .fh = 1, .size = 5 };
	struct fuse_proto_req r;
	size_t n;

	n = put(body, 0, &in, sizeof(in));
	n = put(body, n, "hello", 5);
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_WRITE, body, n), &r), 0);
	CU_ASSERT_EQUAL(r.payload_size, 5);
	CU_ASSERT_EQUAL(memcmp(r.payload, "hello", 5), 0);
	CU_ASSERT_EQUAL(r.count, 0);
}

static void test_write_size_exceeds_bytes(void)
{
	unsigned char body[64];
	struct fuse_write_in in = { .size = 6 };
	struct fuse_proto_req r;
	size_t n;

	n = put(body, 0, &in, sizeof(in));
	n = put(body, n, "hello", 5);
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_WRITE, body, n), &r), -EOVERFLOW);
	in.size = UINT32_MAX;
	put(body, 0, &in, sizeof(in));
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_WRITE, body, n), &r), -EOVERFLOW);
}

static void test_write_size_short_of_bytes(void)
{
	unsigned char body[64];
	struct fuse_write_in in = { .size = 4 };
	struct fuse_proto_req r;
	size_t n;

	n = put(body, 0, &in, sizeof(in));
	n = put(body, n, "hello", 5);
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_WRITE, body, n), &r), -E2BIG);
}

static void test_setxattr(void)
{
	unsigned char body[64];
	struct fuse_setxattr_in in = { .size = 3 };
	struct fuse_proto_req r;
	size_t n;

	n = put(body, 0, &in, sizeof(in));
	n = put(body, n, "user.a\0xyz", 10);
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_SETXATTR, body, n), &r), 0);
	CU_ASSERT_STRING_EQUAL(r.name, "user.a");
	CU_ASSERT_EQUAL(r.payload_size, 3);
	CU_ASSERT_EQUAL(memcmp(r.payload, "xyz", 3), 0);
}

static void test_batch_forget(void)
{
	unsigned char body[128];
	struct fuse_batch_forget_in in = { .count = 2 };
	struct fuse_forget_one one[2] = { { 5, 1 }, { 6, 2 } };
	struct fuse_proto_req r;
	size_t n;

	n = put(body, 0, &in, sizeof(in));
	n = put(body, n, one, sizeof(one));
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_BATCH_FORGET, body, n), &r), 0);
	CU_ASSERT_EQUAL(r.count, 2);
	CU_ASSERT_EQUAL(r.payload_size, 32);
	/* count claims a third entry */
	in.count = 3;
	put(body, 0, &in, sizeof(in));
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_BATCH_FORGET, body, n), &r),
			-EOVERFLOW);
	/* a count whose byte size would overflow 32 bits */
	in.count = 0x10000001;
	put(body, 0, &in, sizeof(in));
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_BATCH_FORGET, body, n), &r),
			-EOVERFLOW);
	/* fewer entries claimed than sent */
	in.count = 1;
	put(body, 0, &in, sizeof(in));
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_BATCH_FORGET, body, n), &r),
			-E2BIG);
}

static void test_removemapping(void)
{
	unsigned char body[64];
	struct fuse_removemapping_in in = { .count = 1 };
	struct fuse_removemapping_one one = { .moffset = 4096, .len = 8192 };
	struct fuse_proto_req r;
	size_t n;

	n = put(body, 0, &in, sizeof(in));
	n = put(body, n, &one, sizeof(one));
	CU_ASSERT_EQUAL(n, 20);
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_REMOVEMAPPING, body, n), &r), 0);
	CU_ASSERT_EQUAL(r.count, 1);
	CU_ASSERT_PTR_EQUAL(r.payload, msg + 44);
}

static void test_init_sizes(void)
{
	struct fuse_init_in in = { .major = 7, .minor = 38 };
	unsigned char body[80] = { 0 };
	struct fuse_proto_req r;

	memcpy(body, &in, sizeof(in));
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_INIT, body, 64), &r), 0);
	CU_ASSERT_EQUAL(r.arg_size, 64);
	/* a pre-7.36 INIT carries 16 bytes */
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_INIT, body, 16), &r), 0);
	CU_ASSERT_EQUAL(r.arg_size, 16);
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_INIT, body, 15), &r), -EPROTO);
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_INIT, body, 72), &r), -E2BIG);
	CU_ASSERT_EQUAL(parse_exact(mk(CUSE_INIT, body, 16), &r), 0);
}

static void test_extensions(void)
{
	struct fuse_proto_req r;
	struct fuse_in_header ih;
	size_t len = mk(FUSE_LOOKUP, "a\0\0\0\0\0\0\0\0\0", 10);

	memcpy(&ih, msg, sizeof(ih));
	ih.total_extlen = 1;
	memcpy(msg, &ih, sizeof(ih));
	CU_ASSERT_EQUAL(parse_exact(len, &r), 0);
	CU_ASSERT_EQUAL(r.ext_size, 8);
	CU_ASSERT_PTR_EQUAL(r.ext, msg + 42);
}

static void test_extensions_past_end(void)
{
	struct fuse_proto_req r;
	struct fuse_in_header ih;
	size_t len = mk(FUSE_LOOKUP, "a\0\0\0\0\0\0\0\0\0", 10);

	memcpy(&ih, msg, sizeof(ih));
	ih.total_extlen = 2;
	memcpy(msg, &ih, sizeof(ih));
	CU_ASSERT_EQUAL(parse_exact(len, &r), -ERANGE);
	ih.total_extlen = UINT16_MAX;
	memcpy(msg, &ih, sizeof(ih));
	CU_ASSERT_EQUAL(parse_exact(len, &r), -ERANGE);
}

static void test_short_buffer(void)
{
	struct fuse_proto_req r;

	mk(FUSE_DESTROY, NULL, 0);
	CU_ASSERT_EQUAL(parse_exact(40, &r), 0);
	CU_ASSERT_EQUAL(parse_exact(39, &r), -EMSGSIZE);
	CU_ASSERT_EQUAL(parse_exact(0, &r), -EMSGSIZE);
	CU_ASSERT_EQUAL(fuse_proto_parse_request(NULL, 40, &r), -EMSGSIZE);
}

static void test_len_mismatch(void)
{
	struct fuse_proto_req r;
	size_t len = mk(FUSE_LOOKUP, "ab", 3);

	msg[len] = 0;
	/* received more than len says */
	CU_ASSERT_EQUAL(parse_exact(len + 1, &r), -EBADMSG);
	/* received less */
	CU_ASSERT_EQUAL(parse_exact(len - 1, &r), -EBADMSG);
}

static void test_bswapped_init(void)
{
	struct fuse_proto_req r;

	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_INIT_BSWAP_RESERVED, NULL, 0), &r),
			-EPROTONOSUPPORT);
	CU_ASSERT_EQUAL(parse_exact(mk(CUSE_INIT_BSWAP_RESERVED, NULL, 0), &r),
			-EPROTONOSUPPORT);
}

static void test_unknown_opcode(void)
{
	static const uint32_t bad[] = { 0, 7, 19, 52, 4095, 4097, UINT32_MAX };
	struct fuse_proto_req r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(parse_exact(mk(bad[i], NULL, 0), &r), -ENOSYS);
	CU_ASSERT_EQUAL(fuse_proto_in_arg_min(7), -ENOSYS);
	CU_ASSERT_FALSE(fuse_proto_opcode_noreply(7));
}

static void test_truncated_fixed_arg(void)
{
	struct fuse_getattr_in in = { 0 };
	struct fuse_proto_req r;

	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_GETATTR, &in, sizeof(in) - 1), &r),
			-EPROTO);
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_WRITE, &in, 0), &r), -EPROTO);
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_FORGET, &in, 7), &r), -EPROTO);
}

static void test_trailing_bytes(void)
{
	struct fuse_getattr_in in[2] = { { 0 } };
	struct fuse_proto_req r;

	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_GETATTR, in, sizeof(in[0]) + 1),
				    &r),
			-E2BIG);
	/* a second NUL after the one name */
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_LOOKUP, "a\0", 3), &r), -E2BIG);
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_STATFS, "x", 1), &r), -E2BIG);
}

/* The daemons' reading: a fixed-argument-only request may run on; the
 * 2019 FORGET (48 bytes + its 16-byte list_head) parses, the rest is
 * said. Names, payloads and extensions are never cut this way. */
static void test_lax_trailing_bytes(void)
{
	struct {
		struct fuse_forget_in arg;
		uint64_t list_head[2];
	} f = { { .nlookup = 3 }, { 0x1111, 0x2222 } };
	struct fuse_getattr_in in = { 0 };
	struct fuse_proto_req r;
	size_t extra = 99, len;

	len = mk(FUSE_FORGET, &f, sizeof(f));
	CU_ASSERT_EQUAL(fuse_proto_parse_request(msg, len, &r), -E2BIG);
	CU_ASSERT_EQUAL(fuse_proto_parse_request_lax(msg, len, &r, &extra), 0);
	CU_ASSERT_EQUAL(extra, 16);
	CU_ASSERT_EQUAL(r.arg_size, sizeof(struct fuse_forget_in));
	CU_ASSERT_EQUAL(((const struct fuse_forget_in *)r.arg)->nlookup, 3);
	/* exact: nothing trailing, and NULL is fine for the count */
	len = mk(FUSE_GETATTR, &in, sizeof(in));
	CU_ASSERT_EQUAL(fuse_proto_parse_request_lax(msg, len, &r, &extra), 0);
	CU_ASSERT_EQUAL(extra, 0);
	CU_ASSERT_EQUAL(fuse_proto_parse_request_lax(msg, len, &r, NULL), 0);
	/* an argument-less opcode runs on too (STATFS) */
	CU_ASSERT_EQUAL(fuse_proto_parse_request_lax(
				msg, mk(FUSE_STATFS, "xy", 2), &r, &extra),
			0);
	CU_ASSERT_EQUAL(extra, 2);
	/* a name, or anything after it, is never cut */
	CU_ASSERT_EQUAL(fuse_proto_parse_request_lax(
				msg, mk(FUSE_LOOKUP, "a\0", 3), &r, &extra),
			-E2BIG);
	CU_ASSERT_EQUAL(extra, 0);
	/* other errors stay what they are */
	CU_ASSERT_EQUAL(fuse_proto_parse_request_lax(
				msg, mk(FUSE_FORGET, &f, 7), &r, &extra),
			-EPROTO);
	CU_ASSERT_EQUAL(fuse_proto_parse_request_lax(msg, 8, &r, &extra),
			fuse_proto_parse_request(msg, 8, &r));
}

static void test_name_not_terminated(void)
{
	struct fuse_proto_req r;
	unsigned char body[64];
	size_t n;

	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_LOOKUP, "abc", 3), &r), -EILSEQ);
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_UNLINK, NULL, 0), &r), -EILSEQ);
	/* second name of RENAME runs to the end */
	n = put(body, 0, "\0\0\0\0\0\0\0\0", 8);
	n = put(body, n, "old\0new", 7);
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_RENAME, body, n), &r), -EILSEQ);
}

static void test_name_empty(void)
{
	struct fuse_proto_req r;
	unsigned char body[64];
	size_t n;

	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_RMDIR, "", 1), &r), -EINVAL);
	n = put(body, 0, "\0\0\0\0\0\0\0\0", 8);
	n = put(body, n, "old\0", 5);
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_RENAME, body, n), &r), -EINVAL);
}

static void test_name_too_long(void)
{
	char name[FUSE_PROTO_NAME_MAX + 2];
	struct fuse_proto_req r;

	memset(name, 'n', sizeof(name));
	name[FUSE_PROTO_NAME_MAX] = 0;
	CU_ASSERT_EQUAL(
		parse_exact(mk(FUSE_LOOKUP, name, FUSE_PROTO_NAME_MAX + 1), &r),
		0);
	name[FUSE_PROTO_NAME_MAX] = 'n';
	name[FUSE_PROTO_NAME_MAX + 1] = 0;
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_LOOKUP, name, sizeof(name)), &r),
			-ENAMETOOLONG);
	CU_ASSERT_EQUAL(parse_exact(mk(FUSE_REMOVEXATTR, name, sizeof(name)),
				    &r),
			-ENAMETOOLONG);
}

static void test_arg_min_and_noreply(void)
{
	CU_ASSERT_EQUAL(fuse_proto_in_arg_min(FUSE_LOOKUP), 0);
	CU_ASSERT_EQUAL(fuse_proto_in_arg_min(FUSE_WRITE),
			sizeof(struct fuse_write_in));
	CU_ASSERT_EQUAL(fuse_proto_in_arg_min(FUSE_INIT), 16);
	CU_ASSERT_EQUAL(fuse_proto_in_arg_min(FUSE_SETUPMAPPING), 40);
	CU_ASSERT_EQUAL(fuse_proto_in_arg_min(FUSE_REMOVEMAPPING), 4);
	CU_ASSERT(fuse_proto_opcode_noreply(FUSE_FORGET));
	CU_ASSERT(fuse_proto_opcode_noreply(FUSE_BATCH_FORGET));
	CU_ASSERT(fuse_proto_opcode_noreply(FUSE_INTERRUPT));
	CU_ASSERT(fuse_proto_opcode_noreply(FUSE_NOTIFY_REPLY));
	CU_ASSERT_FALSE(fuse_proto_opcode_noreply(FUSE_LOOKUP));
	CU_ASSERT_FALSE(fuse_proto_opcode_noreply(FUSE_DESTROY));
}

/* A request built by the guest side parses on the device side. */
static void test_build_then_parse(void)
{
	struct fuse_write_in wi = { .fh = 3, .offset = 10, .size = 4 };
	struct fuse_proto_args a = {
		.opcode = FUSE_WRITE,
		.nodeid = 8,
		.in_numargs = 2,
		.in_args = { { sizeof(wi), &wi }, { 4, "data" } },
	};
	struct fuse_proto_req r;
	ssize_t n = fuse_proto_build_request(msg, sizeof(msg), 99, &a, 0, 0, 0);

	CU_ASSERT_EQUAL(n, 84);
	CU_ASSERT_EQUAL(parse_exact((size_t)n, &r), 0);
	CU_ASSERT_EQUAL(r.hdr.unique, 99);
	CU_ASSERT_EQUAL(r.hdr.nodeid, 8);
	CU_ASSERT_EQUAL(r.payload_size, 4);
}

/* Every prefix and every corruption of valid messages: no crash, no read
 * outside (checked by ASan and Valgrind on the exact-size copies). */
static void test_truncations_and_garbage(void)
{
	unsigned int seed = 12345;
	int rounds = vt_slow_build() ? 200 : 2000;
	struct fuse_proto_req r;

	for (int i = 0; i < rounds; i++) {
		uint32_t op = (uint32_t)(rand_r(&seed) % 53);
		size_t n = (size_t)(rand_r(&seed) % 200);
		unsigned char body[200];

		for (size_t k = 0; k < n; k++)
			body[k] = (unsigned char)(rand_r(&seed) % 4 ?
							  0 :
							  rand_r(&seed));
		int err = parse_exact(mk(op, body, n), &r);

		CU_ASSERT(err <= 0);
		if (!err)
			CU_ASSERT(r.arg_size + r.payload_size + r.name_len +
					  r.name2_len + r.ext_size <=
				  n);
	}
}

VT_SUITE(fuse_proto_parse, NULL, NULL, VT_CASE(test_lookup),
	 VT_CASE(test_getattr), VT_CASE(test_mkdir_and_create),
	 VT_CASE(test_rename_two_names), VT_CASE(test_symlink_long_target),
	 VT_CASE(test_write_payload), VT_CASE(test_write_size_exceeds_bytes),
	 VT_CASE(test_write_size_short_of_bytes), VT_CASE(test_setxattr),
	 VT_CASE(test_batch_forget), VT_CASE(test_removemapping),
	 VT_CASE(test_init_sizes), VT_CASE(test_extensions),
	 VT_CASE(test_extensions_past_end), VT_CASE(test_short_buffer),
	 VT_CASE(test_len_mismatch), VT_CASE(test_bswapped_init),
	 VT_CASE(test_unknown_opcode), VT_CASE(test_truncated_fixed_arg),
	 VT_CASE(test_trailing_bytes), VT_CASE(test_lax_trailing_bytes),
	 VT_CASE(test_name_not_terminated), VT_CASE(test_name_empty),
	 VT_CASE(test_name_too_long), VT_CASE(test_arg_min_and_noreply),
	 VT_CASE(test_build_then_parse), VT_CASE(test_truncations_and_garbage));
