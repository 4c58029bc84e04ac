/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file fuse_i.h
 * @brief The FUSE client core the virtio-fs driver relies on (the kernel's
 * fs/fuse/fuse_i.h, reduced to what the driver and the syscall API use).
 *
 * Names, fields and flags are the kernel's, so a reader can hold this file
 * next to fs/fuse/fuse_i.h. Everything a device reads (request headers,
 * argument buffers, pages) is allocated with kmalloc(), which is guest
 * memory in this simulation.
 *
 * The input queue talks to its transport through @ref fuse_iqueue_ops in
 * one of two styles, so both driver variants can be mirrored exactly:
 *
 * - mainline (since 6.12): send_req / send_forget / send_interrupt are
 *   called without fiq->lock and nothing goes through fiq->pending;
 * - v5-2019: the core takes fiq->lock, puts the request on fiq->pending
 *   (or the forget on the forget list) and calls wake_*_and_unlock, which
 *   must drop the lock.
 *
 * A transport fills in one style; the core uses whichever is present.
 * @ingroup guest
 */
#ifndef VFSIM_GUEST_FUSE_I_H
#define VFSIM_GUEST_FUSE_I_H

#include "fuse_proto/fuse_msg.h"
#include "fuse_proto/fuse_proto.h"
#include "guest/vfsim_variant.h"
#include "sim/kernel/kernel.h"

/** @brief Default limit of background requests in flight. */
#define FUSE_DEFAULT_MAX_BACKGROUND 12

/** @brief Default congestion threshold: three quarters of the above. */
#define FUSE_DEFAULT_CONGESTION_THRESHOLD (FUSE_DEFAULT_MAX_BACKGROUND * 3 / 4)

/** @brief Bit of a unique that marks an INTERRUPT request. */
#define FUSE_INT_REQ_BIT (1ULL << 0)

/** @brief Step between two request uniques (the low bit stays free). */
#define FUSE_REQ_ID_STEP (1ULL << 1)

/** @brief log2 of the number of processing-list buckets. */
#define FUSE_PQ_HASH_BITS 8

/** @brief Number of processing-list buckets (fuse_req_hash() picks
 *  one by unique). */
#define FUSE_PQ_HASH_SIZE (1 << FUSE_PQ_HASH_BITS)

/** @brief max_pages before INIT negotiates more (kernel:
 *  FUSE_DEFAULT_MAX_PAGES_PER_REQ). */
#define FUSE_DEFAULT_MAX_PAGES_PER_REQ 32

/** @brief Default cap on max_pages (kernel: FUSE_MAX_MAX_PAGES, the
 *  fuse_max_pages_limit sysctl's default); a transport may lower
 *  fc->max_pages_limit after fuse_conn_init(). */
#define FUSE_MAX_MAX_PAGES 256

/** @brief log2 of the DAX range size; a server asking for a larger
 *  map_alignment fails INIT when DAX is in use (kernel: FUSE_DAX_SHIFT). */
#define FUSE_DAX_SHIFT 21

/** @brief Seconds between two request-timeout checks, and the shortest
 *  request timeout (kernel: FUSE_TIMEOUT_TIMER_FREQ, 15). */
#define FUSE_TIMEOUT_TIMER_FREQ 15

/** @brief INIT flags the guest always offers (see fuse_send_init(), which
 *  adds FUSE_MAP_ALIGNMENT with a DAX window and, from mainline on,
 *  FUSE_REQUEST_TIMEOUT). vfsim's own simplification: one set for every
 *  variant, where each release's fuse_send_init() offers its own. */
#define FUSE_GUEST_INIT_FLAGS                                             \
	((u64)(FUSE_ASYNC_READ | FUSE_POSIX_LOCKS | FUSE_ATOMIC_O_TRUNC | \
	       FUSE_BIG_WRITES | FUSE_MAX_PAGES | FUSE_INIT_EXT |         \
	       FUSE_SETXATTR_EXT))

/** @brief max_readahead offered in INIT: the kernel's VM_READAHEAD_PAGES
 *  (128 KiB). */
