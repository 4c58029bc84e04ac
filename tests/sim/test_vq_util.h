/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_vq_util.h - a driver queue and a device view of the same ring, for
 * the virtqueue, vringh and ring_dot suites.
 */
#ifndef VFSIM_TESTS_SIM_TEST_VQ_UTIL_H
#define VFSIM_TESTS_SIM_TEST_VQ_UTIL_H

#include <errno.h>
#include <string.h>

#include "sim/kernel/gmem.h"
#include "sim/kernel/slab.h"
#include "sim/trace/trace.h"
#include "sim/virtio/virtqueue.h"
#include "sim/virtio/vringh.h"
#include "tests/harness.h"

#define F_INDIRECT (1ULL << VIRTIO_RING_F_INDIRECT_DESC)
#define F_EVENT	   (1ULL << VIRTIO_RING_F_EVENT_IDX)

static unsigned int tq_kicks;
static bool tq_notify_ok = true;
static unsigned int tq_callbacks;

static inline bool tq_notify(struct virtqueue *vq)
{
	(void)vq;
	tq_kicks++;
	return tq_notify_ok;
}

static inline void tq_callback(struct virtqueue *vq)
{
	(void)vq;
	tq_callbacks++;
}

static inline void tq_setup_mem(u64 size)
{
	kmem_exit();
	gmem_exit();
	trace_reset(true);
	trace_set_keep(true);
	tq_kicks = 0;
	tq_callbacks = 0;
	tq_notify_ok = true;
	CU_ASSERT_EQUAL_FATAL(gmem_init(size), 0);
}

static inline void tq_teardown(void)
{
	/* Indirect tables are kmalloc'd: none may outlive its queue. */
	CU_ASSERT_EQUAL(kmem_exit(), 0);
	gmem_exit();
	trace_reset(false);
}

/* A queue of @num entries and a device view attached to its GPAs. */
static inline struct virtqueue *tq_pair(unsigned int num, u64 features,
					struct vringh *vrh)
{
	struct virtqueue *vq = vring_create_virtqueue(
		0, num, features, tq_notify, tq_callback, "tq");

	CU_ASSERT_PTR_NOT_NULL_FATAL(vq);
	memset(vrh, 0, sizeof(*vrh));
	CU_ASSERT_EQUAL_FATAL(vringh_init(vrh, "tq", features, num,
					  virtqueue_get_desc_addr(vq),
					  virtqueue_get_avail_addr(vq),
					  virtqueue_get_used_addr(vq)),
			      0);
	return vq;
}

/* Add one chain: @out readable bytes in one buffer, @in writable bytes. */
static inline int tq_add(struct virtqueue *vq, void *out, unsigned int olen,
			 void *in, unsigned int ilen, void *token)
{
	struct scatterlist so, si, *sgs[2];
	unsigned int n = 0, nout = 0, nin = 0;

	if (out) {
		sg_init_one(&so, out, olen);
		sgs[n++] = &so;
		nout = 1;
	}
	if (in) {
		sg_init_one(&si, in, ilen);
		sgs[n++] = &si;
		nin = 1;
	}
	return virtqueue_add_sgs(vq, sgs, nout, nin, token, GFP_ATOMIC);
}

/* True when some kept trace event's text contains @needle. */
static inline bool tq_traced(const char *needle)
{
	return trace_find(needle, 0) >= 0;
}

#endif
