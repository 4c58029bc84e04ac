// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_fs_dev_worker.c - the queue workers (virtiofsd's fv_queue_worker
 * and its thread pool): a batch of chains popped (virtio_fs_dev_pop.c),
 * each request executed by the FUSE server, its reply scattered, pushed
 * and notified, in the configured order. Also the behaviour controls
 * (latency, batch, order, pause, death). Taking chains off the ring and
 * copying requests in lives apart, so this file holds what happens to a
 * request once it is in host memory.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/virtio_fs_dev_internal.h"
#include "fuse_proto/fuse_msg.h"
#include "sim/kernel/sched.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

#define FUSE_OUT_HDR sizeof(struct fuse_out_header)

/* xorshift64: deterministic for a given seed, nothing host-dependent. */
static u64 rng_next(struct vfs_dev *dev)
{
	u64 x = dev->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	dev->rng = x;
	return x;
}

/*
 * @req's ring needs a reset: give it up unwritten. libvhost-user's
 * vu_panic() marks the device broken, and from then on vu_queue_pop(),
 * vu_queue_fill(), vu_queue_flush() and vu_queue_notify() return at once:
 * the chains still held (the rest of a batch, another worker's) get no
 * used element and their guest memory is left alone. (libvhost-user
 * breaks the whole device; vfsim the ring, as the rest of the device
 * already does.)
 */
static __attribute__((cold, noinline)) void req_give_up(struct vfs_ring *r,
							struct vfs_req *req)
{
	TRACE(.kind = "dev.push_failed", .func = "vu_queue_push",
	      .queue = r->name, .head = req->ch.head, .unique = req->unique,
	      .opcode = req->opcode,
	      .detail = "ring needs reset: reply not written, nothing pushed");
	vfs_req_finish(r, req);
	r->st.faulted++;
	if (!r->broken)
		vfs_ring_broken(r, r->vrh.error ? r->vrh.error : -EIO);
}

/*
 * A reply the device makes itself (oversized request, interrupted
 * SETLKW): a bare header in the session's byte order, when the chain has
 * room for one and the opcode has a reply at all.
 */
void req_error_reply(struct vfs_req *req, int err)
{
	struct fuse_out_header oh = { FUSE_OUT_HDR, err, req->unique };

	req->out_len = 0;
	if (req->opcode >= 0 && fuse_proto_opcode_noreply((u32)req->opcode))
		return;
	if (req->out_cap < FUSE_OUT_HDR) {
		TRACE(.kind = "dev.no_reply", .func = "vfs_dev_error_reply",
		      .head = req->ch.head, .unique = req->unique,
		      .opcode = req->opcode,
		      .detail = "EMSGSIZE no room for a reply header");
		return;
	}
	if (req->swap) {
		oh.len = __builtin_bswap32(oh.len);
		oh.error = (s32)__builtin_bswap32((u32)oh.error);
		oh.unique = __builtin_bswap64(oh.unique);
	}
	memcpy(req->out, &oh, sizeof(oh));
	req->out_len = FUSE_OUT_HDR;
}

/* Park a blocked SETLKW until the lock generation moves. @return 0 to
 * retry, -EINTR when the ring is being stopped, -ECANCELED when dropped. */
static int lock_wait(struct vfs_worker *w, struct vfs_req *req, u64 gen)
{
	struct vfs_ring *r = w->ring;
	struct vfs_dev *dev = r->dev;

	r->st.lock_waits++;
	TRACE(.kind = "dev.lock_wait", .func = "fv_queue_worker",
	      .queue = r->name, .head = req->ch.head, .unique = req->unique,
	      .opcode = req->opcode);
	while (fuse_server_lock_generation(dev->srv) == gen &&
	       req->epoch == r->epoch && !r->stopping && !w->stop)
		wq_wait(&dev->lock_wq, SCHED_WAIT_IDLE, 0);
	if (req->epoch != r->epoch || w->stop)
		return -ECANCELED;
	if (fuse_server_lock_generation(dev->srv) == gen)
		return -EINTR;
	TRACE(.kind = "dev.lock_retry", .func = "fv_queue_worker",
	      .queue = r->name, .head = req->ch.head, .unique = req->unique,
	      .opcode = req->opcode);
	return 0;
}

/*
 * Let the server answer @req into req->out. Guarantees: returns true with
 * out_len set (0: complete with length 0), or false when the request was
 * dropped meanwhile (reset, device freed).
 */
