// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fuse_server_bad.c - malformed requests, reply buffers that are too
 * small, the started-but-disabled ring rule, and a whole session with an
 * opposite-endian guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device/dax.h"
#include "device/locks.h"
#include "device/memfs.h"
#include "sim/trace/trace.h"
#include "tests/device/test_fuse_server.h"
#include "tests/harness.h"

static unsigned char req[8192];

static void setup(void)
{
	ts_setup_init(NULL);
}

static void teardown(void)
{
	CU_ASSERT_EQUAL(memfs_check(fuse_server_fs(ts_srv), NULL, 0), 0);
	ts_teardown();
}

/* Build a request natively into req; returns its length. */
static size_t build(u32 opcode, u64 nodeid, const void *arg, u32 argsz,
		    const char *name)
{
	struct fuse_proto_args a = { .opcode = opcode, .nodeid = nodeid };
	ssize_t n;

	if (argsz)
		a.in_args[a.in_numargs++] =
			(struct fuse_proto_in_arg){ argsz, arg };
	if (name)
		a.in_args[a.in_numargs++] =
			(struct fuse_proto_in_arg){ (u32)strlen(name) + 1,
						    name };
	n = fuse_proto_build_request(req, sizeof(req), 99, &a, 0, 0, 1);
	CU_ASSERT_FATAL(n > 0);
	return (size_t)n;
}

static void set_len(u32 len)
{
	memcpy(req, &len, sizeof(len));
}

static void test_header(void)
{
	struct fuse_getattr_in gi = { 0 };
	size_t n = build(FUSE_GETATTR, 1, &gi, sizeof(gi), NULL);

	/* no header: no unique to answer, no reply at all */
	CU_ASSERT_EQUAL(ts_raw(req, 39, 4096), -EBADMSG);
	CU_ASSERT_EQUAL(ts_rep_len, 0);
	CU_ASSERT_EQUAL(ts_raw(req, 0, 4096), -EBADMSG);
	/* no room for an out header */
	CU_ASSERT_EQUAL(ts_raw(req, n, 15), -EMSGSIZE);
	CU_ASSERT_EQUAL(ts_rep_len, 0);
	/* header len says more than came, or less */
	set_len((u32)n + 8);
	CU_ASSERT_EQUAL(ts_raw(req, n, 4096), FUSE_SERVER_REPLY);
	CU_ASSERT_EQUAL(ts_raw_error(), -EBADMSG);
	set_len((u32)n - 8);
	CU_ASSERT_EQUAL(ts_raw(req, n, 4096), FUSE_SERVER_REPLY);
	CU_ASSERT_EQUAL(ts_raw_error(), -EBADMSG);
	/* the unique is echoed even in error replies */
	{
		struct fuse_out_header oh;

		memcpy(&oh, ts_rep, sizeof(oh));
		CU_ASSERT_EQUAL(oh.unique, 99);
	}
}

static void test_args(void)
{
	struct fuse_getattr_in gi = { 0 };
	struct fuse_mkdir_in mi = { 0755, 0 };
	char longname[300];
	size_t n;

	/* truncated fixed argument */
	n = build(FUSE_GETATTR, 1, &gi, 8, NULL);
	CU_ASSERT_EQUAL(ts_raw(req, n, 4096), FUSE_SERVER_REPLY);
	CU_ASSERT_EQUAL(ts_raw_error(), -EPROTO);
	/* bytes left over */
	n = build(FUSE_GETATTR, 1, &gi, sizeof(gi), "xx");
	CU_ASSERT_EQUAL(ts_raw(req, n, 4096), FUSE_SERVER_REPLY);
	CU_ASSERT_EQUAL(ts_raw_error(), -E2BIG);
	/* a name without its NUL */
	n = build(FUSE_LOOKUP, 1, "abc", 3, NULL);
	CU_ASSERT_EQUAL(ts_raw(req, n, 4096), FUSE_SERVER_REPLY);
	CU_ASSERT_EQUAL(ts_raw_error(), -EILSEQ);
	n = build(FUSE_MKDIR, 1, &mi, sizeof(mi), "");
	CU_ASSERT_EQUAL(ts_raw(req, n, 4096), FUSE_SERVER_REPLY);
	CU_ASSERT_EQUAL(ts_raw_error(), -EINVAL);
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	n = build(FUSE_LOOKUP, 1, NULL, 0, longname);
	CU_ASSERT_EQUAL(ts_raw(req, n, 4096), FUSE_SERVER_REPLY);
	CU_ASSERT_EQUAL(ts_raw_error(), -ENAMETOOLONG);
	/* a WRITE whose size claims more than came */
	{
		struct fuse_write_in wi = { .fh = 1, .size = 100 };

		n = build(FUSE_WRITE, 1, &wi, sizeof(wi), NULL);
		CU_ASSERT_EQUAL(ts_raw(req, n, 4096), FUSE_SERVER_REPLY);
		CU_ASSERT_EQUAL(ts_raw_error(), -EOVERFLOW);
	}
	/* a malformed no-reply request is dropped */
	n = build(FUSE_FORGET, 1, &gi, 4, NULL);
	CU_ASSERT_EQUAL(ts_raw(req, n, 0), FUSE_SERVER_NOREPLY);
	CU_ASSERT_EQUAL(ts_rep_len, 0);
}

