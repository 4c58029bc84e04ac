// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vhost_user_backend.c - the device behind a real vhost-user socket,
 * driven by a small front end in the test (test_vhost_user_backend.h).
 * One FUSE INIT goes round trip; then the queries, every refusal and
 * every framing error, the memory table, a reset and a state transfer.
 * Broken rings and vanished regions are in
 * test_vhost_user_backend_ring.c.
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

static void test_init_round_trip(void)
{
	struct fuse_out_header oh;
	__le16 used_idx;
	u64 n = 1;

	vu_start_rings();
	vu_post_init(1, 42);
	CU_ASSERT_EQUAL(write(vu_kick[1], &n, sizeof(n)), sizeof(n));
	vhost_user_backend_kick(&vu_be, 1);
	vu_run_device();
	memcpy(&used_idx, vu_ram + vu_ring_base(1) + 0x800 + 2, 2);
	CU_ASSERT_EQUAL(le16_to_cpu(used_idx), 1);
	memcpy(&oh, vu_ram + 0x11000, sizeof(oh));
	CU_ASSERT_EQUAL(oh.unique, 42);
	CU_ASSERT_EQUAL(oh.error, 0);
	CU_ASSERT_EQUAL(read(vu_call[1], &n, sizeof(n)), sizeof(n));
	/* GET_VRING_BASE stops the ring and says where it is. */
	struct vhost_user_vring_state st = { 1, 0 };
	struct vhost_user_msg m;
	int fds[VHOST_USER_MAX_FDS];
	unsigned int nfds;

	CU_ASSERT_EQUAL(vu_request(VHOST_USER_GET_VRING_BASE, 0, &st,
				   sizeof(st), NULL, 0),
			0);
	CU_ASSERT_EQUAL(vhost_user_recv(vu_fe, &m, fds, &nfds), 0);
	CU_ASSERT_EQUAL(m.payload.state.index, 1);
	CU_ASSERT_EQUAL(m.payload.state.num, 1);
	CU_ASSERT_EQUAL(vu_be.rings[1].kick, -1);
}

static void test_queries(void)
{
	CU_ASSERT_EQUAL(
		vu_request(VHOST_USER_GET_FEATURES, 0, NULL, 0, NULL, 0), 0);
	CU_ASSERT(vu_reply_u64(VHOST_USER_GET_FEATURES) &
		  (1ULL << VHOST_USER_F_PROTOCOL_FEATURES_BIT));
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_GET_PROTOCOL_FEATURES, 0, NULL, 0,
				   NULL, 0),
			0);
	CU_ASSERT_EQUAL(vu_reply_u64(VHOST_USER_GET_PROTOCOL_FEATURES),
			VHOST_USER_BACKEND_PROTOCOL_FEATURES);
	CU_ASSERT_EQUAL(
		vu_request(VHOST_USER_GET_QUEUE_NUM, 0, NULL, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(vu_reply_u64(VHOST_USER_GET_QUEUE_NUM), 2);
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_GET_MAX_MEM_SLOTS, 0, NULL, 0,
				   NULL, 0),
			0);
	CU_ASSERT_EQUAL(vu_reply_u64(VHOST_USER_GET_MAX_MEM_SLOTS),
			GMEM_MAP_MAX_REGIONS);
}

