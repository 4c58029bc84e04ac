// SPDX-License-Identifier: GPL-2.0-only
/*
 * scripted_dev.c - a minimal scripted virtio-fs device for guest tests:
 * transport backend, device task, script and a tiny fake FUSE server.
 */
#include "tests/guest/scripted_dev.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/sched.h"
#include "sim/task.h"
#include "sim/trace.h"

static const char *const action_names[] = {
	[SDEV_ACT_DEFAULT] = "default",
	[SDEV_ACT_ERROR] = "error",
	[SDEV_ACT_HOLD] = "hold",
	[SDEV_ACT_DELAY] = "delay",
	[SDEV_ACT_BAD_LEN] = "bad_len",
	[SDEV_ACT_BAD_UNIQUE] = "bad_unique",
	[SDEV_ACT_USED_LEN] = "used_len",
	[SDEV_ACT_ERROR_WITH_PAYLOAD] = "error_with_payload",
	[SDEV_ACT_BAD_ERRNO] = "bad_errno",
	[SDEV_ACT_DROP] = "drop",
	[SDEV_ACT_CUSTOM] = "custom",
};

const char *sdev_action_name(enum sdev_action_kind kind)
{
	return (unsigned int)kind < ARRAY_SIZE(action_names) ?
		       action_names[kind] :
		       "?";
}

void sdev_config_init(struct sdev_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	memcpy(cfg->tag, "vfsim", 5);
	cfg->num_request_queues = 1;
	cfg->queue_size = 64;
	cfg->minor = FUSE_KERNEL_MINOR_VERSION;
	cfg->max_write = 128 * 1024;
	cfg->init_flags = ~0ULL;
	cfg->file_size = 1 << 20;
}

u8 sdev_pattern_byte(u64 nodeid, u64 off)
{
	return (u8)(off * 7 + nodeid * 13 + (off >> 8) + 1);
}

/* --- the fake server's nodes and names ---------------------------------- */

/* Guarantees: on success nodes[nodeid] exists (zeroed when new). */
static struct sdev_node *node_get(struct sdev *d, u64 nodeid)
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
	struct sdev_node *n = node_get(d, id);

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

static u32 build_error(void *reply, u32 cap, u64 unique, int error)
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
		return build_error(reply, cap, rec->unique, -EPROTO);
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
		return build_error(reply, cap, rec->unique, -EEXIST);
	id = nm ? nm->nodeid : node_new(d, rec->opcode == FUSE_MKDIR);
	if (!id || (!nm && name_add(d, rec->nodeid, req->name, id)))
		return build_error(reply, cap, rec->unique, -ENOMEM);
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
		return build_error(reply, cap, rec->unique, -ENOMEM);
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
			return build_error(reply, cap, rec->unique, -ENOMEM);
	} else if (nm && rec->opcode != FUSE_RENAME) {
		name_del(d, nm);
	}
	return build_error(reply, cap, rec->unique, 0);
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
		return build_error(reply, cap, rec->unique,
				   rec->parse_err == -ENOSYS ? -ENOSYS : -EIO);
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
		return build_error(reply, cap, rec->unique, 0);
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
		return build_error(reply, cap, rec->unique, -ENOSYS);
	}
	return build(reply, cap, rec->unique,
		     &(struct fuse_proto_in_arg){ size, &u }, 1);
}

/* --- completing a chain -------------------------------------------------- */

static void oh_patch(void *reply, u32 len,
		     void (*fn)(struct fuse_out_header *, s64), s64 arg)
{
	struct fuse_out_header oh;

	if (len < sizeof(oh))
		return;
	memcpy(&oh, reply, sizeof(oh));
	fn(&oh, arg);
	memcpy(reply, &oh, sizeof(oh));
}

static void patch_len(struct fuse_out_header *oh, s64 arg)
{
	oh->len += (u32)arg;
}

static void patch_unique(struct fuse_out_header *oh, s64 arg)
{
	oh->unique ^= (u64)arg;
}

