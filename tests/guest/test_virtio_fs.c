// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_virtio_fs.c - the virtio-fs driver against the scripted device:
 * probe, mount, requests, FORGETs, unmount, removal; both variants.
 */
#include "tests/guest/test_virtio_fs_util.h"

#include "guest/vfsim_syscalls.h"
#include "sim/kernel/delay.h"

/* Probe, mount, GETATTR, LOOKUP + FORGET, unmount, unplug: nothing leaks
 * and the device's lookup counts balance. */
static void run_smoke(const char *variant)
{
	struct vop op;
	s64 id;

	CU_ASSERT_EQUAL(virtio_fs_set_variant(variant), 0);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL(virtio_fs_nr_instances(), 1);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_INIT), 1);
	CU_ASSERT(vt_fc()->conn_init);

	CU_ASSERT_EQUAL(vop_run(&op, FUSE_GETATTR, FUSE_ROOT_ID), 0);
	CU_ASSERT_EQUAL(op.attr.attr.ino, FUSE_ROOT_ID);

	id = vt_lookup("a");
	CU_ASSERT(id > 1);
	CU_ASSERT_EQUAL(sdev_lookup_count(&vt_dev, (u64)id), 1);
	vop_start(&op, FUSE_FORGET, (u64)id, false);
	vt_run();
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_FORGET), 1);
	if (!strcmp(variant, "v5-2019")) {
		/* v5 sends the list_head too; the daemons of the time
		 * ignored the trailing bytes, and so does this device */
		CU_ASSERT_EQUAL(sdev_last(&vt_dev, FUSE_FORGET)->hdr_len, 64);
		CU_ASSERT_EQUAL(sdev_last(&vt_dev, FUSE_FORGET)->parse_err, 0);
		CU_ASSERT_EQUAL(sdev_total_lookups(&vt_dev), 0);
	} else {
		CU_ASSERT_EQUAL(sdev_last(&vt_dev, FUSE_FORGET)->hdr_len, 48);
		CU_ASSERT_EQUAL(sdev_total_lookups(&vt_dev), 0);
	}

	vt_umount();
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_DESTROY), 1);
	CU_ASSERT_EQUAL(check_count(), 0);
}

static void test_smoke_mainline(void)
{
	run_smoke("mainline");
}

static void test_smoke_v5(void)
{
	run_smoke("v5-2019");
}

static void set_tag(const char *tag, size_t len)
{
	memset(vt_cfg.tag, 0, sizeof(vt_cfg.tag));
	memcpy(vt_cfg.tag, tag, len);
}

static void test_probe_empty_tag(void)
{
	set_tag("", 0);
	CU_ASSERT_EQUAL(vt_probe(), -EINVAL);
	CU_ASSERT_EQUAL(virtio_fs_nr_instances(), 0);
	CU_ASSERT_PTR_NULL(vt_dev.vdev.priv);
	CU_ASSERT(vt_trace_count("probe failed with error -22") == 1);
}

/* 36 bytes and no NUL: the whole field is the tag. */
static void test_probe_full_length_tag(void)
{
	char tag[37];
	struct super_block *sb;

	memset(tag, 'x', 36);
	tag[36] = '\0';
	set_tag(tag, 36);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL(strlen(vt_fs()->tag), 36);
	CU_ASSERT_STRING_EQUAL(vt_fs()->tag, tag);
	CU_ASSERT_EQUAL(vt_mount_tag(tag, &sb), 0);
	vt_sb = sb;
	vt_umount();
}

static void test_probe_newline_tag(void)
{
	set_tag("a\nb", 3);
	CU_ASSERT_EQUAL(vt_probe(), -EINVAL);
	sdev_destroy(&vt_dev);
	memset(&vt_dev, 0, sizeof(vt_dev));
	/* v5 did not check for newlines */
	virtio_fs_set_variant("v5-2019");
	CU_ASSERT_EQUAL(vt_probe(), 0);
	CU_ASSERT_STRING_EQUAL(vt_fs()->tag, "a\nb");
}

static void test_probe_zero_queues(void)
{
	vt_cfg.num_request_queues = 0;
	CU_ASSERT_EQUAL(vt_probe(), -EINVAL);
	CU_ASSERT_EQUAL(virtio_fs_nr_instances(), 0);
}

