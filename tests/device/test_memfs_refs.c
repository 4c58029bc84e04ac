// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_memfs_refs.c - memfs lookup counts, pins, handles, readdir, paths.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "device/memfs.h"
#include "tests/device/memfs_test_util.h"
#include "tests/harness.h"

static u64 freed[16];
static int nfreed;

static void on_free(void *arg, u64 ino)
{
	CU_ASSERT_PTR_EQUAL(arg, &nfreed);
	if (nfreed < 16)
		freed[nfreed++] = ino;
}

static u64 ninodes(struct memfs *fs)
{
	struct memfs_stats st;

	memfs_get_stats(fs, &st);
	return st.inodes;
}

static void test_forget_everything(void)
{
	struct memfs *fs = memfs_new(NULL);
	u64 ids[6], x;
	char name[16];

	nfreed = 0;
	memfs_set_free_hook(fs, on_free, &nfreed);
	/* A server replying to LOOKUP/CREATE/MKDIR counts each reply. */
	memfs_mkdir(fs, 1, "d", 0700, &ids[0]);
	memfs_ref(fs, ids[0]);
	for (int i = 1; i < 6; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		CU_ASSERT_EQUAL(
			memfs_create(fs, ids[0], name, 0600, 0, &ids[i]), 0);
		memfs_ref(fs, ids[i]);
		memfs_lookup(fs, ids[0], name, &x);
		memfs_ref(fs, x);
	}
	memfs_ref(fs, 1);
	CHECK_FS(fs);
	/* The guest unlinks everything, then forgets everything. */
	for (int i = 1; i < 6; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		CU_ASSERT_EQUAL(memfs_unlink(fs, ids[0], name), 0);
	}
	CU_ASSERT_EQUAL(memfs_rmdir(fs, 1, "d"), 0);
	CU_ASSERT_EQUAL(ninodes(fs), 7);
	CU_ASSERT_EQUAL(nfreed, 0);
	CHECK_FS(fs);
	CU_ASSERT_EQUAL(memfs_forget(fs, ids[0], 1), 0);
	for (int i = 1; i < 6; i++) {
		CU_ASSERT_EQUAL(memfs_forget(fs, ids[i], 1), 0);
		CU_ASSERT_EQUAL(ninodes(fs), 8 - i - 1);
		CU_ASSERT_EQUAL(memfs_forget(fs, ids[i], 1), 0);
		CHECK_FS(fs);
	}
	CU_ASSERT_EQUAL(memfs_forget(fs, 1, 1), 0);
	CU_ASSERT_EQUAL(memfs_forget(fs, 1, 1), -ERANGE); /* root survives */
	CU_ASSERT_EQUAL(ninodes(fs), 1);
	CU_ASSERT_EQUAL(nfreed, 6);
	CU_ASSERT_EQUAL(freed[0], ids[0]);
	CU_ASSERT_EQUAL(freed[5], ids[5]);
	CU_ASSERT_EQUAL(memfs_forget(fs, ids[1], 1), -ESTALE);
	CU_ASSERT_EQUAL(memfs_ref(fs, ids[1]), -ESTALE);
	CHECK_FS(fs);
	memfs_free(fs);
}

static void test_forget_clamps(void)
{
	struct memfs *fs = memfs_new(NULL);
	struct memfs_attr a;
	u64 f;

	memfs_create(fs, 1, "f", 0600, 0, &f);
	memfs_ref(fs, f);
	memfs_ref(fs, f);
	CU_ASSERT_EQUAL(memfs_forget(fs, f, 5), -ERANGE);
	/* Still linked: clamped to zero but alive. */
	CU_ASSERT_EQUAL(memfs_getattr(fs, f, &a), 0);
	CU_ASSERT_EQUAL(memfs_unlink(fs, 1, "f"), 0);
	CU_ASSERT_EQUAL(memfs_getattr(fs, f, &a), -ESTALE);
	CHECK_FS(fs);
	memfs_free(fs);
}

