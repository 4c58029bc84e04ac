/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file scripted_dev.h
 * @brief A minimal scripted virtio-fs device for testing the guest driver
 * before and apart from the real device (in the spirit of rust-vmm's
 * MockSplitQueue).
 *
 * An sdev is a virtio-fs device built only on sim/ and fuse_proto/: it
 * offers a config space (tag, num_request_queues), features and queues
 * through the transport (sim/virtio/virtio.h), delivers interrupts through an irq
 * line (sim/virtio/irq.h), and runs one daemon task ("sdev", TASK_DEVICE) that
 * pops chains, records every request, and answers as a tiny fake FUSE
 * server -- unless a script rule says otherwise (error, hold, delay,
 * malformed reply, drop, custom callback).
 *
 * Typical use in a guest test:
 *
 *	struct sdev d;
 *	struct sdev_config cfg;
 *
 *	sdev_config_init(&cfg);
 *	cfg.num_request_queues = 2;
 *	sdev_create(&d, &cfg);
 *	sdev_add_rule(&d, FUSE_GETATTR, SDEV_ANY_QUEUE, 1,
 *		      SDEV_REPLY_ERROR(-ENOENT));
 *	... probe the driver on &d.vdev, run syscall tasks, sched_run() ...
 *	CU_ASSERT_EQUAL(sdev_count_op(&d, FUSE_GETATTR), 1);
 *	CU_ASSERT_EQUAL(sdev_total_lookups(&d), 0);
 *	sdev_destroy(&d);
 *
 * The kick hook only marks the queue and wakes the device task: no request
 * is ever processed on the kicker's stack. A queue is served only after a
 * kick (a driver that forgets to kick hangs, as with a real device), hiprio
 * (queue 0) first; each pass pops every available chain, completes those
 * due as one batch, then raises an interrupt per queue when
 * vringh_need_notify() says so.
 *
 * The malformed-reply actions build the default reply first, so its side
 * effects happen (a LOOKUP still counts as a lookup even if the driver
 * then rejects the reply -- as a real server would count it).
 *
 * Everything is deterministic and traced (kinds "sdev.request",
 * "sdev.bad_request", "sdev.reply", "sdev.irq", "sdev.kick", "sdev.drop",
 * "sdev.release", "sdev.ring_error", "sdev.forget_underflow", ...).
 *
 * Host memory (malloc) holds the device's own state: the device is not
 * guest memory, and kmalloc fault plans aimed at the guest never hit it.
 */
#ifndef VFSIM_TESTS_GUEST_SCRIPTED_DEV_H
#define VFSIM_TESTS_GUEST_SCRIPTED_DEV_H

#include "fuse_proto/fuse_msg.h"
#include "sim/virtio/irq.h"
#include "sim/kernel/types.h"
#include "sim/virtio/virtio.h"
#include "sim/virtio/vringh.h"
#include "sim/kernel/wait.h"

/** @brief Most queues an sdev has (hiprio + request queues). */
#define SDEV_MAX_QUEUES 16
/** @brief Bytes of each request's readable part kept in its record. */
#define SDEV_RAW_MAX 256
/** @brief Rule field value: any opcode / any queue. */
#define SDEV_ANY (-1)
/** @brief Rule opcode matching every request. */
#define SDEV_ANY_OP SDEV_ANY
/** @brief Rule queue matching every queue. */
#define SDEV_ANY_QUEUE SDEV_ANY
/** @brief Rule count: the rule applies forever. */
#define SDEV_FOREVER (-1)
/** @brief Most script rules. */
#define SDEV_MAX_RULES 32

struct sdev;
struct sdev_req;

/** @brief What the device does with one request. */
enum sdev_action_kind {
	SDEV_ACT_DEFAULT,    /**< the default responder's reply */
	SDEV_ACT_ERROR,	     /**< bare fuse_out_header with error = arg */
	SDEV_ACT_HOLD,	     /**< keep in flight until sdev_release_held() */
	SDEV_ACT_DELAY,	     /**< default reply after arg virtual ns */
	SDEV_ACT_BAD_LEN,    /**< default reply, out_header.len += arg */
	SDEV_ACT_BAD_UNIQUE, /**< default reply, out_header.unique ^= arg */
	SDEV_ACT_USED_LEN,   /**< default reply, used length reported = arg */
	SDEV_ACT_ERROR_WITH_PAYLOAD, /**< error -EIO plus arg payload bytes,
				       len consistent */
	SDEV_ACT_BAD_ERRNO, /**< bare header with out-of-range error = arg */
	SDEV_ACT_DROP,	    /**< never complete; the chain is forgotten */
	SDEV_ACT_CUSTOM,    /**< call @ref sdev_action::fn */
};

