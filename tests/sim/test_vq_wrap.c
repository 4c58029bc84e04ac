// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vq_wrap.c - indirect descriptors, and the 16-bit indices wrapping
 * past 65535 on small queues, with and without EVENT_IDX.
 */
#include "tests/sim/test_vq_util.h"

static void setup(void)
{
	tq_setup_mem(1 << 22);
}

static void test_indirect_chain(void)
{
	struct vringh vrh;
	struct vringh_chain ch = { 0 };
	struct virtqueue *vq = tq_pair(4, F_INDIRECT, &vrh);
	struct vring_desc *d = phys_to_virt(virtqueue_get_desc_addr(vq));
	char *h = gmem_alloc(16, 0), *a = gmem_alloc(16, 0),
	     *r = gmem_alloc(64, 0), buf[32];
	struct scatterlist out[2], in[1], *sgs[2] = { out, in };
	u64 blocks = gmem_get_stats().nr_blocks;
	unsigned int len;
	int t;

	strcpy(h, "head");
	strcpy(a, "args");
	sg_init_table(out, 2);
	sg_set_buf(&out[0], h, 4);
	sg_set_buf(&out[1], a, 5);
	sg_init_one(in, r, 64);
	CU_ASSERT_EQUAL(virtqueue_add_sgs(vq, sgs, 1, 1, &t, GFP_KERNEL), 0);
	CU_ASSERT_EQUAL(vq->num_free, 3); /* one descriptor for three */
	CU_ASSERT_EQUAL(le16_to_cpu(d[0].flags), VIRTQ_DESC_F_INDIRECT);
	CU_ASSERT_EQUAL(le32_to_cpu(d[0].len), 48);
	CU_ASSERT_EQUAL(gmem_get_stats().nr_blocks, blocks + 1);
	CU_ASSERT(tq_traced("indirect"));

	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT(ch.indirect);
	CU_ASSERT_EQUAL(ch.nr_segs, 3);
	CU_ASSERT_EQUAL(ch.nr_out, 2);
	CU_ASSERT_EQUAL(ch.out_len, 9);
	CU_ASSERT_EQUAL(ch.in_len, 64);
	/* Reads and writes cross segment boundaries and honour offsets. */
	memset(buf, 0, sizeof(buf));
	CU_ASSERT_EQUAL(vringh_chain_read(&ch, 2, buf, sizeof(buf)), 7);
	CU_ASSERT_EQUAL(memcmp(buf, "adargs", 7), 0);
	CU_ASSERT_EQUAL(vringh_chain_write(&ch, 60, "123456", 6), 4);
	CU_ASSERT_EQUAL(memcmp(r + 60, "1234", 4), 0);
	CU_ASSERT_EQUAL(vringh_push(&vrh, ch.head, 64), 0);
	CU_ASSERT_PTR_EQUAL(virtqueue_get_buf(vq, &len), &t);
	CU_ASSERT_EQUAL(vq->num_free, 4);
	CU_ASSERT_EQUAL(kmem_nr_live(), 0); /* table freed */

	/* One buffer never goes indirect. */
	CU_ASSERT_EQUAL(tq_add(vq, h, 4, NULL, 0, &t), 0);
	CU_ASSERT_EQUAL(le16_to_cpu(d[0].flags), 0);
	vringh_chain_release(&ch);
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
}

static void test_indirect_fallback_when_no_guest_memory(void)
{
	struct vringh vrh;
	struct vringh_chain ch = { 0 };
	struct virtqueue *vq;
	u8 *b;
	void *hoard[1 << 12];
	unsigned int n = 0, len;
	int t;

	tq_setup_mem(1 << 16);
	vq = tq_pair(4, F_INDIRECT, &vrh);
	b = gmem_alloc(16, 0);

	/* Exhaust the arena for 64-byte blocks (a 3-entry table). */
	while (n < ARRAY_SIZE(hoard) && (hoard[n] = gmem_alloc(64, 0)))
		n++;
	CU_ASSERT_FATAL(n < ARRAY_SIZE(hoard));
	{
		struct scatterlist out[2], in[1], *sgs[2] = { out, in };

		sg_init_table(out, 2);
		sg_set_buf(&out[0], b, 1);
		sg_set_buf(&out[1], b, 1);
		sg_init_one(in, b, 4);
		CU_ASSERT_EQUAL(
			virtqueue_add_sgs(vq, sgs, 1, 1, &t, GFP_ATOMIC), 0);
	}
	CU_ASSERT_EQUAL(vq->num_free, 1); /* direct: three descriptors */
	CU_ASSERT(tq_traced("vq.indirect_fallback"));
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_FALSE(ch.indirect);
	CU_ASSERT_EQUAL(ch.nr_segs, 3);
	CU_ASSERT_EQUAL(vringh_push(&vrh, ch.head, 4), 0);
	CU_ASSERT_PTR_EQUAL(virtqueue_get_buf(vq, &len), &t);
	CU_ASSERT_EQUAL(vq->num_free, 4);
	while (n)
		gmem_free(hoard[--n]);
	vringh_chain_release(&ch);
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
}

static void test_indirect_full_queue_frees_table(void)
{
	struct vringh vrh;
	struct virtqueue *vq = tq_pair(2, F_INDIRECT, &vrh);
	u8 *b = gmem_alloc(16, 0);
	u64 blocks;
	int t[3];

	CU_ASSERT_EQUAL(tq_add(vq, b, 1, b, 1, &t[0]), 0);
	CU_ASSERT_EQUAL(tq_add(vq, b, 1, b, 1, &t[1]), 0);
	blocks = gmem_get_stats().nr_blocks;
	CU_ASSERT_EQUAL(tq_add(vq, b, 1, b, 1, &t[2]), -ENOSPC);
	CU_ASSERT_EQUAL(gmem_get_stats().nr_blocks, blocks);
	/* Deleting with tables in flight frees them too. */
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
	gmem_free(b);
	CU_ASSERT_EQUAL(kmem_nr_live(), 0);
}

