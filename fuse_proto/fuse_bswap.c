// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_bswap.c - serving a peer of the other byte order.
 *
 * FUSE has no byte-order field: a peer's order shows only in its first
 * message, INIT, whose opcode 26 reads as 26 << 24 on the other side
 * (FUSE_INIT_BSWAP_RESERVED). Once detected, every header and argument
 * struct is converted field by field from the layouts in fuse_optable.c;
 * names and data are bytes and stay as they are.
 *
 * A field that sizes something (a length, a count, a name length) must be
 * read in native order: after the swap when converting from the peer,
 * before it when converting to the peer.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "fuse_proto/fuse_optable.h"

int fuse_proto_detect_bswap(const struct fuse_in_header *hdr)
{
	assert(hdr);
	switch (hdr->opcode) {
	case FUSE_INIT_BSWAP_RESERVED:
	case CUSE_INIT_BSWAP_RESERVED:
		return 1;
	case FUSE_INIT:
	case CUSE_INIT:
		return 0;
	default:
		return -ENOMSG;
	}
}

/* Swap the entry array of a parsed (native) request. */
static void swap_tail(const struct fuse_op_desc *op,
		      const struct fuse_proto_req *req)
{
	unsigned char *e = (unsigned char *)req->payload;

	if (!op->has_tail || !op->tail_layout)
		return;
	for (uint32_t i = 0; i < req->count; i++, e += op->tail_elem)
		fuse_layout_bswap(op->tail_layout, e, op->tail_elem);
}

/* From the peer: header and fixed arg first, so that the parser then reads
 * native sizes and counts; the entries last. */
static int request_from_peer(unsigned char *b, size_t len)
{
	const struct fuse_op_desc *op;
	struct fuse_in_header ih;
	struct fuse_proto_req req;
	size_t body, ext;
	int n;

	fuse_layout_bswap(fuse_in_header_layout, b, sizeof(ih));
	memcpy(&ih, b, sizeof(ih));
	if (ih.len != len)
		return -EBADMSG;
	op = fuse_op_find(ih.opcode);
	if (!op)
		return -ENOSYS;
	body = len - sizeof(ih);
	ext = (size_t)ih.total_extlen * 8;
	if (ext > body)
		return -ERANGE;
	n = fuse_op_fixed_size(op, body - ext);
	if (n < 0)
		return n;
	if (op->in_layout)
		fuse_layout_bswap(op->in_layout, b + sizeof(ih), (size_t)n);
	n = fuse_proto_parse_request(b, len, &req);
	if (n)
		return n;
	swap_tail(op, &req);
	return 0;
}

/* To the peer: check the native message whole, then swap the parts. */
static int request_to_peer(unsigned char *b, size_t len)
{
	const struct fuse_op_desc *op;
	struct fuse_proto_req req;
	int err;

	err = fuse_proto_parse_request(b, len, &req);
	if (err)
		return err;
	op = fuse_op_find(req.opcode);
	assert(op);
	swap_tail(op, &req);
	if (req.arg && op->in_layout)
		fuse_layout_bswap(op->in_layout, (unsigned char *)req.arg,
				  req.arg_size);
	fuse_layout_bswap(fuse_in_header_layout, b, sizeof(req.hdr));
	return 0;
}

int fuse_proto_bswap_request(void *buf, size_t len,
			     enum fuse_proto_bswap_dir dir)
{
	if (!buf || len < sizeof(struct fuse_in_header))
		return -EMSGSIZE;
	if (dir == FUSE_PROTO_FROM_PEER)
		return request_from_peer(buf, len);
	return request_to_peer(buf, len);
}

/* Exactly one struct of @layout's size @min..@max, swapped field by field;
 * a byte count that ends inside a field is a torn struct. */
static int swap_struct(const char *layout, size_t min, size_t max,
		       unsigned char *p, size_t n)
{
	if (n > max)
		return -E2BIG;
	if (n < min)
		return -ENODATA;
	if (fuse_layout_bswap(layout, p, n) != n)
		return -EPROTO;
	return 0;
}

/* READDIR / READDIRPLUS: records of @fixed bytes whose fuse_dirent starts
 * at @dirent_off, each followed by its name padded to 8 bytes. */
