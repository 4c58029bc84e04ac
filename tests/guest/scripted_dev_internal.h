/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file scripted_dev_internal.h
 * @brief Between the scripted device (scripted_dev.c) and its fake FUSE
 * server (scripted_dev_fuse.c); not for tests.
 */
#ifndef VFSIM_TESTS_GUEST_SCRIPTED_DEV_INTERNAL_H
#define VFSIM_TESTS_GUEST_SCRIPTED_DEV_INTERNAL_H

#include "tests/guest/scripted_dev.h"

/**
 * @brief The fake server's node @p nodeid, growing the table as needed.
 * @return the node (zeroed when new), or NULL when out of memory
 */
struct sdev_node *sdev_node_get(struct sdev *d, u64 nodeid);

/**
 * @brief Write a bare fuse_out_header carrying @p error into @p reply.
 * @return the header's size (nothing is written when @p cap is smaller)
 */
u32 sdev_build_error(void *reply, u32 cap, u64 unique, int error);

#endif /* VFSIM_TESTS_GUEST_SCRIPTED_DEV_INTERNAL_H */
