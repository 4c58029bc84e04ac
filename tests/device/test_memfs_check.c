// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_memfs_check.c - memfs_check() really catches each kind of damage
 * (the tests break the private structure on purpose).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "device/memfs_internal.h"
#include "tests/device/memfs_test_util.h"
#include "tests/harness.h"

/* ---- memfs_check catches each kind of damage ------------------------- */

static void expect_broken(struct memfs *fs, const char *what)
{
	char why[128] = "";

	CU_ASSERT_EQUAL(memfs_check(fs, why, sizeof(why)), -EUCLEAN);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, what));
	if (!strstr(why, what))
		fprintf(stderr, "[want %s got %s]", what, why);
	CU_ASSERT_EQUAL(memfs_check(fs, NULL, 0), -EUCLEAN);
}

static void test_check_catches(void)
{
	struct memfs *fs = memfs_test_busy();
	struct memfs_inode *in;
	u64 save;

	/* 2 "dir" (holds deeper=3, keep=8), 4 "file", 5 "gone" (fh 1) */
	in = memfs_iget(fs, 2);
	in->attr.nlink++;
	expect_broken(fs, "nlink");
	in->attr.nlink--;
	in->attr.size++;
	expect_broken(fs, "size");
	in->attr.size--;
	in->ents[0].cookie = 99;
	expect_broken(fs, "bad cookie");
	in->ents[0].cookie = 3;
	save = in->ents[1].cookie;
	in->ents[1].cookie = 3;
	expect_broken(fs, "out of order");
	in->ents[1].cookie = save;
	in->ents[0].ino = 8;
	expect_broken(fs, "bad link");
	in->ents[0].ino = 3;
	CHECK_FS(fs);

	in = memfs_iget(fs, 4);
	in->attr.blocks += 8;
	expect_broken(fs, "blocks");
	in->attr.blocks -= 8;
	in->npages++;
	expect_broken(fs, "page table");
	in->npages--;
	in->attr.nlink = 2;
	expect_broken(fs, "bad nlink");
	in->attr.nlink = 1;
	in->nopen++;
	expect_broken(fs, "nopen");
	in->nopen--;
	in->attr.ino = 5;
	expect_broken(fs, "bad id");
	in->attr.ino = 4;
	in->parent = 1;
	expect_broken(fs, "entry file bad link");
	in->parent = 3;
	in->attr.nlink = 0;
	expect_broken(fs, "mismatch");
	in->attr.nlink = 1;
	CHECK_FS(fs);

	in = memfs_iget(fs, 5); /* "gone": unlinked, held by a handle */
	fs->handles[0].isdir = true;
	expect_broken(fs, "handle");
	fs->handles[0].isdir = false;
	fs->data_pages++;
	expect_broken(fs, "page total");
	fs->data_pages--;
	in = memfs_iget(fs, 1);
	in->parent = 0;
	expect_broken(fs, "root");
	in->parent = 1;
	fs->cfg.max_inodes = 2;
	expect_broken(fs, "limit");
	fs->cfg.max_inodes = 100;
	save = fs->inodes[1]->nodeid;
	fs->inodes[1]->nodeid = 0;
	expect_broken(fs, "order");
	fs->inodes[1]->nodeid = save;
	CHECK_FS(fs);
	memfs_free(fs);

	/* a child whose nodeid is below its parent's claims another parent */
	u64 a, f0, b;

	fs = memfs_new(NULL);
	memfs_mkdir(fs, 1, "a", 0700, &a);
	memfs_create(fs, 1, "f", 0600, 0, &f0);
	memfs_mkdir(fs, 1, "b", 0700, &b);
	memfs_rename(fs, 1, "f", b, "f", 0);
	CHECK_FS(fs);
	memfs_iget(fs, f0)->parent = a;
	expect_broken(fs, "not in parent");
	memfs_iget(fs, f0)->parent = b;
	memfs_free(fs);

	/* an unlinked, unreferenced inode that was not freed */
	fs = memfs_new(NULL);
	u64 f;

	memfs_create(fs, 1, "f", 0600, 0, &f);
	memfs_ref(fs, f);
	memfs_unlink(fs, 1, "f");
	memfs_iget(fs, f)->nlookup = 0;
	expect_broken(fs, "unreferenced");
	memfs_free(fs);
}

VT_SUITE(device_memfs_check, NULL, NULL, VT_CASE(test_check_catches));
