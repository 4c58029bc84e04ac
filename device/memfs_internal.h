/* SPDX-License-Identifier: GPL-2.0-only */
/**
 * @file memfs_internal.h
 * @brief Private layout of struct memfs, shared by the memfs_*.c files only.
 * @ingroup device
 */
#ifndef VFSIM_DEVICE_MEMFS_INTERNAL_H
#define VFSIM_DEVICE_MEMFS_INTERNAL_H

/// @cond INTERNAL

#include "device/memfs.h"

/*
 * Everything is named by id, never by pointer: parents by nodeid, handles
 * by fh. Inodes and handles sit in arrays sorted by id (ids are handed out
 * in ascending order, so appending keeps them sorted), found by binary
 * search. That keeps iteration order obvious and pointer-free.
 */
struct memfs_dirent {
	u64 cookie;
	u64 ino;
	char *name;
	u32 hash; /* memfs_name_hash(name): lookups compare it first */
};

/* A name's hash (FNV-1a): a directory scan compares it before the text. */
static inline u32 memfs_name_hash(const char *name)
{
	u32 h = 2166136261u;

	while (*name)
		h = (h ^ (u8)*name++) * 16777619u;
	return h;
}

/*
 * A file data page. Pages are shared between trees copied from one another
 * (the destination of a migration starts from a copy of the host tree) and
 * copied when one of them writes: copying 4 KiB per file would make a state
 * load cost a page fault and a copy per file for data nobody changed.
 */
struct memfs_page {
	u64 refs;
	u8 data[MEMFS_PAGE_SIZE];
};

struct memfs_inode {
	u64 nodeid;
	u64 generation;
	u64 nlookup;
	u32 nopen;
	u32 npin;
	u64 parent; /* 0 when unlinked; the root is its own parent */
	/* NULL when unlinked and for the root; the parent's entry owns it */
	const char *name;
	struct memfs_attr attr;
	/* directories */
	struct memfs_dirent *ents;
	size_t nents, ents_cap;
	u64 next_cookie;
	/* regular files: page table, NULL slots are holes */
	struct memfs_page **pages;
	u64 npages;
	/* the table of a file of one page: most files, one malloc fewer */
	struct memfs_page *page0;
};

struct memfs_handle {
	u64 fh;
	u64 ino;
	u32 flags;
	bool isdir;
};

struct memfs {
	struct memfs_config cfg;
	struct memfs_inode **inodes;
	size_t ninodes, inodes_cap;
	struct memfs_handle *handles;
	size_t nhandles, handles_cap;
	u64 next_nodeid;
	u64 next_fh;
	u64 generation;
	struct memfs_time now;
	u64 data_pages;
	void (*free_hook)(void *arg, u64 ino);
	void *free_hook_arg;
};

static inline bool memfs_is_dir(const struct memfs_inode *inode)
{
	return (inode->attr.mode & 0170000) == 0040000;
}

void *memfs_xrealloc(void *p, size_t n, size_t size);
struct memfs_inode *memfs_iget(const struct memfs *fs, u64 nodeid);
size_t memfs_inode_slot(const struct memfs *fs, u64 nodeid);
void memfs_inode_insert(struct memfs *fs, struct memfs_inode *inode);
int memfs_check_name(const char *name);
struct memfs_dirent *memfs_dir_find(const struct memfs_inode *dir,
				    const char *name);
void memfs_dir_add(struct memfs_inode *dir, const char *name,
		   struct memfs_inode *child, u64 cookie);
void memfs_dir_remove(struct memfs_inode *dir, struct memfs_dirent *de);
void memfs_drop_name(struct memfs *fs, struct memfs_inode *inode);
void memfs_maybe_free(struct memfs *fs, struct memfs_inode *inode);
void memfs_touch(struct memfs *fs, struct memfs_inode *inode, bool mtime);
void memfs_truncate(struct memfs *fs, struct memfs_inode *inode, u64 size);
void memfs_free_pages(struct memfs *fs, struct memfs_inode *inode);
void memfs_resize_table(struct memfs_inode *inode, u64 want);
int memfs_page_slot(struct memfs *fs, struct memfs_inode *inode, u64 index,
		    bool zero, u8 **page);

/// @endcond

#endif /* VFSIM_DEVICE_MEMFS_INTERNAL_H */
