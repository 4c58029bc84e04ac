// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vhost_user_backend_util.c - the small front end of the vhost-user
 * back end's suites (test_vhost_user_backend.h).
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

struct vfs_dev *vu_dev;
struct vhost_user_backend vu_be;
int vu_fe = -1; /* the front end's end of the socket */
int vu_memfd = -1;
u8 *vu_ram; /* the front end's mapping of guest RAM */
int vu_kick[2] = { -1, -1 }, vu_call[2] = { -1, -1 };

/* Ring q's areas inside RAM (GPA offsets). */
u64 vu_ring_base(unsigned int q)
{
	return 0x1000 + (u64)q * 0x1000;
}

void vu_run_device(void)
{
	for (int i = 0; i < 100000 && sched_next_time() <= sched_now(); i++)
		if (sched_step() != SCHED_STEPPED)
			break;
}

void vu_send_msg(u32 req, u32 flags, const void *payload, u32 size,
		 const int *fds, unsigned int nfds)
{
	struct vhost_user_msg m = { .hdr = { req, VHOST_USER_VERSION | flags,
					     size } };

	if (size)
		memcpy(&m.payload, payload, size);
	CU_ASSERT_EQUAL_FATAL(vhost_user_send(vu_fe, &m, fds, nfds), 0);
}

/* Send a request and let the back end handle it. */
int vu_request(u32 req, u32 flags, const void *payload, u32 size,
	       const int *fds, unsigned int nfds)
{
	vu_send_msg(req, flags, payload, size, fds, nfds);
	return vhost_user_backend_handle(&vu_be);
}

u64 vu_reply_u64(u32 req)
{
	struct vhost_user_msg m;
	int fds[VHOST_USER_MAX_FDS];
	unsigned int nfds;

	CU_ASSERT_EQUAL_FATAL(vhost_user_recv(vu_fe, &m, fds, &nfds), 0);
	CU_ASSERT_EQUAL(m.hdr.request, req);
	CU_ASSERT(m.hdr.flags & VHOST_USER_REPLY_MASK);
	return m.payload.u64;
}

