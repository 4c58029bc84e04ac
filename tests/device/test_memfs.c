// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_memfs.c - memfs namespace, attributes and file data.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device/memfs.h"
#include "tests/device/memfs_test_util.h"
#include "tests/harness.h"

static struct memfs_time T(s64 sec) {
	return (struct memfs_time){ sec, 7 };
}

static void
test_new_root(void)
{
	struct memfs *fs = memfs_new(NULL);
	struct memfs_attr a;
	struct memfs_stats st;
	u64 ino = 0;

	CU_ASSERT_EQUAL(memfs_getattr(fs, MEMFS_ROOT_ID, &a), 0);
	CU_ASSERT_EQUAL(a.ino, 1);
	CU_ASSERT_EQUAL(a.mode, S_IFDIR | 0755);
	CU_ASSERT_EQUAL(a.nlink, 2);
	CU_ASSERT_EQUAL(a.blksize, 4096);
	CU_ASSERT_EQUAL(memfs_lookup(fs, 1, ".", &ino), 0);
	CU_ASSERT_EQUAL(ino, 1);
	CU_ASSERT_EQUAL(memfs_lookup(fs, 1, "..", &ino), 0);
	CU_ASSERT_EQUAL(ino, 1);
	memfs_get_stats(fs, &st);
	CU_ASSERT_EQUAL(st.inodes, 1);
	CU_ASSERT_EQUAL(st.handles, 0);
	CHECK_FS(fs);
	memfs_free(fs);
	memfs_free(NULL);
}

static void test_config(void)
{
	struct memfs_config cfg = { .max_inodes = 3,
				    .max_file_size = 10000,
				    .blksize = 512,
				    .root_mode = 0700,
				    .uid = 5,
				    .gid = 6,
				    .generation = 9 };
	struct memfs *fs = memfs_new(&cfg);
	struct memfs_attr a;
	u64 a1, a2, a3;

	memfs_getattr(fs, 1, &a);
	CU_ASSERT_EQUAL(a.mode, S_IFDIR | 0700);
	CU_ASSERT_EQUAL(a.uid, 5);
	CU_ASSERT_EQUAL(a.gid, 6);
	CU_ASSERT_EQUAL(a.blksize, 512);
	CU_ASSERT_EQUAL(memfs_create(fs, 1, "a", 0644, 0, &a1), 0);
	CU_ASSERT_EQUAL(memfs_mkdir(fs, 1, "d", 0755, &a2), 0);
	CU_ASSERT_EQUAL(memfs_create(fs, 1, "b", 0644, 0, &a3), -ENOSPC);
	CU_ASSERT_EQUAL(memfs_mkdir(fs, 1, "e", 0755, &a3), -ENOSPC);
	memfs_getattr(fs, a1, &a);
	CU_ASSERT_EQUAL(a.uid, 5);
	CU_ASSERT_EQUAL(memfs_write(fs, a1, 9999, "x", 1), 1);
	CU_ASSERT_EQUAL(memfs_write(fs, a1, 10000, "x", 1), -EFBIG);
	CU_ASSERT_EQUAL(memfs_write(fs, a1, 0, NULL, 10001), -EFBIG);
	CU_ASSERT_EQUAL(memfs_unlink(fs, 1, "a"), 0);
	CU_ASSERT_EQUAL(memfs_create(fs, 1, "b", 0644, 0, &a3), 0);
	CU_ASSERT_EQUAL(a3, 4); /* nodeids are never reused */
	CHECK_FS(fs);
	memfs_free(fs);
}

