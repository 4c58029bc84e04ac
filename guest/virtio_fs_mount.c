// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_fs_mount.c - mounting and unmounting a virtio-fs file system:
 * get_tree, fill_super, kill_sb. Mirrors fs/fuse/virtio_fs.c.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "guest/virtio_fs.h"

/* Kernel: FUSE_HEADER_OVERHEAD: ring slots a request needs besides its
 * pages (in header, in args, out header, out args). */
#define FUSE_HEADER_OVERHEAD 4

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

unsigned int virtio_fs_forget_supers(void)
{
	struct virtio_fs_super *s;
	unsigned int n = 0;

	list_for_each_entry(s, &virtio_fs_supers, node)
		n++;
	INIT_LIST_HEAD(&virtio_fs_supers);
	return n;
}

/* Kernel: virtio_fs_fiq_release(): the connection is going away; drop its
 * reference on the instance. */
void virtio_fs_fiq_release(struct fuse_iqueue *fiq)
{
	virtio_fs_put(fiq->priv);
}

/* Kernel: fuse_free_conn(): the connection's memory. */
static void virtio_fs_free_conn(struct fuse_conn *fc)
{
	kfree(fc);
}

struct virtio_fs *virtio_fs_of_sb(struct super_block *sb)
{
	return container_of(sb, struct virtio_fs_super, sb)->fs;
}

/*
 * Kernel: virtio_fs_fill_super(): under virtio_fs_mutex make sure the
 * device was not removed meanwhile, give every queue a fuse_dev, start the
 * queues and send FUSE_INIT. v5 lets the core allocate the first request
 * queue's fud (ctx.fudptr) and allocates only hiprio's itself.
 */
static int virtio_fs_fill_super(struct super_block *sb)
{
	struct fuse_mount *fm = get_fuse_mount_super(sb);
	struct fuse_conn *fc = fm->fc;
	struct virtio_fs *fs = fc->iq.priv;
	bool v5 = virtio_fs_is_v5(fs);
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

	err = -ENOMEM;
	for (i = 0; i < (v5 ? (unsigned int)VQ_REQUEST : fs->nvqs); i++) {
		struct virtio_fs_vq *fsvq = &fs->vqs[i];

		fsvq->fud = fuse_dev_alloc();
		if (!fsvq->fud)
			goto err_free_fuse_devs;
	}

	ctx.fudptr = v5 ? (void **)&fs->vqs[VQ_REQUEST].fud : NULL;
	err = fuse_fill_super_common(sb, &ctx);
	if (err < 0)
		goto err_free_fuse_devs;

	for (i = 0; i < fs->nvqs; i++) {
		struct virtio_fs_vq *fsvq = &fs->vqs[i];

		if (v5 && i == VQ_REQUEST)
			continue; /* already installed by the core */
		/* v5 left vqs past the first request queue without a fud:
		 * the kernel dereferenced NULL here. */
		BUG_ON(!fsvq->fud);
		if (fsvq->fud)
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
 * Kernel: virtio_fs_get_tree(): find the instance by tag (taking a
 * reference the connection keeps), set up a connection on it, and either
 * share the device's existing super block or fill a new one.
 */
int virtio_fs_get_tree(const char *source, struct super_block **sbp)
{
	struct virtio_fs_super *s;
	struct virtio_fs *fs;
	struct fuse_conn *fc;
	int err;

	fs = virtio_fs_find_instance(source);
	if (!fs) {
		TRACE(.kind = "virtio_fs.error", .func = "virtio_fs_get_tree",
		      .detail = trace_fmt("tag <%s> not found", source));
		return -EINVAL;
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

	fuse_conn_init(fc, &s->fm,
		       virtio_fs_is_v5(fs) ? &virtio_fs_fiq_ops_v5 :
					     &virtio_fs_fiq_ops,
		       fs);
	fc->release = virtio_fs_free_conn;
	if (!virtio_fs_is_v5(fs)) {
		unsigned int vring =
			virtqueue_get_vring_size(fs->vqs[VQ_REQUEST].vq);

		/* "virtiofs: split requests that exceed virtqueue size" */
		if (!fc->max_pages_limit ||
		    fc->max_pages_limit > vring - FUSE_HEADER_OVERHEAD)
			fc->max_pages_limit = vring - FUSE_HEADER_OVERHEAD;
		fs->req_timeout_ns = virtio_fs_get_request_timeout();
		fuse_init_server_timeout(fc, fs->req_timeout_ns);
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

/*
 * Kernel: virtio_kill_sb() (mainline: virtio_fs_conn_destroy()). Stop the
 * FORGET queue and drain, let the core send DESTROY and abort, then stop
 * every queue, drain again and free the channels. Their references and the
 * super block's are dropped; the last one releases the instance.
 */
void virtio_kill_sb(struct super_block *sb)
{
	struct fuse_mount *fm = get_fuse_mount_super(sb);
	struct fuse_conn *fc = fm->fc;
	struct virtio_fs *fs = fc->iq.priv;
	struct virtio_fs_vq *fsvq = &fs->vqs[VQ_HIPRIO];

	TRACE(.kind = "virtio_fs.umount", .func = "virtio_kill_sb",
	      .detail = fs->tag);
	/* mainline: only the last mount of the connection tears it down;
	 * here every connection has exactly one fuse_mount */
	if (!virtio_fs_is_v5(fs))
		WARN_ON(!fuse_mount_remove(fm));
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
