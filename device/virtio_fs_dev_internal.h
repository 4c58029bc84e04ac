/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file virtio_fs_dev_internal.h
 * @brief Inside the virtio-fs device: rings, workers, requests in
 * progress. Shared by virtio_fs_dev*.c only.
 * @ingroup device
 */
#ifndef VFSIM_DEVICE_VIRTIO_FS_DEV_INTERNAL_H
#define VFSIM_DEVICE_VIRTIO_FS_DEV_INTERNAL_H

#include <assert.h>

#include "device/virtio_fs_dev.h"
#include "sim/kernel/list.h"
#include "sim/virtio/vringh.h"
#include "sim/kernel/wait.h"
#include "sim/trace/host.h"

struct vfs_ring;

/** @brief One popped chain and the host copies of its request and reply.
 *  A worker reuses its last one: req_take() (virtio_fs_dev_pop.c) resets
 *  every field by name, so a new field needs its line there. */
struct vfs_req {
	struct list_head node;	/**< in vfs_ring::held while in progress */
	struct vringh_chain ch; /**< the chain (GPAs only) */
	u64 epoch;		/**< the ring's epoch when popped */
	u64 unique;	 /**< request unique (native order), for traces */
	s32 opcode;	 /**< request opcode (native), or -1 */
	u8 *in;		 /**< gathered readable part */
	size_t in_len;	 /**< its length */
	size_t in_size;	 /**< bytes allocated at @ref in */
	u8 *out;	 /**< reply bytes */
	size_t out_size; /**< bytes allocated at @ref out */
	size_t out_cap;	 /**< room at @ref out (writable part, capped) */
	size_t out_len;	 /**< reply length to write */
	bool oversize;	 /**< readable part above max_request_size */
	bool swap;	 /**< opposite-endian session */
	u64 late_ns;	 /**< dev.late: extra wait before completing */
	unsigned int malformed; /**< VFS_BAD() bits: how to spoil the reply */
	bool stall;   /**< dev.stall: pause the daemon once answered */
	u64 stall_ns; /**< how long (0: until vfs_dev_stall_end()) */
};

/** @brief The malformed-reply fault points, as bits of
 *  vfs_req::malformed (VFS_BAD(UNIQUE) ...). */
enum vfs_bad_reply {
	VFS_BAD_UNIQUE,	  /**< dev.bad-unique */
	VFS_BAD_SHORT,	  /**< dev.short */
	VFS_BAD_LONG,	  /**< dev.long */
	VFS_BAD_POSITIVE, /**< dev.positive-error */
	VFS_BAD_RANGE,	  /**< dev.error-range */
	VFS_BAD_PAYLOAD,  /**< dev.error-payload */
	VFS_BAD_DUP,	  /**< dev.dup-reply */
	VFS_BAD_STRAY,	  /**< dev.stray-reply */
};

/** @brief The bit of vfs_req::malformed for VFS_BAD_@p x. */
#define VFS_BAD(x) (1u << VFS_BAD_##x)

/** @brief A queue worker task. */
struct vfs_worker {
	struct vfs_ring *ring;	/**< its queue */
	struct task *task;	/**< the device task */
	struct vfs_req **batch; /**< chains it holds (VFS_DEV_MAX_BATCH) */
	unsigned int nr_batch;	/**< entries used in @ref batch */
	/** a finished request kept for the next pop, with its chain array
	 *  and host buffers (NULL if none) */
	struct vfs_req *spare;
	/** where a pop goes when there is no spare: a pop that finds the
	 *  ring empty (the last one of every batch that is not full) then
	 *  makes no request; a chain popped into it moves to a new one */
	struct vringh_chain chain;
	bool sleeping; /**< in the latency sleep */
	bool stop;     /**< end the task (vfs_dev_free) */
	char name[32]; /**< task name */
};