/*
 * Work out the reply to @p per its action into @p reply. Returns false when
 * the chain must be forgotten (drop); otherwise *len bytes are to be
 * written and *used reported.
 */
static bool make_reply(struct sdev *d, struct sdev_pending *p, u8 *reply,
		       u32 cap, u32 *len, u32 *used)
{
	const struct fuse_proto_req *req = p->parsed ? &p->req : NULL;
	struct sdev_req *rec = p->rec;
	struct sdev_action *a = &p->action;

	switch (a->kind) {
	case SDEV_ACT_DROP:
		return false;
	case SDEV_ACT_ERROR:
	case SDEV_ACT_BAD_ERRNO:
		*len = *used =
			build_error(reply, cap, rec->unique, (int)a->arg);
		return true;
	case SDEV_ACT_ERROR_WITH_PAYLOAD:
		*len = *used = sizeof(struct fuse_out_header) + (u32)a->arg;
		if (*len <= cap) {
			memset(reply, 0xab, *len);
			build_error(reply, cap, rec->unique, -EIO);
			oh_patch(reply, *len, patch_len, (s64)a->arg);
		}
		return true;
	case SDEV_ACT_CUSTOM: {
		enum sdev_custom_ret r;

		*used = 0;
		r = a->fn(d, rec, req, reply, cap, used, a->fn_arg);
		if (r == SDEV_CUSTOM_DROP)
			return false;
		if (r == SDEV_CUSTOM_PUSH) {
			*len = *used < cap ? *used : cap;
			return true;
		}
		break;
	}
	default:
		break;
	}
	*len = *used = sdev_default_reply(d, rec, req, reply, cap);
	if (*len > cap) {
		/* The driver offered too little room for this reply. */
		TRACE(.kind = "sdev.no_room", .func = "sdev_complete",
		      .unique = rec->unique, .opcode = (s32)rec->opcode,
		      .detail = trace_fmt("reply %u > writable %u", *len, cap));
		*len = *used = build_error(reply, cap, rec->unique, -EOVERFLOW);
	}
	if (a->kind == SDEV_ACT_BAD_LEN)
		oh_patch(reply, *len, patch_len, a->arg);
	else if (a->kind == SDEV_ACT_BAD_UNIQUE)
		oh_patch(reply, *len, patch_unique, a->arg);
	else if (a->kind == SDEV_ACT_USED_LEN)
		*used = (u32)a->arg;
	return true;
}

/* Push @p's reply (or forget it); the caller frees @p. Returns true when a
 * used element was pushed. */
static bool complete_one(struct sdev *d, struct sdev_pending *p)
{
	struct sdev_req *rec = p->rec;
	struct vringh *vrh = &d->vrh[p->queue];
	u32 cap = p->ch.in_len, len = 0, used = 0;
	u8 *reply = malloc(cap ? cap : 1);
	bool ok;

	if (!reply) {
		/* Host out of memory: behave as a dropped request. */
		rec->outcome = SDEV_OUT_DROPPED;
		return false;
	}
	ok = make_reply(d, p, reply, cap, &len, &used);
	rec->done_ns = sched_now();
	if (!ok) {
		rec->outcome = SDEV_OUT_DROPPED;
		TRACE(.kind = "sdev.drop", .func = "sdev_complete",
		      .queue = vrh->name, .head = rec->head,
		      .unique = rec->unique, .opcode = (s32)rec->opcode);
		free(reply);
		return false;
	}
	if (len == 0 && p->parsed && fuse_proto_opcode_noreply(rec->opcode))
		rec->outcome = SDEV_OUT_NOREPLY;
	else if (cap < sizeof(struct fuse_out_header) && len > cap)
		rec->outcome = SDEV_OUT_NO_ROOM;
	else
		rec->outcome = SDEV_OUT_REPLIED;
	if (len > cap) {
		len = 0;
		if (p->action.kind != SDEV_ACT_USED_LEN)
			used = 0;
	}
	if (len >= sizeof(struct fuse_out_header)) {
		struct fuse_out_header oh;

		memcpy(&oh, reply, sizeof(oh));
		rec->error = oh.error;
	}
	if (len)
		vringh_chain_write(&p->ch, 0, reply, len);
	free(reply);
	rec->reply_len = len;
	rec->used_len = used;
	TRACE(.kind = "sdev.reply", .func = "sdev_complete", .queue = vrh->name,
	      .head = rec->head, .unique = rec->unique,
	      .opcode = (s32)rec->opcode,
	      .detail = trace_fmt("%s error=%d len=%u used=%u",
				  sdev_action_name(rec->action), rec->error,
				  len, used));
	return vringh_push(vrh, p->ch.head, used) == 0;
}

