// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_server_entry.c - the FUSE server's name and attribute handlers:
 * LOOKUP, FORGET, BATCH_FORGET, GETATTR, SETATTR, MKDIR, UNLINK, RMDIR,
 * RENAME, RENAME2, STATFS, ACCESS.
 *
 * Each is the twin of libfuse's do_<op>() feeding virtiofsd's lo_<op>():
 * the node is hdr.nodeid, names come NUL-terminated from the parser, and
 * every reply that hands out a nodeid counts one lookup.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device/fuse_server_internal.h"
#include "sim/trace/trace.h"

void fs_fill_attr(struct fuse_attr *out, const struct memfs_attr *a)
{
	memset(out, 0, sizeof(*out));
	out->ino = a->ino;
	out->size = a->size;
	out->blocks = a->blocks;
	out->atime = (u64)a->atime.sec;
	out->mtime = (u64)a->mtime.sec;
	out->ctime = (u64)a->ctime.sec;
	out->atimensec = a->atime.nsec;
	out->mtimensec = a->mtime.nsec;
	out->ctimensec = a->ctime.nsec;
	out->mode = a->mode;
	out->nlink = a->nlink;
	out->uid = a->uid;
	out->gid = a->gid;
	out->rdev = a->rdev;
	out->blksize = a->blksize;
}

int fs_reply_entry(struct fs_req *r, u64 ino)
{
	struct fuse_entry_out e = { 0 };
	struct memfs_counters c;
	struct memfs_attr a;
	int err = memfs_getattr(r->srv->fs, ino, &a);

	/* Callers just found or made the node: it is alive. */
	assert(err == 0);
	/* Counted first: a node whose count is at its bound is not handed
	 * out (the guest sees EOVERFLOW and owes nothing). */
	err = memfs_ref(r->srv->fs, ino);
	if (err)
		return err;
	/* memfs hands every inode the same generation (memfs_config). */
	memfs_get_counters(r->srv->fs, &c);
	e.nodeid = ino;
	e.generation = c.generation;
	e.entry_valid = FUSE_SERVER_ENTRY_VALID_SEC;
	e.attr_valid = FUSE_SERVER_ATTR_VALID_SEC;
	fs_fill_attr(&e.attr, &a);
	fs_put(r, &e, sizeof(e));
	return 0;
}

/* Twin of libfuse's do_lookup(): a name to a counted nodeid. */
int do_lookup(struct fs_req *r)
{
	u64 ino;
	int err =
		memfs_lookup(r->srv->fs, r->in->hdr.nodeid, r->in->name, &ino);

	return err ? err : fs_reply_entry(r, ino);
}

/* Drop lookups; a bad count or node is traced, never answered. */
static void forget_one(struct fs_req *r, u64 ino, u64 nlookup)
{
	int err = memfs_forget(r->srv->fs, ino, nlookup);

	if (err)
		TRACE(.kind = "fuse.bad", .func = "do_forget",
		      .unique = r->in->hdr.unique, .opcode = (s32)r->in->opcode,
		      .detail = trace_fmt("%s forget %llu x%llu",
					  err == -ERANGE ? "over-forget" :
							   "stale",
					  (unsigned long long)ino,
					  (unsigned long long)nlookup));
}

/* Twin of libfuse's do_forget(). */
int do_forget(struct fs_req *r)
{
	struct fuse_forget_in in;

	fs_arg(r, &in, sizeof(in));
	forget_one(r, r->in->hdr.nodeid, in.nlookup);
	return FS_NOREPLY;
}

/* Twin of libfuse's do_batch_forget(). */
int do_batch_forget(struct fs_req *r)
{
	const u8 *p = r->in->payload;

	for (u32 i = 0; i < r->in->count; i++) {
		struct fuse_forget_one one;

		memcpy(&one, p + (size_t)i * sizeof(one), sizeof(one));
		forget_one(r, one.nodeid, one.nlookup);
	}
	return FS_NOREPLY;
}

/* An fh named alongside a nodeid must be a handle on that node. */
static int check_fh(struct fs_req *r, u64 fh)
{
	u64 ino;

	if (memfs_fh_ino(r->srv->fs, fh, &ino) || ino != r->in->hdr.nodeid)
		return -EBADF;
	return 0;
}

static int reply_attr(struct fs_req *r, const struct memfs_attr *a)
{
	struct fuse_attr_out out = { 0 };

	out.attr_valid = FUSE_SERVER_ATTR_VALID_SEC;
	fs_fill_attr(&out.attr, a);
	fs_put(r, &out, sizeof(out));
	return 0;
}

/* Twin of libfuse's do_getattr(). */
int do_getattr(struct fs_req *r)
{
	struct fuse_getattr_in in;
	struct memfs_attr a;
	int err;

	fs_arg(r, &in, sizeof(in));
	if ((in.getattr_flags & FUSE_GETATTR_FH) && check_fh(r, in.fh))
		return -EBADF;
	err = memfs_getattr(r->srv->fs, r->in->hdr.nodeid, &a);
	return err ? err : reply_attr(r, &a);
}

