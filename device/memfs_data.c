// SPDX-License-Identifier: GPL-2.0-only
/*
 * memfs_data.c - regular file contents.
 *
 * A file is a page table: slot i holds bytes [i * 4096, (i + 1) * 4096) or
 * NULL for a hole, which reads as zeros. The table covers exactly the pages
 * below the file size, so a write far beyond EOF costs one page plus one
 * pointer per skipped page, and truncation frees whatever lies beyond.
 * Pages shared with another tree (memfs_share_pages()) are copied before
 * the first change.
 */
#include "device/memfs_internal.h"
#include "sim/trace/host.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

static u64 pages_for(u64 size)
{
	return (size + MEMFS_PAGE_SIZE - 1) / MEMFS_PAGE_SIZE;
}

static void update_blocks(struct memfs_inode *inode, s64 delta_pages)
{
	inode->attr.blocks += delta_pages * (MEMFS_PAGE_SIZE / 512);
}

static void page_put(struct memfs_page *page)
{
	if (!--page->refs)
		host_free(page);
}

void memfs_free_pages(struct memfs *fs, struct memfs_inode *inode)
{
	for (u64 i = 0; i < inode->npages; i++) {
		if (inode->pages[i]) {
			page_put(inode->pages[i]);
			fs->data_pages--;
		}
	}
	memfs_resize_table(inode, 0);
}

/* Give the table @want slots (new ones holes); pages past it are gone. */
void memfs_resize_table(struct memfs_inode *inode, u64 want)
{
	struct memfs_page **t = inode->pages;
	bool was_inline = t == &inode->page0;
	u64 keep = want < inode->npages ? want : inode->npages;

	if (want == inode->npages)
		return;
	if (want <= 1) {
		inode->page0 = keep ? t[0] : NULL;
		if (!was_inline)
			host_free(t);
		inode->pages = want ? &inode->page0 : NULL;
	} else {
		t = memfs_xrealloc(was_inline ? NULL : t, want, sizeof(*t));
		if (was_inline)
			t[0] = inode->page0;
		for (u64 i = keep; i < want; i++)
			t[i] = NULL;
		inode->pages = t;
	}
	inode->npages = want;
}

/* Resize the page table to cover @size bytes; zero the tail past it. */
void memfs_truncate(struct memfs *fs, struct memfs_inode *inode, u64 size)
{
	u64 want = pages_for(size);

	/* Callers check the size limit before changing anything. */
	assert(size <= fs->cfg.max_file_size);
	for (u64 i = want; i < inode->npages; i++) {
		if (inode->pages[i]) {
			page_put(inode->pages[i]);
			fs->data_pages--;
			update_blocks(inode, -1);
		}
	}
	memfs_resize_table(inode, want);
	/* Bytes past the new EOF in its last page must read as zero later. */
	if (size % MEMFS_PAGE_SIZE && size < inode->attr.size &&
	    inode->pages[want - 1]) {
		u8 *last;

		memfs_page_slot(fs, inode, want - 1, false, &last);
		memset(last + size % MEMFS_PAGE_SIZE, 0,
		       MEMFS_PAGE_SIZE - size % MEMFS_PAGE_SIZE);
	}
	inode->attr.size = size;
}

/*
 * The page at @index to write to: allocated if it was a hole (the table
 * covers it), copied first if another tree shares it.
 */
int memfs_page_slot(struct memfs *fs, struct memfs_inode *inode, u64 index,
		    bool zero, u8 **page)
{
	struct memfs_page *p = inode->pages[index];

	assert(index < inode->npages);
	if (!p || p->refs > 1) {
		/* a page about to be written whole need not be cleared */
		struct memfs_page *np = zero && !p ?
						host_calloc(1, sizeof(*np)) :
						host_malloc(sizeof(*np));

		np->refs = 1;
		if (p) {
			memcpy(np->data, p->data, MEMFS_PAGE_SIZE);
			page_put(p);
		} else {
			fs->data_pages++;
			update_blocks(inode, 1);
		}
		inode->pages[index] = p = np;
	}
	*page = p->data;
	return 0;
}

/* A regular file @ino, or NULL with *err set. */
static struct memfs_inode *get_file(struct memfs *fs, u64 ino, int *err)
{
	struct memfs_inode *inode = memfs_iget(fs, ino);

	if (!inode) {
		*err = -ESTALE;
		return NULL;
	}
	if (memfs_is_dir(inode)) {
		*err = -EISDIR;
		return NULL;
	}
	return inode;
}

s64 memfs_read(struct memfs *fs, u64 ino, u64 off, void *buf, size_t size)
{
	struct memfs_inode *inode;
	u8 *out = buf;
	u64 done = 0;
	int err;

	inode = get_file(fs, ino, &err);
	if (!inode)
		return err;
	if (off > INT64_MAX)
		return -EINVAL;
	if (off >= inode->attr.size)
		return 0;
	if (size > inode->attr.size - off)
		size = inode->attr.size - off;
	while (done < size) {
		u64 pos = off + done;
		u64 in_page = pos % MEMFS_PAGE_SIZE;
		u64 n = MEMFS_PAGE_SIZE - in_page;
		const struct memfs_page *page =
			inode->pages[pos / MEMFS_PAGE_SIZE];

		if (n > size - done)
			n = size - done;
		if (page)
			memcpy(out + done, page->data + in_page, n);
		else
			memset(out + done, 0, n);
		done += n;
	}
	return (s64)done;
}

s64 memfs_write(struct memfs *fs, u64 ino, u64 off, const void *data,
		size_t size)
{
	struct memfs_inode *inode;
	const u8 *in = data;
	u64 done = 0;
	int err;

	inode = get_file(fs, ino, &err);
	if (!inode)
		return err;
	if (off > INT64_MAX)
		return -EINVAL;
	if (size > fs->cfg.max_file_size || off > fs->cfg.max_file_size - size)
		return -EFBIG;
	if (!size)
		return 0;
	if (off + size > inode->attr.size)
		memfs_truncate(fs, inode, off + size);
	while (done < size) {
		u64 pos = off + done;
		u64 in_page = pos % MEMFS_PAGE_SIZE;
		u64 n = MEMFS_PAGE_SIZE - in_page;
		u8 *page;

		if (n > size - done)
			n = size - done;
		memfs_page_slot(fs, inode, pos / MEMFS_PAGE_SIZE, true, &page);
		memcpy(page + in_page, in + done, n);
		done += n;
	}
	memfs_touch(fs, inode, true);
	return (s64)done;
}
