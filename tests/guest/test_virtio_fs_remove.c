// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_virtio_fs_remove.c - hot-unplug of a virtio-fs device: removal with
 * requests and FORGETs in flight, requests after removal, mount racing
 * removal, and a device that stopped answering (request timeout).
 */
#include "tests/guest/test_virtio_fs_util.h"

static bool held_is(void *arg)
{
	return sdev_nr_held(&vt_dev) == *(unsigned int *)arg;
}

static bool unplugged(void *arg)
{
	(void)arg;
	return vt_dev.unplugged;
}

/* The unplug task is inside virtio_fs_remove() and waiting (draining). */
static bool remove_waits(void *arg)
{
	struct task *t = arg;

	return vt_trace_count("virtio_fs.remove") && t->state == TASK_BLOCKED &&
	       !vt_dev.unplugged;
}

/* Removal waits for the request the device holds, then new requests fail
 * with -ENOTCONN, FORGETs are dropped, a new mount cannot find the tag,
 * and the file system can still be unmounted. */
static void run_remove_in_flight(const char *variant)
{
	struct super_block *sb;
	unsigned int one = 1;
	struct vop op, op2;
	s64 id;

	virtio_fs_set_variant(variant);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	id = vt_lookup("a");
	sdev_add_rule(&vt_dev, FUSE_GETATTR, SDEV_ANY_QUEUE, 1, SDEV_HOLD);
	vop_start(&op, FUSE_GETATTR, FUSE_ROOT_ID, false);
	vt_run_until(held_is, &one);
	CU_ASSERT_EQUAL(vt_run_until(remove_waits, sdev_unplug(&vt_dev)),
			SCHED_STOPPED);
	CU_ASSERT_EQUAL(op.ret, 1);
	CU_ASSERT_EQUAL(virtio_fs_nr_instances(), 0);
	sdev_release_held(&vt_dev, 1);
	vt_run_until(unplugged, NULL);
	CU_ASSERT(vt_dev.unplugged);
	CU_ASSERT_EQUAL(op.ret, 0);

	CU_ASSERT_EQUAL(vop_run(&op2, FUSE_GETATTR, FUSE_ROOT_ID), -ENOTCONN);
	vop_start(&op2, FUSE_FORGET, (u64)id, false);
	vt_run();
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_FORGET), 0);
	CU_ASSERT_EQUAL(vt_mount_tag("vfsim", &sb), -EINVAL);
	CU_ASSERT_EQUAL(check_count(), 0);
	vt_umount();
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_DESTROY), 0);
}

static void test_remove_in_flight_mainline(void)
{
	run_remove_in_flight("mainline");
}

static void test_remove_in_flight_v5(void)
{
	run_remove_in_flight("v5-2019");
}

struct fill_arg {
	unsigned int n;
	u64 first;
};

static int forget_many_fn(void *arg)
{
	struct fill_arg *f = arg;

	for (unsigned int i = 0; i < f->n; i++)
		fuse_queue_forget(vt_fc(), fuse_alloc_forget(), f->first + i,
				  1);
	return 0;
}

/* Removal while FORGETs are on the ring and parked: the ring's four
 * complete, the parked six are dropped (mainline: by dispatch_work, still
 * counted; v5: purged first), nothing leaks. */
static void run_remove_parked_forgets(const char *variant)
{
	struct fill_arg f = { .n = 10, .first = 100 };

	virtio_fs_set_variant(variant);
	vt_cfg.queue_size = 4;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	sdev_pause(&vt_dev);
	task_join(task_spawn(forget_many_fn, &f, "forget", TASK_SYSCALL, 0),
		  NULL);
	CU_ASSERT_EQUAL(vt_run_until(remove_waits, sdev_unplug(&vt_dev)),
			SCHED_STOPPED);
	sdev_resume(&vt_dev);
	vt_run_until(unplugged, NULL);
	CU_ASSERT(vt_dev.unplugged);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_FORGET), 4);
	CU_ASSERT_EQUAL(check_count(), 0);
	vt_umount();
}

