// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reference solution, lab 7 (the instructor's; make labs-dist leaves it
 * out): the mainline FORGET path. Included by build/labs/lab7-forget/
 * lab.c in place of the driver's own versions.
 */

/* Send one FORGET, or park it when the ring is full; 1 when parked. */
static int send_forget_request(struct virtio_fs_vq *fsvq,
			       struct virtio_fs_forget *forget, bool in_flight)
{
	struct scatterlist sg;
	struct scatterlist *sgs[] = { &sg };
	bool notify;
	int ret = 0;

	spin_lock(&fsvq->lock);
	if (!fsvq->connected) {
		/* the queue is stopped: nobody will answer it */
		if (in_flight)
			dec_in_flight_req(fsvq);
		kfree(forget);
		goto out;
	}
	sg_init_one(&sg, forget, forget->req.ih.len);
	ret = virtqueue_add_sgs(fsvq->vq, sgs, 1, 0, forget, GFP_ATOMIC);
	if (ret == -ENOSPC) {
		TRACE(.kind = "virtio_fs.forget_park",
		      .func = "send_forget_request", .queue = fsvq->name,
		      .unique = forget->req.ih.unique, .opcode = FUSE_FORGET);
		list_add_tail(&forget->list, &fsvq->queued_reqs);
		/* counted while parked, so a drain waits for it */
		if (!in_flight)
			inc_in_flight_req(fsvq);
		ret = 1;
		goto out;
	}
	if (ret < 0) {
		kfree(forget);
		if (in_flight)
			dec_in_flight_req(fsvq);
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

/* Send the parked FORGETs in order until one is parked again. */
static void virtio_fs_hiprio_dispatch_work(struct work_struct *work)
{
	struct virtio_fs_vq *fsvq =
		container_of(work, struct virtio_fs_vq, dispatch_work.work);
	struct virtio_fs_forget *forget;

	while (1) {
		spin_lock(&fsvq->lock);
		forget = list_first_entry_or_null(
			&fsvq->queued_reqs, struct virtio_fs_forget, list);
		if (!forget) {
			spin_unlock(&fsvq->lock);
			return;
		}
		list_del(&forget->list);
		spin_unlock(&fsvq->lock);
		/* already counted in in_flight when it was parked */
		if (send_forget_request(fsvq, forget, true))
			return;
	}
}
