/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fuse_proto.h
 * @brief FUSE wire protocol 7.38: structs, opcodes, flags (written for vfsim).
 *
 * Every struct is laid out as the protocol puts it on the wire: fixed-width
 * fields, naturally aligned, padded to a multiple of 8 bytes so 32- and
 * 64-bit peers agree. The names are the protocol's own (struct
 * fuse_in_header, FUSE_LOOKUP, ...) so code reads like the kernel's; the
 * system's <linux/fuse.h> must therefore never be included next to this
 * header (tests/fuse_proto/fuse_sys_layout.c compares the two in a
 * separate translation unit).
 *
 * The layout is 7.38's; tests/fuse_proto/test_layout.c compares every
 * field with the installed <linux/fuse.h>, limited to what its minor
 * version has (e.g. fuse_init_out.flags2 only from 7.36 on).
 *
 * Byte order is the sender's: a peer of the other endianness is recognised
 * by its INIT opcode reading as FUSE_INIT_BSWAP_RESERVED (see fuse_msg.h).
 *
 * The per-opcode argument layout is documented in fuse_optable.c, next to
 * the table that the parser, the reply checker and the byte swapper read.
 * @ingroup fuse_proto
 */
#ifndef VFSIM_FUSE_PROTO_FUSE_PROTO_H
#define VFSIM_FUSE_PROTO_FUSE_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "fuse_proto/byteorder.h"

/** @brief Major protocol version spoken here. */
#define FUSE_KERNEL_VERSION 7
/** @brief Minor protocol version spoken here. */
#define FUSE_KERNEL_MINOR_VERSION 38
/** @brief Node id of the root directory. */
#define FUSE_ROOT_ID 1
/** @brief Smallest request buffer a server may offer. */
#define FUSE_MIN_READ_BUFFER 8192

/** @brief Attributes of an inode, as GETATTR and LOOKUP return them. */
struct fuse_attr {
	uint64_t ino;	    ///< inode number
	uint64_t size;	    ///< size in bytes
	uint64_t blocks;    ///< 512-byte blocks allocated
	uint64_t atime;	    ///< access time, seconds
	uint64_t mtime;	    ///< modification time, seconds
	uint64_t ctime;	    ///< status change time, seconds
	uint32_t atimensec; ///< access time, nanoseconds
	uint32_t mtimensec; ///< modification time, nanoseconds
	uint32_t ctimensec; ///< status change time, nanoseconds
	uint32_t mode;	    ///< file type and permissions
	uint32_t nlink;	    ///< hard link count
	uint32_t uid;	    ///< owner
	uint32_t gid;	    ///< group
	uint32_t rdev;	    ///< device number for device files
	uint32_t blksize;   ///< preferred I/O size
	uint32_t flags;	    ///< FUSE_ATTR_* bits
};

/** @brief File system statistics (STATFS). */
struct fuse_kstatfs {
	uint64_t blocks;   ///< total blocks
	uint64_t bfree;	   ///< free blocks
	uint64_t bavail;   ///< free blocks for unprivileged users
	uint64_t files;	   ///< total inodes
	uint64_t ffree;	   ///< free inodes
	uint32_t bsize;	   ///< block size
	uint32_t namelen;  ///< longest name
	uint32_t frsize;   ///< fragment size
	uint32_t padding;  ///< zero
	uint32_t spare[6]; ///< zero
};

/** @brief A POSIX or flock() lock range. */
struct fuse_file_lock {
	uint64_t start; ///< first byte
	uint64_t end;	///< last byte (inclusive), OFFSET_MAX for EOF
	uint32_t type;	///< F_RDLCK, F_WRLCK or F_UNLCK
	uint32_t pid;	///< owning thread group id
};

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