static void test_remove_parked_forgets_mainline(void)
{
	run_remove_parked_forgets("mainline");
}

static void test_remove_parked_forgets_v5(void)
{
	run_remove_parked_forgets("v5-2019");
}

struct race {
	struct vt_mount_arg m;
	bool mount_first;
};

/*
 * Mount racing removal, over many random schedules: either the mount
 * wins (and unmounts cleanly later) or it fails with -EINVAL -- at
 * find_instance or, after taking its reference, in fill_super's recheck
 * under virtio_fs_mutex. Never a crash, a report or a leak.
 *
 * The request timeout is armed: when the unplug has begun before the
 * mount kicks INIT, the kick fails, the queue breaks and INIT never
 * completes -- removal's drain would wait for ever, as the kernel's does
 * on a surprise removal. The timeout ends INIT and bounds the drain.
 */
static void test_mount_races_remove(void)
{
	unsigned int ok = 0, einval = 0, recheck = 0;
	unsigned int seeds = vt_slow_build() ? 12 : 60;

	for (unsigned int seed = 1; seed <= seeds; seed++) {
		struct vt_mount_arg m = { .tag = "vfsim", .ret = 1 };
		char policy[32];

		vt_setup();
		virtio_fs_set_request_timeout(5 * NSEC_PER_MSEC);
		snprintf(policy, sizeof(policy), "random:%u", seed);
		CU_ASSERT_EQUAL_FATAL(sched_set_policy(policy), 0);
		CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
		task_spawn(vt_mount_fn, &m, "mount", TASK_SYSCALL, 0);
		sdev_unplug(&vt_dev);
		vt_run();
		CU_ASSERT(vt_dev.unplugged);
		if (m.ret == 0) {
			ok++;
			vt_sb = m.sb;
			vt_umount();
		} else {
			CU_ASSERT_EQUAL(m.ret, -EINVAL);
			einval++;
			if (vt_trace_count("virtio_fs_fill_super") > 0)
				recheck++;
		}
		CU_ASSERT_EQUAL(check_count(), 0);
		vt_teardown();
	}
	vt_setup(); /* for the suite's own teardown */
	CU_ASSERT_EQUAL(ok + einval, seeds);
	CU_ASSERT(ok > 0);
	CU_ASSERT(einval > 0);
	fprintf(stderr,
		" [mount/remove race: %u mounted, %u -EINVAL (%u in "
		"fill_super)] ",
		ok, einval, recheck);
}

/* Unmount's DESTROY sits on the ring of the dead device. */
static bool destroy_stuck(void *arg)
{
	struct task *um = arg;

	return vt_fs()->vqs[VQ_REQUEST].in_flight == 2 &&
	       um->state == TASK_BLOCKED;
}

/*
 * A device that stopped answering, with a 5 ms request timeout: the
 * request ends with -ECONNABORTED, unmount waits (the device still owns
 * the buffers of DESTROY) until removal resets the device and takes them
 * back, then both finish. Nothing is freed while the device holds it.
 */
