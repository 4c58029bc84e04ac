// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_bswap.c - byte order: detection, every struct, every opcode's
 * request and every reply kind, both directions, and each malformation.
 */
#include <errno.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "fuse_proto/fuse_optable.h"
#include "tests/harness.h"

static unsigned char msg[4096], orig[4096];

static void test_detect(void)
{
	struct fuse_in_header h = { .opcode = FUSE_INIT };

	CU_ASSERT_EQUAL(fuse_proto_detect_bswap(&h), 0);
	h.opcode = CUSE_INIT;
	CU_ASSERT_EQUAL(fuse_proto_detect_bswap(&h), 0);
	h.opcode = __builtin_bswap32(FUSE_INIT);
	CU_ASSERT_EQUAL(fuse_proto_detect_bswap(&h), 1);
	h.opcode = __builtin_bswap32(CUSE_INIT);
	CU_ASSERT_EQUAL(fuse_proto_detect_bswap(&h), 1);
	h.opcode = FUSE_LOOKUP;
	CU_ASSERT_EQUAL(fuse_proto_detect_bswap(&h), -ENOMSG);
	h.opcode = __builtin_bswap32(FUSE_LOOKUP);
	CU_ASSERT_EQUAL(fuse_proto_detect_bswap(&h), -ENOMSG);
}

/* Each field of each struct is reversed in place, and twice is identity. */
static void test_every_struct_round_trip(void)
{
	int structs = 0;

	for (const struct fuse_layout *l = fuse_layouts; l->name; l++) {
		unsigned char b[256], c[256];
		size_t off = 0;

		CU_ASSERT_FATAL(l->size <= sizeof(b));
		for (size_t i = 0; i < l->size; i++)
			b[i] = (unsigned char)(i * 7 + 1);
		memcpy(c, b, l->size);
		CU_ASSERT_EQUAL(fuse_layout_bswap(l->layout, c, l->size),
				l->size);
		for (const char *f = l->layout; *f; f++) {
			size_t w = (size_t)(*f - '0');

			for (size_t k = 0; k < w; k++)
				CU_ASSERT_EQUAL(c[off + k], b[off + w - 1 - k]);
			off += w;
		}
		fuse_layout_bswap(l->layout, c, l->size);
		CU_ASSERT_EQUAL(memcmp(b, c, l->size), 0);
		structs++;
	}
	CU_ASSERT(structs >= 60);
}

/* Typed check on the struct the seeds changed. */
static void test_init_out_fields(void)
{
	struct fuse_init_out o = {
		.major = 7,
		.minor = 38,
		.flags = FUSE_MAP_ALIGNMENT | FUSE_INIT_EXT,
		.max_background = 0x1234,
		.map_alignment = 12,
		.flags2 = 1,
		.max_write = 0x00100000,
	};
	struct fuse_init_out s = o;

	fuse_layout_bswap("4444"
			  "2244"
			  "224"
			  "4444444",
			  &s, sizeof(s));
	CU_ASSERT_EQUAL(s.major, __builtin_bswap32(7));
	CU_ASSERT_EQUAL(s.flags, __builtin_bswap32(o.flags));
	CU_ASSERT_EQUAL(s.max_background, 0x3412);
	CU_ASSERT_EQUAL(s.map_alignment, __builtin_bswap16(12));
	CU_ASSERT_EQUAL(s.flags2, __builtin_bswap32(1));
	CU_ASSERT_EQUAL(s.max_write, __builtin_bswap32(o.max_write));
}

/* A valid native request for @opcode built from the table: fixed arg with
 * a pattern, tail count 2, names "n1" / "n2". Returns its length. */
static size_t build_valid(uint32_t opcode, const struct fuse_op_desc *op)
{
	struct fuse_in_header ih = { .opcode = opcode,
				     .unique = 0x0102030405,
				     .nodeid = 0x1122334455667788,
				     .uid = 1000,
				     .gid = 100,
				     .pid = 42 };
	size_t n = sizeof(ih);

	for (size_t i = 0; i < op->in_max; i++)
		msg[n + i] = (unsigned char)(i * 13 + 3);
	if (op->has_tail) {
		uint32_t two = 2;

		memcpy(msg + n + op->tail_off, &two, 4);
	}
	n += op->in_max;
	if (op->in_names >= 1) {
		memcpy(msg + n, "n1", 3);
		n += 3;
	}
	if (op->in_names >= 2) {
		memcpy(msg + n, "n2", 3);
		n += 3;
	}
	if (op->has_tail) {
		for (size_t i = 0; i < 2u * op->tail_elem; i++)
			msg[n + i] = (unsigned char)(i + 0x40);
		n += 2u * op->tail_elem;
	}
	ih.len = (uint32_t)n;
	memcpy(msg, &ih, sizeof(ih));
	return n;
}

