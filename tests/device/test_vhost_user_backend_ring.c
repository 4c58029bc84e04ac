// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vhost_user_backend_ring.c - a vhost-user back end's broken rings:
 * the err eventfd signalled once, a memory region removed while a
 * request is in flight, and a ring left alone once it needs a reset.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "device/vhost_user_backend.h"
#include "fuse_proto/fuse_msg.h"
#include "sim/kernel/gmem.h"
#include "sim/kernel/sched.h"
#include "sim/trace/trace.h"
#include "tests/harness.h"
#include "tests/device/test_vhost_user_backend.h"

/* A broken ring is reported on its err eventfd, once. */
static void test_ring_error_signalled(void)
{
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	u64 idx = 1, n = 1;
	__le16 bad_avail = cpu_to_le16(100);

	vu_start_rings();
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_VRING_ERR, 0, &idx,
				   sizeof(idx), &efd, 1),
			0);
	/* the avail index jumps by more than the ring size */
	memcpy(vu_ram + vu_ring_base(1) + 16 * VU_NUM + 2, &bad_avail, 2);
	CU_ASSERT_EQUAL(write(vu_kick[1], &n, sizeof(n)), sizeof(n));
	vhost_user_backend_kick(&vu_be, 1);
	vu_run_device();
	/* The counter's value is not compared: under qemu-user a cross-endian
	 * eventfd received with SCM_RIGHTS is not byte-swapped. That it
	 * fired, and fires no more, is what matters. */
	n = 0;
	CU_ASSERT_EQUAL(read(efd, &n, sizeof(n)), sizeof(n));
	CU_ASSERT_NOT_EQUAL(n, 0);
	n = 1;
	CU_ASSERT_EQUAL(write(vu_kick[1], &n, sizeof(n)), sizeof(n));
	vhost_user_backend_kick(&vu_be, 1);
	vu_run_device();
	CU_ASSERT_EQUAL(read(efd, &n, sizeof(n)), -1);
	CU_ASSERT_EQUAL(errno, EAGAIN);
	close(efd);
}

/*
 * vu_start_rings() mapped all of RAM as one region: map it as two, split at
 * offset @at. @high receives the upper one, to be taken away later.
 */
static void split_ram(u64 at, struct vhost_user_mem_reg *high)
{
	struct vhost_user_mem_reg all = { .region = { VU_RAM_GPA, VU_RAM_SIZE,
						      (u64)(uintptr_t)vu_ram,
						      0 } },
				  low = { .region = { VU_RAM_GPA, at,
						      (u64)(uintptr_t)vu_ram,
						      0 } };

	*high = (struct vhost_user_mem_reg){
		.region = { VU_RAM_GPA + at, VU_RAM_SIZE - at,
			    (u64)(uintptr_t)vu_ram + at, at }
	};
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_REM_MEM_REG, 0, &all, sizeof(all),
				   NULL, 0),
			0);
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_ADD_MEM_REG, 0, &low, sizeof(low),
				   &vu_memfd, 1),
			0);
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_ADD_MEM_REG, 0, high,
				   sizeof(*high), &vu_memfd, 1),
			0);
	CU_ASSERT_EQUAL_FATAL(gmem_nr_regions(), 2);
}

/* Run the device past its timers (a latency), until nothing is left. */
static void run_device_timers(void)
{
	for (int i = 0; i < 100000; i++) {
		enum sched_status st = sched_step();

		if (st != SCHED_STEPPED && st != SCHED_TIMER)
			break;
	}
}

/* How many events of the trace read @text. */
static int trace_count_of(const char *text)
{
	int n = 0;

	for (long i = trace_find(text, 0); i >= 0;
	     i = trace_find(text, (size_t)i + 1))
		n++;
	return n;
}

/*
 * Kick ring 1, whose device waits out a latency with @nr requests popped,
 * the first of them unique 42 with its buffers in region @reg; take @reg
 * away meanwhile, then run past the latency: 42's reply faults, once.
 */
