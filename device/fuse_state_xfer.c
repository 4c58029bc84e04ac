// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_state_xfer.c - the back end's end of the state channel
 * (SET_DEVICE_STATE_FD / CHECK_DEVICE_STATE) and the shared-tree copy a
 * destination starts from.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "device/fuse_state_internal.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

struct tree_ctx {
	struct memfs *src, *dst;
};

/* the copy keeps every nodeid */
static u64 same_ino(void *arg, u64 ino)
{
	(void)arg;
	return ino;
}

static int tree_inode(void *arg, const struct memfs_inode_info *in)
{
	struct tree_ctx *c = arg;
	struct memfs_inode_info copy = *in;

	if (in->nodeid != MEMFS_ROOT_ID && !in->parent)
		return 0; /* nameless: session state, not the tree */
	copy.nlookup = 0;
	copy.npin = 0;
	return memfs_restore_inode(c->dst, &copy);
}

static int tree_content(void *arg, const struct memfs_inode_info *in)
{
	struct tree_ctx *c = arg;

	if (in->nodeid != MEMFS_ROOT_ID && !in->parent)
		return 0;
	if ((in->attr.mode & 0170000) == 0040000)
		return memfs_copy_dirents(c->dst, in->nodeid, c->src,
					  in->nodeid, same_ino, NULL);
	return memfs_share_pages(c->dst, in->nodeid, c->src, in->nodeid);
}

int fuse_state_copy_tree(struct fuse_server *dst, struct fuse_server *src)
{
	struct fuse_server_config a, b;
	struct tree_ctx c;
	struct memfs_counters mc;
	struct memfs_stats st;
	int err;

	if (!dst || !src || dst == src)
		return -EINVAL;
	fuse_server_get_config(dst, &a);
	fuse_server_get_config(src, &b);
	if (a.max_inodes != b.max_inodes || a.max_file_size != b.max_file_size)
		return -EXDEV;
	c.src = fuse_server_fs(src);
	c.dst = fuse_server_fs(dst);
	memfs_get_stats(c.dst, &st);
	if (st.inodes != 1 || st.handles || fuse_server_initialized(dst))
		return -EBUSY;
	err = memfs_for_each_inode(c.src, tree_inode, &c);
	if (!err)
		err = memfs_for_each_inode(c.src, tree_content, &c);
	if (err)
		return err;
	memfs_get_counters(c.src, &mc);
	return memfs_set_counters(c.dst, &mc);
}

static int send_state(struct fuse_state_transfer *t)
{
	void *buf;
	size_t len, off = 0;
	int err = fuse_state_save(t->srv, &buf, &len);

	if (err)
		return err;
	while (off < len) {
		size_t n = len - off;
		ssize_t w;

		if (t->write_size && n > t->write_size)
			n = t->write_size;
		w = pipe_write(t->pipe, (u8 *)buf + off, n);
		if (w < 0) {
			err = (int)w;
			break;
		}
		off += n;
		t->bytes = off;
	}
	host_free(buf);
	return err;
}

static int receive_state(struct fuse_state_transfer *t)
{
	size_t max = t->max_size ? t->max_size : FUSE_STATE_MAX_SIZE;
	size_t cap = 0, len = 0;
	u8 *buf = NULL;
	int err = 0;

	for (;;) {
		ssize_t n;

		if (len == cap) {
			cap = cap ? 2 * cap : 64 * 1024;
			buf = host_realloc(buf, cap);
		}
		n = pipe_read(t->pipe, buf + len, cap - len);
		if (n <= 0) {
			err = (int)n;
			break;
		}
		len += (size_t)n;
		t->bytes = len;
		if (len > max) {
			err = -EFBIG;
			break;
		}
	}
	/* Whatever happened, the front end must not block on us. */
	pipe_close_read(t->pipe);
	if (!err)
		err = fuse_state_load(t->srv, buf, len, t->policy, &t->report);
	host_free(buf);
	return err;
}

int fuse_state_transfer_task(void *arg)
{
	struct fuse_state_transfer *t = arg;
	int err;

	if (t->dir == FUSE_STATE_DIR_SAVE) {
		err = send_state(t);
		pipe_close_write(t->pipe);
	} else {
		err = receive_state(t);
	}
	t->result = err;
	t->done = true;
	TRACE(.kind = "state.transfer", .func = "fuse_state_transfer_task",
	      .detail =
		      trace_fmt("%s %zu bytes: %d",
				t->dir == FUSE_STATE_DIR_SAVE ? "save" : "load",
				t->bytes, err));
	return err;
}

int fuse_state_check(const struct fuse_state_transfer *t)
{
	return t->done ? t->result : -EINPROGRESS;
}