/** @brief One virtqueue as the device sees it. */
struct vfs_ring {
	struct vfs_dev *dev; /**< owner */
	unsigned int idx;    /**< queue index */
	/** "hiprio", "requests.N", interned (trace_name()): every event of
	 *  the ring records it */
	const char *name;
	struct vringh vrh;	    /**< device-side ring access */
	bool ready;		    /**< addresses known (queue_ready) */
	bool kick_armed;	    /**< kicks are seen (a kick fd is set) */
	bool started;		    /**< started (processing allowed) */
	bool stopping;		    /**< GET_VRING_BASE is draining it */
	bool enabled;		    /**< enabled (side effects allowed) */
	bool broken;		    /**< malformed: needs a reset */
	bool base_set;		    /**< SET_VRING_BASE before addresses */
	u16 base;		    /**< that base */
	u64 epoch;		    /**< bumped by reset: stale requests drop */
	wait_queue_head_t wq;	    /**< idle workers */
	wait_queue_head_t drain_wq; /**< GET_VRING_BASE waiting */
	struct list_head held;	    /**< requests in progress, pop order */
	struct vfs_dev_queue_stats st; /**< counters (state fields unused) */
	unsigned int nr_workers;       /**< workers */
	struct vfs_worker *workers;    /**< their array */
};

/** @brief The device. */
struct vfs_dev {
	struct vfs_dev_config cfg;	/**< settings, defaults filled in */
	char tag[VFS_DEV_TAG_MAX + 1];	/**< tag copy */
	struct virtio_fs_config config; /**< config space */
	struct virtio_device_backend backend; /**< transport ops */
	struct virtio_device *vdev;	      /**< joined device, or NULL */
	struct fuse_server *srv;	      /**< the FUSE server */
	u64 features;			      /**< accepted feature bits */
	unsigned int nr_rings;		      /**< 1 + num_request_queues */
	struct vfs_ring *rings;		      /**< the rings */
	wait_queue_head_t lock_wq;	      /**< parked SETLKW workers */
	u64 lock_gen;			      /**< lock generation last seen */
	u64 latency_ns;			      /**< per-chain completion delay */
	unsigned int batch;		      /**< chains per batch */
	enum vfs_dev_order order;	      /**< completion order */
	u64 rng;			      /**< RANDOM order state */
	bool paused;			      /**< stalled: nothing popped */
	struct sim_timer stall_timer;	      /**< ends a timed stall */
	struct vfs_dev_notify notify;	      /**< without a vdev: irq, err */
	bool dead;			      /**< never completes again */
	bool suspended;			      /**< every ring stopped */
};

/* virtio_fs_dev_ring.c */
/** @brief Start @p r (traced); recompute the suspended state. */
void vfs_ring_start(struct vfs_ring *r);
/** @brief Recompute the suspended state and trace a change. */
void vfs_dev_update_suspended(struct vfs_dev *dev);
/** @brief The ring is malformed: stop serving it, set NEEDS_RESET. */
void vfs_ring_broken(struct vfs_ring *r, int err);
/**
 * @brief True when workers of @p r may pop: a started ring is processed
 * when enabled; a disabled one only with the serve-disabled-rings option
 * (the vhost-user specification lets a back end process it without side
 * effects; rust-vmm's vhost-user-backend, which virtiofsd uses, processes
 * no disabled ring). Inline: a worker asks it several times a request.
 */
static inline bool vfs_ring_may_pop(const struct vfs_ring *r)
{
	const struct vfs_dev *dev = r->dev;

	return r->ready && r->started && !r->stopping && !r->broken &&
	       !dev->paused && !dev->dead &&
	       (r->enabled ||
		(dev->cfg.options & (1u << VFS_DEV_OPT_SERVE_DISABLED)));
}

/* virtio_fs_dev_pop.c */
/**
 * @brief Pop one chain of @p w's ring into a request (the worker's spare
 * when it has one), take it into the ring's in-progress set and gather
 * its readable part (virtiofsd's vu_queue_pop() and the copy-in).
 * @return the request, traced as dev.pop; NULL when the ring is empty or
 *         broken, or the request's buffer left guest memory (then the
 *         ring needs a reset and the request is given up)
 */
struct vfs_req *vfs_req_pop(struct vfs_worker *w);
/** @brief Free @p req, its chain array and its host buffers. */
void vfs_req_destroy(struct vfs_req *req);
/**
 * @brief A buffer of @p req's chain is no longer in guest memory: trace
 * the fault (@p why), give @p req up without a used element (counted
 * faulted) and make @p r need a reset with @p err.
 */
