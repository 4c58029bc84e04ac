// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_memfs_migrate.c - memfs iteration, restore round trip, and that
 * memfs_check() really catches broken structures.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device/memfs_internal.h"
#include "tests/device/memfs_test_util.h"
#include "tests/harness.h"

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

static int dump_dirent(void *arg, const char *name, u64 ino, u64 cookie)
{
	put(arg, "  ent %s %llu %llu\n", name, (unsigned long long)ino,
	    (unsigned long long)cookie);
	return 0;
}

static int dump_page(void *arg, u64 index, const void *page)
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
		memfs_for_each_dirent(d->fs, i->nodeid, dump_dirent, d);
	else
		memfs_for_each_page(d->fs, i->nodeid, dump_page, d);
	return 0;
}

static int dump_handle(void *arg, const struct memfs_handle_info *h)
{
	put(arg, "fh %llu ino %llu flags %x dir %d\n",
	    (unsigned long long)h->fh, (unsigned long long)h->ino, h->flags,
	    h->isdir);
	return 0;
}

static char *dump(const struct memfs *fs)
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

static struct memfs *clone(const struct memfs *src)
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

static void test_round_trip(void)
{
	struct memfs *a = memfs_test_busy(), *b;
	char *da, *db;

	CHECK_FS(a);
	da = dump(a);
	b = clone(a);
	CHECK_FS(b);
	db = dump(b);
	CU_ASSERT_STRING_EQUAL(da, db);
	/* Both carry on identically. */
	u64 x1, x2, fh1, fh2;

	CU_ASSERT_EQUAL(memfs_create(a, 2, "after", 0600, 0, &x1), 0);
	CU_ASSERT_EQUAL(memfs_create(b, 2, "after", 0600, 0, &x2), 0);
	CU_ASSERT_EQUAL(x1, x2);
	CU_ASSERT_EQUAL(memfs_open(a, x1, O_RDWR, &fh1), 0);
	CU_ASSERT_EQUAL(memfs_open(b, x2, O_RDWR, &fh2), 0);
	CU_ASSERT_EQUAL(fh1, fh2);
	free(da);
	free(db);
	da = dump(a);
	db = dump(b);
	CU_ASSERT_STRING_EQUAL(da, db);
	CU_ASSERT_PTR_NOT_NULL(strstr(da, "name - "));
	CU_ASSERT_PTR_NULL(strstr(da, "name gone"));
	free(da);
	free(db);
	memfs_free(a);
	memfs_free(b);
}

static int stop_inode(void *arg, const struct memfs_inode_info *i)
{
	(void)i;
	(*(int *)arg)++;
	return 7;
}

static int stop_handle(void *arg, const struct memfs_handle_info *h)
{
	(void)h;
	(*(int *)arg)++;
	return 7;
}

static int stop_dirent(void *arg, const char *name, u64 ino, u64 cookie)
{
	(void)name;
	(void)ino;
	(void)cookie;
	(*(int *)arg)++;
	return 7;
}

static int stop_page(void *arg, u64 index, const void *page)
{
	(void)index;
	(void)page;
	(*(int *)arg)++;
	return 7;
}

static void test_iteration_stops(void)
{
	struct memfs *fs = memfs_test_busy();
	int n = 0;

	CU_ASSERT_EQUAL(memfs_for_each_inode(fs, stop_inode, &n), 7);
	CU_ASSERT_EQUAL(memfs_for_each_handle(fs, stop_handle, &n), 7);
	CU_ASSERT_EQUAL(memfs_for_each_dirent(fs, 1, stop_dirent, &n), 7);
	CU_ASSERT_EQUAL(memfs_for_each_page(fs, 4, stop_page, &n), 7);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_EQUAL(memfs_for_each_dirent(fs, 99, dump_dirent, NULL),
			-ESTALE);
	CU_ASSERT_EQUAL(memfs_for_each_dirent(fs, 4, dump_dirent, NULL),
			-ENOTDIR);
	CU_ASSERT_EQUAL(memfs_for_each_page(fs, 99, dump_page, NULL), -ESTALE);
	CU_ASSERT_EQUAL(memfs_for_each_page(fs, 1, dump_page, NULL), -EISDIR);
	memfs_free(fs);
}

