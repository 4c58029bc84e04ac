// SPDX-License-Identifier: GPL-2.0-only
/*
 * guest_vfs.c - the syscall-like API, name space half: the lookup-count
 * table (the kernel's inode->nlookup), LOOKUP/FORGET, attributes and the
 * directory operations (fs/fuse/dir.c). Files, directories' contents,
 * locks and DAX are in guest_vfs_file.c.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "guest/guest_vfs.h"
#include "guest/guest_vfs_internal.h"

void guest_fs_init(struct guest_fs *gfs, struct super_block *sb)
{
	assert(sb && sb->s_fs_info);
	memset(gfs, 0, sizeof(*gfs));
	gfs->sb = sb;
	gfs->fm = get_fuse_mount_super(sb);
	init_waitqueue_head(&gfs->release_wq);
	init_waitqueue_head(&gfs->restore_wq);
}

void guest_fs_exit(struct guest_fs *gfs)
{
	guest_track_exit(gfs);
	free(gfs->owed);
	gfs->owed = NULL;
	gfs->nr_owed = gfs->owed_cap = 0;
}

/* Index of @nodeid in the sorted table, or where it would go. */
static unsigned int owed_find(const struct guest_fs *gfs, u64 nodeid)
{
	unsigned int lo = 0, hi = gfs->nr_owed;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (gfs->owed[mid].nodeid < nodeid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

u64 guest_nlookup(const struct guest_fs *gfs, u64 nodeid)
{
	unsigned int i = owed_find(gfs, nodeid);

	return i < gfs->nr_owed && gfs->owed[i].nodeid == nodeid ?
		       gfs->owed[i].nlookup :
		       0;
}

u64 guest_nlookup_total(const struct guest_fs *gfs)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < gfs->nr_owed; i++)
		sum += gfs->owed[i].nlookup;
	return sum;
}

/*
 * One more lookup of @nodeid is owed (kernel: fi->nlookup++ in
 * fuse_iget()). When the table cannot grow the lookup is paid back at once
 * with a FORGET, as the kernel does when it cannot make the inode.
 */
int guest_owe_lookup(struct guest_fs *gfs, u64 nodeid, u64 parent,
		     const char *name)
{
	unsigned int i = owed_find(gfs, nodeid);

	if (i < gfs->nr_owed && gfs->owed[i].nodeid == nodeid) {
		gfs->owed[i].nlookup++;
		return 0;
	}
	if (gfs->nr_owed == gfs->owed_cap) {
		unsigned int cap = gfs->owed_cap ? gfs->owed_cap * 2 : 16;
		struct guest_nlookup *n = NULL;

		if (!fault_hit("guest.nlookup", __func__))
			n = realloc(gfs->owed, cap * sizeof(*n));
		if (!n) {
			struct fuse_forget_link *forget = fuse_alloc_forget();

			if (forget)
				fuse_queue_forget(gfs->fm->fc, forget, nodeid,
						  1);
			return -ENOMEM;
		}
		gfs->owed = n;
		gfs->owed_cap = cap;
	}
	memmove(&gfs->owed[i + 1], &gfs->owed[i],
		(gfs->nr_owed - i) * sizeof(gfs->owed[0]));
	gfs->owed[i].nodeid = nodeid;
	gfs->owed[i].nlookup = 1;
	gfs->owed[i].dev = nodeid;
	gfs->owed[i].parent = parent;
	snprintf(gfs->owed[i].name, sizeof(gfs->owed[i].name), "%s", name);
	gfs->nr_owed++;
	return 0;
}

/* Drop @nlookup owed lookups of the entry at @i (removing it at zero). */
static void owed_drop(struct guest_fs *gfs, unsigned int i, u64 nlookup)
{
	assert(gfs->owed[i].nlookup >= nlookup);
	gfs->owed[i].nlookup -= nlookup;
	if (!gfs->owed[i].nlookup) {
		memmove(&gfs->owed[i], &gfs->owed[i + 1],
			(gfs->nr_owed - i - 1) * sizeof(gfs->owed[0]));
		gfs->nr_owed--;
	}
}

int guest_check_name(const char *name)
{
	size_t len;

	if (!name)
		return -EINVAL;
	len = strnlen(name, FUSE_PROTO_NAME_MAX + 1);
	if (len == 0 || len > FUSE_PROTO_NAME_MAX)
		return -EINVAL;
	return 0;
}

