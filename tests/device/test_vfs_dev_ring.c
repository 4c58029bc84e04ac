// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vfs_dev_ring.c - vhost-user ring states through real rings: start
 * on kick, stopped rings ignore kicks, started-but-disabled rings serve
 * without side effects, SET_FEATURES, GET_VRING_BASE (stop, drain, index),
 * SET_VRING_BASE, the suspended state, message errors.
 */
#include "tests/device/dev_harness.h"

#include <errno.h>
#include <string.h>

#include "sim/kernel/delay.h"
#include "sim/trace/trace.h"
#include "sim/virtio/virtqueue.h"
#include "sim/virtio/vringh.h"

static struct vfs_dev_queue_stats qs(unsigned int idx)
{
	struct vfs_dev_queue_stats st;

	CU_ASSERT_EQUAL(vfs_dev_queue_stats(dh_dev, idx, &st), 0);
	return st;
}

static void test_initial_state_and_start_on_kick(void)
{
	struct vfs_dev_config c = { .protocol_features = true };
	struct dh_req *r;

	dh_setup(&c);
	/* Queues set up, but nothing kicked: stopped and disabled. */
	for (unsigned int i = 0; i < 2; i++) {
		CU_ASSERT(qs(i).ready);
		CU_ASSERT_FALSE(qs(i).started);
		CU_ASSERT_FALSE(qs(i).enabled);
	}
	CU_ASSERT(vfs_dev_suspended(dh_dev));
	CU_ASSERT_EQUAL(vfs_dev_set_vring_enable(dh_dev, 1, true), 0);
	CU_ASSERT(qs(1).enabled && !qs(1).started);
	r = dh_init_req(1);
	CU_ASSERT(dh_kick(1));
	CU_ASSERT(qs(1).started); /* the kick started it ... */
	CU_ASSERT_FALSE(r->done); /* ... but did not serve on our stack */
	CU_ASSERT_FALSE(vfs_dev_suspended(dh_dev));
	CU_ASSERT(trace_find("dev.resumed", 0) >= 0);
	CU_ASSERT(trace_find("dev.ring_start", 0) >= 0);
	dh_run();
	CU_ASSERT_EQUAL(dh_result(r), 0);
	CU_ASSERT_FALSE(qs(0).started);
	dh_teardown();
}

/* The default device, as rust-vmm's vhost-user-backend: a started but
 * disabled ring is not processed at all; enabling it serves what waits. */
static void test_disabled_ring_not_served(void)
{
	struct vfs_dev_config c = { .protocol_features = true };
	struct dh_req *r;

	dh_setup(&c);
	r = dh_init_req(1);
	CU_ASSERT(dh_kick(1));
	dh_run();
	CU_ASSERT(qs(1).started && !qs(1).enabled);
	CU_ASSERT_FALSE(r->done);
	CU_ASSERT_EQUAL(qs(1).popped, 0);
	CU_ASSERT_EQUAL(vfs_dev_set_vring_enable(dh_dev, 1, true), 0);
	dh_run();
	CU_ASSERT_EQUAL(dh_result(r), 0);
	CU_ASSERT_EQUAL(qs(1).popped, 1);
	dh_teardown();
}

/* vfsim's serve-disabled-rings, the vhost-user specification's wording:
 * queries answered, changes refused, nothing done. */
