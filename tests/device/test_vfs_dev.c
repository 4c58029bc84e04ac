// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vfs_dev.c - the virtio-fs device end to end through real rings:
 * creation rules, config space, features, INIT and file operations,
 * FORGET on hiprio, hiprio served first, several request queues, the DAX
 * window, hot-unplug.
 */
#include "tests/device/dev_harness.h"

#include <errno.h>
#include <string.h>

#include "sim/kernel/gmem.h"
#include "sim/kernel/slab.h"
#include "sim/trace/trace.h"
#include "sim/virtio/virtqueue.h"
#include "tests/sim/sim_test_util.h"

static void test_create_rules(void)
{
	struct vfs_dev_config c;
	struct vfs_dev *d = (struct vfs_dev *)1;

	vfs_dev_free(NULL);
	/* No scheduler yet. */
	CU_ASSERT_EQUAL(vfs_dev_create(NULL, &d), -ESRCH);
	CU_ASSERT_PTR_NULL(d);
	sim_test_setup();
#define BAD(field, val)                                           \
	do {                                                      \
		memset(&c, 0, sizeof(c));                         \
		c.field = val;                                    \
		CU_ASSERT_EQUAL(vfs_dev_create(&c, &d), -EINVAL); \
	} while (0)
	BAD(tag, "");
	BAD(tag, "0123456789012345678901234567890123456");
	BAD(num_request_queues, VFS_DEV_MAX_REQUEST_QUEUES + 1);
	BAD(queue_size, 6);
	BAD(hiprio_workers, VFS_DEV_MAX_WORKERS + 1);
	BAD(request_workers, VFS_DEV_MAX_WORKERS + 1);
	BAD(max_request_size, 39);
	BAD(max_reply_size, 15);
	BAD(server.map_alignment, 64);
	BAD(server.dax_window_size, 4095);
	/* Refused by the FUSE server, not by config_fill(): before the fix
	 * the device was half built by then and its cleanup crashed on a
	 * ring never set up. */
	BAD(server.max_write, 100);
	BAD(server.max_pages, 70000);
	CU_ASSERT_PTR_NULL(d);
#undef BAD
	CU_ASSERT_EQUAL(vfs_dev_create(NULL, &d), 0);
	CU_ASSERT_EQUAL(vfs_dev_num_queues(d), 2);
	CU_ASSERT(vfs_dev_suspended(d));
	CU_ASSERT_FALSE(vfs_dev_dead(d));
	CU_ASSERT_PTR_NULL(vfs_dev_dax(d));
	/* Not joined: no device to unplug. */
	CU_ASSERT_EQUAL(vfs_dev_hot_unplug(d), -ENODEV);
	vfs_dev_free(d);
	sim_test_teardown();
}

static void test_free_after_sched_exit(void)
{
	struct vfs_dev *d;

	sim_test_setup();
	CU_ASSERT_EQUAL_FATAL(vfs_dev_create(NULL, &d), 0);
	sim_test_teardown();
	vfs_dev_free(d); /* the tasks are gone with the scheduler */
}