/** @brief Request opcodes (fuse_in_header.opcode). */
enum fuse_opcode {
	FUSE_LOOKUP = 1,	   ///< look a name up in a directory
	FUSE_FORGET = 2,	   ///< drop lookups; no reply
	FUSE_GETATTR = 3,	   ///< read attributes
	FUSE_SETATTR = 4,	   ///< change attributes
	FUSE_READLINK = 5,	   ///< read a symlink target
	FUSE_SYMLINK = 6,	   ///< create a symlink
	FUSE_MKNOD = 8,		   ///< create a node
	FUSE_MKDIR = 9,		   ///< create a directory
	FUSE_UNLINK = 10,	   ///< remove a name
	FUSE_RMDIR = 11,	   ///< remove a directory
	FUSE_RENAME = 12,	   ///< rename
	FUSE_LINK = 13,		   ///< hard link
	FUSE_OPEN = 14,		   ///< open a file
	FUSE_READ = 15,		   ///< read data
	FUSE_WRITE = 16,	   ///< write data
	FUSE_STATFS = 17,	   ///< file system statistics
	FUSE_RELEASE = 18,	   ///< close a file
	FUSE_FSYNC = 20,	   ///< sync a file
	FUSE_SETXATTR = 21,	   ///< set an extended attribute
	FUSE_GETXATTR = 22,	   ///< get an extended attribute
	FUSE_LISTXATTR = 23,	   ///< list extended attributes
	FUSE_REMOVEXATTR = 24,	   ///< remove an extended attribute
	FUSE_FLUSH = 25,	   ///< close of one descriptor
	FUSE_INIT = 26,		   ///< session negotiation
	FUSE_OPENDIR = 27,	   ///< open a directory
	FUSE_READDIR = 28,	   ///< read directory entries
	FUSE_RELEASEDIR = 29,	   ///< close a directory
	FUSE_FSYNCDIR = 30,	   ///< sync a directory
	FUSE_GETLK = 31,	   ///< test a lock
	FUSE_SETLK = 32,	   ///< set a lock
	FUSE_SETLKW = 33,	   ///< set a lock, waiting
	FUSE_ACCESS = 34,	   ///< permission check
	FUSE_CREATE = 35,	   ///< create and open
	FUSE_INTERRUPT = 36,	   ///< interrupt a request
	FUSE_BMAP = 37,		   ///< map a block
	FUSE_DESTROY = 38,	   ///< end of session
	FUSE_IOCTL = 39,	   ///< ioctl
	FUSE_POLL = 40,		   ///< poll
	FUSE_NOTIFY_REPLY = 41,	   ///< reply to NOTIFY_RETRIEVE
	FUSE_BATCH_FORGET = 42,	   ///< many FORGETs at once; no reply
	FUSE_FALLOCATE = 43,	   ///< allocate space
	FUSE_READDIRPLUS = 44,	   ///< entries with attributes
	FUSE_RENAME2 = 45,	   ///< rename with flags
	FUSE_LSEEK = 46,	   ///< SEEK_DATA / SEEK_HOLE
	FUSE_COPY_FILE_RANGE = 47, ///< server-side copy
	FUSE_SETUPMAPPING = 48,	   ///< map file range into DAX window
	FUSE_REMOVEMAPPING = 49,   ///< unmap DAX window ranges
	FUSE_SYNCFS = 50,	   ///< sync the file system
	FUSE_TMPFILE = 51,	   ///< create an unnamed file

	CUSE_INIT = 4096, ///< CUSE session negotiation

	/** CUSE_INIT as an opposite-endian peer's bytes read (4096 << 8). */
	CUSE_INIT_BSWAP_RESERVED = 1048576,
	/** FUSE_INIT as an opposite-endian peer's bytes read (26 << 24). */
	FUSE_INIT_BSWAP_RESERVED = 436207616,
};

/** @brief Notification codes (fuse_out_header.error with unique 0). */
enum fuse_notify_code {
	FUSE_NOTIFY_POLL = 1,	     ///< poll wake-up
	FUSE_NOTIFY_INVAL_INODE = 2, ///< invalidate inode data
	FUSE_NOTIFY_INVAL_ENTRY = 3, ///< invalidate a name
	FUSE_NOTIFY_STORE = 4,	     ///< push data into the cache
	FUSE_NOTIFY_RETRIEVE = 5,    ///< pull data from the cache
	FUSE_NOTIFY_DELETE = 6,	     ///< a name was deleted
	FUSE_NOTIFY_CODE_MAX,	     ///< one past the last code
};

