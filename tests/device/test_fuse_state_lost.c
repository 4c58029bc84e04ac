// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fuse_state_lost.c - a migrated inode the destination cannot find:
 * policy abort fails the load and leaves the destination as it was;
 * policy guest-error keeps a broken placeholder that answers EIO.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device/dax.h"
#include "device/locks.h"
#include "device/memfs.h"
#include "tests/device/test_fuse_state.h"
#include "tests/harness.h"

static void teardown(void)
{
	ts_swap = false;
	fst_teardown();
}

/* Delete /d/f1 on the destination side of the shared tree. */
static void lose_f1(void)
{
	CU_ASSERT_EQUAL_FATAL(
		memfs_unlink(fuse_server_fs(fst_dst), fst.d, "f1"), 0);
	fst_snapshot();
}

static void test_abort(void)
{
	struct fuse_state_report rep;
	void *buf;
	size_t len;

	fst_build_source(true);
	fst_new_dst();
	lose_f1();
	buf = fst_save(fst_src, &len);
	CU_ASSERT_EQUAL(fuse_state_load(fst_dst, buf, len, FUSE_STATE_ABORT,
					&rep),
			-ENOENT);
	CU_ASSERT_EQUAL(rep.not_found, 1);
	CU_ASSERT_STRING_EQUAL(rep.missing, "/d/f1");
	fst_assert_dst_untouched();
	free(buf);
}

static void test_guest_error(void)
{
	struct fuse_state_report rep;
	struct fuse_attr_out ao;
	struct fuse_entry_out e;
	u8 data[16];
	u32 got;
	void *buf;
	size_t len;
	char why[128];

	fst_build_source(true);
	fst_new_dst();
	lose_f1();
	buf = fst_save(fst_src, &len);
	CU_ASSERT_EQUAL(fuse_state_load(fst_dst, buf, len,
					FUSE_STATE_GUEST_ERROR, &rep),
			0);
	CU_ASSERT_EQUAL(rep.not_found, 1);
	CU_ASSERT_EQUAL(rep.broken, 1);
	CU_ASSERT_TRUE(fuse_server_is_broken(fst_dst, fst.f1));
	CU_ASSERT_FALSE(fuse_server_is_broken(fst_dst, fst.g));
	CU_ASSERT_EQUAL(fuse_server_nr_broken(fst_dst), 1);
	CU_ASSERT_EQUAL(memfs_check(fuse_server_fs(fst_dst), why, sizeof(why)),
			0);
	ts_srv = fst_dst;
	/* everything naming it answers EIO ... */
	CU_ASSERT_EQUAL(ts_getattr(fst.f1, 0, 0, &ao), -EIO);
	CU_ASSERT_EQUAL(ts_read(fst.f1, fst.fh_f1, 0, 16, data, &got), -EIO);
	/* ... also through its handle under another nodeid */
	CU_ASSERT_EQUAL(ts_read(fst.g, fst.fh_f1, 0, 16, data, &got), -EIO);
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLK, fst.g, fst.fh_f1, 7, F_UNLCK, 0, 99,
			      0, NULL),
			-EIO);
	/* the rest carries on */
	CU_ASSERT_EQUAL(ts_getattr(fst.g, 0, 0, &ao), 0);
	CU_ASSERT_EQUAL(ts_rename(fst.d, "nothing", fst.e, "x"), -ENOENT);
	/* the guest can let go of it */
	CU_ASSERT_EQUAL(ts_release(fst.f1, fst.fh_f1, 0, 7), 0);
	CU_ASSERT_EQUAL(ts_forget(fst.f1, 2), TS_NOREPLY);
	/* the mapping still pins it; then it is gone */
	CU_ASSERT_EQUAL(ts_setupmapping(fst.f1, ~0ULL, 0, 4096, 0,
					FUSE_SETUPMAPPING_FLAG_READ),
			-EIO);
	{
		struct fuse_removemapping_one rm = { 8192, 4096 };

		CU_ASSERT_EQUAL(ts_removemapping(&rm, 1), 0);
	}
	CU_ASSERT_EQUAL(ts_nlookup(fst.f1), 0);
	CU_ASSERT_EQUAL(memfs_check(fuse_server_fs(fst_dst), why, sizeof(why)),
			0);
	/* the name is free again on the destination's tree */
	CU_ASSERT_EQUAL(
		ts_create(fst.d, "f1", S_IFREG | 0644, O_RDWR, &e, NULL), 0);
	CU_ASSERT_NOT_EQUAL(e.nodeid, fst.f1);
	CU_ASSERT_EQUAL(fuse_server_mark_broken(fst_dst, fst.f1), -EEXIST);
	free(buf);
}

