// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fuse_state.c - the state format's round trips: a session saved on
 * one server and loaded into another over the same tree carries on with
 * the same nodeids, handles, locks, mappings and INIT options.
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
	fst_teardown();
}

static int collect_handles(void *arg, const struct memfs_handle_info *h)
{
	struct memfs_handle_info **p = arg;

	*(*p)++ = *h;
	return 0;
}

static void test_round_trip(void)
{
	struct fuse_state_report rep;
	struct memfs_handle_info hs[8], hd[8], *p;
	struct fuse_entry_out e;
	struct fuse_file_lock lk;
	size_t len, len2;
	void *buf, *buf2;
	u8 data[100], win[16];
	u32 got;
	char why[128];

	fst_build_source(true);
	fst_new_dst();
	buf = fst_save(fst_src, &len);
	CU_ASSERT_EQUAL(
		fuse_state_load(fst_dst, buf, len, FUSE_STATE_ABORT, &rep), 0);
	CU_ASSERT_EQUAL(rep.info.version, FUSE_STATE_VERSION);
	CU_ASSERT_EQUAL(rep.info.inodes, 5);  /* root, d, e, f1, g */
	CU_ASSERT_EQUAL(rep.info.handles, 3); /* f1, g (create), g */
	CU_ASSERT_EQUAL(rep.info.dir_handles, 1);
	CU_ASSERT_EQUAL(rep.info.locks, 2);
	CU_ASSERT_EQUAL(rep.info.mappings, 1);
	CU_ASSERT_EQUAL(rep.not_found + rep.broken + rep.renumbered, 0);
	/* the session is the same ... */
	CU_ASSERT_TRUE(fuse_server_initialized(fst_dst));
	CU_ASSERT_EQUAL(fuse_server_init_flags(fst_dst),
			fuse_server_init_flags(fst_src));
	CU_ASSERT_EQUAL(fuse_server_minor(fst_dst), fuse_server_minor(fst_src));
	CU_ASSERT_EQUAL(memfs_check(fuse_server_fs(fst_dst), why, sizeof(why)),
			0);
	p = hs;
	memfs_for_each_handle(fuse_server_fs(fst_src), collect_handles, &p);
	p = hd;
	memfs_for_each_handle(fuse_server_fs(fst_dst), collect_handles, &p);
	for (int i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(hs[i].fh, hd[i].fh);
		CU_ASSERT_EQUAL(hs[i].ino, hd[i].ino);
		CU_ASSERT_EQUAL(hs[i].flags, hd[i].flags);
		CU_ASSERT_EQUAL(hs[i].isdir, hd[i].isdir);
	}
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(fst_dst)), 2);
	CU_ASSERT_EQUAL(dax_count(fuse_server_dax(fst_dst)), 1);
	/* ... and saving it again gives the very same bytes */
	buf2 = fst_save(fst_dst, &len2);
	CU_ASSERT_EQUAL_FATAL(len2, len);
	CU_ASSERT_EQUAL(memcmp(buf, buf2, len), 0);
	free(buf2);
	/* the guest carries on: same fh, same nodeid, same lookups */
	ts_srv = fst_dst;
	CU_ASSERT_EQUAL(ts_nlookup(fst.f1), 2);
	CU_ASSERT_EQUAL(
		ts_read(fst.f1, fst.fh_f1, 100, sizeof(data), data, &got), 0);
	CU_ASSERT_EQUAL(got, sizeof(data));
	CU_ASSERT_EQUAL(data[0], (u8)(100 * 7 + 3));
	CU_ASSERT_EQUAL(dax_read(fuse_server_dax(fst_dst), 8192, win, 16), 16);
	CU_ASSERT_EQUAL(win[0], (u8)(4096 * 7 + 3));
	/* the locks are held: another owner conflicts */
	CU_ASSERT_EQUAL(ts_lk(FUSE_GETLK, fst.f1, fst.fh_f1, 9, F_RDLCK, 0, 10,
			      0, &lk),
			0);
	CU_ASSERT_EQUAL(lk.type, F_WRLCK);
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLK, fst.g, fst.fh_g, 9, F_WRLCK, 0, 20, 0,
			      NULL),
			-EAGAIN);
	/* new ids never collide with the migrated ones */
	CU_ASSERT_EQUAL(ts_mkdir(1, "new", 0755, &e), 0);
	CU_ASSERT_TRUE(e.nodeid > fst.g);
	CU_ASSERT_EQUAL(ts_releasedir(fst.d, fst.dh), 0);
	CU_ASSERT_EQUAL(ts_release(fst.g, fst.fh_g, 0, 8), 0);
	/* the source is untouched and could resume */
	buf2 = fst_save(fst_src, &len2);
	CU_ASSERT_EQUAL_FATAL(len2, len);
	CU_ASSERT_EQUAL(memcmp(buf, buf2, len), 0);
	free(buf2);
	free(buf);
}

