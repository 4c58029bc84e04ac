// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fuse_server_init.c - the FUSE server's session: creation, INIT
 * version and flag negotiation, requests before INIT, DESTROY.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "device/dax.h"
#include "device/locks.h"
#include "device/memfs.h"
#include "sim/trace/trace.h"
#include "tests/device/test_fuse_server.h"
#include "tests/harness.h"

static void test_new_config(void)
{
	struct fuse_server_config c = { 0 };
	struct fuse_server *s;

	s = fuse_server_new(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_FALSE(fuse_server_initialized(s));
	CU_ASSERT_FALSE(fuse_server_bswapped(s));
	CU_ASSERT_PTR_NULL(fuse_server_dax(s));
	CU_ASSERT_PTR_NOT_NULL(fuse_server_fs(s));
	CU_ASSERT_PTR_NOT_NULL(fuse_server_locks(s));
	CU_ASSERT_EQUAL(fuse_server_init_flags(s), 0);
	CU_ASSERT_EQUAL(fuse_server_minor(s), 0);
	fuse_server_free(s);
	fuse_server_free(NULL);

	c.map_alignment = 64;
	CU_ASSERT_PTR_NULL(fuse_server_new(&c));
	c.map_alignment = 12;
	c.dax_window_size = 4096 + 1;
	CU_ASSERT_PTR_NULL(fuse_server_new(&c));
	c.dax_window_size = 0;
	c.max_pages = 0x10000;
	CU_ASSERT_PTR_NULL(fuse_server_new(&c));
	c.max_pages = 0;
	c.max_write = 4095;
	CU_ASSERT_PTR_NULL(fuse_server_new(&c));
	c.max_write = 4096;
	c.dax_window_size = 1 << 20;
	s = fuse_server_new(&c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(dax_size(fuse_server_dax(s)), 1 << 20);
	fuse_server_free(s);
}

static void test_init_normal(void)
{
	struct fuse_init_out o;

	ts_setup(NULL);
	memset(&o, 0xff, sizeof(o));
	CU_ASSERT_EQUAL(ts_init(7, 38, 0, 0, &o), 0);
	CU_ASSERT_EQUAL(o.major, 7);
	CU_ASSERT_EQUAL(o.minor, 38);
	CU_ASSERT_EQUAL(o.max_readahead, 65536);
	CU_ASSERT_EQUAL(o.flags, 0);
	CU_ASSERT_EQUAL(o.flags2, 0);
	CU_ASSERT_EQUAL(o.max_write, 1024 * 1024);
	CU_ASSERT_EQUAL(o.max_pages, 0); /* MAX_PAGES not offered */
	CU_ASSERT_EQUAL(o.map_alignment, 0);
	CU_ASSERT_EQUAL(o.max_background, FUSE_SERVER_MAX_BACKGROUND);
	CU_ASSERT_EQUAL(o.congestion_threshold,
			FUSE_SERVER_CONGESTION_THRESHOLD);
	CU_ASSERT_EQUAL(o.time_gran, FUSE_SERVER_TIME_GRAN);
	CU_ASSERT(fuse_server_initialized(ts_srv));
	CU_ASSERT_FALSE(fuse_server_bswapped(ts_srv));
	CU_ASSERT_EQUAL(fuse_server_minor(ts_srv), 38);
	ts_teardown();
}

static void test_init_major(void)
{
	struct fuse_init_out o, zero = { 0 };

	ts_setup(NULL);
	/* a newer major: our version only, then the guest retries with 7 */
	memset(&o, 0xff, sizeof(o));
	CU_ASSERT_EQUAL(ts_init(8, 0, FUSE_ASYNC_READ, 0, &o), 0);
	CU_ASSERT_EQUAL(o.major, 7);
	CU_ASSERT_EQUAL(o.minor, 38);
	zero.major = 7;
	zero.minor = 38;
	CU_ASSERT_EQUAL(memcmp(&o, &zero, sizeof(o)), 0);
	CU_ASSERT_FALSE(fuse_server_initialized(ts_srv));
	CU_ASSERT_EQUAL(ts_init(6, 38, 0, 0, NULL), -EPROTO);
	CU_ASSERT_FALSE(fuse_server_initialized(ts_srv));
	CU_ASSERT_EQUAL(ts_init(7, 38, 0, 0, NULL), 0);
	CU_ASSERT(fuse_server_initialized(ts_srv));
	ts_teardown();
}

static void test_init_minor(void)
{
	ts_setup(NULL);
	CU_ASSERT_EQUAL(ts_init(7, FUSE_SERVER_MIN_MINOR - 1, 0, 0, NULL),
			-EPROTO);
	CU_ASSERT_FALSE(fuse_server_initialized(ts_srv));
	CU_ASSERT_EQUAL(ts_init(7, FUSE_SERVER_MIN_MINOR, 0, 0, NULL), 0);
	CU_ASSERT_EQUAL(fuse_server_minor(ts_srv), FUSE_SERVER_MIN_MINOR);
	ts_teardown();
	/* a newer minor is fine: we keep ours */
	ts_setup(NULL);
	CU_ASSERT_EQUAL(ts_init(7, 40, 0, 0, NULL), 0);
	CU_ASSERT_EQUAL(fuse_server_minor(ts_srv), 38);
	ts_teardown();
}

static void test_before_init(void)
{
	struct fuse_entry_out e;

	ts_setup(NULL);
	CU_ASSERT_EQUAL(ts_lookup(1, "x", &e), -EIO);
	CU_ASSERT_EQUAL(ts_getattr(1, 0, 0, NULL), -EIO);
	CU_ASSERT_EQUAL(ts_destroy(), -EIO);
	/* no-reply opcodes are dropped, not answered */
	CU_ASSERT_EQUAL(ts_forget(1, 1), TS_NOREPLY);
	CU_ASSERT_FALSE(fuse_server_initialized(ts_srv));
	ts_teardown();
}

static void test_second_init(void)
{
	ts_setup_init(NULL);
	CU_ASSERT_EQUAL(ts_init(7, 38, 0, 0, NULL), -EIO);
	CU_ASSERT(fuse_server_initialized(ts_srv));
	ts_teardown();
}

static void test_init_flags(void)
{
	struct fuse_init_out o;
	u32 all = 0xffffffffu & ~FUSE_INIT_RESERVED;

	ts_setup(NULL);
	CU_ASSERT_EQUAL(ts_init(7, 38, all, 0xffffffffu, &o), 0);
	CU_ASSERT_EQUAL(o.flags, FUSE_ASYNC_READ | FUSE_POSIX_LOCKS |
					 FUSE_ATOMIC_O_TRUNC | FUSE_BIG_WRITES |
					 FUSE_MAX_PAGES | FUSE_INIT_EXT);
	CU_ASSERT_EQUAL(o.flags2, 0);
	CU_ASSERT_EQUAL(o.max_pages, 256);
	CU_ASSERT_EQUAL(o.map_alignment, 0); /* no window */
	CU_ASSERT_EQUAL(fuse_server_init_flags(ts_srv), o.flags);
	ts_teardown();

	ts_setup(NULL);
	CU_ASSERT_EQUAL(ts_init(7, 38,
				FUSE_POSIX_LOCKS | FUSE_FLOCK_LOCKS |
					FUSE_WRITEBACK_CACHE,
				0, &o),
			0);
	CU_ASSERT_EQUAL(o.flags, FUSE_POSIX_LOCKS);
	ts_teardown();
}

static void test_init_map_alignment(void)
{
	struct fuse_server_config c = { .dax_window_size = 1 << 24,
					.map_alignment = 16,
					.max_pages = 32,
					.max_write = 65536 };
	struct fuse_init_out o;

	ts_setup(&c);
	CU_ASSERT_EQUAL(ts_init(7, 38,
				FUSE_MAP_ALIGNMENT | FUSE_MAX_PAGES |
					FUSE_INIT_EXT,
				(u32)(FUSE_HAS_INODE_DAX >> 32), &o),
			0);
	CU_ASSERT_EQUAL(o.flags,
			FUSE_MAP_ALIGNMENT | FUSE_MAX_PAGES | FUSE_INIT_EXT);
	CU_ASSERT_EQUAL(o.flags2, 0);
	CU_ASSERT_EQUAL(o.map_alignment, 16);
	CU_ASSERT_EQUAL(o.max_pages, 32);
	CU_ASSERT_EQUAL(o.max_write, 65536);
	ts_teardown();

	/* a window but the guest does not ask: no alignment sent */
	ts_setup(&c);
	CU_ASSERT_EQUAL(ts_init(7, 38, 0, 0, &o), 0);
	CU_ASSERT_EQUAL(o.map_alignment, 0);
	ts_teardown();
}

/* A pre-7.36 guest sends the 16-byte fuse_init_in (no flags2). */
static void test_init_short(void)
{
	struct fuse_init_in in = { 7,		31,
				   4096,	FUSE_ASYNC_READ | FUSE_INIT_EXT,
				   0xffffffffu, { 0 } };
	struct fuse_init_out o;
	struct fuse_proto_args a = { .opcode = FUSE_INIT,
				     .in_numargs = 1,
				     .out_numargs = 1 };

	ts_setup(NULL);
	a.in_args[0] = (struct fuse_proto_in_arg){ 16, &in };
	a.out_args[0] = (struct fuse_proto_out_arg){ sizeof(o), &o };
	CU_ASSERT_EQUAL(ts_call(&a), 0);
	CU_ASSERT_EQUAL(o.flags, FUSE_ASYNC_READ | FUSE_INIT_EXT);
	CU_ASSERT_EQUAL(o.flags2, 0);
	CU_ASSERT_EQUAL(o.max_readahead, 4096);
	CU_ASSERT_EQUAL(fuse_server_minor(ts_srv), 31);
	ts_teardown();
}

static void test_set_time(void)
{
	struct fuse_entry_out e;

	ts_setup_init(NULL);
	CU_ASSERT_EQUAL(fuse_server_set_time(ts_srv, 5, 1000000000u), -EINVAL);
	CU_ASSERT_EQUAL(fuse_server_set_time(ts_srv, 1234, 567), 0);
	CU_ASSERT_EQUAL(ts_mkdir(1, "d", 0755, &e), 0);
	CU_ASSERT_EQUAL(e.attr.mtime, 1234);
	CU_ASSERT_EQUAL(e.attr.mtimensec, 567);
	CU_ASSERT_EQUAL(e.attr.ctime, 1234);
	ts_teardown();
}

/* DESTROY drops lookups, handles, locks and mappings; the tree stays. */
static void test_destroy(void)
{
	struct fuse_server_config c = { .dax_window_size = 1 << 20 };
	struct fuse_entry_out e, d;
	u64 fh, dfh;

	ts_setup_init(&c);
	CU_ASSERT_EQUAL(ts_mkdir(1, "dir", 0755, &d), 0);
	CU_ASSERT_EQUAL(ts_create(d.nodeid, "f", 0644, O_RDWR, &e, &fh), 0);
	CU_ASSERT_EQUAL(ts_lookup(d.nodeid, "f", NULL), 0);
	CU_ASSERT_EQUAL(ts_opendir(d.nodeid, &dfh), 0);
	CU_ASSERT_EQUAL(
		ts_lk(FUSE_SETLK, e.nodeid, fh, 9, F_WRLCK, 0, 99, 0, NULL), 0);
	CU_ASSERT_EQUAL(ts_setupmapping(e.nodeid, ~0ULL, 0, 4096, 0,
					FUSE_SETUPMAPPING_FLAG_READ),
			0);
	CU_ASSERT_EQUAL(ts_nlookup(e.nodeid), 2);
	CU_ASSERT_EQUAL(ts_destroy(), 0);
	CU_ASSERT_FALSE(fuse_server_initialized(ts_srv));
	CU_ASSERT_EQUAL(fuse_server_init_flags(ts_srv), 0);
	CU_ASSERT_EQUAL(ts_nlookup(e.nodeid), 0);
	CU_ASSERT_EQUAL(ts_nlookup(d.nodeid), 0);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(ts_srv)), 0);
	CU_ASSERT_EQUAL(dax_count(fuse_server_dax(ts_srv)), 0);
	CU_ASSERT_EQUAL(memfs_check(fuse_server_fs(ts_srv), NULL, 0), 0);
	{
		struct memfs_stats st;

		memfs_get_stats(fuse_server_fs(ts_srv), &st);
		CU_ASSERT_EQUAL(st.handles, 0);
		CU_ASSERT_EQUAL(st.inodes, 3); /* the tree stays */
	}
	/* a new session: INIT first, then the tree is still there */
	CU_ASSERT_EQUAL(ts_lookup(1, "dir", NULL), -EIO);
	CU_ASSERT_EQUAL(ts_init(7, 38, 0, 0, NULL), 0);
	CU_ASSERT_EQUAL(ts_lookup(1, "dir", &d), 0);
	CU_ASSERT_EQUAL(ts_lookup(d.nodeid, "f", NULL), 0);
	ts_teardown();
}

