// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_fs.c - the virtio-fs driver's device side of life: instances,
 * probe, remove, freeze, and starting, stopping and draining the queues.
 * Mirrors fs/fuse/virtio_fs.c; see virtio_fs.h for the file split.
 */
#include <errno.h>
#include <string.h>

#include "guest/virtio_fs.h"

/* The instance list, and the lock that also keeps remove and mount apart
 * (kernel: virtio_fs_mutex, virtio_fs_instances). */
DEFINE_MUTEX(virtio_fs_mutex);
static LIST_HEAD(virtio_fs_instances);

/* Kernel: release_virtio_fs_obj() (v5) / virtio_fs_ktype_release()
 * (mainline): the last reference frees the queues and the object. The tag
 * is devm memory in the kernel; here it goes with the object. */
static void release_virtio_fs_obj(struct kref *ref)
{
	struct virtio_fs *vfs = container_of(ref, struct virtio_fs, refcount);

	TRACE(.kind = "virtio_fs.release", .func = "release_virtio_fs_obj",
	      .detail = vfs->tag);
	kfree(vfs->mq_map);
	kfree(vfs->vqs);
	kfree(vfs->tag);
	kfree(vfs);
}

/* Kernel: virtio_fs_put_locked(): drop a reference, mutex held. */
static void virtio_fs_put_locked(struct virtio_fs *fs)
{
	kref_put(&fs->refcount, release_virtio_fs_obj);
}

/* Kernel: virtio_fs_put(): drop a reference under virtio_fs_mutex. */
void virtio_fs_put(struct virtio_fs *fs)
{
	mutex_lock(&virtio_fs_mutex);
	virtio_fs_put_locked(fs);
	mutex_unlock(&virtio_fs_mutex);
}

unsigned int virtio_fs_nr_instances(void)
{
	struct virtio_fs *fs;
	unsigned int n = 0;

	list_for_each_entry(fs, &virtio_fs_instances, list)
		n++;
	return n;
}

/* The lists hold pointers into memory the machine frees; the objects
 * themselves are not touched. */
unsigned int virtio_fs_forget_machine(void)
{
	unsigned int n = virtio_fs_nr_instances() + virtio_fs_forget_supers();

	INIT_LIST_HEAD(&virtio_fs_instances);
	mutex_init(&virtio_fs_mutex);
	return n;
}

bool virtio_fs_vq_alive(struct virtio_fs_vq *fsvq, const char *func)
{
	if (!fsvq->vq_deleted)
		return true;
	check_report("virtio_fs.uaf",
		     "BUG: KASAN: use-after-free in %s(): virtqueue %s was "
		     "freed by del_vqs",
		     func, fsvq->name);
	return false;
}

const char *virtio_fs_check_in_flight(void *arg)
{
	struct virtio_fs *fs = arg;
	struct virtio_fs_vq *fsvq = &fs->vqs[VQ_HIPRIO];
	static char msg[128];
	struct virtqueue_info info;
	unsigned long parked = 0;
	struct list_head *pos;

	if (fsvq->vq_deleted)
		return NULL;
	virtqueue_get_info(fsvq->vq, &info);
	list_for_each(pos, &fsvq->queued_reqs)
		parked++;
	if ((unsigned long)fsvq->in_flight == info.in_flight + parked)
		return NULL;
	snprintf(msg, sizeof(msg),
		 "%s: in_flight %ld != %u on the ring + %lu parked", fsvq->name,
		 fsvq->in_flight, info.in_flight, parked);
	return msg;
}

/* Kernel: inc_in_flight_req(): one more buffer or parked entry. */
void inc_in_flight_req(struct virtio_fs_vq *fsvq)
{
	assert_spin_locked(&fsvq->lock);
	fsvq->in_flight++;
}

/* Kernel: dec_in_flight_req(): one fewer; wake a drain at zero. */
void dec_in_flight_req(struct virtio_fs_vq *fsvq)
{
	assert_spin_locked(&fsvq->lock);
	WARN_ON(fsvq->in_flight <= 0);
	fsvq->in_flight--;
	if (!fsvq->in_flight)
		complete(&fsvq->in_flight_zero);
}

