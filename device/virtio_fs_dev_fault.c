// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_fs_dev_fault.c - what the fault plan can make the device do to
 * one request: die on it, refuse it, answer it late or malformed, stall
 * after it. vfsim's own: virtiofsd has no fault injection; these are the
 * failures a driver must survive, made to happen on purpose, to a
 * simulated driver or (vfsim serve) to a real one.
 *
 * The points are consulted per popped request with the opcode's name as
 * the site and the name the request is about as the sub-site, so a rule
 * can pick one operation on one file, whatever else the driver sends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/virtio_fs_dev_internal.h"
#include "fuse_proto/fuse_msg.h"
#include "sim/kernel/fault.h"
#include "sim/kernel/sched.h"
#include "sim/trace/trace.h"

#define DEFAULT_LATE_NS 1000000000ULL

/* The name the request is about, NUL-terminated in @buf, or NULL. */
static const char *req_name(const struct vfs_req *req, char *buf, size_t size)
{
	struct fuse_proto_req in;

	if (req->swap || fuse_proto_parse_request(req->in, req->in_len, &in) ||
	    !in.name)
		return NULL;
	snprintf(buf, size, "%.*s", (int)in.name_len, in.name);
	return buf;
}

/* The malformed-reply points, bit i of vfs_req::malformed for entry i. */
static const struct {
	const char *point;
	const char *what; /* for the dev.fault_reply event */
} malformed[] = {
	[VFS_BAD_UNIQUE] = { "dev.bad-unique", "unique inverted" },
	[VFS_BAD_SHORT] = { "dev.short", "used length halved" },
	[VFS_BAD_LONG] = { "dev.long", "len 8 bytes too long" },
	[VFS_BAD_POSITIVE] = { "dev.positive-error", "error +5" },
	[VFS_BAD_RANGE] = { "dev.error-range", "error -5000" },
	[VFS_BAD_PAYLOAD] = { "dev.error-payload",
			      "error -EIO with the payload" },
	[VFS_BAD_DUP] = { "dev.dup-reply", "used element pushed twice" },
	[VFS_BAD_STRAY] = { "dev.stray-reply",
			    "a used element for no request in flight" },
};

/* The points a request consults, in this order (docs/device.md). */
enum {
	P_DIE,
	P_ERROR,
	P_LATE,
	P_BAD, /* the malformed replies, in their table's order */
	P_STALL = P_BAD + ARRAY_SIZE(malformed),
	NR_POINTS
};

/* Their numbers (fault_point()), looked up once, as FAULT_HIT() keeps
 * a point's; and the ones that have a number (all, unless the process
 * ran out of them), for fault_count_hits(). */
static int ids[NR_POINTS] = { [0 ... NR_POINTS - 1] = -2 };
static int numbered[NR_POINTS];
static size_t nr_numbered;

static __attribute__((cold, noinline)) void ids_look_up(void)
{
	ids[P_DIE] = fault_point("dev.die");
	ids[P_ERROR] = fault_point("dev.error");
	ids[P_LATE] = fault_point("dev.late");
	for (size_t i = 0; i < ARRAY_SIZE(malformed); i++)
		ids[P_BAD + i] = fault_point(malformed[i].point);
	ids[P_STALL] = fault_point("dev.stall");
	for (size_t i = 0; i < NR_POINTS; i++)
		if (ids[i] >= 0)
			numbered[nr_numbered++] = ids[i];
}

/* The points consulted with a plan that has rules: each hit, until one
 * ends the request, and the rules decide from the opcode and the name. */