static void test_create_lookup(void)
{
	struct memfs *fs = memfs_new(NULL);
	struct memfs_attr a;
	u64 f, d, x;

	memfs_set_now(fs, T(100));
	CU_ASSERT_EQUAL(memfs_create(fs, 1, "f", 0640, O_EXCL, &f), 0);
	CU_ASSERT_EQUAL(f, 2);
	CU_ASSERT_EQUAL(memfs_mkdir(fs, 1, "d", 0750, &d), 0);
	CU_ASSERT_EQUAL(d, 3);
	CU_ASSERT_EQUAL(memfs_lookup(fs, 1, "f", &x), 0);
	CU_ASSERT_EQUAL(x, f);
	CU_ASSERT_EQUAL(memfs_lookup(fs, d, "..", &x), 0);
	CU_ASSERT_EQUAL(x, 1);
	CU_ASSERT_EQUAL(memfs_lookup(fs, d, ".", &x), 0);
	CU_ASSERT_EQUAL(x, d);
	memfs_getattr(fs, f, &a);
	CU_ASSERT_EQUAL(a.mode, S_IFREG | 0640);
	CU_ASSERT_EQUAL(a.nlink, 1);
	CU_ASSERT_EQUAL(a.size, 0);
	CU_ASSERT_EQUAL(a.mtime.sec, 100);
	CU_ASSERT_EQUAL(a.ctime.nsec, 7);
	memfs_getattr(fs, d, &a);
	CU_ASSERT_EQUAL(a.mode, S_IFDIR | 0750);
	CU_ASSERT_EQUAL(a.nlink, 2);
	memfs_getattr(fs, 1, &a);
	CU_ASSERT_EQUAL(a.nlink, 3);
	CU_ASSERT_EQUAL(a.size, 2);
	CU_ASSERT_EQUAL(a.mtime.sec, 100);

	/* create on an existing name */
	CU_ASSERT_EQUAL(memfs_create(fs, 1, "f", 0600, O_EXCL, &x), -EEXIST);
	x = 0;
	CU_ASSERT_EQUAL(memfs_create(fs, 1, "f", 0600, 0, &x), 0);
	CU_ASSERT_EQUAL(x, f);
	CU_ASSERT_EQUAL(memfs_create(fs, 1, "d", 0600, 0, &x), -EISDIR);
	CU_ASSERT_EQUAL(memfs_mkdir(fs, 1, "f", 0700, &x), -EEXIST);
	CU_ASSERT_EQUAL(memfs_mkdir(fs, 1, "d", 0700, &x), -EEXIST);
	CU_ASSERT_EQUAL(memfs_create(fs, 1, ".", 0600, 0, &x), -EEXIST);
	CU_ASSERT_EQUAL(memfs_mkdir(fs, 1, "..", 0700, &x), -EEXIST);

	/* bad modes, parents, names */
	CU_ASSERT_EQUAL(memfs_create(fs, 1, "g", S_IFDIR | 0600, 0, &x),
			-EINVAL);
	CU_ASSERT_EQUAL(memfs_create(fs, 1, "g", S_IFREG | 0600, 0, &x), 0);
	CU_ASSERT_EQUAL(memfs_mkdir(fs, 1, "h", S_IFREG | 0700, &x), -EINVAL);
	CU_ASSERT_EQUAL(memfs_mkdir(fs, 1, "h", S_IFDIR | 0700, &x), 0);
	CU_ASSERT_EQUAL(memfs_create(fs, f, "g", 0600, 0, &x), -ENOTDIR);
	CU_ASSERT_EQUAL(memfs_create(fs, 99, "g", 0600, 0, &x), -ESTALE);
	CU_ASSERT_EQUAL(memfs_lookup(fs, 99, "g", &x), -ESTALE);
	CU_ASSERT_EQUAL(memfs_lookup(fs, f, "g", &x), -ENOTDIR);
	CU_ASSERT_EQUAL(memfs_lookup(fs, 1, "nope", &x), -ENOENT);
	CU_ASSERT_EQUAL(memfs_getattr(fs, 99, &a), -ESTALE);
	CHECK_FS(fs);
	memfs_free(fs);
}

