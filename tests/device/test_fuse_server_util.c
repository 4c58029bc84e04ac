// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fuse_server_util.c - the test client behind test_fuse_server.h.
 */
#include <errno.h>
#include <string.h>

#include "device/memfs.h"
#include "tests/device/test_fuse_server.h"
#include "tests/harness.h"

#define TS_BUF (1u << 21)

struct fuse_server *ts_srv;
bool ts_swap;
struct fuse_server_ctx ts_ctx;
size_t ts_cap = TS_BUF;
unsigned char ts_rep[TS_BUF];
size_t ts_rep_len;
int ts_res;

static unsigned char ts_req[TS_BUF];
static u64 ts_unique;

void ts_setup(const struct fuse_server_config *cfg)
{
	ts_srv = fuse_server_new(cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ts_srv);
	ts_swap = false;
	ts_ctx.no_side_effects = false;
	ts_cap = TS_BUF;
	ts_unique = 0;
}

void ts_setup_init(const struct fuse_server_config *cfg)
{
	ts_setup(cfg);
	CU_ASSERT_EQUAL_FATAL(ts_init(7, 38, 0, 0, NULL), 0);
}

void ts_teardown(void)
{
	fuse_server_free(ts_srv);
	ts_srv = NULL;
}

int ts_call(struct fuse_proto_args *a)
{
	struct fuse_out_header oh;
	ssize_t n;
	u64 unique = ++ts_unique;

	n = fuse_proto_build_request(ts_req, sizeof(ts_req), unique, a, 0, 0,
				     42);
	CU_ASSERT_FATAL(n > 0);
	if (ts_swap)
		CU_ASSERT_EQUAL_FATAL(
			fuse_proto_bswap_request(ts_req, (size_t)n,
						 FUSE_PROTO_TO_PEER),
			0);
	ts_res = fuse_server_handle(ts_srv, ts_req, (size_t)n, ts_rep, ts_cap,
				    &ts_rep_len, &ts_ctx);
	if (ts_res == FUSE_SERVER_NOREPLY || ts_res == FUSE_SERVER_BLOCKED) {
		CU_ASSERT_EQUAL(ts_rep_len, 0);
		return ts_res == FUSE_SERVER_NOREPLY ? TS_NOREPLY : TS_BLOCKED;
	}
	if (ts_res < 0) {
		CU_ASSERT_EQUAL(ts_rep_len, 0);
		return ts_res;
	}
	CU_ASSERT_EQUAL_FATAL(ts_res, FUSE_SERVER_REPLY);
	if (ts_swap)
		CU_ASSERT_EQUAL_FATAL(
			fuse_proto_bswap_reply(ts_rep, ts_rep_len, a->opcode, 0,
					       FUSE_PROTO_FROM_PEER),
			0);
	CU_ASSERT_EQUAL_FATAL(
		fuse_proto_verify_reply(a, unique, ts_rep, ts_rep_len, &oh), 0);
	if (!oh.error)
		CU_ASSERT_FATAL(fuse_proto_copy_reply_args(a, unique, ts_rep,
							   ts_rep_len) >= 0);
	return oh.error;
}

int ts_raw(const void *req, size_t len, size_t cap)
{
	ts_res = fuse_server_handle(ts_srv, req, len, ts_rep, cap, &ts_rep_len,
				    &ts_ctx);
	return ts_res;
}

int ts_raw_error(void)
{
	struct fuse_out_header oh;

	CU_ASSERT_EQUAL_FATAL(ts_res, FUSE_SERVER_REPLY);
	CU_ASSERT_EQUAL_FATAL(ts_rep_len, sizeof(oh));
	memcpy(&oh, ts_rep, sizeof(oh));
	CU_ASSERT_EQUAL(oh.len, sizeof(oh));
	return oh.error;
}

#define IN(i, p, n) (a.in_args[i] = (struct fuse_proto_in_arg){ (u32)(n), (p) })
#define OUT(i, p, n) \
	(a.out_args[i] = (struct fuse_proto_out_arg){ (u32)(n), (p) })
