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
#define ERRNO_NAME_MAX	133 /* fuse_errno_name() knows 1..133 */

/* "N" with a unit ns, us, ms or s; 0 or -EINVAL. */
static int parse_duration(const char *s, u64 *ns)
{
	return sched_parse_duration(s, ns) ? -EINVAL : 0;
}

/* "EACCES" or "-EACCES" to -13; -EINVAL for an unknown name. */
static int parse_errno(const char *s, int *err)
{
	if (*s == '-')
		s++;
	for (int e = 1; e <= ERRNO_NAME_MAX; e++) {
		const char *n = fuse_errno_name(-e);

		if (n && !strcmp(n, s)) {
			*err = -e;
			return 0;
		}
	}
	return -EINVAL;
}

enum arg_kind {
	ARG_NONE,
	ARG_DURATION,
	ARG_ERRNO
};

static const struct {
	const char *point;
	enum arg_kind arg;
} points[] = {
	{ "dev.die", ARG_NONE },      { "dev.error", ARG_ERRNO },
	{ "dev.late", ARG_DURATION }, { "dev.bad-unique", ARG_NONE },
	{ "dev.short", ARG_NONE },    { "dev.stall", ARG_DURATION },
};

int vfs_dev_fault_plan_check(const char *spec, char *msg, size_t msgsize)
{
	const char *p = spec;

	if (msgsize)
		msg[0] = '\0';
	while (p && *p) {
		size_t len = strcspn(p, ";");
		char rule[256], *arg;
		size_t i;

		snprintf(rule, sizeof(rule), "%.*s", (int)len, p);
		p += len + (p[len] == ';');
		if (strncmp(rule, "dev.", 4))
			continue;
		for (i = 0; i < ARRAY_SIZE(points); i++) {
			size_t n = strlen(points[i].point);

			if (!strncmp(rule, points[i].point, n) &&
			    rule[n] == ':')
				break;
		}
		if (i == ARRAY_SIZE(points)) {
			if (msgsize)
				snprintf(msg, msgsize,
					 "fault plan: unknown device point in "
					 "\"%s\" (expected dev.die, dev.error, "
					 "dev.late, dev.bad-unique, dev.short "
					 "or dev.stall)",
					 rule);
			return -EINVAL;
		}
		arg = strstr(rule, "arg=");
		if (arg && (arg == rule || (arg[-1] != ',' && arg[-1] != ':')))
			arg = NULL;
		if (arg) {
			u64 ns;
			int e;

			arg += 4;
			arg[strcspn(arg, ",")] = '\0';
			if ((points[i].arg == ARG_DURATION &&
			     !parse_duration(arg, &ns)) ||
			    (points[i].arg == ARG_ERRNO &&
			     !parse_errno(arg, &e)))
				continue;
			if (msgsize)
				snprintf(msg, msgsize,
					 "fault plan: %s takes %s, not "
					 "arg=%s",
					 points[i].point,
					 points[i].arg == ARG_DURATION ?
						 "a duration such as arg=5ms" :
					 points[i].arg == ARG_ERRNO ?
						 "an errno name such as "
						 "arg=EACCES" :
						 "no arg",
					 arg);
			return -EINVAL;
		}
	}
	return 0;
}

/* A bad argument is traced and the point's default used. */
static void bad_arg(const char *point, const char *arg)
{
	TRACE(.kind = "dev.fault_bad_arg", .func = "vfs_req_faults",
	      .detail = trace_fmt("%s arg=%s: default used", point, arg));
}

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

int vfs_req_faults(struct vfs_dev *dev, struct vfs_req *req)
{
	const char *site, *sub, *arg;
	char name[FUSE_PROTO_NAME_MAX + 1];

	if (!fault_nr_rules() || req->opcode < 0)
		return 0;
	site = fuse_opcode_name((u32)req->opcode);
	sub = req_name(req, name, sizeof(name));
	if (fault_hit_arg("dev.die", site, sub, NULL)) {
		vfs_dev_kill(dev);
		return 1;
	}
	if (fault_hit_arg("dev.error", site, sub, &arg)) {
		int err = -EIO;

		if (arg && parse_errno(arg, &err))
			bad_arg("dev.error", arg);
		req_error_reply(req, err);
		return 1;
	}
	if (fault_hit_arg("dev.late", site, sub, &arg)) {
		req->late_ns = DEFAULT_LATE_NS;
		if (arg && parse_duration(arg, &req->late_ns)) {
			req->late_ns = DEFAULT_LATE_NS;
			bad_arg("dev.late", arg);
		}
	}
	req->bad_unique = fault_hit_arg("dev.bad-unique", site, sub, NULL);
	req->short_len = fault_hit_arg("dev.short", site, sub, NULL);
	if (fault_hit_arg("dev.stall", site, sub, &arg)) {
		req->stall = true;
		if (arg && parse_duration(arg, &req->stall_ns)) {
			req->stall_ns = 0;
			bad_arg("dev.stall", arg);
		}
	}
	return 0;
}

void vfs_req_fault_reply(struct vfs_req *req)
{
	struct fuse_out_header oh;

	if (!req->bad_unique || req->out_len < sizeof(oh))
		return;
	/* Inverting every bit is wrong in either byte order. */
	memcpy(&oh, req->out, sizeof(oh));
	oh.unique = ~oh.unique;
	memcpy(req->out, &oh, sizeof(oh));
	TRACE(.kind = "dev.fault_reply", .func = "vfs_req_fault_reply",
	      .head = req->ch.head, .unique = req->unique,
	      .opcode = req->opcode, .detail = "unique inverted");
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
