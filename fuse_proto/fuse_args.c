// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_args.c - putting messages on the wire: requests (guest side) and
 * replies (device side).
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"

/* Sum of the in args' sizes, or -EINVAL for a bad description. The sum
 * cannot overflow a u64: at most FUSE_PROTO_MAX_IN_ARGS u32s. */
static int64_t in_args_size(const struct fuse_proto_args *args)
{
	uint64_t n = 0;

	if (args->in_numargs > FUSE_PROTO_MAX_IN_ARGS)
		return -EINVAL;
	for (unsigned int i = 0; i < args->in_numargs; i++) {
		if (args->in_args[i].size && !args->in_args[i].value)
			return -EINVAL;
		n += args->in_args[i].size;
	}
	return (int64_t)n;
}

size_t fuse_proto_request_size(const struct fuse_proto_args *args)
{
	int64_t n;

	assert(args);
	n = in_args_size(args);
	if (n < 0)
		return 0;
	n += sizeof(struct fuse_in_header);
	return n > UINT32_MAX ? 0 : (size_t)n;
}

size_t fuse_proto_reply_size(const struct fuse_proto_args *args)
{
	size_t n = sizeof(struct fuse_out_header);

	assert(args);
	if (args->out_numargs > FUSE_PROTO_MAX_OUT_ARGS)
		return 0;
	for (unsigned int i = 0; i < args->out_numargs; i++)
		n += args->out_args[i].size;
	return n;
}

ssize_t fuse_proto_build_request(void *buf, size_t size, uint64_t unique,
				 const struct fuse_proto_args *args,
				 uint32_t uid, uint32_t gid, uint32_t pid)
{
	struct fuse_in_header ih;
	unsigned char *p = buf;
	int64_t n;

	assert(args);
	n = in_args_size(args);
	if (n < 0)
		return n;
	n += sizeof(ih);
	if (n > UINT32_MAX)
		return -EOVERFLOW;
	if (!buf || size < (size_t)n)
		return -EMSGSIZE;

	memset(&ih, 0, sizeof(ih));
	ih.len = (uint32_t)n;
	ih.opcode = args->opcode;
	ih.unique = unique;
	ih.nodeid = args->nodeid;
	ih.uid = uid;
	ih.gid = gid;
	ih.pid = pid;
	memcpy(p, &ih, sizeof(ih));
	p += sizeof(ih);
	for (unsigned int i = 0; i < args->in_numargs; i++) {
		if (args->in_args[i].size)
			memcpy(p, args->in_args[i].value,
			       args->in_args[i].size);
		p += args->in_args[i].size;
	}
	assert(p == (unsigned char *)buf + n);
	return (ssize_t)n;
}

ssize_t fuse_proto_build_reply(void *buf, size_t size, uint64_t unique,
			       const struct fuse_proto_in_arg *parts,
			       unsigned int nparts)
{
	struct fuse_out_header oh = { .unique = unique };
	unsigned char *p = buf;
	uint64_t n = sizeof(oh);

	for (unsigned int i = 0; i < nparts; i++) {
		if (parts[i].size && !parts[i].value)
			return -EINVAL;
		n += parts[i].size;
		if (n > UINT32_MAX)
			return -EOVERFLOW;
	}
	if (!buf || size < n)
		return -EMSGSIZE;
	oh.len = (uint32_t)n;
	memcpy(p, &oh, sizeof(oh));
	p += sizeof(oh);
	for (unsigned int i = 0; i < nparts; i++) {
		if (parts[i].size)
			memcpy(p, parts[i].value, parts[i].size);
		p += parts[i].size;
	}
	return (ssize_t)n;
}

ssize_t fuse_proto_build_error_reply(void *buf, size_t size, uint64_t unique,
				     int error)
{
	struct fuse_out_header oh = {
		.len = sizeof(oh),
		.error = error,
		.unique = unique,
	};

	if (error > 0 || error < -FUSE_PROTO_MAX_ERRNO)
		return -ERANGE;
	if (!buf || size < sizeof(oh))
		return -EMSGSIZE;
	memcpy(buf, &oh, sizeof(oh));
	return sizeof(oh);
}
