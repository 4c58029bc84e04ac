// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_fs_queue.c - the virtio-fs request path, submission side: argument
 * bounce buffers, scatter-gather lists, enqueue, the two fiq send ops and
 * the dispatch work that retries parked requests. Completion is in
 * virtio_fs_done.c, FORGETs on the hiprio queue in virtio_fs_forget.c.
 * Mirrors fs/fuse/virtio_fs.c; v5-2019 and mainline differences sit side
 * by side.
 */
#include <errno.h>
#include <string.h>

#include "guest/virtio_fs.h"

static unsigned int in_args_len(const struct fuse_args *args, unsigned int n)
{
	unsigned int len = 0;

	for (unsigned int i = 0; i < n; i++)
		len += args->in_args[i].size;
	return len;
}

/* Kernel: copy_args_to_argbuf(): one guest buffer for the non-page
 * arguments, in-args copied in, out-args' room after them. */
static int copy_args_to_argbuf(struct fuse_req *req, gfp_t gfp)
{
	struct fuse_args *args = req->args;
	unsigned int num_in = args->in_numargs - args->in_pages;
	unsigned int num_out = args->out_numargs - args->out_pages;
	unsigned int offset = 0;
	unsigned int len;

	len = in_args_len(args, num_in) +
	      fuse_len_args(num_out, args->out_args);
	req->argbuf = kmalloc(len, gfp);
	if (!req->argbuf)
		return -ENOMEM;
	for (unsigned int i = 0; i < num_in; i++) {
		memcpy((char *)req->argbuf + offset, args->in_args[i].value,
		       args->in_args[i].size);
		offset += args->in_args[i].size;
	}
	return 0;
}

/*
 * Kernel: copy_args_from_argbuf(): copy the reply's arguments out of
 * argbuf (a variable last argument learns its size) and free argbuf.
 * out.h.len is trusted: mainline checked it in virtio_fs_verify_response();
 * v5 did not, so here a bad length is reported ("virtio_fs.unchecked_reply",
 * what would have underflowed in the kernel) and clamped.
 */
void copy_args_from_argbuf(struct fuse_args *args, struct fuse_req *req)
{
	unsigned int num_in = args->in_numargs - args->in_pages;
	unsigned int num_out = args->out_numargs - args->out_pages;
	unsigned int room, remaining, offset;
	struct fuse_proto_args pa;

	fuse_args_to_proto(args, &pa);
	room = (unsigned int)fuse_proto_reply_size(&pa) -
	       sizeof(struct fuse_out_header);
	remaining = req->out.h.len - sizeof(req->out.h);
	if (req->out.h.len < sizeof(req->out.h) || remaining > room) {
		check_report("virtio_fs.unchecked_reply",
			     "copy_args_from_argbuf(): out.h.len %u does not "
			     "fit the request (unique %llu)",
			     req->out.h.len,
			     (unsigned long long)req->in.h.unique);
		remaining = req->out.h.len < sizeof(req->out.h) ? 0 : room;
	}
	offset = in_args_len(args, num_in);

	for (unsigned int i = 0; i < num_out; i++) {
		unsigned int argsize = args->out_args[i].size;

		if (args->out_argvar && i == args->out_numargs - 1u &&
		    argsize > remaining)
			argsize = remaining;
		memcpy(args->out_args[i].value, (char *)req->argbuf + offset,
		       argsize);
		offset += argsize;
		if (i != args->out_numargs - 1u)
			remaining -= argsize;
	}
	if (args->out_argvar)
		args->out_args[args->out_numargs - 1].size = remaining;

	kfree(req->argbuf);
	req->argbuf = NULL;
}

/* Kernel: the page-zeroing block of virtio_fs_request_complete(): zero
 * what a short read left of the pages. */
void virtio_fs_zero_page_tail(struct fuse_args *args)
{
	struct fuse_args_pages *ap = container_of(args, typeof(*ap), args);
	unsigned int len = args->out_args[args->out_numargs - 1].size;

	for (unsigned int i = 0; i < ap->num_pages; i++) {
		unsigned int thislen = ap->descs[i].length;

		if (len < thislen) {
			WARN_ON(ap->descs[i].offset);
			memset((char *)page_address(ap->pages[i]) + len, 0,
			       thislen - len);
			len = 0;
		} else {
			len -= thislen;
		}
	}
}