#define NAME(i, s) IN(i, s, strlen(s) + 1)

int ts_init(u32 major, u32 minor, u32 flags, u32 flags2,
	    struct fuse_init_out *out)
{
	struct fuse_init_in in = { major, minor, 65536, flags, flags2, { 0 } };
	struct fuse_init_out o;
	struct fuse_proto_args a = { .opcode = FUSE_INIT,
				     .in_numargs = 1,
				     .out_numargs = 1 };

	IN(0, &in, sizeof(in));
	OUT(0, out ? out : &o, sizeof(o));
	return ts_call(&a);
}

int ts_lookup(u64 parent, const char *name, struct fuse_entry_out *e)
{
	struct fuse_entry_out o;
	struct fuse_proto_args a = { .opcode = FUSE_LOOKUP,
				     .nodeid = parent,
				     .in_numargs = 1,
				     .out_numargs = 1 };

	NAME(0, name);
	OUT(0, e ? e : &o, sizeof(o));
	return ts_call(&a);
}

int ts_forget(u64 ino, u64 n)
{
	struct fuse_forget_in in = { n };
	struct fuse_proto_args a = { .opcode = FUSE_FORGET,
				     .nodeid = ino,
				     .in_numargs = 1,
				     .noreply = true };

	IN(0, &in, sizeof(in));
	return ts_call(&a);
}

int ts_batch_forget(const struct fuse_forget_one *v, u32 count)
{
	struct fuse_batch_forget_in in = { count, 0 };
	struct fuse_proto_args a = { .opcode = FUSE_BATCH_FORGET,
				     .in_numargs = 2,
				     .noreply = true };

	IN(0, &in, sizeof(in));
	IN(1, v, count * sizeof(*v));
	return ts_call(&a);
}

int ts_getattr(u64 ino, u32 flags, u64 fh, struct fuse_attr_out *out)
{
	struct fuse_getattr_in in = { flags, 0, fh };
	struct fuse_attr_out o;
	struct fuse_proto_args a = { .opcode = FUSE_GETATTR,
				     .nodeid = ino,
				     .in_numargs = 1,
				     .out_numargs = 1 };

	IN(0, &in, sizeof(in));
	OUT(0, out ? out : &o, sizeof(o));
	return ts_call(&a);
}

int ts_setattr(u64 ino, const struct fuse_setattr_in *in,
	       struct fuse_attr_out *out)
{
	struct fuse_attr_out o;
	struct fuse_proto_args a = { .opcode = FUSE_SETATTR,
				     .nodeid = ino,
				     .in_numargs = 1,
				     .out_numargs = 1 };

	IN(0, in, sizeof(*in));
	OUT(0, out ? out : &o, sizeof(o));
	return ts_call(&a);
}

int ts_mkdir(u64 parent, const char *name, u32 mode, struct fuse_entry_out *e)
{
	struct fuse_mkdir_in in = { mode, 022 };
	struct fuse_entry_out o;
	struct fuse_proto_args a = { .opcode = FUSE_MKDIR,
				     .nodeid = parent,
				     .in_numargs = 2,
				     .out_numargs = 1 };

	IN(0, &in, sizeof(in));
	NAME(1, name);
	OUT(0, e ? e : &o, sizeof(o));
	return ts_call(&a);
}

int ts_create(u64 parent, const char *name, u32 mode, u32 flags,
	      struct fuse_entry_out *e, u64 *fh)
{
	struct fuse_create_in in = { flags, mode, 022, 0 };
	struct fuse_entry_out o;
	struct fuse_open_out oo = { 0 };
	struct fuse_proto_args a = { .opcode = FUSE_CREATE,
				     .nodeid = parent,
				     .in_numargs = 2,
				     .out_numargs = 2 };
	int err;

	IN(0, &in, sizeof(in));
	NAME(1, name);
	OUT(0, e ? e : &o, sizeof(o));
	OUT(1, &oo, sizeof(oo));
	err = ts_call(&a);
	if (fh)
		*fh = oo.fh;
	return err;
}