static void test_unlinked_but_open(void)
{
	struct memfs *fs = memfs_new(NULL);
	struct memfs_attr a;
	char buf[8];
	u64 f, fh, fh2, x;

	memfs_create(fs, 1, "f", 0600, 0, &f);
	memfs_write(fs, f, 0, "data", 4);
	CU_ASSERT_EQUAL(memfs_open(fs, f, O_RDWR, &fh), 0);
	CU_ASSERT_EQUAL(memfs_open(fs, f, O_RDONLY, &fh2), 0);
	CU_ASSERT_EQUAL(memfs_unlink(fs, 1, "f"), 0);
	CU_ASSERT_EQUAL(memfs_lookup(fs, 1, "f", &x), -ENOENT);
	CU_ASSERT_EQUAL(memfs_getattr(fs, f, &a), 0);
	CU_ASSERT_EQUAL(a.nlink, 0);
	CU_ASSERT_EQUAL(memfs_path(fs, f, (char[64]){ 0 }, 64), -ENOENT);
	CU_ASSERT_EQUAL(memfs_fh_write(fs, fh, 4, "!", 1), 1);
	CU_ASSERT_EQUAL(memfs_fh_read(fs, fh2, 0, buf, 8), 5);
	CU_ASSERT_EQUAL(memcmp(buf, "data!", 5), 0);
	CHECK_FS(fs);
	CU_ASSERT_EQUAL(memfs_release(fs, fh), 0);
	CU_ASSERT_EQUAL(memfs_getattr(fs, f, &a), 0);
	CU_ASSERT_EQUAL(memfs_release(fs, fh2), 0);
	CU_ASSERT_EQUAL(memfs_getattr(fs, f, &a), -ESTALE);
	CU_ASSERT_EQUAL(memfs_release(fs, fh2), -EBADF);
	CHECK_FS(fs);
	memfs_free(fs);
}

static void test_unlinked_but_looked_up(void)
{
	struct memfs *fs = memfs_new(NULL);
	struct memfs_attr a;
	u64 d, f, x, fh;

	memfs_mkdir(fs, 1, "d", 0700, &d);
	memfs_create(fs, d, "f", 0600, 0, &f);
	memfs_ref(fs, d);
	memfs_ref(fs, f);
	CU_ASSERT_EQUAL(memfs_opendir(fs, d, 0, &fh), 0);
	CU_ASSERT_EQUAL(memfs_unlink(fs, d, "f"), 0);
	CU_ASSERT_EQUAL(memfs_rmdir(fs, 1, "d"), 0);
	CU_ASSERT_EQUAL(memfs_getattr(fs, f, &a), 0);
	CU_ASSERT_EQUAL(memfs_getattr(fs, d, &a), 0);
	CU_ASSERT_EQUAL(a.nlink, 0);
	/* A removed directory takes no names and lists nothing. */
	CU_ASSERT_EQUAL(memfs_create(fs, d, "g", 0600, 0, &x), -ENOENT);
	CU_ASSERT_EQUAL(memfs_lookup(fs, d, "..", &x), -ENOENT);
	CU_ASSERT_EQUAL(memfs_readdir(fs, fh, 0, NULL, NULL), -ENOENT);
	CHECK_FS(fs);
	CU_ASSERT_EQUAL(memfs_forget(fs, d, 1), 0);
	CU_ASSERT_EQUAL(memfs_getattr(fs, d, &a), 0); /* still open */
	CU_ASSERT_EQUAL(memfs_releasedir(fs, fh), 0);
	CU_ASSERT_EQUAL(memfs_getattr(fs, d, &a), -ESTALE);
	CU_ASSERT_EQUAL(memfs_forget(fs, f, 1), 0);
	CU_ASSERT_EQUAL(ninodes(fs), 1);
	CHECK_FS(fs);
	memfs_free(fs);
}

static void test_pins(void)
{
	struct memfs *fs = memfs_new(NULL);
	struct memfs_attr a;
	u64 f;

	memfs_create(fs, 1, "f", 0600, 0, &f);
	CU_ASSERT_EQUAL(memfs_pin(fs, f), 0);
	CU_ASSERT_EQUAL(memfs_unlink(fs, 1, "f"), 0);
	CU_ASSERT_EQUAL(memfs_getattr(fs, f, &a), 0);
	CHECK_FS(fs);
	CU_ASSERT_EQUAL(memfs_unpin(fs, f), 0);
	CU_ASSERT_EQUAL(memfs_getattr(fs, f, &a), -ESTALE);
	CU_ASSERT_EQUAL(memfs_pin(fs, f), -ESTALE);
	CU_ASSERT_EQUAL(memfs_unpin(fs, f), -ESTALE);
	CU_ASSERT_EQUAL(memfs_unpin(fs, 1), -ERANGE);
	memfs_free(fs);
}