/* The device has fewer queues than its config space promises. */
static void test_probe_find_vqs_fails(void)
{
	vt_cfg.num_request_queues = 2;
	vt_cfg.nr_queues = 2;
	CU_ASSERT_EQUAL(vt_probe(), -ENOENT);
	CU_ASSERT_EQUAL(virtio_fs_nr_instances(), 0);
}

static void run_alloc_failure(const char *plan, int expect)
{
	CU_ASSERT_EQUAL_FATAL(fault_plan_parse(plan), 0);
	CU_ASSERT_EQUAL(vt_probe(), expect);
	CU_ASSERT_EQUAL(virtio_fs_nr_instances(), 0);
	sdev_destroy(&vt_dev);
	memset(&vt_dev, 0, sizeof(vt_dev));
	fault_reset();
	CU_ASSERT_EQUAL(kmem_nr_live(), 0);
}

static void test_probe_alloc_failures(void)
{
	run_alloc_failure("kmalloc:site=virtio_fs_probe", -ENOMEM);
	run_alloc_failure("kmalloc:site=virtio_fs_read_tag", -ENOMEM);
	for (int nth = 1; nth <= 5; nth++) {
		char plan[64];

		snprintf(plan, sizeof(plan),
			 "kmalloc:site=virtio_fs_setup_vqs,nth=%d", nth);
		run_alloc_failure(plan, -ENOMEM);
	}
	/* v5 has no mq_map: four allocations */
	virtio_fs_set_variant("v5-2019");
	for (int nth = 1; nth <= 4; nth++) {
		char plan[64];

		snprintf(plan, sizeof(plan),
			 "kmalloc:site=virtio_fs_setup_vqs,nth=%d", nth);
		run_alloc_failure(plan, -ENOMEM);
	}
}

static struct sdev vt_dev2;

/* A second device with the same tag: -EEXIST, and nothing leaks unless
 * probe-error-leak (v5 has it) forgets fs->vqs. */
static void run_duplicate_tag(const char *variant, const char *bugs,
			      size_t leaks)
{
	CU_ASSERT_EQUAL(virtio_fs_set_variant(variant), 0);
	CU_ASSERT_EQUAL(virtio_fs_set_bugs(bugs), 0);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(sdev_create(&vt_dev2, &vt_cfg), 0);
	CU_ASSERT_EQUAL(virtio_driver_probe(&vt_dev2.vdev, &virtio_fs_driver),
			-EEXIST);
	CU_ASSERT_EQUAL(virtio_fs_nr_instances(), 1);
	CU_ASSERT(vt_dev2.resets >= 1);
	sdev_destroy(&vt_dev2);
	memset(&vt_dev2, 0, sizeof(vt_dev2));
	vt_expect_leaks = leaks;
}

static void test_probe_duplicate_tag_mainline(void)
{
	run_duplicate_tag("mainline", "", 0);
}

/* 6.1 frees fs->vqs on the error path; the switch brings back 5.4's
 * missing kfree() */
static void test_probe_duplicate_tag_6_1(void)
{
	run_duplicate_tag("6.1", "", 0);
}

static void test_probe_duplicate_tag_leak_bug(void)
{
	run_duplicate_tag("6.1", "probe-error-leak", 1);
}

/* mainline frees through the kobject: the switch has no line to drop */
static void test_probe_error_leak_not_mainline(void)
{
	CU_ASSERT_EQUAL(virtio_fs_set_bugs("probe-error-leak"), -ENOTSUP);
	CU_ASSERT_EQUAL(virtio_fs_get_bugs(), 0);
}

static void test_probe_duplicate_tag_v5(void)
{
	run_duplicate_tag("v5-2019", "", 1);
}

static void test_mount_unknown_tag(void)
{
	struct super_block *sb = NULL;

	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL(vt_mount_tag("nope", &sb), -EINVAL);
	CU_ASSERT(vt_trace_count("tag <nope> not found") == 1);
}

