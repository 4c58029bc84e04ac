// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfsim_syscalls.c - vfsim's own (no kernel file): the syscall-like API
 * that scenarios and tests call, as programs in the guest would call
 * mount(2), stat(2), open(2), read(2) and the rest. Each call checks its
 * arguments as the VFS would before a file system sees them, then calls
 * the fuse function that the kernel's inode or file operations would
 * reach (dir.c, file.c, readdir.c, dax.c), or the driver (mount, umount,
 * freeze).
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "guest/vfsim_internal.h"
#include "guest/virtio_fs.h"
#include "sim/trace/host.h"
#include "sim/trace/image.h"

void guest_fs_init(struct guest_fs *gfs, struct super_block *sb)
{
	assert(sb && sb->s_fs_info);
	memset(gfs, 0, sizeof(*gfs));
	gfs->sb = sb;
	gfs->fm = get_fuse_mount_super(sb);
	init_waitqueue_head(&gfs->release_wq);
	init_waitqueue_head(&gfs->restore_wq);
}

void guest_fs_exit(struct guest_fs *gfs)
{
	guest_track_exit(gfs);
	host_free(gfs->owed);
	gfs->owed = NULL;
	gfs->nr_owed = gfs->owed_cap = 0;
}

/* Mounts not yet unmounted, so a machine taken down with a mount stuck
 * can free what the host holds for it (guest_mounts_reset()). */
static LIST_HEAD(guest_mounts);
/* vfsim's own: set while a machine is built, so a machine image
 * (sim/trace/image.h) puts it back as the set-up left it */
IMAGE_STATE(guest_mounts)

int guest_mount(const char *tag, struct guest_fs **gfsp)
{
	struct super_block *sb;
	struct guest_fs *gfs;
	int err;

	if (!tag || !gfsp)
		return -EINVAL;
	err = virtio_fs_get_tree(tag, &sb);
	if (err)
		return err;
	/* host memory: bookkeeping the device never reads. Taken once the
	 * super block exists and listed at once: get_tree can block for
	 * ever (v5-2019 retries a failed INIT submission without end), and
	 * a machine taken down with the task still in it frees only what
	 * guest_mounts holds */
	gfs = host_calloc(1, sizeof(*gfs));
	guest_fs_init(gfs, sb);
	list_add_tail(&gfs->node, &guest_mounts);
	/* only the restore extension calls them */
	virtio_fs_set_pm_hooks(virtio_fs_of_sb(sb), guest_fs_pm_freeze,
			       guest_fs_pm_restore, gfs);
	*gfsp = gfs;
	return 0;
}

/* Kernel: the mntget() a path walk takes (legitimize_mnt()); vfsim
 * counts users per mount, not per vfsmount, and has no RCU walk. */
int guest_fs_get(struct guest_fs *gfs)
{
	if (!gfs)
		return -EINVAL;
	fp_touch(gfs);
	/* do_umount() took it out of the tree before killing the super
	 * block: a walk starting now finds what is underneath (nothing) */
	if (gfs->unmounting)
		return -ENODEV;
	gfs->users++;
	return 0;
}

/* Kernel: mntput() from path_put() at the end of the syscall; NULL is
 * nothing to drop, as for mntput(). */
void guest_fs_put(struct guest_fs *gfs)
{
	if (!gfs)
		return;
	fp_touch(gfs);
	/* a put without its get: a checker report, not a wrapped count */
	if (WARN_ON(!gfs->users))
		return;
	gfs->users--;
}

/*
 * Kernel: do_umount() then, once the last reference is gone,
 * deactivate_super() -> virtio_kill_sb().
 *
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
	fp_touch(gfs);
	/* umount(2) of a mount already being unmounted: refused, not a
	 * second teardown of the same super block. */
	if (gfs->unmounting)
		return -EBUSY;
	/* do_umount(): a mount some task's syscall is in (its path walk
	 * holds the vfsmount) is busy; only MNT_DETACH would go on. Freeing
	 * @gfs under that syscall is what this refusal prevents. */
	if (gfs->users)
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
	host_free(gfs);
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
		host_free(gfs);
		n++;
	}
	return n;
}

unsigned int guest_requests_waiting(void)
{
	struct guest_fs *gfs;
	unsigned int n = 0;

	list_for_each_entry(gfs, &guest_mounts, node)
		n += (unsigned int)atomic_read(&gfs->fm->fc->num_waiting);
	return n;
}

int guest_freeze(struct virtio_device *vdev)
{
	if (!vdev)
		return -EINVAL;
	return virtio_device_freeze(vdev);
}

int guest_check_name(const char *name)
{
	size_t len;

	if (!name)
		return -EINVAL;
	len = strnlen(name, FUSE_PROTO_NAME_MAX + 1);
	if (len == 0 || len > FUSE_PROTO_NAME_MAX)
		return -EINVAL;
	return 0;
}

int guest_lookup(struct guest_fs *gfs, u64 parent, const char *name,
		 struct fuse_entry_out *out)
{
	int err = guest_check_name(name);

	return err ? err : fuse_lookup_name(gfs, parent, name, out);
}

int guest_getattr(struct guest_fs *gfs, u64 nodeid, struct fuse_attr_out *out)
{
	return fuse_do_getattr(gfs, nodeid, out);
}

int guest_setattr(struct guest_fs *gfs, u64 nodeid,
		  const struct fuse_setattr_in *in, struct fuse_attr_out *out)
{
	return in ? fuse_do_setattr(gfs, nodeid, in, out) : -EINVAL;
}