static bool req_execute(struct vfs_worker *w, struct vfs_req *req)
{
	struct vfs_ring *r = w->ring;
	struct vfs_dev *dev = r->dev;
	struct fuse_server_ctx ctx;
	size_t len;
	int ret;

	if (req->oversize) {
		TRACE(.kind = "dev.too_big", .func = "fv_queue_worker",
		      .queue = r->name, .head = req->ch.head,
		      .unique = req->unique, .opcode = req->opcode,
		      .detail = trace_fmt("out=%u max=%u", req->ch.out_len,
					  dev->cfg.max_request_size));
		req_error_reply(req, -E2BIG);
		return true;
	}
	if (vfs_req_faults(dev, req))
		return true;
	for (;;) {
		u64 gen = fuse_server_lock_generation(dev->srv);

		if (dev->dead)
			return true; /* it will never complete */
		ctx.no_side_effects = !r->enabled;
		ret = fuse_server_handle(dev->srv, req->in, req->in_len,
					 req->out, req->out_cap, &len, &ctx);
		vfs_dev_note_locks(dev);
		if (ret != FUSE_SERVER_BLOCKED)
			break;
		ret = lock_wait(w, req, gen);
		if (ret == -ECANCELED)
			return false;
		if (ret == -EINTR) {
			TRACE(.kind = "dev.lock_interrupted",
			      .func = "fv_queue_worker", .queue = r->name,
			      .head = req->ch.head, .unique = req->unique,
			      .opcode = req->opcode,
			      .detail = "ring stopping: EINTR");
			req_error_reply(req, -EINTR);
			return true;
		}
	}
	req->out_len = ret == FUSE_SERVER_REPLY ? len : 0;
	if (unlikely(req->malformed)) /* a fault plan's, rarely */
		vfs_req_fault_reply(req);
	if (ret < 0)
		TRACE(.kind = "dev.no_reply", .func = "fv_queue_worker",
		      .queue = r->name, .head = req->ch.head,
		      .unique = req->unique, .opcode = req->opcode,
		      .detail =
			      trace_fmt("server error %d: used length 0", ret));
	return true;
}

/* Sleep the configured latency (and a dev.late fault's); a reset or stop
 * cuts it short. */
static void latency_sleep(struct vfs_worker *w, struct vfs_req *req)
{
	struct vfs_ring *r = w->ring;
	u64 end = sched_now() + r->dev->latency_ns + req->late_ns;

	w->sleeping = true;
	while (sched_now() < end && req->epoch == r->epoch && !w->stop)
		sched_block("delay", "vfs_dev latency", end - sched_now());
	w->sleeping = false;
}

/*
 * Write the reply, push the used element, interrupt if the driver wants
 * it. Guarantees: guest memory is written only while the ring is started,
 * the request is current and the daemon alive; false means dropped.
 */
static bool req_complete(struct vfs_worker *w, struct vfs_req *req)
{
	struct vfs_ring *r = w->ring;
	struct vfs_dev *dev = r->dev;
	size_t used;
	ssize_t n;
	int ret;

	if (dev->latency_ns || req->late_ns)
		latency_sleep(w, req);
	/* a drop (reset, stop) is tested before each wait and after the
	 * last, so a request that needs no wait tests it once */
	for (;;) {
		if (req->epoch != r->epoch || w->stop)
			return false;
		if (!dev->dead && r->started)
			break;
		wq_wait(&r->wq, SCHED_WAIT_IDLE, 0);
	}
	if (unlikely(r->broken || r->vrh.needs_reset)) {
		req_give_up(r, req);
		return true;
	}
	if (req->out_len) {
		/* out_len <= out_cap <= the chain's writable length, so only a
		 * region taken away since the pop makes the write fail */
		n = vringh_chain_write(&req->ch, 0, req->out, req->out_len);
		if (unlikely(n < 0)) {
			vfs_req_fault(
				r, req, (int)n,
				trace_fmt("reply to unique %llu: buffer no "
					  "longer in guest memory",
					  (unsigned long long)req->unique));
			return true;
		}
		assert(n == (ssize_t)req->out_len);
	}
	used = vfs_req_fault_used(req);
	ret = vringh_push(&r->vrh, req->ch.head, (u32)used);
	/* the ring was checked above, and nothing between can break it */
	assert(!ret);
	vfs_req_finish(r, req);
	r->st.completed++;
	TRACE(.kind = "dev.complete", .func = "vu_queue_push", .queue = r->name,
	      .head = req->ch.head, .used_idx = r->vrh.last_used_idx,
	      .unique = req->unique, .opcode = req->opcode,
	      .args = used == req->out_len ?
			      TRACE_FMT("len=%zu", used) :
			      TRACE_FMT("len=%zu %s: the reply has %zu", used,
					used < req->out_len ? "short" : "long",
					req->out_len));
	if (req->malformed)
		vfs_req_fault_push(r, req, (u32)used);
	if (vringh_need_notify(&r->vrh)) {
		r->st.irqs++;
		TRACE(.kind = "dev.irq", .func = "vu_queue_notify",
		      .queue = r->name, .used_idx = r->vrh.last_used_idx);
		vfs_ring_notify(r);
	}
	if (unlikely(req->stall))
		vfs_req_fault_stall(dev, req);
	return true;
}

