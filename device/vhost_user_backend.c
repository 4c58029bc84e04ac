// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhost_user_backend.c - the virtio-fs device behind a real vhost-user
 * socket: each front-end message onto the device's ring states, memory
 * onto gmem's mapped backing, eventfds for kicks, interrupts and errors
 * (the vhost-user side of virtiofsd: rust-vmm's vhost-user-backend crate,
 * or libvhost-user's vu_dispatch() for C virtiofsd).
 *
 * Every message is traced ("vu.msg") with its ring and value, so a run
 * against QEMU shows the control plane next to the requests.
 */
#include "device/vhost_user_backend.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/kernel/delay.h"
#include "sim/kernel/sched.h"
#include "sim/trace/trace.h"
#include "sim/trace/host.h"

/* CHECK_DEVICE_STATE waits this long for the transfer to end. */
#define STATE_WAIT_NS (30ULL * 1000000000ULL)

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Write an eventfd's 8-byte increment; a full counter or a gone reader
 * loses nothing that matters (the driver looks at the ring anyway). */
static void signal_fd(int fd)
{
	u64 one = 1;

	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0)
		(void)0;
}

static void be_irq(void *arg, unsigned int idx)
{
	struct vhost_user_backend *be = arg;

	if (idx < be->nr_rings)
		signal_fd(be->rings[idx].call);
}

static void be_ring_error(void *arg, unsigned int idx)
{
	struct vhost_user_backend *be = arg;

	if (idx >= be->nr_rings || be->rings[idx].err_signalled)
		return;
	be->rings[idx].err_signalled = true;
	signal_fd(be->rings[idx].err);
}

int vhost_user_backend_init(struct vhost_user_backend *be, struct vfs_dev *dev,
			    int sock, FILE *log)
{
	const struct vfs_dev_notify n = { be_irq, be_ring_error, be };

	memset(be, 0, sizeof(*be));
	be->dev = dev;
	be->sock = sock;
	be->log = log;
	be->backend_req = -1;
	be->state_fd = -1;
	be->nr_rings = vfs_dev_num_queues(dev);
	be->rings = calloc(be->nr_rings, sizeof(*be->rings));
	if (!be->rings)
		return -ENOMEM;
	for (unsigned int i = 0; i < be->nr_rings; i++)
		be->rings[i] = (struct vhost_user_backend_ring){ .kick = -1,
								 .call = -1,
								 .err = -1 };
	vfs_dev_vhost_init(&be->vh, dev);
	be->vh.offered = VHOST_USER_BACKEND_PROTOCOL_FEATURES;
	vfs_dev_set_notify(dev, &n);
	return 0;
}

static void ring_fds_close(struct vhost_user_backend_ring *r)
{
	close_fd(&r->kick);
	close_fd(&r->call);
	close_fd(&r->err);
}

/* Wait (running the device) until the state pump and transfer are over,
 * or give up after @ns. */
static bool state_settle(struct vhost_user_backend *be, u64 ns)
{
	u64 end = sched_now() + ns;

	while ((be->pump && !be->pump_done) ||
	       (be->vh.xfer_started && !be->vh.xfer.done)) {
		if (sched_now() >= end || sched_step() == SCHED_DONE)
			return false;
	}
	return true;
}

static void state_release(struct vhost_user_backend *be)
{
	close_fd(&be->state_fd);
	if (be->state_live && (!be->pump || be->pump_done) &&
	    (!be->vh.xfer_started || be->vh.xfer.done)) {
		pipe_destroy(&be->state);
		be->state_live = false;
		be->pump = NULL;
	}
}

void vhost_user_backend_exit(struct vhost_user_backend *be)
{
	vfs_dev_reset(be->dev);
	vfs_dev_set_notify(be->dev, NULL);
	if (be->state_live) {
		/* The front end is gone: unblock both tasks and let them end. */
		close_fd(&be->state_fd);
		pipe_close_write(&be->state);
		pipe_close_read(&be->state);
		state_settle(be, 1000000000ULL);
	}
	state_release(be);
	vfs_dev_vhost_exit(&be->vh);
	for (unsigned int i = 0; be->rings && i < be->nr_rings; i++)
		ring_fds_close(&be->rings[i]);
	host_free(be->rings);
	be->rings = NULL;
	vhost_user_mem_clear(&be->mem);
	close_fd(&be->backend_req);
	close_fd(&be->sock);
}