static void test_version1(void)
{
	struct fuse_state_info info;
	void *buf = NULL;
	size_t len;

	fst_build_source(true);
	CU_ASSERT_EQUAL(fuse_state_save_version(fst_src, 1, &buf, &len),
			-EOPNOTSUPP);
	CU_ASSERT_EQUAL(fuse_state_save_version(fst_src, 3, &buf, &len),
			-EINVAL);
	CU_ASSERT_EQUAL(fuse_state_save_version(fst_src, 0, &buf, &len),
			-EINVAL);
	CU_ASSERT_EQUAL(fuse_state_save(NULL, &buf, &len), -EINVAL);
	CU_ASSERT_EQUAL(fuse_state_save(fst_src, NULL, &len), -EINVAL);
	CU_ASSERT_EQUAL(fuse_state_save(fst_src, &buf, NULL), -EINVAL);
	fst_teardown();

	/* no locks, no mappings: version 1 can say it all */
	fst_build_source(false);
	fst_new_dst();
	CU_ASSERT_EQUAL_FATAL(fuse_state_save_version(fst_src, 1, &buf, &len),
			      0);
	CU_ASSERT_EQUAL(fuse_state_verify(buf, len, &info), 0);
	CU_ASSERT_EQUAL(info.version, 1);
	CU_ASSERT_EQUAL(info.inodes, 5);
	CU_ASSERT_EQUAL(
		fuse_state_load(fst_dst, buf, len, FUSE_STATE_ABORT, NULL), 0);
	ts_srv = fst_dst;
	CU_ASSERT_EQUAL(ts_nlookup(fst.f1), 2);
	CU_ASSERT_EQUAL(ts_releasedir(fst.d, fst.dh), 0);
	free(buf);
}

/* An opposite-endian guest keeps its byte order across the migration. */
static void test_bswapped(void)
{
	struct fuse_entry_out e;
	void *buf;
	size_t len;

	ts_setup(&fst_cfg);
	fst_src = ts_srv;
	ts_swap = true;
	CU_ASSERT_EQUAL_FATAL(ts_init(7, 38, 0, 0, NULL), 0);
	CU_ASSERT_TRUE(fuse_server_bswapped(fst_src));
	CU_ASSERT_EQUAL_FATAL(ts_mkdir(1, "x", 0755, &e), 0);
	fst_new_dst();
	buf = fst_save(fst_src, &len);
	CU_ASSERT_EQUAL(fuse_state_load(fst_dst, buf, len,
					FUSE_STATE_GUEST_ERROR, NULL),
			0);
	CU_ASSERT_TRUE(fuse_server_bswapped(fst_dst));
	ts_srv = fst_dst;
	CU_ASSERT_EQUAL(ts_lookup(1, "x", &e), 0);
	CU_ASSERT_EQUAL(ts_nlookup(e.nodeid), 2);
	ts_swap = false;
	free(buf);
}

/* An un-initialised session migrates too (nothing but the root). */
static void test_uninitialised(void)
{
	struct fuse_state_info info;
	void *buf;
	size_t len;

	ts_setup(&fst_cfg);
	fst_src = ts_srv;
	fst_new_dst();
	buf = fst_save(fst_src, &len);
	CU_ASSERT_EQUAL(fuse_state_verify(buf, len, &info), 0);
	CU_ASSERT_FALSE(info.initialized);
	CU_ASSERT_EQUAL(info.inodes, 1);
	CU_ASSERT_EQUAL(fuse_state_verify(buf, len, NULL), 0);
	CU_ASSERT_EQUAL(
		fuse_state_load(fst_dst, buf, len, FUSE_STATE_ABORT, NULL), 0);
	CU_ASSERT_FALSE(fuse_server_initialized(fst_dst));
	free(buf);
}

/*
 * The shared tree changed under the destination before the switch-over:
 * /d/f1 was replaced by another file and a new file appeared. The
 * migrated nodeid follows the path; the newcomer gets a fresh id at or
 * above the migrated counter.
 */
