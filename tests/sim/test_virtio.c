// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_virtio.c - the transport: status and feature negotiation, config
 * space, queue setup, kick and interrupt delivery (and their hooks), reset,
 * unplug, freeze/restore, NEEDS_RESET.
 */
#include <stddef.h>
#include <string.h>

#include "sim/virtio/virtio.h"
#include "tests/sim/test_vq_util.h"

/* A tiny device: an echo server on each queue. */
struct fakedev {
	struct virtio_fs_config cfg;
	struct vringh vrh[2];
	struct virtio_device *vdev;
	unsigned int kicks, resets, readies;
	u8 last_status;
	u64 accepted;
	bool refuse_features, dead;
};

static struct fakedev fd;
static struct virtio_device vdev;

static int fd_get_config(void *dev, unsigned int off, void *buf,
			 unsigned int len)
{
	struct fakedev *f = dev;

	if (off > sizeof(f->cfg) || len > sizeof(f->cfg) - off)
		return -EINVAL;
	memcpy(buf, (u8 *)&f->cfg + off, len);
	return 0;
}

static int fd_set_features(void *dev, u64 features)
{
	struct fakedev *f = dev;

	f->accepted = features;
	return f->refuse_features ? -EINVAL : 0;
}

static void fd_queue_ready(void *dev, unsigned int idx, gpa_t desc, gpa_t avail,
			   gpa_t used, u16 num, u64 features)
{
	struct fakedev *f = dev;

	f->readies++;
	CU_ASSERT_EQUAL(vringh_init(&f->vrh[idx], "dev", features, num, desc,
				    avail, used),
			0);
}

/* Echo every request back, then interrupt if the driver wants it. */
static bool fd_kick(void *dev, unsigned int idx)
{
	struct fakedev *f = dev;
	struct vringh_chain ch = { 0 };
	char b[64];

	f->kicks++;
	if (f->dead)
		return false;
	while (vringh_pop(&f->vrh[idx], &ch) == 1) {
		ssize_t n = vringh_chain_read(&ch, 0, b, sizeof(b));

		n = vringh_chain_write(&ch, 0, b, (size_t)n);
		vringh_push(&f->vrh[idx], ch.head, (u32)n);
	}
	if (vringh_need_notify(&f->vrh[idx]))
		virtio_transport_raise_irq(f->vdev, idx);
	vringh_chain_release(&ch);
	return true;
}

static void fd_reset(void *dev)
{
	struct fakedev *f = dev;

	f->resets++;
	vringh_exit(&f->vrh[0]);
	vringh_exit(&f->vrh[1]);
}

static void fd_set_status(void *dev, u8 status)
{
	((struct fakedev *)dev)->last_status = status;
}

static struct virtio_device_backend backend = {
	.features = (1ULL << VIRTIO_F_VERSION_1) | F_EVENT | F_INDIRECT |
		    (1ULL << 40),
	.num_queues = 2,
	.queue_size = 8,
	.get_config = fd_get_config,
	.set_features = fd_set_features,
	.queue_ready = fd_queue_ready,
	.kick = fd_kick,
	.reset = fd_reset,
	.set_status = fd_set_status,
};

/* --- a driver ----------------------------------------------------------- */

static struct virtqueue *vqs[2];
static unsigned int done_cb, probe_calls, remove_calls;
static int probe_ret;
static bool probe_sets_ready, remove_cleans_up = true, remove_kicks;

static void done(struct virtqueue *vq)
{
	(void)vq;
	done_cb++;
}

static int setup_vqs(struct virtio_device *v)
{
	static void (*const cbs[])(struct virtqueue *) = { done, done };
	static const char *const names[] = { "hiprio", "requests.0" };

	return virtio_find_vqs(v, 2, vqs, cbs, names);
}

static int drv_probe(struct virtio_device *v)
{
	int ret;

	probe_calls++;
	if (probe_ret)
		return probe_ret;
	ret = setup_vqs(v);
	if (ret)
		return ret;
	if (probe_sets_ready)
		virtio_device_ready(v);
	return 0;
}

static void drv_remove(struct virtio_device *v)
{
	u8 *b = gmem_alloc(16, 0);
	int t;

	remove_calls++;
	if (remove_kicks) {
		/* An orderly unplug: until remove() returns the device is
		 * there, and a request queued now still reaches it. */
		CU_ASSERT_EQUAL(tq_add(vqs[1], b, 1, NULL, 0, &t), 0);
		CU_ASSERT(virtqueue_kick(vqs[1]));
		CU_ASSERT_FALSE(virtqueue_is_broken(vqs[1]));
	}
	gmem_free(b);
	if (!remove_cleans_up)
		return;
	virtio_reset_device(v);
	v->config->del_vqs(v);
}

