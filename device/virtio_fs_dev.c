// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_fs_dev.c - the virtio-fs device: creation, config space, the
 * transport's backend ops, reset and statistics (QEMU's vhost-user-fs.c
 * plus the parts of virtiofsd that own the queues).
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/virtio_fs_dev_internal.h"
#include "sim/kernel/sched.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

#define MIB (1024u * 1024u)

/* Fill the defaults in and check every setting. */
static int config_fill(struct vfs_dev_config *c)
{
	size_t taglen;
	u32 align;

	if (!c->tag)
		c->tag = "vfsim";
	taglen = strlen(c->tag);
	if (!taglen || taglen > VFS_DEV_TAG_MAX)
		return -EINVAL;
	if (!c->num_request_queues)
		c->num_request_queues = 1;
	if (!c->queue_size)
		c->queue_size = 128;
	if (!c->hiprio_workers)
		c->hiprio_workers = 1;
	if (!c->request_workers)
		c->request_workers = 2;
	if (!c->max_request_size)
		c->max_request_size = MIB + 4096;
	if (!c->max_reply_size)
		c->max_reply_size = MIB + 4096;
	align = c->server.map_alignment ? c->server.map_alignment : 12;
	/* What fuse_server_new() would refuse, refused here as a setting. */
	if (align > 63 || c->server.dax_window_size % (1ULL << align))
		return -EINVAL;
	if (c->options >> VFS_DEV_NR_OPTIONS)
		return -EINVAL;
	/* the server parks SETLKWs only when the device can park them */
	c->server.blocking_setlkw = c->options &
				    (1u << VFS_DEV_OPT_PARK_SETLKW);
	if (c->num_request_queues > VFS_DEV_MAX_REQUEST_QUEUES ||
	    !vring_size_valid(c->queue_size) ||
	    c->hiprio_workers > VFS_DEV_MAX_WORKERS ||
	    c->request_workers > VFS_DEV_MAX_WORKERS ||
	    c->max_request_size < sizeof(struct fuse_in_header) ||
	    c->max_reply_size < sizeof(struct fuse_out_header))
		return -EINVAL;
	return 0;
}

/* backend get_config: the virtio_fs_config bytes. */
static int vfs_get_config(void *opaque, unsigned int off, void *buf,
			  unsigned int len)
{
	struct vfs_dev *dev = opaque;

	if (off > sizeof(dev->config) || len > sizeof(dev->config) - off)
		return -EINVAL;
	memcpy(buf, (u8 *)&dev->config + off, len);
	return 0;
}

/* backend set_features: the driver accepted @features; the front end
 * relays them as SET_FEATURES (QEMU: vhost_dev_set_features()). */
static int vfs_set_features_hook(void *opaque, u64 features)
{
	struct vfs_dev *dev = opaque;

	return vfs_dev_set_features(dev, features, dev->cfg.protocol_features);
}

/* backend queue_ready: SET_VRING_NUM + SET_VRING_ADDR for one queue. */
static void vfs_queue_ready(void *opaque, unsigned int idx, gpa_t desc,
			    gpa_t avail, gpa_t used, u16 num, u64 features)
{
	struct vfs_dev *dev = opaque;
	struct vfs_ring *r;
	int ret;

	if (idx >= dev->nr_rings)
		return;
	r = &dev->rings[idx];
	ret = vringh_init(&r->vrh, r->name, features, num, desc, avail, used);
	if (ret) {
		/* The driver put the ring outside its memory. */
		r->ready = false;
		vfs_ring_broken(r, ret);
		return;
	}
	if (r->base_set)
		vringh_set_last_avail(&r->vrh, r->base);
	r->ready = true;
	r->kick_armed = true;
	TRACE(.kind = "dev.queue_ready", .func = "vu_set_vring_addr",
	      .queue = r->name, .avail_idx = r->vrh.last_avail_idx,
	      .used_idx = r->vrh.last_used_idx,
	      .detail = trace_fmt("num=%u", num));
}

/* backend kick: start the ring and wake its workers, nothing more. */
static bool vfs_kick(void *opaque, unsigned int idx)
{
	struct vfs_dev *dev = opaque;
	struct vfs_ring *r;

	if (idx >= dev->nr_rings) {
		TRACE(.kind = "dev.kick_bad", .func = "vu_kick",
		      .detail = trace_fmt("no queue %u", idx));
		return false;
	}
	r = &dev->rings[idx];
	r->st.kicks++;
	if (dev->dead) {
		TRACE(.kind = "dev.kick_ignored", .func = "vu_kick",
		      .queue = r->name, .detail = "daemon dead");
		return true;
	}
	if (!r->ready || r->broken || !r->kick_armed) {
		TRACE(.kind = "dev.kick_ignored", .func = "vu_kick",
		      .queue = r->name,
		      .detail = !r->ready ? "no addresses" :
				r->broken ? "needs reset" :
					    "stopped: kick fd unset");
		return true;
	}
	TRACE(.kind = "dev.kick", .func = "vu_kick", .queue = r->name);
	if (!r->started)
		vfs_ring_start(r);
	wake_up(&r->wq);
	return true;
}

