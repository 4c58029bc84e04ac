// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_optable.c - what every FUSE opcode carries, in one table.
 *
 * The parser, the reply checker and the byte swapper all read this table,
 * so an opcode's wire layout is written down exactly once. Each entry says,
 * in wire order after fuse_in_header:
 *
 *	fixed arg struct -> names (NUL-terminated) -> tail (sized by a field
 *	of the fixed arg) -> extensions (in_header.total_extlen * 8 bytes)
 *
 * and what the reply carries after fuse_out_header. Layout strings list
 * field widths for byte swapping (see fuse_optable.h).
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "fuse_proto/fuse_optable.h"
#include "fuse_proto/fuse_proto.h"

/* Field widths of each wire struct, in order. */
#define L_ATTR   \
	"888888" \
	"4444444444"
#define L_KSTATFS \
	"88888"   \
	"4444"    \
	"444444"
#define L_FILE_LOCK "8844"
#define L_ENTRY_OUT \
	"8888"      \
	"44" L_ATTR
#define L_FORGET_IN	  "8"
#define L_FORGET_ONE	  "88"
#define L_BATCH_FORGET_IN "44"
#define L_GETATTR_IN	  "448"
#define L_ATTR_OUT	  "844" L_ATTR
#define L_MKNOD_IN	  "4444"
#define L_MKDIR_IN	  "44"
#define L_RENAME_IN	  "8"
#define L_RENAME2_IN	  "844"
#define L_LINK_IN	  "8"
#define L_SETATTR_IN \
	"44"         \
	"888888"     \
	"44444444"
#define L_OPEN_IN     "44"
#define L_CREATE_IN   "4444"
#define L_OPEN_OUT    "844"
#define L_RELEASE_IN  "8448"
#define L_FLUSH_IN    "8448"
#define L_RW_IN	      "8844844"
#define L_WRITE_OUT   "44"
#define L_FSYNC_IN    "844"
#define L_SETXATTR_IN "4444"
#define L_GETXATTR    "44"
#define L_LK_IN	      "88" L_FILE_LOCK "44"
#define L_ACCESS_IN   "44"
#define L_U32X7	      "4444444"
#define L_INIT_IN     "44444" L_U32X7 "4444"
#define L_INIT_OUT \
	"4444"     \
	"2244"     \
	"2244"     \
	"222222222222"
#define L_CUSE_INIT_IN	"4444"
#define L_CUSE_INIT_OUT "44444444" L_U32X7 "444"
#define L_INTERRUPT_IN	"8"
#define L_BMAP_IN	"844"
#define L_BMAP_OUT	"8"
#define L_IOCTL_IN	"844844"
#define L_IOCTL_IOVEC	"88"
#define L_IOCTL_OUT	"4444"
#define L_POLL_IN	"8844"
#define L_POLL_OUT	"44"
#define L_FALLOCATE_IN	"88844"
#define L_IN_HEADER \
	"4488444"   \
	"22"
#define L_OUT_HEADER	     "448"
#define L_DIRENT	     "8844"
#define L_LSEEK_IN	     "8844"
#define L_LSEEK_OUT	     "8"
#define L_COPY_FILE_RANGE_IN "8888888"
#define L_SETUPMAPPING_IN    "88888"
#define L_REMOVEMAPPING_IN   "4"
#define L_REMOVEMAPPING_ONE  "88"
#define L_SYNCFS_IN	     "8"
#define L_NOTIFY_RETRIEVE_IN "884488"

const char fuse_in_header_layout[] = L_IN_HEADER;
const char fuse_out_header_layout[] = L_OUT_HEADER;
const char fuse_dirent_layout[] = L_DIRENT;
const char fuse_direntplus_layout[] = L_ENTRY_OUT L_DIRENT;
const char fuse_ioctl_iovec_layout[] = L_IOCTL_IOVEC;

#define LAYOUT(s, l)                    \
	{                               \
#s, sizeof(struct s), l \
	}

