// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_full_stack_migrate.c - live migration under the real guest driver.
 *
 * A program holds an open file, an open directory and a POSIX lock on the
 * source device; another program's requests sit on the avail ring of a
 * stalled source. The front end then moves the back end to a second
 * device. The driver never re-initialises: its nodeids, file handle,
 * directory handle and lock go on working on the destination, and the
 * waiting requests are served there, once each.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "device/fuse_server.h"
#include "device/fuse_state.h"
#include "device/memfs.h"
#include "device/virtio_fs_dev.h"
#include "guest/vfsim_syscalls.h"
#include "guest/virtio_fs.h"
#include "sim/virtio/irq.h"
#include "sim/vmm/migration.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

static struct vfs_dev *src, *dst;
static struct vfs_dev_vhost src_vh, dst_vh;
static struct virtio_device vdev;
/* the machine's interrupt line: the driver's callbacks run in an irq task */
static struct virtio_irq_line irq;
static struct migration mig;
static struct guest_fs *gfs;
static struct guest_file file, dir;
static struct fuse_entry_out entry;

static int sync_storage(void *arg)
{
	(void)arg;
	/* One shared host directory: the destination sees the same tree. */
	return fuse_state_copy_tree(vfs_dev_server(dst), vfs_dev_server(src));
}

static void setup(void)
{
	struct vfs_dev_config cfg = { .request_workers = 2 };

	kmem_exit();
	gmem_exit();
	CU_ASSERT_EQUAL_FATAL(gmem_init(32u << 20), 0);
	sim_test_setup();
	virtio_fs_variant_reset();
	memset(&vdev, 0, sizeof(vdev));
	CU_ASSERT_EQUAL_FATAL(vfs_dev_create(&cfg, &src), 0);
	CU_ASSERT_EQUAL_FATAL(vfs_dev_create(&cfg, &dst), 0);
	CU_ASSERT_EQUAL_FATAL(vfs_dev_join(src, &vdev), 0);
	CU_ASSERT_EQUAL_FATAL(virtio_irq_line_init(&irq, &vdev), 0);
	CU_ASSERT_EQUAL_FATAL(virtio_driver_probe(&vdev, &virtio_fs_driver), 0);
	vfs_dev_vhost_init(&src_vh, src);
	vfs_dev_vhost_init(&dst_vh, dst);
	migration_init(&mig, &vdev,
		       (struct mig_backend){ vfs_dev_vhost_ops(), &src_vh },
		       (struct mig_backend){ vfs_dev_vhost_ops(), &dst_vh },
		       vfs_dev_num_queues(src));
	mig.sync = sync_storage;
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
	migration_destroy(&mig);
	vfs_dev_free(src);
	vfs_dev_free(dst);
	vfs_dev_vhost_exit(&dst_vh);
	vfs_dev_vhost_exit(&src_vh);
	virtio_fs_variant_reset();
	CU_ASSERT_EQUAL(check_count(), 0);
	if (check_count())
		check_print(stderr);
	sim_test_teardown();
	CU_ASSERT_EQUAL(kmem_exit(), 0);
	gmem_exit();
}

static int before(void *arg)
{
	struct fuse_file_lock lk = { .start = 0, .end = 9, .type = F_WRLCK };

	(void)arg;
	CU_ASSERT_EQUAL_FATAL(guest_mount("vfsim", &gfs), 0);
	CU_ASSERT_EQUAL(guest_create(gfs, FUSE_ROOT_ID, "f", 0644, O_RDWR,
				     &entry, &file),
			0);
	CU_ASSERT_EQUAL(guest_write(gfs, &file, 0, "hello world", 11), 11);
	CU_ASSERT_EQUAL(guest_opendir(gfs, FUSE_ROOT_ID, &dir), 0);
	CU_ASSERT_EQUAL(guest_setlk(gfs, &file, 1, &lk), 0);
	return 0;
}

/* Issued while the source is stalled: stays on the avail ring. */
static int in_flight(void *arg)
{
	struct fuse_attr_out attr;
	struct fuse_entry_out e;

	(void)arg;
	CU_ASSERT_EQUAL(guest_getattr(gfs, entry.nodeid, &attr), 0);
	CU_ASSERT_EQUAL(attr.attr.size, 11);
	return guest_lookup(gfs, FUSE_ROOT_ID, "f", &e) ?:
		       (e.nodeid == entry.nodeid ? 0 : -ESTALE);
}

