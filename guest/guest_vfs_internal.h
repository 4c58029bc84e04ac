/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file guest_vfs_internal.h
 * @brief What guest_vfs.c and guest_vfs_file.c share.
 */
#ifndef VFSIM_GUEST_GUEST_VFS_INTERNAL_H
#define VFSIM_GUEST_GUEST_VFS_INTERNAL_H

#include "guest/guest_vfs.h"

/**
 * @brief Count one more lookup of @p nodeid as owed (kernel: fi->nlookup++
 * in fuse_iget()); when the table cannot grow (fault point
 * "guest.nlookup"), the lookup is paid back at once with a FORGET.
 * @return 0 or -ENOMEM
 */
int guest_owe_lookup(struct guest_fs *gfs, u64 nodeid);

/** @brief 0 for a usable name (1..255 bytes), else -EINVAL. */
int guest_check_name(const char *name);

#endif /* VFSIM_GUEST_GUEST_VFS_INTERNAL_H */
