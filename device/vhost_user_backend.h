/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vhost_user_backend.h
 * @brief The virtio-fs device as a vhost-user back end on a real socket:
 *        what virtiofsd's vhost-user side does, in front of the same
 *        struct vfs_dev the simulator runs.
 *
 * One struct vhost_user_backend serves one front end (a QEMU process) on
 * one connected socket. vhost_user_backend_handle() reads and answers one
 * message; vhost_user_backend_kick() takes a kick from a ring's eventfd.
 * Guest memory comes from the front end's memory table
 * (sim/vmm/vhost_user_mem.h), registered as gmem's mapped backing, so the
 * device's rings, FUSE server and state transfer run unchanged on the
 * guest's real RAM; interrupts go out on the call eventfds and a ring the
 * driver broke is reported on its err eventfd.
 *
 * @par Messages
 * | message | what the back end does |
 * |---------|------------------------|
 * | GET_FEATURES | the device's virtio features and VHOST_USER_F_PROTOCOL_FEATURES |
 * | SET_FEATURES | vfs_dev_set_features(); a bit not offered is refused |
 * | GET/SET_PROTOCOL_FEATURES | MQ, REPLY_ACK, BACKEND_REQ, RESET_DEVICE, CONFIGURE_MEM_SLOTS, DEVICE_STATE |
 * | GET_QUEUE_NUM | hiprio plus the request queues |
 * | GET_MAX_MEM_SLOTS | #GMEM_MAP_MAX_REGIONS |
 * | SET_OWNER, RESET_OWNER, RESET_DEVICE | taken; the resets reset the device (vfs_dev_reset()) |
 * | SET_BACKEND_REQ_FD | the socket is kept (the back end sends nothing on it) |
 * | SET_MEM_TABLE, ADD_MEM_REG, REM_MEM_REG | regions mapped and registered as guest memory |
 * | SET_VRING_NUM, SET_VRING_ADDR | the ring's size, and its addresses turned into GPAs: the device's queue_ready |
 * | SET_VRING_BASE, GET_VRING_BASE | vfs_dev_set_vring_base(), vfs_dev_get_vring_base() (which drains); GET_VRING_BASE also drops the ring's kick and call eventfds |
 * | SET_VRING_KICK, SET_VRING_CALL, SET_VRING_ERR | the eventfds; KICK starts the ring |
 * | SET_VRING_ENABLE | vfs_dev_set_vring_enable() |
 * | SET_DEVICE_STATE_FD, CHECK_DEVICE_STATE | the device's state transfer (virtio_fs_dev_vhost.c), its pipe bridged to the front end's descriptor |
 * Anything else (logging, config space, inflight tracking, postcopy,
 * in-band kicks, status) is not offered: it is refused with the spec's
 * error answer (a non-zero u64 when the front end asked for an ack),
 * logged, and the connection goes on. A message that breaks the framing
 * (bad version, oversized payload, truncated) ends the connection, as
 * the spec allows a back end to do.
 *
 * A dead device (the dev.die fault) still answers GET_VRING_BASE, with
 * the index it stopped at: the daemon's request workers are gone, its
 * control thread is not, so a VM can still be shut down.
 * @ingroup device
 */
#ifndef VFSIM_DEVICE_VHOST_USER_BACKEND_H
#define VFSIM_DEVICE_VHOST_USER_BACKEND_H

#include <stdio.h>

#include "device/virtio_fs_dev.h"
#include "sim/vmm/pipe.h"
#include "sim/vmm/vhost_user_mem.h"

/** @brief Protocol features the back end offers. */
#define VHOST_USER_BACKEND_PROTOCOL_FEATURES                   \
	((1ULL << VHOST_USER_PROTOCOL_F_MQ) |                  \
	 (1ULL << VHOST_USER_PROTOCOL_F_REPLY_ACK) |           \
	 (1ULL << VHOST_USER_PROTOCOL_F_BACKEND_REQ) |         \
	 (1ULL << VHOST_USER_PROTOCOL_F_RESET_DEVICE) |        \
	 (1ULL << VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS) | \
	 (1ULL << VHOST_USER_PROTOCOL_F_DEVICE_STATE))

/** @brief The descriptors of one ring. */
struct vhost_user_backend_ring {
	int kick;	    /**< kick eventfd, or -1 */
	int call;	    /**< call eventfd, or -1 */
	int err;	    /**< err eventfd, or -1 */
	u32 num;	    /**< SET_VRING_NUM */
	bool err_signalled; /**< the err eventfd was written */
};

/** @brief One front end's connection. */
struct vhost_user_backend {
	struct vfs_dev *dev;	 /**< the device served */
	struct vfs_dev_vhost vh; /**< its state transfer side */
	int sock;		 /**< the connected socket */
	FILE *log;		 /**< one line per refused message (or NULL) */
	bool verbose;		 /**< and one per message */
	u64 features;		 /**< virtio features set (SET_FEATURES) */
	u64 protocol_features;	 /**< protocol features set */
	bool owned;		 /**< SET_OWNER came */
	int backend_req;	 /**< SET_BACKEND_REQ_FD's socket, or -1 */
	struct vhost_user_mem mem;	       /**< the memory table */
	unsigned int nr_rings;		       /**< the device's queues */
	struct vhost_user_backend_ring *rings; /**< their descriptors */
	/* the state channel: the device's pipe and the front end's fd */
	int state_fd;	   /**< the front end's end, or -1 */
	u32 state_dir;	   /**< direction of the transfer */
	struct pipe state; /**< the device's side */
	bool state_live;   /**< @ref state is set up */
	struct task *pump; /**< moves bytes between the two */
	bool pump_done;	   /**< it has finished */
	int pump_error;	   /**< what it met (0 or -errno) */
	u64 messages;	   /**< messages handled */
	u64 refused;	   /**< of which refused */
};

/**
 * @brief Take a connected socket for @p dev.
 * @param be the connection to fill
 * @param dev the device (its notifications are routed here)
 * @param sock the socket (owned from now on; closed by exit)
 * @param log where refused messages are logged (NULL: nowhere)
 * @return 0, or -ENOMEM
 */
int vhost_user_backend_init(struct vhost_user_backend *be, struct vfs_dev *dev,
			    int sock, FILE *log);

/**
 * @brief The front end went away: reset the device, unmap guest memory,
 *        close every descriptor. Call it outside any task.
 */
void vhost_user_backend_exit(struct vhost_user_backend *be);

/**
 * @brief Read and answer one message (the socket is readable). Call it
 *        outside any task: a GET_VRING_BASE runs the device until the
 *        ring is drained.
 * @return 0 to go on; -ECONNRESET when the front end closed the
 *         connection; another -errno when the connection must end (the
 *         framing broke, or the reply could not be sent)
 */
int vhost_user_backend_handle(struct vhost_user_backend *be);

/** @brief Ring @p idx's kick eventfd is readable: drain it and kick. */
void vhost_user_backend_kick(struct vhost_user_backend *be, unsigned int idx);

#endif /* VFSIM_DEVICE_VHOST_USER_BACKEND_H */
