/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vringh.h
 * @brief Device side of a split virtqueue, in the spirit of the kernel's
 * drivers/vhost/vringh.c (but simpler).
 *
 * A device knows a ring only by the guest physical addresses and size the
 * transport gave it. It reads the descriptor table and the avail ring, and
 * writes the used ring, only through copy_from_guest() / copy_to_guest();
 * it never holds a C pointer into the driver's memory.
 *
 * Every chain is validated before the device acts on it. A malformed ring
 * is the driver's bug: the queue is marked as needing a reset (a sticky
 * flag: the device model raises VIRTIO_CONFIG_S_NEEDS_RESET), a
 * "vq.bad_chain" trace event says why, and every later call fails with
 * -EIO until vringh_init() is called again. The errors, one per fault:
 *
 * | errno       | fault                                                     |
 * |-------------|-----------------------------------------------------------|
 * | -ELOOP      | a chain visits a descriptor twice (a loop)                |
 * | -ERANGE     | a `next` index out of range (table size)                  |
 * | -EFAULT     | a buffer (or indirect table) outside guest memory, or the |
 * |             | ring itself unreadable                                    |
 * | -EOVERFLOW  | readable or writable lengths sum past 2^32 - 1            |
 * | -EPROTO     | a readable descriptor after a writable one                |
 * | -E2BIG      | an indirect chain longer than the queue size (its table   |
 * |             | may be longer, the chain may not)                         |
 * | -EMLINK     | an indirect descriptor inside an indirect table           |
 * | -EMSGSIZE   | an indirect table of length 0 or not a multiple of 16     |
 * | -EINVAL     | INDIRECT without the feature, or with F_NEXT set          |
 * | -EILSEQ     | the avail index moved by more than the queue size         |
 * | -ENXIO      | a head index (avail ring entry) out of range              |
 * | -EIO        | the queue already needs a reset                           |
 * @ingroup sim_virtio
 */
#ifndef VFSIM_SIM_VIRTIO_VRINGH_H
#define VFSIM_SIM_VIRTIO_VRINGH_H

#include <sys/types.h>

#include "sim/kernel/gmem.h"
#include "sim/kernel/types.h"
#include "sim/virtio/virtio_ring.h"

/**
 * @brief One buffer of a chain, as the device sees it.
 *
 * A plain description: vringh_chain_read() and vringh_chain_write() check
 * the range at every copy (-EFAULT outside guest memory), so a chain the
 * caller builds, field by field or in uninitialised memory, is as safe as
 * a popped one.
 */
struct vringh_seg {
	gpa_t gpa;     /**< guest physical address */
	u32 len;       /**< bytes */
	bool writable; /**< device writes it (VIRTQ_DESC_F_WRITE) */
};

/** @brief A popped chain: its head and its buffers, readable ones first. */
struct vringh_chain {
	u16 head; /**< head index, to give back with vringh_push() */
	unsigned int nr_segs; /**< buffers in @ref segs */
	unsigned int nr_out;  /**< readable buffers (they come first) */
	u32 out_len;	      /**< bytes the device may read */
	u32 in_len;	      /**< bytes the device may write */
	bool indirect;	      /**< the chain went through an indirect table */
	struct vringh_seg *segs; /**< host array, grown by vringh_pop() */
	unsigned int cap;	 /**< capacity of @ref segs */
};

/** @brief The device's view of one split ring. */
struct vringh {
	const char *name;   /**< queue name for traces */
	unsigned int num;   /**< queue size */
	bool event_idx;	    /**< VIRTIO_RING_F_EVENT_IDX negotiated */
	bool indirect;	    /**< VIRTIO_RING_F_INDIRECT_DESC negotiated */
	gpa_t desc;	    /**< GPA of the descriptor table */
	gpa_t avail;	    /**< GPA of the avail ring */
	gpa_t used;	    /**< GPA of the used ring */
	u16 last_avail_idx; /**< next avail slot the device will pop */
	u16 avail_idx;	    /**< the avail index as last read (vhost's
			*   vq->avail_idx): vringh_pop() reads the ring's
			*   index again only once it has popped up to it */
	u16 last_used_idx;  /**< the used index the device will publish next */
	u16 signalled_used; /**< used index at the last notify decision */
	bool signalled_used_valid; /**< signalled_used is meaningful */
	bool notify_enabled; /**< device wants kicks (see notify_disable) */
	bool needs_reset;    /**< sticky: the ring was malformed */
	int error;	     /**< the errno that set needs_reset, or 0 */
	u32 *visit;	     /**< host scratch: loop detection stamps */
	u32 stamp;	     /**< current stamp in @ref visit */
};

