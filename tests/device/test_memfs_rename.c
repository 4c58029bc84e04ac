// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_memfs_rename.c - rename and renameat2 edge cases.
 */
#include <errno.h>
#include <string.h>

#include "device/memfs.h"
#include "tests/device/memfs_test_util.h"
#include "tests/harness.h"

/*
 * The tree every test starts from:
 *   /f1 /f2 /d1/ /d1/x /d2/ /d2/sub/ /empty/
 */
static struct memfs *fs;
static u64 f1, f2, d1, x, d2, sub, empty;

static void build(void)
{
	fs = memfs_new(NULL);
	memfs_create(fs, 1, "f1", 0600, 0, &f1);
	memfs_create(fs, 1, "f2", 0600, 0, &f2);
	memfs_mkdir(fs, 1, "d1", 0700, &d1);
	memfs_create(fs, d1, "x", 0600, 0, &x);
	memfs_mkdir(fs, 1, "d2", 0700, &d2);
	memfs_mkdir(fs, d2, "sub", 0700, &sub);
	memfs_mkdir(fs, 1, "empty", 0700, &empty);
}

static u64 look(u64 dir, const char *name)
{
	u64 ino = 0;

	return memfs_lookup(fs, dir, name, &ino) ? 0 : ino;
}

static u32 nlink(u64 ino)
{
	struct memfs_attr a;

	return memfs_getattr(fs, ino, &a) ? 0 : a.nlink;
}

static void test_rename_simple(void)
{
	build();
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "f1", 1, "g", 0), 0);
	CU_ASSERT_EQUAL(look(1, "g"), f1);
	CU_ASSERT_EQUAL(look(1, "f1"), 0);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "g", d1, "g", 0), 0);
	CU_ASSERT_EQUAL(look(d1, "g"), f1);
	/* moving a directory moves its ".." link count */
	CU_ASSERT_EQUAL(memfs_rename(fs, d2, "sub", d1, "sub", 0), 0);
	CU_ASSERT_EQUAL(nlink(d1), 3);
	CU_ASSERT_EQUAL(nlink(d2), 2);
	CU_ASSERT_EQUAL(look(sub, ".."), d1);
	CHECK_FS(fs);
	memfs_free(fs);
}

static void test_rename_replace(void)
{
	struct memfs_stats st;

	build();
	memfs_ref(fs, f2);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "f1", 1, "f2", 0), 0);
	CU_ASSERT_EQUAL(look(1, "f2"), f1);
	CU_ASSERT_EQUAL(nlink(f2), 0); /* replaced but still looked up */
	CHECK_FS(fs);
	CU_ASSERT_EQUAL(memfs_forget(fs, f2, 1), 0);
	CU_ASSERT_EQUAL(nlink(f2), 0);
	/* replacing an empty directory; the replaced one is freed */
	CU_ASSERT_EQUAL(memfs_rename(fs, d2, "sub", 1, "empty", 0), 0);
	CU_ASSERT_EQUAL(look(1, "empty"), sub);
	CU_ASSERT_EQUAL(nlink(1), 5); /* d1 d2 empty(sub) */
	CU_ASSERT_EQUAL(nlink(d2), 2);
	memfs_get_stats(fs, &st);
	CU_ASSERT_EQUAL(st.inodes, 6);
	/* file over file in another directory */
	CU_ASSERT_EQUAL(memfs_rename(fs, d1, "x", 1, "f2", 0), 0);
	CU_ASSERT_EQUAL(look(1, "f2"), x);
	CU_ASSERT_EQUAL(look(d1, "x"), 0);
	CHECK_FS(fs);
	memfs_free(fs);
}

static void test_rename_errors(void)
{
	build();
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "f1", 1, "d1", 0), -EISDIR);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "d1", 1, "f1", 0), -ENOTDIR);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "empty", 1, "d1", 0), -ENOTEMPTY);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "nope", 1, "z", 0), -ENOENT);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "d2", sub, "z", 0), -EINVAL);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "d2", d2, "z", 0), -EINVAL);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "f1", 99, "z", 0), -ESTALE);
	CU_ASSERT_EQUAL(memfs_rename(fs, 99, "f1", 1, "z", 0), -ESTALE);
	CU_ASSERT_EQUAL(memfs_rename(fs, f1, "a", 1, "z", 0), -ENOTDIR);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "f1", f2, "z", 0), -ENOTDIR);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, ".", 1, "z", 0), -EINVAL);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "f1", 1, "..", 0), -EINVAL);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "d1", d1, ".", 0), -EINVAL);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "..", d1, "z", 0), -EINVAL);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "a/b", 1, "z", 0), -EINVAL);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "f1", 1, "", 0), -EINVAL);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "f1", 1, "z", 4), -EINVAL);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "f1", 1, "z",
				     MEMFS_RENAME_NOREPLACE |
					     MEMFS_RENAME_EXCHANGE),
			-EINVAL);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "f1", 1, "f2",
				     MEMFS_RENAME_NOREPLACE),
			-EEXIST);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "f1", 1, "zz",
				     MEMFS_RENAME_EXCHANGE),
			-ENOENT);
	/* nothing moved */
	CU_ASSERT_EQUAL(look(1, "f1"), f1);
	CU_ASSERT_EQUAL(look(1, "f2"), f2);
	CU_ASSERT_EQUAL(look(1, "d2"), d2);
	CHECK_FS(fs);
	memfs_free(fs);
}

