/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file migration.h
 * @brief The front end's migration flow (QEMU's role): move a running
 *        vhost-user back end's guest to a second back end instance while
 *        the guest driver carries on as if nothing happened.
 *
 * The flow runs in a front-end task (TASK_FRONTEND, migration_task()) and
 * talks to both back ends only through their vhost-user ops
 * (sim/vmm/vhost_user.h). Steps, each traced as "mig.<step>" with the
 * QEMU/vhost-user function as func:
 * | step | what happens |
 * |------|--------------|
 * | #MIG_STEP_NEGOTIATE | both back ends must offer VHOST_USER_PROTOCOL_F_DEVICE_STATE; it is set on both |
 * | #MIG_STEP_SUSPEND | GET_VRING_BASE on every source ring: popped requests are finished, the next avail index of each is recorded; the source is suspended |
 * | #MIG_STEP_SYNC | the shared storage is in sync: the caller's hook runs (a shared directory is what both daemons see) |
 * | #MIG_STEP_SAVE | SET_DEVICE_STATE_FD(SAVE, STOPPED) on the source, the state read from the pipe into the chunked stream, CHECK_DEVICE_STATE |
 * | #MIG_STEP_WIRE | the stream is on the wire: the caller's hook may look at it or damage it |
 * | #MIG_STEP_LOAD | SET_DEVICE_STATE_FD(LOAD, STOPPED) on the destination, the stream written into the pipe, CHECK_DEVICE_STATE |
 * | #MIG_STEP_SET_BASE | SET_VRING_BASE on every destination ring with the recorded index |
 * | #MIG_STEP_SWITCH | the guest's transport moves to the destination (virtio_transport_switch_backend()) and SET_VRING_CALL points it at the guest |
 * | #MIG_STEP_START | SET_VRING_ENABLE and SET_VRING_KICK on every destination ring: requests left on the avail rings are served there |
 *
 * **Failure.** A failure in any step up to #MIG_STEP_SET_BASE resumes the
 * source: every ring gets its recorded base back, is enabled and kicked
 * (traced "mig.resume"); the destination is left unused and the guest's
 * transport is not touched, so what the source did not serve it serves
 * now. A failure in #MIG_STEP_SWITCH leaves the transport on the source
 * (the switch is all or nothing) and resumes it too. Once switched, the
 * source is no longer the guest's: a failure to start a destination ring
 * is reported (source_resumed stays false), as a destination QEMU failing
 * to start its device.
 *
 * **Stepping.** Set migration::stop_after and the task returns after that
 * step; spawn migration_task() again (or call migration_run()) to go on.
 * @ingroup sim_vmm
 */
#ifndef VFSIM_SIM_VMM_MIGRATION_H
#define VFSIM_SIM_VMM_MIGRATION_H

#include <stddef.h>

#include "sim/vmm/migration_stream.h"
#include "sim/vmm/pipe.h"
#include "sim/kernel/types.h"
#include "sim/vmm/vhost_user.h"
#include "sim/virtio/virtio.h"

/** @brief Most rings a migrated device may have. */
#define MIG_MAX_QUEUES 65

/** @brief The steps of the flow, in order (see the file comment). */
enum mig_step {
	MIG_STEP_NONE = 0,  /**< nothing done yet */
	MIG_STEP_NEGOTIATE, /**< protocol features */
	MIG_STEP_SUSPEND,   /**< GET_VRING_BASE on the source */
	MIG_STEP_SYNC,	    /**< shared storage in sync */
	MIG_STEP_SAVE,	    /**< vhost_save_backend_state */
	MIG_STEP_WIRE,	    /**< the stream between the hosts */
	MIG_STEP_LOAD,	    /**< vhost_load_backend_state */
	MIG_STEP_SET_BASE,  /**< SET_VRING_BASE on the destination */
	MIG_STEP_SWITCH,    /**< the guest's transport moves */
	MIG_STEP_START,	    /**< destination rings started */
	MIG_STEP_DONE,	    /**< the migration is complete */
};

/** @brief One back end as the front end knows it. */
struct mig_backend {
	const struct vhost_user_backend_ops *ops; /**< its messages */
	void *dev;				  /**< its own pointer */
};

/** @brief One migration: set the inputs, then run it. */
struct migration {
	/* inputs */
	struct virtio_device *vdev; /**< the guest's device (on the source) */
	struct mig_backend src;	    /**< the source back end */
	struct mig_backend dst;	    /**< the destination back end */
	unsigned int nqueues;	    /**< rings to migrate (1..MIG_MAX_QUEUES) */
	size_t chunk_size;	    /**< stream chunk size (0: 1 MiB) */
	size_t pipe_capacity;	    /**< pipe capacity (0: the default) */
	/** #MIG_STEP_SYNC hook (may be NULL); a negative errno fails it */
	int (*sync)(void *arg);
	/** #MIG_STEP_WIRE hook (may be NULL); a negative errno fails it */
	int (*wire)(void *arg, struct mig_stream *stream);
	void *hook_arg;		  /**< argument of the hooks */
	enum mig_step stop_after; /**< return after this step (NONE: run on) */
	/* outputs */
	enum mig_step done;	   /**< last step completed */
	enum mig_step failed;	   /**< step that failed (NONE: none) */
	int err;		   /**< 0 or the failure's -errno */
	u16 bases[MIG_MAX_QUEUES]; /**< avail indices recorded at suspend */
	unsigned int nbases;	   /**< entries of @c bases recorded */
	bool source_resumed;	   /**< the source was restarted */
	int check_src;		   /**< source CHECK_DEVICE_STATE result */
	int check_dst;		   /**< destination CHECK_DEVICE_STATE result */
	u64 save_reply;		   /**< source SET_DEVICE_STATE_FD reply */
	u64 load_reply;		   /**< destination SET_DEVICE_STATE_FD reply */
	struct mig_stream stream;  /**< the migration stream */
};

/**
 * @brief Prepare @p m (zeroed inputs are filled by the caller afterwards).
 * @param m the migration
 * @param vdev the guest's device
 * @param src source back end ops and pointer
 * @param dst destination back end ops and pointer
 * @param nqueues rings to migrate
 */
void migration_init(struct migration *m, struct virtio_device *vdev,
		    struct mig_backend src, struct mig_backend dst,
		    unsigned int nqueues);

/** @brief Free the stream (the migration can be looked at until then). */
void migration_destroy(struct migration *m);

/**
 * @brief Run the steps after migration::done up to migration::stop_after
 *        (or to the end), in the calling task (pipes block: it must run in
 *        a task for the back ends' transfer tasks to make progress).
 * @return 0, or the failure's -errno (also in migration::err); -EINVAL
 *         for bad inputs, -EALREADY when it already ended
 */
int migration_run(struct migration *m);

/** @brief Task body: migration_run(@p arg). Spawn it as TASK_FRONTEND. */
int migration_task(void *arg);

/** @brief Name of a step ("negotiate", "suspend", ...). */
const char *mig_step_name(enum mig_step step);

#endif /* VFSIM_SIM_VMM_MIGRATION_H */
