// SPDX-License-Identifier: GPL-2.0-only
/*
 * scripted_dev_fuse.c - the scripted device's tiny fake FUSE server: nodes,
 * names and lookup counts, and the default reply to every request the
 * script does not answer itself.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace/trace.h"
#include "tests/guest/scripted_dev.h"
#include "tests/guest/scripted_dev_internal.h"

/* --- the fake server's nodes and names ---------------------------------- */

/* Guarantees: on success nodes[nodeid] exists (zeroed when new). */
struct sdev_node *sdev_node_get(struct sdev *d, u64 nodeid)
{
	if (nodeid >= d->nr_nodes) {
		u64 n = d->nr_nodes ? d->nr_nodes : 16;
		struct sdev_node *nn;

		while (n <= nodeid)
			n *= 2;
		nn = realloc(d->nodes, n * sizeof(*nn));
		if (!nn)
			return NULL;
		memset(nn + d->nr_nodes, 0, (n - d->nr_nodes) * sizeof(*nn));
		d->nodes = nn;
		d->nr_nodes = n;
	}
	return &d->nodes[nodeid];
}

static u64 node_new(struct sdev *d, bool dir)
{
	u64 id = d->next_nodeid;
	struct sdev_node *n = sdev_node_get(d, id);

	if (!n)
		return 0;
	d->next_nodeid++;
	n->used = true;
	n->dir = dir;
	return id;
}

static struct sdev_name *name_find(struct sdev *d, u64 parent, const char *nm)
{
	for (unsigned int i = 0; i < d->nr_names; i++)
		if (d->names[i].parent == parent &&
		    !strncmp(d->names[i].name, nm,
			     sizeof(d->names[i].name) - 1))
			return &d->names[i];
	return NULL;
}

static int name_add(struct sdev *d, u64 parent, const char *nm, u64 nodeid)
{
	struct sdev_name *nn =
		realloc(d->names, (d->nr_names + 1) * sizeof(*nn));

	if (!nn)
		return -ENOMEM;
	d->names = nn;
	nn = &d->names[d->nr_names++];
	memset(nn, 0, sizeof(*nn));
	nn->parent = parent;
	nn->nodeid = nodeid;
	snprintf(nn->name, sizeof(nn->name), "%s", nm);
	return 0;
}

static void name_del(struct sdev *d, struct sdev_name *nm)
{
	*nm = d->names[--d->nr_names];
}

static void forget(struct sdev *d, u64 nodeid, u64 nlookup)
{
	struct sdev_node *n = nodeid < d->nr_nodes ? &d->nodes[nodeid] : NULL;

	if (!n || !n->used || n->lookups < (s64)nlookup) {
		d->forget_underflows++;
		TRACE(.kind = "sdev.forget_underflow", .func = "sdev_forget",
		      .detail = trace_fmt("node %llu has %lld, forget %llu",
					  (unsigned long long)nodeid,
					  n ? (long long)n->lookups : 0LL,
					  (unsigned long long)nlookup));
		if (!n || !n->used)
			return;
	}
	n->lookups -= (s64)nlookup;
}

s64 sdev_lookup_count(const struct sdev *d, u64 nodeid)
{
	return nodeid < d->nr_nodes ? d->nodes[nodeid].lookups : 0;
}

s64 sdev_total_lookups(const struct sdev *d)
{
	s64 sum = 0;

	for (u64 i = 0; i < d->nr_nodes; i++)
		sum += d->nodes[i].lookups;
	return sum;
}

/* --- default responder --------------------------------------------------- */

static void fill_attr(struct sdev *d, u64 nodeid, struct fuse_attr *a)
{
	bool dir = nodeid == FUSE_ROOT_ID ||
		   (nodeid < d->nr_nodes && d->nodes[nodeid].dir);

	memset(a, 0, sizeof(*a));
	a->ino = nodeid;
	a->mode = dir ? (S_IFDIR | 0755) : (S_IFREG | 0644);
	a->nlink = dir ? 2 : 1;
	a->size = dir ? 4096 : d->cfg.file_size;
	a->blocks = (a->size + 511) / 512;
	a->blksize = 4096;
}

