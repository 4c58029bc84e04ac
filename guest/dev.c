// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev.c - twin of Linux fs/fuse/dev.c (mainline's order), reduced to
 * what virtio-fs uses: the request timeout's checks, allocating requests,
 * handing them to the transport, waiting for the answer, the background
 * queue, forgets, and aborting a connection. The parts of dev.c that serve
 * /dev/fuse (read, write, splice, notify, ioctls) have no place here:
 * virtio-fs moves requests through virtqueues instead.
 *
 * The FUSE core of each variant's release is here: 5.4's and 6.1's hand
 * requests and forgets over through fiq->pending and the forget list and
 * the wake_*_and_unlock ops, assigning the unique under fiq->lock;
 * mainline's calls the send_* ops, and the transport's send_req assigns
 * the unique (virtio_fs_send_req() calls fuse_get_unique()). Forgets get
 * their unique from the transport in every release.
 *
 * Signals do not exist in the simulation, so request_wait_answer() is its
 * last, uninterruptible wait only and FUSE_INTERRUPT is never queued
 * (virtio-fs does not send it anyway: its send_interrupt is empty).
 */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "guest/fuse_dev_i.h"
#include "guest/fuse_i.h"

/* Kernel [mainline]: the request-timeout check's period, in jiffies. */
const unsigned long fuse_timeout_timer_freq = FUSE_TIMEOUT_TIMER_FREQ * HZ;

/* Kernel [mainline]: fuse_request_expired(): has the head of @list
 * waited longer than the timeout? */
static bool fuse_request_expired(struct fuse_conn *fc, struct list_head *list)
{
	struct fuse_req *req;

	req = list_first_entry_or_null(list, struct fuse_req, list);
	if (!req)
		return false;
	return time_after(jiffies, req->create_time + fc->timeout.req_timeout);
}

/* Kernel [mainline]: fuse_fpq_processing_expired(): any bucket's head
 * too old? */
static bool fuse_fpq_processing_expired(struct fuse_conn *fc,
					struct list_head *processing)
{
	unsigned int i;

	for (i = 0; i < FUSE_PQ_HASH_SIZE; i++)
		if (fuse_request_expired(fc, &processing[i]))
			return true;

	return false;
}

/*
 * Kernel [mainline]: fuse_check_timeout() (6.14 on): look at the oldest request of
 * each list every FUSE_TIMEOUT_TIMER_FREQ seconds; abort the connection
 * when one waited too long. Requests a transport parks on lists of its
 * own (virtio-fs's queued_reqs) are not looked at.
 */
void fuse_check_timeout(struct work_struct *work)
{
	struct delayed_work *dwork = to_delayed_work(work);
	struct fuse_conn *fc =
		container_of(dwork, struct fuse_conn, timeout.work);
	struct fuse_iqueue *fiq = &fc->iq;
	struct fuse_dev *fud;
	struct fuse_pqueue *fpq;
	bool expired = false;

	if (!atomic_read(&fc->num_waiting))
		goto out;

	spin_lock(&fiq->lock);
	expired = fuse_request_expired(fc, &fiq->pending);
	spin_unlock(&fiq->lock);
	if (expired)
		goto abort_conn;

	spin_lock(&fc->bg_lock);
	expired = fuse_request_expired(fc, &fc->bg_queue);
	spin_unlock(&fc->bg_lock);
	if (expired)
		goto abort_conn;

	spin_lock(&fc->lock);
	if (!fc->connected) {
		spin_unlock(&fc->lock);
		return;
	}
	list_for_each_entry(fud, &fc->devices, entry) {
		fpq = &fud->pq;
		spin_lock(&fpq->lock);
		if (fuse_request_expired(fc, &fpq->io) ||
		    fuse_fpq_processing_expired(fc, fpq->processing)) {
			spin_unlock(&fpq->lock);
			spin_unlock(&fc->lock);
			goto abort_conn;
		}

		spin_unlock(&fpq->lock);
	}
	spin_unlock(&fc->lock);

out:
	queue_delayed_work(system_wq, &fc->timeout.work, fuse_timeout_freq(fc));
	return;

abort_conn:
	TRACE(.kind = "fuse.timeout", .func = "fuse_check_timeout",
	      .detail = "request timed out: aborting the connection");
	fuse_abort_conn(fc);
}

/* The kernel's ERR_PTR(), IS_ERR() and PTR_ERR(), local to this file. */
static inline void *err_ptr(long err)
{
	return (void *)err;
}

