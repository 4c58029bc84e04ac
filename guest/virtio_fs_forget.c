// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_fs_forget.c - FORGETs on the hiprio queue: sending, parking on
 * queued_reqs when the queue is full, the dispatch work that retries, and
 * the done work that frees them. Mirrors fs/fuse/virtio_fs.c; v5-2019 and
 * mainline differences sit side by side.
 */
#include <errno.h>
#include <string.h>

#include "guest/virtio_fs.h"

/* ---- FORGET on the hiprio queue --------------------------------------- */

/* Fill in a FORGET. The fixed driver sends only forget->req (48 bytes);
 * v5 (forget-sends-list-head) sent the whole struct, list_head included. */
static void virtio_fs_fill_forget(struct virtio_fs *fs,
				  struct virtio_fs_forget *forget,
				  struct fuse_forget_link *link, u64 unique,
				  struct scatterlist *sg)
{
	bool whole = virtio_fs_bug(fs, VIRTIO_FS_BUG_FORGET_SENDS_LIST_HEAD);
	unsigned int len = whole ? sizeof(*forget) : sizeof(forget->req);

	forget->req.ih = (struct fuse_in_header){
		.opcode = FUSE_FORGET,
		.nodeid = link->forget_one.nodeid,
		.unique = unique,
		.len = len,
	};
	forget->req.arg = (struct fuse_forget_in){
		.nlookup = link->forget_one.nlookup,
	};
	sg_init_one(sg, whole ? (void *)forget : (void *)&forget->req, len);
}

/* The sg of a FORGET that was parked (its header says how long it is). */
static void virtio_fs_forget_sg(struct virtio_fs_forget *forget,
				struct scatterlist *sg)
{
	sg_init_one(sg, forget, forget->req.ih.len);
}

/*
 * Kernel: send_forget_request() (mainline). Sends the FORGET, or parks it
 * on queued_reqs when the ring is full (counted in in_flight unless it
 * already was), or drops it (stopped queue, other errors).
 */
int send_forget_request(struct virtio_fs_vq *fsvq,
			struct virtio_fs_forget *forget, bool in_flight)
{
	struct virtio_fs *fs = fsvq->fs;
	struct scatterlist sg;
	struct scatterlist *sgs[] = { &sg };
	bool notify;
	int ret = 0;

	spin_lock(&fsvq->lock);
	if (!fsvq->connected &&
	    !virtio_fs_bug(fs, VIRTIO_FS_BUG_HIPRIO_NO_CONNECTED_CHECK)) {
		TRACE(.kind = "virtio_fs.forget_drop",
		      .func = "send_forget_request", .queue = fsvq->name,
		      .unique = forget->req.ih.unique, .opcode = FUSE_FORGET,
		      .detail = "queue stopped");
		if (in_flight)
			dec_in_flight_req(fsvq);
		kfree(forget);
		goto out;
	}
	if (!virtio_fs_vq_alive(fsvq, "send_forget_request")) {
		if (in_flight)
			dec_in_flight_req(fsvq);
		kfree(forget);
		goto out;
	}

	virtio_fs_forget_sg(forget, &sg);
	ret = virtqueue_add_sgs(fsvq->vq, sgs, 1, 0, forget, GFP_ATOMIC);
	if (ret < 0) {
		if (ret == -ENOSPC) {
			TRACE(.kind = "virtio_fs.forget_park",
			      .func = "send_forget_request",
			      .queue = fsvq->name,
			      .unique = forget->req.ih.unique,
			      .opcode = FUSE_FORGET);
			list_add_tail(&forget->list, &fsvq->queued_reqs);
			if (!in_flight &&
			    !virtio_fs_bug(fs,
					   VIRTIO_FS_BUG_FORGETS_NOT_IN_FLIGHT))
				inc_in_flight_req(fsvq);
			ret = 1;
		} else {
			TRACE(.kind = "virtio_fs.forget_drop",
			      .func = "send_forget_request",
			      .queue = fsvq->name,
			      .unique = forget->req.ih.unique,
			      .opcode = FUSE_FORGET,
			      .detail = trace_fmt("err=%d", ret));
			if (in_flight)
				dec_in_flight_req(fsvq);
			kfree(forget);
			ret = 0;
		}
		goto out;
	}

	if (!in_flight)
		inc_in_flight_req(fsvq);
	TRACE(.kind = "virtio_fs.forget", .func = "send_forget_request",
	      .queue = fsvq->name, .unique = forget->req.ih.unique,
	      .opcode = FUSE_FORGET);
	notify = virtqueue_kick_prepare(fsvq->vq);
	spin_unlock(&fsvq->lock);
	if (notify)
		virtqueue_notify(fsvq->vq);
	return 0;
out:
	spin_unlock(&fsvq->lock);
	return ret;
}