/** @brief LOOKUP/MKNOD/MKDIR/SYMLINK/LINK/CREATE reply: the new entry. */
struct fuse_entry_out {
	uint64_t nodeid;	   ///< node id (0: negative entry)
	uint64_t generation;	   ///< nodeid:generation is unique
	uint64_t entry_valid;	   ///< name cache timeout, seconds
	uint64_t attr_valid;	   ///< attribute cache timeout, seconds
	uint32_t entry_valid_nsec; ///< name cache timeout, nanoseconds
	uint32_t attr_valid_nsec;  ///< attribute cache timeout, nanoseconds
	struct fuse_attr attr;	   ///< attributes
};

/** @brief FORGET argument. */
struct fuse_forget_in {
	uint64_t nlookup; ///< lookups to drop
};

/** @brief One entry of BATCH_FORGET. */
struct fuse_forget_one {
	uint64_t nodeid;  ///< node
	uint64_t nlookup; ///< lookups to drop
};

/** @brief BATCH_FORGET argument; count fuse_forget_one follow. */
struct fuse_batch_forget_in {
	uint32_t count; ///< entries that follow
	uint32_t dummy; ///< zero
};

/** @brief GETATTR argument. */
struct fuse_getattr_in {
	uint32_t getattr_flags; ///< FUSE_GETATTR_*
	uint32_t dummy;		///< zero
	uint64_t fh;		///< file handle if FUSE_GETATTR_FH
};

/** @brief GETATTR/SETATTR reply. */
struct fuse_attr_out {
	uint64_t attr_valid;	  ///< cache timeout, seconds
	uint32_t attr_valid_nsec; ///< cache timeout, nanoseconds
	uint32_t dummy;		  ///< zero
	struct fuse_attr attr;	  ///< attributes
};

/** @brief MKNOD argument; the name follows. */
struct fuse_mknod_in {
	uint32_t mode;	  ///< type and permissions
	uint32_t rdev;	  ///< device number
	uint32_t umask;	  ///< caller's umask
	uint32_t padding; ///< zero
};

/** @brief MKDIR argument; the name follows. */
struct fuse_mkdir_in {
	uint32_t mode;	///< permissions
	uint32_t umask; ///< caller's umask
};

/** @brief RENAME argument; old and new names follow. */
struct fuse_rename_in {
	uint64_t newdir; ///< target directory
};

/** @brief RENAME2 argument; old and new names follow. */
struct fuse_rename2_in {
	uint64_t newdir;  ///< target directory
	uint32_t flags;	  ///< RENAME_* flags
	uint32_t padding; ///< zero
};

/** @brief LINK argument; the new name follows. */
struct fuse_link_in {
	uint64_t oldnodeid; ///< existing node
};

/** @brief SETATTR argument. */
struct fuse_setattr_in {
	uint32_t valid;	     ///< FATTR_* bits
	uint32_t padding;    ///< zero
	uint64_t fh;	     ///< file handle if FATTR_FH
	uint64_t size;	     ///< new size
	uint64_t lock_owner; ///< lock owner if FATTR_LOCKOWNER
	uint64_t atime;	     ///< new atime, seconds
	uint64_t mtime;	     ///< new mtime, seconds
	uint64_t ctime;	     ///< new ctime, seconds
	uint32_t atimensec;  ///< new atime, nanoseconds
	uint32_t mtimensec;  ///< new mtime, nanoseconds
	uint32_t ctimensec;  ///< new ctime, nanoseconds
	uint32_t mode;	     ///< new mode
	uint32_t unused4;    ///< zero
	uint32_t uid;	     ///< new owner
	uint32_t gid;	     ///< new group
	uint32_t unused5;    ///< zero
};

