// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_fs.c - twin of Linux fs/fuse/virtio_fs.c: everything that file
 * holds, in mainline's order, so the two can be scrolled side by side.
 * Three releases live here (vfsim_variant.h): the v5 posting of 2019
 * ("v5-2019"), Linux 6.1 ("6.1") and Linux 7.1 ("mainline"). Where they
 * differ inside a function, each release's code sits in a branch of
 * virtio_fs_variant_in(); a function that only some releases have says
 * which in its comment, as "Kernel [v5-2019, 6.1]:". A historical bug
 * switch (virtio_fs_bug()) and vfsim's own options (virtio_fs_opt()) are
 * tested the same way. That regular form is what the reader view folds
 * (vfsim source, make reader; docs/kernel-xref.md): each release's file,
 * without the other releases, the switches and the options.
 *
 * Not modelled: fs_context parameter parsing, uevents, the dax_device of
 * the DAX window (virtio_fs_setup_dax() only finds the window) and module
 * init/exit. sysfs is shown, not built (virtio_fs_sysfs_show()). The
 * struct definitions the kernel keeps at the top of this file are in
 * virtio_fs.h, because tests and the console look inside them.
 *
 * Functions marked "sim" have no kernel twin: they report what KASAN or a
 * WARN would on a real machine, keep the accounting invariant, or stand in
 * for a line of kernel code. The section at the end holds what only the
 * simulator needs.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "guest/vfsim_internal.h"
#include "guest/virtio_fs.h"
#include "sim/trace/image.h"

/* Kernel: FUSE_HEADER_OVERHEAD: ring slots a request needs besides its
 * pages (in header, in args, out header, out args). */
#define FUSE_HEADER_OVERHEAD 4

/* The instance list, and the lock that also keeps remove and mount apart
 * (kernel: virtio_fs_mutex, virtio_fs_instances). */
DEFINE_MUTEX(virtio_fs_mutex);

static LIST_HEAD(virtio_fs_instances);
/* vfsim's own: set while a machine is built, so a machine image
 * (sim/trace/image.h) puts it back as the set-up left it */
IMAGE_STATE(virtio_fs_mutex)
IMAGE_STATE(virtio_fs_instances)

static int virtio_fs_enqueue_req(struct virtio_fs_vq *fsvq,
				 struct fuse_req *req, bool in_flight,
				 gfp_t gfp);

/* Kernel: vq_to_fsvq(): the queue's state; the index is the array index. */
static struct virtio_fs_vq *vq_to_fsvq(struct virtqueue *vq)
{
	struct virtio_fs *fs = vq->vdev->priv;

	if (WARN_ON(!fs)) /* an interrupt after remove() */
		return NULL;
	return &fs->vqs[vq->index];
}

/*
 * sim: @fsvq->fud is gone (virtio_fs_free_devs() ran under a submitter, a
 * removal that did not wait): the kernel dereferences NULL and oopses.
 * vfsim files an "oops" report and the task stops there for good, as an
 * oopsed task does (what it holds stays held); outside tasks it returns
 * false and the caller gives up. True when the fuse_dev is there.
 */
static bool virtio_fs_fud_alive(struct virtio_fs_vq *fsvq, const char *func)
{
	wait_queue_head_t never;

	if (likely(fsvq->fud))
		return true;
	check_report("oops",
		     "BUG: kernel NULL pointer dereference in %s(): the "
		     "fuse_dev of %s was freed (task %s stops here)",
		     func, fsvq->name, sched_task_name());
	if (current) {
		init_waitqueue_head(&never);
		wq_wait(&never, "oops", 0);
	}
	return false;
}

/* sim: report a use of @fsvq's virtqueue after del_vqs as "virtio_fs.uaf"
 * (KASAN on a real machine); true when the virtqueue may be used. */
static bool virtio_fs_vq_alive(struct virtio_fs_vq *fsvq, const char *func)
{
	if (!fsvq->vq_deleted)
		return true;
	check_report("virtio_fs.uaf",
		     "BUG: KASAN: use-after-free in %s(): virtqueue %s was "
		     "freed by del_vqs",
		     func, fsvq->name);
	return false;
}

/*
 * sim: report a request the device gave back after it was freed, as KASAN
 * would ("virtio_fs.uaf"). Only an abort (a request timeout), which also
 * disconnects @fpq, frees a request the device still holds, so a live
 * connection needs no look at the allocator; the kernel then goes on with
 * freed memory, the model drops the token instead.
 */
static bool virtio_fs_req_alive(struct virtio_fs_vq *fsvq,
				struct fuse_pqueue *fpq, struct fuse_req *req,
				const char *func)
{
	if (fpq->connected || kmem_is_live(req))
		return true;
	check_report("virtio_fs.uaf",
		     "BUG: KASAN: use-after-free in %s(): %s gave back a "
		     "request that was already freed (ended by an abort "
		     "while the device held its buffers)",
		     func, fsvq->name);
	return false;
}

/* Kernel: inc_in_flight_req(): one more buffer or parked entry. */
static void inc_in_flight_req(struct virtio_fs_vq *fsvq)
{
	assert_spin_locked(&fsvq->lock);
	fsvq->in_flight++;
}

/* Kernel: dec_in_flight_req(): one fewer; wake a drain at zero. */
static void dec_in_flight_req(struct virtio_fs_vq *fsvq)
{
	assert_spin_locked(&fsvq->lock);
	WARN_ON(fsvq->in_flight <= 0);
	fsvq->in_flight--;
	if (!fsvq->in_flight) {
		fsvq->emptied_at = sched_now();
		complete(&fsvq->in_flight_zero);
	}
}

/* Kernel [mainline]: tag_show(): /sys/fs/virtiofs/N/tag. */
static int tag_show(struct virtio_fs *fs, char *buf, size_t size)
{
	return snprintf(buf, size, "%s\n", fs->tag);
}

/* Kernel [mainline]: name_show(): /sys/fs/virtiofs/N/mqs/Q/name. */
static int name_show(struct virtio_fs_vq *fsvq, char *buf, size_t size)
{
	return snprintf(buf, size, "%s\n", fsvq->name);
}

/* Kernel [mainline]: cpu_list_show(): the CPUs whose requests go to this
 * queue (every CPU for hiprio), ", " between them. */
static int cpu_list_show(struct virtio_fs *fs, struct virtio_fs_vq *fsvq,
			 char *buf, size_t size)
{
	unsigned int qid = (unsigned int)(fsvq - fs->vqs);
	bool first = true;
	int pos = 0;

	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++) {
		if (qid < VQ_REQUEST || fs->mq_map[cpu] == qid) {
			pos += snprintf(buf + pos, size - (size_t)pos,
					first ? "%u" : ", %u", cpu);
			first = false;
		}
	}
	return pos + snprintf(buf + pos, size - (size_t)pos, "\n");
}

/* Kernel [v5-2019, 6.1]: release_virtio_fs_obj(): the last reference
 * frees the queues and the object (the tag is devm memory in the kernel;
 * here it goes with the object). */
static void release_virtio_fs_obj(struct kref *ref)
{
	struct virtio_fs *vfs = container_of(ref, struct virtio_fs, refcount);

	TRACE(.kind = "virtio_fs.release", .func = "release_virtio_fs_obj",
	      .detail = vfs->tag);
	kfree(vfs->vqs);
	kfree(vfs->tag);
	kfree(vfs);
}

/* Kernel [mainline]: virtio_fs_ktype_release(): the kobject's release,
 * here on a kref; it also frees mq_map. */
static void virtio_fs_ktype_release(struct kref *ref)
{
	struct virtio_fs *vfs = container_of(ref, struct virtio_fs, refcount);

	TRACE(.kind = "virtio_fs.release", .func = "virtio_fs_ktype_release",
	      .detail = vfs->tag);
	kfree(vfs->mq_map);
	kfree(vfs->vqs);
	kfree(vfs->tag);
	kfree(vfs);
}

/* Kernel: virtio_fs_put_locked() (mainline; v5 and 6.1 name it
 * virtio_fs_put()): drop a reference, mutex held. */
static void virtio_fs_put_locked(struct virtio_fs *fs)
{
	if (virtio_fs_variant_in(fs, VFS_MAINLINE)) {
		kref_put(&fs->refcount, virtio_fs_ktype_release);
	} else {
		kref_put(&fs->refcount, release_virtio_fs_obj);
	}
}

/* Kernel: virtio_fs_put() (mainline; v5 and 6.1 take the mutex around
 * their virtio_fs_put() in the callers): drop a reference. */
void virtio_fs_put(struct virtio_fs *fs)
{
	mutex_lock(&virtio_fs_mutex);
	virtio_fs_put_locked(fs);
	mutex_unlock(&virtio_fs_mutex);
}

/* Kernel: virtio_fs_fiq_release(): the connection is going away; drop its
 * reference on the instance. */
static void virtio_fs_fiq_release(struct fuse_iqueue *fiq)
{
	virtio_fs_put(fiq->priv);
}

/* sim [option:bounded-drain]: the longest a drain waits: twice the
 * connection's request timeout, or twice FUSE_TIMEOUT_TIMER_FREQ when
 * none is armed (jiffies). */
static unsigned long virtio_fs_drain_bound(struct virtio_fs *fs)
{
	unsigned long timeout = FUSE_TIMEOUT_TIMER_FREQ * HZ;

	for (unsigned int i = 0; i < fs->nvqs; i++) {
		struct fuse_dev *fud = fs->vqs[i].fud;

		if (fud && fud->fc && fud->fc->timeout.req_timeout) {
			timeout = fud->fc->timeout.req_timeout;
			break;
		}
	}
	return 2 * timeout;
}

/*
 * sim [option:bounded-drain]: wait for in_flight_zero at most
 * virtio_fs_drain_bound(). By then the FUSE core has aborted every request
 * the device sat on, so a device that stopped answering no longer hangs
 * removal or unmount. The buffers stay counted: the device may still hold
 * them until it is reset. Returns false when it gave up.
 */