static int swap_dirents(unsigned char *p, size_t n, size_t fixed,
			size_t dirent_off, const char *fixed_layout, bool from)
{
	const size_t namelen_off =
		dirent_off + offsetof(struct fuse_dirent, namelen);

	while (n) {
		uint32_t namelen = 0;
		uint64_t reclen;

		if (n < fixed)
			return -EPROTO;
		if (!from)
			namelen = fuse_get_u32(p + namelen_off, false);
		fuse_layout_bswap(fixed_layout, p, fixed);
		if (from)
			namelen = fuse_get_u32(p + namelen_off, false);
		if (namelen > FUSE_PROTO_NAME_MAX)
			return -ENAMETOOLONG;
		reclen = FUSE_DIRENT_ALIGN((uint64_t)fixed + namelen);
		if (reclen > n)
			return -EOVERFLOW;
		p += reclen;
		n -= (size_t)reclen;
	}
	return 0;
}

/* IOCTL and CUSE_INIT: a struct, then bytes; an IOCTL retry reply carries
 * in_iovs + out_iovs iovecs instead of bytes. */
static int swap_struct_data(const struct fuse_op_desc *op, unsigned char *p,
			    size_t n, bool from)
{
	struct fuse_ioctl_out io = { 0 };
	uint64_t iovs;
	size_t rest;

	if (n < op->out_min)
		return -ENODATA;
	if (!from)
		memcpy(&io, p, sizeof(io));
	fuse_layout_bswap(op->out_layout, p, op->out_min);
	if (from)
		memcpy(&io, p, sizeof(io));
	if (op->reply != FUSE_REPLY_IOCTL || !(io.flags & FUSE_IOCTL_RETRY))
		return 0;
	rest = n - op->out_min;
	iovs = (uint64_t)io.in_iovs + io.out_iovs;
	if (iovs * sizeof(struct fuse_ioctl_iovec) > rest)
		return -EOVERFLOW;
	if (iovs * sizeof(struct fuse_ioctl_iovec) < rest)
		return -E2BIG;
	p += op->out_min;
	for (uint64_t i = 0; i < iovs;
	     i++, p += sizeof(struct fuse_ioctl_iovec))
		fuse_layout_bswap(fuse_ioctl_iovec_layout, p,
				  sizeof(struct fuse_ioctl_iovec));
	return 0;
}

int fuse_proto_bswap_reply(void *buf, size_t len, uint32_t opcode,
			   uint32_t xattr_size, enum fuse_proto_bswap_dir dir)
{
	const bool from = dir == FUSE_PROTO_FROM_PEER;
	const struct fuse_op_desc *op;
	struct fuse_out_header oh;
	unsigned char *p = buf;
	size_t n;

	op = fuse_op_find(opcode);
	if (!op)
		return -ENOSYS;
	if (!buf || len < sizeof(oh))
		return -EMSGSIZE;
	if (!from)
		memcpy(&oh, p, sizeof(oh));
	fuse_layout_bswap(fuse_out_header_layout, p, sizeof(oh));
	if (from)
		memcpy(&oh, p, sizeof(oh));
	if (oh.len != len)
		return -EBADMSG;
	p += sizeof(oh);
	n = len - sizeof(oh);
	if (oh.error)
		return n ? -EPROTO : 0;

	switch (op->reply) {
	case FUSE_REPLY_NONE:
	case FUSE_REPLY_EMPTY:
		return n ? -E2BIG : 0;
	case FUSE_REPLY_STRUCT:
		return swap_struct(op->out_layout, op->out_min, op->out_max, p,
				   n);
	case FUSE_REPLY_DATA:
		return 0;
	case FUSE_REPLY_XATTR:
		if (xattr_size == 0)
			return swap_struct("44",
					   sizeof(struct fuse_getxattr_out),
					   sizeof(struct fuse_getxattr_out), p,
					   n);
		return n > xattr_size ? -E2BIG : 0;
	case FUSE_REPLY_DIRENT:
		return swap_dirents(p, n, FUSE_NAME_OFFSET, 0,
				    fuse_dirent_layout, from);
	case FUSE_REPLY_DIRENTPLUS:
		return swap_dirents(p, n, FUSE_NAME_OFFSET_DIRENTPLUS,
				    offsetof(struct fuse_direntplus, dirent),
				    fuse_direntplus_layout, from);
	case FUSE_REPLY_IOCTL:
	case FUSE_REPLY_STRUCT_DATA:
		return swap_struct_data(op, p, n, from);
	}
	assert(0 && "unknown reply kind");
	return -ENOSYS;
}