static void test_dead_device_timeout(void)
{
	struct task *um;
	struct vop op;

	virtio_fs_set_request_timeout(5 * NSEC_PER_MSEC);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	sdev_die(&vt_dev);
	CU_ASSERT_EQUAL(vop_run(&op, FUSE_GETATTR, FUSE_ROOT_ID),
			-ECONNABORTED);
	CU_ASSERT_EQUAL(vt_fs()->vqs[VQ_REQUEST].in_flight, 1);
	um = task_spawn(vt_umount_fn, vt_sb, "umount", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(vt_run_until(destroy_stuck, um), SCHED_STOPPED);
	CU_ASSERT(!task_done(um));
	sdev_unplug(&vt_dev);
	vt_run();
	CU_ASSERT(vt_dev.unplugged);
	CU_ASSERT(task_done(um));
	CU_ASSERT(vt_trace_count("virtio_fs.drain_timeout") >= 1);
	CU_ASSERT_EQUAL(check_count(), 0);
	vt_sb = NULL;
}

/* The device answers after the timeout ended the request: the late reply
 * only gives the buffers back (nothing is copied to the caller). */
static void test_late_reply_after_timeout(void)
{
	unsigned int one = 1;
	struct vop op;

	virtio_fs_set_request_timeout(5 * NSEC_PER_MSEC);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	sdev_add_rule(&vt_dev, FUSE_GETATTR, SDEV_ANY_QUEUE, 1, SDEV_HOLD);
	CU_ASSERT_EQUAL(vop_run(&op, FUSE_GETATTR, FUSE_ROOT_ID),
			-ECONNABORTED);
	CU_ASSERT_EQUAL(op.attr.attr.ino, 0);
	CU_ASSERT_EQUAL(sdev_nr_held(&vt_dev), one);
	sdev_release_held(&vt_dev, 1);
	vt_run();
	CU_ASSERT_EQUAL(vt_trace_count("virtio_fs.late_reply"), 1);
	CU_ASSERT_EQUAL(op.attr.attr.ino, 0);
	CU_ASSERT_EQUAL(vt_fs()->vqs[VQ_REQUEST].in_flight, 0);
	vt_umount();
	CU_ASSERT_EQUAL(check_count(), 0);
}

static struct vop dead_ops[3];

static bool first_aborted(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3; i++)
		if (dead_ops[i].ret == -ECONNABORTED)
			return true;
	return false;
}

/*
 * A dead device with a full ring: the request on the ring is aborted by
 * the timeout, but the two parked ones are on no list the FUSE core scans
 * (fsvq->queued_reqs), so only removal ends them (-ENOTCONN), together
 * with the FORGETs still on the ring or parked.
 */
static void test_dead_device_parked(void)
{
	struct fill_arg f = { .n = 6, .first = 100 };
	int aborted = 0, notconn = 0;

	virtio_fs_set_request_timeout(5 * NSEC_PER_MSEC);
	vt_cfg.queue_size = 4;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	sdev_die(&vt_dev);
	task_join(task_spawn(forget_many_fn, &f, "forget", TASK_SYSCALL, 0),
		  NULL);
	for (int i = 0; i < 3; i++)
		vop_start(&dead_ops[i], FUSE_GETATTR, FUSE_ROOT_ID, false);
	vt_run_until(first_aborted, NULL);
	CU_ASSERT_EQUAL(vt_fs()->vqs[VQ_REQUEST].in_flight, 3);
	CU_ASSERT_EQUAL(vt_fs()->vqs[VQ_HIPRIO].in_flight, 6);
	sdev_unplug(&vt_dev);
	vt_run();
	CU_ASSERT(vt_dev.unplugged);
	for (int i = 0; i < 3; i++) {
		aborted += dead_ops[i].ret == -ECONNABORTED;
		notconn += dead_ops[i].ret == -ENOTCONN;
	}
	CU_ASSERT_EQUAL(aborted, 1);
	CU_ASSERT_EQUAL(notconn, 2);
	CU_ASSERT_EQUAL(check_count(), 0);
	vt_umount();
}

VT_SUITE_EACH(guest_virtio_fs_remove, vt_setup, vt_teardown,
	      VT_CASE(test_remove_in_flight_mainline),
	      VT_CASE(test_remove_in_flight_v5),
	      VT_CASE(test_remove_parked_forgets_mainline),
	      VT_CASE(test_remove_parked_forgets_v5),
	      VT_CASE(test_mount_races_remove),
	      VT_CASE(test_dead_device_timeout),
	      VT_CASE(test_late_reply_after_timeout),
	      VT_CASE(test_dead_device_parked));
