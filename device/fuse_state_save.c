// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_state_save.c - serialise one FUSE session (docs/state-format.md).
 *
 * Everything is read through the back end's enumeration APIs, in
 * ascending id order, so the same session always gives the same bytes and
 * the source is never changed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "device/fuse_server_internal.h"
#include "device/fuse_state_internal.h"
#include "sim/trace/host.h"

struct wbuf {
	u8 *p;
	size_t len, cap;
};

static void put(struct wbuf *w, const void *src, size_t n)
{
	if (n > w->cap - w->len) {
		size_t cap = w->cap ? w->cap : 1024;

		while (cap - w->len < n)
			cap *= 2;
		w->p = host_realloc(w->p, cap);
		w->cap = cap;
	}
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void put8(struct wbuf *w, u8 v)
{
	put(w, &v, 1);
}

static void put32(struct wbuf *w, u32 v)
{
	__le32 le = cpu_to_le32(v);

	put(w, &le, sizeof(le));
}

static void put64(struct wbuf *w, u64 v)
{
	__le64 le = cpu_to_le64(v);

	put(w, &le, sizeof(le));
}

/* Patch a u32 written earlier (the length of a section or a count). */
static void patch32(struct wbuf *w, size_t at, u32 v)
{
	__le32 le = cpu_to_le32(v);

	memcpy(w->p + at, &le, sizeof(le));
}

/* Open a section; returns where its length goes. */
static size_t sec_begin(struct wbuf *w, u32 type)
{
	size_t at;

	put32(w, type);
	at = w->len;
	put32(w, 0);
	return at;
}

static void sec_end(struct wbuf *w, size_t at)
{
	patch32(w, at, (u32)(w->len - at - 4));
}

struct save_ctx {
	struct wbuf *w;
	struct fuse_server *srv;
	u32 version;
	u64 *lock_inos; /* sorted, unique: inodes holding locks */
	size_t nlock_inos;
	u32 count;
	char *path;
	size_t path_cap;
};

static int collect_lock_ino(void *arg, const struct posix_lock *lk)
{
	struct save_ctx *c = arg;

	/* locks come sorted by inode: keep each inode once */
	if (c->nlock_inos && c->lock_inos[c->nlock_inos - 1] == lk->ino)
		return 0;
	c->lock_inos[c->nlock_inos++] = lk->ino;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static bool has_locks(const struct save_ctx *c, u64 ino)
{
	return bsearch(&ino, c->lock_inos, c->nlock_inos, sizeof(ino), cmp_u64);
}

/* The path of @ino into c->path (grown as needed): its length, 0 if none. */
static int inode_path(struct save_ctx *c, u64 ino, u32 *len)
{
	struct memfs *fs = fuse_server_fs(c->srv);

	for (;;) {
		int err = memfs_path(fs, ino, c->path, c->path_cap);

		if (!err) {
			*len = (u32)strlen(c->path);
			return 0;
		}
		if (err == -ENOENT) {
			*len = 0;
			return 0;
		}
		c->path_cap *= 2;
		c->path = host_realloc(c->path, c->path_cap);
	}
}

static int save_inode(void *arg, const struct memfs_inode_info *in)
{
	struct save_ctx *c = arg;
	u32 len;
	int err;

	/* The session knows an inode by a lookup, a handle, a pin or a lock. */
	if (in->nodeid != MEMFS_ROOT_ID && !in->nlookup && !in->nopen &&
	    !in->npin && !has_locks(c, in->nodeid))
		return 0;
	err = inode_path(c, in->nodeid, &len);
	if (err)
		return err;
	put64(c->w, in->nodeid);
	if (c->version >= 2)
		put64(c->w, in->generation);
	put64(c->w, in->nlookup);
	put32(c->w, in->attr.mode);
	put32(c->w, len);
	put(c->w, c->path, len);
	c->count++;
	return 0;
}

static int save_handle(void *arg, const struct memfs_handle_info *h)
{
	struct save_ctx *c = arg;

	put64(c->w, h->fh);
	put64(c->w, h->ino);
	put32(c->w, h->flags);
	put8(c->w, h->isdir);
	put8(c->w, 0);
	put8(c->w, 0);
	put8(c->w, 0);
	c->count++;
	return 0;
}

static int save_lock(void *arg, const struct posix_lock *lk)
{
	struct save_ctx *c = arg;

	put64(c->w, lk->ino);
	put64(c->w, lk->owner);
	put64(c->w, lk->start);
	put64(c->w, lk->end);
	put32(c->w, lk->pid);
	put32(c->w, lk->type);
	c->count++;
	return 0;
}

static int save_map(void *arg, const struct dax_mapping *m)
{
	struct save_ctx *c = arg;

	put64(c->w, m->moffset);
	put64(c->w, m->len);
	put64(c->w, m->ino);
	put64(c->w, m->foffset);
	put32(c->w, m->flags);
	put32(c->w, 0);
	c->count++;
	return 0;
}

static void save_session(struct wbuf *w, struct fuse_server *srv)
{
	struct fuse_server_session s;
	struct fuse_server_config cfg;
	size_t at = sec_begin(w, FS_SEC_SESSION);

	fuse_server_get_session(srv, &s);
	fuse_server_get_config(srv, &cfg);
	put8(w, s.initialized);
	put8(w, s.bswapped);
	put8(w, 0);
	put8(w, 0);
	put32(w, s.minor);
	put64(w, s.flags);
	put64(w, (u64)s.now_sec);
	put32(w, s.now_nsec);
	put32(w, cfg.max_write);
	put32(w, cfg.max_pages);
	put32(w, cfg.map_alignment);
	put64(w, cfg.dax_window_size);
	put64(w, cfg.max_inodes);
	put64(w, cfg.max_file_size);
	put64(w, 0);
	sec_end(w, at);
}

static void save_counters(struct wbuf *w, struct fuse_server *srv)
{
	struct memfs_counters mc;
	size_t at = sec_begin(w, FS_SEC_COUNTERS);

	memfs_get_counters(fuse_server_fs(srv), &mc);
	put64(w, mc.next_nodeid);
	put64(w, mc.next_fh);
	put64(w, mc.generation);
	put64(w, locks_generation(fuse_server_locks(srv)));
	sec_end(w, at);
}

/* A list section: count, then what @each writes for every element. */
static int save_list(struct save_ctx *c, u32 type,
		     int (*walk)(struct save_ctx *c))
{
	size_t at = sec_begin(c->w, type);
	size_t count_at = c->w->len;
	int err;

	put32(c->w, 0);
	c->count = 0;
	err = walk(c);
	patch32(c->w, count_at, c->count);
	sec_end(c->w, at);
	return err;
}

static int walk_inodes(struct save_ctx *c)
{
	return memfs_for_each_inode(fuse_server_fs(c->srv), save_inode, c);
}

static int walk_handles(struct save_ctx *c)
{
	return memfs_for_each_handle(fuse_server_fs(c->srv), save_handle, c);
}

static int walk_locks(struct save_ctx *c)
{
	return locks_for_each(fuse_server_locks(c->srv), save_lock, c);
}

static int walk_maps(struct save_ctx *c)
{
	struct dax_window *dax = fuse_server_dax(c->srv);

	return dax ? dax_for_each(dax, save_map, c) : 0;
}

int fuse_state_save_version(struct fuse_server *srv, u32 version, void **buf,
			    size_t *len)
{
	struct lock_table *lt;
	struct dax_window *dax;
	struct wbuf w = { 0 };
	struct save_ctx c = { .w = &w, .srv = srv, .version = version };
	u8 hdr[FUSE_STATE_HEADER_SIZE] = FUSE_STATE_MAGIC;
	__le32 le;
	u32 crc;
	int err;

	if (!srv || !buf || !len || version < FUSE_STATE_VERSION_MIN ||
	    version > FUSE_STATE_VERSION)
		return -EINVAL;
	lt = fuse_server_locks(srv);
	dax = fuse_server_dax(srv);
	if (version < 2 && (locks_count(lt) || (dax && dax_count(dax))))
		return -EOPNOTSUPP;
	c.lock_inos = host_malloc((locks_count(lt) + 1) * sizeof(u64));
	c.path_cap = 256;
	c.path = host_malloc(c.path_cap);
	locks_for_each(lt, collect_lock_ino, &c);
	put(&w, hdr, sizeof(hdr));
	save_session(&w, srv);
	save_counters(&w, srv);
	err = save_list(&c, FS_SEC_INODES, walk_inodes);
	if (!err)
		err = save_list(&c, FS_SEC_HANDLES, walk_handles);
	if (!err && version >= 2)
		err = save_list(&c, FS_SEC_LOCKS, walk_locks);
	if (!err && version >= 2 && dax)
		err = save_list(&c, FS_SEC_DAX, walk_maps);
	if (err)
		goto out;
	le = cpu_to_le32(version);
	memcpy(w.p + FS_HDR_VERSION, &le, 4);
	le = cpu_to_le32(FUSE_STATE_HEADER_SIZE);
	memcpy(w.p + FS_HDR_HDRLEN, &le, 4);
	{
		__le64 body = cpu_to_le64(w.len - FUSE_STATE_HEADER_SIZE);

		memcpy(w.p + FS_HDR_BODYLEN, &body, 8);
	}
	crc = fs_crc32(0, w.p, FS_HDR_CRC);
	crc = fs_crc32(crc, w.p + FUSE_STATE_HEADER_SIZE,
		       w.len - FUSE_STATE_HEADER_SIZE);
	le = cpu_to_le32(crc);
	memcpy(w.p + FS_HDR_CRC, &le, 4);
	*buf = w.p;
	*len = w.len;
	w.p = NULL;
	fs_tap(FUSE_SERVER_TAP_STATE, 0, *buf, *len);
out:
	host_free(w.p);
	host_free(c.lock_inos);
	host_free(c.path);
	return err;
}

int fuse_state_save(struct fuse_server *srv, void **buf, size_t *len)
{
	return fuse_state_save_version(srv, FUSE_STATE_VERSION, buf, len);
}
