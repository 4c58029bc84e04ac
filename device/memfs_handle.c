// SPDX-License-Identifier: GPL-2.0-only
/*
 * memfs_handle.c - open file and directory handles, readdir, paths.
 *
 * Handles sit in an array sorted by fh; fh values come from one monotonic
 * counter shared by files and directories, so a stale fh of one kind can
 * never be mistaken for a live handle of the other.
 */
#include "device/memfs_internal.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>

static size_t handle_slot(const struct memfs *fs, u64 fh)
{
	size_t lo = 0, hi = fs->nhandles;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (fs->handles[mid].fh < fh)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct memfs_handle *handle_get(const struct memfs *fs, u64 fh)
{
	size_t i = handle_slot(fs, fh);

	if (i < fs->nhandles && fs->handles[i].fh == fh)
		return &fs->handles[i];
	return NULL;
}

static void handle_insert(struct memfs *fs, u64 fh, struct memfs_inode *inode,
			  u32 flags, bool isdir)
{
	size_t i = handle_slot(fs, fh);

	if (fs->nhandles == fs->handles_cap) {
		fs->handles_cap = fs->handles_cap ? 2 * fs->handles_cap : 16;
		fs->handles = memfs_xrealloc(fs->handles, fs->handles_cap,
					     sizeof(*fs->handles));
	}
	memmove(&fs->handles[i + 1], &fs->handles[i],
		(fs->nhandles - i) * sizeof(*fs->handles));
	fs->handles[i] = (struct memfs_handle){
		.fh = fh, .ino = inode->nodeid, .flags = flags, .isdir = isdir
	};
	fs->nhandles++;
	inode->nopen++;
}

int memfs_open(struct memfs *fs, u64 ino, u32 flags, u64 *fh)
{
	struct memfs_inode *inode = memfs_iget(fs, ino);
	u32 acc = flags & O_ACCMODE;

	if (!inode)
		return -ESTALE;
	if (acc == O_ACCMODE)
		return -EINVAL;
	if (memfs_is_dir(inode))
		return -EISDIR;
	if ((flags & O_TRUNC) && acc != O_RDONLY && inode->attr.size) {
		memfs_truncate(fs, inode, 0);
		memfs_touch(fs, inode, true);
	}
	*fh = fs->next_fh++;
	handle_insert(fs, *fh, inode, flags, false);
	return 0;
}

int memfs_opendir(struct memfs *fs, u64 ino, u32 flags, u64 *fh)
{
	struct memfs_inode *inode = memfs_iget(fs, ino);

	if (!inode)
		return -ESTALE;
	if (!memfs_is_dir(inode))
		return -ENOTDIR;
	*fh = fs->next_fh++;
	handle_insert(fs, *fh, inode, flags, true);
	return 0;
}

static int handle_close(struct memfs *fs, u64 fh, bool isdir)
{
	struct memfs_handle *h = handle_get(fs, fh);
	struct memfs_inode *inode;
	size_t i;

	if (!h || h->isdir != isdir)
		return -EBADF;
	inode = memfs_iget(fs, h->ino);
	assert(inode && inode->nopen);
	i = (size_t)(h - fs->handles);
	memmove(&fs->handles[i], &fs->handles[i + 1],
		(fs->nhandles - i - 1) * sizeof(*fs->handles));
	fs->nhandles--;
	inode->nopen--;
	memfs_maybe_free(fs, inode);
	return 0;
}

int memfs_release(struct memfs *fs, u64 fh)
{
	return handle_close(fs, fh, false);
}

int memfs_releasedir(struct memfs *fs, u64 fh)
{
	return handle_close(fs, fh, true);
}

int memfs_fh_ino(struct memfs *fs, u64 fh, u64 *ino)
{
	struct memfs_handle *h = handle_get(fs, fh);

	if (!h)
		return -EBADF;
	*ino = h->ino;
	return 0;
}

s64 memfs_fh_read(struct memfs *fs, u64 fh, u64 off, void *buf, size_t size)
{
	struct memfs_handle *h = handle_get(fs, fh);

	if (!h || h->isdir || (h->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	return memfs_read(fs, h->ino, off, buf, size);
}

s64 memfs_fh_write(struct memfs *fs, u64 fh, u64 off, const void *data,
		   size_t size)
{
	struct memfs_handle *h = handle_get(fs, fh);

	if (!h || h->isdir || (h->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (h->flags & O_APPEND)
		off = memfs_iget(fs, h->ino)->attr.size;
	return memfs_write(fs, h->ino, off, data, size);
}

static u32 dtype(const struct memfs_inode *inode)
{
	return memfs_is_dir(inode) ? DT_DIR : DT_REG;
}

int memfs_readdir(struct memfs *fs, u64 fh, u64 offset, memfs_readdir_cb cb,
		  void *arg)
{
	struct memfs_handle *h = handle_get(fs, fh);
	struct memfs_dirent_info e;
	struct memfs_inode *dir;

	if (!h || !h->isdir)
		return -EBADF;
	dir = memfs_iget(fs, h->ino);
	/* getdents on a removed directory finds nothing to list. */
	if (!dir->attr.nlink)
		return -ENOENT;
	if (offset < MEMFS_COOKIE_DOT) {
		e = (struct memfs_dirent_info){ ".", dir->nodeid, DT_DIR,
						MEMFS_COOKIE_DOT };
		if (cb(arg, &e))
			return 0;
	}
	if (offset < MEMFS_COOKIE_DOTDOT) {
		e = (struct memfs_dirent_info){ "..", dir->parent, DT_DIR,
						MEMFS_COOKIE_DOTDOT };
		if (cb(arg, &e))
			return 0;
	}
	/*
	 * Entries are in cookie order and a cookie is never reused, so
	 * "cookie > offset" resumes exactly after the last entry returned,
	 * whatever was added or removed since.
	 */
	for (size_t i = 0; i < dir->nents; i++) {
		const struct memfs_dirent *de = &dir->ents[i];

		if (de->cookie <= offset)
			continue;
		e = (struct memfs_dirent_info){ de->name, de->ino,
						dtype(memfs_iget(fs, de->ino)),
						de->cookie };
		if (cb(arg, &e))
			return 0;
	}
	return 0;
}

int memfs_path(struct memfs *fs, u64 ino, char *buf, size_t size)
{
	struct memfs_inode *inode = memfs_iget(fs, ino);
	size_t len = 0;

	if (!inode)
		return -ESTALE;
	if (size < 2)
		return -ERANGE;
	if (ino == MEMFS_ROOT_ID) {
		strcpy(buf, "/");
		return 0;
	}
	/* Measure first, then fill from the end, so nothing is reversed. */
	for (struct memfs_inode *i = inode; i->nodeid != MEMFS_ROOT_ID;
	     i = memfs_iget(fs, i->parent)) {
		if (!i->name)
			return -ENOENT;
		len += 1 + strlen(i->name);
	}
	if (len + 1 > size)
		return -ERANGE;
	buf[len] = '\0';
	for (struct memfs_inode *i = inode; i->nodeid != MEMFS_ROOT_ID;
	     i = memfs_iget(fs, i->parent)) {
		size_t n = strlen(i->name);

		len -= n;
		memcpy(buf + len, i->name, n);
		buf[--len] = '/';
	}
	assert(len == 0);
	return 0;
}
