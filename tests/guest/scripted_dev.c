// SPDX-License-Identifier: GPL-2.0-only
/*
 * scripted_dev.c - a minimal scripted virtio-fs device for guest tests:
 * popping and completing chains per the script, the device task and the
 * transport backend. The tiny fake FUSE server that answers by default is
 * in scripted_dev_fuse.c; configuration, rules and the test controls are
 * in scripted_dev_ctl.c.
 */
#include "tests/guest/scripted_dev.h"
#include "tests/guest/scripted_dev_internal.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kernel/sched.h"
#include "sim/kernel/task.h"
#include "sim/trace/trace.h"

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
			sdev_build_error(reply, cap, rec->unique, (int)a->arg);
		return true;
	case SDEV_ACT_ERROR_WITH_PAYLOAD:
		*len = *used = sizeof(struct fuse_out_header) + (u32)a->arg;
		if (*len <= cap) {
			memset(reply, 0xab, *len);
			sdev_build_error(reply, cap, rec->unique, -EIO);
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
		*len = *used =
			sdev_build_error(reply, cap, rec->unique, -EOVERFLOW);
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
		/* a FORGET is read as the daemons read it: trailing bytes
		 * (v5's list_head) are ignored */
		rec->parse_err = fuse_proto_parse_request_lax(
			p->buf, p->ch.out_len, &p->req, NULL);
		if (!rec->parse_err && p->req.opcode != FUSE_FORGET &&
		    p->req.hdr.len != p->ch.out_len)
			rec->parse_err = -EBADMSG;
		if (!rec->parse_err && p->req.opcode != FUSE_FORGET)
			rec->parse_err = fuse_proto_parse_request(
				p->buf, p->ch.out_len, &p->req);
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
	TRACE_ANY(.kind = rec->parse_err ? "sdev.bad_request" : "sdev.request",
		  .func = "sdev_accept", .queue = d->vrh[q].name,
		  .head = rec->head, .unique = rec->unique,
		  .opcode = (s32)rec->opcode,
		  .detail = trace_fmt("#%u parse=%d out=%u in=%u action=%s",
				      rec->seq, rec->parse_err, rec->out_len,
				      rec->in_len,
				      sdev_action_name(rec->action)));
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

/* The DAX cache window, when the test configured one. */
static u64 be_shm_region_len(void *dev, u8 id)
{
	struct sdev *d = dev;

	return id == VIRTIO_FS_SHMCAP_ID_CACHE ? d->cfg.dax_window : 0;
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
	d->be.shm_region_len = be_shm_region_len;
	d->next_nodeid = 2;
	d->next_fh = 1;
	__init_waitqueue_head(&d->wq, "sdev");
	ret = virtio_device_init(&d->vdev, VIRTIO_ID_FS, &d->be, d);
	if (ret)
		return ret;
	d->resets = 0;
	d->vdev.index = d->cfg.index;
	if (!sdev_node_get(d, FUSE_ROOT_ID))
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