static int count_entry(void *ctx, const struct guest_dirent *de)
{
	(*(int *)ctx)++;
	(void)de;
	return 0;
}

static int after(void *arg)
{
	struct fuse_file_lock lk = { .start = 0, .end = 9, .type = F_WRLCK };
	struct guest_file other;
	char buf[16] = { 0 };
	int entries = 0;

	(void)arg;
	/* The old file handle, on the new device. */
	CU_ASSERT_EQUAL(guest_read(gfs, &file, 0, buf, 11), 11);
	CU_ASSERT_STRING_EQUAL(buf, "hello world");
	/* The old directory handle. */
	CU_ASSERT(guest_readdir(gfs, &dir, 0, count_entry, &entries) >= 0);
	CU_ASSERT_EQUAL(entries, 3);
	/* The lock moved too: another owner still conflicts. */
	CU_ASSERT_EQUAL(guest_open(gfs, entry.nodeid, O_RDWR, &other), 0);
	CU_ASSERT_EQUAL(guest_setlk(gfs, &other, 2, &lk), -EAGAIN);
	lk.type = F_UNLCK;
	CU_ASSERT_EQUAL(guest_setlk(gfs, &file, 1, &lk), 0);
	lk.type = F_WRLCK;
	CU_ASSERT_EQUAL(guest_setlk(gfs, &other, 2, &lk), 0);
	CU_ASSERT_EQUAL(guest_flush(gfs, &other, 2), 0);
	CU_ASSERT_EQUAL(guest_release(gfs, &other), 0);
	CU_ASSERT_EQUAL(guest_release(gfs, &file), 0);
	CU_ASSERT_EQUAL(guest_releasedir(gfs, &dir), 0);
	guest_wait_releases(gfs);
	CU_ASSERT_EQUAL(guest_unlink(gfs, FUSE_ROOT_ID, "f"), 0);
	return guest_umount(gfs);
}

static bool task_waits(void *arg)
{
	return ((struct task *)arg)->state == TASK_BLOCKED;
}

static int run_task(int (*fn)(void *), const char *name)
{
	struct task *t = task_spawn(fn, NULL, name, TASK_SYSCALL, 0);
	int ret = -1;

	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(task_join(t, &ret), 0);
	return ret;
}

static void test_guest_carries_on_after_migration(void)
{
	struct memfs_stats st;
	struct task *t, *m;
	u64 src_popped;
	int ret = -1;

	CU_ASSERT_EQUAL(run_task(before, "before"), 0);
	/* A stalled daemon: the next requests stay on the avail ring. */
	vfs_dev_pause(src, true);
	t = task_spawn(in_flight, NULL, "inflight", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run_until(task_waits, t), SCHED_STOPPED);
	src_popped = trace_count();
	m = task_spawn(migration_task, &mig, "qemu", TASK_FRONTEND, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(task_join(m, &ret), 0);
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT_EQUAL(mig.done, MIG_STEP_DONE);
	CU_ASSERT_FALSE(mig.source_resumed);
	/* The waiting requests were served by the destination. */
	CU_ASSERT_EQUAL(task_join(t, &ret), 0);
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT(trace_find("virtio.switch_backend", 0) >= 0);
	CU_ASSERT(src_popped > 0);
	/* No re-initialisation: the INIT reply was processed once. */
	CU_ASSERT(trace_find("process_init_reply", 0) >= 0);
	CU_ASSERT_EQUAL(
		trace_find("process_init_reply",
			   (size_t)trace_find("process_init_reply", 0) + 1),
		-1);
	CU_ASSERT_EQUAL(run_task(after, "after"), 0);
	memfs_get_stats(fuse_server_fs(vfs_dev_server(dst)), &st);
	CU_ASSERT_EQUAL(st.inodes, 1); /* lookups balanced on the new device */
	CU_ASSERT_EQUAL(st.handles, 0);
}

VT_SUITE_EACH(integration_migrate, setup, teardown,
	      VT_CASE(test_guest_carries_on_after_migration));