bool vu_reply_pending(void)
{
	char c;

	return recv(vu_fe, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 1;
}

void vu_setup(void)
{
	int sv[2];

	gmem_exit();
	sched_exit();
	CU_ASSERT_EQUAL_FATAL(sched_init(NULL), 0);
	trace_reset(true);
	CU_ASSERT_EQUAL_FATAL(vfs_dev_create(NULL, &vu_dev), 0);
	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	vu_fe = sv[0];
	CU_ASSERT_EQUAL_FATAL(
		vhost_user_backend_init(&vu_be, vu_dev, sv[1], NULL), 0);
	vu_memfd = memfd_create("guest-ram", MFD_CLOEXEC);
	CU_ASSERT_FATAL(vu_memfd >= 0 && !ftruncate(vu_memfd, VU_RAM_SIZE));
	vu_ram = mmap(NULL, VU_RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		      vu_memfd, 0);
	CU_ASSERT_FATAL(vu_ram != MAP_FAILED);
	for (int q = 0; q < 2; q++) {
		vu_kick[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		vu_call[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	}
}

void vu_teardown(void)
{
	vhost_user_backend_exit(&vu_be);
	vfs_dev_free(vu_dev);
	vu_dev = NULL;
	for (int q = 0; q < 2; q++) {
		close(vu_kick[q]);
		close(vu_call[q]);
	}
	munmap(vu_ram, VU_RAM_SIZE);
	close(vu_memfd);
	if (vu_fe >= 0)
		close(vu_fe);
	vu_fe = -1;
	sched_exit();
	trace_reset(false);
	CU_ASSERT_EQUAL(gmem_nr_regions(), 0);
}

void vu_add_ram(void)
{
	struct vhost_user_mem_reg r = {
		.region = { VU_RAM_GPA, VU_RAM_SIZE, (u64)(uintptr_t)vu_ram, 0 }
	};

	CU_ASSERT_EQUAL(vu_request(VHOST_USER_ADD_MEM_REG, 0, &r, sizeof(r),
				   &vu_memfd, 1),
			0);
	CU_ASSERT_EQUAL(gmem_nr_regions(), 1);
}

/* Negotiate and set up both rings, as QEMU does at start. */
void vu_start_rings(void)
{
	u64 f = (1ULL << VIRTIO_F_VERSION_1) |
		(1ULL << VHOST_USER_F_PROTOCOL_FEATURES_BIT);
	u64 pf = VHOST_USER_BACKEND_PROTOCOL_FEATURES;

	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_OWNER, 0, NULL, 0, NULL, 0),
			0);
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_PROTOCOL_FEATURES, 0, &pf,
				   sizeof(pf), NULL, 0),
			0);
	CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_FEATURES, 0, &f, sizeof(f),
				   NULL, 0),
			0);
	vu_add_ram();
	for (u32 q = 0; q < 2; q++) {
		struct vhost_user_vring_state st = { q, VU_NUM };
		struct vhost_user_vring_addr a = {
			.index = q,
			.desc_user_addr =
				(u64)(uintptr_t)vu_ram + vu_ring_base(q),
			.avail_user_addr = (u64)(uintptr_t)vu_ram +
					   vu_ring_base(q) + 16 * VU_NUM,
			.used_user_addr = (u64)(uintptr_t)vu_ram +
					  vu_ring_base(q) + 0x800,
		};
		u64 idx = q;

		CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_VRING_NUM, 0, &st,
					   sizeof(st), NULL, 0),
				0);
		st.num = 0;
		CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_VRING_BASE, 0, &st,
					   sizeof(st), NULL, 0),
				0);
		CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_VRING_ADDR, 0, &a,
					   sizeof(a), NULL, 0),
				0);
		CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_VRING_CALL, 0, &idx,
					   sizeof(idx), &vu_call[q], 1),
				0);
		CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_VRING_KICK, 0, &idx,
					   sizeof(idx), &vu_kick[q], 1),
				0);
		st.num = 1;
		CU_ASSERT_EQUAL(vu_request(VHOST_USER_SET_VRING_ENABLE, 0, &st,
					   sizeof(st), NULL, 0),
				0);
	}
	CU_ASSERT_FALSE(vfs_dev_suspended(vu_dev));
}

/*
 * Make an INIT available on ring 1 as its @avail_idx-th entry: a chain of
 * descriptors @head and @head + 1, the request at RAM offset @off, room
 * for the reply at @off + 0x1000.
 */
void vu_post_init_at(u16 avail_idx, u64 unique, u16 head, u64 off)
{
	u8 *q = vu_ram + vu_ring_base(1);
	struct fuse_in_header h = {
		.len = sizeof(h) + sizeof(struct fuse_init_in),
		.opcode = FUSE_INIT,
		.unique = unique,
	};
	struct fuse_init_in in = { .major = 7, .minor = 38 };
	u64 out_gpa = VU_RAM_GPA + off, rep_gpa = VU_RAM_GPA + off + 0x1000;
	/* the ring is little-endian by the spec; the FUSE message is in
	 * the sender's order */
	struct vring_desc d[2] = {
		{ cpu_to_le64(out_gpa), cpu_to_le32(h.len),
		  cpu_to_le16(VIRTQ_DESC_F_NEXT), cpu_to_le16(head + 1) },
		{ cpu_to_le64(rep_gpa), cpu_to_le32(4096),
		  cpu_to_le16(VIRTQ_DESC_F_WRITE), cpu_to_le16(0) },
	};
	__le16 le_head = cpu_to_le16(head), idx = cpu_to_le16(avail_idx);

	memcpy(vu_ram + off, &h, sizeof(h));
	memcpy(vu_ram + off + sizeof(h), &in, sizeof(in));
	memcpy(q + 16 * head, d, sizeof(d));
	memcpy(q + 16 * VU_NUM + 4 + 2 * ((avail_idx - 1) % VU_NUM), &le_head,
	       2);
	memcpy(q + 16 * VU_NUM + 2, &idx, 2);
}

/* Put an INIT on the request ring (head 0: out buffer, in buffer). */
void vu_post_init(u16 avail_idx, u64 unique)
{
	vu_post_init_at(avail_idx, unique, 0, 0x10000);
}
