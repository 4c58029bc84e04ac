/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * memfs_test_util.h - what the memfs suites share: the consistency check
 * after every step, and a file system holding every kind of state.
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

#endif