static void pending_free(struct sdev_pending *p)
{
	vringh_chain_release(&p->ch);
	free(p->buf);
	free(p);
}

/* --- popping and recording ------------------------------------------------ */

static struct sdev_rule *match_rule(struct sdev *d, const struct sdev_req *rec)
{
	for (unsigned int i = 0; i < d->nr_rules; i++) {
		struct sdev_rule *r = &d->rules[i];

		if (r->count == 0)
			continue;
		if (r->opcode != SDEV_ANY && (u32)r->opcode != rec->opcode)
			continue;
		if (r->queue != SDEV_ANY &&
		    (unsigned int)r->queue != rec->queue)
			continue;
		if (r->count > 0)
			r->count--;
		r->hits++;
		return r;
	}
	return NULL;
}

static struct sdev_req *record_new(struct sdev *d)
{
	struct sdev_req *rec;

	if (d->nr_reqs == d->cap_reqs) {
		unsigned int n = d->cap_reqs ? d->cap_reqs * 2 : 32;
		struct sdev_req **nr = realloc(d->reqs, n * sizeof(*nr));

		if (!nr)
			return NULL;
		d->reqs = nr;
		d->cap_reqs = n;
	}
	rec = calloc(1, sizeof(*rec));
	if (!rec)
		return NULL;
	rec->seq = d->nr_reqs;
	d->reqs[d->nr_reqs++] = rec;
	return rec;
}

/* Record a freshly popped chain and queue it as pending per the script.
 * Guarantees: @p ch's segs are owned by the pending entry (or freed). */
static void accept(struct sdev *d, unsigned int q, struct vringh_chain *ch)
{
	struct sdev_pending *p = calloc(1, sizeof(*p)), **tail;
	struct sdev_req *rec = record_new(d);
	struct sdev_rule *rule;
	struct fuse_in_header ih;

	if (!p || !rec || !(p->buf = malloc(ch->out_len ? ch->out_len : 1))) {
		/* Host memory exhausted: the chain is lost, as a drop. */
		if (p)
			free(p);
		vringh_chain_release(ch);
		return;
	}
	p->ch = *ch;
	memset(ch, 0, sizeof(*ch));
	p->queue = q;
	p->rec = rec;
	rec->queue = q;
	rec->head = p->ch.head;
	rec->out_len = p->ch.out_len;
	rec->in_len = p->ch.in_len;
	rec->seen_ns = sched_now();
	rec->rule = -1;
	if (vringh_chain_read(&p->ch, 0, p->buf, p->ch.out_len) !=
	    (ssize_t)p->ch.out_len) {
		rec->parse_err = -EFAULT;
	} else {
		rec->parse_err = fuse_proto_parse_request(p->buf, p->ch.out_len,
							  &p->req);
		p->parsed = rec->parse_err == 0;
		rec->raw_len = p->ch.out_len < SDEV_RAW_MAX ? p->ch.out_len :
							      SDEV_RAW_MAX;
		memcpy(rec->raw, p->buf, rec->raw_len);
	}
	if (rec->raw_len >= sizeof(ih)) {
		memcpy(&ih, rec->raw, sizeof(ih));
		rec->opcode = ih.opcode;
		rec->unique = ih.unique;
		rec->nodeid = ih.nodeid;
		rec->hdr_len = ih.len;
	}
	rule = match_rule(d, rec);
	p->action = rule ? rule->action : SDEV_DEFAULT;
	rec->rule = rule ? (int)(rule - d->rules) : -1;
	rec->action = p->action.kind;
	TRACE(.kind = rec->parse_err ? "sdev.bad_request" : "sdev.request",
	      .func = "sdev_accept", .queue = d->vrh[q].name, .head = rec->head,
	      .unique = rec->unique, .opcode = (s32)rec->opcode,
	      .detail = trace_fmt("#%u parse=%d out=%u in=%u action=%s",
				  rec->seq, rec->parse_err, rec->out_len,
				  rec->in_len, sdev_action_name(rec->action)));
	p->held = p->action.kind == SDEV_ACT_HOLD;
	rec->held = p->held;
	p->due_ns = sched_now() + d->cfg.latency_ns;
	if (p->action.kind == SDEV_ACT_DELAY)
		p->due_ns = sched_now() + (u64)p->action.arg;
	for (tail = &d->pending; *tail; tail = &(*tail)->next)
		;
	*tail = p;
}

