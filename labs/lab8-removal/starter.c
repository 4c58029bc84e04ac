// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab 8: device removal in the mainline driver, in C.
 *
 * Write the three functions below (see the handout); labs/grade.sh 8
 * this-file builds vfsim with them and grades them. In scope: everything
 * guest/virtio_fs.c has, among others fsvq->lock, ->connected,
 * ->in_flight, ->in_flight_zero (a completion that
 * dec_in_flight_req() completes when in_flight reaches 0), ->done_work,
 * ->dispatch_work, virtio_fs_mutex, virtio_fs_drain_all_queues_locked(),
 * virtio_fs_delete_queues_sysfs(), virtio_reset_device(),
 * virtio_fs_cleanup_vqs(), virtio_fs_put_locked(), reinit_completion(),
 * wait_for_completion(), flush_work().
 */

/*
 * Return only when the device holds no buffer of @fsvq (in_flight is 0)
 * and neither of its works is queued or running.
 */
static void virtio_fs_drain_queue(struct virtio_fs_vq *fsvq)
{
	/* TODO */
	(void)fsvq;
}

/* From now on no queue of @fs takes a new request. */
void virtio_fs_stop_all_queues(struct virtio_fs *fs)
{
	/* TODO */
	(void)fs;
}

/*
 * The device is going away: no new mount may find it, no request may
 * reach it, what it holds must be answered first, then it is reset and
 * its queues freed; the mounted file system keeps the object alive.
 */
static void virtio_fs_remove(struct virtio_device *vdev)
{
	struct virtio_fs *fs = vdev->priv;

	/* TODO: the right steps, in the right order */
	mutex_lock(&virtio_fs_mutex);
	list_del_init(&fs->list);
	virtio_fs_delete_queues_sysfs(fs);
	virtio_reset_device(vdev);
	virtio_fs_cleanup_vqs(vdev, fs);
	vdev->priv = NULL;
	virtio_fs_put_locked(fs);
	mutex_unlock(&virtio_fs_mutex);
}
