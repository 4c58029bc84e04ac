// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_irq.c - the interrupt line: callbacks run in the irq task, raises
 * merge while pending, queues are served lowest first, sleeping in the
 * callback is reported, stop gives back direct delivery.
 */
#include <errno.h>
#include <string.h>

#include "sim/kernel/delay.h"
#include "sim/virtio/irq.h"
#include "sim/kernel/slab.h"
#include "sim/kernel/task.h"
#include "tests/sim/sim_test_util.h"
#include "tests/sim/test_vq_util.h"

#define NQ 3

static struct vringh vrh[NQ];
static struct virtio_device vdev;
static struct virtio_irq_line line;
static struct virtqueue *vqs[NQ];
static int calls[NQ];
static char order[16];
static const char *callback_task;
static int callback_kind;
static bool sleep_in_callback;

static int be_get_config(void *dev, unsigned int off, void *buf,
			 unsigned int len)
{
	(void)dev;
	(void)off;
	memset(buf, 0, len);
	return 0;
}

static void be_queue_ready(void *dev, unsigned int idx, gpa_t desc, gpa_t avail,
			   gpa_t used, u16 num, u64 features)
{
	(void)dev;
	CU_ASSERT_EQUAL(vringh_init(&vrh[idx], "dev", features, num, desc,
				    avail, used),
			0);
}

static bool be_kick(void *dev, unsigned int idx)
{
	(void)dev;
	(void)idx;
	return true;
}

static void be_reset(void *dev)
{
	(void)dev;
}

static const struct virtio_device_backend backend = {
	.num_queues = NQ,
	.queue_size = 8,
	.get_config = be_get_config,
	.queue_ready = be_queue_ready,
	.kick = be_kick,
	.reset = be_reset,
};

static bool raise_in_callback;

static void cb(struct virtqueue *vq)
{
	calls[vq->index]++;
	/* Queue 1's handler raises a lower and a higher queue. */
	if (raise_in_callback && vq->index == 1) {
		raise_in_callback = false;
		virtio_transport_raise_irq(&vdev, 0);
		virtio_transport_raise_irq(&vdev, 2);
	}
	order[strlen(order)] = (char)('0' + vq->index);
	/* Direct delivery from a test's main() runs outside any task. */
	callback_task = current ? current->name : "main";
	callback_kind = current ? current->kind : -1;
	if (sleep_in_callback)
		msleep(1);
}

