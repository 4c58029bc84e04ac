/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vfs_serve.h
 * @brief `vfsim serve`: the device in front of real peers. Either a
 *        vhost-user back end on a unix socket, for QEMU's
 *        vhost-user-fs-pci and the real Linux driver behind it, or the
 *        FUSE server on /dev/fuse, for the host's own kernel.
 *
 * Both run the scheduler with its clock following the wall clock
 * (sched_set_clock()): device latencies, late answers and stalls last as
 * long as they say. Such a run depends on its peer and is not
 * deterministic. SIGINT and SIGTERM end it cleanly (the socket is
 * removed, a FUSE mount unmounted); SIGUSR1 ends a stall (the dev.stall
 * fault without a duration, vfs_dev_stall_end()).
 * @ingroup device
 */
#ifndef VFSIM_DEVICE_VFS_SERVE_H
#define VFSIM_DEVICE_VFS_SERVE_H

#include <stdio.h>

#include "device/virtio_fs_dev.h"

/** @brief How a serve run is set up. */
struct vfs_serve_opts {
	/** the device each front end gets (tag, queues, features, server) */
	struct vfs_dev_config dev;
	/** fill a fresh device's file system; 0 or -errno with @p err set */
	int (*populate)(struct vfs_dev *dev, void *arg, char *err,
			size_t errsize);
	void *populate_arg; /**< passed to @ref populate */
	/** set a fresh device's behaviour (latency, order...); may be NULL */
	void (*configure)(struct vfs_dev *dev, void *arg);
	bool once; /**< end when the first front end leaves */
	FILE *log; /**< progress and refused messages (stderr) */
};

/**
 * @brief Serve vhost-user front ends on the unix socket @p path, one at a
 *        time, each with a fresh device and file system, until SIGINT or
 *        SIGTERM (or, with @c once, the first front end's departure).
 *        A stale socket file at @p path is replaced.
 * @return 0 after a clean end; -errno when the socket cannot be set up or
 *         a device cannot be made (logged)
 */
int vfs_serve_vhost_user(const char *path, const struct vfs_serve_opts *o);

/**
 * @brief Serve the FUSE file system on /dev/fuse, mounted at
 *        @p mountpoint (mount(2) as root; the fusermount3 helper
 *        otherwise), until SIGINT or SIGTERM or an external unmount.
 * @return 0 after a clean end (the mount is gone); -errno when the mount
 *         cannot be made (logged)
 */
int vfs_serve_fuse(const char *mountpoint, const struct vfs_serve_opts *o);

/** @brief Monotonic nanoseconds since the serve run began (its clock). */
u64 vfs_serve_clock(void);

#endif /* VFSIM_DEVICE_VFS_SERVE_H */
