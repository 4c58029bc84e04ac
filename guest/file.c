// SPDX-License-Identifier: GPL-2.0-only
/*
 * guest_vfs_file.c - the syscall-like API, open files half: OPEN/CREATE,
 * READ/WRITE through pages (fs/fuse/file.c), FLUSH, background RELEASE,
 * OPENDIR/READDIR/RELEASEDIR (fs/fuse/readdir.c), POSIX locks and the DAX
 * mapping requests (fs/fuse/dax.c).
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "guest/guest_vfs.h"
#include "guest/guest_vfs_internal.h"

static int guest_release_common(struct guest_fs *gfs, struct guest_file *f,
				bool isdir);

/* Kernel: fuse_send_open() + fuse_do_open(). */
static int guest_open_common(struct guest_fs *gfs, u64 nodeid, u32 flags,
			     bool isdir, struct guest_file *f)
{
	struct fuse_conn *fc = gfs->fm->fc;
	struct fuse_open_in inarg;
	struct fuse_open_out outarg;
	struct fuse_args args;
	int err;

	if (!f)
		return -EINVAL;
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
	if (guest_track_open(gfs, f)) {
		(void)guest_release_common(gfs, f, isdir);
		return -ENOMEM;
	}
	return 0;
}

int guest_open(struct guest_fs *gfs, u64 nodeid, u32 flags,
	       struct guest_file *f)
{
	return guest_open_common(gfs, nodeid, flags, false, f);
}

int guest_opendir(struct guest_fs *gfs, u64 nodeid, struct guest_file *f)
{
	return guest_open_common(gfs, nodeid, O_RDONLY | O_DIRECTORY, true, f);
}

/* Kernel: fuse_create_open(): the new node must be a regular file, else
 * its handle is released, its lookup forgotten and the call fails. */
int guest_create(struct guest_fs *gfs, u64 parent, const char *name, u32 mode,
		 u32 flags, struct fuse_entry_out *entry, struct guest_file *f)
{
	struct fuse_create_in inarg;
	struct fuse_entry_out outentry;
	struct fuse_open_out outopen;
	struct fuse_args args;
	int err = guest_check_name(name);

	if (!err && !f)
		err = -EINVAL;
	if (err)
		return err;
	memset(&inarg, 0, sizeof(inarg));
	memset(&outentry, 0, sizeof(outentry));
	memset(&outopen, 0, sizeof(outopen));
	memset(&args, 0, sizeof(args));
	inarg.flags = flags & ~(u32)O_NOCTTY;
	inarg.mode = mode;
	inarg.umask = 022;
	args.opcode = FUSE_CREATE;
	args.nodeid = parent;
	args.in_numargs = 2;
	args.in_args[0].size = sizeof(inarg);
	args.in_args[0].value = &inarg;
	args.in_args[1].size = (unsigned int)strlen(name) + 1;
	args.in_args[1].value = name;
	args.out_numargs = 2;
	args.out_args[0].size = sizeof(outentry);
	args.out_args[0].value = &outentry;
	args.out_args[1].size = sizeof(outopen);
	args.out_args[1].value = &outopen;
	err = (int)guest_send(gfs, &args);
	if (err)
		return err;
	if (!outentry.nodeid)
		return -EIO;
	err = guest_owe_lookup(gfs, outentry.nodeid, parent, name);
	f->nodeid = outentry.nodeid;
	f->fh = outopen.fh;
	f->open_flags = outopen.open_flags;
	f->flags = inarg.flags;
	f->isdir = false;
	if (guest_track_open(gfs, f)) {
		if (!err)
			(void)guest_forget(gfs, outentry.nodeid, 1);
		err = -ENOMEM;
	}
	if (!err && (outentry.attr.mode & S_IFMT) != S_IFREG) {
		(void)guest_forget(gfs, outentry.nodeid, 1);
		err = -EIO;
	}
	if (err) {
		guest_release(gfs, f);
		return err;
	}
	if (entry)
		*entry = outentry;
	return 0;
}

/* The pages of one READ/WRITE/READDIR: kernel fuse_io_alloc() shape. */
static int guest_pages_alloc(struct fuse_args_pages *ap, size_t bytes)
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

static void guest_pages_free(struct fuse_args_pages *ap)
{
	unsigned int i;

	for (i = 0; i < ap->num_pages; i++)
		__free_page(ap->pages[i]);
	kfree(ap->pages);
	kfree(ap->descs);
}

