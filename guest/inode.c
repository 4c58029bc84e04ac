// SPDX-License-Identifier: GPL-2.0-only
/*
 * inode.c - twin of Linux fs/fuse/inode.c (mainline; functions in its
 * order), reduced to what virtio-fs uses: forget links, DESTROY, setting a
 * connection up with its queues and channels, INIT negotiation (and the
 * request timeout it arms), filling the super block and tearing the
 * connection down. There is no inode cache (vfsim_icache.c keeps the
 * lookup counts that fuse_inode->nlookup holds in the kernel).
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "guest/fuse_dev_i.h"
#include "guest/fuse_i.h"
#include "sim/trace/image.h"

/* Kernel [mainline]: fs.fuse.default_request_timeout (seconds; 0: none),
 * 6.14 on. */
unsigned int fuse_default_req_timeout;

/* Kernel [mainline]: fs.fuse.max_request_timeout (seconds; 0: no cap). */
unsigned int fuse_max_req_timeout;
/* vfsim's own: set while a machine is built, so a machine image
 * (sim/trace/image.h) puts it back as the set-up left it */
IMAGE_STATE(fuse_default_req_timeout)
IMAGE_STATE(fuse_max_req_timeout)

/* Kernel: fuse_alloc_forget(). */
struct fuse_forget_link *fuse_alloc_forget(void)
{
	return kzalloc(sizeof(struct fuse_forget_link), GFP_KERNEL);
}

/* Kernel: fuse_send_destroy(): only a session INIT opened gets DESTROY. */
static void fuse_send_destroy(struct fuse_mount *fm)
{
	if (fm->fc->conn_init) {
		struct fuse_args args;

		memset(&args, 0, sizeof(args));
		args.opcode = FUSE_DESTROY;
		args.force = true;
		args.nocreds = true;
		fuse_simple_request(fm, &args);
	}
}

/* Kernel: fuse_iqueue_init(): an empty, connected input queue. */
static void fuse_iqueue_init(struct fuse_iqueue *fiq,
			     const struct fuse_iqueue_ops *ops, void *priv)
{
	memset(fiq, 0, sizeof(struct fuse_iqueue));
	spin_lock_init(&fiq->lock);
	init_waitqueue_head(&fiq->waitq);
	INIT_LIST_HEAD(&fiq->pending);
	INIT_LIST_HEAD(&fiq->interrupts);
	fiq->forget_list_tail = &fiq->forget_list_head;
	fiq->connected = 1;
	fiq->ops = ops;
	fiq->priv = priv;
}

/* Kernel: fuse_pqueue_init(). */
static void fuse_pqueue_init(struct fuse_pqueue *fpq)
{
	unsigned int i;

	spin_lock_init(&fpq->lock);
	for (i = 0; i < FUSE_PQ_HASH_SIZE; i++)
		INIT_LIST_HEAD(&fpq->processing[i]);
	INIT_LIST_HEAD(&fpq->io);
	fpq->connected = 1;
}

/* Kernel: fuse_conn_init(): a connected, uninitialised connection with one
 * reference and @fm as its first mount. */
