// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio.c - the transport between the driver model and the device model
 * (in the role of drivers/virtio/virtio.c plus a virtio-mmio-like
 * transport).
 */
#include "sim/virtio/virtio.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kernel/footprint.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

/* Features the ring code itself understands (kernel: vring_transport_features). */
static const u64 transport_features = (1ULL << VIRTIO_F_VERSION_1) |
				      (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |
				      (1ULL << VIRTIO_RING_F_EVENT_IDX);

static int vm_get(struct virtio_device *vdev, unsigned int offset, void *buf,
		  unsigned int len)
{
	fp_touch(&fp_device_state);
	return vdev->backend->get_config(vdev->backend_dev, offset, buf, len);
}

static u8 vm_get_status(struct virtio_device *vdev)
{
	fp_touch(&fp_device_state);
	return vdev->status;
}

static void vm_set_status(struct virtio_device *vdev, u8 status)
{
	fp_touch(&fp_device_state);
	vdev->status = status;
	TRACE(.kind = "virtio.status", .func = "virtio_add_status",
	      .args = TRACE_FMT("status=0x%02x", status));
	if (vdev->backend->set_status)
		vdev->backend->set_status(vdev->backend_dev, status);
}

static void vm_reset(struct virtio_device *vdev)
{
	fp_touch(&fp_device_state);
	vdev->status = 0;
	TRACE(.kind = "virtio.reset", .func = "virtio_reset_device");
	vdev->backend->reset(vdev->backend_dev);
}

/* The queue's notify hook: kick through the transport. */
static bool vm_notify(struct virtqueue *vq)
{
	fp_touch(&fp_device_state);
	return virtio_transport_kick(vq->vdev, vq->index);
}

static void vm_del_vqs(struct virtio_device *vdev)
{
	fp_touch(&fp_device_state);
	for (unsigned int i = 0; i < vdev->nvqs; i++)
		if (vdev->vqs[i])
			vring_del_virtqueue(vdev->vqs[i]);
	host_free(vdev->vqs);
	vdev->vqs = NULL;
	vdev->nvqs = 0;
}

/*
 * Kernel twin: vm_find_vqs() (virtio_mmio). Either every queue exists and
 * the device has been told about each, or none exists and nothing leaked.
 */
static int vm_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
		       struct virtqueue *vqs[],
		       void (*const callbacks[])(struct virtqueue *),
		       const char *const names[])
{
	const struct virtio_device_backend *be = vdev->backend;

	fp_touch(&fp_device_state);
	if (vdev->vqs)
		return -EBUSY;
	if (nvqs == 0 || nvqs > be->num_queues)
		return -ENOENT;
	vdev->vqs = host_calloc(nvqs, sizeof(*vdev->vqs));
	vdev->nvqs = nvqs;
	for (unsigned int i = 0; i < nvqs; i++) {
		struct virtqueue *vq = vring_create_virtqueue(
			i, be->queue_size, vdev->features, vm_notify,
			callbacks[i], names[i]);

		if (!vq) {
			vm_del_vqs(vdev);
			return -ENOMEM;
		}
		vq->vdev = vdev;
		vdev->vqs[i] = vq;
		vqs[i] = vq;
	}
	/* Tell the device only once every queue exists. */
	for (unsigned int i = 0; i < nvqs; i++) {
		struct virtqueue *vq = vqs[i];

		TRACE(.kind = "virtio.queue_ready", .func = "vm_setup_vq",
		      .queue = vq->name,
		      .args = TRACE_FMT("num=%u", be->queue_size));
		be->queue_ready(vdev->backend_dev, i,
				virtqueue_get_desc_addr(vq),
				virtqueue_get_avail_addr(vq),
				virtqueue_get_used_addr(vq),
				(u16)be->queue_size, vdev->features);
	}
	return 0;
}

/* Where shared memory regions appear in the guest's physical space: above
 * any RAM the simulation gives it (virtio-mmio reads the base from the
 * device's SHMBase registers). */
#define VM_SHM_BASE (1ull << 40)

/* Kernel twin: vm_get_shm_region() (virtio_mmio). */
static bool vm_get_shm_region(struct virtio_device *vdev,
			      struct virtio_shm_region *region, u8 id)
{
	const struct virtio_device_backend *be = vdev->backend;
	u64 len = be->shm_region_len ?
			  be->shm_region_len(vdev->backend_dev, id) :
			  0;

	if (!len)
		return false;
	region->addr = VM_SHM_BASE;
	region->len = len;
	return true;
}

static const struct virtio_config_ops vm_config_ops = {
	.get = vm_get,
	.get_status = vm_get_status,
	.set_status = vm_set_status,
	.reset = vm_reset,
	.find_vqs = vm_find_vqs,
	.del_vqs = vm_del_vqs,
	.get_shm_region = vm_get_shm_region,
};

