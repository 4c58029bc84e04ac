// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fuse_server_ops.c - the FUSE server's operations, success and
 * error paths: names, attributes, handles, data, directories, lookup
 * counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device/memfs.h"
#include "tests/device/test_fuse_server.h"
#include "tests/harness.h"

static void setup(void)
{
	ts_setup_init(NULL);
}

static void teardown(void)
{
	CU_ASSERT_EQUAL(memfs_check(fuse_server_fs(ts_srv), NULL, 0), 0);
	ts_teardown();
}

static void test_lookup_getattr(void)
{
	struct fuse_entry_out e, d;
	struct fuse_attr_out ao;
	u64 fh;

	CU_ASSERT_EQUAL(ts_mkdir(1, "d", 0750, &d), 0);
	CU_ASSERT(S_ISDIR(d.attr.mode));
	CU_ASSERT_EQUAL(d.attr.mode & 07777, 0750);
	CU_ASSERT_EQUAL(d.entry_valid, FUSE_SERVER_ENTRY_VALID_SEC);
	CU_ASSERT_EQUAL(d.attr_valid, FUSE_SERVER_ATTR_VALID_SEC);
	CU_ASSERT_EQUAL(d.generation, 1);
	CU_ASSERT_EQUAL(
		ts_create(d.nodeid, "f", S_IFREG | 0644, O_RDWR, &e, &fh), 0);
	CU_ASSERT_EQUAL(ts_lookup(d.nodeid, "f", &e), 0);
	CU_ASSERT_EQUAL(e.attr.ino, e.nodeid);
	CU_ASSERT(S_ISREG(e.attr.mode));
	CU_ASSERT_EQUAL(ts_lookup(d.nodeid, ".", &e), 0);
	CU_ASSERT_EQUAL(e.nodeid, d.nodeid);
	CU_ASSERT_EQUAL(ts_lookup(1, "missing", NULL), -ENOENT);
	CU_ASSERT_EQUAL(ts_lookup(999, "f", NULL), -ESTALE);
	CU_ASSERT_EQUAL(ts_lookup(1, "a/b", NULL), -EINVAL);
	CU_ASSERT_EQUAL(ts_getattr(d.nodeid, 0, 0, &ao), 0);
	CU_ASSERT_EQUAL(ao.attr.ino, d.nodeid);
	CU_ASSERT_EQUAL(ao.attr_valid, FUSE_SERVER_ATTR_VALID_SEC);
	CU_ASSERT_EQUAL(ts_getattr(999, 0, 0, NULL), -ESTALE);
	/* GETATTR with an fh: the handle must be on the node */
	CU_ASSERT_EQUAL(ts_lookup(d.nodeid, "f", &e), 0);
	CU_ASSERT_EQUAL(ts_getattr(e.nodeid, FUSE_GETATTR_FH, fh, &ao), 0);
	CU_ASSERT_EQUAL(ao.attr.ino, e.nodeid);
	CU_ASSERT_EQUAL(ts_getattr(d.nodeid, FUSE_GETATTR_FH, fh, NULL),
			-EBADF);
	CU_ASSERT_EQUAL(ts_getattr(e.nodeid, FUSE_GETATTR_FH, 555, NULL),
			-EBADF);
}

