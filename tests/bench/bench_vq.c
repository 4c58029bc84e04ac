// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_vq.c - cost of one request cycle on a split ring: add_sgs of a
 * 2-descriptor chain + kick_prepare + device pop + push used + get_buf,
 * at several queue sizes, with tracing off. Wall-clock time is fine here:
 * nothing of it reaches a trace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim/kernel/gmem.h"
#include "sim/kernel/slab.h"
#include "sim/trace/trace.h"
#include "sim/virtio/virtqueue.h"
#include "sim/virtio/vringh.h"

static bool notify(struct virtqueue *vq)
{
	(void)vq;
	return true;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int bench(unsigned int num, u64 features, const char *what)
{
	const unsigned long iters = 1000000;
	struct vringh vrh = { 0 };
	struct vringh_chain ch = { 0 };
	struct virtqueue *vq =
		vring_create_virtqueue(0, num, features, notify, NULL, "bench");
	u8 *out = gmem_alloc(64, 0), *in = gmem_alloc(64, 0);
	struct scatterlist so, si, *sgs[2] = { &so, &si };
	unsigned long bad = 0;
	unsigned int len;
	double t0, ns, best = 1e30;
	int token;

	if (!vq || !out || !in ||
	    vringh_init(&vrh, "bench", features, num,
			virtqueue_get_desc_addr(vq),
			virtqueue_get_avail_addr(vq),
			virtqueue_get_used_addr(vq))) {
		fprintf(stderr, "bench_vq: setup failed at num=%u\n", num);
		return 1;
	}
	sg_init_one(&so, out, 64);
	sg_init_one(&si, in, 64);
	/* Best of 6 passes (the first warms up): the machine is shared. */
	for (int pass = 0; pass < 6; pass++) {
		t0 = now_ns();
		for (unsigned long i = 0; i < iters; i++) {
			bad += virtqueue_add_sgs(vq, sgs, 1, 1, &token,
						 GFP_ATOMIC) != 0;
			virtqueue_kick_prepare(vq);
			bad += vringh_pop(&vrh, &ch) != 1;
			bad += vringh_push(&vrh, ch.head, 16) != 0;
			bad += virtqueue_get_buf(vq, &len) != &token;
		}
		ns = (now_ns() - t0) / iters;
		if (pass && ns < best)
			best = ns;
	}
	ns = best;
	printf("  %-22s num=%-6u %7.1f ns/cycle %12.0f cycles/s%s\n", what, num,
	       ns, 1e9 / ns, bad ? "  ERRORS" : "");
	vringh_chain_release(&ch);
	vringh_exit(&vrh);
	vring_del_virtqueue(vq);
	gmem_free(out);
	gmem_free(in);
	return bad != 0;
}

int main(void)
{
	static const unsigned int sizes[] = { 8, 128, 256, 32768 };
	const u64 ev = 1ULL << VIRTIO_RING_F_EVENT_IDX;
	const u64 ind = 1ULL << VIRTIO_RING_F_INDIRECT_DESC;
	int ret = 0;

	if (gmem_init(64 << 20)) {
		fprintf(stderr, "bench_vq: no guest memory\n");
		return 1;
	}
	trace_reset(false);
	printf("bench_vq: add_sgs(1 out + 1 in) + kick_prepare + vringh_pop"
	       " + vringh_push + get_buf (target <= 100 ns)\n");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		ret |= bench(sizes[i], 0, "plain");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		ret |= bench(sizes[i], ev, "event_idx");
	ret |= bench(256, ev | ind, "event_idx+indirect");
	kmem_exit();
	gmem_exit();
	return ret;
}
