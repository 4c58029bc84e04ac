/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file virtio_ring.h
 * @brief The split virtqueue as the VIRTIO 1.x specification lays it out in
 * guest memory (section 2.7, "Split Virtqueues").
 *
 * A split virtqueue is three areas of guest memory, each written by one side
 * only:
 *
 *  - the **descriptor table** (driver writes, device reads): num entries of
 *    16 bytes, 16-byte aligned. Each entry names one buffer by guest
 *    physical address and length; entries are linked into chains by `next`.
 *  - the **available ring** (driver writes, device reads): 2-byte aligned;
 *    the driver puts the head index of each chain it offers here.
 *  - the **used ring** (device writes, driver reads): 4-byte aligned; the
 *    device puts {head, bytes written} here when it is done with a chain.
 *
 * Both rings carry a 16-bit free-running index (`idx`) that only ever counts
 * up and wraps from 65535 to 0; the slot it names is `idx % num`, which is
 * why num must be a power of two (at most 32768, so that the distance
 * between two indices is never ambiguous). Every multi-byte field is little
 * endian: read it with le16_to_cpu() and friends.
 *
 * With VIRTIO_RING_F_EVENT_IDX each ring grows one trailing 16-bit field
 * by which the *reader* of the other ring says when it wants to be told:
 * `used_event` (at the end of the avail ring, written by the driver) and
 * `avail_event` (at the end of the used ring, written by the device).
 * @ingroup sim_virtio
 */
#ifndef VFSIM_SIM_VIRTIO_VIRTIO_RING_H
#define VFSIM_SIM_VIRTIO_VIRTIO_RING_H

#include "sim/kernel/types.h"

/** @brief Descriptor flag: the chain continues at `next`. */
#define VIRTQ_DESC_F_NEXT 1
/** @brief Descriptor flag: the device writes this buffer (else it reads it). */
#define VIRTQ_DESC_F_WRITE 2
/** @brief Descriptor flag: the buffer is itself a table of descriptors. */
#define VIRTQ_DESC_F_INDIRECT 4

/** @brief Avail ring flag (driver to device): do not interrupt me. Only a
 *  hint, and ignored when EVENT_IDX is negotiated. */
#define VRING_AVAIL_F_NO_INTERRUPT 1
/** @brief Used ring flag (device to driver): do not kick me. Only a hint,
 *  and ignored when EVENT_IDX is negotiated. */
#define VRING_USED_F_NO_NOTIFY 1

/** @brief Feature bit: descriptors may point at indirect tables. */
#define VIRTIO_RING_F_INDIRECT_DESC 28
/** @brief Feature bit: used_event / avail_event replace the flags. */
#define VIRTIO_RING_F_EVENT_IDX 29
/** @brief Feature bit: the device is a VIRTIO 1.x (non-legacy) device. */
#define VIRTIO_F_VERSION_1 32

/** @brief Largest queue size a split ring may have. */
#define VIRTQ_MAX_SIZE 32768

/** @brief Alignment of the descriptor table (spec 2.7). */
#define VRING_DESC_ALIGN 16
/** @brief Alignment of the available ring (spec 2.7). */
#define VRING_AVAIL_ALIGN 2
/** @brief Alignment of the used ring (spec 2.7). */
#define VRING_USED_ALIGN 4

/**
 * @brief One descriptor (spec: struct virtq_desc). Written by the driver
 * before the head is made available; read by the device.
 */
struct vring_desc {
	__le64 addr;  /**< guest physical address of the buffer */
	__le32 len;   /**< length of the buffer in bytes (for an indirect
			   descriptor: of the table, a multiple of 16) */
	__le16 flags; /**< VIRTQ_DESC_F_NEXT / _WRITE / _INDIRECT */
	__le16 next;  /**< index of the next descriptor when F_NEXT is set */
};

