// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuse_test_transport.c - see fuse_test_transport.h.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/guest/fuse_test_transport.h"

struct ftt_slot {
	struct list_head node;
	struct fuse_req *req; /* NULL for a FORGET */
	int error;	      /* refused: end with this */
	void *bytes;	      /* request bytes (built when first served) */
	size_t len;
};

static void ftt_log(struct fuse_test_transport *tt, u64 unique, u32 opcode)
{
	unsigned int i = tt->nr_sent + tt->nr_forgets;

	if (i < ARRAY_SIZE(tt->uniques)) {
		tt->uniques[i] = unique;
		tt->opcodes[i] = opcode;
	}
}

static void ftt_add_slot(struct fuse_test_transport *tt, struct ftt_slot *slot)
{
	/* refused requests are ended by the worker even while the device
	 * holds (virtio-fs: end_reqs and dispatch_work) */
	list_add_tail(&slot->node, slot->error ? &tt->end_list : &tt->queue);
	wake_up(&tt->waitq);
}

/* Hand @req to the device; never ends it here (bg_lock may be held). */
static void ftt_enqueue(struct fuse_test_transport *tt, struct fuse_req *req)
{
	struct fuse_pqueue *fpq = &tt->fud->pq;
	struct ftt_slot *slot = calloc(1, sizeof(*slot));

	assert(slot);
	if (test_bit(FR_BACKGROUND, &req->flags)) {
		assert_spin_locked(&tt->fc.bg_lock);
		tt->nr_bg_locked++;
	}
	ftt_log(tt, req->in.h.unique, req->in.h.opcode);
	tt->nr_sent++;
	slot->req = req;
	__fuse_get_request(req);

	spin_lock(&fpq->lock);
	if (tt->refuse || !fpq->connected || !tt->fc.iq.connected) {
		slot->error = tt->refuse ? tt->refuse : -ENOTCONN;
	} else {
		list_add_tail(&req->list, &fpq->processing[0]);
		set_bit(FR_SENT, &req->flags);
	}
	spin_unlock(&fpq->lock);
	ftt_add_slot(tt, slot);
}

static void ftt_enqueue_forget(struct fuse_test_transport *tt,
			       struct fuse_forget_link *link, u64 unique)
{
	struct ftt_slot *slot = calloc(1, sizeof(*slot));
	struct fuse_forget_in arg = { .nlookup = link->forget_one.nlookup };
	struct fuse_proto_args pa = {
		.opcode = FUSE_FORGET,
		.nodeid = link->forget_one.nodeid,
		.in_numargs = 1,
		.in_args = { { sizeof(arg), &arg } },
		.noreply = true,
	};
	ssize_t n;

	assert(slot);
	ftt_log(tt, unique, FUSE_FORGET);
	tt->nr_forgets++;
	tt->forget_nlookup += arg.nlookup;
	slot->len = fuse_proto_request_size(&pa);
	slot->bytes = malloc(slot->len);
	assert(slot->bytes);
	n = fuse_proto_build_request(slot->bytes, slot->len, unique, &pa, 0, 0,
				     0);
	assert(n == (ssize_t)slot->len);
	ftt_add_slot(tt, slot);
}

/* mainline: virtio_fs_send_req's shape. */
static void ftt_send_req(struct fuse_iqueue *fiq, struct fuse_req *req)
{
	if (req->in.h.opcode != FUSE_NOTIFY_REPLY)
		req->in.h.unique = fuse_get_unique(fiq);
	clear_bit(FR_PENDING, &req->flags);
	ftt_enqueue(fiq->priv, req);
}

/* mainline: the core hands every forget over; like /dev/fuse's
 * fuse_dev_queue_forget(), a disconnected queue drops it */
static void ftt_send_forget(struct fuse_iqueue *fiq,
			    struct fuse_forget_link *link)
{
	if (fiq->connected)
		ftt_enqueue_forget(fiq->priv, link, fuse_get_unique(fiq));
	kfree(link);
}

static void ftt_send_interrupt(struct fuse_iqueue *fiq, struct fuse_req *req)
{
	(void)fiq;
	(void)req;
}