static int drv_freeze(struct virtio_device *v)
{
	(void)v;
	return -EOPNOTSUPP; /* virtio-fs refuses, as in the kernel */
}

static int restore_ret;

static int drv_restore(struct virtio_device *v)
{
	v->config->del_vqs(v);
	return restore_ret ? restore_ret : setup_vqs(v);
}

static const unsigned int feature_table[] = { 40 };

static struct virtio_driver drv = {
	.name = "virtio_fs",
	.feature_table = feature_table,
	.feature_table_size = ARRAY_SIZE(feature_table),
	.probe = drv_probe,
	.remove = drv_remove,
	.freeze = drv_freeze,
	.restore = drv_restore,
};

static void setup(void)
{
	tq_setup_mem(1 << 22);
	memset(&fd, 0, sizeof(fd));
	memcpy(fd.cfg.tag, "myfs", 4);
	fd.cfg.num_request_queues = cpu_to_le32(1);
	backend.features = (1ULL << VIRTIO_F_VERSION_1) | F_EVENT | F_INDIRECT |
			   (1ULL << 40) | (1ULL << 41);
	done_cb = probe_calls = remove_calls = 0;
	probe_ret = restore_ret = 0;
	probe_sets_ready = remove_kicks = false;
	remove_cleans_up = true;
	CU_ASSERT_EQUAL_FATAL(
		virtio_device_init(&vdev, VIRTIO_ID_FS, &backend, &fd), 0);
	fd.vdev = &vdev;
}

static void teardown(void)
{
	if (vdev.vqs)
		vdev.config->del_vqs(&vdev);
	fd_reset(&fd);
	tq_teardown();
}

