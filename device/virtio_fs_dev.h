/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file virtio_fs_dev.h
 * @brief The virtio-fs device: QEMU's vhost-user-fs plus virtiofsd's queue
 * handling, in front of a struct fuse_server.
 *
 * The device owns a config space (tag, num_request_queues), queue 0
 * (hiprio) and request queues 1..N, and a FUSE server. It plugs into the
 * transport with vfs_dev_backend() and touches guest memory only through
 * sim/virtio/vringh.h with guest physical addresses taken from descriptors.
 *
 * @par Ring states (vhost-user "Ring states")
 * Started/stopped and enabled/disabled are independent. Every ring starts
 * stopped and disabled (also after a reset).
 * | state | what the device does |
 * |-------|----------------------|
 * | stopped (enabled or not) | nothing: kicks start it, nothing is popped |
 * | started, disabled | nothing is popped (with "serve-disabled-rings": pops and serves with fuse_server_ctx.no_side_effects) |
 * | started, enabled | pops and serves normally |
 * A ring starts on its first kick or on vfs_dev_set_vring_kick(); it stops
 * on vfs_dev_get_vring_base(), which also forgets the kick file descriptor
 * (as vhost-user-backend does): kicks on a ring stopped that way are
 * ignored until the next vfs_dev_set_vring_kick(). vfs_dev_set_features() without the
 * protocol-features bit enables every ring; vfs_dev_set_vring_enable()
 * enables or disables one. All rings stopped is the *suspended* state: no
 * guest memory writes, no interrupts, but these calls are still answered.
 *
 * @par GET_VRING_BASE and requests in flight
 * vfs_dev_get_vring_base() stops popping at once and then drains: chains
 * already popped on that ring are completed (pushed, interrupt raised)
 * before it returns, as a vhost-user back end answers GET_VRING_BASE only
 * once the ring is quiet. A SETLKW parked waiting for a lock has no bound
 * on its wait, so draining answers it with EINTR (nothing was locked; the
 * guest's fcntl() may retry). Should the drain be unable to finish (the
 * scheduler has nothing left to run), the ring is stopped anyway, the
 * requests stay tracked and are completed only when the ring is started
 * again, or dropped by a reset: a stopped ring never writes guest memory.
 *
 * @par Workers
 * Each queue has its own device tasks (TASK_DEVICE daemons). A kick only
 * starts the ring and wakes its workers; popping and serving happen in the
 * workers. No queue has priority over another (with "hiprio-first",
 * request-queue workers let the hiprio workers run first when hiprio has
 * chains waiting). A SETLKW is answered EOPNOTSUPP; with "park-setlkw" one
 * that would block parks its worker until the server's lock generation
 * moves, then retries with the same bytes, while the other workers of the
 * queue go on serving.
 *
 * @par Fault points
 * Each popped request consults these points of the fault plan
 * (sim/kernel/fault.h), with its opcode name as the site and, for a
 * request naming a file, that name as the sub-site (so
 * `dev.die:site=LOOKUP/x` fires on a LOOKUP of "x" only):
 * | point | what the device does with that request |
 * |-------|-----------------------------------------|
 * | `dev.die` | dies before answering it (vfs_dev_kill()) |
 * | `dev.error` | refuses it unexecuted with the errno named by `arg` (default EIO) |
 * | `dev.late` | answers it `arg` later (a duration, default 1s) |
 * | `dev.bad-unique` | answers with a wrong unique (its bits inverted) |
 * | `dev.short` | pushes half the reply's length as the used length (the header's len still says the whole) |
 * | `dev.long` | the header's len and the used length say 8 bytes more than the reply |
 * | `dev.positive-error` | the reply's error is +5 |
 * | `dev.error-range` | the reply's error is -5000, past every errno |
 * | `dev.error-payload` | the reply says -EIO and keeps its payload |
 * | `dev.dup-reply` | pushes the chain's used element twice |
 * | `dev.stray-reply` | also pushes a used element for the head's next descriptor, which no request has (none when the chain has no next) |
 * | `dev.stall` | answers it, then stops popping (vfs_dev_pause()) for `arg` (a duration), or until vfs_dev_stall_end() without one |
 * fault_plan_parse() refuses an unknown point, an opcode that does not
 * exist and an `arg` that does not parse before anything runs.
 *
 * @par Reset
 * A device reset (the driver writing status 0, or vfs_dev_reset()) stops
 * and disables every ring, forgets queue addresses and bases, and drops
 * every request in progress (parked SETLKWs, delayed and batched
 * completions) without touching guest memory; each dropped chain is traced
 * "dev.drop". The FUSE session lives in the server and is not reset.
 * @ingroup device
 */
