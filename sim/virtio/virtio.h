/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file virtio.h
 * @brief The virtio transport: what a driver and a device share besides
 * guest memory -- config space, feature bits, device status, queue setup,
 * notifications (kick one way, interrupt the other), reset and hot-unplug.
 *
 * The driver sees a `struct virtio_device` with the kernel's API
 * (virtio_cread_bytes(), virtio_has_feature(), virtio_find_vqs(),
 * virtio_device_ready(), virtio_reset_device(), vdev->config->del_vqs()).
 * The device plugs in with a `struct virtio_device_backend` ops table and
 * raises interrupts with virtio_transport_raise_irq(). guest/ and device/
 * meet only here and in guest memory.
 *
 * Every kick passes through virtio_transport_kick() and every interrupt
 * through virtio_transport_raise_irq(); each calls a replaceable hook
 * (`kick_deliver`, `irq_deliver`) so a scheduler can later turn them into
 * task wake-ups without touching either side.
 * @ingroup sim_virtio
 */
#ifndef VFSIM_SIM_VIRTIO_VIRTIO_H
#define VFSIM_SIM_VIRTIO_VIRTIO_H

#include "fuse_proto/fuse_proto.h"
#include "sim/kernel/gmem.h"
#include "sim/kernel/types.h"
#include "sim/virtio/virtqueue.h"

/** @brief Status bit: the guest noticed the device. */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE 1
/** @brief Status bit: the guest knows how to drive it. */
#define VIRTIO_CONFIG_S_DRIVER 2
/** @brief Status bit: the driver is set up and ready. */
#define VIRTIO_CONFIG_S_DRIVER_OK 4
/** @brief Status bit: feature negotiation is complete. */
#define VIRTIO_CONFIG_S_FEATURES_OK 8
/** @brief Status bit (device): the device hit an error and needs a reset. */
#define VIRTIO_CONFIG_S_NEEDS_RESET 0x40
/** @brief Status bit: the driver gave up on the device. */
#define VIRTIO_CONFIG_S_FAILED 0x80

/** @brief Device ID of a virtio-fs device. */
#define VIRTIO_ID_FS 26

struct virtio_device;
struct virtio_irq_line;

/**
 * @brief The device side of the transport. Every hook gets the device's
 * own pointer back (@ref virtio_device::backend_dev).
 */
struct virtio_device_backend {
	u64 features;		 /**< feature bits the device offers */
	unsigned int num_queues; /**< queues the device has */
	unsigned int queue_size; /**< size of each queue (a power of two) */
	/** Copy @p len config bytes at @p off into @p buf; 0 or -errno. */
	int (*get_config)(void *dev, unsigned int off, void *buf,
			  unsigned int len);
	/** The driver accepted @p features; a negative errno refuses them
	 *  (FEATURES_OK then stays clear). NULL accepts anything offered. */
	int (*set_features)(void *dev, u64 features);
	/** Queue @p idx is set up at these GPAs with @p num entries. */
	void (*queue_ready)(void *dev, unsigned int idx, gpa_t desc,
			    gpa_t avail, gpa_t used, u16 num, u64 features);
	/** The driver kicked queue @p idx; false means the device is gone. */
	bool (*kick)(void *dev, unsigned int idx);
	/** The driver reset the device: forget every queue. */
	void (*reset)(void *dev);
	/** The driver wrote the status byte (after any reset). May be NULL. */
	void (*set_status)(void *dev, u8 status);
	/** Shared memory region @p id (a virtio-fs cache window): its
	 *  length, or 0 when the device has none. May be NULL (none). */
	u64 (*shm_region_len)(void *dev, u8 id);
};

/** @brief A shared memory region of a device (kernel: struct
 *  virtio_shm_region). */
struct virtio_shm_region {
	u64 addr; /**< where it starts in the guest's physical space */
	u64 len;  /**< its length in bytes */
};

struct cpumask;

/** @brief Transport operations (kernel: struct virtio_config_ops). */
struct virtio_config_ops {
	/** Read config bytes (kernel: ->get). */
	int (*get)(struct virtio_device *vdev, unsigned int offset, void *buf,
		   unsigned int len);
	/** Read the status byte. */
	u8 (*get_status)(struct virtio_device *vdev);
	/** Write the status byte. */
	void (*set_status)(struct virtio_device *vdev, u8 status);
	/** Reset the device (status 0). */
	void (*reset)(struct virtio_device *vdev);
	/** Create the queues (see virtio_find_vqs()). */
	int (*find_vqs)(struct virtio_device *vdev, unsigned int nvqs,
			struct virtqueue *vqs[],
			void (*const callbacks[])(struct virtqueue *),
			const char *const names[]);
	/** Free every queue. */
	void (*del_vqs)(struct virtio_device *vdev);
	/** The CPUs whose interrupts queue @p index is bound to (kernel:
	 *  ->get_vq_affinity, which PCI's MSI-X gives). NULL here, as in
	 *  virtio-mmio, whose twin this transport is. */
	const struct cpumask *(*get_vq_affinity)(struct virtio_device *vdev,
						 int index);
	/** Find shared memory region @p id (kernel: ->get_shm_region).
	 *  @return true and fills @p region when the device has it */
	bool (*get_shm_region)(struct virtio_device *vdev,
			       struct virtio_shm_region *region, u8 id);
};

