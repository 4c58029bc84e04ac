// SPDX-License-Identifier: GPL-2.0-only
/*
 * file.c - twin of Linux fs/fuse/file.c (mainline; functions in its
 * order), reduced to the requests of open files: OPEN/OPENDIR, background
 * RELEASE/RELEASEDIR, FLUSH, READ and WRITE through pages, and POSIX
 * locks (GETLK/SETLK/SETLKW).
 *
 * Simplified: there is no page cache and no struct file; a struct
 * guest_file stands for the kernel's struct fuse_file, and reads and
 * writes go straight to the server one max_pages chunk at a time, as
 * fuse_direct_io() does for O_DIRECT. The lines marked "vfsim" keep the
 * restore extension's table of open handles and locks (vfsim_restore.c).
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "guest/vfsim_internal.h"

/* Kernel: fuse_send_open() + fuse_do_open(). */
int fuse_do_open(struct guest_fs *gfs, u64 nodeid, u32 flags, bool isdir,
		 struct guest_file *f)
{
	struct fuse_conn *fc = gfs->fm->fc;
	struct fuse_open_in inarg;
	struct fuse_open_out outarg;
	struct fuse_args args;
	int err;

	memset(&inarg, 0, sizeof(inarg));
	memset(&outarg, 0, sizeof(outarg));
	memset(&args, 0, sizeof(args));
	inarg.flags = flags & ~(u32)(O_CREAT | O_EXCL | O_NOCTTY);
	if (!fc->atomic_o_trunc)
		inarg.flags &= ~(u32)O_TRUNC;
	args.opcode = isdir ? FUSE_OPENDIR : FUSE_OPEN;
	args.nodeid = nodeid;
	args.in_numargs = 1;
	args.in_args[0].size = sizeof(inarg);
	args.in_args[0].value = &inarg;
	args.out_numargs = 1;
	args.out_args[0].size = sizeof(outarg);
	args.out_args[0].value = &outarg;
	err = (int)guest_send(gfs, &args);
	if (err)
		return err;
	f->nodeid = nodeid;
	f->fh = outarg.fh;
	f->open_flags = outarg.open_flags;
	f->flags = inarg.flags;
	f->isdir = isdir;
	guest_track_open(gfs, f);
	return 0;
}

/* Kernel: struct fuse_release_args: lives until the background end. */
struct fuse_release_args {
	struct fuse_args args;
	struct fuse_release_in inarg;
	struct guest_fs *gfs;
};

/* Kernel: fuse_release_end(). */
static void fuse_release_end(struct fuse_mount *fm, struct fuse_args *args,
			     int error)
{
	struct fuse_release_args *ra =
		container_of(args, struct fuse_release_args, args);
	struct guest_fs *gfs = ra->gfs;

	(void)fm;
	TRACE(.kind = "guest.release", .func = "fuse_release_end",
	      .opcode = (s32)args->opcode,
	      .detail = error ? fuse_errno_name(error) : NULL);
	kfree(ra);
	assert(gfs->nr_releasing > 0);
	gfs->nr_releasing--;
	wake_up_all(&gfs->release_wq);
}

/* Kernel: fuse_prepare_release() + fuse_file_put() (async). */
int fuse_release_common(struct guest_fs *gfs, struct guest_file *f, bool isdir)
{
	struct fuse_release_args *ra;
	u64 fh = f->fh;

	/* a handle a restore lost is closed already on the device */
	if (!guest_untrack_open(gfs, f, &fh))
		return 0;
	guest_restore_wait(gfs);
	ra = kzalloc(sizeof(*ra), GFP_KERNEL | __GFP_NOFAIL);
	ra->gfs = gfs;
	ra->inarg.fh = fh;
	ra->inarg.flags = f->flags;
	ra->args.opcode = isdir ? FUSE_RELEASEDIR : FUSE_RELEASE;
	ra->args.nodeid = guest_dev_nodeid(gfs, f->nodeid);
	ra->args.in_numargs = 1;
	ra->args.in_args[0].size = sizeof(ra->inarg);
	ra->args.in_args[0].value = &ra->inarg;
	/* hold the handle open until RELEASE, even across an interruption */
	ra->args.force = true;
	ra->args.nocreds = true;
	ra->args.end = fuse_release_end;
	gfs->nr_releasing++;
	if (fuse_simple_background(gfs->fm, &ra->args,
				   GFP_KERNEL | __GFP_NOFAIL))
		fuse_release_end(gfs->fm, &ra->args, -ENOTCONN);
	return 0;
}

