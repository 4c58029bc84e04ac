// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vq.c - driver side of the split ring: layout in guest memory,
 * add/kick/get_buf, errors, callbacks, used-element validation.
 */
#include "tests/sim/test_vq_util.h"

static void setup(void)
{
	tq_setup_mem(1 << 22);
}

static struct vring_desc *descs(struct virtqueue *vq)
{
	return phys_to_virt(virtqueue_get_desc_addr(vq));
}

static struct vring_avail *avail(struct virtqueue *vq)
{
	return phys_to_virt(virtqueue_get_avail_addr(vq));
}

static struct vring_used *used(struct virtqueue *vq)
{
	return phys_to_virt(virtqueue_get_used_addr(vq));
}

static u16 avail_event(struct virtqueue *vq)
{
	__le16 v = 0;

	CU_ASSERT_EQUAL(
		copy_from_guest(&v,
				virtqueue_get_used_addr(vq) +
					vring_avail_event_off(
						virtqueue_get_vring_size(vq)),
				2),
		0);
	return le16_to_cpu(v);
}

static void test_create_rules(void)
{
	struct virtqueue *vq;

	CU_ASSERT_PTR_NULL(
		vring_create_virtqueue(0, 0, 0, tq_notify, NULL, "x"));
	CU_ASSERT_PTR_NULL(
		vring_create_virtqueue(0, 3, 0, tq_notify, NULL, "x"));
	CU_ASSERT_PTR_NULL(
		vring_create_virtqueue(0, 65536, 0, tq_notify, NULL, "x"));
	CU_ASSERT_PTR_NULL(vring_create_virtqueue(0, 8, 0, NULL, NULL, "x"));

	vq = vring_create_virtqueue(3, VIRTQ_MAX_SIZE, 0, tq_notify, NULL,
				    "big");
	CU_ASSERT_PTR_NOT_NULL_FATAL(vq);
	CU_ASSERT_EQUAL(virtqueue_get_vring_size(vq), VIRTQ_MAX_SIZE);
	CU_ASSERT_EQUAL(vq->num_free, VIRTQ_MAX_SIZE);
	CU_ASSERT_EQUAL(vq->index, 3);
	CU_ASSERT_STRING_EQUAL(vq->name, "big");
	/* Spec alignments: desc 16, avail 2, used 4. */
	CU_ASSERT_EQUAL(virtqueue_get_desc_addr(vq) % 16, 0);
	CU_ASSERT_EQUAL(virtqueue_get_avail_addr(vq) % 2, 0);
	CU_ASSERT_EQUAL(virtqueue_get_used_addr(vq) % 4, 0);
	CU_ASSERT_EQUAL(avail(vq)->idx, 0);
	CU_ASSERT_EQUAL(used(vq)->idx, 0);
	vring_del_virtqueue(vq);
	CU_ASSERT_EQUAL(gmem_get_stats().nr_blocks, 0);

	/* Guest memory too small for the rings: NULL and nothing leaked. */
	tq_setup_mem(1 << 16);
	CU_ASSERT_PTR_NULL(
		vring_create_virtqueue(0, 4096, 0, tq_notify, NULL, "x"));
	CU_ASSERT_EQUAL(gmem_get_stats().nr_blocks, 0);
}

static void test_add_lays_out_descriptors(void)
{
	struct vringh vrh;
	struct virtqueue *vq = tq_pair(8, 0, &vrh);
	u8 *out = gmem_alloc(32, 0), *in = gmem_alloc(64, 0);
	struct vring_desc *d = descs(vq);
	int token = 7;
	u16 head;

	CU_ASSERT_EQUAL(tq_add(vq, out, 32, in, 64, &token), 0);
	CU_ASSERT_EQUAL(vq->num_free, 6);
	head = le16_to_cpu(avail(vq)->ring[0]);
	CU_ASSERT_EQUAL(head, 0);
	CU_ASSERT_EQUAL(le16_to_cpu(avail(vq)->idx), 1);
	CU_ASSERT_EQUAL(le64_to_cpu(d[0].addr), virt_to_phys(out));
	CU_ASSERT_EQUAL(le32_to_cpu(d[0].len), 32);
	CU_ASSERT_EQUAL(le16_to_cpu(d[0].flags), VIRTQ_DESC_F_NEXT);
	CU_ASSERT_EQUAL(le16_to_cpu(d[0].next), 1);
	CU_ASSERT_EQUAL(le64_to_cpu(d[1].addr), virt_to_phys(in));
	CU_ASSERT_EQUAL(le32_to_cpu(d[1].len), 64);
	CU_ASSERT_EQUAL(le16_to_cpu(d[1].flags), VIRTQ_DESC_F_WRITE);
	CU_ASSERT(virtqueue_head_in_flight(vq, 0));
	CU_ASSERT_FALSE(virtqueue_head_in_flight(vq, 1));
	CU_ASSERT_FALSE(virtqueue_head_in_flight(vq, 99));
	CU_ASSERT(tq_traced("vq.add"));
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
}