static inline bool is_err(const void *p)
{
	return (unsigned long)p >= (unsigned long)-4095;
}

static inline long ptr_err(const void *p)
{
	return (long)p;
}

/* Kernel: fuse_request_init(): a fresh request is pending, one reference. */
static void fuse_request_init(struct fuse_mount *fm, struct fuse_req *req)
{
	INIT_LIST_HEAD(&req->list);
	INIT_LIST_HEAD(&req->intr_entry);
	init_waitqueue_head(&req->waitq);
	refcount_set(&req->count, 1);
	__set_bit(FR_PENDING, &req->flags);
	req->fm = fm;
	if (fuse_variant_in(fm->fc, VFS_MAINLINE)) {
		req->create_time = jiffies;
	}
}

/* Kernel: fuse_request_alloc(): a zeroed request in guest memory. */
static struct fuse_req *fuse_request_alloc(struct fuse_mount *fm, gfp_t flags)
{
	struct fuse_req *req = kzalloc(sizeof(*req), flags);

	if (req)
		fuse_request_init(fm, req);
	return req;
}

/*
 * Kernel: fuse_request_free(). sim: a request still linked on a list (a
 * processing list, after the end-before-unlist bug ended it there) leaves
 * a dangling entry that the next walk or insertion uses; KASAN reports
 * that use on a real machine, "fuse.uaf" reports it here, at the free, and
 * the request is unlinked so the simulation can go on.
 */
static void fuse_request_free(struct fuse_req *req)
{
	if (req->list.next && !list_empty(&req->list)) {
		check_report("fuse.uaf",
			     "BUG: KASAN: use-after-free: request %llu (opcode "
			     "%u) freed while still on a list, which now "
			     "points at freed memory",
			     (unsigned long long)req->in.h.unique,
			     req->in.h.opcode);
		list_del_init(&req->list);
	}
	kfree(req);
}

/* Kernel: __fuse_get_request(): take a reference. */
void __fuse_get_request(struct fuse_req *req)
{
	refcount_inc(&req->count);
}

/* Kernel: fuse_set_initialized(): let requests flow. */
void fuse_set_initialized(struct fuse_conn *fc)
{
	/* Make sure stores before this are seen on another CPU */
	smp_wmb();
	fc->initialized = 1;
}

/* Kernel: fuse_block_alloc(): must a new request wait? */
static bool fuse_block_alloc(struct fuse_conn *fc, bool for_background)
{
	return !fc->initialized || (for_background && fc->blocked);
}

/* Kernel: fuse_drop_waiting(): the last waiter of a dead connection wakes
 * fuse_wait_aborted(). */
static void fuse_drop_waiting(struct fuse_conn *fc)
{
	if (atomic_dec_and_test(&fc->num_waiting) && !READ_ONCE(fc->connected))
		wake_up_all(&fc->blocked_waitq);
}

/* Kernel: fuse_force_creds() / the creds part of fuse_get_req(): the
 * simulation has one user (uid 0, gid 0); the pid is the task's spawn
 * number, which is deterministic. */
static void fuse_fill_creds(struct fuse_req *req)
{
	req->in.h.uid = 0;
	req->in.h.gid = 0;
	req->in.h.pid = current ? current->id : 0;
}

/*
 * Kernel: fuse_get_req(): wait until INIT has been answered (and, for a
 * background request, until the background queue has room), then allocate
 * a request counted in fc->num_waiting. Returns an ERR_PTR on failure.
 */
static struct fuse_req *fuse_get_req(struct fuse_mount *fm, bool for_background)
{
	struct fuse_conn *fc = fm->fc;
	struct fuse_req *req;
	int err;

	atomic_inc(&fc->num_waiting);

	if (fuse_block_alloc(fc, for_background))
		wait_event(fc->blocked_waitq,
			   !fuse_block_alloc(fc, for_background));
	/* Matches smp_wmb() in fuse_set_initialized() */
	smp_rmb();

	err = -ENOTCONN;
	if (!fc->connected)
		goto out;

	err = -ECONNREFUSED;
	if (fc->conn_error)
		goto out;

	req = fuse_request_alloc(fm, GFP_KERNEL);
	err = -ENOMEM;
	if (!req) {
		if (for_background)
			wake_up(&fc->blocked_waitq);
		goto out;
	}

