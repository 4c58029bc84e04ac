// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fuse_state_bad.c - every corruption of a state is detected with its
 * own errno, and a failed load leaves the destination exactly as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device/locks.h"
#include "device/memfs.h"
#include "tests/device/test_fuse_state.h"
#include "tests/harness.h"

static u8 *st;
static size_t st_len;
/* the next expect()s are content only the loader can judge */
static bool load_only;

static void setup(void)
{
	fst_build_source(true);
	fst_new_dst();
	st = fst_save(fst_src, &st_len);
}

static void teardown(void)
{
	free(st);
	st = NULL;
	fst_teardown();
}

/* Load a copy of the state edited by the caller; assert the error. */
static void expect(const u8 *buf, size_t len, int want)
{
	CU_ASSERT_EQUAL(fuse_state_verify(buf, len, NULL),
			load_only || want == -EXDEV ? 0 : want);
	CU_ASSERT_EQUAL(fuse_state_load(fst_dst, buf, len, FUSE_STATE_ABORT,
					NULL),
			want);
	fst_assert_dst_untouched();
}

/* A copy of the state with @n bytes inserted or removed at @at. */
static u8 *edit(size_t at, ssize_t n, size_t *len)
{
	u8 *b = calloc(1, st_len + (n > 0 ? (size_t)n : 0));

	memcpy(b, st, at);
	memcpy(b + at + (n > 0 ? n : 0), st + at - (n < 0 ? n : 0),
	       st_len - at + (n < 0 ? n : 0));
	*len = st_len + n;
	return b;
}

static void test_every_byte_flip(void)
{
	u8 *b = malloc(st_len);
	size_t step = vt_slow_build() ? 7 : 1;

	for (size_t i = 0; i < st_len; i += step) {
		memcpy(b, st, st_len);
		b[i] ^= 0x20;
		CU_ASSERT_NOT_EQUAL(fuse_state_verify(b, st_len, NULL), 0);
		if (i % 64 == 0)
			CU_ASSERT_TRUE(fuse_state_load(fst_dst, b, st_len,
						       FUSE_STATE_GUEST_ERROR,
						       NULL) < 0);
	}
	fst_assert_dst_untouched();
	free(b);
}

static void test_every_truncation(void)
{
	for (size_t n = 0; n < st_len; n++)
		CU_ASSERT_EQUAL(fuse_state_verify(st, n, NULL), -ENODATA);
	expect(st, st_len - 1, -ENODATA);
	expect(st, 10, -ENODATA);
}

