// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_server_file.c - the FUSE server's file and directory handle
 * handlers: OPEN, CREATE, READ, WRITE, FLUSH, RELEASE, OPENDIR, READDIR,
 * RELEASEDIR.
 *
 * Handles are memfs fh numbers, handed out by its counter. READ and
 * READDIR write straight into the reply, so their size must fit it.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "device/fuse_server_internal.h"

static int reply_open(struct fs_req *r, u64 fh)
{
	struct fuse_open_out out = { 0 };

	out.fh = fh;
	fs_put(r, &out, sizeof(out));
	return 0;
}

/* Twin of libfuse's do_open(); O_TRUNC is done here (ATOMIC_O_TRUNC). */
int do_open(struct fs_req *r)
{
	struct fuse_open_in in;
	u64 fh;
	int err;

	fs_arg(r, &in, sizeof(in));
	err = memfs_open(r->srv->fs, r->in->hdr.nodeid, in.flags, &fh);
	return err ? err : reply_open(r, fh);
}

/*
 * Twin of libfuse's do_create(): create (or find) and open, then count the
 * lookup the entry hands out. The open comes before the count so a failed
 * open leaves no lookup behind.
 */
int do_create(struct fs_req *r)
{
	struct fuse_create_in in;
	u64 ino, fh;
	int err;

	fs_arg(r, &in, sizeof(in));
	err = memfs_create(r->srv->fs, r->in->hdr.nodeid, r->in->name, in.mode,
			   in.flags, &ino);
	if (err)
		return err;
	err = memfs_open(r->srv->fs, ino, in.flags, &fh);
	if (err)
		return err;
	err = fs_reply_entry(r, ino);
	if (err) {
		/* the count is at its bound: the guest gets neither */
		memfs_release(r->srv->fs, fh);
		return err;
	}
	return reply_open(r, fh);
}

/* Twin of libfuse's do_read(): a short reply at EOF. */
int do_read(struct fs_req *r)
{
	struct fuse_read_in in;
	s64 n;

	fs_arg(r, &in, sizeof(in));
	if (in.size > r->room) {
		r->note = "read size above reply room";
		return -ERANGE;
	}
	n = memfs_fh_read(r->srv->fs, in.fh, in.offset, r->out, in.size);
	if (n < 0)
		return (int)n;
	r->len = (size_t)n;
	return 0;
}

/* Twin of libfuse's do_write(). */
int do_write(struct fs_req *r)
{
	struct fuse_write_in in;
	struct fuse_write_out out = { 0 };
	s64 n;

	fs_arg(r, &in, sizeof(in));
	if (in.size > r->srv->cfg.max_write) {
		r->note = "write above max_write";
		return -EINVAL;
	}
	assert(in.size == r->in->payload_size);
	n = memfs_fh_write(r->srv->fs, in.fh, in.offset, r->in->payload,
			   in.size);
	if (n < 0)
		return (int)n;
	out.size = (u32)n;
	fs_put(r, &out, sizeof(out));
	return 0;
}

/* Twin of virtiofsd's lo_flush(): close() drops the owner's locks. */
int do_flush(struct fs_req *r)
{
	struct fuse_flush_in in;
	u64 ino;
	int err;

	fs_arg(r, &in, sizeof(in));
	err = memfs_fh_ino(r->srv->fs, in.fh, &ino);
	if (err)
		return err;
	locks_release_owner(r->srv->locks, ino, in.lock_owner);
	return 0;
}

/* Twin of libfuse's do_release(). */
int do_release(struct fs_req *r)
{
	struct fuse_release_in in;
	u64 ino;
	int err;

	fs_arg(r, &in, sizeof(in));
	err = memfs_fh_ino(r->srv->fs, in.fh, &ino);
	if (err)
		return err;
	err = memfs_release(r->srv->fs, in.fh);
	if (err)
		return err;
	/* After the close: a freed inode already took its locks. */
	if (in.release_flags & FUSE_RELEASE_FLOCK_UNLOCK)
		locks_release_owner(r->srv->locks, ino, in.lock_owner);
	return 0;
}

/* Twin of libfuse's do_opendir(). */
int do_opendir(struct fs_req *r)
{
	struct fuse_open_in in;
	u64 fh;
	int err;

	fs_arg(r, &in, sizeof(in));
	err = memfs_opendir(r->srv->fs, r->in->hdr.nodeid, in.flags, &fh);
	return err ? err : reply_open(r, fh);
}

/* Twin of libfuse's do_releasedir(). */
int do_releasedir(struct fs_req *r)
{
	struct fuse_release_in in;

	fs_arg(r, &in, sizeof(in));
	return memfs_releasedir(r->srv->fs, in.fh);
}

struct readdir_buf {
	u8 *out;
	size_t size;
	size_t len;
	u32 count;
	bool full; /* stopped on an entry that did not fit */
};

/* Twin of libfuse's fuse_add_direntry(): one aligned record, or stop. */
static int readdir_fill(void *arg, const struct memfs_dirent_info *e)
{
	struct readdir_buf *b = arg;
	struct fuse_dirent d = { 0 };
	size_t namelen = strlen(e->name);
	size_t reclen = FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + namelen);

	if (reclen > b->size - b->len) {
		b->full = true;
		return 1;
	}
	d.ino = e->ino;
	d.off = e->off;
	d.namelen = (u32)namelen;
	d.type = e->type;
	memset(b->out + b->len, 0, reclen);
	memcpy(b->out + b->len, &d, FUSE_NAME_OFFSET);
	memcpy(b->out + b->len + FUSE_NAME_OFFSET, e->name, namelen);
	b->len += reclen;
	b->count++;
	return 0;
}

/* Twin of libfuse's do_readdir(): records up to size, off = the cookie. */
int do_readdir(struct fs_req *r)
{
	struct fuse_read_in in;
	struct readdir_buf b = { 0 };
	int err;

	fs_arg(r, &in, sizeof(in));
	if (in.size > r->room) {
		r->note = "readdir size above reply room";
		return -ERANGE;
	}
	b.out = r->out;
	b.size = in.size;
	err = memfs_readdir(r->srv->fs, in.fh, in.offset, readdir_fill, &b);
	if (err < 0)
		return err;
	if (b.full && !b.count) {
		r->note = "readdir size below one entry";
		return -EINVAL;
	}
	r->len = b.len;
	return 0;
}
