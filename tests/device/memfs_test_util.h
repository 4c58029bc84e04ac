/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memfs_test_util.h - what the memfs suites share: the consistency check
 * after every step, a file system holding every kind of state, a text
 * dump of a file system and a copy of one.
 */
#ifndef VFSIM_TESTS_DEVICE_MEMFS_TEST_UTIL_H
#define VFSIM_TESTS_DEVICE_MEMFS_TEST_UTIL_H

#include <CUnit/CUnit.h>

#include "device/memfs.h"

/* memfs_check() must find nothing wrong; say what it found otherwise. */
#define CHECK_FS(fs)                                          \
	do {                                                  \
		char why_[128] = "";                          \
		int r_ = memfs_check(fs, why_, sizeof(why_)); \
		CU_ASSERT_EQUAL(r_, 0);                       \
		if (r_)                                       \
			CU_FAIL(why_);                        \
	} while (0)

/* A busy file system: every kind of state memfs can hold (nested
 * directories, sparse data, an unlinked-but-open file, extra lookups, a
 * pin, changed attributes, cookie and fh gaps, open handles). */
struct memfs *memfs_test_busy(void);

/* Everything memfs enumerates of @fs as text (inodes with their entries
 * or pages' sums, handles, counters, statistics), to compare two file
 * systems; the caller frees it. */
char *memfs_test_dump(const struct memfs *fs);

/* A new file system restored from what @src enumerates: inodes and
 * pages, then directory entries, handles, counters (each step asserted). */
struct memfs *memfs_test_clone(const struct memfs *src);

/* memfs_test_dump()'s callbacks for one directory entry and one page
 * (@arg its dump state), for the enumerations' own tests. */
int memfs_test_dump_dirent(void *arg, const char *name, u64 ino, u64 cookie);
int memfs_test_dump_page(void *arg, u64 index, const void *page);

#endif
