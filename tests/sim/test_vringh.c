// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vringh.c - device side: attaching, every malformed chain through
 * real ring memory (each with its own errno), the sticky needs-reset state,
 * chain copies, GET/SET_VRING_BASE.
 */
#include <stdlib.h>

#include "sim/trace/host.h"
#include "tests/sim/test_vq_util.h"

#define QN 8

static struct virtqueue *vq;
static struct vringh vrh;
static struct vring_desc *D;  /* driver's descriptor table, to corrupt */
static struct vring_avail *A; /* driver's avail ring, to corrupt */
static u8 *buf;		      /* a 64-byte buffer in guest memory */
static unsigned int qn = QN;  /* queue size of the current ring */

static void setup_features(u64 features)
{
	tq_setup_mem(1 << 22);
	vq = tq_pair(QN, features, &vrh);
	D = phys_to_virt(virtqueue_get_desc_addr(vq));
	A = phys_to_virt(virtqueue_get_avail_addr(vq));
	buf = gmem_alloc(64, 0);
}

static void setup(void)
{
	setup_features(F_INDIRECT);
}

static void teardown(void)
{
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
	tq_teardown();
}

static void set_desc(struct vring_desc *d, gpa_t addr, u32 len, u16 flags,
		     u16 next)
{
	d->addr = cpu_to_le64(addr);
	d->len = cpu_to_le32(len);
	d->flags = cpu_to_le16(flags);
	d->next = cpu_to_le16(next);
}

/* Make @head available by writing the avail ring as a driver would. */
static void publish(u16 head)
{
	u16 idx = le16_to_cpu(A->idx);

	A->ring[idx % qn] = cpu_to_le16(head);
	A->idx = cpu_to_le16((u16)(idx + 1));
}

static gpa_t B(void)
{
	return virt_to_phys(buf);
}

/* An indirect table of @n entries in guest memory. */
static struct vring_desc *table(unsigned int n)
{
	struct vring_desc *t = gmem_alloc(n * sizeof(*t), 16);

	memset(t, 0, n * sizeof(*t));
	return t;
}

static void bad_loop(void)
{
	set_desc(&D[0], B(), 8, VIRTQ_DESC_F_NEXT, 1);
	set_desc(&D[1], B(), 8, VIRTQ_DESC_F_NEXT, 0);
	publish(0);
}

/* A loop whose second pass would first find a readable descriptor after
 * a writable one: the loop is what is reported. */
