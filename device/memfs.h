/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file memfs.h
 * @brief The device's in-memory file system: the back end the FUSE server
 *        (the part virtiofsd plays) calls.
 *
 * A pure, deterministic data structure: no clock, no pointers in anything
 * observable, no hashing. The caller sets the time with memfs_set_now()
 * before each operation (the simulator's virtual clock).
 *
 * **Identifiers.** Inodes are named by a 64-bit nodeid handed out by a
 * monotonic counter (root is MEMFS_ROOT_ID = FUSE_ROOT_ID = 1 and is never
 * freed); nodeids are never reused. File and directory handles share one
 * monotonic fh counter starting at 1.
 *
 * **Errors.** Every call returns 0 (or a count) or a negative errno:
 * - -ESTALE: a nodeid that names no live inode (never existed or freed);
 * - -ENOENT: a name that does not exist in a live directory (or ".." of an
 *   unlinked directory, or a path/readdir on an unlinked inode);
 * - -EBADF: an unknown fh, an fh of the wrong kind, or the wrong access mode;
 * - -EINVAL: a malformed argument (bad name, flags, mode, offset);
 * - -ENAMETOOLONG, -EEXIST, -ENOTDIR, -EISDIR, -ENOTEMPTY, -EFBIG, -ENOSPC,
 *   -ERANGE as POSIX uses them.
 *
 * **Names.** A name is 1..255 bytes without '/'. "." and ".." are looked up
 * as the directory itself and its parent (the root is its own parent);
 * creating them gives -EEXIST.
 *
 * **Directory order.** Entries are kept in insertion order; each entry gets
 * a per-directory cookie from a monotonic counter when it is linked (a
 * rename relinks, so it gets a new cookie). readdir returns "." (cookie 1),
 * ".." (cookie 2), then entries in cookie order, each with its own cookie as
 * the resume offset; resuming at offset X returns the entries whose cookie
 * is above X, so entries added or removed between calls never make readdir
 * repeat or skip a surviving entry.
 *
 * **Lookup counts.** memfs_lookup() and the creating calls do not count a
 * lookup: the server calls memfs_ref() for every reply that hands out a
 * nodeid, and memfs_forget() for FORGET. An inode whose link count is zero
 * is freed as soon as its lookup count, its open handles and its pins (DAX
 * mappings) all reach zero. The root is never freed.
 *
 * **Files.** Regular file data lives in 4 KiB pages allocated on first
 * write; holes read as zeros, so a write at 1 MiB in an empty file costs one
 * page plus a page table. A file may not grow past the configured maximum
 * (-EFBIG). Reads do not update atime (as with noatime).
 *
 * **Migration.** Everything held can be enumerated (memfs_for_each_inode(),
 * memfs_for_each_dirent(), memfs_for_each_page(), memfs_for_each_handle(),
 * memfs_get_counters()) and re-created exactly with the memfs_restore_*()
 * calls, always in ascending id order. Restore into a fresh memfs_new()
 * (same config) in this order: memfs_restore_inode() for every inode,
 * memfs_restore_page() for their pages (or memfs_share_pages() from a tree
 * in the same process), memfs_restore_dirent() for every
 * directory's entries, memfs_restore_handle(), then memfs_set_counters();
 * memfs_check() must then pass.
 *
 * **Wiring.** The server should route memfs_set_free_hook() to
 * locks_release_inode() so a freed inode takes its locks with it.
 * @ingroup device
 */
#ifndef VFSIM_DEVICE_MEMFS_H
#define VFSIM_DEVICE_MEMFS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/kernel/types.h"

/** @brief nodeid of the root directory (FUSE_ROOT_ID). */
#define MEMFS_ROOT_ID 1ULL
/** @brief Longest name component, in bytes. */
#define MEMFS_NAME_MAX 255
/** @brief Size of one file data page. */
#define MEMFS_PAGE_SIZE 4096u
/** @brief readdir cookie of ".". */
#define MEMFS_COOKIE_DOT 1ULL
/** @brief readdir cookie of "..". */
#define MEMFS_COOKIE_DOTDOT 2ULL
/** @brief First cookie a real directory entry can get. */
#define MEMFS_COOKIE_FIRST 3ULL

/** @brief rename flag: fail with -EEXIST if the target exists. */
#define MEMFS_RENAME_NOREPLACE (1u << 0)
/** @brief rename flag: atomically swap source and target (both must exist). */
#define MEMFS_RENAME_EXCHANGE (1u << 1)

/** @brief setattr: change the permission bits (the type bits are ignored). */
#define MEMFS_SET_MODE (1u << 0)
/** @brief setattr: change the owner. */
#define MEMFS_SET_UID (1u << 1)
/** @brief setattr: change the group. */
#define MEMFS_SET_GID (1u << 2)
/** @brief setattr: truncate or extend (with zeros) to the given size. */
#define MEMFS_SET_SIZE (1u << 3)
/** @brief setattr: set atime to the given value. */
#define MEMFS_SET_ATIME (1u << 4)
/** @brief setattr: set mtime to the given value. */
#define MEMFS_SET_MTIME (1u << 5)
/** @brief setattr: set atime to "now" (with or without MEMFS_SET_ATIME). */
#define MEMFS_SET_ATIME_NOW (1u << 7)
/** @brief setattr: set mtime to "now" (with or without MEMFS_SET_MTIME). */
#define MEMFS_SET_MTIME_NOW (1u << 8)
/** @brief setattr: set ctime to the given value (else ctime becomes now). */
#define MEMFS_SET_CTIME (1u << 10)
/** @brief Every setattr bit memfs understands (same values as FATTR_*). */
#define MEMFS_SET_ALL                                                      \
	(MEMFS_SET_MODE | MEMFS_SET_UID | MEMFS_SET_GID | MEMFS_SET_SIZE | \
	 MEMFS_SET_ATIME | MEMFS_SET_MTIME | MEMFS_SET_ATIME_NOW |         \
	 MEMFS_SET_MTIME_NOW | MEMFS_SET_CTIME)

/** @brief A timestamp: seconds and nanoseconds. */
struct memfs_time {
	s64 sec;  ///< seconds
	u32 nsec; ///< nanoseconds, 0..999999999
};

/** @brief The attributes of an inode, as POSIX stat reports them. */
struct memfs_attr {
	u64 ino;		 ///< the nodeid
	u32 mode;		 ///< file type and permission bits (S_IF*)
	u32 nlink;		 ///< number of names (dirs: 2 + subdirectories)
	u32 uid;		 ///< owner
	u32 gid;		 ///< group
	u64 size;		 ///< bytes (directories: number of entries)
	u64 blocks;		 ///< 512-byte blocks of allocated data
	struct memfs_time atime; ///< last access
	struct memfs_time mtime; ///< last data change
	struct memfs_time ctime; ///< last status change
	u32 rdev;		 ///< device number (always 0 here)
	u32 blksize;		 ///< preferred I/O size
};

/** @brief Set-up parameters of a file system (zero fields take defaults). */
struct memfs_config {
	u64 max_inodes;	   ///< live inode limit, root included (default 65536)
	u64 max_file_size; ///< largest file size (default 64 MiB)
	u32 blksize;	   ///< st_blksize reported (default 4096)
	u32 root_mode;	   ///< root permissions (default 0755)
	u32 uid;	   ///< owner of the root
	u32 gid;	   ///< group of the root
	u64 generation;	   ///< generation of new inodes (default 1)
};

/** @brief Values for memfs_setattr(); only the fields @c valid names count. */
struct memfs_setattr {
	u32 valid;		 ///< MEMFS_SET_* bits
	u32 mode;		 ///< new permission bits
	u32 uid;		 ///< new owner
	u32 gid;		 ///< new group
	u64 size;		 ///< new size
	struct memfs_time atime; ///< new atime
	struct memfs_time mtime; ///< new mtime
	struct memfs_time ctime; ///< new ctime
};

/** @brief One readdir entry handed to a memfs_readdir_cb. */
struct memfs_dirent_info {
	const char *name; ///< entry name (valid during the callback only)
	u64 ino;	  ///< nodeid the entry names
	u32 type;	  ///< DT_DIR or DT_REG
	u64 off;	  ///< cookie: pass it back to resume after this entry
};

/**
 * @brief readdir consumer: return 0 to take the entry and go on, nonzero to
 *        stop before it (it will be the first one of the next call).
 */
typedef int (*memfs_readdir_cb)(void *arg, const struct memfs_dirent_info *e);

/** @brief Everything about one inode, for iteration and restore. */
struct memfs_inode_info {
	u64 nodeid;	  ///< its id
	u64 generation;	  ///< its generation
	u64 nlookup;	  ///< lookup count
	u32 nopen;	  ///< open handles (derived; ignored by restore)
	u32 npin;	  ///< pins (DAX mappings) held on it
	u64 parent;	  ///< parent nodeid, 0 if unlinked (root: 1)
	const char *name; ///< name in the parent, NULL if unlinked or root
	u64 next_cookie;  ///< directories: next entry cookie
	struct memfs_attr attr; ///< attributes
};

/** @brief Everything about one open handle, for iteration and restore. */
struct memfs_handle_info {
	u64 fh;	    ///< handle id
	u64 ino;    ///< nodeid it holds open
	u32 flags;  ///< open flags (O_ACCMODE, O_APPEND, ...)
	bool isdir; ///< true for a directory handle
};

/** @brief The id counters, for migration. */
struct memfs_counters {
	u64 next_nodeid;       ///< nodeid the next new inode gets
	u64 next_fh;	       ///< fh the next open gets
	u64 generation;	       ///< generation the next new inode gets
	struct memfs_time now; ///< the current time
};

/** @brief Totals, for statistics and checks. */
struct memfs_stats {
	u64 inodes;	///< live inodes, root included
	u64 handles;	///< open handles (files and directories)
	u64 file_bytes; ///< sum of regular file sizes
	u64 data_pages; ///< data pages allocated
};

struct memfs;

/** @brief Create a file system holding only the root (cfg may be NULL). */
struct memfs *memfs_new(const struct memfs_config *cfg);
/** @brief Free a file system and everything in it (NULL is fine). */
void memfs_free(struct memfs *fs);
/** @brief Set the time stamped on changes from now on. */
void memfs_set_now(struct memfs *fs, struct memfs_time now);
/**
 * @brief Call @p fn with each nodeid just before it is freed (so the server
 *        can drop its locks); NULL turns it off.
 */
void memfs_set_free_hook(struct memfs *fs, void (*fn)(void *arg, u64 ino),
			 void *arg);

/** @brief Find @p name in directory @p parent; *ino gets its nodeid. */
int memfs_lookup(struct memfs *fs, u64 parent, const char *name, u64 *ino);
/** @brief Attributes of @p ino. */
int memfs_getattr(struct memfs *fs, u64 ino, struct memfs_attr *attr);
/**
 * @brief Change attributes of @p ino; @p attr (may be NULL) gets the result.
 *        Unknown bits in valid give -EINVAL; SIZE on a directory -EISDIR.
 */
int memfs_setattr(struct memfs *fs, u64 ino, const struct memfs_setattr *in,
		  struct memfs_attr *attr);

/**
 * @brief Create regular file @p name in @p parent. If it exists: -EEXIST
 *        with O_EXCL in @p flags, -EISDIR if it is a directory, else *ino
 *        names the existing file (O_TRUNC is for memfs_open()). The type
 *        bits of @p mode must be 0 or S_IFREG.
 */
int memfs_create(struct memfs *fs, u64 parent, const char *name, u32 mode,
		 u32 flags, u64 *ino);
/** @brief Create directory @p name in @p parent (type bits 0 or S_IFDIR). */
int memfs_mkdir(struct memfs *fs, u64 parent, const char *name, u32 mode,
		u64 *ino);
/** @brief Remove the non-directory @p name from @p parent. */
int memfs_unlink(struct memfs *fs, u64 parent, const char *name);
/** @brief Remove the empty directory @p name from @p parent. */
int memfs_rmdir(struct memfs *fs, u64 parent, const char *name);
/**
 * @brief rename/renameat2 with flags 0, MEMFS_RENAME_NOREPLACE or
 *        MEMFS_RENAME_EXCHANGE, with POSIX semantics (renaming onto the
 *        same inode is a successful no-op).
 */
int memfs_rename(struct memfs *fs, u64 olddir, const char *oldname, u64 newdir,
		 const char *newname, u32 flags);

/** @brief Read up to @p size bytes at @p off; returns bytes (short at EOF). */
s64 memfs_read(struct memfs *fs, u64 ino, u64 off, void *buf, size_t size);
/** @brief Write @p size bytes at @p off, growing the file; returns bytes. */
s64 memfs_write(struct memfs *fs, u64 ino, u64 off, const void *data,
		size_t size);

/**
 * @brief Most lookups an inode may be owed: 2^63 - 1. The kernel counts
 * them in a u64 (fuse_inode::nlookup) and so does virtiofsd, neither
 * checking for a wrap; no run of real lookups gets near, but a forged
 * state could carry a count one LOOKUP would wrap to 0, freeing an inode
 * the guest still holds. So a state's counts are bounded on load
 * (fuse_state_load()) and memfs_ref() refuses to pass the bound.
 */
#define MEMFS_NLOOKUP_MAX ((u64)INT64_MAX)

/**
 * @brief Count one more lookup of @p ino (a reply handed it out).
 * @return 0; -ESTALE for no such inode; -EOVERFLOW when the count is at
 *         MEMFS_NLOOKUP_MAX (it stays there: the reply must not hand the
 *         nodeid out)
 */
int memfs_ref(struct memfs *fs, u64 ino);
/**
 * @brief FORGET: drop @p nlookup lookups of @p ino. More than held clamps
 *        the count to zero and returns -ERANGE (after applying it).
 */
int memfs_forget(struct memfs *fs, u64 ino, u64 nlookup);
/** @brief Pin @p ino (a DAX mapping uses it) so it outlives its names. */
int memfs_pin(struct memfs *fs, u64 ino);
/** @brief Drop a pin taken with memfs_pin(); -ERANGE if none is held. */
int memfs_unpin(struct memfs *fs, u64 ino);

/**
 * @brief Open regular file @p ino; *fh gets the handle. O_TRUNC with write
 *        access truncates. A directory gives -EISDIR.
 */
int memfs_open(struct memfs *fs, u64 ino, u32 flags, u64 *fh);
/** @brief Close a file handle (-EBADF if unknown or a directory handle). */
int memfs_release(struct memfs *fs, u64 fh);
/** @brief Open directory @p ino; a non-directory gives -ENOTDIR. */
int memfs_opendir(struct memfs *fs, u64 ino, u32 flags, u64 *fh);
/** @brief Close a directory handle (-EBADF if unknown or a file handle). */
int memfs_releasedir(struct memfs *fs, u64 fh);
/** @brief *ino gets the nodeid a handle (file or directory) holds open. */
int memfs_fh_ino(struct memfs *fs, u64 fh, u64 *ino);
/** @brief Read through file handle @p fh (needs read access). */
s64 memfs_fh_read(struct memfs *fs, u64 fh, u64 off, void *buf, size_t size);
/**
 * @brief Write through file handle @p fh (needs write access; O_APPEND
 *        writes at the end whatever @p off says).
 */
s64 memfs_fh_write(struct memfs *fs, u64 fh, u64 off, const void *data,
		   size_t size);
/**
 * @brief List directory handle @p fh from cookie @p offset (0 = start),
 *        calling @p cb for each entry until it returns nonzero.
 */
int memfs_readdir(struct memfs *fs, u64 fh, u64 offset, memfs_readdir_cb cb,
		  void *arg);

/**
 * @brief Write the path of linked inode @p ino from the root ("/" for the
 *        root) into @p buf; -ENOENT if unlinked, -ERANGE if too small.
 */
int memfs_path(struct memfs *fs, u64 ino, char *buf, size_t size);
/** @brief Totals. */
void memfs_get_stats(const struct memfs *fs, struct memfs_stats *st);
/**
 * @brief Verify every invariant (link counts, parent links, handle counts,
 *        id ranges, page tables, totals); 0 or -EUCLEAN, with a reason in
 *        @p why (may be NULL) of @p why_size bytes.
 */
int memfs_check(const struct memfs *fs, char *why, size_t why_size);

/** @brief Visit every inode in ascending nodeid order; stops on nonzero. */
int memfs_for_each_inode(const struct memfs *fs,
			 int (*fn)(void *arg,
				   const struct memfs_inode_info *info),
			 void *arg);
/** @brief Visit the entries of directory @p dir in cookie order. */
int memfs_for_each_dirent(const struct memfs *fs, u64 dir,
			  int (*fn)(void *arg, const char *name, u64 ino,
				    u64 cookie),
			  void *arg);
/**
 * @brief Visit the allocated data pages of file @p ino in ascending page
 *        index order (each MEMFS_PAGE_SIZE bytes).
 */
int memfs_for_each_page(const struct memfs *fs, u64 ino,
			int (*fn)(void *arg, u64 index, const void *page),
			void *arg);
/** @brief Visit every open handle in ascending fh order. */
int memfs_for_each_handle(const struct memfs *fs,
			  int (*fn)(void *arg,
				    const struct memfs_handle_info *info),
			  void *arg);
/** @brief The id counters and clock. */
void memfs_get_counters(const struct memfs *fs, struct memfs_counters *c);

/**
 * @brief Restore: set the counters (the next ids must lie above every id in
 *        use, else -EINVAL).
 */
int memfs_set_counters(struct memfs *fs, const struct memfs_counters *c);
/**
 * @brief Restore: re-create an inode exactly (nodeid, generation, lookup
 *        count, pins, next_cookie, attributes), unlinked; its name is
 *        linked by memfs_restore_dirent(). The root (which memfs_new() made)
 *        is updated in place. -EEXIST for another existing nodeid.
 */
int memfs_restore_inode(struct memfs *fs, const struct memfs_inode_info *info);
/**
 * @brief Restore: link @p ino as @p name in @p dir with cookie @p cookie
 *        (cookies must be given in ascending order; link counts are not
 *        touched, they came with the attributes).
 */
int memfs_restore_dirent(struct memfs *fs, u64 dir, const char *name, u64 ino,
			 u64 cookie);
/**
 * @brief Restore: link in the empty directory @p dir every entry of
 *        directory @p src_dir of another memfs @p src, in its order and
 *        with its cookies and names, each child by the nodeid @p map gives
 *        for the source's (what memfs_restore_dirent() would do entry by
 *        entry, with the checks a valid source makes needless left out;
 *        @p map must give distinct nodeids).
 * @param fs the memfs to link in
 * @param dir the directory of @p fs that takes the entries (none yet)
 * @param src the memfs to copy from
 * @param src_dir the directory of @p src whose entries are copied
 * @param map the nodeid in @p fs of a child's nodeid in @p src
 * @param arg passed to @p map
 * @return 0; -ESTALE or -ENOTDIR for a missing or non-directory @p dir,
 *         @p src_dir or child; -EINVAL when @p dir has entries already,
 *         a cookie is not below its next one, or a child is the root;
 *         -EEXIST when a child is linked already (nothing linked then)
 */
int memfs_copy_dirents(struct memfs *fs, u64 dir, const struct memfs *src,
		       u64 src_dir, u64 (*map)(void *arg, u64 ino), void *arg);
/** @brief Restore: put one data page of file @p ino back (no attr change). */
int memfs_restore_page(struct memfs *fs, u64 ino, u64 index, const void *page);
/**
 * @brief Restore: give file @p ino the data pages of file @p src_ino of
 *        another memfs @p src, shared until either side writes one (copy on
 *        write), where memfs_restore_page() would copy them one by one.
 *        Both page tables must have the same size
 *        (else -EINVAL) and @p ino must have no page where @p src_ino has
 *        one (else -EEXIST, nothing taken).
 */
int memfs_share_pages(struct memfs *fs, u64 ino, const struct memfs *src,
		      u64 src_ino);
/** @brief Restore: re-open a handle with its exact id. */
int memfs_restore_handle(struct memfs *fs,
			 const struct memfs_handle_info *info);

#endif /* VFSIM_DEVICE_MEMFS_H */