/* The order in which the chains of a batch of @n complete. */
static void batch_order(struct vfs_dev *dev, unsigned int n, unsigned int *ord)
{
	for (unsigned int i = 0; i < n; i++)
		ord[i] = dev->order == VFS_DEV_ORDER_REVERSED ? n - 1 - i : i;
	if (dev->order != VFS_DEV_ORDER_RANDOM)
		return;
	for (unsigned int i = n - 1; i > 0; i--) {
		unsigned int j = (unsigned int)(rng_next(dev) % (i + 1));
		unsigned int t = ord[i];

		ord[i] = ord[j];
		ord[j] = t;
	}
}

/* hiprio-first (vfsim's own): request queues let waiting hiprio work go
 * first, once per batch. */
static void give_way_to_hiprio(struct vfs_dev *dev)
{
	struct vfs_ring *h = &dev->rings[0];

	if (!vfs_ring_may_pop(h) || vringh_avail_count(&h->vrh) <= 0)
		return;
	TRACE(.kind = "dev.hiprio_first", .func = "fv_queue_worker",
	      .queue = h->name);
	wake_up(&h->wq);
	sched_yield();
}

/* Free what the worker holds; a reset has already traced the drop. */
static void batch_release(struct vfs_worker *w)
{
	for (unsigned int i = 0; i < w->nr_batch; i++) {
		if (!w->batch[i])
			continue;
		vfs_req_finish(w->ring, w->batch[i]);
		vfs_req_free(w, w->batch[i]);
		w->batch[i] = NULL;
	}
	w->nr_batch = 0;
}

/* Pop up to a batch, execute in pop order, complete in the chosen order. */
static void worker_batch(struct vfs_worker *w)
{
	struct vfs_ring *r = w->ring;
	struct vfs_dev *dev = r->dev;
	unsigned int ord[VFS_DEV_MAX_BATCH];
	unsigned int n;

	if (r->idx && (dev->cfg.options & (1u << VFS_DEV_OPT_HIPRIO_FIRST)))
		give_way_to_hiprio(dev);
	while (w->nr_batch < dev->batch && vfs_ring_may_pop(r)) {
		struct vfs_req *req = vfs_req_pop(w);

		if (!req)
			break;
		w->batch[w->nr_batch++] = req;
	}
	n = w->nr_batch;
	for (unsigned int i = 0; i < n; i++)
		if (!req_execute(w, w->batch[i]))
			goto out;
	if (n == 1)
		ord[0] = 0; /* any order; random draws nothing for one */
	else if (n)
		batch_order(dev, n, ord);
	for (unsigned int k = 0; k < n; k++) {
		struct vfs_req *req = w->batch[ord[k]];

		if (!req_complete(w, req))
			goto out;
		vfs_req_free(w, req);
		w->batch[ord[k]] = NULL;
	}
	w->nr_batch = 0; /* every request completed and freed */
	return;
out:
	batch_release(w);
}

static int worker_fn(void *arg)
{
	struct vfs_worker *w = arg;
	struct vfs_ring *r = w->ring;

	while (!w->stop) {
		if (!vfs_ring_may_pop(r) || !vringh_avail_count(&r->vrh)) {
			wq_wait(&r->wq, SCHED_WAIT_IDLE, 0);
			continue;
		}
		worker_batch(w);
	}
	return 0;
}

void vfs_workers_spawn(struct vfs_dev *dev)
{
	for (unsigned int i = 0; i < dev->nr_rings; i++) {
		struct vfs_ring *r = &dev->rings[i];

		for (unsigned int k = 0; k < r->nr_workers; k++) {
			struct vfs_worker *w = &r->workers[k];

			w->ring = r;
			snprintf(w->name, sizeof(w->name), "vfsd/%.14s/%u",
				 r->name, (unsigned char)k);
			w->batch = host_calloc(VFS_DEV_MAX_BATCH,
					       sizeof(*w->batch));
			w->task = task_spawn_flags(worker_fn, w, w->name,
						   TASK_DEVICE, (int)i,
						   TASK_F_DAEMON);
		}
	}
}

