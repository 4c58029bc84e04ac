// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vfs_dev_bad.c - bad input through the rings: a malformed chain
 * (NEEDS_RESET, the queue stops, nothing crashes), a queue set up outside
 * guest memory, requests without room for a reply, requests above the
 * size limit, short and unknown requests, and an opposite-endian session.
 */
#include "tests/device/dev_harness.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim/kernel/gmem.h"
#include "sim/trace/trace.h"
#include "sim/virtio/virtio_ring.h"
#include "sim/virtio/virtqueue.h"
#include "tests/sim/sim_test_util.h"

static struct vfs_dev_queue_stats qs(unsigned int idx)
{
	struct vfs_dev_queue_stats st;

	CU_ASSERT_EQUAL(vfs_dev_queue_stats(dh_dev, idx, &st), 0);
	return st;
}

/* Make the last chain added to queue @q loop back to its head. */
static void corrupt_last_chain(unsigned int q)
{
	struct virtqueue *vq = dh_vqs[q];
	unsigned int num = virtqueue_get_vring_size(vq);
	struct vring_desc *desc = phys_to_virt(virtqueue_get_desc_addr(vq));
	struct vring_avail *avail = phys_to_virt(virtqueue_get_avail_addr(vq));
	u16 idx = le16_to_cpu(avail->idx);
	u16 head = le16_to_cpu(avail->ring[(u16)(idx - 1) % num]);
	u16 i = head;

	while (le16_to_cpu(desc[i].flags) & VIRTQ_DESC_F_NEXT)
		i = le16_to_cpu(desc[i].next);
	desc[i].flags =
		cpu_to_le16(le16_to_cpu(desc[i].flags) | VIRTQ_DESC_F_NEXT);
	desc[i].next = cpu_to_le16(head);
}

static void test_malformed_chain_needs_reset(void)
{
	struct dh_req *r;

	dh_setup(NULL);
	dh_do_init();
	r = dh_forget(0, FUSE_ROOT_ID, 1);
	corrupt_last_chain(0);
	CU_ASSERT(dh_kick(0));
	CU_ASSERT_EQUAL(dh_run(), SCHED_DONE);
	CU_ASSERT_FALSE(r->done);
	CU_ASSERT(dh_vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET);
	CU_ASSERT(qs(0).broken);
	CU_ASSERT(trace_find("dev.needs_reset", 0) >= 0);
	CU_ASSERT(trace_find("vq.bad_chain", 0) >= 0);
	/* The queue stays stopped: kicks and SET_VRING_KICK are refused. */
	CU_ASSERT(dh_kick(0));
	CU_ASSERT(trace_find("needs reset", 0) >= 0);
	CU_ASSERT_EQUAL(vfs_dev_set_vring_kick(dh_dev, 0), -EIO);
	/* The other queue still serves. */
	dh_expect(dh_getattr(1, FUSE_ROOT_ID), 0);
	/* A reset clears it. */
	vfs_dev_reset(dh_dev);
	CU_ASSERT_FALSE(qs(0).broken);
	dh_teardown();
}

/* The driver moves the avail index by more than the queue size: the
 * worker's count finds it, and the queue stops with the fault that broke
 * it named (-EILSEQ), not the -EIO a pop of a broken ring returns. */
static void test_avail_idx_jump_needs_reset(void)
{
	struct virtqueue *vq;
	struct vring_avail *avail;
	char want[64];

	dh_setup(NULL);
	dh_do_init();
	vq = dh_vqs[0];
	avail = phys_to_virt(virtqueue_get_avail_addr(vq));
	avail->idx = cpu_to_le16((u16)(le16_to_cpu(avail->idx) +
				       virtqueue_get_vring_size(vq) + 1));
	CU_ASSERT(dh_kick(0));
	CU_ASSERT_EQUAL(dh_run(), SCHED_DONE);
	CU_ASSERT(qs(0).broken);
	CU_ASSERT(dh_vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET);
	CU_ASSERT(trace_find("avail idx moved by more than the queue size",
			     0) >= 0);
	snprintf(want, sizeof(want), "errno %d: queue stops until reset",
		 EILSEQ);
	CU_ASSERT(trace_find(want, 0) >= 0);
	dh_teardown();
}

/* One worker still holds a chain when another finds the ring broken: the
 * held chain is given up unwritten (counted faulted, traced), nothing
 * crashes. */