/** @brief OPEN/OPENDIR argument. */
struct fuse_open_in {
	uint32_t flags;	     ///< open(2) flags
	uint32_t open_flags; ///< FUSE_OPEN_* bits
};

/** @brief CREATE argument; the name follows. */
struct fuse_create_in {
	uint32_t flags;	     ///< open(2) flags
	uint32_t mode;	     ///< permissions
	uint32_t umask;	     ///< caller's umask
	uint32_t open_flags; ///< FUSE_OPEN_* bits
};

/** @brief OPEN/OPENDIR/CREATE reply (CREATE: after fuse_entry_out). */
struct fuse_open_out {
	uint64_t fh;	     ///< file handle
	uint32_t open_flags; ///< FOPEN_* bits
	uint32_t padding;    ///< zero
};

/** @brief RELEASE/RELEASEDIR argument. */
struct fuse_release_in {
	uint64_t fh;		///< file handle
	uint32_t flags;		///< open(2) flags
	uint32_t release_flags; ///< FUSE_RELEASE_*
	uint64_t lock_owner;	///< lock owner
};

/** @brief FLUSH argument. */
struct fuse_flush_in {
	uint64_t fh;	     ///< file handle
	uint32_t unused;     ///< zero
	uint32_t padding;    ///< zero
	uint64_t lock_owner; ///< lock owner
};

/** @brief READ/READDIR/READDIRPLUS argument. */
struct fuse_read_in {
	uint64_t fh;	     ///< file handle
	uint64_t offset;     ///< file or directory offset
	uint32_t size;	     ///< bytes wanted
	uint32_t read_flags; ///< FUSE_READ_*
	uint64_t lock_owner; ///< lock owner if FUSE_READ_LOCKOWNER
	uint32_t flags;	     ///< open(2) flags
	uint32_t padding;    ///< zero
};

/** @brief WRITE argument; size bytes of data follow. */
struct fuse_write_in {
	uint64_t fh;	      ///< file handle
	uint64_t offset;      ///< file offset
	uint32_t size;	      ///< bytes of data that follow
	uint32_t write_flags; ///< FUSE_WRITE_*
	uint64_t lock_owner;  ///< lock owner if FUSE_WRITE_LOCKOWNER
	uint32_t flags;	      ///< open(2) flags
	uint32_t padding;     ///< zero
};

/** @brief WRITE reply. */
struct fuse_write_out {
	uint32_t size;	  ///< bytes written
	uint32_t padding; ///< zero
};

/** @brief STATFS reply. */
struct fuse_statfs_out {
	struct fuse_kstatfs st; ///< statistics
};

/** @brief FSYNC/FSYNCDIR argument. */
struct fuse_fsync_in {
	uint64_t fh;	      ///< file handle
	uint32_t fsync_flags; ///< FUSE_FSYNC_*
	uint32_t padding;     ///< zero
};

/** @brief SETXATTR argument (extended form); name and value follow. */
struct fuse_setxattr_in {
	uint32_t size;		 ///< value bytes
	uint32_t flags;		 ///< XATTR_CREATE / XATTR_REPLACE
	uint32_t setxattr_flags; ///< FUSE_SETXATTR_*
	uint32_t padding;	 ///< zero
};

/** @brief GETXATTR/LISTXATTR argument; GETXATTR's name follows. */
struct fuse_getxattr_in {
	uint32_t size;	  ///< buffer size, 0 to ask for the size
	uint32_t padding; ///< zero
};

/** @brief GETXATTR/LISTXATTR reply when size was 0. */
struct fuse_getxattr_out {
	uint32_t size;	  ///< bytes needed
	uint32_t padding; ///< zero
};

/** @brief GETLK/SETLK/SETLKW argument. */
struct fuse_lk_in {
	uint64_t fh;		  ///< file handle
	uint64_t owner;		  ///< lock owner
	struct fuse_file_lock lk; ///< the lock
	uint32_t lk_flags;	  ///< FUSE_LK_*
	uint32_t padding;	  ///< zero
};

