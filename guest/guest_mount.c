// SPDX-License-Identifier: GPL-2.0-only
/*
 * guest_mount.c - mount(2), umount(2) and the PM freeze entry of the
 * syscall-like API (guest/guest_vfs.h), on top of the virtio-fs driver.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>

#include "guest/guest_vfs.h"
#include "guest/guest_vfs_internal.h"
#include "guest/virtio_fs.h"

/* Mounts not yet unmounted, so a machine taken down with a mount stuck
 * can free what the host holds for it (guest_mounts_reset()). */
static LIST_HEAD(guest_mounts);

int guest_mount(const char *tag, struct guest_fs **gfsp)
{
	struct super_block *sb;
	struct guest_fs *gfs;
	int err;

	if (!tag || !gfsp)
		return -EINVAL;
	/* host memory: bookkeeping the device never reads */
	gfs = calloc(1, sizeof(*gfs));
	if (!gfs)
		return -ENOMEM;
	err = virtio_fs_get_tree(tag, &sb);
	if (err) {
		free(gfs);
		return err;
	}
	guest_fs_init(gfs, sb);
	list_add_tail(&gfs->node, &guest_mounts);
	/* only the restore extension calls them */
	virtio_fs_set_pm_hooks(virtio_fs_of_sb(sb), guest_fs_pm_freeze,
			       guest_fs_pm_restore, gfs);
	*gfsp = gfs;
	return 0;
}

/*
 * Pay back every lookup and let the FORGETs reach the device while the
 * hiprio queue still runs (the drain waits for parked ones too), then
 * drop the mount; the last one runs virtio_kill_sb(). The kernel instead
 * evicts inodes after virtio_kill_sb() stopped hiprio and relies on
 * DESTROY; sending them first lets a test see every count return to 0.
 */
int guest_umount(struct guest_fs *gfs)
{
	int err;

	if (!gfs)
		return -EINVAL;
	/* umount(2) of a mount already being unmounted: refused, not a
	 * second teardown of the same super block. */
	if (gfs->unmounting)
		return -EBUSY;
	gfs->unmounting = true;
	guest_restore_wait(gfs);
	err = guest_forget_all(gfs);
	guest_wait_releases(gfs);
	virtio_fs_drain_all_queues(virtio_fs_of_sb(gfs->sb));
	virtio_fs_set_pm_hooks(virtio_fs_of_sb(gfs->sb), NULL, NULL, NULL);
	virtio_fs_deactivate_super(gfs->sb);
	list_del(&gfs->node);
	guest_fs_exit(gfs);
	free(gfs);
	return err;
}

unsigned int guest_mounts_reset(void)
{
	struct guest_fs *gfs, *next;
	unsigned int n = 0;

	assert(!current);
	list_for_each_entry_safe(gfs, next, &guest_mounts, node) {
		list_del(&gfs->node);
		guest_fs_exit(gfs);
		free(gfs);
		n++;
	}
	return n;
}

int guest_freeze(struct virtio_device *vdev)
{
	if (!vdev)
		return -EINVAL;
	return virtio_device_freeze(vdev);
}