static void test_names(void)
{
	struct memfs *fs = memfs_new(NULL);
	char name[300];
	u64 x;

	memset(name, 'n', sizeof(name));
	name[255] = '\0';
	CU_ASSERT_EQUAL(memfs_create(fs, 1, name, 0600, 0, &x), 0);
	CU_ASSERT_EQUAL(memfs_lookup(fs, 1, name, &x), 0);
	name[255] = 'n';
	name[256] = '\0';
	CU_ASSERT_EQUAL(memfs_create(fs, 1, name, 0600, 0, &x), -ENAMETOOLONG);
	CU_ASSERT_EQUAL(memfs_lookup(fs, 1, name, &x), -ENAMETOOLONG);
	CU_ASSERT_EQUAL(memfs_mkdir(fs, 1, name, 0700, &x), -ENAMETOOLONG);
	CU_ASSERT_EQUAL(memfs_create(fs, 1, "a/b", 0600, 0, &x), -EINVAL);
	CU_ASSERT_EQUAL(memfs_create(fs, 1, "", 0600, 0, &x), -EINVAL);
	CU_ASSERT_EQUAL(memfs_create(fs, 1, NULL, 0600, 0, &x), -EINVAL);
	CU_ASSERT_EQUAL(memfs_lookup(fs, 1, "/", &x), -EINVAL);
	CU_ASSERT_EQUAL(memfs_unlink(fs, 1, "a/b"), -EINVAL);
	CU_ASSERT_EQUAL(memfs_unlink(fs, 1, NULL), -EINVAL);
	CU_ASSERT_EQUAL(memfs_rmdir(fs, 1, ""), -EINVAL);
	CU_ASSERT_EQUAL(memfs_rmdir(fs, 1, NULL), -EINVAL);
	CHECK_FS(fs);
	memfs_free(fs);
}

static void test_unlink_rmdir(void)
{
	struct memfs *fs = memfs_new(NULL);
	struct memfs_attr a;
	struct memfs_stats st;
	u64 f, d, g, x;

	memfs_create(fs, 1, "f", 0600, 0, &f);
	memfs_mkdir(fs, 1, "d", 0700, &d);
	memfs_create(fs, d, "g", 0600, 0, &g);
	CU_ASSERT_EQUAL(memfs_unlink(fs, 1, "d"), -EISDIR);
	CU_ASSERT_EQUAL(memfs_unlink(fs, 1, "."), -EISDIR);
	CU_ASSERT_EQUAL(memfs_unlink(fs, 1, ".."), -EISDIR);
	CU_ASSERT_EQUAL(memfs_unlink(fs, 1, "zz"), -ENOENT);
	CU_ASSERT_EQUAL(memfs_unlink(fs, 99, "zz"), -ESTALE);
	CU_ASSERT_EQUAL(memfs_unlink(fs, f, "zz"), -ENOTDIR);
	CU_ASSERT_EQUAL(memfs_rmdir(fs, 1, "f"), -ENOTDIR);
	CU_ASSERT_EQUAL(memfs_rmdir(fs, 1, "d"), -ENOTEMPTY);
	CU_ASSERT_EQUAL(memfs_rmdir(fs, 1, "."), -EINVAL);
	CU_ASSERT_EQUAL(memfs_rmdir(fs, 1, ".."), -ENOTEMPTY);
	CU_ASSERT_EQUAL(memfs_rmdir(fs, 1, "zz"), -ENOENT);
	CHECK_FS(fs);
	CU_ASSERT_EQUAL(memfs_unlink(fs, d, "g"), 0);
	CU_ASSERT_EQUAL(memfs_getattr(fs, g, &a), -ESTALE);
	CU_ASSERT_EQUAL(memfs_rmdir(fs, 1, "d"), 0);
	CU_ASSERT_EQUAL(memfs_getattr(fs, d, &a), -ESTALE);
	CU_ASSERT_EQUAL(memfs_lookup(fs, 1, "d", &x), -ENOENT);
	memfs_getattr(fs, 1, &a);
	CU_ASSERT_EQUAL(a.nlink, 2);
	CU_ASSERT_EQUAL(memfs_unlink(fs, 1, "f"), 0);
	memfs_get_stats(fs, &st);
	CU_ASSERT_EQUAL(st.inodes, 1);
	CHECK_FS(fs);
	memfs_free(fs);
}

