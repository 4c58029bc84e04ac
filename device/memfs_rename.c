// SPDX-License-Identifier: GPL-2.0-only
/*
 * memfs_rename.c - rename and renameat2 (NOREPLACE, EXCHANGE).
 *
 * All checks run before the first change, so a failed rename leaves the
 * tree exactly as it was. A moved entry is relinked with a fresh cookie in
 * its new directory (even within one directory), the way a real directory
 * may show a renamed entry again to a reader that is part-way through.
 */
#include "device/memfs_internal.h"

#include <assert.h>
#include <errno.h>
#include <string.h>

/* True if @dir is @anc or lies below it. */
static bool is_within(const struct memfs *fs, const struct memfs_inode *dir,
		      const struct memfs_inode *anc)
{
	for (;;) {
		if (dir == anc)
			return true;
		if (dir->nodeid == MEMFS_ROOT_ID)
			return false;
		dir = memfs_iget(fs, dir->parent);
		assert(dir);
	}
}

static int get_dir(struct memfs *fs, u64 nodeid, struct memfs_inode **dir)
{
	*dir = memfs_iget(fs, nodeid);
	if (!*dir)
		return -ESTALE;
	return memfs_is_dir(*dir) ? 0 : -ENOTDIR;
}

static int check_names(const char *a, const char *b)
{
	int err = memfs_check_name(a);

	if (!err)
		err = memfs_check_name(b);
	if (err)
		return err;
	if (!strcmp(a, ".") || !strcmp(a, "..") || !strcmp(b, ".") ||
	    !strcmp(b, ".."))
		return -EINVAL;
	return 0;
}

/* Move @inode (named by @de in @odir) to @name in @ndir. */
static void move(struct memfs *fs, struct memfs_inode *odir,
		 struct memfs_dirent *de, struct memfs_inode *ndir,
		 const char *name, struct memfs_inode *inode)
{
	memfs_dir_remove(odir, de);
	memfs_drop_name(fs, inode);
	memfs_dir_add(ndir, name, inode, ndir->next_cookie++);
	if (memfs_is_dir(inode) && odir != ndir) {
		odir->attr.nlink--;
		ndir->attr.nlink++;
	}
	memfs_touch(fs, inode, false);
}

static int exchange(struct memfs *fs, struct memfs_inode *odir,
		    struct memfs_dirent *ode, struct memfs_inode *ndir,
		    struct memfs_dirent *nde)
{
	struct memfs_inode *a = memfs_iget(fs, ode->ino);
	struct memfs_inode *b = memfs_iget(fs, nde->ino);
	const char *aname, *bname;

	if (a == b)
		return 0;
	if ((memfs_is_dir(a) && is_within(fs, ndir, a)) ||
	    (memfs_is_dir(b) && is_within(fs, odir, b)))
		return -EINVAL;
	/* Swap in place: both entries keep their cookies, only ids move. */
	ode->ino = b->nodeid;
	nde->ino = a->nodeid;
	aname = a->name;
	bname = b->name;
	a->name = bname;
	b->name = aname;
	a->parent = ndir->nodeid;
	b->parent = odir->nodeid;
	if (odir != ndir && memfs_is_dir(a) != memfs_is_dir(b)) {
		struct memfs_inode *gain = memfs_is_dir(a) ? ndir : odir;
		struct memfs_inode *lose = memfs_is_dir(a) ? odir : ndir;

		gain->attr.nlink++;
		lose->attr.nlink--;
	}
	memfs_touch(fs, a, false);
	memfs_touch(fs, b, false);
	memfs_touch(fs, odir, true);
	memfs_touch(fs, ndir, true);
	return 0;
}

int memfs_rename(struct memfs *fs, u64 olddir, const char *oldname, u64 newdir,
		 const char *newname, u32 flags)
{
	struct memfs_inode *odir, *ndir, *src, *dst = NULL;
	struct memfs_dirent *ode, *nde;
	int err;

	if (flags & ~(MEMFS_RENAME_NOREPLACE | MEMFS_RENAME_EXCHANGE))
		return -EINVAL;
	if (flags == (MEMFS_RENAME_NOREPLACE | MEMFS_RENAME_EXCHANGE))
		return -EINVAL;
	err = check_names(oldname, newname);
	if (!err)
		err = get_dir(fs, olddir, &odir);
	if (!err)
		err = get_dir(fs, newdir, &ndir);
	if (err)
		return err;
	ode = memfs_dir_find(odir, oldname);
	if (!ode)
		return -ENOENT;
	/* The target directory may be a removed one still held open. */
	if (!ndir->attr.nlink)
		return -ENOENT;
	nde = memfs_dir_find(ndir, newname);
	if (nde && (flags & MEMFS_RENAME_NOREPLACE))
		return -EEXIST;
	if (flags & MEMFS_RENAME_EXCHANGE)
		return nde ? exchange(fs, odir, ode, ndir, nde) : -ENOENT;
	src = memfs_iget(fs, ode->ino);
	if (nde) {
		dst = memfs_iget(fs, nde->ino);
		if (dst == src)
			return 0;
		if (memfs_is_dir(src) && !memfs_is_dir(dst))
			return -ENOTDIR;
		if (!memfs_is_dir(src) && memfs_is_dir(dst))
			return -EISDIR;
	}
	if (memfs_is_dir(src) && is_within(fs, ndir, src))
		return -EINVAL;
	if (dst && dst->nents)
		return -ENOTEMPTY;
	if (dst) {
		memfs_dir_remove(ndir, nde);
		memfs_drop_name(fs, dst);
		dst->attr.nlink = 0;
		if (memfs_is_dir(dst))
			ndir->attr.nlink--;
		memfs_touch(fs, dst, false);
	}
	/* Removing the target may have moved the source's entry. */
	move(fs, odir, memfs_dir_find(odir, oldname), ndir, newname, src);
	memfs_touch(fs, odir, true);
	memfs_touch(fs, ndir, true);
	if (dst)
		memfs_maybe_free(fs, dst);
	return 0;
}