static void test_restore_errors(void)
{
	struct memfs_config cfg = { .max_inodes = 2, .max_file_size = 8192 };
	struct memfs *fs = memfs_new(&cfg);
	struct memfs_inode_info i = { .nodeid = 5,
				      .generation = 1,
				      .next_cookie = 3,
				      .attr = { .ino = 5,
						.mode = S_IFREG | 0600,
						.nlink = 1,
						.size = 100 } };
	struct memfs_handle_info h = { .fh = 3, .ino = 5, .flags = O_RDWR };
	struct memfs_counters c;
	u8 page[MEMFS_PAGE_SIZE] = { 1 };
	u64 fh;

	/* malformed inodes */
	i.attr.ino = 6;
	CU_ASSERT_EQUAL(memfs_restore_inode(fs, &i), -EINVAL);
	i.attr.ino = 5;
	i.attr.mode = S_IFLNK | 0777;
	CU_ASSERT_EQUAL(memfs_restore_inode(fs, &i), -EINVAL);
	i.attr.mode = S_IFREG | 0600;
	i.next_cookie = 2;
	CU_ASSERT_EQUAL(memfs_restore_inode(fs, &i), -EINVAL);
	i.next_cookie = 3;
	i.attr.size = 9000;
	CU_ASSERT_EQUAL(memfs_restore_inode(fs, &i), -EINVAL);
	i.attr.size = 100;
	i.nodeid = 0;
	CU_ASSERT_EQUAL(memfs_restore_inode(fs, &i), -EINVAL);
	i.nodeid = 1;
	i.attr.ino = 1;
	CU_ASSERT_EQUAL(memfs_restore_inode(fs, &i), -EINVAL); /* root file */
	i.nodeid = 5;
	i.attr.ino = 5;
	CU_ASSERT_EQUAL(memfs_restore_inode(fs, &i), 0);
	CU_ASSERT_EQUAL(memfs_restore_inode(fs, &i), -EEXIST);
	i.nodeid = 6;
	i.attr.ino = 6;
	CU_ASSERT_EQUAL(memfs_restore_inode(fs, &i), -ENOSPC);

	/* dirents */
	CU_ASSERT_EQUAL(memfs_restore_dirent(fs, 1, "a/b", 5, 3), -EINVAL);
	CU_ASSERT_EQUAL(memfs_restore_dirent(fs, 9, "a", 5, 3), -ESTALE);
	CU_ASSERT_EQUAL(memfs_restore_dirent(fs, 1, "a", 9, 3), -ESTALE);
	CU_ASSERT_EQUAL(memfs_restore_dirent(fs, 5, "a", 5, 3), -ENOTDIR);
	CU_ASSERT_EQUAL(memfs_restore_dirent(fs, 1, "..", 5, 3), -EINVAL);
	CU_ASSERT_EQUAL(memfs_restore_dirent(fs, 1, "a", 1, 3), -EINVAL);
	CU_ASSERT_EQUAL(memfs_restore_dirent(fs, 1, "a", 5, 2), -EINVAL);
	CU_ASSERT_EQUAL(memfs_restore_dirent(fs, 1, "a", 5, 3), -EINVAL);
	i.nodeid = 1;
	i.attr = (struct memfs_attr){
		.ino = 1, .mode = S_IFDIR | 0755, .nlink = 2, .size = 1
	};
	i.next_cookie = 10;
	CU_ASSERT_EQUAL(memfs_restore_inode(fs, &i), 0);
	CU_ASSERT_EQUAL(memfs_restore_dirent(fs, 1, "a", 5, 5), 0);
	CU_ASSERT_EQUAL(memfs_restore_dirent(fs, 1, "b", 5, 4), -EINVAL);
	CU_ASSERT_EQUAL(memfs_restore_dirent(fs, 1, "b", 5, 6), -EEXIST);
	CHECK_FS(fs);

	/* pages */
	CU_ASSERT_EQUAL(memfs_restore_page(fs, 9, 0, page), -ESTALE);
	CU_ASSERT_EQUAL(memfs_restore_page(fs, 1, 0, page), -EISDIR);
	CU_ASSERT_EQUAL(memfs_restore_page(fs, 5, 1, page), -EINVAL);
	CU_ASSERT_EQUAL(memfs_restore_page(fs, 5, 0, page), 0);

	/* handles */
	h.ino = 9;
	CU_ASSERT_EQUAL(memfs_restore_handle(fs, &h), -ESTALE);
	h.ino = 5;
	h.fh = 0;
	CU_ASSERT_EQUAL(memfs_restore_handle(fs, &h), -EINVAL);
	h.fh = 3;
	h.isdir = true;
	CU_ASSERT_EQUAL(memfs_restore_handle(fs, &h), -ENOTDIR);
	h.isdir = false;
	CU_ASSERT_EQUAL(memfs_restore_handle(fs, &h), 0);
	CU_ASSERT_EQUAL(memfs_restore_handle(fs, &h), -EINVAL);
	h.fh = 4;
	h.ino = 1;
	h.isdir = true;
	CU_ASSERT_EQUAL(memfs_restore_handle(fs, &h), 0);
	CU_ASSERT_EQUAL(memfs_open(fs, 5, O_RDONLY, &fh), 0);
	CU_ASSERT_EQUAL(fh, 5);

	/* counters */
	memfs_get_counters(fs, &c);
	CU_ASSERT_EQUAL(c.next_nodeid, 6);
	c.next_nodeid = 5;
	CU_ASSERT_EQUAL(memfs_set_counters(fs, &c), -EINVAL);
	c.next_nodeid = 6;
	c.next_fh = 5;
	CU_ASSERT_EQUAL(memfs_set_counters(fs, &c), -EINVAL);
	c.next_fh = 6;
	c.now.nsec = 1000000000u;
	CU_ASSERT_EQUAL(memfs_set_counters(fs, &c), -EINVAL);
	c.now.nsec = 0;
	CU_ASSERT_EQUAL(memfs_set_counters(fs, &c), 0);
	CHECK_FS(fs);
	memfs_free(fs);
}