/* Kernel: sg_count_fuse_folios() (mainline): page sgs clipped to the
 * argument's length, as sg_init_fuse_pages() builds them. */
static unsigned int sg_count_fuse_pages(const struct fuse_page_desc *descs,
					unsigned int num_pages,
					unsigned int total_len)
{
	unsigned int i;

	for (i = 0; i < num_pages && total_len; i++)
		total_len -= descs[i].length < total_len ? descs[i].length :
							   total_len;
	return i;
}

/* Kernel: sg_count_fuse_req(): scatter-gather elements the request needs.
 * v5 counts every page; mainline only those the argument reaches. */
static unsigned int sg_count_fuse_req(struct virtio_fs *fs,
				      struct fuse_req *req)
{
	struct fuse_args *args = req->args;
	struct fuse_args_pages *ap = container_of(args, typeof(*ap), args);
	bool v5 = virtio_fs_is_v5(fs);
	unsigned int total_sgs = 1; /* fuse_in_header */

	if (args->in_numargs - args->in_pages)
		total_sgs += 1;
	if (args->in_pages)
		total_sgs +=
			v5 ? ap->num_pages :
			     sg_count_fuse_pages(
				     ap->descs, ap->num_pages,
				     args->in_args[args->in_numargs - 1].size);
	if (!test_bit(FR_ISREPLY, &req->flags))
		return total_sgs;
	total_sgs += 1; /* fuse_out_header */
	if (args->out_numargs - args->out_pages)
		total_sgs += 1;
	if (args->out_pages)
		total_sgs +=
			v5 ? ap->num_pages :
			     sg_count_fuse_pages(
				     ap->descs, ap->num_pages,
				     args->out_args[args->out_numargs - 1].size);
	return total_sgs;
}

/* Kernel: sg_init_fuse_pages(): one sg per page, up to total_len bytes. */
static unsigned int sg_init_fuse_pages(struct scatterlist *sg,
				       struct page **pages,
				       struct fuse_page_desc *page_descs,
				       unsigned int num_pages,
				       unsigned int total_len)
{
	unsigned int i;

	for (i = 0; i < num_pages && total_len; i++) {
		unsigned int this_len = page_descs[i].length < total_len ?
						page_descs[i].length :
						total_len;

		sg_init_table(&sg[i], 1);
		sg_set_buf(&sg[i],
			   (char *)page_address(pages[i]) +
				   page_descs[i].offset,
			   this_len);
		total_len -= this_len;
	}
	return i;
}

/* Kernel: sg_init_fuse_args(): one sg for the arguments in argbuf, then
 * the pages; *len_used says how much of argbuf they took. */
static unsigned int sg_init_fuse_args(struct scatterlist *sg,
				      struct fuse_req *req, unsigned int len,
				      unsigned int argpages_len, bool argpages,
				      void *argbuf, unsigned int *len_used)
{
	struct fuse_args_pages *ap = container_of(req->args, typeof(*ap), args);
	unsigned int total_sgs = 0;

	if (len)
		sg_init_one(&sg[total_sgs++], argbuf, len);
	if (argpages)
		total_sgs += sg_init_fuse_pages(&sg[total_sgs], ap->pages,
						ap->descs, ap->num_pages,
						argpages_len);
	if (len_used)
		*len_used = len;
	return total_sgs;
}

/*
 * Kernel: virtio_fs_enqueue_req(). Bounce the arguments through argbuf,
 * build the sg list (header, in-args, pages | out header, out-args,
 * pages), add it to the ring and kick. On error nothing is left allocated
 * and the request is untouched. Mainline links the request on the
 * processing list and sets FR_SENT only once the ring took it (v5 did both
 * before calling this).
 */