static void test_read_write(void)
{
	struct memfs *fs = memfs_new(NULL);
	struct memfs_attr a;
	struct memfs_stats st;
	char buf[10000];
	u64 f, d;

	memfs_create(fs, 1, "f", 0600, 0, &f);
	memfs_mkdir(fs, 1, "d", 0700, &d);
	memfs_set_now(fs, T(5));
	CU_ASSERT_EQUAL(memfs_write(fs, f, 0, "hello", 5), 5);
	memfs_getattr(fs, f, &a);
	CU_ASSERT_EQUAL(a.size, 5);
	CU_ASSERT_EQUAL(a.blocks, 8);
	CU_ASSERT_EQUAL(a.mtime.sec, 5);
	CU_ASSERT_EQUAL(memfs_read(fs, f, 0, buf, sizeof(buf)), 5);
	CU_ASSERT_EQUAL(memcmp(buf, "hello", 5), 0);
	CU_ASSERT_EQUAL(memfs_read(fs, f, 3, buf, 1), 1);
	CU_ASSERT_EQUAL(buf[0], 'l');
	CU_ASSERT_EQUAL(memfs_read(fs, f, 5, buf, 10), 0);
	CU_ASSERT_EQUAL(memfs_read(fs, f, 500, buf, 10), 0);
	CU_ASSERT_EQUAL(memfs_write(fs, f, 0, "x", 0), 0);
	/* a write spanning a page boundary */
	memset(buf, 'z', sizeof(buf));
	CU_ASSERT_EQUAL(memfs_write(fs, f, 4090, buf, 5000), 5000);
	memfs_getattr(fs, f, &a);
	CU_ASSERT_EQUAL(a.size, 9090);
	CU_ASSERT_EQUAL(a.blocks, 24);
	memset(buf, 0, sizeof(buf));
	CU_ASSERT_EQUAL(memfs_read(fs, f, 0, buf, sizeof(buf)), 9090);
	CU_ASSERT_EQUAL(buf[4], 'o');
	CU_ASSERT_EQUAL(buf[5], 0);
	CU_ASSERT_EQUAL(buf[4089], 0);
	CU_ASSERT_EQUAL(buf[4090], 'z');
	CU_ASSERT_EQUAL(buf[9089], 'z');
	/* errors */
	CU_ASSERT_EQUAL(memfs_read(fs, d, 0, buf, 1), -EISDIR);
	CU_ASSERT_EQUAL(memfs_write(fs, d, 0, buf, 1), -EISDIR);
	CU_ASSERT_EQUAL(memfs_read(fs, 99, 0, buf, 1), -ESTALE);
	CU_ASSERT_EQUAL(memfs_write(fs, 99, 0, buf, 1), -ESTALE);
	CU_ASSERT_EQUAL(memfs_read(fs, f, 1ULL << 63, buf, 1), -EINVAL);
	CU_ASSERT_EQUAL(memfs_write(fs, f, 1ULL << 63, buf, 1), -EINVAL);
	CU_ASSERT_EQUAL(memfs_write(fs, f, (64ULL << 20) - 1, buf, 2), -EFBIG);
	memfs_get_stats(fs, &st);
	CU_ASSERT_EQUAL(st.file_bytes, 9090);
	CU_ASSERT_EQUAL(st.data_pages, 3);
	CHECK_FS(fs);
	memfs_free(fs);
}

static void test_sparse(void)
{
	struct memfs *fs = memfs_new(NULL);
	struct memfs_attr a;
	struct memfs_stats st;
	char buf[64];
	u64 f;

	memfs_create(fs, 1, "f", 0600, 0, &f);
	CU_ASSERT_EQUAL(memfs_write(fs, f, 1 << 20, "end", 3), 3);
	memfs_getattr(fs, f, &a);
	CU_ASSERT_EQUAL(a.size, (1 << 20) + 3);
	CU_ASSERT_EQUAL(a.blocks, 8); /* one page, not 257 */
	memfs_get_stats(fs, &st);
	CU_ASSERT_EQUAL(st.data_pages, 1);
	memset(buf, 'q', sizeof(buf));
	CU_ASSERT_EQUAL(memfs_read(fs, f, 12345, buf, sizeof(buf)), 64);
	for (size_t i = 0; i < sizeof(buf); i++)
		CU_ASSERT_EQUAL(buf[i], 0);
	CU_ASSERT_EQUAL(memfs_read(fs, f, (1 << 20) - 2, buf, 10), 5);
	CU_ASSERT_EQUAL(memcmp(buf, "\0\0end", 5), 0);
	CHECK_FS(fs);
	memfs_free(fs);
}