/* A device reset ends the session as DESTROY does, traced; the tree stays
 * and a fresh INIT starts a new session. An idle session is left alone. */
static void test_reset_session(void)
{
	struct fuse_server_config c = { .dax_window_size = 1 << 20 };
	struct fuse_entry_out e, d;
	u64 fh, dfh;

	trace_reset(true);
	ts_setup(&c);
	fuse_server_reset_session(ts_srv);
	CU_ASSERT(trace_find("fuse_server.reset", 0) < 0);
	CU_ASSERT_EQUAL(ts_init(7, 38, 0, 0, NULL), 0);
	CU_ASSERT_EQUAL(ts_mkdir(1, "dir", 0755, &d), 0);
	CU_ASSERT_EQUAL(ts_create(d.nodeid, "f", 0644, O_RDWR, &e, &fh), 0);
	CU_ASSERT_EQUAL(ts_opendir(d.nodeid, &dfh), 0);
	CU_ASSERT_EQUAL(
		ts_lk(FUSE_SETLK, e.nodeid, fh, 9, F_WRLCK, 0, 99, 0, NULL), 0);
	CU_ASSERT_EQUAL(ts_setupmapping(e.nodeid, fh, 0, 4096, 0,
					FUSE_SETUPMAPPING_FLAG_READ),
			0);
	/* a second INIT on a live session is still refused */
	CU_ASSERT_EQUAL(ts_init(7, 38, 0, 0, NULL), -EIO);
	fuse_server_reset_session(ts_srv);
	CU_ASSERT(trace_find("session ended by device reset", 0) >= 0);
	CU_ASSERT_FALSE(fuse_server_initialized(ts_srv));
	CU_ASSERT_EQUAL(ts_nlookup(e.nodeid), 0);
	CU_ASSERT_EQUAL(ts_nlookup(d.nodeid), 0);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(ts_srv)), 0);
	CU_ASSERT_EQUAL(dax_count(fuse_server_dax(ts_srv)), 0);
	{
		struct memfs_stats st;

		memfs_get_stats(fuse_server_fs(ts_srv), &st);
		CU_ASSERT_EQUAL(st.handles, 0);
		CU_ASSERT_EQUAL(st.inodes, 3);
	}
	CU_ASSERT_EQUAL(ts_lookup(1, "dir", NULL), -EIO);
	CU_ASSERT_EQUAL(ts_init(7, 38, 0, 0, NULL), 0);
	CU_ASSERT_EQUAL(ts_lookup(1, "dir", &d), 0);
	CU_ASSERT_EQUAL(ts_lookup(d.nodeid, "f", NULL), 0);
	ts_teardown();
	trace_reset(false);
}

/* Each request is traced: req then reply with the errno's name. */
static void test_trace(void)
{
	long i;

	trace_reset(true);
	ts_setup_init(NULL);
	CU_ASSERT_EQUAL(ts_lookup(1, "nope", NULL), -ENOENT);
	i = trace_find("fuse.req", 0);
	CU_ASSERT(i >= 0);
	i = trace_find("do_lookup", 0);
	CU_ASSERT(i >= 0);
	CU_ASSERT(trace_find("ENOENT", (size_t)i) >= 0);
	CU_ASSERT(trace_find("do_init", 0) >= 0);
	ts_teardown();
	trace_reset(false);
}

VT_SUITE(device_fuse_server_init, NULL, NULL, VT_CASE(test_new_config),
	 VT_CASE(test_init_normal), VT_CASE(test_init_major),
	 VT_CASE(test_init_minor), VT_CASE(test_before_init),
	 VT_CASE(test_second_init), VT_CASE(test_init_flags),
	 VT_CASE(test_init_map_alignment), VT_CASE(test_init_short),
	 VT_CASE(test_set_time), VT_CASE(test_destroy),
	 VT_CASE(test_reset_session), VT_CASE(test_trace));
