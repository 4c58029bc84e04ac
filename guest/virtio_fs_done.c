// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_fs_done.c - the virtio-fs request path, completion side: the
 * interrupt handler, the done work that takes used buffers back in the
 * disable_cb/get_buf/enable_cb loop, the reply check, copying replies out
 * and ending requests. Mirrors fs/fuse/virtio_fs.c; v5-2019 and mainline
 * differences sit side by side.
 */
#include <errno.h>
#include <string.h>

#include "guest/virtio_fs.h"

/* Kernel: vq_to_fsvq(): the queue's state; the index is the array index. */
static struct virtio_fs_vq *vq_to_fsvq(struct virtqueue *vq)
{
	struct virtio_fs *fs = vq->vdev->priv;

	if (WARN_ON(!fs)) /* an interrupt after remove() */
		return NULL;
	return &fs->vqs[vq->index];
}

/* Kernel: virtio_fs_vq_done(): the interrupt handler; defer to done_work. */
void virtio_fs_vq_done(struct virtqueue *vq)
{
	struct virtio_fs_vq *fsvq = vq_to_fsvq(vq);

	if (!fsvq)
		return;
	TRACE(.kind = "virtio_fs.irq", .func = "virtio_fs_vq_done",
	      .queue = fsvq->name);
	schedule_work(&fsvq->done_work);
}

/* ---- requests --------------------------------------------------------- */

bool virtio_fs_verify_response(struct fuse_req *req, unsigned int len)
{
	struct fuse_proto_args pa;
	int err;

	fuse_args_to_proto(req->args, &pa);
	err = fuse_proto_verify_reply(&pa, req->in.h.unique, &req->out.h, len,
				      NULL);
	if (err) {
		TRACE(.kind = "virtio_fs.bad_reply",
		      .func = "virtio_fs_verify_response",
		      .unique = req->in.h.unique,
		      .opcode = (s32)req->in.h.opcode,
		      .detail = trace_fmt("len=%u oh.len=%u: %s", len,
					  req->out.h.len,
					  fuse_errno_name(err)));
		return false;
	}
	return true;
}

/* Drop the reference the driver holds while the device has the buffers
 * (taken only with a request timeout, see virtio_fs_enqueue_req()). */
static void virtio_fs_put_device_ref(struct virtio_fs *fs, struct fuse_req *req)
{
	if (fs->req_timeout_ns)
		fuse_put_request(req);
}

/*
 * Kernel: virtio_fs_request_complete(): copy the reply out, zero the rest
 * of short page reads, clear FR_SENT, end the request, uncount it. A
 * request the core already ended (request timeout) only gets its buffers
 * back. end-before-unlist ends it first and unlinks it afterwards.
 */
static void virtio_fs_request_complete(struct fuse_req *req,
				       struct virtio_fs_vq *fsvq)
{
	struct virtio_fs *fs = fsvq->fs;
	struct fuse_pqueue *fpq = fsvq->fud ? &fsvq->fud->pq : NULL;
	struct fuse_args *args = req->args;
	bool early = virtio_fs_bug(fs, VIRTIO_FS_BUG_END_BEFORE_UNLIST);

	if (test_bit(FR_FINISHED, &req->flags)) {
		TRACE(.kind = "virtio_fs.late_reply",
		      .func = "virtio_fs_request_complete", .queue = fsvq->name,
		      .unique = req->in.h.unique,
		      .detail = "request already ended by the core");
		kfree(req->argbuf);
		req->argbuf = NULL;
		virtio_fs_put_device_ref(fs, req);
		goto uncount;
	}

	copy_args_from_argbuf(args, req);
	if (args->out_pages && args->page_zeroing)
		virtio_fs_zero_page_tail(args);
	TRACE(.kind = "virtio_fs.complete",
	      .func = "virtio_fs_request_complete", .queue = fsvq->name,
	      .unique = req->in.h.unique, .opcode = (s32)req->in.h.opcode,
	      .detail = trace_fmt("error=%d", req->out.h.error));

	if (early) {
		/* end-before-unlist: the request may be freed by now, or
		 * by its waiter while we wait for fpq->lock */
		fuse_request_end(req);
		if (fpq)
			spin_lock(&fpq->lock);
		if (!kmem_is_live(req)) {
			check_report("virtio_fs.uaf",
				     "BUG: KASAN: use-after-free in "
				     "virtio_fs_request_complete(): request "
				     "freed by fuse_request_end() while still "
				     "on a list");
			if (fpq)
				spin_unlock(&fpq->lock);
			goto uncount;
		}
	} else if (fpq) {
		spin_lock(&fpq->lock);
	}
	clear_bit(FR_SENT, &req->flags);
	list_del_init(&req->list);
	if (fpq)
		spin_unlock(&fpq->lock);
	if (!early)
		fuse_request_end(req);
	virtio_fs_put_device_ref(fs, req);
uncount:
	spin_lock(&fsvq->lock);
	if (virtio_fs_is_v5(fs))
		fsvq->in_flight--;
	else
		dec_in_flight_req(fsvq);
	spin_unlock(&fsvq->lock);
}

