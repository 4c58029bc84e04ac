// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_full_stack.c - the whole stack at once: programs in guest tasks call
 * the syscall-like API, the virtio-fs driver mirror sends FUSE over split
 * virtqueues in guest memory, the device model pops the chains and its
 * FUSE server answers from the in-memory file system.
 *
 * The guest and the device are each tested apart elsewhere (against a
 * scripted device and a driver-side harness); this suite checks that the
 * real pieces agree with each other: INIT negotiation, every operation's
 * wire format, lookup counts on both sides, locks between two programs,
 * and removal with requests in flight.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "device/fuse_server.h"
#include "device/memfs.h"
#include "device/virtio_fs_dev.h"
#include "guest/vfsim_syscalls.h"
#include "guest/virtio_fs.h"
#include "sim/virtio/irq.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

static struct vfs_dev *dev;
static struct virtio_device vdev;
/* the machine's interrupt line: the driver's callbacks run in an irq task */
static struct virtio_irq_line irq;

/* the device's vfsim options for the next setup() (0: as virtiofsd) */
static u32 dev_options;

static void setup(void)
{
	struct vfs_dev_config cfg = { .request_workers = 2,
				      .options = dev_options };

	kmem_exit();
	gmem_exit();
	CU_ASSERT_EQUAL_FATAL(gmem_init(32u << 20), 0);
	sim_test_setup();
	virtio_fs_variant_reset();
	memset(&vdev, 0, sizeof(vdev));
	CU_ASSERT_EQUAL_FATAL(vfs_dev_create(&cfg, &dev), 0);
	CU_ASSERT_EQUAL_FATAL(vfs_dev_join(dev, &vdev), 0);
	CU_ASSERT_EQUAL_FATAL(virtio_irq_line_init(&irq, &vdev), 0);
	CU_ASSERT_EQUAL_FATAL(virtio_driver_probe(&vdev, &virtio_fs_driver), 0);
}

static int unplug_fn(void *arg)
{
	(void)arg;
	virtio_device_unplug(&vdev);
	return 0;
}

static void teardown(void)
{
	if (vdev.driver) {
		task_spawn(unplug_fn, NULL, "unplug", TASK_SYSCALL, 0);
		sched_run();
	}
	CU_ASSERT_EQUAL(virtio_fs_nr_instances(), 0);
	virtio_irq_line_stop(&irq);
	sched_run();
	vfs_dev_free(dev);
	dev = NULL;
	virtio_fs_variant_reset();
	CU_ASSERT_EQUAL(check_count(), 0);
	if (check_count())
		check_print(stderr);
	sim_test_teardown();
	CU_ASSERT_EQUAL(kmem_exit(), 0);
	gmem_exit();
}

static u64 device_inodes(void)
{
	struct memfs_stats st;

	memfs_get_stats(fuse_server_fs(vfs_dev_server(dev)), &st);
	return st.inodes;
}

static int count_entry(void *ctx, const struct guest_dirent *de)
{
	(*(int *)ctx)++;
	(void)de;
	return 0;
}