static bool virtio_fs_wait_in_flight_timeout(struct virtio_fs_vq *fsvq)
{
	if (wait_for_completion_timeout(&fsvq->in_flight_zero,
					virtio_fs_drain_bound(fsvq->fs)))
		return true;
	TRACE(.kind = "virtio_fs.drain_timeout",
	      .func = "virtio_fs_drain_queue", .queue = fsvq->tname,
	      .detail = trace_fmt("in_flight=%ld", fsvq->in_flight));
	return false;
}

/*
 * sim (no kernel twin): check the drain's promise where it returns. A drain
 * returns only when its queue holds nothing, parked entries included (the
 * accounting that must make that so is what teach-forgets-uncounted
 * breaks); and a drain that had to wait is woken by the end that emptied
 * the queue, at that virtual instant, not by a timer that fires later
 * (drain-by-polling sleeps 1-2 ms between looks). A bounded drain that gave
 * up is traced as such instead.
 */
static void virtio_fs_check_drained(struct virtio_fs_vq *fsvq, bool waited,
				    bool gave_up, unsigned int parked)
{
	if (gave_up)
		return;
	if (fsvq->in_flight || parked)
		check_report("virtio_fs.drain_early",
			     "%s: the drain returned while the queue still "
			     "holds %ld in flight and %u parked",
			     fsvq->name, fsvq->in_flight, parked);
	else if (waited && sched_now() > fsvq->emptied_at)
		check_report(
			"virtio_fs.drain_late",
			"%s: the drain returned %llu ns after the queue "
			"emptied (nothing woke it when the last request "
			"ended)",
			fsvq->name,
			(unsigned long long)(sched_now() - fsvq->emptied_at));
}

/*
 * Kernel: virtio_fs_drain_queue(). Guarantees on return that the device
 * holds no buffer of this queue and neither work is queued or running.
 * v5 polls in_flight every 1-2 ms (drain-by-polling); 6.1 and mainline
 * sleep on in_flight_zero, with no bound (one waiter at a time, which
 * virtio_fs_mutex ensures). With vfsim's bounded-drain option the wait
 * gives up (see virtio_fs_wait_in_flight_timeout()).
 */
static void virtio_fs_drain_queue(struct virtio_fs_vq *fsvq)
{
	struct virtio_fs *fs = fsvq->fs;
	bool waited = false, gave_up = false;
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
			waited = true;
			usleep_range(1000, 2000);
		}
	} else if (virtio_fs_opt(fs, VIRTIO_FS_OPT_BOUNDED_DRAIN)) {
		spin_lock(&fsvq->lock);
		if (fsvq->in_flight) {
			reinit_completion(&fsvq->in_flight_zero);
			spin_unlock(&fsvq->lock);
			waited = true;
			gave_up = !virtio_fs_wait_in_flight_timeout(fsvq);
		} else {
			spin_unlock(&fsvq->lock);
		}
	} else {
		spin_lock(&fsvq->lock);
		if (fsvq->in_flight) {
			reinit_completion(&fsvq->in_flight_zero);
			spin_unlock(&fsvq->lock);
			waited = true;
			wait_for_completion(&fsvq->in_flight_zero);
		} else {
			spin_unlock(&fsvq->lock);
		}
	}

	list_for_each(pos, &fsvq->queued_reqs)
		parked++;
	TRACE(.kind = "virtio_fs.drain_wake", .func = "virtio_fs_drain_queue",
	      .queue = fsvq->tname,
	      .detail = trace_fmt("in_flight=%ld parked=%u", fsvq->in_flight,
				  parked));
	virtio_fs_check_drained(fsvq, waited, gave_up, parked);

	flush_work(&fsvq->done_work);
	if (virtio_fs_variant_in(fs, VFS_V5_2019 | VFS_V6_1)) {
		flush_delayed_work(&fsvq->dispatch_work);
	} else {
		flush_work(&fsvq->dispatch_work.work);
	}
}

/* Kernel [v5-2019]: drain_hiprio_queued_reqs(): free the parked FORGETs,
 * which in_flight does not count. */
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

/* Kernel: virtio_fs_drain_all_queues_locked() (v5: the loop of its
 * virtio_fs_drain_all_queues(), which first purges the parked FORGETs). */
static void virtio_fs_drain_all_queues_locked(struct virtio_fs *fs)
{
	for (unsigned int i = 0; i < fs->nvqs; i++) {
		struct virtio_fs_vq *fsvq = &fs->vqs[i];

		if (virtio_fs_variant_in(fs, VFS_V5_2019)) {
			if (i == VQ_HIPRIO)
				drain_hiprio_queued_reqs(fsvq);
		}
		virtio_fs_drain_queue(fsvq);
	}
}

/* Kernel: virtio_fs_drain_all_queues(). 6.1 and mainline serialize drains
 * with virtio_fs_mutex (reinit_completion wants a single waiter); v5 does
 * not. */
void virtio_fs_drain_all_queues(struct virtio_fs *fs)
{
	if (virtio_fs_variant_in(fs, VFS_V5_2019)) {
		virtio_fs_drain_all_queues_locked(fs);
	} else {
		mutex_lock(&virtio_fs_mutex);
		virtio_fs_drain_all_queues_locked(fs);
		mutex_unlock(&virtio_fs_mutex);
	}
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

/* sim [mainline]: trace each line of @fs's /sys/fs/virtiofs/N view. */
static void virtio_fs_trace_sysfs(struct virtio_fs *fs, const char *func);

/* Kernel [mainline]: virtio_fs_delete_queues_sysfs(), with the rest of
 * remove()'s sysfs teardown: /sys/fs/virtiofs/N goes. */
static void virtio_fs_delete_queues_sysfs(struct virtio_fs *fs)
{
	fs->sysfs = false;
	TRACE(.kind = "virtio_fs.sysfs", .func = "virtio_fs_remove",
	      .detail = trace_fmt("/sys/fs/virtiofs/%u removed",
				  fs->vdev->index));
}

/* Kernel [mainline]: virtio_fs_add_queues_sysfs(), with the rest of
 * add_instance()'s sysfs: /sys/fs/virtiofs/N, its tag, its device link
 * and mqs/Q/{name,cpu_list} (kernel objects that cannot fail to be made
 * here). */
static int virtio_fs_add_queues_sysfs(struct virtio_fs *fs)
{
	fs->sysfs = true;
	virtio_fs_trace_sysfs(fs, "virtio_fs_add_instance");
	return 0;
}

/* Kernel: virtio_fs_add_instance(): list it unless the tag is taken;
 * mainline also publishes it in sysfs. */
static int virtio_fs_add_instance(struct virtio_device *vdev,
				  struct virtio_fs *fs)
{
	struct virtio_fs *fs2;
	int ret;

	(void)vdev;
	mutex_lock(&virtio_fs_mutex);
	list_for_each_entry(fs2, &virtio_fs_instances, list) {
		if (strcmp(fs->tag, fs2->tag) == 0) {
			mutex_unlock(&virtio_fs_mutex);
			TRACE(.kind = "virtio_fs.error",
			      .func = "virtio_fs_add_instance",
			      .detail = trace_fmt("tag %s already exists",
						  fs->tag));
			return -EEXIST;
		}
	}

	if (virtio_fs_variant_in(fs, VFS_MAINLINE)) {
		ret = virtio_fs_add_queues_sysfs(fs);
		if (ret) {
			mutex_unlock(&virtio_fs_mutex);
			return ret;
		}
	}

	list_add_tail(&fs->list, &virtio_fs_instances);
	mutex_unlock(&virtio_fs_mutex);
	return 0;
}

/* Kernel: virtio_fs_find_instance(): look up a tag, take a reference. */
static struct virtio_fs *virtio_fs_find_instance(const char *tag)
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
static void virtio_fs_free_devs(struct virtio_fs *fs)
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
 * first NUL, or all 36 of them. Empty is invalid; 6.1 and mainline also
 * refuse a newline ("virtiofs: forbid newlines in tags").
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
	fs->tag = kmalloc(len + 1, GFP_KERNEL);
	if (!fs->tag)
		return -ENOMEM;
	memcpy(fs->tag, tag_buf, len);
	fs->tag[len] = '\0';
	if (virtio_fs_variant_in(fs, VFS_V6_1 | VFS_MAINLINE)) {
		if (strchr(fs->tag, '\n'))
			return -EINVAL;
	}
	TRACE(.kind = "virtio_fs.tag", .func = "virtio_fs_read_tag",
	      .detail = trace_fmt("discovered new tag: %s", fs->tag));
	return 0;
}

/* sim: the "&& likely(!virtqueue_is_broken(vq))" that v5 and 6.1 have in
 * their completion loops' condition and mainline dropped. */
static bool virtio_fs_vq_broken(struct virtio_fs *fs, struct virtqueue *vq)
{
	if (virtio_fs_variant_in(fs, VFS_V5_2019 | VFS_V6_1)) {
		return virtqueue_is_broken(vq);
	} else {
		return false;
	}
}

/*
 * Kernel: virtio_fs_hiprio_done_work(): free the FORGETs the device is
 * done with. Mainline (6.11 on) also restarts the parked ones.
 */
static void virtio_fs_hiprio_done_work(struct work_struct *work)
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
			      .queue = fsvq->tname,
			      .unique = forget->req.ih.unique,
			      .opcode = FUSE_FORGET);
			kfree(forget);
			if (virtio_fs_variant_in(fs, VFS_V5_2019)) {
				fsvq->in_flight--;
			} else {
				dec_in_flight_req(fsvq);
			}
		}
	} while (!virtqueue_enable_cb(vq) && !virtio_fs_vq_broken(fs, vq));

	if (virtio_fs_variant_in(fs, VFS_MAINLINE)) {
		if (!list_empty(&fsvq->queued_reqs))
			schedule_work(&fsvq->dispatch_work.work);
	}
	spin_unlock(&fsvq->lock);
}

