// SPDX-License-Identifier: GPL-2.0-only
/*
 * memfs_test_util.c - what the memfs suites share: the busy file system
 * they start from, a text dump of everything memfs enumerates, and a
 * copy of one file system into another through the restore calls.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/device/memfs_test_util.h"

struct memfs *memfs_test_busy(void)
{
	struct memfs_config cfg = { .generation = 4 };
	struct memfs *fs = memfs_new(&cfg);
	struct memfs_setattr sa = { .valid = MEMFS_SET_UID | MEMFS_SET_MODE,
				    .uid = 42,
				    .mode = 0611 };
	u64 d, e, f, g, h, fh;

	memfs_set_now(fs, (struct memfs_time){ 1000, 5 });
	memfs_mkdir(fs, 1, "dir", 0700, &d);
	memfs_mkdir(fs, d, "deeper", 0700, &e);
	memfs_create(fs, e, "file", 0644, 0, &f);
	memfs_write(fs, f, 3, "abc", 3);
	memfs_write(fs, f, 3 * MEMFS_PAGE_SIZE + 7, "sparse", 6);
	memfs_create(fs, 1, "gone", 0600, 0, &g);
	memfs_write(fs, g, 0, "ghost", 5);
	memfs_open(fs, g, O_RDWR | O_APPEND, &fh);
	memfs_unlink(fs, 1, "gone"); /* unlinked but open */
	memfs_create(fs, d, "looked", 0600, 0, &h);
	memfs_ref(fs, h);
	memfs_ref(fs, h);
	memfs_ref(fs, d);
	memfs_pin(fs, f);
	memfs_set_now(fs, (struct memfs_time){ 2000, 9 });
	memfs_setattr(fs, h, &sa, NULL);
	memfs_create(fs, d, "tmp", 0600, 0, &g);
	memfs_unlink(fs, d, "tmp"); /* leaves a cookie gap */
	memfs_create(fs, d, "keep", 0600, 0, &g);
	memfs_rename(fs, d, "looked", 1, "moved", 0);
	memfs_opendir(fs, e, O_RDONLY, &fh);
	memfs_open(fs, f, O_RDONLY, &fh);
	memfs_release(fs, fh);			/* leaves an fh gap */
	memfs_open(fs, g + 100, O_RDONLY, &fh); /* fails, harmless */
	memfs_open(fs, h, O_WRONLY, &fh);
	return fs;
}

/* ---- a text dump of everything memfs enumerates ---------------------- */

struct dump {
	char *buf;
	size_t len, cap;
	const struct memfs *fs;
};

static void put(struct dump *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct dump *d, const char *fmt, ...)
{
	va_list ap;
	char line[512];
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (d->len + (size_t)n + 1 > d->cap) {
		d->cap = 2 * (d->len + (size_t)n + 1);
		d->buf = realloc(d->buf, d->cap);
	}
	memcpy(d->buf + d->len, line, (size_t)n + 1);
	d->len += (size_t)n;
}

int memfs_test_dump_dirent(void *arg, const char *name, u64 ino, u64 cookie)
{
	put(arg, "  ent %s %llu %llu\n", name, (unsigned long long)ino,
	    (unsigned long long)cookie);
	return 0;
}

int memfs_test_dump_page(void *arg, u64 index, const void *page)
{
	u64 sum = 0;

	for (u32 i = 0; i < MEMFS_PAGE_SIZE; i++)
		sum = sum * 31 + ((const u8 *)page)[i];
	put(arg, "  page %llu %llx\n", (unsigned long long)index,
	    (unsigned long long)sum);
	return 0;
}

