/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vfs_serve_internal.h
 * @brief What the two serve loops share (vfs_serve.c, vfs_serve_fuse.c):
 *        signals, the scheduler on the wall clock, making a device.
 * @ingroup device
 */
#ifndef VFSIM_DEVICE_VFS_SERVE_INTERNAL_H
#define VFSIM_DEVICE_VFS_SERVE_INTERNAL_H

#include <signal.h>

#include "device/vfs_serve.h"

/** @brief One serve run. */
struct vfs_serve_run {
	const struct vfs_serve_opts *o; /**< its options */
	int sigfd;			/**< SIGINT, SIGTERM, SIGHUP, SIGUSR1 */
	sigset_t old_mask;		/**< the mask to restore */
	bool stop;			/**< a signal asked to end */
};

/** @brief Block the signals into a signalfd, start the scheduler on the
 *  wall clock. @return 0 or -errno */
int vfs_serve_begin(struct vfs_serve_run *run, const struct vfs_serve_opts *o);

/** @brief Undo vfs_serve_begin(). */
void vfs_serve_end(struct vfs_serve_run *run);

/** @brief Read the pending signals: SIGUSR1 ends @p dev's stall, the
 *  others set run->stop. @return run->stop */
int vfs_serve_signals(struct vfs_serve_run *run, struct vfs_dev *dev);

/** @brief Run every device task that can run now, and due timers. */
void vfs_serve_run_device(void);

/** @brief poll() timeout until the next timer: -1 none, else ms. */
int vfs_serve_timeout_ms(void);

/** @brief A fresh device as the options say, its file system filled.
 *  @return 0 or -errno (logged) */
int vfs_serve_new_device(struct vfs_serve_run *run, struct vfs_dev **out);

#endif /* VFSIM_DEVICE_VFS_SERVE_INTERNAL_H */