int virtio_fs_enqueue_req(struct virtio_fs_vq *fsvq, struct fuse_req *req,
			  bool in_flight, gfp_t gfp)
{
	struct scatterlist *stack_sgs[6];
	struct scatterlist stack_sg[ARRAY_SIZE(stack_sgs)];
	struct scatterlist **sgs = stack_sgs;
	struct scatterlist *sg = stack_sg;
	struct virtio_fs *fs = fsvq->fs;
	struct fuse_args *args = req->args;
	unsigned int argbuf_used = 0;
	unsigned int out_sgs = 0;
	unsigned int in_sgs = 0;
	unsigned int total_sgs;
	bool notify;
	int ret;

	if (virtio_fs_is_v5(fs))
		gfp = GFP_ATOMIC;
	total_sgs = sg_count_fuse_req(fs, req);
	if (total_sgs > ARRAY_SIZE(stack_sgs)) {
		sgs = kmalloc_array(total_sgs, sizeof(sgs[0]), gfp);
		sg = kmalloc_array(total_sgs, sizeof(sg[0]), gfp);
		if (!sgs || !sg) {
			ret = -ENOMEM;
			goto out;
		}
	}

	ret = copy_args_to_argbuf(req, gfp);
	if (ret < 0)
		goto out;

	sg_init_one(&sg[out_sgs++], &req->in.h, sizeof(req->in.h));
	out_sgs += sg_init_fuse_args(
		&sg[out_sgs], req,
		in_args_len(args, args->in_numargs - args->in_pages),
		args->in_pages ? args->in_args[args->in_numargs - 1].size : 0,
		args->in_pages, req->argbuf, &argbuf_used);
	if (test_bit(FR_ISREPLY, &req->flags)) {
		sg_init_one(&sg[out_sgs + in_sgs++], &req->out.h,
			    sizeof(req->out.h));
		in_sgs += sg_init_fuse_args(
			&sg[out_sgs + in_sgs], req,
			fuse_len_args(args->out_numargs - args->out_pages,
				      args->out_args),
			args->out_pages ?
				args->out_args[args->out_numargs - 1].size :
				0,
			args->out_pages, (char *)req->argbuf + argbuf_used,
			NULL);
	}
	WARN_ON(out_sgs + in_sgs != total_sgs);
	for (unsigned int i = 0; i < out_sgs + in_sgs; i++)
		sgs[i] = &sg[i];

	spin_lock(&fsvq->lock);
	if (!fsvq->connected) {
		spin_unlock(&fsvq->lock);
		ret = -ENOTCONN;
		goto out;
	}
	if (!virtio_fs_vq_alive(fsvq, "virtio_fs_enqueue_req")) {
		spin_unlock(&fsvq->lock);
		ret = -EIO;
		goto out;
	}
	ret = virtqueue_add_sgs(fsvq->vq, sgs, out_sgs, in_sgs, req,
				GFP_ATOMIC);
	if (ret < 0) {
		spin_unlock(&fsvq->lock);
		goto out;
	}

	if (virtio_fs_is_v5(fs)) {
		fsvq->in_flight++;
	} else {
		struct fuse_pqueue *fpq = &fsvq->fud->pq;

		spin_lock(&fpq->lock);
		list_add_tail(&req->list, fpq->processing);
		spin_unlock(&fpq->lock);
		set_bit(FR_SENT, &req->flags);
		if (!in_flight)
			inc_in_flight_req(fsvq);
	}
	/* With a request timeout the core may end the request while the
	 * device still holds its buffers: keep the request alive until they
	 * come back (done work) or the device is reset (remove). */
	if (fs->req_timeout_ns)
		__fuse_get_request(req);
	TRACE(.kind = "virtio_fs.enqueue", .func = "virtio_fs_enqueue_req",
	      .queue = fsvq->name, .unique = req->in.h.unique,
	      .opcode = (s32)req->in.h.opcode,
	      .detail = trace_fmt("out_sgs=%u in_sgs=%u", out_sgs, in_sgs));
	notify = virtqueue_kick_prepare(fsvq->vq);
	spin_unlock(&fsvq->lock);
	if (notify)
		virtqueue_notify(fsvq->vq);
out:
	if (ret < 0 && req->argbuf) {
		kfree(req->argbuf);
		req->argbuf = NULL;
	}
	if (sgs != stack_sgs) {
		kfree(sgs);
		kfree(sg);
	}
	return ret;
}

/* The request queue of the submitting task's CPU (kernel: the line
 * fs->mq_map[raw_smp_processor_id()] in virtio_fs_send_req()). */
static unsigned int virtio_fs_pick_queue(struct virtio_fs *fs)
{
	int cpu = current ? raw_smp_processor_id() : 0;

	return fs->mq_map[(unsigned int)cpu % nr_cpu_ids];
}