void fuse_conn_init(struct fuse_conn *fc, struct fuse_mount *fm,
		    const struct fuse_iqueue_ops *fiq_ops, void *fiq_priv)
{
	assert(fiq_ops);
	/* exactly one style: all mainline send ops or all v5 wake ops */
	assert(!fiq_ops->send_req == !fiq_ops->send_forget);
	assert(!fiq_ops->send_req != !fiq_ops->wake_pending_and_unlock);
	assert(!fiq_ops->wake_pending_and_unlock ==
	       !fiq_ops->wake_forget_and_unlock);

	memset(fc, 0, sizeof(*fc));
	spin_lock_init(&fc->lock);
	spin_lock_init(&fc->bg_lock);
	refcount_set(&fc->count, 1);
	atomic_set(&fc->dev_count, 1);
	init_waitqueue_head(&fc->blocked_waitq);
	fuse_iqueue_init(&fc->iq, fiq_ops, fiq_priv);
	INIT_LIST_HEAD(&fc->bg_queue);
	INIT_LIST_HEAD(&fc->devices);
	atomic_set(&fc->num_waiting, 0);
	fc->max_background = FUSE_DEFAULT_MAX_BACKGROUND;
	fc->congestion_threshold = FUSE_DEFAULT_CONGESTION_THRESHOLD;
	fc->blocked = 0;
	fc->initialized = 0;
	fc->connected = 1;
	fc->max_pages = FUSE_DEFAULT_MAX_PAGES_PER_REQ;
	fc->max_pages_limit = FUSE_MAX_MAX_PAGES;
	fc->max_write = 4096;
	/* sim: a send_* transport is mainline's; virtio_fs_get_tree() says
	 * which release the connection belongs to */
	fc->variant = fiq_ops->send_req ? VIRTIO_FS_MAINLINE : VIRTIO_FS_V6_1;
	fc->timeout.unit = HZ; /* sim: the timeout counts seconds */
	INIT_LIST_HEAD(&fc->mounts);
	list_add(&fm->fc_entry, &fc->mounts);
	fm->fc = fc;
}

/* Kernel: fuse_conn_put(): the last reference stops the timeout check,
 * lets the transport release fiq->priv and frees the connection. */
void fuse_conn_put(struct fuse_conn *fc)
{
	struct fuse_iqueue *fiq = &fc->iq;

	if (!refcount_dec_and_test(&fc->count))
		return;
	if (fuse_variant_in(fc, VFS_MAINLINE)) {
		if (fc->timeout.req_timeout)
			cancel_delayed_work_sync(&fc->timeout.work);
	}
	if (fiq->ops->release)
		fiq->ops->release(fiq);
	if (fc->release)
		fc->release(fc);
}

/* Kernel: fuse_conn_get(). */
struct fuse_conn *fuse_conn_get(struct fuse_conn *fc)
{
	refcount_inc(&fc->count);
	return fc;
}

/* Kernel: struct fuse_init_args: INIT's description and both payloads,
 * allocated together so process_init_reply() frees them at once. */
struct fuse_init_args {
	struct fuse_args args;
	struct fuse_init_in in;
	struct fuse_init_out out;
};

/* Kernel: process_init_limits(): background limits from the reply. */
static void process_init_limits(struct fuse_conn *fc,
				const struct fuse_init_out *arg)
{
	if (arg->minor < 13)
		return;

	spin_lock(&fc->bg_lock);
	if (arg->max_background)
		fc->max_background = arg->max_background;
	if (arg->congestion_threshold)
		fc->congestion_threshold = arg->congestion_threshold;
	spin_unlock(&fc->bg_lock);
}

/* sim [mainline]: the timeout check could abort nothing now: no request
 * is outstanding (see sim_timer_set_idle()). */
static bool fuse_timeout_idle(const struct sim_timer *timer)
{
	const struct fuse_conn *fc =
		container_of(timer, struct fuse_conn, timeout.work.timer);

	return !atomic_read(&fc->num_waiting);
}

/* Kernel [mainline]: set_request_timeout(): @timeout seconds, checked every
 * FUSE_TIMEOUT_TIMER_FREQ seconds from now (sim: units of
 * fc->timeout.unit, seconds unless the timeout-ms option made them ms). */
static void set_request_timeout(struct fuse_conn *fc, unsigned int timeout)
{
	const char *unit = fc->timeout.unit == HZ ? "s" : "ms";

	fc->timeout.req_timeout = (unsigned long)timeout * fc->timeout.unit;
	INIT_DELAYED_WORK(&fc->timeout.work, fuse_check_timeout);
	/* sim: the check re-arms for as long as the connection lives; with
	 * no request outstanding it can do nothing, and keeps no run going
	 * (sim_timer_set_idle()); with one, a request older than the
	 * timeout is found at most timeout / period + 1 checks after it
	 * was queued, so the run waits that long for the abort */
	sim_timer_set_idle(&fc->timeout.work.timer, fuse_timeout_idle,
			   timeout / FUSE_TIMEOUT_TIMER_FREQ + 2);
	queue_delayed_work(system_wq, &fc->timeout.work, fuse_timeout_freq(fc));
	TRACE(.kind = "fuse.timeout_armed", .func = "fuse_init_server_timeout",
	      .detail = trace_fmt("request timeout %u %s, checked every %u %s",
				  timeout, unit, FUSE_TIMEOUT_TIMER_FREQ,
				  unit));
}