static void remove_in_flight(struct vhost_user_mem_reg *reg, unsigned int nr)
{
	u64 n = 1;

	CU_ASSERT_EQUAL(write(vu_kick[1], &n, sizeof(n)), sizeof(n));
	vhost_user_backend_kick(&vu_be, 1);
	vu_run_device();
	CU_ASSERT_EQUAL_FATAL(vfs_dev_in_progress(vu_dev), nr);
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_REM_MEM_REG, 0, reg, sizeof(*reg),
				   NULL, 0),
			0);
	run_device_timers();
	CU_ASSERT_EQUAL(trace_count_of("vq.bad_chain"), 1);
	CU_ASSERT(trace_find("reply to unique 42: buffer no longer in guest "
			     "memory (errno 14): needs reset",
			     0) >= 0);
}

/*
 * The front end removes the region holding a request's buffers while the
 * request is in flight (popped, waiting out the device's latency): the
 * reply cannot be written. Before the fix the back end aborted on an
 * assert; now the ring needs a reset, the trace names the chain, the err
 * eventfd fires, nothing is pushed, and a reset brings the ring back.
 */
static void test_region_removed_in_flight(void)
{
	/* RAM in two regions: the rings below 0x10000, the buffers above */
	struct vhost_user_mem_reg bufs;
	struct vhost_user_vring_state st = { 1, 0 };
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	u64 idx = 1, n = 1;
	__le16 used_idx;
	struct vfs_dev_queue_stats qs;
	struct vhost_user_msg m;
	int fds[VHOST_USER_MAX_FDS];
	unsigned int nfds;

	vu_start_rings();
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_VRING_ERR, 0, &idx,
				   sizeof(idx), &efd, 1),
			0);
	split_ram(0x10000, &bufs);
	vfs_dev_set_latency(vu_dev, 1000000);
	vu_post_init(1, 42);
	remove_in_flight(&bufs, 1);
	CU_ASSERT(trace_find("dev.needs_reset", 0) >= 0);
	CU_ASSERT_EQUAL(trace_find("dev.complete", 0), -1);
	memcpy(&used_idx, vu_ram + vu_ring_base(1) + 0x800 + 2, 2);
	CU_ASSERT_EQUAL(le16_to_cpu(used_idx), 0);
	CU_ASSERT_EQUAL(vfs_dev_in_progress(vu_dev), 0);
	CU_ASSERT_EQUAL(vfs_dev_queue_stats(vu_dev, 1, &qs), 0);
	CU_ASSERT(qs.broken);
	CU_ASSERT_EQUAL(qs.popped, 1);
	CU_ASSERT_EQUAL(qs.completed, 0);
	CU_ASSERT_EQUAL(qs.faulted, 1);
	n = 0;
	CU_ASSERT_EQUAL(read(efd, &n, sizeof(n)), sizeof(n));
	CU_ASSERT_NOT_EQUAL(n, 0);
	/* the buffers come back, but the broken ring serves nothing more */
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_ADD_MEM_REG, 0, &bufs,
				   sizeof(bufs), &vu_memfd, 1),
			0);
	vu_post_init(2, 43);
	n = 1;
	CU_ASSERT_EQUAL(write(vu_kick[1], &n, sizeof(n)), sizeof(n));
	vhost_user_backend_kick(&vu_be, 1);
	run_device_timers();
	CU_ASSERT_EQUAL(vfs_dev_queue_stats(vu_dev, 1, &qs), 0);
	CU_ASSERT_EQUAL(qs.popped, 1);
	/* the front end stops the ring and resets the device: all is well */
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_GET_VRING_BASE, 0, &st,
				   sizeof(st), NULL, 0),
			0);
	CU_ASSERT_EQUAL(vhost_user_recv(vu_fe, &m, fds, &nfds), 0);
	CU_ASSERT_EQUAL(m.payload.state.index, 1);
	CU_ASSERT_EQUAL(m.payload.state.num, 1); /* the faulted chain's pop */
	CU_ASSERT_EQUAL(
		vu_request(VHOST_USER_RESET_DEVICE, 0, NULL, 0, NULL, 0), 0);
	CU_ASSERT(vfs_dev_suspended(vu_dev));
	close(efd);
}