#ifndef VFSIM_DEVICE_VIRTIO_FS_DEV_H
#define VFSIM_DEVICE_VIRTIO_FS_DEV_H

#include "device/fuse_server.h"
#include "device/fuse_state.h"
#include "sim/vmm/pipe.h"
#include "sim/kernel/types.h"
#include "sim/kernel/wait.h"
#include "sim/vmm/vhost_user.h"
#include "sim/virtio/virtio.h"

struct vringh;

/** @brief Longest tag: the config space field's size. */
#define VFS_DEV_TAG_MAX 36
/** @brief Most request queues a device may have. */
#define VFS_DEV_MAX_REQUEST_QUEUES 64
/** @brief Most workers per queue. */
#define VFS_DEV_MAX_WORKERS 16
/** @brief Largest batch (chains a worker pops before completing them). */
#define VFS_DEV_MAX_BATCH 64
/** @brief vhost-user's VHOST_USER_F_PROTOCOL_FEATURES bit. */
#define VHOST_USER_F_PROTOCOL_FEATURES 30

struct vfs_dev;
struct dax_window;
struct vringh;

/**
 * @brief A device behaviour of vfsim's own, off by default: without any,
 * the device does what virtiofsd 1.13 behind QEMU's vhost-user-fs does.
 */
enum vfs_dev_option {
	/**
	 * "park-setlkw": a SETLKW that conflicts waits in the device until
	 * the lock is free (the blocking-lock series for C virtiofsd was
	 * never merged). Default: every SETLKW is answered EOPNOTSUPP, as C
	 * virtiofsd's lo_setlk() does when sleep is set.
	 */
	VFS_DEV_OPT_PARK_SETLKW,
	/**
	 * "serve-disabled-rings": a started but disabled ring is popped and
	 * served without side effects, the vhost-user specification's
	 * wording. Default: nothing is popped from a disabled ring, as
	 * rust-vmm's vhost-user-backend (under virtiofsd) does.
	 */
	VFS_DEV_OPT_SERVE_DISABLED,
	/**
	 * "hiprio-first": request workers let waiting hiprio work go first,
	 * once per batch. Default: no priority between queues, as in
	 * virtiofsd.
	 */
	VFS_DEV_OPT_HIPRIO_FIRST,
	VFS_DEV_NR_OPTIONS, /**< number of options */
};

/**
 * @brief Parse a device option name ("park-setlkw",
 * "serve-disabled-rings", "hiprio-first").
 * @return 0 and sets @p out, or -EINVAL for NULL or an unknown name
 */
int vfs_dev_option_parse(const char *name, enum vfs_dev_option *out);

/** @brief The name of option @p o, or NULL when out of range. */
const char *vfs_dev_option_name(enum vfs_dev_option o);

/** @brief How a device is built; zeroes select the defaults. */
struct vfs_dev_config {
	/** file system tag, 1..36 bytes (NULL: "vfsim") */
	const char *tag;
	unsigned int num_request_queues; /**< request queues (default 1) */
	unsigned int queue_size;	 /**< entries per queue (default 128) */
	bool event_idx;			 /**< offer VIRTIO_RING_F_EVENT_IDX */
	bool indirect;		     /**< offer VIRTIO_RING_F_INDIRECT_DESC */
	unsigned int hiprio_workers; /**< hiprio workers (default 1) */
	unsigned int
		request_workers; /**< workers per request queue (default 2) */
	/** largest readable part served (default 1 MiB + 4 KiB); a longer
	 *  request gets E2BIG */
	u32 max_request_size;
	/** largest reply buffer offered to the server (default 1 MiB + 4 KiB) */
	u32 max_reply_size;
	/** the front end negotiates VHOST_USER_F_PROTOCOL_FEATURES: rings are
	 *  then enabled only by vfs_dev_set_vring_enable() */
	bool protocol_features;
	/** vfsim's own behaviours, 1 << enum vfs_dev_option (0: as
	 *  virtiofsd) */
	u32 options;
	struct fuse_server_config server; /**< the FUSE server's settings */
};