/* Kernel [mainline]: init_server_timeout() (fuse_init_server_timeout() in later
 * releases): the server's timeout, else the default sysctl, capped by
 * the max sysctl, never below the check period. */
void fuse_init_server_timeout(struct fuse_conn *fc, unsigned int timeout)
{
	if (!timeout && !fuse_max_req_timeout && !fuse_default_req_timeout)
		return;

	if (!timeout)
		timeout = fuse_default_req_timeout;

	if (fuse_max_req_timeout) {
		if (timeout)
			timeout = fuse_max_req_timeout < timeout ?
					  fuse_max_req_timeout :
					  timeout;
		else
			timeout = fuse_max_req_timeout;
	}

	if (timeout < FUSE_TIMEOUT_TIMER_FREQ)
		timeout = FUSE_TIMEOUT_TIMER_FREQ;

	set_request_timeout(fc, timeout);
}

/*
 * Kernel: process_init_reply(): INIT's background end. A good reply sets
 * the negotiated limits and flags and conn_init and (mainline) arms the
 * request timeout, the server's if it sent one; an error, a wrong major
 * or a bad map alignment sets conn_error, so every later request fails
 * with ECONNREFUSED. Either way the connection counts as initialised and
 * the senders blocked on it are woken.
 */
static void process_init_reply(struct fuse_mount *fm, struct fuse_args *args,
			       int error)
{
	struct fuse_conn *fc = fm->fc;
	struct fuse_init_args *ia =
		container_of(args, struct fuse_init_args, args);
	struct fuse_init_out *arg = &ia->out;
	bool ok = true;

	if (error || arg->major != FUSE_KERNEL_VERSION) {
		ok = false;
	} else {
		unsigned int timeout = 0;

		process_init_limits(fc, arg);

		if (arg->minor >= 6) {
			u64 flags = arg->flags;

			if (flags & FUSE_INIT_EXT)
				flags |= (u64)arg->flags2 << 32;
			fc->init_flags = flags;
			if (!(flags & FUSE_POSIX_LOCKS))
				fc->no_lock = 1;
			if (flags & FUSE_ATOMIC_O_TRUNC)
				fc->atomic_o_trunc = 1;
			if (flags & FUSE_MAX_PAGES) {
				unsigned int mp =
					arg->max_pages ? arg->max_pages : 1;

				fc->max_pages = mp < fc->max_pages_limit ?
							mp :
							fc->max_pages_limit;
			}
			if (flags & FUSE_MAP_ALIGNMENT) {
				if (fuse_dax_check_alignment(
					    fc, arg->map_alignment))
					fc->map_alignment = arg->map_alignment;
				else
					ok = false;
			}
			if (fuse_variant_in(fc, VFS_MAINLINE)) {
				if (flags & FUSE_REQUEST_TIMEOUT)
					timeout = arg->request_timeout;
			}
		} else {
			fc->no_lock = 1;
		}

		if (fuse_variant_in(fc, VFS_MAINLINE)) {
			fuse_init_server_timeout(fc, timeout);
		}

		fc->minor = arg->minor;
		fc->max_write = arg->minor < 5 ? 4096 : arg->max_write;
		if (fc->max_write < 4096)
			fc->max_write = 4096;
		fc->conn_init = 1;
	}
	TRACE(.kind = "fuse.init", .func = "process_init_reply",
	      .opcode = FUSE_INIT,
	      .detail = trace_fmt("%s minor=%u max_write=%u max_pages=%u",
				  ok ? "ok" : "failed", fc->minor,
				  fc->max_write, fc->max_pages));
	kfree(ia);

	if (!ok) {
		fc->conn_init = 0;
		fc->conn_error = 1;
	}

	smp_wmb();
	fc->initialized = 1;
	wake_up_all(&fc->blocked_waitq);
}