/* v5: virtio_fs_wake_pending_and_unlock's shape. */
static void ftt_wake_pending_and_unlock(struct fuse_iqueue *fiq)
{
	struct fuse_req *req;

	assert_spin_locked(&fiq->lock);
	if (((struct fuse_test_transport *)fiq->priv)->park_pending) {
		spin_unlock(&fiq->lock);
		return;
	}
	req = list_last_entry(&fiq->pending, struct fuse_req, list);
	clear_bit(FR_PENDING, &req->flags);
	list_del_init(&req->list);
	WARN_ON(!list_empty(&fiq->pending));
	spin_unlock(&fiq->lock);
	ftt_enqueue(fiq->priv, req);
}

static void ftt_wake_forget_and_unlock(struct fuse_iqueue *fiq)
{
	struct fuse_forget_link *link;
	unsigned int count;
	u64 unique;

	assert_spin_locked(&fiq->lock);
	if (((struct fuse_test_transport *)fiq->priv)->park_forgets) {
		spin_unlock(&fiq->lock);
		return;
	}
	link = fuse_dequeue_forget(fiq, 1, &count);
	assert(count == 1 && link && !link->next);
	unique = fuse_get_unique(fiq);
	spin_unlock(&fiq->lock);
	ftt_enqueue_forget(fiq->priv, link, unique);
	kfree(link);
}

static void ftt_wake_interrupt_and_unlock(struct fuse_iqueue *fiq)
{
	spin_unlock(&fiq->lock);
}

static void ftt_release(struct fuse_iqueue *fiq)
{
	struct fuse_test_transport *tt = fiq->priv;

	tt->nr_released++;
}

static const struct fuse_iqueue_ops ftt_ops_mainline = {
	.send_forget = ftt_send_forget,
	.send_interrupt = ftt_send_interrupt,
	.send_req = ftt_send_req,
	.release = ftt_release,
};

static const struct fuse_iqueue_ops ftt_ops_v5 = {
	.wake_forget_and_unlock = ftt_wake_forget_and_unlock,
	.wake_interrupt_and_unlock = ftt_wake_interrupt_and_unlock,
	.wake_pending_and_unlock = ftt_wake_pending_and_unlock,
	.release = ftt_release,
};

static struct fuse_args_pages *to_ap(struct fuse_args *args)
{
	return container_of(args, struct fuse_args_pages, args);
}

/* Serialize @req (its arguments are alive: it is not finished). */
static void ftt_build(struct ftt_slot *slot)
{
	struct fuse_req *req = slot->req;
	struct fuse_args *args = req->args;
	struct fuse_proto_args pa;
	void *gather = NULL;
	ssize_t n;

	fuse_args_to_proto(args, &pa);
	if (args->in_pages) {
		struct fuse_args_pages *ap = to_ap(args);
		unsigned int last = args->in_numargs - 1;
		unsigned int left = args->in_args[last].size, i, off = 0;

		gather = malloc(left ? left : 1);
		assert(gather);
		for (i = 0; i < ap->num_pages && left; i++) {
			unsigned int len = ap->descs[i].length;

			if (len > left)
				len = left;
			memcpy((char *)gather + off,
			       (char *)page_address(ap->pages[i]) +
				       ap->descs[i].offset,
			       len);
			off += len;
			left -= len;
		}
		assert(left == 0);
		pa.in_args[last].value = gather;
	}
	slot->len = fuse_proto_request_size(&pa);
	assert(slot->len == req->in.h.len);
	slot->bytes = malloc(slot->len);
	assert(slot->bytes);
	n = fuse_proto_build_request(slot->bytes, slot->len, req->in.h.unique,
				     &pa, req->in.h.uid, req->in.h.gid,
				     req->in.h.pid);
	assert(n == (ssize_t)slot->len);
	free(gather);
}

/* Copy a reply into @req's out args, as copy_args_from_argbuf() would. */
static void ftt_copy_reply(struct fuse_req *req, const void *reply, size_t rlen)
{
	struct fuse_args *args = req->args;
	struct fuse_proto_args pa;
	struct fuse_out_header oh;
	unsigned int i;

	fuse_args_to_proto(args, &pa);
	if (fuse_proto_verify_reply(&pa, req->in.h.unique, reply, rlen, &oh)) {
		/* virtio_fs_verify_response(): a malformed reply is -EIO */
		req->out.h.len = sizeof(struct fuse_out_header);
		req->out.h.error = -EIO;
		req->out.h.unique = req->in.h.unique;
		return;
	}
	req->out.h = oh;
	if (oh.error)
		return;
	(void)fuse_proto_copy_reply_args(&pa, req->in.h.unique, reply, rlen);
	for (i = 0; i < args->out_numargs; i++)
		args->out_args[i].size = pa.out_args[i].size;
	if (args->out_pages) {
		struct fuse_args_pages *ap = to_ap(args);
		unsigned int last = args->out_numargs - 1;
		size_t off = sizeof(oh), left;
		unsigned int p;

		for (i = 0; i < last; i++)
			off += args->out_args[i].size;
		left = rlen - off;
		args->out_args[last].size = (unsigned int)left;
		for (p = 0; p < ap->num_pages; p++) {
			char *dst = (char *)page_address(ap->pages[p]) +
				    ap->descs[p].offset;
			size_t len = ap->descs[p].length;

			if (len > left)
				len = left;
			memcpy(dst, (const char *)reply + off, len);
			if (args->page_zeroing && len < ap->descs[p].length)
				memset(dst + len, 0, ap->descs[p].length - len);
			off += len;
			left -= len;
		}
	}
}

