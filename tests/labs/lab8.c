// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reference solution, lab 8 (the instructor's; make labs-dist leaves it
 * out): mainline's removal, without vfsim's options and bug switches.
 */

/* Wait until the device holds nothing of @fsvq and its works are idle. */
static void virtio_fs_drain_queue(struct virtio_fs_vq *fsvq)
{
	spin_lock(&fsvq->lock);
	if (fsvq->in_flight) {
		/* one waiter at a time: virtio_fs_mutex is held */
		reinit_completion(&fsvq->in_flight_zero);
		spin_unlock(&fsvq->lock);
		wait_for_completion(&fsvq->in_flight_zero);
	} else {
		spin_unlock(&fsvq->lock);
	}
	TRACE(.kind = "virtio_fs.drain_wake", .func = "virtio_fs_drain_queue",
	      .queue = fsvq->name);
	flush_work(&fsvq->done_work);
	flush_work(&fsvq->dispatch_work.work);
}

/* No queue takes a new request from now on. */
void virtio_fs_stop_all_queues(struct virtio_fs *fs)
{
	for (unsigned int i = 0; i < fs->nvqs; i++) {
		struct virtio_fs_vq *fsvq = &fs->vqs[i];

		spin_lock(&fsvq->lock);
		fsvq->connected = false;
		spin_unlock(&fsvq->lock);
	}
}

/* Unplug: unlist, stop, drain, reset, free the queues, drop the ref. */
static void virtio_fs_remove(struct virtio_device *vdev)
{
	struct virtio_fs *fs = vdev->priv;

	TRACE(.kind = "virtio_fs.remove", .func = "virtio_fs_remove",
	      .detail = fs->tag);
	mutex_lock(&virtio_fs_mutex);
	list_del_init(&fs->list);
	virtio_fs_delete_queues_sysfs(fs);
	/* stop first: a request sent after its queue was drained would
	 * still be on the ring when the device is reset */
	virtio_fs_stop_all_queues(fs);
	virtio_fs_drain_all_queues_locked(fs);
	virtio_reset_device(vdev);
	virtio_fs_cleanup_vqs(vdev, fs);
	vdev->priv = NULL;
	virtio_fs_put_locked(fs);
	mutex_unlock(&virtio_fs_mutex);
}