bool virtio_get_shm_region(struct virtio_device *vdev,
			   struct virtio_shm_region *region, u8 id)
{
	if (!vdev->config->get_shm_region)
		return false;
	return vdev->config->get_shm_region(vdev, region, id);
}

static bool default_kick(struct virtio_device *vdev, unsigned int idx)
{
	return vdev->backend->kick(vdev->backend_dev, idx);
}

static irqreturn_t default_irq(struct virtio_device *vdev, unsigned int idx)
{
	return vring_interrupt(vdev->vqs[idx]);
}

int virtio_device_init(struct virtio_device *vdev, u32 id,
		       const struct virtio_device_backend *backend,
		       void *backend_dev)
{
	if (!backend->get_config || !backend->queue_ready || !backend->kick ||
	    !backend->reset || !vring_size_valid(backend->queue_size))
		return -EINVAL;
	memset(vdev, 0, sizeof(*vdev));
	vdev->id = id;
	vdev->config = &vm_config_ops;
	vdev->backend = backend;
	vdev->backend_dev = backend_dev;
	vdev->kick_deliver = default_kick;
	vdev->irq_deliver = default_irq;
	virtio_reset_device(vdev);
	virtio_add_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	return 0;
}

u8 virtio_get_status(struct virtio_device *vdev)
{
	return vdev->config->get_status(vdev);
}

void virtio_add_status(struct virtio_device *vdev, u8 status)
{
	vdev->config->set_status(vdev, vdev->config->get_status(vdev) | status);
}

void virtio_device_ready(struct virtio_device *vdev)
{
	assert(!(virtio_get_status(vdev) & VIRTIO_CONFIG_S_DRIVER_OK));
	virtio_add_status(vdev, VIRTIO_CONFIG_S_DRIVER_OK);
}

void virtio_reset_device(struct virtio_device *vdev)
{
	vdev->config->reset(vdev);
}

bool virtio_has_feature(const struct virtio_device *vdev, unsigned int fbit)
{
	assert(fbit < 64);
	return vdev->features & (1ULL << fbit);
}

/* Offer & (driver's table | ring features), then FEATURES_OK (kernel:
 * virtio_dev_probe() + virtio_features_ok()). */
static int negotiate(struct virtio_device *vdev)
{
	const struct virtio_device_backend *be = vdev->backend;
	u64 want = transport_features;
	int ret;

	for (unsigned int i = 0; i < vdev->driver->feature_table_size; i++)
		want |= 1ULL << vdev->driver->feature_table[i];
	vdev->features = be->features & want;
	TRACE(.kind = "virtio.features", .func = "virtio_features_ok",
	      .args = TRACE_FMT("offered=0x%llx accepted=0x%llx",
				(unsigned long long)be->features,
				(unsigned long long)vdev->features));
	if (!virtio_has_feature(vdev, VIRTIO_F_VERSION_1))
		return -ENODEV;
	ret = be->set_features ?
		      be->set_features(vdev->backend_dev, vdev->features) :
		      0;
	if (ret < 0)
		return -ENODEV;
	virtio_add_status(vdev, VIRTIO_CONFIG_S_FEATURES_OK);
	return 0;
}

/* Everything after DRIVER: features, then @init, then DRIVER_OK. */
static int bring_up(struct virtio_device *vdev,
		    int (*init)(struct virtio_device *))
{
	int ret;

	virtio_add_status(vdev, VIRTIO_CONFIG_S_DRIVER);
	ret = negotiate(vdev);
	if (!ret)
		ret = init(vdev);
	if (ret) {
		virtio_add_status(vdev, VIRTIO_CONFIG_S_FAILED);
		return ret;
	}
	if (!(virtio_get_status(vdev) & VIRTIO_CONFIG_S_DRIVER_OK))
		virtio_device_ready(vdev);
	return 0;
}

int virtio_driver_probe(struct virtio_device *vdev, struct virtio_driver *drv)
{
	int ret;

	vdev->driver = drv;
	TRACE(.kind = "virtio.probe", .func = "virtio_dev_probe",
	      .detail = drv->name);
	ret = bring_up(vdev, drv->probe);
	if (ret)
		vdev->driver = NULL;
	return ret;
}

/*
 * Whatever the driver does in remove(), the device ends reset and every
 * queue freed. An orderly hot-unplug (QEMU's device_del: the guest is
 * asked, and the slot powers off only after the driver let go) keeps the
 * device working while remove() runs: vp_notify() never fails, so a
 * request a submitter queued just before remove() stopped the queue is
 * still served, and the drain that waits for it ends. Kicks fail only
 * once the device is gone. (A surprise removal instead breaks every queue
 * first, virtio_break_device(), before remove() runs.)
 */
