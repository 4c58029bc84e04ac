// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfsim_fault.c - vfsim's own: the driver sending a malformed request on
 * purpose (fault point "guest.bad-request"), so a device's handling of
 * one can be tested from a scenario. The kernel has no such point; its
 * requests are well formed by construction.
 */
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "guest/fuse_i.h"
#include "guest/vfsim_internal.h"
#include "sim/kernel/fault.h"
#include "sim/trace/trace.h"

/* An opcode no FUSE version defines. */
#define BAD_OPCODE 9999

int vfsim_bad_request_point = -2;

void __vfsim_spoil_request(struct fuse_req *req, struct scatterlist *hdr_sg)
{
	const char *site = NULL;
	const char *arg;
	int point;

	if (vfsim_bad_request_point == -2)
		vfsim_bad_request_point = fault_point("guest.bad-request");
	point = vfsim_bad_request_point;
	/* only a rule reads the site: no name looked up for each request */
	if (fault_point_ruled(point))
		site = fuse_opcode_name(req->in.h.opcode);
	if (!fault_hit_arg_id(point, site, NULL, &arg))
		return;
	if (!arg || !strcmp(arg, "len")) {
		req->in.h.len += 8;
		arg = "len";
	} else if (!strcmp(arg, "opcode")) {
		req->in.h.opcode = BAD_OPCODE;
	} else {
		/* "short": the fault plan accepts nothing else */
		hdr_sg->length = sizeof(req->in.h) / 2;
	}
	TRACE(.kind = "virtio_fs.bad_request", .func = "vfsim_spoil_request",
	      .unique = req->in.h.unique, .opcode = (s32)req->in.h.opcode,
	      .detail = trace_fmt("%s spoiled", arg));
}
