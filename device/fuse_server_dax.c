// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_server_dax.c - SETUPMAPPING and REMOVEMAPPING on the DAX window,
 * and the end of a session (DESTROY).
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "device/fuse_server_internal.h"
#include "sim/trace/host.h"

/*
 * Twin of virtiofsd's lo_setupmapping(). The kernel sends fh = ~0 and
 * names the file by nodeid (fs/fuse/dax.c), so the node is what counts;
 * an fh other than ~0 must be a handle on it.
 */
int do_setupmapping(struct fs_req *r)
{
	struct fuse_setupmapping_in in;
	u64 ino;

	if (!r->srv->dax)
		return -ENOSYS;
	fs_arg(r, &in, sizeof(in));
	if (in.flags &
	    ~(u64)(FUSE_SETUPMAPPING_FLAG_READ | FUSE_SETUPMAPPING_FLAG_WRITE))
		return -EINVAL;
	if (in.fh != ~0ULL &&
	    (memfs_fh_ino(r->srv->fs, in.fh, &ino) || ino != r->in->hdr.nodeid))
		return -EBADF;
	return dax_setup_mapping(r->srv->dax, r->in->hdr.nodeid, in.foffset,
				 in.len, in.moffset, (u32)in.flags);
}

/*
 * Twin of virtiofsd's lo_removemapping(): ranges in order, stopping at the
 * first failure (earlier ones stay removed). The window is global, so
 * hdr.nodeid is not consulted.
 */
int do_removemapping(struct fs_req *r)
{
	const u8 *p = r->in->payload;

	if (!r->srv->dax)
		return -ENOSYS;
	if (!r->in->count)
		return -EINVAL;
	for (u32 i = 0; i < r->in->count; i++) {
		struct fuse_removemapping_one one;
		int err;

		memcpy(&one, p + (size_t)i * sizeof(one), sizeof(one));
		err = dax_remove_mapping(r->srv->dax, one.moffset, one.len);
		if (err)
			return err;
	}
	return 0;
}

/* A growing list of u64 pairs collected before anything is changed. */
struct idlist {
	u64 *v;
	size_t n, cap;
};

static int idlist_add(struct idlist *l, u64 a, u64 b)
{
	if (l->n + 2 > l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = host_realloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = a;
	l->v[l->n++] = b;
	return 0;
}

static int collect_handle(void *arg, const struct memfs_handle_info *h)
{
	return idlist_add(arg, h->fh, h->isdir);
}

static int collect_lookup(void *arg, const struct memfs_inode_info *i)
{
	return i->nlookup ? idlist_add(arg, i->nodeid, i->nlookup) : 0;
}

static int collect_lock(void *arg, const struct posix_lock *lk)
{
	return idlist_add(arg, lk->ino, lk->owner);
}

/*
 * Twin of the kernel's fuse_abort_conn() seen from the server: unmap,
 * unlock, close and forget everything the session held.
 */
void fs_end_session(struct fuse_server *srv)
{
	struct idlist l = { 0 };
	size_t i;

	if (srv->dax) {
		/* the configuration was checked when the server was made */
		struct dax_window *win = dax_new(srv->fs,
						 srv->cfg.dax_window_size,
						 srv->cfg.map_alignment);

		assert(win);
		dax_free(srv->dax);
		srv->dax = win;
	}
	locks_for_each(srv->locks, collect_lock, &l);
	for (i = 0; i < l.n; i += 2)
		locks_release_owner(srv->locks, l.v[i], l.v[i + 1]);
	l.n = 0;
	memfs_for_each_handle(srv->fs, collect_handle, &l);
	for (i = 0; i < l.n; i += 2) {
		if (l.v[i + 1])
			memfs_releasedir(srv->fs, l.v[i]);
		else
			memfs_release(srv->fs, l.v[i]);
	}
	l.n = 0;
	memfs_for_each_inode(srv->fs, collect_lookup, &l);
	for (i = 0; i < l.n; i += 2)
		memfs_forget(srv->fs, l.v[i], l.v[i + 1]);
	host_free(l.v);
}
