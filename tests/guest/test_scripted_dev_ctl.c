// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_scripted_dev_ctl.c - the scripted virtio-fs device as a whole:
 * pause, die, config space, features, creation errors, unplug, reset and
 * teardown.
 */
#include "tests/guest/scripted_dev_test_util.h"

static void test_pause_resume(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t;

	start(&cfg);
	sdev_pause(&dev);
	t = send(1, &a);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_FALSE(t->done);
	CU_ASSERT_EQUAL(sdev_nr_requests(&dev), 0);
	CU_ASSERT_TRUE(dev.kicked[1]); /* remembered */
	sdev_resume(&dev);
	sched_run();
	CU_ASSERT_TRUE(t->done);
	CU_ASSERT_EQUAL(verify(t, NULL), 0);
	/* A delayed reply waits out a pause too. */
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_DELAY(100));
	t = send(1, &a);
	run_until_requests(2);
	CU_ASSERT_FALSE(t->done);
	sched_run();
	CU_ASSERT_TRUE(t->done);
	CU_ASSERT_EQUAL(sched_now(), 100);
}

static void test_pause_stalls_delayed_reply(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t;

	start(&cfg);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_DELAY(100));
	t = send(1, &a);
	run_until_requests(1);
	sdev_pause(&dev);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_FALSE(t->done);
	sdev_resume(&dev);
	sched_run();
	CU_ASSERT_TRUE(t->done);
}

static void test_die(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t, *u;

	start(&cfg);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_DELAY(100));
	t = send(1, &a);
	run_until_requests(1);
	sdev_die(&dev);
	u = send(1, &a);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_FALSE(t->done);
	CU_ASSERT_FALSE(u->done);
	CU_ASSERT_EQUAL(sdev_nr_requests(&dev), 1);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->outcome, SDEV_OUT_PENDING);
	sdev_resume(&dev); /* a dead device stays dead */
	sched_run();
	CU_ASSERT_FALSE(u->done);
}

static void test_config_space(void)
{
	struct fuse_proto_args a = a_getattr(1);
	u8 tag[36];
	u32 n;

	for (int i = 0; i < 36; i++)
		cfg.tag[i] = (u8)('a' + i % 26);
	cfg.num_request_queues = 3;
	cfg.index = 2;
	start(&cfg);
	CU_ASSERT_STRING_EQUAL(dev.irq.task->name, "irq/2");
	CU_ASSERT_EQUAL(virtio_cread_bytes(&dev.vdev, 0, tag, 36), 0);
	CU_ASSERT_EQUAL(memcmp(tag, cfg.tag, 36), 0); /* no NUL anywhere */
	CU_ASSERT_PTR_NULL(memchr(tag, 0, 36));
	virtio_cread_le(&dev.vdev, struct virtio_fs_config, num_request_queues,
			&n);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(dev.be.num_queues, 4);
	CU_ASSERT_EQUAL(virtio_cread_bytes(&dev.vdev, 38, tag, 4), -EINVAL);
	CU_ASSERT_EQUAL(virtio_cread_bytes(&dev.vdev, 41, tag, 1), -EINVAL);
	send(3, &a);
	sched_run();
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->queue, 3);
}

static void test_config_empty_tag_zero_queues(void)
{
	u8 tag[36];

	memset(cfg.tag, 0, sizeof(cfg.tag));
	cfg.num_request_queues = 0;
	start(&cfg);
	CU_ASSERT_EQUAL(virtio_cread_bytes(&dev.vdev, 0, tag, 36), 0);
	for (int i = 0; i < 36; i++)
		CU_ASSERT_EQUAL(tag[i], 0);
	CU_ASSERT_EQUAL(virtio_cread32(&dev.vdev, 36), 0);
	CU_ASSERT_EQUAL(dev.be.num_queues, 2); /* still something to bind */
}

static void test_create_errors_and_queue_count(void)
{
	cfg.queue_size = 3;
	CU_ASSERT_EQUAL(sdev_create(&dev, &cfg), -EINVAL);
	sdev_config_init(&cfg);
	cfg.nr_queues = SDEV_MAX_QUEUES + 1;
	CU_ASSERT_EQUAL(sdev_create(&dev, &cfg), -EINVAL);
	memset(&dev, 0, sizeof(dev));
	CU_ASSERT_EQUAL(sdev_create(&dev, NULL), 0);
	CU_ASSERT_EQUAL(dev.be.num_queues, 2);
	CU_ASSERT_EQUAL(dev.be.queue_size, 64);
	CU_ASSERT_EQUAL(dev.be.features, 1ULL << VIRTIO_F_VERSION_1);
	sdev_destroy(&dev);
	memset(&dev, 0, sizeof(dev));
	sdev_config_init(&cfg);
	cfg.nr_queues = 5;
	cfg.num_request_queues = 1; /* a lying config space */
	CU_ASSERT_EQUAL(sdev_create(&dev, &cfg), 0);
	CU_ASSERT_EQUAL(dev.be.num_queues, 5);
	CU_ASSERT_EQUAL(virtio_cread32(&dev.vdev, 36), 1);
}