/**
 * @brief The available ring (spec: struct virtq_avail). Written by the
 * driver only; the device reads it.
 *
 * Followed in memory by ring[num] and then, with EVENT_IDX, by the 16-bit
 * `used_event`: "interrupt me when the used index passes this value"
 * (see vring_used_event()).
 */
struct vring_avail {
	__le16 flags;  /**< VRING_AVAIL_F_NO_INTERRUPT */
	__le16 idx;    /**< where the driver will put the next head (mod num);
			    free-running, published after the ring slot */
	__le16 ring[]; /**< heads of the chains offered, in order */
};

/**
 * @brief One used element (spec: struct virtq_used_elem). Written by the
 * device; read by the driver.
 */
struct vring_used_elem {
	__le32 id;  /**< head index of the chain the device is done with */
	__le32 len; /**< bytes the device wrote into the chain's writable part */
};

/**
 * @brief The used ring (spec: struct virtq_used). Written by the device
 * only; the driver reads it.
 *
 * Followed in memory by ring[num] and then, with EVENT_IDX, by the 16-bit
 * `avail_event`: "kick me when the avail index passes this value"
 * (see vring_avail_event()).
 */
struct vring_used {
	__le16 flags; /**< VRING_USED_F_NO_NOTIFY */
	__le16 idx;   /**< where the device will put the next used element
			   (mod num); free-running, published after the slot */
	struct vring_used_elem ring[]; /**< completed chains, in order */
};

/** @brief The three areas of one split ring, as driver-side pointers. */
struct vring {
	unsigned int num;	   /**< queue size, a power of two */
	struct vring_desc *desc;   /**< descriptor table */
	struct vring_avail *avail; /**< available ring */
	struct vring_used *used;   /**< used ring */
};

/** @brief Bytes of a descriptor table of @p num entries. */
static inline size_t vring_desc_size(unsigned int num)
{
	return (size_t)num * sizeof(struct vring_desc);
}

/** @brief Bytes of an avail ring of @p num entries, used_event included. */
static inline size_t vring_avail_size(unsigned int num)
{
	return 2 * sizeof(__le16) + (size_t)num * sizeof(__le16) +
	       sizeof(__le16);
}

/** @brief Bytes of a used ring of @p num entries, avail_event included. */
static inline size_t vring_used_size(unsigned int num)
{
	return 2 * sizeof(__le16) +
	       (size_t)num * sizeof(struct vring_used_elem) + sizeof(__le16);
}

/** @brief Offset of used_event from the start of the avail ring. */
static inline size_t vring_used_event_off(unsigned int num)
{
	return 2 * sizeof(__le16) + (size_t)num * sizeof(__le16);
}

/** @brief Offset of avail_event from the start of the used ring. */
static inline size_t vring_avail_event_off(unsigned int num)
{
	return 2 * sizeof(__le16) +
	       (size_t)num * sizeof(struct vring_used_elem);
}

/** @brief The driver's used_event field (kernel: vring_used_event()). */
static inline __le16 *vring_used_event(const struct vring *vr)
{
	return &vr->avail->ring[vr->num];
}

/** @brief The device's avail_event field (kernel: vring_avail_event()). */
static inline __le16 *vring_avail_event(const struct vring *vr)
{
	return (__le16 *)&vr->used->ring[vr->num];
}

/**
 * @brief Whether moving an index from @p old to @p new_idx crossed
 * @p event_idx (kernel: vring_need_event()).
 *
 * True when event_idx lies in [old, new_idx) modulo 2^16: the other side
 * asked to be told once the index passed event_idx, and this step passed it.
 */
static inline bool vring_need_event(u16 event_idx, u16 new_idx, u16 old)
{
	return (u16)(new_idx - event_idx - 1) < (u16)(new_idx - old);
}

/** @brief True when @p num is a valid split queue size. */
static inline bool vring_size_valid(unsigned int num)
{
	return num && num <= VIRTQ_MAX_SIZE && !(num & (num - 1));
}

#endif /* VFSIM_SIM_VIRTIO_VIRTIO_RING_H */