/*
 * Three INITs popped in one batch; the region holding the first one's and
 * the third one's buffers goes while they wait out the latency. The first
 * reply's copy faults, and the ring needs a reset. From there on the
 * ring is left alone, as libvhost-user leaves it after vu_panic(): the
 * second reply, whose buffer is still mapped, is not written, nothing is
 * pushed, the third reply's copy is not tried, so one fault is traced,
 * and all three are counted faulted. Before, the second reply was written
 * into guest memory (only its push failed), the third traced a second
 * vq.bad_chain, and none of them was counted anywhere.
 */
static void test_broken_ring_left_alone(void)
{
	struct vhost_user_mem_reg high;
	struct vfs_dev_queue_stats qs;
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	u64 idx = 1, n = 1;
	u8 untouched[64];
	__le16 used_idx;

	vu_start_rings();
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_VRING_ERR, 0, &idx,
				   sizeof(idx), &efd, 1),
			0);
	split_ram(0x20000, &high);
	vfs_dev_set_latency(vu_dev, 1000000);
	CU_ASSERT_EQUAL(vfs_dev_set_batch(vu_dev, 3), 0);
	vu_post_init_at(1, 42, 0, 0x20000); /* high */
	vu_post_init_at(2, 43, 2, 0x18000); /* low: its reply at 0x19000 */
	vu_post_init_at(3, 44, 4, 0x22000); /* high */
	memset(vu_ram + 0x19000, 0xa5, sizeof(untouched));
	memset(untouched, 0xa5, sizeof(untouched));
	remove_in_flight(&high, 3);
	CU_ASSERT_EQUAL(trace_count_of("dev.needs_reset"), 1);
	CU_ASSERT_EQUAL(trace_count_of("ring needs reset: reply not written"),
			2);
	CU_ASSERT_EQUAL(trace_find("dev.complete", 0), -1);
	CU_ASSERT_EQUAL(trace_find("dev.irq", 0), -1);
	CU_ASSERT_EQUAL(memcmp(vu_ram + 0x19000, untouched, sizeof(untouched)),
			0);
	memcpy(&used_idx, vu_ram + vu_ring_base(1) + 0x800 + 2, 2);
	CU_ASSERT_EQUAL(le16_to_cpu(used_idx), 0);
	CU_ASSERT_EQUAL(vfs_dev_queue_stats(vu_dev, 1, &qs), 0);
	CU_ASSERT(qs.broken);
	CU_ASSERT_EQUAL(qs.popped, 3);
	CU_ASSERT_EQUAL(qs.faulted, 3);
	CU_ASSERT_EQUAL(qs.popped, qs.completed + qs.dropped + qs.faulted +
					   qs.in_progress);
	n = 0;
	CU_ASSERT_EQUAL(read(efd, &n, sizeof(n)), sizeof(n));
	CU_ASSERT_NOT_EQUAL(n, 0);
	/* a reset brings the ring back with no chain held */
	CU_ASSERT_EQUAL(
		vu_request(VHOST_USER_RESET_DEVICE, 0, NULL, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(vfs_dev_queue_stats(vu_dev, 1, &qs), 0);
	CU_ASSERT_FALSE(qs.broken);
	CU_ASSERT_EQUAL(qs.dropped, 0);
	close(efd);
}

VT_SUITE_EACH(device_vhost_user_backend_ring, vu_setup, vu_teardown,
	      VT_CASE(test_ring_error_signalled),
	      VT_CASE(test_region_removed_in_flight),
	      VT_CASE(test_broken_ring_left_alone));