static void test_opcodes(void)
{
	struct fuse_read_in ri = { 0 };
	struct fuse_interrupt_in ii = { 5 };
	size_t n;

	n = build(999, 1, NULL, 0, NULL);
	CU_ASSERT_EQUAL(ts_raw(req, n, 4096), FUSE_SERVER_REPLY);
	CU_ASSERT_EQUAL(ts_raw_error(), -ENOSYS);
	/* known to the protocol but not served here */
	n = build(FUSE_READDIRPLUS, 1, &ri, sizeof(ri), NULL);
	CU_ASSERT_EQUAL(ts_raw(req, n, 4096), FUSE_SERVER_REPLY);
	CU_ASSERT_EQUAL(ts_raw_error(), -ENOSYS);
	n = build(FUSE_SYMLINK, 1, NULL, 0, NULL);
	{
		struct fuse_proto_args a = { .opcode = FUSE_SYMLINK,
					     .nodeid = 1,
					     .in_numargs = 2 };
		ssize_t m;

		a.in_args[0] = (struct fuse_proto_in_arg){ 2, "l" };
		a.in_args[1] = (struct fuse_proto_in_arg){ 2, "t" };
		m = fuse_proto_build_request(req, sizeof(req), 5, &a, 0, 0, 0);
		CU_ASSERT_FATAL(m > 0);
		n = (size_t)m;
	}
	CU_ASSERT_EQUAL(ts_raw(req, n, 4096), FUSE_SERVER_REPLY);
	CU_ASSERT_EQUAL(ts_raw_error(), -ENOSYS);
	/* INTERRUPT and NOTIFY_REPLY have no reply */
	n = build(FUSE_INTERRUPT, 0, &ii, sizeof(ii), NULL);
	CU_ASSERT_EQUAL(ts_raw(req, n, 4096), FUSE_SERVER_NOREPLY);
	{
		struct fuse_notify_retrieve_in nr = { 0 };

		n = build(FUSE_NOTIFY_REPLY, 1, &nr, sizeof(nr), NULL);
		CU_ASSERT_EQUAL(ts_raw(req, n, 4096), FUSE_SERVER_NOREPLY);
	}
	/* an opposite-endian INIT once a native session runs */
	{
		struct fuse_init_in in = { 7, 38, 0, 0, 0, { 0 } };

		n = build(FUSE_INIT, 0, &in, sizeof(in), NULL);
		CU_ASSERT_EQUAL(fuse_proto_bswap_request(req, n,
							 FUSE_PROTO_TO_PEER),
				0);
		CU_ASSERT_EQUAL(ts_raw(req, n, 4096), FUSE_SERVER_REPLY);
		CU_ASSERT_EQUAL(ts_raw_error(), -EPROTONOSUPPORT);
	}
}

