// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_server_lock.c - the FUSE server's POSIX lock handlers: GETLK, SETLK,
 * SETLKW, and the no-reply INTERRUPT/NOTIFY_REPLY.
 *
 * Locks belong to (inode, lock owner). SETLKW is refused (EOPNOTSUPP) as
 * C virtiofsd refuses it; with blocking_setlkw it never sleeps here
 * either: on a conflict it hands FUSE_SERVER_BLOCKED back so the device's
 * worker can park the chain and retry the same bytes when the lock
 * generation moves; nothing changed, so the retry is the same request
 * again.
 */
#include <errno.h>
#include <string.h>

#include "device/fuse_server_internal.h"

/* Read a lock request; the fh must be a handle on hdr.nodeid. */
static int lk_parse(struct fs_req *r, struct posix_lock *lk)
{
	struct fuse_lk_in in;
	u64 ino;

	fs_arg(r, &in, sizeof(in));
	if (in.lk_flags & FUSE_LK_FLOCK) {
		r->note = "flock() locks are not negotiated";
		return -ENOSYS;
	}
	if (memfs_fh_ino(r->srv->fs, in.fh, &ino) || ino != r->in->hdr.nodeid)
		return -EBADF;
	lk->ino = ino;
	lk->owner = in.owner;
	lk->pid = in.lk.pid;
	lk->type = in.lk.type;
	lk->start = in.lk.start;
	lk->end = in.lk.end;
	return 0;
}

/* Twin of libfuse's do_getlk(): the conflicting lock, or F_UNLCK. */
int do_getlk(struct fs_req *r)
{
	struct posix_lock req, got;
	struct fuse_lk_out out = { 0 };
	int err = lk_parse(r, &req);

	if (!err)
		err = locks_getlk(r->srv->locks, &req, &got);
	if (err)
		return err;
	out.lk.start = got.start;
	out.lk.end = got.end;
	out.lk.type = got.type;
	out.lk.pid = got.pid;
	fs_put(r, &out, sizeof(out));
	return 0;
}

/* Twin of libfuse's do_setlk(): EAGAIN on a conflict. */
int do_setlk(struct fs_req *r)
{
	struct posix_lock req;
	int err = lk_parse(r, &req);

	return err ? err : locks_setlk(r->srv->locks, &req);
}

/*
 * Twin of libfuse's do_setlkw() into C virtiofsd's lo_setlk(), which
 * answers EOPNOTSUPP whenever sleep is set. With blocking_setlkw (the
 * device's park-setlkw, vfsim's own) a conflict parks the request.
 */
int do_setlkw(struct fs_req *r)
{
	struct posix_lock req;
	int err;

	if (!r->srv->cfg.blocking_setlkw) {
		r->note = "blocking locks are not supported (virtiofsd)";
		return -EOPNOTSUPP;
	}
	err = lk_parse(r, &req);

	if (!err)
		err = locks_setlk(r->srv->locks, &req);
	if (err == -EAGAIN) {
		r->note = "conflict";
		return FS_BLOCKED;
	}
	return err;
}

/*
 * INTERRUPT and NOTIFY_REPLY have no reply. Every request here completes
 * before the next is read (a parked SETLKW is the device's, not ours), and
 * no NOTIFY_RETRIEVE is ever sent, so both are dropped.
 */
int do_interrupt(struct fs_req *r)
{
	r->note = "ignored";
	return FS_NOREPLY;
}