/*
 * Twin of libfuse's do_setattr(): FATTR_FH and FATTR_LOCKOWNER only name
 * the caller's handle and owner, so they are checked and stripped; the
 * rest has the same bit values in memfs, which rejects what it lacks.
 */
int do_setattr(struct fs_req *r)
{
	struct fuse_setattr_in in;
	struct memfs_setattr s = { 0 };
	struct memfs_attr a;
	int err;

	fs_arg(r, &in, sizeof(in));
	if ((in.valid & FATTR_FH) && check_fh(r, in.fh))
		return -EBADF;
	s.valid = in.valid & ~(u32)(FATTR_FH | FATTR_LOCKOWNER);
	s.mode = in.mode;
	s.uid = in.uid;
	s.gid = in.gid;
	s.size = in.size;
	s.atime = (struct memfs_time){ (s64)in.atime, in.atimensec };
	s.mtime = (struct memfs_time){ (s64)in.mtime, in.mtimensec };
	s.ctime = (struct memfs_time){ (s64)in.ctime, in.ctimensec };
	err = memfs_setattr(r->srv->fs, r->in->hdr.nodeid, &s, &a);
	return err ? err : reply_attr(r, &a);
}

/* Twin of libfuse's do_mkdir(); the kernel already applied the umask. */
int do_mkdir(struct fs_req *r)
{
	struct fuse_mkdir_in in;
	u64 ino;
	int err;

	fs_arg(r, &in, sizeof(in));
	err = memfs_mkdir(r->srv->fs, r->in->hdr.nodeid, r->in->name, in.mode,
			  &ino);
	return err ? err : fs_reply_entry(r, ino);
}

/* Twin of libfuse's do_unlink(). */
int do_unlink(struct fs_req *r)
{
	return memfs_unlink(r->srv->fs, r->in->hdr.nodeid, r->in->name);
}

/* Twin of libfuse's do_rmdir(). */
int do_rmdir(struct fs_req *r)
{
	return memfs_rmdir(r->srv->fs, r->in->hdr.nodeid, r->in->name);
}

/* Twin of libfuse's do_rename(). */
int do_rename(struct fs_req *r)
{
	struct fuse_rename_in in;

	fs_arg(r, &in, sizeof(in));
	return memfs_rename(r->srv->fs, r->in->hdr.nodeid, r->in->name,
			    in.newdir, r->in->name2, 0);
}

/* Twin of libfuse's do_rename2(); RENAME_* share memfs's values. */
int do_rename2(struct fs_req *r)
{
	struct fuse_rename2_in in;

	fs_arg(r, &in, sizeof(in));
	return memfs_rename(r->srv->fs, r->in->hdr.nodeid, r->in->name,
			    in.newdir, r->in->name2, in.flags);
}

/* Twin of libfuse's do_statfs(): a virtual device, see fuse_server.h. */
int do_statfs(struct fs_req *r)
{
	struct fuse_statfs_out out = { 0 };
	struct memfs_stats st;
	struct memfs_attr a;
	u64 max_inodes = r->srv->cfg.max_inodes ? r->srv->cfg.max_inodes :
						  65536;
	int err = memfs_getattr(r->srv->fs, r->in->hdr.nodeid, &a);

	if (err)
		return err;
	memfs_get_stats(r->srv->fs, &st);
	out.st.blocks = FUSE_SERVER_STATFS_BLOCKS;
	out.st.bfree = st.data_pages < out.st.blocks ?
			       out.st.blocks - st.data_pages :
			       0;
	out.st.bavail = out.st.bfree;
	out.st.files = max_inodes;
	out.st.ffree = max_inodes - st.inodes;
	out.st.bsize = FUSE_SERVER_STATFS_BSIZE;
	out.st.frsize = FUSE_SERVER_STATFS_BSIZE;
	out.st.namelen = MEMFS_NAME_MAX;
	fs_put(r, &out, sizeof(out));
	return 0;
}

/*
 * Twin of libfuse's do_access(). The server acts as root (as virtiofsd
 * with its default credentials): only X_OK can fail, on a non-directory
 * with no execute bit at all.
 */
int do_access(struct fs_req *r)
{
	struct fuse_access_in in;
	struct memfs_attr a;
	int err;

	fs_arg(r, &in, sizeof(in));
	if (in.mask & ~(u32)(R_OK | W_OK | X_OK))
		return -EINVAL;
	err = memfs_getattr(r->srv->fs, r->in->hdr.nodeid, &a);
	if (err)
		return err;
	if ((in.mask & X_OK) && !S_ISDIR(a.mode) &&
	    !(a.mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
		return -EACCES;
	return 0;
}