/* With REPLY_ACK, a need_reply request gets 0 or a positive errno. */
static void test_acks_and_refusals(void)
{
	u64 pf = 1ULL << VHOST_USER_PROTOCOL_F_REPLY_ACK, bad = 1ULL << 62;
	struct vhost_user_vring_state st = { 7, 8 };
	int efd = eventfd(0, EFD_CLOEXEC);
	struct vhost_user_mem_reg reg = { 0 };
	u64 idx;

	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_PROTOCOL_FEATURES, 0, &pf,
				   sizeof(pf), NULL, 0),
			0);
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_BACKEND_REQ_FD,
				   VHOST_USER_NEED_REPLY_MASK, NULL, 0, &efd,
				   1),
			0);
	CU_ASSERT_EQUAL(vu_reply_u64(VHOST_USER_SET_BACKEND_REQ_FD), 0);
	/* features not offered */
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_FEATURES,
				   VHOST_USER_NEED_REPLY_MASK, &bad,
				   sizeof(bad), NULL, 0),
			0);
	CU_ASSERT_EQUAL(vu_reply_u64(VHOST_USER_SET_FEATURES), EINVAL);
	/* a ring the device does not have */
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_VRING_NUM,
				   VHOST_USER_NEED_REPLY_MASK, &st, sizeof(st),
				   NULL, 0),
			0);
	CU_ASSERT_EQUAL(vu_reply_u64(VHOST_USER_SET_VRING_NUM), EINVAL);
	idx = 9;
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_VRING_CALL,
				   VHOST_USER_NEED_REPLY_MASK, &idx,
				   sizeof(idx), &efd, 1),
			0);
	CU_ASSERT_EQUAL(vu_reply_u64(VHOST_USER_SET_VRING_CALL), EINVAL);
	/* polling a ring (no kick fd) is not offered */
	idx = 1 | VHOST_USER_VRING_NOFD_MASK;
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_VRING_KICK,
				   VHOST_USER_NEED_REPLY_MASK, &idx,
				   sizeof(idx), NULL, 0),
			0);
	CU_ASSERT_EQUAL(vu_reply_u64(VHOST_USER_SET_VRING_KICK), EOPNOTSUPP);
	/* logging is not offered */
	u64 log[2] = { 4096, 0 };

	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_LOG_BASE,
				   VHOST_USER_NEED_REPLY_MASK, log, sizeof(log),
				   &efd, 1),
			0);
	CU_ASSERT_EQUAL(vu_reply_u64(VHOST_USER_SET_LOG_BASE), EOPNOTSUPP);
	/* an unknown request, a wrong payload size, a missing fd, a reply */
	CU_ASSERT_EQUAL(vu_request(99, VHOST_USER_NEED_REPLY_MASK, NULL, 0,
				   NULL, 0),
			0);
	CU_ASSERT_EQUAL(vu_reply_u64(99), ENOSYS);
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_FEATURES,
				   VHOST_USER_NEED_REPLY_MASK, &bad, 4, NULL,
				   0),
			0);
	CU_ASSERT_EQUAL(vu_reply_u64(VHOST_USER_SET_FEATURES), EBADMSG);
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_ADD_MEM_REG,
				   VHOST_USER_NEED_REPLY_MASK, &reg,
				   sizeof(reg), NULL, 0),
			0);
	CU_ASSERT_EQUAL(vu_reply_u64(VHOST_USER_ADD_MEM_REG), EBADF);
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_GET_FEATURES,
				   VHOST_USER_REPLY_MASK |
					   VHOST_USER_NEED_REPLY_MASK,
				   NULL, 0, NULL, 0),
			0);
	CU_ASSERT_EQUAL(vu_reply_u64(VHOST_USER_GET_FEATURES), EPROTO);
	/* without need_reply a refusal is silent */
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_FEATURES, 0, &bad,
				   sizeof(bad), NULL, 0),
			0);
	CU_ASSERT_FALSE(vu_reply_pending());
	CU_ASSERT(vu_be.refused >= 9);
	close(efd);
}

static void test_memory_table(void)
{
	struct vhost_user_memory t = { .nregions = 1 };
	struct vhost_user_mem_reg r = {
		.region = { VU_RAM_GPA, VU_RAM_SIZE, (u64)(uintptr_t)vu_ram, 0 }
	};
	u32 v = 0x12345678, got = 0;

	t.regions[0] = r.region;
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_MEM_TABLE, 0, &t,
				   8 + sizeof(t.regions[0]), &vu_memfd, 1),
			0);
	CU_ASSERT_EQUAL(gmem_nr_regions(), 1);
	/* the device's writes land in the front end's mapping */
	CU_ASSERT_EQUAL(copy_to_guest(VU_RAM_GPA + 100, &v, sizeof(v)), 0);
	memcpy(&got, vu_ram + 100, sizeof(got));
	CU_ASSERT_EQUAL(got, v);
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_REM_MEM_REG, 0, &r, sizeof(r),
				   NULL, 0),
			0);
	CU_ASSERT_EQUAL(gmem_nr_regions(), 0);
	CU_ASSERT_EQUAL(copy_to_guest(VU_RAM_GPA + 100, &v, sizeof(v)),
			-EFAULT);
	/* a ring outside the table cannot be set up */
	struct vhost_user_vring_state st = { 0, VU_NUM };
	struct vhost_user_vring_addr a = { .index = 0,
					   .desc_user_addr = 0x1000 };

	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_VRING_NUM, 0, &st, sizeof(st),
				   NULL, 0),
			0);
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_VRING_ADDR, 0, &a, sizeof(a),
				   NULL, 0),
			0);
	CU_ASSERT_PTR_NULL(vfs_dev_vringh(vu_dev, 0));
}

static void test_reset_device(void)
{
	vu_start_rings();
	CU_ASSERT_EQUAL(
		vu_request(VHOST_USER_RESET_DEVICE, 0, NULL, 0, NULL, 0), 0);
	CU_ASSERT(vfs_dev_suspended(vu_dev));
	CU_ASSERT_EQUAL(vu_be.rings[0].kick, -1);
	CU_ASSERT_EQUAL(vu_be.features, 0);
}

