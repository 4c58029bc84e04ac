/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fuse_dirent.h
 * @brief FUSE wire protocol 7.38: the records of READDIR and READDIRPLUS replies.
 *
 * A READDIR reply is a run of fuse_dirent records, each padded to 8
 * bytes; a READDIRPLUS reply a run of fuse_direntplus, each the entry
 * LOOKUP would return, then a dirent. Included by fuse_proto.h.
 * @ingroup fuse_proto
 */
#ifndef VFSIM_FUSE_PROTO_FUSE_DIRENT_H
#define VFSIM_FUSE_PROTO_FUSE_DIRENT_H

#include <stddef.h>
#include <stdint.h>

#include "fuse_proto/fuse_op_structs.h"

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

#endif /* VFSIM_FUSE_PROTO_FUSE_DIRENT_H */