static int dump_inode(void *arg, const struct memfs_inode_info *i)
{
	struct dump *d = arg;
	const struct memfs_attr *a = &i->attr;

	put(d,
	    "ino %llu gen %llu nl %llu open %u pin %u par %llu name %s "
	    "cookie %llu mode %o nlink %u uid %u gid %u size %llu blocks %llu "
	    "t %lld.%u %lld.%u %lld.%u\n",
	    (unsigned long long)i->nodeid, (unsigned long long)i->generation,
	    (unsigned long long)i->nlookup, i->nopen, i->npin,
	    (unsigned long long)i->parent, i->name ? i->name : "-",
	    (unsigned long long)i->next_cookie, a->mode, a->nlink, a->uid,
	    a->gid, (unsigned long long)a->size, (unsigned long long)a->blocks,
	    (long long)a->atime.sec, a->atime.nsec, (long long)a->mtime.sec,
	    a->mtime.nsec, (long long)a->ctime.sec, a->ctime.nsec);
	if (S_ISDIR(a->mode))
		memfs_for_each_dirent(d->fs, i->nodeid, memfs_test_dump_dirent,
				      d);
	else
		memfs_for_each_page(d->fs, i->nodeid, memfs_test_dump_page, d);
	return 0;
}

static int dump_handle(void *arg, const struct memfs_handle_info *h)
{
	put(arg, "fh %llu ino %llu flags %x dir %d\n",
	    (unsigned long long)h->fh, (unsigned long long)h->ino, h->flags,
	    h->isdir);
	return 0;
}

char *memfs_test_dump(const struct memfs *fs)
{
	struct dump d = { .fs = fs };
	struct memfs_counters c;
	struct memfs_stats st;

	memfs_for_each_inode(fs, dump_inode, &d);
	memfs_for_each_handle(fs, dump_handle, &d);
	memfs_get_counters(fs, &c);
	memfs_get_stats(fs, &st);
	put(&d, "next %llu %llu gen %llu now %lld.%u\n",
	    (unsigned long long)c.next_nodeid, (unsigned long long)c.next_fh,
	    (unsigned long long)c.generation, (long long)c.now.sec, c.now.nsec);
	put(&d, "stats %llu %llu %llu %llu\n", (unsigned long long)st.inodes,
	    (unsigned long long)st.handles, (unsigned long long)st.file_bytes,
	    (unsigned long long)st.data_pages);
	return d.buf;
}

/* ---- copying one file system into another ---------------------------- */

struct copy {
	const struct memfs *src;
	struct memfs *dst;
};

struct page_copy {
	struct memfs *dst;
	u64 ino;
};

static int put_page(void *arg, u64 index, const void *page)
{
	struct page_copy *p = arg;

	return memfs_restore_page(p->dst, p->ino, index, page);
}

static int copy_inode(void *arg, const struct memfs_inode_info *i)
{
	struct copy *c = arg;
	struct page_copy pc = { c->dst, i->nodeid };
	int err = memfs_restore_inode(c->dst, i);

	if (!err && S_ISREG(i->attr.mode))
		err = memfs_for_each_page(c->src, i->nodeid, put_page, &pc);
	return err;
}

struct dirent_copy {
	struct memfs *dst;
	u64 dir;
};

static int copy_dirent(void *arg, const char *name, u64 ino, u64 cookie)
{
	struct dirent_copy *dc = arg;

	return memfs_restore_dirent(dc->dst, dc->dir, name, ino, cookie);
}

static int link_inode(void *arg, const struct memfs_inode_info *i)
{
	struct copy *c = arg;
	struct dirent_copy dc = { c->dst, i->nodeid };

	if (!S_ISDIR(i->attr.mode))
		return 0;
	return memfs_for_each_dirent(c->src, i->nodeid, copy_dirent, &dc);
}

static int copy_handle(void *arg, const struct memfs_handle_info *h)
{
	return memfs_restore_handle(arg, h);
}

struct memfs *memfs_test_clone(const struct memfs *src)
{
	struct memfs *dst = memfs_new(NULL);
	struct copy c = { src, dst };
	struct memfs_counters ctr;

	CU_ASSERT_EQUAL(memfs_for_each_inode(src, copy_inode, &c), 0);
	CU_ASSERT_EQUAL(memfs_for_each_inode(src, link_inode, &c), 0);
	CU_ASSERT_EQUAL(memfs_for_each_handle(src, copy_handle, dst), 0);
	memfs_get_counters(src, &ctr);
	CU_ASSERT_EQUAL(memfs_set_counters(dst, &ctr), 0);
	return dst;
}