static void test_mount_alloc_failures(void)
{
	struct super_block *sb = NULL;

	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=virtio_fs_get_tree"), 0);
	CU_ASSERT_EQUAL(vt_mount_tag("vfsim", &sb), -ENOMEM);
	fault_reset();
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=fuse_dev_alloc,nth=2"),
			0);
	CU_ASSERT_EQUAL(vt_mount_tag("vfsim", &sb), -ENOMEM);
	fault_reset();
	CU_ASSERT_EQUAL(kref_read(&vt_fs()->refcount), 1);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_INIT), 0);
	CU_ASSERT_EQUAL(vt_mount(), 0);
	vt_umount();
}

/* v5: the core allocates the request queue's fud in
 * fuse_fill_super_common(); its failure unwinds hiprio's. */
static void test_mount_alloc_failure_v5(void)
{
	struct super_block *sb = NULL;

	virtio_fs_set_variant("v5-2019");
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=fuse_dev_alloc,nth=2"),
			0);
	CU_ASSERT_EQUAL(vt_mount_tag("vfsim", &sb), -ENOMEM);
	fault_reset();
	CU_ASSERT_PTR_NULL(vt_fs()->vqs[VQ_HIPRIO].fud);
	CU_ASSERT_EQUAL(kref_read(&vt_fs()->refcount), 1);
}

/* A second mount of the same tag shares the super block and the
 * connection; the device sees one INIT and one DESTROY. */
static void test_mount_shared_sb(void)
{
	struct super_block *sb2 = NULL;

	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	CU_ASSERT_EQUAL(vt_mount_tag("vfsim", &sb2), 0);
	CU_ASSERT_PTR_EQUAL(sb2, vt_sb);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_INIT), 1);
	CU_ASSERT_PTR_EQUAL(virtio_fs_of_sb(sb2), vt_fs());
	vt_umount();
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_DESTROY), 0);
	vt_sb = sb2;
	vt_umount();
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_DESTROY), 1);
	/* mount again: the queues are started again, INIT again */
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_INIT), 2);
	vt_umount();
}

static void test_freeze_unsupported(void)
{
	struct vop op;

	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	CU_ASSERT_EQUAL(virtio_device_freeze(&vt_dev.vdev), -EOPNOTSUPP);
	CU_ASSERT(vt_trace_count("suspend/resume not yet supported") == 1);
	CU_ASSERT_EQUAL(vt_dev.resets, 0);
	CU_ASSERT_EQUAL(vop_run(&op, FUSE_GETATTR, FUSE_ROOT_ID), 0);
	vt_umount();
}

/*
 * freeze-returns-0: suspend "succeeds", resume resets the device, and
 * the session is gone: the next request is never answered. Mainline's
 * request timeout (armed by INIT's reply, 15 s here) ends it at the second
 * check, 30 s in; removal then waits for its buffers for ever, as the
 * kernel's virtio_fs_remove() does (deadlock). v5 has no timeout, so it
 * is not mounted at all here.
 */
static void run_freeze_returns_0(const char *variant)
{
	bool v5 = !strcmp(variant, "v5-2019");
	struct vop op;

	CU_ASSERT_EQUAL(virtio_fs_set_variant(variant), 0);
	CU_ASSERT_EQUAL(virtio_fs_set_bug("freeze-returns-0", true), 0);
	if (!v5)
		CU_ASSERT_EQUAL(virtio_fs_set_request_timeout(15), 0);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	if (!v5)
		CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	CU_ASSERT_EQUAL(virtio_device_freeze(&vt_dev.vdev), 0);
	CU_ASSERT_EQUAL(virtio_device_restore(&vt_dev.vdev), 0);
	CU_ASSERT(vt_dev.resets >= 1);
	CU_ASSERT_EQUAL(vt_trace_count("suspend/resume not yet supported"), 0);
	if (v5)
		return;
	vop_start(&op, FUSE_GETATTR, FUSE_ROOT_ID, false);
	vt_run_for(40 * NSEC_PER_SEC);
	CU_ASSERT_EQUAL(op.ret, -ECONNABORTED);
	CU_ASSERT(sched_now() >= 30 * NSEC_PER_SEC);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_GETATTR), 0);
	/* the abort left in_flight alone: removal's drain never returns */
	CU_ASSERT_EQUAL(vt_fs()->vqs[VQ_REQUEST].in_flight, 1);
	sdev_unplug(&vt_dev);
	CU_ASSERT_EQUAL(vt_run(), SCHED_DEADLOCK);
	CU_ASSERT_EQUAL(vt_trace_count("virtio_fs.release"), 0);
	vt_expect_stuck = true;
	vt_dev.unplugged = true; /* the teardown must not unplug again */
}

