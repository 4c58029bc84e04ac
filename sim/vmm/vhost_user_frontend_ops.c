// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhost_user_frontend_ops.c - the migration flow's back-end calls
 * (sim/vmm/vhost_user.h) as real vhost-user messages: QEMU's
 * vhost_user_get_vring_base(), vhost_user_set_device_state_fd() and
 * vhost_user_check_device_state(), and the state's way through a real
 * pipe(2) (vhost_save_backend_state(), vhost_load_backend_state()).
 *
 * The flow moves the state through a simulated pipe between tasks; here a
 * bridge task copies between that pipe and our end of the real one, and
 * sleeps (sched_block()) while the real one has nothing to read or no
 * room, until the outside hook sees it ready.
 */
#define _GNU_SOURCE /* pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "sim/kernel/sched.h"
#include "sim/trace/trace.h"
#include "sim/vmm/vhost_user_frontend.h"

short vhost_user_frontend_xfer_events(const struct vhost_user_frontend *fe)
{
	return fe->xfer_dir == VHOST_TRANSFER_STATE_DIRECTION_SAVE ? POLLIN :
								     POLLOUT;
}

static u64 ops_get_protocol_features(void *dev)
{
	return ((struct vhost_user_frontend *)dev)->protocol_offered;
}

/* Protocol features were set once, at connection (QEMU sets them once
 * too); the flow's request must be among those acked. */
static int ops_set_protocol_features(void *dev, u64 features)
{
	struct vhost_user_frontend *fe = dev;

	if (features & ~fe->protocol_acked)
		return -EINVAL;
	return fe->gone ? fe->error : 0;
}

static int ops_set_vring_call(void *dev, struct virtio_device *vdev)
{
	struct vhost_user_frontend *fe = dev;

	fe->vdev = vdev;
	return fe->gone ? fe->error : 0;
}

static int ops_set_vring_enable(void *dev, unsigned int idx, bool on)
{
	return vhost_user_frontend_enable(dev, idx, on);
}

/* The flow starts a ring: the back end dropped the call eventfd with
 * GET_VRING_BASE (or never had one, on a destination), so it gets one,
 * then the kick; one kick more makes it look at what the ring holds. */
static int ops_set_vring_kick(void *dev, unsigned int idx)
{
	struct vhost_user_frontend *fe = dev;
	u64 one = 1;
	int ret = vhost_user_frontend_set_call(fe, idx) ?:
			  vhost_user_frontend_set_kick(fe, idx);

	if (!ret && write(fe->rings[idx].kick, &one, sizeof(one)) < 0)
		ret = -errno;
	return ret;
}

/* The back end finishes what it popped before it answers: its last
 * interrupt may still sit in the call eventfd, which the switch drops. */
static int ops_get_vring_base(void *dev, unsigned int idx)
{
	int ret = vhost_user_frontend_get_vring_base(dev, idx);

	if (ret >= 0)
		vhost_user_frontend_flush_call(dev, idx);
	return ret;
}

static int ops_set_vring_base(void *dev, unsigned int idx, u16 base)
{
	struct vhost_user_frontend *fe = dev;
	struct vhost_user_msg m = {
		.hdr = { .request = VHOST_USER_SET_VRING_BASE,
			 .size = sizeof(m.payload.state) }
	};

	fe->rings[idx].base = base;
	m.payload.state = (struct vhost_user_vring_state){ idx, base };
	return vhost_user_frontend_call(fe, &m, NULL, 0, NULL, NULL);
}

/* Wait until our end of the real pipe is ready (the outside hook wakes
 * us); -EPIPE when the back end went away meanwhile. */
static int wait_fd(struct vhost_user_frontend *fe)
{
	fe->xfer_waiting = true;
	sched_block("fd", "state-fd", 0);
	fe->xfer_waiting = false;
	return fe->gone ? -EPIPE : 0;
}

static int save_bridge(struct vhost_user_frontend *fe)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(fe->xfer_fd, buf, sizeof(buf));

		if (n == 0)
			return 0;
		if (n < 0 && errno == EAGAIN) {
			if (wait_fd(fe))
				return -EPIPE;
			continue;
		}
		if (n < 0)
			return -errno;
		if (pipe_write(fe->xfer_chan, buf, (size_t)n) < 0)
			return -EPIPE;
	}
}

static int load_bridge(struct vhost_user_frontend *fe)
{
	char buf[4096];

	for (;;) {
		ssize_t n = pipe_read(fe->xfer_chan, buf, sizeof(buf));
		size_t done = 0;

		if (n <= 0)
			return (int)n;
		while (done < (size_t)n) {
			ssize_t w = write(fe->xfer_fd, buf + done,
					  (size_t)n - done);

			if (w < 0 && errno == EAGAIN) {
				if (wait_fd(fe))
					return -EPIPE;
				continue;
			}
			if (w < 0)
				return -errno;
			done += (size_t)w;
		}
	}
}

/* The bridge task: copy until one side ends, then close ours so the back
 * end (load) or the flow (save) sees the end of the stream. */
static int bridge_task(void *arg)
{
	struct vhost_user_frontend *fe = arg;
	bool save = fe->xfer_dir == VHOST_TRANSFER_STATE_DIRECTION_SAVE;

	fe->xfer_err = save ? save_bridge(fe) : load_bridge(fe);
	if (save)
		pipe_close_write(fe->xfer_chan);
	else
		pipe_close_read(fe->xfer_chan);
	close(fe->xfer_fd);
	fe->xfer_fd = -1;
	TRACE(.kind = "vu.state_fd", .func = "vhost_user_frontend_bridge",
	      .detail = trace_fmt("%s: %s pipe closed: %d", fe->name,
				  save ? "save" : "load", fe->xfer_err));
	fe->xfer_task = NULL;
	complete(&fe->xfer_done);
	return 0;
}

