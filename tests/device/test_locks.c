// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_locks.c - POSIX byte-range locks: merge, split, convert, conflicts,
 * GETLK, the SETLKW retry generation, release, iteration and restore.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/locks.h"
#include "tests/harness.h"

#define MAX LOCKS_OFFSET_MAX

static struct posix_lock L(u64 ino, u64 owner, u32 type, u64 s, u64 e) {
	return (struct posix_lock){ .ino = ino,
				    .owner = owner,
				    .pid = (u32)owner + 100,
				    .type = type,
				    .start = s,
				    .end = e };
}

static int
set(struct lock_table *t, u64 ino, u64 owner, u32 type, u64 s, u64 e)
{
	struct posix_lock l = L(ino, owner, type, s, e);

	return locks_setlk(t, &l);
}

static int fmt_one(void *arg, const struct posix_lock *l)
{
	char *buf = arg;
	size_t n = strlen(buf);
	char end[24];

	if (l->end == MAX)
		strcpy(end, "max");
	else
		snprintf(end, sizeof(end), "%llu", (unsigned long long)l->end);
	snprintf(buf + n, 512 - n, "%llu/%llu:%c[%llu,%s]%u ",
		 (unsigned long long)l->ino, (unsigned long long)l->owner,
		 l->type == F_RDLCK ? 'R' : 'W', (unsigned long long)l->start,
		 end, l->pid);
	return 0;
}

/* The whole table as text, in iteration order. */
static const char *show(struct lock_table *t)
{
	static char buf[512];

	buf[0] = '\0';
	locks_for_each(t, fmt_one, buf);
	CU_ASSERT_EQUAL(locks_check(t), 0);
	return buf;
}

static void test_merge_split(void)
{
	struct lock_table *t = locks_new();

	CU_ASSERT_EQUAL(set(t, 1, 1, F_RDLCK, 0, 9), 0);
	CU_ASSERT_EQUAL(set(t, 1, 1, F_RDLCK, 20, 29), 0);
	CU_ASSERT_STRING_EQUAL(show(t), "1/1:R[0,9]101 1/1:R[20,29]101 ");
	/* adjacent same type merges, bridging both */
	CU_ASSERT_EQUAL(set(t, 1, 1, F_RDLCK, 10, 19), 0);
	CU_ASSERT_STRING_EQUAL(show(t), "1/1:R[0,29]101 ");
	/* a write lock in the middle splits and converts */
	CU_ASSERT_EQUAL(set(t, 1, 1, F_WRLCK, 10, 14), 0);
	CU_ASSERT_STRING_EQUAL(show(t), "1/1:R[0,9]101 1/1:W[10,14]101 "
					"1/1:R[15,29]101 ");
	/* unlock across a boundary trims both sides */
	CU_ASSERT_EQUAL(set(t, 1, 1, F_UNLCK, 8, 11), 0);
	CU_ASSERT_STRING_EQUAL(show(t), "1/1:R[0,7]101 1/1:W[12,14]101 "
					"1/1:R[15,29]101 ");
	/* converting the whole range to write merges everything */
	CU_ASSERT_EQUAL(set(t, 1, 1, F_WRLCK, 0, 29), 0);
	CU_ASSERT_STRING_EQUAL(show(t), "1/1:W[0,29]101 ");
	/* to EOF, then a hole punched in it */
	CU_ASSERT_EQUAL(set(t, 1, 1, F_WRLCK, 30, MAX), 0);
	CU_ASSERT_STRING_EQUAL(show(t), "1/1:W[0,max]101 ");
	CU_ASSERT_EQUAL(set(t, 1, 1, F_UNLCK, 100, 199), 0);
	CU_ASSERT_STRING_EQUAL(show(t), "1/1:W[0,99]101 1/1:W[200,max]101 ");
	/* downgrade the tail to read */
	CU_ASSERT_EQUAL(set(t, 1, 1, F_RDLCK, 200, MAX), 0);
	CU_ASSERT_STRING_EQUAL(show(t), "1/1:W[0,99]101 1/1:R[200,max]101 ");
	/* adjacent different type does not merge, write next to write does */
	CU_ASSERT_EQUAL(set(t, 1, 1, F_WRLCK, 100, 150), 0);
	CU_ASSERT_STRING_EQUAL(show(t), "1/1:W[0,150]101 1/1:R[200,max]101 ");
	CU_ASSERT_EQUAL(set(t, 1, 1, F_WRLCK, 151, 199), 0);
	CU_ASSERT_STRING_EQUAL(show(t), "1/1:W[0,199]101 1/1:R[200,max]101 ");
	/* unlock everything */
	CU_ASSERT_EQUAL(set(t, 1, 1, F_UNLCK, 0, MAX), 0);
	CU_ASSERT_STRING_EQUAL(show(t), "");
	CU_ASSERT_EQUAL(locks_count(t), 0);
	locks_free(t);
	locks_free(NULL);
}

