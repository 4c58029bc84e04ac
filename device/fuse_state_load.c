// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_state_load.c - load a decoded state into a destination server, all
 * or nothing.
 *
 * The destination's tree is the shared "host file system". A scratch
 * server is built from it: every migrated inode is found by its path and
 * re-created under its migrated nodeid with its lookups, pins, handles,
 * locks and mappings; every other inode of the tree gets a fresh nodeid
 * above the migrated counter. Only when the scratch server passes every
 * check is it exchanged with the destination.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device/fuse_state_internal.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

enum rec_fate {
	REC_FOUND,
	REC_BROKEN,
	REC_DROPPED
};

struct id_pair {
	u64 dst, mig; /* destination nodeid, migrated nodeid */
};

struct load_ctx {
	struct fs_decoded *d;
	struct fuse_state_report *rep;
	struct memfs *dfs; /* the destination's tree (read only here) */
	struct memfs *tfs; /* the scratch server's */
	struct memfs_inode_info *dinos; /* destination inodes, by nodeid */
	size_t ndinos, dcap;
	u64 *newid; /* parallel to dinos: nodeid in the scratch server */
	u8 *fate;   /* parallel to d->inodes */
	struct id_pair *pairs;
	size_t npairs;
	bool busy;
};

static int collect_dst(void *arg, const struct memfs_inode_info *in)
{
	struct load_ctx *c = arg;

	if (in->nlookup || in->npin)
		c->busy = true;
	if (c->ndinos == c->dcap) {
		c->dcap = c->dcap ? 2 * c->dcap : 64;
		c->dinos = host_realloc(c->dinos, c->dcap * sizeof(*c->dinos));
	}
	c->dinos[c->ndinos++] = *in;
	return 0;
}

/* The directory part of the path resolved last, and its inode: paths of
 * the same directory come one after another in a stream, and the tree
 * does not change while they are found. */
struct dir_memo {
	const char *path;
	u32 len; /* bytes of the directory part, up to its last '/' */
	u64 ino;
};

/* Walk @path from the root, or from the directory @m remembers when
 * @path starts with it; 0 with *ino, or the lookup's error. */
static int resolve(struct memfs *fs, const char *path, u32 len, u64 *ino,
		   struct dir_memo *m)
{
	char name[MEMFS_NAME_MAX + 1];
	u64 cur = MEMFS_ROOT_ID;
	u32 i = 1, dlen = len;

	while (dlen && path[dlen - 1] != '/')
		dlen--;
	if (m->path && dlen > 1 && m->len == dlen &&
	    !memcmp(m->path, path, dlen)) {
		cur = m->ino;
		i = dlen;
	}

	while (i < len) {
		u32 start = i;
		int err;

		while (i < len && path[i] != '/')
			i++;
		memcpy(name, path + start, i - start);
		name[i - start] = '\0';
		err = memfs_lookup(fs, cur, name, &cur);
		if (err)
			return err;
		i++;
		if (i == dlen && dlen > 1)
			*m = (struct dir_memo){ path, dlen, cur };
	}
	*ino = cur;
	return 0;
}

static int cmp_pair(const void *a, const void *b)
{
	const struct id_pair *x = a, *y = b;

	return x->dst < y->dst ? -1 : x->dst > y->dst;
}

static const struct id_pair *find_pair(const struct load_ctx *c, u64 dst)
{
	struct id_pair key = { dst, 0 };

	return bsearch(&key, c->pairs, c->npairs, sizeof(key), cmp_pair);
}

/* Scratch nodeid of destination inode @dst (a linked one: it has one). */
static u64 new_of(const struct load_ctx *c, u64 dst)
{
	size_t lo = 0, hi = c->ndinos;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->dinos[mid].nodeid < dst)
			lo = mid + 1;
		else
			hi = mid;
	}
	assert(lo < c->ndinos && c->dinos[lo].nodeid == dst && c->newid[lo]);
	return c->newid[lo];
}

static void note_missing(struct load_ctx *c, const struct fs_inode_rec *r)
{
	if (c->rep->not_found++)
		return;
	if (r->path_len)
		snprintf(c->rep->missing, sizeof(c->rep->missing), "%.*s",
			 (int)r->path_len, r->path);
	else
		snprintf(c->rep->missing, sizeof(c->rep->missing),
			 "(unlinked)");
}