/* Kernel: virtio_fs_complete_req_work(): complete a request whose end may
 * block, in its own work. */
static void virtio_fs_complete_req_work(struct work_struct *work)
{
	struct virtio_fs_req_work *w =
		container_of(work, typeof(*w), done_work);

	virtio_fs_request_complete(w->req, w->fsvq);
	kfree(w);
}

/*
 * Kernel: virtio_fs_requests_done_work(): collect the used buffers in the
 * disable_cb / get_buf / enable_cb loop (so none is missed between the
 * last get_buf and re-enabling callbacks), then complete each request
 * outside fsvq->lock. Mainline verifies each reply first (-EIO when bad),
 * completes may_block requests in their own work, and restarts parked
 * requests.
 */
void virtio_fs_requests_done_work(struct work_struct *work)
{
	struct virtio_fs_vq *fsvq =
		container_of(work, struct virtio_fs_vq, done_work);
	struct virtio_fs *fs = fsvq->fs;
	struct fuse_pqueue *fpq = fsvq->fud ? &fsvq->fud->pq : NULL;
	struct virtqueue *vq = fsvq->vq;
	bool v5 = virtio_fs_is_v5(fs);
	struct fuse_req *req, *next;
	unsigned int len;
	LIST_HEAD(reqs);

	spin_lock(&fsvq->lock);
	if (!virtio_fs_vq_alive(fsvq, "virtio_fs_requests_done_work")) {
		spin_unlock(&fsvq->lock);
		return;
	}
	do {
		virtqueue_disable_cb(vq);
		while ((req = virtqueue_get_buf(vq, &len)) != NULL) {
			TRACE(.kind = "virtio_fs.reply",
			      .func = "virtio_fs_requests_done_work",
			      .queue = fsvq->name, .unique = req->in.h.unique,
			      .opcode = (s32)req->in.h.opcode,
			      .detail = trace_fmt("len=%u", len));
			if (!v5 && !test_bit(FR_FINISHED, &req->flags) &&
			    !virtio_fs_verify_response(req, len)) {
				req->out.h.error = -EIO;
				req->out.h.len = sizeof(struct fuse_out_header);
			}
			if (fpq)
				spin_lock(&fpq->lock);
			list_move_tail(&req->list, &reqs);
			if (fpq)
				spin_unlock(&fpq->lock);
		}
	} while (!virtqueue_enable_cb(vq) && (!v5 || !virtqueue_is_broken(vq)));
	spin_unlock(&fsvq->lock);

	list_for_each_entry_safe(req, next, &reqs, list) {
		if (!v5 && !virtio_fs_bug(fs, VIRTIO_FS_BUG_END_BEFORE_UNLIST))
			list_del_init(&req->list);
		if (!v5 && req->args->may_block &&
		    !test_bit(FR_FINISHED, &req->flags)) {
			struct virtio_fs_req_work *w;

			w = kzalloc(sizeof(*w), GFP_NOFS | __GFP_NOFAIL);
			INIT_WORK(&w->done_work, virtio_fs_complete_req_work);
			w->fsvq = fsvq;
			w->req = req;
			schedule_work(&w->done_work);
		} else {
			virtio_fs_request_complete(req, fsvq);
		}
	}

	if (!v5) {
		spin_lock(&fsvq->lock);
		if (!list_empty(&fsvq->queued_reqs))
			schedule_work(&fsvq->dispatch_work.work);
		spin_unlock(&fsvq->lock);
	}
}

/* sim: take back a request after a reset (see
 * virtio_fs_detach_unused_bufs()): end it with -ENOTCONN unless the core
 * already did, free its buffer, drop the device's reference if it had
 * one. */
void virtio_fs_req_detached(struct virtio_fs_vq *fsvq, struct fuse_req *req,
			    bool on_ring)
{
	struct virtio_fs *fs = fsvq->fs;

	kfree(req->argbuf);
	req->argbuf = NULL;
	if (!test_bit(FR_FINISHED, &req->flags)) {
		if (fsvq->fud)
			spin_lock(&fsvq->fud->pq.lock);
		list_del_init(&req->list);
		clear_bit(FR_SENT, &req->flags);
		if (fsvq->fud)
			spin_unlock(&fsvq->fud->pq.lock);
		req->out.h.error = -ENOTCONN;
		fuse_request_end(req);
	}
	if (on_ring)
		virtio_fs_put_device_ref(fs, req);
}