/* Reply buffers too small for the reply: ERANGE, nothing executed. */
static void test_small_reply(void)
{
	struct fuse_entry_out e;
	u8 buf[64];
	u64 fh, dfh;
	u32 n;

	CU_ASSERT_EQUAL(ts_create(1, "f", 0644, O_RDWR, &e, &fh), 0);
	CU_ASSERT_EQUAL(ts_write(e.nodeid, fh, 0, "0123456789", 10, &n), 0);
	CU_ASSERT_EQUAL(ts_opendir(1, &dfh), 0);
	ts_cap = sizeof(struct fuse_out_header) + sizeof(e) - 1;
	CU_ASSERT_EQUAL(ts_lookup(1, "f", NULL), -ERANGE);
	CU_ASSERT_EQUAL(ts_nlookup(e.nodeid), 1);
	CU_ASSERT_EQUAL(ts_mkdir(1, "d", 0755, NULL), -ERANGE);
	CU_ASSERT_EQUAL(ts_lookup(1, "d", NULL), -ERANGE);
	ts_cap = sizeof(struct fuse_out_header) + 8;
	CU_ASSERT_EQUAL(ts_read(e.nodeid, fh, 0, 8, buf, &n), 0);
	CU_ASSERT_EQUAL(n, 8);
	CU_ASSERT_EQUAL(ts_read(e.nodeid, fh, 0, 9, buf, NULL), -ERANGE);
	CU_ASSERT_EQUAL(ts_readdir(1, dfh, 0, 9, buf, NULL), -ERANGE);
	CU_ASSERT_EQUAL(ts_getattr(1, 0, 0, NULL), -ERANGE);
	ts_cap = 1 << 20;
	CU_ASSERT_EQUAL(ts_lookup(1, "d", NULL), -ENOENT);
}

/* Every row of the disabled-ring table in fuse_server.h. */
static void test_disabled_queries(void)
{
	struct fuse_entry_out e;
	struct fuse_attr_out ao;
	struct fuse_file_lock lk;
	struct memfs_attr before, after;
	u8 buf[256];
	u64 fh, dfh;
	u32 n;

	CU_ASSERT_EQUAL(ts_create(1, "f", 0644, O_RDWR, &e, &fh), 0);
	CU_ASSERT_EQUAL(ts_write(e.nodeid, fh, 0, "data", 4, &n), 0);
	CU_ASSERT_EQUAL(ts_opendir(1, &dfh), 0);
	CU_ASSERT_EQUAL(
		memfs_getattr(fuse_server_fs(ts_srv), e.nodeid, &before), 0);
	CU_ASSERT_EQUAL(fuse_server_set_time(ts_srv, 999, 0), 0);
	ts_ctx.no_side_effects = true;
	CU_ASSERT_EQUAL(ts_getattr(e.nodeid, 0, 0, &ao), 0);
	CU_ASSERT_EQUAL(ao.attr.size, 4);
	CU_ASSERT_EQUAL(ts_read(e.nodeid, fh, 0, sizeof(buf), buf, &n), 0);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_EQUAL(ts_readdir(1, dfh, 0, sizeof(buf), buf, &n), 0);
	CU_ASSERT(n > 0);
	CU_ASSERT_EQUAL(
		ts_lk(FUSE_GETLK, e.nodeid, fh, 1, F_WRLCK, 0, 9, 0, &lk), 0);
	CU_ASSERT_EQUAL(lk.type, F_UNLCK);
	CU_ASSERT_EQUAL(ts_statfs(1, NULL), 0);
	CU_ASSERT_EQUAL(ts_access(1, R_OK), 0);
	/* unknown opcodes and malformed requests: as on an enabled ring */
	CU_ASSERT_EQUAL(ts_getattr(999, 0, 0, NULL), -ESTALE);
	{
		size_t len = build(999, 1, NULL, 0, NULL);

		CU_ASSERT_EQUAL(ts_raw(req, len, 4096), FUSE_SERVER_REPLY);
		CU_ASSERT_EQUAL(ts_raw_error(), -ENOSYS);
	}
	CU_ASSERT_EQUAL(memfs_getattr(fuse_server_fs(ts_srv), e.nodeid, &after),
			0);
	CU_ASSERT_EQUAL(memcmp(&before, &after, sizeof(before)), 0);
}

static void test_disabled_session(void)
{
	ts_ctx.no_side_effects = true;
	CU_ASSERT_EQUAL(ts_destroy(), -EAGAIN);
	CU_ASSERT(fuse_server_initialized(ts_srv));
	ts_teardown();
	ts_setup(NULL);
	ts_ctx.no_side_effects = true;
	CU_ASSERT_EQUAL(ts_getattr(1, 0, 0, NULL), -EIO); /* before INIT */
	CU_ASSERT_EQUAL(ts_init(7, 38, 0, 0, NULL), -EAGAIN);
	CU_ASSERT_FALSE(fuse_server_initialized(ts_srv));
	ts_ctx.no_side_effects = false;
	CU_ASSERT_EQUAL(ts_init(7, 38, 0, 0, NULL), 0);
}