/* One program: everything a file system user does, checked as it goes. */
static int program(void *arg)
{
	struct guest_fs *gfs;
	struct fuse_entry_out dir, file, found;
	struct guest_file f, d;
	struct fuse_attr_out attr;
	char buf[9000], back[9000];
	int entries = 0;

	(void)arg;
	CU_ASSERT_EQUAL_FATAL(guest_mount("vfsim", &gfs), 0);
	CU_ASSERT_EQUAL(guest_mkdir(gfs, FUSE_ROOT_ID, "d", 0755, &dir), 0);
	CU_ASSERT_EQUAL(
		guest_create(gfs, dir.nodeid, "f", 0644, O_RDWR, &file, &f), 0);
	/* More than two pages, so the data crosses page boundaries. */
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7);
	CU_ASSERT_EQUAL(guest_write(gfs, &f, 100, buf, sizeof(buf)),
			(ssize_t)sizeof(buf));
	CU_ASSERT_EQUAL(guest_read(gfs, &f, 100, back, sizeof(back)),
			(ssize_t)sizeof(back));
	CU_ASSERT_EQUAL(memcmp(buf, back, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(guest_getattr(gfs, file.nodeid, &attr), 0);
	CU_ASSERT_EQUAL(attr.attr.size, 100 + sizeof(buf));
	/* The same node again through LOOKUP: the guest now owes two. */
	CU_ASSERT_EQUAL(guest_lookup(gfs, dir.nodeid, "f", &found), 0);
	CU_ASSERT_EQUAL(found.nodeid, file.nodeid);
	CU_ASSERT_EQUAL(guest_nlookup(gfs, file.nodeid), 2);
	CU_ASSERT_EQUAL(guest_lookup(gfs, dir.nodeid, "nope", &found), -ENOENT);
	CU_ASSERT_EQUAL(guest_opendir(gfs, dir.nodeid, &d), 0);
	CU_ASSERT(guest_readdir(gfs, &d, 0, count_entry, &entries) >= 0);
	CU_ASSERT_EQUAL(entries, 3); /* ".", ".." and "f" */
	CU_ASSERT_EQUAL(guest_releasedir(gfs, &d), 0);
	CU_ASSERT_EQUAL(guest_rmdir(gfs, FUSE_ROOT_ID, "d"), -ENOTEMPTY);
	CU_ASSERT_EQUAL(guest_flush(gfs, &f, 1), 0);
	CU_ASSERT_EQUAL(guest_release(gfs, &f), 0);
	guest_wait_releases(gfs);
	CU_ASSERT_EQUAL(guest_unlink(gfs, dir.nodeid, "f"), 0);
	CU_ASSERT_EQUAL(guest_rmdir(gfs, FUSE_ROOT_ID, "d"), 0);
	/* Unmount forgets every lookup the guest still owes. */
	CU_ASSERT_EQUAL(guest_umount(gfs), 0);
	return 0;
}

static void test_program_round_trip(void)
{
	struct task *t = task_spawn(program, NULL, "prog", TASK_SYSCALL, 0);
	int ret = -1;

	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(task_join(t, &ret), 0);
	CU_ASSERT_EQUAL(ret, 0);
	/* The device's side of the lookup counts balanced: only the root. */
	CU_ASSERT_EQUAL(device_inodes(), 1);
	CU_ASSERT(fuse_server_initialized(vfs_dev_server(dev)) == false);
	CU_ASSERT(trace_find("virtio_fs_requests_done_work", 0) >= 0);
	/* The driver's interrupt handler ran in interrupt context. */
	CU_ASSERT(trace_find("virtio_fs_vq_done", 0) >= 0);
	CU_ASSERT_STRING_EQUAL(
		trace_event_at((size_t)trace_find("virtio_fs_vq_done", 0))->task,
		"irq/0");
	CU_ASSERT(trace_find("op=DESTROY", 0) >= 0);
}

/* Two programs, one lock: the second waits in SETLKW until the first
 * unlocks, through the real device's blocked-worker path. */
static struct guest_fs *shared_fs;
static struct fuse_entry_out shared_file;
static int order[4], nr_order;

static int locker(void *arg)
{
	struct fuse_file_lock lk = { .start = 0, .end = 99, .type = F_WRLCK };
	struct guest_file f;
	u64 owner = (u64)(uintptr_t)arg;

	CU_ASSERT_EQUAL(guest_open(shared_fs, shared_file.nodeid, O_RDWR, &f),
			0);
	if (owner == 1) {
		CU_ASSERT_EQUAL(guest_setlk(shared_fs, &f, owner, &lk), 0);
		order[nr_order++] = 1;
		msleep(5); /* hold it a while, in virtual time */
		lk.type = F_UNLCK;
		order[nr_order++] = 2;
		CU_ASSERT_EQUAL(guest_setlk(shared_fs, &f, owner, &lk), 0);
	} else {
		msleep(1); /* let the first one take it */
		CU_ASSERT_EQUAL(guest_setlk(shared_fs, &f, owner, &lk),
				-EAGAIN);
		/* virtiofsd refuses to block; park-setlkw waits */
		CU_ASSERT_EQUAL(guest_setlkw(shared_fs, &f, owner, &lk),
				dev_options ? 0 : -EOPNOTSUPP);
		order[nr_order++] = 3;
	}
	CU_ASSERT_EQUAL(guest_flush(shared_fs, &f, owner), 0);
	CU_ASSERT_EQUAL(guest_release(shared_fs, &f), 0);
	return 0;
}

static int mount_and_create(void *arg)
{
	struct guest_file f;

	(void)arg;
	CU_ASSERT_EQUAL_FATAL(guest_mount("vfsim", &shared_fs), 0);
	CU_ASSERT_EQUAL(guest_create(shared_fs, FUSE_ROOT_ID, "lockme", 0644,
				     O_RDWR, &shared_file, &f),
			0);
	CU_ASSERT_EQUAL(guest_release(shared_fs, &f), 0);
	return 0;
}

static int umount_fn(void *arg)
{
	(void)arg;
	guest_wait_releases(shared_fs);
	return guest_umount(shared_fs);
}

/* Two lockers on one file; @second is what the waiter's turn comes
 * after in the order of events: 2 (the holder unlocked) when the device
 * parks the SETLKW, 1 (the holder locked) when it refuses at once. */
static void run_setlkw_between_programs(int second)
{
	struct task *u;
	int ret = -1;

	nr_order = 0;
	task_spawn(mount_and_create, NULL, "mount", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	task_spawn(locker, (void *)1, "locker1", TASK_SYSCALL, 0);
	task_spawn(locker, (void *)2, "locker2", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(nr_order, 3);
	CU_ASSERT_EQUAL(order[0], 1);
	CU_ASSERT_EQUAL(order[second], 3);
	CU_ASSERT_EQUAL(order[3 - second], 2);
	u = task_spawn(umount_fn, NULL, "umount", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(task_join(u, &ret), 0);
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT_EQUAL(device_inodes(), 2); /* root and the file, unlinked
						never */
}

/* The device's park-setlkw option: the waiter blocks in the device and
 * gets the lock only after the holder let it go. */
static void test_setlkw_between_programs(void)
{
	teardown();
	dev_options = 1u << VFS_DEV_OPT_PARK_SETLKW;
	setup();
	run_setlkw_between_programs(2);
	dev_options = 0;
}

/* The default device, as virtiofsd: a SETLKW that would block is refused
 * with EOPNOTSUPP (C virtiofsd's lo_setlk() with sleep set), at once,
 * while the holder still has the lock. */
static void test_setlkw_refused_by_default(void)
{
	run_setlkw_between_programs(1);
}

/* Removal while a request sits in a stalled daemon: the drain waits,
 * the daemon recovers, the request completes, and afterwards requests
 * fail with -ENOTCONN while unmount still works. */
static int stalled_getattr(void *arg)
{
	struct fuse_attr_out attr;

	(void)arg;
	return guest_getattr(shared_fs, FUSE_ROOT_ID, &attr);
}

static int after_removal(void *arg)
{
	struct fuse_attr_out attr;

	(void)arg;
	CU_ASSERT_EQUAL(guest_getattr(shared_fs, FUSE_ROOT_ID, &attr),
			-ENOTCONN);
	return guest_umount(shared_fs);
}

static int mount_only(void *arg)
{
	(void)arg;
	return guest_mount("vfsim", &shared_fs);
}

/* Run until @arg (a task) waits: with the daemon paused, running on
 * would end in a deadlock report, which is not what this test is about. */
static bool task_waits(void *arg)
{
	return ((struct task *)arg)->state == TASK_BLOCKED;
}

static void test_removal_with_request_in_flight(void)
{
	struct task *g, *u, *a;
	int ret = -1;

	task_spawn(mount_only, NULL, "mount", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	vfs_dev_pause(dev, true);
	g = task_spawn(stalled_getattr, NULL, "stat", TASK_SYSCALL, 0);
	/* The GETATTR waits in the paused daemon... */
	CU_ASSERT_EQUAL(sched_run_until(task_waits, g), SCHED_STOPPED);
	u = task_spawn(unplug_fn, NULL, "unplug", TASK_SYSCALL, 0);
	/* ...and removal's drain waits for it. */
	CU_ASSERT_EQUAL(sched_run_until(task_waits, u), SCHED_STOPPED);
	CU_ASSERT(trace_find("virtio_fs_remove", 0) >= 0);
	vfs_dev_pause(dev, false);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(task_join(g, &ret), 0);
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT(task_done(u));
	a = task_spawn(after_removal, NULL, "after", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(task_join(a, &ret), 0);
	CU_ASSERT_EQUAL(ret, 0);
}

static bool task_finished(void *arg)
{
	return task_done(arg);
}

/* A second umount of a mount whose umount waits on a stalled daemon. */
static int umount_only(void *arg)
{
	(void)arg;
	return guest_umount(shared_fs);
}

static void test_second_umount_is_refused(void)
{
	struct task *first, *second;
	int ret = -1;

	task_spawn(mount_only, NULL, "mount", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	vfs_dev_pause(dev, true);
	first = task_spawn(umount_only, NULL, "umount1", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run_until(task_waits, first), SCHED_STOPPED);
	second = task_spawn(umount_only, NULL, "umount2", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run_until(task_finished, second), SCHED_STOPPED);
	CU_ASSERT_FALSE(task_done(first));
	CU_ASSERT_EQUAL(task_join(second, &ret), 0);
	CU_ASSERT_EQUAL(ret, -EBUSY);
	/* The daemon recovers and the first unmount completes. */
	vfs_dev_pause(dev, false);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(task_join(first, &ret), 0);
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT_EQUAL(device_inodes(), 1);
}

VT_SUITE_EACH(integration_full_stack, setup, teardown,
	      VT_CASE(test_setlkw_refused_by_default),
	      VT_CASE(test_program_round_trip),
	      VT_CASE(test_setlkw_between_programs),
	      VT_CASE(test_removal_with_request_in_flight),
	      VT_CASE(test_second_umount_is_refused));
