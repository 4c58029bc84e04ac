/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vhost_user.h
 * @brief The front end's view of a vhost-user back end: the messages the
 *        migration flow sends, modelled as calls carrying the spec's
 *        payloads, in one ops table a device implements.
 *
 * sim/ must not know the device, so the front end (sim/vmm/migration.h) talks
 * to a back end only through `struct vhost_user_backend_ops` and an opaque
 * pointer; device/virtio_fs_dev_vhost.c is the virtio-fs implementation.
 *
 * @par SET_DEVICE_STATE_FD (42) and CHECK_DEVICE_STATE (43)
 * Both need #VHOST_USER_PROTOCOL_F_DEVICE_STATE. SET_DEVICE_STATE_FD
 * carries a direction (#VHOST_TRANSFER_STATE_DIRECTION_SAVE or _LOAD), a
 * phase (only #VHOST_TRANSFER_STATE_PHASE_STOPPED exists; the device must be
 * suspended) and the front end's end of a pipe. Its u64 reply holds an
 * error in bits 0-7 (#VHOST_USER_DEVICE_STATE_ERR_MASK, 0 on success) and
 * bit 8 (#VHOST_USER_DEVICE_STATE_NO_FD) set when the back end returned no
 * channel of its own; when clear, the front end uses the returned channel
 * instead of its own. An error reply always has bit 8 set. CHECK_DEVICE_STATE
 * is answered once the transfer is over: 0, or the transfer's error.
 * @ingroup sim_vmm
 */
#ifndef VFSIM_SIM_VMM_VHOST_USER_H
#define VFSIM_SIM_VMM_VHOST_USER_H

#include "sim/kernel/types.h"
#include "sim/virtio/virtio.h"
#include "sim/vmm/pipe.h"
#include "sim/vmm/vhost_user_proto.h"
/** @brief Direction: the back end writes its state (source). */
#define VHOST_TRANSFER_STATE_DIRECTION_SAVE 0
/** @brief Direction: the back end reads a state (destination). */
#define VHOST_TRANSFER_STATE_DIRECTION_LOAD 1
/** @brief Phase: the VM is stopped and the device suspended (the only one). */
#define VHOST_TRANSFER_STATE_PHASE_STOPPED 0
/** @brief Reply bits 0-7: 0 on success, an error code otherwise. */
#define VHOST_USER_DEVICE_STATE_ERR_MASK 0xffULL
/** @brief Reply bit 8: no file descriptor (channel) was returned. */
#define VHOST_USER_DEVICE_STATE_NO_FD (1ULL << 8)

/**
 * @brief The messages a front end sends a back end. Every hook gets the
 *        back end's own pointer first; int results are 0 or -errno.
 */
struct vhost_user_backend_ops {
	/** GET_PROTOCOL_FEATURES: the protocol features offered. */
	u64 (*get_protocol_features)(void *dev);
	/** SET_PROTOCOL_FEATURES: -EINVAL for a bit not offered. */
	int (*set_protocol_features)(void *dev, u64 features);
	/** SET_VRING_CALL: where the back end raises interrupts from now on
	 *  (the guest's transport). */
	int (*set_vring_call)(void *dev, struct virtio_device *vdev);
	/** SET_VRING_ENABLE of ring @p idx. */
	int (*set_vring_enable)(void *dev, unsigned int idx, bool on);
	/** SET_VRING_KICK: start ring @p idx. */
	int (*set_vring_kick)(void *dev, unsigned int idx);
	/** GET_VRING_BASE: stop ring @p idx (draining it); its next avail
	 *  index (0..65535) or -errno. */
	int (*get_vring_base)(void *dev, unsigned int idx);
	/** SET_VRING_BASE: where ring @p idx pops next. */
	int (*set_vring_base)(void *dev, unsigned int idx, u16 base);
	/** SET_DEVICE_STATE_FD: start a transfer over @p channel, or over a
	 *  channel of the back end's stored in @p backend_channel (NULL when
	 *  none). @return the u64 reply word (see the file comment). */
	u64 (*set_device_state_fd)(void *dev, u32 direction, u32 phase,
				   struct pipe *channel,
				   struct pipe **backend_channel);
	/** CHECK_DEVICE_STATE: 0 or the transfer's error. */
	int (*check_device_state)(void *dev);
	/** The back end's transport hooks, for
	 *  virtio_transport_switch_backend(). */
	const struct virtio_device_backend *(*transport)(void *dev);
	/** The virtio_device_backend's own pointer (what its hooks get). */
	void *(*transport_dev)(void *dev);
};

/** @brief Error code of a SET_DEVICE_STATE_FD reply, as a negative errno
 *  (0 on success). */
static inline int vhost_user_reply_error(u64 reply)
{
	return -(int)(reply & VHOST_USER_DEVICE_STATE_ERR_MASK);
}

#endif /* VFSIM_SIM_VMM_VHOST_USER_H */
