/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vfsim_variant.h
 * @brief Which virtio-fs driver runs: a variant (the 2019 posting or
 * today's mainline) plus historical bugs switched back on by name.
 *
 * A variant is the whole behaviour of one kernel version; a bug switch
 * re-creates one known mistake on top of it so a student can watch it
 * happen and a test can show the fix matters. The v5-2019 variant carries
 * the bugs the v5 posting really had (see virtio_fs_variant_bugs()); the
 * bugs fixed before v5 (end-before-unlist, hiprio-no-connected-check,
 * remove-without-drain) are off in both variants until switched on.
 *
 * The settings are global, like a module parameter; each device copies
 * them at probe time (the variant and bugs fields of struct virtio_fs), so a test may
 * change them between two devices.
 * @ingroup guest
 */
#ifndef VFSIM_GUEST_VFSIM_VARIANT_H
#define VFSIM_GUEST_VFSIM_VARIANT_H

#include "sim/kernel/types.h"

/** @brief A driver variant. */
enum virtio_fs_variant {
	VIRTIO_FS_MAINLINE,    /**< "mainline": today's driver (the default) */
	VIRTIO_FS_V5_2019,     /**< "v5-2019": the 2019-09-10 v5 posting */
	VIRTIO_FS_NR_VARIANTS, /**< number of variants */
};

/** @brief A historical bug that can be switched back on. */
enum virtio_fs_bug {
	/** "forget-sends-list-head": FORGET carries its list_head (len 64) */
	VIRTIO_FS_BUG_FORGET_SENDS_LIST_HEAD,
	/** "sleep-retry-holding-bg-lock": full queue: sleep and retry in the
	 *  submitter (which may hold fc->bg_lock) */
	VIRTIO_FS_BUG_SLEEP_RETRY_HOLDING_BG_LOCK,
	/** "end-req-in-submitter": a failed submission is ended in the
	 *  submitter's context */
	VIRTIO_FS_BUG_END_REQ_IN_SUBMITTER,
	/** "end-before-unlist": completion ends a request before taking it
	 *  off the processing list */
	VIRTIO_FS_BUG_END_BEFORE_UNLIST,
	/** "hiprio-no-connected-check": FORGETs go to a stopped hiprio
	 *  queue */
	VIRTIO_FS_BUG_HIPRIO_NO_CONNECTED_CHECK,
	/** "forgets-not-in-flight": parked FORGETs are not counted in
	 *  in_flight */
	VIRTIO_FS_BUG_FORGETS_NOT_IN_FLIGHT,
	/** "remove-without-drain": removal frees the queues without
	 *  stopping and draining them */
	VIRTIO_FS_BUG_REMOVE_WITHOUT_DRAIN,
	/** "freeze-returns-0": freeze claims success */
	VIRTIO_FS_BUG_FREEZE_RETURNS_0,
	/** "probe-error-leak": probe's late error path leaks fs->vqs */
	VIRTIO_FS_BUG_PROBE_ERROR_LEAK,
	/** "drain-by-polling": draining polls in_flight every 1-2 ms
	 *  instead of waiting for in_flight_zero */
	VIRTIO_FS_BUG_DRAIN_BY_POLLING,
	VIRTIO_FS_NR_BUGS, /**< number of bug switches */
};

/**
 * @brief Parse a variant name ("mainline", "v5-2019").
 * @return 0 and sets @p out, or -EINVAL for NULL or an unknown name
 */
int virtio_fs_variant_parse(const char *name, enum virtio_fs_variant *out);

/** @brief The name of @p v, or NULL when out of range. */
const char *virtio_fs_variant_name(enum virtio_fs_variant v);

/** @brief Select the variant new devices get. @return 0 or -EINVAL. */
int virtio_fs_set_variant(const char *name);

/** @brief The variant new devices get. */
enum virtio_fs_variant virtio_fs_get_variant(void);

/**
 * @brief Parse a bug name (e.g. "forget-sends-list-head").
 * @return 0 and sets @p out, or -EINVAL for NULL or an unknown name
 */
int virtio_fs_bug_parse(const char *name, enum virtio_fs_bug *out);

/** @brief The name of @p b, or NULL when out of range. */
const char *virtio_fs_bug_name(enum virtio_fs_bug b);

/** @brief Switch bug @p name on or off for new devices.
 *  @return 0 or -EINVAL for an unknown name */
int virtio_fs_set_bug(const char *name, bool on);

/**
 * @brief Set every switch from a comma-separated list of names: exactly
 * those are on ("" or "none": all off). All or nothing.
 * @return 0; -EINVAL for NULL, an unknown or empty name (the switches are
 *         unchanged then)
 */
int virtio_fs_set_bugs(const char *list);

/** @brief The switched-on bugs, one bit per enum virtio_fs_bug. */
u32 virtio_fs_get_bugs(void);

/** @brief The bugs variant @p v has by itself (one bit per bug). */
u32 virtio_fs_variant_bugs(enum virtio_fs_variant v);

/** @brief Back to the defaults: mainline, every switch off. */
void virtio_fs_variant_reset(void);

/**
 * @brief The request timeout new mounts get (virtual ns; 0: none, the
 * default). A driver option standing in for the kernel's
 * default_request_timeout sysctl: it sets fc->req_timeout_ns, which the
 * FUSE core enforces, and bounds the driver's drains (mainline only).
 */
void virtio_fs_set_request_timeout(u64 ns);

/** @brief The request timeout new mounts get. */
u64 virtio_fs_get_request_timeout(void);

/**
 * @brief Switch the "restore" driver option for new devices (a vfsim
 * extension, not kernel behaviour; off by default and after
 * virtio_fs_variant_reset()). On, a mainline driver's freeze stops and
 * drains its queues and succeeds, and restore re-creates them and rebuilds
 * the FUSE session of the mount (guest/vfsim_restore.c, docs/guest.md).
 * Off, freeze refuses with -EOPNOTSUPP as mainline does.
 */
void virtio_fs_set_restore(bool on);

/** @brief The "restore" option new devices get. */
bool virtio_fs_get_restore(void);

#endif /* VFSIM_GUEST_VFSIM_VARIANT_H */