static int consult_ruled(struct vfs_dev *dev, struct vfs_req *req)
{
	const char *site = fuse_opcode_name((u32)req->opcode), *sub, *arg;
	char name[FUSE_PROTO_NAME_MAX + 1];

	sub = req_name(req, name, sizeof(name));
	if (fault_hit_arg_id(ids[P_DIE], site, sub, NULL)) {
		vfs_dev_kill(dev);
		return 1;
	}
	/* fault_plan_parse() took only arguments that parse; a failure
	 * here leaves the default in place */
	if (fault_hit_arg_id(ids[P_ERROR], site, sub, &arg)) {
		int err = -EIO;

		if (arg)
			fault_parse_errno(arg, &err);
		req_error_reply(req, err);
		return 1;
	}
	if (fault_hit_arg_id(ids[P_LATE], site, sub, &arg)) {
		req->late_ns = DEFAULT_LATE_NS;
		if (arg && sched_parse_duration(arg, &req->late_ns))
			req->late_ns = DEFAULT_LATE_NS;
	}
	for (size_t i = 0; i < ARRAY_SIZE(malformed); i++)
		if (fault_hit_arg_id(ids[P_BAD + i], site, sub, NULL))
			req->malformed |= 1u << i;
	if (fault_hit_arg_id(ids[P_STALL], site, sub, &arg)) {
		req->stall = true;
		if (arg && sched_parse_duration(arg, &req->stall_ns))
			req->stall_ns = 0;
	}
	return 0;
}

int vfs_req_faults(struct vfs_dev *dev, struct vfs_req *req)
{
	if (req->opcode < 0)
		return 0;
	if (unlikely(ids[0] == -2))
		ids_look_up();
	if (unlikely(fault_nr_rules()))
		return consult_ruled(dev, req);
	/* Every consultation is a hit, with rules or without (fault.h);
	 * with none, no hit can fail, so counting them is all there is to
	 * do, and the site and the name are not worth making. */
	if (likely(nr_numbered == NR_POINTS)) /* a constant count: unrolled */
		fault_count_hits(ids, NR_POINTS);
	else
		fault_count_hits(numbered, nr_numbered);
	return 0;
}

static u32 hdr32(const struct vfs_req *req, u32 v)
{
	return req->swap ? __builtin_bswap32(v) : v;
}

void vfs_req_fault_reply(struct vfs_req *req)
{
	struct fuse_out_header oh;
	unsigned int m = req->malformed;
	char what[160];
	size_t n = 0;

	if (!m || req->out_len < sizeof(oh))
		return;
	memcpy(&oh, req->out, sizeof(oh));
	/* Inverting every bit is wrong in either byte order. */
	if (m & VFS_BAD(UNIQUE))
		oh.unique = ~oh.unique;
	if (m & VFS_BAD(LONG))
		oh.len = hdr32(req, hdr32(req, oh.len) + 8);
	if (m & VFS_BAD(POSITIVE))
		oh.error = (s32)hdr32(req, 5);
	if (m & VFS_BAD(RANGE))
		oh.error = (s32)hdr32(req, (u32)-5000);
	if (m & VFS_BAD(PAYLOAD))
		oh.error = (s32)hdr32(req, (u32)-EIO);
	memcpy(req->out, &oh, sizeof(oh));
	what[0] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(malformed); i++)
		if (m & (1u << i))
			n += (size_t)snprintf(what + n, sizeof(what) - n,
					      "%s%s", n ? ", " : "",
					      malformed[i].what);
	TRACE(.kind = "dev.fault_reply", .func = "vfs_req_fault_reply",
	      .head = req->ch.head, .unique = req->unique,
	      .opcode = req->opcode, .detail = trace_fmt("%s", what));
}

size_t vfs_req_fault_used(const struct vfs_req *req)
{
	if (req->malformed & VFS_BAD(SHORT))
		return req->out_len / 2;
	if (req->malformed & VFS_BAD(LONG))
		return req->out_len + 8 <= req->out_cap ? req->out_len + 8 :
							  req->out_len;
	return req->out_len;
}