/* ---- shared pages: copy on write, table sizes ------------------------ */

static void set_size(struct memfs *fs, u64 ino, u64 size)
{
	struct memfs_setattr sa = { .valid = MEMFS_SET_SIZE, .size = size };

	CU_ASSERT_EQUAL(memfs_setattr(fs, ino, &sa, NULL), 0);
}

/* Byte @off of file @ino, or -1 past EOF. */
static int byte_at(struct memfs *fs, u64 ino, u64 off)
{
	u8 b;

	return memfs_read(fs, ino, off, &b, 1) == 1 ? b : -1;
}

static u64 pages_of(const struct memfs *fs)
{
	struct memfs_stats st;

	memfs_get_stats(fs, &st);
	return st.data_pages;
}

/* ---- memfs_copy_dirents ----------------------------------------------- */

#define COPY_SHIFT 100

/* one nodeid mapped elsewhere (from 0: none) */
struct remap {
	u64 from, to;
};

static u64 shifted(void *arg, u64 ino)
{
	const struct remap *r = arg;

	if (r && r->from && ino == r->from)
		return r->to;
	return ino == MEMFS_ROOT_ID ? ino : ino + COPY_SHIFT;
}

/* every inode of the source, unlinked, under shifted() nodeids */
static int copy_shifted(void *arg, const struct memfs_inode_info *in)
{
	struct memfs_inode_info i = *in;

	i.nodeid = i.attr.ino = shifted(NULL, in->nodeid);
	return memfs_restore_inode(arg, &i);
}