#define FUSE_GUEST_MAX_READAHEAD (32 * PAGE_SIZE)

struct fuse_conn;
struct fuse_mount;
struct fuse_iqueue;
struct super_block;

/** @brief One input argument (kernel: struct fuse_in_arg). */
struct fuse_in_arg {
	unsigned int size; /**< bytes */
	const void *value; /**< the bytes */
};

/** @brief One output argument (kernel: struct fuse_arg). */
struct fuse_arg {
	unsigned int size; /**< room, then (argvar) bytes received */
	void *value;	   /**< where the bytes go */
};

/** @brief Part of a page an argument uses (kernel: struct fuse_page_desc). */
struct fuse_page_desc {
	unsigned int length; /**< bytes */
	unsigned int offset; /**< offset in the page */
};

/** @brief A request's description (kernel: struct fuse_args). */
struct fuse_args {
	u64 nodeid;	   /**< inode the request is about */
	u32 opcode;	   /**< enum fuse_opcode */
	u8 in_numargs;	   /**< in_args used */
	u8 out_numargs;	   /**< out_args used */
	bool force;	   /**< send even when interrupted / not initialised */
	bool noreply;	   /**< no reply expected */
	bool nocreds;	   /**< do not fill uid/gid/pid */
	bool in_pages;	   /**< the last in arg is in pages */
	bool out_pages;	   /**< the last out arg goes to pages */
	bool out_argvar;   /**< the last out arg may come back shorter */
	bool page_zeroing; /**< zero the rest of a short page read */
	bool may_block;	   /**< ending it may block (complete in a worker) */
	struct fuse_in_arg in_args[3]; /**< input arguments in wire order */
	struct fuse_arg out_args[2];   /**< output arguments in wire order */
	/** for background requests: called when the request ends */
	void (*end)(struct fuse_mount *fm, struct fuse_args *args, int error);
};

/** @brief A request description with page arguments (kernel: struct
 *  fuse_args_pages). */
struct fuse_args_pages {
	struct fuse_args args;	      /**< the description */
	struct page **pages;	      /**< the pages */
	struct fuse_page_desc *descs; /**< which part of each page */
	unsigned int num_pages;	      /**< entries in pages and descs */
};

/** @brief Request flags, bit numbers in fuse_req::flags (kernel: enum
 *  fuse_req_flag). */
enum fuse_req_flag {
	FR_ISREPLY,	/**< a reply is expected */
	FR_FORCE,	/**< sent regardless of interruption */
	FR_BACKGROUND,	/**< asynchronous; ended through fc->bg_lock */
	FR_WAITING,	/**< counted in fc->num_waiting */
	FR_ABORTED,	/**< the connection was aborted */
	FR_INTERRUPTED, /**< the waiter was interrupted */
	FR_LOCKED,	/**< data being copied (never set by virtio-fs) */
	FR_PENDING,	/**< queued, not yet taken by the transport */
	FR_SENT,	/**< handed to the device */
	FR_FINISHED,	/**< ended; the reply (or error) is in place */
	FR_PRIVATE,	/**< not on any fiq list */
	FR_ASYNC,	/**< has an args->end callback */
};

/** @brief A request (kernel: struct fuse_req). */
struct fuse_req {
	struct list_head list; /**< on fiq->pending, a processing list, ... */
	struct list_head intr_entry; /**< on fiq->interrupts */
	struct fuse_args *args;	     /**< what to send and where replies go */
	refcount_t count;	     /**< references */
	unsigned long flags;	     /**< enum fuse_req_flag bits */
	/** the request header (what the device reads first) */
	struct {
		struct fuse_in_header h; /**< the header */
	} in;
	/** the reply header (what the device writes first) */
	struct {
		struct fuse_out_header h; /**< the header */
	} out;
	wait_queue_head_t waitq; /**< the submitter waits here */
	void *argbuf;	       /**< virtio-fs bounce buffer for the arguments */
	struct fuse_mount *fm; /**< the mount it belongs to */
	unsigned long create_time; /**< jiffies at allocation (timeouts) */
};