static int open_common(u32 opcode, u64 ino, u32 flags, u64 *fh)
{
	struct fuse_open_in in = { flags, 0 };
	struct fuse_open_out oo = { 0 };
	struct fuse_proto_args a = { .opcode = opcode,
				     .nodeid = ino,
				     .in_numargs = 1,
				     .out_numargs = 1 };
	int err;

	IN(0, &in, sizeof(in));
	OUT(0, &oo, sizeof(oo));
	err = ts_call(&a);
	if (fh)
		*fh = oo.fh;
	return err;
}

int ts_open(u64 ino, u32 flags, u64 *fh)
{
	return open_common(FUSE_OPEN, ino, flags, fh);
}

int ts_opendir(u64 ino, u64 *fh)
{
	return open_common(FUSE_OPENDIR, ino, 0, fh);
}

static int read_common(u32 opcode, u64 ino, u64 fh, u64 off, u32 size,
		       void *buf, u32 *got)
{
	struct fuse_read_in in = { .fh = fh, .offset = off, .size = size };
	struct fuse_proto_args a = { .opcode = opcode,
				     .nodeid = ino,
				     .in_numargs = 1,
				     .out_numargs = 1,
				     .out_argvar = true };
	int err;

	IN(0, &in, sizeof(in));
	OUT(0, buf, size);
	err = ts_call(&a);
	if (got)
		*got = err ? 0 : a.out_args[0].size;
	return err;
}

int ts_read(u64 ino, u64 fh, u64 off, u32 size, void *buf, u32 *got)
{
	return read_common(FUSE_READ, ino, fh, off, size, buf, got);
}

int ts_readdir(u64 ino, u64 fh, u64 off, u32 size, void *buf, u32 *got)
{
	return read_common(FUSE_READDIR, ino, fh, off, size, buf, got);
}

int ts_write(u64 ino, u64 fh, u64 off, const void *data, u32 size, u32 *written)
{
	struct fuse_write_in in = { .fh = fh, .offset = off, .size = size };
	struct fuse_write_out wo = { 0 };
	struct fuse_proto_args a = { .opcode = FUSE_WRITE,
				     .nodeid = ino,
				     .in_numargs = 2,
				     .out_numargs = 1 };
	int err;

	IN(0, &in, sizeof(in));
	IN(1, data, size);
	OUT(0, &wo, sizeof(wo));
	err = ts_call(&a);
	if (written)
		*written = wo.size;
	return err;
}

int ts_flush(u64 ino, u64 fh, u64 owner)
{
	struct fuse_flush_in in = { .fh = fh, .lock_owner = owner };
	struct fuse_proto_args a = { .opcode = FUSE_FLUSH,
				     .nodeid = ino,
				     .in_numargs = 1 };

	IN(0, &in, sizeof(in));
	return ts_call(&a);
}

static int release_common(u32 opcode, u64 ino, u64 fh, u32 rflags, u64 owner)
{
	struct fuse_release_in in = { fh, 0, rflags, owner };
	struct fuse_proto_args a = { .opcode = opcode,
				     .nodeid = ino,
				     .in_numargs = 1 };

	IN(0, &in, sizeof(in));
	return ts_call(&a);
}

int ts_release(u64 ino, u64 fh, u32 release_flags, u64 owner)
{
	return release_common(FUSE_RELEASE, ino, fh, release_flags, owner);
}

int ts_releasedir(u64 ino, u64 fh)
{
	return release_common(FUSE_RELEASEDIR, ino, fh, 0, 0);
}

static int name_op(u32 opcode, u64 parent, const char *name)
{
	struct fuse_proto_args a = { .opcode = opcode,
				     .nodeid = parent,
				     .in_numargs = 1 };

	NAME(0, name);
	return ts_call(&a);
}

int ts_unlink(u64 parent, const char *name)
{
	return name_op(FUSE_UNLINK, parent, name);
}

int ts_rmdir(u64 parent, const char *name)
{
	return name_op(FUSE_RMDIR, parent, name);
}