/** @brief GETLK reply. */
struct fuse_lk_out {
	struct fuse_file_lock lk; ///< conflicting lock or F_UNLCK
};

/** @brief ACCESS argument. */
struct fuse_access_in {
	uint32_t mask;	  ///< R_OK/W_OK/X_OK
	uint32_t padding; ///< zero
};

/** @brief INIT argument (7.36+ layout with flags2). */
struct fuse_init_in {
	uint32_t major;		///< FUSE_KERNEL_VERSION
	uint32_t minor;		///< FUSE_KERNEL_MINOR_VERSION
	uint32_t max_readahead; ///< readahead limit
	uint32_t flags;		///< INIT flags, bits 0..31
	uint32_t flags2;	///< INIT flags, bits 32..63
	uint32_t unused[11];	///< zero
};

/** @brief INIT reply (7.38 layout). */
struct fuse_init_out {
	uint32_t major;		       ///< server's major version
	uint32_t minor;		       ///< server's minor version
	uint32_t max_readahead;	       ///< readahead limit
	uint32_t flags;		       ///< INIT flags, bits 0..31
	uint16_t max_background;       ///< background request limit
	uint16_t congestion_threshold; ///< congestion threshold
	uint32_t max_write;	       ///< largest WRITE
	uint32_t time_gran;	       ///< timestamp granularity, ns
	uint16_t max_pages;	       ///< pages per request
	uint16_t map_alignment;	       ///< log2 of DAX mapping alignment
	uint32_t flags2;	       ///< INIT flags, bits 32..63
	uint32_t max_stack_depth;      ///< passthrough stacking depth (7.40)
	uint16_t request_timeout; ///< seconds, with FUSE_REQUEST_TIMEOUT (7.43)
	uint16_t unused[11];	  ///< zero
};

/** @brief CUSE_INIT argument. */
struct cuse_init_in {
	uint32_t major;	 ///< major version
	uint32_t minor;	 ///< minor version
	uint32_t unused; ///< zero
	uint32_t flags;	 ///< CUSE flags
};

/** @brief CUSE_INIT reply; device info strings follow. */
struct cuse_init_out {
	uint32_t major;	    ///< major version
	uint32_t minor;	    ///< minor version
	uint32_t unused;    ///< zero
	uint32_t flags;	    ///< CUSE flags
	uint32_t max_read;  ///< largest read
	uint32_t max_write; ///< largest write
	uint32_t dev_major; ///< char device major
	uint32_t dev_minor; ///< char device minor
	uint32_t spare[10]; ///< zero
};

/** @brief INTERRUPT argument. */
struct fuse_interrupt_in {
	uint64_t unique; ///< request to interrupt
};

/** @brief BMAP argument. */
struct fuse_bmap_in {
	uint64_t block;	    ///< file block
	uint32_t blocksize; ///< block size
	uint32_t padding;   ///< zero
};

/** @brief BMAP reply. */
struct fuse_bmap_out {
	uint64_t block; ///< device block
};

/** @brief IOCTL argument; in_size bytes of input follow. */
struct fuse_ioctl_in {
	uint64_t fh;	   ///< file handle
	uint32_t flags;	   ///< FUSE_IOCTL_*
	uint32_t cmd;	   ///< ioctl command
	uint64_t arg;	   ///< ioctl argument
	uint32_t in_size;  ///< input bytes
	uint32_t out_size; ///< output bytes wanted
};

/** @brief An iovec in an IOCTL retry reply. */
struct fuse_ioctl_iovec {
	uint64_t base; ///< address
	uint64_t len;  ///< length
};

/** @brief IOCTL reply; output data follows. */
struct fuse_ioctl_out {
	int32_t result;	   ///< ioctl return value
	uint32_t flags;	   ///< FUSE_IOCTL_*
	uint32_t in_iovs;  ///< input iovecs on retry
	uint32_t out_iovs; ///< output iovecs on retry
};

/** @brief POLL argument. */
struct fuse_poll_in {
	uint64_t fh;	 ///< file handle
	uint64_t kh;	 ///< kernel handle for notifications
	uint32_t flags;	 ///< FUSE_POLL_*
	uint32_t events; ///< poll events
};

