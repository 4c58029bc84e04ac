// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_memfs_pages.c - memfs data pages: pages shared between two trees
 * (copy on write), and the page table as a file grows and shrinks.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/device/memfs_test_util.h"
#include "tests/harness.h"

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

VT_SUITE(device_memfs_pages, NULL, NULL, VT_CASE(test_share_pages),
	 VT_CASE(test_page_table_sizes));
