// SPDX-License-Identifier: GPL-2.0-only
/*
 * memfs_migrate.c - enumerate, restore and check the whole file system.
 *
 * Iteration is always in ascending id order (nodeid, cookie, page index,
 * fh), so two file systems with the same content enumerate byte-identically.
 * Restore re-creates state verbatim and checks only what would corrupt the
 * structure; memfs_check() is the judge of the result.
 */
#include "device/memfs_internal.h"
#include "sim/trace/host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void memfs_get_stats(const struct memfs *fs, struct memfs_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->inodes = fs->ninodes;
	st->handles = fs->nhandles;
	st->data_pages = fs->data_pages;
	for (size_t i = 0; i < fs->ninodes; i++)
		if (!memfs_is_dir(fs->inodes[i]))
			st->file_bytes += fs->inodes[i]->attr.size;
}

static void fill_info(const struct memfs_inode *inode,
		      struct memfs_inode_info *info)
{
	*info = (struct memfs_inode_info){
		.nodeid = inode->nodeid,
		.generation = inode->generation,
		.nlookup = inode->nlookup,
		.nopen = inode->nopen,
		.npin = inode->npin,
		.parent = inode->parent,
		.name = inode->name,
		.next_cookie = inode->next_cookie,
		.attr = inode->attr,
	};
}

int memfs_for_each_inode(const struct memfs *fs,
			 int (*fn)(void *arg,
				   const struct memfs_inode_info *info),
			 void *arg)
{
	struct memfs_inode_info info;

	for (size_t i = 0; i < fs->ninodes; i++) {
		int ret;

		fill_info(fs->inodes[i], &info);
		ret = fn(arg, &info);
		if (ret)
			return ret;
	}
	return 0;
}

int memfs_for_each_dirent(const struct memfs *fs, u64 dir,
			  int (*fn)(void *arg, const char *name, u64 ino,
				    u64 cookie),
			  void *arg)
{
	const struct memfs_inode *d = memfs_iget(fs, dir);

	if (!d)
		return -ESTALE;
	if (!memfs_is_dir(d))
		return -ENOTDIR;
	for (size_t i = 0; i < d->nents; i++) {
		int ret = fn(arg, d->ents[i].name, d->ents[i].ino,
			     d->ents[i].cookie);

		if (ret)
			return ret;
	}
	return 0;
}

int memfs_for_each_page(const struct memfs *fs, u64 ino,
			int (*fn)(void *arg, u64 index, const void *page),
			void *arg)
{
	const struct memfs_inode *inode = memfs_iget(fs, ino);

	if (!inode)
		return -ESTALE;
	if (memfs_is_dir(inode))
		return -EISDIR;
	for (u64 i = 0; i < inode->npages; i++) {
		int ret;

		if (!inode->pages[i])
			continue;
		ret = fn(arg, i, inode->pages[i]->data);
		if (ret)
			return ret;
	}
	return 0;
}

int memfs_for_each_handle(const struct memfs *fs,
			  int (*fn)(void *arg,
				    const struct memfs_handle_info *info),
			  void *arg)
{
	for (size_t i = 0; i < fs->nhandles; i++) {
		const struct memfs_handle *h = &fs->handles[i];
		struct memfs_handle_info info = { h->fh, h->ino, h->flags,
						  h->isdir };
		int ret = fn(arg, &info);

		if (ret)
			return ret;
	}
	return 0;
}

void memfs_get_counters(const struct memfs *fs, struct memfs_counters *c)
{
	c->next_nodeid = fs->next_nodeid;
	c->next_fh = fs->next_fh;
	c->generation = fs->generation;
	c->now = fs->now;
}

int memfs_set_counters(struct memfs *fs, const struct memfs_counters *c)
{
	u64 max_ino = fs->inodes[fs->ninodes - 1]->nodeid;
	u64 max_fh = fs->nhandles ? fs->handles[fs->nhandles - 1].fh : 0;

	if (c->next_nodeid <= max_ino || c->next_fh <= max_fh ||
	    c->now.nsec >= 1000000000u)
		return -EINVAL;
	fs->next_nodeid = c->next_nodeid;
	fs->next_fh = c->next_fh;
	fs->generation = c->generation;
	fs->now = c->now;
	return 0;
}

