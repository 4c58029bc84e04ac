/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fuse_mount.h
 * @brief Mount and unmount a FUSE file system served on /dev/fuse
 *        (vfsim serve --fuse). Plain C types only: its implementation
 *        includes <sys/mount.h>, which cannot meet vfsim's own types.
 * @ingroup device
 */
#ifndef VFSIM_DEVICE_FUSE_MOUNT_H
#define VFSIM_DEVICE_FUSE_MOUNT_H

#include <stdio.h>

/**
 * @brief Open /dev/fuse and mount it at @p mnt: mount(2) as root (with
 *        allow_other), else through fusermount3.
 * @return the /dev/fuse descriptor, or -errno (logged to @p log)
 */
int fuse_mount(const char *mnt, FILE *log);

/**
 * @brief Unmount @p mnt: umount2(), lazily when it is busy (logged), or
 *        through fusermount3 when not root.
 */
void fuse_unmount(const char *mnt, FILE *log);

#endif /* VFSIM_DEVICE_FUSE_MOUNT_H */