static void test_round_trip(void)
{
	struct vringh vrh;
	struct vringh_chain ch = { 0 };
	struct virtqueue *vq = tq_pair(8, 0, &vrh);
	char *out = gmem_alloc(16, 0), *in = gmem_alloc(16, 0), buf[16];
	unsigned int len = 0;
	int token = 1;

	strcpy(out, "ping");
	CU_ASSERT_EQUAL(tq_add(vq, out, 5, in, 16, &token), 0);
	CU_ASSERT(virtqueue_kick(vq));
	CU_ASSERT_EQUAL(tq_kicks, 1);
	CU_ASSERT_PTR_NULL(virtqueue_get_buf(vq, &len)); /* nothing used yet */
	CU_ASSERT_EQUAL(vring_interrupt(vq), IRQ_NONE);

	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(ch.nr_segs, 2);
	CU_ASSERT_EQUAL(ch.out_len, 5);
	CU_ASSERT_EQUAL(ch.in_len, 16);
	CU_ASSERT_EQUAL(vringh_chain_read(&ch, 0, buf, sizeof(buf)), 5);
	CU_ASSERT_STRING_EQUAL(buf, "ping");
	CU_ASSERT_EQUAL(vringh_chain_write(&ch, 0, "pong", 5), 5);
	CU_ASSERT_EQUAL(vringh_push(&vrh, ch.head, 5), 0);
	CU_ASSERT(vringh_need_notify(&vrh));

	CU_ASSERT_EQUAL(vring_interrupt(vq), IRQ_HANDLED);
	CU_ASSERT_EQUAL(tq_callbacks, 1);
	CU_ASSERT_PTR_EQUAL(virtqueue_get_buf(vq, &len), &token);
	CU_ASSERT_EQUAL(len, 5);
	CU_ASSERT_STRING_EQUAL(in, "pong");
	CU_ASSERT_EQUAL(vq->num_free, 8);
	CU_ASSERT(tq_traced("vq.get_buf"));
	CU_ASSERT(tq_traced("vq.pop"));
	CU_ASSERT(tq_traced("vq.push"));
	vringh_chain_release(&ch);
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
}