static void vfs_reset_hook(void *opaque)
{
	vfs_dev_reset(opaque);
}

void vfs_dev_reset(struct vfs_dev *dev)
{
	TRACE(.kind = "dev.reset", .func = "vuf_reset");
	for (unsigned int i = 0; i < dev->nr_rings; i++) {
		struct vfs_ring *r = &dev->rings[i];

		vfs_ring_drop_all(r);
		r->epoch++;
		r->ready = r->started = r->stopping = r->kick_armed = false;
		r->enabled = r->broken = r->base_set = false;
		r->base = 0;
		vringh_exit(&r->vrh);
		vfs_ring_wake_all(r);
	}
	dev->features = 0;
	/* The rings dropped every request in progress: the session ends. */
	fuse_server_reset_session(dev->srv);
	wake_up(&dev->lock_wq);
	vfs_dev_update_suspended(dev);
}

static void ring_init(struct vfs_dev *dev, unsigned int idx)
{
	struct vfs_ring *r = &dev->rings[idx];
	char name[24];

	r->dev = dev;
	r->idx = idx;
	if (idx == 0)
		snprintf(name, sizeof(name), "hiprio");
	else
		snprintf(name, sizeof(name), "requests.%u", idx - 1);
	r->name = trace_name(name);
	__init_waitqueue_head(&r->wq, "vfs_dev ring");
	__init_waitqueue_head(&r->drain_wq, "vfs_dev drain");
	INIT_LIST_HEAD(&r->held);
	r->nr_workers = idx ? dev->cfg.request_workers :
			      dev->cfg.hiprio_workers;
	r->workers = host_calloc(r->nr_workers, sizeof(*r->workers));
}

static const char *const option_names[VFS_DEV_NR_OPTIONS] = {
	[VFS_DEV_OPT_PARK_SETLKW] = "park-setlkw",
	[VFS_DEV_OPT_SERVE_DISABLED] = "serve-disabled-rings",
	[VFS_DEV_OPT_HIPRIO_FIRST] = "hiprio-first",
};