/** @brief What a custom action tells the device to do next. */
enum sdev_custom_ret {
	SDEV_CUSTOM_PUSH,    /**< push the reply the callback wrote: the
				  first min(used_len, cap) bytes are copied
				  to the chain, used_len is reported */
	SDEV_CUSTOM_DEFAULT, /**< answer with the default responder */
	SDEV_CUSTOM_DROP,    /**< forget the chain (as SDEV_ACT_DROP) */
};

/**
 * @brief A custom action. Runs in the device task.
 * @param d the device
 * @param rec the request's record (opcode, unique, ...)
 * @param req the parsed request, or NULL when it did not parse
 * @param reply where to write the reply (host buffer)
 * @param cap bytes available at @p reply (the chain's writable capacity)
 * @param used_len set to the used length to report
 * @param arg the rule's fn_arg
 * @return what to do next (enum sdev_custom_ret)
 */
typedef enum sdev_custom_ret (*sdev_custom_fn)(struct sdev *d,
					       const struct sdev_req *rec,
					       const struct fuse_proto_req *req,
					       void *reply, u32 cap,
					       u32 *used_len, void *arg);

/** @brief An action and its argument. Build one with the SDEV_* macros. */
struct sdev_action {
	enum sdev_action_kind kind; /**< what to do */
	s64 arg;		    /**< errno, ns, delta, length, mask */
	sdev_custom_fn fn;	    /**< SDEV_ACT_CUSTOM only */
	void *fn_arg;		    /**< passed to @ref fn */
};

/** @brief Answer with the default responder (a rule that only counts). */
#define SDEV_DEFAULT ((struct sdev_action){ .kind = SDEV_ACT_DEFAULT })
/** @brief Reply with error @p e (a negative errno). */
#define SDEV_REPLY_ERROR(e) \
	((struct sdev_action){ .kind = SDEV_ACT_ERROR, .arg = (e) })
/** @brief Do not complete until sdev_release_held(). */
#define SDEV_HOLD ((struct sdev_action){ .kind = SDEV_ACT_HOLD })
/** @brief Complete with the default reply @p ns virtual ns later. */
#define SDEV_DELAY(ns) \
	((struct sdev_action){ .kind = SDEV_ACT_DELAY, .arg = (s64)(ns) })
/** @brief Default reply whose out_header.len is 8 more than the used
 *  length. */
#define SDEV_BAD_LEN \
	((struct sdev_action){ .kind = SDEV_ACT_BAD_LEN, .arg = 8 })
/** @brief Default reply with bit 62 of out_header.unique flipped. */
#define SDEV_BAD_UNIQUE                                     \
	((struct sdev_action){ .kind = SDEV_ACT_BAD_UNIQUE, \
			       .arg = (s64)(1ULL << 62) })
/** @brief Default reply, but report used length @p n. */
#define SDEV_USED_LEN(n) \
	((struct sdev_action){ .kind = SDEV_ACT_USED_LEN, .arg = (s64)(n) })
/** @brief Error reply (-EIO) that also carries 16 payload bytes. */
#define SDEV_ERROR_WITH_PAYLOAD \
	((struct sdev_action){ .kind = SDEV_ACT_ERROR_WITH_PAYLOAD, .arg = 16 })
/** @brief Bare header whose error @p e is out of range (e.g. 5, -5000). */
#define SDEV_BAD_ERRNO(e) \
	((struct sdev_action){ .kind = SDEV_ACT_BAD_ERRNO, .arg = (e) })
/** @brief Never complete and forget the chain (a dead daemon for it). */
#define SDEV_DROP ((struct sdev_action){ .kind = SDEV_ACT_DROP })
/** @brief Call @p f(..., @p a) to answer. */
#define SDEV_CUSTOM(f, a)      \
	((struct sdev_action){ \
		.kind = SDEV_ACT_CUSTOM, .fn = (f), .fn_arg = (a) })