/** @brief POLL reply. */
struct fuse_poll_out {
	uint32_t revents; ///< ready events
	uint32_t padding; ///< zero
};

/** @brief FUSE_NOTIFY_POLL payload. */
struct fuse_notify_poll_wakeup_out {
	uint64_t kh; ///< kernel handle from fuse_poll_in
};

/** @brief FALLOCATE argument. */
struct fuse_fallocate_in {
	uint64_t fh;	  ///< file handle
	uint64_t offset;  ///< start
	uint64_t length;  ///< length
	uint32_t mode;	  ///< fallocate(2) mode
	uint32_t padding; ///< zero
};

/** @brief Header of every request. */
struct fuse_in_header {
	uint32_t len;	       ///< whole request, header included
	uint32_t opcode;       ///< enum fuse_opcode
	uint64_t unique;       ///< request id, echoed in the reply
	uint64_t nodeid;       ///< node the request is about
	uint32_t uid;	       ///< caller's uid
	uint32_t gid;	       ///< caller's gid
	uint32_t pid;	       ///< caller's pid
	uint16_t total_extlen; ///< extension length, 8-byte units
	uint16_t padding;      ///< zero
};

/** @brief Header of every reply. */
struct fuse_out_header {
	uint32_t len;	 ///< whole reply, header included
	int32_t error;	 ///< 0 or a negative errno
	uint64_t unique; ///< the request's unique (0: notification)
};

/** @brief A READDIR entry; namelen bytes of name follow, padded to 8. */
struct fuse_dirent {
	uint64_t ino;	  ///< inode number
	uint64_t off;	  ///< offset of the next entry
	uint32_t namelen; ///< name bytes (no NUL)
	uint32_t type;	  ///< DT_* type
	char name[];	  ///< the name
};

/** @brief Round a record length up to 8 bytes. */
#define FUSE_REC_ALIGN(x) \
	(((x) + sizeof(uint64_t) - 1) & ~(sizeof(uint64_t) - 1))
/** @brief Where a dirent's name starts. */
#define FUSE_NAME_OFFSET offsetof(struct fuse_dirent, name)
/** @brief Round a dirent length up to 8 bytes. */
#define FUSE_DIRENT_ALIGN(x) FUSE_REC_ALIGN(x)
/** @brief Bytes one dirent takes, padding included. */
#define FUSE_DIRENT_SIZE(d) FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + (d)->namelen)

/** @brief A READDIRPLUS entry: entry reply, then a dirent. */
struct fuse_direntplus {
	struct fuse_entry_out entry_out; ///< as LOOKUP would return
	struct fuse_dirent dirent;	 ///< the dirent, name follows
};

/** @brief Where a direntplus's name starts. */
#define FUSE_NAME_OFFSET_DIRENTPLUS \
	offsetof(struct fuse_direntplus, dirent.name)
/** @brief Bytes one direntplus takes, padding included. */
#define FUSE_DIRENTPLUS_SIZE(d) \
	FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET_DIRENTPLUS + (d)->dirent.namelen)

/** @brief FUSE_NOTIFY_INVAL_INODE payload. */
struct fuse_notify_inval_inode_out {
	uint64_t ino; ///< inode
	int64_t off;  ///< start of range
	int64_t len;  ///< length, or <= 0 for all
};

/** @brief FUSE_NOTIFY_INVAL_ENTRY payload; the name follows. */
struct fuse_notify_inval_entry_out {
	uint64_t parent;  ///< directory
	uint32_t namelen; ///< name bytes
	uint32_t flags;	  ///< FUSE_EXPIRE_ONLY
};

/** @brief FUSE_NOTIFY_DELETE payload; the name follows. */
struct fuse_notify_delete_out {
	uint64_t parent;  ///< directory
	uint64_t child;	  ///< deleted node
	uint32_t namelen; ///< name bytes
	uint32_t padding; ///< zero
};

