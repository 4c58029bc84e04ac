// SPDX-License-Identifier: GPL-2.0-only
/*
 * memfs_test_util.c - the busy file system the memfs suites start from.
 */
#include <fcntl.h>

#include "tests/device/memfs_test_util.h"

struct memfs *memfs_test_busy(void)
{
	struct memfs_config cfg = { .generation = 4 };
	struct memfs *fs = memfs_new(&cfg);
	struct memfs_setattr sa = { .valid = MEMFS_SET_UID | MEMFS_SET_MODE,
				    .uid = 42,
				    .mode = 0611 };
	u64 d, e, f, g, h, fh;

	memfs_set_now(fs, (struct memfs_time){ 1000, 5 });
	memfs_mkdir(fs, 1, "dir", 0700, &d);
	memfs_mkdir(fs, d, "deeper", 0700, &e);
	memfs_create(fs, e, "file", 0644, 0, &f);
	memfs_write(fs, f, 3, "abc", 3);
	memfs_write(fs, f, 3 * MEMFS_PAGE_SIZE + 7, "sparse", 6);
	memfs_create(fs, 1, "gone", 0600, 0, &g);
	memfs_write(fs, g, 0, "ghost", 5);
	memfs_open(fs, g, O_RDWR | O_APPEND, &fh);
	memfs_unlink(fs, 1, "gone"); /* unlinked but open */
	memfs_create(fs, d, "looked", 0600, 0, &h);
	memfs_ref(fs, h);
	memfs_ref(fs, h);
	memfs_ref(fs, d);
	memfs_pin(fs, f);
	memfs_set_now(fs, (struct memfs_time){ 2000, 9 });
	memfs_setattr(fs, h, &sa, NULL);
	memfs_create(fs, d, "tmp", 0600, 0, &g);
	memfs_unlink(fs, d, "tmp"); /* leaves a cookie gap */
	memfs_create(fs, d, "keep", 0600, 0, &g);
	memfs_rename(fs, d, "looked", 1, "moved", 0);
	memfs_opendir(fs, e, O_RDONLY, &fh);
	memfs_open(fs, f, O_RDONLY, &fh);
	memfs_release(fs, fh);			/* leaves an fh gap */
	memfs_open(fs, g + 100, O_RDONLY, &fh); /* fails, harmless */
	memfs_open(fs, h, O_WRONLY, &fh);
	return fs;
}
