// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vfs_dev_leak.c - the device's guest-memory leak checker
 * (dev.infoleak): a FORGET carrying 16 bytes past its argument is served,
 * as the daemons of 2019 served it, and what those bytes hold is reported
 * when it is a guest kernel address or never-written slab memory; user
 * data and well-formed requests are left alone.
 */
#include "tests/device/dev_harness.h"

#include <string.h>

#include "device/fuse_server.h"
#include "device/memfs.h"
#include "sim/kernel/check.h"
#include "sim/kernel/slab.h"

/* A 64-byte FORGET of @ino whose last 16 bytes are @tail, on hiprio. */
static struct dh_req *long_forget(u64 ino, const void *tail)
{
	struct {
		struct fuse_in_header h;
		struct fuse_forget_in arg;
		u8 tail[16];
	} f;

	memset(&f, 0, sizeof(f));
	f.h.len = sizeof(f);
	f.h.opcode = FUSE_FORGET;
	f.h.unique = 900;
	f.h.nodeid = ino;
	f.arg.nlookup = 1;
	memcpy(f.tail, tail, sizeof(f.tail));
	return dh_submit_raw(0, &f, sizeof(f), 0);
}

struct count_arg {
	u64 ino;
	u64 nlookup;
};

static int count_fn(void *arg, const struct memfs_inode_info *info)
{
	struct count_arg *c = arg;

	if (info->nodeid == c->ino)
		c->nlookup = info->nlookup;
	return 0;
}

/* The device's lookup count of @ino. */
static u64 nlookup(u64 ino)
{
	struct count_arg c = { ino, ~0ULL };

	memfs_for_each_inode(fuse_server_fs(vfs_dev_server(dh_dev)), count_fn,
			     &c);
	return c.nlookup;
}

/* Set up, INIT, create "f" (one lookup); its nodeid. */
static u64 start(void)
{
	struct dh_req *r;

	dh_setup(NULL);
	dh_do_init();
	r = dh_create(1, FUSE_ROOT_ID, "f");
	dh_expect(r, 0);
	return ((const struct fuse_entry_out *)dh_payload(r))->nodeid;
}

/* Send @tail after a FORGET of "f": it is served (the lookup is paid
 * back) and @reports leak reports naming @what are filed. */
static void run_forget_tail(const void *tail, size_t reports, const char *what)
{
	u64 ino = start();
	long i;

	CU_ASSERT_EQUAL(nlookup(ino), 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(long_forget(ino, tail));
	CU_ASSERT(dh_kick(0));
	dh_run();
	CU_ASSERT_EQUAL(nlookup(ino), 0);
	CU_ASSERT_EQUAL(dh_count("16 trailing bytes ignored"), 1);
	CU_ASSERT_EQUAL(check_count_kind("dev.infoleak"), reports);
	CU_ASSERT_EQUAL(check_count(), reports);
	i = check_find("dev.infoleak");
	if (what) {
		CU_ASSERT_FATAL(i >= 0);
		CU_ASSERT_PTR_NOT_NULL(
			strstr(check_at((size_t)i)->message, what));
		CU_ASSERT_PTR_NOT_NULL(
			strstr(check_at((size_t)i)->message,
			       "at byte 48 (past the argument)"));
	}
	check_clear();
	dh_teardown();
}

/* The 2019 FORGET straight from kmalloc(): its list_head never written. */
static void test_uninitialised_tail(void)
{
	u8 tail[16];

	memset(tail, 0xa5, sizeof(tail));
	run_forget_tail(tail, 1,
			"16 bytes of uninitialised guest kernel memory");
}

/* A list_head still linked: two guest kernel addresses. */
static void test_pointer_tail(void)
{
	u64 ino = start();
	void *o = kmalloc(64, GFP_KERNEL);
	void *ptrs[2] = { o, (u8 *)o + 16 };

	CU_ASSERT_PTR_NOT_NULL_FATAL(long_forget(ino, ptrs));
	CU_ASSERT(dh_kick(0));
	dh_run();
	CU_ASSERT_EQUAL(nlookup(ino), 0);
	CU_ASSERT_EQUAL(check_count_kind("dev.infoleak"), 2);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(check_at(0)->message, "a guest kernel address"));
	CU_ASSERT_PTR_NOT_NULL(strstr(check_at(1)->message, "at byte 56"));
	check_clear();
	kfree(o);
	dh_teardown();
}

/* Zeroes, or a poisoned list_head (small values, not addresses): served
 * and nothing to report. */
static void test_harmless_tail(void)
{
	u64 poison[2] = { 0x100, 0x122 };
	u8 zero[16] = { 0 };

	run_forget_tail(zero, 0, NULL);
	run_forget_tail(poison, 0, NULL);
}

/* A guest address in a fixed argument is reported too. */
static void test_pointer_in_argument(void)
{
	struct dh_req *r;
	void *o;

	start();
	o = kmalloc(32, GFP_KERNEL);
	r = dh_getattr(1, FUSE_ROOT_ID);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* fuse_getattr_in.fh, after the header */
	memcpy(r->req + sizeof(struct fuse_in_header) + 8, &o, sizeof(o));
	dh_expect(r, 0);
	CU_ASSERT_EQUAL(check_count_kind("dev.infoleak"), 1);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(check_at(0)->message, "(header and argument)"));
	check_clear();
	kfree(o);
	dh_teardown();
}

/* A WRITE's data is the user's: slab fill and addresses there are not
 * the driver's doing. A whole ordinary session reports nothing. */
static void test_user_data_not_scanned(void)
{
	u8 data[64];
	void *o;
	u64 ino = start();
	struct dh_req *r;

	o = kmalloc(16, GFP_KERNEL);
	memset(data, 0xa5, sizeof(data));
	memcpy(data + 8, &o, sizeof(o));
	r = dh_write(1, ino, 0, data, sizeof(data));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	dh_run();
	CU_ASSERT_EQUAL(check_count_kind("dev.infoleak"), 0);
	kfree(o);
	dh_teardown();
}

VT_SUITE(device_vfs_dev_leak, NULL, NULL, VT_CASE(test_uninitialised_tail),
	 VT_CASE(test_pointer_tail), VT_CASE(test_harmless_tail),
	 VT_CASE(test_pointer_in_argument),
	 VT_CASE(test_user_data_not_scanned));