/** @brief Order in which a worker completes the chains of one batch. */
enum vfs_dev_order {
	VFS_DEV_ORDER_IN_ORDER, /**< pop order */
	VFS_DEV_ORDER_REVERSED, /**< last popped first */
	VFS_DEV_ORDER_RANDOM,	/**< shuffled by a seeded generator */
};

/**
 * @brief One queue's counters and state (vfs_dev_queue_stats()). Every
 * chain popped is counted once: completed, dropped, faulted or in
 * progress. Faulted chains are given up without a used element because
 * the ring needs a reset: the one whose buffer a copy could no longer
 * reach, and those popped before it whose replies were then neither
 * written nor pushed (docs/device.md).
 */
struct vfs_dev_queue_stats {
	u64 kicks;		  /**< kicks received */
	u64 popped;		  /**< chains popped */
	u64 completed;		  /**< chains pushed to the used ring */
	u64 dropped;		  /**< chains dropped by a reset */
	u64 faulted;		  /**< given up: the ring needs a reset */
	u64 irqs;		  /**< interrupts raised */
	u64 lock_waits;		  /**< SETLKW parks */
	unsigned int in_progress; /**< popped and not yet pushed */
	bool ready;		  /**< the transport gave its addresses */
	bool started;		  /**< started (stopping counts as started) */
	bool enabled;		  /**< enabled */
	bool broken;		  /**< malformed: needs a device reset */
	u16 last_avail;		  /**< next avail index to pop */
};

/**
 * @brief Create a device with a fresh FUSE server and its worker tasks.
 * @param cfg settings (NULL: defaults)
 * @param out receives the device
 * @return 0; -EINVAL for a bad setting (empty or over-long tag, queue
 *         count, queue size, worker count, sizes below a FUSE header, a
 *         server setting fuse_server_new() refuses); -ESRCH when no
 *         scheduler runs (sched_init() first). Nothing is allocated before
 *         the settings are checked, so a refusal leaves nothing behind.
 */
int vfs_dev_create(const struct vfs_dev_config *cfg, struct vfs_dev **out);

/**
 * @brief End the workers and free the device and its server. Call it
 * outside any task (it runs the scheduler until the workers returned) or
 * after sched_exit(). NULL is fine.
 */
void vfs_dev_free(struct vfs_dev *dev);

/** @brief The transport ops to join the device to a struct virtio_device. */
const struct virtio_device_backend *vfs_dev_backend(struct vfs_dev *dev);

/** @brief Tell the device which virtio_device it is joined to (needed for
 *  interrupts, NEEDS_RESET and hot-unplug). */
void vfs_dev_attach(struct vfs_dev *dev, struct virtio_device *vdev);

/**
 * @brief virtio_device_init() with this device, then vfs_dev_attach().
 * @return virtio_device_init()'s result
 */
int vfs_dev_join(struct vfs_dev *dev, struct virtio_device *vdev);

/** @brief Where a device with no simulated transport sends what it would
 *  raise on one: vfs_serve's vhost-user call and err eventfds. */
struct vfs_dev_notify {
	/** queue @p idx has used buffers the driver wants to hear of */
	void (*irq)(void *arg, unsigned int idx);
	/** queue @p idx was found malformed and stops until a reset */
	void (*error)(void *arg, unsigned int idx);
	void *arg; /**< passed back to both */
};

/**
 * @brief Send interrupts and ring errors to @p n instead of a joined
 *        virtio_device (which, when attached, still takes precedence).
 *        NULL detaches.
 */
void vfs_dev_set_notify(struct vfs_dev *dev, const struct vfs_dev_notify *n);

/** @brief Reset the device (as the transport's reset does). */
void vfs_dev_reset(struct vfs_dev *dev);

/** @brief The device's FUSE server. */
struct fuse_server *vfs_dev_server(struct vfs_dev *dev);