void vfs_req_fault_push(struct vfs_ring *r, const struct vfs_req *req, u32 used)
{
	int ret;

	if (req->malformed & VFS_BAD(DUP)) {
		ret = vringh_push(&r->vrh, req->ch.head, used);
		TRACE(.kind = "dev.fault_push", .func = "vfs_req_fault_push",
		      .queue = r->name, .head = req->ch.head,
		      .used_idx = r->vrh.last_used_idx, .unique = req->unique,
		      .opcode = req->opcode,
		      .detail = trace_fmt("head %u pushed again: %d",
					  req->ch.head, ret));
	}
	if (req->malformed & VFS_BAD(STRAY)) {
		/* The head's next descriptor is in range and belongs to no
		 * request once the head is used: the driver never handed it
		 * out as a head. (An indirect head has no next: nothing to
		 * name then.) */
		gpa_t d = r->vrh.desc + 16 * (gpa_t)req->ch.head;
		bool next = gmem_peek_le(d + 12, 2) & VIRTQ_DESC_F_NEXT;
		u16 id = (u16)gmem_peek_le(d + 14, 2);

		ret = next && id < r->vrh.num ? vringh_push(&r->vrh, id, 0) :
						-ENOENT;
		TRACE(.kind = "dev.fault_push", .func = "vfs_req_fault_push",
		      .queue = r->name, .head = id,
		      .used_idx = r->vrh.last_used_idx, .unique = req->unique,
		      .opcode = req->opcode,
		      .detail = ret == -ENOENT ?
					"no descriptor to name: not pushed" :
					trace_fmt("used id %u, no request: %d",
						  id, ret));
	}
}

static void stall_timer_fn(struct sim_timer *t)
{
	vfs_dev_stall_end(container_of(t, struct vfs_dev, stall_timer));
}

void vfs_req_fault_stall(struct vfs_dev *dev, struct vfs_req *req)
{
	if (!req->stall || dev->paused)
		return;
	TRACE(.kind = "dev.stall", .func = "vfs_req_fault_stall",
	      .unique = req->unique, .opcode = req->opcode,
	      .detail = req->stall_ns ?
				trace_fmt("for %llu ns",
					  (unsigned long long)req->stall_ns) :
				"until resumed");
	vfs_dev_pause(dev, true);
	if (req->stall_ns) {
		sim_timer_cancel(&dev->stall_timer);
		sim_timer_arm(&dev->stall_timer, sched_now() + req->stall_ns,
			      stall_timer_fn);
	}
}

/* An observer's count of the chains and descriptors the driver made
 * available and the device has not popped. */
static void ring_fill(const struct vfs_ring *r, unsigned int *chains,
		      unsigned int *descs)
{
	const struct vringh *v = &r->vrh;
	u16 avail = (u16)gmem_peek_le(v->avail + 2, 2);

	*chains = (u16)(avail - v->last_avail_idx);
	*descs = 0;
	if (*chains > v->num)
		return;
	for (u16 k = 0; k < *chains; k++) {
		u16 i = (u16)gmem_peek_le(
			v->avail + 4 + 2 * ((v->last_avail_idx + k) % v->num),
			2);

		for (unsigned int n = 0; i < v->num && n < v->num; n++) {
			gpa_t d = v->desc + 16 * (gpa_t)i;

			(*descs)++;
			if (!(gmem_peek_le(d + 12, 2) & VIRTQ_DESC_F_NEXT))
				break;
			i = (u16)gmem_peek_le(d + 14, 2);
		}
	}
}

void vfs_dev_stall_end(struct vfs_dev *dev)
{
	char buf[512];
	size_t len = 0;

	if (!dev->paused)
		return;
	sim_timer_cancel(&dev->stall_timer);
	buf[0] = '\0';
	for (unsigned int i = 0; i < dev->nr_rings; i++) {
		const struct vfs_ring *r = &dev->rings[i];
		unsigned int chains, descs;

		if (!r->ready || len >= sizeof(buf))
			continue;
		ring_fill(r, &chains, &descs);
		len += (size_t)snprintf(
			buf + len, sizeof(buf) - len,
			"%s%s: %u chains, %u of %u descriptors%s",
			len ? "; " : "", r->name, chains, descs, r->vrh.num,
			descs == r->vrh.num ? " (full)" : "");
	}
	TRACE(.kind = "dev.stall_end", .func = "vfs_dev_stall_end",
	      .detail = trace_fmt("%s", buf));
	vfs_dev_pause(dev, false);
}