int vfs_dev_option_parse(const char *name, enum vfs_dev_option *out)
{
	if (!name)
		return -EINVAL;
	for (int i = 0; i < VFS_DEV_NR_OPTIONS; i++) {
		if (!strcmp(name, option_names[i])) {
			*out = (enum vfs_dev_option)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *vfs_dev_option_name(enum vfs_dev_option o)
{
	if ((unsigned int)o >= VFS_DEV_NR_OPTIONS)
		return NULL;
	return option_names[o];
}

/* The cache window is the device's shared memory region
 * VIRTIO_FS_SHMCAP_ID_CACHE (vhost-user-fs's "cache-size"). */
static u64 vfs_shm_region_len(void *opaque, u8 id)
{
	struct vfs_dev *dev = opaque;

	if (id != VIRTIO_FS_SHMCAP_ID_CACHE)
		return 0;
	return dev->cfg.server.dax_window_size;
}

int vfs_dev_create(const struct vfs_dev_config *cfg, struct vfs_dev **out)
{
	struct vfs_dev_config c = { 0 };
	struct fuse_server *srv;
	struct vfs_dev *dev;
	int ret;

	*out = NULL;
	if (cfg)
		c = *cfg;
	ret = config_fill(&c);
	if (ret)
		return ret;
	if (!sched_ready())
		return -ESRCH;
	/* First what can still be refused: from here on nothing fails, so
	 * no error path ever meets a half-built device. */
	srv = fuse_server_new(&c.server);
	if (!srv)
		return -EINVAL;
	dev = host_calloc(1, sizeof(*dev));
	dev->srv = srv;
	dev->cfg = c;
	/* The tag is not NUL-terminated when it fills the field. */
	memcpy(dev->tag, c.tag, strlen(c.tag));
	dev->cfg.tag = dev->tag;
	memcpy(dev->config.tag, c.tag, strlen(c.tag));
	dev->config.num_request_queues = cpu_to_le32(c.num_request_queues);
	dev->backend = (struct virtio_device_backend){
		.features =
			1ULL << VIRTIO_F_VERSION_1 |
			(c.event_idx ? 1ULL << VIRTIO_RING_F_EVENT_IDX : 0) |
			(c.indirect ? 1ULL << VIRTIO_RING_F_INDIRECT_DESC : 0),
		.num_queues = 1 + c.num_request_queues,
		.queue_size = c.queue_size,
		.get_config = vfs_get_config,
		.set_features = vfs_set_features_hook,
		.queue_ready = vfs_queue_ready,
		.kick = vfs_kick,
		.reset = vfs_reset_hook,
		.shm_region_len = vfs_shm_region_len,
	};
	__init_waitqueue_head(&dev->lock_wq, "vfs_dev lock");
	dev->batch = 1;
	dev->suspended = true;
	dev->nr_rings = 1 + c.num_request_queues;
	dev->rings = host_calloc(dev->nr_rings, sizeof(*dev->rings));
	for (unsigned int i = 0; i < dev->nr_rings; i++)
		ring_init(dev, i);
	vfs_workers_spawn(dev);
	dev->lock_gen = fuse_server_lock_generation(dev->srv);
	TRACE(.kind = "dev.create", .func = "vfs_dev_create",
	      .detail = trace_fmt("queues=%u size=%u", dev->nr_rings,
				  c.queue_size));
	*out = dev;
	return 0;
}

void vfs_dev_free(struct vfs_dev *dev)
{
	if (!dev)
		return;
	if (dev->rings) {
		vfs_workers_stop(dev);
		for (unsigned int i = 0; i < dev->nr_rings; i++) {
			vfs_ring_drop_all(&dev->rings[i]);
			vringh_exit(&dev->rings[i].vrh);
			host_free(dev->rings[i].workers);
		}
		host_free(dev->rings);
	}
	fuse_server_free(dev->srv);
	host_free(dev);
}

void vfs_ring_notify(struct vfs_ring *r)
{
	struct vfs_dev *dev = r->dev;

	if (dev->vdev)
		virtio_transport_raise_irq(dev->vdev, r->idx);
	else if (dev->notify.irq)
		dev->notify.irq(dev->notify.arg, r->idx);
}

void vfs_dev_set_notify(struct vfs_dev *dev, const struct vfs_dev_notify *n)
{
	if (n)
		dev->notify = *n;
	else
		memset(&dev->notify, 0, sizeof(dev->notify));
}

const struct virtio_device_backend *vfs_dev_backend(struct vfs_dev *dev)
{
	return &dev->backend;
}

void vfs_dev_attach(struct vfs_dev *dev, struct virtio_device *vdev)
{
	dev->vdev = vdev;
}

int vfs_dev_join(struct vfs_dev *dev, struct virtio_device *vdev)
{
	int ret = virtio_device_init(vdev, VIRTIO_ID_FS, &dev->backend, dev);

	if (!ret)
		vfs_dev_attach(dev, vdev);
	return ret;
}

int vfs_dev_hot_unplug(struct vfs_dev *dev)
{
	if (!dev->vdev)
		return -ENODEV;
	TRACE(.kind = "dev.hot_unplug", .func = "vfs_dev_hot_unplug");
	virtio_device_unplug(dev->vdev);
	return 0;
}

struct fuse_server *vfs_dev_server(struct vfs_dev *dev)
{
	return dev->srv;
}

struct dax_window *vfs_dev_dax(struct vfs_dev *dev)
{
	return fuse_server_dax(dev->srv);
}

unsigned int vfs_dev_num_queues(const struct vfs_dev *dev)
{
	return dev->nr_rings;
}

int vfs_dev_queue_stats(const struct vfs_dev *dev, unsigned int idx,
			struct vfs_dev_queue_stats *st)
{
	const struct vfs_ring *r;

	if (idx >= dev->nr_rings)
		return -EINVAL;
	r = &dev->rings[idx];
	*st = r->st;
	st->ready = r->ready;
	st->started = r->started;
	st->enabled = r->enabled;
	st->broken = r->broken;
	st->last_avail = r->ready ? vringh_get_last_avail(&r->vrh) : r->base;
	return 0;
}

const struct vringh *vfs_dev_vringh(const struct vfs_dev *dev, unsigned int idx)
{
	if (idx >= dev->nr_rings || !dev->rings[idx].ready)
		return NULL;
	return &dev->rings[idx].vrh;
}

unsigned int vfs_dev_in_progress(const struct vfs_dev *dev)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < dev->nr_rings; i++)
		n += dev->rings[i].st.in_progress;
	return n;
}

int vfs_dev_held_heads(const struct vfs_dev *dev, unsigned int idx, u16 *heads,
		       unsigned int max)
{
	const struct vfs_req *req;
	unsigned int n = 0;

	if (idx >= dev->nr_rings)
		return -EINVAL;
	list_for_each_entry(req, &dev->rings[idx].held, node) {
		if (n < max)
			heads[n] = req->ch.head;
		n++;
	}
	assert(n == dev->rings[idx].st.in_progress);
	return (int)n;
}
