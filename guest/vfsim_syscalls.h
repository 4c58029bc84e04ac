/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vfsim_syscalls.h
 * @brief The syscall-like API: what programs in the guest do to a mounted
 * virtio-fs, one FUSE request (or a few) per call, as the kernel's VFS and
 * fs/fuse/{dir,file,readdir,dax}.c would send them.
 *
 * Every call is made from a simulated task (a TASK_SYSCALL task, like a
 * process inside a system call), blocks as the kernel would (waiting for
 * INIT, for room in the background queue, for the reply) and returns 0,
 * a byte or entry count where documented, or a negative errno: the
 * server's error from the reply, or the core's (-ENOTCONN once the
 * connection is gone, -ECONNREFUSED after a failed INIT, -ECONNABORTED
 * for a request the abort ended, -ENOMEM, -EIO for a malformed reply).
 * Bad arguments from the caller get -EINVAL before anything is sent.
 *
 * There is no inode or dentry cache: nodeids are used directly. What the
 * kernel keeps in inode->nlookup is kept in the guest_fs table instead:
 * every LOOKUP, CREATE and MKDIR reply that hands out a nodeid adds one
 * lookup the guest owes the device, and FORGET pays them back (through the
 * hiprio path, fuse_queue_forget()). guest_forget_all() pays everything
 * back, as dropping the inode cache does at unmount.
 * @ingroup guest
 */
#ifndef VFSIM_GUEST_VFSIM_SYSCALLS_H
#define VFSIM_GUEST_VFSIM_SYSCALLS_H

#include "guest/fuse_i.h"

struct virtio_device;

/** @brief One nodeid and the lookups the guest owes for it. */
struct guest_nlookup {
	u64 nodeid;  /**< the node, as the guest knows it */
	u64 nlookup; /**< lookups not yet forgotten */
	/** vfsim restore extension: the node the device knows now (nodeid
	 *  until a restore re-looked it up; 0 when it could not be found
	 *  again: its requests fail with EIO) */
	u64 dev;
	u64 parent; /**< directory it was first looked up in (restore) */
	char name[FUSE_PROTO_NAME_MAX + 1]; /**< its name there (restore) */
};

/** @brief A POSIX lock request that succeeded (restore extension). */
struct guest_lock_rec {
	u64 owner;		  /**< lock owner */
	struct fuse_file_lock lk; /**< range and type (F_UNLCK too) */
};

/** @brief An open handle as the restore extension tracks it. */
struct guest_open_rec {
	u64 nodeid;    /**< node, as the guest knows it */
	u64 fh;	       /**< handle, as the guest knows it */
	u64 dev_fh;    /**< handle the device knows now */
	u32 flags;     /**< flags it was opened with */
	bool isdir;    /**< OPENDIR handle */
	bool failed;   /**< lost by a restore: requests get EIO */
	bool reopened; /**< the device has dev_fh open (RELEASE it) */
	struct guest_lock_rec *lks; /**< lock requests, in order */
	unsigned int nr_lks;	    /**< entries in @ref lks */
};

/** @brief One mounted virtio-fs instance as programs see it. */
struct guest_fs {
	struct super_block *sb; /**< its super block */
	struct fuse_mount *fm;	/**< its fuse_mount (sb->s_fs_info) */
	/** lookup counts owed, sorted by nodeid (host memory: bookkeeping
	 *  the device never reads) */
	struct guest_nlookup *owed;
	unsigned int nr_owed;	      /**< entries in use */
	unsigned int owed_cap;	      /**< entries allocated */
	unsigned int nr_releasing;    /**< RELEASE/RELEASEDIR in flight */
	wait_queue_head_t release_wq; /**< woken as each of those ends */
	struct guest_open_rec *opens; /**< open handles (host memory) */
	unsigned int nr_opens;	      /**< entries in use */
	/** restore extension: frozen or restoring; requests wait */
	bool restoring;
	bool broken; /**< restore could not renegotiate: every request EIO */
	struct task *restorer;	      /**< the task restoring (not gated) */
	wait_queue_head_t restore_wq; /**< woken when restoring ends */
	/** guest_umount() under way: the mount is detached (guest_fs_get()
	 *  refuses it) and a second unmount is refused */
	bool unmounting;
	/** syscalls using the mount now (guest_fs_get() .. guest_fs_put()):
	 *  the references path walks hold on the kernel's vfsmount */
	unsigned int users;
	/** on the list of mounts not yet unmounted (guest_mounts_reset()) */
	struct list_head node;
};

/** @brief An open file or directory (the kernel's struct fuse_file). */
struct guest_file {
	u64 nodeid;	/**< the node it is open on */
	u64 fh;		/**< the server's handle */
	u32 open_flags; /**< FOPEN_* from the reply */
	u32 flags;	/**< open(2) flags it was opened with */
	bool isdir;	/**< opened with OPENDIR */
};