static void test_push_on_broken_ring(void)
{
	struct dh_req *a, *b;

	dh_setup(NULL);
	dh_do_init();
	vfs_dev_set_latency(dh_dev, 1000);
	a = dh_getattr(1, FUSE_ROOT_ID);
	CU_ASSERT(dh_kick(1));
	while (vfs_dev_in_progress(dh_dev) < 1)
		CU_ASSERT_FATAL(sched_step() == SCHED_STEPPED);
	b = dh_getattr(1, FUSE_ROOT_ID);
	corrupt_last_chain(1);
	CU_ASSERT(dh_kick(1));
	dh_run();
	CU_ASSERT(qs(1).broken);
	CU_ASSERT_FALSE(a->done || b->done);
	CU_ASSERT(trace_find("dev.push_failed", 0) >= 0);
	CU_ASSERT(trace_find("ring needs reset: reply not written", 0) >= 0);
	CU_ASSERT_EQUAL(vfs_dev_in_progress(dh_dev), 0);
	CU_ASSERT_EQUAL(qs(1).popped, 2); /* INIT's too */
	CU_ASSERT_EQUAL(qs(1).completed, 1);
	CU_ASSERT_EQUAL(qs(1).faulted, 1);
	dh_teardown();
}

static void test_queue_outside_memory(void)
{
	dh_setup(NULL);
	dh_vdev.backend->queue_ready(dh_dev, 1, 1 /* misaligned */, 0, 0, 128,
				     1ULL << VIRTIO_F_VERSION_1);
	CU_ASSERT(qs(1).broken);
	CU_ASSERT_FALSE(qs(1).ready);
	CU_ASSERT(dh_vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET);
	CU_ASSERT(dh_kick(1));
	CU_ASSERT(trace_find("no addresses", 0) >= 0);
	dh_teardown();

	/* Not attached to a virtio_device: no status to set, no crash. */
	{
		struct vfs_dev *d;
		struct vfs_dev_queue_stats st;

		sim_test_setup();
		CU_ASSERT_EQUAL_FATAL(vfs_dev_create(NULL, &d), 0);
		vfs_dev_backend(d)->queue_ready(d, 1, 1, 0, 0, 128, 0);
		CU_ASSERT_EQUAL(vfs_dev_queue_stats(d, 1, &st), 0);
		CU_ASSERT(st.broken);
		vfs_dev_free(d);
		sim_test_teardown();
	}
}

static void test_no_room_for_reply(void)
{
	struct fuse_proto_args a = { .opcode = FUSE_GETATTR,
				     .nodeid = FUSE_ROOT_ID,
				     .in_numargs = 1,
				     .out_numargs = 1 };
	struct fuse_getattr_in in = { 0 };
	struct dh_req *r, *r0;

	a.in_args[0] = (struct fuse_proto_in_arg){ sizeof(in), &in };
	a.out_args[0].size = sizeof(struct fuse_attr_out);
	dh_setup(NULL);
	dh_do_init();
	r = dh_submit(1, &a, 8); /* less than a fuse_out_header */
	dh_expect(r, DH_BADREPLY);
	CU_ASSERT(r->done);
	CU_ASSERT_EQUAL(r->used_len, 0);
	CU_ASSERT(trace_find("EMSGSIZE", 0) >= 0);
	CU_ASSERT(trace_find("dev.no_reply", 0) >= 0);
	/* No writable buffer at all. */
	r0 = dh_submit_raw(1, r->req, r->req_len, 0);
	CU_ASSERT(dh_kick(1));
	dh_run();
	CU_ASSERT(r0->done);
	CU_ASSERT_EQUAL(r0->used_len, 0);
	/* The device goes on serving. */
	dh_expect(dh_getattr(1, FUSE_ROOT_ID), 0);
	dh_teardown();
}