/* Kernel: fuse_flush(). */
int fuse_flush(struct guest_fs *gfs, struct guest_file *f, u64 lock_owner)
{
	struct fuse_conn *fc = gfs->fm->fc;
	struct fuse_flush_in inarg;
	struct fuse_args args;
	int err;

	if (fc->no_flush)
		return 0;
	memset(&inarg, 0, sizeof(inarg));
	memset(&args, 0, sizeof(args));
	inarg.fh = f->fh;
	inarg.lock_owner = lock_owner;
	args.opcode = FUSE_FLUSH;
	args.nodeid = f->nodeid;
	args.in_numargs = 1;
	args.in_args[0].size = sizeof(inarg);
	args.in_args[0].value = &inarg;
	args.force = true;
	err = (int)guest_send(gfs, &args);
	if (err == -ENOSYS) {
		fc->no_flush = 1;
		err = 0;
	}
	if (!err)
		guest_untrack_locks(gfs, f->nodeid, lock_owner);
	return err;
}

/* The pages of one READ/WRITE/READDIR: kernel fuse_io_alloc() shape. */
static int fuse_pages_alloc(struct fuse_args_pages *ap, size_t bytes)
{
	unsigned int n = (unsigned int)((bytes + PAGE_SIZE - 1) / PAGE_SIZE);
	unsigned int i;

	memset(ap, 0, sizeof(*ap));
	ap->pages = kcalloc(n, sizeof(ap->pages[0]), GFP_KERNEL);
	ap->descs = kcalloc(n, sizeof(ap->descs[0]), GFP_KERNEL);
	if (!ap->pages || !ap->descs)
		goto fail;
	for (i = 0; i < n; i++) {
		ap->pages[i] = alloc_page(GFP_KERNEL);
		if (!ap->pages[i])
			goto fail;
		ap->descs[i].offset = 0;
		ap->descs[i].length = bytes > PAGE_SIZE ? PAGE_SIZE :
							  (unsigned int)bytes;
		bytes -= ap->descs[i].length;
		ap->num_pages++;
	}
	return 0;
fail:
	for (i = 0; i < ap->num_pages; i++)
		__free_page(ap->pages[i]);
	kfree(ap->pages);
	kfree(ap->descs);
	return -ENOMEM;
}

/* vfsim: free what fuse_pages_alloc() allocated. */
static void fuse_pages_free(struct fuse_args_pages *ap)
{
	unsigned int i;

	for (i = 0; i < ap->num_pages; i++)
		__free_page(ap->pages[i]);
	kfree(ap->pages);
	kfree(ap->descs);
}

/* vfsim: copy between a flat buffer and the pages (to_pages: into them);
 * the kernel copies from or to the caller's iov_iter instead. */
static void fuse_pages_copy(struct fuse_args_pages *ap, void *buf, size_t bytes,
			    bool to_pages)
{
	unsigned int i;
	char *p = buf;

	for (i = 0; i < ap->num_pages && bytes; i++) {
		size_t len = ap->descs[i].length;
		char *pg = (char *)page_address(ap->pages[i]) +
			   ap->descs[i].offset;

		if (len > bytes)
			len = bytes;
		if (to_pages)
			memcpy(pg, p, len);
		else
			memcpy(p, pg, len);
		p += len;
		bytes -= len;
	}
}

/* Kernel: fuse_read_args_fill() + fuse_send_read(): one READ. */
static ssize_t fuse_send_read(struct guest_fs *gfs, struct guest_file *f,
			      u64 off, void *buf, size_t count)
{
	struct fuse_args_pages ap;
	struct fuse_read_in inarg;
	ssize_t ret;

	if (fuse_pages_alloc(&ap, count))
		return -ENOMEM;
	memset(&inarg, 0, sizeof(inarg));
	inarg.fh = f->fh;
	inarg.offset = off;
	inarg.size = (u32)count;
	inarg.flags = f->flags;
	ap.args.opcode = FUSE_READ;
	ap.args.nodeid = f->nodeid;
	ap.args.in_numargs = 1;
	ap.args.in_args[0].size = sizeof(inarg);
	ap.args.in_args[0].value = &inarg;
	ap.args.out_argvar = true;
	ap.args.out_numargs = 1;
	ap.args.out_args[0].size = (unsigned int)count;
	ap.args.out_pages = true;
	ap.args.page_zeroing = true;
	/* out_args[0].size caps the reply, so ret <= count */
	ret = guest_send(gfs, &ap.args);
	if (ret > 0)
		fuse_pages_copy(&ap, buf, (size_t)ret, false);
	fuse_pages_free(&ap);
	return ret;
}

