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
 *
 * The protocol is in parts, each included here: the flag bits
 * (fuse_flags.h), the opcodes' fixed arguments and replies
 * (fuse_op_structs.h), directory records (fuse_dirent.h),
 * notifications (fuse_notify.h) and the virtio-fs config space
 * (virtio_fs_config.h); this file has the version, the opcodes and
 * the two headers every message starts with.
 *
 * @ingroup fuse_proto
 */
#ifndef VFSIM_FUSE_PROTO_FUSE_PROTO_H
#define VFSIM_FUSE_PROTO_FUSE_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "fuse_proto/byteorder.h"
#include "fuse_proto/fuse_dirent.h"
#include "fuse_proto/fuse_flags.h"
#include "fuse_proto/fuse_notify.h"
#include "fuse_proto/fuse_op_structs.h"
#include "fuse_proto/virtio_fs_config.h"

/** @brief Major protocol version spoken here. */
#define FUSE_KERNEL_VERSION 7
/** @brief Minor protocol version spoken here. */
#define FUSE_KERNEL_MINOR_VERSION 38
/** @brief Node id of the root directory. */
#define FUSE_ROOT_ID 1
/** @brief Smallest request buffer a server may offer. */
#define FUSE_MIN_READ_BUFFER 8192

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

#endif /* VFSIM_FUSE_PROTO_FUSE_PROTO_H */