/* --- the state channel's pump --------------------------------------- */

/* Save: device pipe -> front end fd. Load: front end fd -> device pipe.
 * The fd is non-blocking; while it has no room or no bytes the pump
 * sleeps a millisecond (of the real clock, in vfsim serve). */
static int pump_fn(void *arg)
{
	struct vhost_user_backend *be = arg;
	u8 buf[4096];
	int err = 0;

	for (;;) {
		ssize_t n, off = 0;

		if (be->state_fd < 0) {
			err = -EPIPE;
			break;
		}
		if (be->state_dir == VHOST_TRANSFER_STATE_DIRECTION_SAVE) {
			n = pipe_read(&be->state, buf, sizeof(buf));
			if (n <= 0) {
				err = (int)n;
				break;
			}
			while (off < n && be->state_fd >= 0) {
				ssize_t w = write(be->state_fd, buf + off,
						  (size_t)(n - off));

				if (w > 0)
					off += w;
				else if (w < 0 && errno == EAGAIN)
					msleep(1);
				else
					break;
			}
			if (off < n) {
				err = -EPIPE;
				break;
			}
		} else {
			n = read(be->state_fd, buf, sizeof(buf));
			if (n < 0 && errno == EAGAIN) {
				msleep(1);
				continue;
			}
			if (n <= 0) {
				err = n < 0 ? -errno : 0;
				break;
			}
			if (pipe_write(&be->state, buf, (size_t)n) < 0) {
				err = -EPIPE;
				break;
			}
		}
	}
	if (be->state_dir == VHOST_TRANSFER_STATE_DIRECTION_SAVE)
		pipe_close_read(&be->state);
	else
		pipe_close_write(&be->state);
	close_fd(&be->state_fd);
	be->pump_error = err;
	be->pump_done = true;
	TRACE(.kind = "vu.state_pump", .func = "vu_state_pump",
	      .detail = trace_fmt("%s done: %d",
				  be->state_dir ? "load" : "save", err));
	return err;
}

/* --- messages ---------------------------------------------------------- */

/* Log a refused message; return the positive errno for the ack. */
static u64 refuse(struct vhost_user_backend *be, const struct vhost_user_msg *m,
		  int err, const char *why)
{
	be->refused++;
	TRACE(.kind = "vu.refused", .func = "vu_dispatch",
	      .detail = trace_fmt("%s (%u): %s (errno %d)",
				  vhost_user_request_name(m->hdr.request),
				  m->hdr.request, why, -err));
	if (be->log)
		fprintf(be->log,
			"vfsim serve: refused %s (request %u, %u bytes): %s\n",
			vhost_user_request_name(m->hdr.request), m->hdr.request,
			m->hdr.size, why);
	return (u64)-err;
}

static int send_reply(struct vhost_user_backend *be, struct vhost_user_msg *r)
{
	return vhost_user_send(be->sock, r, NULL, 0);
}

/* The ring a message names, or NULL (refused). */
static struct vhost_user_backend_ring *msg_ring(struct vhost_user_backend *be,
						unsigned int idx)
{
	return idx < be->nr_rings ? &be->rings[idx] : NULL;
}

static int set_features(struct vhost_user_backend *be, u64 f)
{
	const u64 proto = 1ULL << VHOST_USER_F_PROTOCOL_FEATURES_BIT;
	int ret;

	ret = vfs_dev_set_features(be->dev, f & ~proto, f & proto);
	if (!ret)
		be->features = f;
	return ret;
}