static void test_freeze_returns_0_bug(void)
{
	run_freeze_returns_0("mainline");
}

static void test_freeze_returns_0_v5(void)
{
	run_freeze_returns_0("v5-2019");
}

/* Mainline: each CPU's requests go to its own queue (mq_map). */
static void test_multiqueue_cpu_map(void)
{
	struct vop op0, op1;
	const struct sdev_req *r;

	vt_cfg.num_request_queues = 2;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL(vt_fs()->nvqs, 3);
	CU_ASSERT_EQUAL(vt_fs()->mq_map[0], VQ_REQUEST);
	CU_ASSERT_EQUAL(vt_fs()->mq_map[1], VQ_REQUEST + 1);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	vop_start_cpu(&op0, FUSE_GETATTR, FUSE_ROOT_ID, false, 0);
	vop_start_cpu(&op1, FUSE_GETATTR, FUSE_ROOT_ID, false, 1);
	vt_run();
	CU_ASSERT_EQUAL(op0.ret, 0);
	CU_ASSERT_EQUAL(op1.ret, 0);
	/* INIT went out from the mount task on cpu 0 */
	r = sdev_last(&vt_dev, FUSE_INIT);
	CU_ASSERT_EQUAL(r->queue, VQ_REQUEST);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_GETATTR), 2);
	for (unsigned int i = 0; i < sdev_nr_requests(&vt_dev); i++) {
		r = sdev_request(&vt_dev, i);
		if (r->opcode == FUSE_GETATTR)
			CU_ASSERT(r->queue == VQ_REQUEST ||
				  r->queue == VQ_REQUEST + 1);
	}
	CU_ASSERT(vt_dev.kicks[VQ_REQUEST] >= 2);
	CU_ASSERT(vt_dev.kicks[VQ_REQUEST + 1] >= 1);
	vt_umount();
}

/* More request queues than CPUs: mainline uses one per CPU. */
static void test_multiqueue_clamped(void)
{
	vt_cfg.num_request_queues = 4;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL(vt_fs()->num_request_queues, 2);
	CU_ASSERT_EQUAL(vt_fs()->nvqs, 3);
}

/* v5 has no multiqueue: everything goes to requests.0, and fill_super
 * leaves requests.1 without a fud (a NULL dereference in the kernel). */
static void test_multiqueue_v5(void)
{
	struct vop op;

	virtio_fs_set_variant("v5-2019");
	vt_cfg.num_request_queues = 2;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL(vt_fs()->nvqs, 3);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	CU_ASSERT_EQUAL(check_count_kind("bug_on"), 1);
	vop_start_cpu(&op, FUSE_GETATTR, FUSE_ROOT_ID, false, 1);
	vt_run();
	CU_ASSERT_EQUAL(op.ret, 0);
	CU_ASSERT_EQUAL(vt_dev.kicks[2], 0);
	vt_umount();
}

struct gm {
	const char *tag;
	unsigned int n;
	int mount_ret;
	int umount_ret;
	int lookups_ok;
	u64 owed_before;
	bool errors;
};

/* mount(2), n LOOKUPs, umount(2), as one program would. */
static int gm_fn(void *arg)
{
	struct gm *g = arg;
	struct guest_fs *gfs = NULL;

	if (g->errors) {
		g->mount_ret = guest_mount(NULL, &gfs);
		CU_ASSERT_EQUAL(guest_mount("vfsim", NULL), -EINVAL);
		CU_ASSERT_EQUAL(guest_umount(NULL), -EINVAL);
		CU_ASSERT_EQUAL(guest_freeze(NULL), -EINVAL);
		return 0;
	}
	g->mount_ret = guest_mount(g->tag, &gfs);
	if (g->mount_ret)
		return 0;
	for (unsigned int i = 0; i < g->n; i++) {
		char name[16];

		snprintf(name, sizeof(name), "n%u", i);
		if (!guest_lookup(gfs, FUSE_ROOT_ID, name, NULL))
			g->lookups_ok++;
	}
	g->owed_before = guest_nlookup_total(gfs);
	g->umount_ret = guest_umount(gfs);
	return 0;
}