static void test_every_request_round_trip(void)
{
	int ops = 0;

	for (uint32_t opcode = 0; opcode <= CUSE_INIT; opcode++) {
		const struct fuse_op_desc *op = fuse_op_find(opcode);
		struct fuse_proto_req r;
		unsigned char expect[256];
		size_t len;

		if (!op)
			continue;
		ops++;
		len = build_valid(opcode, op);
		CU_ASSERT_EQUAL_FATAL(fuse_proto_parse_request(msg, len, &r),
				      0);
		memcpy(orig, msg, len);
		CU_ASSERT_EQUAL(fuse_proto_bswap_request(msg, len,
							 FUSE_PROTO_TO_PEER),
				0);
		/* the header and the fixed arg are reversed field by field */
		memcpy(expect, orig, 40);
		fuse_layout_bswap(fuse_in_header_layout, expect, 40);
		CU_ASSERT_EQUAL(memcmp(msg, expect, 40), 0);
		if (op->in_layout) {
			memcpy(expect, orig + 40, op->in_max);
			fuse_layout_bswap(op->in_layout, expect, op->in_max);
			CU_ASSERT_EQUAL(memcmp(msg + 40, expect, op->in_max),
					0);
		}
		/* names and data bytes are untouched, entries are not */
		if (op->has_tail) {
			size_t t = len - 2u * op->tail_elem;
			int same = !memcmp(msg + t, orig + t, len - t);

			CU_ASSERT_EQUAL(same, op->tail_layout == NULL);
		}
		/* the peer's INIT is what detection recognises */
		if (opcode == FUSE_INIT || opcode == CUSE_INIT)
			CU_ASSERT_EQUAL(fuse_proto_detect_bswap(
						(struct fuse_in_header *)msg),
					1);
		CU_ASSERT_EQUAL(fuse_proto_bswap_request(msg, len,
							 FUSE_PROTO_FROM_PEER),
				0);
		CU_ASSERT_EQUAL(memcmp(msg, orig, len), 0);
	}
	CU_ASSERT_EQUAL(ops, 50); /* 49 FUSE opcodes + CUSE_INIT */
}