static void test_handles(void)
{
	struct memfs *fs = memfs_new(NULL);
	struct memfs_attr a;
	struct memfs_stats st;
	char buf[16];
	u64 f, d, r, w, rw, ap, dh, x;

	memfs_create(fs, 1, "f", 0600, 0, &f);
	memfs_mkdir(fs, 1, "d", 0700, &d);
	CU_ASSERT_EQUAL(memfs_open(fs, f, O_RDONLY, &r), 0);
	CU_ASSERT_EQUAL(r, 1);
	CU_ASSERT_EQUAL(memfs_open(fs, f, O_WRONLY, &w), 0);
	CU_ASSERT_EQUAL(w, 2);
	CU_ASSERT_EQUAL(memfs_open(fs, f, O_RDWR, &rw), 0);
	CU_ASSERT_EQUAL(memfs_open(fs, f, O_WRONLY | O_APPEND, &ap), 0);
	CU_ASSERT_EQUAL(memfs_opendir(fs, d, O_RDONLY, &dh), 0);
	CU_ASSERT_EQUAL(dh, 5);
	memfs_get_stats(fs, &st);
	CU_ASSERT_EQUAL(st.handles, 5);
	CU_ASSERT_EQUAL(memfs_fh_ino(fs, dh, &x), 0);
	CU_ASSERT_EQUAL(x, d);
	CU_ASSERT_EQUAL(memfs_fh_ino(fs, 99, &x), -EBADF);

	CU_ASSERT_EQUAL(memfs_fh_write(fs, w, 0, "abc", 3), 3);
	CU_ASSERT_EQUAL(memfs_fh_write(fs, ap, 0, "de", 2), 2);
	CU_ASSERT_EQUAL(memfs_fh_read(fs, r, 0, buf, 16), 5);
	CU_ASSERT_EQUAL(memcmp(buf, "abcde", 5), 0);
	CU_ASSERT_EQUAL(memfs_fh_read(fs, rw, 1, buf, 1), 1);
	CU_ASSERT_EQUAL(memfs_fh_write(fs, rw, 0, "A", 1), 1);
	/* access modes and kinds */
	CU_ASSERT_EQUAL(memfs_fh_write(fs, r, 0, "x", 1), -EBADF);
	CU_ASSERT_EQUAL(memfs_fh_read(fs, w, 0, buf, 1), -EBADF);
	CU_ASSERT_EQUAL(memfs_fh_read(fs, dh, 0, buf, 1), -EBADF);
	CU_ASSERT_EQUAL(memfs_fh_write(fs, dh, 0, buf, 1), -EBADF);
	CU_ASSERT_EQUAL(memfs_fh_read(fs, 99, 0, buf, 1), -EBADF);
	CU_ASSERT_EQUAL(memfs_fh_write(fs, 99, 0, buf, 1), -EBADF);
	CU_ASSERT_EQUAL(memfs_release(fs, dh), -EBADF);
	CU_ASSERT_EQUAL(memfs_releasedir(fs, r), -EBADF);
	CU_ASSERT_EQUAL(memfs_readdir(fs, r, 0, NULL, NULL), -EBADF);
	CU_ASSERT_EQUAL(memfs_readdir(fs, 99, 0, NULL, NULL), -EBADF);
	CU_ASSERT_EQUAL(memfs_open(fs, d, O_RDONLY, &x), -EISDIR);
	CU_ASSERT_EQUAL(memfs_open(fs, f, O_ACCMODE, &x), -EINVAL);
	CU_ASSERT_EQUAL(memfs_open(fs, 99, O_RDONLY, &x), -ESTALE);
	CU_ASSERT_EQUAL(memfs_opendir(fs, f, O_RDONLY, &x), -ENOTDIR);
	CU_ASSERT_EQUAL(memfs_opendir(fs, 99, O_RDONLY, &x), -ESTALE);
	CHECK_FS(fs);

	/* O_TRUNC: only with write access */
	CU_ASSERT_EQUAL(memfs_open(fs, f, O_RDONLY | O_TRUNC, &x), 0);
	memfs_getattr(fs, f, &a);
	CU_ASSERT_EQUAL(a.size, 5);
	CU_ASSERT_EQUAL(memfs_open(fs, f, O_RDWR | O_TRUNC, &x), 0);
	memfs_getattr(fs, f, &a);
	CU_ASSERT_EQUAL(a.size, 0);
	CU_ASSERT_EQUAL(a.blocks, 0);
	CU_ASSERT_EQUAL(x, 7); /* failed opens consume no fh */
	CHECK_FS(fs);
	memfs_free(fs); /* frees open handles too */
}