static void test_config_space(void)
{
	static const char tag36[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	struct vfs_dev_config c = { .tag = tag36,
				    .num_request_queues = 3,
				    .event_idx = true,
				    .indirect = true };
	u8 tag[40];
	u32 nrq = 0;

	dh_setup(&c);
	memset(tag, 0xee, sizeof(tag));
	CU_ASSERT_EQUAL(virtio_cread_bytes(&dh_vdev, 0, tag, 36), 0);
	CU_ASSERT_EQUAL(memcmp(tag, tag36, 36), 0);
	CU_ASSERT_EQUAL(tag[36], 0xee); /* 36 bytes: no NUL in the field */
	virtio_cread_le(&dh_vdev, struct virtio_fs_config, num_request_queues,
			&nrq);
	CU_ASSERT_EQUAL(nrq, 3);
	CU_ASSERT_EQUAL(virtio_cread_bytes(&dh_vdev, 38, tag, 4), -EINVAL);
	CU_ASSERT_EQUAL(virtio_cread_bytes(&dh_vdev, 41, tag, 0), -EINVAL);
	CU_ASSERT(virtio_has_feature(&dh_vdev, VIRTIO_F_VERSION_1));
	CU_ASSERT(virtio_has_feature(&dh_vdev, VIRTIO_RING_F_EVENT_IDX));
	CU_ASSERT(virtio_has_feature(&dh_vdev, VIRTIO_RING_F_INDIRECT_DESC));
	CU_ASSERT_EQUAL(vfs_dev_num_queues(dh_dev), 4);
	CU_ASSERT_EQUAL(vfs_dev_backend(dh_dev)->num_queues, 4);
	CU_ASSERT(dh_vdev.status & VIRTIO_CONFIG_S_DRIVER_OK);
	dh_teardown();

	/* Short tag: NUL-padded; no ring features unless asked. */
	dh_setup(NULL);
	CU_ASSERT_EQUAL(virtio_cread_bytes(&dh_vdev, 0, tag, 36), 0);
	CU_ASSERT_STRING_EQUAL((char *)tag, "vfsim");
	CU_ASSERT_FALSE(virtio_has_feature(&dh_vdev, VIRTIO_RING_F_EVENT_IDX));
	CU_ASSERT_FALSE(
		virtio_has_feature(&dh_vdev, VIRTIO_RING_F_INDIRECT_DESC));
	dh_teardown();
}

static void test_session_end_to_end(void)
{
	static const char data[] = "hello, virtio-fs";
	const struct fuse_entry_out *e;
	const struct fuse_open_out *o;
	struct vfs_dev_queue_stats st;
	struct dh_req *r;
	u64 dir, file, fh;

	dh_setup(NULL);
	/* Before INIT: EIO from the server, through the ring. */
	dh_expect(dh_getattr(1, FUSE_ROOT_ID), -EIO);
	dh_do_init();
	dh_expect(dh_lookup(1, FUSE_ROOT_ID, "d"), -ENOENT);
	r = dh_mkdir(1, FUSE_ROOT_ID, "d");
	dh_expect(r, 0);
	e = dh_payload(r);
	dir = e->nodeid;
	CU_ASSERT(dir > FUSE_ROOT_ID);
	r = dh_lookup(1, FUSE_ROOT_ID, "d");
	dh_expect(r, 0);
	CU_ASSERT_EQUAL(((const struct fuse_entry_out *)dh_payload(r))->nodeid,
			dir);
	r = dh_create(1, dir, "f");
	dh_expect(r, 0);
	e = dh_payload(r);
	o = (const void *)(e + 1);
	file = e->nodeid;
	fh = o->fh;
	r = dh_write(1, file, fh, data, sizeof(data));
	dh_expect(r, 0);
	CU_ASSERT_EQUAL(((const struct fuse_write_out *)dh_payload(r))->size,
			sizeof(data));
	r = dh_getattr(1, file);
	dh_expect(r, 0);
	CU_ASSERT_EQUAL(
		((const struct fuse_attr_out *)dh_payload(r))->attr.size,
		sizeof(data));
	CU_ASSERT_EQUAL(r->used_len, sizeof(struct fuse_out_header) +
					     sizeof(struct fuse_attr_out));

	CU_ASSERT_EQUAL(vfs_dev_queue_stats(dh_dev, 1, &st), 0);
	CU_ASSERT_EQUAL(st.popped, 8);
	CU_ASSERT_EQUAL(st.completed, 8);
	CU_ASSERT_EQUAL(st.in_progress, 0);
	CU_ASSERT_EQUAL(st.kicks, 8);
	CU_ASSERT_EQUAL(st.irqs, 8);
	CU_ASSERT(st.started && st.enabled && st.ready && !st.broken);
	CU_ASSERT_EQUAL(st.last_avail, 8);
	CU_ASSERT_EQUAL(dh_irqs[1], 8);
	CU_ASSERT_EQUAL(vfs_dev_in_progress(dh_dev), 0);
	CU_ASSERT_EQUAL(vfs_dev_held_heads(dh_dev, 1, NULL, 0), 0);
	CU_ASSERT_EQUAL(vfs_dev_queue_stats(dh_dev, 9, &st), -EINVAL);
	CU_ASSERT_EQUAL(vfs_dev_held_heads(dh_dev, 9, NULL, 0), -EINVAL);
	CU_ASSERT_FALSE(vfs_dev_suspended(dh_dev));
	/* The work ran in device tasks, never on the kicker's stack. */
	CU_ASSERT(trace_find("vfsd/requests.0/0", 0) >= 0);
	dh_teardown();
}

static void test_forget_on_hiprio(void)
{
	struct dh_req *r;

	dh_setup(NULL);
	dh_do_init();
	r = dh_lookup(1, FUSE_ROOT_ID, ".");
	dh_expect(dh_mkdir(1, FUSE_ROOT_ID, "x"), 0);
	r = dh_forget(0, 2, 1);
	CU_ASSERT(dh_kick(0));
	dh_run();
	CU_ASSERT(r->done);
	CU_ASSERT_EQUAL(r->used_len, 0); /* FORGET has no reply */
	CU_ASSERT_EQUAL(dh_irqs[0], 1);
	dh_teardown();
}

/*
 * A GETATTR kicked on requests.0, then a FORGET on hiprio: with
 * @options the device pops @first's queue ("hiprio" or "requests")
 * first. vfsim's hiprio-first serves hiprio first whatever the order;
 * the default device, as virtiofsd, has no priority between queues.
 */
static void run_queue_priority(u32 options, const char *first)
{
	struct vfs_dev_config c = { .options = options };
	struct dh_req *g, *f;
	long pop0, pop1;

	dh_setup(&c);
	dh_do_init();
	dh_expect(dh_mkdir(1, FUSE_ROOT_ID, "x"), 0);
	g = dh_getattr(1, FUSE_ROOT_ID);
	f = dh_forget(0, 2, 1);
	trace_reset(true);
	CU_ASSERT(dh_kick(1));
	CU_ASSERT(dh_kick(0));
	dh_run();
	CU_ASSERT_EQUAL(dh_result(g), 0);
	CU_ASSERT(f->done);
	pop0 = trace_find("dev.pop", 0);
	pop1 = dh_find_nth("dev.pop", 1);
	CU_ASSERT(pop0 >= 0 && pop1 > pop0);
	CU_ASSERT(strstr(trace_event_at((size_t)pop0)->queue, first) != NULL);
	CU_ASSERT_EQUAL(trace_find("dev.hiprio_first", 0) >= 0, options != 0);
	dh_teardown();
}

static void test_hiprio_served_first(void)
{
	run_queue_priority(1u << VFS_DEV_OPT_HIPRIO_FIRST, "hiprio");
}

static void test_no_priority_between_queues(void)
{
	run_queue_priority(0, "requests");
}

static void test_several_request_queues(void)
{
	struct vfs_dev_config c = { .num_request_queues = 3 };
	struct dh_req *r[3];

	dh_setup(&c);
	dh_do_init();
	for (unsigned int q = 1; q <= 3; q++)
		r[q - 1] = dh_getattr(q, FUSE_ROOT_ID);
	for (unsigned int q = 1; q <= 3; q++)
		CU_ASSERT(dh_kick(q));
	dh_run();
	for (unsigned int q = 1; q <= 3; q++) {
		CU_ASSERT_EQUAL(dh_result(r[q - 1]), 0);
		CU_ASSERT_EQUAL(dh_irqs[q], q == 1 ? 2 : 1);
	}
	dh_teardown();
}

static void test_dax_window_reachable(void)
{
	struct vfs_dev_config c = { .server.dax_window_size = 1 << 20 };

	dh_setup(&c);
	CU_ASSERT_PTR_NOT_NULL(vfs_dev_dax(dh_dev));
	CU_ASSERT_PTR_EQUAL(vfs_dev_dax(dh_dev),
			    fuse_server_dax(vfs_dev_server(dh_dev)));
	dh_teardown();
}

static void test_hot_unplug(void)
{
	struct vfs_dev_queue_stats st;

	dh_setup(NULL);
	dh_do_init();
	CU_ASSERT_EQUAL(vfs_dev_hot_unplug(dh_dev), 0);
	CU_ASSERT(dh_vdev.removed);
	CU_ASSERT(trace_find("dev.hot_unplug", 0) >= 0);
	CU_ASSERT(trace_find("dev.reset", 0) >= 0);
	CU_ASSERT_EQUAL(vfs_dev_queue_stats(dh_dev, 1, &st), 0);
	CU_ASSERT_FALSE(st.ready || st.started || st.enabled);
	CU_ASSERT(vfs_dev_suspended(dh_dev));
	CU_ASSERT(trace_find("dev.suspended", 0) >= 0);
	CU_ASSERT_PTR_NULL(dh_vdev.vqs);
	dh_teardown();
}

VT_SUITE(device_vfs_dev, NULL, NULL, VT_CASE(test_create_rules),
	 VT_CASE(test_free_after_sched_exit), VT_CASE(test_config_space),
	 VT_CASE(test_session_end_to_end), VT_CASE(test_forget_on_hiprio),
	 VT_CASE(test_hiprio_served_first),
	 VT_CASE(test_no_priority_between_queues),
	 VT_CASE(test_several_request_queues),
	 VT_CASE(test_dax_window_reachable), VT_CASE(test_hot_unplug));