/*
 * Kernel: fuse_send_init(): INIT goes out as a forced background request;
 * if it cannot even be queued, the reply handler runs with ENOTCONN. The
 * map alignment is asked for only with a DAX window (6.1 and mainline;
 * the 5.4 core had no DAX), a request timeout from mainline on.
 */
void fuse_send_init(struct fuse_mount *fm)
{
	struct fuse_init_args *ia;
	u64 flags = FUSE_GUEST_INIT_FLAGS;

	if (fuse_variant_in(fm->fc, VFS_V6_1 | VFS_MAINLINE)) {
		if (fm->fc->dax)
			flags |= FUSE_MAP_ALIGNMENT;
	}
	if (fuse_variant_in(fm->fc, VFS_MAINLINE)) {
		flags |= FUSE_REQUEST_TIMEOUT;
	}
	ia = kzalloc(sizeof(*ia), GFP_KERNEL | __GFP_NOFAIL);

	ia->in.major = FUSE_KERNEL_VERSION;
	ia->in.minor = FUSE_KERNEL_MINOR_VERSION;
	ia->in.max_readahead = FUSE_GUEST_MAX_READAHEAD;
	ia->in.flags = (u32)flags;
	ia->in.flags2 = (u32)(flags >> 32);
	ia->args.opcode = FUSE_INIT;
	ia->args.in_numargs = 1;
	ia->args.in_args[0].size = sizeof(ia->in);
	ia->args.in_args[0].value = &ia->in;
	ia->args.out_numargs = 1;
	/* a shorter (older) reply is fine: the rest stays zero */
	ia->args.out_argvar = true;
	ia->args.out_args[0].size = sizeof(ia->out);
	ia->args.out_args[0].value = &ia->out;
	ia->args.force = true;
	ia->args.nocreds = true;
	ia->args.end = process_init_reply;

	if (fuse_simple_background(fm, &ia->args, GFP_KERNEL) != 0)
		process_init_reply(fm, &ia->args, -ENOTCONN);
}

/* Kernel: fuse_dev_alloc(): a channel with its processing buckets. */
struct fuse_dev *fuse_dev_alloc(void)
{
	struct fuse_dev *fud;
	struct list_head *pq;

	fud = kzalloc(sizeof(struct fuse_dev), GFP_KERNEL);
	if (!fud)
		return NULL;

	pq = kcalloc(FUSE_PQ_HASH_SIZE, sizeof(struct list_head), GFP_KERNEL);
	if (!pq) {
		kfree(fud);
		return NULL;
	}

	fud->pq.processing = pq;
	fuse_pqueue_init(&fud->pq);
	INIT_LIST_HEAD(&fud->entry);

	return fud;
}

/* Kernel: fuse_dev_install(): the channel holds a connection reference. */
void fuse_dev_install(struct fuse_dev *fud, struct fuse_conn *fc)
{
	fud->fc = fuse_conn_get(fc);
	spin_lock(&fc->lock);
	list_add_tail(&fud->entry, &fc->devices);
	spin_unlock(&fc->lock);
}

/* Kernel: fuse_dev_alloc_install(). */
struct fuse_dev *fuse_dev_alloc_install(struct fuse_conn *fc)
{
	struct fuse_dev *fud = fuse_dev_alloc();

	if (fud)
		fuse_dev_install(fud, fc);
	return fud;
}

/* Kernel: fuse_dev_free(): unlink, drop the connection reference, free. */
void fuse_dev_free(struct fuse_dev *fud)
{
	struct fuse_conn *fc;

	if (!fud)
		return;
	fc = fud->fc;
	if (fc) {
		spin_lock(&fc->lock);
		list_del(&fud->entry);
		spin_unlock(&fc->lock);

		fuse_conn_put(fc);
	}
	kfree(fud->pq.processing);
	kfree(fud);
}