static void test_request_from_peer_errors(void)
{
	const struct fuse_op_desc *op = fuse_op_find(FUSE_GETATTR);
	size_t len = build_valid(FUSE_GETATTR, op);
	struct fuse_in_header ih;

	CU_ASSERT_EQUAL(fuse_proto_bswap_request(msg, 39, FUSE_PROTO_FROM_PEER),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(fuse_proto_bswap_request(NULL, 40, FUSE_PROTO_TO_PEER),
			-EMSGSIZE);
	/* native len read as the peer's: mismatch */
	CU_ASSERT_EQUAL(fuse_proto_bswap_request(msg, len,
						 FUSE_PROTO_FROM_PEER),
			-EBADMSG);

	/* peer messages built by swapping native ones */
	len = build_valid(FUSE_GETATTR, op);
	memcpy(&ih, msg, 40);
	ih.opcode = 7;
	memcpy(msg, &ih, 40);
	fuse_layout_bswap(fuse_in_header_layout, msg, 40);
	CU_ASSERT_EQUAL(fuse_proto_bswap_request(msg, len,
						 FUSE_PROTO_FROM_PEER),
			-ENOSYS);

	len = build_valid(FUSE_GETATTR, op);
	memcpy(&ih, msg, 40);
	ih.total_extlen = 3;
	memcpy(msg, &ih, 40);
	fuse_layout_bswap(fuse_in_header_layout, msg, 40);
	CU_ASSERT_EQUAL(fuse_proto_bswap_request(msg, len,
						 FUSE_PROTO_FROM_PEER),
			-ERANGE);

	len = build_valid(FUSE_GETATTR, op) - 1;
	memcpy(&ih, msg, 40);
	ih.len = (uint32_t)len;
	memcpy(msg, &ih, 40);
	fuse_layout_bswap(fuse_in_header_layout, msg, 40);
	CU_ASSERT_EQUAL(fuse_proto_bswap_request(msg, len,
						 FUSE_PROTO_FROM_PEER),
			-EPROTO);
}

static void test_request_from_peer_bad_count(void)
{
	const struct fuse_op_desc *op = fuse_op_find(FUSE_BATCH_FORGET);
	size_t len = build_valid(FUSE_BATCH_FORGET, op);
	uint32_t three = 3;

	memcpy(msg + 40, &three, 4);
	fuse_layout_bswap(fuse_in_header_layout, msg, 40);
	fuse_layout_bswap(op->in_layout, msg + 40, op->in_max);
	CU_ASSERT_EQUAL(fuse_proto_bswap_request(msg, len,
						 FUSE_PROTO_FROM_PEER),
			-EOVERFLOW);
}

static void test_request_to_peer_checks_first(void)
{
	size_t len = build_valid(FUSE_LOOKUP, fuse_op_find(FUSE_LOOKUP));

	memcpy(orig, msg, len);
	msg[len - 1] = 'x'; /* name loses its NUL */
	CU_ASSERT_EQUAL(fuse_proto_bswap_request(msg, len, FUSE_PROTO_TO_PEER),
			-EILSEQ);
	/* nothing converted */
	CU_ASSERT_EQUAL(memcmp(msg, orig, len - 1), 0);
}

/* ---- replies --------------------------------------------------------- */

static size_t mkrep(int32_t error, const void *payload, size_t n)
{
	struct fuse_out_header oh = { .len = (uint32_t)(16 + n),
				      .error = error,
				      .unique = 0xabcdef };

	memcpy(msg, &oh, sizeof(oh));
	if (n)
		memcpy(msg + 16, payload, n);
	return 16 + n;
}

/* TO_PEER swaps the header, FROM_PEER restores the message exactly. */
static void round_trip(uint32_t opcode, uint32_t xattr_size, size_t len)
{
	uint32_t peer_len;

	memcpy(orig, msg, len);
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, len, opcode, xattr_size,
					       FUSE_PROTO_TO_PEER),
			0);
	memcpy(&peer_len, msg, 4);
	CU_ASSERT_EQUAL(peer_len, __builtin_bswap32((uint32_t)len));
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, len, opcode, xattr_size,
					       FUSE_PROTO_FROM_PEER),
			0);
	CU_ASSERT_EQUAL(memcmp(msg, orig, len), 0);
}

static void test_reply_struct(void)
{
	struct fuse_attr_out ao = { .attr_valid = 3,
				    .attr.ino = 0x99,
				    .attr.mode = 0100644 };
	struct fuse_attr_out peer;
	unsigned char create[144] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	mkrep(0, &ao, sizeof(ao));
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, 16 + sizeof(ao),
					       FUSE_GETATTR, 0,
					       FUSE_PROTO_TO_PEER),
			0);
	memcpy(&peer, msg + 16, sizeof(peer));
	CU_ASSERT_EQUAL(peer.attr.ino, __builtin_bswap64(0x99));
	CU_ASSERT_EQUAL(peer.attr.mode, __builtin_bswap32(0100644));
	round_trip(FUSE_GETATTR, 0, mkrep(0, &ao, sizeof(ao)));
	round_trip(FUSE_CREATE, 0, mkrep(0, create, sizeof(create)));
	round_trip(FUSE_TMPFILE, 0, mkrep(0, create, sizeof(create)));
}

static void test_reply_init_prefixes(void)
{
	struct fuse_init_out io = { .major = 7,
				    .minor = 38,
				    .map_alignment = 12 };

	round_trip(FUSE_INIT, 0, mkrep(0, &io, sizeof(io)));
	round_trip(FUSE_INIT, 0, mkrep(0, &io, 24)); /* 7.22 server */
	round_trip(FUSE_INIT, 0, mkrep(0, &io, 8));  /* 7.0 server */
}

