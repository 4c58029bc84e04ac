// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 7: the hiprio FORGET path of the mainline driver, in C.
 *
 * Write the two functions below. `make lab LAB=lab7-forget ANSWER=this
 * file` builds vfsim with them in place of the driver's own (see the
 * handout); labs/grade.sh 7 this-file grades them. Everything the driver
 * file has is in scope: struct virtio_fs_vq (fsvq->lock, ->connected,
 * ->queued_reqs, ->in_flight, ->vq), inc_in_flight_req(),
 * dec_in_flight_req(), virtqueue_add_sgs(), virtqueue_kick_prepare(),
 * virtqueue_notify(), sg_init_one(), the list helpers, kfree() and
 * TRACE(). A FORGET is struct virtio_fs_forget (guest/virtio_fs.h): the
 * bytes to send start at &forget->req and are forget->req.ih.len long.
 */

/*
 * Put @forget on the hiprio ring and notify the device. When the ring is
 * full, park it at the tail of fsvq->queued_reqs and return 1. When the
 * queue is stopped (fsvq->connected false), drop it. @in_flight says
 * whether the FORGET is already counted in fsvq->in_flight (it is when
 * the dispatch work re-sends a parked one): keep in_flight right on
 * every path, since removal waits for it to reach 0.
 */
static int send_forget_request(struct virtio_fs_vq *fsvq,
			       struct virtio_fs_forget *forget, bool in_flight)
{
	/* TODO */
	(void)fsvq;
	(void)in_flight;
	kfree(forget);
	return 0;
}

/*
 * The dispatch work of the hiprio queue: send the parked FORGETs, oldest
 * first, and stop at the first one that is parked again (the next
 * completion schedules this work once more).
 */
static void virtio_fs_hiprio_dispatch_work(struct work_struct *work)
{
	/* TODO */
	(void)work;
}
