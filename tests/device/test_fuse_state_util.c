// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fuse_state_util.c - helpers behind test_fuse_state.h.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device/locks.h"
#include "device/memfs.h"
#include "tests/device/test_fuse_state.h"
#include "tests/harness.h"

struct fst_ids fst;
struct fuse_server *fst_src;
struct fuse_server *fst_dst;
const struct fuse_server_config fst_cfg = { .dax_window_size = 1u << 20 };

static u8 pattern[10000];

void fst_build_source(bool full)
{
	struct fuse_entry_out e;
	u32 n;

	ts_setup_init(&fst_cfg);
	fst_src = ts_srv;
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (u8)(i * 7 + 3);
	CU_ASSERT_EQUAL_FATAL(ts_mkdir(1, "d", 0755, &e), 0);
	fst.d = e.nodeid;
	CU_ASSERT_EQUAL_FATAL(ts_mkdir(1, "e", 0755, &e), 0);
	fst.e = e.nodeid;
	CU_ASSERT_EQUAL_FATAL(ts_create(fst.d, "f1", S_IFREG | 0644, O_RDWR, &e,
					&fst.fh_f1),
			      0);
	fst.f1 = e.nodeid;
	CU_ASSERT_EQUAL_FATAL(ts_write(fst.f1, fst.fh_f1, 0, pattern,
				       sizeof(pattern), &n),
			      0);
	CU_ASSERT_EQUAL_FATAL(
		ts_create(1, "g", S_IFREG | 0600, O_RDWR, &e, NULL), 0);
	fst.g = e.nodeid;
	/* a second lookup of f1, and g opened read-only */
	CU_ASSERT_EQUAL_FATAL(ts_lookup(fst.d, "f1", &e), 0);
	CU_ASSERT_EQUAL_FATAL(ts_open(fst.g, O_RDONLY, &fst.fh_g), 0);
	CU_ASSERT_EQUAL_FATAL(ts_opendir(fst.d, &fst.dh), 0);
	if (!full)
		return;
	CU_ASSERT_EQUAL_FATAL(ts_lk(FUSE_SETLK, fst.f1, fst.fh_f1, 7, F_WRLCK,
				    0, 99, 0, NULL),
			      0);
	CU_ASSERT_EQUAL_FATAL(ts_lk(FUSE_SETLK, fst.g, fst.fh_g, 8, F_RDLCK, 10,
				    LOCKS_OFFSET_MAX, 0, NULL),
			      0);
	CU_ASSERT_EQUAL_FATAL(ts_setupmapping(fst.f1, fst.fh_f1, 4096, 4096,
					      8192,
					      FUSE_SETUPMAPPING_FLAG_READ),
			      0);
}

void fst_new_dst(void)
{
	fst_dst = fuse_server_new(&fst_cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fst_dst);
	CU_ASSERT_EQUAL_FATAL(fuse_state_copy_tree(fst_dst, fst_src), 0);
	fst_snapshot();
}

void fst_teardown(void)
{
	fuse_server_free(fst_dst);
	fst_dst = NULL;
	ts_srv = fst_src;
	ts_teardown();
	fst_src = NULL;
}

void *fst_save(struct fuse_server *srv, size_t *len)
{
	void *buf = NULL;

	CU_ASSERT_EQUAL_FATAL(fuse_state_save(srv, &buf, len), 0);
	return buf;
}

void fst_put32(u8 *p, u32 v)
{
	__le32 le = cpu_to_le32(v);

	memcpy(p, &le, 4);
}

void fst_put64(u8 *p, u64 v)
{
	__le64 le = cpu_to_le64(v);

	memcpy(p, &le, 8);
}

static u32 get32(const u8 *p)
{
	__le32 le;

	memcpy(&le, p, 4);
	return le32_to_cpu(le);
}

/* A plain bitwise CRC-32, independent of the one under test. */
static u32 crc32_ref(u32 crc, const u8 *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

void fst_reseal(u8 *buf, size_t len)
{
	u32 crc;

	fst_put64(buf + 16, len - FUSE_STATE_HEADER_SIZE);
	crc = crc32_ref(0, buf, 28);
	crc = crc32_ref(crc, buf + FUSE_STATE_HEADER_SIZE,
			len - FUSE_STATE_HEADER_SIZE);
	fst_put32(buf + 28, crc);
}

size_t fst_section(const u8 *buf, size_t len, u32 type, u32 *slen)
{
	size_t off = FUSE_STATE_HEADER_SIZE;

	while (off + 8 <= len) {
		u32 t = get32(buf + off), l = get32(buf + off + 4);

		if (t == type) {
			*slen = l;
			return off + 8;
		}
		off += 8 + l;
	}
	return 0;
}

static struct memfs_stats snap;

void fst_snapshot(void)
{
	memfs_get_stats(fuse_server_fs(fst_dst), &snap);
}

void fst_assert_dst_untouched(void)
{
	struct memfs_stats st;
	char why[128];

	CU_ASSERT_FALSE(fuse_server_initialized(fst_dst));
	CU_ASSERT_EQUAL(fuse_server_nr_broken(fst_dst), 0);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(fst_dst)), 0);
	memfs_get_stats(fuse_server_fs(fst_dst), &st);
	CU_ASSERT_EQUAL(st.handles, 0);
	CU_ASSERT_EQUAL(memfs_check(fuse_server_fs(fst_dst), why, sizeof(why)),
			0);
	CU_ASSERT_EQUAL(st.file_bytes, snap.file_bytes);
	CU_ASSERT_EQUAL(st.inodes, snap.inodes);
	CU_ASSERT_EQUAL(st.data_pages, snap.data_pages);
}
