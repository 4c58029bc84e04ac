/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file byteorder.h
 * @brief The fixed-byte-order integer types of the wire formats: __le16,
 * __le32, __le64 and __be32 (the kernel's include/uapi/linux/types.h has
 * the same names for the same purpose).
 *
 * Most of what vfsim carries has a byte order fixed by a specification,
 * whatever the host's:
 *
 *  - little endian, by VIRTIO 1.x: every split-ring field (struct
 *    vring_desc, vring_avail, vring_used and the two event indices,
 *    sim/virtio/virtio_ring.h) and the config space (struct
 *    virtio_fs_config's num_request_queues, virtio_fs_config.h);
 *    vfsim's own back-end state format too (docs/state-format.md).
 *  - big endian: the length prefix of each chunk of the migration stream
 *    (QEMU writes it with qemu_put_be32()).
 *
 * FUSE messages are the exception: they travel in the sender's order, and
 * a device meeting the other order recognises it by a byte-swapped
 * FUSE_INIT (fuse_msg.h). Their fields are plain uint32_t and friends.
 *
 * To the compiler the fixed-order types are plain integers. To sparse, the
 * checker the kernel uses for the same job (`make check-endian`), they are
 * distinct ("bitwise") types: reading or writing one without going through
 * le32_to_cpu(), cpu_to_le32() and their siblings (sim/kernel/types.h) is
 * reported, so the code stays right on a host of either byte order.
 * @ingroup fuse_proto
 */
#ifndef VFSIM_FUSE_PROTO_BYTEORDER_H
#define VFSIM_FUSE_PROTO_BYTEORDER_H

#include <stdint.h>

/*
 * Linux's own headers define the same four names (<linux/types.h>, which
 * glibc's <signal.h> pulls in on arm64), with a 64-bit type that is not
 * always uint64_t's: on Linux the names are taken from there, so the two
 * never clash.
 */
#if defined(__linux__) && defined(__has_include)
#if __has_include(<linux/types.h>)
#include <linux/types.h>
#define VFSIM_HAVE_LINUX_TYPES 1
#endif
#endif

#ifndef __bitwise
#ifdef __CHECKER__
#define __bitwise __attribute__((bitwise)) /**< sparse: a distinct type */
#else
/** @brief sparse's "distinct integer type" mark; nothing to the compiler. */
#define __bitwise
#endif
#endif

#ifndef __force
#ifdef __CHECKER__
#define __force __attribute__((force)) /**< sparse: a deliberate cast */
#else
/** @brief sparse's "this cast is deliberate" mark; nothing to the compiler. */
#define __force
#endif
#endif

#ifndef VFSIM_HAVE_LINUX_TYPES
typedef uint16_t __bitwise __le16; /**< 16-bit little-endian field */
typedef uint32_t __bitwise __le32; /**< 32-bit little-endian field */
typedef uint64_t __bitwise __le64; /**< 64-bit little-endian field */
typedef uint32_t __bitwise __be32; /**< 32-bit big-endian field */
#endif

#endif /* VFSIM_FUSE_PROTO_BYTEORDER_H */
