// SPDX-License-Identifier: GPL-2.0-only
/*
 * dir.c - twin of Linux fs/fuse/dir.c (mainline; functions in its order),
 * reduced to the requests virtio-fs scenarios send: LOOKUP, CREATE,
 * MKDIR, UNLINK, RMDIR, RENAME, GETATTR and SETATTR.
 *
 * Simplified: there are no dentries or inodes. Each function takes the
 * mount (struct guest_fs) and nodeids where the kernel takes inodes and
 * dentries, and returns the reply's entry or attributes where the kernel
 * would instantiate or update an inode. What fuse_iget() does to
 * fi->nlookup is guest_owe_lookup() (vfsim_icache.c), and requests go out
 * through guest_send(), which is fuse_simple_request() plus the restore
 * extension's nodeid map (identity until a restore; vfsim_restore.c).
 * Argument checks that the VFS makes before fuse sees a call are in the
 * syscall layer (vfsim_syscalls.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "guest/vfsim_internal.h"

/* Kernel: fuse_lookup_init(). */
void fuse_lookup_init(struct fuse_args *args, u64 nodeid, const char *name,
		      struct fuse_entry_out *outarg)
{
	memset(outarg, 0, sizeof(*outarg));
	memset(args, 0, sizeof(*args));
	args->opcode = FUSE_LOOKUP;
	args->nodeid = nodeid;
	args->in_numargs = 1;
	args->in_args[0].size = (unsigned int)strlen(name) + 1;
	args->in_args[0].value = name;
	args->out_numargs = 1;
	args->out_args[0].size = sizeof(*outarg);
	args->out_args[0].value = outarg;
}

/* Kernel: fuse_valid_type(): a file type the VFS can make an inode of. */
static bool fuse_valid_type(u32 m)
{
	return S_ISREG(m) || S_ISDIR(m) || S_ISLNK(m) || S_ISCHR(m) ||
	       S_ISBLK(m) || S_ISFIFO(m) || S_ISSOCK(m);
}

/* Kernel [6.1, mainline]: fuse_invalid_attr() (added by "fuse: verify
 * attributes", Linux 5.5): no valid file type, or a size loff_t cannot
 * hold. */
static bool fuse_invalid_attr(const struct fuse_attr *attr)
{
	return !fuse_valid_type(attr->mode) || attr->size > LLONG_MAX;
}

/*
 * Kernel: fuse_lookup_name(): LOOKUP, and owe the lookup it hands out.
 * 6.1 and mainline refuse an entry with invalid attributes with -EIO and,
 * as the kernel does, forget nothing: the lookup the server counted for
 * that entry is never paid back. The 5.4 core (v5-2019) took any
 * attributes.
 */
int fuse_lookup_name(struct guest_fs *gfs, u64 parent, const char *name,
		     struct fuse_entry_out *out)
{
	struct fuse_entry_out outarg;
	struct fuse_args args;
	int err;

	fuse_lookup_init(&args, parent, name, &outarg);
	err = (int)guest_send(gfs, &args);
	if (err)
		return err;
	/* a zero nodeid is a negative entry: nothing handed out */
	if (!outarg.nodeid)
		return -ENOENT;
	if (fuse_variant_in(gfs->fm->fc, VFS_V6_1 | VFS_MAINLINE)) {
		if (fuse_invalid_attr(&outarg.attr)) {
			TRACE(.kind = "fuse.bad_attr",
			      .func = "fuse_lookup_name", .opcode = FUSE_LOOKUP,
			      .detail = trace_fmt(
				      "nodeid %llu: mode 0%o size %llu: EIO",
				      (unsigned long long)outarg.nodeid,
				      outarg.attr.mode,
				      (unsigned long long)outarg.attr.size));
			return -EIO;
		}
	}
	err = guest_owe_lookup(gfs, outarg.nodeid, parent, name);
	if (err)
		return err;
	if (out)
		*out = outarg;
	return 0;
}

/* Kernel: fuse_create_open(): the new node must be a regular file, else
 * its handle is released, its lookup forgotten and the call fails. */
int fuse_create_open(struct guest_fs *gfs, u64 parent, const char *name,
		     u32 mode, u32 flags, struct fuse_entry_out *entry,
		     struct guest_file *f)
{
	struct fuse_create_in inarg;
	struct fuse_entry_out outentry;
	struct fuse_open_out outopen;
	struct fuse_args args;
	int err;

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
	guest_track_open(gfs, f);
	if (!err && (outentry.attr.mode & S_IFMT) != S_IFREG) {
		(void)guest_forget(gfs, outentry.nodeid, 1);
		err = -EIO;
	}
	if (err) {
		fuse_release_common(gfs, f, false);
		return err;
	}
	if (entry)
		*entry = outentry;
	return 0;
}

/* Kernel: create_new_entry() for MKDIR: the new node must be a directory,
 * else it is forgotten again and the call fails with EIO. */