/* Pop everything available on kicked queues, hiprio first. */
static bool pop_all(struct sdev *d)
{
	bool any = false;

	for (unsigned int q = 0; q < d->be.num_queues; q++) {
		if (!d->kicked[q] || !d->ready[q])
			continue;
		d->kicked[q] = false;
		for (;;) {
			struct vringh_chain ch = { 0 };
			int ret = vringh_pop(&d->vrh[q], &ch);

			if (ret == 1) {
				accept(d, q, &ch);
				any = true;
				continue;
			}
			vringh_chain_release(&ch);
			if (ret < 0) {
				d->ring_errors++;
				TRACE(.kind = "sdev.ring_error",
				      .func = "sdev_pop",
				      .queue = d->vrh[q].name,
				      .detail = trace_fmt("%d", ret));
				virtio_transport_needs_reset(&d->vdev);
			}
			break;
		}
	}
	return any;
}

/* Complete every pending entry due now, as one batch; then interrupt. */
static bool complete_due(struct sdev *d)
{
	struct sdev_pending *batch = NULL, **pp = &d->pending;
	bool pushed[SDEV_MAX_QUEUES] = { false }, any = false;
	u64 now = sched_now();

	while (*pp) {
		struct sdev_pending *p = *pp;

		if (p->held || p->due_ns > now) {
			pp = &p->next;
			continue;
		}
		*pp = p->next;
		p->next = NULL;
		if (d->cfg.reverse_batch) {
			p->next = batch;
			batch = p;
		} else {
			struct sdev_pending **t = &batch;

			while (*t)
				t = &(*t)->next;
			*t = p;
		}
	}
	while (batch) {
		struct sdev_pending *p = batch;

		batch = p->next;
		if (complete_one(d, p))
			pushed[p->queue] = true;
		any = true;
		pending_free(p);
	}
	for (unsigned int q = 0; q < d->be.num_queues; q++) {
		if (!pushed[q] || !vringh_need_notify(&d->vrh[q]))
			continue;
		d->irqs[q]++;
		TRACE(.kind = "sdev.irq", .func = "sdev_notify",
		      .queue = d->vrh[q].name);
		virtio_transport_raise_irq(&d->vdev, q);
	}
	return any;
}

/* Virtual ns until the next delayed completion, or 0 for none. */
static u64 next_timeout(const struct sdev *d)
{
	u64 best = 0, now = sched_now();

	for (const struct sdev_pending *p = d->pending; p; p = p->next)
		if (!p->held) {
			u64 dt = p->due_ns > now ? p->due_ns - now : 1;

			if (!best || dt < best)
				best = dt;
		}
	return best;
}

