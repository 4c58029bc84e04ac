/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fuse_flags.h
 * @brief FUSE wire protocol 7.38: every flag bit of its requests and replies.
 *
 * SETATTR's valid bits, OPEN's reply flags, INIT's capability flags
 * (bits 32 and up travel in flags2) and the smaller sets of single
 * operations, with the protocol's names. Included by fuse_proto.h.
 * @ingroup fuse_proto
 */
#ifndef VFSIM_FUSE_PROTO_FUSE_FLAGS_H
#define VFSIM_FUSE_PROTO_FUSE_FLAGS_H

/** @name SETATTR valid bits (fuse_setattr_in.valid)
 *  @{ */
#define FATTR_MODE	   (1 << 0)  ///< mode is set
#define FATTR_UID	   (1 << 1)  ///< uid is set
#define FATTR_GID	   (1 << 2)  ///< gid is set
#define FATTR_SIZE	   (1 << 3)  ///< size is set (truncate)
#define FATTR_ATIME	   (1 << 4)  ///< atime is set
#define FATTR_MTIME	   (1 << 5)  ///< mtime is set
#define FATTR_FH	   (1 << 6)  ///< fh is valid
#define FATTR_ATIME_NOW	   (1 << 7)  ///< atime := now
#define FATTR_MTIME_NOW	   (1 << 8)  ///< mtime := now
#define FATTR_LOCKOWNER	   (1 << 9)  ///< lock_owner is valid
#define FATTR_CTIME	   (1 << 10) ///< ctime is set
#define FATTR_KILL_SUIDGID (1 << 11) ///< clear suid/sgid
/** @} */

/** @name OPEN reply flags (fuse_open_out.open_flags)
 *  @{ */
#define FOPEN_DIRECT_IO		     (1 << 0) ///< bypass the page cache
#define FOPEN_KEEP_CACHE	     (1 << 1) ///< keep cached data
#define FOPEN_NONSEEKABLE	     (1 << 2) ///< file is not seekable
#define FOPEN_CACHE_DIR		     (1 << 3) ///< cache directory contents
#define FOPEN_STREAM		     (1 << 4) ///< file is a stream
#define FOPEN_NOFLUSH		     (1 << 5) ///< no FLUSH on close
#define FOPEN_PARALLEL_DIRECT_WRITES (1 << 6) ///< parallel direct writes
/** @} */

/** @name INIT flags (fuse_init_in/out.flags; bits 32.. go in flags2)
 *  @{ */
#define FUSE_ASYNC_READ		 (1 << 0)     ///< asynchronous reads
#define FUSE_POSIX_LOCKS	 (1 << 1)     ///< remote POSIX locks
#define FUSE_FILE_OPS		 (1 << 2)     ///< kernel sends file handles
#define FUSE_ATOMIC_O_TRUNC	 (1 << 3)     ///< O_TRUNC handled by OPEN
#define FUSE_EXPORT_SUPPORT	 (1 << 4)     ///< "." and ".." lookups
#define FUSE_BIG_WRITES		 (1 << 5)     ///< writes over 4 KiB
#define FUSE_DONT_MASK		 (1 << 6)     ///< umask not applied by kernel
#define FUSE_SPLICE_WRITE	 (1 << 7)     ///< splice to the device
#define FUSE_SPLICE_MOVE	 (1 << 8)     ///< splice move
#define FUSE_SPLICE_READ	 (1 << 9)     ///< splice from the device
#define FUSE_FLOCK_LOCKS	 (1 << 10)    ///< remote flock() locks
#define FUSE_HAS_IOCTL_DIR	 (1 << 11)    ///< ioctl on directories
#define FUSE_AUTO_INVAL_DATA	 (1 << 12)    ///< invalidate on mtime change
#define FUSE_DO_READDIRPLUS	 (1 << 13)    ///< READDIRPLUS supported
#define FUSE_READDIRPLUS_AUTO	 (1 << 14)    ///< adaptive READDIRPLUS
#define FUSE_ASYNC_DIO		 (1 << 15)    ///< asynchronous direct I/O
#define FUSE_WRITEBACK_CACHE	 (1 << 16)    ///< write-back caching
#define FUSE_NO_OPEN_SUPPORT	 (1 << 17)    ///< OPEN may return ENOSYS
#define FUSE_PARALLEL_DIROPS	 (1 << 18)    ///< parallel lookups/readdir
#define FUSE_HANDLE_KILLPRIV	 (1 << 19)    ///< server clears suid/sgid
#define FUSE_POSIX_ACL		 (1 << 20)    ///< POSIX ACLs
#define FUSE_ABORT_ERROR	 (1 << 21)    ///< ECONNABORTED on abort
#define FUSE_MAX_PAGES		 (1 << 22)    ///< max_pages is valid
#define FUSE_CACHE_SYMLINKS	 (1 << 23)    ///< cache READLINK replies
#define FUSE_NO_OPENDIR_SUPPORT	 (1 << 24)    ///< OPENDIR may return ENOSYS
#define FUSE_EXPLICIT_INVAL_DATA (1 << 25)    ///< invalidation by server only
#define FUSE_MAP_ALIGNMENT	 (1 << 26)    ///< map_alignment is valid (DAX)
#define FUSE_SUBMOUNTS		 (1 << 27)    ///< submounts announced
#define FUSE_HANDLE_KILLPRIV_V2	 (1 << 28)    ///< killpriv, version 2
#define FUSE_SETXATTR_EXT	 (1 << 29)    ///< extended fuse_setxattr_in
#define FUSE_INIT_EXT		 (1 << 30)    ///< flags2 and extended INIT
#define FUSE_INIT_RESERVED	 (1u << 31)   ///< reserved, never set
#define FUSE_SECURITY_CTX	 (1ULL << 32) ///< security context on create
#define FUSE_HAS_INODE_DAX	 (1ULL << 33) ///< per-inode DAX
#define FUSE_HAS_EXPIRE_ONLY	 (1ULL << 35) ///< expire-only invalidation
#define FUSE_REQUEST_TIMEOUT	 (1ULL << 42) ///< request_timeout is valid (7.43)
/** @} */