/*
 * sim: wait for in_flight_zero at most twice the request timeout. By then
 * the FUSE core has aborted every request the device sat on, so a device
 * that stopped answering no longer hangs removal or unmount. The buffers
 * stay counted: the device may still hold them until it is reset.
 */
static void virtio_fs_wait_in_flight_timeout(struct virtio_fs_vq *fsvq)
{
	u64 ns = 2 * fsvq->fs->req_timeout_ns;
	unsigned long j =
		(unsigned long)((ns + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC);

	if (!wait_for_completion_timeout(&fsvq->in_flight_zero, j ? j : 1))
		TRACE(.kind = "virtio_fs.drain_timeout",
		      .func = "virtio_fs_drain_queue", .queue = fsvq->name,
		      .detail = trace_fmt("in_flight=%ld", fsvq->in_flight));
}

/*
 * Kernel: virtio_fs_drain_queue(). Guarantees on return (unless a request
 * timeout cut the wait short) that the device holds no buffer of this
 * queue and neither work is queued or running. v5 polls in_flight every
 * 1-2 ms; mainline sleeps on in_flight_zero (one waiter at a time, which
 * virtio_fs_mutex ensures).
 */
void virtio_fs_drain_queue(struct virtio_fs_vq *fsvq)
{
	struct virtio_fs *fs = fsvq->fs;
	unsigned int parked = 0;
	struct list_head *pos;

	WARN_ON(fsvq->in_flight < 0);
	if (virtio_fs_bug(fs, VIRTIO_FS_BUG_DRAIN_BY_POLLING)) {
		while (1) {
			spin_lock(&fsvq->lock);
			if (!fsvq->in_flight) {
				spin_unlock(&fsvq->lock);
				break;
			}
			spin_unlock(&fsvq->lock);
			usleep_range(1000, 2000);
		}
	} else {
		spin_lock(&fsvq->lock);
		if (fsvq->in_flight) {
			reinit_completion(&fsvq->in_flight_zero);
			spin_unlock(&fsvq->lock);
			if (fs->req_timeout_ns)
				virtio_fs_wait_in_flight_timeout(fsvq);
			else
				wait_for_completion(&fsvq->in_flight_zero);
		} else {
			spin_unlock(&fsvq->lock);
		}
	}

	list_for_each(pos, &fsvq->queued_reqs)
		parked++;
	TRACE(.kind = "virtio_fs.drain_wake", .func = "virtio_fs_drain_queue",
	      .queue = fsvq->name,
	      .detail = trace_fmt("in_flight=%ld parked=%u", fsvq->in_flight,
				  parked));

	flush_work(&fsvq->done_work);
	if (virtio_fs_is_v5(fs))
		flush_delayed_work(&fsvq->dispatch_work);
	else
		flush_work(&fsvq->dispatch_work.work);
}

/* Kernel (v5): drain_hiprio_queued_reqs(): free the parked FORGETs, which
 * in_flight does not count. */
static void drain_hiprio_queued_reqs(struct virtio_fs_vq *fsvq)
{
	struct virtio_fs_forget *forget;

	spin_lock(&fsvq->lock);
	while (1) {
		forget = list_first_entry_or_null(
			&fsvq->queued_reqs, struct virtio_fs_forget, list);
		if (!forget)
			break;
		list_del(&forget->list);
		kfree(forget);
	}
	spin_unlock(&fsvq->lock);
}

/* Kernel: virtio_fs_drain_all_queues_locked(): drain every queue; v5
 * first purges the parked FORGETs (they are not in in_flight there). */
static void virtio_fs_drain_all_queues_locked(struct virtio_fs *fs)
{
	for (unsigned int i = 0; i < fs->nvqs; i++) {
		struct virtio_fs_vq *fsvq = &fs->vqs[i];

		if (i == VQ_HIPRIO && virtio_fs_is_v5(fs))
			drain_hiprio_queued_reqs(fsvq);
		virtio_fs_drain_queue(fsvq);
	}
}

/* Kernel: virtio_fs_drain_all_queues(). Mainline serializes drains with
 * virtio_fs_mutex (reinit_completion wants a single waiter); v5 does not. */
void virtio_fs_drain_all_queues(struct virtio_fs *fs)
{
	if (virtio_fs_is_v5(fs)) {
		virtio_fs_drain_all_queues_locked(fs);
		return;
	}
	mutex_lock(&virtio_fs_mutex);
	virtio_fs_drain_all_queues_locked(fs);
	mutex_unlock(&virtio_fs_mutex);
}

/* Kernel: virtio_fs_start_all_queues(). */
void virtio_fs_start_all_queues(struct virtio_fs *fs)
{
	for (unsigned int i = 0; i < fs->nvqs; i++) {
		struct virtio_fs_vq *fsvq = &fs->vqs[i];

		spin_lock(&fsvq->lock);
		fsvq->connected = true;
		spin_unlock(&fsvq->lock);
	}
}

/* Kernel: virtio_fs_stop_all_queues(). */
void virtio_fs_stop_all_queues(struct virtio_fs *fs)
{
	for (unsigned int i = 0; i < fs->nvqs; i++) {
		struct virtio_fs_vq *fsvq = &fs->vqs[i];

		spin_lock(&fsvq->lock);
		fsvq->connected = false;
		spin_unlock(&fsvq->lock);
	}
}

/* Kernel: virtio_fs_add_instance(): list it unless the tag is taken. */
static int virtio_fs_add_instance(struct virtio_fs *fs)
{
	struct virtio_fs *fs2;
	bool duplicate = false;

	mutex_lock(&virtio_fs_mutex);
	list_for_each_entry(fs2, &virtio_fs_instances, list) {
		if (strcmp(fs->tag, fs2->tag) == 0)
			duplicate = true;
	}
	if (!duplicate)
		list_add_tail(&fs->list, &virtio_fs_instances);
	mutex_unlock(&virtio_fs_mutex);

	if (duplicate) {
		TRACE(.kind = "virtio_fs.error",
		      .func = "virtio_fs_add_instance",
		      .detail = trace_fmt("tag %s already exists", fs->tag));
		return -EEXIST;
	}
	return 0;
}

/* Kernel: virtio_fs_find_instance(): look up a tag, take a reference. */
struct virtio_fs *virtio_fs_find_instance(const char *tag)
{
	struct virtio_fs *fs;

	mutex_lock(&virtio_fs_mutex);
	list_for_each_entry(fs, &virtio_fs_instances, list) {
		if (strcmp(fs->tag, tag) == 0) {
			kref_get(&fs->refcount);
			goto found;
		}
	}
	fs = NULL;
found:
	mutex_unlock(&virtio_fs_mutex);
	return fs;
}

/* Kernel: virtio_fs_free_devs(): free each queue's fuse_dev. */
void virtio_fs_free_devs(struct virtio_fs *fs)
{
	for (unsigned int i = 0; i < fs->nvqs; i++) {
		struct virtio_fs_vq *fsvq = &fs->vqs[i];

		if (!fsvq->fud)
			continue;
		fuse_dev_free(fsvq->fud);
		fsvq->fud = NULL;
	}
}

/*
 * Kernel: virtio_fs_read_tag(): the tag is the config bytes up to the
 * first NUL, or all 36 of them. Empty is invalid; mainline also refuses a
 * newline ("virtiofs: forbid newlines in tags").
 */
static int virtio_fs_read_tag(struct virtio_device *vdev, struct virtio_fs *fs)
{
	char tag_buf[sizeof(((struct virtio_fs_config *)0)->tag)];
	char *end;
	size_t len;
	int ret;

	ret = virtio_cread_bytes(vdev, offsetof(struct virtio_fs_config, tag),
				 tag_buf, sizeof(tag_buf));
	if (ret)
		return ret;
	end = memchr(tag_buf, '\0', sizeof(tag_buf));
	if (end == tag_buf)
		return -EINVAL; /* empty tag */
	if (!end)
		end = &tag_buf[sizeof(tag_buf)];
	len = (size_t)(end - tag_buf);
	if (!virtio_fs_is_v5(fs) && memchr(tag_buf, '\n', len))
		return -EINVAL;
	fs->tag = kmalloc(len + 1, GFP_KERNEL);
	if (!fs->tag)
		return -ENOMEM;
	memcpy(fs->tag, tag_buf, len);
	fs->tag[len] = '\0';
	TRACE(.kind = "virtio_fs.tag", .func = "virtio_fs_read_tag",
	      .detail = trace_fmt("discovered new tag: %s", fs->tag));
	return 0;
}

/* Kernel: virtio_fs_init_vq(): name, lock, lists, works of one queue. */
static void virtio_fs_init_vq(struct virtio_fs *fs, struct virtio_fs_vq *fsvq,
			      const char *name, bool hiprio)
{
	snprintf(fsvq->name, sizeof(fsvq->name), "%s", name);
	spin_lock_init(&fsvq->lock);
	INIT_LIST_HEAD(&fsvq->queued_reqs);
	INIT_LIST_HEAD(&fsvq->end_reqs);
	init_completion(&fsvq->in_flight_zero);
	fsvq->fs = fs;
	if (hiprio) {
		INIT_WORK(&fsvq->done_work, virtio_fs_hiprio_done_work);
		INIT_DELAYED_WORK(&fsvq->dispatch_work,
				  virtio_fs_hiprio_dispatch_work);
	} else {
		INIT_WORK(&fsvq->done_work, virtio_fs_requests_done_work);
		if (virtio_fs_is_v5(fs))
			INIT_DELAYED_WORK(&fsvq->dispatch_work,
					  virtio_fs_dummy_dispatch_work);
		else
			INIT_DELAYED_WORK(&fsvq->dispatch_work,
					  virtio_fs_request_dispatch_work);
	}
}

/*
 * Kernel: virtio_fs_map_queues(): spread the CPUs evenly over the request
 * queues, as group_cpus_evenly() does when the transport has no affinity
 * (contiguous CPUs share a queue).
 */
static void virtio_fs_map_queues(struct virtio_device *vdev,
				 struct virtio_fs *fs)
{
	unsigned int ncpus = nr_cpu_ids;

	(void)vdev;
	for (unsigned int cpu = 0; cpu < ncpus; cpu++) {
		fs->mq_map[cpu] =
			VQ_REQUEST + cpu * fs->num_request_queues / ncpus;
		TRACE(.kind = "virtio_fs.mq_map",
		      .func = "virtio_fs_map_queues",
		      .queue = fs->vqs[fs->mq_map[cpu]].name,
		      .detail = trace_fmt("cpu%u", cpu));
	}
}

/*
 * Kernel: virtio_fs_setup_vqs(): read num_request_queues (0 is invalid;
 * mainline caps it at the CPU count), create hiprio + the request queues
 * and mark them connected. On error nothing is left allocated.
 */
static int virtio_fs_setup_vqs(struct virtio_device *vdev, struct virtio_fs *fs)
{
	void (**callbacks)(struct virtqueue *) = NULL;
	struct virtqueue **vqs = NULL;
	const char **names = NULL;
	unsigned int i;
	int ret = 0;

	virtio_cread_le(vdev, struct virtio_fs_config, num_request_queues,
			&fs->num_request_queues);
	if (fs->num_request_queues == 0)
		return -EINVAL;
	if (!virtio_fs_is_v5(fs) && fs->num_request_queues > nr_cpu_ids)
		fs->num_request_queues = nr_cpu_ids;

	fs->nvqs = VQ_REQUEST + fs->num_request_queues;
	fs->vqs = kcalloc(fs->nvqs, sizeof(fs->vqs[VQ_HIPRIO]), GFP_KERNEL);
	if (!fs->vqs)
		return -ENOMEM;
	if (!virtio_fs_is_v5(fs)) {
		fs->mq_map =
			kcalloc(nr_cpu_ids, sizeof(*fs->mq_map), GFP_KERNEL);
		if (!fs->mq_map) {
			ret = -ENOMEM;
			goto out;
		}
	}

	vqs = kmalloc_array(fs->nvqs, sizeof(vqs[VQ_HIPRIO]), GFP_KERNEL);
	callbacks = kmalloc_array(fs->nvqs, sizeof(callbacks[VQ_HIPRIO]),
				  GFP_KERNEL);
	names = kmalloc_array(fs->nvqs, sizeof(names[VQ_HIPRIO]), GFP_KERNEL);
	if (!vqs || !callbacks || !names) {
		ret = -ENOMEM;
		goto out;
	}

	virtio_fs_init_vq(fs, &fs->vqs[VQ_HIPRIO], "hiprio", true);
	callbacks[VQ_HIPRIO] = virtio_fs_vq_done;
	names[VQ_HIPRIO] = fs->vqs[VQ_HIPRIO].name;
	for (i = VQ_REQUEST; i < fs->nvqs; i++) {
		char vq_name[VQ_NAME_LEN];

		snprintf(vq_name, sizeof(vq_name), "requests.%u",
			 i - VQ_REQUEST);
		virtio_fs_init_vq(fs, &fs->vqs[i], vq_name, false);
		callbacks[i] = virtio_fs_vq_done;
		names[i] = fs->vqs[i].name;
	}

	ret = virtio_find_vqs(vdev, fs->nvqs, vqs, callbacks, names);
	if (ret < 0)
		goto out;
	for (i = 0; i < fs->nvqs; i++)
		fs->vqs[i].vq = vqs[i];
	virtio_fs_start_all_queues(fs);
out:
	kfree(names);
	kfree(callbacks);
	kfree(vqs);
	if (ret) {
		kfree(fs->vqs);
		fs->vqs = NULL;
		kfree(fs->mq_map);
		fs->mq_map = NULL;
	}
	return ret;
}

/* Kernel: virtio_fs_cleanup_vqs(): free the queues; the device must
 * already be reset. sim: remember they are gone, and report queues freed
 * while the driver still counts buffers on them. */
static void virtio_fs_cleanup_vqs(struct virtio_device *vdev,
				  struct virtio_fs *fs)
{
	for (unsigned int i = 0; i < fs->nvqs; i++) {
		struct virtio_fs_vq *fsvq = &fs->vqs[i];

		if (fsvq->in_flight)
			check_report("virtio_fs.vq_freed_busy",
				     "virtqueue %s freed with %ld requests "
				     "in flight",
				     fsvq->name, fsvq->in_flight);
		fsvq->vq_deleted = true;
	}
	vdev->config->del_vqs(vdev);
}

/*
 * sim (no kernel twin; virtio_net's free_unused_bufs() is the nearest):
 * after a reset, take back what a device that stopped answering still
 * held when a timed drain gave up, and whatever is still parked. Requests
 * the core has not ended yet end with -ENOTCONN; every buffer is freed and
 * uncounted, so del_vqs frees idle queues.
 */
static void virtio_fs_detach_unused_bufs(struct virtio_fs *fs)
{
	for (unsigned int i = 0; i < fs->nvqs; i++) {
		struct virtio_fs_vq *fsvq = &fs->vqs[i];
		void *token;

		while ((token = virtqueue_detach_unused_buf(fsvq->vq))) {
			if (i == VQ_HIPRIO)
				kfree(token);
			else
				virtio_fs_req_detached(fsvq, token, true);
			spin_lock(&fsvq->lock);
			dec_in_flight_req(fsvq);
			spin_unlock(&fsvq->lock);
		}
		while (!list_empty(&fsvq->queued_reqs)) {
			struct list_head *e = fsvq->queued_reqs.next;

			list_del_init(e);
			if (i == VQ_HIPRIO)
				kfree(list_entry(e, struct virtio_fs_forget,
						 list));
			else
				virtio_fs_req_detached(
					fsvq,
					list_entry(e, struct fuse_req, list),
					false);
			spin_lock(&fsvq->lock);
			dec_in_flight_req(fsvq);
			spin_unlock(&fsvq->lock);
		}
	}
}

/*
 * Kernel: virtio_fs_probe(): read the tag and the queue count, set up the
 * queues, go DRIVER_OK, then publish the instance. Any failure leaves
 * nothing behind -- except with probe-error-leak, where the late error
 * path forgets fs->vqs (CVE-2021-46956).
 */
static int virtio_fs_probe(struct virtio_device *vdev)
{
	struct virtio_fs *fs;
	int ret;

	fs = kzalloc(sizeof(*fs), GFP_KERNEL);
	if (!fs)
		return -ENOMEM;
	kref_init(&fs->refcount);
	INIT_LIST_HEAD(&fs->list);
	fs->vdev = vdev;
	fs->variant = virtio_fs_get_variant();
	fs->bugs = virtio_fs_variant_bugs(fs->variant) | virtio_fs_get_bugs();
	fs->restore = virtio_fs_get_restore();
	vdev->priv = fs;
	TRACE(.kind = "virtio_fs.probe", .func = "virtio_fs_probe",
	      .detail = virtio_fs_variant_name(fs->variant));

	ret = virtio_fs_read_tag(vdev, fs);
	if (ret < 0)
		goto out;
	ret = virtio_fs_setup_vqs(vdev, fs);
	if (ret < 0)
		goto out;
	if (!virtio_fs_is_v5(fs))
		virtio_fs_map_queues(vdev, fs);

	/* Bring the device online in case the file system is mounted and
	 * requests must flow before probe returns. */
	virtio_device_ready(vdev);

	ret = virtio_fs_add_instance(fs);
	if (ret < 0)
		goto out_vqs;
	return 0;

out_vqs:
	virtio_reset_device(vdev);
	virtio_fs_cleanup_vqs(vdev, fs);
	if (!virtio_fs_bug(fs, VIRTIO_FS_BUG_PROBE_ERROR_LEAK)) {
		kfree(fs->vqs);
		kfree(fs->mq_map);
	}
out:
	TRACE(.kind = "virtio_fs.error", .func = "virtio_fs_probe",
	      .detail = trace_fmt("probe failed with error %d", ret));
	vdev->priv = NULL;
	kfree(fs->tag); /* devm memory in the kernel */
	kfree(fs);
	return ret;
}

/*
 * Kernel: virtio_fs_remove(): under virtio_fs_mutex, unlist the instance
 * (no new mount finds it), stop and drain every queue, reset the device,
 * free the queues, drop the device's reference. A mounted file system
 * keeps the object alive and gets -ENOTCONN from then on.
 */
static void virtio_fs_remove(struct virtio_device *vdev)
{
	struct virtio_fs *fs = vdev->priv;
	bool drained = !virtio_fs_bug(fs, VIRTIO_FS_BUG_REMOVE_WITHOUT_DRAIN);

	TRACE(.kind = "virtio_fs.remove", .func = "virtio_fs_remove",
	      .detail = fs->tag);
	mutex_lock(&virtio_fs_mutex);
	list_del_init(&fs->list);
	if (drained) {
		virtio_fs_stop_all_queues(fs);
		virtio_fs_drain_all_queues_locked(fs);
	}
	virtio_reset_device(vdev);
	/* Only a timed drain can leave buffers behind; after the reset the
	 * device holds none, so they can be taken back safely. */
	if (drained && fs->req_timeout_ns)
		virtio_fs_detach_unused_bufs(fs);
	virtio_fs_cleanup_vqs(vdev, fs);
	vdev->priv = NULL;
	virtio_fs_put_locked(fs);
	mutex_unlock(&virtio_fs_mutex);
}

/* Kernel: virtio_fs_freeze(): suspend is not supported (v5 claimed
 * success: freeze-returns-0). */
static int virtio_fs_freeze(struct virtio_device *vdev)
{
	struct virtio_fs *fs = vdev->priv;

	if (fs->restore)
		return virtio_fs_pm_freeze(fs); /* vfsim extension */
	if (virtio_fs_bug(fs, VIRTIO_FS_BUG_FREEZE_RETURNS_0))
		return 0; /* as v5 posted it, under a bare TODO */
	TRACE(.kind = "virtio_fs.warn", .func = "virtio_fs_freeze",
	      .detail = "virtio-fs: suspend/resume not yet supported");
	return -EOPNOTSUPP;
}

/* Kernel: virtio_fs_restore(): does nothing, in v5 and in mainline (the
 * kernel leaves it as a TODO); the vfsim restore extension rebuilds the
 * queues and the session. */
static int virtio_fs_restore(struct virtio_device *vdev)
{
	struct virtio_fs *fs = vdev->priv;

	return fs->restore ? virtio_fs_pm_restore(vdev, fs) : 0;
}

static const unsigned int feature_table[] = { 0 };

struct virtio_driver virtio_fs_driver = {
	.name = "virtiofs",
	.feature_table = feature_table,
	.feature_table_size = 0,
	.probe = virtio_fs_probe,
	.remove = virtio_fs_remove,
	.freeze = virtio_fs_freeze,
	.restore = virtio_fs_restore,
};