/** @brief A FORGET waiting to be sent (kernel: struct fuse_forget_link). */
struct fuse_forget_link {
	struct fuse_forget_one forget_one; /**< nodeid and nlookup */
	struct fuse_forget_link *next;	   /**< next on the forget list */
};

/** @brief How the input queue reaches its transport (kernel: struct
 *  fuse_iqueue_ops, both the 2019 and the mainline shapes). */
struct fuse_iqueue_ops {
	/** mainline: send a FORGET (no fiq->lock held) */
	void (*send_forget)(struct fuse_iqueue *fiq,
			    struct fuse_forget_link *link);
	/** mainline: send an INTERRUPT for @p req */
	void (*send_interrupt)(struct fuse_iqueue *fiq, struct fuse_req *req);
	/** mainline: send a request */
	void (*send_req)(struct fuse_iqueue *fiq, struct fuse_req *req);
	/** v5-2019: a forget was queued; called with fiq->lock, must unlock */
	void (*wake_forget_and_unlock)(struct fuse_iqueue *fiq);
	/** v5-2019: an interrupt was queued; called with fiq->lock, must
	 *  unlock */
	void (*wake_interrupt_and_unlock)(struct fuse_iqueue *fiq);
	/** v5-2019: a request was queued on fiq->pending; called with
	 *  fiq->lock, must unlock */
	void (*wake_pending_and_unlock)(struct fuse_iqueue *fiq);
	/** the connection is going away: release fiq->priv */
	void (*release)(struct fuse_iqueue *fiq);
};

/** @brief The input queue (kernel: struct fuse_iqueue). */
struct fuse_iqueue {
	unsigned int connected;	     /**< false once aborted */
	spinlock_t lock;	     /**< protects everything below */
	wait_queue_head_t waitq;     /**< /dev/fuse readers (unused here) */
	u64 reqctr;		     /**< last unique handed out */
	struct list_head pending;    /**< v5 style: requests to send */
	struct list_head interrupts; /**< interrupts to send */
	struct fuse_forget_link forget_list_head;  /**< v5 style: forgets */
	struct fuse_forget_link *forget_list_tail; /**< last forget */
	int forget_batch; /**< fairness counter (kept for fidelity) */
	const struct fuse_iqueue_ops *ops; /**< the transport */
	void *priv; /**< the transport's (virtio-fs: struct virtio_fs) */
};

/** @brief Requests sent and not yet answered (kernel: struct
 *  fuse_pqueue). */
struct fuse_pqueue {
	unsigned int connected; /**< false once aborted */
	spinlock_t lock;	/**< protects the lists */
	/** FUSE_PQ_HASH_SIZE buckets, hashed by unique */
	struct list_head *processing;
	struct list_head io; /**< being copied (unused by virtio-fs) */
};

/** @brief A channel of a connection (kernel: struct fuse_dev); virtio-fs
 *  has one per virtqueue. */
struct fuse_dev {
	struct fuse_conn *fc;	/**< the connection */
	struct fuse_pqueue pq;	/**< its processing queue */
	struct list_head entry; /**< on fc->devices */
};