static void test_renumbered(void)
{
	struct fuse_state_report rep;
	struct memfs_counters mc;
	struct memfs *dfs;
	u64 extra, ino;
	u8 data[8];
	u32 got;
	void *buf;
	size_t len;

	fst_build_source(true);
	fst_new_dst();
	dfs = fuse_server_fs(fst_dst);
	CU_ASSERT_EQUAL_FATAL(memfs_create(dfs, 1, "extra", 0644, 0, &extra),
			      0);
	CU_ASSERT_EQUAL_FATAL(memfs_unlink(dfs, fst.d, "f1"), 0);
	CU_ASSERT_EQUAL_FATAL(memfs_create(dfs, fst.d, "f1", 0644, 0, &ino), 0);
	CU_ASSERT_NOT_EQUAL(ino, fst.f1);
	CU_ASSERT_EQUAL_FATAL(memfs_write(dfs, ino, 0, "hello", 5), 5);
	memfs_get_counters(fuse_server_fs(fst_src), &mc);
	buf = fst_save(fst_src, &len);
	CU_ASSERT_EQUAL(
		fuse_state_load(fst_dst, buf, len, FUSE_STATE_ABORT, &rep), 0);
	/* every destination inode but root, d, e, f1, g is renumbered */
	CU_ASSERT_EQUAL(rep.renumbered, 1);
	dfs = fuse_server_fs(fst_dst);
	CU_ASSERT_EQUAL(memfs_lookup(dfs, 1, "extra", &ino), 0);
	CU_ASSERT_TRUE(ino >= mc.next_nodeid);
	CU_ASSERT_EQUAL(memfs_lookup(dfs, fst.d, "f1", &ino), 0);
	CU_ASSERT_EQUAL(ino, fst.f1);
	ts_srv = fst_dst;
	CU_ASSERT_EQUAL(ts_read(fst.f1, fst.fh_f1, 0, sizeof(data), data, &got),
			0);
	CU_ASSERT_EQUAL(got, 5);
	CU_ASSERT_EQUAL(memcmp(data, "hello", 5), 0);
	free(buf);
}

/*
 * A path longer than the saver's first buffer, an inode the session does
 * not know (not saved), two owners' locks on one inode.
 */
static void test_deep_path_and_extras(void)
{
	struct fuse_state_report rep;
	struct fuse_entry_out e;
	char name[251];
	u64 parent = 1, stranger;
	void *buf;
	size_t len;

	fst_build_source(true);
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (int i = 0; i < 9; i++) {
		name[0] = (char)('a' + i);
		CU_ASSERT_EQUAL_FATAL(ts_mkdir(parent, name, 0755, &e), 0);
		parent = e.nodeid;
	}
	CU_ASSERT_EQUAL_FATAL(memfs_create(fuse_server_fs(fst_src), 1,
					   "stranger", 0644, 0, &stranger),
			      0);
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLK, fst.g, fst.fh_g, 9, F_RDLCK, 0, 5, 0,
			      NULL),
			0);
	fst_new_dst();
	buf = fst_save(fst_src, &len);
	CU_ASSERT_EQUAL(
		fuse_state_load(fst_dst, buf, len, FUSE_STATE_ABORT, &rep), 0);
	CU_ASSERT_EQUAL(rep.info.inodes, 5 + 9);
	CU_ASSERT_EQUAL(rep.info.locks, 3);
	/* the stranger was not migrated: renumbered on the destination */
	CU_ASSERT_EQUAL(rep.renumbered, 1);
	ts_srv = fst_dst;
	CU_ASSERT_EQUAL(ts_nlookup(parent), 1);
	CU_ASSERT_EQUAL(ts_lookup(1, "stranger", &e), 0);
	CU_ASSERT_NOT_EQUAL(e.nodeid, stranger);
	free(buf);
}

/* fuse_server_restore_session() takes only what an INIT could leave. */
static void test_restore_session(void)
{
	struct fuse_server_session s = { 0 };

	ts_setup(NULL);
	fst_src = ts_srv;
	s.now_nsec = 1000000000u;
	CU_ASSERT_EQUAL(fuse_server_restore_session(fst_src, &s), -EINVAL);
	s.now_nsec = 0;
	s.flags = FUSE_ASYNC_READ;
	CU_ASSERT_EQUAL(fuse_server_restore_session(fst_src, &s), -EINVAL);
	s.initialized = true;
	s.minor = FUSE_SERVER_MIN_MINOR - 1;
	CU_ASSERT_EQUAL(fuse_server_restore_session(fst_src, &s), -EINVAL);
	s.minor = FUSE_KERNEL_MINOR_VERSION + 1;
	CU_ASSERT_EQUAL(fuse_server_restore_session(fst_src, &s), -EINVAL);
	s.minor = FUSE_KERNEL_MINOR_VERSION;
	s.flags = FUSE_MAP_ALIGNMENT; /* no DAX window here */
	CU_ASSERT_EQUAL(fuse_server_restore_session(fst_src, &s), -EINVAL);
	CU_ASSERT_FALSE(fuse_server_initialized(fst_src));
	s.flags = FUSE_ASYNC_READ | FUSE_POSIX_LOCKS;
	s.now_sec = 5;
	CU_ASSERT_EQUAL(fuse_server_restore_session(fst_src, &s), 0);
	CU_ASSERT_TRUE(fuse_server_initialized(fst_src));
	CU_ASSERT_EQUAL(fuse_server_init_flags(fst_src), s.flags);
}

VT_SUITE_EACH(device_fuse_state, NULL, teardown, VT_CASE(test_round_trip),
	      VT_CASE(test_version1), VT_CASE(test_bswapped),
	      VT_CASE(test_uninitialised), VT_CASE(test_renumbered),
	      VT_CASE(test_deep_path_and_extras),
	      VT_CASE(test_restore_session));
