// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_virtio_fs_remove.c - hot-unplug of a virtio-fs device: removal with
 * requests and FORGETs in flight, requests after removal, mount racing
 * removal, and a device that stopped answering (request timeout).
 */
#include <string.h>

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
	/* v5 drains by polling: the drain wakes a timer tick late */
	CU_ASSERT_EQUAL(check_count_kind("virtio_fs.drain_late"),
			strcmp(variant, "v5-2019") ? 0u : 1u);

	CU_ASSERT_EQUAL(vop_run(&op2, FUSE_GETATTR, FUSE_ROOT_ID), -ENOTCONN);
	vop_start(&op2, FUSE_FORGET, (u64)id, false);
	vt_run();
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_FORGET), 0);
	CU_ASSERT_EQUAL(vt_mount_tag("vfsim", &sb), -EINVAL);
	CU_ASSERT_EQUAL(check_count(),
			check_count_kind("virtio_fs.drain_late"));
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

/* Removal while FORGETs are on the ring and parked: the ring's eight
 * complete, the parked twelve are dropped (6.1 and mainline: by the
 * dispatch work on the stopped queue, still counted; v5: purged first),
 * nothing leaks. */
static void run_remove_parked_forgets(const char *variant)
{
	struct vt_forgets f = { .n = 20, .first = 100 };

	virtio_fs_set_variant(variant);
	vt_cfg.queue_size = 8;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	sdev_pause(&vt_dev);
	vt_forget_many(f.n, f.first);
	CU_ASSERT_EQUAL(vt_run_until(remove_waits, sdev_unplug(&vt_dev)),
			SCHED_STOPPED);
	sdev_resume(&vt_dev);
	vt_run_until(unplugged, NULL);
	CU_ASSERT(vt_dev.unplugged);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_FORGET), 8);
	/* v5 drains by polling: the drain wakes a timer tick late */
	CU_ASSERT_EQUAL(check_count_kind("virtio_fs.drain_late"),
			strcmp(variant, "v5-2019") ? 0u : 1u);
	CU_ASSERT_EQUAL(check_count(),
			check_count_kind("virtio_fs.drain_late"));
	vt_umount();
}

static void test_remove_parked_forgets_mainline(void)
{
	run_remove_parked_forgets("mainline");
}

static void test_remove_parked_forgets_6_1(void)
{
	run_remove_parked_forgets("6.1");
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
 * wins (and unmounts cleanly later), or it fails with -EINVAL -- at
 * find_instance or, after taking its reference, in fill_super's recheck
 * under virtio_fs_mutex -- or INIT was on the ring when the device went:
 * the kick fails, the queue breaks, INIT is never answered and removal's
 * drain waits for it for ever, as the kernel's does on a surprise removal
 * (no request timeout helps: it is armed by INIT's reply). Never a crash,
 * a leak or another report.
 */
static unsigned int race_steps;

static bool race_steps_done(void *arg)
{
	(void)arg;
	return !race_steps--;
}

static void test_mount_races_remove(void)
{
	unsigned int ok = 0, einval = 0, recheck = 0, hung = 0;
	unsigned int seeds = vt_slow_build() ? 12 : 60;

	for (unsigned int seed = 1; seed <= seeds; seed++) {
		struct vt_mount_arg m = { .tag = "vfsim", .ret = 1 };
		char policy[32];

		vt_setup();
		CU_ASSERT_EQUAL(virtio_fs_set_request_timeout(15), 0);
		snprintf(policy, sizeof(policy), "random:%u", seed);
		CU_ASSERT_EQUAL_FATAL(sched_set_policy(policy), 0);
		CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
		task_spawn(vt_mount_fn, &m, "mount", TASK_SYSCALL, 0);
		/* the unplug comes a few steps into the mount, or first */
		race_steps = seed % 24;
		sched_run_until(race_steps_done, NULL);
		sdev_unplug(&vt_dev);
		vt_run();
		if (!vt_dev.unplugged) {
			/* removal drains an INIT nobody will answer */
			hung++;
			CU_ASSERT_EQUAL(m.ret, 0);
			CU_ASSERT_FALSE(m.sb && vt_fc_of(m.sb)->initialized);
			CU_ASSERT(check_count_kind("deadlock") >= 1);
			CU_ASSERT_EQUAL(check_count(),
					check_count_kind("deadlock"));
			vt_expect_stuck = true;
		} else if (m.ret == 0) {
			ok++;
			vt_sb = m.sb;
			vt_umount();
			CU_ASSERT_EQUAL(check_count(), 0);
		} else {
			CU_ASSERT_EQUAL(m.ret, -EINVAL);
			einval++;
			if (vt_trace_count("virtio_fs_fill_super") > 0)
				recheck++;
			CU_ASSERT_EQUAL(check_count(), 0);
		}
		vt_teardown();
	}
	vt_setup(); /* for the suite's own teardown */
	CU_ASSERT_EQUAL(ok + einval + hung, seeds);
	CU_ASSERT(ok > 0);
	CU_ASSERT(einval > 0);
	fprintf(stderr,
		" [mount/remove race: %u mounted, %u -EINVAL (%u in "
		"fill_super), %u hung on INIT] ",
		ok, einval, recheck, hung);
}

VT_SUITE_EACH(guest_virtio_fs_remove, vt_setup, vt_teardown,
	      VT_CASE(test_remove_in_flight_mainline),
	      VT_CASE(test_remove_in_flight_v5),
	      VT_CASE(test_remove_parked_forgets_mainline),
	      VT_CASE(test_remove_parked_forgets_6_1),
	      VT_CASE(test_remove_parked_forgets_v5),
	      VT_CASE(test_mount_races_remove));