static void test_reply_empty_data_error(void)
{
	round_trip(FUSE_UNLINK, 0, mkrep(0, NULL, 0));
	round_trip(FUSE_READ, 0, mkrep(0, "some data", 9));
	round_trip(FUSE_READLINK, 0, mkrep(0, "target", 6));
	round_trip(FUSE_GETATTR, 0, mkrep(-ENOENT, NULL, 0));
	round_trip(FUSE_LOOKUP, 0, mkrep(-ENAMETOOLONG, NULL, 0));
}

static void test_reply_xattr(void)
{
	struct fuse_getxattr_out go = { .size = 77 };

	round_trip(FUSE_GETXATTR, 0, mkrep(0, &go, sizeof(go)));
	round_trip(FUSE_LISTXATTR, 0, mkrep(0, &go, sizeof(go)));
	round_trip(FUSE_GETXATTR, 16, mkrep(0, "value", 5));
	round_trip(FUSE_LISTXATTR, 16, mkrep(0, "user.a\0user.b", 14));
}

/* Two dirents, names "a" and "longer-name". */
static size_t mkdirents(bool plus)
{
	static const char *const names[] = { "a", "longer-name" };
	size_t fixed = plus ? FUSE_NAME_OFFSET_DIRENTPLUS : FUSE_NAME_OFFSET;
	unsigned char body[512] = { 0 };
	size_t n = 0;

	for (int i = 0; i < 2; i++) {
		struct fuse_dirent d = { .ino = 10u + i,
					 .off = 1u + i,
					 .namelen = (uint32_t)strlen(names[i]),
					 .type = 4 };
		struct fuse_entry_out e = { .nodeid = 10u + i, .attr.ino = 1 };

		if (plus)
			memcpy(body + n, &e, sizeof(e));
		memcpy(body + n + fixed - FUSE_NAME_OFFSET, &d,
		       FUSE_NAME_OFFSET);
		memcpy(body + n + fixed, names[i], d.namelen);
		n += FUSE_DIRENT_ALIGN(fixed + d.namelen);
	}
	return mkrep(0, body, n);
}

static void test_reply_dirents(void)
{
	struct fuse_dirent d;
	size_t len = mkdirents(false);

	round_trip(FUSE_READDIR, 0, len);
	round_trip(FUSE_READDIR, 0, mkrep(0, NULL, 0)); /* end of directory */
	round_trip(FUSE_READDIRPLUS, 0, mkdirents(true));
	len = mkdirents(false);
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, len, FUSE_READDIR, 0,
					       FUSE_PROTO_TO_PEER),
			0);
	/* second record found through the native namelen of the first */
	memcpy(&d, msg + 16 + 32, sizeof(d));
	CU_ASSERT_EQUAL(d.namelen, __builtin_bswap32(11));
	CU_ASSERT(memcmp(msg + 16 + 32 + 24, "longer-name", 11) == 0);
}

static void test_reply_dirent_errors(void)
{
	size_t len = mkdirents(false);
	struct fuse_dirent d;

	/* record cut inside the fixed part */
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, mkrep(0, msg + 16, 20),
					       FUSE_READDIR, 0,
					       FUSE_PROTO_TO_PEER),
			-EPROTO);
	/* namelen past the end */
	len = mkdirents(false);
	memcpy(&d, msg + 16 + 32, sizeof(d));
	d.namelen = 100;
	memcpy(msg + 16 + 32, &d, sizeof(d));
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, len, FUSE_READDIR, 0,
					       FUSE_PROTO_TO_PEER),
			-EOVERFLOW);
	/* namelen beyond NAME_MAX, read from the peer */
	len = mkdirents(false);
	memcpy(&d, msg + 16, sizeof(d));
	d.namelen = 256;
	memcpy(msg + 16, &d, sizeof(d));
	fuse_layout_bswap(fuse_out_header_layout, msg, 16);
	fuse_layout_bswap(fuse_dirent_layout, msg + 16, 24);
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, len, FUSE_READDIR, 0,
					       FUSE_PROTO_FROM_PEER),
			-ENAMETOOLONG);
}

