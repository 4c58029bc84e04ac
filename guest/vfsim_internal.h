/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vfsim_internal.h
 * @brief What the syscall layer (vfsim_syscalls.c), the lookup table
 * (vfsim_icache.c), the restore extension (vfsim_restore.c) and the fuse
 * files they call (dir.c, file.c, readdir.c, dax.c) share.
 *
 * The fuse functions below are the kernel's names with vfsim's arguments:
 * a mount and nodeids instead of inodes, dentries and struct file. In the
 * kernel most are static and reached through inode and file operations;
 * here the syscall layer calls them directly.
 * @ingroup guest
 */
#ifndef VFSIM_GUEST_VFSIM_INTERNAL_H
#define VFSIM_GUEST_VFSIM_INTERNAL_H

#include "guest/vfsim_syscalls.h"
#include "sim/kernel/fault.h"
#include "sim/kernel/scatterlist.h"

/**
 * @brief Count one more lookup of @p nodeid as owed (kernel: fi->nlookup++
 * in fuse_iget()); when the table cannot grow (fault point
 * "guest.nlookup"), the lookup is paid back at once with a FORGET.
 * @return 0 or -ENOMEM
 */
int guest_owe_lookup(struct guest_fs *gfs, u64 nodeid, u64 parent,
		     const char *name);

/**
 * @brief vfsim only: let the fault point "guest.bad-request" (site: the
 * opcode's name) spoil @p req before it is queued: its header's len 8
 * bytes too large (arg=len, the default), an opcode no FUSE has
 * (arg=opcode), or @p hdr_sg, the header's sg entry, cut to half the
 * header (arg=short). Traced "virtio_fs.bad_request".
 */
static inline void vfsim_spoil_request(struct fuse_req *req,
				       struct scatterlist *hdr_sg);

/** @cond INTERNAL */
/* The point's number once looked up (-2 before); the out-of-line half
 * looks it up and runs the rules. */
extern int vfsim_bad_request_point;
void __vfsim_spoil_request(struct fuse_req *req, struct scatterlist *hdr_sg);
/** @endcond */

/* Inline: on every request, a point no rule names is a count and a test,
 * with no call (the count is what fault_hit_arg_id() would have kept). */
static inline void vfsim_spoil_request(struct fuse_req *req,
				       struct scatterlist *hdr_sg)
{
	int point = vfsim_bad_request_point;

	if (likely(point >= 0 && !fault_point_ruled(point))) {
		fault_counts.hits[point]++;
		return;
	}
	__vfsim_spoil_request(req, hdr_sg);
}

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

/** @brief Track an open handle. */
void guest_track_open(struct guest_fs *gfs, const struct guest_file *f);

/** @brief Stop tracking @p f; sets @p dev_fh to the device's handle.
 *  @return false when a restore lost it (nothing to release) */
bool guest_untrack_open(struct guest_fs *gfs, const struct guest_file *f,
			u64 *dev_fh);