static void test_disabled_entries(void)
{
	struct fuse_entry_out e;

	CU_ASSERT_EQUAL(ts_mkdir(1, "d", 0755, &e), 0);
	ts_ctx.no_side_effects = true;
	CU_ASSERT_EQUAL(ts_lookup(1, "d", NULL), -EAGAIN);
	CU_ASSERT_EQUAL(ts_create(1, "f", 0644, O_RDWR, NULL, NULL), -EAGAIN);
	CU_ASSERT_EQUAL(ts_mkdir(1, "g", 0755, NULL), -EAGAIN);
	CU_ASSERT_EQUAL(ts_nlookup(e.nodeid), 1);
	CU_ASSERT_EQUAL(ts_inodes(), 2);
}

static void test_disabled_handles(void)
{
	struct fuse_entry_out e;
	struct memfs_stats st;
	u64 fh, dfh;

	CU_ASSERT_EQUAL(ts_create(1, "f", 0644, O_RDWR, &e, &fh), 0);
	CU_ASSERT_EQUAL(ts_opendir(1, &dfh), 0);
	CU_ASSERT_EQUAL(
		ts_lk(FUSE_SETLK, e.nodeid, fh, 1, F_WRLCK, 0, 9, 0, NULL), 0);
	ts_ctx.no_side_effects = true;
	CU_ASSERT_EQUAL(ts_open(e.nodeid, O_RDONLY, NULL), -EAGAIN);
	CU_ASSERT_EQUAL(ts_opendir(1, NULL), -EAGAIN);
	CU_ASSERT_EQUAL(ts_release(e.nodeid, fh, FUSE_RELEASE_FLOCK_UNLOCK, 1),
			-EAGAIN);
	CU_ASSERT_EQUAL(ts_releasedir(1, dfh), -EAGAIN);
	CU_ASSERT_EQUAL(ts_flush(e.nodeid, fh, 1), -EAGAIN);
	memfs_get_stats(fuse_server_fs(ts_srv), &st);
	CU_ASSERT_EQUAL(st.handles, 2);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(ts_srv)), 1);
}

static void test_disabled_changes(void)
{
	struct fuse_setattr_in si = { .valid = FATTR_SIZE, .size = 1 };
	struct fuse_entry_out e, d;
	u64 fh;

	CU_ASSERT_EQUAL(ts_create(1, "f", 0644, O_RDWR, &e, &fh), 0);
	CU_ASSERT_EQUAL(ts_mkdir(1, "d", 0755, &d), 0);
	ts_ctx.no_side_effects = true;
	CU_ASSERT_EQUAL(ts_write(e.nodeid, fh, 0, "x", 1, NULL), -EAGAIN);
	CU_ASSERT_EQUAL(ts_setattr(e.nodeid, &si, NULL), -EAGAIN);
	CU_ASSERT_EQUAL(ts_unlink(1, "f"), -EAGAIN);
	CU_ASSERT_EQUAL(ts_rmdir(1, "d"), -EAGAIN);
	CU_ASSERT_EQUAL(ts_rename(1, "f", 1, "g"), -EAGAIN);
	CU_ASSERT_EQUAL(ts_rename2(1, "f", 1, "g", 0), -EAGAIN);
	ts_ctx.no_side_effects = false;
	{
		struct fuse_attr_out ao;

		CU_ASSERT_EQUAL(ts_getattr(e.nodeid, 0, 0, &ao), 0);
		CU_ASSERT_EQUAL(ao.attr.size, 0);
	}
	CU_ASSERT_EQUAL(ts_lookup(1, "f", NULL), 0);
	CU_ASSERT_EQUAL(ts_lookup(1, "d", NULL), 0);
}