/** @brief One directory entry from guest_readdir(). */
struct guest_dirent {
	u64 ino;			    /**< inode number */
	u64 off;			    /**< offset of the next entry */
	u32 type;			    /**< DT_* type */
	u32 namelen;			    /**< name bytes */
	char name[FUSE_PROTO_NAME_MAX + 1]; /**< NUL-terminated name */
};

/** @brief Called for each entry; a non-zero return stops the listing. */
typedef int (*guest_filldir_t)(void *ctx, const struct guest_dirent *de);

/**
 * @brief Start tracking a mounted instance.
 * @param gfs the object to fill
 * @param sb the mounted super block (its s_fs_info is the fuse_mount)
 */
void guest_fs_init(struct guest_fs *gfs, struct super_block *sb);

/** @brief Stop tracking: free the lookup table (without sending FORGETs;
 *  call guest_forget_all() first for that). */
void guest_fs_exit(struct guest_fs *gfs);

/** @brief Lookups the guest owes for @p nodeid (0 when none). */
u64 guest_nlookup(const struct guest_fs *gfs, u64 nodeid);

/** @brief Sum of every lookup the guest owes. */
u64 guest_nlookup_total(const struct guest_fs *gfs);

/**
 * @brief Mount the virtio-fs instance tagged @p tag: the driver's
 * virtio_fs_get_tree() + virtio_fs_fill_super() path, which sends INIT in
 * the background.
 * @param tag the device's tag
 * @param gfsp set to the new instance (allocated by the call)
 * @return 0; -EINVAL when no device has that tag (or it is being
 *         removed), -ENOMEM, or the fill_super error
 */
int guest_mount(const char *tag, struct guest_fs **gfsp);

/**
 * @brief A syscall starts using the mount: take a reference, as the
 * kernel's path walk does on the vfsmount it crosses (mntget() in
 * legitimize_mnt()) and keeps until the syscall drops its path.
 *
 * The guest_*() calls do not take it themselves: the program does, around
 * everything one of its syscalls does with @p gfs (a scenario operation
 * may make several calls: a path walk's LOOKUPs, then the GETATTR), so
 * that guest_umount() in another task sees the mount busy for that whole
 * time. vfsim simplifies: an open guest_file holds no reference (the
 * kernel's struct file does, so umount(2) with a file open fails with
 * EBUSY; vfsim's unmount releases what is left open instead).
 * @return 0; -EINVAL for NULL; -ENODEV when an unmount of @p gfs is under
 *         way (the kernel detaches the mount first: a new path walk no
 *         longer reaches it, and vfsim has nothing mounted underneath)
 */
int guest_fs_get(struct guest_fs *gfs);

/** @brief The syscall is done with the mount: drop guest_fs_get()'s
 *  reference (the kernel's mntput() as path_put() does it). NULL does
 *  nothing; a put with no reference held is a `warn` checker report. */
void guest_fs_put(struct guest_fs *gfs);

/**
 * @brief Unmount: guest_forget_all(), then the driver's virtio_kill_sb()
 * (stop the hiprio queue, drain, DESTROY, drain, free the channels) and
 * free @p gfs.
 *
 * As umount(2) without MNT_DETACH, it refuses a mount another task's
 * syscall is using (guest_fs_get()): the kernel's do_umount() fails with
 * EBUSY when propagate_mount_busy() finds references beyond the mount
 * tree's and the caller's own. The caller holds no reference of its own
 * here. There is no lazy unmount (umount2(MNT_DETACH)) in vfsim.
 * @return 0 or a negative errno; -EBUSY, with nothing done and @p gfs
 *         still mounted, when another task's syscall holds the mount;
 *         -EBUSY too when an unmount of @p gfs is already under way in
 *         another task (it may be waiting on a device that stopped
 *         answering): @p gfs stays with that unmount
 */
int guest_umount(struct guest_fs *gfs);

/**
 * @brief sim: forget every mount whose unmount never finished, freeing its
 * host bookkeeping, once its machine's tasks are gone (after
 * sched_exit()): a task stuck in guest_umount() or holding a mount is
 * never coming back. Touches no guest object: those go with the guest's
 * memory (kmem_exit()).
 * @return how many mounts were forgotten
 */
unsigned int guest_mounts_reset(void);

/**
 * @brief sim: requests the guest still waits for, over every mount not yet
 * unmounted (each connection's fc->num_waiting: sent or queued, not yet
 * ended). An observer's count for the simulator (is the machine done?);
 * the kernel has no such function.
 */
unsigned int guest_requests_waiting(void);