/* Unmount pays back every lookup, even with the FORGETs overflowing a
 * 8-slot hiprio queue (parked, then dispatched): the device's counts
 * return to 0. */
static void test_guest_umount_balances_lookups(void)
{
	struct gm g = { .tag = "vfsim", .n = 20 };

	vt_cfg.queue_size = 8;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	/* a slow device: the FORGETs pile up on the hiprio queue */
	sdev_add_rule(&vt_dev, FUSE_FORGET, SDEV_ANY_QUEUE, SDEV_FOREVER,
		      SDEV_DELAY(50 * NSEC_PER_USEC));
	task_spawn(gm_fn, &g, "prog", TASK_SYSCALL, 0);
	vt_run();
	CU_ASSERT_EQUAL(g.mount_ret, 0);
	CU_ASSERT_EQUAL(g.lookups_ok, 20);
	CU_ASSERT_EQUAL(g.owed_before, 20);
	CU_ASSERT_EQUAL(g.umount_ret, 0);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_FORGET), 20);
	CU_ASSERT(vt_trace_count("virtio_fs.forget_park") > 0);
	CU_ASSERT_EQUAL(sdev_total_lookups(&vt_dev), 0);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_DESTROY), 1);
	CU_ASSERT_EQUAL(check_count(), 0);
}

/* Two programs on one mount: one inside a slow LOOKUP, one unmounting. */
struct busy {
	struct guest_fs *gfs;
	int get_ret;
	int lookup_ret;
	int umount_ret;
	int late_get_ret;
	u64 owed;
};

/* A syscall: hold the mount across the LOOKUP, as a path walk does. */
static int busy_walker_fn(void *arg)
{
	struct busy *b = arg;

	b->get_ret = guest_fs_get(b->gfs);
	if (b->get_ret)
		return 0;
	b->lookup_ret = guest_lookup(b->gfs, FUSE_ROOT_ID, "n0", NULL);
	/* the mount is still there: the unmount meanwhile was refused */
	b->owed = guest_nlookup_total(b->gfs);
	guest_fs_put(b->gfs);
	return 0;
}

static int busy_umount_fn(void *arg)
{
	struct busy *b = arg;

	b->umount_ret = guest_umount(b->gfs);
	return 0;
}

/* A syscall starting while the unmount is under way. */
/* Halfway through the unmount's 1 ms DESTROY, whatever order the tasks
 * started in: the mount is still there to look at, and detached. */
static int busy_late_fn(void *arg)
{
	struct busy *b = arg;

	usleep_range(500, 500);
	CU_ASSERT_TRUE(b->gfs->unmounting);
	b->late_get_ret = guest_fs_get(b->gfs);
	return 0;
}

static int busy_mount_fn(void *arg)
{
	struct busy *b = arg;

	return guest_mount("vfsim", &b->gfs);
}

/* umount(2) of a mount another task's syscall is in fails with EBUSY and
 * frees nothing; once that syscall is done it works, and a syscall that
 * starts during it finds nothing mounted. */