/* A lost directory: lookups in it and renames into it get EIO. */
static void test_lost_dir(void)
{
	struct fuse_state_report rep;
	struct fuse_entry_out e;
	void *buf;
	size_t len;

	fst_build_source(false);
	fst_new_dst();
	ts_srv = fst_src;
	CU_ASSERT_EQUAL(ts_lookup(1, "e", &e), 0);
	CU_ASSERT_EQUAL_FATAL(memfs_rmdir(fuse_server_fs(fst_dst), 1, "e"), 0);
	buf = fst_save(fst_src, &len);
	CU_ASSERT_EQUAL(fuse_state_load(fst_dst, buf, len,
					FUSE_STATE_GUEST_ERROR, &rep),
			0);
	CU_ASSERT_EQUAL(rep.broken, 1);
	ts_srv = fst_dst;
	CU_ASSERT_EQUAL(ts_lookup(fst.e, "x", &e), -EIO);
	CU_ASSERT_EQUAL(ts_rename(fst.d, "f1", fst.e, "f1"), -EIO);
	CU_ASSERT_EQUAL(ts_rename(1, "g", fst.d, "g2"), 0);
	free(buf);
}

/* A path that now names a directory where a file was is not found. */
static void test_type_changed(void)
{
	struct fuse_state_report rep;
	u64 ino;
	void *buf;
	size_t len;

	fst_build_source(false);
	fst_new_dst();
	CU_ASSERT_EQUAL_FATAL(memfs_unlink(fuse_server_fs(fst_dst), 1, "g"), 0);
	CU_ASSERT_EQUAL_FATAL(
		memfs_mkdir(fuse_server_fs(fst_dst), 1, "g", 0755, &ino), 0);
	fst_snapshot();
	buf = fst_save(fst_src, &len);
	CU_ASSERT_EQUAL(fuse_state_load(fst_dst, buf, len, FUSE_STATE_ABORT,
					&rep),
			-ENOENT);
	CU_ASSERT_STRING_EQUAL(rep.missing, "/g");
	fst_assert_dst_untouched();
	free(buf);
}

/*
 * Unlinked but open on the source: no path to find it by. Abort fails;
 * guest-error keeps it broken until the guest closes it.
 */
static void test_unlinked_open(void)
{
	struct fuse_state_report rep;
	struct fuse_state_info info;
	void *buf;
	size_t len;

	fst_build_source(false);
	ts_srv = fst_src;
	CU_ASSERT_EQUAL_FATAL(ts_unlink(1, "g"), 0);
	fst_new_dst();
	buf = fst_save(fst_src, &len);
	CU_ASSERT_EQUAL(fuse_state_verify(buf, len, &info), 0);
	CU_ASSERT_EQUAL(info.unlinked, 1);
	CU_ASSERT_EQUAL(fuse_state_load(fst_dst, buf, len, FUSE_STATE_ABORT,
					&rep),
			-ENOENT);
	CU_ASSERT_STRING_EQUAL(rep.missing, "(unlinked)");
	fst_assert_dst_untouched();
	CU_ASSERT_EQUAL(fuse_state_load(fst_dst, buf, len,
					FUSE_STATE_GUEST_ERROR, &rep),
			0);
	ts_srv = fst_dst;
	CU_ASSERT_EQUAL(ts_release(fst.g, fst.fh_g, 0, 0), 0);
	free(buf);
}

/*
 * An inode only a lock names (handle closed without dropping the lock,
 * lookups forgotten) and gone from the destination: nothing in the guest
 * can name it, so it is dropped with its lock under either policy.
 */