static void ftt_free_slot(struct ftt_slot *slot)
{
	free(slot->bytes);
	free(slot);
}

/* Serve one request slot; false when it went to the blocked list. */
static bool ftt_serve(struct fuse_test_transport *tt, struct ftt_slot *slot)
{
	struct fuse_pqueue *fpq = &tt->fud->pq;
	struct fuse_req *req = slot->req;
	size_t cap, rlen = 0;
	void *reply;
	int ret;

	if (!req) {
		ret = fuse_server_handle(tt->srv, slot->bytes, slot->len, NULL,
					 0, &rlen, NULL);
		assert(ret == FUSE_SERVER_NOREPLY);
		ftt_free_slot(slot);
		return true;
	}
	if (slot->error) {
		req->out.h.error = slot->error;
		fuse_request_end(req);
		goto out;
	}

	spin_lock(&fpq->lock);
	if (test_bit(FR_FINISHED, &req->flags)) {
		spin_unlock(&fpq->lock);
		goto dropped;
	}
	if (!slot->bytes)
		ftt_build(slot);
	cap = sizeof(struct fuse_out_header);
	for (unsigned int i = 0; i < req->args->out_numargs; i++)
		cap += req->args->out_args[i].size;
	spin_unlock(&fpq->lock);

	reply = malloc(cap);
	assert(reply);
	if (tt->fail_opcode && tt->fail_opcode == req->in.h.opcode) {
		rlen = (size_t)fuse_proto_build_error_reply(
			reply, cap, req->in.h.unique, tt->fail_error);
	} else {
		ret = fuse_server_handle(tt->srv, slot->bytes, slot->len, reply,
					 cap, &rlen, NULL);
		if (ret == FUSE_SERVER_BLOCKED) {
			free(reply);
			tt->blocked_gen = fuse_server_lock_generation(tt->srv);
			list_add_tail(&slot->node, &tt->blocked);
			return false;
		}
		if (ret != FUSE_SERVER_REPLY)
			rlen = 0;
	}
	if (tt->mangle)
		tt->mangle(tt, req->in.h.opcode, reply, &rlen);

	spin_lock(&fpq->lock);
	if (test_bit(FR_FINISHED, &req->flags)) {
		spin_unlock(&fpq->lock);
		free(reply);
		goto dropped;
	}
	list_del_init(&req->list);
	if (!tt->leave_sent)
		clear_bit(FR_SENT, &req->flags);
	ftt_copy_reply(req, reply, rlen);
	spin_unlock(&fpq->lock);
	free(reply);

	if (tt->end_twice) {
		__fuse_get_request(req);
		fuse_request_end(req);
	}
	fuse_request_end(req);
out:
	tt->nr_done++;
	fuse_put_request(req);
	ftt_free_slot(slot);
	return true;
dropped:
	tt->nr_dropped++;
	fuse_put_request(req);
	ftt_free_slot(slot);
	return true;
}

static bool ftt_has_work(struct fuse_test_transport *tt)
{
	if (!list_empty(&tt->end_list) ||
	    (!tt->hold && !list_empty(&tt->queue)))
		return true;
	return !list_empty(&tt->blocked) &&
	       fuse_server_lock_generation(tt->srv) != tt->blocked_gen;
}