/* The device task: serve kicks and due completions until stopped. */
static int sdev_task(void *arg)
{
	struct sdev *d = arg;

	while (!d->stop) {
		u64 timeout = 0;

		if (!d->paused && !d->dead) {
			bool work = pop_all(d);

			work |= complete_due(d);
			if (work)
				continue;
			timeout = next_timeout(d);
		}
		wq_wait(&d->wq, SCHED_WAIT_IDLE, timeout);
	}
	return 0;
}

/* --- transport backend ----------------------------------------------------- */

static int be_get_config(void *dev, unsigned int off, void *buf,
			 unsigned int len)
{
	struct sdev *d = dev;

	if (off > sizeof(d->config) || len > sizeof(d->config) - off)
		return -EINVAL;
	memcpy(buf, (u8 *)&d->config + off, len);
	return 0;
}

static int be_set_features(void *dev, u64 features)
{
	struct sdev *d = dev;

	d->features = features;
	return 0;
}

static void be_queue_ready(void *dev, unsigned int idx, gpa_t desc, gpa_t avail,
			   gpa_t used, u16 num, u64 features)
{
	static const char *const names[SDEV_MAX_QUEUES] = {
		"sdev.hiprio", "sdev.req0",  "sdev.req1",  "sdev.req2",
		"sdev.req3",   "sdev.req4",  "sdev.req5",  "sdev.req6",
		"sdev.req7",   "sdev.req8",  "sdev.req9",  "sdev.req10",
		"sdev.req11",  "sdev.req12", "sdev.req13", "sdev.req14",
	};
	struct sdev *d = dev;
	int ret;

	assert(idx < d->be.num_queues);
	ret = vringh_init(&d->vrh[idx], names[idx], features, num, desc, avail,
			  used);
	d->ready[idx] = ret == 0;
	if (ret)
		virtio_transport_needs_reset(&d->vdev);
}

static bool be_kick(void *dev, unsigned int idx)
{
	struct sdev *d = dev;

	if (idx >= d->be.num_queues)
		return false;
	d->kicked[idx] = true;
	d->kicks[idx]++;
	TRACE(.kind = "sdev.kick", .func = "sdev_kick",
	      .detail = trace_fmt("queue %u%s", idx,
				  d->paused ? " (paused)" :
				  d->dead   ? " (dead)" :
					      ""));
	wake_up(&d->wq);
	return true;
}

/* A reset forgets every queue and every chain in flight. */
static void be_reset(void *dev)
{
	struct sdev *d = dev;

	d->resets++;
	d->status = 0;
	while (d->pending) {
		struct sdev_pending *p = d->pending;

		d->pending = p->next;
		p->rec->outcome = SDEV_OUT_DISCARDED;
		pending_free(p);
	}
	for (unsigned int q = 0; q < SDEV_MAX_QUEUES; q++) {
		vringh_exit(&d->vrh[q]);
		memset(&d->vrh[q], 0, sizeof(d->vrh[q]));
		d->ready[q] = false;
		d->kicked[q] = false;
	}
	TRACE(.kind = "sdev.reset", .func = "sdev_reset");
}

static void be_set_status(void *dev, u8 status)
{
	struct sdev *d = dev;

	d->status = status;
}