static void test_lock_only_dropped(void)
{
	struct fuse_state_report rep;
	struct fuse_state_info info;
	void *buf;
	size_t len;

	fst_build_source(false);
	ts_srv = fst_src;
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLK, fst.g, fst.fh_g, 8, F_RDLCK, 0, 9, 0,
			      NULL),
			0);
	CU_ASSERT_EQUAL(ts_release(fst.g, fst.fh_g, 0, 8), 0);
	/* g's create handle: fh_g - 1 */
	CU_ASSERT_EQUAL(ts_release(fst.g, fst.fh_g - 1, 0, 8), 0);
	CU_ASSERT_EQUAL(ts_forget(fst.g, 1), TS_NOREPLY);
	CU_ASSERT_EQUAL(ts_nlookup(fst.g), 0);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(fst_src)), 1);
	fst_new_dst();
	CU_ASSERT_EQUAL_FATAL(memfs_unlink(fuse_server_fs(fst_dst), 1, "g"), 0);
	fst_snapshot();
	buf = fst_save(fst_src, &len);
	CU_ASSERT_EQUAL(fuse_state_verify(buf, len, &info), 0);
	CU_ASSERT_EQUAL(info.locks, 1);
	CU_ASSERT_EQUAL(
		fuse_state_load(fst_dst, buf, len, FUSE_STATE_ABORT, &rep), 0);
	CU_ASSERT_EQUAL(rep.dropped, 1);
	CU_ASSERT_EQUAL(rep.not_found, 0);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(fst_dst)), 0);
	free(buf);
}

/* Two lost: the report names the first. */
static void test_two_lost(void)
{
	struct fuse_state_report rep;
	void *buf;
	size_t len;

	fst_build_source(false);
	fst_new_dst();
	CU_ASSERT_EQUAL_FATAL(memfs_unlink(fuse_server_fs(fst_dst), 1, "g"), 0);
	lose_f1();
	buf = fst_save(fst_src, &len);
	CU_ASSERT_EQUAL(fuse_state_load(fst_dst, buf, len,
					FUSE_STATE_GUEST_ERROR, &rep),
			0);
	CU_ASSERT_EQUAL(rep.not_found, 2);
	CU_ASSERT_EQUAL(rep.broken, 2);
	CU_ASSERT_STRING_EQUAL(rep.missing, "/d/f1");
	free(buf);
}

/*
 * A placeholder needs an inode slot: a destination tree that filled its
 * inode limit meanwhile cannot take it (-ENOSPC), nothing changes.
 */
static void test_no_room_for_placeholder(void)
{
	struct fuse_server_config small = fst_cfg;
	struct fuse_entry_out e;
	u64 ino;
	void *buf;
	size_t len;

	small.max_inodes = 6;
	ts_setup_init(&small);
	fst_src = ts_srv;
	CU_ASSERT_EQUAL_FATAL(ts_mkdir(1, "a", 0755, &e), 0);
	CU_ASSERT_EQUAL_FATAL(ts_mkdir(1, "b", 0755, &e), 0);
	fst_dst = fuse_server_new(&small);
	CU_ASSERT_EQUAL_FATAL(fuse_state_copy_tree(fst_dst, fst_src), 0);
	CU_ASSERT_EQUAL_FATAL(memfs_rmdir(fuse_server_fs(fst_dst), 1, "b"), 0);
	for (int i = 0; i < 4; i++) {
		char name[8] = { 'x', (char)('0' + i), 0 };

		CU_ASSERT_EQUAL_FATAL(memfs_mkdir(fuse_server_fs(fst_dst), 1,
						  name, 0755, &ino),
				      0);
	}
	fst_snapshot();
	buf = fst_save(fst_src, &len);
	CU_ASSERT_EQUAL(fuse_state_load(fst_dst, buf, len,
					FUSE_STATE_GUEST_ERROR, NULL),
			-ENOSPC);
	fst_assert_dst_untouched();
	free(buf);
}

VT_SUITE_EACH(device_fuse_state_lost, NULL, teardown, VT_CASE(test_abort),
	      VT_CASE(test_guest_error), VT_CASE(test_lost_dir),
	      VT_CASE(test_type_changed), VT_CASE(test_unlinked_open),
	      VT_CASE(test_lock_only_dropped), VT_CASE(test_two_lost),
	      VT_CASE(test_no_room_for_placeholder));