/* An entry_out for a node that just gained one lookup. */
static void fill_entry(struct sdev *d, u64 nodeid, struct fuse_entry_out *e)
{
	memset(e, 0, sizeof(*e));
	e->nodeid = nodeid;
	e->entry_valid = 1;
	e->attr_valid = 1;
	fill_attr(d, nodeid, &e->attr);
	d->nodes[nodeid].lookups++;
}

static u32 build(void *reply, u32 cap, u64 unique,
		 const struct fuse_proto_in_arg *parts, unsigned int n)
{
	size_t len = sizeof(struct fuse_out_header);
	ssize_t ret;

	for (unsigned int i = 0; i < n; i++)
		len += parts[i].size;
	if (len > cap)
		return (u32)len;
	ret = fuse_proto_build_reply(reply, cap, unique, parts, n);
	assert(ret == (ssize_t)len);
	return (u32)ret;
}

u32 sdev_build_error(void *reply, u32 cap, u64 unique, int error)
{
	struct fuse_out_header oh = { .len = sizeof(oh),
				      .error = error,
				      .unique = unique };

	if (cap >= sizeof(oh))
		memcpy(reply, &oh, sizeof(oh));
	return sizeof(oh);
}

static u32 reply_init(struct sdev *d, const struct sdev_req *rec,
		      const struct fuse_proto_req *req, void *reply, u32 cap)
{
	struct fuse_init_in in = { 0 };
	struct fuse_init_out out = { 0 };
	u64 want;

	memcpy(&in, req->arg,
	       req->arg_size < sizeof(in) ? req->arg_size : sizeof(in));
	if (in.major != FUSE_KERNEL_VERSION)
		return sdev_build_error(reply, cap, rec->unique, -EPROTO);
	want = in.flags;
	if (in.flags & FUSE_INIT_EXT)
		want |= (u64)in.flags2 << 32;
	want &= d->cfg.init_flags;
	out.major = FUSE_KERNEL_VERSION;
	out.minor = in.minor < d->cfg.minor ? in.minor : d->cfg.minor;
	out.max_readahead = in.max_readahead;
	out.flags = (u32)want;
	out.flags2 = (u32)(want >> 32);
	out.max_background = 16;
	out.congestion_threshold = 12;
	out.max_write = d->cfg.max_write;
	out.time_gran = 1;
	out.max_pages = 32;
	out.map_alignment = 12;
	if (want & FUSE_REQUEST_TIMEOUT)
		out.request_timeout = d->cfg.request_timeout;
	d->init_minor = out.minor;
	return build(reply, cap, rec->unique,
		     &(struct fuse_proto_in_arg){ sizeof(out), &out }, 1);
}

static u32 reply_entry(struct sdev *d, const struct sdev_req *rec,
		       const struct fuse_proto_req *req, void *reply, u32 cap)
{
	struct sdev_name *nm = name_find(d, rec->nodeid, req->name);
	struct fuse_proto_in_arg parts[2];
	struct fuse_entry_out e;
	struct fuse_open_out o = { 0 };
	u64 id;

	if (nm && rec->opcode != FUSE_LOOKUP)
		return sdev_build_error(reply, cap, rec->unique, -EEXIST);
	id = nm ? nm->nodeid : node_new(d, rec->opcode == FUSE_MKDIR);
	if (!id || (!nm && name_add(d, rec->nodeid, req->name, id)))
		return sdev_build_error(reply, cap, rec->unique, -ENOMEM);
	fill_entry(d, id, &e);
	parts[0] = (struct fuse_proto_in_arg){ sizeof(e), &e };
	if (rec->opcode != FUSE_CREATE)
		return build(reply, cap, rec->unique, parts, 1);
	o.fh = d->next_fh++;
	parts[1] = (struct fuse_proto_in_arg){ sizeof(o), &o };
	return build(reply, cap, rec->unique, parts, 2);
}

static u32 reply_read(struct sdev *d, const struct sdev_req *rec,
		      const struct fuse_proto_req *req, void *reply, u32 cap)
{
	struct fuse_read_in in;
	u64 n = 0;
	u8 *data;
	u32 len;

	memcpy(&in, req->arg, sizeof(in));
	if (in.offset < d->cfg.file_size)
		n = d->cfg.file_size - in.offset;
	if (n > in.size)
		n = in.size;
	data = malloc(n ? n : 1);
	if (!data)
		return sdev_build_error(reply, cap, rec->unique, -ENOMEM);
	for (u64 i = 0; i < n; i++)
		data[i] = sdev_pattern_byte(rec->nodeid, in.offset + i);
	len = build(reply, cap, rec->unique,
		    &(struct fuse_proto_in_arg){ (u32)n, data }, 1);
	free(data);
	return len;
}