static void test_disabled_ring_has_no_side_effects(void)
{
	struct vfs_dev_config c = {
		.protocol_features = true,
		.options = 1u << VFS_DEV_OPT_SERVE_DISABLED,
	};
	struct dh_req *r, *f;

	dh_setup(&c);
	/* INIT changes the session: EAGAIN on a disabled ring. */
	dh_expect(dh_init_req(1), -EAGAIN);
	CU_ASSERT_FALSE(fuse_server_initialized(vfs_dev_server(dh_dev)));
	CU_ASSERT(qs(1).started && !qs(1).enabled);
	CU_ASSERT_EQUAL(vfs_dev_set_vring_enable(dh_dev, 1, true), 0);
	dh_do_init();
	CU_ASSERT_EQUAL(vfs_dev_set_vring_enable(dh_dev, 1, false), 0);
	CU_ASSERT(trace_find("dev.ring_enable", 0) >= 0);
	dh_expect(dh_mkdir(1, FUSE_ROOT_ID, "d"), -EAGAIN);
	dh_expect(dh_getattr(1, FUSE_ROOT_ID), 0);
	/* A FORGET on the disabled hiprio ring is discarded. */
	f = dh_forget(0, FUSE_ROOT_ID, 1);
	CU_ASSERT(dh_kick(0));
	dh_run();
	CU_ASSERT(f->done);
	CU_ASSERT_EQUAL(f->used_len, 0);
	CU_ASSERT(trace_find("forget discarded on disabled ring", 0) >= 0);
	/* Nothing was created. */
	CU_ASSERT_EQUAL(vfs_dev_set_vring_enable(dh_dev, 1, true), 0);
	dh_expect(dh_lookup(1, FUSE_ROOT_ID, "d"), -ENOENT);
	r = dh_mkdir(1, FUSE_ROOT_ID, "d");
	dh_expect(r, 0);
	dh_teardown();
}

static void test_set_features(void)
{
	u64 f = 1ULL << VIRTIO_F_VERSION_1;
	struct vfs_dev_config c = { .protocol_features = true };

	dh_setup(&c);
	CU_ASSERT_FALSE(qs(0).enabled || qs(1).enabled);
	CU_ASSERT_EQUAL(vfs_dev_set_features(dh_dev, f, true), 0);
	CU_ASSERT_FALSE(qs(0).enabled || qs(1).enabled);
	CU_ASSERT_EQUAL(vfs_dev_set_features(dh_dev, f, false), 0);
	CU_ASSERT(qs(0).enabled && qs(1).enabled);
	/* SET_FEATURES never disables a ring. */
	CU_ASSERT_EQUAL(vfs_dev_set_features(dh_dev, f, true), 0);
	CU_ASSERT(qs(0).enabled && qs(1).enabled);
	CU_ASSERT_EQUAL(vfs_dev_set_features(dh_dev, f | 1ULL << 40, false),
			-EINVAL);
	CU_ASSERT(trace_find("dev.set_features", 0) >= 0);
	dh_teardown();

	/* Without protocol features the probe alone enables every ring. */
	dh_setup(NULL);
	CU_ASSERT(qs(0).enabled && qs(1).enabled);
	CU_ASSERT_FALSE(qs(0).started);
	dh_teardown();
}

static void test_get_vring_base_stops_and_returns_index(void)
{
	struct dh_req *r;
	struct dh_snapshot snap;
	unsigned int irqs;

	dh_setup(NULL);
	dh_do_init();
	dh_expect(dh_getattr(1, FUSE_ROOT_ID), 0);
	dh_expect(dh_getattr(1, FUSE_ROOT_ID), 0);
	CU_ASSERT_EQUAL(vfs_dev_get_vring_base(dh_dev, 1), 3);
	CU_ASSERT_FALSE(qs(1).started);
	CU_ASSERT(qs(1).enabled); /* tracked while stopped */
	CU_ASSERT(trace_find("dev.ring_stop", 0) >= 0);
	CU_ASSERT(vfs_dev_suspended(dh_dev)); /* hiprio never started */
	CU_ASSERT(trace_find("dev.suspended", 0) >= 0);
	/* Stopped: a kick is not seen, nothing is processed. */
	dh_snap(&snap);
	irqs = dh_irqs[1];
	r = dh_getattr(1, FUSE_ROOT_ID);
	for (int i = 0; i < 3; i++)
		CU_ASSERT(dh_kick(1));
	dh_run();
	CU_ASSERT_FALSE(r->done);
	CU_ASSERT(dh_snap_same(&snap));
	CU_ASSERT_EQUAL(dh_irqs[1], irqs);
	CU_ASSERT_EQUAL(qs(1).popped, 3);
	CU_ASSERT(trace_find("kick fd unset", 0) >= 0);
	CU_ASSERT(vfs_dev_suspended(dh_dev));
	/* Messages are still answered while suspended. */
	CU_ASSERT_EQUAL(vfs_dev_get_vring_base(dh_dev, 1), 3);
	CU_ASSERT_EQUAL(vfs_dev_get_vring_base(dh_dev, 0), 0);
	CU_ASSERT_EQUAL(vfs_dev_set_vring_enable(dh_dev, 0, true), 0);
	dh_snap_free(&snap);
	/* SET_VRING_KICK starts it again and the waiting chain is served. */
	CU_ASSERT_EQUAL(vfs_dev_set_vring_kick(dh_dev, 1), 0);
	CU_ASSERT_FALSE(vfs_dev_suspended(dh_dev));
	dh_run();
	CU_ASSERT_EQUAL(dh_result(r), 0);
	CU_ASSERT_EQUAL(vfs_dev_get_vring_base(dh_dev, 1), 4);
	dh_teardown();
}

