// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fuse_server_lock.c - POSIX locks through the FUSE server (GETLK,
 * SETLK, SETLKW parking and retry, FLUSH and RELEASE unlocks) and the DAX
 * window (SETUPMAPPING, REMOVEMAPPING).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "device/dax.h"
#include "device/locks.h"
#include "device/memfs.h"
#include "tests/device/test_fuse_server.h"
#include "tests/harness.h"

#define K  4096ULL
#define RD FUSE_SETUPMAPPING_FLAG_READ
#define WR FUSE_SETUPMAPPING_FLAG_WRITE

static struct fuse_entry_out e;
static u64 fh, fh2;

static void setup(void)
{
	/* SETLKW parks here (the device's park-setlkw); the default is
	 * test_setlkw_eopnotsupp's */
	struct fuse_server_config c = { .dax_window_size = 16 * K,
					.blocking_setlkw = true };

	ts_setup_init(&c);
	CU_ASSERT_EQUAL(ts_create(1, "f", 0644, O_RDWR, &e, &fh), 0);
	CU_ASSERT_EQUAL(ts_open(e.nodeid, O_RDWR, &fh2), 0);
}

static void teardown(void)
{
	CU_ASSERT_EQUAL(locks_check(fuse_server_locks(ts_srv)), 0);
	if (fuse_server_dax(ts_srv))
		CU_ASSERT_EQUAL(dax_check(fuse_server_dax(ts_srv)), 0);
	CU_ASSERT_EQUAL(memfs_check(fuse_server_fs(ts_srv), NULL, 0), 0);
	ts_teardown();
}

static void test_getlk_setlk(void)
{
	struct fuse_file_lock lk;

	CU_ASSERT_EQUAL(
		ts_lk(FUSE_GETLK, e.nodeid, fh, 1, F_WRLCK, 0, 99, 0, &lk), 0);
	CU_ASSERT_EQUAL(lk.type, F_UNLCK);
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLK, e.nodeid, fh, 1, F_WRLCK, 10, 19, 0,
			      NULL),
			0);
	CU_ASSERT_EQUAL(
		ts_lk(FUSE_GETLK, e.nodeid, fh2, 2, F_RDLCK, 0, 99, 0, &lk), 0);
	CU_ASSERT_EQUAL(lk.type, F_WRLCK);
	CU_ASSERT_EQUAL(lk.start, 10);
	CU_ASSERT_EQUAL(lk.end, 19);
	CU_ASSERT_EQUAL(lk.pid, 77);
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLK, e.nodeid, fh2, 2, F_RDLCK, 15, 30, 0,
			      NULL),
			-EAGAIN);
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLK, e.nodeid, fh2, 2, F_RDLCK, 20, 30, 0,
			      NULL),
			0);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(ts_srv)), 2);
	/* errors: bad range, bad type, fh of another node, flock() */
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLK, e.nodeid, fh, 1, F_WRLCK, 9, 3, 0,
			      NULL),
			-EINVAL);
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLK, e.nodeid, fh, 1, 7, 0, 3, 0, NULL),
			-EINVAL);
	CU_ASSERT_EQUAL(ts_lk(FUSE_GETLK, e.nodeid, fh, 1, F_WRLCK, 9, 3, 0,
			      NULL),
			-EINVAL);
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLK, 1, fh, 1, F_WRLCK, 0, 3, 0, NULL),
			-EBADF);
	CU_ASSERT_EQUAL(ts_lk(FUSE_GETLK, e.nodeid, 999, 1, F_WRLCK, 0, 3, 0,
			      NULL),
			-EBADF);
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLK, e.nodeid, fh, 1, F_WRLCK, 0, 3,
			      FUSE_LK_FLOCK, NULL),
			-ENOSYS);
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLKW, e.nodeid, fh, 1, F_WRLCK, 0, 3,
			      FUSE_LK_FLOCK, NULL),
			-ENOSYS);
	/* unlock */
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLK, e.nodeid, fh, 1, F_UNLCK, 0,
			      LOCKS_OFFSET_MAX, 0, NULL),
			0);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(ts_srv)), 1);
}

