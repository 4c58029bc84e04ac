// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vhost_user_backend.c - the device behind a real vhost-user socket,
 * driven by a small front end in the test: a socketpair, the guest's RAM
 * in a memfd shared with SCM_RIGHTS, rings laid out by hand, eventfds for
 * kicks and calls. One FUSE INIT goes round trip; then every refusal and
 * every framing error.
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

#define RAM_SIZE (1u << 20)
#define RAM_GPA	 0x40000000ULL
#define NUM	 8

static struct vfs_dev *dev;
static struct vhost_user_backend be;
static int fe = -1; /* the front end's end of the socket */
static int memfd = -1;
static u8 *ram; /* the front end's mapping of guest RAM */
static int kick[2] = { -1, -1 }, call[2] = { -1, -1 };

/* Ring q's areas inside RAM (GPA offsets). */
static u64 ring_base(unsigned int q)
{
	return 0x1000 + (u64)q * 0x1000;
}

static void run_device(void)
{
	for (int i = 0; i < 100000 && sched_next_time() <= sched_now(); i++)
		if (sched_step() != SCHED_STEPPED)
			break;
}

static void send_msg(u32 req, u32 flags, const void *payload, u32 size,
		     const int *fds, unsigned int nfds)
{
	struct vhost_user_msg m = { .hdr = { req, VHOST_USER_VERSION | flags,
					     size } };

	if (size)
		memcpy(&m.payload, payload, size);
	CU_ASSERT_EQUAL_FATAL(vhost_user_send(fe, &m, fds, nfds), 0);
}

/* Send a request and let the back end handle it. */
static int request(u32 req, u32 flags, const void *payload, u32 size,
		   const int *fds, unsigned int nfds)
{
	send_msg(req, flags, payload, size, fds, nfds);
	return vhost_user_backend_handle(&be);
}

static u64 reply_u64(u32 req)
{
	struct vhost_user_msg m;
	int fds[VHOST_USER_MAX_FDS];
	unsigned int nfds;

	CU_ASSERT_EQUAL_FATAL(vhost_user_recv(fe, &m, fds, &nfds), 0);
	CU_ASSERT_EQUAL(m.hdr.request, req);
	CU_ASSERT(m.hdr.flags & VHOST_USER_REPLY_MASK);
	return m.payload.u64;
}