static void test_set_vring_base(void)
{
	struct dh_req *a, *b;

	dh_setup(NULL);
	dh_do_init();
	CU_ASSERT_EQUAL(vfs_dev_set_vring_base(dh_dev, 1, 0), -EBUSY);
	CU_ASSERT_EQUAL(vfs_dev_get_vring_base(dh_dev, 1), 1);
	a = dh_getattr(1, FUSE_ROOT_ID);
	b = dh_getattr(1, FUSE_ROOT_ID);
	/* Skip chain a: the device resumes at b's avail slot. */
	CU_ASSERT_EQUAL(vfs_dev_set_vring_base(dh_dev, 1, 2), 0);
	CU_ASSERT_EQUAL(qs(1).last_avail, 2);
	CU_ASSERT(trace_find("dev.set_vring_base", 0) >= 0);
	CU_ASSERT_EQUAL(vfs_dev_set_vring_kick(dh_dev, 1), 0);
	dh_run();
	CU_ASSERT_FALSE(a->done);
	CU_ASSERT_EQUAL(dh_result(b), 0);
	CU_ASSERT_EQUAL(vfs_dev_get_vring_base(dh_dev, 1), 3);
	dh_teardown();
}

/* A base set before the queue has addresses applies once it has them. */
static void test_set_vring_base_before_addresses(void)
{
	dh_setup(NULL);
	vfs_dev_reset(dh_dev);
	CU_ASSERT_FALSE(qs(1).ready);
	CU_ASSERT_EQUAL(vfs_dev_set_vring_kick(dh_dev, 1), -ENXIO);
	CU_ASSERT_EQUAL(vfs_dev_set_vring_base(dh_dev, 1, 5), 0);
	CU_ASSERT_EQUAL(qs(1).last_avail, 5);
	CU_ASSERT_EQUAL(vfs_dev_get_vring_base(dh_dev, 1), 5);
	dh_vdev.backend->queue_ready(dh_dev, 1,
				     virtqueue_get_desc_addr(dh_vqs[1]),
				     virtqueue_get_avail_addr(dh_vqs[1]),
				     virtqueue_get_used_addr(dh_vqs[1]), 128,
				     1ULL << VIRTIO_F_VERSION_1);
	CU_ASSERT(qs(1).ready);
	CU_ASSERT_EQUAL(qs(1).last_avail, 5);
	/* Out-of-range queue indexes are ignored by the hooks. */
	dh_vdev.backend->queue_ready(dh_dev, 7, 0, 0, 0, 128, 0);
	dh_teardown();
}

static void test_message_errors(void)
{
	dh_setup(NULL);
	CU_ASSERT_EQUAL(vfs_dev_set_vring_kick(dh_dev, 2), -EINVAL);
	CU_ASSERT_EQUAL(vfs_dev_set_vring_enable(dh_dev, 2, true), -EINVAL);
	CU_ASSERT_EQUAL(vfs_dev_get_vring_base(dh_dev, 2), -EINVAL);
	CU_ASSERT_EQUAL(vfs_dev_set_vring_base(dh_dev, 2, 0), -EINVAL);
	/* A kick for a queue the device does not have fails. */
	CU_ASSERT_FALSE(dh_vdev.backend->kick(dh_dev, 2));
	CU_ASSERT(trace_find("dev.kick_bad", 0) >= 0);
	/* SET_VRING_KICK on a stopped ring with addresses starts it. */
	CU_ASSERT_EQUAL(vfs_dev_set_vring_kick(dh_dev, 0), 0);
	CU_ASSERT(qs(0).started);
	CU_ASSERT_EQUAL(vfs_dev_set_vring_kick(dh_dev, 0), 0); /* no-op */
	dh_teardown();
}