static void test_reply_ioctl(void)
{
	unsigned char body[128] = { 0 };
	struct fuse_ioctl_out io = { .result = 0, .flags = 0 };
	struct fuse_ioctl_iovec iov[3] = { { 0x1000, 8 },
					   { 0x2000, 16 },
					   { 0x3000, 4 } };

	memcpy(body, &io, sizeof(io));
	memcpy(body + 16, "out", 3);
	round_trip(FUSE_IOCTL, 0, mkrep(0, body, 19));
	io.flags = FUSE_IOCTL_RETRY;
	io.in_iovs = 1;
	io.out_iovs = 2;
	memcpy(body, &io, sizeof(io));
	memcpy(body + 16, iov, sizeof(iov));
	round_trip(FUSE_IOCTL, 0, mkrep(0, body, 16 + sizeof(iov)));
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, 16 + 16 + sizeof(iov),
					       FUSE_IOCTL, 0,
					       FUSE_PROTO_TO_PEER),
			0);
	memcpy(iov, msg + 32, sizeof(iov));
	CU_ASSERT_EQUAL(iov[2].base, __builtin_bswap64(0x3000));
}

static void test_reply_ioctl_errors(void)
{
	unsigned char body[128] = { 0 };
	struct fuse_ioctl_out io = { .flags = FUSE_IOCTL_RETRY, .in_iovs = 2 };

	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, mkrep(0, body, 15),
					       FUSE_IOCTL, 0,
					       FUSE_PROTO_TO_PEER),
			-ENODATA);
	memcpy(body, &io, sizeof(io));
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, mkrep(0, body, 16 + 16),
					       FUSE_IOCTL, 0,
					       FUSE_PROTO_TO_PEER),
			-EOVERFLOW);
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, mkrep(0, body, 16 + 40),
					       FUSE_IOCTL, 0,
					       FUSE_PROTO_TO_PEER),
			-E2BIG);
	/* in_iovs + out_iovs would overflow 32 bits */
	io.in_iovs = UINT32_MAX;
	io.out_iovs = UINT32_MAX;
	memcpy(body, &io, sizeof(io));
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, mkrep(0, body, 16 + 32),
					       FUSE_IOCTL, 0,
					       FUSE_PROTO_TO_PEER),
			-EOVERFLOW);
}

static void test_reply_cuse_init(void)
{
	unsigned char body[128] = { 7, 0, 0, 0 };

	memcpy(body + sizeof(struct cuse_init_out), "DEVNAME=x", 10);
	round_trip(CUSE_INIT, 0,
		   mkrep(0, body, sizeof(struct cuse_init_out) + 10));
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, mkrep(0, body, 71),
					       CUSE_INIT, 0,
					       FUSE_PROTO_TO_PEER),
			-ENODATA);
}

static void test_reply_errors(void)
{
	unsigned char body[256] = { 0 };
	size_t len;

	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, mkrep(0, NULL, 0), 7, 0,
					       FUSE_PROTO_TO_PEER),
			-ENOSYS);
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, 15, FUSE_GETATTR, 0,
					       FUSE_PROTO_TO_PEER),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(NULL, 16, FUSE_GETATTR, 0,
					       FUSE_PROTO_TO_PEER),
			-EMSGSIZE);
	len = mkrep(0, NULL, 0);
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, len + 1, FUSE_UNLINK, 0,
					       FUSE_PROTO_TO_PEER),
			-EBADMSG);
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, mkrep(-EIO, body, 8),
					       FUSE_GETATTR, 0,
					       FUSE_PROTO_TO_PEER),
			-EPROTO);
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, mkrep(0, body, 8),
					       FUSE_UNLINK, 0,
					       FUSE_PROTO_TO_PEER),
			-E2BIG);
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, mkrep(0, body, 8),
					       FUSE_FORGET, 0,
					       FUSE_PROTO_TO_PEER),
			-E2BIG);
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, mkrep(0, body, 105),
					       FUSE_GETATTR, 0,
					       FUSE_PROTO_TO_PEER),
			-E2BIG);
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, mkrep(0, body, 103),
					       FUSE_GETATTR, 0,
					       FUSE_PROTO_TO_PEER),
			-ENODATA);
	/* an INIT reply ending inside a field is torn */
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, mkrep(0, body, 9),
					       FUSE_INIT, 0,
					       FUSE_PROTO_TO_PEER),
			-EPROTO);
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, mkrep(0, body, 7),
					       FUSE_INIT, 0,
					       FUSE_PROTO_TO_PEER),
			-ENODATA);
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, mkrep(0, body, 12),
					       FUSE_GETXATTR, 0,
					       FUSE_PROTO_TO_PEER),
			-E2BIG);
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(msg, mkrep(0, body, 17),
					       FUSE_GETXATTR, 16,
					       FUSE_PROTO_TO_PEER),
			-E2BIG);
}