int ts_rename(u64 olddir, const char *oldname, u64 newdir, const char *newname)
{
	struct fuse_rename_in in = { newdir };
	struct fuse_proto_args a = { .opcode = FUSE_RENAME,
				     .nodeid = olddir,
				     .in_numargs = 3 };

	IN(0, &in, sizeof(in));
	NAME(1, oldname);
	NAME(2, newname);
	return ts_call(&a);
}

int ts_rename2(u64 olddir, const char *oldname, u64 newdir, const char *newname,
	       u32 flags)
{
	struct fuse_rename2_in in = { newdir, flags, 0 };
	struct fuse_proto_args a = { .opcode = FUSE_RENAME2,
				     .nodeid = olddir,
				     .in_numargs = 3 };

	IN(0, &in, sizeof(in));
	NAME(1, oldname);
	NAME(2, newname);
	return ts_call(&a);
}

int ts_lk(u32 opcode, u64 ino, u64 fh, u64 owner, u32 type, u64 start, u64 end,
	  u32 lk_flags, struct fuse_file_lock *out)
{
	struct fuse_lk_in in = {
		fh, owner, { start, end, type, 77 }, lk_flags, 0
	};
	struct fuse_lk_out lo = { { 0 } };
	struct fuse_proto_args a = { .opcode = opcode,
				     .nodeid = ino,
				     .in_numargs = 1 };
	int err;

	IN(0, &in, sizeof(in));
	if (opcode == FUSE_GETLK) {
		a.out_numargs = 1;
		OUT(0, &lo, sizeof(lo));
	}
	err = ts_call(&a);
	if (out)
		*out = lo.lk;
	return err;
}

int ts_setupmapping(u64 ino, u64 fh, u64 foff, u64 len, u64 moff, u64 flags)
{
	struct fuse_setupmapping_in in = { fh, foff, len, flags, moff };
	struct fuse_proto_args a = { .opcode = FUSE_SETUPMAPPING,
				     .nodeid = ino,
				     .in_numargs = 1 };

	IN(0, &in, sizeof(in));
	return ts_call(&a);
}

int ts_removemapping(const struct fuse_removemapping_one *v, u32 count)
{
	struct fuse_removemapping_in in = { count };
	struct fuse_proto_args a = { .opcode = FUSE_REMOVEMAPPING,
				     .nodeid = 1,
				     .in_numargs = 2 };

	IN(0, &in, sizeof(in));
	IN(1, v, count * sizeof(*v));
	return ts_call(&a);
}

int ts_destroy(void)
{
	struct fuse_proto_args a = { .opcode = FUSE_DESTROY, .nodeid = 0 };

	return ts_call(&a);
}

int ts_statfs(u64 ino, struct fuse_statfs_out *out)
{
	struct fuse_statfs_out o;
	struct fuse_proto_args a = { .opcode = FUSE_STATFS,
				     .nodeid = ino,
				     .out_numargs = 1 };

	OUT(0, out ? out : &o, sizeof(o));
	return ts_call(&a);
}

int ts_access(u64 ino, u32 mask)
{
	struct fuse_access_in in = { mask, 0 };
	struct fuse_proto_args a = { .opcode = FUSE_ACCESS,
				     .nodeid = ino,
				     .in_numargs = 1 };

	IN(0, &in, sizeof(in));
	return ts_call(&a);
}

struct nl {
	u64 ino, n;
};

static int find_nl(void *arg, const struct memfs_inode_info *i)
{
	struct nl *nl = arg;

	if (i->nodeid == nl->ino)
		nl->n = i->nlookup;
	return 0;
}

u64 ts_nlookup(u64 ino)
{
	struct nl nl = { ino, 0 };

	memfs_for_each_inode(fuse_server_fs(ts_srv), find_nl, &nl);
	return nl.n;
}

u64 ts_inodes(void)
{
	struct memfs_stats st;

	memfs_get_stats(fuse_server_fs(ts_srv), &st);
	return st.inodes;
}