static void test_same_type_inside_and_pid(void)
{
	struct lock_table *t = locks_new();
	struct posix_lock l = L(1, 1, F_RDLCK, 5, 6);

	CU_ASSERT_EQUAL(set(t, 1, 1, F_RDLCK, 0, 9), 0);
	l.pid = 77;
	CU_ASSERT_EQUAL(locks_setlk(t, &l), 0); /* inside: merged, new pid */
	CU_ASSERT_STRING_EQUAL(show(t), "1/1:R[0,9]77 ");
	locks_free(t);
}

static void test_conflicts(void)
{
	struct lock_table *t = locks_new();
	struct posix_lock q, out;

	CU_ASSERT_EQUAL(set(t, 1, 1, F_RDLCK, 0, 99), 0);
	CU_ASSERT_EQUAL(set(t, 1, 2, F_RDLCK, 50, 149), 0); /* read-read ok */
	CU_ASSERT_EQUAL(set(t, 1, 3, F_WRLCK, 100, 100), -EAGAIN);
	CU_ASSERT_EQUAL(set(t, 1, 3, F_WRLCK, 150, 200), 0);
	CU_ASSERT_EQUAL(set(t, 1, 1, F_WRLCK, 0, 49), 0); /* own only */
	CU_ASSERT_EQUAL(set(t, 1, 1, F_WRLCK, 0, 50), -EAGAIN);
	CU_ASSERT_EQUAL(set(t, 1, 2, F_RDLCK, 200, 200), -EAGAIN);
	CU_ASSERT_EQUAL(set(t, 2, 2, F_WRLCK, 0, MAX), 0); /* other inode */
	/* a failed request changed nothing */
	CU_ASSERT_STRING_EQUAL(show(t), "1/1:W[0,49]101 1/1:R[50,99]101 "
					"1/2:R[50,149]102 1/3:W[150,200]103 "
					"2/2:W[0,max]102 ");
	/* unlock never conflicts */
	CU_ASSERT_EQUAL(set(t, 1, 4, F_UNLCK, 0, MAX), 0);

	/* GETLK: first conflicting lock in (owner, start) order */
	q = L(1, 9, F_WRLCK, 60, 160);
	CU_ASSERT_EQUAL(locks_getlk(t, &q, &out), 0);
	CU_ASSERT_EQUAL(out.type, F_RDLCK);
	CU_ASSERT_EQUAL(out.owner, 1);
	CU_ASSERT_EQUAL(out.pid, 101);
	CU_ASSERT_EQUAL(out.start, 50);
	CU_ASSERT_EQUAL(out.end, 99);
	q = L(1, 9, F_RDLCK, 0, MAX);
	CU_ASSERT_EQUAL(locks_getlk(t, &q, &out), 0);
	CU_ASSERT_EQUAL(out.type, F_WRLCK);
	CU_ASSERT_EQUAL(out.start, 0);
	q = L(1, 9, F_RDLCK, 50, 149);
	CU_ASSERT_EQUAL(locks_getlk(t, &q, &out), 0);
	CU_ASSERT_EQUAL(out.type, F_UNLCK);
	CU_ASSERT_EQUAL(out.start, 50);
	CU_ASSERT_EQUAL(out.end, 149);
	/* the owner's own locks never conflict with itself */
	q = L(1, 3, F_WRLCK, 150, 200);
	CU_ASSERT_EQUAL(locks_getlk(t, &q, &out), 0);
	CU_ASSERT_EQUAL(out.type, F_UNLCK);
	/* bad requests */
	q.type = F_UNLCK;
	CU_ASSERT_EQUAL(locks_getlk(t, &q, &out), -EINVAL);
	q.type = 7;
	CU_ASSERT_EQUAL(locks_getlk(t, &q, &out), -EINVAL);
	CU_ASSERT_EQUAL(locks_setlk(t, &q), -EINVAL);
	q = L(1, 3, F_WRLCK, 10, 9);
	CU_ASSERT_EQUAL(locks_getlk(t, &q, &out), -EINVAL);
	CU_ASSERT_EQUAL(locks_setlk(t, &q), -EINVAL);
	q = L(1, 3, F_WRLCK, 10, MAX + 1);
	CU_ASSERT_EQUAL(locks_setlk(t, &q), -EINVAL);
	locks_free(t);
}