int sdev_create(struct sdev *d, const struct sdev_config *cfg)
{
	unsigned int nq;
	int ret;

	memset(d, 0, sizeof(*d));
	if (cfg)
		d->cfg = *cfg;
	else
		sdev_config_init(&d->cfg);
	nq = d->cfg.nr_queues;
	if (!nq)
		nq = 1 + (d->cfg.num_request_queues ?
				  d->cfg.num_request_queues :
				  1);
	if (nq < 1 || nq > SDEV_MAX_QUEUES)
		return -EINVAL;
	memcpy(d->config.tag, d->cfg.tag, sizeof(d->config.tag));
	d->config.num_request_queues = cpu_to_le32(d->cfg.num_request_queues);
	d->be.features = 1ULL << VIRTIO_F_VERSION_1;
	if (d->cfg.event_idx)
		d->be.features |= 1ULL << VIRTIO_RING_F_EVENT_IDX;
	if (d->cfg.indirect)
		d->be.features |= 1ULL << VIRTIO_RING_F_INDIRECT_DESC;
	d->be.num_queues = nq;
	d->be.queue_size = d->cfg.queue_size;
	d->be.get_config = be_get_config;
	d->be.set_features = be_set_features;
	d->be.queue_ready = be_queue_ready;
	d->be.kick = be_kick;
	d->be.reset = be_reset;
	d->be.set_status = be_set_status;
	d->next_nodeid = 2;
	d->next_fh = 1;
	__init_waitqueue_head(&d->wq, "sdev");
	ret = virtio_device_init(&d->vdev, VIRTIO_ID_FS, &d->be, d);
	if (ret)
		return ret;
	d->resets = 0;
	d->vdev.index = d->cfg.index;
	if (!node_get(d, FUSE_ROOT_ID))
		return -ENOMEM;
	d->nodes[FUSE_ROOT_ID].used = true;
	d->nodes[FUSE_ROOT_ID].dir = true;
	ret = virtio_irq_line_init(&d->irq, &d->vdev);
	if (!ret) {
		d->task = task_spawn_flags(sdev_task, d, "sdev", TASK_DEVICE, 1,
					   TASK_F_DAEMON);
		if (!d->task) {
			virtio_irq_line_stop(&d->irq);
			ret = -ENOMEM;
		}
	}
	if (ret) {
		free(d->nodes);
		d->nodes = NULL;
		return ret;
	}
	TRACE(.kind = "sdev.create", .func = "sdev_create",
	      .detail = trace_fmt("queues=%u size=%u nrq=%u features=0x%llx",
				  nq, d->cfg.queue_size,
				  d->cfg.num_request_queues,
				  (unsigned long long)d->be.features));
	return 0;
}

static bool tasks_done(void *arg)
{
	struct sdev *d = arg;

	return task_done(d->task) && task_done(d->irq.task);
}

void sdev_destroy(struct sdev *d)
{
	if (!sched_ready()) {
		/* sched_exit() freed the tasks: their wait entries (on their
		 * stacks) must not be woken. */
		__init_waitqueue_head(&d->irq.wq, d->irq.name);
		__init_waitqueue_head(&d->wq, "sdev");
		d->task = NULL;
	}
	virtio_irq_line_stop(&d->irq);
	d->stop = true;
	wake_up(&d->wq);
	if (!current && d->task)
		sched_run_until(tasks_done, d);
	if (d->vdev.vqs) {
		TRACE(.kind = "sdev.vqs_left", .func = "sdev_destroy",
		      .detail = "driver left its queues allocated");
		d->vdev.config->del_vqs(&d->vdev);
	}
	be_reset(d);
	for (unsigned int i = 0; i < d->nr_reqs; i++)
		free(d->reqs[i]);
	free(d->reqs);
	free(d->nodes);
	free(d->names);
	d->reqs = NULL;
	d->nodes = NULL;
	d->names = NULL;
	d->nr_reqs = d->cap_reqs = d->nr_names = 0;
	d->nr_nodes = 0;
	TRACE(.kind = "sdev.destroy", .func = "sdev_destroy");
}

/* --- script and controls --------------------------------------------------- */

int sdev_add_rule(struct sdev *d, int opcode, int queue, int count,
		  struct sdev_action action)
{
	if (d->nr_rules == SDEV_MAX_RULES)
		return -ENOSPC;
	if ((count <= 0 && count != SDEV_FOREVER) ||
	    (action.kind == SDEV_ACT_CUSTOM && !action.fn) ||
	    (unsigned int)action.kind > SDEV_ACT_CUSTOM)
		return -EINVAL;
	d->rules[d->nr_rules] = (struct sdev_rule){ .opcode = opcode,
						    .queue = queue,
						    .count = count,
						    .action = action };
	return (int)d->nr_rules++;
}