/** @brief Remember a successful SETLK/SETLKW. */
void guest_track_lock(struct guest_fs *gfs, const struct guest_file *f,
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

/* ---- dir.c ------------------------------------------------------------ */

/**
 * @brief Kernel: fuse_lookup_init(): describe a LOOKUP of @p name in
 * @p nodeid whose reply lands in @p outarg (zeroed here).
 */
void fuse_lookup_init(struct fuse_args *args, u64 nodeid, const char *name,
		      struct fuse_entry_out *outarg);

/** @brief Kernel: fuse_lookup_name(): LOOKUP; the guest then owes one
 *  lookup of the node. @return 0, -ENOENT for a negative entry, or an
 *  error */
int fuse_lookup_name(struct guest_fs *gfs, u64 parent, const char *name,
		     struct fuse_entry_out *out);

/** @brief Kernel: fuse_create_open(): CREATE and open. @return 0 or an
 *  error (-EIO when the new node is not a regular file) */
int fuse_create_open(struct guest_fs *gfs, u64 parent, const char *name,
		     u32 mode, u32 flags, struct fuse_entry_out *entry,
		     struct guest_file *f);

/** @brief Kernel: fuse_mkdir() through create_new_entry(). @return 0 or
 *  an error (-EIO when the new node is not a directory) */
int fuse_mkdir(struct guest_fs *gfs, u64 parent, const char *name, u32 mode,
	       struct fuse_entry_out *entry);

/** @brief Kernel: fuse_unlink(). @return 0 or an error */
int fuse_unlink(struct guest_fs *gfs, u64 parent, const char *name);

/** @brief Kernel: fuse_rmdir(). @return 0 or an error */
int fuse_rmdir(struct guest_fs *gfs, u64 parent, const char *name);

/** @brief Kernel: fuse_rename_common() with FUSE_RENAME. @return 0 or an
 *  error */
int fuse_rename_common(struct guest_fs *gfs, u64 olddir, const char *oldname,
		       u64 newdir, const char *newname);

/** @brief Kernel: fuse_do_getattr(); @p out may be NULL. @return 0 or an
 *  error */
int fuse_do_getattr(struct guest_fs *gfs, u64 nodeid,
		    struct fuse_attr_out *out);

/** @brief Kernel: fuse_do_setattr() (the request part); @p out may be
 *  NULL. @return 0 or an error */
int fuse_do_setattr(struct guest_fs *gfs, u64 nodeid,
		    const struct fuse_setattr_in *in,
		    struct fuse_attr_out *out);

/* ---- file.c ----------------------------------------------------------- */

/** @brief Kernel: fuse_send_open() + fuse_do_open(): OPEN or OPENDIR and
 *  fill @p f. @return 0 or an error */
int fuse_do_open(struct guest_fs *gfs, u64 nodeid, u32 flags, bool isdir,
		 struct guest_file *f);

/** @brief Kernel: fuse_prepare_release() + fuse_file_put(): RELEASE or
 *  RELEASEDIR in the background. @return 0 */
int fuse_release_common(struct guest_fs *gfs, struct guest_file *f, bool isdir);

/** @brief Kernel: fuse_flush(). @return 0 or an error */
int fuse_flush(struct guest_fs *gfs, struct guest_file *f, u64 lock_owner);

/** @brief Kernel: fuse_direct_io(): READ (or WRITE when @p write) in
 *  max_pages chunks. @return bytes moved or an error */
ssize_t fuse_direct_io(struct guest_fs *gfs, struct guest_file *f, u64 off,
		       void *buf, size_t count, bool write);

/** @brief Kernel: fuse_getlk(). @return 0 or an error */
int fuse_getlk(struct guest_fs *gfs, struct guest_file *f, u64 owner,
	       struct fuse_file_lock *lk);

/** @brief Kernel: fuse_setlk(); @p sleep for F_SETLKW. @return 0 or an
 *  error */
int fuse_setlk(struct guest_fs *gfs, struct guest_file *f, u64 owner,
	       const struct fuse_file_lock *lk, bool sleep);

/* ---- readdir.c -------------------------------------------------------- */

/** @brief Kernel: fuse_readdir_uncached(), from @p offset to the end of
 *  the directory. @return entries passed to @p filler, or an error */
int fuse_readdir_uncached(struct guest_fs *gfs, struct guest_file *f,
			  u64 offset, guest_filldir_t filler, void *ctx);

/* ---- dax.c ------------------------------------------------------------ */

/** @brief Kernel: fuse_setup_one_mapping(). @return 0 or an error */
int fuse_setup_one_mapping(struct guest_fs *gfs, struct guest_file *f,
			   u64 foffset, u64 len, u64 moffset, u64 flags);

/** @brief Kernel: fuse_send_removemapping() for one range. @return 0 or
 *  an error */
int fuse_send_removemapping(struct guest_fs *gfs, u64 nodeid, u64 moffset,
			    u64 len);

#endif /* VFSIM_GUEST_VFSIM_INTERNAL_H */