static void test_disabled_locks_dax(void)
{
	struct fuse_server_config c = { .dax_window_size = 1 << 16 };
	struct fuse_removemapping_one rm = { 0, 4096 };
	struct fuse_entry_out e;
	u64 fh, gen;

	ts_teardown();
	ts_setup_init(&c);
	CU_ASSERT_EQUAL(ts_create(1, "f", 0644, O_RDWR, &e, &fh), 0);
	CU_ASSERT_EQUAL(
		ts_lk(FUSE_SETLK, e.nodeid, fh, 1, F_WRLCK, 0, 9, 0, NULL), 0);
	CU_ASSERT_EQUAL(ts_setupmapping(e.nodeid, ~0ULL, 0, 4096, 0,
					FUSE_SETUPMAPPING_FLAG_READ),
			0);
	gen = fuse_server_lock_generation(ts_srv);
	ts_ctx.no_side_effects = true;
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLK, e.nodeid, fh, 2, F_RDLCK, 20, 29, 0,
			      NULL),
			-EAGAIN);
	/* SETLKW never parks on a disabled ring */
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLKW, e.nodeid, fh, 2, F_WRLCK, 0, 9, 0,
			      NULL),
			-EAGAIN);
	CU_ASSERT_EQUAL(ts_setupmapping(e.nodeid, ~0ULL, 0, 4096, 4096,
					FUSE_SETUPMAPPING_FLAG_READ),
			-EAGAIN);
	CU_ASSERT_EQUAL(ts_removemapping(&rm, 1), -EAGAIN);
	CU_ASSERT_EQUAL(fuse_server_lock_generation(ts_srv), gen);
	CU_ASSERT_EQUAL(locks_count(fuse_server_locks(ts_srv)), 1);
	CU_ASSERT_EQUAL(dax_count(fuse_server_dax(ts_srv)), 1);
}

static void test_disabled_forget(void)
{
	struct fuse_forget_one one;
	struct fuse_entry_out e;
	struct fuse_interrupt_in ii = { 1 };
	size_t n;

	trace_reset(true);
	CU_ASSERT_EQUAL(ts_mkdir(1, "d", 0755, &e), 0);
	ts_ctx.no_side_effects = true;
	CU_ASSERT_EQUAL(ts_forget(e.nodeid, 1), TS_NOREPLY);
	one = (struct fuse_forget_one){ e.nodeid, 1 };
	CU_ASSERT_EQUAL(ts_batch_forget(&one, 1), TS_NOREPLY);
	CU_ASSERT_EQUAL(ts_nlookup(e.nodeid), 1);
	CU_ASSERT(trace_find("forget discarded on disabled ring", 0) >= 0);
	n = build(FUSE_INTERRUPT, 0, &ii, sizeof(ii), NULL);
	CU_ASSERT_EQUAL(ts_raw(req, n, 4096), FUSE_SERVER_NOREPLY);
	CU_ASSERT(trace_find("ignored on disabled ring", 0) >= 0);
	trace_reset(false);
}