static void test_copy_dirents(void)
{
	struct memfs *src = memfs_new(NULL), *dst = memfs_new(NULL);
	struct remap none = { 0 }, r;
	u64 a, b, c, x, ino;

	CU_ASSERT_EQUAL(memfs_create(src, 1, "a", 0600, 0, &a), 0);
	CU_ASSERT_EQUAL(memfs_mkdir(src, 1, "b", 0700, &b), 0);
	CU_ASSERT_EQUAL(memfs_create(src, 1, "c", 0600, 0, &c), 0);
	CU_ASSERT_EQUAL(memfs_create(src, b, "x", 0600, 0, &x), 0);
	CU_ASSERT_EQUAL(memfs_for_each_inode(src, copy_shifted, dst), 0);

	/* missing or wrong directories */
	CU_ASSERT_EQUAL(memfs_copy_dirents(dst, 99, src, 1, shifted, &none),
			-ESTALE);
	CU_ASSERT_EQUAL(memfs_copy_dirents(dst, 1, src, 99, shifted, &none),
			-ESTALE);
	CU_ASSERT_EQUAL(memfs_copy_dirents(dst, a + COPY_SHIFT, src, 1, shifted,
					   &none),
			-ENOTDIR);
	CU_ASSERT_EQUAL(memfs_copy_dirents(dst, 1, src, a, shifted, &none),
			-ENOTDIR);
	/* a child mapped to the root, or to nothing: nothing linked */
	r = (struct remap){ c, MEMFS_ROOT_ID };
	CU_ASSERT_EQUAL(memfs_copy_dirents(dst, 1, src, 1, shifted, &r),
			-EINVAL);
	r = (struct remap){ c, 999 };
	CU_ASSERT_EQUAL(memfs_copy_dirents(dst, 1, src, 1, shifted, &r),
			-ESTALE);
	CU_ASSERT_EQUAL(memfs_lookup(dst, 1, "a", &ino), -ENOENT);

	/* the subdirectory first, then the root; an empty one is no error */
	CU_ASSERT_EQUAL(memfs_copy_dirents(dst, b + COPY_SHIFT, src, b, shifted,
					   &none),
			0);
	CU_ASSERT_EQUAL(memfs_copy_dirents(dst, x + COPY_SHIFT, src, x, shifted,
					   &none),
			-ENOTDIR);
	CU_ASSERT_EQUAL(memfs_lookup(dst, b + COPY_SHIFT, "x", &ino), 0);
	CU_ASSERT_EQUAL(ino, x + COPY_SHIFT);
	/* a child linked already */
	CU_ASSERT_EQUAL(memfs_copy_dirents(dst, b + COPY_SHIFT, src, b, shifted,
					   &none),
			-EINVAL);
	memfs_free(src);
	memfs_free(dst);

	/* cookies at or above the destination's next one */
	src = memfs_new(NULL);
	dst = memfs_new(NULL);
	CU_ASSERT_EQUAL(memfs_create(src, 1, "a", 0600, 0, &a), 0);
	CU_ASSERT_EQUAL(memfs_mkdir(src, 1, "b", 0700, &b), 0);
	CU_ASSERT_EQUAL(memfs_for_each_inode(src, copy_shifted, dst), 0);
	CU_ASSERT_EQUAL(memfs_copy_dirents(dst, 1, src, 1, shifted, &none), 0);
	CU_ASSERT_EQUAL(memfs_lookup(dst, 1, "a", &ino), 0);
	CU_ASSERT_EQUAL(ino, a + COPY_SHIFT);
	CU_ASSERT_EQUAL(memfs_lookup(dst, 1, "b", &ino), 0);
	CU_ASSERT_EQUAL(ino, b + COPY_SHIFT);
	CHECK_FS(dst);
	{
		struct memfs_inode *bd = memfs_iget(dst, b + COPY_SHIFT);

		CU_ASSERT_EQUAL(memfs_create(src, b, "y", 0600, 0, &ino), 0);
		CU_ASSERT_EQUAL(
			memfs_restore_inode(
				dst,
				&(struct memfs_inode_info){
					.nodeid = ino + COPY_SHIFT,
					.next_cookie = MEMFS_COOKIE_FIRST,
					.attr = { .ino = ino + COPY_SHIFT,
						  .mode = S_IFREG | 0600,
						  .nlink = 1 } }),
			0);
		bd->next_cookie = MEMFS_COOKIE_FIRST;
		CU_ASSERT_EQUAL(memfs_copy_dirents(dst, b + COPY_SHIFT, src, b,
						   shifted, &none),
				-EINVAL);
		CU_ASSERT_EQUAL(bd->nents, 0);
	}
	memfs_free(src);
	memfs_free(dst);
}

