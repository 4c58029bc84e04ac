/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file virtqueue.h
 * @brief Driver side of a split virtqueue, after the kernel's
 * drivers/virtio/virtio_ring.c.
 *
 * The ring lives in guest memory (gmem_alloc); the driver keeps private
 * bookkeeping (free list, per-head tokens, shadow indices) in host memory,
 * so a device that scribbles over the ring cannot mislead the free list.
 * Used elements are checked before they are trusted: an id out of range or
 * not in flight, a length beyond the chain's writable size, or a used index
 * that jumped by more than the queue size marks the queue broken (the
 * kernel's BAD_RING) with a "vq.broken" trace event.
 *
 * Not thread-safe, like the kernel's: the caller serialises (a spinlock in
 * the guest model).
 * @ingroup sim_virtio
 */
#ifndef VFSIM_SIM_VIRTIO_VIRTQUEUE_H
#define VFSIM_SIM_VIRTIO_VIRTQUEUE_H

#include "sim/kernel/gmem.h"
#include "sim/kernel/scatterlist.h"
#include "sim/kernel/slab.h"
#include "sim/kernel/types.h"
#include "sim/virtio/virtio_ring.h"

struct virtio_device;

#ifndef VFSIM_IRQRETURN_DEFINED
/** @brief Guards irqreturn_t, which another sim header may also define. */
#define VFSIM_IRQRETURN_DEFINED
/** @brief What an interrupt handler says (kernel: irqreturn_t). */
typedef enum irqreturn {
	IRQ_NONE = 0,	/**< the interrupt was not for us (nothing new) */
	IRQ_HANDLED = 1 /**< the interrupt was handled */
} irqreturn_t;
#endif

/** @brief The public face of a virtqueue (kernel: struct virtqueue). */
struct virtqueue {
	void (*callback)(
		struct virtqueue *vq); /**< called by vring_interrupt() */
	const char *name;	    /**< name for traces, e.g. "requests.0" */
	struct virtio_device *vdev; /**< owning device, or NULL standalone */
	unsigned int index;	    /**< queue index on its device */
	unsigned int num_free;	    /**< descriptors not in use */
	void *priv;		    /**< for the driver */
};

/** @brief Transport hook that kicks the device; false means it failed. */
typedef bool (*vq_notify_fn)(struct virtqueue *vq);

/** @brief Read-only summary of the driver's state, for pictures and checks. */
struct virtqueue_info {
	unsigned int num;	/**< queue size */
	gpa_t desc;		/**< GPA of the descriptor table */
	gpa_t avail;		/**< GPA of the avail ring */
	gpa_t used;		/**< GPA of the used ring */
	u16 avail_idx;		/**< driver's avail index (shadow) */
	u16 last_used_idx;	/**< next used slot the driver will read */
	u16 free_head;		/**< first descriptor of the free list */
	unsigned int in_flight; /**< chains made available, not yet got back */
	bool broken;		/**< queue is broken */
	bool event_idx;		/**< EVENT_IDX negotiated */
	bool indirect;		/**< INDIRECT_DESC negotiated */
	bool cb_disabled;	/**< callbacks disabled (NO_INTERRUPT shadow) */
};

/**
 * @brief Create a split virtqueue in guest memory (kernel:
 * vring_create_virtqueue(), with the arguments this simulation needs).
 * @param index queue index on its device
 * @param num queue size, a power of two <= VIRTQ_MAX_SIZE
 * @param features negotiated feature bits (INDIRECT_DESC, EVENT_IDX used)
 * @param notify transport kick hook (must not be NULL)
 * @param callback interrupt callback, or NULL
 * @param name queue name (interned with trace_name(): the caller's string
 *        need not outlive the queue)
 * @return the queue with all rings zeroed, or NULL for a bad size or when
 *         guest or host memory runs out
 */
struct virtqueue *vring_create_virtqueue(unsigned int index, unsigned int num,
					 u64 features, vq_notify_fn notify,
					 void (*callback)(struct virtqueue *),
					 const char *name);

/** @brief Free a queue and its rings (kernel: vring_del_virtqueue()).
 *  Tokens still in flight are dropped; indirect tables are freed. */
void vring_del_virtqueue(struct virtqueue *vq);

/**
 * @brief Free the queues vring_del_virtqueue() deleted (vfsim's own: it
 * keeps each one's host struct, rings freed, so that a driver call on it
 * is a "kasan.uaf" report instead of a read of freed host memory). The
 * machine's teardown calls it.
 */
void vring_free_deleted(void);