struct listing {
	char names[32][16];
	u64 offs[32];
	int n, limit;
};

static int collect(void *arg, const struct memfs_dirent_info *e)
{
	struct listing *l = arg;

	if (l->n == l->limit)
		return 1;
	snprintf(l->names[l->n], sizeof(l->names[0]), "%s", e->name);
	l->offs[l->n++] = e->off;
	return 0;
}

static bool listed(const struct listing *l, const char *name)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->names[i], name))
			return true;
	return false;
}

static int type_check(void *arg, const struct memfs_dirent_info *e)
{
	u64 *sub = arg;

	if (!strcmp(e->name, "sub")) {
		CU_ASSERT_EQUAL(e->type, DT_DIR);
		CU_ASSERT_EQUAL(e->ino, *sub);
	} else if (!strcmp(e->name, "..")) {
		CU_ASSERT_EQUAL(e->ino, 1);
		CU_ASSERT_EQUAL(e->type, DT_DIR);
	} else if (strcmp(e->name, ".")) {
		CU_ASSERT_EQUAL(e->type, DT_REG);
	}
	return 0;
}

static void test_readdir(void)
{
	struct memfs *fs = memfs_new(NULL);
	struct listing l = { .limit = 32 };
	char name[16];
	u64 d, dh, x, sub;

	memfs_mkdir(fs, 1, "d", 0700, &d);
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "e%d", i);
		memfs_create(fs, d, name, 0600, 0, &x);
	}
	memfs_mkdir(fs, d, "sub", 0700, &sub);
	memfs_opendir(fs, d, 0, &dh);
	CU_ASSERT_EQUAL(memfs_readdir(fs, dh, 0, collect, &l), 0);
	CU_ASSERT_EQUAL(l.n, 9);
	CU_ASSERT_STRING_EQUAL(l.names[0], ".");
	CU_ASSERT_STRING_EQUAL(l.names[1], "..");
	CU_ASSERT_STRING_EQUAL(l.names[2], "e0");
	CU_ASSERT_STRING_EQUAL(l.names[8], "sub");
	CU_ASSERT_EQUAL(l.offs[0], 1);
	CU_ASSERT_EQUAL(l.offs[2], 3);
	CU_ASSERT_EQUAL(memfs_readdir(fs, dh, 0, type_check, &sub), 0);

	/* Stop at ".", at "..", at an entry: each resumes exactly. */
	for (int lim = 0; lim < 3; lim++) {
		struct listing a = { .limit = lim }, b = { .limit = 32 };

		memfs_readdir(fs, dh, 0, collect, &a);
		CU_ASSERT_EQUAL(a.n, lim);
		memfs_readdir(fs, dh, lim ? a.offs[lim - 1] : 0, collect, &b);
		CU_ASSERT_EQUAL(b.n, 9 - lim);
	}

	/* Read 4, then change the directory, then resume. */
	struct listing first = { .limit = 4 }, rest = { .limit = 32 };

	memfs_readdir(fs, dh, 0, collect, &first);
	CU_ASSERT_STRING_EQUAL(first.names[3], "e1");
	memfs_unlink(fs, d, "e0"); /* already returned */
	memfs_unlink(fs, d, "e3"); /* not yet returned */
	memfs_create(fs, d, "new", 0600, 0, &x);
	memfs_rename(fs, d, "e4", d, "e4b", 0);
	memfs_readdir(fs, dh, first.offs[3], collect, &rest);
	CU_ASSERT_FALSE(listed(&rest, "e0"));
	CU_ASSERT_FALSE(listed(&rest, "e1"));
	CU_ASSERT_FALSE(listed(&rest, "e3"));
	CU_ASSERT_TRUE(listed(&rest, "e2"));
	CU_ASSERT_TRUE(listed(&rest, "e5"));
	CU_ASSERT_TRUE(listed(&rest, "sub"));
	CU_ASSERT_TRUE(listed(&rest, "new"));
	CU_ASSERT_TRUE(listed(&rest, "e4b"));
	CU_ASSERT_EQUAL(rest.n, 5);
	/* Offsets are strictly increasing: a reader never loops. */
	for (int i = 1; i < rest.n; i++)
		CU_ASSERT_TRUE(rest.offs[i] > rest.offs[i - 1]);
	/* Past the end: nothing. */
	struct listing none = { .limit = 32 };

	memfs_readdir(fs, dh, rest.offs[rest.n - 1], collect, &none);
	CU_ASSERT_EQUAL(none.n, 0);
	CHECK_FS(fs);
	memfs_free(fs);
}