static bool reply_pending(void)
{
	char c;

	return recv(fe, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 1;
}

static void setup(void)
{
	int sv[2];

	gmem_exit();
	sched_exit();
	CU_ASSERT_EQUAL_FATAL(sched_init(NULL), 0);
	trace_reset(true);
	CU_ASSERT_EQUAL_FATAL(vfs_dev_create(NULL, &dev), 0);
	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fe = sv[0];
	CU_ASSERT_EQUAL_FATAL(vhost_user_backend_init(&be, dev, sv[1], NULL),
			      0);
	memfd = memfd_create("guest-ram", MFD_CLOEXEC);
	CU_ASSERT_FATAL(memfd >= 0 && !ftruncate(memfd, RAM_SIZE));
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd,
		   0);
	CU_ASSERT_FATAL(ram != MAP_FAILED);
	for (int q = 0; q < 2; q++) {
		kick[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		call[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	}
}

static void teardown(void)
{
	vhost_user_backend_exit(&be);
	vfs_dev_free(dev);
	dev = NULL;
	for (int q = 0; q < 2; q++) {
		close(kick[q]);
		close(call[q]);
	}
	munmap(ram, RAM_SIZE);
	close(memfd);
	if (fe >= 0)
		close(fe);
	fe = -1;
	sched_exit();
	trace_reset(false);
	CU_ASSERT_EQUAL(gmem_nr_regions(), 0);
}

static void add_ram(void)
{
	struct vhost_user_mem_reg r = { .region = { RAM_GPA, RAM_SIZE,
						    (u64)(uintptr_t)ram, 0 } };

	CU_ASSERT_EQUAL(request(VHOST_USER_ADD_MEM_REG, 0, &r, sizeof(r),
				&memfd, 1),
			0);
	CU_ASSERT_EQUAL(gmem_nr_regions(), 1);
}

/* Negotiate and set up both rings, as QEMU does at start. */
static void start_rings(void)
{
	u64 f = (1ULL << VIRTIO_F_VERSION_1) |
		(1ULL << VHOST_USER_F_PROTOCOL_FEATURES_BIT);
	u64 pf = VHOST_USER_BACKEND_PROTOCOL_FEATURES;

	CU_ASSERT_EQUAL(request(VHOST_USER_SET_OWNER, 0, NULL, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(request(VHOST_USER_SET_PROTOCOL_FEATURES, 0, &pf,
				sizeof(pf), NULL, 0),
			0);
	CU_ASSERT_EQUAL(
		request(VHOST_USER_SET_FEATURES, 0, &f, sizeof(f), NULL, 0), 0);
	add_ram();
	for (u32 q = 0; q < 2; q++) {
		struct vhost_user_vring_state st = { q, NUM };
		struct vhost_user_vring_addr a = {
			.index = q,
			.desc_user_addr = (u64)(uintptr_t)ram + ring_base(q),
			.avail_user_addr =
				(u64)(uintptr_t)ram + ring_base(q) + 16 * NUM,
			.used_user_addr =
				(u64)(uintptr_t)ram + ring_base(q) + 0x800,
		};
		u64 idx = q;

		CU_ASSERT_EQUAL(request(VHOST_USER_SET_VRING_NUM, 0, &st,
					sizeof(st), NULL, 0),
				0);
		st.num = 0;
		CU_ASSERT_EQUAL(request(VHOST_USER_SET_VRING_BASE, 0, &st,
					sizeof(st), NULL, 0),
				0);
		CU_ASSERT_EQUAL(request(VHOST_USER_SET_VRING_ADDR, 0, &a,
					sizeof(a), NULL, 0),
				0);
		CU_ASSERT_EQUAL(request(VHOST_USER_SET_VRING_CALL, 0, &idx,
					sizeof(idx), &call[q], 1),
				0);
		CU_ASSERT_EQUAL(request(VHOST_USER_SET_VRING_KICK, 0, &idx,
					sizeof(idx), &kick[q], 1),
				0);
		st.num = 1;
		CU_ASSERT_EQUAL(request(VHOST_USER_SET_VRING_ENABLE, 0, &st,
					sizeof(st), NULL, 0),
				0);
	}
	CU_ASSERT_FALSE(vfs_dev_suspended(dev));
}

/* Put an INIT on the request ring (head 0: out buffer, in buffer). */
/*
 * Make an INIT available on ring 1 as its @avail_idx-th entry: a chain of
 * descriptors @head and @head + 1, the request at RAM offset @off, room
 * for the reply at @off + 0x1000.
 */
static void post_init_at(u16 avail_idx, u64 unique, u16 head, u64 off)
{
	u8 *q = ram + ring_base(1);
	struct fuse_in_header h = {
		.len = sizeof(h) + sizeof(struct fuse_init_in),
		.opcode = FUSE_INIT,
		.unique = unique,
	};
	struct fuse_init_in in = { .major = 7, .minor = 38 };
	u64 out_gpa = RAM_GPA + off, rep_gpa = RAM_GPA + off + 0x1000;
	/* the ring is little-endian by the spec; the FUSE message is in
	 * the sender's order */
	struct vring_desc d[2] = {
		{ cpu_to_le64(out_gpa), cpu_to_le32(h.len),
		  cpu_to_le16(VIRTQ_DESC_F_NEXT), cpu_to_le16(head + 1) },
		{ cpu_to_le64(rep_gpa), cpu_to_le32(4096),
		  cpu_to_le16(VIRTQ_DESC_F_WRITE), cpu_to_le16(0) },
	};
	__le16 le_head = cpu_to_le16(head), idx = cpu_to_le16(avail_idx);

	memcpy(ram + off, &h, sizeof(h));
	memcpy(ram + off + sizeof(h), &in, sizeof(in));
	memcpy(q + 16 * head, d, sizeof(d));
	memcpy(q + 16 * NUM + 4 + 2 * ((avail_idx - 1) % NUM), &le_head, 2);
	memcpy(q + 16 * NUM + 2, &idx, 2);
}

static void post_init(u16 avail_idx, u64 unique)
{
	post_init_at(avail_idx, unique, 0, 0x10000);
}

static void test_init_round_trip(void)
{
	struct fuse_out_header oh;
	__le16 used_idx;
	u64 n = 1;

	start_rings();
	post_init(1, 42);
	CU_ASSERT_EQUAL(write(kick[1], &n, sizeof(n)), sizeof(n));
	vhost_user_backend_kick(&be, 1);
	run_device();
	memcpy(&used_idx, ram + ring_base(1) + 0x800 + 2, 2);
	CU_ASSERT_EQUAL(le16_to_cpu(used_idx), 1);
	memcpy(&oh, ram + 0x11000, sizeof(oh));
	CU_ASSERT_EQUAL(oh.unique, 42);
	CU_ASSERT_EQUAL(oh.error, 0);
	CU_ASSERT_EQUAL(read(call[1], &n, sizeof(n)), sizeof(n));
	/* GET_VRING_BASE stops the ring and says where it is. */
	struct vhost_user_vring_state st = { 1, 0 };
	struct vhost_user_msg m;
	int fds[VHOST_USER_MAX_FDS];
	unsigned int nfds;

	CU_ASSERT_EQUAL(request(VHOST_USER_GET_VRING_BASE, 0, &st, sizeof(st),
				NULL, 0),
			0);
	CU_ASSERT_EQUAL(vhost_user_recv(fe, &m, fds, &nfds), 0);
	CU_ASSERT_EQUAL(m.payload.state.index, 1);
	CU_ASSERT_EQUAL(m.payload.state.num, 1);
	CU_ASSERT_EQUAL(be.rings[1].kick, -1);
}

static void test_queries(void)
{
	CU_ASSERT_EQUAL(request(VHOST_USER_GET_FEATURES, 0, NULL, 0, NULL, 0),
			0);
	CU_ASSERT(reply_u64(VHOST_USER_GET_FEATURES) &
		  (1ULL << VHOST_USER_F_PROTOCOL_FEATURES_BIT));
	CU_ASSERT_EQUAL(request(VHOST_USER_GET_PROTOCOL_FEATURES, 0, NULL, 0,
				NULL, 0),
			0);
	CU_ASSERT_EQUAL(reply_u64(VHOST_USER_GET_PROTOCOL_FEATURES),
			VHOST_USER_BACKEND_PROTOCOL_FEATURES);
	CU_ASSERT_EQUAL(request(VHOST_USER_GET_QUEUE_NUM, 0, NULL, 0, NULL, 0),
			0);
	CU_ASSERT_EQUAL(reply_u64(VHOST_USER_GET_QUEUE_NUM), 2);
	CU_ASSERT_EQUAL(
		request(VHOST_USER_GET_MAX_MEM_SLOTS, 0, NULL, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(reply_u64(VHOST_USER_GET_MAX_MEM_SLOTS),
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

	CU_ASSERT_EQUAL(request(VHOST_USER_SET_PROTOCOL_FEATURES, 0, &pf,
				sizeof(pf), NULL, 0),
			0);
	CU_ASSERT_EQUAL(request(VHOST_USER_SET_BACKEND_REQ_FD,
				VHOST_USER_NEED_REPLY_MASK, NULL, 0, &efd, 1),
			0);
	CU_ASSERT_EQUAL(reply_u64(VHOST_USER_SET_BACKEND_REQ_FD), 0);
	/* features not offered */
	CU_ASSERT_EQUAL(request(VHOST_USER_SET_FEATURES,
				VHOST_USER_NEED_REPLY_MASK, &bad, sizeof(bad),
				NULL, 0),
			0);
	CU_ASSERT_EQUAL(reply_u64(VHOST_USER_SET_FEATURES), EINVAL);
	/* a ring the device does not have */
	CU_ASSERT_EQUAL(request(VHOST_USER_SET_VRING_NUM,
				VHOST_USER_NEED_REPLY_MASK, &st, sizeof(st),
				NULL, 0),
			0);
	CU_ASSERT_EQUAL(reply_u64(VHOST_USER_SET_VRING_NUM), EINVAL);
	idx = 9;
	CU_ASSERT_EQUAL(request(VHOST_USER_SET_VRING_CALL,
				VHOST_USER_NEED_REPLY_MASK, &idx, sizeof(idx),
				&efd, 1),
			0);
	CU_ASSERT_EQUAL(reply_u64(VHOST_USER_SET_VRING_CALL), EINVAL);
	/* polling a ring (no kick fd) is not offered */
	idx = 1 | VHOST_USER_VRING_NOFD_MASK;
	CU_ASSERT_EQUAL(request(VHOST_USER_SET_VRING_KICK,
				VHOST_USER_NEED_REPLY_MASK, &idx, sizeof(idx),
				NULL, 0),
			0);
	CU_ASSERT_EQUAL(reply_u64(VHOST_USER_SET_VRING_KICK), EOPNOTSUPP);
	/* logging is not offered */
	u64 log[2] = { 4096, 0 };

	CU_ASSERT_EQUAL(request(VHOST_USER_SET_LOG_BASE,
				VHOST_USER_NEED_REPLY_MASK, log, sizeof(log),
				&efd, 1),
			0);
	CU_ASSERT_EQUAL(reply_u64(VHOST_USER_SET_LOG_BASE), EOPNOTSUPP);
	/* an unknown request, a wrong payload size, a missing fd, a reply */
	CU_ASSERT_EQUAL(
		request(99, VHOST_USER_NEED_REPLY_MASK, NULL, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(reply_u64(99), ENOSYS);
	CU_ASSERT_EQUAL(request(VHOST_USER_SET_FEATURES,
				VHOST_USER_NEED_REPLY_MASK, &bad, 4, NULL, 0),
			0);
	CU_ASSERT_EQUAL(reply_u64(VHOST_USER_SET_FEATURES), EBADMSG);
	CU_ASSERT_EQUAL(request(VHOST_USER_ADD_MEM_REG,
				VHOST_USER_NEED_REPLY_MASK, &reg, sizeof(reg),
				NULL, 0),
			0);
	CU_ASSERT_EQUAL(reply_u64(VHOST_USER_ADD_MEM_REG), EBADF);
	CU_ASSERT_EQUAL(request(VHOST_USER_GET_FEATURES,
				VHOST_USER_REPLY_MASK |
					VHOST_USER_NEED_REPLY_MASK,
				NULL, 0, NULL, 0),
			0);
	CU_ASSERT_EQUAL(reply_u64(VHOST_USER_GET_FEATURES), EPROTO);
	/* without need_reply a refusal is silent */
	CU_ASSERT_EQUAL(request(VHOST_USER_SET_FEATURES, 0, &bad, sizeof(bad),
				NULL, 0),
			0);
	CU_ASSERT_FALSE(reply_pending());
	CU_ASSERT(be.refused >= 9);
	close(efd);
}

static void test_memory_table(void)
{
	struct vhost_user_memory t = { .nregions = 1 };
	struct vhost_user_mem_reg r = { .region = { RAM_GPA, RAM_SIZE,
						    (u64)(uintptr_t)ram, 0 } };
	u32 v = 0x12345678, got = 0;

	t.regions[0] = r.region;
	CU_ASSERT_EQUAL(request(VHOST_USER_SET_MEM_TABLE, 0, &t,
				8 + sizeof(t.regions[0]), &memfd, 1),
			0);
	CU_ASSERT_EQUAL(gmem_nr_regions(), 1);
	/* the device's writes land in the front end's mapping */
	CU_ASSERT_EQUAL(copy_to_guest(RAM_GPA + 100, &v, sizeof(v)), 0);
	memcpy(&got, ram + 100, sizeof(got));
	CU_ASSERT_EQUAL(got, v);
	CU_ASSERT_EQUAL(
		request(VHOST_USER_REM_MEM_REG, 0, &r, sizeof(r), NULL, 0), 0);
	CU_ASSERT_EQUAL(gmem_nr_regions(), 0);
	CU_ASSERT_EQUAL(copy_to_guest(RAM_GPA + 100, &v, sizeof(v)), -EFAULT);
	/* a ring outside the table cannot be set up */
	struct vhost_user_vring_state st = { 0, NUM };
	struct vhost_user_vring_addr a = { .index = 0,
					   .desc_user_addr = 0x1000 };

	CU_ASSERT_EQUAL(request(VHOST_USER_SET_VRING_NUM, 0, &st, sizeof(st),
				NULL, 0),
			0);
	CU_ASSERT_EQUAL(request(VHOST_USER_SET_VRING_ADDR, 0, &a, sizeof(a),
				NULL, 0),
			0);
	CU_ASSERT_PTR_NULL(vfs_dev_vringh(dev, 0));
}

static void test_reset_device(void)
{
	start_rings();
	CU_ASSERT_EQUAL(request(VHOST_USER_RESET_DEVICE, 0, NULL, 0, NULL, 0),
			0);
	CU_ASSERT(vfs_dev_suspended(dev));
	CU_ASSERT_EQUAL(be.rings[0].kick, -1);
	CU_ASSERT_EQUAL(be.features, 0);
}

/* A front end that breaks the framing ends the connection. */
static void test_framing_errors(void)
{
	struct vhost_user_hdr h = { VHOST_USER_GET_FEATURES, 2, 0 };

	CU_ASSERT_EQUAL(write(fe, &h, sizeof(h)), sizeof(h));
	CU_ASSERT_EQUAL(vhost_user_backend_handle(&be), -EPROTO);
	h = (struct vhost_user_hdr){ VHOST_USER_SET_FEATURES, 1, 1u << 20 };
	CU_ASSERT_EQUAL(write(fe, &h, sizeof(h)), sizeof(h));
	CU_ASSERT_EQUAL(vhost_user_backend_handle(&be), -EMSGSIZE);
	h = (struct vhost_user_hdr){ VHOST_USER_SET_FEATURES, 1, 8 };
	CU_ASSERT_EQUAL(write(fe, &h, sizeof(h)), sizeof(h));
	close(fe);
	fe = -1;
	CU_ASSERT_EQUAL(vhost_user_backend_handle(&be), -EPIPE);
	CU_ASSERT_EQUAL(vhost_user_backend_handle(&be), -ECONNRESET);
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

	CU_ASSERT_EQUAL(request(VHOST_USER_SET_PROTOCOL_FEATURES, 0, &pf,
				sizeof(pf), NULL, 0),
			0);
	/* no transfer yet */
	CU_ASSERT_EQUAL(
		request(VHOST_USER_CHECK_DEVICE_STATE, 0, NULL, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(reply_u64(VHOST_USER_CHECK_DEVICE_STATE), EINVAL);
	CU_ASSERT_EQUAL_FATAL(pipe2(p, O_CLOEXEC), 0);
	CU_ASSERT_EQUAL(request(VHOST_USER_SET_DEVICE_STATE_FD, 0, &x,
				sizeof(x), &p[1], 1),
			0);
	close(p[1]);
	CU_ASSERT_EQUAL(reply_u64(VHOST_USER_SET_DEVICE_STATE_FD),
			VHOST_USER_DEVICE_STATE_NO_FD);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 10000; i++) {
		ssize_t n;

		run_device();
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
	CU_ASSERT_EQUAL(
		request(VHOST_USER_CHECK_DEVICE_STATE, 0, NULL, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(reply_u64(VHOST_USER_CHECK_DEVICE_STATE), 0);
	/* load what was saved */
	x.direction = VHOST_TRANSFER_STATE_DIRECTION_LOAD;
	CU_ASSERT_EQUAL_FATAL(pipe2(p, O_CLOEXEC), 0);
	CU_ASSERT_EQUAL(write(p[1], state, len), (ssize_t)len);
	close(p[1]);
	CU_ASSERT_EQUAL(request(VHOST_USER_SET_DEVICE_STATE_FD, 0, &x,
				sizeof(x), &p[0], 1),
			0);
	close(p[0]);
	CU_ASSERT_EQUAL(reply_u64(VHOST_USER_SET_DEVICE_STATE_FD),
			VHOST_USER_DEVICE_STATE_NO_FD);
	CU_ASSERT_EQUAL(
		request(VHOST_USER_CHECK_DEVICE_STATE, 0, NULL, 0, NULL, 0), 0);
	CU_ASSERT_EQUAL(reply_u64(VHOST_USER_CHECK_DEVICE_STATE), 0);
	/* a bad direction is refused with the error in bits 0-7 */
	x.direction = 7;
	CU_ASSERT_EQUAL_FATAL(pipe2(p, O_CLOEXEC), 0);
	CU_ASSERT_EQUAL(request(VHOST_USER_SET_DEVICE_STATE_FD, 0, &x,
				sizeof(x), &p[0], 1),
			0);
	CU_ASSERT_EQUAL(reply_u64(VHOST_USER_SET_DEVICE_STATE_FD),
			VHOST_USER_DEVICE_STATE_NO_FD | EINVAL);
	close(p[0]);
	close(p[1]);
}

/* A broken ring is reported on its err eventfd, once. */
static void test_ring_error_signalled(void)
{
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	u64 idx = 1, n = 1;
	__le16 bad_avail = cpu_to_le16(100);

	start_rings();
	CU_ASSERT_EQUAL(request(VHOST_USER_SET_VRING_ERR, 0, &idx, sizeof(idx),
				&efd, 1),
			0);
	/* the avail index jumps by more than the ring size */
	memcpy(ram + ring_base(1) + 16 * NUM + 2, &bad_avail, 2);
	CU_ASSERT_EQUAL(write(kick[1], &n, sizeof(n)), sizeof(n));
	vhost_user_backend_kick(&be, 1);
	run_device();
	/* The counter's value is not compared: under qemu-user a cross-endian
	 * eventfd received with SCM_RIGHTS is not byte-swapped. That it
	 * fired, and fires no more, is what matters. */
	n = 0;
	CU_ASSERT_EQUAL(read(efd, &n, sizeof(n)), sizeof(n));
	CU_ASSERT_NOT_EQUAL(n, 0);
	n = 1;
	CU_ASSERT_EQUAL(write(kick[1], &n, sizeof(n)), sizeof(n));
	vhost_user_backend_kick(&be, 1);
	run_device();
	CU_ASSERT_EQUAL(read(efd, &n, sizeof(n)), -1);
	CU_ASSERT_EQUAL(errno, EAGAIN);
	close(efd);
}

/*
 * start_rings() mapped all of RAM as one region: map it as two, split at
 * offset @at. @high receives the upper one, to be taken away later.
 */
static void split_ram(u64 at, struct vhost_user_mem_reg *high)
{
	struct vhost_user_mem_reg all = { .region = { RAM_GPA, RAM_SIZE,
						      (u64)(uintptr_t)ram,
						      0 } },
				  low = { .region = { RAM_GPA, at,
						      (u64)(uintptr_t)ram,
						      0 } };

	*high = (struct vhost_user_mem_reg){
		.region = { RAM_GPA + at, RAM_SIZE - at,
			    (u64)(uintptr_t)ram + at, at }
	};
	CU_ASSERT_EQUAL(request(VHOST_USER_REM_MEM_REG, 0, &all, sizeof(all),
				NULL, 0),
			0);
	CU_ASSERT_EQUAL(request(VHOST_USER_ADD_MEM_REG, 0, &low, sizeof(low),
				&memfd, 1),
			0);
	CU_ASSERT_EQUAL(request(VHOST_USER_ADD_MEM_REG, 0, high, sizeof(*high),
				&memfd, 1),
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

	CU_ASSERT_EQUAL(write(kick[1], &n, sizeof(n)), sizeof(n));
	vhost_user_backend_kick(&be, 1);
	run_device();
	CU_ASSERT_EQUAL_FATAL(vfs_dev_in_progress(dev), nr);
	CU_ASSERT_EQUAL(request(VHOST_USER_REM_MEM_REG, 0, reg, sizeof(*reg),
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

	start_rings();
	CU_ASSERT_EQUAL(request(VHOST_USER_SET_VRING_ERR, 0, &idx, sizeof(idx),
				&efd, 1),
			0);
	split_ram(0x10000, &bufs);
	vfs_dev_set_latency(dev, 1000000);
	post_init(1, 42);
	remove_in_flight(&bufs, 1);
	CU_ASSERT(trace_find("dev.needs_reset", 0) >= 0);
	CU_ASSERT_EQUAL(trace_find("dev.complete", 0), -1);
	memcpy(&used_idx, ram + ring_base(1) + 0x800 + 2, 2);
	CU_ASSERT_EQUAL(le16_to_cpu(used_idx), 0);
	CU_ASSERT_EQUAL(vfs_dev_in_progress(dev), 0);
	CU_ASSERT_EQUAL(vfs_dev_queue_stats(dev, 1, &qs), 0);
	CU_ASSERT(qs.broken);
	CU_ASSERT_EQUAL(qs.popped, 1);
	CU_ASSERT_EQUAL(qs.completed, 0);
	CU_ASSERT_EQUAL(qs.faulted, 1);
	n = 0;
	CU_ASSERT_EQUAL(read(efd, &n, sizeof(n)), sizeof(n));
	CU_ASSERT_NOT_EQUAL(n, 0);
	/* the buffers come back, but the broken ring serves nothing more */
	CU_ASSERT_EQUAL(request(VHOST_USER_ADD_MEM_REG, 0, &bufs, sizeof(bufs),
				&memfd, 1),
			0);
	post_init(2, 43);
	n = 1;
	CU_ASSERT_EQUAL(write(kick[1], &n, sizeof(n)), sizeof(n));
	vhost_user_backend_kick(&be, 1);
	run_device_timers();
	CU_ASSERT_EQUAL(vfs_dev_queue_stats(dev, 1, &qs), 0);
	CU_ASSERT_EQUAL(qs.popped, 1);
	/* the front end stops the ring and resets the device: all is well */
	CU_ASSERT_EQUAL(request(VHOST_USER_GET_VRING_BASE, 0, &st, sizeof(st),
				NULL, 0),
			0);
	CU_ASSERT_EQUAL(vhost_user_recv(fe, &m, fds, &nfds), 0);
	CU_ASSERT_EQUAL(m.payload.state.index, 1);
	CU_ASSERT_EQUAL(m.payload.state.num, 1); /* the faulted chain's pop */
	CU_ASSERT_EQUAL(request(VHOST_USER_RESET_DEVICE, 0, NULL, 0, NULL, 0),
			0);
	CU_ASSERT(vfs_dev_suspended(dev));
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

	start_rings();
	CU_ASSERT_EQUAL(request(VHOST_USER_SET_VRING_ERR, 0, &idx, sizeof(idx),
				&efd, 1),
			0);
	split_ram(0x20000, &high);
	vfs_dev_set_latency(dev, 1000000);
	CU_ASSERT_EQUAL(vfs_dev_set_batch(dev, 3), 0);
	post_init_at(1, 42, 0, 0x20000); /* high */
	post_init_at(2, 43, 2, 0x18000); /* low: its reply at 0x19000 */
	post_init_at(3, 44, 4, 0x22000); /* high */
	memset(ram + 0x19000, 0xa5, sizeof(untouched));
	memset(untouched, 0xa5, sizeof(untouched));
	remove_in_flight(&high, 3);
	CU_ASSERT_EQUAL(trace_count_of("dev.needs_reset"), 1);
	CU_ASSERT_EQUAL(trace_count_of("ring needs reset: reply not written"),
			2);
	CU_ASSERT_EQUAL(trace_find("dev.complete", 0), -1);
	CU_ASSERT_EQUAL(trace_find("dev.irq", 0), -1);
	CU_ASSERT_EQUAL(memcmp(ram + 0x19000, untouched, sizeof(untouched)), 0);
	memcpy(&used_idx, ram + ring_base(1) + 0x800 + 2, 2);
	CU_ASSERT_EQUAL(le16_to_cpu(used_idx), 0);
	CU_ASSERT_EQUAL(vfs_dev_queue_stats(dev, 1, &qs), 0);
	CU_ASSERT(qs.broken);
	CU_ASSERT_EQUAL(qs.popped, 3);
	CU_ASSERT_EQUAL(qs.faulted, 3);
	CU_ASSERT_EQUAL(qs.popped, qs.completed + qs.dropped + qs.faulted +
					   qs.in_progress);
	n = 0;
	CU_ASSERT_EQUAL(read(efd, &n, sizeof(n)), sizeof(n));
	CU_ASSERT_NOT_EQUAL(n, 0);
	/* a reset brings the ring back with no chain held */
	CU_ASSERT_EQUAL(request(VHOST_USER_RESET_DEVICE, 0, NULL, 0, NULL, 0),
			0);
	CU_ASSERT_EQUAL(vfs_dev_queue_stats(dev, 1, &qs), 0);
	CU_ASSERT_FALSE(qs.broken);
	CU_ASSERT_EQUAL(qs.dropped, 0);
	close(efd);
}

VT_SUITE_EACH(device_vhost_user_backend, setup, teardown,
	      VT_CASE(test_init_round_trip), VT_CASE(test_queries),
	      VT_CASE(test_acks_and_refusals), VT_CASE(test_memory_table),
	      VT_CASE(test_reset_device), VT_CASE(test_framing_errors),
	      VT_CASE(test_state_transfer), VT_CASE(test_ring_error_signalled),
	      VT_CASE(test_region_removed_in_flight),
	      VT_CASE(test_broken_ring_left_alone));