/* SETLKW blocks, another owner unlocks, the generation moves, retry. */
static void test_setlkw_retry(void)
{
	struct fuse_lk_in in = { fh2, 2, { 0, 99, F_WRLCK, 8 }, 0, 0 };
	struct fuse_proto_args a = { .opcode = FUSE_SETLKW,
				     .nodeid = e.nodeid,
				     .in_numargs = 1 };
	unsigned char req[256], copy[256];
	ssize_t n;
	u64 gen;

	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLK, e.nodeid, fh, 1, F_RDLCK, 50, 60, 0,
			      NULL),
			0);
	a.in_args[0] = (struct fuse_proto_in_arg){ sizeof(in), &in };
	n = fuse_proto_build_request(req, sizeof(req), 4242, &a, 0, 0, 1);
	CU_ASSERT_FATAL(n > 0);
	memcpy(copy, req, (size_t)n);
	gen = fuse_server_lock_generation(ts_srv);
	CU_ASSERT_EQUAL(ts_raw(req, (size_t)n, 4096), FUSE_SERVER_BLOCKED);
	CU_ASSERT_EQUAL(ts_rep_len, 0);
	/* nothing changed, the bytes are untouched: a retry is the same */
	CU_ASSERT_EQUAL(fuse_server_lock_generation(ts_srv), gen);
	CU_ASSERT_EQUAL(memcmp(req, copy, (size_t)n), 0);
	CU_ASSERT_EQUAL(ts_raw(req, (size_t)n, 4096), FUSE_SERVER_BLOCKED);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(ts_srv)), 1);
	/* owner 1 closes its descriptor: FLUSH drops its locks */
	CU_ASSERT_EQUAL(ts_flush(e.nodeid, fh, 1), 0);
	CU_ASSERT(fuse_server_lock_generation(ts_srv) != gen);
	CU_ASSERT_EQUAL(ts_raw(req, (size_t)n, 4096), FUSE_SERVER_REPLY);
	CU_ASSERT_EQUAL(ts_raw_error(), 0);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(ts_srv)), 1);
	/* an uncontended SETLKW is answered at once */
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLKW, e.nodeid, fh, 1, F_WRLCK, 200, 300,
			      0, NULL),
			0);
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLKW, e.nodeid, fh, 1, F_WRLCK, 50, 60, 0,
			      NULL),
			TS_BLOCKED);
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLKW, e.nodeid, 999, 1, F_WRLCK, 0, 1, 0,
			      NULL),
			-EBADF);
	CU_ASSERT_EQUAL(ts_flush(e.nodeid, 999, 1), -EBADF);
}

/* Without blocking_setlkw, as C virtiofsd: every SETLKW is EOPNOTSUPP,
 * before its arguments are looked at, and changes nothing. */
static void test_setlkw_eopnotsupp(void)
{
	struct fuse_server_config c = { 0 };
	u64 gen;

	teardown();
	ts_setup_init(&c);
	CU_ASSERT_EQUAL(ts_create(1, "f", 0644, O_RDWR, &e, &fh), 0);
	gen = fuse_server_lock_generation(ts_srv);
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLKW, e.nodeid, fh, 1, F_WRLCK, 0, 3, 0,
			      NULL),
			-EOPNOTSUPP);
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLKW, e.nodeid, 999, 1, F_WRLCK, 0, 3, 0,
			      NULL),
			-EOPNOTSUPP);
	CU_ASSERT_EQUAL(fuse_server_lock_generation(ts_srv), gen);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(ts_srv)), 0);
	/* SETLK and GETLK are served */
	CU_ASSERT_EQUAL(
		ts_lk(FUSE_SETLK, e.nodeid, fh, 1, F_WRLCK, 0, 3, 0, NULL), 0);
	CU_ASSERT_EQUAL(ts_open(e.nodeid, O_RDWR, &fh2), 0);
}

/* RELEASE with FLOCK_UNLOCK drops the owner's locks; freeing does too. */
static void test_release_unlocks(void)
{
	CU_ASSERT_EQUAL(
		ts_lk(FUSE_SETLK, e.nodeid, fh, 1, F_WRLCK, 0, 9, 0, NULL), 0);
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLK, e.nodeid, fh2, 2, F_WRLCK, 10, 19, 0,
			      NULL),
			0);
	/* plain RELEASE keeps the locks (FLUSH is what drops them) */
	CU_ASSERT_EQUAL(ts_release(e.nodeid, fh, 0, 1), 0);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(ts_srv)), 2);
	CU_ASSERT_EQUAL(ts_release(e.nodeid, fh2, FUSE_RELEASE_FLOCK_UNLOCK, 2),
			0);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(ts_srv)), 1);
	/* the inode goes away: its locks go with it (the free hook) */
	CU_ASSERT_EQUAL(ts_unlink(1, "f"), 0);
	CU_ASSERT_EQUAL(ts_forget(e.nodeid, 1), TS_NOREPLY);
	CU_ASSERT_EQUAL(ts_inodes(), 1);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(ts_srv)), 0);
}

static const char *show(void)
{
	static char buf[256];
	struct dax_window *win = fuse_server_dax(ts_srv);

	buf[0] = '\0';
	for (u64 m = 0; m < 16; m++) {
		char c = '.';
		u8 b;

		if (dax_read(win, m * K, &b, 1) == 1)
			c = (char)b;
		strncat(buf, &c, 1);
	}
	return buf;
}