/* Kernel: fuse_write_args_fill() + fuse_send_write_pages(): one WRITE. */
static ssize_t fuse_send_write(struct guest_fs *gfs, struct guest_file *f,
			       u64 off, const void *buf, size_t count)
{
	struct fuse_args_pages ap;
	struct fuse_write_in inarg;
	struct fuse_write_out outarg;
	ssize_t ret;

	if (fuse_pages_alloc(&ap, count))
		return -ENOMEM;
	fuse_pages_copy(&ap, (void *)buf, count, true);
	memset(&inarg, 0, sizeof(inarg));
	memset(&outarg, 0, sizeof(outarg));
	inarg.fh = f->fh;
	inarg.offset = off;
	inarg.size = (u32)count;
	inarg.flags = f->flags;
	ap.args.opcode = FUSE_WRITE;
	ap.args.nodeid = f->nodeid;
	ap.args.in_numargs = 2;
	ap.args.in_args[0].size = sizeof(inarg);
	ap.args.in_args[0].value = &inarg;
	ap.args.in_args[1].size = (unsigned int)count;
	ap.args.in_pages = true;
	ap.args.out_numargs = 1;
	ap.args.out_args[0].size = sizeof(outarg);
	ap.args.out_args[0].value = &outarg;
	ret = guest_send(gfs, &ap.args);
	fuse_pages_free(&ap);
	if (ret)
		return ret;
	/* the server cannot have written more than it got */
	if (outarg.size > count)
		return -EIO;
	return outarg.size;
}

/*
 * Kernel: fuse_direct_io(): one READ or WRITE per chunk of at most
 * max_pages pages (and max_read or max_write bytes) until @count bytes
 * moved or the server moved fewer than asked. Returns the bytes moved, or
 * the first error when nothing moved.
 */
ssize_t fuse_direct_io(struct guest_fs *gfs, struct guest_file *f, u64 off,
		       void *buf, size_t count, bool write)
{
	struct fuse_conn *fc = gfs->fm->fc;
	size_t cap = write ? fc->max_write : fc->max_read;
	size_t max = (size_t)fc->max_pages * PAGE_SIZE;
	size_t chunk = cap < max ? cap : max;
	size_t done = 0;

	while (done < count) {
		size_t n = count - done < chunk ? count - done : chunk;
		char *p = (char *)buf + done;
		ssize_t ret =
			write ? fuse_send_write(gfs, f, off + done, p, n) :
				fuse_send_read(gfs, f, off + done, p, n);

		if (ret < 0)
			return done ? (ssize_t)done : ret;
		done += (size_t)ret;
		if ((size_t)ret < n)
			break;
	}
	return (ssize_t)done;
}

/* Kernel: fuse_lk_fill(). */
static int fuse_lk(struct guest_fs *gfs, struct guest_file *f, u64 owner,
		   struct fuse_file_lock *lk, u32 opcode)
{
	struct fuse_lk_in inarg;
	struct fuse_lk_out outarg;
	struct fuse_args args;
	int err;

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
		guest_track_lock(gfs, f, owner, lk);
	return err;
}

/* Kernel: fuse_getlk(). */
int fuse_getlk(struct guest_fs *gfs, struct guest_file *f, u64 owner,
	       struct fuse_file_lock *lk)
{
	return fuse_lk(gfs, f, owner, lk, FUSE_GETLK);
}

/* Kernel: fuse_setlk(); @sleep is F_SETLKW. */
int fuse_setlk(struct guest_fs *gfs, struct guest_file *f, u64 owner,
	       const struct fuse_file_lock *lk, bool sleep)
{
	struct fuse_file_lock l = *lk;

	return fuse_lk(gfs, f, owner, &l, sleep ? FUSE_SETLKW : FUSE_SETLK);
}