int memfs_restore_inode(struct memfs *fs, const struct memfs_inode_info *info)
{
	struct memfs_inode *inode = memfs_iget(fs, info->nodeid);
	u32 type = info->attr.mode & S_IFMT;

	if (!info->nodeid || info->attr.ino != info->nodeid ||
	    (type != S_IFDIR && type != S_IFREG) ||
	    info->next_cookie < MEMFS_COOKIE_FIRST ||
	    info->attr.size > fs->cfg.max_file_size ||
	    info->nlookup > MEMFS_NLOOKUP_MAX)
		return -EINVAL;
	if (inode && inode->nodeid != MEMFS_ROOT_ID)
		return -EEXIST;
	if (info->nodeid == MEMFS_ROOT_ID && type != S_IFDIR)
		return -EINVAL;
	if (!inode) {
		if (fs->ninodes >= fs->cfg.max_inodes)
			return -ENOSPC;
		inode = host_calloc(1, sizeof(*inode));
		inode->nodeid = info->nodeid;
		memfs_inode_insert(fs, inode);
		if (info->nodeid >= fs->next_nodeid)
			fs->next_nodeid = info->nodeid + 1;
	}
	inode->generation = info->generation;
	inode->nlookup = info->nlookup;
	inode->npin = info->npin;
	inode->next_cookie = info->next_cookie;
	/* Pages come back with memfs_restore_page(); blocks count them. */
	inode->attr = info->attr;
	inode->attr.blocks = 0;
	if (type == S_IFREG) {
		u64 want = (info->attr.size + MEMFS_PAGE_SIZE - 1) /
			   MEMFS_PAGE_SIZE;

		memfs_resize_table(inode, want);
	}
	return 0;
}

int memfs_restore_dirent(struct memfs *fs, u64 dir, const char *name, u64 ino,
			 u64 cookie)
{
	struct memfs_inode *d = memfs_iget(fs, dir);
	struct memfs_inode *child = memfs_iget(fs, ino);
	int err = memfs_check_name(name);

	if (err)
		return err;
	if (!d || !child)
		return -ESTALE;
	if (!memfs_is_dir(d))
		return -ENOTDIR;
	if (!strcmp(name, ".") || !strcmp(name, "..") || ino == MEMFS_ROOT_ID ||
	    cookie < MEMFS_COOKIE_FIRST || cookie >= d->next_cookie ||
	    (d->nents && d->ents[d->nents - 1].cookie >= cookie))
		return -EINVAL;
	if (child->name || memfs_dir_find(d, name))
		return -EEXIST;
	memfs_dir_add(d, name, child, cookie);
	return 0;
}

int memfs_copy_dirents(struct memfs *fs, u64 dir, const struct memfs *src,
		       u64 src_dir, u64 (*map)(void *arg, u64 ino), void *arg)
{
	struct memfs_inode *d = memfs_iget(fs, dir);
	const struct memfs_inode *s = memfs_iget(src, src_dir);

	if (!d || !s)
		return -ESTALE;
	if (!memfs_is_dir(d) || !memfs_is_dir(s))
		return -ENOTDIR;
	if (!s->nents)
		return 0;
	/* one directory's entries at once: @d must have none yet, and its
	 * next cookie lie above the last one */
	if (d->nents || s->ents[s->nents - 1].cookie >= d->next_cookie)
		return -EINVAL;
	d->ents_cap = s->nents;
	d->ents = memfs_xrealloc(d->ents, d->ents_cap, sizeof(*d->ents));
	/* every child first, so that a refusal links nothing */
	for (size_t i = 0; i < s->nents; i++) {
		u64 ino = map(arg, s->ents[i].ino);
		const struct memfs_inode *child = memfs_iget(fs, ino);

		if (!child)
			return -ESTALE;
		if (ino == MEMFS_ROOT_ID)
			return -EINVAL;
		if (child->name)
			return -EEXIST;
		d->ents[i].ino = ino;
	}
	/* the source's names are valid and unique in it, in cookie order */
	for (size_t i = 0; i < s->nents; i++) {
		const struct memfs_dirent *from = &s->ents[i];
		struct memfs_dirent *de = &d->ents[i];
		struct memfs_inode *child = memfs_iget(fs, de->ino);

		de->cookie = from->cookie;
		de->name = host_strdup(from->name);
		de->hash = from->hash;
		child->name = de->name;
		child->parent = d->nodeid;
	}
	d->nents = s->nents;
	d->attr.size = d->nents;
	return 0;
}

