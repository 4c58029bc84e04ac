// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_dax.c - the DAX window: SETUPMAPPING replace/split/trim,
 * REMOVEMAPPING, window reads and writes, pins, iteration and restore.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/dax.h"
#include "tests/harness.h"

#define K  4096ULL
#define RW (DAX_MAP_READ | DAX_MAP_WRITE)

static struct memfs *fs;
static struct dax_window *win;
static u64 fa, fb, dir;

static int fmt_one(void *arg, const struct dax_mapping *m)
{
	char *buf = arg;
	size_t n = strlen(buf);

	snprintf(buf + n, 512 - n, "%llu+%llu=%llu@%llu%s ",
		 (unsigned long long)(m->moffset / K),
		 (unsigned long long)(m->len / K), (unsigned long long)m->ino,
		 (unsigned long long)(m->foffset / K),
		 (m->flags & DAX_MAP_WRITE) ? "w" : "r");
	return 0;
}

/* The mappings as "mpage+npages=ino@fpage" in window order. */
static const char *show(void)
{
	static char buf[512];

	buf[0] = '\0';
	dax_for_each(win, fmt_one, buf);
	CU_ASSERT_EQUAL(dax_check(win), 0);
	CU_ASSERT_EQUAL(memfs_check(fs, NULL, 0), 0);
	return buf;
}

static int count_pins(void *arg, const struct memfs_inode_info *i)
{
	u64 *p = arg; /* p[0] = ino in, p[1] = pins out */

	if (i->nodeid == p[0])
		p[1] = i->npin;
	return 0;
}

static u64 pin_count(u64 ino)
{
	u64 p[2] = { ino, 0 };

	memfs_for_each_inode(fs, count_pins, p);
	return p[1];
}