static u32 reply_names(struct sdev *d, const struct sdev_req *rec,
		       const struct fuse_proto_req *req, void *reply, u32 cap)
{
	struct sdev_name *nm = name_find(d, rec->nodeid, req->name);

	if (rec->opcode == FUSE_RENAME && nm) {
		struct fuse_rename_in in;
		struct sdev_name *old;
		u64 id = nm->nodeid;

		memcpy(&in, req->arg, sizeof(in));
		name_del(d, nm);
		old = name_find(d, in.newdir, req->name2);
		if (old)
			name_del(d, old);
		if (name_add(d, in.newdir, req->name2, id))
			return sdev_build_error(reply, cap, rec->unique,
						-ENOMEM);
	} else if (nm && rec->opcode != FUSE_RENAME) {
		name_del(d, nm);
	}
	return sdev_build_error(reply, cap, rec->unique, 0);
}

u32 sdev_default_reply(struct sdev *d, const struct sdev_req *rec,
		       const struct fuse_proto_req *req, void *reply, u32 cap)
{
	union {
		struct fuse_attr_out attr;
		struct fuse_open_out open;
		struct fuse_write_out write;
		struct fuse_lk_out lk;
	} u;
	u32 size = 0;

	memset(&u, 0, sizeof(u));
	if (!req)
		return sdev_build_error(reply, cap, rec->unique,
					rec->parse_err == -ENOSYS ? -ENOSYS :
								    -EIO);
	switch (rec->opcode) {
	case FUSE_INIT:
		return reply_init(d, rec, req, reply, cap);
	case FUSE_FORGET: {
		struct fuse_forget_in in;

		memcpy(&in, req->arg, sizeof(in));
		forget(d, rec->nodeid, in.nlookup);
		return 0;
	}
	case FUSE_BATCH_FORGET:
		for (u32 i = 0; i < req->count; i++) {
			struct fuse_forget_one one;

			memcpy(&one, (const u8 *)req->payload + i * sizeof(one),
			       sizeof(one));
			forget(d, one.nodeid, one.nlookup);
		}
		return 0;
	case FUSE_LOOKUP:
	case FUSE_MKDIR:
	case FUSE_CREATE:
		return reply_entry(d, rec, req, reply, cap);
	case FUSE_UNLINK:
	case FUSE_RMDIR:
	case FUSE_RENAME:
		return reply_names(d, rec, req, reply, cap);
	case FUSE_DESTROY:
	case FUSE_FLUSH:
	case FUSE_RELEASE:
	case FUSE_RELEASEDIR:
	case FUSE_SETLK:
	case FUSE_SETLKW:
		return sdev_build_error(reply, cap, rec->unique, 0);
	case FUSE_GETATTR:
	case FUSE_SETATTR:
		u.attr.attr_valid = 1;
		fill_attr(d, rec->nodeid, &u.attr.attr);
		size = sizeof(u.attr);
		break;
	case FUSE_OPEN:
	case FUSE_OPENDIR:
		u.open.fh = d->next_fh++;
		size = sizeof(u.open);
		break;
	case FUSE_READ:
		return reply_read(d, rec, req, reply, cap);
	case FUSE_WRITE:
		u.write.size = (u32)req->payload_size;
		size = sizeof(u.write);
		break;
	case FUSE_READDIR:
		return build(reply, cap, rec->unique, NULL, 0);
	case FUSE_GETLK:
		u.lk.lk.type = F_UNLCK;
		size = sizeof(u.lk);
		break;
	default:
		return sdev_build_error(reply, cap, rec->unique, -ENOSYS);
	}
	return build(reply, cap, rec->unique,
		     &(struct fuse_proto_in_arg){ size, &u }, 1);
}

u8 sdev_pattern_byte(u64 nodeid, u64 off)
{
	return (u8)(off * 7 + nodeid * 13 + (off >> 8) + 1);
}