/* A front end that breaks the framing ends the connection. */
static void test_framing_errors(void)
{
	struct vhost_user_hdr h = { VHOST_USER_GET_FEATURES, 2, 0 };

	CU_ASSERT_EQUAL(write(vu_fe, &h, sizeof(h)), sizeof(h));
	CU_ASSERT_EQUAL(vhost_user_backend_handle(&vu_be), -EPROTO);
	h = (struct vhost_user_hdr){ VHOST_USER_SET_FEATURES, 1, 1u << 20 };
	CU_ASSERT_EQUAL(write(vu_fe, &h, sizeof(h)), sizeof(h));
	CU_ASSERT_EQUAL(vhost_user_backend_handle(&vu_be), -EMSGSIZE);
	h = (struct vhost_user_hdr){ VHOST_USER_SET_FEATURES, 1, 8 };
	CU_ASSERT_EQUAL(write(vu_fe, &h, sizeof(h)), sizeof(h));
	close(vu_fe);
	vu_fe = -1;
	CU_ASSERT_EQUAL(vhost_user_backend_handle(&vu_be), -EPIPE);
	CU_ASSERT_EQUAL(vhost_user_backend_handle(&vu_be), -ECONNRESET);
}

/* SET_DEVICE_STATE_FD through a real pipe: save, then load it back. */
static void test_state_transfer(void)
{
	u64 pf = VHOST_USER_BACKEND_PROTOCOL_FEATURES;
	struct vhost_user_device_state x = {
		VHOST_TRANSFER_STATE_DIRECTION_SAVE,
		VHOST_TRANSFER_STATE_PHASE_STOPPED
	};
	static u8 state[1 << 16];
	size_t len = 0;
	int p[2];

	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_PROTOCOL_FEATURES, 0, &pf,
				   sizeof(pf), NULL, 0),
			0);
	/* no transfer yet */
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_CHECK_DEVICE_STATE, 0, NULL, 0,
				   NULL, 0),
			0);
	CU_ASSERT_EQUAL(vu_reply_u64(VHOST_USER_CHECK_DEVICE_STATE), EINVAL);
	CU_ASSERT_EQUAL_FATAL(pipe2(p, O_CLOEXEC), 0);
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_DEVICE_STATE_FD, 0, &x,
				   sizeof(x), &p[1], 1),
			0);
	close(p[1]);
	CU_ASSERT_EQUAL(vu_reply_u64(VHOST_USER_SET_DEVICE_STATE_FD),
			VHOST_USER_DEVICE_STATE_NO_FD);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 10000; i++) {
		ssize_t n;

		vu_run_device();
		n = read(p[0], state + len, sizeof(state) - len);
		if (n == 0)
			break;
		if (n > 0)
			len += (size_t)n;
		else
			sched_clock_sync();
	}
	close(p[0]);
	CU_ASSERT(len > 16);
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_CHECK_DEVICE_STATE, 0, NULL, 0,
				   NULL, 0),
			0);
	CU_ASSERT_EQUAL(vu_reply_u64(VHOST_USER_CHECK_DEVICE_STATE), 0);
	/* load what was saved */
	x.direction = VHOST_TRANSFER_STATE_DIRECTION_LOAD;
	CU_ASSERT_EQUAL_FATAL(pipe2(p, O_CLOEXEC), 0);
	CU_ASSERT_EQUAL(write(p[1], state, len), (ssize_t)len);
	close(p[1]);
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_DEVICE_STATE_FD, 0, &x,
				   sizeof(x), &p[0], 1),
			0);
	close(p[0]);
	CU_ASSERT_EQUAL(vu_reply_u64(VHOST_USER_SET_DEVICE_STATE_FD),
			VHOST_USER_DEVICE_STATE_NO_FD);
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_CHECK_DEVICE_STATE, 0, NULL, 0,
				   NULL, 0),
			0);
	CU_ASSERT_EQUAL(vu_reply_u64(VHOST_USER_CHECK_DEVICE_STATE), 0);
	/* a bad direction is refused with the error in bits 0-7 */
	x.direction = 7;
	CU_ASSERT_EQUAL_FATAL(pipe2(p, O_CLOEXEC), 0);
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_DEVICE_STATE_FD, 0, &x,
				   sizeof(x), &p[0], 1),
			0);
	CU_ASSERT_EQUAL(vu_reply_u64(VHOST_USER_SET_DEVICE_STATE_FD),
			VHOST_USER_DEVICE_STATE_NO_FD | EINVAL);
	close(p[0]);
	close(p[1]);
}

VT_SUITE_EACH(device_vhost_user_backend, vu_setup, vu_teardown,
	      VT_CASE(test_init_round_trip), VT_CASE(test_queries),
	      VT_CASE(test_acks_and_refusals), VT_CASE(test_memory_table),
	      VT_CASE(test_reset_device), VT_CASE(test_framing_errors),
	      VT_CASE(test_state_transfer));
