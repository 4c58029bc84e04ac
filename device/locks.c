// SPDX-License-Identifier: GPL-2.0-only
/*
 * locks.c - POSIX byte-range locks (the fcntl F_GETLK/F_SETLK model).
 *
 * One sorted array of locks keyed by (ino, owner, start). A SETLK rewrites
 * only the requesting owner's run of locks on that inode: it keeps what lies
 * outside the new range, absorbs same-type neighbours, and drops the rest,
 * which gives split, trim, convert and merge in one pass (the job of the
 * kernel's posix_lock_inode()).
 */
#include "device/locks.h"
#include "sim/trace/host.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

struct lock_table {
	struct posix_lock *lk;
	size_t n, cap;
	u64 gen;
};

struct lock_table *locks_new(void)
{
	struct lock_table *t = host_calloc(1, sizeof(*t));

	return t;
}

void locks_free(struct lock_table *t)
{
	if (!t)
		return;
	host_free(t->lk);
	host_free(t);
}

static int key_cmp(u64 ino_a, u64 owner_a, u64 start_a, u64 ino_b, u64 owner_b,
		   u64 start_b)
{
	if (ino_a != ino_b)
		return ino_a < ino_b ? -1 : 1;
	if (owner_a != owner_b)
		return owner_a < owner_b ? -1 : 1;
	if (start_a != start_b)
		return start_a < start_b ? -1 : 1;
	return 0;
}

