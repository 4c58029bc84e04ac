/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file vfsim_variant.h
 * @brief Which virtio-fs driver runs: a variant (one kernel release's
 * driver and FUSE core), historical bugs switched back on by name, and
 * vfsim's own driver options.
 *
 * A variant is the whole behaviour of one kernel release, named after it:
 *
 * | name | release | what was read |
 * |------|---------|---------------|
 * | `v5-2019` | the posting "[PATCH v5 0/4] virtio-fs: shared file system for virtual machines" (2019-09-10) on the FUSE core of Linux 5.4 | the posting's fs/fuse/virtio_fs.c |
 * | `6.1` | Linux 6.1 LTS as Debian bookworm ships it (6.1.192) | Debian's linux-source-6.1 6.1.192-3 |
 * | `mainline` | Linux 7.1 | torvalds/linux fs/fuse/virtio_fs.c at 68b69fa0edb2 (the newest change to the file read, in 7.1), the request timeout of fs/fuse since 6.14 |
 *
 * virtio_fs_variant_info() gives each one's release and sources.
 *
 * A bug switch re-creates the code one historical mistake had, in the
 * function where it was, citing the commit or posting that fixed it
 * (virtio_fs_bug_info()). Each switch can be set only on the variants
 * whose code has that function; the v5-2019 variant carries the bugs the
 * v5 posting really had (virtio_fs_variant_bugs()). A switch marked
 * "teaching" recreates no shipped code: it shows why the kernel does
 * what it does, and its name starts with "teach-".
 *
 * The driver options are vfsim's own behaviour, off in every kernel
 * variant: "restore" (suspend and resume a mount, guest/vfsim_restore.c),
 * "bounded-drain" (drains give up after twice the request timeout, and
 * removal takes back what the device still holds), "strict-replies"
 * (the reply check of fuse_proto_verify_reply() with vfsim's stricter
 * checks on top of the kernel's) and "timeout-ms" (the request timeout's
 * arithmetic in milliseconds instead of seconds, for runs on the wall
 * clock whose tests cannot wait 15 s).
 *
 * The settings are global, like a module parameter; each device copies
 * them at probe time (the variant, bugs and options fields of struct
 * virtio_fs), so a test may change them between two devices. The request
 * timeout stands for the fs.fuse sysctls, which the FUSE core reads when
 * INIT is answered.
 * @ingroup guest
 */
#ifndef VFSIM_GUEST_VFSIM_VARIANT_H
#define VFSIM_GUEST_VFSIM_VARIANT_H

#include "sim/kernel/types.h"

/** @brief A driver variant, oldest first. */
enum virtio_fs_variant {
	VIRTIO_FS_V5_2019,     /**< "v5-2019": the 2019-09-10 v5 posting */
	VIRTIO_FS_V6_1,	       /**< "6.1": Linux 6.1 LTS (Debian bookworm) */
	VIRTIO_FS_MAINLINE,    /**< "mainline": Linux 7.1 (the default) */
	VIRTIO_FS_NR_VARIANTS, /**< number of variants */
};

/** @brief Variant mask bit of v5-2019 (for virtio_fs_variant_in()). */
#define VFS_V5_2019 (1u << VIRTIO_FS_V5_2019)
/** @brief Variant mask bit of 6.1. */
#define VFS_V6_1 (1u << VIRTIO_FS_V6_1)
/** @brief Variant mask bit of mainline. */
#define VFS_MAINLINE (1u << VIRTIO_FS_MAINLINE)
/** @brief Every variant. */
#define VFS_ALL_VARIANTS (VFS_V5_2019 | VFS_V6_1 | VFS_MAINLINE)

/** @brief What a variant is: its name, release and sources. */
struct virtio_fs_variant_info {
	const char *name;    /**< the name scenarios and the CLI use */
	const char *release; /**< the kernel release, exactly */
	/** the sources read to write it (public: posting, tag, commit) */
	const char *source;
	/** FUSE request timeouts exist (fs.fuse sysctls, INIT's
	 *  request_timeout; 6.14 and later) */
	bool request_timeout;
	/** the /sys/fs/virtiofs/ view exists (6.9 and later) */
	bool sysfs;
};