/* GET_VRING_BASE waits for the chains its ring holds to complete. */
static void test_get_vring_base_drains(void)
{
	struct dh_req *a, *b;
	u64 t0;

	dh_setup(NULL);
	dh_do_init();
	vfs_dev_set_latency(dh_dev, 1000000);
	a = dh_getattr(1, FUSE_ROOT_ID);
	b = dh_getattr(1, FUSE_ROOT_ID);
	CU_ASSERT(dh_kick(1));
	t0 = sched_now();
	while (vfs_dev_in_progress(dh_dev) < 2)
		CU_ASSERT_FATAL(sched_step() == SCHED_STEPPED);
	CU_ASSERT_EQUAL(vfs_dev_get_vring_base(dh_dev, 1), 3);
	CU_ASSERT_EQUAL(vfs_dev_in_progress(dh_dev), 0);
	CU_ASSERT(sched_now() >= t0 + 1000000);
	CU_ASSERT(trace_find("dev.ring_drain", 0) >= 0);
	dh_reap(1);
	CU_ASSERT_EQUAL(dh_result(a), 0);
	CU_ASSERT_EQUAL(dh_result(b), 0);
	CU_ASSERT_FALSE(qs(1).started);
	dh_teardown();
}

static int killer(void *arg)
{
	(void)arg;
	msleep(1);
	vfs_dev_kill(dh_dev);
	return 0;
}

/* A drain that the daemon's death interrupts reports -ENOTCONN. */
static void test_get_vring_base_daemon_dies(void)
{
	struct dh_req *a;

	dh_setup(NULL);
	dh_do_init();
	vfs_dev_set_latency(dh_dev, 5000000);
	a = dh_getattr(1, FUSE_ROOT_ID);
	CU_ASSERT(dh_kick(1));
	CU_ASSERT_PTR_NOT_NULL(
		task_spawn(killer, NULL, "killer", TASK_SYSCALL, 0));
	while (vfs_dev_in_progress(dh_dev) < 1)
		CU_ASSERT_FATAL(sched_step() == SCHED_STEPPED);
	CU_ASSERT_EQUAL(vfs_dev_get_vring_base(dh_dev, 1), -ENOTCONN);
	CU_ASSERT_FALSE(qs(1).started);
	dh_run();
	CU_ASSERT_FALSE(a->done);
	CU_ASSERT_EQUAL(vfs_dev_in_progress(dh_dev), 1);
	CU_ASSERT_EQUAL(vfs_dev_get_vring_base(dh_dev, 1), -ENOTCONN);
	CU_ASSERT_EQUAL(vfs_dev_set_vring_kick(dh_dev, 1), -ENOTCONN);
	dh_teardown();
}

/* Both rings ran, both stopped: kicks on either change nothing the
 * device writes, and no interrupt arrives, until they are started. */