/* Kernel: fuse_queue_forget() from fuse_evict_inode(), for @nlookup. */
int guest_forget(struct guest_fs *gfs, u64 nodeid, u64 nlookup)
{
	struct fuse_forget_link *forget;
	unsigned int i = owed_find(gfs, nodeid);
	u64 dev;

	if (!nlookup)
		return -EINVAL;
	if (i >= gfs->nr_owed || gfs->owed[i].nodeid != nodeid)
		return -ENOENT;
	if (nlookup > gfs->owed[i].nlookup)
		return -ERANGE;
	dev = gfs->owed[i].dev;
	if (!dev || gfs->broken) {
		/* a restore lost it: the device owes nothing */
		owed_drop(gfs, i, nlookup);
		return 0;
	}
	forget = fuse_alloc_forget();
	if (!forget)
		return -ENOMEM;
	owed_drop(gfs, i, nlookup);
	guest_restore_wait(gfs);
	fuse_queue_forget(gfs->fm->fc, forget, dev, nlookup);
	return 0;
}

/* Like dropping the inode cache: evict every inode, FORGET each. */
int guest_forget_all(struct guest_fs *gfs)
{
	while (gfs->nr_owed) {
		int err = guest_forget(gfs, gfs->owed[0].nodeid,
				       gfs->owed[0].nlookup);

		if (err)
			return err;
	}
	return 0;
}

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

/* Kernel: fuse_lookup_name(): LOOKUP, and owe the lookup it hands out. */
int guest_lookup(struct guest_fs *gfs, u64 parent, const char *name,
		 struct fuse_entry_out *out)
{
	struct fuse_entry_out outarg;
	struct fuse_args args;
	int err = guest_check_name(name);

	if (err)
		return err;
	fuse_lookup_init(&args, parent, name, &outarg);
	err = (int)guest_send(gfs, &args);
	if (err)
		return err;
	/* a zero nodeid is a negative entry: nothing handed out */
	if (!outarg.nodeid)
		return -ENOENT;
	err = guest_owe_lookup(gfs, outarg.nodeid, parent, name);
	if (err)
		return err;
	if (out)
		*out = outarg;
	return 0;
}

/* Kernel: fuse_do_getattr(). */
int guest_getattr(struct guest_fs *gfs, u64 nodeid, struct fuse_attr_out *out)
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
int guest_setattr(struct guest_fs *gfs, u64 nodeid,
		  const struct fuse_setattr_in *in, struct fuse_attr_out *out)
{
	struct fuse_attr_out outarg;
	struct fuse_args args;
	int err;

	if (!in)
		return -EINVAL;
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

/* Kernel: create_new_entry() for MKDIR: the new node must be a directory,
 * else it is forgotten again and the call fails with EIO. */
int guest_mkdir(struct guest_fs *gfs, u64 parent, const char *name, u32 mode,
		struct fuse_entry_out *entry)
{
	struct fuse_mkdir_in inarg;
	struct fuse_entry_out outarg;
	struct fuse_args args;
	int err = guest_check_name(name);

	if (err)
		return err;
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
static int guest_remove(struct guest_fs *gfs, u32 opcode, u64 parent,
			const char *name)
{
	struct fuse_args args;
	int err = guest_check_name(name);

	if (err)
		return err;
	memset(&args, 0, sizeof(args));
	args.opcode = opcode;
	args.nodeid = parent;
	args.in_numargs = 1;
	args.in_args[0].size = (unsigned int)strlen(name) + 1;
	args.in_args[0].value = name;
	return (int)guest_send(gfs, &args);
}

int guest_unlink(struct guest_fs *gfs, u64 parent, const char *name)
{
	return guest_remove(gfs, FUSE_UNLINK, parent, name);
}

int guest_rmdir(struct guest_fs *gfs, u64 parent, const char *name)
{
	return guest_remove(gfs, FUSE_RMDIR, parent, name);
}

/* Kernel: fuse_rename_common() with FUSE_RENAME (no flags). */
int guest_rename(struct guest_fs *gfs, u64 olddir, const char *oldname,
		 u64 newdir, const char *newname)
{
	struct fuse_rename_in inarg;
	struct fuse_args args;
	int err = guest_check_name(oldname);

	if (!err)
		err = guest_check_name(newname);
	if (err)
		return err;
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
