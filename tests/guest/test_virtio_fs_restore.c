// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_virtio_fs_restore.c - vfsim's "restore" extension end to end, on the
 * real device: suspend with open files, a directory handle, a lock and
 * cached lookups; the PM core resets the device (ending its FUSE session);
 * restore rebuilds the session and the mount keeps working.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/locks.h"
#include "device/memfs.h"
#include "device/virtio_fs_dev.h"
#include "guest/vfsim_syscalls.h"
#include "guest/virtio_fs.h"
#include "sim/kernel/check.h"
#include "sim/kernel/fault.h"
#include "sim/kernel/gmem.h"
#include "sim/kernel/sched.h"
#include "sim/kernel/slab.h"
#include "sim/trace/trace.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

static struct vfs_dev *dev;
static struct virtio_device vdev;
static struct guest_fs *gfs;
static struct guest_file f1, f2, dh;
static struct fuse_entry_out dir, e1, e2;

static void rs_setup(bool restore)
{
	struct sched_opts o = { .max_steps = 2000000 };

	kmem_exit();
	gmem_exit();
	CU_ASSERT_EQUAL_FATAL(gmem_init(16 << 20), 0);
	sim_test_setup();
	sched_exit();
	CU_ASSERT_EQUAL_FATAL(sched_init(&o), 0);
	virtio_fs_variant_reset();
	virtio_fs_set_restore(restore);
	memset(&vdev, 0, sizeof(vdev));
	CU_ASSERT_EQUAL_FATAL(vfs_dev_create(NULL, &dev), 0);
	CU_ASSERT_EQUAL_FATAL(vfs_dev_join(dev, &vdev), 0);
	CU_ASSERT_EQUAL_FATAL(virtio_driver_probe(&vdev, &virtio_fs_driver), 0);
	trace_reset(true);
}

static void unplug(void)
{
	virtio_device_unplug(&vdev);
}

static bool run(void (*fn)(void));

static void rs_teardown(void)
{
	if (getenv("VT_TRACE"))
		trace_write_text(stderr);
	if (getenv("VT_DEBUG"))
		check_print(stderr);
	CU_ASSERT(run(unplug));
	vfs_dev_free(dev);
	dev = NULL;
	trace_reset(false);
	virtio_fs_variant_reset();
	sched_exit();
	CU_ASSERT_EQUAL(kmem_exit(), 0);
	sim_test_teardown();
	gmem_exit();
}

struct prog {
	void (*fn)(void);
	bool done;
};

static int prog_fn(void *arg)
{
	struct prog *p = arg;

	p->fn();
	p->done = true;
	return 0;
}

/* Run @fn as a program; true when it finished. */
static bool run(void (*fn)(void))
{
	static struct prog p;

	p.fn = fn;
	p.done = false;
	CU_ASSERT_PTR_NOT_NULL_FATAL(
		task_spawn(prog_fn, &p, "prog", TASK_SYSCALL, 0));
	sched_run();
	return p.done;
}

static struct fuse_server *srv(void)
{
	return vfs_dev_server(dev);
}

static int sum_nlookup(void *arg, const struct memfs_inode_info *info)
{
	*(u64 *)arg += info->nlookup;
	return 0;
}

static u64 server_nlookup(void)
{
	u64 n = 0;

	memfs_for_each_inode(fuse_server_fs(srv()), sum_nlookup, &n);
	return n;
}

static const struct fuse_file_lock wrlck = { .start = 0,
					     .end = 9,
					     .type = F_WRLCK };

/* Mount; d/f1 (written, locked by owner 7), d/f2, d looked up twice more,
 * d open as a directory. */
static void prep(void)
{
	CU_ASSERT_EQUAL_FATAL(guest_mount("vfsim", &gfs), 0);
	CU_ASSERT_EQUAL(guest_mkdir(gfs, FUSE_ROOT_ID, "d", 0755, &dir), 0);
	CU_ASSERT_EQUAL(
		guest_create(gfs, dir.nodeid, "f1", 0644, O_RDWR, &e1, &f1), 0);
	CU_ASSERT_EQUAL(
		guest_create(gfs, dir.nodeid, "f2", 0644, O_RDWR, &e2, &f2), 0);
	CU_ASSERT_EQUAL(guest_write(gfs, &f1, 0, "hello", 5), 5);
	CU_ASSERT_EQUAL(guest_write(gfs, &f2, 0, "world", 5), 5);
	CU_ASSERT_EQUAL(guest_lookup(gfs, FUSE_ROOT_ID, "d", NULL), 0);
	CU_ASSERT_EQUAL(guest_lookup(gfs, FUSE_ROOT_ID, "d", NULL), 0);
	CU_ASSERT_EQUAL(guest_opendir(gfs, dir.nodeid, &dh), 0);
	CU_ASSERT_EQUAL(guest_setlk(gfs, &f1, 7, &wrlck), 0);
	CU_ASSERT_EQUAL(guest_nlookup(gfs, dir.nodeid), 3);
}

