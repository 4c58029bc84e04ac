/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fuse_dev_internal.h
 * @brief Between the two halves of the request machinery, fuse_dev.c and
 * fuse_dev_abort.c (in the kernel both are static in fs/fuse/dev.c).
 */
#ifndef VFSIM_GUEST_FUSE_DEV_INTERNAL_H
#define VFSIM_GUEST_FUSE_DEV_INTERNAL_H

#include "guest/fuse_i.h"

/** @brief Kernel: fuse_set_initialized(): let requests flow (INIT done,
 *  or aborted so that waiters in fuse_get_req() wake up and fail). */
void fuse_set_initialized(struct fuse_conn *fc);

/** @brief Kernel: flush_bg_queue(): hand queued background requests to the
 *  transport while fewer than max_background are active; called with
 *  fc->bg_lock held. */
void flush_bg_queue(struct fuse_conn *fc);

#endif /* VFSIM_GUEST_FUSE_DEV_INTERNAL_H */