/** @brief A connection to a FUSE server (kernel: struct fuse_conn). */
struct fuse_conn {
	spinlock_t lock;		   /**< protects most fields */
	refcount_t count;		   /**< references */
	atomic_t dev_count;		   /**< fuse_dev instances */
	unsigned int max_read;		   /**< largest READ */
	unsigned int max_write;		   /**< largest WRITE (negotiated) */
	unsigned int max_pages;		   /**< most pages in one request */
	unsigned int max_pages_limit;	   /**< transport's cap on max_pages */
	struct fuse_iqueue iq;		   /**< the input queue */
	unsigned int max_background;	   /**< background requests limit */
	unsigned int congestion_threshold; /**< congestion mark */
	unsigned int num_background;	   /**< background requests queued */
	unsigned int active_background;	   /**< background requests sent */
	struct list_head bg_queue; /**< background requests not yet sent */
	spinlock_t bg_lock;	   /**< protects the background fields */
	int initialized;	   /**< INIT answered (requests may flow) */
	int blocked;		   /**< max_background reached */
	wait_queue_head_t blocked_waitq; /**< waiters for !blocked */
	unsigned int connected;		 /**< false once aborted */
	bool aborted;			 /**< fuse_abort_conn() ran */
	unsigned int conn_error;	 /**< INIT failed */
	unsigned int conn_init;		 /**< INIT succeeded */
	unsigned int minor;		 /**< negotiated protocol minor */
	u64 init_flags;		    /**< flags the server granted in INIT */
	unsigned int no_interrupt;  /**< never send INTERRUPT */
	unsigned int dax;	    /**< DAX window in use */
	unsigned int map_alignment; /**< log2 DAX mapping alignment */
	struct list_head devices;   /**< fuse_dev instances */
	atomic_t num_waiting;	    /**< requests with FR_WAITING */
	struct list_head mounts;    /**< fuse_mount instances */
	/** request timeout (kernel: struct fuse_conn's timeout, 6.14 on) */
	struct {
		/** jiffies a request may wait for its reply (0: none) */
		unsigned long req_timeout;
		/** the periodic check, fuse_check_timeout() */
		struct delayed_work work;
		/** sim: jiffies in one unit of the timeout: HZ (a second),
		 *  or HZ / 1000 with the driver's timeout-ms option */
		unsigned long unit;
	} timeout;
	/** sim: whose FUSE core this is, the driver variant's (mainline
	 *  by default); the core tests it with fuse_variant_in() */
	enum virtio_fs_variant variant;
	/** frees the containing object once the last reference goes */
	void (*release)(struct fuse_conn *fc);
	unsigned int destroy;		  /**< send DESTROY at unmount */
	unsigned int default_permissions; /**< mount option */
	unsigned int allow_other;	  /**< mount option */
	unsigned int no_control;	  /**< mount option */
	unsigned int no_force_umount;	  /**< mount option */
	unsigned int no_lock;		  /**< server refused POSIX_LOCKS */
	unsigned int atomic_o_trunc;	  /**< O_TRUNC goes in OPEN */
	unsigned int no_flush;		  /**< FLUSH answered ENOSYS once */
};

/** @brief A mounted instance (kernel: struct fuse_mount). */
struct fuse_mount {
	struct fuse_conn *fc;	   /**< its connection */
	struct super_block *sb;	   /**< its super block */
	struct list_head fc_entry; /**< on fc->mounts */
};

/** @brief The little of a super block the model needs (kernel: struct
 *  super_block). */
struct super_block {
	void *s_fs_info;  /**< the struct fuse_mount */
	const char *s_id; /**< the tag it was mounted from */
	bool s_active;	  /**< mounted */
};

/** @brief The mount's file system context (kernel: struct
 *  fuse_fs_context), the fields virtio-fs sets. */
struct fuse_fs_context {
	bool default_permissions; /**< kernel checks permissions */
	bool allow_other;	  /**< other users may access */
	bool destroy;		  /**< send DESTROY at unmount */
	bool no_control;	  /**< no /sys/fs/fuse/connections entry */
	bool no_force_umount;	  /**< umount -f does not abort */
	unsigned int max_read;	  /**< mount option max_read */
	unsigned int blksize;	  /**< block size */
	void **fudptr;		  /**< where the fuse_dev pointer goes */
	/** the device has a DAX window and the mount may use it (kernel:
	 *  ctx->dax_dev, set unless dax=never) */
	bool dax;
};

/**
 * @brief True when @p fc's FUSE core is one of the variants in @p mask
 * (VFS_*). The core tests variants only this way, alone in an if whose
 * branches have braces, so the reader view can fold them.
 */
static inline bool fuse_variant_in(const struct fuse_conn *fc, u32 mask)
{
	return mask & (1u << fc->variant);
}