/* Push @cycles chains of 2 descriptors through a queue of @num. */
static void run_wrap(unsigned int num, u64 features, unsigned int cycles)
{
	struct vringh vrh;
	struct vringh_chain ch = { 0 };
	struct virtqueue *vq = tq_pair(num, features, &vrh);
	u32 *out = gmem_alloc(4, 0), *in = gmem_alloc(4, 0);
	struct vring_avail *av = phys_to_virt(virtqueue_get_avail_addr(vq));
	unsigned int kicks = 0, notifies = 0, bad = 0, len;
	static int tokens[2];

	trace_enable(false); /* millions of events otherwise */
	for (unsigned int c = 0; c < cycles; c++) {
		void *tok;
		u32 v;

		*out = c;
		if (tq_add(vq, out, 4, in, 4, &tokens[c & 1]))
			bad++;
		kicks += virtqueue_kick_prepare(vq);
		if (vringh_pop(&vrh, &ch) != 1 ||
		    vringh_chain_read(&ch, 0, &v, 4) != 4 || v != c)
			bad++;
		v = ~c;
		vringh_chain_write(&ch, 0, &v, 4);
		if (vringh_push(&vrh, ch.head, 4))
			bad++;
		notifies += vringh_need_notify(&vrh);
		tok = virtqueue_get_buf(vq, &len);
		if (tok != &tokens[c & 1] || len != 4 || *in != ~c)
			bad++;
	}
	trace_enable(true);
	CU_ASSERT_EQUAL(bad, 0);
	/* Every buffer found an idle device: every one was kicked and
	 * interrupted, across the wrap too. */
	CU_ASSERT_EQUAL(kicks, cycles);
	CU_ASSERT_EQUAL(notifies, cycles);
	CU_ASSERT_EQUAL(le16_to_cpu(av->idx), (u16)cycles);
	CU_ASSERT_EQUAL(vringh_get_last_avail(&vrh), (u16)cycles);
	CU_ASSERT_EQUAL(vrh.last_used_idx, (u16)cycles);
	CU_ASSERT_EQUAL(vq->num_free, num);
	CU_ASSERT_FALSE(virtqueue_is_broken(vq));
	vringh_chain_release(&ch);
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
}

static void test_wrap_size4(void)
{
	run_wrap(4, 0, 65536 + 1000);
}

static void test_wrap_size8_event_idx(void)
{
	run_wrap(8, F_EVENT, 65536 + 1000);
}

static void test_wrap_size8_indirect_event_idx(void)
{
	run_wrap(8, F_EVENT | F_INDIRECT, 65536 + 1000);
}

/* Batches of a full ring at a time, so slots and indices wrap unevenly. */
static void test_wrap_batches(void)
{
	struct vringh vrh;
	struct vringh_chain ch = { 0 };
	struct virtqueue *vq = tq_pair(8, F_EVENT, &vrh);
	u8 *b = gmem_alloc(16, 0);
	static int tok[3];
	unsigned int bad = 0, len, done = 0;

	trace_enable(false);
	for (unsigned int c = 0; done < 70000; c++) {
		unsigned int k = 1 + c % 3;

		for (unsigned int i = 0; i < k; i++)
			bad += tq_add(vq, b, 1, b, 1, &tok[i]) != 0;
		virtqueue_kick_prepare(vq);
		for (unsigned int i = 0; i < k; i++) {
			bad += vringh_pop(&vrh, &ch) != 1;
			bad += vringh_push(&vrh, ch.head, 1) != 0;
		}
		for (unsigned int i = 0; i < k; i++)
			bad += virtqueue_get_buf(vq, &len) != &tok[i];
		done += k;
	}
	trace_enable(true);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(vringh_avail_count(&vrh), 0);
	CU_ASSERT_EQUAL(vq->num_free, 8);
	vringh_chain_release(&ch);
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
}

/* Adding 65535 buffers without kick_prepare forces a kick. */
static void test_num_added_forces_kick(void)
{
	struct vringh vrh;
	struct vringh_chain ch = { 0 };
	struct virtqueue *vq = tq_pair(4, 0, &vrh);
	u8 *b = gmem_alloc(16, 0);
	unsigned int len, bad = 0;
	int t;

	trace_enable(false);
	for (unsigned int c = 0; c < 0xffff; c++) {
		bad += tq_add(vq, b, 1, NULL, 0, &t) != 0;
		bad += vringh_pop(&vrh, &ch) != 1;
		bad += vringh_push(&vrh, ch.head, 0) != 0;
		bad += virtqueue_get_buf(vq, &len) != &t;
	}
	trace_enable(true);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(tq_kicks, 1);
	vringh_chain_release(&ch);
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
}

VT_SUITE_EACH(sim_vq_indirect, setup, tq_teardown, VT_CASE(test_indirect_chain),
	      VT_CASE(test_indirect_fallback_when_no_guest_memory),
	      VT_CASE(test_indirect_full_queue_frees_table));

VT_SUITE_EACH(sim_vq_wrap, setup, tq_teardown, VT_CASE(test_wrap_size4),
	      VT_CASE(test_wrap_size8_event_idx),
	      VT_CASE(test_wrap_size8_indirect_event_idx),
	      VT_CASE(test_wrap_batches), VT_CASE(test_num_added_forces_kick));
