/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fuse_state_internal.h
 * @brief Internal: the state format's constants and the decoded form shared
 *        by the fuse_state_*.c files (docs/state-format.md is the spec).
 * @ingroup device
 */
#ifndef VFSIM_DEVICE_FUSE_STATE_INTERNAL_H
#define VFSIM_DEVICE_FUSE_STATE_INTERNAL_H

/// @cond INTERNAL

#include "device/fuse_state.h"
#include "device/locks.h"
#include "device/dax.h"

/* Header field offsets. */
#define FS_HDR_MAGIC   0
#define FS_HDR_VERSION 8
#define FS_HDR_HDRLEN  12
#define FS_HDR_BODYLEN 16
#define FS_HDR_FLAGS   24
#define FS_HDR_CRC     28

/* Section types. */
#define FS_SEC_SESSION	1
#define FS_SEC_COUNTERS 2
#define FS_SEC_INODES	3
#define FS_SEC_HANDLES	4
#define FS_SEC_LOCKS	5 /* version 2 on */
#define FS_SEC_DAX	6 /* version 2 on */

#define FS_SEC_HDR	 8
#define FS_SESSION_SIZE	 72
#define FS_COUNTERS_SIZE 32
#define FS_HANDLE_SIZE	 24
#define FS_LOCK_SIZE	 40
#define FS_DAX_SIZE	 40

struct fs_inode_rec {
	u64 nodeid;
	u64 generation; /* version 1: 0, taken from the destination */
	u64 nlookup;
	u32 mode;
	u32 path_len;	  /* 0: no path */
	const char *path; /* into the state bytes, not NUL-terminated */
	u32 nopen;	  /* derived: handles on it */
	u32 npin;	  /* derived: mappings of it */
};

struct fs_decoded {
	u32 version;
	struct fuse_server_session sess;
	struct fuse_server_config cfg;
	u64 next_nodeid, next_fh, generation, lock_generation;
	struct fs_inode_rec *inodes;
	size_t ninodes;
	struct memfs_handle_info *handles;
	size_t nhandles;
	struct posix_lock *locks;
	size_t nlocks;
	struct dax_mapping *maps;
	size_t nmaps;
	struct fuse_state_info info;
};

u32 fs_crc32(u32 crc, const void *buf, size_t len);
int fs_decode(const void *buf, size_t len, struct fs_decoded *d);
void fs_decoded_free(struct fs_decoded *d);
struct fs_inode_rec *fs_find_rec(const struct fs_decoded *d, u64 nodeid);

static inline u32 fs_get32(const u8 *p)
{
	__le32 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return le32_to_cpu(v);
}

static inline u64 fs_get64(const u8 *p)
{
	__le64 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return le64_to_cpu(v);
}

/// @endcond

#endif /* VFSIM_DEVICE_FUSE_STATE_INTERNAL_H */