int memfs_restore_page(struct memfs *fs, u64 ino, u64 index, const void *page)
{
	struct memfs_inode *inode = memfs_iget(fs, ino);
	u8 *p;

	if (!inode)
		return -ESTALE;
	if (memfs_is_dir(inode))
		return -EISDIR;
	if (index >= inode->npages)
		return -EINVAL;
	memfs_page_slot(fs, inode, index, false, &p);
	memcpy(p, page, MEMFS_PAGE_SIZE);
	return 0;
}

int memfs_share_pages(struct memfs *fs, u64 ino, const struct memfs *src,
		      u64 src_ino)
{
	struct memfs_inode *inode = memfs_iget(fs, ino);
	const struct memfs_inode *from = memfs_iget(src, src_ino);

	if (!inode || !from)
		return -ESTALE;
	if (fs == src)
		return -EINVAL;
	if (memfs_is_dir(inode) || memfs_is_dir(from))
		return -EISDIR;
	if (inode->npages != from->npages)
		return -EINVAL;
	/* every page is checked before any is taken: all or nothing */
	for (u64 i = 0; i < from->npages; i++)
		if (from->pages[i] && inode->pages[i])
			return -EEXIST;
	for (u64 i = 0; i < from->npages; i++) {
		if (!from->pages[i])
			continue;
		from->pages[i]->refs++;
		inode->pages[i] = from->pages[i];
		fs->data_pages++;
		inode->attr.blocks += MEMFS_PAGE_SIZE / 512;
	}
	return 0;
}

int memfs_restore_handle(struct memfs *fs, const struct memfs_handle_info *info)
{
	struct memfs_inode *inode = memfs_iget(fs, info->ino);
	u64 fh;
	int err;

	if (!inode)
		return -ESTALE;
	if (!info->fh ||
	    (fs->nhandles && fs->handles[fs->nhandles - 1].fh >= info->fh))
		return -EINVAL;
	/* Open normally (same checks), then give the handle its old id. */
	if (info->isdir)
		err = memfs_opendir(fs, info->ino, info->flags, &fh);
	else
		err = memfs_open(fs, info->ino, info->flags & ~O_TRUNC, &fh);
	if (err)
		return err;
	fs->handles[fs->nhandles - 1].fh = info->fh;
	fs->handles[fs->nhandles - 1].flags = info->flags;
	fs->next_fh = fh > info->fh ? fh : info->fh + 1;
	return 0;
}

/* ---- memfs_check ------------------------------------------------------ */

static int fail(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (why && size) {
		va_start(ap, fmt);
		vsnprintf(why, size, fmt, ap);
		va_end(ap);
	}
	return -EUCLEAN;
}

static int check_dir(const struct memfs *fs, const struct memfs_inode *d,
		     char *why, size_t size)
{
	u32 subdirs = 0;

	for (size_t j = 0; j < d->nents; j++) {
		const struct memfs_dirent *de = &d->ents[j];
		const struct memfs_inode *c = memfs_iget(fs, de->ino);

		if (j && d->ents[j - 1].cookie >= de->cookie)
			return fail(why, size, "dir %llu: cookies out of order",
				    (unsigned long long)d->nodeid);
		if (de->cookie < MEMFS_COOKIE_FIRST ||
		    de->cookie >= d->next_cookie)
			return fail(why, size, "dir %llu: bad cookie",
				    (unsigned long long)d->nodeid);
		if (!c || c->parent != d->nodeid || !c->name ||
		    strcmp(c->name, de->name))
			return fail(why, size, "dir %llu: entry %s bad link",
				    (unsigned long long)d->nodeid, de->name);
		if (memfs_is_dir(c))
			subdirs++;
	}
	if (d->attr.nlink && d->attr.nlink != 2 + subdirs)
		return fail(why, size, "dir %llu: nlink %u, want %u",
			    (unsigned long long)d->nodeid, d->attr.nlink,
			    2 + subdirs);
	if (d->attr.size != d->nents)
		return fail(why, size, "dir %llu: size",
			    (unsigned long long)d->nodeid);
	return 0;
}