static int count_entry(void *ctx, const struct guest_dirent *de)
{
	(void)de;
	(*(int *)ctx)++;
	return 0;
}

static void after_ok(void)
{
	struct fuse_file_lock lk = wrlck;
	char buf[16] = { 0 };
	int n = 0;

	CU_ASSERT_EQUAL(guest_read(gfs, &f1, 0, buf, sizeof(buf)), 5);
	CU_ASSERT_EQUAL(memcmp(buf, "hello", 5), 0);
	CU_ASSERT_EQUAL(guest_write(gfs, &f1, 5, "!", 1), 1);
	CU_ASSERT_EQUAL(guest_read(gfs, &f2, 0, buf, sizeof(buf)), 5);
	CU_ASSERT_EQUAL(guest_readdir(gfs, &dh, 0, count_entry, &n), 4);
	CU_ASSERT_EQUAL(n, 4); /* ".", "..", f1, f2 */
	/* the lock came back: another owner sees it */
	CU_ASSERT_EQUAL(guest_getlk(gfs, &f1, 8, &lk), 0);
	CU_ASSERT_EQUAL(lk.type, F_WRLCK);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(srv())), 1);
	lk = wrlck;
	lk.type = F_UNLCK;
	CU_ASSERT_EQUAL(guest_setlk(gfs, &f1, 7, &lk), 0);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(srv())), 0);
	CU_ASSERT_EQUAL(guest_lookup(gfs, dir.nodeid, "f1", NULL), 0);
	CU_ASSERT_EQUAL(guest_release(gfs, &f1), 0);
	CU_ASSERT_EQUAL(guest_release(gfs, &f2), 0);
	CU_ASSERT_EQUAL(guest_releasedir(gfs, &dh), 0);
	CU_ASSERT_EQUAL(guest_umount(gfs), 0);
}

/* Freeze, then resume (the PM core resets the device on the way). */
static void suspend_resume(void)
{
	CU_ASSERT_EQUAL(guest_freeze(&vdev), 0);
	CU_ASSERT(trace_find("virtio_fs.freeze", 0) >= 0);
	CU_ASSERT_EQUAL(virtio_device_restore(&vdev), 0);
	/* the device ended its session; the guest's lookups were dropped */
	CU_ASSERT(trace_find("session ended by device reset", 0) >= 0);
	CU_ASSERT_EQUAL(server_nlookup(), 0);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(srv())), 0);
}

static void test_restore_keeps_working(void)
{
	rs_setup(true);
	CU_ASSERT_FATAL(run(prep));
	CU_ASSERT_EQUAL(server_nlookup(), 5);
	suspend_resume();
	sched_run();
	CU_ASSERT(trace_find("session rebuilt: 0", 0) >= 0);
	/* lookups re-taken as often as the guest owes them */
	CU_ASSERT_EQUAL(server_nlookup(), 5);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(srv())), 1);
	CU_ASSERT(run(after_ok));
	CU_ASSERT_EQUAL(server_nlookup(), 0);
	CU_ASSERT_EQUAL(check_count_kind("virtio_fs.restore"), 0);
	rs_teardown();
}

/* A request issued while restoring waits until the session is back. */
static void early_read(void)
{
	char buf[8];

	CU_ASSERT_EQUAL(guest_read(gfs, &f2, 0, buf, sizeof(buf)), 5);
	CU_ASSERT(!gfs->restoring);
}

static void test_request_waits(void)
{
	static struct prog early = { early_read, false };

	rs_setup(true);
	CU_ASSERT_FATAL(run(prep));
	CU_ASSERT_EQUAL(guest_freeze(&vdev), 0);
	CU_ASSERT(gfs->restoring);
	CU_ASSERT_PTR_NOT_NULL_FATAL(
		task_spawn(prog_fn, &early, "early", TASK_SYSCALL, 0));
	CU_ASSERT_EQUAL(virtio_device_restore(&vdev), 0);
	sched_run();
	CU_ASSERT(early.done);
	CU_ASSERT(run(after_ok));
	rs_teardown();
}

static void after_deleted(void)
{
	char buf[16];

	CU_ASSERT_EQUAL(guest_read(gfs, &f1, 0, buf, sizeof(buf)), -EIO);
	CU_ASSERT_EQUAL(guest_write(gfs, &f1, 0, "x", 1), -EIO);
	CU_ASSERT_EQUAL(guest_getattr(gfs, e1.nodeid, NULL), -EIO);
	CU_ASSERT_EQUAL(guest_read(gfs, &f2, 0, buf, sizeof(buf)), 5);
	CU_ASSERT_EQUAL(guest_release(gfs, &f1), 0);
	CU_ASSERT_EQUAL(guest_release(gfs, &f2), 0);
	CU_ASSERT_EQUAL(guest_releasedir(gfs, &dh), 0);
	CU_ASSERT_EQUAL(guest_umount(gfs), 0);
}