/** @brief The processing bucket of @p unique (kernel: fuse_req_hash()). */
static inline unsigned int fuse_req_hash(u64 unique)
{
	/* hash_long(): the 64-bit golden-ratio multiplicative hash */
	return (unsigned int)(((unique & ~FUSE_INT_REQ_BIT) *
			       0x61c8864680b583ebull) >>
			      (64 - FUSE_PQ_HASH_BITS));
}

/** @brief The super block's fuse_mount (kernel: get_fuse_mount_super()). */
static inline struct fuse_mount *get_fuse_mount_super(struct super_block *sb)
{
	return sb->s_fs_info;
}

/* ---- the FUSE core's functions (guest/dev.c, guest/inode.c) ---- */

/**
 * @brief Set up a connection (kernel: fuse_conn_init()).
 * @param fc the connection (embedded in the transport's own object or not)
 * @param fm its first mount
 * @param fiq_ops the transport's queue operations
 * @param fiq_priv the transport's pointer, kept in fc->iq.priv
 */
void fuse_conn_init(struct fuse_conn *fc, struct fuse_mount *fm,
		    const struct fuse_iqueue_ops *fiq_ops, void *fiq_priv);

/** @brief Take a reference on @p fc (kernel: fuse_conn_get()). */
struct fuse_conn *fuse_conn_get(struct fuse_conn *fc);

/** @brief Drop a reference; the last one releases fiq->priv through
 *  ops->release and calls fc->release (kernel: fuse_conn_put()). */
void fuse_conn_put(struct fuse_conn *fc);

/** @brief Allocate a channel with its processing queue (kernel:
 *  fuse_dev_alloc()). @return the channel or NULL. */
struct fuse_dev *fuse_dev_alloc(void);

/** @brief Attach @p fud to @p fc (kernel: fuse_dev_install()). */
void fuse_dev_install(struct fuse_dev *fud, struct fuse_conn *fc);

/** @brief fuse_dev_alloc() + fuse_dev_install() (kernel:
 *  fuse_dev_alloc_install()). @return the channel or NULL. */
struct fuse_dev *fuse_dev_alloc_install(struct fuse_conn *fc);

/** @brief Take @p fm off its connection's mount list (kernel:
 *  fuse_mount_remove()). @return true when it was the last mount, so the
 *  caller tears the connection down (fuse_conn_destroy()). */
bool fuse_mount_remove(struct fuse_mount *fm);

/** @brief Free a channel (kernel: fuse_dev_free()); NULL is ignored. */
void fuse_dev_free(struct fuse_dev *fud);

/** @brief Next request unique (kernel: fuse_get_unique()); steps by
 *  FUSE_REQ_ID_STEP. */
u64 fuse_get_unique(struct fuse_iqueue *fiq);

/**
 * @brief Send a request and wait for its answer (kernel:
 * fuse_simple_request()); the caller must be a task.
 * @return the error from the reply, or for out_argvar the size of the last
 *         out arg received, or 0; -ENOTCONN when the connection is gone
 */
ssize_t fuse_simple_request(struct fuse_mount *fm, struct fuse_args *args);

/**
 * @brief Queue a background request (kernel: fuse_simple_background());
 * args->end is called when it ends.
 * @return 0, or -ENOMEM / -ENOTCONN (args->end is not called then)
 */
int fuse_simple_background(struct fuse_mount *fm, struct fuse_args *args,
			   gfp_t gfp_flags);

/**
 * @brief End a request: set FR_FINISHED, wake the waiter or run the
 * background completion, drop the sender's reference (kernel:
 * fuse_request_end()). The request must be off every list and FR_SENT
 * clear; a second end only drops a reference.
 */
void fuse_request_end(struct fuse_req *req);

/** @brief Take a reference on @p req (kernel: __fuse_get_request()); a
 *  transport that keeps a request past its end (e.g. a device that still
 *  owns its buffers after an abort) holds one. */
void __fuse_get_request(struct fuse_req *req);

/** @brief Drop a reference on @p req; the last one frees it and ends its
 *  FR_WAITING accounting (kernel: fuse_put_request()). */
void fuse_put_request(struct fuse_req *req);