static void test_add_errors(void)
{
	struct vringh vrh;
	struct virtqueue *vq = tq_pair(4, 0, &vrh);
	u8 *b = gmem_alloc(16, 0), host[16];
	struct scatterlist sg, *sgs[1] = { &sg };
	int t[8];

	CU_ASSERT_EQUAL(tq_add(vq, b, 16, NULL, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(virtqueue_add_sgs(vq, sgs, 0, 0, &t[0], GFP_KERNEL),
			-EINVAL);
	CU_ASSERT_EQUAL(tq_add(vq, host, 16, NULL, 0, &t[0]), -EINVAL);
	CU_ASSERT_EQUAL(vq->num_free, 4);

	/* Full: -ENOSPC, and with readable buffers the device is kicked. */
	CU_ASSERT_EQUAL(tq_add(vq, b, 1, b, 1, &t[0]), 0);
	CU_ASSERT_EQUAL(tq_add(vq, b, 1, b, 1, &t[1]), 0);
	CU_ASSERT_EQUAL(tq_kicks, 0);
	CU_ASSERT_EQUAL(tq_add(vq, b, 1, NULL, 0, &t[2]), -ENOSPC);
	CU_ASSERT_EQUAL(tq_kicks, 0 + 0 + 1);
	CU_ASSERT_EQUAL(tq_add(vq, NULL, 0, b, 1, &t[2]), -ENOSPC);
	CU_ASSERT_EQUAL(tq_kicks, 1); /* no readable buffer: no kick */
	CU_ASSERT(tq_traced("vq.full"));

	virtqueue_set_broken(vq, "test");
	CU_ASSERT(virtqueue_is_broken(vq));
	CU_ASSERT_EQUAL(tq_add(vq, b, 1, NULL, 0, &t[3]), -EIO);
	CU_ASSERT_FALSE(virtqueue_notify(vq));
	CU_ASSERT(tq_traced("vq.broken"));
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
}

static void test_notify_failure_breaks(void)
{
	struct vringh vrh;
	struct virtqueue *vq = tq_pair(4, 0, &vrh);
	u8 *b = gmem_alloc(16, 0);
	int t;

	CU_ASSERT_EQUAL(tq_add(vq, b, 1, NULL, 0, &t), 0);
	tq_notify_ok = false;
	CU_ASSERT_FALSE(virtqueue_kick(vq));
	CU_ASSERT(virtqueue_is_broken(vq));
	CU_ASSERT(tq_traced("notify failed"));
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
}

static void test_kick_suppression_flags(void)
{
	struct vringh vrh;
	struct virtqueue *vq = tq_pair(4, 0, &vrh);
	u8 *b = gmem_alloc(16, 0);
	int t[3];

	vringh_notify_disable(&vrh);
	CU_ASSERT_EQUAL(le16_to_cpu(used(vq)->flags), VRING_USED_F_NO_NOTIFY);
	CU_ASSERT_EQUAL(tq_add(vq, b, 1, NULL, 0, &t[0]), 0);
	CU_ASSERT_FALSE(virtqueue_kick_prepare(vq));
	CU_ASSERT(virtqueue_kick(vq)); /* nothing to do is success */
	CU_ASSERT_EQUAL(tq_kicks, 0);
	/* Re-enabling says a buffer is already waiting. */
	CU_ASSERT_FALSE(vringh_notify_enable(&vrh));
	CU_ASSERT_EQUAL(tq_add(vq, b, 1, NULL, 0, &t[1]), 0);
	CU_ASSERT(virtqueue_kick_prepare(vq));
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
}

static void test_interrupt_suppression_flags(void)
{
	struct vringh vrh;
	struct vringh_chain ch = { 0 };
	struct virtqueue *vq = tq_pair(4, 0, &vrh);
	u8 *b = gmem_alloc(16, 0);
	unsigned int len;
	int t[2];

	virtqueue_disable_cb(vq);
	virtqueue_disable_cb(vq); /* twice is harmless */
	CU_ASSERT_EQUAL(le16_to_cpu(avail(vq)->flags),
			VRING_AVAIL_F_NO_INTERRUPT);
	CU_ASSERT_EQUAL(tq_add(vq, NULL, 0, b, 4, &t[0]), 0);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(vringh_push(&vrh, ch.head, 0), 0);
	CU_ASSERT_FALSE(vringh_need_notify(&vrh));
	/* Buffers arrived while disabled: enable_cb says re-check. */
	CU_ASSERT_FALSE(virtqueue_enable_cb(vq));
	CU_ASSERT_EQUAL(le16_to_cpu(avail(vq)->flags), 0);
	CU_ASSERT_PTR_EQUAL(virtqueue_get_buf(vq, &len), &t[0]);
	CU_ASSERT(virtqueue_enable_cb(vq));
	CU_ASSERT_EQUAL(tq_add(vq, NULL, 0, b, 4, &t[1]), 0);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(vringh_push(&vrh, ch.head, 0), 0);
	CU_ASSERT(vringh_need_notify(&vrh));
	vringh_chain_release(&ch);
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
}

static void test_event_idx_kicks(void)
{
	struct vringh vrh;
	struct vringh_chain ch = { 0 };
	struct virtqueue *vq = tq_pair(8, F_EVENT, &vrh);
	u8 *b = gmem_alloc(16, 0);
	int t[4];

	/* avail_event = 0: the first buffer (0 -> 1) crosses it. */
	CU_ASSERT_EQUAL(tq_add(vq, b, 1, NULL, 0, &t[0]), 0);
	CU_ASSERT(virtqueue_kick_prepare(vq));
	/* Device has not caught up: avail_event still 0, no kick. */
	CU_ASSERT_EQUAL(tq_add(vq, b, 1, NULL, 0, &t[1]), 0);
	CU_ASSERT_FALSE(virtqueue_kick_prepare(vq));
	/* Flags are ignored with EVENT_IDX. */
	used(vq)->flags = cpu_to_le16(VRING_USED_F_NO_NOTIFY);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(avail_event(vq), 2);
	CU_ASSERT_EQUAL(tq_add(vq, b, 1, NULL, 0, &t[2]), 0);
	CU_ASSERT(virtqueue_kick_prepare(vq));

	/* Device stops asking: pops no longer move avail_event. */
	vringh_notify_disable(&vrh);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(tq_add(vq, b, 1, NULL, 0, &t[3]), 0);
	CU_ASSERT_FALSE(virtqueue_kick_prepare(vq));
	/* Asking again writes avail_event and reports the waiting buffer. */
	CU_ASSERT_FALSE(vringh_notify_enable(&vrh));
	CU_ASSERT_EQUAL(avail_event(vq), 3);
	vringh_chain_release(&ch);
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
}

static void test_event_idx_interrupts(void)
{
	struct vringh vrh;
	struct vringh_chain ch = { 0 };
	struct virtqueue *vq = tq_pair(8, F_EVENT, &vrh);
	u8 *b = gmem_alloc(16, 0);
	unsigned int len, last;
	int t[6];

	for (int i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(tq_add(vq, NULL, 0, b, 4, &t[i]), 0);
	/* First decision is always "notify" (nothing signalled yet). */
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(vringh_push(&vrh, ch.head, 1), 0);
	CU_ASSERT(vringh_need_notify(&vrh));
	/* used_event = 0 was crossed already: the next push is silent. */
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(vringh_push(&vrh, ch.head, 1), 0);
	CU_ASSERT_FALSE(vringh_need_notify(&vrh));
	/* The driver consumes both: used_event = 2, the next push notifies. */
	CU_ASSERT_PTR_EQUAL(virtqueue_get_buf(vq, &len), &t[0]);
	CU_ASSERT_PTR_EQUAL(virtqueue_get_buf(vq, &len), &t[1]);
	CU_ASSERT_EQUAL(le16_to_cpu(avail(vq)->ring[8]), 2);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(vringh_push(&vrh, ch.head, 1), 0);
	CU_ASSERT(vringh_need_notify(&vrh));

	/* Disabled: used_event out of reach, flags untouched. */
	virtqueue_disable_cb(vq);
	CU_ASSERT_EQUAL(le16_to_cpu(avail(vq)->flags), 0);
	CU_ASSERT_PTR_EQUAL(virtqueue_get_buf(vq, &len), &t[2]);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(vringh_push(&vrh, ch.head, 1), 0);
	CU_ASSERT_FALSE(vringh_need_notify(&vrh));
	/* enable_cb_prepare + poll: the buffer that slipped in is seen. */
	last = virtqueue_enable_cb_prepare(vq);
	CU_ASSERT_EQUAL(last, 3);
	CU_ASSERT_EQUAL(le16_to_cpu(avail(vq)->ring[8]), 3);
	CU_ASSERT(virtqueue_poll(vq, last));
	CU_ASSERT_PTR_EQUAL(virtqueue_get_buf(vq, &len), &t[3]);
	CU_ASSERT_FALSE(virtqueue_poll(vq, 4));
	CU_ASSERT(virtqueue_enable_cb(vq));
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(vringh_push(&vrh, ch.head, 1), 0);
	CU_ASSERT(vringh_need_notify(&vrh));
	vringh_chain_release(&ch);
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
}

static void test_interrupt_entry(void)
{
	struct vringh vrh;
	struct vringh_chain ch = { 0 };
	struct virtqueue *vq = tq_pair(4, 0, &vrh);
	u8 *b = gmem_alloc(16, 0);
	int t;

	CU_ASSERT_EQUAL(tq_add(vq, NULL, 0, b, 4, &t), 0);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(vringh_push(&vrh, ch.head, 0), 0);
	vq->callback = NULL;
	CU_ASSERT_EQUAL(vring_interrupt(vq), IRQ_HANDLED);
	vq->callback = tq_callback;
	virtqueue_set_broken(vq, "test");
	CU_ASSERT_EQUAL(vring_interrupt(vq), IRQ_HANDLED);
	CU_ASSERT_EQUAL(tq_callbacks, 0); /* broken: no callback */
	CU_ASSERT_FALSE(virtqueue_poll(vq, 0));
	CU_ASSERT_PTR_NULL(virtqueue_get_buf(vq, NULL));
	vringh_chain_release(&ch);
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
}

/* Post one buffer, have the device push it, then corrupt the used elem. */
static struct virtqueue *used_one(struct vringh *vrh, int *t)
{
	struct vringh_chain ch = { 0 };
	struct virtqueue *vq = tq_pair(4, 0, vrh);
	u8 *b = gmem_alloc(16, 0);

	CU_ASSERT_EQUAL(tq_add(vq, NULL, 0, b, 8, t), 0);
	CU_ASSERT_EQUAL(vringh_pop(vrh, &ch), 1);
	CU_ASSERT_EQUAL(vringh_push(vrh, ch.head, 8), 0);
	vringh_chain_release(&ch);
	return vq;
}

static void check_bad_used(void (*corrupt)(struct virtqueue *), const char *why)
{
	struct vringh vrh;
	unsigned int len = 0;
	int t;
	struct virtqueue *vq;

	setup();
	vq = used_one(&vrh, &t);
	corrupt(vq);
	CU_ASSERT_PTR_NULL(virtqueue_get_buf(vq, &len));
	CU_ASSERT(virtqueue_is_broken(vq));
	CU_ASSERT(tq_traced(why));
	CU_ASSERT_EQUAL(vq->num_free, 3); /* nothing freed on a bad element */
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
}

static void bad_id(struct virtqueue *vq)
{
	used(vq)->ring[0].id = cpu_to_le32(4);
}

static void not_head(struct virtqueue *vq)
{
	used(vq)->ring[0].id = cpu_to_le32(2);
}

static void long_len(struct virtqueue *vq)
{
	used(vq)->ring[0].len = cpu_to_le32(9);
}

static void jump_idx(struct virtqueue *vq)
{
	used(vq)->idx = cpu_to_le16(5);
}

static void test_bad_used_elements(void)
{
	check_bad_used(bad_id, "id 4 out of range");
	check_bad_used(not_head, "id 2 is not a head");
	check_bad_used(long_len, "len 9 > writable 8");
	check_bad_used(jump_idx, "moved more than 4");
}

static void test_detach_unused(void)
{
	struct vringh vrh;
	struct virtqueue *vq = tq_pair(8, 0, &vrh);
	u8 *b = gmem_alloc(16, 0);
	int t[3], seen = 0;
	void *tok;

	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(tq_add(vq, b, 1, b, 1, &t[i]), 0);
	CU_ASSERT_EQUAL(vq->num_free, 2);
	while ((tok = virtqueue_detach_unused_buf(vq))) {
		CU_ASSERT(tok == &t[0] || tok == &t[1] || tok == &t[2]);
		seen++;
	}
	CU_ASSERT_EQUAL(seen, 3);
	CU_ASSERT_EQUAL(vq->num_free, 8);
	CU_ASSERT_EQUAL(le16_to_cpu(avail(vq)->idx), 0);
	CU_ASSERT(tq_traced("vq.detach"));
	/* The free list still works after detaching. */
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(tq_add(vq, b, 1, b, 1, &t[0]), 0);
	CU_ASSERT_EQUAL(vq->num_free, 0);
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
}

static void test_info(void)
{
	struct vringh vrh;
	struct virtqueue *vq = tq_pair(8, F_EVENT | F_INDIRECT, &vrh);
	struct virtqueue_info info;
	u8 *b = gmem_alloc(16, 0);
	int t;

	CU_ASSERT_EQUAL(tq_add(vq, b, 1, b, 1, &t), 0);
	virtqueue_disable_cb(vq);
	virtqueue_get_info(vq, &info);
	CU_ASSERT_EQUAL(info.num, 8);
	CU_ASSERT_EQUAL(info.desc, virtqueue_get_desc_addr(vq));
	CU_ASSERT_EQUAL(info.avail_idx, 1);
	CU_ASSERT_EQUAL(info.last_used_idx, 0);
	CU_ASSERT_EQUAL(info.in_flight, 1);
	CU_ASSERT_EQUAL(info.free_head, 1); /* indirect: one descriptor */
	CU_ASSERT(info.event_idx && info.indirect && info.cb_disabled);
	CU_ASSERT_FALSE(info.broken);
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
}

VT_SUITE_EACH(sim_vq_driver, setup, tq_teardown, VT_CASE(test_create_rules),
	      VT_CASE(test_add_lays_out_descriptors), VT_CASE(test_round_trip),
	      VT_CASE(test_add_errors), VT_CASE(test_notify_failure_breaks),
	      VT_CASE(test_kick_suppression_flags),
	      VT_CASE(test_interrupt_suppression_flags),
	      VT_CASE(test_event_idx_kicks), VT_CASE(test_event_idx_interrupts),
	      VT_CASE(test_interrupt_entry), VT_CASE(test_bad_used_elements),
	      VT_CASE(test_detach_unused), VT_CASE(test_info));
