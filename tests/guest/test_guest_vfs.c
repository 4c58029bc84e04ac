// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_guest_vfs.c - the syscall-like API's name space half end to end
 * (test transport + real server): lookups and their counts, FORGET,
 * attributes, mkdir/unlink/rmdir/rename, and their error paths.
 */
#include <errno.h>
#include <string.h>

#include "tests/guest/guest_vfs_test_util.h"
#include "tests/harness.h"

static void teardown(void)
{
	CU_ASSERT_EQUAL(vfs_unmount(), 0);
	check_clear();
}

static u64 ino_a, ino_d;

static void p_names(void)
{
	struct fuse_entry_out e;
	struct guest_file f;
	struct fuse_attr_out a;
	struct fuse_setattr_in sa = { .valid = FATTR_SIZE, .size = 10 };
	char longname[FUSE_PROTO_NAME_MAX + 2];

	CU_ASSERT_EQUAL(guest_create(&gfs, FUSE_ROOT_ID, "a", S_IFREG | 0644,
				     O_RDWR, &e, &f),
			0);
	ino_a = e.nodeid;
	CU_ASSERT_NOT_EQUAL(ino_a, 0);
	CU_ASSERT_EQUAL(guest_nlookup(&gfs, ino_a), 1);
	CU_ASSERT_EQUAL(guest_lookup(&gfs, FUSE_ROOT_ID, "a", &e), 0);
	CU_ASSERT_EQUAL(e.nodeid, ino_a);
	CU_ASSERT_EQUAL(guest_lookup(&gfs, FUSE_ROOT_ID, "a", NULL), 0);
	CU_ASSERT_EQUAL(guest_nlookup(&gfs, ino_a), 3);
	CU_ASSERT_EQUAL(guest_getattr(&gfs, ino_a, &a), 0);
	CU_ASSERT_EQUAL(a.attr.ino, ino_a);
	CU_ASSERT_EQUAL(a.attr.mode & S_IFMT, S_IFREG);
	CU_ASSERT_EQUAL(guest_getattr(&gfs, ino_a, NULL), 0);
	CU_ASSERT_EQUAL(guest_setattr(&gfs, ino_a, &sa, &a), 0);
	CU_ASSERT_EQUAL(a.attr.size, 10);
	CU_ASSERT_EQUAL(guest_setattr(&gfs, ino_a, &sa, NULL), 0);
	CU_ASSERT_EQUAL(guest_setattr(&gfs, ino_a, NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL(guest_getattr(&gfs, 9999, NULL), -ESTALE);
	CU_ASSERT_EQUAL(guest_lookup(&gfs, FUSE_ROOT_ID, "nope", &e), -ENOENT);
	CU_ASSERT_EQUAL(guest_lookup(&gfs, FUSE_ROOT_ID, "", &e), -EINVAL);
	CU_ASSERT_EQUAL(guest_lookup(&gfs, FUSE_ROOT_ID, NULL, &e), -EINVAL);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	CU_ASSERT_EQUAL(guest_lookup(&gfs, FUSE_ROOT_ID, longname, &e),
			-EINVAL);
	CU_ASSERT_EQUAL(guest_release(&gfs, &f), 0);
	guest_wait_releases(&gfs);

	CU_ASSERT_EQUAL(guest_mkdir(&gfs, FUSE_ROOT_ID, "d", 0755, &e), 0);
	ino_d = e.nodeid;
	CU_ASSERT_EQUAL(e.attr.mode & S_IFMT, S_IFDIR);
	CU_ASSERT_EQUAL(guest_mkdir(&gfs, FUSE_ROOT_ID, "d", 0755, NULL),
			-EEXIST);
	CU_ASSERT_EQUAL(guest_mkdir(&gfs, FUSE_ROOT_ID, "", 0755, NULL),
			-EINVAL);
	CU_ASSERT_EQUAL(guest_mkdir(&gfs, ino_d, "sub", 0755, NULL), 0);
	CU_ASSERT_EQUAL(guest_rmdir(&gfs, FUSE_ROOT_ID, "d"), -ENOTEMPTY);
	CU_ASSERT_EQUAL(guest_rename(&gfs, ino_d, "sub", FUSE_ROOT_ID, "s2"),
			0);
	CU_ASSERT_EQUAL(guest_lookup(&gfs, ino_d, "sub", NULL), -ENOENT);
	CU_ASSERT_EQUAL(guest_lookup(&gfs, FUSE_ROOT_ID, "s2", &e), 0);
	CU_ASSERT_EQUAL(guest_rename(&gfs, ino_d, "sub", FUSE_ROOT_ID, "s3"),
			-ENOENT);
	CU_ASSERT_EQUAL(guest_rename(&gfs, ino_d, "", FUSE_ROOT_ID, "s3"),
			-EINVAL);
	CU_ASSERT_EQUAL(guest_rename(&gfs, ino_d, "x", FUSE_ROOT_ID, NULL),
			-EINVAL);
	CU_ASSERT_EQUAL(guest_rmdir(&gfs, FUSE_ROOT_ID, "s2"), 0);
	CU_ASSERT_EQUAL(guest_rmdir(&gfs, FUSE_ROOT_ID, "d"), 0);
	CU_ASSERT_EQUAL(guest_rmdir(&gfs, FUSE_ROOT_ID, "d"), -ENOENT);
	CU_ASSERT_EQUAL(guest_rmdir(&gfs, FUSE_ROOT_ID, NULL), -EINVAL);
	CU_ASSERT_EQUAL(guest_unlink(&gfs, FUSE_ROOT_ID, "a"), 0);
	CU_ASSERT_EQUAL(guest_unlink(&gfs, FUSE_ROOT_ID, "a"), -ENOENT);
	CU_ASSERT_EQUAL(guest_unlink(&gfs, FUSE_ROOT_ID, ""), -EINVAL);
}

static void test_names_and_counts(void)
{
	struct inode_sum s;

	vfs_setup();
	CU_ASSERT_TRUE(run_prog(p_names));
	/* a (3), d (1), sub (1 via mkdir) + s2 (1 via lookup of the same
	 * node): the unlinked nodes live on while looked up */
	CU_ASSERT_EQUAL(guest_nlookup_total(&gfs), 6);
	s = server_inodes();
	CU_ASSERT_EQUAL(s.nlookup, guest_nlookup_total(&gfs));
	CU_ASSERT_EQUAL(s.inodes, 4);
	CU_ASSERT_EQUAL(guest_forget_all(&gfs), 0);
	CU_ASSERT_EQUAL(gfs.nr_owed, 0);
	run_idle();
	s = server_inodes();
	CU_ASSERT_EQUAL(s.nlookup, 0);
	CU_ASSERT_EQUAL(s.inodes, 1); /* only the root is left */
	CU_ASSERT_EQUAL(vtt.forget_nlookup, 6);
	CU_ASSERT_EQUAL(bugs(), 0);
	teardown();
}

static void p_forget(void)
{
	struct fuse_entry_out e;

	CU_ASSERT_EQUAL(guest_mkdir(&gfs, FUSE_ROOT_ID, "x", 0755, &e), 0);
	ino_d = e.nodeid;
	CU_ASSERT_EQUAL(guest_lookup(&gfs, FUSE_ROOT_ID, "x", NULL), 0);
	CU_ASSERT_EQUAL(guest_mkdir(&gfs, FUSE_ROOT_ID, "y", 0755, NULL), 0);
}

static void test_forget(void)
{
	struct inode_sum s;

	vfs_setup();
	CU_ASSERT_TRUE(run_prog(p_forget));
	CU_ASSERT_EQUAL(guest_forget(&gfs, ino_d, 0), -EINVAL);
	CU_ASSERT_EQUAL(guest_forget(&gfs, 12345, 1), -ENOENT);
	CU_ASSERT_EQUAL(guest_forget(&gfs, ino_d, 3), -ERANGE);
	CU_ASSERT_EQUAL(guest_forget(&gfs, ino_d, 1), 0);
	CU_ASSERT_EQUAL(guest_nlookup(&gfs, ino_d), 1);
	run_idle();
	s = server_inodes();
	CU_ASSERT_EQUAL(s.nlookup, 2);
	CU_ASSERT_EQUAL(vtt.nr_forgets, 1);
	/* forget link allocation failure: nothing changes */
	CU_ASSERT_EQUAL(
		fault_plan_parse("kmalloc:site=fuse_alloc_forget,nth=1"), 0);
	CU_ASSERT_EQUAL(guest_forget(&gfs, ino_d, 1), -ENOMEM);
	CU_ASSERT_EQUAL(guest_forget_all(&gfs), 0);
	fault_reset();
	CU_ASSERT_EQUAL(
		fault_plan_parse("kmalloc:site=fuse_alloc_forget,nth=1"), 0);
	CU_ASSERT_EQUAL(guest_forget_all(&gfs), 0); /* nothing owed: no-op */
	run_idle();
	CU_ASSERT_EQUAL(server_inodes().nlookup, 0);
	CU_ASSERT_EQUAL(bugs(), 0);
	teardown();
}

static void test_forget_all_enomem(void)
{
	vfs_setup();
	CU_ASSERT_TRUE(run_prog(p_forget));
	CU_ASSERT_EQUAL(
		fault_plan_parse("kmalloc:site=fuse_alloc_forget,nth=2"), 0);
	CU_ASSERT_EQUAL(guest_forget_all(&gfs), -ENOMEM);
	CU_ASSERT_EQUAL(gfs.nr_owed, 1);
	fault_reset();
	CU_ASSERT_EQUAL(guest_forget_all(&gfs), 0);
	run_idle();
	CU_ASSERT_EQUAL(server_inodes().nlookup, 0);
	teardown();
}

/* The lookup table cannot grow: the lookup is paid back at once. */
static const char *table_name;

static void p_table_full(void)
{
	CU_ASSERT_EQUAL(guest_mkdir(&gfs, FUSE_ROOT_ID, table_name, 0755, NULL),
			-ENOMEM);
	CU_ASSERT_EQUAL(guest_lookup(&gfs, FUSE_ROOT_ID, table_name, NULL),
			-ENOMEM);
}

static void test_table_full(void)
{
	vfs_setup();
	CU_ASSERT_EQUAL(fault_plan_parse("guest.nlookup:every"), 0);
	table_name = "t";
	CU_ASSERT_TRUE(run_prog(p_table_full));
	fault_reset();
	CU_ASSERT_EQUAL(gfs.nr_owed, 0);
	CU_ASSERT_EQUAL(vtt.nr_forgets, 2);
	CU_ASSERT_EQUAL(server_inodes().nlookup, 0);
	/* and when even the forget link cannot be had, it is lost */
	CU_ASSERT_EQUAL(fault_plan_parse(
				"guest.nlookup:every;"
				"kmalloc:site=fuse_alloc_forget,every"),
			0);
	table_name = "u";
	CU_ASSERT_TRUE(run_prog(p_table_full));
	fault_reset();
	CU_ASSERT_EQUAL(vtt.nr_forgets, 2);
	CU_ASSERT_EQUAL(server_inodes().nlookup, 2);
	teardown();
}

/* Table growth past its first 16 entries keeps nodeid order. */
static void p_many(void)
{
	char name[16];
	int i;

	for (i = 40; i > 0; i--) {
		snprintf(name, sizeof(name), "n%d", i);
		CU_ASSERT_EQUAL(
			guest_mkdir(&gfs, FUSE_ROOT_ID, name, 0755, NULL), 0);
	}
}

static void test_table_growth(void)
{
	unsigned int i;

	vfs_setup();
	CU_ASSERT_TRUE(run_prog(p_many));
	CU_ASSERT_EQUAL(gfs.nr_owed, 40);
	for (i = 1; i < gfs.nr_owed; i++)
		CU_ASSERT(gfs.owed[i - 1].nodeid < gfs.owed[i].nodeid);
	CU_ASSERT_EQUAL(guest_nlookup(&gfs, 1), 0);
	CU_ASSERT_EQUAL(guest_forget_all(&gfs), 0);
	run_idle();
	CU_ASSERT_EQUAL(server_inodes().nlookup, 0);
	teardown();
}

static u32 mangle_mode;
static bool mangle_zero_nodeid;

/* Make an entry reply claim another file type, or a zero nodeid. */
static void mangle_entry(struct fuse_test_transport *t, u32 opcode, void *reply,
			 size_t *len)
{
	struct fuse_out_header *oh = reply;
	struct fuse_entry_out *e = (void *)(oh + 1);

	(void)t;
	if (oh->error || *len < sizeof(*oh) + sizeof(*e))
		return;
	if (opcode != FUSE_MKDIR && opcode != FUSE_CREATE &&
	    opcode != FUSE_LOOKUP)
		return;
	if (mangle_zero_nodeid)
		e->nodeid = 0;
	else
		e->attr.mode = (e->attr.mode & ~(u32)S_IFMT) | mangle_mode;
}

static void p_bad_types(void)
{
	struct guest_file f;

	CU_ASSERT_EQUAL(guest_mkdir(&gfs, FUSE_ROOT_ID, "m", 0755, NULL), -EIO);
	CU_ASSERT_EQUAL(guest_create(&gfs, FUSE_ROOT_ID, "c", S_IFREG | 0644,
				     O_RDWR, NULL, &f),
			-EIO);
	guest_wait_releases(&gfs);
}

static void p_zero_nodeid(void)
{
	struct guest_file f;

	CU_ASSERT_EQUAL(guest_mkdir(&gfs, FUSE_ROOT_ID, "m2", 0755, NULL),
			-EIO);
	CU_ASSERT_EQUAL(guest_create(&gfs, FUSE_ROOT_ID, "c2", S_IFREG | 0644,
				     O_RDWR, NULL, &f),
			-EIO);
	CU_ASSERT_EQUAL(guest_lookup(&gfs, FUSE_ROOT_ID, "m2", NULL), -ENOENT);
}

static void test_bad_entry_replies(void)
{
	vfs_setup();
	vtt.mangle = mangle_entry;
	mangle_mode = S_IFLNK;
	mangle_zero_nodeid = false;
	CU_ASSERT_TRUE(run_prog(p_bad_types));
	/* both lookups were forgotten again, the handle released */
	CU_ASSERT_EQUAL(gfs.nr_owed, 0);
	CU_ASSERT_EQUAL(vtt.nr_forgets, 2);
	CU_ASSERT_EQUAL(server_inodes().nlookup, 0);
	mangle_zero_nodeid = true;
	CU_ASSERT_TRUE(run_prog(p_zero_nodeid));
	vtt.mangle = NULL;
	CU_ASSERT_EQUAL(bugs(), 0);
	teardown();
}

static void p_disconnected(void)
{
	struct fuse_entry_out e;
	struct fuse_setattr_in sa = { 0 };
	struct guest_file f = { .nodeid = 1, .fh = 1 };
	struct guest_file d = { .nodeid = 1, .fh = 1, .isdir = true };
	struct fuse_file_lock lk = { .type = F_RDLCK, .end = 1 };
	char buf[8];

	CU_ASSERT_EQUAL(guest_lookup(&gfs, 1, "a", &e), -ENOTCONN);
	CU_ASSERT_EQUAL(guest_getattr(&gfs, 1, NULL), -ENOTCONN);
	CU_ASSERT_EQUAL(guest_setattr(&gfs, 1, &sa, NULL), -ENOTCONN);
	CU_ASSERT_EQUAL(guest_mkdir(&gfs, 1, "a", 0755, NULL), -ENOTCONN);
	CU_ASSERT_EQUAL(guest_unlink(&gfs, 1, "a"), -ENOTCONN);
	CU_ASSERT_EQUAL(guest_rename(&gfs, 1, "a", 1, "b"), -ENOTCONN);
	CU_ASSERT_EQUAL(guest_open(&gfs, 1, O_RDONLY, &f), -ENOTCONN);
	CU_ASSERT_EQUAL(guest_opendir(&gfs, 1, &d), -ENOTCONN);
	CU_ASSERT_EQUAL(guest_create(&gfs, 1, "c", 0644, O_RDWR, NULL, &f),
			-ENOTCONN);
	CU_ASSERT_EQUAL(guest_read(&gfs, &f, 0, buf, sizeof(buf)), -ENOTCONN);
	CU_ASSERT_EQUAL(guest_write(&gfs, &f, 0, buf, sizeof(buf)), -ENOTCONN);
	CU_ASSERT_EQUAL(guest_flush(&gfs, &f, 1), -ENOTCONN);
	CU_ASSERT_EQUAL(guest_getlk(&gfs, &f, 1, &lk), -ENOTCONN);
	CU_ASSERT_EQUAL(guest_setlk(&gfs, &f, 1, &lk), -ENOTCONN);
	CU_ASSERT_EQUAL(guest_setlkw(&gfs, &f, 1, &lk), -ENOTCONN);
	CU_ASSERT_EQUAL(guest_dax_map(&gfs, &f, 0, 4096, 0,
				      FUSE_SETUPMAPPING_FLAG_READ),
			-ENOTCONN);
	CU_ASSERT_EQUAL(guest_dax_unmap(&gfs, 1, 0, 4096), -ENOTCONN);
	/* RELEASE cannot be queued: its end still runs */
	CU_ASSERT_EQUAL(guest_release(&gfs, &f), 0);
	CU_ASSERT_EQUAL(guest_releasedir(&gfs, &d), 0);
	CU_ASSERT_EQUAL(gfs.nr_releasing, 0);
}

static void test_disconnected(void)
{
	vfs_setup();
	fuse_abort_conn(&vtt.fc);
	CU_ASSERT_TRUE(run_prog(p_disconnected));
	/* only the forced FLUSH reached the transport (and was refused) */
	CU_ASSERT_EQUAL(vtt.nr_sent, 2);
	CU_ASSERT_EQUAL(bugs(), 0);
	teardown();
}

/* The same life cycle through the v5-style queue. */
static void test_names_v5(void)
{
	vfs_mount(true, NULL);
	CU_ASSERT_TRUE(run_prog(p_names));
	CU_ASSERT_EQUAL(guest_forget_all(&gfs), 0);
	run_idle();
	CU_ASSERT_EQUAL(server_inodes().inodes, 1);
	CU_ASSERT_EQUAL(server_inodes().nlookup, 0);
	CU_ASSERT_EQUAL(bugs(), 0);
	teardown();
}

VT_SUITE(guest_vfs, NULL, NULL, VT_CASE(test_names_and_counts),
	 VT_CASE(test_forget), VT_CASE(test_forget_all_enomem),
	 VT_CASE(test_table_full), VT_CASE(test_table_growth),
	 VT_CASE(test_bad_entry_replies), VT_CASE(test_disconnected),
	 VT_CASE(test_names_v5));
