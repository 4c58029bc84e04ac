/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fuse_dev_i.h
 * @brief Twin of Linux fs/fuse/fuse_dev_i.h: what dev.c shares with the
 * rest of the FUSE core (inode.c) but not with the transport.
 * @ingroup guest
 */
#ifndef VFSIM_GUEST_FUSE_DEV_I_H
#define VFSIM_GUEST_FUSE_DEV_I_H

#include "guest/fuse_i.h"

/** @brief Kernel: fuse_check_timeout(): the periodic work that aborts a
 *  connection whose oldest request waited longer than
 *  fc->timeout.req_timeout; armed by fuse_init_server_timeout()
 *  (inode.c). */
void fuse_check_timeout(struct work_struct *work);

/** @brief Kernel: fuse_timeout_timer_freq: jiffies between two runs of
 *  fuse_check_timeout() (FUSE_TIMEOUT_TIMER_FREQ seconds). */
extern const unsigned long fuse_timeout_timer_freq;

/** @brief sim: fuse_timeout_timer_freq for @p fc: FUSE_TIMEOUT_TIMER_FREQ
 *  units of fc->timeout.unit (seconds, or ms with timeout-ms). */
static inline unsigned long fuse_timeout_freq(const struct fuse_conn *fc)
{
	return FUSE_TIMEOUT_TIMER_FREQ * fc->timeout.unit;
}

/** @brief Kernel: fuse_set_initialized(): let requests flow (INIT done,
 *  or aborted so that waiters in fuse_get_req() wake up and fail). */
void fuse_set_initialized(struct fuse_conn *fc);

/** @brief Kernel: flush_bg_queue(): hand queued background requests to the
 *  transport while fewer than max_background are active; called with
 *  fc->bg_lock held. */
void flush_bg_queue(struct fuse_conn *fc);

#endif /* VFSIM_GUEST_FUSE_DEV_I_H */