int fuse_mkdir(struct guest_fs *gfs, u64 parent, const char *name, u32 mode,
	       struct fuse_entry_out *entry)
{
	struct fuse_mkdir_in inarg;
	struct fuse_entry_out outarg;
	struct fuse_args args;
	int err;

	memset(&inarg, 0, sizeof(inarg));
	memset(&outarg, 0, sizeof(outarg));
	memset(&args, 0, sizeof(args));
	inarg.mode = mode;
	inarg.umask = 022;
	args.opcode = FUSE_MKDIR;
	args.nodeid = parent;
	args.in_numargs = 2;
	args.in_args[0].size = sizeof(inarg);
	args.in_args[0].value = &inarg;
	args.in_args[1].size = (unsigned int)strlen(name) + 1;
	args.in_args[1].value = name;
	args.out_numargs = 1;
	args.out_args[0].size = sizeof(outarg);
	args.out_args[0].value = &outarg;
	err = (int)guest_send(gfs, &args);
	if (err)
		return err;
	if (!outarg.nodeid)
		return -EIO;
	err = guest_owe_lookup(gfs, outarg.nodeid, parent, name);
	if (err)
		return err;
	if ((outarg.attr.mode & S_IFMT) != S_IFDIR) {
		(void)guest_forget(gfs, outarg.nodeid, 1);
		return -EIO;
	}
	if (entry)
		*entry = outarg;
	return 0;
}

/* Kernel: fuse_unlink() / fuse_rmdir(): one name, no reply payload. */
static int fuse_remove(struct guest_fs *gfs, u32 opcode, u64 parent,
		       const char *name)
{
	struct fuse_args args;

	memset(&args, 0, sizeof(args));
	args.opcode = opcode;
	args.nodeid = parent;
	args.in_numargs = 1;
	args.in_args[0].size = (unsigned int)strlen(name) + 1;
	args.in_args[0].value = name;
	return (int)guest_send(gfs, &args);
}

/* Kernel: fuse_unlink(). */
int fuse_unlink(struct guest_fs *gfs, u64 parent, const char *name)
{
	return fuse_remove(gfs, FUSE_UNLINK, parent, name);
}

/* Kernel: fuse_rmdir(). */
int fuse_rmdir(struct guest_fs *gfs, u64 parent, const char *name)
{
	return fuse_remove(gfs, FUSE_RMDIR, parent, name);
}

/* Kernel: fuse_rename_common() with FUSE_RENAME (no flags). */
int fuse_rename_common(struct guest_fs *gfs, u64 olddir, const char *oldname,
		       u64 newdir, const char *newname)
{
	struct fuse_rename_in inarg;
	struct fuse_args args;
	int err;

	memset(&inarg, 0, sizeof(inarg));
	memset(&args, 0, sizeof(args));
	inarg.newdir = newdir;
	args.opcode = FUSE_RENAME;
	args.nodeid = olddir;
	args.in_numargs = 3;
	args.in_args[0].size = sizeof(inarg);
	args.in_args[0].value = &inarg;
	args.in_args[1].size = (unsigned int)strlen(oldname) + 1;
	args.in_args[1].value = oldname;
	args.in_args[2].size = (unsigned int)strlen(newname) + 1;
	args.in_args[2].value = newname;
	err = (int)guest_send(gfs, &args);
	if (!err)
		guest_track_rename(gfs, olddir, oldname, newdir, newname);
	return err;
}

/* Kernel: fuse_do_getattr(). */
int fuse_do_getattr(struct guest_fs *gfs, u64 nodeid, struct fuse_attr_out *out)
{
	struct fuse_getattr_in inarg;
	struct fuse_attr_out outarg;
	struct fuse_args args;
	int err;

	memset(&inarg, 0, sizeof(inarg));
	memset(&outarg, 0, sizeof(outarg));
	memset(&args, 0, sizeof(args));
	args.opcode = FUSE_GETATTR;
	args.nodeid = nodeid;
	args.in_numargs = 1;
	args.in_args[0].size = sizeof(inarg);
	args.in_args[0].value = &inarg;
	args.out_numargs = 1;
	args.out_args[0].size = sizeof(outarg);
	args.out_args[0].value = &outarg;
	err = (int)guest_send(gfs, &args);
	if (!err && out)
		*out = outarg;
	return err;
}

/* Kernel: fuse_do_setattr() (the request part). */
int fuse_do_setattr(struct guest_fs *gfs, u64 nodeid,
		    const struct fuse_setattr_in *in, struct fuse_attr_out *out)
{
	struct fuse_attr_out outarg;
	struct fuse_args args;
	int err;

	memset(&outarg, 0, sizeof(outarg));
	memset(&args, 0, sizeof(args));
	args.opcode = FUSE_SETATTR;
	args.nodeid = nodeid;
	args.in_numargs = 1;
	args.in_args[0].size = sizeof(*in);
	args.in_args[0].value = in;
	args.out_numargs = 1;
	args.out_args[0].size = sizeof(outarg);
	args.out_args[0].value = &outarg;
	err = (int)guest_send(gfs, &args);
	if (!err && out)
		*out = outarg;
	return err;
}
