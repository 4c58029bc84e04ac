// SPDX-License-Identifier: GPL-2.0-only
/*
 * irq.c - a virtio device's interrupt line and the irq task behind it.
 */
#include "sim/virtio/irq.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim/kernel/footprint.h"
#include "sim/kernel/sched.h"
#include "sim/kernel/task.h"
#include "sim/trace/trace.h"
#include "sim/virtio/virtqueue.h"

/* The line's state is part of the device's footprint object (raised
 * from the device side, read by the irq task). */
static bool any_pending(const struct virtio_irq_line *line)
{
	fp_touch(&fp_device_state);
	for (size_t i = 0; i < ARRAY_SIZE(line->pending); i++)
		if (line->pending[i])
			return true;
	return false;
}

/* The lowest pending queue at or above @from, or VIRTIO_IRQ_MAX_QUEUES:
 * one word test per 64 queues instead of one bit test per queue. */
static unsigned int next_pending(const struct virtio_irq_line *line,
				 unsigned int from)
{
	fp_touch(&fp_device_state);
	for (unsigned int w = from / 64; w < ARRAY_SIZE(line->pending); w++) {
		u64 bits = line->pending[w];

		if (w == from / 64)
			bits &= ~0ULL << (from % 64);
		if (bits)
			return w * 64 + (unsigned int)__builtin_ctzll(bits);
	}
	return VIRTIO_IRQ_MAX_QUEUES;
}

/* The device side raises: mark the queue pending and wake the irq task. */
static irqreturn_t line_raise(struct virtio_device *vdev, unsigned int idx)
{
	struct virtio_irq_line *line = vdev->irq_line;

	/* virtio_transport_raise_irq() checked idx against nvqs. */
	assert(line && idx < vdev->nvqs && idx < VIRTIO_IRQ_MAX_QUEUES);
	line->raised++;
	if (line->pending[idx / 64] & (1ULL << (idx % 64))) {
		TRACE(.kind = "irq.merged", .func = "vp_interrupt",
		      .queue = vdev->vqs[idx]->name,
		      .detail = "already pending");
		return IRQ_HANDLED;
	}
	line->pending[idx / 64] |= 1ULL << (idx % 64);
	TRACE(.kind = "irq.raise", .func = "vp_interrupt",
	      .queue = vdev->vqs[idx]->name);
	wake_up(&line->wq);
	return IRQ_HANDLED;
}

/*
 * The irq task: deliver pending queues lowest index first, then wait for
 * more. Guarantees that every raise before stop is delivered exactly once
 * (merged raises count once).
 */
static int irq_task_fn(void *arg)
{
	struct virtio_irq_line *line = arg;
	struct virtio_device *vdev = line->vdev;

	for (;;) {
		if (!any_pending(line)) {
			if (line->stop)
				break;
			wq_wait(&line->wq, SCHED_WAIT_IDLE, 0);
			continue;
		}
		/* Re-read after every delivery: a handler may raise again. */
		for (unsigned int idx = next_pending(line, 0);
		     idx < VIRTIO_IRQ_MAX_QUEUES;
		     idx = next_pending(line, idx + 1)) {
			line->pending[idx / 64] &= ~(1ULL << (idx % 64));
			if (idx >= vdev->nvqs || !vdev->vqs ||
			    !vdev->vqs[idx]) {
				TRACE(.kind = "irq.spurious",
				      .func = "vp_interrupt",
				      .args = TRACE_FMT("queue %u has no "
							"virtqueue",
							idx));
				continue;
			}
			line->handled++;
			/* the interrupt lands now or after what another CPU
			 * does first: a preemption point */
			sched_event_point();
			vring_interrupt(vdev->vqs[idx]);
		}
	}
	return 0;
}

int virtio_irq_line_init(struct virtio_irq_line *line,
			 struct virtio_device *vdev)
{
	if (vdev->irq_line)
		return -EBUSY;
	memset(line, 0, sizeof(*line));
	line->vdev = vdev;
	snprintf(line->name, sizeof(line->name), "irq/%u", vdev->index);
	__init_waitqueue_head(&line->wq, line->name);
	line->task = task_spawn_flags(irq_task_fn, line, line->name, TASK_IRQ,
				      0, TASK_F_DAEMON);
	line->saved_deliver = vdev->irq_deliver;
	vdev->irq_deliver = line_raise;
	vdev->irq_line = line;
	return 0;
}

void virtio_irq_line_stop(struct virtio_irq_line *line)
{
	struct virtio_device *vdev = line->vdev;

	fp_touch(&fp_device_state);
	if (vdev->irq_line != line)
		return;
	vdev->irq_deliver = line->saved_deliver;
	vdev->irq_line = NULL;
	line->stop = true;
	wake_up(&line->wq);
}
