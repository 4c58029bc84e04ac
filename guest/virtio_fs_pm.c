// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_fs_pm.c - the driver half of vfsim's "restore" extension (not
 * kernel behaviour: mainline's virtio_fs_freeze() refuses suspend). Freeze
 * stops and drains every queue; the PM core then resets the device, which
 * ends its FUSE session; restore re-creates the virtqueues and hands the
 * session rebuild to a task of its own, because it must send requests and
 * wait for their replies, which the PM callback (the caller's context,
 * before DRIVER_OK) cannot do.
 */
#include <errno.h>

#include "guest/virtio_fs.h"
#include "sim/kernel/check.h"

void virtio_fs_set_pm_hooks(struct virtio_fs *fs, void (*freeze)(void *arg),
			    int (*restore)(void *arg, int err), void *arg)
{
	fs->pm_freeze = freeze;
	fs->pm_restore = restore;
	fs->pm_arg = arg;
}

/* Freeze: nothing may be in flight when the device is reset. */
int virtio_fs_pm_freeze(struct virtio_fs *fs)
{
	if (fs->pm_freeze)
		fs->pm_freeze(fs->pm_arg);
	virtio_fs_stop_all_queues(fs);
	virtio_fs_drain_all_queues(fs);
	fs->frozen = true;
	TRACE(.kind = "virtio_fs.freeze", .func = "virtio_fs_pm_freeze",
	      .detail = fs->tag);
	return 0;
}

static int virtio_fs_restore_task(void *arg)
{
	struct virtio_fs *fs = arg;
	int ret = fs->pm_restore ? fs->pm_restore(fs->pm_arg, 0) : 0;

	TRACE(.kind = "virtio_fs.restore", .func = "virtio_fs_restore_task",
	      .detail = trace_fmt("session rebuilt: %d", ret));
	virtio_fs_put(fs);
	return ret;
}

/* Restore: the device was reset; new virtqueues, same queue structures
 * (their channels belong to the mount), then the rebuild task. */
int virtio_fs_pm_restore(struct virtio_device *vdev, struct virtio_fs *fs)
{
	void (**callbacks)(struct virtqueue *);
	struct virtqueue **vqs;
	const char **names;
	int ret = -ENOMEM;

	if (!fs->frozen)
		return 0;
	vqs = kmalloc_array(fs->nvqs, sizeof(*vqs), GFP_KERNEL);
	callbacks = kmalloc_array(fs->nvqs, sizeof(*callbacks), GFP_KERNEL);
	names = kmalloc_array(fs->nvqs, sizeof(*names), GFP_KERNEL);
	if (!vqs || !callbacks || !names)
		goto out;
	for (unsigned int i = 0; i < fs->nvqs; i++) {
		fs->vqs[i].vq_deleted = true;
		callbacks[i] = virtio_fs_vq_done;
		names[i] = fs->vqs[i].name;
	}
	vdev->config->del_vqs(vdev);
	ret = virtio_find_vqs(vdev, fs->nvqs, vqs, callbacks, names);
	if (ret < 0)
		goto out;
	for (unsigned int i = 0; i < fs->nvqs; i++) {
		fs->vqs[i].vq = vqs[i];
		fs->vqs[i].vq_deleted = false;
		fs->vqs[i].in_flight = 0;
	}
	virtio_fs_start_all_queues(fs);
	fs->frozen = false;
	kref_get(&fs->refcount);
	fs->restore_task = task_spawn(virtio_fs_restore_task, fs,
				      "virtio_fs_restore", TASK_WORKER, 0);
	if (!fs->restore_task) {
		virtio_fs_put(fs);
		ret = -ENOMEM;
	}
out:
	if (ret) {
		check_report("virtio_fs.restore",
			     "device not restored (error %d)", ret);
		/* the mount must stop waiting: its requests fail now */
		if (fs->pm_restore)
			fs->pm_restore(fs->pm_arg, ret);
	}
	kfree(names);
	kfree(callbacks);
	kfree(vqs);
	return ret;
}