static void test_rename_same_inode(void)
{
	build();
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "f1", 1, "f1", 0), 0);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "d1", 1, "d1", 0), 0);
	CU_ASSERT_EQUAL(
		memfs_rename(fs, 1, "f1", 1, "f1", MEMFS_RENAME_EXCHANGE), 0);
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "f1", 1, "f1",
				     MEMFS_RENAME_NOREPLACE),
			-EEXIST);
	CU_ASSERT_EQUAL(look(1, "f1"), f1);
	CHECK_FS(fs);
	memfs_free(fs);
}

static void test_rename_noreplace(void)
{
	build();
	CU_ASSERT_EQUAL(
		memfs_rename(fs, 1, "f1", d2, "f1", MEMFS_RENAME_NOREPLACE), 0);
	CU_ASSERT_EQUAL(look(d2, "f1"), f1);
	CHECK_FS(fs);
	memfs_free(fs);
}

static void test_rename_exchange(void)
{
	build();
	/* file <-> file across directories */
	CU_ASSERT_EQUAL(
		memfs_rename(fs, 1, "f1", d1, "x", MEMFS_RENAME_EXCHANGE), 0);
	CU_ASSERT_EQUAL(look(1, "f1"), x);
	CU_ASSERT_EQUAL(look(d1, "x"), f1);
	CHECK_FS(fs);
	/* file <-> directory across directories: link counts move */
	CU_ASSERT_EQUAL(
		memfs_rename(fs, d2, "sub", d1, "x", MEMFS_RENAME_EXCHANGE), 0);
	CU_ASSERT_EQUAL(look(d1, "x"), sub);
	CU_ASSERT_EQUAL(look(d2, "sub"), f1);
	CU_ASSERT_EQUAL(nlink(d1), 3);
	CU_ASSERT_EQUAL(nlink(d2), 2);
	CU_ASSERT_EQUAL(look(sub, ".."), d1);
	CHECK_FS(fs);
	/* and back the other way round */
	CU_ASSERT_EQUAL(
		memfs_rename(fs, d1, "x", d2, "sub", MEMFS_RENAME_EXCHANGE), 0);
	CU_ASSERT_EQUAL(nlink(d1), 2);
	CU_ASSERT_EQUAL(nlink(d2), 3);
	/* dir <-> dir in one directory, non-empty ones too */
	CU_ASSERT_EQUAL(
		memfs_rename(fs, 1, "d1", 1, "d2", MEMFS_RENAME_EXCHANGE), 0);
	CU_ASSERT_EQUAL(look(1, "d1"), d2);
	CU_ASSERT_EQUAL(nlink(1), 5);
	CHECK_FS(fs);
	/* a directory may not be swapped into its own subtree */
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "d1", d2, "sub",
				     MEMFS_RENAME_EXCHANGE),
			-EINVAL);
	CU_ASSERT_EQUAL(memfs_rename(fs, d2, "sub", 1, "d1",
				     MEMFS_RENAME_EXCHANGE),
			-EINVAL);
	CHECK_FS(fs);
	memfs_free(fs);
}

static void test_rename_into_removed_dir(void)
{
	u64 dh;

	build();
	memfs_opendir(fs, empty, 0, &dh);
	memfs_rmdir(fs, 1, "empty");
	CU_ASSERT_EQUAL(memfs_rename(fs, 1, "f1", empty, "f1", 0), -ENOENT);
	CU_ASSERT_EQUAL(look(1, "f1"), f1);
	memfs_releasedir(fs, dh);
	CHECK_FS(fs);
	memfs_free(fs);
}

VT_SUITE(device_memfs_rename, NULL, NULL, VT_CASE(test_rename_simple),
	 VT_CASE(test_rename_replace), VT_CASE(test_rename_errors),
	 VT_CASE(test_rename_same_inode), VT_CASE(test_rename_noreplace),
	 VT_CASE(test_rename_exchange), VT_CASE(test_rename_into_removed_dir));