static void test_setattr(void)
{
	struct fuse_entry_out e;
	struct fuse_setattr_in in = { 0 };
	struct fuse_attr_out ao;
	u64 fh;

	CU_ASSERT_EQUAL(ts_create(1, "f", 0644, O_RDWR, &e, &fh), 0);
	in.valid = FATTR_SIZE | FATTR_MODE | FATTR_FH | FATTR_LOCKOWNER;
	in.size = 10000;
	in.mode = 0600;
	in.fh = fh;
	in.lock_owner = 5;
	CU_ASSERT_EQUAL(ts_setattr(e.nodeid, &in, &ao), 0);
	CU_ASSERT_EQUAL(ao.attr.size, 10000);
	CU_ASSERT_EQUAL(ao.attr.mode & 07777, 0600);
	in.fh = 12345;
	CU_ASSERT_EQUAL(ts_setattr(e.nodeid, &in, NULL), -EBADF);
	/* times: explicit, and "now" from the server's clock */
	CU_ASSERT_EQUAL(fuse_server_set_time(ts_srv, 777, 3), 0);
	memset(&in, 0, sizeof(in));
	in.valid = FATTR_ATIME | FATTR_MTIME_NOW;
	in.atime = 100;
	in.atimensec = 5;
	CU_ASSERT_EQUAL(ts_setattr(e.nodeid, &in, &ao), 0);
	CU_ASSERT_EQUAL(ao.attr.atime, 100);
	CU_ASSERT_EQUAL(ao.attr.atimensec, 5);
	CU_ASSERT_EQUAL(ao.attr.mtime, 777);
	CU_ASSERT_EQUAL(ao.attr.mtimensec, 3);
	in.valid = FATTR_UID | FATTR_GID;
	in.uid = 1000;
	in.gid = 100;
	CU_ASSERT_EQUAL(ts_setattr(e.nodeid, &in, &ao), 0);
	CU_ASSERT_EQUAL(ao.attr.uid, 1000);
	CU_ASSERT_EQUAL(ao.attr.gid, 100);
	/* bits memfs does not take */
	in.valid = FATTR_KILL_SUIDGID;
	CU_ASSERT_EQUAL(ts_setattr(e.nodeid, &in, NULL), -EINVAL);
	in.valid = FATTR_SIZE;
	CU_ASSERT_EQUAL(ts_setattr(1, &in, NULL), -EISDIR);
	CU_ASSERT_EQUAL(ts_setattr(999, &in, NULL), -ESTALE);
	CU_ASSERT_EQUAL(ts_release(e.nodeid, fh, 0, 0), 0);
}

static void test_create_open(void)
{
	struct fuse_entry_out e, d, g;
	u64 fh, fh2;
	u32 n;

	CU_ASSERT_EQUAL(ts_create(1, "f", 0644, O_RDWR, &e, &fh), 0);
	CU_ASSERT(fh > 0);
	CU_ASSERT_EQUAL(ts_nlookup(e.nodeid), 1);
	CU_ASSERT_EQUAL(ts_write(e.nodeid, fh, 0, "hello", 5, &n), 0);
	CU_ASSERT_EQUAL(n, 5);
	/* exists: plain create reopens, O_EXCL refuses */
	CU_ASSERT_EQUAL(ts_create(1, "f", 0644, O_RDWR, &e, &fh2), 0);
	CU_ASSERT(fh2 != fh);
	CU_ASSERT_EQUAL(ts_nlookup(e.nodeid), 2);
	CU_ASSERT_EQUAL(ts_create(1, "f", 0644, O_RDWR | O_EXCL, NULL, NULL),
			-EEXIST);
	CU_ASSERT_EQUAL(ts_mkdir(1, "d", 0755, &d), 0);
	CU_ASSERT_EQUAL(ts_create(1, "d", 0644, O_RDWR, NULL, NULL), -EISDIR);
	CU_ASSERT_EQUAL(ts_create(e.nodeid, "x", 0644, O_RDWR, NULL, NULL),
			-ENOTDIR);
	CU_ASSERT_EQUAL(ts_create(999, "x", 0644, O_RDWR, NULL, NULL), -ESTALE);
	/* create succeeds, the open fails: no lookup is handed out */
	CU_ASSERT_EQUAL(ts_create(1, "g", 0644, O_ACCMODE, NULL, NULL),
			-EINVAL);
	CU_ASSERT_EQUAL(ts_lookup(1, "g", &g), 0);
	CU_ASSERT_EQUAL(ts_nlookup(g.nodeid), 1);
	/* OPEN */
	CU_ASSERT_EQUAL(ts_open(e.nodeid, O_RDONLY, &fh2), 0);
	CU_ASSERT_EQUAL(ts_open(d.nodeid, O_RDONLY, NULL), -EISDIR);
	CU_ASSERT_EQUAL(ts_open(999, O_RDONLY, NULL), -ESTALE);
	CU_ASSERT_EQUAL(ts_open(e.nodeid, O_ACCMODE, NULL), -EINVAL);
	/* O_TRUNC through OPEN (ATOMIC_O_TRUNC) */
	CU_ASSERT_EQUAL(ts_open(e.nodeid, O_WRONLY | O_TRUNC, &fh2), 0);
	{
		struct fuse_attr_out ao;

		CU_ASSERT_EQUAL(ts_getattr(e.nodeid, 0, 0, &ao), 0);
		CU_ASSERT_EQUAL(ao.attr.size, 0);
	}
	CU_ASSERT_EQUAL(ts_release(e.nodeid, fh2, 0, 0), 0);
	CU_ASSERT_EQUAL(ts_release(e.nodeid, fh2, 0, 0), -EBADF);
	CU_ASSERT_EQUAL(ts_release(e.nodeid, fh, 0, 0), 0);
}