static void test_init_rules(void)
{
	struct virtio_device_backend b = backend;
	struct virtio_device v;

	CU_ASSERT_EQUAL(vdev.status, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	CU_ASSERT_EQUAL(fd.resets, 1);
	CU_ASSERT_EQUAL(vdev.id, VIRTIO_ID_FS);
	b.queue_size = 6;
	CU_ASSERT_EQUAL(virtio_device_init(&v, 26, &b, &fd), -EINVAL);
	b = backend;
	b.kick = NULL;
	CU_ASSERT_EQUAL(virtio_device_init(&v, 26, &b, &fd), -EINVAL);
	b = backend;
	b.get_config = NULL;
	CU_ASSERT_EQUAL(virtio_device_init(&v, 26, &b, &fd), -EINVAL);
	b = backend;
	b.queue_ready = NULL;
	CU_ASSERT_EQUAL(virtio_device_init(&v, 26, &b, &fd), -EINVAL);
	b = backend;
	b.reset = NULL;
	CU_ASSERT_EQUAL(virtio_device_init(&v, 26, &b, &fd), -EINVAL);
}

static void test_probe_negotiates(void)
{
	CU_ASSERT_EQUAL(virtio_driver_probe(&vdev, &drv), 0);
	CU_ASSERT_EQUAL(probe_calls, 1);
	CU_ASSERT_EQUAL(vdev.status, VIRTIO_CONFIG_S_ACKNOWLEDGE |
					     VIRTIO_CONFIG_S_DRIVER |
					     VIRTIO_CONFIG_S_FEATURES_OK |
					     VIRTIO_CONFIG_S_DRIVER_OK);
	CU_ASSERT_EQUAL(fd.last_status, vdev.status);
	CU_ASSERT(virtio_has_feature(&vdev, VIRTIO_F_VERSION_1));
	CU_ASSERT(virtio_has_feature(&vdev, VIRTIO_RING_F_EVENT_IDX));
	CU_ASSERT(virtio_has_feature(&vdev, 40));
	CU_ASSERT_FALSE(virtio_has_feature(&vdev, 41)); /* not in the table */
	CU_ASSERT_EQUAL(fd.accepted, vdev.features);
	CU_ASSERT_EQUAL(fd.readies, 2);
	CU_ASSERT_PTR_EQUAL(vdev.driver, &drv);
	CU_ASSERT(tq_traced("virtio.features"));
}

static void test_probe_may_set_ready_itself(void)
{
	probe_sets_ready = true;
	CU_ASSERT_EQUAL(virtio_driver_probe(&vdev, &drv), 0);
	CU_ASSERT(vdev.status & VIRTIO_CONFIG_S_DRIVER_OK);
}

static void test_probe_failures(void)
{
	backend.features &= ~(1ULL << VIRTIO_F_VERSION_1);
	CU_ASSERT_EQUAL(virtio_driver_probe(&vdev, &drv), -ENODEV);
	CU_ASSERT(vdev.status & VIRTIO_CONFIG_S_FAILED);
	CU_ASSERT_EQUAL(probe_calls, 0);
	CU_ASSERT_PTR_NULL(vdev.driver);

	setup();
	fd.refuse_features = true;
	CU_ASSERT_EQUAL(virtio_driver_probe(&vdev, &drv), -ENODEV);
	CU_ASSERT_FALSE(vdev.status & VIRTIO_CONFIG_S_FEATURES_OK);
	CU_ASSERT(vdev.status & VIRTIO_CONFIG_S_FAILED);

	setup();
	probe_ret = -ENOMEM;
	CU_ASSERT_EQUAL(virtio_driver_probe(&vdev, &drv), -ENOMEM);
	CU_ASSERT(vdev.status & VIRTIO_CONFIG_S_FAILED);
	CU_ASSERT_FALSE(vdev.status & VIRTIO_CONFIG_S_DRIVER_OK);

	/* No set_features hook: whatever was offered is fine. */
	setup();
	backend.set_features = NULL;
	CU_ASSERT_EQUAL(virtio_driver_probe(&vdev, &drv), 0);
	backend.set_features = fd_set_features;
}

static void test_config_space(void)
{
	char tag[37] = { 0 };
	u32 nrq = 0;
	u16 half;

	CU_ASSERT_EQUAL(sizeof(struct virtio_fs_config), 40);
	CU_ASSERT_EQUAL(virtio_cread_bytes(
				&vdev, offsetof(struct virtio_fs_config, tag),
				tag, 36),
			0);
	CU_ASSERT_STRING_EQUAL(tag, "myfs");
	virtio_cread_le(&vdev, struct virtio_fs_config, num_request_queues,
			&nrq);
	CU_ASSERT_EQUAL(nrq, 1);
	half = virtio_cread16(&vdev, 0);
	CU_ASSERT_EQUAL(half, 'm' | 'y' << 8);
	CU_ASSERT_EQUAL(virtio_cread_bytes(&vdev, 38, tag, 4), -EINVAL);
	CU_ASSERT_EQUAL(virtio_cread32(&vdev, 38), 0);
	CU_ASSERT_EQUAL(virtio_cread16(&vdev, 40), 0);
}

static void test_find_vqs_rules(void)
{
	static void (*const cbs[3])(struct virtqueue *) = { 0 };
	static const char *const names[3] = { "a", "b", "c" };
	struct virtqueue *q[3];

	CU_ASSERT_EQUAL(virtio_find_vqs(&vdev, 3, q, cbs, names), -ENOENT);
	CU_ASSERT_EQUAL(virtio_find_vqs(&vdev, 0, q, cbs, names), -ENOENT);
	CU_ASSERT_EQUAL(virtio_find_vqs(&vdev, 2, q, cbs, names), 0);
	CU_ASSERT_EQUAL(q[1]->index, 1);
	CU_ASSERT_PTR_EQUAL(q[1]->vdev, &vdev);
	CU_ASSERT_EQUAL(fd.vrh[1].desc, virtqueue_get_desc_addr(q[1]));
	CU_ASSERT_EQUAL(fd.vrh[1].num, 8);
	CU_ASSERT_EQUAL(virtio_find_vqs(&vdev, 2, q, cbs, names), -EBUSY);
	vdev.config->del_vqs(&vdev);
	CU_ASSERT_PTR_NULL(vdev.vqs);
	CU_ASSERT_EQUAL(gmem_get_stats().nr_blocks, 0);

	/* Guest memory for one queue only: -ENOMEM and nothing left over. */
	CU_ASSERT_EQUAL(kmem_exit(), 0);
	gmem_exit();
	CU_ASSERT_EQUAL(gmem_init(512), 0);
	CU_ASSERT_EQUAL(virtio_find_vqs(&vdev, 2, q, cbs, names), -ENOMEM);
	CU_ASSERT_PTR_NULL(vdev.vqs);
	CU_ASSERT_EQUAL(gmem_get_stats().nr_blocks, 0);
}

static void test_request_round_trip(void)
{
	char *out, *in;
	unsigned int len = 0;
	int t;

	CU_ASSERT_EQUAL_FATAL(virtio_driver_probe(&vdev, &drv), 0);
	out = gmem_alloc(16, 0);
	in = gmem_alloc(16, 0);
	strcpy(out, "hello");
	CU_ASSERT_EQUAL(tq_add(vqs[1], out, 6, in, 16, &t), 0);
	CU_ASSERT(virtqueue_kick(vqs[1]));
	CU_ASSERT_EQUAL(fd.kicks, 1);
	CU_ASSERT_EQUAL(done_cb, 1); /* interrupt delivered synchronously */
	CU_ASSERT_PTR_EQUAL(virtqueue_get_buf(vqs[1], &len), &t);
	CU_ASSERT_EQUAL(len, 6);
	CU_ASSERT_STRING_EQUAL(in, "hello");
	CU_ASSERT_EQUAL(virtio_transport_raise_irq(&vdev, 1), IRQ_NONE);
	CU_ASSERT_EQUAL(virtio_transport_raise_irq(&vdev, 5), IRQ_NONE);
}

static unsigned int hooked_kicks, hooked_irqs;

static bool hook_kick(struct virtio_device *v, unsigned int idx)
{
	(void)v;
	(void)idx;
	hooked_kicks++;
	return true;
}

static irqreturn_t hook_irq(struct virtio_device *v, unsigned int idx)
{
	(void)v;
	(void)idx;
	hooked_irqs++;
	return IRQ_HANDLED;
}

static void test_hooks_replace_delivery(void)
{
	u8 *b;
	int t;

	CU_ASSERT_EQUAL_FATAL(virtio_driver_probe(&vdev, &drv), 0);
	vdev.kick_deliver = hook_kick;
	vdev.irq_deliver = hook_irq;
	b = gmem_alloc(16, 0);
	CU_ASSERT_EQUAL(tq_add(vqs[0], b, 1, NULL, 0, &t), 0);
	CU_ASSERT(virtqueue_kick(vqs[0]));
	CU_ASSERT_EQUAL(hooked_kicks, 1);
	CU_ASSERT_EQUAL(fd.kicks, 0);
	CU_ASSERT_EQUAL(virtio_transport_raise_irq(&vdev, 0), IRQ_HANDLED);
	CU_ASSERT_EQUAL(hooked_irqs, 1);
	CU_ASSERT_EQUAL(done_cb, 0);
}

static void test_dead_device_breaks_queue(void)
{
	u8 *b;
	int t;

	CU_ASSERT_EQUAL_FATAL(virtio_driver_probe(&vdev, &drv), 0);
	fd.dead = true;
	b = gmem_alloc(16, 0);
	CU_ASSERT_EQUAL(tq_add(vqs[1], b, 1, NULL, 0, &t), 0);
	CU_ASSERT_FALSE(virtqueue_kick(vqs[1]));
	CU_ASSERT(virtqueue_is_broken(vqs[1]));
	CU_ASSERT_FALSE(virtqueue_is_broken(vqs[0]));
	virtio_break_device(&vdev);
	CU_ASSERT(virtqueue_is_broken(vqs[0]));
}

static void test_reset_and_detach(void)
{
	u8 *b;
	int t[2], n = 0;

	CU_ASSERT_EQUAL_FATAL(virtio_driver_probe(&vdev, &drv), 0);
	b = gmem_alloc(16, 0);
	vdev.kick_deliver = hook_kick; /* the device never sees them */
	CU_ASSERT_EQUAL(tq_add(vqs[1], b, 1, b, 1, &t[0]), 0);
	CU_ASSERT_EQUAL(tq_add(vqs[1], b, 1, b, 1, &t[1]), 0);
	virtio_reset_device(&vdev);
	CU_ASSERT_EQUAL(virtio_get_status(&vdev), 0);
	CU_ASSERT_EQUAL(fd.resets, 2);
	while (virtqueue_detach_unused_buf(vqs[1]))
		n++;
	CU_ASSERT_EQUAL(n, 2);
	vdev.config->del_vqs(&vdev);
}

static void test_unplug_calls_remove(void)
{
	CU_ASSERT_EQUAL_FATAL(virtio_driver_probe(&vdev, &drv), 0);
	remove_kicks = true;
	trace_reset(true);
	virtio_device_unplug(&vdev);
	CU_ASSERT_EQUAL(remove_calls, 1);
	CU_ASSERT(vdev.removed);
	CU_ASSERT_PTR_NULL(vdev.driver);
	CU_ASSERT_PTR_NULL(vdev.vqs);
	CU_ASSERT_EQUAL(virtio_get_status(&vdev), 0);
	CU_ASSERT(tq_traced("virtio.unplug"));
	CU_ASSERT_FALSE(tq_traced("device removed"));
	/* once it returned, the device is gone: a kick fails */
	CU_ASSERT_FALSE(virtio_transport_kick(&vdev, 1));
	CU_ASSERT(tq_traced("device removed"));
	CU_ASSERT_FALSE(tq_traced("virtio.warn"));
}

static void test_unplug_cleans_up_after_lazy_driver(void)
{
	CU_ASSERT_EQUAL_FATAL(virtio_driver_probe(&vdev, &drv), 0);
	remove_cleans_up = false;
	virtio_device_unplug(&vdev);
	CU_ASSERT(tq_traced("driver left the device unreset"));
	CU_ASSERT(tq_traced("driver left its queues allocated"));
	CU_ASSERT_PTR_NULL(vdev.vqs);
	CU_ASSERT_EQUAL(gmem_get_stats().nr_blocks, 0);

	/* Unplug with no driver bound just resets. */
	setup();
	virtio_device_unplug(&vdev);
	CU_ASSERT_EQUAL(remove_calls, 0);
	CU_ASSERT_EQUAL(virtio_get_status(&vdev), 0);
}

static void test_freeze_restore(void)
{
	struct virtio_driver bare = drv;

	CU_ASSERT_EQUAL(virtio_device_freeze(&vdev), -EOPNOTSUPP); /* unbound */
	CU_ASSERT_EQUAL(virtio_device_restore(&vdev), -EOPNOTSUPP);
	CU_ASSERT_EQUAL_FATAL(virtio_driver_probe(&vdev, &drv), 0);
	CU_ASSERT_EQUAL(virtio_device_freeze(&vdev), -EOPNOTSUPP);
	CU_ASSERT(tq_traced("virtio.freeze"));
	CU_ASSERT_EQUAL(virtio_device_restore(&vdev), 0);
	CU_ASSERT_EQUAL(vdev.status, VIRTIO_CONFIG_S_ACKNOWLEDGE |
					     VIRTIO_CONFIG_S_DRIVER |
					     VIRTIO_CONFIG_S_FEATURES_OK |
					     VIRTIO_CONFIG_S_DRIVER_OK);
	CU_ASSERT_EQUAL(fd.readies, 4);
	restore_ret = -EIO;
	CU_ASSERT_EQUAL(virtio_device_restore(&vdev), -EIO);
	CU_ASSERT(vdev.status & VIRTIO_CONFIG_S_FAILED);

	bare.freeze = NULL;
	bare.restore = NULL;
	vdev.driver = &bare;
	CU_ASSERT_EQUAL(virtio_device_freeze(&vdev), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(virtio_device_restore(&vdev), -EOPNOTSUPP);
	vdev.driver = NULL;
}

static void test_needs_reset(void)
{
	CU_ASSERT_EQUAL_FATAL(virtio_driver_probe(&vdev, &drv), 0);
	virtio_transport_needs_reset(&vdev);
	CU_ASSERT(virtio_get_status(&vdev) & VIRTIO_CONFIG_S_NEEDS_RESET);
	CU_ASSERT(tq_traced("virtio.needs_reset"));
}

VT_SUITE_EACH(sim_virtio, setup, teardown, VT_CASE(test_init_rules),
	      VT_CASE(test_probe_negotiates),
	      VT_CASE(test_probe_may_set_ready_itself),
	      VT_CASE(test_probe_failures), VT_CASE(test_config_space),
	      VT_CASE(test_find_vqs_rules), VT_CASE(test_request_round_trip),
	      VT_CASE(test_hooks_replace_delivery),
	      VT_CASE(test_dead_device_breaks_queue),
	      VT_CASE(test_reset_and_detach), VT_CASE(test_unplug_calls_remove),
	      VT_CASE(test_unplug_cleans_up_after_lazy_driver),
	      VT_CASE(test_freeze_restore), VT_CASE(test_needs_reset));