	fuse_fill_creds(req);
	__set_bit(FR_WAITING, &req->flags);
	if (for_background)
		__set_bit(FR_BACKGROUND, &req->flags);

	return req;

out:
	fuse_drop_waiting(fc);
	return err_ptr(err);
}

/* Kernel: fuse_put_request(): the last reference frees the request. */
void fuse_put_request(struct fuse_req *req)
{
	struct fuse_conn *fc = req->fm->fc;

	if (refcount_dec_and_test(&req->count)) {
		if (test_bit(FR_BACKGROUND, &req->flags)) {
			/*
			 * We get here in the unlikely case that a background
			 * request was allocated but not sent
			 */
			spin_lock(&fc->bg_lock);
			if (!fc->blocked)
				wake_up(&fc->blocked_waitq);
			spin_unlock(&fc->bg_lock);
		}

		if (test_bit(FR_WAITING, &req->flags)) {
			__clear_bit(FR_WAITING, &req->flags);
			fuse_drop_waiting(fc);
		}

		fuse_request_free(req);
	}
}

/* Kernel: fuse_len_args(): bytes of @numargs arguments. */
unsigned int fuse_len_args(unsigned int numargs, struct fuse_arg *args)
{
	unsigned int nbytes = 0;
	unsigned int i;

	for (i = 0; i < numargs; i++)
		nbytes += args[i].size;

	return nbytes;
}

/* fuse_len_args() over input arguments (the kernel casts in_args). */
static unsigned int fuse_len_in_args(const struct fuse_args *args)
{
	unsigned int nbytes = 0;
	unsigned int i;

	for (i = 0; i < args->in_numargs; i++)
		nbytes += args->in_args[i].size;
	return nbytes;
}

/* Kernel: fuse_get_unique(): uniques step by 2, the low bit is the
 * INTERRUPT marker. Tasks switch only at yield points, so the increment
 * needs no lock here (v5 held fiq->lock, mainline made it atomic). */
u64 fuse_get_unique(struct fuse_iqueue *fiq)
{
	fiq->reqctr += FUSE_REQ_ID_STEP;
	return fiq->reqctr;
}

/* Kernel [v5-2019, 6.1]: queue_request_and_unlock(): put @req on
 * fiq->pending and let the transport take it; called with fiq->lock,
 * which the transport drops. */
static void queue_request_and_unlock(struct fuse_iqueue *fiq,
				     struct fuse_req *req)
{
	assert_spin_locked(&fiq->lock);
	req->in.h.len =
		sizeof(struct fuse_in_header) + fuse_len_in_args(req->args);
	list_add_tail(&req->list, &fiq->pending);
	fiq->ops->wake_pending_and_unlock(fiq);
}

/* Kernel [mainline]: fuse_send_one(): hand @req to the transport. */
static void fuse_send_one(struct fuse_iqueue *fiq, struct fuse_req *req)
{
	req->in.h.len =
		sizeof(struct fuse_in_header) + fuse_len_in_args(req->args);
	TRACE(.kind = "fuse.send", .func = "fuse_send_one",
	      .opcode = (s32)req->in.h.opcode);
	fiq->ops->send_req(fiq, req);
}

/*
 * Kernel: fuse_queue_forget(). 5.4 and 6.1: append to the forget list
 * under fiq->lock if the queue is connected (else free the link) and
 * wake the transport, which unlocks. Mainline: hand it to send_forget,
 * which checks its own queue's state; the core looks at nothing.
 */
void fuse_queue_forget(struct fuse_conn *fc, struct fuse_forget_link *forget,
		       u64 nodeid, u64 nlookup)
{
	struct fuse_iqueue *fiq = &fc->iq;

	forget->forget_one.nodeid = nodeid;
	forget->forget_one.nlookup = nlookup;

	if (fuse_variant_in(fc, VFS_MAINLINE)) {
		fiq->ops->send_forget(fiq, forget);
	} else {
		forget->next = NULL;
		spin_lock(&fiq->lock);
		if (fiq->connected) {
			fiq->forget_list_tail->next = forget;
			fiq->forget_list_tail = forget;
			fiq->ops->wake_forget_and_unlock(fiq);
		} else {
			kfree(forget);
			spin_unlock(&fiq->lock);
		}
	}
}