static void test_share_pages(void)
{
	struct memfs *a = memfs_new(NULL), *b = memfs_new(NULL);
	static u8 buf[3 * MEMFS_PAGE_SIZE];
	struct memfs_attr at;
	u64 fa, fb, d;

	memset(buf, 'A', MEMFS_PAGE_SIZE);
	memset(buf + 2 * MEMFS_PAGE_SIZE, 'C', MEMFS_PAGE_SIZE);
	CU_ASSERT_EQUAL(memfs_create(a, 1, "f", 0644, 0, &fa), 0);
	/* pages 0 and 2; page 1 stays a hole */
	CU_ASSERT_EQUAL(memfs_write(a, fa, 0, buf, MEMFS_PAGE_SIZE),
			MEMFS_PAGE_SIZE);
	CU_ASSERT_EQUAL(memfs_write(a, fa, 2 * MEMFS_PAGE_SIZE,
				    buf + 2 * MEMFS_PAGE_SIZE, MEMFS_PAGE_SIZE),
			MEMFS_PAGE_SIZE);
	CU_ASSERT_EQUAL(memfs_create(b, 1, "f", 0644, 0, &fb), 0);
	CU_ASSERT_EQUAL(memfs_mkdir(b, 1, "d", 0755, &d), 0);

	/* refused: nothing taken */
	CU_ASSERT_EQUAL(memfs_share_pages(b, fb, a, fa), -EINVAL); /* sizes */
	set_size(b, fb, 3 * MEMFS_PAGE_SIZE);
	CU_ASSERT_EQUAL(memfs_share_pages(b, 99, a, fa), -ESTALE);
	CU_ASSERT_EQUAL(memfs_share_pages(b, fb, a, 99), -ESTALE);
	CU_ASSERT_EQUAL(memfs_share_pages(b, d, a, fa), -EISDIR);
	CU_ASSERT_EQUAL(memfs_share_pages(b, fb, a, 1), -EISDIR);
	CU_ASSERT_EQUAL(memfs_share_pages(a, fa, a, fa), -EINVAL);
	CU_ASSERT_EQUAL(memfs_write(b, fb, 2 * MEMFS_PAGE_SIZE, "x", 1), 1);
	CU_ASSERT_EQUAL(memfs_share_pages(b, fb, a, fa), -EEXIST);
	CU_ASSERT_EQUAL(pages_of(b), 1);
	set_size(b, fb, 0);
	set_size(b, fb, 3 * MEMFS_PAGE_SIZE);

	CU_ASSERT_EQUAL(memfs_share_pages(b, fb, a, fa), 0);
	CU_ASSERT_EQUAL(pages_of(a), 2);
	CU_ASSERT_EQUAL(pages_of(b), 2);
	CU_ASSERT_EQUAL(memfs_getattr(b, fb, &at), 0);
	CU_ASSERT_EQUAL(at.blocks, 2 * MEMFS_PAGE_SIZE / 512);
	CU_ASSERT_EQUAL(byte_at(b, fb, 10), 'A');
	CU_ASSERT_EQUAL(byte_at(b, fb, MEMFS_PAGE_SIZE + 10), 0);
	CU_ASSERT_EQUAL(byte_at(b, fb, 2 * MEMFS_PAGE_SIZE + 10), 'C');
	CHECK_FS(a);
	CHECK_FS(b);

	/* a write on one side is not seen on the other, either way */
	CU_ASSERT_EQUAL(memfs_write(b, fb, 10, "b", 1), 1);
	CU_ASSERT_EQUAL(byte_at(b, fb, 10), 'b');
	CU_ASSERT_EQUAL(byte_at(a, fa, 10), 'A');
	CU_ASSERT_EQUAL(memfs_write(a, fa, 2 * MEMFS_PAGE_SIZE + 10, "a", 1),
			1);
	CU_ASSERT_EQUAL(byte_at(a, fa, 2 * MEMFS_PAGE_SIZE + 10), 'a');
	CU_ASSERT_EQUAL(byte_at(b, fb, 2 * MEMFS_PAGE_SIZE + 10), 'C');
	/* nor is the zeroed tail of a truncation */
	memfs_share_pages(b, fb, a, fa); /* -EEXIST: pages are private now */
	set_size(a, fa, 2 * MEMFS_PAGE_SIZE + 5);
	CU_ASSERT_EQUAL(byte_at(a, fa, 2 * MEMFS_PAGE_SIZE + 4), 'C');
	set_size(a, fa, 3 * MEMFS_PAGE_SIZE);
	CU_ASSERT_EQUAL(byte_at(a, fa, 2 * MEMFS_PAGE_SIZE + 10), 0);
	CU_ASSERT_EQUAL(byte_at(b, fb, 2 * MEMFS_PAGE_SIZE + 10), 'C');
	CHECK_FS(a);
	CHECK_FS(b);

	/* a page still shared outlives the tree it came from */
	CU_ASSERT_EQUAL(memfs_write(a, fa, 2 * MEMFS_PAGE_SIZE,
				    buf + 2 * MEMFS_PAGE_SIZE, MEMFS_PAGE_SIZE),
			MEMFS_PAGE_SIZE);
	set_size(b, fb, 0);
	set_size(b, fb, 3 * MEMFS_PAGE_SIZE);
	CU_ASSERT_EQUAL(memfs_share_pages(b, fb, a, fa), 0);
	set_size(b, fb, 2 * MEMFS_PAGE_SIZE + 20); /* a shared last page */
	CU_ASSERT_EQUAL(byte_at(a, fa, 2 * MEMFS_PAGE_SIZE + 30), 'C');
	memfs_free(a);
	CU_ASSERT_EQUAL(byte_at(b, fb, 10), 'A');
	CU_ASSERT_EQUAL(byte_at(b, fb, 2 * MEMFS_PAGE_SIZE + 4), 'C');
	CU_ASSERT_EQUAL(byte_at(b, fb, 2 * MEMFS_PAGE_SIZE + 19), 'C');
	CU_ASSERT_EQUAL(byte_at(b, fb, 2 * MEMFS_PAGE_SIZE + 20), -1);
	CHECK_FS(b);
	memfs_free(b);
}

