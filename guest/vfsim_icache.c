// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfsim_icache.c - vfsim's own (no kernel file): the lookup counts the
 * guest owes the device. The kernel keeps them in each inode
 * (fuse_inode->nlookup, raised by fuse_iget() and paid back by a FORGET
 * when the inode is evicted); vfsim has no inode cache, so a table sorted
 * by nodeid holds them, and guest_forget() is the eviction.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest/vfsim_internal.h"
#include "sim/trace/host.h"

/* Index of @nodeid in the sorted table, or where it would go. */
static unsigned int owed_find(const struct guest_fs *gfs, u64 nodeid)
{
	unsigned int lo = 0, hi = gfs->nr_owed;

	fp_touch(gfs);
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

	fp_touch(gfs);
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

	fp_touch(gfs);
	if (i < gfs->nr_owed && gfs->owed[i].nodeid == nodeid) {
		gfs->owed[i].nlookup++;
		return 0;
	}
	if (gfs->nr_owed == gfs->owed_cap) {
		unsigned int cap = gfs->owed_cap ? gfs->owed_cap * 2 : 16;
		struct guest_nlookup *n = NULL;

		if (!fault_hit("guest.nlookup", __func__))
			n = host_realloc(gfs->owed, cap * sizeof(*n));
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

/* Kernel: fuse_queue_forget() from fuse_evict_inode(), for @nlookup. */
int guest_forget(struct guest_fs *gfs, u64 nodeid, u64 nlookup)
{
	struct fuse_forget_link *forget;
	unsigned int i = owed_find(gfs, nodeid);
	u64 dev;

	fp_touch(gfs);
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
	fp_touch(gfs);
	while (gfs->nr_owed) {
		int err = guest_forget(gfs, gfs->owed[0].nodeid,
				       gfs->owed[0].nlookup);

		if (err)
			return err;
	}
	return 0;
}
