/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vhost_user_proto.h
 * @brief The vhost-user protocol on the wire: message numbers, flags,
 *        feature bits, payloads, and the socket framing with file
 *        descriptors passed as SCM_RIGHTS.
 *
 * A message is a 12-byte header (request, flags, payload size, all in the
 * host's byte order) and a payload of at most #VHOST_USER_PAYLOAD_MAX
 * bytes; file descriptors travel as ancillary data with the header's
 * first byte. This is what QEMU (the front end) and a back end such as
 * virtiofsd or `vfsim serve` exchange on a unix socket, as the vhost-user
 * specification (QEMU's docs/interop/vhost-user.rst) defines it. Numbers
 * follow the specification as merged (QEMU 8.2 and later): the device
 * state transfer is protocol feature 19 and messages 42 and 43 (the v4
 * posting of that series, on qemu-devel in 2023, used 18, 41 and 42).
 *
 * Both sides use this file: the back end (device/vhost_user_backend.h)
 * and a front end driving a real back end.
 *
 * vhost_user_recv() checks the framing only (header, size bound, file
 * descriptor count); vhost_user_msg_check() checks one message's payload
 * size and descriptors against what its request needs.
 * @ingroup sim_vmm
 */
#ifndef VFSIM_SIM_VMM_VHOST_USER_PROTO_H
#define VFSIM_SIM_VMM_VHOST_USER_PROTO_H

#include <stddef.h>

#include "sim/kernel/types.h"

/** @brief The front end's requests (vhost-user "Front-end message types"). */
enum vhost_user_request {
	VHOST_USER_NONE = 0,		/**< not a request */
	VHOST_USER_GET_FEATURES = 1,	/**< virtio features offered */
	VHOST_USER_SET_FEATURES = 2,	/**< virtio features accepted */
	VHOST_USER_SET_OWNER = 3,	/**< a front end takes the back end */
	VHOST_USER_RESET_OWNER = 4,	/**< deprecated reset */
	VHOST_USER_SET_MEM_TABLE = 5,	/**< the guest's RAM, as fds */
	VHOST_USER_SET_LOG_BASE = 6,	/**< dirty log (migration) */
	VHOST_USER_SET_LOG_FD = 7,	/**< dirty log eventfd */
	VHOST_USER_SET_VRING_NUM = 8,	/**< ring size */
	VHOST_USER_SET_VRING_ADDR = 9,	/**< ring addresses */
	VHOST_USER_SET_VRING_BASE = 10, /**< next avail index */
	VHOST_USER_GET_VRING_BASE = 11, /**< stop a ring, get its index */
	VHOST_USER_SET_VRING_KICK = 12, /**< kick eventfd; starts the ring */
	VHOST_USER_SET_VRING_CALL = 13, /**< interrupt eventfd */
	VHOST_USER_SET_VRING_ERR = 14,	/**< error eventfd */
	VHOST_USER_GET_PROTOCOL_FEATURES = 15, /**< protocol features offered */
	VHOST_USER_SET_PROTOCOL_FEATURES =
		16,			    /**< protocol features accepted */
	VHOST_USER_GET_QUEUE_NUM = 17,	    /**< most queues (with MQ) */
	VHOST_USER_SET_VRING_ENABLE = 18,   /**< enable or disable a ring */
	VHOST_USER_SEND_RARP = 19,	    /**< net only */
	VHOST_USER_NET_SET_MTU = 20,	    /**< net only */
	VHOST_USER_SET_BACKEND_REQ_FD = 21, /**< back-end-to-front-end socket */
	VHOST_USER_IOTLB_MSG = 22,	    /**< IOMMU updates */
	VHOST_USER_SET_VRING_ENDIAN = 23,   /**< legacy cross-endian */
	VHOST_USER_GET_CONFIG = 24,	    /**< device config space */
	VHOST_USER_SET_CONFIG = 25,	    /**< device config space */
	VHOST_USER_CREATE_CRYPTO_SESSION = 26, /**< crypto only */
	VHOST_USER_CLOSE_CRYPTO_SESSION = 27,  /**< crypto only */
	VHOST_USER_POSTCOPY_ADVISE = 28,       /**< postcopy migration */
	VHOST_USER_POSTCOPY_LISTEN = 29,       /**< postcopy migration */
	VHOST_USER_POSTCOPY_END = 30,	       /**< postcopy migration */
	VHOST_USER_GET_INFLIGHT_FD = 31,       /**< inflight tracking */
	VHOST_USER_SET_INFLIGHT_FD = 32,       /**< inflight tracking */
	VHOST_USER_GPU_SET_SOCKET = 33,	       /**< gpu only */
	VHOST_USER_RESET_DEVICE = 34,	       /**< reset (with RESET_DEVICE) */
	VHOST_USER_VRING_KICK = 35,	       /**< in-band kick */
	VHOST_USER_GET_MAX_MEM_SLOTS = 36,     /**< most memory regions */
	VHOST_USER_ADD_MEM_REG = 37,	       /**< one more region */
	VHOST_USER_REM_MEM_REG = 38,	       /**< one region less */
	VHOST_USER_SET_STATUS = 39,	       /**< device status byte */
	VHOST_USER_GET_STATUS = 40,	       /**< device status byte */
	VHOST_USER_GET_SHARED_OBJECT = 41,     /**< shared objects */
	VHOST_USER_SET_DEVICE_STATE_FD = 42,   /**< start a state transfer */
	VHOST_USER_CHECK_DEVICE_STATE = 43,    /**< how the transfer ended */
	VHOST_USER_MAX_REQUEST		       /**< one past the last */
};

/** @brief Header flags: protocol version 1 in bits 0-1. */
#define VHOST_USER_VERSION 0x1u
/** @brief Header flags: the version field. */
#define VHOST_USER_VERSION_MASK 0x3u
/** @brief Header flags: this is a reply. */
#define VHOST_USER_REPLY_MASK (1u << 2)
/** @brief Header flags: the front end wants an ack (REPLY_ACK). */
#define VHOST_USER_NEED_REPLY_MASK (1u << 3)

/** @brief Ring-fd messages: the ring index bits of the u64. */
#define VHOST_USER_VRING_IDX_MASK 0xffULL
/** @brief Ring-fd messages: no file descriptor is passed. */
#define VHOST_USER_VRING_NOFD_MASK (1ULL << 8)

/** @brief Virtio feature bit 30: protocol features can be negotiated. */
#define VHOST_USER_F_PROTOCOL_FEATURES_BIT 30

/** @brief Protocol feature: several queues (GET_QUEUE_NUM). */
#define VHOST_USER_PROTOCOL_F_MQ 0
/** @brief Protocol feature: acks on request (NEED_REPLY). */
#define VHOST_USER_PROTOCOL_F_REPLY_ACK 3
/** @brief Protocol feature: a back-end-to-front-end channel. */
#define VHOST_USER_PROTOCOL_F_BACKEND_REQ 5
/** @brief Protocol feature: config space messages. */
#define VHOST_USER_PROTOCOL_F_CONFIG 9
/** @brief Protocol feature: RESET_DEVICE. */
#define VHOST_USER_PROTOCOL_F_RESET_DEVICE 13
/** @brief Protocol feature: ADD_MEM_REG / REM_MEM_REG. */
#define VHOST_USER_PROTOCOL_F_CONFIGURE_MEM_SLOTS 15
/** @brief Protocol feature: SET_STATUS / GET_STATUS. */
#define VHOST_USER_PROTOCOL_F_STATUS 16
/** @brief Protocol feature: back-end state transfer (messages 42, 43). */
#define VHOST_USER_PROTOCOL_F_DEVICE_STATE 19

/** @brief Regions SET_MEM_TABLE carries at most. */
#define VHOST_USER_MEM_TABLE_MAX 8
/** @brief File descriptors one message may carry. */
#define VHOST_USER_MAX_FDS 8
/** @brief Largest payload accepted (the largest message is smaller). */
#define VHOST_USER_PAYLOAD_MAX 4096u

/** @brief Message header. */
struct vhost_user_hdr {
	u32 request; /**< enum vhost_user_request */
	u32 flags;   /**< version, reply, need_reply */
	u32 size;    /**< payload bytes that follow */
};

/** @brief Payload: a vring state (index and a number). */
struct vhost_user_vring_state {
	u32 index; /**< ring index */
	u32 num;   /**< size, base or enable flag */
};

/** @brief Payload of SET_VRING_ADDR: addresses in the front end's
 *  address space (user addresses), not guest physical ones. */
struct vhost_user_vring_addr {
	u32 index;	     /**< ring index */
	u32 flags;	     /**< VHOST_VRING_F_LOG (bit 0) */
	u64 desc_user_addr;  /**< descriptor table */
	u64 used_user_addr;  /**< used ring */
	u64 avail_user_addr; /**< avail ring */
	u64 log_guest_addr;  /**< used ring's GPA, for the dirty log */
};

/** @brief One region of guest RAM. */
struct vhost_user_mem_region {
	u64 guest_phys_addr; /**< first GPA */
	u64 memory_size;     /**< bytes */
	u64 userspace_addr;  /**< where the front end maps it */
	u64 mmap_offset;     /**< where it starts in the fd */
};

/** @brief Payload of SET_MEM_TABLE (one fd per region). */
struct vhost_user_memory {
	u32 nregions; /**< regions used */
	u32 padding;  /**< 0 */
	/** the regions */
	struct vhost_user_mem_region regions[VHOST_USER_MEM_TABLE_MAX];
};

/** @brief Payload of ADD_MEM_REG and REM_MEM_REG. */
struct vhost_user_mem_reg {
	u64 padding;			     /**< 0 */
	struct vhost_user_mem_region region; /**< the region */
};

/** @brief Payload of SET_DEVICE_STATE_FD. */
struct vhost_user_device_state {
	u32 direction; /**< 0 save, 1 load */
	u32 phase;     /**< 0 stopped */
};

/** @brief One message as read or to be sent. On the wire the payload
 *  follows the 12-byte header directly; here it is aligned for its u64
 *  fields, and vhost_user_send()/vhost_user_recv() move the two parts. */
struct vhost_user_msg {
	struct vhost_user_hdr hdr; /**< header */
	/** the payload, by request */
	union {
		u64 u64;			     /**< a number */
		struct vhost_user_vring_state state; /**< ring state */
		struct vhost_user_vring_addr addr;   /**< ring addresses */
		struct vhost_user_memory memory;     /**< memory table */
		struct vhost_user_mem_reg mem_reg;   /**< one region */
		struct vhost_user_device_state xfer; /**< state transfer */
		u8 raw[VHOST_USER_PAYLOAD_MAX];	     /**< any payload */
	} payload;
};

/** @brief The request's name ("SET_VRING_KICK"), or "UNKNOWN". */
const char *vhost_user_request_name(u32 request);

/**
 * @brief Read one message from a stream socket: header and its file
 *        descriptors, then the payload.
 * @param fd the socket
 * @param msg where the message goes
 * @param fds where received descriptors go (room for #VHOST_USER_MAX_FDS)
 * @param nfds set to how many arrived (they are the caller's to close,
 *        also on error: on error they are closed here and @p nfds is 0)
 * @return 0; -ECONNRESET when the peer closed before a header began;
 *         -EPIPE when it closed inside a message; -EPROTO for a version
 *         other than 1 or a reply flag on a request; -EMSGSIZE for a
 *         payload above #VHOST_USER_PAYLOAD_MAX (nothing more is read: the
 *         stream cannot be trusted); -E2BIG when more descriptors came than
 *         fit (they were cut off by the kernel); -EAGAIN when a receive
 *         timeout expired inside a message; another -errno from recvmsg()
 */
int vhost_user_recv(int fd, struct vhost_user_msg *msg, int *fds,
		    unsigned int *nfds);

/**
 * @brief Send one message, with @p nfds descriptors (0 to
 *        #VHOST_USER_MAX_FDS) attached to its first byte.
 * @return 0, -EINVAL for too many descriptors or a payload size above
 *         #VHOST_USER_PAYLOAD_MAX, -EPIPE when the peer is gone, another
 *         -errno from sendmsg()
 */
int vhost_user_send(int fd, const struct vhost_user_msg *msg, const int *fds,
		    unsigned int nfds);

/**
 * @brief Check that a request's payload size and descriptor count are
 *        what it needs (vhost-user: each request's payload type).
 * @param msg the message (a request)
 * @param nfds descriptors that came with it
 * @param why set to a short reason on failure (static text)
 * @return 0; -EBADMSG for a wrong payload size; -EBADF for a missing or
 *         unexpected descriptor; -ENOSYS for a request number this file
 *         does not know
 */
int vhost_user_msg_check(const struct vhost_user_msg *msg, unsigned int nfds,
			 const char **why);

/** @brief Fill @p msg as a reply to @p req carrying a u64. */
void vhost_user_reply_u64(struct vhost_user_msg *msg, u32 request, u64 val);

/** @brief Fill @p msg as a reply carrying a vring state. */
void vhost_user_reply_state(struct vhost_user_msg *msg, u32 request, u32 index,
			    u32 num);

#endif /* VFSIM_SIM_VMM_VHOST_USER_PROTO_H */