/* sim: the errors that park a request or a FORGET for a later retry
 * (each caller's "if (ret == ...)"): -ENOMEM and -ENOSPC in v5 and 6.1,
 * -ENOSPC alone from 6.11 on. */
static bool virtio_fs_retry_later(struct virtio_fs *fs, int ret)
{
	if (virtio_fs_variant_in(fs, VFS_V5_2019 | VFS_V6_1)) {
		return ret == -ENOMEM || ret == -ENOSPC;
	} else {
		return ret == -ENOSPC;
	}
}

/*
 * Kernel [6.1, mainline]: virtio_fs_request_dispatch_work(): end the
 * requests whose submission failed, then re-send the parked ones until
 * the ring is full again. 6.1 re-arms itself 1 ms later then; mainline
 * waits for the next completion to schedule it.
 */
static void virtio_fs_request_dispatch_work(struct work_struct *work)
{
	struct virtio_fs_vq *fsvq =
		container_of(work, struct virtio_fs_vq, dispatch_work.work);
	struct virtio_fs *fs = fsvq->fs;
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
		      .queue = fsvq->tname, .unique = req->in.h.unique,
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

		/* mainline: memalloc_nofs_save() + GFP_KERNEL */
		ret = virtio_fs_enqueue_req(fsvq, req, true, GFP_NOFS);
		if (ret < 0) {
			if (virtio_fs_retry_later(fs, ret)) {
				spin_lock(&fsvq->lock);
				list_add_tail(&req->list, &fsvq->queued_reqs);
				if (virtio_fs_variant_in(fs, VFS_V6_1)) {
					schedule_delayed_work(
						&fsvq->dispatch_work,
						msecs_to_jiffies(1));
				}
				spin_unlock(&fsvq->lock);
				return;
			}
			req->out.h.error = ret;
			spin_lock(&fsvq->lock);
			dec_in_flight_req(fsvq);
			spin_unlock(&fsvq->lock);
			TRACE(.kind = "virtio_fs.error", .func = __func__,
			      .queue = fsvq->tname, .unique = req->in.h.unique,
			      .opcode = (s32)req->in.h.opcode,
			      .detail = trace_fmt("dispatch failed %d", ret));
			fuse_request_end(req);
		}
	}
}

/* sim: fill in a FORGET (the code of virtio_fs_send_forget() and
 * virtio_fs_wake_forget_and_unlock()). The fixed driver sends only
 * forget->req (48 bytes); v5 (forget-sends-list-head) sent the whole
 * struct, list_head included. */
static void virtio_fs_fill_forget(struct virtio_fs *fs,
				  struct virtio_fs_forget *forget,
				  struct fuse_forget_link *link, u64 unique,
				  struct scatterlist *sg)
{
	unsigned int len = sizeof(forget->req);
	void *start = &forget->req;

	if (virtio_fs_bug(fs, VIRTIO_FS_BUG_FORGET_SENDS_LIST_HEAD)) {
		len = sizeof(*forget);
		start = forget;
	}
	forget->req.ih = (struct fuse_in_header){
		.opcode = FUSE_FORGET,
		.nodeid = link->forget_one.nodeid,
		.unique = unique,
		.len = len,
	};
	forget->req.arg = (struct fuse_forget_in){
		.nlookup = link->forget_one.nlookup,
	};
	sg_init_one(sg, start, len);
}

/* sim: the sg of a FORGET that was parked (its header says how long it
 * is). */
static void virtio_fs_forget_sg(struct virtio_fs_forget *forget,
				struct scatterlist *sg)
{
	sg_init_one(sg, forget, forget->req.ih.len);
}

/*
 * Kernel [6.1, mainline]: send_forget_request(). Sends the FORGET, or
 * parks it on queued_reqs when the ring is full (counted in in_flight
 * unless it already was; 6.1 also arms the dispatch work 1 ms later) and
 * returns 1, or drops it (stopped queue: 0; any other error: that
 * negative error, so the dispatch work stops).
 */
static int send_forget_request(struct virtio_fs_vq *fsvq,
			       struct virtio_fs_forget *forget, bool in_flight)
{
	struct virtio_fs *fs = fsvq->fs;
	struct scatterlist sg;
	struct scatterlist *sgs[] = { &sg };
	bool notify;
	int ret = 0;

	spin_lock(&fsvq->lock);
	if (!fsvq->connected) {
		TRACE(.kind = "virtio_fs.forget_drop",
		      .func = "send_forget_request", .queue = fsvq->tname,
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
		if (virtio_fs_retry_later(fs, ret)) {
			TRACE(.kind = "virtio_fs.forget_park",
			      .func = "send_forget_request",
			      .queue = fsvq->tname,
			      .unique = forget->req.ih.unique,
			      .opcode = FUSE_FORGET,
			      .detail = trace_fmt("err=%d", ret));
			list_add_tail(&forget->list, &fsvq->queued_reqs);
			if (virtio_fs_variant_in(fs, VFS_V6_1)) {
				schedule_delayed_work(&fsvq->dispatch_work,
						      msecs_to_jiffies(1));
			}
			if (virtio_fs_bug(
				    fs,
				    VIRTIO_FS_BUG_TEACH_FORGETS_UNCOUNTED)) {
				/* teaching: the parked FORGET stays uncounted */
			} else {
				if (!in_flight)
					inc_in_flight_req(fsvq);
			}
			ret = 1;
		} else {
			TRACE(.kind = "virtio_fs.forget_drop",
			      .func = "send_forget_request",
			      .queue = fsvq->tname,
			      .unique = forget->req.ih.unique,
			      .opcode = FUSE_FORGET,
			      .detail = trace_fmt("err=%d", ret));
			kfree(forget);
			if (in_flight)
				dec_in_flight_req(fsvq);
		}
		goto out;
	}

	if (!in_flight)
		inc_in_flight_req(fsvq);
	TRACE(.kind = "virtio_fs.forget", .func = "send_forget_request",
	      .queue = fsvq->tname, .unique = forget->req.ih.unique,
	      .opcode = FUSE_FORGET);
	notify = virtqueue_kick_prepare(fsvq->vq);
	spin_unlock(&fsvq->lock);
	if (notify)
		virtqueue_notify(fsvq->vq);
	return ret;
out:
	spin_unlock(&fsvq->lock);
	return ret;
}

/*
 * Kernel: virtio_fs_hiprio_dispatch_work(): send the parked FORGETs in
 * order. v5 adds them inline and re-arms itself 1 ms later while the ring
 * is full; 6.1 and mainline go through send_forget_request() and stop at
 * the first that does not go out (6.1's re-arms the work, mainline's
 * next completion schedules it again).
 */
static void virtio_fs_hiprio_dispatch_work(struct work_struct *work)
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

		if (virtio_fs_variant_in(fs, VFS_V6_1 | VFS_MAINLINE)) {
			spin_unlock(&fsvq->lock);
			if (virtio_fs_bug(
				    fs,
				    VIRTIO_FS_BUG_TEACH_FORGETS_UNCOUNTED)) {
				if (send_forget_request(fsvq, forget, false))
					return;
			} else {
				if (send_forget_request(fsvq, forget, true))
					return;
			}
		} else {
			if (!fsvq->connected ||
			    !virtio_fs_vq_alive(
				    fsvq, "virtio_fs_hiprio_dispatch_work")) {
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
					schedule_delayed_work(
						&fsvq->dispatch_work,
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
			      .queue = fsvq->tname,
			      .unique = forget->req.ih.unique,
			      .opcode = FUSE_FORGET);
			notify = virtqueue_kick_prepare(fsvq->vq);
			spin_unlock(&fsvq->lock);
			if (notify)
				virtqueue_notify(fsvq->vq);
		}
	}
}

/* Kernel [v5-2019]: virtio_fs_dummy_dispatch_work(): request queues park
 * nothing in v5. */
static void virtio_fs_dummy_dispatch_work(struct work_struct *work)
{
	(void)work;
}

/* sim: bytes of the first @n in args (the kernel calls fuse_len_args()). */
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
 * out.h.len is trusted, as the kernel trusts it; what would have
 * underflowed or overrun there is reported here
 * ("virtio_fs.unchecked_reply") and clamped.
 */