/* A one-page file's table lives in the inode: every size change keeps data. */
static void test_page_table_sizes(void)
{
	struct memfs *fs = memfs_new(NULL);
	u64 f;

	CU_ASSERT_EQUAL(memfs_create(fs, 1, "f", 0644, 0, &f), 0);
	CU_ASSERT_EQUAL(memfs_write(fs, f, 0, "1", 1), 1); /* 0 -> 1 page */
	CHECK_FS(fs);
	CU_ASSERT_EQUAL(memfs_write(fs, f, 2 * MEMFS_PAGE_SIZE, "3", 1), 1);
	CU_ASSERT_EQUAL(byte_at(fs, f, 0), '1'); /* 1 -> 3 */
	CU_ASSERT_EQUAL(byte_at(fs, f, 2 * MEMFS_PAGE_SIZE), '3');
	CU_ASSERT_EQUAL(pages_of(fs), 2);
	CHECK_FS(fs);
	set_size(fs, f, 10); /* 3 -> 1 */
	CU_ASSERT_EQUAL(byte_at(fs, f, 0), '1');
	CU_ASSERT_EQUAL(pages_of(fs), 1);
	CHECK_FS(fs);
	set_size(fs, f, 5 * MEMFS_PAGE_SIZE); /* 1 -> 5 */
	CU_ASSERT_EQUAL(byte_at(fs, f, 0), '1');
	CU_ASSERT_EQUAL(byte_at(fs, f, 2 * MEMFS_PAGE_SIZE), 0);
	CHECK_FS(fs);
	set_size(fs, f, 0); /* 5 -> 0 */
	CU_ASSERT_EQUAL(pages_of(fs), 0);
	CU_ASSERT_EQUAL(byte_at(fs, f, 0), -1);
	CHECK_FS(fs);
	CU_ASSERT_EQUAL(memfs_write(fs, f, 0, "x", 1), 1); /* 0 -> 1 again */
	CU_ASSERT_EQUAL(byte_at(fs, f, 0), 'x');
	CHECK_FS(fs);
	memfs_free(fs);
}

/* ---- random operations: invariants hold, clones match ---------------- */

static u64 lcg_state;

static u32 rnd(u32 n)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (u32)(lcg_state >> 33) % n;
}

static int forget_all(void *arg, const struct memfs_inode_info *i)
{
	u64 *list = arg;

	if (i->nlookup && list[0] < 255)
		list[++list[0]] = i->nodeid;
	return 0;
}

static int close_all(void *arg, const struct memfs_handle_info *h)
{
	u64 *list = arg;

	if (list[0] < 255)
		list[++list[0]] = h->fh | (h->isdir ? 1ULL << 63 : 0);
	return 0;
}

/* Remove everything below @dir (depth-first), by name. */
static void wipe(struct memfs *fs, u64 dir)
{
	struct memfs_inode *d = memfs_iget(fs, dir);

	while (d->nents) {
		char name[MEMFS_NAME_MAX + 1];
		u64 ino = d->ents[0].ino;

		strcpy(name, d->ents[0].name);
		if (S_ISDIR(memfs_iget(fs, ino)->attr.mode)) {
			wipe(fs, ino);
			CU_ASSERT_EQUAL(memfs_rmdir(fs, dir, name), 0);
		} else {
			CU_ASSERT_EQUAL(memfs_unlink(fs, dir, name), 0);
		}
	}
}