/* Find every migrated inode on the destination; decide the others. */
static int find_inodes(struct load_ctx *c, enum fuse_state_policy policy)
{
	struct fs_decoded *d = c->d;
	struct dir_memo memo = { 0 };

	for (size_t i = 0; i < d->ninodes; i++) {
		const struct fs_inode_rec *r = &d->inodes[i];
		struct memfs_attr a;
		u64 ino = MEMFS_ROOT_ID;
		bool found;

		found = r->path_len &&
			!resolve(c->dfs, r->path, r->path_len, &ino, &memo) &&
			!memfs_getattr(c->dfs, ino, &a) &&
			(a.mode & S_IFMT) == (r->mode & S_IFMT);
		if (found) {
			c->fate[i] = REC_FOUND;
			c->pairs[c->npairs++] =
				(struct id_pair){ ino, r->nodeid };
			continue;
		}
		if (!r->nlookup && !r->nopen && !r->npin) {
			/* only locks name it: nothing in the guest can */
			c->fate[i] = REC_DROPPED;
			c->rep->dropped++;
			continue;
		}
		note_missing(c, r);
		TRACE(.kind = "state.missing", .func = "fuse_state_load",
		      .detail = trace_fmt("nodeid %llu %s",
					  (unsigned long long)r->nodeid,
					  c->rep->missing));
		if (policy == FUSE_STATE_ABORT)
			return -ENOENT;
		c->fate[i] = REC_BROKEN;
	}
	/* records of a tree walked in order find their inodes in order */
	for (size_t i = 1; i < c->npairs; i++) {
		if (c->pairs[i - 1].dst > c->pairs[i].dst) {
			qsort(c->pairs, c->npairs, sizeof(*c->pairs), cmp_pair);
			break;
		}
	}
	return 0;
}

/* A restore call failed: no space passes, the rest means the state
 * contradicts itself or the tree. */
static int restore_err(int err)
{
	return err == -ENOSPC ? err : -EUCLEAN;
}

static u64 map_dst(void *arg, u64 ino)
{
	return new_of(arg, ino);
}

/* Re-create the destination's tree under the new ids, then placeholders. */
static int build_tree(struct load_ctx *c, struct fuse_server *tmp)
{
	struct fs_decoded *d = c->d;
	u64 fresh = d->next_nodeid;
	int err;

	for (size_t i = 0; i < c->ndinos; i++) {
		struct memfs_inode_info in = c->dinos[i];
		const struct id_pair *p = find_pair(c, in.nodeid);

		/* a nameless inode needs a lookup, handle or pin: -EBUSY */
		assert(in.nodeid == MEMFS_ROOT_ID || in.parent);
		c->newid[i] = p ? p->mig : fresh++;
		c->rep->renumbered += !p;
		in.nlookup = 0;
		in.npin = 0;
		if (p) {
			const struct fs_inode_rec *r = fs_find_rec(d, p->mig);

			in.nlookup = r->nlookup;
			in.npin = r->npin;
			if (d->version >= 2)
				in.generation = r->generation;
		}
		in.nodeid = in.attr.ino = c->newid[i];
		err = memfs_restore_inode(c->tfs, &in);
		if (err)
			return restore_err(err);
	}
	for (size_t i = 0; i < d->ninodes; i++) {
		const struct fs_inode_rec *r = &d->inodes[i];
		struct memfs_inode_info in = {
			.nodeid = r->nodeid,
			.generation = d->version >= 2 ? r->generation :
							d->generation,
			.nlookup = r->nlookup,
			.npin = r->npin,
			.next_cookie = MEMFS_COOKIE_FIRST,
			.attr = { .ino = r->nodeid,
				  .mode = r->mode,
				  .blksize = MEMFS_PAGE_SIZE,
				  .atime = { d->sess.now_sec,
					     d->sess.now_nsec },
				  .mtime = { d->sess.now_sec,
					     d->sess.now_nsec },
				  .ctime = { d->sess.now_sec,
					     d->sess.now_nsec } },
		};

		if (c->fate[i] != REC_BROKEN)
			continue;
		err = memfs_restore_inode(c->tfs, &in);
		if (!err)
			err = fuse_server_mark_broken(tmp, r->nodeid);
		if (err)
			return restore_err(err);
		c->rep->broken++;
	}
	for (size_t i = 0; i < c->ndinos; i++) {
		const struct memfs_inode_info *in = &c->dinos[i];

		if ((in->attr.mode & S_IFMT) == S_IFDIR)
			err = memfs_copy_dirents(c->tfs, c->newid[i], c->dfs,
						 in->nodeid, map_dst, c);
		else
			err = memfs_share_pages(c->tfs, c->newid[i], c->dfs,
						in->nodeid);
		if (err)
			return restore_err(err);
	}
	return memfs_set_counters(
		       c->tfs,
		       &(struct memfs_counters){
			       .next_nodeid = fresh,
			       .next_fh = d->next_fh,
			       .generation = d->generation,
			       .now = { d->sess.now_sec, d->sess.now_nsec } }) ?
		       -EUCLEAN :
		       0;
}

