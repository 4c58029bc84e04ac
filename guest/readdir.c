// SPDX-License-Identifier: GPL-2.0-only
/*
 * readdir.c - twin of Linux fs/fuse/readdir.c, reduced to the uncached
 * READDIR path: one page per request, each reply parsed entry by entry.
 * Simplified: there is no dir_context; entries go to a filler callback,
 * and the whole directory is read from @offset to its end in one call.
 */
#include <errno.h>
#include <string.h>

#include "guest/vfsim_internal.h"

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
int fuse_readdir_uncached(struct guest_fs *gfs, struct guest_file *f,
			  u64 offset, guest_filldir_t filler, void *ctx)
{
	struct page *page;
	struct fuse_page_desc desc = { .length = PAGE_SIZE, .offset = 0 };
	bool stop = false;
	int total = 0;

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
