/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fuse_notify.h
 * @brief FUSE wire protocol 7.38: notifications, the server's own messages.
 *
 * A notification is a reply with unique 0 whose error field holds its
 * code (enum fuse_notify_code), then the code's payload; a RETRIEVE is
 * answered with a NOTIFY_REPLY request. Included by fuse_proto.h.
 * @ingroup fuse_proto
 */
#ifndef VFSIM_FUSE_PROTO_FUSE_NOTIFY_H
#define VFSIM_FUSE_PROTO_FUSE_NOTIFY_H

#include <stdint.h>

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

/** @brief FUSE_NOTIFY_POLL payload. */
struct fuse_notify_poll_wakeup_out {
	uint64_t kh; ///< kernel handle from fuse_poll_in
};

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

#endif /* VFSIM_FUSE_PROTO_FUSE_NOTIFY_H */