const struct fuse_layout fuse_layouts[] = {
	LAYOUT(fuse_attr, L_ATTR),
	LAYOUT(fuse_kstatfs, L_KSTATFS),
	LAYOUT(fuse_file_lock, L_FILE_LOCK),
	LAYOUT(fuse_entry_out, L_ENTRY_OUT),
	LAYOUT(fuse_forget_in, L_FORGET_IN),
	LAYOUT(fuse_forget_one, L_FORGET_ONE),
	LAYOUT(fuse_batch_forget_in, L_BATCH_FORGET_IN),
	LAYOUT(fuse_getattr_in, L_GETATTR_IN),
	LAYOUT(fuse_attr_out, L_ATTR_OUT),
	LAYOUT(fuse_mknod_in, L_MKNOD_IN),
	LAYOUT(fuse_mkdir_in, L_MKDIR_IN),
	LAYOUT(fuse_rename_in, L_RENAME_IN),
	LAYOUT(fuse_rename2_in, L_RENAME2_IN),
	LAYOUT(fuse_link_in, L_LINK_IN),
	LAYOUT(fuse_setattr_in, L_SETATTR_IN),
	LAYOUT(fuse_open_in, L_OPEN_IN),
	LAYOUT(fuse_create_in, L_CREATE_IN),
	LAYOUT(fuse_open_out, L_OPEN_OUT),
	LAYOUT(fuse_release_in, L_RELEASE_IN),
	LAYOUT(fuse_flush_in, L_FLUSH_IN),
	LAYOUT(fuse_read_in, L_RW_IN),
	LAYOUT(fuse_write_in, L_RW_IN),
	LAYOUT(fuse_write_out, L_WRITE_OUT),
	LAYOUT(fuse_statfs_out, L_KSTATFS),
	LAYOUT(fuse_fsync_in, L_FSYNC_IN),
	LAYOUT(fuse_setxattr_in, L_SETXATTR_IN),
	LAYOUT(fuse_getxattr_in, L_GETXATTR),
	LAYOUT(fuse_getxattr_out, L_GETXATTR),
	LAYOUT(fuse_lk_in, L_LK_IN),
	LAYOUT(fuse_lk_out, L_FILE_LOCK),
	LAYOUT(fuse_access_in, L_ACCESS_IN),
	LAYOUT(fuse_init_in, L_INIT_IN),
	LAYOUT(fuse_init_out, L_INIT_OUT),
	LAYOUT(cuse_init_in, L_CUSE_INIT_IN),
	LAYOUT(cuse_init_out, L_CUSE_INIT_OUT),
	LAYOUT(fuse_interrupt_in, L_INTERRUPT_IN),
	LAYOUT(fuse_bmap_in, L_BMAP_IN),
	LAYOUT(fuse_bmap_out, L_BMAP_OUT),
	LAYOUT(fuse_ioctl_in, L_IOCTL_IN),
	LAYOUT(fuse_ioctl_iovec, L_IOCTL_IOVEC),
	LAYOUT(fuse_ioctl_out, L_IOCTL_OUT),
	LAYOUT(fuse_poll_in, L_POLL_IN),
	LAYOUT(fuse_poll_out, L_POLL_OUT),
	LAYOUT(fuse_notify_poll_wakeup_out, "8"),
	LAYOUT(fuse_fallocate_in, L_FALLOCATE_IN),
	LAYOUT(fuse_in_header, L_IN_HEADER),
	LAYOUT(fuse_out_header, L_OUT_HEADER),
	LAYOUT(fuse_dirent, L_DIRENT),
	LAYOUT(fuse_direntplus, L_ENTRY_OUT L_DIRENT),
	LAYOUT(fuse_notify_inval_inode_out, "888"),
	LAYOUT(fuse_notify_inval_entry_out, "844"),
	LAYOUT(fuse_notify_delete_out, "8844"),
	LAYOUT(fuse_notify_store_out, "8844"),
	LAYOUT(fuse_notify_retrieve_out, "88844"),
	LAYOUT(fuse_notify_retrieve_in, L_NOTIFY_RETRIEVE_IN),
	LAYOUT(fuse_lseek_in, L_LSEEK_IN),
	LAYOUT(fuse_lseek_out, L_LSEEK_OUT),
	LAYOUT(fuse_copy_file_range_in, L_COPY_FILE_RANGE_IN),
	LAYOUT(fuse_setupmapping_in, L_SETUPMAPPING_IN),
	LAYOUT(fuse_removemapping_in, L_REMOVEMAPPING_IN),
	LAYOUT(fuse_removemapping_one, L_REMOVEMAPPING_ONE),
	LAYOUT(fuse_syncfs_in, L_SYNCFS_IN),
	LAYOUT(fuse_ext_header, "44"),
	{ NULL, 0, NULL },
};