static void test_deleted_while_suspended(void)
{
	rs_setup(true);
	CU_ASSERT_FATAL(run(prep));
	suspend_resume();
	/* someone on the host removes f1 before the rebuild runs */
	CU_ASSERT_EQUAL(memfs_unlink(fuse_server_fs(srv()), dir.nodeid, "f1"),
			0);
	sched_run();
	CU_ASSERT(trace_find("session rebuilt: 0", 0) >= 0);
	CU_ASSERT(run(after_deleted));
	CU_ASSERT_EQUAL(server_nlookup(), 0);
	rs_teardown();
}

static void after_lock_lost(void)
{
	char buf[16];

	CU_ASSERT_EQUAL(guest_read(gfs, &f1, 0, buf, sizeof(buf)), -EIO);
	CU_ASSERT_EQUAL(guest_read(gfs, &f2, 0, buf, sizeof(buf)), 5);
	CU_ASSERT_EQUAL(guest_release(gfs, &f1), 0);
	CU_ASSERT_EQUAL(guest_release(gfs, &f2), 0);
	CU_ASSERT_EQUAL(guest_releasedir(gfs, &dh), 0);
	guest_wait_releases(gfs);
	/* the other owner's lock is all there is (DESTROY drops it) */
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(srv())), 1);
	CU_ASSERT_EQUAL(guest_umount(gfs), 0);
}

static void test_lock_taken_meanwhile(void)
{
	struct posix_lock other = { .owner = 99, .type = F_WRLCK, .end = 0 };

	rs_setup(true);
	CU_ASSERT_FATAL(run(prep));
	suspend_resume();
	other.ino = e1.nodeid;
	CU_ASSERT_EQUAL(locks_setlk(fuse_server_locks(srv()), &other), 0);
	sched_run();
	CU_ASSERT_EQUAL(check_count_kind("virtio_fs.restore"), 1);
	check_clear();
	CU_ASSERT(run(after_lock_lost));
	CU_ASSERT_EQUAL(server_nlookup(), 0);
	rs_teardown();
}

/* Restore without a freeze first does nothing; the mount works on. */
static void after_plain(void)
{
	char buf[8];

	CU_ASSERT_EQUAL(guest_read(gfs, &f2, 0, buf, sizeof(buf)), 5);
	after_ok();
}

static void test_restore_option(void)
{
	CU_ASSERT_FALSE(virtio_fs_get_restore());
	virtio_fs_set_restore(true);
	CU_ASSERT(virtio_fs_get_restore());
	virtio_fs_variant_reset();
	CU_ASSERT_FALSE(virtio_fs_get_restore());

	/* option off: freeze refuses as mainline does */
	rs_setup(false);
	CU_ASSERT_FATAL(run(prep));
	CU_ASSERT_EQUAL(guest_freeze(&vdev), -EOPNOTSUPP);
	CU_ASSERT(trace_find("suspend/resume not yet supported", 0) >= 0);
	CU_ASSERT(run(after_plain));
	rs_teardown();
}

/* Renamed and flushed before the freeze: the rebuild follows the new
 * name and does not take back the locks FLUSH released. */
static void rename_flush(void)
{
	CU_ASSERT_EQUAL(guest_rename(gfs, dir.nodeid, "f2", FUSE_ROOT_ID, "f3"),
			0);
	CU_ASSERT_EQUAL(guest_flush(gfs, &f1, 7), 0);
}

static void after_rename(void)
{
	char buf[8];

	CU_ASSERT_EQUAL(guest_read(gfs, &f2, 0, buf, sizeof(buf)), 5);
	CU_ASSERT_EQUAL(guest_rename(gfs, FUSE_ROOT_ID, "f3", dir.nodeid, "f2"),
			0);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(srv())), 0);
	CU_ASSERT_EQUAL(guest_release(gfs, &f1), 0);
	CU_ASSERT_EQUAL(guest_release(gfs, &f2), 0);
	CU_ASSERT_EQUAL(guest_releasedir(gfs, &dh), 0);
	CU_ASSERT_EQUAL(guest_umount(gfs), 0);
}

static void test_rename_and_flush(void)
{
	rs_setup(true);
	CU_ASSERT_FATAL(run(prep));
	CU_ASSERT(run(rename_flush));
	suspend_resume();
	sched_run();
	CU_ASSERT(trace_find("session rebuilt: 0", 0) >= 0);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(srv())), 0);
	CU_ASSERT(run(after_rename));
	CU_ASSERT_EQUAL(server_nlookup(), 0);
	CU_ASSERT_EQUAL(check_count_kind("virtio_fs.restore"), 0);
	rs_teardown();
}