static int set_vring_addr(struct vhost_user_backend *be,
			  const struct vhost_user_vring_addr *a)
{
	const struct virtio_device_backend *ops = vfs_dev_backend(be->dev);
	struct vhost_user_backend_ring *r = msg_ring(be, a->index);
	gpa_t desc, avail, used;
	u32 num;

	if (!r)
		return -EINVAL;
	num = r->num;
	if (!num ||
	    vhost_user_mem_uva_to_gpa(&be->mem, a->desc_user_addr,
				      vring_desc_size(num), &desc) ||
	    vhost_user_mem_uva_to_gpa(&be->mem, a->avail_user_addr,
				      vring_avail_size(num), &avail) ||
	    vhost_user_mem_uva_to_gpa(&be->mem, a->used_user_addr,
				      vring_used_size(num), &used))
		return -EFAULT;
	r->err_signalled = false;
	ops->queue_ready(be->dev, a->index, desc, avail, used, (u16)num,
			 be->features);
	return vfs_dev_vringh(be->dev, a->index) ? 0 : -EINVAL;
}

static int set_ring_fd(struct vhost_user_backend *be,
		       const struct vhost_user_msg *m, int fd)
{
	unsigned int idx =
		(unsigned int)(m->payload.u64 & VHOST_USER_VRING_IDX_MASK);
	struct vhost_user_backend_ring *r = msg_ring(be, idx);
	int *slot;

	if (!r) {
		close_fd(&fd);
		return -EINVAL;
	}
	slot = m->hdr.request == VHOST_USER_SET_VRING_KICK ? &r->kick :
	       m->hdr.request == VHOST_USER_SET_VRING_CALL ? &r->call :
							     &r->err;
	close_fd(slot);
	*slot = fd;
	if (m->hdr.request != VHOST_USER_SET_VRING_KICK)
		return 0;
	if (fd < 0)
		return -EOPNOTSUPP; /* polling a ring: not offered */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return vfs_dev_set_vring_kick(be->dev, idx);
}

static u64 get_vring_base(struct vhost_user_backend *be, unsigned int idx)
{
	struct vfs_dev_queue_stats st;
	int ret;

	ret = vfs_dev_get_vring_base(be->dev, idx);
	if (ret < 0 && !vfs_dev_queue_stats(be->dev, idx, &st))
		ret = st.last_avail; /* dead or not drained: where it stopped */
	close_fd(&be->rings[idx].kick);
	close_fd(&be->rings[idx].call);
	return (u64)(ret < 0 ? 0 : ret);
}

static u64 set_state_fd(struct vhost_user_backend *be,
			const struct vhost_user_msg *m, int fd)
{
	const struct vhost_user_backend_ops *ops = vfs_dev_vhost_ops();
	struct pipe *theirs = NULL;
	u64 reply;
	int ret;

	if (be->state_live && !state_settle(be, 0)) {
		close(fd);
		return VHOST_USER_DEVICE_STATE_NO_FD | EALREADY;
	}
	state_release(be);
	ret = pipe_init(&be->state, "state-fd", 0);
	if (ret) {
		close(fd);
		return VHOST_USER_DEVICE_STATE_NO_FD | (u64)-ret;
	}
	be->state_live = true;
	be->state_fd = fd;
	be->state_dir = m->payload.xfer.direction;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	reply = ops->set_device_state_fd(&be->vh, m->payload.xfer.direction,
					 m->payload.xfer.phase, &be->state,
					 &theirs);
	if (vhost_user_reply_error(reply)) {
		state_release(be);
		return reply;
	}
	be->pump_done = false;
	be->pump_error = 0;
	be->pump = task_spawn(pump_fn, be, "vfsd/state-pump", TASK_DEVICE, 0);
	if (!be->pump) {
		/* The transfer task sees a closed channel and ends. */
		pipe_close_read(&be->state);
		pipe_close_write(&be->state);
		close_fd(&be->state_fd);
		return VHOST_USER_DEVICE_STATE_NO_FD | ENOMEM;
	}
	return reply;
}

static u64 check_state(struct vhost_user_backend *be)
{
	const struct vhost_user_backend_ops *ops = vfs_dev_vhost_ops();
	int ret;

	if (!be->vh.xfer_started)
		return EINVAL;
	if (!state_settle(be, STATE_WAIT_NS))
		return ETIMEDOUT;
	ret = ops->check_device_state(&be->vh);
	if (!ret && be->pump_error)
		ret = be->pump_error;
	return (u64)(ret < 0 ? -ret : ret);
}