static int check_inode(const struct memfs *fs, const struct memfs_inode *in,
		       u32 nopen, char *why, size_t size)
{
	unsigned long long id = in->nodeid;
	u64 blocks = 0;

	if (in->attr.ino != in->nodeid || in->nodeid >= fs->next_nodeid)
		return fail(why, size, "inode %llu: bad id", id);
	if (in->nopen != nopen)
		return fail(why, size, "inode %llu: nopen %u, handles %u", id,
			    in->nopen, nopen);
	if (in->nodeid != MEMFS_ROOT_ID && !in->attr.nlink && !in->nlookup &&
	    !in->nopen && !in->npin)
		return fail(why, size, "inode %llu: unreferenced", id);
	if (in->nodeid != MEMFS_ROOT_ID && !in->name != !in->attr.nlink)
		return fail(why, size, "inode %llu: name/nlink mismatch", id);
	if (in->name) {
		const struct memfs_inode *p = memfs_iget(fs, in->parent);
		const struct memfs_dirent *de =
			p ? memfs_dir_find(p, in->name) : NULL;

		if (!de || de->ino != in->nodeid)
			return fail(why, size, "inode %llu: not in parent", id);
	}
	if (memfs_is_dir(in))
		return check_dir(fs, in, why, size);
	if (in->attr.nlink > 1 || in->nents)
		return fail(why, size, "file %llu: bad nlink/entries", id);
	if (in->npages !=
	    (in->attr.size + MEMFS_PAGE_SIZE - 1) / MEMFS_PAGE_SIZE)
		return fail(why, size, "file %llu: page table size", id);
	for (u64 p = 0; p < in->npages; p++)
		if (in->pages[p])
			blocks += MEMFS_PAGE_SIZE / 512;
	if (blocks != in->attr.blocks)
		return fail(why, size, "file %llu: blocks", id);
	return 0;
}

int memfs_check(const struct memfs *fs, char *why, size_t size)
{
	const struct memfs_inode *root = memfs_iget(fs, MEMFS_ROOT_ID);
	u32 *nopen;
	u64 pages = 0;
	int err = 0;

	/* Ordering first: every lookup below relies on it. */
	for (size_t i = 1; i < fs->ninodes; i++)
		if (fs->inodes[i - 1]->nodeid >= fs->inodes[i]->nodeid)
			return fail(why, size, "inodes out of order");
	if (!root || !memfs_is_dir(root) || root->parent != MEMFS_ROOT_ID ||
	    root->name)
		return fail(why, size, "root missing or malformed");
	for (size_t i = 0; i < fs->nhandles; i++) {
		const struct memfs_handle *hd = &fs->handles[i];
		const struct memfs_inode *in = memfs_iget(fs, hd->ino);

		if ((i && fs->handles[i - 1].fh >= hd->fh) ||
		    hd->fh >= fs->next_fh || !in ||
		    memfs_is_dir(in) != hd->isdir)
			return fail(why, size, "handle %llu: bad",
				    (unsigned long long)hd->fh);
	}
	/* handles per inode, counted once (each handle's inode exists) */
	nopen = host_calloc(fs->ninodes + 1, sizeof(*nopen));
	for (size_t h = 0; h < fs->nhandles; h++)
		nopen[memfs_inode_slot(fs, fs->handles[h].ino)]++;
	for (size_t i = 0; i < fs->ninodes && !err; i++) {
		const struct memfs_inode *in = fs->inodes[i];

		err = check_inode(fs, in, nopen[i], why, size);
		for (u64 p = 0; p < in->npages && !err; p++)
			pages += !!in->pages[p];
	}
	host_free(nopen);
	if (err)
		return err;
	if (pages != fs->data_pages)
		return fail(why, size, "data page total");
	if (fs->ninodes > fs->cfg.max_inodes)
		return fail(why, size, "inode limit exceeded");
	return 0;
}
