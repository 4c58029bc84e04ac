/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file irq.h
 * @brief A virtio device's interrupt line, served by an irq task.
 *
 * Without a line, virtio_transport_raise_irq() calls vring_interrupt() on
 * the raiser's stack: simple, but the driver's callback would run in the
 * device's task. A line makes interrupts asynchronous, as on hardware: the
 * device marks a queue pending and returns; the line's task (kind irq,
 * named "irq/N") wakes and calls vring_interrupt() for each pending queue
 * in ascending queue order, so the driver's callback (virtio_fs_vq_done())
 * runs in interrupt context, where sleeping is reported.
 *
 * Raising an interrupt that is already pending merges with it, as a real
 * edge-triggered line would.
 * @ingroup sim_virtio
 */
#ifndef VFSIM_SIM_VIRTIO_IRQ_H
#define VFSIM_SIM_VIRTIO_IRQ_H

#include "sim/virtio/virtio.h"
#include "sim/kernel/wait.h"

/** @brief Most queues one line can signal. */
#define VIRTIO_IRQ_MAX_QUEUES 256

struct task;

/** @brief The interrupt line of one virtio device (caller-owned memory). */
struct virtio_irq_line {
	struct virtio_device *vdev; /**< the device it serves */
	struct task *task;	    /**< the irq task */
	wait_queue_head_t wq;	    /**< where the irq task waits */
	/** pending queues, one bit each */
	u64 pending[VIRTIO_IRQ_MAX_QUEUES / 64];
	bool stop;   /**< set by virtio_irq_line_stop() */
	u64 raised;  /**< interrupts raised (merged ones included) */
	u64 handled; /**< vring_interrupt() calls made */
	/** the delivery hook the line replaced, restored by stop */
	irqreturn_t (*saved_deliver)(struct virtio_device *vdev,
				     unsigned int idx);
	char name[24]; /**< task name, "irq/N" */
};

/**
 * @brief Route @p vdev's interrupts through a new irq task.
 *
 * Needs a running scheduler (sched_init()). @p line must stay valid until
 * its task has finished (task_done(line->task)) or the scheduler is torn
 * down.
 * @return 0, or -EBUSY when the device already has a line
 */
int virtio_irq_line_init(struct virtio_irq_line *line,
			 struct virtio_device *vdev);

/**
 * @brief Give the device back its direct delivery and end the irq task.
 * Interrupts still pending are delivered first.
 */
void virtio_irq_line_stop(struct virtio_irq_line *line);

#endif /* VFSIM_SIM_VIRTIO_IRQ_H */