/*
 * Kernel: flush_bg_queue(): send background requests while fewer than
 * max_background are active. Runs with fc->bg_lock held, so the transport
 * is entered with bg_lock held: the two 2019 virtio-fs deadlocks (sleeping
 * in the submitter, ending a request in the submitter) come from that.
 */
void flush_bg_queue(struct fuse_conn *fc)
{
	struct fuse_iqueue *fiq = &fc->iq;

	assert_spin_locked(&fc->bg_lock);
	while (fc->active_background < fc->max_background &&
	       !list_empty(&fc->bg_queue)) {
		struct fuse_req *req;

		req = list_first_entry(&fc->bg_queue, struct fuse_req, list);
		list_del(&req->list);
		fc->active_background++;
		if (fuse_variant_in(fc, VFS_MAINLINE)) {
			fuse_send_one(fiq, req);
		} else {
			spin_lock(&fiq->lock);
			req->in.h.unique = fuse_get_unique(fiq);
			queue_request_and_unlock(fiq, req);
		}
	}
}

/*
 * Kernel: fuse_request_end(): the request is over. A second call only
 * drops a reference (FR_FINISHED was already set; traced: "again"). The transport must
 * have taken the request off every list and cleared FR_SENT; both are
 * WARN_ONs as in the kernel. A background request leaves the background
 * accounting (under bg_lock, which therefore must not be held by the
 * caller) and lets the next queued one go; a synchronous one wakes its
 * waiter.
 */
void fuse_request_end(struct fuse_req *req)
{
	struct fuse_mount *fm = req->fm;
	struct fuse_conn *fc = fm->fc;
	struct fuse_iqueue *fiq = &fc->iq;

	if (test_and_set_bit(FR_FINISHED, &req->flags))
		goto ended_again;

	TRACE(.kind = "fuse.end", .func = "fuse_request_end",
	      .unique = req->in.h.unique, .opcode = (s32)req->in.h.opcode,
	      .detail = req->out.h.error ? fuse_errno_name(req->out.h.error) :
					   NULL);

	if (test_bit(FR_INTERRUPTED, &req->flags)) {
		spin_lock(&fiq->lock);
		list_del_init(&req->intr_entry);
		spin_unlock(&fiq->lock);
	}
	WARN_ON(test_bit(FR_PENDING, &req->flags));
	WARN_ON(test_bit(FR_SENT, &req->flags));
	if (test_bit(FR_BACKGROUND, &req->flags)) {
		spin_lock(&fc->bg_lock);
		clear_bit(FR_BACKGROUND, &req->flags);
		if (fc->num_background == fc->max_background) {
			fc->blocked = 0;
			wake_up(&fc->blocked_waitq);
		} else if (!fc->blocked) {
			/*
			 * Wake up next waiter, if any; fc->blocked and the
			 * waiters are in sync after the wake_up() above.
			 */
			if (waitqueue_active(&fc->blocked_waitq))
				wake_up(&fc->blocked_waitq);
		}

		fc->num_background--;
		fc->active_background--;
		flush_bg_queue(fc);
		spin_unlock(&fc->bg_lock);
	} else {
		/* Wake up waiter sleeping in request_wait_answer() */
		smp_wmb();
		wake_up(&req->waitq);
	}

	if (test_bit(FR_ASYNC, &req->flags))
		req->args->end(fm, req->args, req->out.h.error);
	fuse_put_request(req);
	return;

ended_again: /* sim: traced, so that a second end can be caught */
	TRACE(.kind = "fuse.end", .func = "fuse_request_end",
	      .unique = req->in.h.unique, .opcode = (s32)req->in.h.opcode,
	      .detail = "again");
	fuse_put_request(req);
}

/*
 * Kernel: request_wait_answer(): only its final, uninterruptible wait (no
 * signals here). virtio-fs clears FR_PENDING as soon as it takes the
 * request, so even the kernel's killable wait could not bail out.
 */
static void request_wait_answer(struct fuse_req *req)
{
	wait_event(req->waitq, test_bit(FR_FINISHED, &req->flags));
}

/* Kernel: __fuse_request_send(): send and wait. 5.4 and 6.1 assign the
 * unique and fail a dead queue here; mainline's transport does both. */
