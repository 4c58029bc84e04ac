// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_fs_dev_vhost.c - the virtio-fs device behind vhost-user messages
 * (virtiofsd's vhost-user-backend glue): ring messages map onto the ring
 * states of virtio_fs_dev_ring.c, the state messages onto
 * fuse_state_transfer.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "device/virtio_fs_dev.h"
#include "sim/kernel/sched.h"
#include "sim/kernel/task.h"
#include "sim/trace/trace.h"

void vfs_dev_vhost_init(struct vfs_dev_vhost *vh, struct vfs_dev *dev)
{
	memset(vh, 0, sizeof(*vh));
	vh->dev = dev;
	vh->offered = VFS_DEV_VHOST_PROTOCOL_FEATURES;
	vh->policy = FUSE_STATE_ABORT;
	__init_waitqueue_head(&vh->xfer_wait, "xfer_wait");
}

static void own_release(struct vfs_dev_vhost *vh)
{
	if (vh->own_live)
		pipe_destroy(&vh->own);
	vh->own_live = false;
}

void vfs_dev_vhost_exit(struct vfs_dev_vhost *vh)
{
	own_release(vh);
}

static u64 vh_get_protocol_features(void *opaque)
{
	struct vfs_dev_vhost *vh = opaque;

	return vh->offered;
}

static int vh_set_protocol_features(void *opaque, u64 features)
{
	struct vfs_dev_vhost *vh = opaque;

	if (features & ~vh->offered)
		return -EINVAL;
	vh->protocol_features = features;
	TRACE(.kind = "dev.protocol_features",
	      .func = "vu_set_protocol_features",
	      .detail = trace_fmt("0x%llx", (unsigned long long)features));
	return 0;
}

static int vh_set_vring_call(void *opaque, struct virtio_device *vdev)
{
	struct vfs_dev_vhost *vh = opaque;

	vfs_dev_attach(vh->dev, vdev);
	return 0;
}

static int vh_set_vring_enable(void *opaque, unsigned int idx, bool on)
{
	return vfs_dev_set_vring_enable(((struct vfs_dev_vhost *)opaque)->dev,
					idx, on);
}

static int vh_set_vring_kick(void *opaque, unsigned int idx)
{
	return vfs_dev_set_vring_kick(((struct vfs_dev_vhost *)opaque)->dev,
				      idx);
}

static int vh_get_vring_base(void *opaque, unsigned int idx)
{
	return vfs_dev_get_vring_base(((struct vfs_dev_vhost *)opaque)->dev,
				      idx);
}

static int vh_set_vring_base(void *opaque, unsigned int idx, u16 base)
{
	return vfs_dev_set_vring_base(((struct vfs_dev_vhost *)opaque)->dev,
				      idx, base);
}

/* Why SET_DEVICE_STATE_FD is refused (a positive errno), or 0. */
static int state_fd_refusal(struct vfs_dev_vhost *vh, u32 dir, u32 phase,
			    struct pipe *channel)
{
	if (!(vh->protocol_features &
	      (1ULL << VHOST_USER_PROTOCOL_F_DEVICE_STATE)))
		return EOPNOTSUPP;
	if (dir != VHOST_TRANSFER_STATE_DIRECTION_SAVE &&
	    dir != VHOST_TRANSFER_STATE_DIRECTION_LOAD)
		return EINVAL;
	if (phase != VHOST_TRANSFER_STATE_PHASE_STOPPED)
		return ERANGE;
	if (!vfs_dev_suspended(vh->dev))
		return EBUSY;
	if (vh->xfer_started && !vh->xfer.done)
		return EALREADY;
	if (!channel && !vh->own_channel)
		return EBADF;
	return vh->refuse[dir];
}

/* virtiofsd's transfer thread: the transfer, then a wake-up for the
 * CHECK_DEVICE_STATE that joins it. */
static int transfer_task(void *arg)
{
	struct vfs_dev_vhost *vh = arg;
	int ret = fuse_state_transfer_task(&vh->xfer);

	wake_up_all(&vh->xfer_wait);
	return ret;
}

/*
 * Guarantees: on an error reply no task was started and no channel is
 * returned; otherwise a device task owns the transfer until it is done.
 */
static u64 vh_set_device_state_fd(void *opaque, u32 dir, u32 phase,
				  struct pipe *channel, struct pipe **theirs)
{
	struct vfs_dev_vhost *vh = opaque;
	int err = state_fd_refusal(vh, dir, phase, channel);
	u64 reply = VHOST_USER_DEVICE_STATE_NO_FD;

	*theirs = NULL;
	if (!err) {
		own_release(vh); /* the previous transfer is over */
		if (vh->own_channel) {
			err = -pipe_init(&vh->own, "state-backend", 0);
			vh->own_live = !err;
			channel = &vh->own;
		}
	}
	if (!err) {
		memset(&vh->xfer, 0, sizeof(vh->xfer));
		vh->xfer.srv = vfs_dev_server(vh->dev);
		vh->xfer.pipe = channel;
		vh->xfer.dir = (enum fuse_state_direction)dir;
		vh->xfer.policy = vh->policy;
		vh->xfer.write_size = vh->write_size;
		task_spawn(transfer_task, vh,
			   dir ? "virtiofsd.load" : "virtiofsd.save",
			   TASK_DEVICE, 0);
		vh->xfer_started = true;
		if (vh->own_channel) {
			*theirs = &vh->own;
			reply = 0;
		}
	}
	assert(err >= 0 && err <= (int)VHOST_USER_DEVICE_STATE_ERR_MASK);
	reply |= (u64)err;
	TRACE(.kind = "dev.set_state_fd", .func = "vu_set_device_state_fd",
	      .detail = trace_fmt("direction=%u phase=%u reply=0x%llx", dir,
				  phase, (unsigned long long)reply));
	return reply;
}

static int vh_check_device_state(void *opaque)
{
	struct vfs_dev_vhost *vh = opaque;
	int ret;

	if (!vh->xfer_started)
		return -EINVAL;
	/* The reply waits for the transfer to end, as virtiofsd joins its
	 * transfer thread: the caller blocks until the task wakes it. (A
	 * loop of yields would leave the transfer task unrun under a policy
	 * that keeps preferring the caller.) Outside a task nothing can run
	 * meanwhile, and an unfinished transfer answers -EINPROGRESS. */
	if (current)
		wait_event(vh->xfer_wait, vh->xfer.done);
	ret = fuse_state_check(&vh->xfer);
	TRACE(.kind = "dev.check_state", .func = "vu_check_device_state",
	      .detail = trace_fmt("%d", ret));
	return ret;
}

static const struct virtio_device_backend *vh_transport(void *opaque)
{
	return vfs_dev_backend(((struct vfs_dev_vhost *)opaque)->dev);
}

static void *vh_transport_dev(void *opaque)
{
	return ((struct vfs_dev_vhost *)opaque)->dev;
}

static const struct vhost_user_backend_ops vfs_vhost_ops = {
	.get_protocol_features = vh_get_protocol_features,
	.set_protocol_features = vh_set_protocol_features,
	.set_vring_call = vh_set_vring_call,
	.set_vring_enable = vh_set_vring_enable,
	.set_vring_kick = vh_set_vring_kick,
	.get_vring_base = vh_get_vring_base,
	.set_vring_base = vh_set_vring_base,
	.set_device_state_fd = vh_set_device_state_fd,
	.check_device_state = vh_check_device_state,
	.transport = vh_transport,
	.transport_dev = vh_transport_dev,
};

const struct vhost_user_backend_ops *vfs_dev_vhost_ops(void)
{
	return &vfs_vhost_ops;
}