/* Kernel: virtio_fs_send_forget() (mainline fiq op): build a FORGET and
 * hand it to send_forget_request(); no fiq->lock. */
void virtio_fs_send_forget(struct fuse_iqueue *fiq,
			   struct fuse_forget_link *link)
{
	struct virtio_fs *fs = fiq->priv;
	struct virtio_fs_vq *fsvq = &fs->vqs[VQ_HIPRIO];
	struct virtio_fs_forget *forget;
	struct scatterlist sg;
	u64 unique = fuse_get_unique(fiq);

	forget = kmalloc(sizeof(*forget), GFP_NOFS | __GFP_NOFAIL);
	virtio_fs_fill_forget(fs, forget, link, unique, &sg);
	send_forget_request(fsvq, forget, false);
	kfree(link);
}

/*
 * Kernel (v5): virtio_fs_wake_forget_and_unlock(): entered with fiq->lock
 * held; take one forget off the fiq list, unlock, and send it. A full
 * ring parks it (not counted in in_flight) and arms dispatch_work 1 ms
 * later; other errors drop it.
 */
void virtio_fs_wake_forget_and_unlock(struct fuse_iqueue *fiq)
{
	struct fuse_forget_link *link;
	struct virtio_fs_forget *forget;
	struct scatterlist sg;
	struct scatterlist *sgs[] = { &sg };
	struct virtio_fs *fs;
	struct virtio_fs_vq *fsvq;
	bool notify;
	u64 unique;
	int ret;

	link = fuse_dequeue_forget(fiq, 1, NULL);
	unique = fuse_get_unique(fiq);
	fs = fiq->priv;
	fsvq = &fs->vqs[VQ_HIPRIO];
	spin_unlock(&fiq->lock);
	if (WARN_ON(!link))
		return;

	forget = kmalloc(sizeof(*forget), GFP_NOFS | __GFP_NOFAIL);
	virtio_fs_fill_forget(fs, forget, link, unique, &sg);

	spin_lock(&fsvq->lock);
	if (!fsvq->connected &&
	    !virtio_fs_bug(fs, VIRTIO_FS_BUG_HIPRIO_NO_CONNECTED_CHECK)) {
		kfree(forget);
		spin_unlock(&fsvq->lock);
		goto out;
	}
	if (!virtio_fs_vq_alive(fsvq, "virtio_fs_wake_forget_and_unlock")) {
		kfree(forget);
		spin_unlock(&fsvq->lock);
		goto out;
	}
	ret = virtqueue_add_sgs(fsvq->vq, sgs, 1, 0, forget, GFP_ATOMIC);
	if (ret < 0) {
		if (ret == -ENOMEM || ret == -ENOSPC) {
			TRACE(.kind = "virtio_fs.forget_park",
			      .func = "virtio_fs_wake_forget_and_unlock",
			      .queue = fsvq->name, .unique = unique,
			      .opcode = FUSE_FORGET);
			list_add_tail(&forget->list, &fsvq->queued_reqs);
			schedule_delayed_work(&fsvq->dispatch_work,
					      msecs_to_jiffies(1));
		} else {
			kfree(forget);
		}
		spin_unlock(&fsvq->lock);
		goto out;
	}
	fsvq->in_flight++;
	TRACE(.kind = "virtio_fs.forget",
	      .func = "virtio_fs_wake_forget_and_unlock", .queue = fsvq->name,
	      .unique = unique, .opcode = FUSE_FORGET);
	notify = virtqueue_kick_prepare(fsvq->vq);
	spin_unlock(&fsvq->lock);
	if (notify)
		virtqueue_notify(fsvq->vq);
out:
	kfree(link);
}

/*
 * Kernel: virtio_fs_hiprio_dispatch_work(): send the parked FORGETs in
 * order. v5 adds them inline and re-arms itself 1 ms later while the ring
 * is full; mainline goes through send_forget_request() and stops at the
 * first full ring (the next completion schedules it again).
 */