static void __fuse_request_send(struct fuse_req *req)
{
	struct fuse_conn *fc = req->fm->fc;
	struct fuse_iqueue *fiq = &fc->iq;

	BUG_ON(test_bit(FR_BACKGROUND, &req->flags));
	if (fuse_variant_in(fc, VFS_MAINLINE)) {
		/* acquire extra reference, since request is still needed
		 * after fuse_request_end() */
		__fuse_get_request(req);
		fuse_send_one(fiq, req);
		request_wait_answer(req);
		/* Pairs with smp_wmb() in fuse_request_end() */
		smp_rmb();
	} else {
		spin_lock(&fiq->lock);
		if (!fiq->connected) {
			spin_unlock(&fiq->lock);
			req->out.h.error = -ENOTCONN;
		} else {
			req->in.h.unique = fuse_get_unique(fiq);
			__fuse_get_request(req);
			queue_request_and_unlock(fiq, req);
			request_wait_answer(req);
			smp_rmb();
		}
	}
}

/* Kernel: fuse_args_to_req(): copy the description into the header. */
static void fuse_args_to_req(struct fuse_req *req, struct fuse_args *args)
{
	req->in.h.opcode = args->opcode;
	req->in.h.nodeid = args->nodeid;
	req->args = args;
	if (args->end)
		__set_bit(FR_ASYNC, &req->flags);
}

/*
 * Kernel: __fuse_simple_request() (fuse_simple_request()): a forced
 * request skips the wait for INIT and the connection checks of
 * fuse_get_req(); everything else waits there.
 */
ssize_t fuse_simple_request(struct fuse_mount *fm, struct fuse_args *args)
{
	struct fuse_conn *fc = fm->fc;
	struct fuse_req *req;
	ssize_t ret;

	assert(current);
	if (args->force) {
		atomic_inc(&fc->num_waiting);
		req = fuse_request_alloc(fm, GFP_KERNEL | __GFP_NOFAIL);

		if (!args->nocreds)
			fuse_fill_creds(req);

		__set_bit(FR_WAITING, &req->flags);
		__set_bit(FR_FORCE, &req->flags);
	} else {
		WARN_ON(args->nocreds);
		req = fuse_get_req(fm, false);
		if (is_err(req))
			return ptr_err(req);
	}

	fuse_args_to_req(req, args);

	if (!args->noreply)
		__set_bit(FR_ISREPLY, &req->flags);
	__fuse_request_send(req);
	ret = req->out.h.error;
	if (!ret && args->out_argvar) {
		BUG_ON(args->out_numargs == 0);
		ret = args->out_args[args->out_numargs - 1].size;
	}
	fuse_put_request(req);

	return ret;
}

/*
 * Kernel: fuse_request_queue_background(): count the request in
 * num_background (blocking new background allocations at the limit), queue
 * it and flush. False once the connection is gone.
 */
static bool fuse_request_queue_background(struct fuse_req *req)
{
	struct fuse_mount *fm = req->fm;
	struct fuse_conn *fc = fm->fc;
	bool queued = false;

	WARN_ON(!test_bit(FR_BACKGROUND, &req->flags));
	if (!test_bit(FR_WAITING, &req->flags)) {
		__set_bit(FR_WAITING, &req->flags);
		atomic_inc(&fc->num_waiting);
	}
	__set_bit(FR_ISREPLY, &req->flags);
	spin_lock(&fc->bg_lock);
	if (likely(fc->connected)) {
		fc->num_background++;
		if (fc->num_background == fc->max_background)
			fc->blocked = 1;
		list_add_tail(&req->list, &fc->bg_queue);
		flush_bg_queue(fc);
		queued = true;
	}
	spin_unlock(&fc->bg_lock);

	return queued;
}

/* Kernel: fuse_simple_background(): queue @args; args->end runs at the
 * end, never when this fails. */
int fuse_simple_background(struct fuse_mount *fm, struct fuse_args *args,
			   gfp_t gfp_flags)
{
	struct fuse_req *req;

	if (args->force) {
		WARN_ON(!args->nocreds);
		req = fuse_request_alloc(fm, gfp_flags);
		if (!req)
			return -ENOMEM;
		__set_bit(FR_BACKGROUND, &req->flags);
	} else {
		WARN_ON(args->nocreds);
		req = fuse_get_req(fm, true);
		if (is_err(req))
			return (int)ptr_err(req);
	}

	fuse_args_to_req(req, args);

	if (!fuse_request_queue_background(req)) {
		fuse_put_request(req);
		return -ENOTCONN;
	}

	return 0;
}

/* Kernel: forget_pending(): is a FORGET queued on @fiq? */
static bool forget_pending(struct fuse_iqueue *fiq)
{
	return fiq->forget_list_head.next != NULL;
}