static u64 state_fd_error(int err)
{
	return VHOST_USER_DEVICE_STATE_NO_FD |
	       ((u64)(err < 0 ? -err : err) & VHOST_USER_DEVICE_STATE_ERR_MASK);
}

static u64 ops_set_device_state_fd(void *dev, u32 direction, u32 phase,
				   struct pipe *channel,
				   struct pipe **backend_channel)
{
	struct vhost_user_frontend *fe = dev;
	struct vhost_user_msg
		m = { .hdr = { .request = VHOST_USER_SET_DEVICE_STATE_FD,
			       .size = sizeof(m.payload.xfer) } },
		reply;
	bool save = direction == VHOST_TRANSFER_STATE_DIRECTION_SAVE;
	int p[2], theirs = -1, ret;

	*backend_channel = NULL;
	if (!(fe->protocol_acked &
	      (1ULL << VHOST_USER_PROTOCOL_F_DEVICE_STATE)))
		return state_fd_error(EOPNOTSUPP);
	if (fe->xfer_task)
		return state_fd_error(EBUSY);
	if (pipe2(p, O_CLOEXEC))
		return state_fd_error(errno);
	m.payload.xfer = (struct vhost_user_device_state){ direction, phase };
	/* Save: the back end writes, we read. Load: the other way. */
	ret = vhost_user_frontend_call(fe, &m, &p[save ? 1 : 0], 1, &reply,
				       &theirs);
	close(p[save ? 1 : 0]);
	if (!ret && reply.hdr.size != sizeof(u64))
		ret = -EBADMSG;
	if (ret) {
		close(p[save ? 0 : 1]);
		if (theirs >= 0)
			close(theirs);
		return state_fd_error(ret);
	}
	TRACE(.kind = "vu.state_fd", .func = "vhost_user_set_device_state_fd",
	      .detail = trace_fmt("%s: %s reply 0x%llx%s", fe->name,
				  save ? "save" : "load",
				  (unsigned long long)reply.payload.u64,
				  theirs >= 0 ? " with its own fd" : ""));
	if (vhost_user_reply_error(reply.payload.u64)) {
		close(p[save ? 0 : 1]);
		if (theirs >= 0)
			close(theirs);
		return reply.payload.u64 | VHOST_USER_DEVICE_STATE_NO_FD;
	}
	if (!(reply.payload.u64 & VHOST_USER_DEVICE_STATE_NO_FD) &&
	    theirs >= 0) {
		/* The back end's own channel replaces ours. */
		close(p[save ? 0 : 1]);
		fe->xfer_fd = theirs;
	} else {
		if (theirs >= 0)
			close(theirs);
		fe->xfer_fd = p[save ? 0 : 1];
	}
	fcntl(fe->xfer_fd, F_SETFL, O_NONBLOCK);
	fe->xfer_dir = direction;
	fe->xfer_chan = channel;
	fe->xfer_err = 0;
	init_completion(&fe->xfer_done);
	fe->xfer_task =
		task_spawn(bridge_task, fe, "state-bridge", TASK_FRONTEND, 0);
	if (!fe->xfer_task) {
		close(fe->xfer_fd);
		fe->xfer_fd = -1;
		return state_fd_error(ENOMEM);
	}
	/* The flow uses its own pipe: the bridge stands in for the fd. */
	return VHOST_USER_DEVICE_STATE_NO_FD;
}

static int ops_check_device_state(void *dev)
{
	struct vhost_user_frontend *fe = dev;
	u64 v = 0;
	struct vhost_user_msg
		m = { .hdr = { .request = VHOST_USER_CHECK_DEVICE_STATE,
			       .size = 0 } },
		reply;
	int ret;

	/* The back end checks once its end of the pipe is closed. */
	if (fe->xfer_task)
		wait_for_completion(&fe->xfer_done);
	ret = vhost_user_frontend_call(fe, &m, NULL, 0, &reply, NULL);
	if (!ret && reply.hdr.size != sizeof(u64))
		ret = -EBADMSG;
	if (!ret)
		v = reply.payload.u64;
	TRACE(.kind = "vu.check", .func = "vhost_user_check_device_state",
	      .detail = trace_fmt("%s: %llu, bridge %d", fe->name,
				  (unsigned long long)v, fe->xfer_err));
	if (ret)
		return ret;
	if (v)
		return v < 256 ? -(int)v : -EIO;
	return fe->xfer_err;
}

static const struct virtio_device_backend *ops_transport(void *dev)
{
	return &((struct vhost_user_frontend *)dev)->transport;
}

static void *ops_transport_dev(void *dev)
{
	return dev;
}

static const struct vhost_user_backend_ops frontend_ops = {
	.get_protocol_features = ops_get_protocol_features,
	.set_protocol_features = ops_set_protocol_features,
	.set_vring_call = ops_set_vring_call,
	.set_vring_enable = ops_set_vring_enable,
	.set_vring_kick = ops_set_vring_kick,
	.get_vring_base = ops_get_vring_base,
	.set_vring_base = ops_set_vring_base,
	.set_device_state_fd = ops_set_device_state_fd,
	.check_device_state = ops_check_device_state,
	.transport = ops_transport,
	.transport_dev = ops_transport_dev,
};

const struct vhost_user_backend_ops *vhost_user_frontend_ops(void)
{
	return &frontend_ops;
}