void vfs_ring_wake_all(struct vfs_ring *r)
{
	wake_up(&r->wq);
	wake_up(&r->drain_wq);
	for (unsigned int k = 0; k < r->nr_workers; k++)
		if (r->workers[k].sleeping)
			sched_wake(r->workers[k].task);
}

/*
 * Guarantees: every worker has returned (when a scheduler still runs and
 * we are outside any task) and nothing the workers held is left.
 */
void vfs_workers_stop(struct vfs_dev *dev)
{
	bool join = sched_ready() && !current;

	for (unsigned int i = 0; i < dev->nr_rings; i++) {
		struct vfs_ring *r = &dev->rings[i];

		for (unsigned int k = 0; k < r->nr_workers; k++)
			r->workers[k].stop = true;
		if (join)
			vfs_ring_wake_all(r);
	}
	if (join)
		wake_up(&dev->lock_wq);
	for (unsigned int i = 0; i < dev->nr_rings; i++) {
		struct vfs_ring *r = &dev->rings[i];

		for (unsigned int k = 0; k < r->nr_workers; k++) {
			struct vfs_worker *w = &r->workers[k];

			if (join && w->task && !task_done(w->task))
				task_join(w->task, NULL);
			if (w->batch)
				batch_release(w);
			host_free(w->batch);
			w->batch = NULL;
			if (w->spare)
				vfs_req_destroy(w->spare);
			w->spare = NULL;
			vringh_chain_release(&w->chain);
		}
	}
}

void vfs_ring_drop_all(struct vfs_ring *r)
{
	struct vfs_req *req, *tmp;

	list_for_each_entry_safe(req, tmp, &r->held, node) {
		TRACE(.kind = "dev.drop", .func = "vuf_reset", .queue = r->name,
		      .head = req->ch.head, .unique = req->unique,
		      .opcode = req->opcode, .detail = "never completed");
		list_del_init(&req->node);
		r->st.in_progress--;
		r->st.dropped++;
	}
}

void vfs_dev_note_locks(struct vfs_dev *dev)
{
	u64 gen = fuse_server_lock_generation(dev->srv);

	if (gen == dev->lock_gen)
		return;
	dev->lock_gen = gen;
	wake_up(&dev->lock_wq);
}

/* --- behaviour controls -------------------------------------------------- */

void vfs_dev_set_latency(struct vfs_dev *dev, u64 ns)
{
	dev->latency_ns = ns;
	TRACE(.kind = "dev.control", .func = "vfs_dev_set_latency",
	      .detail = trace_fmt("latency=%llu ns", (unsigned long long)ns));
}

int vfs_dev_set_batch(struct vfs_dev *dev, unsigned int n)
{
	if (!n || n > VFS_DEV_MAX_BATCH)
		return -EINVAL;
	dev->batch = n;
	TRACE(.kind = "dev.control", .func = "vfs_dev_set_batch",
	      .detail = trace_fmt("batch=%u", n));
	return 0;
}

void vfs_dev_set_order(struct vfs_dev *dev, enum vfs_dev_order order, u64 seed)
{
	static const char *const names[] = { "in-order", "reversed", "random" };

	assert((unsigned int)order < ARRAY_SIZE(names));
	dev->order = order;
	/* xorshift must not start at 0 */
	dev->rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
	TRACE(.kind = "dev.control", .func = "vfs_dev_set_order",
	      .detail = trace_fmt("order=%s seed=%llu", names[order],
				  (unsigned long long)seed));
}

void vfs_dev_pause(struct vfs_dev *dev, bool paused)
{
	dev->paused = paused;
	TRACE_ANY(.kind = paused ? "dev.pause" : "dev.unpause",
		  .func = "vfs_dev_pause");
	if (!paused)
		for (unsigned int i = 0; i < dev->nr_rings; i++)
			wake_up(&dev->rings[i].wq);
}

void vfs_dev_kill(struct vfs_dev *dev)
{
	dev->dead = true;
	TRACE(.kind = "dev.dead", .func = "vfs_dev_kill",
	      .detail = trace_fmt("holding %u chains forever",
				  vfs_dev_in_progress(dev)));
	for (unsigned int i = 0; i < dev->nr_rings; i++)
		wake_up(&dev->rings[i].drain_wq);
}

bool vfs_dev_dead(const struct vfs_dev *dev)
{
	return dev->dead;
}

bool vfs_dev_paused(const struct vfs_dev *dev)
{
	return dev->paused;
}