/* Answer @m; @fds are consumed. Returns the reply value for messages
 * that have one, or the ack value (0 or a positive errno). */
static int dispatch(struct vhost_user_backend *be, struct vhost_user_msg *m,
		    int *fds, unsigned int nfds, struct vhost_user_msg *reply,
		    bool *has_reply)
{
	const u64 offered = vfs_dev_backend(be->dev)->features |
			    (1ULL << VHOST_USER_F_PROTOCOL_FEATURES_BIT);
	const struct vhost_user_vring_state *st = &m->payload.state;
	int fd = nfds ? fds[0] : -1;
	u32 req = m->hdr.request;
	int ret = 0;

	*has_reply = true;
	switch (req) {
	case VHOST_USER_GET_FEATURES:
		vhost_user_reply_u64(reply, req, offered);
		return 0;
	case VHOST_USER_GET_PROTOCOL_FEATURES:
		vhost_user_reply_u64(reply, req, be->vh.offered);
		return 0;
	case VHOST_USER_GET_QUEUE_NUM:
		vhost_user_reply_u64(reply, req, be->nr_rings);
		return 0;
	case VHOST_USER_GET_MAX_MEM_SLOTS:
		vhost_user_reply_u64(reply, req, GMEM_MAP_MAX_REGIONS);
		return 0;
	case VHOST_USER_GET_VRING_BASE:
		if (!msg_ring(be, st->index))
			break;
		vhost_user_reply_state(reply, req, st->index,
				       (u32)get_vring_base(be, st->index));
		return 0;
	case VHOST_USER_SET_DEVICE_STATE_FD:
		vhost_user_reply_u64(reply, req, set_state_fd(be, m, fd));
		return 0;
	case VHOST_USER_CHECK_DEVICE_STATE:
		vhost_user_reply_u64(reply, req, check_state(be));
		return 0;
	default:
		break;
	}
	*has_reply = false;
	switch (req) {
	case VHOST_USER_GET_VRING_BASE:
		return (int)refuse(be, m, -EINVAL, "no such ring");
	case VHOST_USER_SET_FEATURES:
		if (m->payload.u64 & ~offered)
			return (int)refuse(be, m, -EINVAL,
					   "features not offered");
		ret = set_features(be, m->payload.u64);
		break;
	case VHOST_USER_SET_PROTOCOL_FEATURES:
		ret = vfs_dev_vhost_ops()->set_protocol_features(
			&be->vh, m->payload.u64);
		if (!ret)
			be->protocol_features = m->payload.u64;
		break;
	case VHOST_USER_SET_OWNER:
		be->owned = true;
		break;
	case VHOST_USER_RESET_OWNER:
	case VHOST_USER_RESET_DEVICE:
		vfs_dev_reset(be->dev);
		for (unsigned int i = 0; i < be->nr_rings; i++)
			ring_fds_close(&be->rings[i]);
		be->features = 0;
		break;
	case VHOST_USER_SET_BACKEND_REQ_FD:
		close_fd(&be->backend_req);
		be->backend_req = fd;
		fd = -1;
		break;
	case VHOST_USER_SET_MEM_TABLE:
		ret = vhost_user_mem_set_table(&be->mem, &m->payload.memory,
					       fds, nfds);
		break;
	case VHOST_USER_ADD_MEM_REG:
		ret = vhost_user_mem_add(&be->mem, &m->payload.mem_reg.region,
					 fd);
		break;
	case VHOST_USER_REM_MEM_REG:
		ret = vhost_user_mem_remove(&be->mem,
					    &m->payload.mem_reg.region);
		break;
	case VHOST_USER_SET_VRING_NUM:
		if (!msg_ring(be, st->index) || !vring_size_valid(st->num))
			return (int)refuse(be, m, -EINVAL,
					   "bad ring index or size");
		be->rings[st->index].num = st->num;
		break;
	case VHOST_USER_SET_VRING_ADDR:
		ret = set_vring_addr(be, &m->payload.addr);
		break;
	case VHOST_USER_SET_VRING_BASE:
		ret = st->num > 0xffff ?
			      -EINVAL :
			      vfs_dev_set_vring_base(be->dev, st->index,
						     (u16)st->num);
		break;
	case VHOST_USER_SET_VRING_ENABLE:
		ret = vfs_dev_set_vring_enable(be->dev, st->index, st->num);
		break;
	case VHOST_USER_SET_VRING_KICK:
	case VHOST_USER_SET_VRING_CALL:
	case VHOST_USER_SET_VRING_ERR:
		ret = set_ring_fd(be, m, fd);
		fd = -1;
		break;
	default:
		ret = -EOPNOTSUPP;
		break;
	}
	/* Memory tables keep their own mappings; other fds were taken. */
	if (req == VHOST_USER_SET_MEM_TABLE)
		for (unsigned int i = 0; i < nfds; i++)
			close(fds[i]);
	else
		close_fd(&fd);
	if (ret)
		return (int)refuse(be, m, ret,
				   ret == -EOPNOTSUPP ?
					   "not offered by this back end" :
					   strerror(-ret));
	return 0;
}