static void test_request_over_limit(void)
{
	static u8 data[8000];
	static struct fuse_forget_one many[300];
	struct vfs_dev_config c = { .max_request_size = 4096 };
	struct fuse_batch_forget_in bf = { 300, 0 };
	struct fuse_proto_args a = { .opcode = FUSE_BATCH_FORGET,
				     .in_numargs = 2,
				     .noreply = true };
	struct dh_req *r;
	u64 ino = FUSE_ROOT_ID;

	dh_setup(&c);
	dh_do_init();
	r = dh_write(1, ino, 0, data, sizeof(data));
	dh_expect(r, -E2BIG);
	CU_ASSERT_EQUAL(r->used_len, sizeof(struct fuse_out_header));
	CU_ASSERT(trace_find("dev.too_big", 0) >= 0);
	/* Over the limit and no room for the error either. */
	r = dh_submit_raw(1, r->req, r->req_len, 8);
	CU_ASSERT(dh_kick(1));
	dh_run();
	CU_ASSERT(r->done);
	CU_ASSERT_EQUAL(r->used_len, 0);
	CU_ASSERT(trace_find("no room for a reply header", 0) >= 0);
	/* A too-long BATCH_FORGET: no reply is due, completed with 0. */
	a.in_args[0] = (struct fuse_proto_in_arg){ sizeof(bf), &bf };
	a.in_args[1] = (struct fuse_proto_in_arg){ sizeof(many), many };
	r = dh_submit(0, &a, 16);
	CU_ASSERT(dh_kick(0));
	dh_run();
	CU_ASSERT(r->done);
	CU_ASSERT_EQUAL(r->used_len, 0);
	dh_expect(dh_getattr(1, FUSE_ROOT_ID), 0);
	dh_teardown();
}

static void test_short_and_unknown_requests(void)
{
	struct fuse_in_header h = { sizeof(h), 9999, 77, 1, 0, 0, 0, 0, 0 };
	struct fuse_out_header oh;
	struct dh_req *r;
	u8 tiny[10] = { 0 };

	dh_setup(NULL);
	dh_do_init();
	r = dh_submit_raw(1, tiny, sizeof(tiny), 64);
	CU_ASSERT(dh_kick(1));
	dh_run();
	CU_ASSERT(r->done);
	CU_ASSERT_EQUAL(r->used_len, 0); /* no header: no unique to answer */
	CU_ASSERT(trace_find("EBADMSG", 0) >= 0);
	r = dh_submit_raw(1, &h, sizeof(h), 64);
	CU_ASSERT(dh_kick(1));
	dh_run();
	CU_ASSERT_EQUAL(r->used_len, sizeof(oh));
	memcpy(&oh, r->rep, sizeof(oh));
	CU_ASSERT_EQUAL(oh.error, -ENOSYS);
	CU_ASSERT_EQUAL(oh.unique, 77);
	dh_expect(dh_getattr(1, FUSE_ROOT_ID), 0);
	dh_teardown();
}

/* Raw request bytes: a header (len = everything) and @arglen arg bytes. */
static size_t raw_req(u8 *buf, u32 opcode, u64 unique, u64 nodeid,
		      const void *arg, size_t arglen)
{
	struct fuse_in_header h = { .len = (u32)(sizeof(h) + arglen),
				    .opcode = opcode,
				    .unique = unique,
				    .nodeid = nodeid };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), arg, arglen);
	return sizeof(h) + arglen;
}

/* Send @len bytes, expect an error reply for @unique, then check the
 * device still serves the next request on the same queue. */
static void expect_error_reply(const u8 *buf, size_t len, u64 unique, int err)
{
	struct fuse_out_header oh;
	struct dh_req *r = dh_submit_raw(1, buf, len, 256);

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(dh_kick(1));
	dh_run();
	CU_ASSERT(r->done);
	CU_ASSERT_EQUAL_FATAL(r->used_len, sizeof(oh));
	memcpy(&oh, r->rep, sizeof(oh));
	CU_ASSERT_EQUAL(oh.len, sizeof(oh));
	CU_ASSERT_EQUAL(oh.unique, unique);
	CU_ASSERT_EQUAL(oh.error, err);
	dh_expect(dh_getattr(1, FUSE_ROOT_ID), 0);
}

/*
 * Every malformed-request class of the FUSE server, this time through a
 * real virtqueue: each gets an error reply carrying its unique, and the
 * device goes on serving the next request.
 */
