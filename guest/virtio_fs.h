/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file virtio_fs.h
 * @brief The virtio-fs driver, twin of Linux fs/fuse/virtio_fs.c: the
 * structs the kernel defines at the top of that file, and what the rest
 * of vfsim calls (the driver, mount and unmount, and the simulator's
 * hooks). The driver itself is guest/virtio_fs.c, one file like the
 * kernel's, in the kernel's order.
 *
 * Names are the kernel's. Three variants live side by side (see
 * vfsim_variant.h): "v5-2019" (the posting "[PATCH v5 0/4] virtio-fs:
 * shared file system for virtual machines", linux-fsdevel, 2019-09-10),
 * "6.1" (Linux 6.1.192, Debian bookworm's kernel) and "mainline" (Linux
 * 7.1, the default). Where they differ, the behaviours sit in the same
 * function behind virtio_fs_variant_in(), in the regular form the reader
 * view folds (docs/kernel-xref.md, "The reader view").
 *
 * Simulation additions, not in the kernel (each is marked where used):
 * the fields fs and vq_deleted of struct virtio_fs_vq, and vdev, variant,
 * bugs, options, sysfs_index and the restore extension's fields of struct
 * virtio_fs. vq_deleted lets the model report a use of a virtqueue after
 * del_vqs (KASAN's job on a real machine) instead of touching freed host
 * memory. The driver options (restore, bounded-drain, strict-replies)
 * are vfsim's own.
 * @ingroup guest
 */
#ifndef VFSIM_GUEST_VIRTIO_FS_H
#define VFSIM_GUEST_VIRTIO_FS_H

#include "guest/fuse_i.h"
#include "guest/vfsim_variant.h"
#include "sim/kernel/kernel.h"
#include "sim/virtio/virtio.h"

/** @brief Queue indices (kernel: enum { VQ_HIPRIO, VQ_REQUEST }). */
enum {
	VQ_HIPRIO = 0,	/**< the FORGET queue */
	VQ_REQUEST = 1, /**< the first request queue */
};

/** @brief Longest queue name, NUL included (kernel: VQ_NAME_LEN). */
#define VQ_NAME_LEN 24

struct virtio_fs;

/** @brief Per-virtqueue state (kernel: struct virtio_fs_vq). */
struct virtio_fs_vq {
	spinlock_t lock;	      /**< protects everything below */
	struct virtqueue *vq;	      /**< the virtqueue */
	struct work_struct done_work; /**< completion work */
	/** FORGETs (hiprio) or requests (mainline) waiting for room */
	struct list_head queued_reqs;
	/** mainline: failed submissions, ended by dispatch_work */
	struct list_head end_reqs;
	/** v5: delayed work re-armed every 1 ms; mainline: only its work
	 *  member is used, as a plain work_struct */
	struct delayed_work dispatch_work;
	struct fuse_dev *fud; /**< its channel (with the processing list) */
	bool connected;	      /**< false once stopped */
	long in_flight;	      /**< buffers the device holds (+ parked) */
	struct completion in_flight_zero; /**< mainline: in_flight hit 0 */
	char name[VQ_NAME_LEN];		  /**< "hiprio" or "requests.N" */
	/** sim: @c name interned (trace_name()), so that the trace records
	 *  it without looking up a buffer's text at every event */
	const char *tname;
	struct virtio_fs *fs; /**< sim: its device (kernel: vq->vdev->priv) */
	bool vq_deleted;      /**< sim: del_vqs freed the virtqueue */
	u64 emptied_at; /**< sim: virtual time in_flight last dropped to 0 */
};

/** @brief A virtio-fs device instance (kernel: struct virtio_fs). */
struct virtio_fs {
	struct kref refcount;	  /**< device + mounts (mainline: kobject) */
	struct list_head list;	  /**< on the instance list */
	char *tag;		  /**< file system name (kernel: devm memory) */
	struct virtio_fs_vq *vqs; /**< nvqs queues, hiprio first */
	unsigned int nvqs;	  /**< number of virtqueues */
	unsigned int num_request_queues; /**< request queues (v5:
					    num_queues) */
	/** mainline: CPU -> request queue's index in vqs */
	unsigned int *mq_map;
	/** mainline: the device cache window (a shared memory region),
	 *  bytes; 0 without one (kernel: window_len) */
	u64 window_len;
	struct virtio_device *vdev;	/**< sim: the device */
	enum virtio_fs_variant variant; /**< sim: variant copied at probe */
	u32 bugs;    /**< sim: bug switches (variant's + switched on) */
	u32 options; /**< sim: vfsim driver options copied at probe */
	bool sysfs;  /**< mainline: /sys/fs/virtiofs/N is there */
	bool frozen; /**< sim: frozen by the restore extension */
	/** sim: the mount's freeze hook (restore extension; may be NULL) */
	void (*pm_freeze)(void *arg);
	/** sim: the mount's session rebuild, run in the restore task with
	 *  err 0, or at once with the error when the queues could not be
	 *  re-created */
	int (*pm_restore)(void *arg, int err);
	void *pm_arg;		   /**< sim: argument of both hooks */
	struct task *restore_task; /**< sim: the last restore task */
};

/**
 * @brief sim, restore extension: register the mount's hooks (NULLs
 * unregister). @p freeze runs when the driver froze, @p restore in a task
 * of its own after the driver's restore re-created the queues.
 */
void virtio_fs_set_pm_hooks(struct virtio_fs *fs, void (*freeze)(void *arg),
			    int (*restore)(void *arg, int err), void *arg);

/** @brief What the device reads for a FORGET (kernel: struct
 *  virtio_fs_forget_req). */
struct virtio_fs_forget_req {
	struct fuse_in_header ih;  /**< header */
	struct fuse_forget_in arg; /**< nlookup */
};

/**
 * @brief A FORGET in guest memory (kernel: struct virtio_fs_forget).
 *
 * The kernel puts list first; here req comes first so that the
 * forget-sends-list-head bug (sending the whole struct) shows what v5 sent:
 * header, argument, then the two list pointers.
 */
struct virtio_fs_forget {
	struct virtio_fs_forget_req req; /**< what is sent */
	struct list_head list;		 /**< on queued_reqs while parked */
};

/** @brief Completion of one blocking request in its own work (kernel:
 *  struct virtio_fs_req_work). */
struct virtio_fs_req_work {
	struct fuse_req *req;	      /**< the request */
	struct virtio_fs_vq *fsvq;    /**< its queue */
	struct work_struct done_work; /**< runs virtio_fs_complete_req_work */
};

/** @brief The driver (kernel: virtio_fs_driver); bind it with
 *  virtio_driver_probe(). */
extern struct virtio_driver virtio_fs_driver;

/** @brief The fiq ops of v5 and 6.1 (wake_*_and_unlock; the kernel
 *  names them virtio_fs_fiq_ops too). */
extern const struct fuse_iqueue_ops virtio_fs_fiq_ops_wake;

/** @brief mainline's fiq ops (send_*). */
extern const struct fuse_iqueue_ops virtio_fs_fiq_ops;

/** @brief True when @p fs runs with bug @p b (by variant or switch). */
static inline bool virtio_fs_bug(const struct virtio_fs *fs,
				 enum virtio_fs_bug b)
{
	bool on = fs->bugs & (1u << b);

	/* vfsim's own: a bug's code path may read what its lock no longer
	 * guards, so the explorer's reduction treats the step as touching
	 * everything (sim/kernel/footprint.h) */
	if (on)
		fp_opaque();
	return on;
}

/**
 * @brief True when @p fs runs one of the variants in @p mask (VFS_V5_2019
 * | VFS_V6_1 | VFS_MAINLINE). Guest code tests variants only this way,
 * alone in an if whose branches have braces, so the reader view can fold
 * them (docs/kernel-xref.md).
 */
static inline bool virtio_fs_variant_in(const struct virtio_fs *fs, u32 mask)
{
	return mask & (1u << fs->variant);
}

/** @brief True when @p fs runs with vfsim driver option @p o. */
static inline bool virtio_fs_opt(const struct virtio_fs *fs,
				 enum virtio_fs_option o)
{
	return fs->options & (1u << o);
}

/* ---- instances and queues -------------------------------------------- */

/** @brief The instance list's lock, which also keeps remove and mount
 *  apart (kernel: the static virtio_fs_mutex; visible here so tests can
 *  hold it). */
extern struct mutex virtio_fs_mutex;

/** @brief Drop a reference (kernel: virtio_fs_put()); takes
 *  virtio_fs_mutex. */
void virtio_fs_put(struct virtio_fs *fs);

/** @brief Number of instances on the list (for tests). */
unsigned int virtio_fs_nr_instances(void);

/**
 * @brief sim (no kernel twin; the module unloaded and loaded again):
 * forget every listed instance and super block, and re-initialise
 * virtio_fs_mutex. For the end of a machine whose tasks are gone
 * (after sched_exit()): a run that got stuck can leave an instance
 * listed, a mount up or the mutex held by a task that no longer exists,
 * and the objects behind them go with the guest's memory. Call it
 * outside any task, before kmem_exit(); nothing is freed or walked here.
 * @return true when something was left to forget (a machine that shut
 *         down cleanly leaves nothing)
 */
bool virtio_fs_module_reset(void);

/** @brief Set every queue's connected flag (kernel:
 *  virtio_fs_start_all_queues()). */
void virtio_fs_start_all_queues(struct virtio_fs *fs);

/** @brief Clear every queue's connected flag (kernel:
 *  virtio_fs_stop_all_queues()). */
void virtio_fs_stop_all_queues(struct virtio_fs *fs);

/** @brief Wait until no queue has anything in flight (kernel:
 *  virtio_fs_drain_all_queues(); mainline takes virtio_fs_mutex). */
void virtio_fs_drain_all_queues(struct virtio_fs *fs);

/**
 * @brief sim invariant (for check_invariant_add(), @p arg the struct
 * virtio_fs): the hiprio queue's in_flight equals its FORGETs on the ring
 * plus the parked ones (6.1 and mainline; v5 counts only the ring). Run
 * it at quiet points:
 * dispatch_work briefly holds a popped FORGET between two critical
 * sections. A deleted queue passes.
 * @return NULL when it holds, else a message
 */
const char *virtio_fs_check_in_flight(void *arg);

/* ---- interrupts ------------------------------------------------------- */

/** @brief The virtqueue callback: schedule done_work (kernel:
 *  virtio_fs_vq_done()). */
void virtio_fs_vq_done(struct virtqueue *vq);

/* ---- mount ------------------------------------------------------------ */

/**
 * @brief Mount the file system with tag @p source (kernel:
 * virtio_fs_get_tree()). A second mount of the same device shares the
 * super block, as sget_fc() does.
 * @param source the tag
 * @param sbp receives the super block
 * @return 0; -EINVAL for an unknown or removed tag; -ENOMEM; an error
 *         from fill_super
 */
int virtio_fs_get_tree(const char *source, struct super_block **sbp);

/**
 * @brief Drop one mount of @p sb; the last one runs virtio_kill_sb() and
 * frees the super block (kernel: deactivate_super()).
 */
void virtio_fs_deactivate_super(struct super_block *sb);

/** @brief The instance a super block was mounted from. */
struct virtio_fs *virtio_fs_of_sb(struct super_block *sb);

/* ---- sysfs ------------------------------------------------------------- */

/**
 * @brief What /sys/fs/virtiofs/ holds now, one "path: value" line per
 * attribute of each listed instance (kernel: tag_show(), the "device"
 * link, name_show() and cpu_list_show() of each queue), or one line
 * saying the directory is missing (no instance, or a variant older than
 * 6.9, which had none).
 * @return the length the whole text needs (snprintf() style)
 */
size_t virtio_fs_sysfs_show(char *buf, size_t size);

/* ---- restore extension (vfsim_restore.c) ------------------------------ */

/** @brief Freeze with the "restore" option: the mount's freeze hook, then
 *  stop and drain every queue. @return 0 */
int virtio_fs_pm_freeze(struct virtio_fs *fs);

/**
 * @brief Restore with the "restore" option, after the PM core reset the
 * device: re-create the virtqueues, start the queues and spawn the task
 * that runs the mount's restore hook. Nothing happens when not frozen.
 * @return 0, virtio_find_vqs()'s error (reported) or -ENOMEM
 */
int virtio_fs_pm_restore(struct virtio_device *vdev, struct virtio_fs *fs);

#endif /* VFSIM_GUEST_VIRTIO_FS_H */