void vfs_req_fault(struct vfs_ring *r, struct vfs_req *req, int err,
		   const char *why);

/*
 * The end of a request's way through the device, shared by the pop (a
 * failed gather) and the worker. Inline: every completion runs both, and
 * as calls they cost the round trip 15 instructions.
 */

/**
 * @brief @p req leaves @p r's in-progress set (unless a reset took it out
 * already); the last one wakes a draining GET_VRING_BASE.
 */
static inline void vfs_req_finish(struct vfs_ring *r, struct vfs_req *req)
{
	if (list_empty(&req->node))
		return;
	list_del_init(&req->node);
	assert(r->st.in_progress > 0);
	r->st.in_progress--;
	if (r->stopping && !r->st.in_progress)
		wake_up(&r->drain_wq);
}

/** @brief A worker's spare request keeps host buffers up to this size. */
#define VFS_SPARE_BUF_MAX 65536

/**
 * @brief Done with @p req: it becomes @p w's spare (one per worker), so
 * the next pop needs no host allocation; a large buffer is given back
 * first. When @p w has a spare already, @p req is destroyed.
 */
static inline void vfs_req_free(struct vfs_worker *w, struct vfs_req *req)
{
	if (w->spare) {
		vfs_req_destroy(req);
		return;
	}
	if (req->in_size > VFS_SPARE_BUF_MAX) {
		host_free(req->in);
		req->in = NULL;
		req->in_size = 0;
	}
	if (req->out_size > VFS_SPARE_BUF_MAX) {
		host_free(req->out);
		req->out = NULL;
		req->out_size = 0;
	}
	w->spare = req;
}

/* virtio_fs_dev_worker.c */
/** @brief Spawn the workers of every ring. */
void vfs_workers_spawn(struct vfs_dev *dev);
/** @brief Wake every worker of @p r wherever it waits. */
void vfs_ring_wake_all(struct vfs_ring *r);
/** @brief Stop and join the workers, free what they still hold. */
void vfs_workers_stop(struct vfs_dev *dev);
/** @brief Drop every request @p r holds (reset). */
void vfs_ring_drop_all(struct vfs_ring *r);
/** @brief Answer @p req with a bare error header of its own (when the
 *  chain has room and the opcode a reply). */
void req_error_reply(struct vfs_req *req, int err);
/** @brief Notice a lock generation change and wake parked SETLKWs. */
void vfs_dev_note_locks(struct vfs_dev *dev);

/* virtio_fs_dev_fault.c */
/**
 * @brief Consult the device's fault points for @p req (gathered, not
 * executed), in docs/device.md's order until one ends it. Each
 * consultation is a hit (fault_hits()), whether or not the plan has
 * rules; a request too short to have an opcode consults none.
 * @return 0 to execute it; 1 when it was answered already (dev.error) or
 *         must never be (dev.die)
 */
int vfs_req_faults(struct vfs_dev *dev, struct vfs_req *req);
/** @brief After execution: corrupt the reply as the faults asked. */
void vfs_req_fault_reply(struct vfs_req *req);
/** @brief The used length to push for @p req (dev.short, dev.long). */
size_t vfs_req_fault_used(const struct vfs_req *req);
/** @brief After the push: the extra used elements of dev.dup-reply and
 *  dev.stray-reply. */
void vfs_req_fault_push(struct vfs_ring *r, const struct vfs_req *req,
			u32 used);
/** @brief After completion: start a stall the request asked for. */
void vfs_req_fault_stall(struct vfs_dev *dev, struct vfs_req *req);
/** @brief Interrupt the driver for ring @p r (vdev or notify hook). */
void vfs_ring_notify(struct vfs_ring *r);

/**
 * @brief vfsim's guest-memory leak checker (virtio_fs_dev_leak.c): report
 * as "dev.infoleak" every guest kernel address and every run of
 * never-written slab memory in @p req's header, fixed argument and bytes
 * past its argument.
 */
void vfs_req_check_leak(const struct vfs_req *req);

#endif /* VFSIM_DEVICE_VIRTIO_FS_DEV_INTERNAL_H */