/*
 * Kernel: virtio_fs_send_req() (mainline fiq op). Never sleeps and never
 * ends the request in the submitter (it may hold fc->bg_lock): a full ring
 * parks it on queued_reqs (counted in flight; the next completion
 * re-dispatches), any other error goes to end_reqs for dispatch_work.
 */
static void virtio_fs_send_req(struct fuse_iqueue *fiq, struct fuse_req *req)
{
	struct virtio_fs *fs = fiq->priv;
	struct virtio_fs_vq *fsvq;
	int ret;

	if (req->in.h.opcode != FUSE_NOTIFY_REPLY && !req->in.h.unique)
		req->in.h.unique = fuse_get_unique(fiq);
	clear_bit(FR_PENDING, &req->flags);
	fsvq = &fs->vqs[virtio_fs_pick_queue(fs)];
	TRACE(.kind = "virtio_fs.send", .func = "virtio_fs_send_req",
	      .queue = fsvq->name, .unique = req->in.h.unique,
	      .opcode = (s32)req->in.h.opcode);
retry:
	ret = virtio_fs_enqueue_req(fsvq, req, false, GFP_ATOMIC);
	if (ret >= 0)
		return;
	if (virtio_fs_bug(fs, VIRTIO_FS_BUG_SLEEP_RETRY_HOLDING_BG_LOCK) &&
	    (ret == -ENOMEM || ret == -ENOSPC)) {
		usleep_range(20, 30);
		goto retry;
	}
	if (ret == -ENOSPC) {
		TRACE(.kind = "virtio_fs.park", .func = "virtio_fs_send_req",
		      .queue = fsvq->name, .unique = req->in.h.unique,
		      .opcode = (s32)req->in.h.opcode);
		spin_lock(&fsvq->lock);
		list_add_tail(&req->list, &fsvq->queued_reqs);
		inc_in_flight_req(fsvq);
		spin_unlock(&fsvq->lock);
		return;
	}
	req->out.h.error = ret;
	TRACE(.kind = "virtio_fs.error", .func = "virtio_fs_send_req",
	      .queue = fsvq->name, .unique = req->in.h.unique,
	      .opcode = (s32)req->in.h.opcode,
	      .detail = trace_fmt("virtio_fs_enqueue_req() failed %d", ret));
	if (virtio_fs_bug(fs, VIRTIO_FS_BUG_END_REQ_IN_SUBMITTER)) {
		fuse_request_end(req);
		return;
	}
	spin_lock(&fsvq->lock);
	list_add_tail(&req->list, &fsvq->end_reqs);
	schedule_work(&fsvq->dispatch_work.work);
	spin_unlock(&fsvq->lock);
}

/*
 * Kernel (v5): virtio_fs_wake_pending_and_unlock(): entered with fiq->lock
 * held (and maybe fc->bg_lock). Link the request on processing, set
 * FR_SENT, then enqueue; a full ring sleeps 20-30 us and retries right
 * here, and other errors end the request right here -- the two 2019
 * deadlocks (sleep-retry-holding-bg-lock, end-req-in-submitter).
 */