/* A node whose parent the guest forgot has no path: it is lost. */
static void forget_parent(void)
{
	CU_ASSERT_EQUAL(guest_forget(gfs, dir.nodeid, 3), 0);
}

static void after_orphans(void)
{
	char buf[8];

	CU_ASSERT_EQUAL(guest_read(gfs, &f1, 0, buf, sizeof(buf)), -EIO);
	CU_ASSERT_EQUAL(guest_read(gfs, &f2, 0, buf, sizeof(buf)), -EIO);
	/* the directory handle's node was forgotten, not lost: it goes out
	 * as is and the device no longer knows it */
	CU_ASSERT_EQUAL(guest_release(gfs, &f1), 0);
	CU_ASSERT_EQUAL(guest_release(gfs, &f2), 0);
	CU_ASSERT_EQUAL(guest_releasedir(gfs, &dh), 0);
	CU_ASSERT_EQUAL(guest_umount(gfs), 0);
}

static void test_parent_forgotten(void)
{
	rs_setup(true);
	CU_ASSERT_FATAL(run(prep));
	CU_ASSERT(run(forget_parent));
	suspend_resume();
	sched_run();
	CU_ASSERT(trace_find("session rebuilt: 0", 0) >= 0);
	CU_ASSERT(run(after_orphans));
	CU_ASSERT_EQUAL(server_nlookup(), 0);
	rs_teardown();
}

/* Every request of a mount whose session could not be rebuilt: EIO. */
static void after_broken(void)
{
	char buf[8];

	CU_ASSERT(gfs->broken);
	CU_ASSERT_EQUAL(guest_read(gfs, &f2, 0, buf, sizeof(buf)), -EIO);
	CU_ASSERT_EQUAL(guest_getattr(gfs, FUSE_ROOT_ID, NULL), -EIO);
	CU_ASSERT_EQUAL(guest_release(gfs, &f1), 0);
	CU_ASSERT_EQUAL(guest_release(gfs, &f2), 0);
	CU_ASSERT_EQUAL(guest_releasedir(gfs, &dh), 0);
	CU_ASSERT_EQUAL(guest_umount(gfs), 0);
}

static void test_init_mismatch(void)
{
	rs_setup(true);
	CU_ASSERT_FATAL(run(prep));
	CU_ASSERT_EQUAL(guest_freeze(&vdev), 0);
	/* pretend the first INIT had negotiated something else */
	gfs->fm->fc->max_write = 8192;
	CU_ASSERT_EQUAL(virtio_device_restore(&vdev), 0);
	sched_run();
	CU_ASSERT(trace_find("session rebuilt: -5", 0) >= 0);
	CU_ASSERT_EQUAL(check_count_kind("virtio_fs.restore"), 1);
	check_clear();
	CU_ASSERT(run(after_broken));
	rs_teardown();
}

/* The driver cannot re-create its queues: reported, the mount fails
 * with EIO instead of waiting for ever. */
static void test_restore_no_memory(void)
{
	rs_setup(true);
	CU_ASSERT_FATAL(run(prep));
	CU_ASSERT_EQUAL(guest_freeze(&vdev), 0);
	CU_ASSERT_EQUAL(
		fault_plan_parse("kmalloc:site=virtio_fs_pm_restore,nth=1"), 0);
	CU_ASSERT_EQUAL(virtio_device_restore(&vdev), -ENOMEM);
	fault_reset();
	CU_ASSERT_EQUAL(check_count_kind("virtio_fs.restore"), 1);
	check_clear();
	CU_ASSERT_FALSE(gfs->restoring);
	CU_ASSERT(run(after_broken));
	rs_teardown();
}

/* The driver's restore without a freeze first does nothing: no queue is
 * re-created, no rebuild starts, the mount works on. */
static void test_restore_unfrozen(void)
{
	struct virtio_fs *fs;

	rs_setup(true);
	CU_ASSERT_FATAL(run(prep));
	fs = vdev.priv;
	CU_ASSERT_EQUAL(virtio_fs_pm_restore(&vdev, fs), 0);
	CU_ASSERT_PTR_NULL(fs->restore_task);
	CU_ASSERT(run(after_ok));
	rs_teardown();
}

VT_SUITE(guest_virtio_fs_restore, NULL, NULL,
	 VT_CASE(test_restore_keeps_working), VT_CASE(test_request_waits),
	 VT_CASE(test_deleted_while_suspended),
	 VT_CASE(test_lock_taken_meanwhile), VT_CASE(test_restore_option),
	 VT_CASE(test_rename_and_flush), VT_CASE(test_parent_forgotten),
	 VT_CASE(test_init_mismatch), VT_CASE(test_restore_no_memory),
	 VT_CASE(test_restore_unfrozen));