/* A whole session with an opposite-endian guest. */
static void test_bswap_session(void)
{
	struct fuse_init_out o;
	struct fuse_entry_out e, d;
	struct fuse_file_lock lk;
	struct fuse_forget_one one;
	u8 buf[512];
	u64 fh, dfh;
	u32 n;

	ts_teardown();
	ts_setup(NULL);
	ts_swap = true;
	/* a newer major first: answered in the guest's order */
	CU_ASSERT_EQUAL(ts_init(8, 0, 0, 0, &o), 0);
	CU_ASSERT_EQUAL(o.major, 7);
	CU_ASSERT_FALSE(fuse_server_initialized(ts_srv));
	CU_ASSERT_FALSE(fuse_server_bswapped(ts_srv));
	CU_ASSERT_EQUAL(ts_init(7, 20, 0, 0, NULL), -EPROTO);
	CU_ASSERT_EQUAL(
		ts_init(7, 38, FUSE_POSIX_LOCKS | FUSE_MAX_PAGES, 0, &o), 0);
	CU_ASSERT_EQUAL(o.flags, FUSE_POSIX_LOCKS | FUSE_MAX_PAGES);
	CU_ASSERT_EQUAL(o.max_pages, 256);
	CU_ASSERT(fuse_server_bswapped(ts_srv));
	CU_ASSERT_EQUAL(ts_mkdir(1, "dir", 0755, &d), 0);
	CU_ASSERT_EQUAL(d.attr.mode, S_IFDIR | 0755);
	CU_ASSERT_EQUAL(ts_create(d.nodeid, "file", 0644, O_RDWR, &e, &fh), 0);
	CU_ASSERT_EQUAL(ts_write(e.nodeid, fh, 3, "swapped", 7, &n), 0);
	CU_ASSERT_EQUAL(n, 7);
	CU_ASSERT_EQUAL(ts_read(e.nodeid, fh, 3, 100, buf, &n), 0);
	CU_ASSERT_EQUAL(n, 7);
	CU_ASSERT_EQUAL(memcmp(buf, "swapped", 7), 0);
	CU_ASSERT_EQUAL(ts_opendir(d.nodeid, &dfh), 0);
	CU_ASSERT_EQUAL(ts_readdir(d.nodeid, dfh, 0, sizeof(buf), buf, &n), 0);
	{
		struct fuse_dirent x = { 0 };
		u32 pos = 0, cnt = 0;

		while (pos < n) {
			memcpy(&x, buf + pos, FUSE_NAME_OFFSET);
			pos += (u32)FUSE_DIRENT_SIZE(&x);
			cnt++;
		}
		CU_ASSERT_EQUAL(pos, n);
		CU_ASSERT_EQUAL(cnt, 3);
		CU_ASSERT_EQUAL(x.ino, e.nodeid);
		CU_ASSERT_EQUAL(x.namelen, 4);
	}
	CU_ASSERT_EQUAL(
		ts_lk(FUSE_SETLK, e.nodeid, fh, 1, F_WRLCK, 0, 9, 0, NULL), 0);
	CU_ASSERT_EQUAL(
		ts_lk(FUSE_GETLK, e.nodeid, fh, 2, F_RDLCK, 5, 5, 0, &lk), 0);
	CU_ASSERT_EQUAL(lk.type, F_WRLCK);
	CU_ASSERT_EQUAL(lk.end, 9);
	/* refused as C virtiofsd refuses a blocking lock */
	CU_ASSERT_EQUAL(ts_lk(FUSE_SETLKW, e.nodeid, fh, 2, F_RDLCK, 5, 5, 0,
			      NULL),
			-EOPNOTSUPP);
	CU_ASSERT_EQUAL(ts_lookup(d.nodeid, "nope", NULL), -ENOENT);
	CU_ASSERT_EQUAL(ts_lookup(d.nodeid, "file", NULL), 0);
	CU_ASSERT_EQUAL(ts_forget(e.nodeid, 1), TS_NOREPLY);
	one = (struct fuse_forget_one){ e.nodeid, 1 };
	CU_ASSERT_EQUAL(ts_batch_forget(&one, 1), TS_NOREPLY);
	CU_ASSERT_EQUAL(ts_nlookup(e.nodeid), 0);
	/* an unknown opcode is answered in the guest's order too */
	{
		size_t len = build(999, 1, NULL, 0, NULL);
		struct fuse_out_header oh;

		/* the parser cannot swap it, so swap the header by hand */
		{
			struct fuse_in_header h;

			memcpy(&h, req, sizeof(h));
			h.len = __builtin_bswap32(h.len);
			h.opcode = __builtin_bswap32(h.opcode);
			h.unique = __builtin_bswap64(h.unique);
			memcpy(req, &h, sizeof(h));
		}
		CU_ASSERT_EQUAL(ts_raw(req, len, 4096), FUSE_SERVER_REPLY);
		memcpy(&oh, ts_rep, sizeof(oh));
		CU_ASSERT_EQUAL(__builtin_bswap32(oh.len), sizeof(oh));
		CU_ASSERT_EQUAL((s32)__builtin_bswap32((u32)oh.error), -ENOSYS);
		CU_ASSERT_EQUAL(__builtin_bswap64(oh.unique), 99);
		/* a bad length: EBADMSG, in the guest's order */
		{
			u32 bad = __builtin_bswap32((u32)len + 8);

			memcpy(req, &bad, sizeof(bad));
			CU_ASSERT_EQUAL(ts_raw(req, len, 4096),
					FUSE_SERVER_REPLY);
			memcpy(&oh, ts_rep, sizeof(oh));
			CU_ASSERT_EQUAL((s32)__builtin_bswap32((u32)oh.error),
					-EBADMSG);
		}
	}
	CU_ASSERT_EQUAL(ts_destroy(), 0);
	CU_ASSERT_FALSE(fuse_server_bswapped(ts_srv));
	CU_ASSERT_FALSE(fuse_server_initialized(ts_srv));
	/* the next guest may be native */
	ts_swap = false;
	CU_ASSERT_EQUAL(ts_init(7, 38, 0, 0, NULL), 0);
	CU_ASSERT_FALSE(fuse_server_bswapped(ts_srv));
}

VT_SUITE_EACH(device_fuse_server_bad, setup, teardown, VT_CASE(test_header),
	      VT_CASE(test_args), VT_CASE(test_opcodes),
	      VT_CASE(test_small_reply), VT_CASE(test_disabled_queries),
	      VT_CASE(test_disabled_session), VT_CASE(test_disabled_entries),
	      VT_CASE(test_disabled_handles), VT_CASE(test_disabled_changes),
	      VT_CASE(test_disabled_locks_dax), VT_CASE(test_disabled_forget),
	      VT_CASE(test_bswap_session));