/** @name Other request and reply flags
 *  @{ */
#define CUSE_UNRESTRICTED_IOCTL	     (1 << 0) ///< CUSE: unrestricted ioctl
#define FUSE_RELEASE_FLUSH	     (1 << 0) ///< RELEASE: flush first
#define FUSE_RELEASE_FLOCK_UNLOCK    (1 << 1) ///< RELEASE: drop flock locks
#define FUSE_GETATTR_FH		     (1 << 0) ///< GETATTR: fh is valid
#define FUSE_LK_FLOCK		     (1 << 0) ///< LK: flock(), not POSIX
#define FUSE_WRITE_CACHE	     (1 << 0) ///< WRITE: from the page cache
#define FUSE_WRITE_LOCKOWNER	     (1 << 1) ///< WRITE: lock_owner is valid
#define FUSE_WRITE_KILL_SUIDGID	     (1 << 2) ///< WRITE: clear suid/sgid
#define FUSE_WRITE_KILL_PRIV	     FUSE_WRITE_KILL_SUIDGID ///< old name
#define FUSE_READ_LOCKOWNER	     (1 << 1) ///< READ: lock_owner is valid
#define FUSE_IOCTL_COMPAT	     (1 << 0) ///< IOCTL: 32-bit compat
#define FUSE_IOCTL_UNRESTRICTED	     (1 << 1) ///< IOCTL: not restricted
#define FUSE_IOCTL_RETRY	     (1 << 2) ///< IOCTL: retry with iovecs
#define FUSE_IOCTL_32BIT	     (1 << 3) ///< IOCTL: 32-bit ioctl
#define FUSE_IOCTL_DIR		     (1 << 4) ///< IOCTL: on a directory
#define FUSE_IOCTL_COMPAT_X32	     (1 << 5) ///< IOCTL: x32 compat
#define FUSE_IOCTL_MAX_IOV	     256      ///< IOCTL: iovec limit
#define FUSE_POLL_SCHEDULE_NOTIFY    (1 << 0) ///< POLL: notify when ready
#define FUSE_FSYNC_FDATASYNC	     (1 << 0) ///< FSYNC: data only
#define FUSE_ATTR_SUBMOUNT	     (1 << 0) ///< attr: a submount point
#define FUSE_ATTR_DAX		     (1 << 1) ///< attr: use DAX
#define FUSE_OPEN_KILL_SUIDGID	     (1 << 0) ///< OPEN/CREATE: clear suid/sgid
#define FUSE_SETXATTR_ACL_KILL_SGID  (1 << 0) ///< SETXATTR: clear sgid
#define FUSE_EXPIRE_ONLY	     (1 << 0) ///< NOTIFY_INVAL_ENTRY: expire
#define FUSE_SETUPMAPPING_FLAG_WRITE (1ull << 0) ///< map writable
#define FUSE_SETUPMAPPING_FLAG_READ  (1ull << 1) ///< map readable
/** @} */

#endif /* VFSIM_FUSE_PROTO_FUSE_FLAGS_H */