/* Copy between a flat buffer and the pages (to_pages: into them). */
static void guest_pages_copy(struct fuse_args_pages *ap, void *buf,
			     size_t bytes, bool to_pages)
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
static ssize_t guest_read_one(struct guest_fs *gfs, struct guest_file *f,
			      u64 off, void *buf, size_t count)
{
	struct fuse_args_pages ap;
	struct fuse_read_in inarg;
	ssize_t ret;

	if (guest_pages_alloc(&ap, count))
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
		guest_pages_copy(&ap, buf, (size_t)ret, false);
	guest_pages_free(&ap);
	return ret;
}

/* One request's worth of bytes: the page limit and @cap. */
static size_t guest_chunk(struct fuse_conn *fc, size_t cap)
{
	size_t max = (size_t)fc->max_pages * PAGE_SIZE;

	return cap < max ? cap : max;
}

ssize_t guest_read(struct guest_fs *gfs, struct guest_file *f, u64 off,
		   void *buf, size_t count)
{
	size_t chunk, done = 0;

	if (!f || f->isdir || (!buf && count))
		return -EINVAL;
	chunk = guest_chunk(gfs->fm->fc, gfs->fm->fc->max_read);
	while (done < count) {
		size_t n = count - done < chunk ? count - done : chunk;
		ssize_t ret = guest_read_one(gfs, f, off + done,
					     (char *)buf + done, n);

		if (ret < 0)
			return done ? (ssize_t)done : ret;
		done += (size_t)ret;
		if ((size_t)ret < n)
			break;
	}
	return (ssize_t)done;
}

/* Kernel: fuse_write_args_fill() + fuse_send_write_pages(): one WRITE. */
static ssize_t guest_write_one(struct guest_fs *gfs, struct guest_file *f,
			       u64 off, const void *buf, size_t count)
{
	struct fuse_args_pages ap;
	struct fuse_write_in inarg;
	struct fuse_write_out outarg;
	ssize_t ret;

	if (guest_pages_alloc(&ap, count))
		return -ENOMEM;
	guest_pages_copy(&ap, (void *)buf, count, true);
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
	guest_pages_free(&ap);
	if (ret)
		return ret;
	/* the server cannot have written more than it got */
	if (outarg.size > count)
		return -EIO;
	return outarg.size;
}

ssize_t guest_write(struct guest_fs *gfs, struct guest_file *f, u64 off,
		    const void *buf, size_t count)
{
	size_t chunk, done = 0;

	if (!f || f->isdir || (!buf && count))
		return -EINVAL;
	chunk = guest_chunk(gfs->fm->fc, gfs->fm->fc->max_write);
	while (done < count) {
		size_t n = count - done < chunk ? count - done : chunk;
		ssize_t ret = guest_write_one(gfs, f, off + done,
					      (const char *)buf + done, n);

		if (ret < 0)
			return done ? (ssize_t)done : ret;
		done += (size_t)ret;
		if ((size_t)ret < n)
			break;
	}
	return (ssize_t)done;
}

/* Kernel: fuse_flush(). */
int guest_flush(struct guest_fs *gfs, struct guest_file *f, u64 lock_owner)
{
	struct fuse_conn *fc = gfs->fm->fc;
	struct fuse_flush_in inarg;
	struct fuse_args args;
	int err;

	if (!f || f->isdir)
		return -EINVAL;
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

/* Kernel: struct fuse_release_args: lives until the background end. */
struct guest_release_args {
	struct fuse_args args;
	struct fuse_release_in inarg;
	struct guest_fs *gfs;
};

/* Kernel: fuse_release_end(). */
static void guest_release_end(struct fuse_mount *fm, struct fuse_args *args,
			      int error)
{
	struct guest_release_args *ra =
		container_of(args, struct guest_release_args, args);
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
static int guest_release_common(struct guest_fs *gfs, struct guest_file *f,
				bool isdir)
{
	struct guest_release_args *ra;
	u64 fh = f ? f->fh : 0;

	if (!f || f->isdir != isdir)
		return -EINVAL;
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
	ra->args.end = guest_release_end;
	gfs->nr_releasing++;
	if (fuse_simple_background(gfs->fm, &ra->args,
				   GFP_KERNEL | __GFP_NOFAIL))
		guest_release_end(gfs->fm, &ra->args, -ENOTCONN);
	return 0;
}

int guest_release(struct guest_fs *gfs, struct guest_file *f)
{
	return guest_release_common(gfs, f, false);
}

int guest_releasedir(struct guest_fs *gfs, struct guest_file *f)
{
	return guest_release_common(gfs, f, true);
}

void guest_wait_releases(struct guest_fs *gfs)
{
	wait_event(gfs->release_wq, gfs->nr_releasing == 0);
}
