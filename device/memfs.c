// SPDX-License-Identifier: GPL-2.0-only
/*
 * memfs.c - the inode table, names, attributes and lookup counts.
 *
 * Inodes live in an array sorted by nodeid. New nodeids come from a
 * monotonic counter, so creating appends; freeing closes the gap. The
 * namespace is a tree (no hard links), so every linked inode has exactly
 * one (parent, name), which is what makes memfs_path() and the migration
 * stream simple.
 */
#include "device/memfs_internal.h"
#include "sim/trace/host.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_MAX_INODES    65536
#define DEFAULT_MAX_FILE_SIZE (64ULL << 20)
#define DEFAULT_BLKSIZE	      4096

void *memfs_xrealloc(void *p, size_t n, size_t size)
{
	/* The daemon's own memory: running out is not a guest-visible error. */
	p = host_realloc(p, n ? n * size : 1);
	return p;
}

/* Index of the first inode whose nodeid is >= @nodeid. */
size_t memfs_inode_slot(const struct memfs *fs, u64 nodeid)
{
	size_t lo = 0, hi = fs->ninodes, guess = (size_t)(nodeid - 1);

	/* nodeids are handed out in order: until an inode goes, nodeid N
	 * sits at N - 1, and it never sits further up */
	if (guess < hi) {
		if (fs->inodes[guess]->nodeid == nodeid)
			return guess;
		if (fs->inodes[guess]->nodeid > nodeid)
			hi = guess;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (fs->inodes[mid]->nodeid < nodeid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct memfs_inode *memfs_iget(const struct memfs *fs, u64 nodeid)
{
	size_t i = memfs_inode_slot(fs, nodeid);

	if (i < fs->ninodes && fs->inodes[i]->nodeid == nodeid)
		return fs->inodes[i];
	return NULL;
}

/* Put @inode in the table at its sorted place; its nodeid must be new. */
void memfs_inode_insert(struct memfs *fs, struct memfs_inode *inode)
{
	size_t i = memfs_inode_slot(fs, inode->nodeid);

	assert(i == fs->ninodes || fs->inodes[i]->nodeid != inode->nodeid);
	if (fs->ninodes == fs->inodes_cap) {
		fs->inodes_cap = fs->inodes_cap ? 2 * fs->inodes_cap : 16;
		fs->inodes = memfs_xrealloc(fs->inodes, fs->inodes_cap,
					    sizeof(*fs->inodes));
	}
	memmove(&fs->inodes[i + 1], &fs->inodes[i],
		(fs->ninodes - i) * sizeof(*fs->inodes));
	fs->inodes[i] = inode;
	fs->ninodes++;
}

static struct memfs_inode *inode_alloc(struct memfs *fs, u64 nodeid, u32 mode)
{
	struct memfs_inode *inode = host_calloc(1, sizeof(*inode));

	inode->nodeid = nodeid;
	inode->generation = fs->generation;
	inode->next_cookie = MEMFS_COOKIE_FIRST;
	inode->attr.ino = nodeid;
	inode->attr.mode = mode;
	inode->attr.blksize = fs->cfg.blksize;
	inode->attr.atime = fs->now;
	inode->attr.mtime = fs->now;
	inode->attr.ctime = fs->now;
	memfs_inode_insert(fs, inode);
	return inode;
}

struct memfs *memfs_new(const struct memfs_config *cfg)
{
	struct memfs *fs = host_calloc(1, sizeof(*fs));
	struct memfs_inode *root;

	if (cfg)
		fs->cfg = *cfg;
	if (!fs->cfg.max_inodes)
		fs->cfg.max_inodes = DEFAULT_MAX_INODES;
	if (!fs->cfg.max_file_size)
		fs->cfg.max_file_size = DEFAULT_MAX_FILE_SIZE;
	if (!fs->cfg.blksize)
		fs->cfg.blksize = DEFAULT_BLKSIZE;
	if (!fs->cfg.root_mode)
		fs->cfg.root_mode = 0755;
	if (!fs->cfg.generation)
		fs->cfg.generation = 1;
	fs->generation = fs->cfg.generation;
	fs->next_fh = 1;
	root = inode_alloc(fs, MEMFS_ROOT_ID,
			   S_IFDIR | (fs->cfg.root_mode & 07777));
	root->attr.nlink = 2;
	root->attr.uid = fs->cfg.uid;
	root->attr.gid = fs->cfg.gid;
	root->parent = MEMFS_ROOT_ID;
	fs->next_nodeid = MEMFS_ROOT_ID + 1;
	return fs;
}

static void inode_destroy(struct memfs *fs, struct memfs_inode *inode)
{
	for (size_t i = 0; i < inode->nents; i++)
		host_free(inode->ents[i].name);
	host_free(inode->ents);
	memfs_free_pages(fs, inode);
	host_free(inode);
}

void memfs_free(struct memfs *fs)
{
	if (!fs)
		return;
	for (size_t i = 0; i < fs->ninodes; i++)
		inode_destroy(fs, fs->inodes[i]);
	host_free(fs->inodes);
	host_free(fs->handles);
	host_free(fs);
}

void memfs_set_now(struct memfs *fs, struct memfs_time now)
{
	fs->now = now;
}

void memfs_set_free_hook(struct memfs *fs, void (*fn)(void *arg, u64 ino),
			 void *arg)
{
	fs->free_hook = fn;
	fs->free_hook_arg = arg;
}

/* Free @inode once nothing names or holds it any more. */
void memfs_maybe_free(struct memfs *fs, struct memfs_inode *inode)
{
	size_t i;

	if (inode->nodeid == MEMFS_ROOT_ID || inode->attr.nlink ||
	    inode->nlookup || inode->nopen || inode->npin)
		return;
	assert(!inode->nents && !inode->name);
	if (fs->free_hook)
		fs->free_hook(fs->free_hook_arg, inode->nodeid);
	i = memfs_inode_slot(fs, inode->nodeid);
	assert(i < fs->ninodes && fs->inodes[i] == inode);
	memmove(&fs->inodes[i], &fs->inodes[i + 1],
		(fs->ninodes - i - 1) * sizeof(*fs->inodes));
	fs->ninodes--;
	inode_destroy(fs, inode);
}

void memfs_touch(struct memfs *fs, struct memfs_inode *inode, bool mtime)
{
	if (mtime)
		inode->attr.mtime = fs->now;
	inode->attr.ctime = fs->now;
}

/* 0 for a valid name component (including "." and ".."). */
int memfs_check_name(const char *name)
{
	size_t len;

	if (!name)
		return -EINVAL;
	len = strnlen(name, MEMFS_NAME_MAX + 1);
	if (len == 0)
		return -EINVAL;
	if (len > MEMFS_NAME_MAX)
		return -ENAMETOOLONG;
	if (strchr(name, '/'))
		return -EINVAL;
	return 0;
}

static bool is_dot_or_dotdot(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..");
}

struct memfs_dirent *memfs_dir_find(const struct memfs_inode *dir,
				    const char *name)
{
	u32 h = memfs_name_hash(name);

	for (size_t i = 0; i < dir->nents; i++)
		if (dir->ents[i].hash == h && !strcmp(dir->ents[i].name, name))
			return &dir->ents[i];
	return NULL;
}

/* Link @child as @name in @dir with @cookie (above every cookie in @dir). */
void memfs_dir_add(struct memfs_inode *dir, const char *name,
		   struct memfs_inode *child, u64 cookie)
{
	struct memfs_dirent *de;

	assert(!dir->nents || dir->ents[dir->nents - 1].cookie < cookie);
	assert(!child->name);
	if (dir->nents == dir->ents_cap) {
		dir->ents_cap = dir->ents_cap ? 2 * dir->ents_cap : 8;
		dir->ents = memfs_xrealloc(dir->ents, dir->ents_cap,
					   sizeof(*dir->ents));
	}
	de = &dir->ents[dir->nents++];
	de->cookie = cookie;
	de->ino = child->nodeid;
	de->name = host_strdup(name);
	de->hash = memfs_name_hash(name);
	child->name = de->name;
	child->parent = dir->nodeid;
	dir->attr.size = dir->nents;
}

/* Unlink the entry @de of @dir (the child's parent link goes too). */
void memfs_dir_remove(struct memfs_inode *dir, struct memfs_dirent *de)
{
	size_t i = (size_t)(de - dir->ents);

	assert(i < dir->nents);
	host_free(de->name);
	memmove(&dir->ents[i], &dir->ents[i + 1],
		(dir->nents - i - 1) * sizeof(*dir->ents));
	dir->nents--;
	dir->attr.size = dir->nents;
}

/* Forget @inode's name: the entry that owned the string is already gone. */
void memfs_drop_name(struct memfs *fs, struct memfs_inode *inode)
{
	(void)fs;
	inode->name = NULL;
	inode->parent = 0;
}

/* The directory @nodeid, or NULL with *err set. */
static struct memfs_inode *get_dir(struct memfs *fs, u64 nodeid, int *err)
{
	struct memfs_inode *dir = memfs_iget(fs, nodeid);

	if (!dir) {
		*err = -ESTALE;
		return NULL;
	}
	if (!memfs_is_dir(dir)) {
		*err = -ENOTDIR;
		return NULL;
	}
	return dir;
}

int memfs_lookup(struct memfs *fs, u64 parent, const char *name, u64 *ino)
{
	struct memfs_inode *dir;
	struct memfs_dirent *de;
	int err = memfs_check_name(name);

	if (err)
		return err;
	dir = get_dir(fs, parent, &err);
	if (!dir)
		return err;
	if (!strcmp(name, ".")) {
		*ino = dir->nodeid;
		return 0;
	}
	if (!strcmp(name, "..")) {
		if (!dir->parent)
			return -ENOENT;
		*ino = dir->parent;
		return 0;
	}
	de = memfs_dir_find(dir, name);
	if (!de)
		return -ENOENT;
	*ino = de->ino;
	return 0;
}

int memfs_getattr(struct memfs *fs, u64 ino, struct memfs_attr *attr)
{
	struct memfs_inode *inode = memfs_iget(fs, ino);

	if (!inode)
		return -ESTALE;
	*attr = inode->attr;
	return 0;
}

int memfs_setattr(struct memfs *fs, u64 ino, const struct memfs_setattr *in,
		  struct memfs_attr *attr)
{
	struct memfs_inode *inode = memfs_iget(fs, ino);
	u32 valid = in->valid;

	if (!inode)
		return -ESTALE;
	if (valid & ~MEMFS_SET_ALL)
		return -EINVAL;
	/* Check everything that can fail before changing anything. */
	if (valid & MEMFS_SET_SIZE) {
		if (memfs_is_dir(inode))
			return -EISDIR;
		if (in->size > fs->cfg.max_file_size)
			return -EFBIG;
	}
	if (valid & MEMFS_SET_SIZE) {
		memfs_truncate(fs, inode, in->size);
		inode->attr.mtime = fs->now;
	}
	if (valid & MEMFS_SET_MODE)
		inode->attr.mode = (inode->attr.mode & S_IFMT) |
				   (in->mode & 07777);
	if (valid & MEMFS_SET_UID)
		inode->attr.uid = in->uid;
	if (valid & MEMFS_SET_GID)
		inode->attr.gid = in->gid;
	if (valid & MEMFS_SET_ATIME_NOW)
		inode->attr.atime = fs->now;
	else if (valid & MEMFS_SET_ATIME)
		inode->attr.atime = in->atime;
	if (valid & MEMFS_SET_MTIME_NOW)
		inode->attr.mtime = fs->now;
	else if (valid & MEMFS_SET_MTIME)
		inode->attr.mtime = in->mtime;
	inode->attr.ctime = (valid & MEMFS_SET_CTIME) ? in->ctime : fs->now;
	if (attr)
		*attr = inode->attr;
	return 0;
}

/*
 * Common front of create and mkdir: a writable place for a new @name in
 * @parent. Returns 0 with *dirp the directory and *existing an entry that
 * already has the name (or NULL), or a negative errno. (An int, not the
 * directory or NULL with an error beside it: inlined into the FUSE
 * server's callers, that left GCC unable to see their inode number set.)
 */
static int prepare_new(struct memfs *fs, u64 parent, const char *name,
		       struct memfs_inode **dirp,
		       struct memfs_dirent **existing)
{
	struct memfs_inode *dir;
	int err;

	err = memfs_check_name(name);
	if (err)
		return err;
	dir = get_dir(fs, parent, &err);
	if (!dir)
		return err;
	if (is_dot_or_dotdot(name))
		return -EEXIST;
	/* A removed directory that is still open takes no new entries. */
	if (!dir->attr.nlink)
		return -ENOENT;
	*existing = memfs_dir_find(dir, name);
	*dirp = dir;
	return 0;
}

static int new_inode(struct memfs *fs, struct memfs_inode *dir,
		     const char *name, u32 mode, struct memfs_inode **out)
{
	struct memfs_inode *inode;

	if (fs->ninodes >= fs->cfg.max_inodes)
		return -ENOSPC;
	inode = inode_alloc(fs, fs->next_nodeid++, mode);
	inode->attr.uid = fs->cfg.uid;
	inode->attr.gid = fs->cfg.gid;
	memfs_dir_add(dir, name, inode, dir->next_cookie++);
	memfs_touch(fs, dir, true);
	*out = inode;
	return 0;
}

int memfs_create(struct memfs *fs, u64 parent, const char *name, u32 mode,
		 u32 flags, u64 *ino)
{
	struct memfs_dirent *de = NULL;
	struct memfs_inode *dir, *inode;
	int err;

	if ((mode & S_IFMT) && (mode & S_IFMT) != S_IFREG)
		return -EINVAL;
	err = prepare_new(fs, parent, name, &dir, &de);
	if (err)
		return err;
	if (de) {
		if (flags & O_EXCL)
			return -EEXIST;
		if (memfs_is_dir(memfs_iget(fs, de->ino)))
			return -EISDIR;
		*ino = de->ino;
		return 0;
	}
	err = new_inode(fs, dir, name, S_IFREG | (mode & 07777), &inode);
	if (err)
		return err;
	inode->attr.nlink = 1;
	*ino = inode->nodeid;
	return 0;
}

int memfs_mkdir(struct memfs *fs, u64 parent, const char *name, u32 mode,
		u64 *ino)
{
	struct memfs_dirent *de = NULL;
	struct memfs_inode *dir, *inode;
	int err;

	if ((mode & S_IFMT) && (mode & S_IFMT) != S_IFDIR)
		return -EINVAL;
	err = prepare_new(fs, parent, name, &dir, &de);
	if (err)
		return err;
	if (de)
		return -EEXIST;
	err = new_inode(fs, dir, name, S_IFDIR | (mode & 07777), &inode);
	if (err)
		return err;
	inode->attr.nlink = 2;
	dir->attr.nlink++;
	*ino = inode->nodeid;
	return 0;
}

/* Common front of unlink and rmdir: the entry @name of @parent. */
static int find_victim(struct memfs *fs, u64 parent, const char *name,
		       struct memfs_inode **dirp, struct memfs_dirent **dep)
{
	int err = memfs_check_name(name);

	if (err)
		return err;
	*dirp = get_dir(fs, parent, &err);
	if (!*dirp)
		return err;
	*dep = memfs_dir_find(*dirp, name);
	return *dep ? 0 : -ENOENT;
}

int memfs_unlink(struct memfs *fs, u64 parent, const char *name)
{
	struct memfs_inode *dir, *inode;
	struct memfs_dirent *de;
	int err;

	if (name && is_dot_or_dotdot(name))
		return -EISDIR;
	err = find_victim(fs, parent, name, &dir, &de);
	if (err)
		return err;
	inode = memfs_iget(fs, de->ino);
	if (memfs_is_dir(inode))
		return -EISDIR;
	memfs_dir_remove(dir, de);
	memfs_drop_name(fs, inode);
	memfs_touch(fs, dir, true);
	inode->attr.nlink = 0;
	memfs_touch(fs, inode, false);
	memfs_maybe_free(fs, inode);
	return 0;
}

int memfs_rmdir(struct memfs *fs, u64 parent, const char *name)
{
	struct memfs_inode *dir, *inode;
	struct memfs_dirent *de;
	int err;

	if (name && !strcmp(name, "."))
		return -EINVAL;
	if (name && !strcmp(name, ".."))
		return -ENOTEMPTY;
	err = find_victim(fs, parent, name, &dir, &de);
	if (err)
		return err;
	inode = memfs_iget(fs, de->ino);
	if (!memfs_is_dir(inode))
		return -ENOTDIR;
	if (inode->nents)
		return -ENOTEMPTY;
	memfs_dir_remove(dir, de);
	memfs_drop_name(fs, inode);
	memfs_touch(fs, dir, true);
	dir->attr.nlink--;
	inode->attr.nlink = 0;
	memfs_touch(fs, inode, false);
	memfs_maybe_free(fs, inode);
	return 0;
}

int memfs_ref(struct memfs *fs, u64 ino)
{
	struct memfs_inode *inode = memfs_iget(fs, ino);

	if (!inode)
		return -ESTALE;
	if (inode->nlookup >= MEMFS_NLOOKUP_MAX)
		return -EOVERFLOW;
	inode->nlookup++;
	return 0;
}

int memfs_forget(struct memfs *fs, u64 ino, u64 nlookup)
{
	struct memfs_inode *inode = memfs_iget(fs, ino);
	int ret = 0;

	if (!inode)
		return -ESTALE;
	if (nlookup > inode->nlookup) {
		nlookup = inode->nlookup;
		ret = -ERANGE;
	}
	inode->nlookup -= nlookup;
	memfs_maybe_free(fs, inode);
	return ret;
}

int memfs_pin(struct memfs *fs, u64 ino)
{
	struct memfs_inode *inode = memfs_iget(fs, ino);

	if (!inode)
		return -ESTALE;
	inode->npin++;
	return 0;
}

int memfs_unpin(struct memfs *fs, u64 ino)
{
	struct memfs_inode *inode = memfs_iget(fs, ino);

	if (!inode)
		return -ESTALE;
	if (!inode->npin)
		return -ERANGE;
	inode->npin--;
	memfs_maybe_free(fs, inode);
	return 0;
}
