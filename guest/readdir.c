// SPDX-License-Identifier: GPL-2.0-only
/*
 * guest_vfs_dir.c - the syscall-like API: READDIR (fs/fuse/readdir.c),
 * POSIX locks (fs/fuse/file.c) and the DAX mapping requests
 * (fs/fuse/dax.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "guest/guest_vfs.h"
#include "guest/guest_vfs_internal.h"

/*
 * Kernel: parse_dirfile(): hand each whole entry of @nbytes at @buf to
 * @filler. Returns entries passed, or -EIO for a malformed one; *offp
 * follows the entries, *stop is set when the filler asked to stop.
 */
static int parse_dirfile(const char *buf, size_t nbytes, u64 *offp,
			 guest_filldir_t filler, void *ctx, bool *stop)
{
	int count = 0;

	while (nbytes >= FUSE_NAME_OFFSET) {
		const struct fuse_dirent *dirent = (const void *)buf;
		size_t reclen = FUSE_DIRENT_SIZE(dirent);
		struct guest_dirent de;

		if (!dirent->namelen || dirent->namelen > FUSE_PROTO_NAME_MAX)
			return -EIO;
		if (reclen > nbytes)
			break;
		if (memchr(dirent->name, '/', dirent->namelen) != NULL)
			return -EIO;

		memset(&de, 0, sizeof(de));
		de.ino = dirent->ino;
		de.off = dirent->off;
		de.type = dirent->type;
		de.namelen = dirent->namelen;
		memcpy(de.name, dirent->name, dirent->namelen);
		count++;
		*offp = dirent->off;
		if (filler(ctx, &de)) {
			*stop = true;
			break;
		}
		buf += reclen;
		nbytes -= reclen;
	}
	return count;
}

/* Kernel: fuse_readdir_uncached(), looped until the end of the directory. */
int guest_readdir(struct guest_fs *gfs, struct guest_file *f, u64 offset,
		  guest_filldir_t filler, void *ctx)
{
	struct page *page;
	struct fuse_page_desc desc = { .length = PAGE_SIZE, .offset = 0 };
	bool stop = false;
	int total = 0;

	if (!f || !f->isdir || !filler)
		return -EINVAL;
	page = alloc_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	while (!stop) {
		struct fuse_args_pages ap;
		struct fuse_read_in inarg;
		ssize_t res;
		int n;

		memset(&ap, 0, sizeof(ap));
		memset(&inarg, 0, sizeof(inarg));
		inarg.fh = f->fh;
		inarg.offset = offset;
		inarg.size = PAGE_SIZE;
		inarg.flags = f->flags;
		ap.pages = &page;
		ap.descs = &desc;
		ap.num_pages = 1;
		ap.args.opcode = FUSE_READDIR;
		ap.args.nodeid = f->nodeid;
		ap.args.in_numargs = 1;
		ap.args.in_args[0].size = sizeof(inarg);
		ap.args.in_args[0].value = &inarg;
		ap.args.out_argvar = true;
		ap.args.out_numargs = 1;
		ap.args.out_args[0].size = PAGE_SIZE;
		ap.args.out_pages = true;
		res = guest_send(gfs, &ap.args);
		if (res <= 0) {
			if (res < 0)
				total = (int)res;
			break;
		}
		n = parse_dirfile(page_address(page), (size_t)res, &offset,
				  filler, ctx, &stop);
		/* a page that holds no whole entry would loop for ever */
		if (n <= 0) {
			total = n < 0 ? n : -EIO;
			break;
		}
		total += n;
	}
	__free_page(page);
	return total;
}

/* Kernel: fuse_lk_fill(). */
static int guest_lk(struct guest_fs *gfs, struct guest_file *f, u64 owner,
		    struct fuse_file_lock *lk, u32 opcode)
{
	struct fuse_lk_in inarg;
	struct fuse_lk_out outarg;
	struct fuse_args args;
	int err;

	if (!f || f->isdir || !lk)
		return -EINVAL;
	if ((lk->type != F_RDLCK && lk->type != F_WRLCK &&
	     lk->type != F_UNLCK) ||
	    lk->start > lk->end)
		return -EINVAL;
	memset(&inarg, 0, sizeof(inarg));
	memset(&outarg, 0, sizeof(outarg));
	memset(&args, 0, sizeof(args));
	inarg.fh = f->fh;
	inarg.owner = owner;
	inarg.lk = *lk;
	args.opcode = opcode;
	args.nodeid = f->nodeid;
	args.in_numargs = 1;
	args.in_args[0].size = sizeof(inarg);
	args.in_args[0].value = &inarg;
	if (opcode == FUSE_GETLK) {
		args.out_numargs = 1;
		args.out_args[0].size = sizeof(outarg);
		args.out_args[0].value = &outarg;
	}
	err = (int)guest_send(gfs, &args);
	if (!err && opcode == FUSE_GETLK)
		*lk = outarg.lk;
	else if (!err)
		err = guest_track_lock(gfs, f, owner, lk);
	return err;
}

/* Kernel: fuse_getlk(). */
int guest_getlk(struct guest_fs *gfs, struct guest_file *f, u64 owner,
		struct fuse_file_lock *lk)
{
	return guest_lk(gfs, f, owner, lk, FUSE_GETLK);
}

/* Kernel: fuse_setlk() without sleep. */
int guest_setlk(struct guest_fs *gfs, struct guest_file *f, u64 owner,
		const struct fuse_file_lock *lk)
{
	struct fuse_file_lock l;

	if (!lk)
		return -EINVAL;
	l = *lk;
	return guest_lk(gfs, f, owner, &l, FUSE_SETLK);
}

/* Kernel: fuse_setlk() with sleep (F_SETLKW). */
int guest_setlkw(struct guest_fs *gfs, struct guest_file *f, u64 owner,
		 const struct fuse_file_lock *lk)
{
	struct fuse_file_lock l;

	if (!lk)
		return -EINVAL;
	l = *lk;
	return guest_lk(gfs, f, owner, &l, FUSE_SETLKW);
}

/* Kernel: fuse_setup_one_mapping(). */
int guest_dax_map(struct guest_fs *gfs, struct guest_file *f, u64 foffset,
		  u64 len, u64 moffset, u64 flags)
{
	struct fuse_setupmapping_in inarg;
	struct fuse_args args;

	if (!f || f->isdir)
		return -EINVAL;
	memset(&inarg, 0, sizeof(inarg));
	memset(&args, 0, sizeof(args));
	inarg.fh = f->fh;
	inarg.foffset = foffset;
	inarg.len = len;
	inarg.flags = flags;
	inarg.moffset = moffset;
	args.opcode = FUSE_SETUPMAPPING;
	args.nodeid = f->nodeid;
	args.in_numargs = 1;
	args.in_args[0].size = sizeof(inarg);
	args.in_args[0].value = &inarg;
	return (int)guest_send(gfs, &args);
}

/* Kernel: fuse_send_removemapping() for one range. */
int guest_dax_unmap(struct guest_fs *gfs, u64 nodeid, u64 moffset, u64 len)
{
	struct fuse_removemapping_in inarg = { .count = 1 };
	struct fuse_removemapping_one one = { .moffset = moffset, .len = len };
	struct fuse_args args;

	memset(&args, 0, sizeof(args));
	args.opcode = FUSE_REMOVEMAPPING;
	args.nodeid = nodeid;
	args.in_numargs = 2;
	args.in_args[0].size = sizeof(inarg);
	args.in_args[0].value = &inarg;
	args.in_args[1].size = sizeof(one);
	args.in_args[1].value = &one;
	return (int)guest_send(gfs, &args);
}