/**
 * @brief The PM freeze entry: the device's freeze, which calls the
 * driver's virtio_fs_freeze().
 * @return -EOPNOTSUPP as merged (mainline); the v5-2019 variant returns 0;
 *         0 with the vfsim "restore" option (virtio_fs_set_restore())
 */
int guest_freeze(struct virtio_device *vdev);

/**
 * @brief vfsim restore extension, PM freeze side: from now on requests
 * wait (called by the driver's freeze once its queues are drained).
 * @param arg the struct guest_fs
 */
void guest_fs_pm_freeze(void *arg);

/**
 * @brief vfsim restore extension, run in the driver's restore task after
 * the device was reset and its queues re-created: INIT again (the
 * negotiated values must match, else every request fails with EIO), then
 * LOOKUP every node the guest holds along its path from the root (once per
 * owed lookup), OPEN/OPENDIR every open handle with its flags, and replay
 * every POSIX lock request with SETLK. A node not found again, or a handle
 * that cannot be re-opened, fails with EIO afterwards (traced); a lock that
 * cannot be re-taken is reported ("virtio_fs.restore") and its file fails
 * with EIO. Waiting requests then go on, translated to the new nodeids and
 * handles.
 * @param arg the struct guest_fs
 * @param err 0; else the driver could not restore the device: nothing is
 *        sent, every request fails with EIO from now on
 * @return 0, or -EIO when INIT could not be renegotiated (or @p err)
 */
int guest_fs_pm_restore(void *arg, int err);

/**
 * @brief Look @p name up in directory @p parent (kernel:
 * fuse_lookup_name()); on success the guest owes one more lookup of the
 * returned nodeid.
 * @param gfs the mount
 * @param parent directory nodeid
 * @param name the name (1..255 bytes)
 * @param out the entry (may be NULL)
 * @return 0; -ENOENT also for a negative entry (nodeid 0); -EIO for a
 *         reply with a bad nodeid; -EINVAL for a bad name
 */
int guest_lookup(struct guest_fs *gfs, u64 parent, const char *name,
		 struct fuse_entry_out *out);

/**
 * @brief Pay back @p nlookup lookups of @p nodeid with a FORGET (kernel:
 * fuse_queue_forget() from inode eviction); no reply is waited for.
 * @return 0; -EINVAL for @p nlookup 0; -ENOENT when nothing is owed for
 *         @p nodeid; -ERANGE when @p nlookup is more than is owed;
 *         -ENOMEM when the forget link cannot be allocated
 */
int guest_forget(struct guest_fs *gfs, u64 nodeid, u64 nlookup);

/**
 * @brief FORGET every lookup owed, in nodeid order (drop_caches, or
 * unmount).
 * @return 0, or -ENOMEM (the rest stays owed)
 */
int guest_forget_all(struct guest_fs *gfs);

/** @brief GETATTR (kernel: fuse_do_getattr()); @p out may be NULL.
 *  @return 0 or a negative errno */
int guest_getattr(struct guest_fs *gfs, u64 nodeid, struct fuse_attr_out *out);

/** @brief SETATTR (kernel: fuse_do_setattr()); @p out may be NULL.
 *  @return 0 or a negative errno; -EINVAL for a NULL @p in */
int guest_setattr(struct guest_fs *gfs, u64 nodeid,
		  const struct fuse_setattr_in *in, struct fuse_attr_out *out);

/**
 * @brief OPEN (kernel: fuse_open_common() / fuse_do_open()); O_CREAT,
 * O_EXCL and O_NOCTTY are not sent, O_TRUNC only when the server took
 * ATOMIC_O_TRUNC.
 * @return 0 and @p f filled, or a negative errno
 */
int guest_open(struct guest_fs *gfs, u64 nodeid, u32 flags,
	       struct guest_file *f);

/**
 * @brief CREATE (kernel: fuse_create_open()): create and open @p name;
 * the guest owes one lookup of the new node.
 * @return 0, @p entry (may be NULL) and @p f filled; -EIO when the reply
 *         is not a regular file (the lookup is forgotten again)
 */
int guest_create(struct guest_fs *gfs, u64 parent, const char *name, u32 mode,
		 u32 flags, struct fuse_entry_out *entry, struct guest_file *f);

/**
 * @brief READ into @p buf, through pages as the kernel's read path does
 * (fuse_read_args_fill(): out_pages, out_argvar, page_zeroing), one
 * request per max_pages/max_read chunk, stopping at a short read.
 * @return bytes read (0 at end of file) or a negative errno
 */
ssize_t guest_read(struct guest_fs *gfs, struct guest_file *f, u64 off,
		   void *buf, size_t count);

