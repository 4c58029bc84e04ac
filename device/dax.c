// SPDX-License-Identifier: GPL-2.0-only
/*
 * dax.c - the DAX window: a sorted list of window -> file translations.
 *
 * Setting up a mapping first cuts a hole for it (which is exactly "replace
 * a perfect overlap, split or trim a partial one"), then inserts it; so
 * mappings never overlap and the list stays sorted by moffset.
 */
#include "device/dax.h"
#include "sim/trace/host.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct dax_window {
	struct memfs *fs;
	u64 size;
	u32 align_shift;
	struct dax_mapping *m;
	size_t n, cap;
};

struct dax_window *dax_new(struct memfs *fs, u64 size, u32 map_alignment)
{
	struct dax_window *win;

	if (map_alignment >= 64 || size & ((1ULL << map_alignment) - 1))
		return NULL;
	win = host_calloc(1, sizeof(*win));
	win->fs = fs;
	win->size = size;
	win->align_shift = map_alignment;
	return win;
}

void dax_free(struct dax_window *win)
{
	if (!win)
		return;
	for (size_t i = 0; i < win->n; i++)
		memfs_unpin(win->fs, win->m[i].ino);
	host_free(win->m);
	host_free(win);
}

u64 dax_size(const struct dax_window *win)
{
	return win->size;
}

u32 dax_map_alignment(const struct dax_window *win)
{
	return win->align_shift;
}

size_t dax_count(const struct dax_window *win)
{
	return win->n;
}

static bool aligned(const struct dax_window *win, u64 v)
{
	return !(v & ((1ULL << win->align_shift) - 1));
}

/* 0 if [moffset, moffset + len) is an aligned nonempty window range. */
static int check_range(const struct dax_window *win, u64 moffset, u64 len)
{
	if (!len || !aligned(win, moffset) || !aligned(win, len))
		return -EINVAL;
	if (moffset > win->size || len > win->size - moffset)
		return -EINVAL;
	return 0;
}

static int check_mapping(const struct dax_window *win,
			 const struct dax_mapping *m)
{
	struct memfs_attr attr;
	int err = check_range(win, m->moffset, m->len);

	if (err)
		return err;
	if (!aligned(win, m->foffset) || m->foffset + m->len < m->foffset ||
	    (m->flags & ~(DAX_MAP_READ | DAX_MAP_WRITE)))
		return -EINVAL;
	err = memfs_getattr(win->fs, m->ino, &attr);
	if (err)
		return err;
	return S_ISDIR(attr.mode) ? -EISDIR : 0;
}

static void reserve(struct dax_window *win, size_t extra)
{
	if (win->n + extra <= win->cap)
		return;
	while (win->cap < win->n + extra)
		win->cap = win->cap ? 2 * win->cap : 8;
	win->m = host_realloc(win->m, win->cap * sizeof(*win->m));
}

