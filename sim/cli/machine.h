/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file machine.h
 * @brief The simulated machine a scenario runs on: guest memory, the
 * scheduler, the virtio-fs device with its FUSE server, the guest driver
 * bound to it, and (for `migrate`) a second device behind a vhost-user
 * front end.
 *
 * vfsim_machine_create() binds a parsed scenario's configuration to the
 * real modules: `machine` becomes the device's config space and the
 * driver's variant, `bug` lines the driver's bug switches, `device` the
 * device's behaviour controls, `policy` (or the command line's) the
 * scheduler's policy, `fault` lines the fault plan, and the `fs` block the
 * device's initial file tree, written straight into its memfs before the
 * run. With `machine devices=2` a second device exports the same tag and
 * is probed after the first, as when QEMU is given one tag twice: the
 * driver refuses it (-EEXIST), and only the first one serves the guest. vfsim_machine_destroy() takes it all down again and says how many
 * guest kernel objects were leaked.
 *
 * The machine checks "every request ends exactly once" after every step
 * (sim/cli/req_ledger.h); its reports are trace events of kind "bug"
 * (`invariant`) like any checker's.
 *
 * There is one machine per process at a time: the scheduler, the trace,
 * guest memory and the driver's settings are process-wide, as in a kernel.
 * @ingroup sim_cli
 */
#ifndef VFSIM_SIM_CLI_MACHINE_H
#define VFSIM_SIM_CLI_MACHINE_H

#include <stdbool.h>
#include <stddef.h>

#include "device/virtio_fs_dev.h"
#include "sim/cli/backend.h"
#include "sim/cli/scenario.h"
#include "sim/vmm/migration.h"
#include "sim/kernel/sched.h"
#include "sim/trace/trace.h"
#include "sim/virtio/irq.h"
#include "sim/virtio/virtio.h"

struct req_ledger;
struct virtio_fs;
struct virtio_fs_vq;

/** @brief Longest message of a machine set-up error (with the NUL). */
#define VFSIM_MACHINE_ERR_MAX 512

/** @brief Most scheduling steps one `run` may take before it gives up. */
#define VFSIM_MAX_STEPS 50000000ull

/**
 * @brief Default virtual-time limit of a run: 10 minutes. Scenarios live
 * in micro- and milliseconds, request timeouts in seconds; a run whose
 * clock gets this far is sleeping or re-arming timers for ever.
 */
#define VFSIM_MAX_TIME_NS (600ull * 1000000000ull)

/** @brief Most steps each phase of a teardown may take (vfsim_settle()). */
#define VFSIM_TEARDOWN_STEPS 1000000ull

/** @brief With a real back end (the wall clock), also the most wall time
 *  each phase of a teardown may take (vfsim_settle()): 2 s. */
#define VFSIM_TEARDOWN_WALL_NS 2000000000ull

/** @brief The machine of one scenario run. */
struct vfsim_machine {
	const struct scenario *scn; ///< the scenario it was built from
	struct vfs_dev *src;	    ///< the device the guest probed
	struct vfs_dev *dst;	    ///< migration target (NULL until needed)
	struct vfs_dev *cur;	    ///< the device serving the guest now
	/** `machine devices=2`: a second device with the same tag */
	struct vfs_dev *twin;
	struct virtio_device twin_vdev; ///< the guest's view of @c twin
	struct vfs_dev_vhost src_vh;	///< @c src as a vhost-user back end
	struct vfs_dev_vhost dst_vh;	///< @c dst as a vhost-user back end
	struct virtio_device vdev;	///< the guest's view of the device
	struct migration mig;		///< the last migration (if @c mig_live)
	bool mig_live;			///< @c mig was initialised
	bool paused;			///< `device pause` in effect on @c cur
	bool frozen;			///< the last `freeze` succeeded
	/** "every request ends exactly once", fed by vfsim_machine_event() */
	struct req_ledger *reqs;
	bool ready; ///< fully built (destroy undoes it all)
	/** a real back end process serves the guest (src, dst and cur are
	 *  NULL then), or NULL for the in-process device */
	struct vfsim_backend *ext;
	/** the guest device's interrupt line, with an external back end:
	 *  its completions arrive outside any task */
	struct virtio_irq_line irq;
};

/** @brief The device a scenario's `machine` and `device` lines describe
 *  (vfs_dev_create()'s settings). */
void vfsim_machine_device_config(const struct scenario *s,
				 struct vfs_dev_config *cfg);

/**
 * @brief Check the `device` line's limits that the parser leaves to the
 *        device (workers, batch).
 * @return 0, or -ERANGE with @p err set
 */
int vfsim_machine_device_check(const struct scenario *s, char *err,
			       size_t errsize);