/** @brief A historical bug (or a teaching variant) that can be switched
 *  on. */
enum virtio_fs_bug {
	/** "forget-sends-list-head": FORGET carries its list_head (len 64) */
	VIRTIO_FS_BUG_FORGET_SENDS_LIST_HEAD,
	/** "sleep-retry-holding-bg-lock": full queue: sleep and retry in the
	 *  submitter (which may hold fc->bg_lock) */
	VIRTIO_FS_BUG_SLEEP_RETRY_HOLDING_BG_LOCK,
	/** "end-req-in-submitter": a failed submission is ended in the
	 *  submitter's context */
	VIRTIO_FS_BUG_END_REQ_IN_SUBMITTER,
	/** "end-before-unlist": the submission error path ends a request
	 *  still on the processing list with FR_SENT set (v4) */
	VIRTIO_FS_BUG_END_BEFORE_UNLIST,
	/** "hiprio-no-connected-check": the FORGET submission path does not
	 *  check that hiprio is still connected (v4) */
	VIRTIO_FS_BUG_HIPRIO_NO_CONNECTED_CHECK,
	/** "teach-forgets-uncounted": parked FORGETs are not counted in
	 *  in_flight (a teaching variant: never shipped) */
	VIRTIO_FS_BUG_TEACH_FORGETS_UNCOUNTED,
	/** "remove-without-drain": removal frees the channels and the queues
	 *  without stopping and draining them (v4) */
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

/** @brief Where a bug switch's code comes from. */
struct virtio_fs_bug_info {
	const char *name; /**< the switch's name */
	/** the variants whose code has the function it changes (mask of
	 *  VFS_*); setting it on another variant is refused */
	u32 variants;
	/** a teaching variant: recreates no shipped code */
	bool teaching;
	/** the function(s) it changes and what they do then */
	const char *code;
	/** the commit or posting that fixed it (or, for a teaching switch,
	 *  the code it departs from) */
	const char *history;
};

/** @brief A vfsim driver option: behaviour of vfsim's own, off in every
 *  kernel variant. */
enum virtio_fs_option {
	/** "restore": suspend and resume a mount (vfsim_restore.c) */
	VIRTIO_FS_OPT_RESTORE,
	/** "bounded-drain": a drain waits at most twice the request
	 *  timeout; removal then takes back every buffer after the reset,
	 *  and the driver keeps a request reference while the device holds
	 *  its buffers */
	VIRTIO_FS_OPT_BOUNDED_DRAIN,
	/** "strict-replies": replies also pass vfsim's stricter checks
	 *  (fuse_proto_verify_reply() with FUSE_VERIFY_STRICT) */
	VIRTIO_FS_OPT_STRICT_REPLIES,
	/** "timeout-ms": the request timeout's seconds are milliseconds:
	 *  the timeout, its floor and its check period count in ms, so a
	 *  run on the wall clock (a real back end) sees it fire quickly */
	VIRTIO_FS_OPT_TIMEOUT_MS,
	VIRTIO_FS_NR_OPTIONS, /**< number of options */
};

/**
 * @brief Parse a variant name ("v5-2019", "6.1", "mainline").
 * @return 0 and sets @p out, or -EINVAL for NULL or an unknown name
 */
int virtio_fs_variant_parse(const char *name, enum virtio_fs_variant *out);

/** @brief The name of @p v, or NULL when out of range. */
const char *virtio_fs_variant_name(enum virtio_fs_variant v);

/** @brief What @p v is (release, sources), or NULL when out of range. */
const struct virtio_fs_variant_info *
virtio_fs_variant_info(enum virtio_fs_variant v);

/**
 * @brief Select the variant new devices get.
 * @return 0; -EINVAL for an unknown name, or when a switched-on bug does
 *         not apply to it, or a request timeout is set and the variant
 *         has none (nothing changes then)
 */
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

/** @brief Where @p b comes from, or NULL when out of range. */
const struct virtio_fs_bug_info *virtio_fs_bug_info(enum virtio_fs_bug b);

/**
 * @brief Switch bug @p name on or off for new devices.
 * @return 0; -EINVAL for an unknown name; -ENOTSUP when the selected
 *         variant's code lacks the function the switch changes
 */
int virtio_fs_set_bug(const char *name, bool on);

/**
 * @brief Set every switch from a comma-separated list of names: exactly
 * those are on ("" or "none": all off). All or nothing.
 * @return 0; -EINVAL for NULL, an unknown or empty name; -ENOTSUP for a
 *         switch the selected variant cannot have (the switches are
 *         unchanged then)
 */
int virtio_fs_set_bugs(const char *list);

/** @brief The switched-on bugs, one bit per enum virtio_fs_bug. */
u32 virtio_fs_get_bugs(void);

/** @brief The bugs variant @p v has by itself (one bit per bug). */
u32 virtio_fs_variant_bugs(enum virtio_fs_variant v);

/**
 * @brief Parse a driver option name ("restore", "bounded-drain",
 * "strict-replies").
 * @return 0 and sets @p out, or -EINVAL for NULL or an unknown name
 */
int virtio_fs_option_parse(const char *name, enum virtio_fs_option *out);

/** @brief The name of option @p o, or NULL when out of range. */
const char *virtio_fs_option_name(enum virtio_fs_option o);

/** @brief Switch driver option @p name on or off for new devices.
 *  @return 0, or -EINVAL for an unknown name */
int virtio_fs_set_option(const char *name, bool on);

/** @brief The driver options new devices get, one bit per enum
 *  virtio_fs_option. */
u32 virtio_fs_get_options(void);

/**
 * @brief Back to the defaults: mainline, every switch and option off, no
 * request timeout.
 */
void virtio_fs_variant_reset(void);

/** @brief Largest request timeout, in seconds (the kernel bounds its
 *  sysctls to what INIT's 16-bit request_timeout can say). */
#define FUSE_REQ_TIMEOUT_MAX 65535

/**
 * @brief The fs.fuse.default_request_timeout sysctl, in seconds (0: none,
 * the default). The FUSE core reads it when INIT is answered and arms
 * the timeout then, at no less than FUSE_TIMEOUT_TIMER_FREQ (15 s); only
 * variants with request timeouts have it.
 * @return 0; -ERANGE above FUSE_REQ_TIMEOUT_MAX; -ENOTSUP when @p secs is
 *         not 0 and the selected variant has no request timeouts
 */
int virtio_fs_set_request_timeout(unsigned int secs);

/** @brief The fs.fuse.default_request_timeout sysctl (seconds). */
unsigned int virtio_fs_get_request_timeout(void);

/**
 * @brief The fs.fuse.max_request_timeout sysctl, in seconds (0: no cap):
 * caps the server's and the default timeout, and arms one when neither
 * is set.
 * @return as virtio_fs_set_request_timeout()
 */
int virtio_fs_set_max_request_timeout(unsigned int secs);

/** @brief The fs.fuse.max_request_timeout sysctl (seconds). */
unsigned int virtio_fs_get_max_request_timeout(void);

/**
 * @brief Switch the "restore" driver option for new devices (the same as
 * virtio_fs_set_option("restore", @p on)). On, a driver's freeze stops
 * and drains its queues and succeeds, and restore re-creates them and
 * rebuilds the FUSE session of the mount (guest/vfsim_restore.c,
 * docs/guest.md). Off, freeze refuses with -EOPNOTSUPP as the kernel does.
 */
void virtio_fs_set_restore(bool on);

/** @brief The "restore" option new devices get. */
bool virtio_fs_get_restore(void);

#endif /* VFSIM_GUEST_VFSIM_VARIANT_H */