static void bad_loop_mixed(void)
{
	set_desc(&D[0], B(), 8, VIRTQ_DESC_F_NEXT, 1);
	set_desc(&D[1], B(), 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
	publish(0);
}

static void bad_next(void)
{
	set_desc(&D[0], B(), 8, VIRTQ_DESC_F_NEXT, QN);
	publish(0);
}

static void bad_addr(void)
{
	set_desc(&D[0], 0x1000, 8, 0, 0); /* below the arena */
	publish(0);
}

static void bad_len(void)
{
	/* Starts inside guest memory, ends past it. */
	set_desc(&D[0], GMEM_BASE + (1 << 22) - 4, 8, 0, 0);
	publish(0);
}

static void bad_overflow(void)
{
	/* 257 writable buffers of the whole 16 MiB arena: > 4 GiB. */
	struct vring_desc *t = table(257);

	for (unsigned int i = 0; i < 257; i++)
		set_desc(&t[i], GMEM_BASE, 16u << 20,
			 VIRTQ_DESC_F_WRITE | (i < 256 ? VIRTQ_DESC_F_NEXT : 0),
			 (u16)(i + 1));
	set_desc(&D[0], virt_to_phys(t), 257 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
}

static void bad_order(void)
{
	set_desc(&D[0], B(), 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	set_desc(&D[1], B(), 8, 0, 0);
	publish(0);
}

static void bad_too_long(void)
{
	struct vring_desc *t = table(QN + 1);

	for (unsigned int i = 0; i <= QN; i++)
		set_desc(&t[i], B(), 1, i < QN ? VIRTQ_DESC_F_NEXT : 0,
			 (u16)(i + 1));
	set_desc(&D[0], virt_to_phys(t), (QN + 1) * 16, VIRTQ_DESC_F_INDIRECT,
		 0);
	publish(0);
}

static void bad_nested(void)
{
	struct vring_desc *t = table(2), *u = table(1);

	set_desc(&u[0], B(), 8, 0, 0);
	set_desc(&t[0], B(), 8, VIRTQ_DESC_F_NEXT, 1);
	set_desc(&t[1], virt_to_phys(u), 16, VIRTQ_DESC_F_INDIRECT, 0);
	set_desc(&D[0], virt_to_phys(t), 32, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
}

static void bad_indirect_len0(void)
{
	set_desc(&D[0], virt_to_phys(table(1)), 0, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
}

static void bad_indirect_len24(void)
{
	set_desc(&D[0], virt_to_phys(table(2)), 24, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
}

static void bad_indirect_next(void)
{
	set_desc(&D[0], virt_to_phys(table(1)), 16,
		 VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	publish(0);
}

static void bad_indirect_addr(void)
{
	set_desc(&D[0], 0x2000, 16, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
}

static void bad_indirect_loop(void)
{
	struct vring_desc *t = table(2);

	set_desc(&t[0], B(), 8, VIRTQ_DESC_F_NEXT, 1);
	set_desc(&t[1], B(), 8, VIRTQ_DESC_F_NEXT, 0);
	set_desc(&D[0], virt_to_phys(t), 32, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
}

static void bad_indirect_next_range(void)
{
	struct vring_desc *t = table(2);

	/* next 2 is inside the queue but outside this 2-entry table. */
	set_desc(&t[0], B(), 8, VIRTQ_DESC_F_NEXT, 2);
	set_desc(&D[0], virt_to_phys(t), 32, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
}

static void bad_avail_idx(void)
{
	set_desc(&D[0], B(), 8, 0, 0);
	A->idx = cpu_to_le16(QN + 1);
}

static void bad_head(void)
{
	publish(QN);
}

struct bad_case {
	const char *name;
	void (*corrupt)(void);
	int err;
	u64 arena;	  /* 0: the default 4 MiB */
	unsigned int num; /* 0: QN */
};

static const struct bad_case bad_cases[] = {
	{ "loop", bad_loop, -ELOOP, 0, 0 },
	{ "loop through a writable one", bad_loop_mixed, -ELOOP, 0, 0 },
	{ "next out of range", bad_next, -ERANGE, 0, 0 },
	{ "address outside memory", bad_addr, -EFAULT, 0, 0 },
	{ "length past memory", bad_len, -EFAULT, 0, 0 },
	{ "length sum overflow", bad_overflow, -EOVERFLOW, 16 << 20, 512 },
	{ "readable after writable", bad_order, -EPROTO, 0, 0 },
	{ "longer than the queue", bad_too_long, -E2BIG, 0, 0 },
	{ "nested indirect", bad_nested, -EMLINK, 0, 0 },
	{ "indirect length 0", bad_indirect_len0, -EMSGSIZE, 0, 0 },
	{ "indirect length 24", bad_indirect_len24, -EMSGSIZE, 0, 0 },
	{ "indirect with next", bad_indirect_next, -EINVAL, 0, 0 },
	{ "indirect table outside memory", bad_indirect_addr, -EFAULT, 0, 0 },
	{ "loop in an indirect table", bad_indirect_loop, -ELOOP, 0, 0 },
	{ "next outside an indirect table", bad_indirect_next_range, -ERANGE, 0,
	  0 },
	{ "avail idx jumped", bad_avail_idx, -EILSEQ, 0, 0 },
	{ "head out of range", bad_head, -ENXIO, 0, 0 },
};

static void test_malformed_chains(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct vringh_chain ch = { 0 };
		int ret;

		teardown();
		tq_setup_mem(c->arena ? c->arena : 1 << 22);
		qn = c->num ? c->num : QN;
		vq = tq_pair(qn, F_INDIRECT, &vrh);
		D = phys_to_virt(virtqueue_get_desc_addr(vq));
		A = phys_to_virt(virtqueue_get_avail_addr(vq));
		buf = gmem_alloc(64, 0);

		c->corrupt();
		ret = vringh_pop(&vrh, &ch);
		if (ret != c->err)
			fprintf(stderr, "\n  case '%s': got %d, want %d\n",
				c->name, ret, c->err);
		CU_ASSERT_EQUAL(ret, c->err);
		CU_ASSERT(vringh_needs_reset(&vrh));
		CU_ASSERT_EQUAL(vrh.error, c->err);
		CU_ASSERT(tq_traced("vq.bad_chain"));
		CU_ASSERT(tq_traced("needs reset"));
		/* Sticky: everything fails until re-initialised. */
		CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), -EIO);
		CU_ASSERT_EQUAL(vringh_avail_count(&vrh), -EIO);
		CU_ASSERT_EQUAL(vringh_push(&vrh, 0, 0), -EIO);
		CU_ASSERT_EQUAL(vringh_get_last_avail(&vrh), 0);
		vringh_chain_release(&ch);
	}
	qn = QN;
}

static void test_all_errnos_distinct(void)
{
	/* Fault classes (not variants of one) map to distinct errnos. */
	static const int errs[] = { -ELOOP,  -ERANGE, -EFAULT, -EOVERFLOW,
				    -EPROTO, -E2BIG,  -EMLINK, -EMSGSIZE,
				    -EINVAL, -EILSEQ, -ENXIO,  -EIO };

	for (size_t i = 0; i < ARRAY_SIZE(errs); i++)
		for (size_t j = i + 1; j < ARRAY_SIZE(errs); j++)
			CU_ASSERT_NOT_EQUAL(errs[i], errs[j]);
}

static void test_indirect_not_negotiated(void)
{
	struct vringh_chain ch = { 0 };

	teardown();
	setup_features(0);
	set_desc(&D[0], virt_to_phys(table(1)), 16, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), -EINVAL);
	CU_ASSERT(tq_traced("INDIRECT not negotiated"));
	vringh_chain_release(&ch);
}

static void test_avail_count_detects_jump(void)
{
	A->idx = cpu_to_le16(QN + 1);
	CU_ASSERT_EQUAL(vringh_avail_count(&vrh), -EILSEQ);
	CU_ASSERT(vringh_needs_reset(&vrh));
}

/* The pop reads the avail index again only once it popped every chain the
 * last read announced (vhost's shadow): a jump is found at that read. */
static void test_pop_rereads_index_when_caught_up(void)
{
	struct vringh_chain ch = { 0 };
	int t[2];

	CU_ASSERT_EQUAL(tq_add(vq, buf, 4, NULL, 0, &t[0]), 0);
	CU_ASSERT_EQUAL(tq_add(vq, buf, 8, NULL, 0, &t[1]), 0);
	CU_ASSERT_EQUAL(vringh_avail_count(&vrh), 2);
	A->idx = cpu_to_le16((u16)(le16_to_cpu(A->idx) + QN + 1));
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(ch.out_len, 4);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(ch.out_len, 8);
	CU_ASSERT_FALSE(vringh_needs_reset(&vrh));
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), -EILSEQ);
	CU_ASSERT(vringh_needs_reset(&vrh));
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), -EIO);
	vringh_chain_release(&ch);
}

static void test_init_rules(void)
{
	struct vringh v = { 0 };
	gpa_t d = virtqueue_get_desc_addr(vq), a = virtqueue_get_avail_addr(vq),
	      u = virtqueue_get_used_addr(vq);

	CU_ASSERT_EQUAL(vringh_init(&v, "v", 0, 6, d, a, u), -EINVAL);
	CU_ASSERT_EQUAL(vringh_init(&v, "v", 0, 65536, d, a, u), -EINVAL);
	CU_ASSERT_EQUAL(vringh_init(&v, "v", 0, QN, d + 8, a, u), -EINVAL);
	CU_ASSERT_EQUAL(vringh_init(&v, "v", 0, QN, d, a + 1, u), -EINVAL);
	CU_ASSERT_EQUAL(vringh_init(&v, "v", 0, QN, d, a, u + 2), -EINVAL);
	CU_ASSERT_EQUAL(vringh_init(&v, "v", 0, QN, 0x1000, a, u), -EFAULT);
	CU_ASSERT_EQUAL(vringh_init(&v, "v", 0, QN, d, GMEM_BASE + (1 << 22),
				    u),
			-EFAULT);
	CU_ASSERT_EQUAL(vringh_init(&v, "v", 0, QN, d, a,
				    GMEM_BASE + (1 << 22) - 8),
			-EFAULT);
	/* Attaching to a ring that already ran picks up its used index. */
	((struct vring_used *)phys_to_virt(u))->idx = cpu_to_le16(5);
	CU_ASSERT_EQUAL(vringh_init(&v, "v", F_EVENT, QN, d, a, u), 0);
	CU_ASSERT_EQUAL(v.last_used_idx, 5);
	CU_ASSERT(v.event_idx);
	CU_ASSERT_FALSE(v.indirect);
	/* Re-initialising releases the previous scratch memory. */
	CU_ASSERT_EQUAL(vringh_init(&v, "v", 0, QN, d, a, u), 0);
	vringh_exit(&v);
	vringh_exit(&v);
}

static void test_push_bad_head(void)
{
	CU_ASSERT_EQUAL(vringh_push(&vrh, QN, 0), -EINVAL);
	CU_ASSERT_FALSE(vringh_needs_reset(&vrh));
}

static void test_vring_base(void)
{
	struct vringh_chain ch = { 0 };
	int t[2];

	CU_ASSERT_EQUAL(tq_add(vq, buf, 4, NULL, 0, &t[0]), 0);
	CU_ASSERT_EQUAL(tq_add(vq, buf, 8, NULL, 0, &t[1]), 0);
	CU_ASSERT_EQUAL(vringh_avail_count(&vrh), 2);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(vringh_get_last_avail(&vrh), 1);
	CU_ASSERT_EQUAL(vringh_avail_count(&vrh), 1);
	/* SET_VRING_BASE back to 0: the first chain comes again. */
	vringh_set_last_avail(&vrh, 0);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(ch.out_len, 4);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(ch.out_len, 8);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 0);
	vringh_chain_release(&ch);
}

static void test_chain_copy_faults(void)
{
	struct vringh_seg seg = { .gpa = 0x10, .len = 8, .writable = false };
	struct vringh_seg wseg = { .gpa = 0x10, .len = 8, .writable = true };
	struct vringh_chain ch = { .nr_segs = 1, .segs = &seg };
	u8 b[8] = { 0 };

	CU_ASSERT_EQUAL(vringh_chain_read(&ch, 0, b, 8), -EFAULT);
	CU_ASSERT_EQUAL(vringh_chain_write(&ch, 0, b, 8), 0); /* no writable */
	ch.segs = &wseg;
	CU_ASSERT_EQUAL(vringh_chain_write(&ch, 0, b, 8), -EFAULT);
	CU_ASSERT_EQUAL(vringh_chain_read(&ch, 0, b, 8), 0);
	/* Offset past the end copies nothing. */
	wseg.gpa = virt_to_phys(buf);
	CU_ASSERT_EQUAL(vringh_chain_write(&ch, 9, b, 8), 0);
}

/* A copy that fails after the pop (a vhost-user region taken away) makes
 * the ring need a reset, like the same fault found at the pop. */
static void test_chain_fault_needs_reset(void)
{
	struct vringh_chain ch = { 0 };
	int t;

	CU_ASSERT_EQUAL(tq_add(vq, buf, 4, NULL, 0, &t), 0);
	CU_ASSERT_EQUAL_FATAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_FALSE(vringh_needs_reset(&vrh));
	CU_ASSERT_EQUAL(vringh_chain_fault(&vrh, ch.head, -EFAULT, "gone"),
			-EFAULT);
	CU_ASSERT(vringh_needs_reset(&vrh));
	CU_ASSERT(trace_find("vringh_chain_copy", 0) >= 0);
	CU_ASSERT(trace_find("gone (errno 14): needs reset", 0) >= 0);
	/* a second fault on the broken ring is not traced again */
	CU_ASSERT_EQUAL(vringh_chain_fault(&vrh, ch.head, -EFAULT, "again"),
			-EIO);
	CU_ASSERT_EQUAL(trace_find("again (errno 14)", 0), -1);
	CU_ASSERT_EQUAL(vrh.error, -EFAULT);
	CU_ASSERT_EQUAL(vringh_push(&vrh, ch.head, 0), -EIO);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), -EIO);
	vringh_chain_release(&ch);
}

