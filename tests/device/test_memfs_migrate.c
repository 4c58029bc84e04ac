// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_memfs_migrate.c - memfs iteration, restore round trip, restore's
 * refusals, and directory entries copied from one tree into another
 * (what a migration's state transfer does to memfs).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device/memfs_internal.h"
#include "tests/device/memfs_test_util.h"
#include "tests/harness.h"

static void test_round_trip(void)
{
	struct memfs *a = memfs_test_busy(), *b;
	char *da, *db;

	CHECK_FS(a);
	da = memfs_test_dump(a);
	b = memfs_test_clone(a);
	CHECK_FS(b);
	db = memfs_test_dump(b);
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
	da = memfs_test_dump(a);
	db = memfs_test_dump(b);
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
	CU_ASSERT_EQUAL(memfs_for_each_dirent(fs, 99, memfs_test_dump_dirent,
					      NULL),
			-ESTALE);
	CU_ASSERT_EQUAL(memfs_for_each_dirent(fs, 4, memfs_test_dump_dirent,
					      NULL),
			-ENOTDIR);
	CU_ASSERT_EQUAL(memfs_for_each_page(fs, 99, memfs_test_dump_page, NULL),
			-ESTALE);
	CU_ASSERT_EQUAL(memfs_for_each_page(fs, 1, memfs_test_dump_page, NULL),
			-EISDIR);
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

VT_SUITE(device_memfs_migrate, NULL, NULL, VT_CASE(test_round_trip),
	 VT_CASE(test_iteration_stops), VT_CASE(test_restore_errors),
	 VT_CASE(test_copy_dirents));
