// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfsim_restore.c - vfsim's "restore" extension (not kernel behaviour: the
 * kernel's virtio_fs_freeze() refuses suspend), both halves.
 *
 * The driver half: freeze stops and drains every queue; the PM core then
 * resets the device, which ends its FUSE session; restore re-creates the
 * virtqueues and hands the session rebuild to a task of its own, because
 * it must send requests and wait for their replies, which the PM callback
 * (the caller's context, before DRIVER_OK) cannot do.
 *
 * The session half: what the guest must remember to rebuild a FUSE
 * session after a device reset, as Stefan Hajnoczi outlined on the list in
 * 2019: every node it holds (parent and name, so a path from the root can
 * be looked up again), every open handle and every lock request; and the
 * translation of old nodeids and handles to the new ones that every later
 * request goes through.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guest/vfsim_internal.h"
#include "guest/virtio_fs.h"
#include "sim/kernel/check.h"
#include "sim/trace/host.h"

/* ---- the driver half --------------------------------------------------- */

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

/* The restore task: rebuild the session, then drop its reference. */
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

/* ---- the session half -------------------------------------------------- */

void guest_restore_wait(struct guest_fs *gfs)
{
	if (gfs->restoring && gfs->restorer != sched_current)
		wait_event(gfs->restore_wq, !gfs->restoring);
}

static struct guest_nlookup *node_find(const struct guest_fs *gfs, u64 nodeid)
{
	for (unsigned int i = 0; i < gfs->nr_owed; i++)
		if (gfs->owed[i].nodeid == nodeid)
			return &gfs->owed[i];
	return NULL;
}

/* A nodeid the guest holds no lookup of (the root, or one already
 * forgotten) goes out unchanged. */
u64 guest_dev_nodeid(const struct guest_fs *gfs, u64 nodeid)
{
	const struct guest_nlookup *n = node_find(gfs, nodeid);

	return n ? n->dev : nodeid;
}

static struct guest_open_rec *open_find(struct guest_fs *gfs, u64 fh,
					bool isdir)
{
	for (unsigned int i = 0; i < gfs->nr_opens; i++)
		if (gfs->opens[i].fh == fh && gfs->opens[i].isdir == isdir)
			return &gfs->opens[i];
	return NULL;
}

void guest_track_open(struct guest_fs *gfs, const struct guest_file *f)
{
	struct guest_open_rec *n, *old = open_find(gfs, f->fh, f->isdir);

	/* The device's handle counter runs on across sessions, so a new
	 * handle never equals an old one; if it did, the map is ambiguous. */
	if (old)
		check_report("virtio_fs.restore",
			     "handle %llu handed out twice",
			     (unsigned long long)f->fh);
	n = host_realloc(gfs->opens, (gfs->nr_opens + 1) * sizeof(*n));
	gfs->opens = n;
	n = &gfs->opens[gfs->nr_opens++];
	memset(n, 0, sizeof(*n));
	n->nodeid = f->nodeid;
	n->fh = n->dev_fh = f->fh;
	n->flags = f->flags;
	n->isdir = f->isdir;
}

bool guest_untrack_open(struct guest_fs *gfs, const struct guest_file *f,
			u64 *dev_fh)
{
	struct guest_open_rec *r = open_find(gfs, f->fh, f->isdir);
	bool alive;

	*dev_fh = f->fh;
	if (!r)
		return true;
	alive = (!r->failed || r->reopened) && !gfs->broken;
	*dev_fh = r->dev_fh;
	host_free(r->lks);
	*r = gfs->opens[--gfs->nr_opens];
	return alive;
}

void guest_track_lock(struct guest_fs *gfs, const struct guest_file *f,
		      u64 owner, const struct fuse_file_lock *lk)
{
	struct guest_open_rec *r = open_find(gfs, f->fh, false);
	struct guest_lock_rec *n;

	if (!r)
		return;
	n = host_realloc(r->lks, (r->nr_lks + 1) * sizeof(*n));
	r->lks = n;
	r->lks[r->nr_lks].owner = owner;
	r->lks[r->nr_lks].lk = *lk;
	r->nr_lks++;
}

void guest_untrack_locks(struct guest_fs *gfs, u64 nodeid, u64 owner)
{
	for (unsigned int i = 0; i < gfs->nr_opens; i++) {
		struct guest_open_rec *r = &gfs->opens[i];
		unsigned int k = 0;

		if (r->nodeid != nodeid)
			continue;
		for (unsigned int j = 0; j < r->nr_lks; j++)
			if (r->lks[j].owner != owner)
				r->lks[k++] = r->lks[j];
		r->nr_lks = k;
	}
}

void guest_track_rename(struct guest_fs *gfs, u64 olddir, const char *oldname,
			u64 newdir, const char *newname)
{
	for (unsigned int i = 0; i < gfs->nr_owed; i++) {
		struct guest_nlookup *n = &gfs->owed[i];

		if (n->parent == olddir && !strcmp(n->name, oldname)) {
			n->parent = newdir;
			snprintf(n->name, sizeof(n->name), "%s", newname);
		}
	}
}

void guest_track_exit(struct guest_fs *gfs)
{
	for (unsigned int i = 0; i < gfs->nr_opens; i++)
		host_free(gfs->opens[i].lks);
	host_free(gfs->opens);
	gfs->opens = NULL;
	gfs->nr_opens = 0;
}

/* The requests whose first argument starts with a handle (u64 fh). */
static bool leads_with_fh(u32 opcode, bool *isdir)
{
	*isdir = opcode == FUSE_READDIR || opcode == FUSE_RELEASEDIR;
	switch (opcode) {
	case FUSE_READ:
	case FUSE_WRITE:
	case FUSE_FLUSH:
	case FUSE_READDIR:
	case FUSE_GETLK:
	case FUSE_SETLK:
	case FUSE_SETLKW:
	case FUSE_SETUPMAPPING:
		return true;
	default:
		return false;
	}
}

/*
 * Wait for a restore, then send with the device's current node and handle.
 * Before any restore every map is the identity, so this is exactly
 * fuse_simple_request(). The first argument is copied, never changed in
 * place: callers keep their own.
 */
ssize_t guest_send(struct guest_fs *gfs, struct fuse_args *args)
{
	u64 first[16];
	const void *saved = args->in_args[0].value;
	bool isdir;
	ssize_t ret;

	guest_restore_wait(gfs);
	if (gfs->broken)
		return -EIO;
	if (args->nodeid) {
		args->nodeid = guest_dev_nodeid(gfs, args->nodeid);
		if (!args->nodeid)
			return -EIO;
	}
	if (args->in_numargs && args->in_args[0].size >= sizeof(u64) &&
	    args->in_args[0].size <= sizeof(first)) {
		bool fh = leads_with_fh(args->opcode, &isdir);

		/* a first argument no map changes goes out as it is */
		if (!fh && args->opcode != FUSE_RENAME)
			goto send;
		memcpy(first, saved, args->in_args[0].size);
		if (fh) {
			struct guest_open_rec *r =
				open_find(gfs, first[0], isdir);

			if (r && r->failed)
				return -EIO;
			if (r)
				first[0] = r->dev_fh;
		} else if (args->opcode == FUSE_RENAME) {
			first[0] = guest_dev_nodeid(gfs, first[0]);
			if (!first[0])
				return -EIO;
		}
		args->in_args[0].value = first;
	}
send:
	ret = fuse_simple_request(gfs->fm, args);
	args->in_args[0].value = saved;
	return ret;
}

void guest_fs_pm_freeze(void *arg)
{
	struct guest_fs *gfs = arg;

	gfs->restoring = true;
}

/* LOOKUP @name in @parent straight to the device (no table change). */
static int restore_lookup(struct guest_fs *gfs, u64 parent, const char *name,
			  u64 *nodeid)
{
	struct fuse_entry_out out;
	struct fuse_args args;
	int err;

	fuse_lookup_init(&args, parent, name, &out);
	err = (int)fuse_simple_request(gfs->fm, &args);
	if (!err && !out.nodeid)
		err = -ENOENT;
	*nodeid = out.nodeid;
	return err;
}

/* INIT with the settings of the first one; the answer must match. */
static int restore_init(struct guest_fs *gfs)
{
	struct fuse_conn *fc = gfs->fm->fc;
	u64 flags = FUSE_GUEST_INIT_FLAGS, got;
	struct fuse_init_in in;
	struct fuse_init_out out;
	struct fuse_args args;
	int err;

	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	memset(&args, 0, sizeof(args));
	in.major = FUSE_KERNEL_VERSION;
	in.minor = FUSE_KERNEL_MINOR_VERSION;
	in.max_readahead = FUSE_GUEST_MAX_READAHEAD;
	in.flags = (u32)flags;
	in.flags2 = (u32)(flags >> 32);
	args.opcode = FUSE_INIT;
	args.in_numargs = 1;
	args.in_args[0].size = sizeof(in);
	args.in_args[0].value = &in;
	args.out_numargs = 1;
	args.out_argvar = true;
	args.out_args[0].size = sizeof(out);
	args.out_args[0].value = &out;
	args.force = true;
	args.nocreds = true;
	/* with out_argvar the result is the reply's size */
	err = (int)fuse_simple_request(gfs->fm, &args);
	if (err > 0)
		err = 0;
	got = out.flags;
	if (got & FUSE_INIT_EXT)
		got |= (u64)out.flags2 << 32;
	if (!err &&
	    (out.major != FUSE_KERNEL_VERSION || out.minor != fc->minor ||
	     got != fc->init_flags ||
	     (out.max_write < 4096 ? 4096 : out.max_write) != fc->max_write))
		err = -EPROTO;
	TRACE(.kind = "virtio_fs.restore", .func = "restore_init",
	      .opcode = FUSE_INIT,
	      .detail = trace_fmt("minor=%u max_write=%u: %d", out.minor,
				  out.max_write, err));
	if (err)
		check_report("virtio_fs.restore",
			     "INIT not renegotiated as before (error %d): "
			     "every request fails with EIO",
			     err);
	return err;
}

/* Look every held node up again, parents first; nlookup times each so
 * the device owes what the guest will forget. */
static void restore_nodes(struct guest_fs *gfs)
{
	bool *done = host_calloc(gfs->nr_owed + 1, sizeof(*done));
	bool progress = true;

	while (progress) {
		progress = false;
		for (unsigned int i = 0; i < gfs->nr_owed; i++) {
			struct guest_nlookup *n = &gfs->owed[i];
			struct guest_nlookup *p = node_find(gfs, n->parent);
			u64 parent = n->parent, got = 0;
			int err = 0;

			if (done[i])
				continue;
			if (p && !done[p - gfs->owed])
				continue;
			if (p)
				parent = p->dev;
			else if (n->parent != FUSE_ROOT_ID)
				err = -ESTALE; /* its parent was forgotten */
			if (!parent)
				err = -ESTALE;
			for (u64 k = 0; !err && k < n->nlookup; k++)
				err = restore_lookup(gfs, parent, n->name,
						     &got);
			n->dev = err ? 0 : got;
			TRACE(.kind = "virtio_fs.restore",
			      .func = "restore_nodes", .opcode = FUSE_LOOKUP,
			      .detail = trace_fmt("node %llu -> %llu (%d)",
						  (unsigned long long)n->nodeid,
						  (unsigned long long)n->dev,
						  err));
			done[i] = true;
			progress = true;
		}
	}
	host_free(done);
}

/* OPEN/OPENDIR one handle again. */
static int restore_open(struct guest_fs *gfs, struct guest_open_rec *r)
{
	struct fuse_open_in in;
	struct fuse_open_out out;
	struct fuse_args args;
	u64 nodeid = guest_dev_nodeid(gfs, r->nodeid);
	int err;

	if (!nodeid)
		return -ESTALE;
	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	memset(&args, 0, sizeof(args));
	in.flags = r->flags;
	args.opcode = r->isdir ? FUSE_OPENDIR : FUSE_OPEN;
	args.nodeid = nodeid;
	args.in_numargs = 1;
	args.in_args[0].size = sizeof(in);
	args.in_args[0].value = &in;
	args.out_numargs = 1;
	args.out_args[0].size = sizeof(out);
	args.out_args[0].value = &out;
	err = (int)fuse_simple_request(gfs->fm, &args);
	if (!err)
		r->dev_fh = out.fh;
	return err;
}

/* Replay one handle's lock requests in order. */
static int restore_locks(struct guest_fs *gfs, struct guest_open_rec *r)
{
	for (unsigned int i = 0; i < r->nr_lks; i++) {
		struct fuse_lk_in in;
		struct fuse_args args;
		int err;

		memset(&in, 0, sizeof(in));
		memset(&args, 0, sizeof(args));
		in.fh = r->dev_fh;
		in.owner = r->lks[i].owner;
		in.lk = r->lks[i].lk;
		args.opcode = FUSE_SETLK;
		args.nodeid = guest_dev_nodeid(gfs, r->nodeid);
		args.in_numargs = 1;
		args.in_args[0].size = sizeof(in);
		args.in_args[0].value = &in;
		err = (int)fuse_simple_request(gfs->fm, &args);
		if (err) {
			check_report("virtio_fs.restore",
				     "lock of owner %llu on node %llu "
				     "[%llu, %llu] lost (error %d): the file "
				     "fails with EIO",
				     (unsigned long long)in.owner,
				     (unsigned long long)r->nodeid,
				     (unsigned long long)in.lk.start,
				     (unsigned long long)in.lk.end, err);
			return err;
		}
	}
	return 0;
}

int guest_fs_pm_restore(void *arg, int err)
{
	struct guest_fs *gfs = arg;

	assert(gfs->restoring);
	gfs->restorer = sched_current;
	if (!err)
		err = restore_init(gfs);
	if (err) {
		gfs->broken = true;
	} else {
		restore_nodes(gfs);
		for (unsigned int i = 0; i < gfs->nr_opens; i++) {
			struct guest_open_rec *r = &gfs->opens[i];
			int e = restore_open(gfs, r);

			r->reopened = !e;
			if (!e)
				e = restore_locks(gfs, r);
			r->failed = e != 0;
			TRACE(.kind = "virtio_fs.restore",
			      .func = "guest_fs_pm_restore",
			      .detail = trace_fmt("%s %llu -> %llu (%d)",
						  r->isdir ? "dir" : "file",
						  (unsigned long long)r->fh,
						  (unsigned long long)r->dev_fh,
						  e));
		}
	}
	gfs->restorer = NULL;
	gfs->restoring = false;
	wake_up_all(&gfs->restore_wq);
	return err ? -EIO : 0;
}