static void test_setlkw_generation(void)
{
	struct lock_table *t = locks_new();
	u64 g0, g1;

	CU_ASSERT_EQUAL(set(t, 1, 1, F_WRLCK, 0, 9), 0);
	g0 = locks_generation(t);
	/* owner 2 would block: the server parks it, remembering g0 */
	CU_ASSERT_EQUAL(set(t, 1, 2, F_WRLCK, 5, 5), -EAGAIN);
	CU_ASSERT_EQUAL(locks_generation(t), g0);
	/* no-op changes do not wake anyone */
	CU_ASSERT_EQUAL(set(t, 1, 1, F_UNLCK, 20, 30), 0);
	CU_ASSERT_EQUAL(set(t, 1, 1, F_WRLCK, 0, 9), 0);
	CU_ASSERT_EQUAL(locks_generation(t), g0);
	/* a shrink moves the generation; the retry still blocks */
	CU_ASSERT_EQUAL(set(t, 1, 1, F_UNLCK, 8, 9), 0);
	g1 = locks_generation(t);
	CU_ASSERT_NOT_EQUAL(g1, g0);
	CU_ASSERT_EQUAL(set(t, 1, 2, F_WRLCK, 5, 5), -EAGAIN);
	/* the release by owner 1 lets the retry through */
	locks_release_owner(t, 1, 1);
	CU_ASSERT_NOT_EQUAL(locks_generation(t), g1);
	CU_ASSERT_EQUAL(set(t, 1, 2, F_WRLCK, 5, 5), 0);
	g1 = locks_generation(t);
	locks_release_owner(t, 1, 1); /* holds nothing: no change */
	CU_ASSERT_EQUAL(locks_generation(t), g1);
	locks_free(t);
}

static void test_release(void)
{
	struct lock_table *t = locks_new();

	set(t, 1, 1, F_RDLCK, 0, 9);
	set(t, 1, 1, F_WRLCK, 20, 29);
	set(t, 1, 2, F_RDLCK, 0, 9);
	set(t, 2, 1, F_WRLCK, 0, 9);
	set(t, 3, 1, F_WRLCK, 0, 9);
	locks_release_owner(t, 1, 1);
	CU_ASSERT_STRING_EQUAL(show(t),
			       "1/2:R[0,9]102 2/1:W[0,9]101 3/1:W[0,9]101 ");
	locks_release_inode(t, 2);
	CU_ASSERT_STRING_EQUAL(show(t), "1/2:R[0,9]102 3/1:W[0,9]101 ");
	locks_release_inode(t, 7);
	CU_ASSERT_EQUAL(locks_count(t), 2);
	locks_free(t);
}

static int copy_lock(void *arg, const struct posix_lock *l)
{
	return locks_restore(arg, l);
}

