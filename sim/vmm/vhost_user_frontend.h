/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vhost_user_frontend.h
 * @brief The vhost-user front end (the part QEMU plays): the guest's
 *        virtio-fs device served by a real back end process on a unix
 *        socket, such as QEMU's virtiofsd or `vfsim serve`.
 *
 * A connected front end is a virtio device side (`struct
 * virtio_device_backend`): the guest's driver binds to it exactly as to
 * the in-process device, and the ring code is the same. What differs is
 * underneath:
 * - guest memory is the simulated arena in a memfd (gmem_init_shared()),
 *   handed to the back end with SET_MEM_TABLE, or ADD_MEM_REG when the
 *   back end offers CONFIGURE_MEM_SLOTS;
 * - the config space (tag, num_request_queues) is the front end's own, as
 *   QEMU's vhost-user-fs device builds it from its properties;
 * - at DRIVER_OK each queue is handed over (SET_VRING_NUM, _BASE, _ADDR,
 *   _KICK, _CALL, then _ENABLE), kicks are eventfd writes, completions come
 *   back on call eventfds and become interrupts of the guest's device;
 * - a reset stops every ring with GET_VRING_BASE, as QEMU's
 *   vhost_dev_stop() does.
 *
 * Completions arrive in real time, so the scheduler's clock follows the
 * wall clock (sched_set_clock()) and vhost_user_frontend_wait() is its
 * outside hook (sched_set_outside()): when no task can run and buffers
 * are with the back end, it waits on the call eventfds and the socket.
 * Such a run is not deterministic.
 *
 * The scenario's `device pause`, `device resume` and `device die` act on
 * the front end's side: a paused front end holds kicks and interrupts
 * back and delivers them on resume; a dead one swallows both for good.
 * The back end itself is never told (it cannot be: it is someone else's
 * program).
 *
 * Errors from the back end (a refused message, a closed socket, no
 * answer within #VHOST_USER_FRONTEND_REPLY_NS, a daemon that exits)
 * make the device **gone**: traced as `vu.gone` with the reason, the
 * guest's device gets NEEDS_RESET and broken queues, kicks fail from then
 * on, and nothing waits for it again. The simulator never hangs on it.
 *
 * For migration, vhost_user_frontend_ops() is the `struct
 * vhost_user_backend_ops` of sim/vmm/vhost_user.h over the real
 * protocol: GET_VRING_BASE, SET_DEVICE_STATE_FD with one end of a real
 * pipe(2) bridged to the flow's own pipe, CHECK_DEVICE_STATE.
 * @ingroup sim_vmm
 */
#ifndef VFSIM_SIM_VMM_VHOST_USER_FRONTEND_H
#define VFSIM_SIM_VMM_VHOST_USER_FRONTEND_H

#include <stddef.h>

#include "sim/kernel/completion.h"
#include "sim/kernel/types.h"
#include "sim/virtio/virtio.h"
#include "sim/vmm/pipe.h"
#include "sim/vmm/vhost_user.h"

/** @brief Most queues (hiprio and request queues) a front end drives. */
#define VHOST_USER_FRONTEND_MAX_QUEUES 65

/** @brief How long a message's reply is waited for (10 s). */
#define VHOST_USER_FRONTEND_REPLY_NS 10000000000ULL

/** @brief Default of vhost_user_frontend::silence_ns: how long buffers
 *  may sit with a back end that signals nothing while no timer is armed
 *  to end the wait (30 s). */
#define VHOST_USER_FRONTEND_SILENCE_NS 30000000000ULL

/** @brief What the guest's device looks like (QEMU's -device properties). */
struct vhost_user_frontend_config {
	const char *tag;		 /**< mount tag, 1..36 bytes */
	unsigned int num_request_queues; /**< request queues */
	unsigned int queue_size;	 /**< every queue's size */
	bool event_idx;			 /**< offer VIRTIO_RING_F_EVENT_IDX */
	bool indirect; /**< offer VIRTIO_RING_F_INDIRECT_DESC */
};

/** @brief One queue as the front end handed it over. */
struct vhost_user_frontend_ring {
	int kick;	/**< our end of the kick eventfd, or -1 */
	int call;	/**< our end of the call eventfd, or -1 */
	gpa_t desc;	/**< descriptor table */
	gpa_t avail;	/**< avail ring */
	gpa_t used;	/**< used ring */
	u16 num;	/**< size */
	u16 base;	/**< index SET_VRING_BASE gives at the next start */
	bool ready;	/**< the driver set it up (queue_ready) */
	bool started;	/**< handed over and not stopped */
	bool kick_held; /**< a kick waits for `device resume` */
	bool call_held; /**< an interrupt waits for `device resume` */
	u64 kicks;	/**< kick eventfd writes */
	u64 calls;	/**< call eventfd reads */
};

/** @brief One back end's connection. */
struct vhost_user_frontend {
	int sock;	       /**< the connected socket, or -1 */
	char name[16];	       /**< "src" or "dst", for the trace */
	u64 features;	       /**< GET_FEATURES */
	u64 guest_features;    /**< what the guest's device offers */
	u64 acked;	       /**< what the driver accepted */
	u64 protocol_offered;  /**< GET_PROTOCOL_FEATURES */
	u64 protocol_acked;    /**< SET_PROTOCOL_FEATURES */
	u64 max_queues;	       /**< GET_QUEUE_NUM (0 without MQ) */
	u64 max_mem_slots;     /**< GET_MAX_MEM_SLOTS (0 without) */
	unsigned int nr_rings; /**< hiprio + request queues */
	/** the queues, by index (0 hiprio) */
	struct vhost_user_frontend_ring rings[VHOST_USER_FRONTEND_MAX_QUEUES];
	u8 config[40]; /**< tag[36], le32 num_request_queues */
	struct virtio_device_backend transport; /**< the device side's hooks */
	struct virtio_device *vdev; /**< the guest's device, once joined */
	u8 status;		    /**< the status byte the driver wrote */
	bool mem_sent;		    /**< the memory table went over */
	bool running;		    /**< DRIVER_OK seen and rings handed over */
	bool paused;		    /**< `device pause` */
	bool dead;		    /**< `device die` */
	bool gone;		    /**< the back end failed (see @ref why) */
	bool silent;		    /**< the silence limit passed */
	int error;		    /**< why it is gone, -errno */
	char why[160];		    /**< the same in words */
	u64 silence_ns;		    /**< see #VHOST_USER_FRONTEND_SILENCE_NS */
	u64 messages;		    /**< messages sent */
	/* state transfer (SET_DEVICE_STATE_FD) */
	int xfer_fd;		     /**< our end of the real pipe, or -1 */
	u32 xfer_dir;		     /**< save or load */
	struct pipe *xfer_chan;	     /**< the flow's pipe */
	struct task *xfer_task;	     /**< the bridge between the two */
	bool xfer_waiting;	     /**< the bridge waits on @ref xfer_fd */
	int xfer_err;		     /**< the bridge's error */
	struct completion xfer_done; /**< the bridge ended */
};

/**
 * @brief Take a connected socket and negotiate, as QEMU does when the
 *        device is created: SET_OWNER, GET_FEATURES,
 *        GET/SET_PROTOCOL_FEATURES, GET_QUEUE_NUM, GET_MAX_MEM_SLOTS.
 * @param fe the front end (filled in; it owns @p sock from now on, also
 *        on failure)
 * @param sock the connected socket
 * @param cfg the guest's device
 * @param name "src" or "dst", for the trace
 * @param err the reason of a failure, in words
 * @param errsize its size
 * @return 0; -ERANGE for a configuration the back end cannot serve (more
 *         queues than GET_QUEUE_NUM, a tag that does not fit); -ENODEV for
 *         a back end without VERSION_1; a message's -errno
 */
int vhost_user_frontend_connect(struct vhost_user_frontend *fe, int sock,
				const struct vhost_user_frontend_config *cfg,
				const char *name, char *err, size_t errsize);

/**
 * @brief Connect to the back end listening on @p path, then
 *        vhost_user_frontend_connect().
 * @return as vhost_user_frontend_connect(), or connect()'s -errno
 */
int vhost_user_frontend_open(struct vhost_user_frontend *fe, const char *path,
			     const struct vhost_user_frontend_config *cfg,
			     const char *name, char *err, size_t errsize);

/**
 * @brief Plug the guest's device into the front end (the transport's
 *        "device appears", virtio_device_init()).
 * @return 0 or virtio_device_init()'s error
 */
int vhost_user_frontend_join(struct vhost_user_frontend *fe,
			     struct virtio_device *vdev);

/**
 * @brief Stop every ring still running (GET_VRING_BASE), close the
 *        eventfds and the socket. The back end sees its front end leave.
 *        Safe to call twice.
 */
void vhost_user_frontend_close(struct vhost_user_frontend *fe);

/** @brief `device pause` (true) and `device resume` (false) on the front
 *  end's side: kicks and interrupts are held back, then delivered. */
void vhost_user_frontend_pause(struct vhost_user_frontend *fe, bool on);

/** @brief `device die` on the front end's side: kicks and interrupts are
 *  dropped from now on. */
void vhost_user_frontend_kill(struct vhost_user_frontend *fe);

/** @brief Dead (`device die`) or gone (the back end failed). */
bool vhost_user_frontend_dead(const struct vhost_user_frontend *fe);

/**
 * @brief The scheduler's outside hook (sched_set_outside()) for every
 *        front end connected: wait on their call eventfds, sockets and
 *        state pipes while buffers are with a back end, at most until
 *        @p until on the scheduler's clock.
 * @return false when no back end holds anything the machine waits for
 */
bool vhost_user_frontend_wait(void *arg, u64 until);

/** @brief The migration flow's view of a front end (sim/vmm/vhost_user.h). */
const struct vhost_user_backend_ops *vhost_user_frontend_ops(void);

/* --- between the front end's files ------------------------------------ */

/**
 * @brief Send one message; with @p reply non-NULL wait for its reply
 *        (into @p reply), else, with REPLY_ACK negotiated, ask for an ack
 *        and check it. A failure makes the device gone.
 * @param fe the front end
 * @param msg the request (its header's flags are set here)
 * @param fds descriptors to pass
 * @param nfds how many
 * @param reply where the reply goes, or NULL
 * @param rfd where a descriptor that came with the reply goes (or NULL:
 *        one is closed)
 * @return 0 or -errno
 */
int vhost_user_frontend_call(struct vhost_user_frontend *fe,
			     struct vhost_user_msg *msg, const int *fds,
			     unsigned int nfds, struct vhost_user_msg *reply,
			     int *rfd);

/** @brief The back end failed: trace it once, break the guest's device.
 *  @return @p err */
int vhost_user_frontend_fail(struct vhost_user_frontend *fe, int err,
			     const char *why);

/**
 * @brief After GET_VRING_BASE stopped ring @p idx for a migration: read
 *        its call eventfd once more and deliver (or hold, while paused)
 *        an interrupt the back end signalled before it let go of the
 *        ring, and any held one. The flow replaces or drops that eventfd
 *        next, so what it holds would be lost, and with it the driver's
 *        only word of the buffers the back end finished (QEMU reads a
 *        guest notifier once more when it stops using it, for the same
 *        reason).
 */
void vhost_user_frontend_flush_call(struct vhost_user_frontend *fe,
				    unsigned int idx);

/** @brief GET_VRING_BASE: stop ring @p idx. @return its index or -errno */
int vhost_user_frontend_get_vring_base(struct vhost_user_frontend *fe,
				       unsigned int idx);

/** @brief SET_VRING_KICK with a new eventfd: (re)start ring @p idx. */
int vhost_user_frontend_set_kick(struct vhost_user_frontend *fe,
				 unsigned int idx);

/** @brief SET_VRING_CALL with a new eventfd. */
int vhost_user_frontend_set_call(struct vhost_user_frontend *fe,
				 unsigned int idx);

/** @brief SET_VRING_ENABLE (a no-op without protocol features, where
 *  rings start enabled). */
int vhost_user_frontend_enable(struct vhost_user_frontend *fe, unsigned int idx,
			       bool on);

/** @brief The bridge's poll events on @ref vhost_user_frontend::xfer_fd. */
short vhost_user_frontend_xfer_events(const struct vhost_user_frontend *fe);

#endif /* VFSIM_SIM_VMM_VHOST_USER_FRONTEND_H */