static void virtio_fs_wake_pending_and_unlock(struct fuse_iqueue *fiq)
{
	/* v5 has one request queue ("TODO multiqueue" in the posting) */
	unsigned int queue_id = VQ_REQUEST;
	struct virtio_fs *fs;
	struct fuse_req *req;
	struct fuse_pqueue *fpq;
	int ret;

	WARN_ON(list_empty(&fiq->pending));
	req = list_last_entry(&fiq->pending, struct fuse_req, list);
	clear_bit(FR_PENDING, &req->flags);
	list_del_init(&req->list);
	WARN_ON(!list_empty(&fiq->pending));
	spin_unlock(&fiq->lock);

	fs = fiq->priv;
	TRACE(.kind = "virtio_fs.send",
	      .func = "virtio_fs_wake_pending_and_unlock",
	      .queue = fs->vqs[queue_id].name, .unique = req->in.h.unique,
	      .opcode = (s32)req->in.h.opcode);
	fpq = &fs->vqs[queue_id].fud->pq;
	spin_lock(&fpq->lock);
	if (!fpq->connected) {
		spin_unlock(&fpq->lock);
		req->out.h.error = -ENODEV;
		TRACE(.kind = "virtio_fs.error",
		      .func = "virtio_fs_wake_pending_and_unlock",
		      .unique = req->in.h.unique, .detail = "disconnected");
		fuse_request_end(req);
		return;
	}
	list_add_tail(&req->list, fpq->processing);
	spin_unlock(&fpq->lock);
	set_bit(FR_SENT, &req->flags);

retry:
	ret = virtio_fs_enqueue_req(&fs->vqs[queue_id], req, false, GFP_ATOMIC);
	if (ret < 0) {
		if (ret == -ENOMEM || ret == -ENOSPC) {
			/* Virtqueue full: retry submission */
			usleep_range(20, 30);
			goto retry;
		}
		req->out.h.error = ret;
		TRACE(.kind = "virtio_fs.error",
		      .func = "virtio_fs_wake_pending_and_unlock",
		      .unique = req->in.h.unique,
		      .detail = trace_fmt("virtio_fs_enqueue_req() failed %d",
					  ret));
		spin_lock(&fpq->lock);
		clear_bit(FR_SENT, &req->flags);
		list_del_init(&req->list);
		spin_unlock(&fpq->lock);
		fuse_request_end(req);
	}
}

/*
 * Kernel: virtio_fs_request_dispatch_work() (mainline): end the requests
 * whose submission failed, then re-send the parked ones until the ring is
 * full again (the next completion reschedules this work).
 */
void virtio_fs_request_dispatch_work(struct work_struct *work)
{
	struct virtio_fs_vq *fsvq =
		container_of(work, struct virtio_fs_vq, dispatch_work.work);
	struct fuse_req *req;
	int ret;

	while (1) {
		spin_lock(&fsvq->lock);
		req = list_first_entry_or_null(&fsvq->end_reqs, struct fuse_req,
					       list);
		if (!req) {
			spin_unlock(&fsvq->lock);
			break;
		}
		list_del_init(&req->list);
		spin_unlock(&fsvq->lock);
		TRACE(.kind = "virtio_fs.end", .func = __func__,
		      .queue = fsvq->name, .unique = req->in.h.unique,
		      .opcode = (s32)req->in.h.opcode,
		      .detail = trace_fmt("error=%d", req->out.h.error));
		fuse_request_end(req);
	}

	while (1) {
		spin_lock(&fsvq->lock);
		req = list_first_entry_or_null(&fsvq->queued_reqs,
					       struct fuse_req, list);
		if (!req) {
			spin_unlock(&fsvq->lock);
			return;
		}
		list_del_init(&req->list);
		spin_unlock(&fsvq->lock);

		/* memalloc_nofs_save() + GFP_KERNEL in the kernel */
		ret = virtio_fs_enqueue_req(fsvq, req, true, GFP_NOFS);
		if (ret < 0) {
			if (ret == -ENOSPC) {
				spin_lock(&fsvq->lock);
				list_add_tail(&req->list, &fsvq->queued_reqs);
				spin_unlock(&fsvq->lock);
				return;
			}
			req->out.h.error = ret;
			spin_lock(&fsvq->lock);
			dec_in_flight_req(fsvq);
			spin_unlock(&fsvq->lock);
			TRACE(.kind = "virtio_fs.error", .func = __func__,
			      .queue = fsvq->name, .unique = req->in.h.unique,
			      .opcode = (s32)req->in.h.opcode,
			      .detail = trace_fmt("dispatch failed %d", ret));
			fuse_request_end(req);
		}
	}
}

const struct fuse_iqueue_ops virtio_fs_fiq_ops_v5 = {
	.wake_forget_and_unlock = virtio_fs_wake_forget_and_unlock,
	.wake_interrupt_and_unlock = virtio_fs_wake_interrupt_and_unlock,
	.wake_pending_and_unlock = virtio_fs_wake_pending_and_unlock,
	.release = virtio_fs_fiq_release,
};

const struct fuse_iqueue_ops virtio_fs_fiq_ops = {
	.send_forget = virtio_fs_send_forget,
	.send_interrupt = virtio_fs_send_interrupt,
	.send_req = virtio_fs_send_req,
	.release = virtio_fs_fiq_release,
};