static void test_features_event_idx_indirect(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t[6];

	cfg.event_idx = true;
	cfg.indirect = true;
	cfg.queue_size = 4;
	start(&cfg);
	CU_ASSERT_TRUE(virtio_has_feature(&dev.vdev, VIRTIO_RING_F_EVENT_IDX));
	CU_ASSERT_TRUE(
		virtio_has_feature(&dev.vdev, VIRTIO_RING_F_INDIRECT_DESC));
	CU_ASSERT_EQUAL(dev.features, dev.vdev.features);
	/* More requests than the ring holds, in two rounds. */
	for (int r = 0; r < 2; r++) {
		for (int i = 0; i < 3; i++)
			t[r * 3 + i] = send(1, &a);
		sched_run();
	}
	for (int i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(verify(t[i], NULL), 0);
	CU_ASSERT(dev.irqs[1] >= 2);
}

static void test_unplug_delivers_remove(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct task *u;
	struct treq *t;

	start(&cfg);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_HOLD);
	t = send(1, &a);
	sched_run();
	CU_ASSERT_EQUAL(sdev_nr_held(&dev), 1);
	u = sdev_unplug(&dev);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	CU_ASSERT_EQUAL(task_join(u, NULL), 0);
	CU_ASSERT_TRUE(dev.unplugged);
	CU_ASSERT_EQUAL(removes, 1);
	CU_ASSERT_STRING_EQUAL(remove_task, "sdev-unplug");
	CU_ASSERT_TRUE(dev.vdev.removed);
	CU_ASSERT_FALSE(t->done);
	CU_ASSERT_EQUAL(sdev_nr_held(&dev), 0);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->outcome, SDEV_OUT_DISCARDED);
	CU_ASSERT(dev.resets >= 1);
	CU_ASSERT_FALSE(dev.ready[1]);
}

static void test_malformed_ring_needs_reset(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct vring_desc *desc;
	struct treq *t;

	start(&cfg);
	t = add(1, &a, 0, false);
	/* Make the chain loop on itself: the device must refuse it. */
	desc = phys_to_virt(virtqueue_get_desc_addr(vqs[1]));
	desc[1].flags =
		cpu_to_le16(le16_to_cpu(desc[1].flags) | VIRTQ_DESC_F_NEXT);
	desc[1].next = 0;
	virtqueue_kick(vqs[1]);
	sched_run();
	CU_ASSERT_FALSE(t->done);
	CU_ASSERT_EQUAL(dev.ring_errors, 1);
	CU_ASSERT(virtio_get_status(&dev.vdev) & VIRTIO_CONFIG_S_NEEDS_RESET);
	CU_ASSERT(trace_find("sdev.ring_error", 0) >= 0);
}

static void test_destroy_frees_left_queues(void)
{
	struct fuse_proto_args a = a_getattr(1);

	start(&cfg);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, SDEV_FOREVER, SDEV_HOLD);
	send(1, &a);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, SDEV_FOREVER, SDEV_DELAY(50));
	sched_run();
	sdev_destroy(&dev);
	CU_ASSERT(trace_find("sdev.vqs_left", 0) >= 0);
	CU_ASSERT_TRUE(task_done(dev.task));
	memset(&dev, 0, sizeof(dev));
}

static void test_kick_bad_queue_and_reset_restart(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t;

	start(&cfg);
	CU_ASSERT_FALSE(virtio_transport_kick(&dev.vdev, 7));
	/* The driver resets and sets the queues up again (as a restore). */
	virtio_reset_device(&dev.vdev);
	CU_ASSERT_FALSE(dev.ready[1]);
	CU_ASSERT_EQUAL(dev.status, 0);
	dev.vdev.config->del_vqs(&dev.vdev);
	virtio_add_status(&dev.vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	CU_ASSERT_EQUAL(tdrv_probe(&dev.vdev), 0);
	virtio_device_ready(&dev.vdev);
	CU_ASSERT_TRUE(dev.ready[1]);
	CU_ASSERT_EQUAL(dev.resets, 1);
	CU_ASSERT(dev.status & VIRTIO_CONFIG_S_DRIVER_OK);
	t = send(1, &a);
	sched_run();
	CU_ASSERT_EQUAL(verify(t, NULL), 0);
}

static void test_destroy_after_sched_exit(void)
{
	struct fuse_proto_args a = a_getattr(1);

	start(&cfg);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_HOLD);
	send(1, &a);
	sched_run();
	dev.vdev.config->del_vqs(&dev.vdev);
	sched_exit();
	sdev_destroy(&dev);
	CU_ASSERT_PTR_NULL(dev.task);
	CU_ASSERT_EQUAL(sdev_nr_requests(&dev), 0);
	memset(&dev, 0, sizeof(dev));
	sched_init(NULL);
}

VT_SUITE_EACH(guest_sdev_ctl, setup, teardown, VT_CASE(test_pause_resume),
	      VT_CASE(test_pause_stalls_delayed_reply), VT_CASE(test_die),
	      VT_CASE(test_config_space),
	      VT_CASE(test_config_empty_tag_zero_queues),
	      VT_CASE(test_create_errors_and_queue_count),
	      VT_CASE(test_features_event_idx_indirect),
	      VT_CASE(test_unplug_delivers_remove),
	      VT_CASE(test_malformed_ring_needs_reset),
	      VT_CASE(test_destroy_frees_left_queues),
	      VT_CASE(test_kick_bad_queue_and_reset_restart),
	      VT_CASE(test_destroy_after_sched_exit));