/* Kernel: fuse_dequeue_forget(): unlink up to @max links from the head. */
struct fuse_forget_link *fuse_dequeue_forget(struct fuse_iqueue *fiq,
					     unsigned int max,
					     unsigned int *countp)
{
	struct fuse_forget_link *head = fiq->forget_list_head.next;
	struct fuse_forget_link **newhead = &head;
	unsigned int count;

	assert_spin_locked(&fiq->lock);
	for (count = 0; *newhead != NULL && count < max; count++)
		newhead = &(*newhead)->next;

	fiq->forget_list_head.next = *newhead;
	*newhead = NULL;
	if (fiq->forget_list_head.next == NULL)
		fiq->forget_list_tail = &fiq->forget_list_head;

	if (countp != NULL)
		*countp = count;

	return head;
}

/* Kernel: end_requests(): end every request on @head with ECONNABORTED. */
static void end_requests(struct list_head *head)
{
	while (!list_empty(head)) {
		struct fuse_req *req;

		req = list_entry(head->next, struct fuse_req, list);
		req->out.h.error = -ECONNABORTED;
		clear_bit(FR_SENT, &req->flags);
		list_del_init(&req->list);
		fuse_request_end(req);
	}
}

/*
 * Kernel: fuse_abort_conn(): mark everything disconnected, end what is
 * processing or pending with ECONNABORTED, free queued forgets, wake every
 * waiter. Background requests still queued are flushed to the transport
 * (max_background lifted), as the kernel does; the transport sees a dead
 * queue and fails them.
 */
void fuse_abort_conn(struct fuse_conn *fc)
{
	struct fuse_iqueue *fiq = &fc->iq;

	spin_lock(&fc->lock);
	if (fc->connected) {
		struct fuse_dev *fud;
		struct fuse_req *req, *next;
		LIST_HEAD(to_end);
		unsigned int i;

		TRACE(.kind = "fuse.abort", .func = "fuse_abort_conn");
		if (fuse_variant_in(fc, VFS_MAINLINE)) {
			if (fc->timeout.req_timeout)
				cancel_delayed_work(&fc->timeout.work);
		}

		/* Background queuing checks fc->connected under bg_lock */
		spin_lock(&fc->bg_lock);
		fc->connected = 0;
		spin_unlock(&fc->bg_lock);

		fc->aborted = true;
		fuse_set_initialized(fc);
		list_for_each_entry(fud, &fc->devices, entry) {
			struct fuse_pqueue *fpq = &fud->pq;

			spin_lock(&fpq->lock);
			fpq->connected = 0;
			list_for_each_entry_safe(req, next, &fpq->io, list) {
				req->out.h.error = -ECONNABORTED;
				set_bit(FR_ABORTED, &req->flags);
				if (!test_bit(FR_LOCKED, &req->flags)) {
					set_bit(FR_PRIVATE, &req->flags);
					__fuse_get_request(req);
					list_move(&req->list, &to_end);
				}
			}
			for (i = 0; i < FUSE_PQ_HASH_SIZE; i++)
				list_splice_tail_init(&fpq->processing[i],
						      &to_end);
			spin_unlock(&fpq->lock);
		}
		spin_lock(&fc->bg_lock);
		fc->blocked = 0;
		fc->max_background = UINT_MAX;
		flush_bg_queue(fc);
		spin_unlock(&fc->bg_lock);

		spin_lock(&fiq->lock);
		fiq->connected = 0;
		list_for_each_entry(req, &fiq->pending, list)
			clear_bit(FR_PENDING, &req->flags);
		list_splice_tail_init(&fiq->pending, &to_end);
		while (forget_pending(fiq))
			kfree(fuse_dequeue_forget(fiq, 1, NULL));
		wake_up_all(&fiq->waitq);
		spin_unlock(&fiq->lock);
		wake_up_all(&fc->blocked_waitq);
		spin_unlock(&fc->lock);

		end_requests(&to_end);
	} else {
		spin_unlock(&fc->lock);
	}
}

/* Kernel: fuse_wait_aborted(): wait for every counted request to go. */
void fuse_wait_aborted(struct fuse_conn *fc)
{
	/* matches implicit memory barrier in fuse_drop_waiting() */
	smp_mb();
	wait_event(fc->blocked_waitq, atomic_read(&fc->num_waiting) == 0);
}