int guest_mkdir(struct guest_fs *gfs, u64 parent, const char *name, u32 mode,
		struct fuse_entry_out *entry)
{
	int err = guest_check_name(name);

	return err ? err : fuse_mkdir(gfs, parent, name, mode, entry);
}

int guest_unlink(struct guest_fs *gfs, u64 parent, const char *name)
{
	int err = guest_check_name(name);

	return err ? err : fuse_unlink(gfs, parent, name);
}

int guest_rmdir(struct guest_fs *gfs, u64 parent, const char *name)
{
	int err = guest_check_name(name);

	return err ? err : fuse_rmdir(gfs, parent, name);
}

int guest_rename(struct guest_fs *gfs, u64 olddir, const char *oldname,
		 u64 newdir, const char *newname)
{
	int err = guest_check_name(oldname);

	if (!err)
		err = guest_check_name(newname);
	if (err)
		return err;
	return fuse_rename_common(gfs, olddir, oldname, newdir, newname);
}

int guest_open(struct guest_fs *gfs, u64 nodeid, u32 flags,
	       struct guest_file *f)
{
	return f ? fuse_do_open(gfs, nodeid, flags, false, f) : -EINVAL;
}

int guest_opendir(struct guest_fs *gfs, u64 nodeid, struct guest_file *f)
{
	if (!f)
		return -EINVAL;
	return fuse_do_open(gfs, nodeid, O_RDONLY | O_DIRECTORY, true, f);
}

int guest_create(struct guest_fs *gfs, u64 parent, const char *name, u32 mode,
		 u32 flags, struct fuse_entry_out *entry, struct guest_file *f)
{
	int err = guest_check_name(name);

	if (!err && !f)
		err = -EINVAL;
	if (err)
		return err;
	return fuse_create_open(gfs, parent, name, mode, flags, entry, f);
}

/* A file (not a directory) handle, and a buffer unless nothing moves. */
static bool guest_io_ok(const struct guest_file *f, const void *buf,
			size_t count)
{
	return f && !f->isdir && (buf || !count);
}

ssize_t guest_read(struct guest_fs *gfs, struct guest_file *f, u64 off,
		   void *buf, size_t count)
{
	if (!guest_io_ok(f, buf, count))
		return -EINVAL;
	return fuse_direct_io(gfs, f, off, buf, count, false);
}

ssize_t guest_write(struct guest_fs *gfs, struct guest_file *f, u64 off,
		    const void *buf, size_t count)
{
	if (!guest_io_ok(f, buf, count))
		return -EINVAL;
	/* fuse_direct_io() only reads @buf when it writes */
	return fuse_direct_io(gfs, f, off, (void *)buf, count, true);
}

int guest_flush(struct guest_fs *gfs, struct guest_file *f, u64 lock_owner)
{
	if (!f || f->isdir)
		return -EINVAL;
	return fuse_flush(gfs, f, lock_owner);
}

int guest_release(struct guest_fs *gfs, struct guest_file *f)
{
	if (!f || f->isdir)
		return -EINVAL;
	return fuse_release_common(gfs, f, false);
}

int guest_releasedir(struct guest_fs *gfs, struct guest_file *f)
{
	if (!f || !f->isdir)
		return -EINVAL;
	return fuse_release_common(gfs, f, true);
}

void guest_wait_releases(struct guest_fs *gfs)
{
	wait_event(gfs->release_wq, gfs->nr_releasing == 0);
}

int guest_readdir(struct guest_fs *gfs, struct guest_file *f, u64 offset,
		  guest_filldir_t filler, void *ctx)
{
	if (!f || !f->isdir || !filler)
		return -EINVAL;
	return fuse_readdir_uncached(gfs, f, offset, filler, ctx);
}

/* What fcntl(2) refuses before the file system sees the lock. */
static bool guest_lock_ok(const struct guest_file *f,
			  const struct fuse_file_lock *lk)
{
	if (!f || f->isdir || !lk)
		return false;
	if (lk->type != F_RDLCK && lk->type != F_WRLCK && lk->type != F_UNLCK)
		return false;
	return lk->start <= lk->end;
}

int guest_getlk(struct guest_fs *gfs, struct guest_file *f, u64 owner,
		struct fuse_file_lock *lk)
{
	if (!guest_lock_ok(f, lk))
		return -EINVAL;
	return fuse_getlk(gfs, f, owner, lk);
}

int guest_setlk(struct guest_fs *gfs, struct guest_file *f, u64 owner,
		const struct fuse_file_lock *lk)
{
	if (!guest_lock_ok(f, lk))
		return -EINVAL;
	return fuse_setlk(gfs, f, owner, lk, false);
}

int guest_setlkw(struct guest_fs *gfs, struct guest_file *f, u64 owner,
		 const struct fuse_file_lock *lk)
{
	if (!guest_lock_ok(f, lk))
		return -EINVAL;
	return fuse_setlk(gfs, f, owner, lk, true);
}

int guest_dax_map(struct guest_fs *gfs, struct guest_file *f, u64 foffset,
		  u64 len, u64 moffset, u64 flags)
{
	if (!f || f->isdir)
		return -EINVAL;
	return fuse_setup_one_mapping(gfs, f, foffset, len, moffset, flags);
}

int guest_dax_unmap(struct guest_fs *gfs, u64 nodeid, u64 moffset, u64 len)
{
	return fuse_send_removemapping(gfs, nodeid, moffset, len);
}
