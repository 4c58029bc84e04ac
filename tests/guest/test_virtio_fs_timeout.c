// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_virtio_fs_timeout.c - mainline's request timeout through the
 * driver: armed by INIT's reply (the server's value or the sysctls), then
 * what a device that stops answering does to requests, unmount and
 * removal -- the kernel's hangs and use after free, and vfsim's
 * bounded-drain option that avoids them.
 */
#include "tests/guest/test_virtio_fs_util.h"

/* INIT sits on the device: no timeout is armed while it waits, however
 * long, and the GETATTR behind it is not aborted. Its reply arms one. */
static void test_timeout_armed_by_init_reply(void)
{
	struct vop op;

	CU_ASSERT_EQUAL(virtio_fs_set_request_timeout(15), 0);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	sdev_add_rule(&vt_dev, FUSE_INIT, SDEV_ANY_QUEUE, 1, SDEV_HOLD);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	vop_start(&op, FUSE_GETATTR, FUSE_ROOT_ID, false);
	vt_run_for(60 * NSEC_PER_SEC);
	CU_ASSERT_EQUAL(op.ret, 1);
	CU_ASSERT_EQUAL(vt_fc()->timeout.req_timeout, 0);
	CU_ASSERT_EQUAL(vt_trace_count("fuse.timeout_armed"), 0);
	/* nothing at all is pending meanwhile: the machine says so */
	CU_ASSERT_EQUAL(check_count(), check_count_kind("deadlock"));
	check_clear();
	sdev_release_held(&vt_dev, 1);
	vt_run();
	CU_ASSERT_EQUAL(op.ret, 0);
	CU_ASSERT_EQUAL(vt_fc()->timeout.req_timeout, 15 * HZ);
	CU_ASSERT_EQUAL(vt_trace_count("request timeout 15 s"), 1);
	/* 60 s of waiting before it: the GETATTR was not aborted */
	CU_ASSERT(vt_fc()->connected);
	vt_umount();
	CU_ASSERT_EQUAL(check_count(), 0);
}

/* An INIT that fails arms nothing. */
static void test_timeout_not_armed_on_init_error(void)
{
	CU_ASSERT_EQUAL(virtio_fs_set_request_timeout(15), 0);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	sdev_add_rule(&vt_dev, FUSE_INIT, SDEV_ANY_QUEUE, 1,
		      SDEV_REPLY_ERROR(-EIO));
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	CU_ASSERT(vt_fc()->conn_error);
	CU_ASSERT_EQUAL(vt_fc()->timeout.req_timeout, 0);
	CU_ASSERT_EQUAL(vt_trace_count("fuse.timeout_armed"), 0);
	vt_umount();
	CU_ASSERT_EQUAL(check_count(), 0);
}

/* The server's INIT request_timeout (with FUSE_REQUEST_TIMEOUT) wins over
 * the default sysctl; 6.1 neither offers the flag nor arms anything. */