static void setup(void)
{
	static void (*const cbs[NQ])(struct virtqueue *) = { cb, cb, cb };
	static const char *const names[NQ] = { "hiprio", "requests.0",
					       "requests.1" };

	tq_setup_mem(1 << 20);
	sim_test_setup();
	memset(calls, 0, sizeof(calls));
	memset(order, 0, sizeof(order));
	callback_task = NULL;
	sleep_in_callback = false;
	raise_in_callback = false;
	CU_ASSERT_EQUAL_FATAL(
		virtio_device_init(&vdev, VIRTIO_ID_FS, &backend, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(virtio_find_vqs(&vdev, NQ, vqs, cbs, names), 0);
	CU_ASSERT_EQUAL_FATAL(virtio_irq_line_init(&line, &vdev), 0);
}

static void teardown(void)
{
	virtio_irq_line_stop(&line);
	sched_run();
	vdev.config->del_vqs(&vdev);
	for (int i = 0; i < NQ; i++)
		vringh_exit(&vrh[i]);
	sim_test_teardown();
	tq_teardown();
}

/* Put one used buffer on queue @idx so vring_interrupt() sees work. */
static void complete_one(unsigned int idx, int *token)
{
	struct vringh_chain ch = { 0 };
	u8 *b = gmem_alloc(16, 0);

	CU_ASSERT_EQUAL(tq_add(vqs[idx], b, 1, b, 1, token), 0);
	CU_ASSERT_EQUAL(vringh_pop(&vrh[idx], &ch), 1);
	CU_ASSERT_EQUAL(vringh_push(&vrh[idx], ch.head, 1), 0);
	vringh_chain_release(&ch);
}

static int device_task(void *arg)
{
	(void)arg;
	virtio_transport_raise_irq(&vdev, 2);
	virtio_transport_raise_irq(&vdev, 0);
	virtio_transport_raise_irq(&vdev, 2); /* merges */
	return 0;
}

static void test_callbacks_run_in_irq_task(void)
{
	int t0, t2;

	complete_one(0, &t0);
	complete_one(2, &t2);
	CU_ASSERT_PTR_NOT_NULL(
		task_spawn(device_task, NULL, "dev", TASK_DEVICE, 0));
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_STRING_EQUAL(callback_task, "irq/0");
	CU_ASSERT_EQUAL(callback_kind, TASK_IRQ);
	/* Lowest queue first, and the second raise of queue 2 merged. */
	CU_ASSERT_STRING_EQUAL(order, "02");
	CU_ASSERT_EQUAL(line.raised, 3);
	CU_ASSERT_EQUAL(line.handled, 2);
	CU_ASSERT(tq_traced("irq.merged"));
	CU_ASSERT(tq_traced("irq.raise"));
}

static void test_sleeping_in_callback_is_reported(void)
{
	int t;

	sleep_in_callback = true;
	complete_one(1, &t);
	virtio_transport_raise_irq(&vdev, 1);
	sched_run();
	CU_ASSERT_EQUAL(calls[1], 1);
	CU_ASSERT(check_count_kind("sleep.atomic") >= 1);
}

static void test_second_line_refused_and_stop_restores_direct(void)
{
	struct virtio_irq_line other;
	int t;

	CU_ASSERT_EQUAL(virtio_irq_line_init(&other, &vdev), -EBUSY);
	complete_one(1, &t);
	virtio_transport_raise_irq(&vdev, 1);
	virtio_irq_line_stop(&line);
	virtio_irq_line_stop(&line); /* twice is harmless */
	/* The pending interrupt is still delivered by the task. */
	CU_ASSERT_EQUAL(calls[1], 0);
	sched_run();
	CU_ASSERT_EQUAL(calls[1], 1);
	CU_ASSERT(task_done(line.task));
	/* Now delivery is direct, in the caller's context. */
	complete_one(1, &t);
	callback_task = NULL;
	CU_ASSERT_EQUAL(virtio_transport_raise_irq(&vdev, 1), IRQ_HANDLED);
	CU_ASSERT_EQUAL(calls[1], 2);
	CU_ASSERT_STRING_EQUAL(callback_task, "main");
	CU_ASSERT_PTR_NULL(vdev.irq_line);
}

static void test_queues_deleted_while_pending(void)
{
	/* The driver tore its queues down before the irq task ran. */
	CU_ASSERT_EQUAL(virtio_transport_raise_irq(&vdev, 1), IRQ_HANDLED);
	vdev.config->del_vqs(&vdev);
	sched_run();
	CU_ASSERT(tq_traced("irq.spurious"));
	CU_ASSERT_EQUAL(line.handled, 0);
	CU_ASSERT_EQUAL(calls[1], 0);
	/* And a raise for a queue that does not exist never reaches it. */
	CU_ASSERT_EQUAL(virtio_transport_raise_irq(&vdev, 1), IRQ_NONE);
}

/* A raise during delivery: a higher queue is served in the same pass, a
 * lower one in the next pass; each exactly once. */
static void test_raise_during_delivery(void)
{
	int t[NQ];

	for (unsigned int i = 0; i < NQ; i++)
		complete_one(i, &t[i]);
	raise_in_callback = true;
	virtio_transport_raise_irq(&vdev, 1);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_STRING_EQUAL(order, "120");
	CU_ASSERT_EQUAL(line.handled, 3);
}

/* Pending bits in more than one word: served lowest first, and a bit no
 * queue stands for (the line holds up to VIRTIO_IRQ_MAX_QUEUES) is
 * spurious, not a crash. */
static void test_pending_beyond_first_word(void)
{
	int t;

	complete_one(1, &t);
	line.pending[1] = 1ULL << 6; /* queue 70 */
	line.pending[VIRTIO_IRQ_MAX_QUEUES / 64 - 1] = 1ULL << 63;
	CU_ASSERT_EQUAL(virtio_transport_raise_irq(&vdev, 1), IRQ_HANDLED);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_STRING_EQUAL(order, "1");
	CU_ASSERT(tq_traced("queue 70 has no virtqueue"));
	CU_ASSERT(tq_traced("queue 255 has no virtqueue"));
	CU_ASSERT_EQUAL(line.pending[1], 0);
}

VT_SUITE_EACH(sim_irq, setup, teardown, VT_CASE(test_callbacks_run_in_irq_task),
	      VT_CASE(test_sleeping_in_callback_is_reported),
	      VT_CASE(test_second_line_refused_and_stop_restores_direct),
	      VT_CASE(test_queues_deleted_while_pending),
	      VT_CASE(test_raise_during_delivery),
	      VT_CASE(test_pending_beyond_first_word));