int vhost_user_backend_handle(struct vhost_user_backend *be)
{
	struct vhost_user_msg m, reply;
	int fds[VHOST_USER_MAX_FDS];
	unsigned int nfds;
	const char *why = NULL;
	bool has_reply;
	int ret, ack;

	ret = vhost_user_recv(be->sock, &m, fds, &nfds);
	if (ret) {
		if (ret != -ECONNRESET && be->log)
			fprintf(be->log,
				"vfsim serve: connection dropped: broken "
				"message (errno %d)\n",
				-ret);
		TRACE(.kind = "vu.disconnect", .func = "vu_dispatch",
		      .detail = trace_fmt("errno %d", -ret));
		return ret;
	}
	be->messages++;
	TRACE(.kind = "vu.msg", .func = "vu_dispatch",
	      .detail = trace_fmt(
		      "%s size=%u fds=%u u64=0x%llx%s",
		      vhost_user_request_name(m.hdr.request), m.hdr.size, nfds,
		      m.hdr.size >= 8 ? (unsigned long long)m.payload.u64 :
					0ULL,
		      m.hdr.flags & VHOST_USER_NEED_REPLY_MASK ? " need_reply" :
								 ""));
	if (m.hdr.flags & VHOST_USER_REPLY_MASK) {
		ack = (int)refuse(be, &m, -EPROTO, "a reply sent as a request");
		for (unsigned int i = 0; i < nfds; i++)
			close(fds[i]);
		has_reply = false;
	} else if ((ret = vhost_user_msg_check(&m, nfds, &why))) {
		ack = (int)refuse(be, &m, ret, why);
		for (unsigned int i = 0; i < nfds; i++)
			close(fds[i]);
		has_reply = false;
	} else {
		ack = dispatch(be, &m, fds, nfds, &reply, &has_reply);
	}
	if (!has_reply && (m.hdr.flags & VHOST_USER_NEED_REPLY_MASK) &&
	    (be->protocol_features &
	     (1ULL << VHOST_USER_PROTOCOL_F_REPLY_ACK))) {
		vhost_user_reply_u64(&reply, m.hdr.request, (u64)ack);
		has_reply = true;
	}
	if (!has_reply)
		return 0;
	ret = send_reply(be, &reply);
	if (ret && be->log)
		fprintf(be->log, "vfsim serve: cannot reply to %s: errno %d\n",
			vhost_user_request_name(m.hdr.request), -ret);
	return ret;
}

void vhost_user_backend_kick(struct vhost_user_backend *be, unsigned int idx)
{
	const struct virtio_device_backend *ops = vfs_dev_backend(be->dev);
	u64 n;

	if (idx >= be->nr_rings || be->rings[idx].kick < 0)
		return;
	/* One read takes every kick since the last: they merge. */
	if (read(be->rings[idx].kick, &n, sizeof(n)) != sizeof(n))
		return;
	ops->kick(be->dev, idx);
}