static int ftt_device(void *arg)
{
	struct fuse_test_transport *tt = arg;

	for (;;) {
		struct ftt_slot *slot;

		while (!ftt_has_work(tt)) {
			if (tt->stop)
				return 0;
			wq_wait(&tt->waitq, SCHED_WAIT_IDLE, 0);
		}
		if (!list_empty(&tt->end_list)) {
			slot = list_first_entry(&tt->end_list, struct ftt_slot,
						node);
			list_del(&slot->node);
			ftt_serve(tt, slot);
			continue;
		}
		if (tt->delay_ns)
			usleep_range(tt->delay_ns / 1000, tt->delay_ns / 1000);
		if (!list_empty(&tt->blocked) &&
		    fuse_server_lock_generation(tt->srv) != tt->blocked_gen) {
			LIST_HEAD(retry);

			list_splice_tail_init(&tt->blocked, &retry);
			while (!list_empty(&retry)) {
				slot = list_first_entry(&retry, struct ftt_slot,
							node);
				list_del(&slot->node);
				ftt_serve(tt, slot);
			}
			continue;
		}
		if (tt->hold || list_empty(&tt->queue))
			continue;
		slot = list_first_entry(&tt->queue, struct ftt_slot, node);
		list_del(&slot->node);
		ftt_serve(tt, slot);
	}
}

int ftt_init(struct fuse_test_transport *tt, bool v5,
	     const struct fuse_server_config *cfg)
{
	struct fuse_fs_context ctx = {
		.default_permissions = true,
		.allow_other = true,
		.destroy = true,
		.no_control = true,
		.no_force_umount = true,
		.max_read = UINT32_MAX,
		.blksize = 512,
	};
	int err;

	memset(tt, 0, sizeof(*tt));
	tt->v5 = v5;
	INIT_LIST_HEAD(&tt->queue);
	INIT_LIST_HEAD(&tt->blocked);
	INIT_LIST_HEAD(&tt->end_list);
	init_waitqueue_head(&tt->waitq);
	tt->srv = fuse_server_new(cfg);
	if (!tt->srv)
		return -ENOMEM;
	fuse_conn_init(&tt->fc, &tt->fm, v5 ? &ftt_ops_v5 : &ftt_ops_mainline,
		       tt);
	/* the core of the release whose op style this is */
	tt->fc.variant = v5 ? VIRTIO_FS_V5_2019 : VIRTIO_FS_MAINLINE;
	tt->sb.s_fs_info = &tt->fm;
	tt->sb.s_id = "ftt";
	ctx.fudptr = (void **)&tt->fud;
	/* a server with a DAX window stands for a device with a cache */
	ctx.dax = cfg && cfg->dax_window_size;
	err = fuse_fill_super_common(&tt->sb, &ctx);
	if (err) {
		fuse_conn_put(&tt->fc);
		fuse_server_free(tt->srv);
		return err;
	}
	tt->sb.s_active = true;
	tt->task = task_spawn_flags(ftt_device, tt, "ftt-device", TASK_DEVICE,
				    0, TASK_F_DAEMON);
	assert(tt->task);
	return 0;
}

int ftt_mount(struct fuse_test_transport *tt, bool v5,
	      const struct fuse_server_config *cfg)
{
	int err = ftt_init(tt, v5, cfg);

	if (!err)
		fuse_send_init(&tt->fm);
	return err;
}

void ftt_release_hold(struct fuse_test_transport *tt)
{
	tt->hold = false;
	wake_up(&tt->waitq);
}

unsigned int ftt_queued(struct fuse_test_transport *tt)
{
	return (unsigned int)(list_count_nodes(&tt->queue) +
			      list_count_nodes(&tt->blocked));
}

void ftt_exit(struct fuse_test_transport *tt)
{
	tt->hold = false;
	tt->stop = true;
	if (tt->fc.timeout.req_timeout && tt->fc.connected)
		cancel_delayed_work_sync(&tt->fc.timeout.work);
	wake_up(&tt->waitq);
	if (tt->task)
		sched_run();
	/* the device task is gone: requests it still held are dropped */
	assert(list_empty(&tt->end_list));
	while (!list_empty(&tt->blocked) || !list_empty(&tt->queue)) {
		struct list_head *l = list_empty(&tt->queue) ? &tt->blocked :
							       &tt->queue;
		struct ftt_slot *slot =
			list_first_entry(l, struct ftt_slot, node);

		list_del(&slot->node);
		if (slot->req)
			fuse_put_request(slot->req);
		ftt_free_slot(slot);
	}
	fuse_dev_free(tt->fud);
	fuse_conn_put(&tt->fc);
	fuse_server_free(tt->srv);
}