/* Fixed arg of exactly struct s. */
#define IN(s, l) \
	.in_min = sizeof(struct s), .in_max = sizeof(struct s), .in_layout = l
/* Reply of exactly struct s. */
#define OUT(s, l)                                                \
	.reply = FUSE_REPLY_STRUCT, .out_min = sizeof(struct s), \
	.out_max = sizeof(struct s), .out_layout = l
/* A u32 field of the fixed arg sizes the tail. */
#define TAIL(s, field, elem, l)                                  \
	.has_tail = true, .tail_off = offsetof(struct s, field), \
	.tail_elem = elem, .tail_layout = l

/* Indexed by opcode; a gap has no name. A new opcode past FUSE_TMPFILE
 * needs FUSE_OP_TABLE_LEN moved (the initialiser would not compile). */
const struct fuse_op_desc fuse_op_table[FUSE_OP_TABLE_LEN] = {
	/* name in dir hdr.nodeid -> fuse_entry_out */
	[FUSE_LOOKUP] = { "LOOKUP", .in_names = 1,
			  OUT(fuse_entry_out, L_ENTRY_OUT) },
	/* drop nlookup lookups of hdr.nodeid; never answered */
	[FUSE_FORGET] = { "FORGET", IN(fuse_forget_in, L_FORGET_IN),
			  .reply = FUSE_REPLY_NONE },
	/* fuse_getattr_in -> fuse_attr_out */
	[FUSE_GETATTR] = { "GETATTR", IN(fuse_getattr_in, L_GETATTR_IN),
			   OUT(fuse_attr_out, L_ATTR_OUT) },
	/* fuse_setattr_in -> fuse_attr_out */
	[FUSE_SETATTR] = { "SETATTR", IN(fuse_setattr_in, L_SETATTR_IN),
			   OUT(fuse_attr_out, L_ATTR_OUT) },
	/* nothing -> target bytes (no NUL) */
	[FUSE_READLINK] = { "READLINK", .reply = FUSE_REPLY_DATA },
	/* name, target (both NUL-terminated) -> fuse_entry_out */
	[FUSE_SYMLINK] = { "SYMLINK", .in_names = 2, .name2_is_path = true,
			   OUT(fuse_entry_out, L_ENTRY_OUT) },
	/* fuse_mknod_in, name -> fuse_entry_out */
	[FUSE_MKNOD] = { "MKNOD", IN(fuse_mknod_in, L_MKNOD_IN), .in_names = 1,
			 OUT(fuse_entry_out, L_ENTRY_OUT) },
	/* fuse_mkdir_in, name -> fuse_entry_out */
	[FUSE_MKDIR] = { "MKDIR", IN(fuse_mkdir_in, L_MKDIR_IN), .in_names = 1,
			 OUT(fuse_entry_out, L_ENTRY_OUT) },
	/* name -> header only */
	[FUSE_UNLINK] = { "UNLINK", .in_names = 1, .reply = FUSE_REPLY_EMPTY },
	/* name -> header only */
	[FUSE_RMDIR] = { "RMDIR", .in_names = 1, .reply = FUSE_REPLY_EMPTY },
	/* fuse_rename_in, old name, new name -> header only */
	[FUSE_RENAME] = { "RENAME", IN(fuse_rename_in, L_RENAME_IN),
			  .in_names = 2, .reply = FUSE_REPLY_EMPTY },
	/* fuse_link_in, new name -> fuse_entry_out */
	[FUSE_LINK] = { "LINK", IN(fuse_link_in, L_LINK_IN), .in_names = 1,
			OUT(fuse_entry_out, L_ENTRY_OUT) },
	/* fuse_open_in -> fuse_open_out */
	[FUSE_OPEN] = { "OPEN", IN(fuse_open_in, L_OPEN_IN),
			OUT(fuse_open_out, L_OPEN_OUT) },
	/* fuse_read_in -> up to size bytes of data */
	[FUSE_READ] = { "READ", IN(fuse_read_in, L_RW_IN),
			.reply = FUSE_REPLY_DATA },
	/* fuse_write_in, size bytes of data -> fuse_write_out */
	[FUSE_WRITE] = { "WRITE", IN(fuse_write_in, L_RW_IN),
			 TAIL(fuse_write_in, size, 1, NULL),
			 OUT(fuse_write_out, L_WRITE_OUT) },
	/* nothing -> fuse_statfs_out */
	[FUSE_STATFS] = { "STATFS", OUT(fuse_statfs_out, L_KSTATFS) },
	/* fuse_release_in -> header only */
	[FUSE_RELEASE] = { "RELEASE", IN(fuse_release_in, L_RELEASE_IN),
			   .reply = FUSE_REPLY_EMPTY },
	/* fuse_fsync_in -> header only */
	[FUSE_FSYNC] = { "FSYNC", IN(fuse_fsync_in, L_FSYNC_IN),
			 .reply = FUSE_REPLY_EMPTY },
	/* fuse_setxattr_in (FUSE_SETXATTR_EXT form), name, size value bytes
	 * -> header only */
	[FUSE_SETXATTR] = { "SETXATTR", IN(fuse_setxattr_in, L_SETXATTR_IN),
			    .in_names = 1,
			    TAIL(fuse_setxattr_in, size, 1, NULL),
			    .reply = FUSE_REPLY_EMPTY },
	/* fuse_getxattr_in, name -> fuse_getxattr_out (size 0) or value */
	[FUSE_GETXATTR] = { "GETXATTR", IN(fuse_getxattr_in, L_GETXATTR),
			    .in_names = 1, .reply = FUSE_REPLY_XATTR },
	/* fuse_getxattr_in -> fuse_getxattr_out (size 0) or name list */
	[FUSE_LISTXATTR] = { "LISTXATTR", IN(fuse_getxattr_in, L_GETXATTR),
			     .reply = FUSE_REPLY_XATTR },
	/* name -> header only */
	[FUSE_REMOVEXATTR] = { "REMOVEXATTR", .in_names = 1,
			       .reply = FUSE_REPLY_EMPTY },
	/* fuse_flush_in -> header only */
	[FUSE_FLUSH] = { "FLUSH", IN(fuse_flush_in, L_FLUSH_IN),
			 .reply = FUSE_REPLY_EMPTY },
	/* fuse_init_in (16 bytes before 7.36, 64 since) -> fuse_init_out
	 * (8 bytes from 7.0 servers, 24 before 7.23, 64 since) */
	[FUSE_INIT] = { "INIT", .in_min = 16,
			.in_max = sizeof(struct fuse_init_in),
			.in_layout = L_INIT_IN, .reply = FUSE_REPLY_STRUCT,
			.out_min = 8, .out_max = sizeof(struct fuse_init_out),
			.out_layout = L_INIT_OUT },
	/* fuse_open_in -> fuse_open_out */
	[FUSE_OPENDIR] = { "OPENDIR", IN(fuse_open_in, L_OPEN_IN),
			   OUT(fuse_open_out, L_OPEN_OUT) },
	/* fuse_read_in -> fuse_dirent records */
	[FUSE_READDIR] = { "READDIR", IN(fuse_read_in, L_RW_IN),
			   .reply = FUSE_REPLY_DIRENT },
	/* fuse_release_in -> header only */
	[FUSE_RELEASEDIR] = { "RELEASEDIR", IN(fuse_release_in, L_RELEASE_IN),
			      .reply = FUSE_REPLY_EMPTY },
	/* fuse_fsync_in -> header only */
	[FUSE_FSYNCDIR] = { "FSYNCDIR", IN(fuse_fsync_in, L_FSYNC_IN),
			    .reply = FUSE_REPLY_EMPTY },
	/* fuse_lk_in -> fuse_lk_out */
	[FUSE_GETLK] = { "GETLK", IN(fuse_lk_in, L_LK_IN),
			 OUT(fuse_lk_out, L_FILE_LOCK) },
	/* fuse_lk_in -> header only */
	[FUSE_SETLK] = { "SETLK", IN(fuse_lk_in, L_LK_IN),
			 .reply = FUSE_REPLY_EMPTY },
	/* fuse_lk_in -> header only, once the lock is granted */
	[FUSE_SETLKW] = { "SETLKW", IN(fuse_lk_in, L_LK_IN),
			  .reply = FUSE_REPLY_EMPTY },
	/* fuse_access_in -> header only */
	[FUSE_ACCESS] = { "ACCESS", IN(fuse_access_in, L_ACCESS_IN),
			  .reply = FUSE_REPLY_EMPTY },
	/* fuse_create_in, name -> fuse_entry_out + fuse_open_out */
	[FUSE_CREATE] = { "CREATE", IN(fuse_create_in, L_CREATE_IN),
			  .in_names = 1, .reply = FUSE_REPLY_STRUCT,
			  .out_min = 144, .out_max = 144,
			  .out_layout = L_ENTRY_OUT L_OPEN_OUT },
	/* fuse_interrupt_in; not answered (EAGAIN aside) */
	[FUSE_INTERRUPT] = { "INTERRUPT", IN(fuse_interrupt_in, L_INTERRUPT_IN),
			     .reply = FUSE_REPLY_NONE },
	/* fuse_bmap_in -> fuse_bmap_out */
	[FUSE_BMAP] = { "BMAP", IN(fuse_bmap_in, L_BMAP_IN),
			OUT(fuse_bmap_out, L_BMAP_OUT) },
	/* nothing -> header only */
	[FUSE_DESTROY] = { "DESTROY", .reply = FUSE_REPLY_EMPTY },
	/* fuse_ioctl_in, in_size input bytes -> fuse_ioctl_out, then output
	 * bytes, or with FUSE_IOCTL_RETRY in_iovs + out_iovs iovecs */
	[FUSE_IOCTL] = { "IOCTL", IN(fuse_ioctl_in, L_IOCTL_IN),
			 TAIL(fuse_ioctl_in, in_size, 1, NULL),
			 .reply = FUSE_REPLY_IOCTL,
			 .out_min = sizeof(struct fuse_ioctl_out),
			 .out_max = sizeof(struct fuse_ioctl_out),
			 .out_layout = L_IOCTL_OUT },
	/* fuse_poll_in -> fuse_poll_out */
	[FUSE_POLL] = { "POLL", IN(fuse_poll_in, L_POLL_IN),
			OUT(fuse_poll_out, L_POLL_OUT) },
	/* fuse_notify_retrieve_in, size data bytes; not answered */
	[FUSE_NOTIFY_REPLY] = { "NOTIFY_REPLY",
				IN(fuse_notify_retrieve_in,
				   L_NOTIFY_RETRIEVE_IN),
				TAIL(fuse_notify_retrieve_in, size, 1, NULL),
				.reply = FUSE_REPLY_NONE },
	/* fuse_batch_forget_in, count fuse_forget_one; not answered */
	[FUSE_BATCH_FORGET] = { "BATCH_FORGET",
				IN(fuse_batch_forget_in, L_BATCH_FORGET_IN),
				TAIL(fuse_batch_forget_in, count,
				     sizeof(struct fuse_forget_one),
				     L_FORGET_ONE),
				.reply = FUSE_REPLY_NONE },
	/* fuse_fallocate_in -> header only */
	[FUSE_FALLOCATE] = { "FALLOCATE", IN(fuse_fallocate_in, L_FALLOCATE_IN),
			     .reply = FUSE_REPLY_EMPTY },
	/* fuse_read_in -> fuse_direntplus records */
	[FUSE_READDIRPLUS] = { "READDIRPLUS", IN(fuse_read_in, L_RW_IN),
			       .reply = FUSE_REPLY_DIRENTPLUS },
	/* fuse_rename2_in, old name, new name -> header only */
	[FUSE_RENAME2] = { "RENAME2", IN(fuse_rename2_in, L_RENAME2_IN),
			   .in_names = 2, .reply = FUSE_REPLY_EMPTY },
	/* fuse_lseek_in -> fuse_lseek_out */
	[FUSE_LSEEK] = { "LSEEK", IN(fuse_lseek_in, L_LSEEK_IN),
			 OUT(fuse_lseek_out, L_LSEEK_OUT) },
	/* fuse_copy_file_range_in -> fuse_write_out */
	[FUSE_COPY_FILE_RANGE] = { "COPY_FILE_RANGE",
				   IN(fuse_copy_file_range_in,
				      L_COPY_FILE_RANGE_IN),
				   OUT(fuse_write_out, L_WRITE_OUT) },
	/* fuse_setupmapping_in -> header only */
	[FUSE_SETUPMAPPING] = { "SETUPMAPPING",
				IN(fuse_setupmapping_in, L_SETUPMAPPING_IN),
				.reply = FUSE_REPLY_EMPTY },
	/* fuse_removemapping_in (4 bytes), count fuse_removemapping_one
	 * (so the entries start 4-byte aligned) -> header only */
	[FUSE_REMOVEMAPPING] = { "REMOVEMAPPING",
				 IN(fuse_removemapping_in, L_REMOVEMAPPING_IN),
				 TAIL(fuse_removemapping_in, count,
				      sizeof(struct fuse_removemapping_one),
				      L_REMOVEMAPPING_ONE),
				 .reply = FUSE_REPLY_EMPTY },
	/* fuse_syncfs_in -> header only */
	[FUSE_SYNCFS] = { "SYNCFS", IN(fuse_syncfs_in, L_SYNCFS_IN),
			  .reply = FUSE_REPLY_EMPTY },
	/* fuse_create_in, name -> fuse_entry_out + fuse_open_out */
	[FUSE_TMPFILE] = { "TMPFILE", IN(fuse_create_in, L_CREATE_IN),
			   .in_names = 1, .reply = FUSE_REPLY_STRUCT,
			   .out_min = 144, .out_max = 144,
			   .out_layout = L_ENTRY_OUT L_OPEN_OUT },
};

