/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fuse_op_structs.h
 * @brief FUSE wire protocol 7.38: the fixed arguments and replies of the opcodes.
 *
 * One struct per fixed part of a request or reply, laid out as on the
 * wire (see fuse_proto.h); which opcode carries which, and what
 * follows it, is in fuse_optable.c. Included by fuse_proto.h.
 * @ingroup fuse_proto
 */
#ifndef VFSIM_FUSE_PROTO_FUSE_OP_STRUCTS_H
#define VFSIM_FUSE_PROTO_FUSE_OP_STRUCTS_H

#include <stdint.h>

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

/** @brief FALLOCATE argument. */
struct fuse_fallocate_in {
	uint64_t fh;	  ///< file handle
	uint64_t offset;  ///< start
	uint64_t length;  ///< length
	uint32_t mode;	  ///< fallocate(2) mode
	uint32_t padding; ///< zero
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

#endif /* VFSIM_FUSE_PROTO_FUSE_OP_STRUCTS_H */