static void run_timeout_from_server(const char *variant, bool armed)
{
	const struct sdev_req *r;

	CU_ASSERT_EQUAL(virtio_fs_set_variant(variant), 0);
	vt_cfg.request_timeout = 20;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	r = sdev_last(&vt_dev, FUSE_INIT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(!!(vt_fc()->init_flags & FUSE_REQUEST_TIMEOUT), armed);
	CU_ASSERT_EQUAL(vt_fc()->timeout.req_timeout, armed ? 20 * HZ : 0);
	CU_ASSERT_EQUAL(vt_trace_count("request timeout 20 s"), armed ? 1 : 0);
	vt_umount();
	CU_ASSERT_EQUAL(check_count(), 0);
}

static void test_timeout_from_server_mainline(void)
{
	run_timeout_from_server("mainline", true);
}

static void test_timeout_from_server_6_1(void)
{
	run_timeout_from_server("6.1", false);
	CU_ASSERT_EQUAL(virtio_fs_set_request_timeout(15), -ENOTSUP);
}

static bool after(void *arg)
{
	return sched_now() >= *(u64 *)arg;
}

/*
 * Mainline and a device that stopped answering, 15 s timeout: the checks
 * run every 15 s from INIT's reply, and the first one to find the GETATTR
 * older than 15 s aborts the connection (-ECONNABORTED), between 15 and
 * 30 s after it was sent. The abort leaves
 * in_flight alone and the device still holds the buffers, so unmount's
 * drain waits for ever, and removal then waits for virtio_fs_mutex,
 * which the unmount holds: the kernel hangs, the machine reports the
 * deadlock.
 */
static void test_dead_device_hangs(void)
{
	struct task *um;
	struct vop op;
	u64 until;

	CU_ASSERT_EQUAL(virtio_fs_set_request_timeout(15), 0);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	sdev_die(&vt_dev);
	vop_start(&op, FUSE_GETATTR, FUSE_ROOT_ID, false);
	until = sched_now() + 31 * NSEC_PER_SEC;
	vt_run_for(14 * NSEC_PER_SEC);
	CU_ASSERT_EQUAL(op.ret, 1);
	vt_run_until_for(after, &until, 31 * NSEC_PER_SEC);
	CU_ASSERT_EQUAL(op.ret, -ECONNABORTED);
	CU_ASSERT_FALSE(vt_fc()->connected);
	CU_ASSERT_EQUAL(vt_fs()->vqs[VQ_REQUEST].in_flight, 1);
	CU_ASSERT_EQUAL(check_count(), 0);
	um = task_spawn(vt_umount_fn, vt_sb, "umount", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(vt_run(), SCHED_DEADLOCK);
	CU_ASSERT(!task_done(um));
	sdev_unplug(&vt_dev);
	CU_ASSERT_EQUAL(vt_run(), SCHED_DEADLOCK);
	CU_ASSERT(!vt_dev.unplugged);
	CU_ASSERT_EQUAL(vt_trace_count("virtio_fs.drain_timeout"), 0);
	CU_ASSERT_EQUAL(check_count(), check_count_kind("deadlock"));
	check_clear();
	vt_sb = NULL;
	vt_expect_stuck = true;
}

/* Unmount's DESTROY sits on the ring of the dead device. */
static bool destroy_stuck(void *arg)
{
	struct task *um = arg;

	return vt_fs()->vqs[VQ_REQUEST].in_flight == 2 &&
	       um->state == TASK_BLOCKED;
}

/*
 * The same with vfsim's bounded-drain option: unmount's drain gives up
 * after twice the timeout, then its DESTROY (forced, so sent after the
 * abort too) sits on the dead device; removal resets the device and takes
 * back the buffers the device still held, and both finish. Nothing is freed while
 * the device holds it.
 */
static void test_dead_device_bounded_drain(void)
{
	struct task *um;
	struct vop op;

	CU_ASSERT_EQUAL(virtio_fs_set_request_timeout(15), 0);
	CU_ASSERT_EQUAL(virtio_fs_set_option("bounded-drain", true), 0);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	sdev_die(&vt_dev);
	vop_start(&op, FUSE_GETATTR, FUSE_ROOT_ID, false);
	vt_run_for(40 * NSEC_PER_SEC);
	CU_ASSERT_EQUAL(op.ret, -ECONNABORTED);
	CU_ASSERT_EQUAL(vt_fs()->vqs[VQ_REQUEST].in_flight, 1);
	um = task_spawn(vt_umount_fn, vt_sb, "umount", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(vt_run_until_for(destroy_stuck, um, 200 * NSEC_PER_SEC),
			SCHED_STOPPED);
	CU_ASSERT_EQUAL(vt_trace_count("virtio_fs.drain_timeout"), 1);
	CU_ASSERT(!task_done(um));
	sdev_unplug(&vt_dev);
	vt_run_for(200 * NSEC_PER_SEC);
	CU_ASSERT(vt_dev.unplugged);
	CU_ASSERT(task_done(um));
	CU_ASSERT_EQUAL(check_count(), 0);
	vt_sb = NULL;
}

/*
 * A 15 s timeout, a GETATTR the device holds past it (aborted at 30 s),
 * then answered at 40 s: the late reply. Mainline ended and freed the
 * request while its buffers were still on the ring (the kernel takes no
 * reference for the device), so the completion work gets a freed request
 * back: a use after free, which KASAN would report (virtio_fs.uaf here),
 * and the argument buffer, known only to the freed request, is lost.
 * With vfsim's bounded-drain option the driver holds a request reference
 * for the device: the late reply only gives the buffers back.
 */
static void run_late_reply(bool bounded)
{
	struct vop op;

	CU_ASSERT_EQUAL(virtio_fs_set_request_timeout(15), 0);
	CU_ASSERT_EQUAL(virtio_fs_set_option("bounded-drain", bounded), 0);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	sdev_add_rule(&vt_dev, FUSE_GETATTR, SDEV_ANY_QUEUE, 1, SDEV_HOLD);
	vop_start(&op, FUSE_GETATTR, FUSE_ROOT_ID, false);
	vt_run_for(40 * NSEC_PER_SEC);
	CU_ASSERT_EQUAL(op.ret, -ECONNABORTED);
	CU_ASSERT_EQUAL(sdev_nr_held(&vt_dev), 1);
	CU_ASSERT_EQUAL(check_count(), 0);
	sdev_release_held(&vt_dev, 1);
	vt_run();
	CU_ASSERT_EQUAL(check_count_kind("virtio_fs.uaf"), bounded ? 0 : 1);
	CU_ASSERT_EQUAL(check_count(), bounded ? 0 : 1);
	CU_ASSERT_EQUAL(vt_trace_count("virtio_fs.late_reply"),
			bounded ? 1 : 0);
	CU_ASSERT_EQUAL(op.attr.attr.ino, 0);
	CU_ASSERT_EQUAL(vt_fs()->vqs[VQ_REQUEST].in_flight, 0);
	check_clear();
	vt_umount();
	CU_ASSERT_EQUAL(check_count(), 0);
	vt_expect_leaks = bounded ? 0 : 1;
}

static void test_late_reply_use_after_free(void)
{
	run_late_reply(false);
}

static void test_late_reply_bounded_drain(void)
{
	run_late_reply(true);
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
 * A dead device with a full ring (bounded-drain): the requests on the
 * ring are aborted by the timeout, but the parked one is on no list the
 * FUSE core scans (fsvq->queued_reqs): only removal ends it (-ENOTCONN),
 * together with the FORGETs still on the ring or parked. Without the
 * option nothing would ever end it (the kernel's drain waits for ever).
 */
static void test_dead_device_parked(void)
{
	struct vt_forgets f = { .n = 10, .first = 100 };
	int aborted = 0, notconn = 0;

	CU_ASSERT_EQUAL(virtio_fs_set_request_timeout(15), 0);
	CU_ASSERT_EQUAL(virtio_fs_set_option("bounded-drain", true), 0);
	vt_cfg.queue_size = 8;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	sdev_die(&vt_dev);
	vt_forget_many(f.n, f.first);
	for (int i = 0; i < 3; i++)
		vop_start(&dead_ops[i], FUSE_GETATTR, FUSE_ROOT_ID, false);
	vt_deadline = sched_now() + 60 * NSEC_PER_SEC;
	vt_pred = first_aborted;
	sched_run_until(vt_pred_or_deadline, NULL);
	CU_ASSERT_EQUAL(vt_fs()->vqs[VQ_REQUEST].in_flight, 3);
	CU_ASSERT_EQUAL(vt_fs()->vqs[VQ_HIPRIO].in_flight, 10);
	sdev_unplug(&vt_dev);
	vt_run_for(200 * NSEC_PER_SEC);
	CU_ASSERT(vt_dev.unplugged);
	for (int i = 0; i < 3; i++) {
		aborted += dead_ops[i].ret == -ECONNABORTED;
		notconn += dead_ops[i].ret == -ENOTCONN;
	}
	CU_ASSERT_EQUAL(aborted, 2);
	CU_ASSERT_EQUAL(notconn, 1);
	CU_ASSERT_EQUAL(check_count(), 0);
	vt_umount();
}

VT_SUITE_EACH(guest_virtio_fs_timeout, vt_setup, vt_teardown,
	      VT_CASE(test_timeout_armed_by_init_reply),
	      VT_CASE(test_timeout_not_armed_on_init_error),
	      VT_CASE(test_timeout_from_server_mainline),
	      VT_CASE(test_timeout_from_server_6_1),
	      VT_CASE(test_dead_device_hangs),
	      VT_CASE(test_dead_device_bounded_drain),
	      VT_CASE(test_late_reply_use_after_free),
	      VT_CASE(test_late_reply_bounded_drain),
	      VT_CASE(test_dead_device_parked));