/**
 * @brief Expose a buffer to the device (kernel: virtqueue_add_sgs()).
 * @param vq the queue
 * @param sgs out_sgs readable lists followed by in_sgs writable lists, each
 *        terminated by its end mark
 * @param out_sgs number of device-readable lists
 * @param in_sgs number of device-writable lists
 * @param data token returned by virtqueue_get_buf() (must not be NULL)
 * @param gfp allocation context of the indirect table
 * @return 0; -ENOSPC when the descriptors run out; -EIO when the queue is
 *         broken; -EINVAL for no buffers, a NULL token or a buffer outside
 *         guest memory
 *
 * With INDIRECT_DESC and more than one buffer the chain goes into an
 * indirect table in guest memory; if that allocation fails the chain falls
 * back to direct descriptors, as the kernel does. On -ENOSPC with readable
 * buffers the device is kicked so it drains the ring (kernel behaviour).
 */
int virtqueue_add_sgs(struct virtqueue *vq, struct scatterlist *sgs[],
		      unsigned int out_sgs, unsigned int in_sgs, void *data,
		      gfp_t gfp);

/**
 * @brief Publish and decide whether the device needs a kick (kernel:
 * virtqueue_kick_prepare()). With EVENT_IDX: vring_need_event() against
 * avail_event; else !(used->flags & VRING_USED_F_NO_NOTIFY).
 */
bool virtqueue_kick_prepare(struct virtqueue *vq);

/** @brief Kick the device through the transport (kernel:
 *  virtqueue_notify()). @return false when broken or the hook failed (the
 *  queue is then broken). */
bool virtqueue_notify(struct virtqueue *vq);

/** @brief kick_prepare + notify (kernel: virtqueue_kick()). @return false
 *  only when a needed notify failed. */
bool virtqueue_kick(struct virtqueue *vq);

/**
 * @brief Take the next used buffer (kernel: virtqueue_get_buf()).
 * @param vq the queue
 * @param len set to the bytes the device wrote
 * @return the token given to virtqueue_add_sgs(), or NULL when nothing is
 *         used yet, the queue is broken, or the used element is bad (the
 *         queue is then broken)
 */
void *virtqueue_get_buf(struct virtqueue *vq, unsigned int *len);

/** @brief Ask the device not to interrupt (kernel: virtqueue_disable_cb()).
 *  With EVENT_IDX, used_event is moved out of reach. */
void virtqueue_disable_cb(struct virtqueue *vq);

/** @brief Re-enable interrupts and return the used index to poll with
 *  (kernel: virtqueue_enable_cb_prepare()). */
unsigned int virtqueue_enable_cb_prepare(struct virtqueue *vq);

/** @brief True when used buffers arrived after @p last_used_idx was
 *  taken (kernel: virtqueue_poll()); false when broken. */
bool virtqueue_poll(struct virtqueue *vq, unsigned int last_used_idx);

/**
 * @brief Re-enable interrupts (kernel: virtqueue_enable_cb()).
 * @return false when buffers arrived meanwhile: the caller must process
 *         them and try again, or it may wait for an interrupt that never
 *         comes
 */
bool virtqueue_enable_cb(struct virtqueue *vq);

/** @brief True once the queue is broken (kernel: virtqueue_is_broken()). */
bool virtqueue_is_broken(const struct virtqueue *vq);

/** @brief Break the queue: every later operation fails (kernel: what
 *  virtio_break_device() does per queue). Traced as "vq.broken". */
void virtqueue_set_broken(struct virtqueue *vq, const char *why);

/** @brief Take back one buffer the device never used, after a reset
 *  (kernel: virtqueue_detach_unused_buf()). @return its token or NULL. */
void *virtqueue_detach_unused_buf(struct virtqueue *vq);

/** @brief Queue size (kernel: virtqueue_get_vring_size()). */
unsigned int virtqueue_get_vring_size(const struct virtqueue *vq);

/** @brief GPA of the descriptor table (kernel: virtqueue_get_desc_addr()). */
gpa_t virtqueue_get_desc_addr(const struct virtqueue *vq);
/** @brief GPA of the avail ring (kernel: virtqueue_get_avail_addr()). */
gpa_t virtqueue_get_avail_addr(const struct virtqueue *vq);
/** @brief GPA of the used ring (kernel: virtqueue_get_used_addr()). */
gpa_t virtqueue_get_used_addr(const struct virtqueue *vq);

/** @brief Fill @p info with the driver's view of the queue. */
void virtqueue_get_info(const struct virtqueue *vq,
			struct virtqueue_info *info);

/** @brief True when descriptor @p id heads a chain in flight. */
bool virtqueue_head_in_flight(const struct virtqueue *vq, unsigned int id);

/**
 * @brief The interrupt entry (kernel: vring_interrupt()).
 * @return IRQ_NONE when no used buffer is new, else IRQ_HANDLED after
 *         calling the callback (not called when the queue is broken)
 */
irqreturn_t vring_interrupt(struct virtqueue *vq);

#endif /* VFSIM_SIM_VIRTIO_VIRTQUEUE_H */