static void test_path(void)
{
	struct memfs *fs = memfs_new(NULL);
	char buf[64];
	u64 a, b, f;

	memfs_mkdir(fs, 1, "a", 0700, &a);
	memfs_mkdir(fs, a, "bb", 0700, &b);
	memfs_create(fs, b, "file", 0600, 0, &f);
	CU_ASSERT_EQUAL(memfs_path(fs, 1, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/");
	CU_ASSERT_EQUAL(memfs_path(fs, f, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/a/bb/file");
	CU_ASSERT_EQUAL(memfs_path(fs, f, buf, 11), 0);
	CU_ASSERT_EQUAL(memfs_path(fs, f, buf, 10), -ERANGE);
	CU_ASSERT_EQUAL(memfs_path(fs, 1, buf, 1), -ERANGE);
	CU_ASSERT_EQUAL(memfs_path(fs, 99, buf, sizeof(buf)), -ESTALE);
	memfs_rename(fs, b, "file", 1, "top", 0);
	CU_ASSERT_EQUAL(memfs_path(fs, f, buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, "/top");
	memfs_free(fs);
}

static int grab_info(void *arg, const struct memfs_inode_info *i)
{
	struct memfs_inode_info *want = arg;

	if (i->nodeid == want->nodeid)
		*want = *i;
	return 0;
}

/* The lookup count never wraps: memfs_ref() stops at MEMFS_NLOOKUP_MAX
 * and a restore beyond it is refused. */
static void test_lookup_count_bound(void)
{
	struct memfs *fs = memfs_new(NULL);
	struct memfs_inode_info info = { 0 };
	u64 f;

	CU_ASSERT_EQUAL(memfs_create(fs, 1, "f", 0600, 0, &f), 0);
	info.nodeid = f;
	memfs_for_each_inode(fs, grab_info, &info);
	info.nlookup = MEMFS_NLOOKUP_MAX + 1;
	CU_ASSERT_EQUAL(memfs_restore_inode(fs, &info), -EINVAL);
	info.nlookup = MEMFS_NLOOKUP_MAX;
	/* restoring over a live inode is refused: restore into a new fs */
	{
		struct memfs *dst = memfs_new(NULL);

		CU_ASSERT_EQUAL(memfs_restore_inode(dst, &info), 0);
		CU_ASSERT_EQUAL(memfs_ref(dst, f), -EOVERFLOW);
		memfs_for_each_inode(dst, grab_info, &info);
		CU_ASSERT_EQUAL(info.nlookup, MEMFS_NLOOKUP_MAX);
		CU_ASSERT_EQUAL(memfs_forget(dst, f, 1), 0);
		CU_ASSERT_EQUAL(memfs_ref(dst, f), 0);
		CU_ASSERT_EQUAL(memfs_ref(dst, f), -EOVERFLOW);
		memfs_free(dst);
	}
	CU_ASSERT_EQUAL(memfs_ref(fs, 424242), -ESTALE);
	memfs_free(fs);
}

VT_SUITE(device_memfs_refs, NULL, NULL, VT_CASE(test_forget_everything),
	 VT_CASE(test_forget_clamps), VT_CASE(test_lookup_count_bound),
	 VT_CASE(test_unlinked_but_open), VT_CASE(test_unlinked_but_looked_up),
	 VT_CASE(test_pins), VT_CASE(test_handles), VT_CASE(test_readdir),
	 VT_CASE(test_path));
