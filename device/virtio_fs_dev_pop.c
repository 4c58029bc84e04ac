// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_fs_dev_pop.c - a queue worker's way in (the vu_queue_pop() half
 * of virtiofsd's fv_queue_worker): take a chain off the ring, copy its
 * readable part into host memory and read its header; and the host
 * request that carries a chain from pop to completion, kept per worker
 * for the next pop. Apart from virtio_fs_dev_worker.c, which executes and
 * completes the requests, so each file holds one side of the guest
 * memory copy.
 */
#include <string.h>

#include "device/virtio_fs_dev_internal.h"
#include "fuse_proto/fuse_msg.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

#define FUSE_IN_HDR sizeof(struct fuse_in_header)

static size_t min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

void vfs_req_destroy(struct vfs_req *req)
{
	vringh_chain_release(&req->ch);
	host_free(req->in);
	host_free(req->out);
	host_free(req);
}

/* The chain the next pop fills: @w's spare's, whose chain array the pop
 * reuses, or the worker's own when there is no spare. The spare stays the
 * spare until a chain is popped into it, so a pop that finds the ring
 * empty (the last one of every batch that is not full) costs no request
 * made and freed. */
static struct vringh_chain *req_chain(struct vfs_worker *w)
{
	return w->spare ? &w->spare->ch : &w->chain;
}

/* A new request for the chain just popped into @w's own (the worker
 * keeps the new one's empty chain). Out of line: a worker that finished
 * a request before has a spare. */
static __attribute__((cold, noinline)) struct vfs_req *
req_new(struct vfs_worker *w)
{
	struct vfs_req *req = host_calloc(1, sizeof(*req));
	struct vringh_chain empty = req->ch;

	req->ch = w->chain;
	w->chain = empty;
	return req;
}

/* The request a chain was just popped into (req_chain()): @w's spare or
 * a new one, as calloc() would give it but with its chain, chain array
 * and buffers. vringh_pop() set every field of the chain; the reset names
 * every other field (a memset() of the whole request costs more than the
 * pop it serves). */
static struct vfs_req *req_take(struct vfs_worker *w)
{
	struct vfs_req *req = w->spare ? w->spare : req_new(w);

	w->spare = NULL;
	INIT_LIST_HEAD(&req->node);
	req->epoch = 0;
	req->unique = 0;
	req->opcode = -1;
	req->in_len = 0;
	req->out_cap = 0;
	req->out_len = 0;
	req->oversize = false;
	req->swap = false;
	req->late_ns = 0;
	req->malformed = 0;
	req->stall = false;
	req->stall_ns = 0;
	return req;
}

/* At least @want bytes at @buf; the old contents need not survive. */
static void buf_reserve(u8 **buf, size_t *size, size_t want)
{
	if (*size >= want)
		return;
	host_free(*buf);
	*buf = host_malloc(want);
	*size = want;
}

/* Read unique and opcode from the header, in the session's byte order. */
static void req_decode(struct vfs_dev *dev, struct vfs_req *req, const u8 *buf,
		       size_t len)
{
	struct fuse_in_header h;
	bool swap;

	if (len < FUSE_IN_HDR)
		return;
	memcpy(&h, buf, sizeof(h));
	swap = fuse_server_bswapped(dev->srv) ||
	       (!fuse_server_initialized(dev->srv) &&
		fuse_proto_detect_bswap(&h) == 1);
	req->swap = swap;
	req->unique = swap ? __builtin_bswap64(h.unique) : h.unique;
	req->opcode = (s32)(swap ? __builtin_bswap32(h.opcode) : h.opcode);
}

/*
 * A buffer of @req's chain is no longer in guest memory: a vhost-user
 * front end removed its region (REM_MEM_REG, or a SET_MEM_TABLE without
 * it) while the request was in flight. vfsim's own handling: C virtiofsd
 * never meets this (it handles no vhost-user message while a queue
 * thread works), and vfsim serves messages between a pop and its reply.
 * vringh_pop() answers a buffer outside guest memory by making the ring
 * need a reset, as libvhost-user answers a buffer it cannot map
 * (vu_panic()); the same fault found later ends the same way, rather than
 * failing the request alone: its reply could not reach the guest anyway.
 * The request is given up without a used element (counted faulted); the
 * trace names it, the front end hears of it on the ring's err eventfd
 * (NEEDS_RESET in the simulated transport), and the reset gives the
 * driver its buffers back.
 */
void vfs_req_fault(struct vfs_ring *r, struct vfs_req *req, int err,
		   const char *why)
{
	vringh_chain_fault(&r->vrh, req->ch.head, err, why);
	vfs_req_finish(r, req);
	r->st.faulted++;
	if (!r->broken)
		vfs_ring_broken(r, err);
}

/*
 * Gather the readable part into host memory (only the header of an
 * oversized request) and size the reply buffer. Guarantees: on 0, req->in
 * holds in_len bytes, req->out has room for out_cap bytes; otherwise the
 * copy's errno (a buffer the front end took away).
 */
static int req_gather(struct vfs_dev *dev, struct vfs_req *req)
{
	size_t want = req->ch.out_len;
	ssize_t n;

	if (want > dev->cfg.max_request_size) {
		req->oversize = true;
		want = FUSE_IN_HDR;
	}
	req->out_cap = min_sz(req->ch.in_len, dev->cfg.max_reply_size);
	buf_reserve(&req->in, &req->in_size, want ? want : 1);
	buf_reserve(&req->out, &req->out_size, req->out_cap ? req->out_cap : 1);
	/* The pop found the buffers in guest memory, but a mapped region can
	 * go between the pop and any copy: the copy checks again. */
	n = vringh_chain_read(&req->ch, 0, req->in, want);
	if (unlikely(n < 0))
		return (int)n;
	req->in_len = (size_t)n;
	req_decode(dev, req, req->in, req->in_len);
	return 0;
}

/* Pop one chain and take it into the ring's in-progress set. */
struct vfs_req *vfs_req_pop(struct vfs_worker *w)
{
	struct vfs_ring *r = w->ring;
	struct vfs_req *req;
	int ret;

	ret = vringh_pop(&r->vrh, req_chain(w));
	if (ret <= 0) {
		/* A ring found broken earlier (by a count that saw the avail
		 * index jump, say) pops -EIO: name the fault that broke it. */
		if (ret < 0)
			vfs_ring_broken(r, r->vrh.error ? r->vrh.error : ret);
		return NULL;
	}
	req = req_take(w);
	req->epoch = r->epoch;
	list_add_tail(&req->node, &r->held);
	r->st.in_progress++;
	r->st.popped++;
	ret = req_gather(r->dev, req);
	if (unlikely(ret)) {
		vfs_req_fault(r, req, ret,
			      "request buffer no longer in guest memory");
		vfs_req_free(w, req);
		return NULL;
	}
	TRACE(.kind = "dev.pop", .func = "fv_queue_worker", .queue = r->name,
	      .head = req->ch.head, .avail_idx = r->vrh.last_avail_idx,
	      .unique = req->unique, .opcode = req->opcode,
	      .args = TRACE_FMT("out=%u in=%u", req->ch.out_len,
				req->ch.in_len));
	vfs_req_check_leak(req);
	return req;
}