/**
 * @brief Kernel: fuse_init_server_timeout() (6.14 on): arm the request
 * timeout once INIT is answered. @p timeout is the server's (INIT's
 * request_timeout, seconds; 0: none); the fs.fuse sysctls
 * fuse_default_req_timeout and fuse_max_req_timeout fill in and cap it,
 * and it is never less than FUSE_TIMEOUT_TIMER_FREQ. Every
 * FUSE_TIMEOUT_TIMER_FREQ seconds fuse_check_timeout() then looks at the
 * oldest request on fiq->pending, fc->bg_queue and every channel's
 * processing lists and aborts the connection when one is older than the
 * timeout. Nothing is armed when all three are 0.
 *
 * An abort ends requests the device may still hold (their argument
 * buffers and pages still on a ring): the kernel's virtio-fs does nothing
 * about it (docs/kernel-xref.md, "Request timeout").
 */
void fuse_init_server_timeout(struct fuse_conn *fc, unsigned int timeout);

/** @brief Kernel: the fs.fuse.default_request_timeout sysctl, seconds
 *  (set through virtio_fs_set_request_timeout()). */
extern unsigned int fuse_default_req_timeout;

/** @brief Kernel: the fs.fuse.max_request_timeout sysctl, seconds (set
 *  through virtio_fs_set_max_request_timeout()). */
extern unsigned int fuse_max_req_timeout;

/** @brief Allocate a forget link (kernel: fuse_alloc_forget()); may fail. */
struct fuse_forget_link *fuse_alloc_forget(void);

/**
 * @brief Send a FORGET for @p nlookup lookups of @p nodeid (kernel:
 * fuse_queue_forget()); frees @p forget when the connection is gone.
 */
void fuse_queue_forget(struct fuse_conn *fc, struct fuse_forget_link *forget,
		       u64 nodeid, u64 nlookup);

/**
 * @brief Take up to @p max forgets off the v5-style forget list (kernel:
 * fuse_dequeue_forget()); call with fiq->lock held.
 * @param fiq the queue
 * @param max most links to take
 * @param countp set to the number taken (may be NULL)
 * @return the first link of a NULL-terminated chain
 */
struct fuse_forget_link *fuse_dequeue_forget(struct fuse_iqueue *fiq,
					     unsigned int max,
					     unsigned int *countp);

/** @brief Abort the connection: fail everything queued and processing
 *  with -ECONNABORTED (kernel: fuse_abort_conn()). */
void fuse_abort_conn(struct fuse_conn *fc);

/** @brief Wait until no request is waiting any more (kernel:
 *  fuse_wait_aborted()). */
void fuse_wait_aborted(struct fuse_conn *fc);

/** @brief Kernel: fuse_dax_check_alignment() (dax.c): INIT's map
 *  alignment must not exceed a DAX range. @return false when it does */
bool fuse_dax_check_alignment(struct fuse_conn *fc, unsigned int map_alignment);

/** @brief Send FUSE_INIT in the background (kernel: fuse_send_init());
 *  the reply sets fc->initialized and wakes blocked senders. */
void fuse_send_init(struct fuse_mount *fm);

/**
 * @brief Fill in the super block and the connection's limits from the
 * mount context (kernel: fuse_fill_super_common()).
 * @return 0 or a negative errno
 */
int fuse_fill_super_common(struct super_block *sb, struct fuse_fs_context *ctx);

/** @brief Send DESTROY when the mount asked for it, then abort and wait
 *  (kernel: fuse_conn_destroy()). */
void fuse_conn_destroy(struct fuse_mount *fm);

/** @brief Total size of @p numargs arguments (kernel: fuse_len_args()). */
unsigned int fuse_len_args(unsigned int numargs, struct fuse_arg *args);

/**
 * @brief Describe @p args for fuse_proto (reply checking); the last out arg
 * of a page request is described with its page bytes.
 */
void fuse_args_to_proto(const struct fuse_args *args,
			struct fuse_proto_args *pa);

#endif /* VFSIM_GUEST_FUSE_I_H */
