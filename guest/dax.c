// SPDX-License-Identifier: GPL-2.0-only
/*
 * dax.c - twin of Linux fs/fuse/dax.c, reduced to the two requests that
 * manage the DAX window (SETUPMAPPING, REMOVEMAPPING) and the INIT check
 * of the window's alignment. Simplified: there is no mapping tree or
 * reclaim; a scenario asks for each mapping itself.
 */
#include <errno.h>
#include <string.h>

#include "guest/vfsim_internal.h"

/* Kernel: fuse_dax_check_alignment(): a DAX mount cannot map in units
 * larger than its ranges. */
bool fuse_dax_check_alignment(struct fuse_conn *fc, unsigned int map_alignment)
{
	if (fc->dax && map_alignment > FUSE_DAX_SHIFT) {
		TRACE(.kind = "fuse.init", .func = "fuse_dax_check_alignment",
		      .detail = "map alignment larger than the DAX range");
		return false;
	}
	return true;
}

/* Kernel: fuse_setup_one_mapping(). */
int fuse_setup_one_mapping(struct guest_fs *gfs, struct guest_file *f,
			   u64 foffset, u64 len, u64 moffset, u64 flags)
{
	struct fuse_setupmapping_in inarg;
	struct fuse_args args;

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
int fuse_send_removemapping(struct guest_fs *gfs, u64 nodeid, u64 moffset,
			    u64 len)
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