/* CUSE_INIT: cuse_init_in -> cuse_init_out, then device info strings. */
const struct fuse_op_desc fuse_cuse_init_op = {
	"CUSE_INIT",
	IN(cuse_init_in, L_CUSE_INIT_IN),
	.reply = FUSE_REPLY_STRUCT_DATA,
	.out_min = sizeof(struct cuse_init_out),
	.out_max = sizeof(struct cuse_init_out),
	.out_layout = L_CUSE_INIT_OUT
};

_Static_assert(sizeof(struct fuse_entry_out) + sizeof(struct fuse_open_out) ==
		       144,
	       "CREATE reply size");

size_t fuse_layout_size(const char *layout)
{
	size_t n = 0;

	for (; *layout; layout++)
		n += (size_t)(*layout - '0');
	return n;
}

size_t fuse_layout_bswap(const char *layout, void *p, size_t len)
{
	unsigned char *b = p;
	size_t off = 0;

	for (; *layout; layout++) {
		size_t w = (size_t)(*layout - '0');

		assert(w == 1 || w == 2 || w == 4 || w == 8);
		if (off + w > len)
			break;
		/* Reverse bytes in place: no load, so alignment is moot. */
		for (size_t i = 0; i < w / 2; i++) {
			unsigned char t = b[off + i];

			b[off + i] = b[off + w - 1 - i];
			b[off + w - 1 - i] = t;
		}
		off += w;
	}
	return off;
}

uint32_t fuse_get_u32(const void *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return swap ? __builtin_bswap32(v) : v;
}

int fuse_op_fixed_size(const struct fuse_op_desc *op, size_t avail)
{
	if (avail < op->in_min)
		return -EPROTO;
	/* Only INIT's argument grew over time: take what was sent. */
	if (op->in_min != op->in_max)
		return (int)(avail < op->in_max ? avail : op->in_max);
	return op->in_max;
}