static void test_malformed_requests_through_ring(void)
{
	struct vfs_dev_config c = { .server = { .max_write = 4096 } };
	struct fuse_getattr_in ga = { 0 };
	struct fuse_read_in rd = { .fh = 12345, .size = 16 };
	struct fuse_write_in wr = { .size = 4097 };
	static u8 buf[8192];
	const struct fuse_entry_out *e;
	struct dh_req *r;
	size_t len;
	u64 file;

	dh_setup(&c);
	dh_do_init();
	r = dh_create(1, FUSE_ROOT_ID, "f");
	dh_expect(r, 0);
	e = dh_payload(r);
	file = e->nodeid;

	/* in_header.len longer, then shorter, than the bytes sent. */
	len = raw_req(buf, FUSE_GETATTR, 1001, FUSE_ROOT_ID, &ga, sizeof(ga));
	((struct fuse_in_header *)buf)->len += 8;
	expect_error_reply(buf, len, 1001, -EBADMSG);
	len = raw_req(buf, FUSE_GETATTR, 1003, FUSE_ROOT_ID, &ga, sizeof(ga));
	((struct fuse_in_header *)buf)->len -= 4;
	expect_error_reply(buf, len, 1003, -EBADMSG);
	/* A fixed argument cut short. */
	len = raw_req(buf, FUSE_GETATTR, 1005, FUSE_ROOT_ID, &ga, 8);
	expect_error_reply(buf, len, 1005, -EPROTO);
	/* A name without its NUL. */
	len = raw_req(buf, FUSE_LOOKUP, 1007, FUSE_ROOT_ID, "abc", 3);
	expect_error_reply(buf, len, 1007, -EILSEQ);
	/* A nodeid the server never handed out. */
	len = raw_req(buf, FUSE_GETATTR, 1009, 9999, &ga, sizeof(ga));
	expect_error_reply(buf, len, 1009, -ESTALE);
	/* A file handle the server never opened. */
	len = raw_req(buf, FUSE_READ, 1011, file, &rd, sizeof(rd));
	expect_error_reply(buf, len, 1011, -EBADF);
	/* A WRITE one byte beyond max_write (payload present). */
	len = raw_req(buf, FUSE_WRITE, 1013, file, &wr, sizeof(wr));
	memset(buf + len, 'x', wr.size);
	((struct fuse_in_header *)buf)->len += wr.size;
	expect_error_reply(buf, len + wr.size, 1013, -EINVAL);
	dh_teardown();
}

/* An opposite-endian guest: requests built natively then swapped. */
static void test_byte_swapped_session(void)
{
	static u8 data[8000];
	struct vfs_dev_config c = { .max_request_size = 4096 };
	struct fuse_out_header oh;
	struct dh_req *r;
	u64 dir;

	dh_setup(&c);
	dh_swap = true;
	r = dh_init_req(1);
	CU_ASSERT(dh_kick(1));
	sched_run();
	/* Before the harness converts it: the reply is in the guest's
	 * order. */
	memcpy(&oh, r->rep, sizeof(oh));
	CU_ASSERT_EQUAL(__builtin_bswap32(oh.len),
			sizeof(oh) + sizeof(struct fuse_init_out));
	dh_reap(1);
	CU_ASSERT_EQUAL(dh_result(r), 0);
	CU_ASSERT(fuse_server_bswapped(vfs_dev_server(dh_dev)));
	CU_ASSERT(trace_find("bswapped", 0) >= 0);
	r = dh_mkdir(1, FUSE_ROOT_ID, "d");
	dh_expect(r, 0);
	dir = ((const struct fuse_entry_out *)dh_payload(r))->nodeid;
	CU_ASSERT(dir > FUSE_ROOT_ID);
	dh_expect(dh_lookup(1, FUSE_ROOT_ID, "d"), 0);
	dh_expect(dh_getattr(1, dir), 0);
	/* The device's own error reply is swapped too. */
	r = dh_write(1, dir, 0, data, sizeof(data));
	dh_expect(r, -E2BIG);
	/* The trace shows native uniques. */
	CU_ASSERT(trace_find("dev.too_big", 0) >= 0);
	CU_ASSERT_EQUAL(
		trace_event_at((size_t)trace_find("dev.too_big", 0))->unique,
		r->unique);
	dh_teardown();
}

static void test_event_idx_and_indirect(void)
{
	struct vfs_dev_config c = { .event_idx = true, .indirect = true };
	struct dh_req *r[6];

	dh_setup(&c);
	dh_do_init();
	for (int i = 0; i < 6; i++)
		r[i] = dh_getattr(1, FUSE_ROOT_ID);
	CU_ASSERT(dh_kick(1));
	dh_run();
	for (int i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(dh_result(r[i]), 0);
	CU_ASSERT(dh_irqs[1] >= 2);
	dh_teardown();
}

VT_SUITE(device_vfs_dev_bad, NULL, NULL,
	 VT_CASE(test_malformed_chain_needs_reset),
	 VT_CASE(test_avail_idx_jump_needs_reset),
	 VT_CASE(test_push_on_broken_ring), VT_CASE(test_queue_outside_memory),
	 VT_CASE(test_no_room_for_reply), VT_CASE(test_request_over_limit),
	 VT_CASE(test_short_and_unknown_requests),
	 VT_CASE(test_malformed_requests_through_ring),
	 VT_CASE(test_byte_swapped_session),
	 VT_CASE(test_event_idx_and_indirect));