void virtio_fs_hiprio_dispatch_work(struct work_struct *work)
{
	struct virtio_fs_vq *fsvq =
		container_of(work, struct virtio_fs_vq, dispatch_work.work);
	struct virtio_fs *fs = fsvq->fs;
	struct virtio_fs_forget *forget;
	struct scatterlist sg;
	struct scatterlist *sgs[] = { &sg };
	bool notify;
	int ret;

	while (1) {
		spin_lock(&fsvq->lock);
		forget = list_first_entry_or_null(
			&fsvq->queued_reqs, struct virtio_fs_forget, list);
		if (!forget) {
			spin_unlock(&fsvq->lock);
			return;
		}
		list_del(&forget->list);

		if (!virtio_fs_is_v5(fs)) {
			spin_unlock(&fsvq->lock);
			if (send_forget_request(
				    fsvq, forget,
				    !virtio_fs_bug(
					    fs,
					    VIRTIO_FS_BUG_FORGETS_NOT_IN_FLIGHT)))
				return;
			continue;
		}

		/* v5 */
		if (!fsvq->connected ||
		    !virtio_fs_vq_alive(fsvq,
					"virtio_fs_hiprio_dispatch_work")) {
			spin_unlock(&fsvq->lock);
			kfree(forget);
			continue;
		}
		virtio_fs_forget_sg(forget, &sg);
		ret = virtqueue_add_sgs(fsvq->vq, sgs, 1, 0, forget,
					GFP_ATOMIC);
		if (ret < 0) {
			if (ret == -ENOMEM || ret == -ENOSPC) {
				list_add_tail(&forget->list,
					      &fsvq->queued_reqs);
				schedule_delayed_work(&fsvq->dispatch_work,
						      msecs_to_jiffies(1));
			} else {
				kfree(forget);
			}
			spin_unlock(&fsvq->lock);
			return;
		}
		fsvq->in_flight++;
		TRACE(.kind = "virtio_fs.forget",
		      .func = "virtio_fs_hiprio_dispatch_work",
		      .queue = fsvq->name, .unique = forget->req.ih.unique,
		      .opcode = FUSE_FORGET);
		notify = virtqueue_kick_prepare(fsvq->vq);
		spin_unlock(&fsvq->lock);
		if (notify)
			virtqueue_notify(fsvq->vq);
	}
}

/*
 * Kernel: virtio_fs_hiprio_done_work(): free the FORGETs the device is
 * done with. Mainline also restarts the parked ones.
 */
void virtio_fs_hiprio_done_work(struct work_struct *work)
{
	struct virtio_fs_vq *fsvq =
		container_of(work, struct virtio_fs_vq, done_work);
	struct virtio_fs *fs = fsvq->fs;
	struct virtqueue *vq = fsvq->vq;

	spin_lock(&fsvq->lock);
	if (!virtio_fs_vq_alive(fsvq, "virtio_fs_hiprio_done_work")) {
		spin_unlock(&fsvq->lock);
		return;
	}
	do {
		struct virtio_fs_forget *forget;
		unsigned int len;

		virtqueue_disable_cb(vq);
		while ((forget = virtqueue_get_buf(vq, &len)) != NULL) {
			TRACE(.kind = "virtio_fs.forget_done",
			      .func = "virtio_fs_hiprio_done_work",
			      .queue = fsvq->name,
			      .unique = forget->req.ih.unique,
			      .opcode = FUSE_FORGET);
			kfree(forget);
			if (virtio_fs_is_v5(fs))
				fsvq->in_flight--;
			else
				dec_in_flight_req(fsvq);
		}
	} while (!virtqueue_enable_cb(vq) &&
		 (!virtio_fs_is_v5(fs) || !virtqueue_is_broken(vq)));

	if (!virtio_fs_is_v5(fs) && !list_empty(&fsvq->queued_reqs))
		schedule_work(&fsvq->dispatch_work.work);
	spin_unlock(&fsvq->lock);
}

/* Kernel (v5): virtio_fs_dummy_dispatch_work(): request queues park
 * nothing in v5. */
void virtio_fs_dummy_dispatch_work(struct work_struct *work)
{
	(void)work;
}

/* Kernel: virtio_fs_wake_interrupt_and_unlock() (v5) /
 * virtio_fs_send_interrupt() (mainline): FUSE_INTERRUPT is never sent. */
void virtio_fs_wake_interrupt_and_unlock(struct fuse_iqueue *fiq)
{
	spin_unlock(&fiq->lock);
}

void virtio_fs_send_interrupt(struct fuse_iqueue *fiq, struct fuse_req *req)
{
	(void)fiq;
	TRACE(.kind = "virtio_fs.interrupt", .func = "virtio_fs_send_interrupt",
	      .unique = req->in.h.unique,
	      .detail =
		      "not sent: virtio-fs has no FUSE_INTERRUPT (a kernel TODO)");
}