static void test_header(void)
{
	u8 *b = malloc(st_len + 1);

	memcpy(b, st, st_len);
	b[0] = 'X';
	expect(b, st_len, -ENOMSG);
	memcpy(b, st, st_len);
	fst_put32(b + 8, 3);
	fst_reseal(b, st_len);
	expect(b, st_len, -EPROTONOSUPPORT);
	fst_put32(b + 8, 0);
	fst_reseal(b, st_len);
	expect(b, st_len, -EPROTONOSUPPORT);
	memcpy(b, st, st_len);
	fst_put32(b + 12, 40);
	fst_reseal(b, st_len);
	expect(b, st_len, -EPROTO);
	memcpy(b, st, st_len);
	fst_put32(b + 24, 1);
	fst_reseal(b, st_len);
	expect(b, st_len, -EPROTO);
	memcpy(b, st, st_len);
	b[28] ^= 1;
	expect(b, st_len, -EBADMSG);
	memcpy(b, st, st_len);
	b[st_len] = 0;
	expect(b, st_len + 1, -E2BIG);
	CU_ASSERT_EQUAL(fuse_state_verify(NULL, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(fuse_state_load(NULL, st, st_len, FUSE_STATE_ABORT,
					NULL),
			-EINVAL);
	CU_ASSERT_EQUAL(fuse_state_load(fst_dst, st, st_len, 7, NULL), -EINVAL);
	free(b);
}

/* Edit field @off (absolute) of a copy to @v (u32) and reseal. */
static void expect32(size_t off, u32 v, int want)
{
	u8 *b = malloc(st_len);

	memcpy(b, st, st_len);
	fst_put32(b + off, v);
	fst_reseal(b, st_len);
	expect(b, st_len, want);
	free(b);
}

static void expect64(size_t off, u64 v, int want)
{
	u8 *b = malloc(st_len);

	memcpy(b, st, st_len);
	fst_put64(b + off, v);
	fst_reseal(b, st_len);
	expect(b, st_len, want);
	free(b);
}

static void test_sections(void)
{
	size_t sess, cnt, ino, hnd, lck, dax, len;
	u32 l;
	u8 *b;

	sess = fst_section(st, st_len, 1, &l);
	CU_ASSERT_EQUAL_FATAL(l, 72);
	cnt = fst_section(st, st_len, 2, &l);
	ino = fst_section(st, st_len, 3, &l);
	hnd = fst_section(st, st_len, 4, &l);
	lck = fst_section(st, st_len, 5, &l);
	dax = fst_section(st, st_len, 6, &l);
	CU_ASSERT_FATAL(sess && cnt && ino && hnd && lck && dax);
	/* a section overrunning the body; a wrong session size */
	expect32(sess - 4, 0x10000, -EPROTO);
	expect32(sess - 4, 71, -EPROTO);
	expect32(cnt - 4, 31, -EPROTO);
	/* session: a bool that is not, reserved bytes, max_inodes > 32 bits */
	expect32(sess, 2, -EPROTO);
	expect32(sess, 0x100 * 2 + 1, -EPROTO);
	expect32(sess, 0x10000 + 1, -EPROTO);
	expect64(sess + 64, 1, -EPROTO);
	expect64(sess + 48, 1ULL << 32, -EPROTO);
	/* a duplicate section: make the counters section a second session */
	expect32(cnt - 8, 1, -EPROTO);
	/* a missing one: make the handles section an unknown type */
	expect32(hnd - 8, 99, -EPROTO);
	/* list counts that do not fill their section */
	expect32(hnd, 2, -EPROTO);
	expect32(lck, 3, -EPROTO);
	expect32(dax, 0, -EPROTO);
	expect32(hnd - 4, 3, -EPROTO);
	expect32(ino, 1000, -EPROTO);
	expect32(ino, 2, -EPROTO);
	expect32(ino - 4, 3, -EPROTO);
	/* reserved bytes of handles and mappings */
	expect32(hnd + 4 + 20, 2, -EPROTO);
	expect32(hnd + 4 + 20, 0x100 + 1, -EPROTO);
	expect32(dax + 4 + 36, 1, -EPROTO);
	/* a section header cut short at the end of the body */
	b = edit(st_len, 4, &len);
	fst_reseal(b, len);
	expect(b, len, -EPROTO);
	free(b);
	/* an unknown section is skipped */
	b = edit(st_len, 12, &len);
	fst_put32(b + st_len, 77);
	fst_put32(b + st_len + 4, 4);
	fst_reseal(b, len);
	{
		struct fuse_state_info info;

		CU_ASSERT_EQUAL(fuse_state_verify(b, len, &info), 0);
		CU_ASSERT_EQUAL(info.skipped, 1);
	}
	free(b);
}

/* The first inode record (root) and a path to break. */
static void test_paths(void)
{
	static const char *const bad[] = {
		"xd", "d/", "//", "/.", "/..", "/\\0"
	};
	size_t ino, off, len;
	u32 l;
	u8 *b;

	ino = fst_section(st, st_len, 3, &l);
	/* records: root (32 + 1), d (32 + 2) ... : edit d's path "/d" */
	off = ino + 4 + 33 + 32;
	CU_ASSERT_EQUAL_FATAL(memcmp(st + off, "/d", 2), 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		b = malloc(st_len);
		memcpy(b, st, st_len);
		memcpy(b + off, bad[i], 2);
		if (bad[i][1] == '\\')
			b[off + 1] = 0;
		fst_reseal(b, st_len);
		expect(b, st_len, -EPROTO);
		free(b);
	}
	/* a path length running past the section */
	expect32(off - 4, 5000, -EPROTO);
	/* d named "/" like the root; d named "/e" like e */
	b = malloc(st_len);
	memcpy(b, st, st_len);
	memcpy(b + off, "/e", 2);
	fst_reseal(b, st_len);
	expect(b, st_len, -EUCLEAN);
	free(b);
	b = edit(off + 1, -1, &len);
	fst_put32(b + off - 4, 1);
	fst_put32(b + ino - 4, l - 1);
	fst_reseal(b, len);
	expect(b, len, -EUCLEAN);
	free(b);
	/* a trailing slash */
	b = edit(off + 2, 1, &len);
	b[off + 2] = '/';
	fst_put32(b + off - 4, 3);
	fst_put32(b + ino - 4, l + 1);
	fst_reseal(b, len);
	expect(b, len, -EPROTO);
	free(b);
	/* a component of 256 bytes */
	b = edit(off + 2, 255, &len);
	memset(b + off + 1, 'a', 256);
	fst_put32(b + off - 4, 257);
	fst_put32(b + ino - 4, l + 255);
	fst_reseal(b, len);
	expect(b, len, -EPROTO);
	free(b);
}

static void test_content(void)
{
	size_t sess, cnt, ino, hnd, lck, dax;
	u32 l;

	sess = fst_section(st, st_len, 1, &l);
	cnt = fst_section(st, st_len, 2, &l);
	ino = fst_section(st, st_len, 3, &l);
	hnd = fst_section(st, st_len, 4, &l);
	lck = fst_section(st, st_len, 5, &l);
	dax = fst_section(st, st_len, 6, &l);
	/* inode ids: 0, descending, at the counter; a bad type */
	expect64(ino + 4, 0, -EUCLEAN);
	expect64(ino + 4 + 33, 1, -EUCLEAN);
	expect64(cnt, fst.g, -EUCLEAN);
	expect32(ino + 4 + 24, S_IFLNK | 0777, -EUCLEAN);
	/* the root must be a directory named "/" */
	expect32(ino + 4 + 24, S_IFREG | 0644, -EUCLEAN);
	expect64(ino + 4, 99, -EUCLEAN);
	/* handles: fh 0, at the counter, naming a stranger, wrong kind */
	expect64(hnd + 4, 0, -EUCLEAN);
	expect64(cnt + 8, 1, -EUCLEAN);
	expect64(hnd + 4 + 8, 424242, -EUCLEAN);
	expect32(hnd + 4 + 20, 1, -EUCLEAN);
	expect64(hnd + 4 + 24, 1, -EUCLEAN);
	/* a lock or a mapping naming a stranger; a mapped directory */
	expect64(lck + 4, 424242, -EUCLEAN);
	expect64(dax + 4 + 16, 424242, -EUCLEAN);
	expect64(dax + 4 + 16, fst.d, -EUCLEAN);
	/* content the back end refuses on restore */
	load_only = true;
	expect32(lck + 4 + 36, 77, -EUCLEAN);	     /* lock type */
	expect64(dax + 4, 3, -EUCLEAN);		     /* unaligned */
	expect32(hnd + 4 + 16, O_ACCMODE, -EUCLEAN); /* open flags */
	expect32(sess + 4, 5, -EUCLEAN);	     /* minor */
	expect64(sess + 8, 1ULL << 40, -EUCLEAN);    /* flags */
	expect32(sess + 24, 1000000000u, -EUCLEAN);  /* now_nsec */
	/* the destination's configuration differs */
	expect32(sess + 28, 4096, -EXDEV);
	expect32(sess + 32, 128, -EXDEV);
	load_only = false;
	/* mappings without a window */
	expect64(sess + 40, 0, -EUCLEAN);
}

static int find_d(void *arg, const struct memfs_inode_info *in)
{
	if (in->nodeid == fst.d)
		*(u64 *)arg = in->nlookup;
	return 0;
}

static u64 get64(const u8 *p)
{
	u64 v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Where the lookup count of @nodeid's record sits in the state. */
static size_t nlookup_at(u64 nodeid)
{
	u32 l;
	size_t off = fst_section(st, st_len, 3, &l);
	u32 n = (u32)get64(st + off) & 0xffffffffu;

	off += 4;
	for (u32 i = 0; i < n; i++) {
		if (get64(st + off) == nodeid)
			return off + 16;
		off += 32 + ((u32)get64(st + off + 28) & 0xffffffffu);
	}
	CU_FAIL("no such record");
	return 0;
}

/*
 * A lookup count no session reaches: before the fix a state with a valid
 * checksum and nlookup 2^64-1 loaded, and the next LOOKUP wrapped the
 * count to 0, freeing an inode the guest still held. The bound itself
 * loads; a LOOKUP past it is refused and the count stays.
 */
static void test_lookup_count_bound(void)
{
	size_t nl = nlookup_at(fst.d), nf = nlookup_at(fst.f1);
	struct fuse_entry_out e;
	struct fuse_server *src = ts_srv;
	struct memfs_stats before, after;
	u64 count = 0, fh;
	u8 *b;

	expect64(nl, UINT64_MAX, -EUCLEAN);
	expect64(nl, MEMFS_NLOOKUP_MAX + 1, -EUCLEAN);

	b = malloc(st_len);
	memcpy(b, st, st_len);
	fst_put64(b + nl, MEMFS_NLOOKUP_MAX);
	fst_put64(b + nf, MEMFS_NLOOKUP_MAX);
	fst_reseal(b, st_len);
	CU_ASSERT_EQUAL_FATAL(
		fuse_state_load(fst_dst, b, st_len, FUSE_STATE_ABORT, NULL), 0);
	free(b);
	ts_srv = fst_dst;
	CU_ASSERT_EQUAL(ts_lookup(FUSE_ROOT_ID, "d", &e), -EOVERFLOW);
	memfs_for_each_inode(fuse_server_fs(fst_dst), find_d, &count);
	CU_ASSERT_EQUAL(count, MEMFS_NLOOKUP_MAX);
	/* CREATE of the existing f1 opens it, then cannot hand it out: the
	 * handle it opened is closed again */
	memfs_get_stats(fuse_server_fs(fst_dst), &before);
	CU_ASSERT_EQUAL(ts_create(fst.d, "f1", S_IFREG | 0644, O_RDWR, &e, &fh),
			-EOVERFLOW);
	memfs_get_stats(fuse_server_fs(fst_dst), &after);
	CU_ASSERT_EQUAL(after.handles, before.handles);
	/* one FORGET makes room for one more */
	CU_ASSERT_EQUAL(ts_forget(fst.d, 1), TS_NOREPLY);
	CU_ASSERT_EQUAL(ts_lookup(FUSE_ROOT_ID, "d", &e), 0);
	CU_ASSERT_EQUAL(e.nodeid, fst.d);
	ts_srv = src;
}

static void test_destination_busy(void)
{
	struct fuse_entry_out e;

	ts_srv = fst_dst;
	/* a lookup only (no INIT would let it in): use memfs directly */
	CU_ASSERT_EQUAL(memfs_ref(fuse_server_fs(fst_dst), fst.d), 0);
	CU_ASSERT_EQUAL(fuse_state_load(fst_dst, st, st_len, FUSE_STATE_ABORT,
					NULL),
			-EBUSY);
	CU_ASSERT_EQUAL(memfs_forget(fuse_server_fs(fst_dst), fst.d, 1), 0);
	CU_ASSERT_EQUAL(ts_init(7, 38, 0, 0, NULL), 0);
	CU_ASSERT_EQUAL(fuse_state_load(fst_dst, st, st_len, FUSE_STATE_ABORT,
					NULL),
			-EBUSY);
	CU_ASSERT_EQUAL(ts_lookup(1, "d", &e), 0);
	CU_ASSERT_EQUAL(fuse_state_load(fst_dst, st, st_len, FUSE_STATE_ABORT,
					NULL),
			-EBUSY);
	/* loading twice: the second finds the first's session */
	ts_srv = fst_src;
}

static void test_load_twice(void)
{
	CU_ASSERT_EQUAL(fuse_state_load(fst_dst, st, st_len, FUSE_STATE_ABORT,
					NULL),
			0);
	CU_ASSERT_EQUAL(fuse_state_load(fst_dst, st, st_len, FUSE_STATE_ABORT,
					NULL),
			-EBUSY);
}

VT_SUITE_EACH(device_fuse_state_bad, setup, teardown,
	      VT_CASE(test_every_byte_flip), VT_CASE(test_every_truncation),
	      VT_CASE(test_header), VT_CASE(test_sections), VT_CASE(test_paths),
	      VT_CASE(test_content), VT_CASE(test_lookup_count_bound),
	      VT_CASE(test_destination_busy), VT_CASE(test_load_twice));