/**
 * @brief WRITE from @p buf, through pages (fuse_write_args_fill():
 * in_pages), one request per max_write/max_pages chunk.
 * @return bytes written or a negative errno; -EIO when the server claims
 *         more than was sent
 */
ssize_t guest_write(struct guest_fs *gfs, struct guest_file *f, u64 off,
		    const void *buf, size_t count);

/** @brief FLUSH (kernel: fuse_flush(), on close()); releases the POSIX
 *  locks of @p lock_owner. ENOSYS is remembered and then 0.
 *  @return 0 or a negative errno */
int guest_flush(struct guest_fs *gfs, struct guest_file *f, u64 lock_owner);

/**
 * @brief RELEASE in the background (kernel: fuse_release() ->
 * fuse_file_put() -> fuse_simple_background()): returns once queued; the
 * end is counted in gfs->nr_releasing (see guest_wait_releases()).
 * @return 0; -EINVAL for a directory handle
 */
int guest_release(struct guest_fs *gfs, struct guest_file *f);

/** @brief Wait until every background RELEASE/RELEASEDIR has ended. */
void guest_wait_releases(struct guest_fs *gfs);

/** @brief OPENDIR (kernel: fuse_dir_open()).
 *  @return 0 and @p f filled, or a negative errno */
int guest_opendir(struct guest_fs *gfs, u64 nodeid, struct guest_file *f);

/**
 * @brief READDIR from @p offset to the end (kernel:
 * fuse_readdir_uncached() + parse_dirfile()), one page per request.
 * @return entries passed to @p filler (stopping early when it returns
 *         non-zero), or a negative errno; -EIO for a malformed entry
 */
int guest_readdir(struct guest_fs *gfs, struct guest_file *f, u64 offset,
		  guest_filldir_t filler, void *ctx);

/** @brief RELEASEDIR in the background (as guest_release()).
 *  @return 0; -EINVAL for a file handle */
int guest_releasedir(struct guest_fs *gfs, struct guest_file *f);

/** @brief MKDIR (kernel: fuse_mkdir()); the guest owes one lookup.
 *  @return 0 and @p entry (may be NULL), or a negative errno; -EIO when
 *  the reply is not a directory (forgotten again) */
int guest_mkdir(struct guest_fs *gfs, u64 parent, const char *name, u32 mode,
		struct fuse_entry_out *entry);

/** @brief UNLINK (kernel: fuse_unlink()). @return 0 or a negative errno */
int guest_unlink(struct guest_fs *gfs, u64 parent, const char *name);

/** @brief RMDIR (kernel: fuse_rmdir()). @return 0 or a negative errno */
int guest_rmdir(struct guest_fs *gfs, u64 parent, const char *name);

/** @brief RENAME (kernel: fuse_rename_common() with FUSE_RENAME).
 *  @return 0 or a negative errno */
int guest_rename(struct guest_fs *gfs, u64 olddir, const char *oldname,
		 u64 newdir, const char *newname);

/** @brief GETLK (kernel: fuse_getlk()): @p lk in, the conflicting lock
 *  (or F_UNLCK) out. @return 0 or a negative errno */
int guest_getlk(struct guest_fs *gfs, struct guest_file *f, u64 owner,
		struct fuse_file_lock *lk);

/** @brief SETLK (kernel: fuse_setlk()); -EAGAIN on a conflict.
 *  @return 0 or a negative errno */
int guest_setlk(struct guest_fs *gfs, struct guest_file *f, u64 owner,
		const struct fuse_file_lock *lk);

/** @brief SETLKW: blocks (the device holds the request) until the lock
 *  can be taken. @return 0 or a negative errno (-EDEADLK) */
int guest_setlkw(struct guest_fs *gfs, struct guest_file *f, u64 owner,
		 const struct fuse_file_lock *lk);

/**
 * @brief SETUPMAPPING (kernel: fuse_setup_one_mapping()): map @p len
 * bytes of the file at @p foffset into the DAX window at @p moffset.
 * @param gfs the mount
 * @param f an open file
 * @param foffset file offset
 * @param len bytes
 * @param moffset offset in the DAX window
 * @param flags FUSE_SETUPMAPPING_FLAG_READ / _WRITE
 * @return 0 or a negative errno (-ENOSYS without a window)
 */
int guest_dax_map(struct guest_fs *gfs, struct guest_file *f, u64 foffset,
		  u64 len, u64 moffset, u64 flags);

/** @brief REMOVEMAPPING of one range (kernel: fuse_send_removemapping()).
 *  @return 0 or a negative errno */
int guest_dax_unmap(struct guest_fs *gfs, u64 nodeid, u64 moffset, u64 len);

#endif /* VFSIM_GUEST_VFSIM_SYSCALLS_H */