/** @brief Apply the `device` line's behaviour (latency, batch, order). */
void vfsim_machine_device_behaviour(struct vfs_dev *dev,
				    const struct scenario *s);

/**
 * @brief Write the `fs` block's entries into @p dev's file system.
 * @return 0, or the file system's -errno (-ENOENT: no parent, -EEXIST,
 *         -EFBIG ...) with @p err naming the line that failed
 */
int vfsim_machine_populate(struct vfs_dev *dev, const struct scenario *s,
			   char *err, size_t errsize);

/**
 * @brief Build the machine for @p s and give it its initial file tree.
 * @param m the machine (filled in)
 * @param s a parsed scenario; must outlive the machine
 * @param policy a scheduling policy string overriding the scenario's
 *        (NULL: the scenario's)
 * @param variant a driver variant overriding the scenario's (NULL: the
 *        scenario's); refused like the scenario's own when a bug switch
 *        or request timeout of the scenario does not fit it
 * @param err where a failure's message goes ("FILE:LINE:COL: error: ..."
 *        when a scenario line is to blame), at most @p errsize bytes
 * @param errsize size of @p err
 * @return 0; -EINVAL for a setting the modules refuse (policy, fault
 *         rule, bug switch, fs entry), -ERANGE for a value beyond what the
 *         device supports (workers, batch), -ENOMEM when guest memory
 *         cannot hold the rings; nothing is left allocated on failure
 */
int vfsim_machine_create(struct vfsim_machine *m, const struct scenario *s,
			 const char *policy, const char *variant, char *err,
			 size_t errsize);

/**
 * @brief vfsim_machine_create() with the device where @p backend says
 *        (sim/cli/backend.h): NULL or "sim" for the in-process device, as
 *        vfsim_machine_create(); otherwise a real vhost-user back end
 *        process, overriding the scenario's `device backend=`. Guest
 *        memory is then shared (a memfd), the clock follows the wall
 *        clock and the run is not deterministic.
 * @return as vfsim_machine_create(); -EINVAL also for a scenario that
 *         needs the in-process device, and the connection's -errno when
 *         the back end cannot be reached or refuses the handshake
 */
int vfsim_machine_create_on(struct vfsim_machine *m, const struct scenario *s,
			    const char *policy, const char *variant,
			    const char *backend, char *err, size_t errsize);

/** @brief `device pause`/`resume` on whatever serves the guest. */
void vfsim_machine_pause(struct vfsim_machine *m, bool on);

/** @brief `device die` on whatever serves the guest. */
void vfsim_machine_kill(struct vfsim_machine *m);

/** @brief The device serving the guest is dead (or its back end gone). */
bool vfsim_machine_dead(struct vfsim_machine *m);

/**
 * @brief Take the machine down: unplug the device if it is still there,
 * free both devices, the scheduler and guest memory, and release every
 * guest kernel object still allocated.
 * @return the number of kernel objects that were still allocated (each a
 *         leak); 0 for a machine never built
 */
size_t vfsim_machine_destroy(struct vfsim_machine *m);

/**
 * @brief Let each machine leave the next one of the same scenario what
 * it would rebuild alike (vfsim's own; the explorer, which runs one
 * scenario thousands of times, turns it on): the machine itself, as an
 * image taken after the first one's probe and put back instead of built
 * (machine_image.c; in-process machines of one device without
 * migration), the trace's first blocks (trace_reuse()), the request
 * ledger's memory and the trace header's texts. A machine put back runs
 * exactly as a fresh one: the same trace, hash, reports and leaks; its
 * teardown is the same too. Turning it off frees what is kept; a caller
 * turns it off before freeing the scenario it ran.
 * @param on keep (true) or stop keeping (false)
 */
void vfsim_machine_reuse(bool on);

/** @brief What machine reuse's image holds (vfsim_machine_reuse()). */
struct vfsim_machine_image_stats {
	bool taken;	     /**< an image is kept */
	uint64_t restores;   /**< machines put back from images so far */
	size_t objects;	     /**< host allocations pinned in it */
	size_t object_bytes; /**< their bytes */
	size_t state_bytes;  /**< file-level state it copies */
};

/** @brief Fill @p st with what machine reuse's image holds. */
void vfsim_machine_image_stats(struct vfsim_machine_image_stats *st);

/**
 * @brief Show the machine's checkers a trace event of the run (the
 * executor's trace sink calls it for every event).
 */
void vfsim_machine_event(struct vfsim_machine *m, const struct trace_event *ev);

/**
 * @brief A `umount` operation of the run succeeded, its `scn.op` event
 * numbered @p seq: the checkers that care (the request ledger:
 * req_ledger_unmounted()) are told by the executor, not through the
 * trace, so that the sink need not take every operation's event.
 */
void vfsim_machine_unmounted(struct vfsim_machine *m, u64 seq);