/**
 * @brief Attach to a ring given by GPAs (after the transport's queue setup).
 * Reads the current used index from guest memory, so a ring that already
 * ran (migration) continues where it was.
 * @param vrh the view to fill (any previous contents are released)
 * @param name queue name for traces (interned with trace_name())
 * @param features negotiated feature bits
 * @param num queue size
 * @param desc GPA of the descriptor table
 * @param avail GPA of the avail ring
 * @param used GPA of the used ring
 * @return 0, -EINVAL for a bad size or misaligned address, -EFAULT when a
 *         ring lies outside guest memory
 */
int vringh_init(struct vringh *vrh, const char *name, u64 features,
		unsigned int num, gpa_t desc, gpa_t avail, gpa_t used);

/** @brief Release host memory held by @p vrh. Safe on a zeroed view. */
void vringh_exit(struct vringh *vrh);

/**
 * @brief Number of chains available and not yet popped.
 * @return the count, or -EILSEQ / -EFAULT / -EIO (see the table)
 */
int vringh_avail_count(struct vringh *vrh);

/**
 * @brief Pop and validate the next available chain.
 * @param vrh the ring
 * @param ch receives the chain (its segs array is grown as needed; release
 *        it with vringh_chain_release())
 * @return 1 when a chain was popped, 0 when none is available, or a
 *         negative errno from the table (the queue then needs a reset)
 *
 * With EVENT_IDX and notifications enabled, avail_event is moved to the new
 * last_avail_idx, so the driver kicks for the next buffer.
 */
int vringh_pop(struct vringh *vrh, struct vringh_chain *ch);

/** @brief Free the host array of a chain. */
void vringh_chain_release(struct vringh_chain *ch);

/**
 * @brief Copy from the readable part of a chain, starting @p off bytes in.
 * @return bytes copied (less than @p len at the end of the readable part),
 *         or -EFAULT
 */
ssize_t vringh_chain_read(const struct vringh_chain *ch, size_t off, void *buf,
			  size_t len);

/**
 * @brief Scatter @p buf into the writable part of a chain, @p off bytes in.
 * The writable buffers are looked for from index nr_out on (the readable
 * ones come first).
 * @return bytes written (less than @p len when the writable part is
 *         shorter), or -EFAULT
 */
ssize_t vringh_chain_write(const struct vringh_chain *ch, size_t off,
			   const void *buf, size_t len);

/**
 * @brief Say that a popped chain's buffer could not be copied
 * (vringh_chain_read() or vringh_chain_write() returned an error): a
 * vhost-user front end took its memory region away after the pop. The
 * ring needs a reset (sticky, traced "vq.bad_chain"), as when
 * vringh_pop() finds a buffer outside guest memory; vringh_push() then
 * returns -EIO. vfsim's own: the kernel's vringh leaves this to its
 * caller.
 * @param vrh the ring
 * @param head the chain's head index
 * @param err the copy's errno (negative)
 * @param why what was being copied, for the trace
 * @return @p err; -EIO, with nothing traced, when the ring already needs
 *         a reset
 */
int vringh_chain_fault(struct vringh *vrh, u16 head, int err, const char *why);

/**
 * @brief Give a chain back: write used element {head, len} and publish it.
 * @return 0, -EIO when the queue needs a reset, -EFAULT when the used ring
 *         is not writable
 */
int vringh_push(struct vringh *vrh, u16 head, u32 len);

/**
 * @brief Whether the driver wants an interrupt for what was pushed since
 * the last call (kernel twin: vringh_need_notify_*()). With EVENT_IDX,
 * vring_need_event() against used_event; else the avail ring's
 * VRING_AVAIL_F_NO_INTERRUPT flag.
 */
bool vringh_need_notify(struct vringh *vrh);

/** @brief Tell the driver not to kick (kernel: vringh_notify_disable_*()):
 *  sets VRING_USED_F_NO_NOTIFY, or with EVENT_IDX stops moving avail_event. */
void vringh_notify_disable(struct vringh *vrh);

/**
 * @brief Ask the driver to kick again (kernel: vringh_notify_enable_*()):
 * clears VRING_USED_F_NO_NOTIFY, or with EVENT_IDX writes avail_event.
 * @return false when buffers are already available (re-check before
 *         waiting, or the kick may never come)
 */
bool vringh_notify_enable(struct vringh *vrh);

/** @brief The device's next avail index (vhost-user GET_VRING_BASE). */
u16 vringh_get_last_avail(const struct vringh *vrh);

/** @brief Restart popping at @p idx (vhost-user SET_VRING_BASE). */
void vringh_set_last_avail(struct vringh *vrh, u16 idx);

/** @brief True once the ring was found malformed (sticky). */
bool vringh_needs_reset(const struct vringh *vrh);

#endif /* VFSIM_SIM_VIRTIO_VRINGH_H */