/** @brief A virtio driver (kernel: struct virtio_driver). */
struct virtio_driver {
	const char *name;		   /**< driver name */
	const unsigned int *feature_table; /**< feature bits it understands */
	unsigned int feature_table_size;   /**< entries in feature_table */
	int (*probe)(struct virtio_device *vdev);   /**< bind; 0 or -errno */
	void (*remove)(struct virtio_device *vdev); /**< unbind (unplug) */
	int (*freeze)(struct virtio_device *vdev);  /**< suspend; may be NULL */
	int (*restore)(struct virtio_device *vdev); /**< resume; may be NULL */
};

/** @brief A virtio device as the driver sees it (kernel: struct
 *  virtio_device), plus the transport's own state. */
struct virtio_device {
	unsigned int index; /**< device number, for names */
	u32 id;		    /**< device ID, e.g. VIRTIO_ID_FS */
	const struct virtio_config_ops *config; /**< transport operations */
	u64 features;		      /**< negotiated features (driver view) */
	void *priv;		      /**< for the driver */
	struct virtio_driver *driver; /**< bound driver, or NULL */
	bool removed; /**< unplugged (remove() returned): kicks fail */
	u8 status;    /**< device status byte */
	struct virtqueue **vqs; /**< queues from find_vqs, by index */
	unsigned int nvqs;	/**< entries in vqs */
	const struct virtio_device_backend *backend; /**< device side */
	void *backend_dev; /**< device side's own pointer */
	/** Delivers a kick to the device; replaceable (default: backend
	 *  kick). false means the device could not be told. */
	bool (*kick_deliver)(struct virtio_device *vdev, unsigned int idx);
	/** Delivers an interrupt to the driver; replaceable (default:
	 *  vring_interrupt() on queue @p idx). */
	irqreturn_t (*irq_deliver)(struct virtio_device *vdev,
				   unsigned int idx);
	/** the interrupt line serving this device, or NULL (sim/virtio/irq.h) */
	struct virtio_irq_line *irq_line;
};

/**
 * @brief Join a device side to a fresh virtio_device (the transport's
 * "device appears" step): zero it, reset the device, set ACKNOWLEDGE.
 * @return 0, or -EINVAL when the backend lacks a mandatory hook or has a
 *         bad queue size
 */
int virtio_device_init(struct virtio_device *vdev, u32 id,
		       const struct virtio_device_backend *backend,
		       void *backend_dev);

/**
 * @brief Bind a driver (kernel: virtio_dev_probe()): DRIVER, feature
 * negotiation, FEATURES_OK, probe, then DRIVER_OK unless probe did it.
 * @return 0; -ENODEV when VERSION_1 is not offered or the device refuses
 *         the features; probe's error (status FAILED is set then)
 */
int virtio_driver_probe(struct virtio_device *vdev, struct virtio_driver *drv);

/**
 * @brief Hot-unplug (kernel: virtio_dev_remove() after the bus said the
 * device went away): kicks fail from now on, the driver's remove() runs,
 * and the device is left reset.
 */
void virtio_device_unplug(struct virtio_device *vdev);

/** @brief Suspend through the driver's freeze() (kernel:
 *  virtio_device_freeze()). @return 0, -EOPNOTSUPP without a hook, or the
 *  driver's error. */
int virtio_device_freeze(struct virtio_device *vdev);

/** @brief Resume (kernel: virtio_device_restore()): reset, renegotiate,
 *  restore(), DRIVER_OK. @return 0 or an error as virtio_driver_probe(). */
int virtio_device_restore(struct virtio_device *vdev);

/** @brief True when @p fbit was negotiated (kernel: virtio_has_feature()). */
bool virtio_has_feature(const struct virtio_device *vdev, unsigned int fbit);

/**
 * @brief Kernel: virtio_get_shm_region(): find the device's shared memory
 * region @p id through the transport.
 * @return true and fills @p region when there is one
 */
bool virtio_get_shm_region(struct virtio_device *vdev,
			   struct virtio_shm_region *region, u8 id);