/* The whole story: an opposite-endian guest's INIT arrives, the device
 * detects it, converts, parses, answers natively and converts the answer,
 * which the guest then reads in its own order. */
static void test_serve_opposite_endian_guest(void)
{
	struct fuse_init_in in = { .major = 7,
				   .minor = 38,
				   .flags = FUSE_MAP_ALIGNMENT };
	struct fuse_init_out out = { .major = 7,
				     .minor = 38,
				     .map_alignment = 12,
				     .flags = FUSE_MAP_ALIGNMENT };
	struct fuse_proto_in_arg part = { sizeof(out), &out };
	struct fuse_in_header ih = { .len = 40 + sizeof(in),
				     .opcode = FUSE_INIT,
				     .unique = 1 };
	struct fuse_init_out seen;
	struct fuse_out_header oh;
	struct fuse_proto_req r;
	unsigned char req[128], rep[128];
	ssize_t n;

	/* what the guest puts on the wire, in its order */
	memcpy(req, &ih, 40);
	memcpy(req + 40, &in, sizeof(in));
	fuse_layout_bswap(fuse_in_header_layout, req, 40);
	fuse_layout_bswap(fuse_op_find(FUSE_INIT)->in_layout, req + 40,
			  sizeof(in));

	CU_ASSERT_EQUAL(fuse_proto_parse_request(req, 104, &r),
			-EPROTONOSUPPORT);
	CU_ASSERT_EQUAL(fuse_proto_detect_bswap((struct fuse_in_header *)req),
			1);
	CU_ASSERT_EQUAL(
		fuse_proto_bswap_request(req, 104, FUSE_PROTO_FROM_PEER), 0);
	CU_ASSERT_EQUAL(fuse_proto_parse_request(req, 104, &r), 0);
	CU_ASSERT_EQUAL(r.opcode, FUSE_INIT);
	CU_ASSERT_EQUAL(r.arg_size, sizeof(in));
	CU_ASSERT_EQUAL(memcmp(r.arg, &in, sizeof(in)), 0);

	n = fuse_proto_build_reply(rep, sizeof(rep), r.hdr.unique, &part, 1);
	CU_ASSERT_EQUAL_FATAL(n, 16 + 64);
	CU_ASSERT_EQUAL(fuse_proto_bswap_reply(rep, (size_t)n, FUSE_INIT, 0,
					       FUSE_PROTO_TO_PEER),
			0);
	/* the guest reads it in its order */
	memcpy(&oh, rep, 16);
	memcpy(&seen, rep + 16, sizeof(seen));
	CU_ASSERT_EQUAL(__builtin_bswap32(oh.len), 80);
	CU_ASSERT_EQUAL(__builtin_bswap64(oh.unique), 1);
	CU_ASSERT_EQUAL(__builtin_bswap16(seen.map_alignment), 12);
	CU_ASSERT_EQUAL(__builtin_bswap32(seen.flags), FUSE_MAP_ALIGNMENT);
}

VT_SUITE(fuse_proto_bswap, NULL, NULL, VT_CASE(test_detect),
	 VT_CASE(test_every_struct_round_trip), VT_CASE(test_init_out_fields),
	 VT_CASE(test_every_request_round_trip),
	 VT_CASE(test_request_from_peer_errors),
	 VT_CASE(test_request_from_peer_bad_count),
	 VT_CASE(test_request_to_peer_checks_first), VT_CASE(test_reply_struct),
	 VT_CASE(test_reply_init_prefixes),
	 VT_CASE(test_reply_empty_data_error), VT_CASE(test_reply_xattr),
	 VT_CASE(test_reply_dirents), VT_CASE(test_reply_dirent_errors),
	 VT_CASE(test_reply_ioctl), VT_CASE(test_reply_ioctl_errors),
	 VT_CASE(test_reply_cuse_init), VT_CASE(test_reply_errors),
	 VT_CASE(test_serve_opposite_endian_guest));