/*
 * Kernel: fuse_fill_super_common(): take the mount options into the
 * connection and, when the caller asks for it through ctx->fudptr, give it
 * a channel. -EINVAL when the super block has no fuse_mount or *fudptr is
 * already taken, -ENOMEM when the channel cannot be allocated.
 */
int fuse_fill_super_common(struct super_block *sb, struct fuse_fs_context *ctx)
{
	struct fuse_dev *fud = NULL;
	struct fuse_mount *fm = get_fuse_mount_super(sb);
	struct fuse_conn *fc;

	if (!fm || !fm->fc)
		return -EINVAL;
	fc = fm->fc;

	if (ctx->fudptr) {
		fud = fuse_dev_alloc_install(fc);
		if (!fud)
			return -ENOMEM;
	}

	fm->sb = sb;
	if (fuse_variant_in(fc, VFS_V6_1 | VFS_MAINLINE)) {
		/* fuse_dax_conn_alloc(): DAX when the device has a window */
		fc->dax = ctx->dax;
	}
	fc->default_permissions = ctx->default_permissions;
	fc->allow_other = ctx->allow_other;
	fc->max_read = ctx->max_read > 4096 ? ctx->max_read : 4096;
	fc->destroy = ctx->destroy;
	fc->no_control = ctx->no_control;
	fc->no_force_umount = ctx->no_force_umount;

	if (ctx->fudptr && *ctx->fudptr) {
		fuse_dev_free(fud);
		return -EINVAL;
	}
	if (ctx->fudptr)
		*ctx->fudptr = fud;
	return 0;
}

/* Kernel: fuse_mount_remove(): the kernel takes fc->killsb for writing;
 * tasks switch only at yield points, so the list update needs nothing. */
bool fuse_mount_remove(struct fuse_mount *fm)
{
	struct fuse_conn *fc = fm->fc;

	list_del_init(&fm->fc_entry);
	return list_empty(&fc->mounts);
}

/* Kernel: fuse_conn_destroy(): DESTROY (if the mount asked), then abort
 * and wait until no request is left. */
void fuse_conn_destroy(struct fuse_mount *fm)
{
	struct fuse_conn *fc = fm->fc;

	if (fc->destroy)
		fuse_send_destroy(fm);

	fuse_abort_conn(fc);
	fuse_wait_aborted(fc);
}

/* ---- vfsim only: no kernel twin ----------------------------------------- */

/*
 * No kernel twin: describe @args for fuse_proto. A page argument (the last
 * in arg with in_pages, the last out arg with out_pages) is given with its
 * size and a NULL value: its bytes live in pages, so the transport gathers
 * or scatters them itself; fuse_proto checks such an out arg by size only.
 */
void fuse_args_to_proto(const struct fuse_args *args,
			struct fuse_proto_args *pa)
{
	unsigned int i;

	assert(args->in_numargs <= ARRAY_SIZE(args->in_args));
	assert(args->out_numargs <= ARRAY_SIZE(args->out_args));
	/* Every field set one by one: this runs twice per request, and a
	 * memset() of the whole struct costs more than the copying. */
	pa->opcode = args->opcode;
	pa->nodeid = args->nodeid;
	pa->in_numargs = args->in_numargs;
	pa->out_numargs = args->out_numargs;
	pa->out_argvar = args->out_argvar;
	pa->noreply = args->noreply;
	for (i = 0; i < ARRAY_SIZE(pa->in_args); i++) {
		bool used = i < args->in_numargs;

		pa->in_args[i].size = used ? args->in_args[i].size : 0;
		pa->in_args[i].value = used ? args->in_args[i].value : NULL;
	}
	if (args->in_pages && args->in_numargs)
		pa->in_args[args->in_numargs - 1].value = NULL;
	for (i = 0; i < ARRAY_SIZE(pa->out_args); i++) {
		bool used = i < args->out_numargs;

		pa->out_args[i].size = used ? args->out_args[i].size : 0;
		pa->out_args[i].value = used ? args->out_args[i].value : NULL;
	}
	if (args->out_pages && args->out_numargs)
		pa->out_args[args->out_numargs - 1].value = NULL;
}
