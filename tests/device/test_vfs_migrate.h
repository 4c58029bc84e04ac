/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_vfs_migrate.h - a migration between two virtio-fs devices with the
 * device harness playing the guest: a workload with requests in flight,
 * the front end's flow, and the invariant over request uniques.
 */
#ifndef VFSIM_TESTS_DEVICE_TEST_VFS_MIGRATE_H
#define VFSIM_TESTS_DEVICE_TEST_VFS_MIGRATE_H

#include "sim/vmm/migration.h"
#include "tests/device/dev_harness.h"

#define VM_MAX_SENT 64

/* The migration world: source = dh_dev, destination = vm_dst. */
extern struct vfs_dev *vm_dst;
extern struct vfs_dev_vhost vm_src_vh, vm_dst_vh;
extern struct migration vm_mig;
/* Set up before the flow's SYNC step copies the tree; the hook then
 * unlinks vm_unlink_name in directory vm_unlink_parent on the
 * destination (when set). */
extern const char *vm_unlink_name;
extern u64 vm_unlink_parent;

/* Session built by vm_workload(): */
extern u64 vm_dir, vm_file, vm_other, vm_fh, vm_other_fh, vm_dir_fh;
/* in flight at suspend: popped (A) and only on the avail ring (B) */
extern struct dh_req *vm_popped[2];
extern struct dh_req *vm_pending[5];

void vm_setup(void);
void vm_teardown(void);
/* INIT, a dir, two open files, an open dir, a lock; then requests A
 * popped by the source (being served, latency) and B added, not kicked. */
void vm_workload(void);
/* Spawn the flow as a front-end task and run the machine. */
int vm_migrate(void);
/* Remember @r for the unique invariant. */
struct dh_req *vm_track(struct dh_req *r);
/* Every tracked request answered exactly once across both devices. */
void vm_assert_uniques_once(void);
/* Send @r now (on whichever device the transport reaches), expect @err. */
void vm_expect(struct dh_req *r, int err);
struct dh_req *vm_opendir(unsigned int q, u64 ino);
struct dh_req *vm_readdir(unsigned int q, u64 ino, u64 fh);
/* How many chains queue 1 of @dev completed. */
u64 vm_completed(struct vfs_dev *dev);

#endif