static void copy_args_from_argbuf(struct fuse_args *args, struct fuse_req *req)
{
	unsigned int num_in = args->in_numargs - args->in_pages;
	unsigned int num_out = args->out_numargs - args->out_pages;
	/* every out-arg's room, the pages' included */
	unsigned int room = fuse_len_args(args->out_numargs, args->out_args);
	unsigned int remaining, offset;

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

/*
 * Kernel [mainline]: virtio_fs_verify_response() (7.1): believe a reply
 * only when it covers a header, its oh.len is the used length and its
 * unique is the request's. vfsim's strict-replies option checks what the
 * kernel's /dev/fuse path would refuse too (FUSE_VERIFY_STRICT).
 */
static bool virtio_fs_verify_response(struct fuse_req *req, unsigned int len)
{
	struct virtio_fs *fs = req->fm->fc->iq.priv;
	enum fuse_verify_strictness strictness = FUSE_VERIFY_KERNEL;
	struct fuse_proto_args pa, *args = NULL;
	int err;

	/* sim: only the strict check reads the args' description (the
	 * kernel's checks are the header's len and unique); the kernel's
	 * is handed none, so nothing can read @pa unset */
	if (virtio_fs_opt(fs, VIRTIO_FS_OPT_STRICT_REPLIES)) {
		strictness = FUSE_VERIFY_STRICT;
		fuse_args_to_proto(req->args, &pa);
		args = &pa;
	}
	err = fuse_proto_check_reply(args, req->in.h.unique, &req->out.h, len,
				     NULL, strictness);
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

/* Kernel: the page-zeroing block of virtio_fs_request_complete(): zero
 * what a short read left of the pages. */
static void virtio_fs_zero_page_tail(struct fuse_args *args)
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

/* sim [option:bounded-drain]: drop the reference the driver holds while
 * the device has the buffers (see virtio_fs_enqueue_req()). */
static void virtio_fs_put_device_ref(struct fuse_req *req)
{
	fuse_put_request(req);
}

/*
 * Kernel: virtio_fs_request_complete() (v5: the loop body of its done
 * work): copy the reply out, zero the rest of short page reads, clear
 * FR_SENT (v5 also unlinks the request; v5 and 6.1 under fpq->lock), end
 * the request, uncount it. With bounded-drain a request the core already
 * ended only gets its buffers back.
 */
static void virtio_fs_request_complete(struct fuse_req *req,
				       struct virtio_fs_vq *fsvq)
{
	struct virtio_fs *fs = fsvq->fs;
	struct fuse_args *args = req->args;
	struct fuse_pqueue *fpq;

	/* vfsim's own check (see virtio_fs_fud_alive()); the kernel takes
	 * &fsvq->fud->pq in the declaration, which would be a member access
	 * through NULL here when a buggy variant freed fud */
	if (!virtio_fs_fud_alive(fsvq, __func__))
		return;
	fpq = &fsvq->fud->pq;
	if (virtio_fs_opt(fs, VIRTIO_FS_OPT_BOUNDED_DRAIN)) {
		if (test_bit(FR_FINISHED, &req->flags)) {
			TRACE(.kind = "virtio_fs.late_reply",
			      .func = "virtio_fs_request_complete",
			      .queue = fsvq->tname, .unique = req->in.h.unique,
			      .detail = "request already ended by the core");
			kfree(req->argbuf);
			req->argbuf = NULL;
			virtio_fs_put_device_ref(req);
			spin_lock(&fsvq->lock);
			dec_in_flight_req(fsvq);
			spin_unlock(&fsvq->lock);
			return;
		}
	}

	copy_args_from_argbuf(args, req);
	if (args->out_pages && args->page_zeroing)
		virtio_fs_zero_page_tail(args);
	TRACE(.kind = "virtio_fs.complete",
	      .func = "virtio_fs_request_complete", .queue = fsvq->tname,
	      .unique = req->in.h.unique, .opcode = (s32)req->in.h.opcode,
	      .args = TRACE_FMT("error=%d", req->out.h.error));

	if (virtio_fs_variant_in(fs, VFS_V5_2019)) {
		spin_lock(&fpq->lock);
		clear_bit(FR_SENT, &req->flags);
		list_del_init(&req->list);
		spin_unlock(&fpq->lock);
	} else if (virtio_fs_variant_in(fs, VFS_V6_1)) {
		spin_lock(&fpq->lock);
		clear_bit(FR_SENT, &req->flags);
		spin_unlock(&fpq->lock);
	} else {
		clear_bit(FR_SENT, &req->flags);
	}

	fuse_request_end(req);
	if (virtio_fs_opt(fs, VIRTIO_FS_OPT_BOUNDED_DRAIN)) {
		virtio_fs_put_device_ref(req);
	}
	spin_lock(&fsvq->lock);
	if (virtio_fs_variant_in(fs, VFS_V5_2019)) {
		fsvq->in_flight--;
	} else {
		dec_in_flight_req(fsvq);
	}
	spin_unlock(&fsvq->lock);
}

/* Kernel [6.1, mainline]: virtio_fs_complete_req_work(): complete a
 * request whose end may block, in its own work. */
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
 * outside fsvq->lock. Mainline verifies each reply first (-EIO when bad)
 * and restarts parked requests; 6.1 and mainline complete may_block
 * requests in their own work.
 */
static void virtio_fs_requests_done_work(struct work_struct *work)
{
	struct virtio_fs_vq *fsvq =
		container_of(work, struct virtio_fs_vq, done_work);
	struct virtio_fs *fs = fsvq->fs;
	struct fuse_pqueue *fpq;
	struct virtqueue *vq = fsvq->vq;
	struct fuse_req *req, *next;
	unsigned int len;
	LIST_HEAD(reqs);

	spin_lock(&fsvq->lock);
	if (!virtio_fs_vq_alive(fsvq, "virtio_fs_requests_done_work")) {
		spin_unlock(&fsvq->lock);
		return;
	}
	if (WARN_ON(!fsvq->fud)) { /* sim: the kernel would oops here */
		spin_unlock(&fsvq->lock);
		return;
	}
	fpq = &fsvq->fud->pq;
	do {
		virtqueue_disable_cb(vq);
		while ((req = virtqueue_get_buf(vq, &len)) != NULL) {
			if (!virtio_fs_req_alive(fsvq, fpq, req, __func__)) {
				dec_in_flight_req(fsvq);
				continue;
			}
			TRACE(.kind = "virtio_fs.reply",
			      .func = "virtio_fs_requests_done_work",
			      .queue = fsvq->tname, .unique = req->in.h.unique,
			      .opcode = (s32)req->in.h.opcode,
			      .args = TRACE_FMT("len=%u", len));
			if (virtio_fs_variant_in(fs, VFS_MAINLINE)) {
				if (!virtio_fs_verify_response(req, len)) {
					req->out.h.error = -EIO;
					req->out.h.len =
						sizeof(struct fuse_out_header);
				}
			}
			spin_lock(&fpq->lock);
			list_move_tail(&req->list, &reqs);
			spin_unlock(&fpq->lock);
		}
	} while (!virtqueue_enable_cb(vq) && !virtio_fs_vq_broken(fs, vq));
	spin_unlock(&fsvq->lock);

	list_for_each_entry_safe(req, next, &reqs, list) {
		if (virtio_fs_variant_in(fs, VFS_V6_1 | VFS_MAINLINE)) {
			list_del_init(&req->list);
			if (req->args->may_block) {
				struct virtio_fs_req_work *w;

				w = kzalloc(sizeof(*w),
					    GFP_NOFS | __GFP_NOFAIL);
				INIT_WORK(&w->done_work,
					  virtio_fs_complete_req_work);
				w->fsvq = fsvq;
				w->req = req;
				schedule_work(&w->done_work);
			} else {
				virtio_fs_request_complete(req, fsvq);
			}
		} else {
			virtio_fs_request_complete(req, fsvq);
		}
	}

	if (virtio_fs_variant_in(fs, VFS_MAINLINE)) {
		spin_lock(&fsvq->lock);
		if (!list_empty(&fsvq->queued_reqs))
			schedule_work(&fsvq->dispatch_work.work);
		spin_unlock(&fsvq->lock);
	}
}

/* sim: trace the CPU -> queue map, one line per CPU. */
static void virtio_fs_trace_mq_map(struct virtio_fs *fs)
{
	for (unsigned int cpu = 0; cpu < nr_cpu_ids; cpu++)
		TRACE(.kind = "virtio_fs.mq_map",
		      .func = "virtio_fs_map_queues",
		      .queue = fs->vqs[fs->mq_map[cpu]].name,
		      .detail = trace_fmt("cpu%u", cpu));
}

/*
 * Kernel [mainline]: virtio_fs_map_queues(): bind each CPU to a request
 * queue: the transport's interrupt affinity when it has one (PCI MSI-X),
 * else group_cpus_evenly()'s groups of consecutive CPUs (6 CPUs on 4
 * queues: 2, 2, 1, 1); all on the first request queue if even that
 * fails. mq_map holds the queue's index in fs->vqs.
 */
static void virtio_fs_map_queues(struct virtio_device *vdev,
				 struct virtio_fs *fs)
{
	const struct cpumask *mask;
	struct cpumask *masks;
	unsigned int q, cpu, nr_masks;

	if (!vdev->config->get_vq_affinity)
		goto fallback;

	for (q = 0; q < fs->num_request_queues; q++) {
		mask = vdev->config->get_vq_affinity(vdev, VQ_REQUEST + q);
		if (!mask)
			goto fallback;

		for_each_cpu(cpu, mask) fs->mq_map[cpu] = q + VQ_REQUEST;
	}
	virtio_fs_trace_mq_map(fs);
	return;
fallback:
	masks = group_cpus_evenly(fs->num_request_queues, &nr_masks);
	if (!masks) {
		for (cpu = 0; cpu < nr_cpu_ids; cpu++)
			fs->mq_map[cpu] = VQ_REQUEST;
		virtio_fs_trace_mq_map(fs);
		return;
	}
	for (q = 0; q < fs->num_request_queues; q++) {
		for_each_cpu(cpu, &masks[q % nr_masks])
			fs->mq_map[cpu] = q + VQ_REQUEST;
	}
	kfree(masks);
	virtio_fs_trace_mq_map(fs);
}

/* Kernel: virtio_fs_vq_done(): the interrupt handler; defer to done_work. */
void virtio_fs_vq_done(struct virtqueue *vq)
{
	struct virtio_fs_vq *fsvq = vq_to_fsvq(vq);

	if (!fsvq)
		return;
	TRACE(.kind = "virtio_fs.irq", .func = "virtio_fs_vq_done",
	      .queue = fsvq->tname);
	schedule_work(&fsvq->done_work);
}

/* Kernel: virtio_fs_init_vq(): name, lock, lists, works of one queue (v5
 * did this inline in virtio_fs_setup_vqs()). */
static void virtio_fs_init_vq(struct virtio_fs *fs, struct virtio_fs_vq *fsvq,
			      const char *name, bool hiprio)
{
	snprintf(fsvq->name, sizeof(fsvq->name), "%s", name);
	fsvq->tname = trace_name(fsvq->name);
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
		if (virtio_fs_variant_in(fs, VFS_V5_2019)) {
			INIT_DELAYED_WORK(&fsvq->dispatch_work,
					  virtio_fs_dummy_dispatch_work);
		} else {
			INIT_DELAYED_WORK(&fsvq->dispatch_work,
					  virtio_fs_request_dispatch_work);
		}
	}
}

/*
 * Kernel: virtio_fs_setup_vqs(): read num_request_queues (0 is invalid;
 * mainline caps it at the CPU count), create hiprio + the request queues
 * and mark them connected. On error the queue array is freed (and
 * mainline's mq_map, which it does not forget: see virtio_fs_probe()).
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
	if (virtio_fs_variant_in(fs, VFS_MAINLINE)) {
		if (fs->num_request_queues > nr_cpu_ids)
			fs->num_request_queues = nr_cpu_ids;
	}

	fs->nvqs = VQ_REQUEST + fs->num_request_queues;
	fs->vqs = kcalloc(fs->nvqs, sizeof(fs->vqs[VQ_HIPRIO]), GFP_KERNEL);
	if (!fs->vqs)
		return -ENOMEM;

	vqs = kmalloc_array(fs->nvqs, sizeof(vqs[VQ_HIPRIO]), GFP_KERNEL);
	callbacks = kmalloc_array(fs->nvqs, sizeof(callbacks[VQ_HIPRIO]),
				  GFP_KERNEL);
	names = kmalloc_array(fs->nvqs, sizeof(names[VQ_HIPRIO]), GFP_KERNEL);
	if (virtio_fs_variant_in(fs, VFS_MAINLINE)) {
		fs->mq_map =
			kcalloc(nr_cpu_ids, sizeof(*fs->mq_map), GFP_KERNEL);
		if (!fs->mq_map) {
			ret = -ENOMEM;
			goto out;
		}
	}
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
		if (virtio_fs_variant_in(fs, VFS_MAINLINE)) {
			kfree(fs->mq_map);
		}
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

/* Kernel [6.1, mainline]: virtio_fs_setup_dax(), reduced to finding the
 * device's cache window (its shared memory region); the dax_device and
 * the window's page map are not modelled. */
static int virtio_fs_setup_dax(struct virtio_device *vdev, struct virtio_fs *fs)
{
	struct virtio_shm_region cache_reg;

	if (!virtio_get_shm_region(vdev, &cache_reg,
				   (u8)VIRTIO_FS_SHMCAP_ID_CACHE)) {
		TRACE(.kind = "virtio_fs.dax", .func = "virtio_fs_setup_dax",
		      .detail = "No cache capability");
		return 0;
	}
	fs->window_len = cache_reg.len;
	TRACE(.kind = "virtio_fs.dax", .func = "virtio_fs_setup_dax",
	      .detail = trace_fmt("Cache len: 0x%llx @ 0x%llx",
				  (unsigned long long)cache_reg.len,
				  (unsigned long long)cache_reg.addr));
	return 0;
}

/*
 * Kernel: virtio_fs_probe(): read the tag and the queue count, set up the
 * queues (mainline also maps CPUs to them), find the DAX window, go
 * DRIVER_OK, then publish the instance. A late error frees the queues
 * unless probe-error-leak (CVE-2021-46956) forgets them. Mainline frees
 * fs->vqs and mq_map in the kobject's release; after a failed setup_vqs()
 * that is their second free (Linux 7.1 as read: setup_vqs() frees them
 * without clearing the pointers).
 */
static int virtio_fs_probe(struct virtio_device *vdev)
{
	const struct virtio_fs_variant_info *vi;
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
	fs->options = virtio_fs_get_options();
	vdev->priv = fs;
	vi = virtio_fs_variant_info(fs->variant);
	TRACE(.kind = "virtio_fs.probe", .func = "virtio_fs_probe",
	      .detail = trace_fmt("%s (%s)", vi->name, vi->release));

	ret = virtio_fs_read_tag(vdev, fs);
	if (ret < 0)
		goto out;
	ret = virtio_fs_setup_vqs(vdev, fs);
	if (ret < 0)
		goto out;
	if (virtio_fs_variant_in(fs, VFS_MAINLINE)) {
		virtio_fs_map_queues(vdev, fs);
	}
	if (virtio_fs_variant_in(fs, VFS_V6_1 | VFS_MAINLINE)) {
		ret = virtio_fs_setup_dax(vdev, fs);
		if (ret < 0)
			goto out_vqs;
	}

	/* Bring the device online in case the file system is mounted and
	 * requests must flow before probe returns. */
	virtio_device_ready(vdev);

	ret = virtio_fs_add_instance(vdev, fs);
	if (ret < 0)
		goto out_vqs;
	return 0;

out_vqs:
	virtio_reset_device(vdev);
	virtio_fs_cleanup_vqs(vdev, fs);
	if (virtio_fs_bug(fs, VIRTIO_FS_BUG_PROBE_ERROR_LEAK)) {
		/* 5.4 to 5.12: fs->vqs is forgotten */
	} else if (virtio_fs_variant_in(fs, VFS_V5_2019 | VFS_V6_1)) {
		kfree(fs->vqs);
	}
out:
	TRACE(.kind = "virtio_fs.error", .func = "virtio_fs_probe",
	      .detail = trace_fmt("probe failed with error %d", ret));
	vdev->priv = NULL;
	if (virtio_fs_variant_in(fs, VFS_MAINLINE)) {
		kref_put(&fs->refcount, virtio_fs_ktype_release);
	} else {
		kfree(fs->tag); /* devm memory in the kernel */
		kfree(fs);
	}
	return ret;
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

/* sim [option:bounded-drain]: take back a request after a reset (see
 * virtio_fs_detach_unused_bufs()): end it with -ENOTCONN unless the core
 * already did, free its buffer, drop the device's reference if it had
 * one. */
static void virtio_fs_req_detached(struct virtio_fs_vq *fsvq,
				   struct fuse_req *req, bool on_ring)
{
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
		virtio_fs_put_device_ref(req);
}

/*
 * sim [option:bounded-drain] (no kernel twin; virtio_net's
 * free_unused_bufs() is the nearest): after a reset, take back what a
 * device that stopped answering still held when a bounded drain gave up,
 * and whatever is still parked. Requests the core has not ended yet end
 * with -ENOTCONN; every buffer is freed and uncounted, so del_vqs frees
 * idle queues.
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
 * Kernel: virtio_fs_remove(): under virtio_fs_mutex, unlist the instance
 * (no new mount finds it; mainline also takes down its sysfs), stop and
 * drain every queue (with no bound: a device that stopped answering hangs
 * here), reset the device, free the queues, drop the device's reference.
 * A mounted file system keeps the object alive and gets -ENOTCONN from
 * then on.
 */
static void virtio_fs_remove(struct virtio_device *vdev)
{
	struct virtio_fs *fs = vdev->priv;

	TRACE(.kind = "virtio_fs.remove", .func = "virtio_fs_remove",
	      .detail = fs->tag);
	mutex_lock(&virtio_fs_mutex);
	list_del_init(&fs->list);
	if (virtio_fs_variant_in(fs, VFS_MAINLINE)) {
		virtio_fs_delete_queues_sysfs(fs);
	}
	if (virtio_fs_bug(fs, VIRTIO_FS_BUG_REMOVE_WITHOUT_DRAIN)) {
		/* v4: the channels go, the queues are neither stopped nor
		 * drained */
		virtio_fs_free_devs(fs);
	} else {
		virtio_fs_stop_all_queues(fs);
		virtio_fs_drain_all_queues_locked(fs);
	}
	virtio_reset_device(vdev);
	if (virtio_fs_opt(fs, VIRTIO_FS_OPT_BOUNDED_DRAIN)) {
		/* after the reset the device holds nothing: take back what
		 * a drain that gave up left */
		virtio_fs_detach_unused_bufs(fs);
	}
	virtio_fs_cleanup_vqs(vdev, fs);
	vdev->priv = NULL;
	virtio_fs_put_locked(fs);
	mutex_unlock(&virtio_fs_mutex);
}

/* Kernel: virtio_fs_freeze(): suspend is not supported (v5 claimed
 * success: freeze-returns-0). vfsim's restore option freezes for real. */
static int virtio_fs_freeze(struct virtio_device *vdev)
{
	struct virtio_fs *fs = vdev->priv;

	if (virtio_fs_opt(fs, VIRTIO_FS_OPT_RESTORE)) {
		return virtio_fs_pm_freeze(fs);
	}
	if (virtio_fs_bug(fs, VIRTIO_FS_BUG_FREEZE_RETURNS_0)) {
		return 0; /* as v5 posted it, under a bare TODO */
	} else {
		TRACE(.kind = "virtio_fs.warn", .func = "virtio_fs_freeze",
		      .detail = "virtio-fs: suspend/resume not yet supported");
		return -EOPNOTSUPP;
	}
}

/* Kernel: virtio_fs_restore(): does nothing in every release (a TODO);
 * vfsim's restore option rebuilds the queues and the session. */
static int virtio_fs_restore(struct virtio_device *vdev)
{
	struct virtio_fs *fs = vdev->priv;

	if (virtio_fs_opt(fs, VIRTIO_FS_OPT_RESTORE)) {
		return virtio_fs_pm_restore(vdev, fs);
	}
	return 0;
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

/* Kernel [mainline]: virtio_fs_send_forget(): build a FORGET and hand it
 * to send_forget_request(); no fiq->lock. */
static void virtio_fs_send_forget(struct fuse_iqueue *fiq,
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
 * Kernel [v5-2019, 6.1]: virtio_fs_wake_forget_and_unlock(): entered with
 * fiq->lock held; take one forget off the fiq list, unlock, and send it:
 * 6.1 through send_forget_request(); v5 inline, where a full ring parks it
 * (not counted in in_flight) and arms dispatch_work 1 ms later and other
 * errors drop it.
 */
static void virtio_fs_wake_forget_and_unlock(struct fuse_iqueue *fiq)
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

	if (virtio_fs_variant_in(fs, VFS_V6_1)) {
		send_forget_request(fsvq, forget, false);
	} else {
		spin_lock(&fsvq->lock);
		if (virtio_fs_bug(fs,
				  VIRTIO_FS_BUG_HIPRIO_NO_CONNECTED_CHECK)) {
			/* v4: nothing checks hiprio's state here */
		} else {
			if (!fsvq->connected) {
				kfree(forget);
				spin_unlock(&fsvq->lock);
				goto out;
			}
		}
		if (!virtio_fs_vq_alive(fsvq,
					"virtio_fs_wake_forget_and_unlock")) {
			kfree(forget);
			spin_unlock(&fsvq->lock);
			goto out;
		}
		ret = virtqueue_add_sgs(fsvq->vq, sgs, 1, 0, forget,
					GFP_ATOMIC);
		if (ret < 0) {
			if (ret == -ENOMEM || ret == -ENOSPC) {
				TRACE(.kind = "virtio_fs.forget_park",
				      .func = "virtio_fs_wake_forget_and_unlock",
				      .queue = fsvq->tname, .unique = unique,
				      .opcode = FUSE_FORGET);
				list_add_tail(&forget->list,
					      &fsvq->queued_reqs);
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
		      .func = "virtio_fs_wake_forget_and_unlock",
		      .queue = fsvq->tname, .unique = unique,
		      .opcode = FUSE_FORGET);
		notify = virtqueue_kick_prepare(fsvq->vq);
		spin_unlock(&fsvq->lock);
		if (notify)
			virtqueue_notify(fsvq->vq);
	}
out:
	kfree(link);
}

/* Kernel [mainline]: virtio_fs_send_interrupt(): FUSE_INTERRUPT is never
 * sent (a TODO in the kernel too); only traced here. */
static void virtio_fs_send_interrupt(struct fuse_iqueue *fiq,
				     struct fuse_req *req)
{
	(void)fiq;
	TRACE(.kind = "virtio_fs.interrupt", .func = "virtio_fs_send_interrupt",
	      .unique = req->in.h.unique,
	      .detail =
		      "not sent: virtio-fs has no FUSE_INTERRUPT (a kernel TODO)");
}

/* Kernel [v5-2019, 6.1]: virtio_fs_wake_interrupt_and_unlock():
 * FUSE_INTERRUPT is never sent. */
static void virtio_fs_wake_interrupt_and_unlock(struct fuse_iqueue *fiq)
{
	spin_unlock(&fiq->lock);
}

/* Kernel [6.1, mainline]: sg_count_fuse_pages() (mainline:
 * sg_count_fuse_folios()): page sgs clipped to the argument's length, as
 * sg_init_fuse_pages() builds them. */
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
 * v5 counts every page; 6.1 and mainline only those the argument
 * reaches. */
static unsigned int sg_count_fuse_req(struct virtio_fs *fs,
				      struct fuse_req *req)
{
	struct fuse_args *args = req->args;
	struct fuse_args_pages *ap = container_of(args, typeof(*ap), args);
	unsigned int total_sgs = 1; /* fuse_in_header */

	if (args->in_numargs - args->in_pages)
		total_sgs += 1;
	if (args->in_pages) {
		if (virtio_fs_variant_in(fs, VFS_V5_2019)) {
			total_sgs += ap->num_pages;
		} else {
			total_sgs += sg_count_fuse_pages(
				ap->descs, ap->num_pages,
				args->in_args[args->in_numargs - 1].size);
		}
	}
	if (!test_bit(FR_ISREPLY, &req->flags))
		return total_sgs;
	total_sgs += 1; /* fuse_out_header */
	if (args->out_numargs - args->out_pages)
		total_sgs += 1;
	if (args->out_pages) {
		if (virtio_fs_variant_in(fs, VFS_V5_2019)) {
			total_sgs += ap->num_pages;
		} else {
			total_sgs += sg_count_fuse_pages(
				ap->descs, ap->num_pages,
				args->out_args[args->out_numargs - 1].size);
		}
	}
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
 * the pages; *len_used says how much of argbuf they took. Forced inline
 * (vfsim: the compiler kept it out of line, a call and argument shuffle
 * each time for a body of a few tests). */
static inline __attribute__((always_inline)) unsigned int
sg_init_fuse_args(struct scatterlist *sg, struct fuse_req *req,
		  unsigned int len, unsigned int argpages_len, bool argpages,
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
 * and the request is untouched. 6.1 and mainline link the request on the
 * processing list (mainline: its unique's bucket, 6.1: the first) and set
 * FR_SENT only once the ring took it; v5 did both before calling this.
 * v5 and 6.1 allocate atomically whatever the caller.
 */
static int virtio_fs_enqueue_req(struct virtio_fs_vq *fsvq,
				 struct fuse_req *req, bool in_flight,
				 gfp_t gfp)
{
	struct scatterlist *stack_sgs[6];
	struct scatterlist stack_sg[ARRAY_SIZE(stack_sgs)];
	struct scatterlist **sgs = stack_sgs;
	struct scatterlist *sg = stack_sg;
	struct virtio_fs *fs = fsvq->fs;
	struct fuse_args *args = req->args;
	struct fuse_pqueue *fpq;
	unsigned int argbuf_used = 0;
	unsigned int out_sgs = 0;
	unsigned int in_sgs = 0;
	unsigned int total_sgs;
	unsigned int hash;
	bool notify;
	int ret;

	if (virtio_fs_variant_in(fs, VFS_V5_2019 | VFS_V6_1)) {
		gfp = GFP_ATOMIC;
	}
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
	/* vfsim only: a fault plan may spoil the request (no kernel twin) */
	vfsim_spoil_request(req, &sg[0]);
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

	if (virtio_fs_variant_in(fs, VFS_V5_2019)) {
		fsvq->in_flight++;
	} else {
		if (!virtio_fs_fud_alive(fsvq, __func__)) {
			spin_unlock(&fsvq->lock);
			ret = -EIO;
			goto out;
		}
		fpq = &fsvq->fud->pq;
		if (virtio_fs_variant_in(fs, VFS_MAINLINE)) {
			hash = fuse_req_hash(req->in.h.unique);
		} else {
			hash = 0;
		}
		spin_lock(&fpq->lock);
		list_add_tail(&req->list, &fpq->processing[hash]);
		spin_unlock(&fpq->lock);
		set_bit(FR_SENT, &req->flags);
		if (!in_flight)
			inc_in_flight_req(fsvq);
	}
	if (virtio_fs_opt(fs, VIRTIO_FS_OPT_BOUNDED_DRAIN)) {
		/* keep the request while the device has its buffers: an
		 * abort may end it before they come back */
		__fuse_get_request(req);
	}
	TRACE(.kind = "virtio_fs.enqueue", .func = "virtio_fs_enqueue_req",
	      .queue = fsvq->tname, .unique = req->in.h.unique,
	      .opcode = (s32)req->in.h.opcode,
	      .args = TRACE_FMT("out_sgs=%u in_sgs=%u", out_sgs, in_sgs));
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

/* sim: the request queue of the submitting task's CPU (kernel: the line
 * fs->mq_map[raw_smp_processor_id()] in virtio_fs_send_req()). */
static unsigned int virtio_fs_pick_queue(struct virtio_fs *fs)
{
	int cpu = current ? raw_smp_processor_id() : 0;

	return fs->mq_map[(unsigned int)cpu % nr_cpu_ids];
}

/*
 * Kernel [mainline]: virtio_fs_send_req(). Never sleeps and never ends
 * the request in the submitter (it may hold fc->bg_lock): a full ring
 * parks it on queued_reqs (counted in flight; the next completion
 * re-dispatches), any other error goes to end_reqs for dispatch_work.
 * The bug switches put v5's sleep-and-retry and end-in-submitter back.
 */
static void virtio_fs_send_req(struct fuse_iqueue *fiq, struct fuse_req *req)
{
	struct virtio_fs *fs = fiq->priv;
	struct virtio_fs_vq *fsvq;
	unsigned int queue_id;
	int ret;

	if (req->in.h.opcode != FUSE_NOTIFY_REPLY)
		req->in.h.unique = fuse_get_unique(fiq);
	clear_bit(FR_PENDING, &req->flags);
	queue_id = virtio_fs_pick_queue(fs);
	fsvq = &fs->vqs[queue_id];
	TRACE(.kind = "virtio_fs.send", .func = "virtio_fs_send_req",
	      .queue = fsvq->tname, .unique = req->in.h.unique,
	      .opcode = (s32)req->in.h.opcode);
retry:
	ret = virtio_fs_enqueue_req(fsvq, req, false, GFP_ATOMIC);
	if (ret < 0) {
		if (virtio_fs_bug(fs,
				  VIRTIO_FS_BUG_SLEEP_RETRY_HOLDING_BG_LOCK)) {
			if (ret == -ENOMEM || ret == -ENOSPC) {
				usleep_range(20, 30);
				goto retry;
			}
		}
		if (ret == -ENOSPC) {
			TRACE(.kind = "virtio_fs.park",
			      .func = "virtio_fs_send_req",
			      .queue = fsvq->tname, .unique = req->in.h.unique,
			      .opcode = (s32)req->in.h.opcode);
			spin_lock(&fsvq->lock);
			list_add_tail(&req->list, &fsvq->queued_reqs);
			inc_in_flight_req(fsvq);
			spin_unlock(&fsvq->lock);
			return;
		}
		req->out.h.error = ret;
		TRACE(.kind = "virtio_fs.error", .func = "virtio_fs_send_req",
		      .queue = fsvq->tname, .unique = req->in.h.unique,
		      .opcode = (s32)req->in.h.opcode,
		      .detail = trace_fmt("virtio_fs_enqueue_req() failed %d",
					  ret));
		if (virtio_fs_bug(fs, VIRTIO_FS_BUG_END_REQ_IN_SUBMITTER)) {
			fuse_request_end(req);
		} else {
			spin_lock(&fsvq->lock);
			list_add_tail(&req->list, &fsvq->end_reqs);
			schedule_work(&fsvq->dispatch_work.work);
			spin_unlock(&fsvq->lock);
		}
	}
}

/*
 * Kernel [v5-2019, 6.1]: virtio_fs_wake_pending_and_unlock(): entered
 * with fiq->lock held (and maybe fc->bg_lock); both use the first request
 * queue only ("TODO multiqueue"). 6.1: enqueue; a full ring (or no
 * memory) parks the request, counted in flight, and arms dispatch_work
 * 1 ms later; other errors go to end_reqs for it (sleep-retry-holding-
 * bg-lock and end-req-in-submitter bring back the 2019 code, as in
 * virtio_fs_send_req()). v5: link the request on
 * processing and set FR_SENT, then enqueue; a full ring sleeps 20-30 us
 * and retries right here and other errors end the request right here (the
 * two 2019 deadlocks); end-before-unlist leaves out the unlinking, as v4
 * did.
 */
static void virtio_fs_wake_pending_and_unlock(struct fuse_iqueue *fiq)
{
	unsigned int queue_id = VQ_REQUEST;
	struct virtio_fs_vq *fsvq;
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
	fsvq = &fs->vqs[queue_id];
	TRACE(.kind = "virtio_fs.send",
	      .func = "virtio_fs_wake_pending_and_unlock", .queue = fsvq->tname,
	      .unique = req->in.h.unique, .opcode = (s32)req->in.h.opcode);

	if (virtio_fs_variant_in(fs, VFS_V6_1)) {
retry_6_1:
		ret = virtio_fs_enqueue_req(fsvq, req, false, GFP_ATOMIC);
		if (ret < 0) {
			if (virtio_fs_bug(
				    fs,
				    VIRTIO_FS_BUG_SLEEP_RETRY_HOLDING_BG_LOCK)) {
				if (ret == -ENOMEM || ret == -ENOSPC) {
					usleep_range(20, 30);
					goto retry_6_1;
				}
			}
			if (ret == -ENOMEM || ret == -ENOSPC) {
				TRACE(.kind = "virtio_fs.park",
				      .func = "virtio_fs_wake_pending_and_unlock",
				      .queue = fsvq->tname,
				      .unique = req->in.h.unique,
				      .opcode = (s32)req->in.h.opcode);
				spin_lock(&fsvq->lock);
				list_add_tail(&req->list, &fsvq->queued_reqs);
				inc_in_flight_req(fsvq);
				schedule_delayed_work(&fsvq->dispatch_work,
						      msecs_to_jiffies(1));
				spin_unlock(&fsvq->lock);
				return;
			}
			req->out.h.error = ret;
			TRACE(.kind = "virtio_fs.error",
			      .func = "virtio_fs_wake_pending_and_unlock",
			      .queue = fsvq->tname, .unique = req->in.h.unique,
			      .opcode = (s32)req->in.h.opcode,
			      .detail = trace_fmt(
				      "virtio_fs_enqueue_req() failed %d",
				      ret));
			if (virtio_fs_bug(fs,
					  VIRTIO_FS_BUG_END_REQ_IN_SUBMITTER)) {
				fuse_request_end(req);
			} else {
				spin_lock(&fsvq->lock);
				list_add_tail(&req->list, &fsvq->end_reqs);
				schedule_delayed_work(&fsvq->dispatch_work, 0);
				spin_unlock(&fsvq->lock);
			}
		}
	} else {
		if (!virtio_fs_fud_alive(fsvq, __func__))
			return;
		fpq = &fsvq->fud->pq;
		spin_lock(&fpq->lock);
		if (!fpq->connected) {
			spin_unlock(&fpq->lock);
			req->out.h.error = -ENODEV;
			TRACE(.kind = "virtio_fs.error",
			      .func = "virtio_fs_wake_pending_and_unlock",
			      .unique = req->in.h.unique,
			      .detail = "disconnected");
			fuse_request_end(req);
			return;
		}
		list_add_tail(&req->list, fpq->processing);
		spin_unlock(&fpq->lock);
		set_bit(FR_SENT, &req->flags);

retry:
		ret = virtio_fs_enqueue_req(fsvq, req, false, GFP_ATOMIC);
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
			      .detail = trace_fmt(
				      "virtio_fs_enqueue_req() failed %d",
				      ret));
			if (virtio_fs_bug(fs,
					  VIRTIO_FS_BUG_END_BEFORE_UNLIST)) {
				/* v4: still linked, FR_SENT still set */
			} else {
				spin_lock(&fpq->lock);
				clear_bit(FR_SENT, &req->flags);
				list_del_init(&req->list);
				spin_unlock(&fpq->lock);
			}
			fuse_request_end(req);
		}
	}
}

/* Kernel [mainline]: virtio_fs_fiq_ops, the send_* style. */
const struct fuse_iqueue_ops virtio_fs_fiq_ops = {
	.send_forget = virtio_fs_send_forget,
	.send_interrupt = virtio_fs_send_interrupt,
	.send_req = virtio_fs_send_req,
	.release = virtio_fs_fiq_release,
};

/* Kernel [v5-2019, 6.1]: virtio_fs_fiq_ops, the wake_*_and_unlock style. */
const struct fuse_iqueue_ops virtio_fs_fiq_ops_wake = {
	.wake_forget_and_unlock = virtio_fs_wake_forget_and_unlock,
	.wake_interrupt_and_unlock = virtio_fs_wake_interrupt_and_unlock,
	.wake_pending_and_unlock = virtio_fs_wake_pending_and_unlock,
	.release = virtio_fs_fiq_release,
};

/*
 * A super block with what the kernel keeps around it (sb->s_fs_info's
 * fuse_mount, the sget list, the active count). One per device: a second
 * mount of the same tag shares it, as virtio_fs_test_super() makes
 * sget_fc() do.
 */
struct virtio_fs_super {
	struct super_block sb;
	struct fuse_mount fm;
	struct virtio_fs *fs;
	unsigned int active;
	struct list_head node;
};

static LIST_HEAD(virtio_fs_supers);
/* vfsim's own: set while a machine is built, so a machine image
 * (sim/trace/image.h) puts it back as the set-up left it */
IMAGE_STATE(virtio_fs_supers)

/* Kernel: fuse_free_conn(): the connection's memory. */
static void virtio_fs_free_conn(struct fuse_conn *fc)
{
	kfree(fc);
}

/* sim: the instance a super block was mounted from. */
struct virtio_fs *virtio_fs_of_sb(struct super_block *sb)
{
	return container_of(sb, struct virtio_fs_super, sb)->fs;
}

/*
 * Kernel: virtio_fs_fill_super(): under virtio_fs_mutex make sure the
 * device was not removed meanwhile, give every queue a fuse_dev, start the
 * queues and send FUSE_INIT. v5 lets the core allocate the first request
 * queue's fud (ctx.fudptr) and allocates only hiprio's itself; 6.1 and
 * mainline hand the DAX window to the core unless dax=never.
 */
static int virtio_fs_fill_super(struct super_block *sb)
{
	struct fuse_mount *fm = get_fuse_mount_super(sb);
	struct fuse_conn *fc = fm->fc;
	struct virtio_fs *fs = fc->iq.priv;
	unsigned int nr_fuds = fs->nvqs;
	unsigned int i;
	int err;
	struct fuse_fs_context ctx = {
		.default_permissions = 1,
		.allow_other = 1,
		.max_read = UINT_MAX,
		.blksize = 512,
		.destroy = true,
		.no_control = true,
		.no_force_umount = true,
	};

	mutex_lock(&virtio_fs_mutex);
	/* We hold a reference, but remove() may have torn the queues down
	 * already: then the instance is off the list. */
	err = -EINVAL;
	if (list_empty(&fs->list)) {
		TRACE(.kind = "virtio_fs.error", .func = "virtio_fs_fill_super",
		      .detail = trace_fmt("tag <%s> not found", fs->tag));
		goto err;
	}

	if (virtio_fs_variant_in(fs, VFS_V5_2019)) {
		nr_fuds = VQ_REQUEST;
	}
	err = -ENOMEM;
	for (i = 0; i < nr_fuds; i++) {
		struct virtio_fs_vq *fsvq = &fs->vqs[i];

		fsvq->fud = fuse_dev_alloc();
		if (!fsvq->fud)
			goto err_free_fuse_devs;
	}

	if (virtio_fs_variant_in(fs, VFS_V5_2019)) {
		ctx.fudptr = (void **)&fs->vqs[VQ_REQUEST].fud;
	} else {
		ctx.fudptr = NULL;
		/* the default dax mode (inode) takes the window */
		ctx.dax = fs->window_len != 0;
	}
	err = fuse_fill_super_common(sb, &ctx);
	if (err < 0)
		goto err_free_fuse_devs;

	for (i = 0; i < fs->nvqs; i++) {
		struct virtio_fs_vq *fsvq = &fs->vqs[i];

		if (virtio_fs_variant_in(fs, VFS_V5_2019)) {
			if (i == VQ_REQUEST)
				continue; /* already installed by the core */
			/* v5 left vqs past the first request queue without
			 * a fud: the kernel dereferenced NULL here. */
			BUG_ON(!fsvq->fud);
			if (!fsvq->fud)
				continue;
		}
		fuse_dev_install(fsvq->fud, fc);
	}

	/* A previous unmount stopped the queues: start them again. */
	virtio_fs_start_all_queues(fs);
	fuse_send_init(fm);
	mutex_unlock(&virtio_fs_mutex);
	return 0;

err_free_fuse_devs:
	virtio_fs_free_devs(fs);
err:
	mutex_unlock(&virtio_fs_mutex);
	return err;
}

/*
 * Kernel: virtio_kill_sb() (6.1 and mainline: with
 * virtio_fs_conn_destroy()). Stop the FORGET queue and drain, let the
 * core send DESTROY and abort, then stop every queue, drain again and
 * free the channels. Their references and the super block's are
 * dropped; the last one releases the instance. A device that stopped
 * answering hangs the first drain: nothing ends what it holds.
 */
static void virtio_kill_sb(struct super_block *sb)
{
	struct fuse_mount *fm = get_fuse_mount_super(sb);
	struct fuse_conn *fc = fm->fc;
	struct virtio_fs *fs = fc->iq.priv;
	struct virtio_fs_vq *fsvq = &fs->vqs[VQ_HIPRIO];

	TRACE(.kind = "virtio_fs.umount", .func = "virtio_kill_sb",
	      .detail = fs->tag);
	if (virtio_fs_variant_in(fs, VFS_V6_1 | VFS_MAINLINE)) {
		/* only the last mount of the connection tears it down; here
		 * every connection has exactly one fuse_mount */
		WARN_ON(!fuse_mount_remove(fm));
	}
	spin_lock(&fsvq->lock);
	fsvq->connected = false;
	spin_unlock(&fsvq->lock);
	virtio_fs_drain_all_queues(fs);

	fuse_conn_destroy(fm);

	virtio_fs_stop_all_queues(fs);
	virtio_fs_drain_all_queues(fs);
	virtio_fs_free_devs(fs);
	sb->s_active = false;
	fuse_conn_put(fc);
}

/*
 * Kernel: virtio_fs_get_tree(): find the instance by tag (taking a
 * reference the connection keeps), refuse a request ring too small for a
 * request's headers (6.1 and mainline: a WARN, then -EIO), set up a
 * connection on it, and either share the device's existing super block or
 * fill a new one.
 */
int virtio_fs_get_tree(const char *source, struct super_block **sbp)
{
	struct virtio_fs_super *s;
	struct virtio_fs *fs;
	struct fuse_conn *fc;
	unsigned int virtqueue_size = 0;
	int err;

	fs = virtio_fs_find_instance(source);
	if (!fs) {
		TRACE(.kind = "virtio_fs.error", .func = "virtio_fs_get_tree",
		      .detail = trace_fmt("tag <%s> not found", source));
		return -EINVAL;
	}

	if (virtio_fs_variant_in(fs, VFS_V6_1 | VFS_MAINLINE)) {
		virtqueue_size =
			virtqueue_get_vring_size(fs->vqs[VQ_REQUEST].vq);
		if (WARN_ON(virtqueue_size <= FUSE_HEADER_OVERHEAD)) {
			TRACE(.kind = "virtio_fs.error",
			      .func = "virtio_fs_get_tree",
			      .detail = trace_fmt("virtqueue size %u <= %u",
						  virtqueue_size,
						  FUSE_HEADER_OVERHEAD));
			virtio_fs_put(fs);
			return -EIO;
		}
	}

	/* sget_fc() with virtio_fs_test_super(): same device, same sb. */
	list_for_each_entry(s, &virtio_fs_supers, node) {
		if (s->fs == fs) {
			s->active++;
			virtio_fs_put(fs);
			*sbp = &s->sb;
			return 0;
		}
	}

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	fc = kzalloc(sizeof(*fc), GFP_KERNEL);
	if (!s || !fc) {
		kfree(s);
		kfree(fc);
		virtio_fs_put(fs);
		return -ENOMEM;
	}

	if (virtio_fs_variant_in(fs, VFS_MAINLINE)) {
		fuse_conn_init(fc, &s->fm, &virtio_fs_fiq_ops, fs);
	} else {
		fuse_conn_init(fc, &s->fm, &virtio_fs_fiq_ops_wake, fs);
	}
	fc->variant = fs->variant; /* sim: this release's FUSE core */
	/* sim: the timeout-ms option counts the request timeout in ms */
	if (virtio_fs_opt(fs, VIRTIO_FS_OPT_TIMEOUT_MS)) {
		fc->timeout.unit = HZ / 1000;
	}
	fc->release = virtio_fs_free_conn;
	if (virtio_fs_variant_in(fs, VFS_V6_1 | VFS_MAINLINE)) {
		/* "virtiofs: split requests that exceed virtqueue size" */
		if (fc->max_pages_limit > virtqueue_size - FUSE_HEADER_OVERHEAD)
			fc->max_pages_limit =
				virtqueue_size - FUSE_HEADER_OVERHEAD;
	}
	s->fm.fc = fc;
	s->fm.sb = &s->sb;
	s->sb.s_fs_info = &s->fm;
	s->sb.s_id = fs->tag;
	s->fs = fs;
	s->active = 1;

	err = virtio_fs_fill_super(&s->sb);
	if (err) {
		/* deactivate_locked_super(): the last fc reference releases
		 * the instance reference through virtio_fs_fiq_release(). */
		fuse_conn_put(fc);
		kfree(s);
		return err;
	}
	s->sb.s_active = true;
	list_add_tail(&s->node, &virtio_fs_supers);
	TRACE(.kind = "virtio_fs.mount", .func = "virtio_fs_get_tree",
	      .detail = fs->tag);
	*sbp = &s->sb;
	return 0;
}

/* Kernel: deactivate_super() (fs/super.c): the last mount runs
 * virtio_kill_sb() and frees the super block. */
void virtio_fs_deactivate_super(struct super_block *sb)
{
	struct virtio_fs_super *s =
		container_of(sb, struct virtio_fs_super, sb);

	assert(s->active > 0);
	if (--s->active)
		return;
	list_del(&s->node);
	virtio_kill_sb(sb);
	kfree(s);
}

/* ---- vfsim only: no kernel twin ----------------------------------------- */

/* sim: forget every super block without touching it (for
 * virtio_fs_module_reset()). */
static bool virtio_fs_supers_reset(void)
{
	bool left = !list_empty(&virtio_fs_supers);

	INIT_LIST_HEAD(&virtio_fs_supers);
	return left;
}

/* sim [mainline]: append one "path: value" line of @fs's sysfs view to
 * @buf at *pos (snprintf() style: *pos may pass @size). */
static void sysfs_line(char *buf, size_t size, size_t *pos, const char *path,
		       const char *value)
{
	size_t room = *pos < size ? size - *pos : 0;
	size_t vlen = strlen(value);

	/* the attribute ends in '\n'; the line keeps one */
	if (vlen && value[vlen - 1] == '\n')
		vlen--;
	*pos += (size_t)snprintf(room ? buf + *pos : NULL, room, "%s: %.*s\n",
				 path, (int)vlen, value);
}

/* sim [mainline]: @fs's /sys/fs/virtiofs/N view (see
 * virtio_fs_sysfs_show()). */
static size_t virtio_fs_sysfs_one(struct virtio_fs *fs, char *buf, size_t size)
{
	unsigned int n = fs->vdev->index;
	char path[64], value[4096];
	size_t pos = 0;

	tag_show(fs, value, sizeof(value));
	snprintf(path, sizeof(path), "/sys/fs/virtiofs/%u/tag", n);
	sysfs_line(buf, size, &pos, path, value);
	snprintf(path, sizeof(path), "/sys/fs/virtiofs/%u/device", n);
	snprintf(value, sizeof(value), "-> virtio%u", n);
	sysfs_line(buf, size, &pos, path, value);
	for (unsigned int q = 0; q < fs->nvqs; q++) {
		snprintf(path, sizeof(path), "/sys/fs/virtiofs/%u/mqs/%u/name",
			 n, q);
		name_show(&fs->vqs[q], value, sizeof(value));
		sysfs_line(buf, size, &pos, path, value);
		snprintf(path, sizeof(path),
			 "/sys/fs/virtiofs/%u/mqs/%u/cpu_list", n, q);
		cpu_list_show(fs, &fs->vqs[q], value, sizeof(value));
		sysfs_line(buf, size, &pos, path, value);
	}
	return pos;
}

/* sim [mainline]: see the declaration above. */
static void virtio_fs_trace_sysfs(struct virtio_fs *fs, const char *func)
{
	char text[8192], *line, *save = NULL;

	virtio_fs_sysfs_one(fs, text, sizeof(text));
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		TRACE(.kind = "virtio_fs.sysfs", .func = func, .detail = line);
}

size_t virtio_fs_sysfs_show(char *buf, size_t size)
{
	struct virtio_fs *fs;
	size_t pos = 0;

	if (size)
		buf[0] = '\0';
	list_for_each_entry(fs, &virtio_fs_instances, list) {
		if (virtio_fs_variant_in(fs, VFS_MAINLINE)) {
			if (fs->sysfs)
				pos += virtio_fs_sysfs_one(
					fs, pos < size ? buf + pos : NULL,
					pos < size ? size - pos : 0);
		}
	}
	if (!pos) {
		const char *why = "no virtio-fs device is listed";

		if (!virtio_fs_variant_info(virtio_fs_get_variant())->sysfs)
			why = "this variant's kernel has none (added in 6.9)";
		pos = (size_t)snprintf(buf, size,
				       "/sys/fs/virtiofs: empty: %s\n", why);
	}
	return pos;
}

/* sim: how many instances are listed (for tests). */
unsigned int virtio_fs_nr_instances(void)
{
	struct virtio_fs *fs;
	unsigned int n = 0;

	list_for_each_entry(fs, &virtio_fs_instances, list)
		n++;
	return n;
}

/* sim: the module unloaded and loaded again (see virtio_fs.h). */
bool virtio_fs_module_reset(void)
{
	bool left = !list_empty(&virtio_fs_instances) ||
		    mutex_is_locked(&virtio_fs_mutex);

	assert(!current);
	/* The entries live in guest memory, which kmem_exit() releases. */
	left |= virtio_fs_supers_reset();
	INIT_LIST_HEAD(&virtio_fs_instances);
	__mutex_init(&virtio_fs_mutex, "virtio_fs_mutex");
	return left;
}

/* sim: the hiprio accounting invariant (see virtio_fs.h). */
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
	/* v5 counts only what is on the ring */
	if (!virtio_fs_variant_in(fs, VFS_V5_2019)) {
		list_for_each(pos, &fsvq->queued_reqs)
			parked++;
	}
	if ((unsigned long)fsvq->in_flight == info.in_flight + parked)
		return NULL;
	snprintf(msg, sizeof(msg),
		 "%s: in_flight %ld != %u on the ring + %lu parked", fsvq->name,
		 fsvq->in_flight, info.in_flight, parked);
	return msg;
}