/* Handles, locks, mappings, session; then every check. */
static int build_session(struct load_ctx *c, struct fuse_server *tmp)
{
	struct fs_decoded *d = c->d;
	struct lock_table *lt = fuse_server_locks(tmp);
	struct dax_window *dax = fuse_server_dax(tmp);
	int err;

	for (size_t i = 0; i < d->nhandles; i++) {
		err = memfs_restore_handle(c->tfs, &d->handles[i]);
		if (err)
			return restore_err(err);
	}
	for (size_t i = 0; i < d->nlocks; i++) {
		const struct fs_inode_rec *r = fs_find_rec(d, d->locks[i].ino);

		if (c->fate[r - d->inodes] == REC_DROPPED)
			continue;
		if (locks_restore(lt, &d->locks[i]))
			return -EUCLEAN;
	}
	locks_set_generation(lt, d->lock_generation);
	/* fs_decode() refused mappings without a window; configs match */
	assert(dax || !d->nmaps);
	for (size_t i = 0; i < d->nmaps; i++)
		if (dax_restore(dax, &d->maps[i]))
			return -EUCLEAN;
	if (fuse_server_restore_session(tmp, &d->sess))
		return -EUCLEAN;
	if (memfs_check(c->tfs, NULL, 0) || locks_check(lt) ||
	    (dax && dax_check(dax)))
		return -EUCLEAN;
	return 0;
}

static bool same_config(const struct fuse_server_config *a,
			const struct fuse_server_config *b)
{
	return a->max_write == b->max_write && a->max_pages == b->max_pages &&
	       a->map_alignment == b->map_alignment &&
	       a->dax_window_size == b->dax_window_size &&
	       a->max_inodes == b->max_inodes &&
	       a->max_file_size == b->max_file_size;
}

static int load(struct fuse_server *dst, struct fs_decoded *d,
		enum fuse_state_policy policy, struct fuse_state_report *rep)
{
	struct fuse_server_config cfg;
	struct load_ctx c = { .d = d, .rep = rep, .dfs = fuse_server_fs(dst) };
	struct dax_window *ddax = fuse_server_dax(dst);
	struct fuse_server *tmp = NULL;
	struct memfs_stats st;
	int err;

	fuse_server_get_config(dst, &cfg);
	if (!same_config(&cfg, &d->cfg))
		return -EXDEV;
	memfs_get_stats(c.dfs, &st);
	err = memfs_for_each_inode(c.dfs, collect_dst, &c);
	if (!err && (c.busy || fuse_server_initialized(dst) || st.handles ||
		     locks_count(fuse_server_locks(dst)) ||
		     (ddax && dax_count(ddax)) || fuse_server_nr_broken(dst)))
		err = -EBUSY;
	if (err)
		goto out;
	c.newid = host_calloc(c.ndinos, sizeof(*c.newid));
	c.fate = host_calloc(d->ninodes + 1, 1);
	c.pairs = host_calloc(d->ninodes + 1, sizeof(*c.pairs));
	/* the destination's own configuration: always a valid one */
	tmp = fuse_server_new(&cfg);
	assert(tmp);
	c.tfs = fuse_server_fs(tmp);
	err = find_inodes(&c, policy);
	if (!err)
		err = build_tree(&c, tmp);
	if (!err)
		err = build_session(&c, tmp);
	if (!err)
		fuse_server_exchange(dst, tmp);
out:
	fuse_server_free(tmp);
	host_free(c.dinos);
	host_free(c.newid);
	host_free(c.fate);
	host_free(c.pairs);
	return err;
}

int fuse_state_load(struct fuse_server *dst, const void *buf, size_t len,
		    enum fuse_state_policy policy,
		    struct fuse_state_report *rep)
{
	struct fuse_state_report local;
	struct fs_decoded d;
	int err;

	if (!rep)
		rep = &local;
	memset(rep, 0, sizeof(*rep));
	if (!dst ||
	    (policy != FUSE_STATE_ABORT && policy != FUSE_STATE_GUEST_ERROR))
		return -EINVAL;
	err = fs_decode(buf, len, &d);
	if (err)
		goto out;
	rep->info = d.info;
	err = load(dst, &d, policy, rep);
	fs_decoded_free(&d);
out:
	TRACE(.kind = "state.load", .func = "fuse_state_load",
	      .detail = err ? trace_fmt("error %d", err) :
			      trace_fmt("%llu inodes, %llu broken",
					(unsigned long long)rep->info.inodes,
					(unsigned long long)rep->broken));
	return err;
}