/* A popped chain's buffers are marked range-checked (by vringh.c's
 * walk_chain(); lab 9's answers need not mark them), so a copy only tests
 * them for freed memory: a buffer the guest freed after the pop is still
 * reported, in both directions, and the copy still happens. */
static void test_popped_chain_copy_reports_freed(void)
{
	struct vringh_chain ch = { 0 };
	u8 *in = gmem_alloc(64, 0), *out = gmem_alloc(64, 0);
	u8 b[16];

	memset(in, 'r', 64);
	set_desc(&D[0], virt_to_phys(in), 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(&D[1], virt_to_phys(out), 16, VIRTQ_DESC_F_WRITE, 0);
	publish(0);
	CU_ASSERT_EQUAL_FATAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(gmem_get_stats().freed_accesses, 0);
	gmem_free(in);
	gmem_free(out);
	CU_ASSERT_EQUAL(vringh_chain_read(&ch, 0, b, sizeof(b)), 16);
	CU_ASSERT_EQUAL(gmem_get_stats().freed_accesses, 1);
	CU_ASSERT_EQUAL(vringh_chain_write(&ch, 4, b, 8), 8);
	CU_ASSERT_EQUAL(gmem_get_stats().freed_accesses, 2);
	CU_ASSERT(trace_find("mem.freed", 0) >= 0);
	/* The same buffer as a chain the caller builds: the copy checks
	 * its range (a GPA past guest memory: -EFAULT). */
	ch.segs[0] = (struct vringh_seg){ .gpa = GMEM_BASE + (1 << 22) - 4,
					  .len = 8 };
	CU_ASSERT_EQUAL(vringh_chain_read(&ch, 0, b, 8), -EFAULT);
	vringh_chain_release(&ch);
}

/*
 * A chain built field by field in uninitialised memory (lab 9's own
 * walk_chain()): whatever else the bytes of a segment hold, a buffer 64
 * bytes past the arena is -EFAULT at the copy, never a host access (a
 * "range checked" mark in the segment once skipped the test when the
 * garbage left it nonzero: SIGSEGV).
 */
static void test_caller_chain_garbage(void)
{
	struct vringh_chain ch;
	u8 b[16];

	memset(&ch, 0xa5, sizeof(ch));
	ch.segs = host_malloc(2 * sizeof(*ch.segs));
	memset(ch.segs, 0xa5, 2 * sizeof(*ch.segs));
	ch.nr_segs = 2;
	ch.nr_out = 1;
	ch.segs[0].gpa = GMEM_BASE + gmem_arena_size() + 64;
	ch.segs[0].len = 16;
	ch.segs[0].writable = false;
	ch.segs[1].gpa = GMEM_BASE + gmem_arena_size() + 64;
	ch.segs[1].len = 16;
	ch.segs[1].writable = true;
	CU_ASSERT_EQUAL(vringh_chain_read(&ch, 0, b, sizeof(b)), -EFAULT);
	CU_ASSERT_EQUAL(vringh_chain_write(&ch, 0, b, sizeof(b)), -EFAULT);
	vringh_chain_release(&ch);
}

/* The loop marks' stamp wraps without a false loop. The marks are only
 * walked for a chain the pop's fast walk leaves to the checking one: a
 * zero-length buffer just past the arena's last byte is in guest memory
 * for gmem_range_valid() but not for the fast walk's one compare. */
static void test_stamp_wraps(void)
{
	struct vringh_chain ch = { 0 };

	vrh.stamp = UINT32_MAX;
	vrh.visit[0] = 1; /* stale mark from "long ago" */
	set_desc(&D[0], GMEM_BASE + gmem_arena_size(), 0, 0, 0);
	publish(0);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(ch.nr_segs, 1);
	CU_ASSERT_EQUAL(vrh.stamp, 1); /* a direct chain takes one stamp */
	vringh_chain_release(&ch);
}

/*
 * A chain read from freed guest memory pops as before, and each
 * descriptor read is reported once: the fast walk gives such a chain to
 * the checking walk without reporting anything itself.
 */
static void test_freed_table_reported_once(void)
{
	struct vring_desc *t = table(2);
	struct vringh_chain ch = { 0 };
	u64 before;

	set_desc(&t[0], B(), 8, VIRTQ_DESC_F_NEXT, 1);
	set_desc(&t[1], B() + 8, 8, VIRTQ_DESC_F_WRITE, 0);
	set_desc(&D[0], virt_to_phys(t), 2 * sizeof(*t), VIRTQ_DESC_F_INDIRECT,
		 0);
	publish(0);
	CU_ASSERT_EQUAL(gmem_free(t), 0); /* the driver's bug */
	before = gmem_get_stats().freed_accesses;
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(gmem_get_stats().freed_accesses - before, 2);
	CU_ASSERT_EQUAL(ch.nr_segs, 2);
	CU_ASSERT_EQUAL(ch.out_len, 8);
	CU_ASSERT_EQUAL(ch.in_len, 8);
	vringh_chain_release(&ch);
}

static void test_zero_length_buffers(void)
{
	struct vringh_chain ch = { 0 };
	u8 b[4];

	set_desc(&D[0], B(), 0, VIRTQ_DESC_F_NEXT, 1);
	set_desc(&D[1], B(), 0, VIRTQ_DESC_F_WRITE, 0);
	publish(0);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(ch.nr_segs, 2);
	CU_ASSERT_EQUAL(vringh_chain_read(&ch, 0, b, 4), 0);
	CU_ASSERT_EQUAL(vringh_chain_write(&ch, 0, b, 4), 0);
	vringh_chain_release(&ch);
}

/* The longest valid chain: QN - 1 direct buffers, then an indirect table
 * of QN. That is more segments than the queue has entries (the segment
 * array once had room for QN only and the pop asserted). */
static void test_longest_chain(void)
{
	struct vring_desc *t = table(QN);
	struct vringh_chain ch = { 0 };
	u8 b[2 * QN * 4];

	for (u16 i = 0; i < QN - 1; i++)
		set_desc(&D[i], B() + i, 1, VIRTQ_DESC_F_NEXT, (u16)(i + 1));
	set_desc(&D[QN - 1], virt_to_phys(t), QN * sizeof(*t),
		 VIRTQ_DESC_F_INDIRECT, 0);
	for (u16 i = 0; i < QN; i++)
		set_desc(&t[i], B() + 16 + i, 2,
			 i + 1 < QN ? VIRTQ_DESC_F_NEXT : 0, (u16)(i + 1));
	publish(0);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(ch.nr_segs, 2 * QN - 1);
	CU_ASSERT_EQUAL(ch.nr_out, 2 * QN - 1);
	CU_ASSERT_EQUAL(ch.out_len, (QN - 1) + 2 * QN);
	CU_ASSERT(ch.indirect);
	CU_ASSERT_EQUAL(vringh_chain_read(&ch, 0, b, sizeof(b)),
			(QN - 1) + 2 * QN);
	vringh_chain_release(&ch);
}

/*
 * The spec limits an indirect chain's length by the queue size, not its
 * table's size: a 4*QN-entry table whose chain uses two entries (one past
 * the queue size) pops; a chain past QN entries in such a table does not,
 * a loop among entries past QN included.
 */
static void test_indirect_table_longer_than_queue(void)
{
	struct vring_desc *t = table(4 * QN);
	struct vringh_chain ch = { 0 };

	set_desc(&t[0], B(), 8, VIRTQ_DESC_F_NEXT, 3 * QN);
	set_desc(&t[3 * QN], B() + 8, 8, VIRTQ_DESC_F_WRITE, 0);
	set_desc(&D[0], virt_to_phys(t), 4 * QN * sizeof(*t),
		 VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(ch.nr_segs, 2);
	CU_ASSERT_EQUAL(ch.out_len, 8);
	CU_ASSERT_EQUAL(ch.in_len, 8);
	CU_ASSERT(ch.indirect);
	CU_ASSERT_FALSE(vringh_needs_reset(&vrh));

	/* QN + 1 entries of the big table: too long. */
	for (u16 i = 0; i <= QN; i++)
		set_desc(&t[i], B(), 1, i < QN ? VIRTQ_DESC_F_NEXT : 0,
			 (u16)(i + 1));
	publish(0);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), -E2BIG);
	vringh_chain_release(&ch);
	teardown();
	setup();

	/* a loop between two entries past the queue size */
	t = table(4 * QN);
	set_desc(&t[0], B(), 8, VIRTQ_DESC_F_NEXT, 2 * QN);
	set_desc(&t[2 * QN], B(), 8, VIRTQ_DESC_F_NEXT, 2 * QN + 1);
	set_desc(&t[2 * QN + 1], B(), 8, VIRTQ_DESC_F_NEXT, 2 * QN);
	set_desc(&D[0], virt_to_phys(t), 4 * QN * sizeof(*t),
		 VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), -E2BIG);
	CU_ASSERT(tq_traced("indirect chain longer than the queue"));
	vringh_chain_release(&ch);
}

