// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_dev_abort.c - the end of a connection in the FUSE client core (the
 * abort and timeout half of the kernel's fs/fuse/dev.c): fuse_abort_conn(),
 * fuse_wait_aborted() and the request timeout that aborts a connection
 * whose server stopped answering.
 */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "guest/fuse_dev_internal.h"
#include "guest/fuse_i.h"

static bool forget_pending(struct fuse_iqueue *fiq)
{
	return fiq->forget_list_head.next != NULL;
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
		if (fc->timeout_freq)
			cancel_delayed_work(&fc->timeout_work);

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

/* Kernel: request_expired(): is the head of @list older than allowed? */
static bool request_expired(struct fuse_conn *fc, struct list_head *list)
{
	struct fuse_req *req;

	if (list_empty(list))
		return false;
	req = list_first_entry(list, struct fuse_req, list);
	return sched_now() - req->create_time > fc->req_timeout_ns;
}

/* Kernel: fuse_fpq_processing_expired(): any bucket's head too old? */
static bool fuse_fpq_processing_expired(struct fuse_conn *fc,
					struct list_head *processing)
{
	unsigned int i;

	for (i = 0; i < FUSE_PQ_HASH_SIZE; i++)
		if (request_expired(fc, &processing[i]))
			return true;

	return false;
}

/*
 * Kernel (6.15): fuse_check_timeout(): look at the oldest request of each
 * list; abort the connection when one is too old, else check again later.
 */
static void fuse_check_timeout(struct work_struct *work)
{
	struct delayed_work *dwork = to_delayed_work(work);
	struct fuse_conn *fc =
		container_of(dwork, struct fuse_conn, timeout_work);
	struct fuse_iqueue *fiq = &fc->iq;
	struct fuse_dev *fud;
	struct fuse_pqueue *fpq;
	bool expired = false;

	if (!atomic_read(&fc->num_waiting))
		goto out;

	spin_lock(&fiq->lock);
	expired = request_expired(fc, &fiq->pending);
	spin_unlock(&fiq->lock);
	if (expired)
		goto abort_conn;

	spin_lock(&fc->bg_lock);
	expired = request_expired(fc, &fc->bg_queue);
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
		if (request_expired(fc, &fpq->io) ||
		    fuse_fpq_processing_expired(fc, fpq->processing)) {
			spin_unlock(&fpq->lock);
			spin_unlock(&fc->lock);
			goto abort_conn;
		}

		spin_unlock(&fpq->lock);
	}
	spin_unlock(&fc->lock);

out:
	queue_delayed_work(system_wq, &fc->timeout_work, fc->timeout_freq);
	return;

abort_conn:
	TRACE(.kind = "fuse.timeout", .func = "fuse_check_timeout",
	      .detail = "request timed out: aborting the connection");
	fuse_abort_conn(fc);
}

/* Kernel: set_request_timeout() / fuse_init_server_timeout(). */
void fuse_init_server_timeout(struct fuse_conn *fc, u64 timeout_ns)
{
	unsigned long freq;

	if (!timeout_ns || fc->timeout_freq)
		return;

	fc->req_timeout_ns = timeout_ns;
	freq = (unsigned long)((timeout_ns + NSEC_PER_SEC / HZ - 1) /
			       (NSEC_PER_SEC / HZ));
	if (freq > FUSE_TIMEOUT_TIMER_FREQ)
		freq = FUSE_TIMEOUT_TIMER_FREQ;
	fc->timeout_freq = freq;
	INIT_DELAYED_WORK(&fc->timeout_work, fuse_check_timeout);
	queue_delayed_work(system_wq, &fc->timeout_work, fc->timeout_freq);
}