static void test_read_write(void)
{
	struct fuse_entry_out e;
	char buf[64];
	u64 fh, ro;
	u32 n;

	CU_ASSERT_EQUAL(ts_create(1, "f", 0644, O_RDWR, &e, &fh), 0);
	CU_ASSERT_EQUAL(ts_write(e.nodeid, fh, 4, "abcdef", 6, &n), 0);
	CU_ASSERT_EQUAL(n, 6);
	CU_ASSERT_EQUAL(ts_read(e.nodeid, fh, 0, sizeof(buf), buf, &n), 0);
	CU_ASSERT_EQUAL(n, 10); /* short at EOF */
	CU_ASSERT_EQUAL(memcmp(buf, "\0\0\0\0abcdef", 10), 0);
	CU_ASSERT_EQUAL(ts_read(e.nodeid, fh, 8, 2, buf, &n), 0);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(memcmp(buf, "ef", 2), 0);
	CU_ASSERT_EQUAL(ts_read(e.nodeid, fh, 100, 8, buf, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(ts_read(e.nodeid, 999, 0, 8, buf, NULL), -EBADF);
	CU_ASSERT_EQUAL(ts_write(e.nodeid, 999, 0, "x", 1, NULL), -EBADF);
	CU_ASSERT_EQUAL(ts_open(e.nodeid, O_RDONLY, &ro), 0);
	CU_ASSERT_EQUAL(ts_write(e.nodeid, ro, 0, "x", 1, NULL), -EBADF);
	CU_ASSERT_EQUAL(ts_release(e.nodeid, ro, 0, 0), 0);
	CU_ASSERT_EQUAL(ts_write(e.nodeid, fh, 1ULL << 40, "x", 1, NULL),
			-EFBIG);
	CU_ASSERT_EQUAL(ts_release(e.nodeid, fh, 0, 0), 0);
}

static void test_write_max(void)
{
	static char big[8192 + 1];
	struct fuse_server_config c = { .max_write = 8192 };
	struct fuse_entry_out e;
	u64 fh;
	u32 n;

	ts_teardown();
	ts_setup_init(&c);
	CU_ASSERT_EQUAL(ts_create(1, "f", 0644, O_RDWR, &e, &fh), 0);
	CU_ASSERT_EQUAL(ts_write(e.nodeid, fh, 0, big, 8192, &n), 0);
	CU_ASSERT_EQUAL(n, 8192);
	CU_ASSERT_EQUAL(ts_write(e.nodeid, fh, 0, big, 8193, NULL), -EINVAL);
}

/* Parse n dirent records: names joined with ',' and the last off. */
static void dirents(const u8 *buf, u32 len, char *names, u64 *last_off)
{
	u32 pos = 0;

	names[0] = '\0';
	while (pos < len) {
		struct fuse_dirent d;

		memcpy(&d, buf + pos, FUSE_NAME_OFFSET);
		CU_ASSERT_FATAL(pos + FUSE_DIRENT_SIZE(&d) <= len);
		strncat(names, (const char *)buf + pos + FUSE_NAME_OFFSET,
			d.namelen);
		strcat(names, ",");
		*last_off = d.off;
		pos += (u32)FUSE_DIRENT_SIZE(&d);
	}
}

static void test_readdir(void)
{
	struct fuse_entry_out d, e;
	u8 buf[4096];
	char names[512], all[512] = "";
	u64 dfh, off = 0;
	u32 n;
	int pages = 0;

	CU_ASSERT_EQUAL(ts_mkdir(1, "d", 0755, &d), 0);
	for (int i = 0; i < 6; i++) {
		char nm[32];

		snprintf(nm, sizeof(nm), "entry-%d%s", i,
			 i == 3 ? "-long" : "");
		CU_ASSERT_EQUAL(ts_mkdir(d.nodeid, nm, 0755, &e), 0);
	}
	CU_ASSERT_EQUAL(ts_opendir(d.nodeid, &dfh), 0);
	/* whole directory in one go */
	CU_ASSERT_EQUAL(ts_readdir(d.nodeid, dfh, 0, sizeof(buf), buf, &n), 0);
	dirents(buf, n, names, &off);
	CU_ASSERT_STRING_EQUAL(names, ".,..,entry-0,entry-1,entry-2,"
				      "entry-3-long,entry-4,entry-5,");
	/* paging with room for about one record */
	off = 0;
	for (;;) {
		CU_ASSERT_EQUAL_FATAL(
			ts_readdir(d.nodeid, dfh, off, 40, buf, &n), 0);
		if (!n)
			break;
		CU_ASSERT(n <= 40);
		dirents(buf, n, names, &off);
		strcat(all, names);
		pages++;
	}
	CU_ASSERT_STRING_EQUAL(all, ".,..,entry-0,entry-1,entry-2,"
				    "entry-3-long,entry-4,entry-5,");
	CU_ASSERT_EQUAL(pages, 8);
	/* 32 bytes hold "." but never "entry-3-long" */
	CU_ASSERT_EQUAL(ts_readdir(d.nodeid, dfh, 0, 32, buf, &n), 0);
	CU_ASSERT_EQUAL(n, 32);
	CU_ASSERT_EQUAL(ts_readdir(d.nodeid, dfh, off - 0, 0, buf, &n), 0);
	/* find the cookie before entry-3-long and ask with 32 bytes */
	CU_ASSERT_EQUAL(ts_readdir(d.nodeid, dfh, 0, sizeof(buf), buf, &n), 0);
	{
		u32 pos = 0;
		u64 before = 0;

		while (pos < n) {
			struct fuse_dirent x;

			memcpy(&x, buf + pos, FUSE_NAME_OFFSET);
			if (!memcmp(buf + pos + FUSE_NAME_OFFSET, "entry-3", 7))
				break;
			before = x.off;
			pos += (u32)FUSE_DIRENT_SIZE(&x);
		}
		CU_ASSERT_EQUAL(ts_readdir(d.nodeid, dfh, before, 32, buf, &n),
				-EINVAL);
	}
	CU_ASSERT_EQUAL(ts_readdir(d.nodeid, 999, 0, 100, buf, NULL), -EBADF);
	/* a handle of the wrong kind */
	CU_ASSERT_EQUAL(ts_release(d.nodeid, dfh, 0, 0), -EBADF);
	CU_ASSERT_EQUAL(ts_releasedir(d.nodeid, dfh), 0);
	CU_ASSERT_EQUAL(ts_releasedir(d.nodeid, dfh), -EBADF);
	CU_ASSERT_EQUAL(ts_opendir(999, NULL), -ESTALE);
	CU_ASSERT_EQUAL(ts_create(1, "f", 0644, O_RDWR, &e, NULL), 0);
	CU_ASSERT_EQUAL(ts_opendir(e.nodeid, NULL), -ENOTDIR);
}

static void test_unlink_rmdir_rename(void)
{
	struct fuse_entry_out d, e, f;
	u64 fh;

	CU_ASSERT_EQUAL(ts_mkdir(1, "d", 0755, &d), 0);
	CU_ASSERT_EQUAL(ts_mkdir(1, "d", 0755, NULL), -EEXIST);
	CU_ASSERT_EQUAL(ts_mkdir(999, "x", 0755, NULL), -ESTALE);
	CU_ASSERT_EQUAL(ts_create(d.nodeid, "f", 0644, O_RDWR, &e, &fh), 0);
	CU_ASSERT_EQUAL(ts_mkdir(e.nodeid, "x", 0755, NULL), -ENOTDIR);
	CU_ASSERT_EQUAL(ts_rmdir(1, "d"), -ENOTEMPTY);
	CU_ASSERT_EQUAL(ts_unlink(1, "d"), -EISDIR);
	CU_ASSERT_EQUAL(ts_rmdir(d.nodeid, "f"), -ENOTDIR);
	CU_ASSERT_EQUAL(ts_unlink(1, "nope"), -ENOENT);
	CU_ASSERT_EQUAL(ts_unlink(999, "nope"), -ESTALE);
	/* rename, then RENAME2 NOREPLACE and EXCHANGE */
	CU_ASSERT_EQUAL(ts_rename(d.nodeid, "f", 1, "g"), 0);
	CU_ASSERT_EQUAL(ts_lookup(d.nodeid, "f", NULL), -ENOENT);
	CU_ASSERT_EQUAL(ts_lookup(1, "g", &f), 0);
	CU_ASSERT_EQUAL(f.nodeid, e.nodeid);
	CU_ASSERT_EQUAL(ts_rename(1, "nope", 1, "x"), -ENOENT);
	CU_ASSERT_EQUAL(ts_rename(1, "g", 999, "x"), -ESTALE);
	CU_ASSERT_EQUAL(ts_rename(1, "d", d.nodeid, "sub"), -EINVAL);
	CU_ASSERT_EQUAL(ts_rename2(1, "g", 1, "d", 1 /* NOREPLACE */), -EEXIST);
	CU_ASSERT_EQUAL(ts_rename2(1, "g", 1, "d", 2 /* EXCHANGE */), 0);
	CU_ASSERT_EQUAL(ts_lookup(1, "d", &f), 0);
	CU_ASSERT_EQUAL(f.nodeid, e.nodeid);
	CU_ASSERT_EQUAL(ts_rename2(1, "g", 1, "h", 4 /* WHITEOUT */), -EINVAL);
	CU_ASSERT_EQUAL(ts_rename2(1, "g", 1, "h", 0), 0);
	/* unlink an open file: it lives until released and forgotten */
	CU_ASSERT_EQUAL(ts_unlink(1, "d"), 0);
	CU_ASSERT_EQUAL(ts_getattr(e.nodeid, 0, 0, NULL), 0);
	CU_ASSERT_EQUAL(ts_release(e.nodeid, fh, 0, 0), 0);
	CU_ASSERT_EQUAL(ts_forget(e.nodeid, ts_nlookup(e.nodeid)), TS_NOREPLY);
	CU_ASSERT_EQUAL(ts_getattr(e.nodeid, 0, 0, NULL), -ESTALE);
	CU_ASSERT_EQUAL(ts_rmdir(1, "h"), 0);
}

/* After LOOKUPs and FORGETs everything but the root is gone. */
static void test_lookup_counts(void)
{
	struct fuse_entry_out d, e;
	u64 fh;

	CU_ASSERT_EQUAL(ts_mkdir(1, "d", 0755, &d), 0);
	CU_ASSERT_EQUAL(ts_create(d.nodeid, "f", 0644, O_RDWR, &e, &fh), 0);
	CU_ASSERT_EQUAL(ts_lookup(1, "d", NULL), 0);
	CU_ASSERT_EQUAL(ts_lookup(d.nodeid, "f", NULL), 0);
	CU_ASSERT_EQUAL(ts_lookup(d.nodeid, "f", NULL), 0);
	CU_ASSERT_EQUAL(ts_nlookup(d.nodeid), 2);
	CU_ASSERT_EQUAL(ts_nlookup(e.nodeid), 3);
	CU_ASSERT_EQUAL(ts_release(e.nodeid, fh, 0, 0), 0);
	CU_ASSERT_EQUAL(ts_unlink(d.nodeid, "f"), 0);
	CU_ASSERT_EQUAL(ts_rmdir(1, "d"), 0);
	CU_ASSERT_EQUAL(ts_inodes(), 3); /* the lookups keep them */
	CU_ASSERT_EQUAL(ts_forget(e.nodeid, 2), TS_NOREPLY);
	CU_ASSERT_EQUAL(ts_inodes(), 3);
	CU_ASSERT_EQUAL(ts_forget(e.nodeid, 1), TS_NOREPLY);
	CU_ASSERT_EQUAL(ts_inodes(), 2);
	CU_ASSERT_EQUAL(ts_forget(d.nodeid, 1), TS_NOREPLY);
	CU_ASSERT_EQUAL(ts_nlookup(d.nodeid), 1);
	CU_ASSERT_EQUAL(ts_forget(d.nodeid, 1), TS_NOREPLY);
	CU_ASSERT_EQUAL(ts_inodes(), 1);
	/* stale and over-forgets are traced, never answered */
	CU_ASSERT_EQUAL(ts_forget(d.nodeid, 1), TS_NOREPLY);
	CU_ASSERT_EQUAL(ts_forget(1, 5), TS_NOREPLY);
	CU_ASSERT_EQUAL(ts_getattr(1, 0, 0, NULL), 0);
}

/* An unmount-style BATCH_FORGET of every lookup leaves only the root. */
static void test_batch_forget(void)
{
	struct fuse_forget_one v[8];
	struct fuse_entry_out d, e;
	u64 ids[4];
	u32 n = 0;

	CU_ASSERT_EQUAL(ts_mkdir(1, "a", 0755, &d), 0);
	ids[0] = d.nodeid;
	CU_ASSERT_EQUAL(ts_mkdir(d.nodeid, "b", 0755, &e), 0);
	ids[1] = e.nodeid;
	CU_ASSERT_EQUAL(ts_lookup(1, "a", NULL), 0);
	CU_ASSERT_EQUAL(ts_mkdir(e.nodeid, "c", 0755, &e), 0);
	ids[2] = e.nodeid;
	CU_ASSERT_EQUAL(ts_mkdir(1, "z", 0755, &e), 0);
	ids[3] = e.nodeid;
	CU_ASSERT_EQUAL(ts_rmdir(ids[1], "c"), 0);
	CU_ASSERT_EQUAL(ts_rmdir(ids[0], "b"), 0);
	CU_ASSERT_EQUAL(ts_rmdir(1, "a"), 0);
	CU_ASSERT_EQUAL(ts_rmdir(1, "z"), 0);
	CU_ASSERT_EQUAL(ts_inodes(), 5);
	for (int i = 0; i < 4; i++)
		v[n++] = (struct fuse_forget_one){ ids[i], ts_nlookup(ids[i]) };
	CU_ASSERT_EQUAL(v[0].nlookup, 2);
	/* one bad entry in the middle does not stop the rest */
	v[n++] = (struct fuse_forget_one){ 999, 1 };
	CU_ASSERT_EQUAL(ts_batch_forget(v, n), TS_NOREPLY);
	CU_ASSERT_EQUAL(ts_inodes(), 1);
	CU_ASSERT_EQUAL(ts_batch_forget(v, 0), TS_NOREPLY);
}

static void test_statfs_access(void)
{
	struct fuse_statfs_out st;
	struct fuse_entry_out e;
	struct fuse_setattr_in in = { .valid = FATTR_MODE, .mode = 0744 };
	u64 fh;
	u32 n;

	CU_ASSERT_EQUAL(ts_statfs(1, &st), 0);
	CU_ASSERT_EQUAL(st.st.bsize, FUSE_SERVER_STATFS_BSIZE);
	CU_ASSERT_EQUAL(st.st.blocks, FUSE_SERVER_STATFS_BLOCKS);
	CU_ASSERT_EQUAL(st.st.bfree, FUSE_SERVER_STATFS_BLOCKS);
	CU_ASSERT_EQUAL(st.st.files, 65536);
	CU_ASSERT_EQUAL(st.st.ffree, 65535);
	CU_ASSERT_EQUAL(st.st.namelen, 255);
	CU_ASSERT_EQUAL(ts_create(1, "f", 0644, O_RDWR, &e, &fh), 0);
	CU_ASSERT_EQUAL(ts_write(e.nodeid, fh, 0, "x", 1, &n), 0);
	CU_ASSERT_EQUAL(ts_statfs(1, &st), 0);
	CU_ASSERT_EQUAL(st.st.bfree, FUSE_SERVER_STATFS_BLOCKS - 1);
	CU_ASSERT_EQUAL(st.st.ffree, 65534);
	CU_ASSERT_EQUAL(ts_statfs(999, NULL), -ESTALE);
	CU_ASSERT_EQUAL(ts_access(e.nodeid, F_OK), 0);
	CU_ASSERT_EQUAL(ts_access(e.nodeid, R_OK | W_OK), 0);
	CU_ASSERT_EQUAL(ts_access(e.nodeid, X_OK), -EACCES);
	CU_ASSERT_EQUAL(ts_access(1, X_OK), 0);
	CU_ASSERT_EQUAL(ts_access(e.nodeid, 8), -EINVAL);
	CU_ASSERT_EQUAL(ts_access(999, R_OK), -ESTALE);
	CU_ASSERT_EQUAL(ts_setattr(e.nodeid, &in, NULL), 0);
	CU_ASSERT_EQUAL(ts_access(e.nodeid, X_OK), 0);
	CU_ASSERT_EQUAL(ts_release(e.nodeid, fh, 0, 0), 0);
}

/* STATFS counts inodes against the configured limit. */
static void test_statfs_limit(void)
{
	struct fuse_server_config c = { .max_inodes = 3 };
	struct fuse_statfs_out st;

	ts_teardown();
	ts_setup_init(&c);
	CU_ASSERT_EQUAL(ts_mkdir(1, "a", 0755, NULL), 0);
	CU_ASSERT_EQUAL(ts_mkdir(1, "b", 0755, NULL), 0);
	CU_ASSERT_EQUAL(ts_statfs(1, &st), 0);
	CU_ASSERT_EQUAL(st.st.files, 3);
	CU_ASSERT_EQUAL(st.st.ffree, 0);
	CU_ASSERT_EQUAL(ts_mkdir(1, "c", 0755, NULL), -ENOSPC);
}

VT_SUITE_EACH(device_fuse_server_ops, setup, teardown,
	      VT_CASE(test_lookup_getattr), VT_CASE(test_setattr),
	      VT_CASE(test_create_open), VT_CASE(test_read_write),
	      VT_CASE(test_write_max), VT_CASE(test_readdir),
	      VT_CASE(test_unlink_rmdir_rename), VT_CASE(test_lookup_counts),
	      VT_CASE(test_batch_forget), VT_CASE(test_statfs_access),
	      VT_CASE(test_statfs_limit));