static void test_suspended_writes_nothing(void)
{
	struct dh_snapshot snap;
	struct vfs_dev_queue_stats before[2];
	unsigned int irqs[2] = { 0 };
	struct dh_req *g, *f;

	dh_setup(NULL);
	dh_do_init();
	dh_expect(dh_mkdir(1, FUSE_ROOT_ID, "d"), 0);
	f = dh_forget(0, 2, 1);
	CU_ASSERT(dh_kick(0));
	dh_run();
	CU_ASSERT(f->done);
	CU_ASSERT_EQUAL(vfs_dev_get_vring_base(dh_dev, 0), 1);
	CU_ASSERT_FALSE(vfs_dev_suspended(dh_dev));
	CU_ASSERT_EQUAL(vfs_dev_get_vring_base(dh_dev, 1), 2);
	CU_ASSERT(vfs_dev_suspended(dh_dev));
	dh_snap(&snap);
	for (unsigned int q = 0; q < 2; q++) {
		before[q] = qs(q);
		irqs[q] = dh_irqs[q];
	}
	g = dh_getattr(1, FUSE_ROOT_ID);
	f = dh_forget(0, 1, 1);
	for (int i = 0; i < 4; i++) {
		CU_ASSERT(dh_kick(0));
		CU_ASSERT(dh_kick(1));
		CU_ASSERT_EQUAL(dh_run(), SCHED_DONE);
	}
	CU_ASSERT(dh_snap_same(&snap));
	for (unsigned int q = 0; q < 2; q++) {
		CU_ASSERT_EQUAL(dh_irqs[q], irqs[q]);
		CU_ASSERT_EQUAL(qs(q).popped, before[q].popped);
		CU_ASSERT_EQUAL(qs(q).completed, before[q].completed);
	}
	CU_ASSERT_FALSE(g->done || f->done);
	/* Still answering messages. */
	CU_ASSERT_EQUAL(vfs_dev_set_vring_enable(dh_dev, 1, true), 0);
	CU_ASSERT_EQUAL(vfs_dev_set_vring_base(dh_dev, 1, 2), 0);
	CU_ASSERT_EQUAL(vfs_dev_get_vring_base(dh_dev, 0), 1);
	dh_snap_free(&snap);
	CU_ASSERT_EQUAL(vfs_dev_set_vring_kick(dh_dev, 0), 0);
	CU_ASSERT_EQUAL(vfs_dev_set_vring_kick(dh_dev, 1), 0);
	dh_run();
	CU_ASSERT(f->done);
	CU_ASSERT_EQUAL(dh_result(g), 0);
	dh_teardown();
}

/* The read-only device view of a ring, as consoles and pictures use it. */
static void test_vringh_view(void)
{
	const struct vringh *v;
	struct vfs_dev *lone;
	struct dh_req *r;

	dh_setup(NULL);
	/* A device nobody set up: no ring addresses yet. */
	CU_ASSERT_EQUAL_FATAL(vfs_dev_create(NULL, &lone), 0);
	CU_ASSERT_PTR_NULL(vfs_dev_vringh(lone, 0));
	vfs_dev_free(lone);
	CU_ASSERT_PTR_NULL(vfs_dev_vringh(dh_dev, 2)); /* no such queue */
	v = vfs_dev_vringh(dh_dev, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(v->num, virtqueue_get_vring_size(dh_vqs[1]));
	CU_ASSERT_EQUAL(v->desc, virtqueue_get_desc_addr(dh_vqs[1]));
	CU_ASSERT_EQUAL(v->used, virtqueue_get_used_addr(dh_vqs[1]));
	CU_ASSERT_EQUAL(v->last_avail_idx, 0);
	r = dh_init_req(1);
	CU_ASSERT(dh_kick(1));
	dh_run();
	CU_ASSERT_EQUAL(dh_result(r), 0);
	CU_ASSERT_EQUAL(v->last_avail_idx, 1);
	CU_ASSERT_EQUAL(v->last_used_idx, 1);
	CU_ASSERT_EQUAL(qs(1).last_avail, v->last_avail_idx);
	dh_teardown();
}

VT_SUITE(device_vfs_dev_ring, NULL, NULL,
	 VT_CASE(test_suspended_writes_nothing),
	 VT_CASE(test_initial_state_and_start_on_kick),
	 VT_CASE(test_disabled_ring_not_served),
	 VT_CASE(test_disabled_ring_has_no_side_effects),
	 VT_CASE(test_set_features),
	 VT_CASE(test_get_vring_base_stops_and_returns_index),
	 VT_CASE(test_set_vring_base),
	 VT_CASE(test_set_vring_base_before_addresses),
	 VT_CASE(test_message_errors), VT_CASE(test_get_vring_base_drains),
	 VT_CASE(test_get_vring_base_daemon_dies), VT_CASE(test_vringh_view));