static void test_guest_umount_busy(void)
{
	struct busy b = { 0 };

	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL(guest_fs_get(NULL), -EINVAL);
	task_spawn(busy_mount_fn, &b, "mount", TASK_SYSCALL, 0);
	vt_run();
	CU_ASSERT_PTR_NOT_NULL_FATAL(b.gfs);
	/* the LOOKUP and the DESTROY stay 1 ms in the device */
	sdev_add_rule(&vt_dev, FUSE_LOOKUP, SDEV_ANY_QUEUE, SDEV_FOREVER,
		      SDEV_DELAY(NSEC_PER_MSEC));
	sdev_add_rule(&vt_dev, FUSE_DESTROY, SDEV_ANY_QUEUE, SDEV_FOREVER,
		      SDEV_DELAY(NSEC_PER_MSEC));
	task_spawn(busy_walker_fn, &b, "walker", TASK_SYSCALL, 0);
	task_spawn(busy_umount_fn, &b, "umount", TASK_SYSCALL, 0);
	vt_run();
	CU_ASSERT_EQUAL(b.get_ret, 0);
	CU_ASSERT_EQUAL(b.umount_ret, -EBUSY);
	CU_ASSERT_EQUAL(b.lookup_ret, 0);
	CU_ASSERT_EQUAL(b.owed, 1);
	CU_ASSERT_EQUAL(b.gfs->users, 0);
	CU_ASSERT_FALSE(b.gfs->unmounting);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_DESTROY), 0);
	/* a put without its get is a report, not a wrapped count */
	guest_fs_put(NULL);
	guest_fs_put(b.gfs);
	CU_ASSERT_EQUAL(b.gfs->users, 0);
	CU_ASSERT_EQUAL(check_count_kind("warn"), 1);
	check_clear();
	/* now nobody is in it */
	b.late_get_ret = 1;
	task_spawn(busy_umount_fn, &b, "umount", TASK_SYSCALL, 0);
	task_spawn(busy_late_fn, &b, "late", TASK_SYSCALL, 0);
	vt_run();
	CU_ASSERT_EQUAL(b.umount_ret, 0);
	CU_ASSERT_EQUAL(b.late_get_ret, -ENODEV);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_DESTROY), 1);
	CU_ASSERT_EQUAL(sdev_total_lookups(&vt_dev), 0);
	CU_ASSERT_EQUAL(check_count(), 0);
}

static void test_guest_mount_errors(void)
{
	struct gm g = { .tag = "nope" };
	struct gm e = { .errors = true };

	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	task_spawn(gm_fn, &g, "prog", TASK_SYSCALL, 0);
	task_spawn(gm_fn, &e, "prog", TASK_SYSCALL, 0);
	vt_run();
	CU_ASSERT_EQUAL(g.mount_ret, -EINVAL);
	CU_ASSERT_EQUAL(e.mount_ret, -EINVAL);
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=virtio_fs_get_tree"), 0);
	g.tag = "vfsim";
	task_spawn(gm_fn, &g, "prog", TASK_SYSCALL, 0);
	vt_run();
	CU_ASSERT_EQUAL(g.mount_ret, -ENOMEM);
}

static void test_guest_freeze(void)
{
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL(guest_freeze(&vt_dev.vdev), -EOPNOTSUPP);
	sdev_unplug(&vt_dev);
	vt_run();
	sdev_destroy(&vt_dev);
	memset(&vt_dev, 0, sizeof(vt_dev));
	virtio_fs_set_variant("v5-2019");
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL(guest_freeze(&vt_dev.vdev), 0);
}

VT_SUITE_EACH(
	guest_virtio_fs, vt_setup, vt_teardown,
	VT_CASE(test_guest_umount_balances_lookups),
	VT_CASE(test_guest_mount_errors), VT_CASE(test_guest_freeze),
	VT_CASE(test_smoke_mainline), VT_CASE(test_smoke_v5),
	VT_CASE(test_probe_empty_tag), VT_CASE(test_probe_full_length_tag),
	VT_CASE(test_probe_newline_tag), VT_CASE(test_probe_zero_queues),
	VT_CASE(test_probe_find_vqs_fails), VT_CASE(test_probe_alloc_failures),
	VT_CASE(test_probe_duplicate_tag_mainline),
	VT_CASE(test_probe_duplicate_tag_6_1),
	VT_CASE(test_probe_duplicate_tag_leak_bug),
	VT_CASE(test_probe_error_leak_not_mainline),
	VT_CASE(test_probe_duplicate_tag_v5), VT_CASE(test_mount_unknown_tag),
	VT_CASE(test_mount_alloc_failures),
	VT_CASE(test_mount_alloc_failure_v5), VT_CASE(test_mount_shared_sb),
	VT_CASE(test_freeze_unsupported), VT_CASE(test_freeze_returns_0_bug),
	VT_CASE(test_freeze_returns_0_v5), VT_CASE(test_multiqueue_cpu_map),
	VT_CASE(test_multiqueue_clamped), VT_CASE(test_multiqueue_v5),
	VT_CASE(test_guest_umount_busy));
