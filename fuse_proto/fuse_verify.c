// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_verify.c - the guest's check of a reply before it believes it, at
 * the kernel's strictness or at vfsim's stricter one.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"

/*
 * The kernel level is virtio_fs_verify_response() of Linux 7.1 (commit
 * 68b69fa0edb2); the strict level adds what the kernel's /dev/fuse path
 * would refuse (fuse_dev_do_write(), copy_out_args()).
 */
int fuse_proto_check_reply(const struct fuse_proto_args *args, uint64_t unique,
			   const void *buf, size_t used_len,
			   struct fuse_out_header *oh,
			   enum fuse_verify_strictness strictness)
{
	struct fuse_out_header h;
	size_t payload, max, min;

	if (strictness != FUSE_VERIFY_KERNEL &&
	    strictness != FUSE_VERIFY_STRICT)
		return -EINVAL;
	if (strictness == FUSE_VERIFY_STRICT && !args)
		return -EINVAL;
	if (!buf || used_len < sizeof(h))
		return -EMSGSIZE;
	memcpy(&h, buf, sizeof(h));
	if (oh)
		*oh = h;
	if (h.len != used_len)
		return -EBADMSG;
	if (h.unique != unique)
		return -EBADR;
	if (strictness == FUSE_VERIFY_KERNEL)
		return 0;
	if (h.error > 0 || h.error < -FUSE_PROTO_MAX_ERRNO)
		return -ERANGE;
	payload = used_len - sizeof(h);
	if (h.error) {
		if (payload)
			return -EPROTO;
		return 0;
	}
	if (args->out_numargs > FUSE_PROTO_MAX_OUT_ARGS)
		return -EINVAL;
	max = fuse_proto_reply_size(args) - sizeof(h);
	min = max;
	if (args->out_argvar && args->out_numargs)
		min -= args->out_args[args->out_numargs - 1].size;
	if (payload > max)
		return -E2BIG;
	if (payload < min)
		return -ENODATA;
	return 0;
}

int fuse_proto_verify_reply(const struct fuse_proto_args *args, uint64_t unique,
			    const void *buf, size_t used_len,
			    struct fuse_out_header *oh)
{
	return fuse_proto_check_reply(args, unique, buf, used_len, oh,
				      FUSE_VERIFY_STRICT);
}

/* Twin of the kernel's copy_out_args(): scatter the payload into the out
 * args; a variable last arg learns its real size. */
ssize_t fuse_proto_copy_reply_args(struct fuse_proto_args *args,
				   uint64_t unique, const void *buf,
				   size_t used_len)
{
	struct fuse_out_header oh;
	const unsigned char *p;
	size_t left;
	int err;

	err = fuse_proto_verify_reply(args, unique, buf, used_len, &oh);
	if (err)
		return err;
	p = (const unsigned char *)buf + sizeof(oh);
	left = used_len - sizeof(oh);
	if (oh.error)
		return 0;
	for (unsigned int i = 0; i < args->out_numargs; i++) {
		struct fuse_proto_out_arg *a = &args->out_args[i];
		size_t n = a->size;

		if (i == args->out_numargs - 1u && args->out_argvar) {
			/* verify guaranteed left <= a->size here */
			n = left;
			a->size = (uint32_t)n;
		}
		assert(n <= left);
		if (a->value && n)
			memcpy(a->value, p, n);
		p += n;
		left -= n;
	}
	assert(left == 0);
	return (ssize_t)(used_len - sizeof(oh));
}