/* First index whose key is >= (ino, owner, start). */
static size_t lower_bound(const struct lock_table *t, u64 ino, u64 owner,
			  u64 start)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct posix_lock *l = &t->lk[mid];

		if (key_cmp(l->ino, l->owner, l->start, ino, owner, start) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool valid_range(const struct posix_lock *l)
{
	return l->start <= l->end && l->end <= LOCKS_OFFSET_MAX;
}

static bool overlaps(const struct posix_lock *a, u64 start, u64 end)
{
	return a->start <= end && start <= a->end;
}

/* The first lock of another owner on req->ino that conflicts, or NULL. */
static const struct posix_lock *find_conflict(const struct lock_table *t,
					      const struct posix_lock *req)
{
	for (size_t i = lower_bound(t, req->ino, 0, 0);
	     i < t->n && t->lk[i].ino == req->ino; i++) {
		const struct posix_lock *l = &t->lk[i];

		if (l->owner == req->owner ||
		    !overlaps(l, req->start, req->end))
			continue;
		if (l->type == F_WRLCK || req->type == F_WRLCK)
			return l;
	}
	return NULL;
}

int locks_getlk(const struct lock_table *t, const struct posix_lock *req,
		struct posix_lock *out)
{
	const struct posix_lock *c;

	if ((req->type != F_RDLCK && req->type != F_WRLCK) || !valid_range(req))
		return -EINVAL;
	c = find_conflict(t, req);
	if (c) {
		*out = *c;
	} else {
		*out = *req;
		out->type = F_UNLCK;
	}
	return 0;
}

static void reserve(struct lock_table *t, size_t extra)
{
	if (t->n + extra <= t->cap)
		return;
	while (t->cap < t->n + extra)
		t->cap = t->cap ? 2 * t->cap : 16;
	t->lk = host_realloc(t->lk, t->cap * sizeof(*t->lk));
}

static int by_start(const void *a, const void *b)
{
	const struct posix_lock *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int locks_setlk(struct lock_table *t, const struct posix_lock *req)
{
	size_t lo, hi, nnew = 0, nold;
	struct posix_lock *tmp;
	struct posix_lock merged = *req;
	bool same;

	if ((req->type != F_RDLCK && req->type != F_WRLCK &&
	     req->type != F_UNLCK) ||
	    !valid_range(req))
		return -EINVAL;
	if (req->type != F_UNLCK && find_conflict(t, req))
		return -EAGAIN;
	lo = lower_bound(t, req->ino, req->owner, 0);
	hi = lo;
	while (hi < t->n && t->lk[hi].ino == req->ino &&
	       t->lk[hi].owner == req->owner)
		hi++;
	nold = hi - lo;
	/* Each old lock yields at most two pieces, plus the new lock. */
	tmp = host_malloc((2 * nold + 1) * sizeof(*tmp));
	for (size_t i = lo; i < hi; i++) {
		const struct posix_lock *l = &t->lk[i];
		bool touch = overlaps(
			l, req->start ? req->start - 1 : 0,
			req->end < LOCKS_OFFSET_MAX ? req->end + 1 : req->end);

		if (!touch) {
			tmp[nnew++] = *l;
		} else if (l->type == req->type) {
			/* Same type, overlapping or adjacent: absorb it. */
			if (l->start < merged.start)
				merged.start = l->start;
			if (l->end > merged.end)
				merged.end = l->end;
		} else {
			/* Keep what lies outside the request's own range. */
			if (l->start < req->start) {
				tmp[nnew] = *l;
				tmp[nnew++].end = req->start - 1;
			}
			if (l->end > req->end) {
				tmp[nnew] = *l;
				tmp[nnew++].start = req->end + 1;
			}
		}
	}
	if (req->type != F_UNLCK)
		tmp[nnew++] = merged;
	qsort(tmp, nnew, sizeof(*tmp), by_start);
	same = nnew == nold &&
	       (!nold || !memcmp(tmp, &t->lk[lo], nold * sizeof(*tmp)));
	if (!same) {
		reserve(t, nnew);
		memmove(&t->lk[lo + nnew], &t->lk[hi],
			(t->n - hi) * sizeof(*t->lk));
		memcpy(&t->lk[lo], tmp, nnew * sizeof(*tmp));
		t->n = t->n - nold + nnew;
		t->gen++;
	}
	host_free(tmp);
	return 0;
}

/* Remove the run [lo, hi) of locks. */
static void remove_run(struct lock_table *t, size_t lo, size_t hi)
{
	if (lo == hi)
		return;
	memmove(&t->lk[lo], &t->lk[hi], (t->n - hi) * sizeof(*t->lk));
	t->n -= hi - lo;
	t->gen++;
}

void locks_release_owner(struct lock_table *t, u64 ino, u64 owner)
{
	size_t lo = lower_bound(t, ino, owner, 0), hi = lo;

	while (hi < t->n && t->lk[hi].ino == ino && t->lk[hi].owner == owner)
		hi++;
	remove_run(t, lo, hi);
}

void locks_release_inode(struct lock_table *t, u64 ino)
{
	size_t lo = lower_bound(t, ino, 0, 0), hi = lo;

	while (hi < t->n && t->lk[hi].ino == ino)
		hi++;
	remove_run(t, lo, hi);
}

u64 locks_generation(const struct lock_table *t)
{
	return t->gen;
}

size_t locks_count(const struct lock_table *t)
{
	return t->n;
}

void locks_set_generation(struct lock_table *t, u64 gen)
{
	t->gen = gen;
}

int locks_for_each(const struct lock_table *t,
		   int (*fn)(void *arg, const struct posix_lock *lk), void *arg)
{
	for (size_t i = 0; i < t->n; i++) {
		int ret = fn(arg, &t->lk[i]);

		if (ret)
			return ret;
	}
	return 0;
}

/* True if @a and @b (same owner and inode) may not both be held. */
static bool clash(const struct posix_lock *a, const struct posix_lock *b)
{
	u64 s = a->start ? a->start - 1 : 0;
	u64 e = a->end < LOCKS_OFFSET_MAX ? a->end + 1 : a->end;

	if (overlaps(b, a->start, a->end))
		return true;
	return a->type == b->type && overlaps(b, s, e);
}

int locks_restore(struct lock_table *t, const struct posix_lock *lk)
{
	size_t i;

	if ((lk->type != F_RDLCK && lk->type != F_WRLCK) || !valid_range(lk))
		return -EINVAL;
	for (i = lower_bound(t, lk->ino, lk->owner, 0);
	     i < t->n && t->lk[i].ino == lk->ino && t->lk[i].owner == lk->owner;
	     i++)
		if (clash(lk, &t->lk[i]))
			return -EINVAL;
	if (find_conflict(t, lk))
		return -EAGAIN;
	i = lower_bound(t, lk->ino, lk->owner, lk->start);
	reserve(t, 1);
	memmove(&t->lk[i + 1], &t->lk[i], (t->n - i) * sizeof(*t->lk));
	t->lk[i] = *lk;
	t->n++;
	return 0;
}

int locks_check(const struct lock_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct posix_lock *l = &t->lk[i];

		if ((l->type != F_RDLCK && l->type != F_WRLCK) ||
		    !valid_range(l))
			return -EUCLEAN;
		if (!i)
			continue;
		const struct posix_lock *p = &t->lk[i - 1];

		if (key_cmp(p->ino, p->owner, p->start, l->ino, l->owner,
			    l->start) >= 0)
			return -EUCLEAN;
		if (p->ino == l->ino && p->owner == l->owner && clash(p, l))
			return -EUCLEAN;
	}
	for (size_t i = 0; i < t->n; i++)
		if (find_conflict(t, &t->lk[i]))
			return -EUCLEAN;
	return 0;
}
