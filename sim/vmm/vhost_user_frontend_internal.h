/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vhost_user_frontend_internal.h - between the parts of the vhost-user
 * front end: its messages (vhost_user_frontend_msg.c), the device side
 * of the guest's transport (vhost_user_frontend_dev.c), its connection
 * (vhost_user_frontend.c) and the scheduler's outside hook
 * (vhost_user_frontend_wait.c). What the migration flow's calls and the
 * tests use is in vhost_user_frontend.h.
 */
#ifndef VFSIM_SIM_VMM_VHOST_USER_FRONTEND_INTERNAL_H
#define VFSIM_SIM_VMM_VHOST_USER_FRONTEND_INTERNAL_H

#include <string.h>

#include "sim/vmm/vhost_user_frontend.h"

/** @cond INTERNAL */
/* Protocol feature @b was acked (SET_PROTOCOL_FEATURES). */
static inline bool has_protocol(const struct vhost_user_frontend *fe,
				unsigned int b)
{
	return fe->protocol_acked & (1ULL << b);
}

/* A request's header, its flags left to vhost_user_frontend_call(). */
static inline void msg_init(struct vhost_user_msg *m, u32 req, u32 size)
{
	memset(&m->hdr, 0, sizeof(m->hdr));
	m->hdr.request = req;
	m->hdr.size = size;
}

/* A request without payload whose answer is a u64. */
int vhost_user_frontend_get_u64(struct vhost_user_frontend *fe, u32 req,
				u64 *val);

/* A request whose payload is @val (and @fd, unless negative). */
int vhost_user_frontend_set_u64(struct vhost_user_frontend *fe, u32 req,
				u64 val, int fd);

/* A request whose payload is a ring's index and a number. */
int vhost_user_frontend_set_state(struct vhost_user_frontend *fe, u32 req,
				  u32 idx, u32 num);

/* The guest's transport hooks, for a guest device of @queue_size
 * entries a queue (vhost_user_frontend_dev.c). */
void vhost_user_frontend_transport_init(struct vhost_user_frontend *fe,
					unsigned int queue_size);

/* vhost_dev_stop(): every running ring stops, its index kept. */
void vhost_user_frontend_stop(struct vhost_user_frontend *fe);

/* A kick of ring @idx from the guest: false when the device is gone. */
bool vhost_user_frontend_kick(void *dev, unsigned int idx);

/* An interrupt of ring @idx for the guest's device: raised, held while
 * paused, or dropped when there is no device of ours. */
void vhost_user_frontend_deliver(struct vhost_user_frontend *fe,
				 unsigned int idx);

/* @fe among the front ends the outside hook waits on, or no longer
 * (vhost_user_frontend_wait.c). */
void vhost_user_frontend_set_live(struct vhost_user_frontend *fe, bool on);

/** @endcond */

#endif /* VFSIM_SIM_VMM_VHOST_USER_FRONTEND_INTERNAL_H */