static int stop(void *arg, const struct posix_lock *l)
{
	(void)l;
	(*(int *)arg)++;
	return 5;
}

static void test_restore(void)
{
	struct lock_table *a = locks_new(), *b = locks_new();
	struct posix_lock l;
	char sa[512];
	int n = 0;

	for (u64 i = 0; i < 20; i++)
		set(a, 1 + i % 3, i % 4, (i & 1) ? F_RDLCK : F_WRLCK,
		    i * 100 + (i % 5), i * 100 + 50);
	CU_ASSERT_EQUAL(set(a, 1, 1, F_RDLCK, 10000, 10009), 0);
	strcpy(sa, show(a));
	CU_ASSERT_EQUAL(locks_for_each(a, copy_lock, b), 0);
	locks_set_generation(b, locks_generation(a));
	CU_ASSERT_STRING_EQUAL(show(b), sa);
	CU_ASSERT_EQUAL(locks_generation(b), locks_generation(a));
	CU_ASSERT_EQUAL(locks_for_each(a, stop, &n), 5);
	CU_ASSERT_EQUAL(n, 1);

	/* malformed restores */
	l = L(1, 1, F_UNLCK, 0, 1);
	CU_ASSERT_EQUAL(locks_restore(b, &l), -EINVAL);
	l = L(1, 1, F_RDLCK, 5, 1);
	CU_ASSERT_EQUAL(locks_restore(b, &l), -EINVAL);
	l = L(1, 1, F_RDLCK, 10005, 10020); /* overlaps its own */
	CU_ASSERT_EQUAL(locks_restore(b, &l), -EINVAL);
	l = L(1, 1, F_RDLCK, 10010, 10020); /* touches same type */
	CU_ASSERT_EQUAL(locks_restore(b, &l), -EINVAL);
	l = L(1, 1, F_RDLCK, 9000, 9999);
	CU_ASSERT_EQUAL(locks_restore(b, &l), -EINVAL);
	l = L(1, 1, F_WRLCK, 10010, 10020); /* touching other type is fine */
	CU_ASSERT_EQUAL(locks_restore(b, &l), 0);
	l = L(1, 2, F_WRLCK, 10000, 10000);
	CU_ASSERT_EQUAL(locks_restore(b, &l), -EAGAIN);
	CU_ASSERT_EQUAL(locks_check(b), 0);
	locks_free(a);
	locks_free(b);
}

static int break_type(void *arg, const struct posix_lock *l)
{
	(void)arg;
	((struct posix_lock *)l)->type = 9;
	return 1;
}

static int break_order(void *arg, const struct posix_lock *l)
{
	struct posix_lock *p = (struct posix_lock *)l;
	int *i = arg;

	if ((*i)++ == 1) {
		p->start = 0; /* same key as the first lock */
		return 1;
	}
	return 0;
}

static int break_merge(void *arg, const struct posix_lock *l)
{
	struct posix_lock *p = (struct posix_lock *)l;
	int *i = arg;

	if ((*i)++ == 1) {
		p->start = 10; /* now touches the first, same type */
		return 1;
	}
	return 0;
}

static int break_conflict(void *arg, const struct posix_lock *l)
{
	struct posix_lock *p = (struct posix_lock *)l;
	int *i = arg;

	if ((*i)++ == 2) {
		p->type = F_WRLCK; /* owner 2's read lock over owner 1's */
		return 1;
	}
	return 0;
}

static void test_check_catches(void)
{
	int (*breakers[])(void *, const struct posix_lock *) = {
		break_type, break_order, break_merge, break_conflict
	};

	for (size_t k = 0; k < 4; k++) {
		struct lock_table *t = locks_new();
		int i = 0;

		set(t, 1, 1, F_RDLCK, 0, 9);
		set(t, 1, 1, F_RDLCK, 20, 29);
		set(t, 1, 2, F_RDLCK, 0, 9);
		CU_ASSERT_EQUAL(locks_check(t), 0);
		/* for_each hands out the stored locks: damage one */
		locks_for_each(t, breakers[k], &i);
		CU_ASSERT_EQUAL(locks_check(t), -EUCLEAN);
		locks_free(t);
	}
}