/** @brief Read config space (kernel: virtio_cread_bytes()).
 *  @return 0, or the device's -errno (e.g. -EINVAL out of range). */
int virtio_cread_bytes(struct virtio_device *vdev, unsigned int offset,
		       void *buf, size_t len);

/** @brief Read a little-endian u32 of config space (kernel:
 *  virtio_cread32()); 0 when the read fails. */
u32 virtio_cread32(struct virtio_device *vdev, unsigned int offset);

/** @brief Read a little-endian u16 of config space; 0 on failure. */
u16 virtio_cread16(struct virtio_device *vdev, unsigned int offset);

/** @brief Read a little-endian config field by name (kernel:
 *  virtio_cread_le()), e.g. virtio_cread_le(vdev, struct virtio_fs_config,
 *  num_request_queues, &n). Fields of 2 or 4 bytes. */
#define virtio_cread_le(vdev, structname, member, ptr)                         \
	do {                                                                   \
		_Static_assert(sizeof(((structname *)0)->member) == 2 ||       \
				       sizeof(((structname *)0)->member) == 4, \
			       "virtio_cread_le: 2 or 4 bytes");               \
		if (sizeof(((structname *)0)->member) == 2)                    \
			*(ptr) = virtio_cread16(vdev,                          \
						offsetof(structname, member)); \
		else                                                           \
			*(ptr) = virtio_cread32(vdev,                          \
						offsetof(structname, member)); \
	} while (0)

/** @brief Read the status byte. */
u8 virtio_get_status(struct virtio_device *vdev);

/** @brief OR @p status into the status byte (kernel: virtio_add_status()). */
void virtio_add_status(struct virtio_device *vdev, u8 status);

/** @brief Set DRIVER_OK (kernel: virtio_device_ready()). */
void virtio_device_ready(struct virtio_device *vdev);

/** @brief Reset the device: status 0, the device forgets its queues
 *  (kernel: virtio_reset_device()). Queues stay allocated until del_vqs. */
void virtio_reset_device(struct virtio_device *vdev);

/** @brief Break every queue (kernel: virtio_break_device()). */
void virtio_break_device(struct virtio_device *vdev);

/**
 * @brief Create @p nvqs queues in guest memory and tell the device (kernel:
 * virtio_find_vqs()).
 * @param vdev the device
 * @param nvqs number of queues
 * @param vqs receives the queues
 * @param callbacks interrupt callback per queue (entries may be NULL)
 * @param names name per queue (not copied)
 * @return 0; -ENOENT when the device has fewer queues; -ENOMEM when guest
 *         memory has no room for the rings (nothing is left allocated
 *         then); -EBUSY when queues already exist
 */
int virtio_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
		    struct virtqueue *vqs[],
		    void (*const callbacks[])(struct virtqueue *),
		    const char *const names[]);

/** @brief Kick queue @p idx: the one place kicks go through. @return false
 *  when the device is gone or the hook failed. */
bool virtio_transport_kick(struct virtio_device *vdev, unsigned int idx);

/** @brief Interrupt the driver for queue @p idx: the one place interrupts
 *  go through. @return what the handler said, IRQ_NONE for a bad index. */
irqreturn_t virtio_transport_raise_irq(struct virtio_device *vdev,
				       unsigned int idx);

/**
 * @brief Migration: move the guest's transport to another device side
 *        without the driver noticing (the driver's queues, status and
 *        features stay as they are).
 *
 * The new back end is given the negotiated features (set_features), the
 * status byte (set_status) and every queue's GPAs and size (queue_ready),
 * in that order; the avail index it pops from next is whatever it was told
 * by SET_VRING_BASE before (the front end's job). From then on kicks go to
 * the new back end through virtio_transport_kick(), and the interrupts it
 * raises reach the driver through virtio_transport_raise_irq(), which it
 * must be pointed at (SET_VRING_CALL) by the caller. The old back end is
 * not told anything: it is expected to be stopped already.
 * @param vdev the guest's device
 * @param backend the new device side (same queue count and size)
 * @param backend_dev its own pointer
 * @return 0; -EINVAL when a mandatory hook is missing or the queue count
 *         or size differs; -ENODEV when the new side refuses the features
 *         (nothing changed then)
 */
int virtio_transport_switch_backend(struct virtio_device *vdev,
				    const struct virtio_device_backend *backend,
				    void *backend_dev);

/** @brief Device side: a queue is malformed; set NEEDS_RESET. */
void virtio_transport_needs_reset(struct virtio_device *vdev);

#endif /* VFSIM_SIM_VIRTIO_VIRTIO_H */