/** @brief FUSE_NOTIFY_STORE payload; size bytes follow. */
struct fuse_notify_store_out {
	uint64_t nodeid;  ///< node
	uint64_t offset;  ///< file offset
	uint32_t size;	  ///< data bytes
	uint32_t padding; ///< zero
};

/** @brief FUSE_NOTIFY_RETRIEVE payload. */
struct fuse_notify_retrieve_out {
	uint64_t notify_unique; ///< id echoed in NOTIFY_REPLY
	uint64_t nodeid;	///< node
	uint64_t offset;	///< file offset
	uint32_t size;		///< bytes wanted
	uint32_t padding;	///< zero
};

/** @brief NOTIFY_REPLY argument (same size as fuse_write_in). */
struct fuse_notify_retrieve_in {
	uint64_t dummy1; ///< zero
	uint64_t offset; ///< file offset
	uint32_t size;	 ///< data bytes that follow
	uint32_t dummy2; ///< zero
	uint64_t dummy3; ///< zero
	uint64_t dummy4; ///< zero
};

/** @brief LSEEK argument. */
struct fuse_lseek_in {
	uint64_t fh;	  ///< file handle
	uint64_t offset;  ///< start offset
	uint32_t whence;  ///< SEEK_DATA / SEEK_HOLE
	uint32_t padding; ///< zero
};

/** @brief LSEEK reply. */
struct fuse_lseek_out {
	uint64_t offset; ///< resulting offset
};

/** @brief COPY_FILE_RANGE argument. */
struct fuse_copy_file_range_in {
	uint64_t fh_in;	     ///< source handle
	uint64_t off_in;     ///< source offset
	uint64_t nodeid_out; ///< destination node
	uint64_t fh_out;     ///< destination handle
	uint64_t off_out;    ///< destination offset
	uint64_t len;	     ///< bytes to copy
	uint64_t flags;	     ///< copy_file_range(2) flags
};

/** @brief SETUPMAPPING argument: map a file range into the DAX window. */
struct fuse_setupmapping_in {
	uint64_t fh;	  ///< an open file handle
	uint64_t foffset; ///< file offset to map from
	uint64_t len;	  ///< bytes to map
	uint64_t flags;	  ///< FUSE_SETUPMAPPING_FLAG_*
	uint64_t moffset; ///< offset in the DAX window
};

/** @brief REMOVEMAPPING argument; count fuse_removemapping_one follow. */
struct fuse_removemapping_in {
	uint32_t count; ///< entries that follow
};

/** @brief One range of REMOVEMAPPING. */
struct fuse_removemapping_one {
	uint64_t moffset; ///< offset in the DAX window
	uint64_t len;	  ///< bytes to unmap
};

/** @brief SYNCFS argument. */
struct fuse_syncfs_in {
	uint64_t padding; ///< zero
};

/** @brief Generic extension header (after the fixed arguments). */
struct fuse_ext_header {
	uint32_t size; ///< bytes, header included
	uint32_t type; ///< extension type
};

/**
 * @brief virtio-fs device configuration space.
 *
 * The tag is UTF-8 padded with NULs and is NOT NUL-terminated when all 36
 * bytes are used; num_request_queues is little endian whatever the CPU
 * (VIRTIO 1.x: every config field is), unlike the FUSE messages above.
 *
 * Packed (alignment 1), as the virtio header declares it; a pack pragma
 * says so in a way every compiler and Doxygen understand.
 */
#pragma pack(push, 1)
struct virtio_fs_config {
	uint8_t tag[36];	   ///< file system name, not NUL-terminated
	__le32 num_request_queues; ///< request queues (hiprio excluded)
};
#pragma pack(pop)

/** @brief Bytes of the virtio-fs tag field. */
#define VIRTIO_FS_TAG_LEN 36
/** @brief Shared-memory region id of the DAX cache window. */
#define VIRTIO_FS_SHMCAP_ID_CACHE 0

#endif /* VFSIM_FUSE_PROTO_FUSE_PROTO_H */