static void test_many_owners(void)
{
	struct lock_table *t = locks_new();
	int n = vt_slow_build() ? 50 : 400;

	/* interleaved byte locks by many owners, then unlock half */
	for (int i = 0; i < n; i++)
		CU_ASSERT_EQUAL(set(t, 1, (u64)i % 7, F_WRLCK, (u64)i, (u64)i),
				0);
	CU_ASSERT_EQUAL(locks_check(t), 0);
	for (int i = 0; i < n; i += 2)
		CU_ASSERT_EQUAL(set(t, 1, (u64)i % 7, F_UNLCK, (u64)i, (u64)i),
				0);
	CU_ASSERT_EQUAL(locks_count(t), (size_t)n / 2);
	CU_ASSERT_EQUAL(locks_check(t), 0);
	locks_free(t);
}

/* ---- against a byte-by-byte model ------------------------------------ */

#define NB 48 /* modelled bytes; model byte NB stands for [NB, MAX] */
#define NO 4  /* owners */

static u64 lcg_state;

static u32 rnd(u32 n)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (u32)(lcg_state >> 33) % n;
}

static int fill_model(void *arg, const struct posix_lock *l)
{
	u32(*m)[NB + 1] = arg;
	u64 end = l->end == MAX ? NB : l->end;

	for (u64 b = l->start; b <= end; b++) {
		CU_ASSERT_EQUAL(m[l->owner][b], 0); /* no overlap */
		m[l->owner][b] = l->type == F_RDLCK ? 1 : 2;
	}
	return 0;
}

static void test_random_against_model(void)
{
	struct lock_table *t = locks_new();
	u32 model[NO][NB + 1] = { { 0 } };
	int rounds = vt_slow_build() ? 300 : 3000;

	lcg_state = 42;
	for (int r = 0; r < rounds; r++) {
		u32 owner = rnd(NO), type = rnd(3), s = rnd(NB), e;
		bool to_max = rnd(6) == 0;
		bool conflict = false;
		struct posix_lock q, out;
		u32 got[NO][NB + 1] = { { 0 } };
		u32 want = type == F_UNLCK ? 0 : (type == F_RDLCK ? 1 : 2);

		e = to_max ? NB : s + rnd(NB - s);
		q = L(1, owner, type, s, to_max ? MAX : e);
		for (u32 o = 0; o < NO && type != F_UNLCK; o++)
			for (u32 b = s; b <= e && o != owner; b++)
				if (model[o][b] == 2 ||
				    (model[o][b] == 1 && type == F_WRLCK))
					conflict = true;
		if (type != F_UNLCK) {
			CU_ASSERT_EQUAL(locks_getlk(t, &q, &out), 0);
			CU_ASSERT_EQUAL(out.type != F_UNLCK, conflict);
		}
		CU_ASSERT_EQUAL(locks_setlk(t, &q), conflict ? -EAGAIN : 0);
		if (!conflict)
			for (u32 b = s; b <= e; b++)
				model[owner][b] = want;
		locks_for_each(t, fill_model, got);
		CU_ASSERT_EQUAL(memcmp(got, model, sizeof(got)), 0);
		CU_ASSERT_EQUAL(locks_check(t), 0); /* fully merged */
		if (rnd(50) == 0) {
			u32 o = rnd(NO);

			locks_release_owner(t, 1, o);
			memset(model[o], 0, sizeof(model[o]));
		}
	}
	locks_free(t);
}

VT_SUITE(device_locks, NULL, NULL, VT_CASE(test_merge_split),
	 VT_CASE(test_same_type_inside_and_pid), VT_CASE(test_conflicts),
	 VT_CASE(test_setlkw_generation), VT_CASE(test_release),
	 VT_CASE(test_restore), VT_CASE(test_check_catches),
	 VT_CASE(test_many_owners), VT_CASE(test_random_against_model));
