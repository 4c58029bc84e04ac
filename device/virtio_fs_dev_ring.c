// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_fs_dev_ring.c - vhost-user ring states: started/stopped and
 * enabled/disabled, the suspended device, and the front end's messages
 * that move them (SET_VRING_KICK, SET_VRING_ENABLE, SET_FEATURES,
 * GET_VRING_BASE, SET_VRING_BASE).
 */
#include <assert.h>
#include <errno.h>

#include "device/virtio_fs_dev_internal.h"
#include "sim/trace/trace.h"

void vfs_dev_update_suspended(struct vfs_dev *dev)
{
	bool all_stopped = true;

	for (unsigned int i = 0; i < dev->nr_rings; i++)
		if (dev->rings[i].started)
			all_stopped = false;
	if (all_stopped == dev->suspended)
		return;
	dev->suspended = all_stopped;
	if (all_stopped)
		TRACE(.kind = "dev.suspended",
		      .func = "vfs_dev_update_suspended",
		      .detail = "every ring stopped");
	else
		TRACE(.kind = "dev.resumed",
		      .func = "vfs_dev_update_suspended");
}

bool vfs_dev_suspended(const struct vfs_dev *dev)
{
	return dev->suspended;
}

/* Twin of vhost-user-backend's set_queue_ready(true). */
void vfs_ring_start(struct vfs_ring *r)
{
	assert(r->ready && !r->broken);
	r->started = true;
	TRACE(.kind = "dev.ring_start", .func = "vu_ring_start",
	      .queue = r->name, .avail_idx = r->vrh.last_avail_idx,
	      .detail = r->enabled ? "enabled" : "disabled");
	vfs_dev_update_suspended(r->dev);
	wake_up(&r->wq);
}

void vfs_ring_broken(struct vfs_ring *r, int err)
{
	r->broken = true;
	TRACE(.kind = "dev.needs_reset", .func = "vu_panic", .queue = r->name,
	      .detail = trace_fmt("errno %d: queue stops until reset", -err));
	if (r->dev->vdev)
		virtio_transport_needs_reset(r->dev->vdev);
	else if (r->dev->notify.error)
		r->dev->notify.error(r->dev->notify.arg, r->idx);
}

int vfs_dev_set_vring_kick(struct vfs_dev *dev, unsigned int idx)
{
	struct vfs_ring *r;

	if (idx >= dev->nr_rings)
		return -EINVAL;
	if (dev->dead)
		return -ENOTCONN;
	r = &dev->rings[idx];
	if (!r->ready)
		return -ENXIO;
	if (r->broken)
		return -EIO;
	r->kick_armed = true;
	if (!r->started)
		vfs_ring_start(r);
	return 0;
}

int vfs_dev_set_vring_enable(struct vfs_dev *dev, unsigned int idx, bool on)
{
	struct vfs_ring *r;

	if (idx >= dev->nr_rings)
		return -EINVAL;
	r = &dev->rings[idx];
	r->enabled = on;
	TRACE(.kind = "dev.ring_enable", .func = "vu_set_vring_enable",
	      .queue = r->name, .detail = on ? "on" : "off");
	/* what a disabled ring kept waiting is served now */
	if (on)
		wake_up(&r->wq);
	return 0;
}

int vfs_dev_set_features(struct vfs_dev *dev, u64 features,
			 bool protocol_features_negotiated)
{
	if (features & ~dev->backend.features)
		return -EINVAL;
	dev->features = features;
	TRACE(.kind = "dev.set_features", .func = "vu_set_features",
	      .detail = trace_fmt("features=0x%llx protocol_features=%d",
				  (unsigned long long)features,
				  protocol_features_negotiated));
	if (protocol_features_negotiated)
		return 0;
	for (unsigned int i = 0; i < dev->nr_rings; i++)
		if (!dev->rings[i].enabled)
			vfs_dev_set_vring_enable(dev, i, true);
	return 0;
}

/* The ring stops: it is no longer processed at all. */
static void ring_stop(struct vfs_ring *r)
{
	r->started = false;
	r->stopping = false;
	TRACE(.kind = "dev.ring_stop", .func = "vu_get_vring_base",
	      .queue = r->name,
	      .avail_idx = r->ready ? r->vrh.last_avail_idx : r->base,
	      .detail = trace_fmt("held=%u", r->st.in_progress));
	vfs_dev_update_suspended(r->dev);
}

/*
 * Stop popping, let the workers finish what they hold (a parked SETLKW is
 * answered EINTR), then stop. Guarantees: on return the ring is stopped;
 * unless -EDEADLK, it holds nothing.
 */
int vfs_dev_get_vring_base(struct vfs_dev *dev, unsigned int idx)
{
	struct vfs_ring *r;
	int ret = 0;

	if (idx >= dev->nr_rings)
		return -EINVAL;
	if (dev->dead)
		return -ENOTCONN;
	r = &dev->rings[idx];
	/* vhost-user-backend drops the kick fd: kicks are not seen until
	 * the next SET_VRING_KICK. */
	r->kick_armed = false;
	if (r->started) {
		r->stopping = true;
		TRACE(.kind = "dev.ring_drain", .func = "vu_get_vring_base",
		      .queue = r->name,
		      .detail = trace_fmt("in_progress=%u", r->st.in_progress));
		/* Parked SETLKWs of this ring give up. */
		wake_up(&r->dev->lock_wq);
		while (r->st.in_progress && !ret) {
			if (dev->dead)
				ret = -ENOTCONN;
			else if (wq_wait(&r->drain_wq, "drain", 0) == -EDEADLK)
				ret = -EDEADLK;
		}
		ring_stop(r);
	}
	if (ret)
		return ret;
	return r->ready ? vringh_get_last_avail(&r->vrh) : r->base;
}

int vfs_dev_set_vring_base(struct vfs_dev *dev, unsigned int idx, u16 base)
{
	struct vfs_ring *r;

	if (idx >= dev->nr_rings)
		return -EINVAL;
	r = &dev->rings[idx];
	if (r->started)
		return -EBUSY;
	r->base = base;
	r->base_set = true;
	if (r->ready)
		vringh_set_last_avail(&r->vrh, base);
	TRACE(.kind = "dev.set_vring_base", .func = "vu_set_vring_base",
	      .queue = r->name, .avail_idx = base);
	return 0;
}