void sdev_clear_rules(struct sdev *d)
{
	d->nr_rules = 0;
}

unsigned int sdev_nr_requests(const struct sdev *d)
{
	return d->nr_reqs;
}

const struct sdev_req *sdev_request(const struct sdev *d, unsigned int i)
{
	return i < d->nr_reqs ? d->reqs[i] : NULL;
}

unsigned int sdev_count_op(const struct sdev *d, u32 opcode)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < d->nr_reqs; i++)
		n += d->reqs[i]->opcode == opcode;
	return n;
}

const struct sdev_req *sdev_last(const struct sdev *d, u32 opcode)
{
	for (unsigned int i = d->nr_reqs; i-- > 0;)
		if (d->reqs[i]->opcode == opcode)
			return d->reqs[i];
	return NULL;
}

unsigned int sdev_nr_held(const struct sdev *d)
{
	unsigned int n = 0;

	for (const struct sdev_pending *p = d->pending; p; p = p->next)
		n += p->held;
	return n;
}

unsigned int sdev_complete_held(struct sdev *d, unsigned int n,
				struct sdev_action action)
{
	unsigned int done = 0;

	for (struct sdev_pending *p = d->pending; p && done < n; p = p->next) {
		if (!p->held)
			continue;
		p->held = action.kind == SDEV_ACT_HOLD;
		p->action = action;
		p->due_ns = sched_now();
		if (action.kind == SDEV_ACT_DELAY)
			p->due_ns += (u64)action.arg;
		p->rec->action = action.kind;
		done++;
	}
	TRACE(.kind = "sdev.release", .func = "sdev_complete_held",
	      .detail = trace_fmt("%u of %u: %s", done, n,
				  sdev_action_name(action.kind)));
	wake_up(&d->wq);
	return done;
}

unsigned int sdev_release_held(struct sdev *d, unsigned int n)
{
	return sdev_complete_held(d, n, SDEV_DEFAULT);
}

unsigned int sdev_nr_pending(const struct sdev *d)
{
	unsigned int n = 0;

	for (const struct sdev_pending *p = d->pending; p; p = p->next)
		n++;
	return n;
}

const struct sdev_req *sdev_find_unique(const struct sdev *d, u64 unique)
{
	for (unsigned int i = 0; i < d->nr_reqs; i++)
		if (d->reqs[i]->unique == unique)
			return d->reqs[i];
	return NULL;
}

struct run_until {
	struct sdev *d;
	unsigned int n;
};

static bool enough_requests(void *arg)
{
	struct run_until *u = arg;

	return u->d->nr_reqs >= u->n;
}

enum sched_status sdev_run_until_requests(struct sdev *d, unsigned int n)
{
	struct run_until u = { d, n };

	assert(!current);
	return sched_run_until(enough_requests, &u);
}

void sdev_set_latency(struct sdev *d, u64 ns)
{
	d->cfg.latency_ns = ns;
}

void sdev_set_reverse_batch(struct sdev *d, bool reverse)
{
	d->cfg.reverse_batch = reverse;
}

void sdev_pause(struct sdev *d)
{
	d->paused = true;
	TRACE(.kind = "sdev.pause", .func = "sdev_pause");
}

void sdev_resume(struct sdev *d)
{
	d->paused = false;
	TRACE(.kind = "sdev.resume", .func = "sdev_resume");
	wake_up(&d->wq);
}

void sdev_die(struct sdev *d)
{
	d->dead = true;
	TRACE(.kind = "sdev.die", .func = "sdev_die");
}

static int unplug_task(void *arg)
{
	struct sdev *d = arg;

	virtio_device_unplug(&d->vdev);
	d->unplugged = true;
	return 0;
}

struct task *sdev_unplug(struct sdev *d)
{
	TRACE(.kind = "sdev.unplug", .func = "sdev_unplug");
	return task_spawn(unplug_task, d, "sdev-unplug", TASK_FRONTEND, 0);
}
