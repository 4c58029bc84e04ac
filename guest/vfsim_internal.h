/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file guest_vfs_internal.h
 * @brief What guest_vfs.c and guest_vfs_file.c share.
 */
#ifndef VFSIM_GUEST_GUEST_VFS_INTERNAL_H
#define VFSIM_GUEST_GUEST_VFS_INTERNAL_H

#include "guest/guest_vfs.h"

/**
 * @brief Count one more lookup of @p nodeid as owed (kernel: fi->nlookup++
 * in fuse_iget()); when the table cannot grow (fault point
 * "guest.nlookup"), the lookup is paid back at once with a FORGET.
 * @return 0 or -ENOMEM
 */
int guest_owe_lookup(struct guest_fs *gfs, u64 nodeid, u64 parent,
		     const char *name);

/**
 * @brief Send @p args as fuse_simple_request() does, after waiting for a
 * restore to end, with the node and handle the device knows now (restore
 * extension: old nodeids and handles are mapped to new ones).
 * @return the request's result, or -EIO for a node or handle a restore
 *         lost or a mount whose restore failed
 */
ssize_t guest_send(struct guest_fs *gfs, struct fuse_args *args);

/** @brief Wait while a restore runs (not in the restoring task). */
void guest_restore_wait(struct guest_fs *gfs);

/** @brief The device's nodeid for @p nodeid (0: lost by a restore). */
u64 guest_dev_nodeid(const struct guest_fs *gfs, u64 nodeid);

/** @brief Track an open handle. @return 0 or -ENOMEM */
int guest_track_open(struct guest_fs *gfs, const struct guest_file *f);

/** @brief Stop tracking @p f; sets @p dev_fh to the device's handle.
 *  @return false when a restore lost it (nothing to release) */
bool guest_untrack_open(struct guest_fs *gfs, const struct guest_file *f,
			u64 *dev_fh);

/** @brief Remember a successful SETLK/SETLKW. @return 0 or -ENOMEM */
int guest_track_lock(struct guest_fs *gfs, const struct guest_file *f,
		     u64 owner, const struct fuse_file_lock *lk);

/** @brief FLUSH released @p owner's locks on @p nodeid. */
void guest_untrack_locks(struct guest_fs *gfs, u64 nodeid, u64 owner);

/** @brief RENAME moved @p olddir/@p oldname: follow it. */
void guest_track_rename(struct guest_fs *gfs, u64 olddir, const char *oldname,
			u64 newdir, const char *newname);

/** @brief Free the tracking tables. */
void guest_track_exit(struct guest_fs *gfs);

/** @brief 0 for a usable name (1..255 bytes), else -EINVAL. */
int guest_check_name(const char *name);

/**
 * @brief Kernel: fuse_lookup_init(): describe a LOOKUP of @p name in
 * @p nodeid whose reply lands in @p outarg (zeroed here).
 */
void fuse_lookup_init(struct fuse_args *args, u64 nodeid, const char *name,
		      struct fuse_entry_out *outarg);

#endif /* VFSIM_GUEST_GUEST_VFS_INTERNAL_H */