/**
 * @brief Whether vfsim_machine_event() does anything with events of kind
 * @p kind: the sink may show the machine only those.
 */
bool vfsim_machine_follows(const char *kind);

/**
 * @brief A run statement ended with @p st: when the machine can make no
 * more progress (done, deadlock), requests still open never end, and the
 * invariant says so, unless the device serving the guest is dead or
 * paused (then it holds them: a device failure, not a lost request).
 */
void vfsim_machine_ran(struct vfsim_machine *m, enum sched_status st);

/**
 * @brief The `freeze` action: the driver's freeze callback, through the
 * virtio core.
 * @return its result (-EOPNOTSUPP without a driver or a freeze callback)
 */
int vfsim_machine_freeze(struct vfsim_machine *m);

/**
 * @brief The `restore` action. As the PM core resumes only the devices it
 * suspended, the driver's restore runs only after a `freeze` that
 * succeeded (and once per such freeze).
 * @return the restore's result, or -EINVAL when the device is not frozen
 */
int vfsim_machine_restore(struct vfsim_machine *m);

/**
 * @brief Work the guest handed over and a device could still do: a
 * request not ended, a FORGET parked or on a ring, a chain the device
 * holds (whether or not the device can do it now).
 */
bool vfsim_machine_work_left(struct vfsim_machine *m);

/**
 * @brief The machine has finished what it was given: its tasks are done
 * and only timers are left (sched_tasks_done()), and no work is left
 * that the device could still do (no request the guest waits for, no
 * FORGET parked or on a ring, no chain the device holds), or the device
 * serving the guest is dead or paused, so it never will. A timer armed
 * then is housekeeping, such as the request-timeout check re-arming
 * itself for ever, and does not keep the machine going.
 */
bool vfsim_machine_quiet(struct vfsim_machine *m);

/**
 * @brief Run the scheduler until the machine is quiet
 * (vfsim_machine_quiet()), nothing can run, or VFSIM_TEARDOWN_STEPS more
 * steps were taken (or, on a real back end's wall clock,
 * VFSIM_TEARDOWN_WALL_NS passed): a teardown must end even when a task
 * of the run it ends would loop for ever (a retry loop against a dead
 * device), and a periodic work must not keep it going.
 * @return the scheduler's status (SCHED_STOPPED when the budget ran out
 *         or the machine was quiet)
 */
enum sched_status vfsim_settle(struct vfsim_machine *m);

/** @brief The driver's instance, or NULL once the device was removed. */
struct virtio_fs *vfsim_machine_fs(struct vfsim_machine *m);

/**
 * @brief A queue of the driver by the scenario's name.
 * @param m the machine
 * @param queue "hiprio" or "requests"
 * @param index request queue index (ignored for hiprio)
 * @return the queue, or NULL when the device is gone or has no such queue
 */
struct virtio_fs_vq *vfsim_machine_vq(struct vfsim_machine *m,
				      const char *queue, unsigned index);

/**
 * @brief The device's side of a queue: the vringh of the device serving
 * the guest now (the migration target once `migrate` succeeded).
 * @param m the machine
 * @param queue "hiprio" or "requests"
 * @param index request queue index (ignored for hiprio)
 * @return the ring as the device sees it, or NULL when the device has no
 *         such queue or does not know its addresses (before set-up, after
 *         a reset)
 */
const struct vringh *vfsim_machine_vringh(struct vfsim_machine *m,
					  const char *queue, unsigned index);

/**
 * @brief The DOT picture of a driver queue's ring (sim/virtio/ring_dot.h)
 * with the requests parked on its queued_reqs beside the ring.
 * @param fsvq the driver's queue
 * @param vrh the device's side of it, or NULL
 * @return the picture (free() it), or NULL on error
 */
char *vfsim_ring_picture(const struct virtio_fs_vq *fsvq,
			 const struct vringh *vrh);

/** @brief A driver queue's state, as expectations and the library read it. */
struct vfsim_vq_state {
	unsigned size;	    ///< ring entries
	unsigned num_free;  ///< free descriptors
	long in_flight;	    ///< the driver's in_flight
	unsigned parked;    ///< entries on queued_reqs
	unsigned avail_idx; ///< the driver's avail index
	unsigned used_idx;  ///< the device's used index, read from guest memory
	bool connected;	    ///< the driver's connected flag
};

/** @brief Read @p fsvq's state into @p st. */
void vfsim_machine_vq_state(struct virtio_fs_vq *fsvq,
			    struct vfsim_vq_state *st);

/**
 * @brief Fill every byte of @p buf with the pattern `size=` stands for:
 * byte i of a file is 'a' + i % 26.
 */
void vfsim_pattern(char *buf, size_t len, unsigned long long offset);

#endif /* VFSIM_SIM_CLI_MACHINE_H */
