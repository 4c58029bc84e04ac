// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhost_user_frontend_msg.c - the front end's messages to a real
 * vhost-user back end: QEMU's vhost_user_write(), vhost_user_read() and
 * process_message_reply() for one request at a time, and what makes the
 * device gone when the back end refuses, closes or stays silent.
 *
 * Messages are synchronous, as QEMU's are: a task that sends one waits
 * for its answer (bounded by a receive timeout), so a step of the machine
 * may last as long as the back end takes to answer.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim/trace/trace.h"
#include "sim/vmm/vhost_user_frontend_internal.h"

int vhost_user_frontend_fail(struct vhost_user_frontend *fe, int err,
			     const char *why)
{
	if (fe->gone)
		return err;
	fe->gone = true;
	fe->error = err;
	snprintf(fe->why, sizeof(fe->why), "%s", why);
	TRACE(.kind = "vu.gone", .func = "vhost_user_backend_disconnect",
	      .detail =
		      trace_fmt("%s: %s (%s)", fe->name, why, strerror(-err)));
	/* The guest's view: a device that needs a reset, queues that no
	 * longer work. */
	if (fe->vdev && fe->vdev->backend_dev == fe) {
		virtio_transport_needs_reset(fe->vdev);
		virtio_break_device(fe->vdev);
	}
	return err;
}

static int recv_reply(struct vhost_user_frontend *fe, u32 request,
		      struct vhost_user_msg *reply, int *rfd)
{
	int fds[VHOST_USER_MAX_FDS];
	unsigned int nfds = 0;
	int ret = vhost_user_recv(fe->sock, reply, fds, &nfds);

	if (ret)
		return vhost_user_frontend_fail(
			fe, ret,
			trace_fmt("no answer to %s",
				  vhost_user_request_name(request)));
	if (!(reply->hdr.flags & VHOST_USER_REPLY_MASK) ||
	    reply->hdr.request != request) {
		for (unsigned int i = 0; i < nfds; i++)
			close(fds[i]);
		return vhost_user_frontend_fail(
			fe, -EPROTO,
			trace_fmt("%s answered with %s",
				  vhost_user_request_name(request),
				  vhost_user_request_name(reply->hdr.request)));
	}
	for (unsigned int i = 0; i < nfds; i++) {
		if (rfd && i == 0)
			*rfd = fds[0];
		else
			close(fds[i]);
	}
	return 0;
}

int vhost_user_frontend_call(struct vhost_user_frontend *fe,
			     struct vhost_user_msg *msg, const int *fds,
			     unsigned int nfds, struct vhost_user_msg *reply,
			     int *rfd)
{
	struct vhost_user_msg ack;
	bool want_ack = !reply &&
			has_protocol(fe, VHOST_USER_PROTOCOL_F_REPLY_ACK);
	u32 req = msg->hdr.request;
	int ret;

	if (fe->gone)
		return fe->error ? fe->error : -ENODEV;
	msg->hdr.flags = VHOST_USER_VERSION |
			 (want_ack ? VHOST_USER_NEED_REPLY_MASK : 0);
	fe->messages++;
	ret = vhost_user_send(fe->sock, msg, fds, nfds);
	if (ret)
		return vhost_user_frontend_fail(
			fe, ret,
			trace_fmt("cannot send %s",
				  vhost_user_request_name(req)));
	if (!reply && !want_ack)
		return 0;
	ret = recv_reply(fe, req, reply ? reply : &ack, rfd);
	if (ret || reply)
		return ret;
	if (ack.hdr.size != sizeof(u64) || ack.payload.u64) {
		TRACE(.kind = "vu.refused", .func = "process_message_reply",
		      .detail = trace_fmt("%s: %s refused (%llu)", fe->name,
					  vhost_user_request_name(req),
					  (unsigned long long)ack.payload.u64));
		return vhost_user_frontend_fail(
			fe, -EIO,
			trace_fmt("the back end refused %s",
				  vhost_user_request_name(req)));
	}
	return 0;
}

/* A request without payload whose answer is a u64. */
int vhost_user_frontend_get_u64(struct vhost_user_frontend *fe, u32 req,
				u64 *val)
{
	struct vhost_user_msg m, r;
	int ret;

	msg_init(&m, req, 0);
	ret = vhost_user_frontend_call(fe, &m, NULL, 0, &r, NULL);
	if (!ret && r.hdr.size != sizeof(u64))
		ret = vhost_user_frontend_fail(
			fe, -EBADMSG,
			trace_fmt("%s answer of %u bytes",
				  vhost_user_request_name(req), r.hdr.size));
	if (!ret)
		*val = r.payload.u64;
	return ret;
}

int vhost_user_frontend_set_u64(struct vhost_user_frontend *fe, u32 req,
				u64 val, int fd)
{
	struct vhost_user_msg m;

	msg_init(&m, req, sizeof(u64));
	m.payload.u64 = val;
	return vhost_user_frontend_call(fe, &m, &fd, fd >= 0 ? 1 : 0, NULL,
					NULL);
}

int vhost_user_frontend_set_state(struct vhost_user_frontend *fe, u32 req,
				  u32 idx, u32 num)
{
	struct vhost_user_msg m;

	msg_init(&m, req, sizeof(m.payload.state));
	m.payload.state = (struct vhost_user_vring_state){ idx, num };
	return vhost_user_frontend_call(fe, &m, NULL, 0, NULL, NULL);
}