/** @brief What finally became of a request (its record's outcome). */
enum sdev_outcome {
	SDEV_OUT_PENDING,   /**< popped; held or waiting for its delay */
	SDEV_OUT_REPLIED,   /**< pushed with a reply (any error value) */
	SDEV_OUT_NOREPLY,   /**< FORGET/BATCH_FORGET: pushed, used length 0 */
	SDEV_OUT_DROPPED,   /**< SDEV_DROP: never pushed */
	SDEV_OUT_DISCARDED, /**< still in flight at a device reset */
	SDEV_OUT_NO_ROOM,   /**< writable part too small for a header:
			       pushed with used length 0 */
};

/** @brief The record of one request the device popped. */
struct sdev_req {
	unsigned int seq;     /**< position in the record list, from 0 */
	unsigned int queue;   /**< queue index (0 = hiprio) */
	u16 head;	      /**< chain head */
	int parse_err;	      /**< fuse_proto_parse_request() result */
	u32 opcode;	      /**< in_header.opcode (0 when unreadable) */
	u64 unique;	      /**< in_header.unique */
	u64 nodeid;	      /**< in_header.nodeid */
	u32 hdr_len;	      /**< in_header.len */
	u32 out_len;	      /**< readable bytes of the chain */
	u32 in_len;	      /**< writable capacity of the chain */
	u8 raw[SDEV_RAW_MAX]; /**< first readable bytes */
	u32 raw_len;	      /**< bytes in @ref raw */
	/** the action applied (for a held request: the release's action) */
	enum sdev_action_kind action;
	bool held;		   /**< it was held (SDEV_HOLD) */
	int rule;		   /**< rule index matched, or -1 */
	enum sdev_outcome outcome; /**< what became of it */
	int error;		   /**< out_header.error sent */
	u32 reply_len;		   /**< bytes written to the chain */
	u32 used_len;		   /**< used length pushed */
	u64 seen_ns;		   /**< virtual time it was popped */
	u64 done_ns;		   /**< virtual time it was pushed */
};

/** @brief Device parameters; fill with sdev_config_init() and adjust. */
struct sdev_config {
	u8 tag[36]; /**< raw tag bytes copied to config space verbatim */
	u32 num_request_queues; /**< config space value (0 allowed) */
	/** queues really created; 0 means 1 + max(num_request_queues, 1) */
	unsigned int nr_queues;
	unsigned int queue_size; /**< power of two (default 64) */
	bool event_idx;		 /**< offer VIRTIO_RING_F_EVENT_IDX */
	bool indirect;		 /**< offer VIRTIO_RING_F_INDIRECT_DESC */
	u32 minor;		 /**< INIT minor offered (default 38) */
	u32 max_write;		 /**< INIT max_write (default 128 KiB) */
	u64 init_flags;		 /**< INIT flags (flags2 << 32) supported */
	/** INIT request_timeout (seconds) sent with FUSE_REQUEST_TIMEOUT
	 *  when the driver offers that flag (default 0: none) */
	u16 request_timeout;
	/** length of the DAX cache window (shared memory region
	 *  VIRTIO_FS_SHMCAP_ID_CACHE); 0: none (the default) */
	u64 dax_window;
	u64 file_size;	    /**< every file's size (default 1 MiB) */
	u64 latency_ns;	    /**< default delay before each reply */
	bool reverse_batch; /**< complete each batch in reverse pop order */
	unsigned int index; /**< vdev.index; the irq task is "irq/<index>" */
};

/** @brief A script rule (see sdev_add_rule()). */
struct sdev_rule {
	int opcode;		   /**< opcode or SDEV_ANY */
	int queue;		   /**< queue index or SDEV_ANY */
	int count;		   /**< requests left, or SDEV_FOREVER */
	unsigned int hits;	   /**< requests it applied to */
	struct sdev_action action; /**< what to do */
};

/** @brief Per-node state of the fake server. */
struct sdev_node {
	s64 lookups; /**< lookup count (LOOKUP/MKDIR/CREATE - FORGET) */
	bool used;   /**< the nodeid was handed out */
	bool dir;    /**< a directory */
};

/** @brief A name the fake server knows: (parent, name) -> nodeid. */
struct sdev_name {
	u64 parent;    /**< directory */
	u64 nodeid;    /**< node */
	char name[64]; /**< name, truncated (enough for tests) */
};

