// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_parse.c - the device's check of a request before it acts on it.
 *
 * The wire order (see fuse_optable.c) is walked with one cursor that only
 * moves forward and is compared with the end before every read, so no
 * field can point the parser outside the buffer.
 */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "fuse_proto/fuse_optable.h"

/* Take one NUL-terminated name at *p, at most @limit bytes before the NUL;
 * on success *p moves past the NUL. */
static int take_name(const unsigned char **p, const unsigned char *end,
		     size_t limit, const char **name, size_t *len)
{
	const unsigned char *nul;

	assert(*p <= end);
	nul = memchr(*p, '\0', (size_t)(end - *p));
	if (!nul)
		return -EILSEQ;
	*len = (size_t)(nul - *p);
	if (*len == 0)
		return -EINVAL;
	if (*len > limit)
		return -ENAMETOOLONG;
	*name = (const char *)*p;
	*p = nul + 1;
	return 0;
}

/* fuse_proto_parse_request() sets each field by name: a field added to
 * struct fuse_proto_req (at the end, the usual place) must be added there
 * too. */
_Static_assert(offsetof(struct fuse_proto_req, ext_size) + sizeof(size_t) ==
		       sizeof(struct fuse_proto_req),
	       "fuse_proto_parse_request() names every field");

int fuse_proto_parse_request(const void *buf, size_t len,
			     struct fuse_proto_req *req)
{
	const unsigned char *b = buf, *p, *end;
	const struct fuse_op_desc *op;
	size_t body, ext;
	int n, err;

	assert(req);
	if (!buf || len < sizeof(req->hdr)) {
		memset(req, 0, sizeof(*req));
		return -EMSGSIZE;
	}
	/* the header copied, every other field named (cheaper than clearing
	 * the whole struct first, once per message) */
	memcpy(&req->hdr, buf, sizeof(req->hdr));
	req->opcode = req->hdr.opcode;
	req->arg = NULL;
	req->arg_size = 0;
	req->name = req->name2 = NULL;
	req->name_len = req->name2_len = 0;
	req->payload = NULL;
	req->payload_size = 0;
	req->count = 0;
	req->ext = NULL;
	req->ext_size = 0;
	/* Before the length: a swapped peer's len is swapped too, and
	 * "wrong byte order" tells the caller more than "bad length". */
	if (req->opcode == FUSE_INIT_BSWAP_RESERVED ||
	    req->opcode == CUSE_INIT_BSWAP_RESERVED)
		return -EPROTONOSUPPORT;
	if (req->hdr.len != len)
		return -EBADMSG;
	op = fuse_op_find(req->opcode);
	if (!op)
		return -ENOSYS;

	body = len - sizeof(req->hdr);
	ext = (size_t)req->hdr.total_extlen * 8;
	if (ext > body)
		return -ERANGE;
	p = b + sizeof(req->hdr);
	end = b + len - ext;
	if (ext) {
		req->ext = end;
		req->ext_size = ext;
	}

	n = fuse_op_fixed_size(op, (size_t)(end - p));
	if (n < 0)
		return n;
	if (n) {
		req->arg = p;
		req->arg_size = (size_t)n;
		p += n;
	}

	if (op->in_names >= 1) {
		err = take_name(&p, end, FUSE_PROTO_NAME_MAX, &req->name,
				&req->name_len);
		if (err)
			return err;
	}
	if (op->in_names >= 2) {
		err = take_name(&p, end,
				op->name2_is_path ? FUSE_PROTO_PATH_MAX :
						    FUSE_PROTO_NAME_MAX,
				&req->name2, &req->name2_len);
		if (err)
			return err;
	}

	if (op->has_tail) {
		uint32_t field;
		uint64_t size;

		assert(req->arg && op->tail_off + 4u <= req->arg_size);
		field = fuse_get_u32(
			(const unsigned char *)req->arg + op->tail_off, false);
		/* u32 * u16 cannot overflow a u64 */
		size = (uint64_t)field * op->tail_elem;
		if (size > (uint64_t)(end - p))
			return -EOVERFLOW;
		req->payload = p;
		req->payload_size = (size_t)size;
		if (op->tail_layout)
			req->count = field;
		p += size;
	}

	if (p != end)
		return -E2BIG;
	return 0;
}

/* The daemons index into the message and never look past what they read,
 * so only opcodes with a fixed argument alone are read this way. */
int fuse_proto_parse_request_lax(const void *buf, size_t len,
				 struct fuse_proto_req *req, size_t *trailing)
{
	const struct fuse_op_desc *op;
	size_t body;
	int err = fuse_proto_parse_request(buf, len, req);

	if (trailing)
		*trailing = 0;
	if (err != -E2BIG)
		return err;
	op = fuse_op_find(req->opcode);
	if (!op || op->in_names || op->has_tail || req->hdr.total_extlen ||
	    op->in_min != op->in_max)
		return err;
	body = len - sizeof(req->hdr);
	if (body < op->in_min)
		return -EPROTO;
	req->arg = op->in_min ? (const unsigned char *)buf + sizeof(req->hdr) :
				NULL;
	req->arg_size = op->in_min;
	if (trailing)
		*trailing = body - op->in_min;
	return 0;
}

int fuse_proto_in_arg_min(uint32_t opcode)
{
	const struct fuse_op_desc *op = fuse_op_find(opcode);

	return op ? op->in_min : -ENOSYS;
}

bool fuse_proto_opcode_noreply(uint32_t opcode)
{
	const struct fuse_op_desc *op = fuse_op_find(opcode);

	return op && op->reply == FUSE_REPLY_NONE;
}