static void setup(void)
{
	char buf[8 * K];

	fs = memfs_new(NULL);
	memfs_create(fs, 1, "a", 0600, 0, &fa);
	memfs_create(fs, 1, "b", 0600, 0, &fb);
	memfs_mkdir(fs, 1, "d", 0700, &dir);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('a' + i / K);
	memfs_write(fs, fa, 0, buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('A' + i / K);
	memfs_write(fs, fb, 0, buf, sizeof(buf));
	win = dax_new(fs, 16 * K, 12);
}

static void teardown(void)
{
	dax_free(win);
	memfs_free(fs);
}

static void test_new(void)
{
	fs = memfs_new(NULL);
	CU_ASSERT_PTR_NULL(dax_new(fs, 4097, 12));
	CU_ASSERT_PTR_NULL(dax_new(fs, 0, 64));
	win = dax_new(fs, 2 * K, 12);
	CU_ASSERT_PTR_NOT_NULL(win);
	CU_ASSERT_EQUAL(dax_size(win), 2 * K);
	CU_ASSERT_EQUAL(dax_map_alignment(win), 12);
	CU_ASSERT_EQUAL(dax_count(win), 0);
	teardown();
	dax_free(NULL);
}

static void test_setup_errors(void)
{
	setup();
	CU_ASSERT_EQUAL(dax_setup_mapping(win, fa, 0, K, 1, RW), -EINVAL);
	CU_ASSERT_EQUAL(dax_setup_mapping(win, fa, 1, K, 0, RW), -EINVAL);
	CU_ASSERT_EQUAL(dax_setup_mapping(win, fa, 0, K + 1, 0, RW), -EINVAL);
	CU_ASSERT_EQUAL(dax_setup_mapping(win, fa, 0, 0, 0, RW), -EINVAL);
	CU_ASSERT_EQUAL(dax_setup_mapping(win, fa, 0, K, 16 * K, RW), -EINVAL);
	CU_ASSERT_EQUAL(dax_setup_mapping(win, fa, 0, 2 * K, 15 * K, RW),
			-EINVAL);
	CU_ASSERT_EQUAL(dax_setup_mapping(win, fa, 0, K, 17 * K, RW), -EINVAL);
	CU_ASSERT_EQUAL(dax_setup_mapping(win, fa, ~0ULL << 12, 2 * K, 0, RW),
			-EINVAL);
	CU_ASSERT_EQUAL(dax_setup_mapping(win, fa, 0, K, 0, 4), -EINVAL);
	CU_ASSERT_EQUAL(dax_setup_mapping(win, 99, 0, K, 0, RW), -ESTALE);
	CU_ASSERT_EQUAL(dax_setup_mapping(win, dir, 0, K, 0, RW), -EISDIR);
	CU_ASSERT_EQUAL(dax_count(win), 0);
	CU_ASSERT_EQUAL(pin_count(fa), 0);
	teardown();
}

static void test_replace_split_trim(void)
{
	setup();
	CU_ASSERT_EQUAL(dax_setup_mapping(win, fa, 0, 4 * K, 0, RW), 0);
	CU_ASSERT_STRING_EQUAL(show(), "0+4=2@0w ");
	CU_ASSERT_EQUAL(pin_count(fa), 1);
	/* exact overlap replaces */
	CU_ASSERT_EQUAL(
		dax_setup_mapping(win, fb, 4 * K, 4 * K, 0, DAX_MAP_READ), 0);
	CU_ASSERT_STRING_EQUAL(show(), "0+4=3@4r ");
	CU_ASSERT_EQUAL(pin_count(fa), 0);
	CU_ASSERT_EQUAL(pin_count(fb), 1);
	/* the same file replacing itself keeps its pin */
	CU_ASSERT_EQUAL(dax_setup_mapping(win, fb, 0, 4 * K, 0, RW), 0);
	CU_ASSERT_EQUAL(pin_count(fb), 1);
	/* a mapping in the middle splits the old one in two */
	CU_ASSERT_EQUAL(dax_setup_mapping(win, fa, 0, K, K, RW), 0);
	CU_ASSERT_STRING_EQUAL(show(), "0+1=3@0w 1+1=2@0w 2+2=3@2w ");
	CU_ASSERT_EQUAL(pin_count(fb), 2);
	CU_ASSERT_EQUAL(pin_count(fa), 1);
	/* partial overlap of two mappings trims both */
	CU_ASSERT_EQUAL(dax_setup_mapping(win, fa, 5 * K, 4 * K, 3 * K, RW), 0);
	CU_ASSERT_STRING_EQUAL(show(), "0+1=3@0w 1+1=2@0w 2+1=3@2w 3+4=2@5w ");
	CU_ASSERT_EQUAL(dax_setup_mapping(win, fb, 0, 2 * K, 0, RW), 0);
	CU_ASSERT_STRING_EQUAL(show(), "0+2=3@0w 2+1=3@2w 3+4=2@5w ");
	/* one mapping swallowing several */
	CU_ASSERT_EQUAL(dax_setup_mapping(win, fa, 0, 8 * K, 0, DAX_MAP_READ),
			0);
	CU_ASSERT_STRING_EQUAL(show(), "0+8=2@0r ");
	CU_ASSERT_EQUAL(pin_count(fa), 1);
	CU_ASSERT_EQUAL(pin_count(fb), 0);
	CU_ASSERT_EQUAL(dax_count(win), 1);
	teardown();
}

static void test_remove(void)
{
	setup();
	dax_setup_mapping(win, fa, 0, 4 * K, 0, RW);
	dax_setup_mapping(win, fb, 0, 2 * K, 8 * K, RW);
	CU_ASSERT_EQUAL(dax_remove_mapping(win, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(dax_remove_mapping(win, 1, K), -EINVAL);
	CU_ASSERT_EQUAL(dax_remove_mapping(win, 0, 17 * K), -EINVAL);
	CU_ASSERT_EQUAL(dax_remove_mapping(win, 4 * K, 4 * K), -ENOENT);
	CU_ASSERT_EQUAL(dax_remove_mapping(win, 12 * K, 4 * K), -ENOENT);
	/* a sub-range: splits */
	CU_ASSERT_EQUAL(dax_remove_mapping(win, K, K), 0);
	CU_ASSERT_STRING_EQUAL(show(), "0+1=2@0w 2+2=2@2w 8+2=3@0w ");
	CU_ASSERT_EQUAL(pin_count(fa), 2);
	/* a range partly mapped: unmaps the mapped parts */
	CU_ASSERT_EQUAL(dax_remove_mapping(win, 3 * K, 6 * K), 0);
	CU_ASSERT_STRING_EQUAL(show(), "0+1=2@0w 2+1=2@2w 9+1=3@1w ");
	/* exact */
	CU_ASSERT_EQUAL(dax_remove_mapping(win, 9 * K, K), 0);
	CU_ASSERT_EQUAL(pin_count(fb), 0);
	CU_ASSERT_EQUAL(dax_remove_mapping(win, 0, 16 * K), 0);
	CU_ASSERT_STRING_EQUAL(show(), "");
	CU_ASSERT_EQUAL(pin_count(fa), 0);
	teardown();
}

static void test_read_write(void)
{
	char buf[3 * K];

	setup();
	/* window: [0,1) = a page 1, [1,3) = b pages 0-1 (read-only) */
	dax_setup_mapping(win, fa, K, K, 0, RW);
	dax_setup_mapping(win, fb, 0, 2 * K, K, DAX_MAP_READ);
	CU_ASSERT_EQUAL(dax_read(win, K - 2, buf, 4), 4);
	CU_ASSERT_EQUAL(memcmp(buf, "bbAA", 4), 0);
	CU_ASSERT_EQUAL(dax_read(win, 0, buf, 3 * K), (s64)(3 * K));
	CU_ASSERT_EQUAL(buf[0], 'b');
	CU_ASSERT_EQUAL(buf[2 * K], 'B');
	CU_ASSERT_EQUAL(dax_read(win, 0, buf, 0), 0);
	/* unmapped bytes fault, nothing is transferred */
	CU_ASSERT_EQUAL(dax_read(win, 3 * K - 1, buf, 2), -EFAULT);
	CU_ASSERT_EQUAL(dax_read(win, 5 * K, buf, 1), -EFAULT);
	CU_ASSERT_EQUAL(dax_read(win, 17 * K, buf, 1), -EFAULT);
	CU_ASSERT_EQUAL(dax_read(win, 15 * K, buf, 2 * K), -EFAULT);
	CU_ASSERT_EQUAL(dax_write(win, 3 * K, "xy", 2), -EFAULT);
	/* the first offending byte decides: here a read-only one */
	CU_ASSERT_EQUAL(dax_write(win, 3 * K - 1, "xy", 2), -EACCES);
	/* writes reach the file; read-only mappings refuse */
	CU_ASSERT_EQUAL(dax_write(win, 10, "XYZ", 3), 3);
	CU_ASSERT_EQUAL(memfs_read(fs, fa, K + 10, buf, 3), 3);
	CU_ASSERT_EQUAL(memcmp(buf, "XYZ", 3), 0);
	CU_ASSERT_EQUAL(dax_write(win, K - 1, "xy", 2), -EACCES);
	CU_ASSERT_EQUAL(memfs_read(fs, fa, 2 * K - 1, buf, 1), 1);
	CU_ASSERT_EQUAL(buf[0], 'b'); /* nothing written */
	/* a write-only mapping refuses reads */
	dax_setup_mapping(win, fa, 0, K, 4 * K, DAX_MAP_WRITE);
	CU_ASSERT_EQUAL(dax_read(win, 4 * K, buf, 1), -EACCES);
	CU_ASSERT_EQUAL(dax_write(win, 4 * K, "q", 1), 1);
	CU_ASSERT_EQUAL(memfs_read(fs, fa, 0, buf, 1), 1);
	CU_ASSERT_EQUAL(buf[0], 'q');
	teardown();
}

static void test_across_mappings_and_eof(void)
{
	struct memfs_attr a;
	char buf[2 * K];

	setup();
	/* two writable mappings of different files side by side */
	dax_setup_mapping(win, fa, 0, K, 0, RW);
	dax_setup_mapping(win, fb, 0, K, K, RW);
	memset(buf, '#', sizeof(buf));
	CU_ASSERT_EQUAL(dax_write(win, K - 3, buf, 6), 6);
	CU_ASSERT_EQUAL(memfs_read(fs, fa, K - 3, buf, 3), 3);
	CU_ASSERT_EQUAL(memcmp(buf, "###", 3), 0);
	CU_ASSERT_EQUAL(memfs_read(fs, fb, 0, buf, 4), 4);
	CU_ASSERT_EQUAL(memcmp(buf, "###A", 4), 0);
	/* beyond EOF: zeros on read, growth on write */
	dax_setup_mapping(win, fa, 8 * K, 2 * K, 2 * K, RW);
	memset(buf, 1, sizeof(buf));
	CU_ASSERT_EQUAL(dax_read(win, 2 * K, buf, 2 * K), (s64)(2 * K));
	CU_ASSERT_EQUAL(buf[0], 0);
	CU_ASSERT_EQUAL(buf[2 * K - 1], 0);
	CU_ASSERT_EQUAL(dax_write(win, 3 * K, "end", 3), 3);
	memfs_getattr(fs, fa, &a);
	CU_ASSERT_EQUAL(a.size, 9 * K + 3);
	teardown();
}

static void test_write_error_and_pinned_file(void)
{
	struct memfs_config cfg = { .max_file_size = 2 * K };
	struct memfs_attr a;
	char buf[4];
	u64 f;

	fs = memfs_new(&cfg);
	win = dax_new(fs, 8 * K, 12);
	memfs_create(fs, 1, "f", 0600, 0, &f);
	CU_ASSERT_EQUAL(dax_setup_mapping(win, f, 4 * K, K, 0, RW), 0);
	CU_ASSERT_EQUAL(dax_write(win, 0, "x", 1), -EFBIG);
	CU_ASSERT_EQUAL(dax_read(win, 0, buf, 1), 1);
	/* the mapping keeps the unlinked file alive */
	CU_ASSERT_EQUAL(dax_setup_mapping(win, f, 0, K, K, RW), 0);
	CU_ASSERT_EQUAL(memfs_unlink(fs, 1, "f"), 0);
	CU_ASSERT_EQUAL(dax_write(win, K, "live", 4), 4);
	CU_ASSERT_EQUAL(memfs_getattr(fs, f, &a), 0);
	CU_ASSERT_EQUAL(dax_remove_mapping(win, 0, K), 0);
	CU_ASSERT_EQUAL(memfs_getattr(fs, f, &a), 0);
	CU_ASSERT_EQUAL(dax_remove_mapping(win, K, K), 0);
	CU_ASSERT_EQUAL(memfs_getattr(fs, f, &a), -ESTALE);
	/* dax_free drops the pins it holds */
	memfs_create(fs, 1, "g", 0600, 0, &f);
	dax_setup_mapping(win, f, 0, K, 0, RW);
	memfs_unlink(fs, 1, "g");
	dax_free(win);
	CU_ASSERT_EQUAL(memfs_getattr(fs, f, &a), -ESTALE);
	CU_ASSERT_EQUAL(memfs_check(fs, NULL, 0), 0);
	memfs_free(fs);
}

static int copy_one(void *arg, const struct dax_mapping *m)
{
	return dax_restore(arg, m);
}

static int stop(void *arg, const struct dax_mapping *m)
{
	(void)m;
	(*(int *)arg)++;
	return 3;
}

static void test_restore(void)
{
	struct dax_window *b;
	struct dax_mapping m;
	char sa[512];
	int n = 0;

	setup();
	dax_setup_mapping(win, fa, 0, 4 * K, 0, RW);
	dax_setup_mapping(win, fb, K, K, 2 * K, DAX_MAP_READ);
	dax_setup_mapping(win, fb, 0, 2 * K, 8 * K, RW);
	strcpy(sa, show());
	b = dax_new(fs, 16 * K, 12);
	CU_ASSERT_EQUAL(dax_for_each(win, copy_one, b), 0);
	CU_ASSERT_EQUAL(dax_for_each(win, stop, &n), 3);
	CU_ASSERT_EQUAL(n, 1);
	/* restore takes no pins: the pins travel with the inodes */
	CU_ASSERT_EQUAL(pin_count(fa), 2);
	CU_ASSERT_EQUAL(pin_count(fb), 2);
	{
		struct dax_window *keep = win;

		win = b;
		CU_ASSERT_STRING_EQUAL(show(), sa);
		win = keep;
	}
	m = (struct dax_mapping){ 0, K, fa, 0, RW };
	CU_ASSERT_EQUAL(dax_restore(b, &m), -EEXIST);
	m.moffset = 2 * K; /* inside an existing one */
	CU_ASSERT_EQUAL(dax_restore(b, &m), -EEXIST);
	m.moffset = 7 * K;
	m.len = 2 * K; /* runs into the next one */
	CU_ASSERT_EQUAL(dax_restore(b, &m), -EEXIST);
	m.len = K;
	m.ino = 99;
	CU_ASSERT_EQUAL(dax_restore(b, &m), -ESTALE);
	m.ino = fa;
	m.foffset = 5;
	CU_ASSERT_EQUAL(dax_restore(b, &m), -EINVAL);
	m.foffset = 0;
	CU_ASSERT_EQUAL(dax_restore(b, &m), 0);
	/* b holds mappings whose pins it never took: hand them over */
	memfs_pin(fs, fa);
	memfs_pin(fs, fa);
	memfs_pin(fs, fb);
	memfs_pin(fs, fb);
	dax_free(b);
	CU_ASSERT_EQUAL(pin_count(fa), 1);
	CU_ASSERT_EQUAL(pin_count(fb), 2);
	teardown();
}

static int bend(void *arg, const struct dax_mapping *m)
{
	struct dax_mapping *w = (struct dax_mapping *)m;
	int *i = arg;

	if (*i == 0)
		w->foffset = 1;
	else if (*i == 1)
		w->moffset = 16 * K;
	else
		w->len = 3 * K; /* overlaps the next */
	return 1;
}

static void test_check_catches(void)
{
	for (int i = 0; i < 3; i++) {
		int k = i;

		setup();
		dax_setup_mapping(win, fa, 0, K, 0, RW);
		dax_setup_mapping(win, fa, 0, K, 2 * K, RW);
		CU_ASSERT_EQUAL(dax_check(win), 0);
		dax_for_each(win, bend, &k);
		CU_ASSERT_EQUAL(dax_check(win), -EUCLEAN);
		teardown();
	}
}

/* ---- against a page-by-page model ------------------------------------ */

struct page_model {
	u64 ino, fpage;
	u32 flags;
};

static u64 lcg_state;

static u32 rnd(u32 n)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (u32)(lcg_state >> 33) % n;
}

static int expand(void *arg, const struct dax_mapping *m)
{
	struct page_model *pm = arg;

	for (u64 p = 0; p < m->len / K; p++) {
		struct page_model *e = &pm[m->moffset / K + p];

		CU_ASSERT_EQUAL(e->ino, 0); /* no overlap */
		*e = (struct page_model){ m->ino, m->foffset / K + p,
					  m->flags };
	}
	return 0;
}

static int count_maps(void *arg, const struct dax_mapping *m)
{
	u64 *maps = arg;

	maps[m->ino == fa ? 0 : 1]++;
	return 0;
}

static void test_random_against_model(void)
{
	struct page_model model[16] = { { 0 } };
	int rounds = vt_slow_build() ? 200 : 2000;

	setup();
	lcg_state = 7;
	for (int r = 0; r < rounds; r++) {
		struct page_model got[16] = { { 0 } };
		u64 mp = rnd(16), np = 1 + rnd(16 - (u32)mp);
		char c;

		if (rnd(3)) {
			u64 ino = rnd(2) ? fa : fb, fp = rnd(8);
			u32 fl = 1 + rnd(3);

			CU_ASSERT_EQUAL(dax_setup_mapping(win, ino, fp * K,
							  np * K, mp * K, fl),
					0);
			for (u64 p = 0; p < np; p++)
				model[mp + p] =
					(struct page_model){ ino, fp + p, fl };
		} else {
			bool any = false;

			for (u64 p = 0; p < np; p++) {
				any |= model[mp + p].ino != 0;
				model[mp + p].ino = 0;
			}
			CU_ASSERT_EQUAL(dax_remove_mapping(win, mp * K, np * K),
					any ? 0 : -ENOENT);
		}
		dax_for_each(win, expand, got);
		for (int p = 0; p < 16; p++) {
			CU_ASSERT_EQUAL(got[p].ino, model[p].ino);
			if (!model[p].ino)
				continue;
			CU_ASSERT_EQUAL(got[p].fpage, model[p].fpage);
			CU_ASSERT_EQUAL(got[p].flags, model[p].flags);
		}
		/* one pin per mapping */
		u64 maps[2] = { 0, 0 };

		dax_for_each(win, count_maps, maps);
		CU_ASSERT_EQUAL(pin_count(fa), maps[0]);
		CU_ASSERT_EQUAL(pin_count(fb), maps[1]);
		/* a byte read through the window is the file's byte */
		mp = rnd(16);
		if (model[mp].ino && (model[mp].flags & DAX_MAP_READ)) {
			char want = model[mp].fpage >= 8 ?
					    0 :
					    (char)((model[mp].ino == fa ? 'a' :
									  'A') +
						   model[mp].fpage);

			CU_ASSERT_EQUAL(dax_read(win, mp * K + 5, &c, 1), 1);
			CU_ASSERT_EQUAL(c, want);
		}
	}
	CU_ASSERT_EQUAL(dax_check(win), 0);
	teardown();
}

VT_SUITE(device_dax, NULL, NULL, VT_CASE(test_new), VT_CASE(test_setup_errors),
	 VT_CASE(test_replace_split_trim), VT_CASE(test_remove),
	 VT_CASE(test_read_write), VT_CASE(test_across_mappings_and_eof),
	 VT_CASE(test_write_error_and_pinned_file), VT_CASE(test_restore),
	 VT_CASE(test_check_catches), VT_CASE(test_random_against_model));