/** @brief The server's DAX window (a shared memory region in real
 *  virtio-fs), or NULL without one. */
struct dax_window *vfs_dev_dax(struct vfs_dev *dev);

/** @brief Number of queues (1 + num_request_queues). */
unsigned int vfs_dev_num_queues(const struct vfs_dev *dev);

/* --- ring states (vhost-user messages) --------------------------------- */

/**
 * @brief SET_VRING_KICK: start ring @p idx.
 * @return 0; -EINVAL for a bad index; -ENXIO when the queue has no
 *         addresses yet; -EIO when the ring needs a reset; -ENOTCONN when
 *         the device is dead
 */
int vfs_dev_set_vring_kick(struct vfs_dev *dev, unsigned int idx);

/**
 * @brief SET_VRING_ENABLE: enable or disable ring @p idx (tracked while
 * stopped too).
 * @return 0, or -EINVAL for a bad index
 */
int vfs_dev_set_vring_enable(struct vfs_dev *dev, unsigned int idx, bool on);

/**
 * @brief SET_FEATURES from the front end. Without
 * VHOST_USER_F_PROTOCOL_FEATURES every ring is enabled; SET_FEATURES
 * never disables a ring.
 * @param dev the device
 * @param features virtio feature bits the driver accepted
 * @param protocol_features_negotiated whether the front end set
 *        VHOST_USER_F_PROTOCOL_FEATURES
 * @return 0, or -EINVAL when @p features holds a bit the device does not
 *         offer
 */
int vfs_dev_set_features(struct vfs_dev *dev, u64 features,
			 bool protocol_features_negotiated);

/**
 * @brief GET_VRING_BASE: stop ring @p idx (draining what it holds, see the
 * file comment) and return its next avail index.
 * @return the index (0..65535); -EINVAL for a bad index; -ENOTCONN when
 *         the device is dead (a dead daemon answers nothing); -EDEADLK when
 *         the drain could not finish (the ring is stopped anyway)
 */
int vfs_dev_get_vring_base(struct vfs_dev *dev, unsigned int idx);

/**
 * @brief SET_VRING_BASE: where ring @p idx pops next once started.
 * @return 0; -EINVAL for a bad index; -EBUSY when the ring is started
 */
int vfs_dev_set_vring_base(struct vfs_dev *dev, unsigned int idx, u16 base);

/** @brief True while every ring is stopped. */
bool vfs_dev_suspended(const struct vfs_dev *dev);

/* --- behaviour controls -------------------------------------------------- */

/** @brief Virtual nanoseconds a worker waits before completing each chain. */
void vfs_dev_set_latency(struct vfs_dev *dev, u64 ns);

/**
 * @brief How many chains a worker pops before completing them.
 * @return 0, or -EINVAL outside 1..VFS_DEV_MAX_BATCH
 */
int vfs_dev_set_batch(struct vfs_dev *dev, unsigned int n);

/** @brief Completion order within a batch; @p seed drives RANDOM. */
void vfs_dev_set_order(struct vfs_dev *dev, enum vfs_dev_order order, u64 seed);

/** @brief Stall (true) or resume (false) the daemon: nothing is popped
 *  while paused; chains already popped still complete. */
void vfs_dev_pause(struct vfs_dev *dev, bool paused);

/** @brief The daemon dies: it never completes a chain again and ignores
 *  kicks. Sticky until vfs_dev_free(). */
void vfs_dev_kill(struct vfs_dev *dev);

/** @brief True once vfs_dev_kill() was called. */
bool vfs_dev_dead(const struct vfs_dev *dev);

/** @brief True while the daemon is paused (vfs_dev_pause() or a stall
 *  fault). */
bool vfs_dev_paused(const struct vfs_dev *dev);

/**
 * @brief End a stall: trace how full each started ring is (chains and
 *        descriptors the driver left available), then resume. A no-op
 *        when the device is not paused.
 */
void vfs_dev_stall_end(struct vfs_dev *dev);

/**
 * @brief Hot-unplug: virtio_device_unplug() on the joined device.
 * @return 0, or -ENODEV when no virtio_device is attached
 */
int vfs_dev_hot_unplug(struct vfs_dev *dev);

/* --- statistics ---------------------------------------------------------- */