/** @brief A popped chain not completed yet (held or delayed). */
struct sdev_pending {
	struct sdev_pending *next; /**< next, oldest first */
	struct vringh_chain ch;	   /**< the chain (owns its segs) */
	unsigned int queue;	   /**< its queue */
	struct sdev_req *rec;	   /**< its record */
	u8 *buf;		   /**< readable bytes */
	struct fuse_proto_req req; /**< parsed view into @ref buf */
	bool parsed;		   /**< @ref req is valid */
	bool held;		   /**< waits for sdev_release_held() */
	u64 due_ns;		   /**< when it completes (not held) */
	struct sdev_action action; /**< what to do when it completes */
};

/** @brief The scripted device. All fields are read-only for tests. */
struct sdev {
	struct virtio_device vdev;	 /**< what the driver binds to */
	struct virtio_device_backend be; /**< the backend ops table */
	struct virtio_irq_line irq;	 /**< interrupt line */
	/** config space (layout of struct virtio_fs_config) */
	struct {
		u8 tag[36];		   /**< tag bytes */
		__le32 num_request_queues; /**< request queues */
	} config;
	struct sdev_config cfg;		    /**< parameters */
	struct task *task;		    /**< the device task */
	wait_queue_head_t wq;		    /**< where the task waits */
	struct vringh vrh[SDEV_MAX_QUEUES]; /**< device view per queue */
	bool ready[SDEV_MAX_QUEUES];	    /**< queue set up by the driver */
	bool kicked[SDEV_MAX_QUEUES];	    /**< kick not yet served */
	u64 kicks[SDEV_MAX_QUEUES];	    /**< kicks per queue */
	u64 irqs[SDEV_MAX_QUEUES];	    /**< interrupts raised per queue */
	u64 features;			    /**< features the driver accepted */
	u8 status;		  /**< status byte (0 after a reset) */
	unsigned int resets;	  /**< device resets seen */
	unsigned int ring_errors; /**< malformed chains seen */
	bool paused;		  /**< sdev_pause() in force */
	bool dead;		  /**< sdev_die() was called */
	bool stop;		  /**< the task must end */
	bool unplugged;		  /**< sdev_unplug() finished */
	struct sdev_rule rules[SDEV_MAX_RULES]; /**< the script */
	unsigned int nr_rules;			/**< rules in use */
	struct sdev_req **reqs;			/**< records, in pop order */
	unsigned int nr_reqs;			/**< records */
	unsigned int cap_reqs;			/**< capacity of @ref reqs */
	struct sdev_pending *pending;		/**< held and delayed chains */
	struct sdev_node *nodes;		/**< by nodeid */
	u64 nr_nodes;				/**< capacity of @ref nodes */
	u64 next_nodeid;			/**< next nodeid handed out */
	u64 next_fh;				/**< next file handle */
	struct sdev_name *names;		/**< known names */
	unsigned int nr_names;			/**< entries in @ref names */
	unsigned int forget_underflows; /**< FORGETs below zero lookups */
	u32 init_minor;			/**< minor negotiated, 0 before */
};

/** @brief Fill @p cfg with defaults: tag "vfsim", 1 request queue, queue
 *  size 64, VERSION_1 only, minor 38, max_write 128 KiB, every INIT flag
 *  supported, 1 MiB files, no latency, in-order batches. */
void sdev_config_init(struct sdev_config *cfg);

/**
 * @brief Create the device: config space, backend, transport
 * (virtio_device_init()), interrupt line and device task. Needs
 * sched_init() and gmem_init().
 * @param d the device (caller-owned; must outlive its tasks)
 * @param cfg parameters, or NULL for sdev_config_init()'s defaults
 * @return 0; -EINVAL for a bad queue size or too many queues; -ENOMEM
 */
int sdev_create(struct sdev *d, const struct sdev_config *cfg);

/**
 * @brief Stop the irq line and the device task, free every record, held
 * chain and device view. Outside a task it runs the scheduler until both
 * tasks ended. Queues the driver left allocated are freed (traced
 * "sdev.vqs_left"). Call it before sched_exit() where possible; after it,
 * it only frees memory.
 */
void sdev_destroy(struct sdev *d);

/**
 * @brief Append a script rule. Rules are tried in order; the first that
 * matches the request's opcode and queue (and has count left) applies and
 * its count drops by one.
 * @param d the device
 * @param opcode FUSE opcode or SDEV_ANY
 * @param queue queue index or SDEV_ANY
 * @param count requests it applies to (> 0) or SDEV_FOREVER
 * @param action what to do
 * @return the rule's index; -ENOSPC when the script is full, -EINVAL for a
 *         count of 0 or below (other than SDEV_FOREVER) or a CUSTOM action
 *         without a callback
 */