static void test_random_ops(void)
{
	struct memfs_config cfg = { .max_inodes = 40,
				    .max_file_size = 64 * 1024 };
	struct memfs *fs = memfs_new(&cfg);
	int rounds = vt_slow_build() ? 300 : 3000;
	u64 list[256];
	char buf[9000];

	lcg_state = 1234;
	memset(buf, 'r', sizeof(buf));
	for (int r = 0; r < rounds; r++) {
		/* ids 1..next: some live, some stale; fhs likewise */
		struct memfs_counters c;
		u64 ino, a, b, x;
		char n1[4] = { 'n', (char)('0' + rnd(6)), 0 };
		char n2[4] = { 'n', (char)('0' + rnd(6)), 0 };
		struct memfs_setattr sa = { .valid = MEMFS_SET_SIZE };

		memfs_get_counters(fs, &c);
		ino = 1 + rnd((u32)c.next_nodeid);
		a = 1 + rnd((u32)c.next_nodeid);
		b = 1 + rnd((u32)c.next_fh + 1);
		memfs_set_now(fs, (struct memfs_time){ r, 0 });
		switch (rnd(14)) {
		case 0:
			memfs_create(fs, a, n1, 0600, rnd(2) ? O_EXCL : 0, &x);
			break;
		case 1:
			memfs_mkdir(fs, a, n1, 0700, &x);
			break;
		case 2:
			memfs_unlink(fs, a, n1);
			break;
		case 3:
			memfs_rmdir(fs, a, n1);
			break;
		case 4:
			memfs_rename(fs, a, n1, ino, n2, rnd(3));
			break;
		case 5:
			memfs_write(fs, ino, rnd(20000), buf, rnd(9000));
			break;
		case 6:
			sa.size = rnd(30000);
			memfs_setattr(fs, ino, &sa, NULL);
			break;
		case 7:
			memfs_open(fs, ino, rnd(3) | (rnd(4) ? 0 : O_TRUNC),
				   &x);
			break;
		case 8:
			memfs_opendir(fs, ino, 0, &x);
			break;
		case 9:
			if (memfs_release(fs, b))
				memfs_releasedir(fs, b);
			break;
		case 10:
		case 11:
			if (!memfs_lookup(fs, a, n1, &x))
				memfs_ref(fs, x);
			break;
		case 12:
			memfs_forget(fs, ino, rnd(3));
			break;
		default:
			memfs_fh_write(fs, b, rnd(10000), buf, rnd(5000));
			break;
		}
		CHECK_FS(fs);
		if (r % 500 == 499) {
			struct memfs *cl = clone(fs);
			char *d1 = dump(fs), *d2 = dump(cl);

			CU_ASSERT_STRING_EQUAL(d1, d2);
			CHECK_FS(cl);
			free(d1);
			free(d2);
			memfs_free(cl);
		}
	}
	/* The guest goes away: names, handles, lookups all dropped. */
	wipe(fs, 1);
	list[0] = 0;
	memfs_for_each_handle(fs, close_all, list);
	for (u64 i = 1; i <= list[0]; i++) {
		int err =
			list[i] >> 63 ?
				memfs_releasedir(fs, list[i] & ~(1ULL << 63)) :
				memfs_release(fs, list[i]);

		CU_ASSERT_EQUAL(err, 0);
	}
	list[0] = 0;
	memfs_for_each_inode(fs, forget_all, list);
	for (u64 i = 1; i <= list[0]; i++)
		memfs_forget(fs, list[i], ~0ULL >> 1);
	{
		struct memfs_stats st;

		memfs_get_stats(fs, &st);
		CU_ASSERT_EQUAL(st.inodes, 1);
		CU_ASSERT_EQUAL(st.handles, 0);
		CU_ASSERT_EQUAL(st.data_pages, 0);
	}
	CHECK_FS(fs);
	memfs_free(fs);
}

VT_SUITE(device_memfs_migrate, NULL, NULL, VT_CASE(test_round_trip),
	 VT_CASE(test_iteration_stops), VT_CASE(test_restore_errors),
	 VT_CASE(test_copy_dirents), VT_CASE(test_share_pages),
	 VT_CASE(test_page_table_sizes), VT_CASE(test_random_ops));