/**
 * @brief Counters and state of queue @p idx.
 * @return 0, or -EINVAL for a bad index
 */
int vfs_dev_queue_stats(const struct vfs_dev *dev, unsigned int idx,
			struct vfs_dev_queue_stats *st);

/** @brief Chains popped and not yet pushed, over every queue. */
unsigned int vfs_dev_in_progress(const struct vfs_dev *dev);

/**
 * @brief The heads queue @p idx holds (popped, not pushed), oldest first.
 * @param dev the device
 * @param idx queue index
 * @param heads where to store them (may be NULL when @p max is 0)
 * @param max room in @p heads
 * @return how many it holds (may exceed @p max), or -EINVAL
 */
int vfs_dev_held_heads(const struct vfs_dev *dev, unsigned int idx, u16 *heads,
		       unsigned int max);

/**
 * @brief The device's side of ring @p idx, read-only: what it pops next
 * and the used index it publishes next, for pictures (ring_dot_write())
 * and consoles.
 * @return the view, or NULL for a queue the device does not have or whose
 *         addresses the transport has not given yet
 */
const struct vringh *vfs_dev_vringh(const struct vfs_dev *dev,
				    unsigned int idx);

/* --- vhost-user back end (virtio_fs_dev_vhost.c) ------------------------ */

/** @brief Protocol features a vfs_dev_vhost offers by default. */
#define VFS_DEV_VHOST_PROTOCOL_FEATURES \
	(1ULL << VHOST_USER_PROTOCOL_F_DEVICE_STATE)

/**
 * @brief The device as a vhost-user back end (the daemon's side of the
 *        socket): what the front end's messages need beyond the device,
 *        chiefly the state transfer of SET_DEVICE_STATE_FD.
 *
 * SET_DEVICE_STATE_FD refuses, with the error in the reply's bits 0-7:
 * | case | error |
 * |------|-------|
 * | DEVICE_STATE not negotiated | EOPNOTSUPP |
 * | direction neither SAVE nor LOAD | EINVAL |
 * | phase not STOPPED | ERANGE |
 * | the device is not suspended | EBUSY |
 * | a transfer is still running | EALREADY |
 * | no channel given and none of its own wanted | EBADF |
 * | vfs_dev_vhost::refuse set for the direction | that errno |
 * Otherwise a device task runs fuse_state_transfer_task() on the channel
 * (the front end's, or with @c own_channel one of the back end's, then
 * returned with bit 8 clear). CHECK_DEVICE_STATE answers once the transfer
 * is over: called from a task it waits (yielding) for the transfer task;
 * outside any task it answers -EINPROGRESS while it runs. Before any
 * transfer it answers -EINVAL.
 */
struct vfs_dev_vhost {
	struct vfs_dev *dev;		 /**< the device */
	u64 offered;			 /**< protocol features offered */
	u64 protocol_features;		 /**< protocol features negotiated */
	enum fuse_state_policy policy;	 /**< load: not-found policy */
	bool own_channel;		 /**< return a channel of its own */
	int refuse[2];			 /**< per direction: errno (> 0) to
					    refuse SET_DEVICE_STATE_FD with */
	size_t write_size;		 /**< save: bytes per pipe write */
	bool xfer_started;		 /**< a transfer was started */
	struct fuse_state_transfer xfer; /**< the last transfer */
	wait_queue_head_t xfer_wait;	 /**< woken when it ends */
	bool own_live;			 /**< @c own is set up */
	struct pipe own;		 /**< the back end's own channel */
};

/**
 * @brief Set up the back end of @p dev: offers
 *        #VFS_DEV_VHOST_PROTOCOL_FEATURES, policy #FUSE_STATE_ABORT.
 */
void vfs_dev_vhost_init(struct vfs_dev_vhost *vh, struct vfs_dev *dev);

/** @brief Free the back end's own channel. No task may still use it. */
void vfs_dev_vhost_exit(struct vfs_dev_vhost *vh);

/** @brief The vhost-user ops; their @c dev is a struct vfs_dev_vhost. */
const struct vhost_user_backend_ops *vfs_dev_vhost_ops(void);

#endif /* VFSIM_DEVICE_VIRTIO_FS_DEV_H */