/* Map, replace, split and unmap through the server. */
static void test_dax(void)
{
	static u8 data[8 * K];
	struct fuse_removemapping_one rm[2];
	u32 n;

	for (u64 p = 0; p < 8; p++)
		memset(data + p * K, 'a' + (int)p, K);
	CU_ASSERT_EQUAL(ts_write(e.nodeid, fh, 0, data, sizeof(data), &n), 0);
	CU_ASSERT_EQUAL(ts_setupmapping(e.nodeid, ~0ULL, 0, 4 * K, 0, RD | WR),
			0);
	CU_ASSERT_STRING_EQUAL(show(), "abcd............");
	/* replace pages 1..2 with file pages 5..6 (a split) */
	CU_ASSERT_EQUAL(ts_setupmapping(e.nodeid, fh, 5 * K, 2 * K, K, RD), 0);
	CU_ASSERT_STRING_EQUAL(show(), "afgd............");
	CU_ASSERT_EQUAL(dax_count(fuse_server_dax(ts_srv)), 3);
	CU_ASSERT_EQUAL(ts_setupmapping(e.nodeid, ~0ULL, 7 * K, K, 15 * K, RD),
			0);
	CU_ASSERT_STRING_EQUAL(show(), "afgd...........h");
	/* unmap a range that cuts two mappings, and the last one */
	rm[0] = (struct fuse_removemapping_one){ 2 * K, 2 * K };
	rm[1] = (struct fuse_removemapping_one){ 15 * K, K };
	CU_ASSERT_EQUAL(ts_removemapping(rm, 2), 0);
	CU_ASSERT_STRING_EQUAL(show(), "af..............");
	/* errors */
	CU_ASSERT_EQUAL(ts_removemapping(rm, 1), -ENOENT);
	CU_ASSERT_EQUAL(ts_removemapping(rm, 0), -EINVAL);
	rm[0] = (struct fuse_removemapping_one){ 0, K };
	rm[1] = (struct fuse_removemapping_one){ 3, K };
	CU_ASSERT_EQUAL(ts_removemapping(rm, 2), -EINVAL);
	CU_ASSERT_STRING_EQUAL(show(), ".f.............."); /* first done */
	CU_ASSERT_EQUAL(ts_setupmapping(e.nodeid, ~0ULL, 1, K, 0, RD), -EINVAL);
	CU_ASSERT_EQUAL(ts_setupmapping(e.nodeid, ~0ULL, 0, K, 16 * K, RD),
			-EINVAL);
	CU_ASSERT_EQUAL(ts_setupmapping(e.nodeid, ~0ULL, 0, K, 0, 4), -EINVAL);
	CU_ASSERT_EQUAL(ts_setupmapping(1, ~0ULL, 0, K, 0, RD), -EISDIR);
	CU_ASSERT_EQUAL(ts_setupmapping(999, ~0ULL, 0, K, 0, RD), -ESTALE);
	CU_ASSERT_EQUAL(ts_setupmapping(e.nodeid, 999, 0, K, 0, RD), -EBADF);
	CU_ASSERT_EQUAL(ts_setupmapping(1, fh, 0, K, 0, RD), -EBADF);
	/* a mapping pins the file past its name, lookups and handles */
	CU_ASSERT_EQUAL(ts_release(e.nodeid, fh, 0, 0), 0);
	CU_ASSERT_EQUAL(ts_release(e.nodeid, fh2, 0, 0), 0);
	CU_ASSERT_EQUAL(ts_unlink(1, "f"), 0);
	CU_ASSERT_EQUAL(ts_forget(e.nodeid, 1), TS_NOREPLY);
	CU_ASSERT_EQUAL(ts_inodes(), 2);
	rm[0] = (struct fuse_removemapping_one){ 0, 16 * K };
	CU_ASSERT_EQUAL(ts_removemapping(rm, 1), 0);
	CU_ASSERT_EQUAL(ts_inodes(), 1);
}

static void test_no_window(void)
{
	struct fuse_removemapping_one rm = { 0, K };

	ts_teardown();
	ts_setup_init(NULL);
	CU_ASSERT_EQUAL(ts_create(1, "f", 0644, O_RDWR, &e, &fh), 0);
	CU_ASSERT_EQUAL(ts_setupmapping(e.nodeid, ~0ULL, 0, K, 0, RD), -ENOSYS);
	CU_ASSERT_EQUAL(ts_removemapping(&rm, 1), -ENOSYS);
}

VT_SUITE_EACH(device_fuse_server_lock, setup, teardown,
	      VT_CASE(test_getlk_setlk), VT_CASE(test_setlkw_retry),
	      VT_CASE(test_setlkw_eopnotsupp), VT_CASE(test_release_unlocks),
	      VT_CASE(test_dax), VT_CASE(test_no_window));
