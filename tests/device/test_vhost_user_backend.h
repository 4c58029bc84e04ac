/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_vhost_user_backend.h - the small vhost-user front end the back
 * end's suites drive the device with (test_vhost_user_backend_util.c): a
 * socketpair, the guest's RAM in a memfd shared with SCM_RIGHTS, rings
 * laid out by hand, eventfds for kicks and calls.
 */
#ifndef VFSIM_TESTS_DEVICE_TEST_VHOST_USER_BACKEND_H
#define VFSIM_TESTS_DEVICE_TEST_VHOST_USER_BACKEND_H

#include <stdbool.h>

#include "device/vhost_user_backend.h"

#define VU_RAM_SIZE (1u << 20)
#define VU_RAM_GPA  0x40000000ULL
#define VU_NUM	    8

extern struct vfs_dev *vu_dev;
extern struct vhost_user_backend vu_be;
extern int vu_fe; /* the front end's end of the socket */
extern int vu_memfd;
extern u8 *vu_ram; /* the front end's mapping of guest RAM */
extern int vu_kick[2], vu_call[2];

/* A device behind a vhost-user back end on one end of a socketpair, the
 * RAM and eventfds of the front end; and all of it gone again. */
void vu_setup(void);
void vu_teardown(void);

/* Ring @q's areas inside RAM (GPA offsets). */
u64 vu_ring_base(unsigned int q);
/* Steps of the machine until nothing is due now. */
void vu_run_device(void);
/* Send a front-end message (with @nfds descriptors). */
void vu_send_msg(u32 req, u32 flags, const void *payload, u32 size,
		 const int *fds, unsigned int nfds);
/* Send a request and let the back end handle it. */
int vu_request(u32 req, u32 flags, const void *payload, u32 size,
	       const int *fds, unsigned int nfds);
/* The u64 reply to @req, asserted to be one. */
u64 vu_reply_u64(u32 req);
/* Whether a reply waits on the socket. */
bool vu_reply_pending(void);
/* The whole RAM as one memory region. */
void vu_add_ram(void);
/* Negotiate and set up both rings, as QEMU does at start. */
void vu_start_rings(void);
/* An INIT on ring 1 as its @avail_idx-th entry, at descriptors @head and
 * @head + 1, the request at RAM offset @off; vu_post_init() at the usual
 * place (head 0, offset 0x10000). */
void vu_post_init_at(u16 avail_idx, u64 unique, u16 head, u64 off);
void vu_post_init(u16 avail_idx, u64 unique);

#endif