static void test_setattr(void)
{
	struct memfs *fs = memfs_new(NULL);
	struct memfs_setattr in = { 0 };
	struct memfs_attr a;
	char buf[8200];
	u64 f, d;

	memfs_create(fs, 1, "f", 0600, 0, &f);
	memfs_mkdir(fs, 1, "d", 0700, &d);
	memfs_set_now(fs, T(50));
	in.valid = MEMFS_SET_MODE | MEMFS_SET_UID | MEMFS_SET_GID;
	in.mode = S_IFDIR | 04711; /* type bits ignored */
	in.uid = 10;
	in.gid = 20;
	CU_ASSERT_EQUAL(memfs_setattr(fs, f, &in, &a), 0);
	CU_ASSERT_EQUAL(a.mode, S_IFREG | 04711);
	CU_ASSERT_EQUAL(a.uid, 10);
	CU_ASSERT_EQUAL(a.gid, 20);
	CU_ASSERT_EQUAL(a.ctime.sec, 50);
	CU_ASSERT_EQUAL(a.mtime.sec, 0);

	in.valid = MEMFS_SET_ATIME | MEMFS_SET_MTIME | MEMFS_SET_CTIME;
	in.atime = T(1);
	in.mtime = T(2);
	in.ctime = T(3);
	CU_ASSERT_EQUAL(memfs_setattr(fs, f, &in, NULL), 0);
	memfs_getattr(fs, f, &a);
	CU_ASSERT_EQUAL(a.atime.sec, 1);
	CU_ASSERT_EQUAL(a.mtime.sec, 2);
	CU_ASSERT_EQUAL(a.ctime.sec, 3);
	in.valid = MEMFS_SET_ATIME | MEMFS_SET_ATIME_NOW | MEMFS_SET_MTIME_NOW;
	CU_ASSERT_EQUAL(memfs_setattr(fs, f, &in, &a), 0);
	CU_ASSERT_EQUAL(a.atime.sec, 50);
	CU_ASSERT_EQUAL(a.mtime.sec, 50);

	/* extend with zeros, shrink, re-extend: the tail must be zero */
	memset(buf, 'a', sizeof(buf));
	memfs_write(fs, f, 0, buf, 8200);
	in.valid = MEMFS_SET_SIZE;
	in.size = 4100;
	CU_ASSERT_EQUAL(memfs_setattr(fs, f, &in, &a), 0);
	CU_ASSERT_EQUAL(a.size, 4100);
	CU_ASSERT_EQUAL(a.blocks, 16);
	in.size = 9000;
	CU_ASSERT_EQUAL(memfs_setattr(fs, f, &in, &a), 0);
	CU_ASSERT_EQUAL(a.blocks, 16);
	CU_ASSERT_EQUAL(memfs_read(fs, f, 4096, buf, 10), 10);
	CU_ASSERT_EQUAL(memcmp(buf, "aaaa\0\0\0\0\0\0", 10), 0);
	in.size = 8192;
	CU_ASSERT_EQUAL(memfs_setattr(fs, f, &in, &a), 0);
	in.size = 0;
	CU_ASSERT_EQUAL(memfs_setattr(fs, f, &in, &a), 0);
	CU_ASSERT_EQUAL(a.blocks, 0);
	CHECK_FS(fs);

	/* errors change nothing */
	in.valid = MEMFS_SET_SIZE | MEMFS_SET_UID;
	in.uid = 77;
	in.size = (64ULL << 20) + 1;
	CU_ASSERT_EQUAL(memfs_setattr(fs, f, &in, &a), -EFBIG);
	CU_ASSERT_EQUAL(memfs_setattr(fs, d, &in, &a), -EISDIR);
	memfs_getattr(fs, f, &a);
	CU_ASSERT_EQUAL(a.uid, 10);
	in.valid = 1u << 6; /* FATTR_FH is the server's business */
	CU_ASSERT_EQUAL(memfs_setattr(fs, f, &in, &a), -EINVAL);
	in.valid = MEMFS_SET_MODE;
	CU_ASSERT_EQUAL(memfs_setattr(fs, 99, &in, &a), -ESTALE);
	CHECK_FS(fs);
	memfs_free(fs);
}

VT_SUITE(device_memfs_basic, NULL, NULL, VT_CASE(test_new_root),
	 VT_CASE(test_config), VT_CASE(test_create_lookup), VT_CASE(test_names),
	 VT_CASE(test_unlink_rmdir), VT_CASE(test_read_write),
	 VT_CASE(test_sparse), VT_CASE(test_setattr));