int sdev_add_rule(struct sdev *d, int opcode, int queue, int count,
		  struct sdev_action action);

/** @brief Drop every script rule. */
void sdev_clear_rules(struct sdev *d);

/** @brief Number of requests recorded so far. */
unsigned int sdev_nr_requests(const struct sdev *d);

/** @brief The @p i-th record, or NULL when out of range. Records live
 *  until sdev_destroy(). */
const struct sdev_req *sdev_request(const struct sdev *d, unsigned int i);

/** @brief How many requests with @p opcode were recorded. */
unsigned int sdev_count_op(const struct sdev *d, u32 opcode);

/** @brief The latest record with @p opcode, or NULL. */
const struct sdev_req *sdev_last(const struct sdev *d, u32 opcode);

/** @brief The fake server's lookup count of @p nodeid (0 if unknown). */
s64 sdev_lookup_count(const struct sdev *d, u64 nodeid);

/** @brief Sum of every node's lookup count (0 after a clean unmount). */
s64 sdev_total_lookups(const struct sdev *d);

/** @brief Chains held by SDEV_HOLD and not released yet. */
unsigned int sdev_nr_held(const struct sdev *d);

/**
 * @brief Complete the oldest @p n held chains through the default
 * responder. The device task does it when it next runs.
 * @return how many were released (fewer when fewer are held)
 */
unsigned int sdev_release_held(struct sdev *d, unsigned int n);

/**
 * @brief Complete the oldest @p n held chains with @p action instead of the
 * default reply (e.g. SDEV_REPLY_ERROR(-EIO) for a late failure; SDEV_HOLD
 * keeps them held). The device task does it when it next runs.
 * @return how many were released (fewer when fewer are held)
 */
unsigned int sdev_complete_held(struct sdev *d, unsigned int n,
				struct sdev_action action);

/** @brief Chains popped and not completed yet: held plus delayed. */
unsigned int sdev_nr_pending(const struct sdev *d);

/** @brief The first record with FUSE unique @p unique, or NULL. */
const struct sdev_req *sdev_find_unique(const struct sdev *d, u64 unique);

/**
 * @brief From outside any task: run the scheduler until the device has
 * recorded at least @p n requests (or the run ends).
 * @return SCHED_STOPPED when it got there, else how the run ended
 */
enum sched_status sdev_run_until_requests(struct sdev *d, unsigned int n);

/** @brief Change the default delay before each reply (applies to
 *  requests popped from now on). */
void sdev_set_latency(struct sdev *d, u64 ns);

/** @brief Complete each batch in reverse pop order (true) or in order. */
void sdev_set_reverse_batch(struct sdev *d, bool reverse);

/** @brief Stall the daemon: kicks are remembered, nothing is popped or
 *  completed until sdev_resume(). */
void sdev_pause(struct sdev *d);

/** @brief End a stall; remembered kicks are served. */
void sdev_resume(struct sdev *d);

/** @brief The daemon dies: nothing is popped or completed ever again. */
void sdev_die(struct sdev *d);

/**
 * @brief Hot-unplug: spawn a task ("sdev-unplug", TASK_FRONTEND) that calls
 * virtio_device_unplug(), which runs the driver's remove() and resets the
 * device. @ref sdev::unplugged is set when it is done.
 * @return the task (run the scheduler), or NULL when it cannot be created
 */
struct task *sdev_unplug(struct sdev *d);

/** @brief The byte a READ of @p nodeid returns at file offset @p off. */
u8 sdev_pattern_byte(u64 nodeid, u64 off);

/** @brief Name of an action kind ("error", "hold", ...). */
const char *sdev_action_name(enum sdev_action_kind kind);

/**
 * @brief Write the default responder's reply to @p rec / @p req into
 * @p reply (for custom actions that tweak it).
 * @return the reply's length (may exceed @p cap: then nothing useful was
 *         written), or 0 for a request that expects no reply
 */
u32 sdev_default_reply(struct sdev *d, const struct sdev_req *rec,
		       const struct fuse_proto_req *req, void *reply, u32 cap);

#endif /* VFSIM_TESTS_GUEST_SCRIPTED_DEV_H */