/* Index of the first mapping whose moffset is >= @moffset. */
static size_t slot(const struct dax_window *win, u64 moffset)
{
	size_t lo = 0, hi = win->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (win->m[mid].moffset < moffset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void insert(struct dax_window *win, const struct dax_mapping *m)
{
	size_t i = slot(win, m->moffset);

	reserve(win, 1);
	memmove(&win->m[i + 1], &win->m[i], (win->n - i) * sizeof(*win->m));
	win->m[i] = *m;
	win->n++;
}

/*
 * Unmap every mapped byte of [start, end): mappings inside go, mappings
 * sticking out keep their outside parts (a mapping spanning the whole range
 * becomes two, and takes a second pin). Returns the number of mappings
 * touched.
 */
static size_t cut(struct dax_window *win, u64 start, u64 end)
{
	size_t touched = 0, i = 0;

	while (i < win->n) {
		struct dax_mapping m = win->m[i];
		u64 mend = m.moffset + m.len;
		bool left, right;

		if (mend <= start || m.moffset >= end) {
			i++;
			continue;
		}
		touched++;
		left = m.moffset < start;
		right = mend > end;
		memmove(&win->m[i], &win->m[i + 1],
			(win->n - i - 1) * sizeof(*win->m));
		win->n--;
		if (left) {
			struct dax_mapping l = m;

			l.len = start - m.moffset;
			insert(win, &l);
			i++;
		}
		if (right) {
			struct dax_mapping r = m;

			r.moffset = end;
			r.foffset = m.foffset + (end - m.moffset);
			r.len = mend - end;
			insert(win, &r);
			i++;
		}
		if (left && right)
			memfs_pin(win->fs, m.ino);
		else if (!left && !right)
			memfs_unpin(win->fs, m.ino);
	}
	return touched;
}

int dax_setup_mapping(struct dax_window *win, u64 ino, u64 foffset, u64 len,
		      u64 moffset, u32 flags)
{
	struct dax_mapping m = { moffset, len, ino, foffset, flags };
	int err = check_mapping(win, &m);

	if (err)
		return err;
	/* Pin first: the mapping being replaced may hold the last pin. */
	memfs_pin(win->fs, ino);
	cut(win, moffset, moffset + len);
	insert(win, &m);
	return 0;
}

int dax_remove_mapping(struct dax_window *win, u64 moffset, u64 len)
{
	int err = check_range(win, moffset, len);

	if (err)
		return err;
	return cut(win, moffset, moffset + len) ? 0 : -ENOENT;
}

/*
 * Check that every byte of [moffset, moffset + len) is mapped with @need;
 * returns the index of the first mapping involved.
 */
static int check_access(const struct dax_window *win, u64 moffset, u64 len,
			u32 need, size_t *first)
{
	size_t i = slot(win, moffset);
	u64 pos = moffset, end;

	if (moffset > win->size || len > win->size - moffset)
		return -EFAULT;
	end = moffset + len;
	/* The mapping covering @moffset may start before it. */
	if (i && win->m[i - 1].moffset + win->m[i - 1].len > moffset)
		i--;
	*first = i;
	for (; pos < end; i++) {
		if (i == win->n || win->m[i].moffset > pos)
			return -EFAULT;
		if (!(win->m[i].flags & need))
			return -EACCES;
		pos = win->m[i].moffset + win->m[i].len;
	}
	return 0;
}

s64 dax_read(struct dax_window *win, u64 moffset, void *buf, size_t len)
{
	u8 *out = buf;
	size_t i, done = 0;
	int err = check_access(win, moffset, len, DAX_MAP_READ, &i);

	if (err)
		return err;
	for (; done < len; i++) {
		const struct dax_mapping *m = &win->m[i];
		u64 pos = moffset + done;
		u64 n = m->moffset + m->len - pos;
		s64 got;

		if (n > len - done)
			n = len - done;
		got = memfs_read(win->fs, m->ino,
				 m->foffset + (pos - m->moffset), out + done,
				 n);
		/* The mapping's pin keeps the file, so the read cannot fail. */
		assert(got >= 0);
		/* Past EOF the window shows zeros. */
		memset(out + done + got, 0, n - (u64)got);
		done += n;
	}
	return (s64)len;
}

s64 dax_write(struct dax_window *win, u64 moffset, const void *buf, size_t len)
{
	const u8 *in = buf;
	size_t i, done = 0;
	int err = check_access(win, moffset, len, DAX_MAP_WRITE, &i);

	if (err)
		return err;
	for (; done < len; i++) {
		const struct dax_mapping *m = &win->m[i];
		u64 pos = moffset + done;
		u64 n = m->moffset + m->len - pos;
		s64 put;

		if (n > len - done)
			n = len - done;
		put = memfs_write(win->fs, m->ino,
				  m->foffset + (pos - m->moffset), in + done,
				  n);
		if (put < 0)
			return put;
		done += n;
	}
	return (s64)len;
}

int dax_for_each(const struct dax_window *win,
		 int (*fn)(void *arg, const struct dax_mapping *m), void *arg)
{
	for (size_t i = 0; i < win->n; i++) {
		int ret = fn(arg, &win->m[i]);

		if (ret)
			return ret;
	}
	return 0;
}

int dax_restore(struct dax_window *win, const struct dax_mapping *m)
{
	int err = check_mapping(win, m);
	size_t i;

	if (err)
		return err;
	i = slot(win, m->moffset);
	if ((i < win->n && win->m[i].moffset < m->moffset + m->len) ||
	    (i && win->m[i - 1].moffset + win->m[i - 1].len > m->moffset))
		return -EEXIST;
	insert(win, m);
	return 0;
}

int dax_check(const struct dax_window *win)
{
	for (size_t i = 0; i < win->n; i++) {
		const struct dax_mapping *m = &win->m[i];

		if (check_range(win, m->moffset, m->len) ||
		    !aligned(win, m->foffset))
			return -EUCLEAN;
		if (i && win->m[i - 1].moffset + win->m[i - 1].len > m->moffset)
			return -EUCLEAN;
	}
	return 0;
}