/* A chain's segment array is sized by the chains seen, not the queue. */
static void test_chain_array_small(void)
{
	struct vringh_chain ch = { 0 };
	int t;

	CU_ASSERT_EQUAL(tq_add(vq, buf, 4, buf + 8, 4, &t), 0);
	CU_ASSERT_EQUAL(vringh_pop(&vrh, &ch), 1);
	CU_ASSERT_EQUAL(ch.nr_segs, 2);
	CU_ASSERT(ch.cap >= 2 && ch.cap < QN);
	vringh_chain_release(&ch);
}

VT_SUITE_EACH(sim_vringh, setup, teardown, VT_CASE(test_malformed_chains),
	      VT_CASE(test_all_errnos_distinct),
	      VT_CASE(test_indirect_not_negotiated),
	      VT_CASE(test_avail_count_detects_jump),
	      VT_CASE(test_pop_rereads_index_when_caught_up),
	      VT_CASE(test_init_rules), VT_CASE(test_push_bad_head),
	      VT_CASE(test_vring_base), VT_CASE(test_chain_copy_faults),
	      VT_CASE(test_chain_fault_needs_reset),
	      VT_CASE(test_popped_chain_copy_reports_freed),
	      VT_CASE(test_caller_chain_garbage), VT_CASE(test_stamp_wraps),
	      VT_CASE(test_freed_table_reported_once),
	      VT_CASE(test_zero_length_buffers), VT_CASE(test_longest_chain),
	      VT_CASE(test_indirect_table_longer_than_queue),
	      VT_CASE(test_chain_array_small));
