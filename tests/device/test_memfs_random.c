// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_memfs_random.c - random operations on memfs: its invariants hold
 * after every one, clones match the original, and a departing guest
 * leaves nothing behind.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "device/memfs_internal.h"
#include "tests/device/memfs_test_util.h"
#include "tests/harness.h"

/* ---- random operations: invariants hold, clones match ---------------- */

static u64 lcg_state;

static u32 rnd(u32 n)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (u32)(lcg_state >> 33) % n;
}

static int forget_all(void *arg, const struct memfs_inode_info *i)
{
	u64 *list = arg;

	if (i->nlookup && list[0] < 255)
		list[++list[0]] = i->nodeid;
	return 0;
}

static int close_all(void *arg, const struct memfs_handle_info *h)
{
	u64 *list = arg;

	if (list[0] < 255)
		list[++list[0]] = h->fh | (h->isdir ? 1ULL << 63 : 0);
	return 0;
}

/* Remove everything below @dir (depth-first), by name. */
static void wipe(struct memfs *fs, u64 dir)
{
	struct memfs_inode *d = memfs_iget(fs, dir);

	while (d->nents) {
		char name[MEMFS_NAME_MAX + 1];
		u64 ino = d->ents[0].ino;

		strcpy(name, d->ents[0].name);
		if (S_ISDIR(memfs_iget(fs, ino)->attr.mode)) {
			wipe(fs, ino);
			CU_ASSERT_EQUAL(memfs_rmdir(fs, dir, name), 0);
		} else {
			CU_ASSERT_EQUAL(memfs_unlink(fs, dir, name), 0);
		}
	}
}

static void test_random_ops(void)
{
	struct memfs_config cfg = { .max_inodes = 40,
				    .max_file_size = 64 * 1024 };
	struct memfs *fs = memfs_new(&cfg);
	int rounds = vt_slow_build() ? 300 : 3000;
	u64 list[256];
	char buf[9000];

	lcg_state = 1234;
	memset(buf, 'r', sizeof(buf));
	for (int r = 0; r < rounds; r++) {
		/* ids 1..next: some live, some stale; fhs likewise */
		struct memfs_counters c;
		u64 ino, a, b, x;
		char n1[4] = { 'n', (char)('0' + rnd(6)), 0 };
		char n2[4] = { 'n', (char)('0' + rnd(6)), 0 };
		struct memfs_setattr sa = { .valid = MEMFS_SET_SIZE };

		memfs_get_counters(fs, &c);
		ino = 1 + rnd((u32)c.next_nodeid);
		a = 1 + rnd((u32)c.next_nodeid);
		b = 1 + rnd((u32)c.next_fh + 1);
		memfs_set_now(fs, (struct memfs_time){ r, 0 });
		switch (rnd(14)) {
		case 0:
			memfs_create(fs, a, n1, 0600, rnd(2) ? O_EXCL : 0, &x);
			break;
		case 1:
			memfs_mkdir(fs, a, n1, 0700, &x);
			break;
		case 2:
			memfs_unlink(fs, a, n1);
			break;
		case 3:
			memfs_rmdir(fs, a, n1);
			break;
		case 4:
			memfs_rename(fs, a, n1, ino, n2, rnd(3));
			break;
		case 5:
			memfs_write(fs, ino, rnd(20000), buf, rnd(9000));
			break;
		case 6:
			sa.size = rnd(30000);
			memfs_setattr(fs, ino, &sa, NULL);
			break;
		case 7:
			memfs_open(fs, ino, rnd(3) | (rnd(4) ? 0 : O_TRUNC),
				   &x);
			break;
		case 8:
			memfs_opendir(fs, ino, 0, &x);
			break;
		case 9:
			if (memfs_release(fs, b))
				memfs_releasedir(fs, b);
			break;
		case 10:
		case 11:
			if (!memfs_lookup(fs, a, n1, &x))
				memfs_ref(fs, x);
			break;
		case 12:
			memfs_forget(fs, ino, rnd(3));
			break;
		default:
			memfs_fh_write(fs, b, rnd(10000), buf, rnd(5000));
			break;
		}
		CHECK_FS(fs);
		if (r % 500 == 499) {
			struct memfs *cl = memfs_test_clone(fs);
			char *d1 = memfs_test_dump(fs),
			     *d2 = memfs_test_dump(cl);

			CU_ASSERT_STRING_EQUAL(d1, d2);
			CHECK_FS(cl);
			free(d1);
			free(d2);
			memfs_free(cl);
		}
	}
	/* The guest goes away: names, handles, lookups all dropped. */
	wipe(fs, 1);
	list[0] = 0;
	memfs_for_each_handle(fs, close_all, list);
	for (u64 i = 1; i <= list[0]; i++) {
		int err =
			list[i] >> 63 ?
				memfs_releasedir(fs, list[i] & ~(1ULL << 63)) :
				memfs_release(fs, list[i]);

		CU_ASSERT_EQUAL(err, 0);
	}
	list[0] = 0;
	memfs_for_each_inode(fs, forget_all, list);
	for (u64 i = 1; i <= list[0]; i++)
		memfs_forget(fs, list[i], ~0ULL >> 1);
	{
		struct memfs_stats st;

		memfs_get_stats(fs, &st);
		CU_ASSERT_EQUAL(st.inodes, 1);
		CU_ASSERT_EQUAL(st.handles, 0);
		CU_ASSERT_EQUAL(st.data_pages, 0);
	}
	CHECK_FS(fs);
	memfs_free(fs);
}

VT_SUITE(device_memfs_random, NULL, NULL, VT_CASE(test_random_ops));