void virtio_device_unplug(struct virtio_device *vdev)
{
	fp_touch(&fp_device_state);
	TRACE(.kind = "virtio.unplug", .func = "virtio_dev_remove");
	if (vdev->driver) {
		vdev->driver->remove(vdev);
		/* Kernel: the driver should have reset the device. */
		if (virtio_get_status(vdev))
			TRACE(.kind = "virtio.warn",
			      .func = "virtio_dev_remove",
			      .detail = "driver left the device unreset");
		vdev->driver = NULL;
	}
	if (vdev->vqs) {
		TRACE(.kind = "virtio.warn", .func = "virtio_dev_remove",
		      .detail = "driver left its queues allocated");
		vm_del_vqs(vdev);
	}
	virtio_reset_device(vdev);
	vdev->removed = true;
}

int virtio_device_freeze(struct virtio_device *vdev)
{
	int ret;

	fp_touch(&fp_device_state);
	if (!vdev->driver || !vdev->driver->freeze)
		return -EOPNOTSUPP;
	ret = vdev->driver->freeze(vdev);
	TRACE(.kind = "virtio.freeze", .func = "virtio_device_freeze",
	      .args = TRACE_FMT("ret=%d", ret));
	return ret;
}

int virtio_device_restore(struct virtio_device *vdev)
{
	fp_touch(&fp_device_state);
	if (!vdev->driver || !vdev->driver->restore)
		return -EOPNOTSUPP;
	TRACE(.kind = "virtio.restore", .func = "virtio_device_restore");
	virtio_reset_device(vdev);
	virtio_add_status(vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	return bring_up(vdev, vdev->driver->restore);
}

int virtio_cread_bytes(struct virtio_device *vdev, unsigned int offset,
		       void *buf, size_t len)
{
	return vdev->config->get(vdev, offset, buf, (unsigned int)len);
}

u32 virtio_cread32(struct virtio_device *vdev, unsigned int offset)
{
	__le32 v;

	if (virtio_cread_bytes(vdev, offset, &v, sizeof(v)))
		return 0;
	return le32_to_cpu(v);
}

u16 virtio_cread16(struct virtio_device *vdev, unsigned int offset)
{
	__le16 v;

	if (virtio_cread_bytes(vdev, offset, &v, sizeof(v)))
		return 0;
	return le16_to_cpu(v);
}

void virtio_break_device(struct virtio_device *vdev)
{
	fp_touch(&fp_device_state);
	for (unsigned int i = 0; i < vdev->nvqs; i++)
		virtqueue_set_broken(vdev->vqs[i], "virtio_break_device");
}

int virtio_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
		    struct virtqueue *vqs[],
		    void (*const callbacks[])(struct virtqueue *),
		    const char *const names[])
{
	return vdev->config->find_vqs(vdev, nvqs, vqs, callbacks, names);
}

bool virtio_transport_kick(struct virtio_device *vdev, unsigned int idx)
{
	fp_touch(&fp_device_state);
	if (vdev->removed) {
		TRACE(.kind = "virtio.kick_failed", .func = "vm_notify",
		      .detail = "device removed");
		return false;
	}
	return vdev->kick_deliver(vdev, idx);
}

irqreturn_t virtio_transport_raise_irq(struct virtio_device *vdev,
				       unsigned int idx)
{
	fp_touch(&fp_device_state);
	if (idx >= vdev->nvqs)
		return IRQ_NONE;
	return vdev->irq_deliver(vdev, idx);
}

void virtio_transport_needs_reset(struct virtio_device *vdev)
{
	fp_touch(&fp_device_state);
	vdev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	TRACE(.kind = "virtio.needs_reset",
	      .func = "virtio_transport_needs_reset",
	      .args = TRACE_FMT("status=0x%02x", vdev->status));
}

/*
 * Guarantees: on success every existing queue was handed to @backend with
 * the driver's GPAs, and kicks now reach @backend; on error nothing moved.
 */
int virtio_transport_switch_backend(struct virtio_device *vdev,
				    const struct virtio_device_backend *backend,
				    void *backend_dev)
{
	const struct virtio_device_backend *old = vdev->backend;

	if (!backend->get_config || !backend->queue_ready || !backend->kick ||
	    !backend->reset || backend->queue_size != old->queue_size ||
	    backend->num_queues < vdev->nvqs)
		return -EINVAL;
	if (backend->set_features &&
	    backend->set_features(backend_dev, vdev->features) < 0)
		return -ENODEV;
	TRACE(.kind = "virtio.switch_backend",
	      .func = "virtio_transport_switch_backend",
	      .args = TRACE_FMT("features=0x%llx status=0x%02x queues=%u",
				(unsigned long long)vdev->features,
				vdev->status, vdev->nvqs));
	vdev->backend = backend;
	vdev->backend_dev = backend_dev;
	if (backend->set_status)
		backend->set_status(backend_dev, vdev->status);
	for (unsigned int i = 0; i < vdev->nvqs; i++) {
		struct virtqueue *vq = vdev->vqs[i];

		backend->queue_ready(backend_dev, i,
				     virtqueue_get_desc_addr(vq),
				     virtqueue_get_avail_addr(vq),
				     virtqueue_get_used_addr(vq),
				     (u16)backend->queue_size, vdev->features);
	}
	return 0;
}
