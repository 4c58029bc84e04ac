/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file virtio_fs_config.h
 * @brief The virtio-fs device's configuration space and shared-memory ids.
 *
 * VIRTIO's, not FUSE's: what the driver reads from the device before
 * any FUSE message goes. Included by fuse_proto.h.
 * @ingroup fuse_proto
 */
#ifndef VFSIM_FUSE_PROTO_VIRTIO_FS_CONFIG_H
#define VFSIM_FUSE_PROTO_VIRTIO_FS_CONFIG_H

#include <stdint.h>

#include "fuse_proto/byteorder.h"

/**
 * @brief virtio-fs device configuration space.
 *
 * The tag is UTF-8 padded with NULs and is NOT NUL-terminated when all 36
 * bytes are used; num_request_queues is little endian whatever the CPU
 * (VIRTIO 1.x: every config field is), unlike the FUSE messages (fuse_proto.h).
 *
 * Packed (alignment 1), as the virtio header declares it; a pack pragma
 * says so in a way every compiler and Doxygen understand.
 */
#pragma pack(push, 1)
struct virtio_fs_config {
	uint8_t tag[36];	   ///< file system name, not NUL-terminated
	__le32 num_request_queues; ///< request queues (hiprio excluded)
};
#pragma pack(pop)

/** @brief Bytes of the virtio-fs tag field. */
#define VIRTIO_FS_TAG_LEN 36
/** @brief Shared-memory region id of the DAX cache window. */
#define VIRTIO_FS_SHMCAP_ID_CACHE 0

#endif /* VFSIM_FUSE_PROTO_VIRTIO_FS_CONFIG_H */
