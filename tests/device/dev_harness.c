// SPDX-License-Identifier: GPL-2.0-only
/*
 * dev_harness.c - the driver side of the device tests (dev_harness.h).
 */
#include "tests/device/dev_harness.h"

#include <stdlib.h>
#include <string.h>

#include "sim/kernel/gmem.h"
#include "sim/kernel/scatterlist.h"
#include "sim/kernel/slab.h"
#include "sim/virtio/virtio_ring.h"
#include "sim/virtio/virtqueue.h"
#include "tests/sim/sim_test_util.h"

struct vfs_dev *dh_dev;
struct virtio_device dh_vdev;
struct virtqueue *dh_vqs[DH_MAX_QUEUES];
unsigned int dh_irqs[DH_MAX_QUEUES];
bool dh_swap;

static struct dh_req *reqs[DH_MAX_REQS];
static unsigned int nr_reqs;
static unsigned int done_count[DH_MAX_QUEUES];
static u64 next_unique;

static void dh_cb(struct virtqueue *vq)
{
	dh_irqs[vq->index]++;
}

static int dh_probe(struct virtio_device *v)
{
	static void (*const cbs[DH_MAX_QUEUES])(struct virtqueue *) = {
		dh_cb, dh_cb, dh_cb, dh_cb, dh_cb, dh_cb, dh_cb, dh_cb
	};
	static const char *const names[DH_MAX_QUEUES] = {
		"hiprio",     "requests.0", "requests.1", "requests.2",
		"requests.3", "requests.4", "requests.5", "requests.6"
	};
	unsigned int n = vfs_dev_num_queues(dh_dev);

	CU_ASSERT_FATAL(n <= DH_MAX_QUEUES);
	return virtio_find_vqs(v, n, dh_vqs, cbs, names);
}

static void dh_remove(struct virtio_device *v)
{
	virtio_reset_device(v);
	v->config->del_vqs(v);
	memset(dh_vqs, 0, sizeof(dh_vqs));
}

static struct virtio_driver dh_drv = {
	.name = "dh_virtio_fs",
	.probe = dh_probe,
	.remove = dh_remove,
};

void dh_setup(const struct vfs_dev_config *cfg)
{
	kmem_exit();
	gmem_exit();
	CU_ASSERT_EQUAL_FATAL(gmem_init(16u << 20), 0);
	sim_test_setup();
	memset(dh_irqs, 0, sizeof(dh_irqs));
	memset(done_count, 0, sizeof(done_count));
	memset(dh_vqs, 0, sizeof(dh_vqs));
	dh_swap = false;
	next_unique = 0;
	nr_reqs = 0;
	CU_ASSERT_EQUAL_FATAL(vfs_dev_create(cfg, &dh_dev), 0);
	CU_ASSERT_EQUAL_FATAL(vfs_dev_join(dh_dev, &dh_vdev), 0);
	CU_ASSERT_EQUAL_FATAL(virtio_driver_probe(&dh_vdev, &dh_drv), 0);
}

void dh_setup_default(void)
{
	dh_setup(NULL);
}

void dh_teardown(void)
{
	vfs_dev_free(dh_dev);
	dh_dev = NULL;
	if (dh_vdev.vqs)
		dh_vdev.config->del_vqs(&dh_vdev);
	for (unsigned int i = 0; i < nr_reqs; i++)
		free(reqs[i]);
	nr_reqs = 0;
	sim_test_teardown();
	CU_ASSERT_EQUAL(kmem_exit(), 0);
	gmem_exit();
}

static struct dh_req *add(unsigned int q, struct dh_req *r)
{
	struct scatterlist so, si, *sgs[2];
	unsigned int n = 0, nin = 0;
	int ret;

	CU_ASSERT_FATAL(q < DH_MAX_QUEUES && dh_vqs[q]);
	CU_ASSERT_FATAL(nr_reqs < DH_MAX_REQS);
	r->q = q;
	sg_init_one(&so, r->req, (unsigned int)r->req_len);
	sgs[n++] = &so;
	if (r->rep_cap) {
		sg_init_one(&si, r->rep, (unsigned int)r->rep_cap);
		sgs[n++] = &si;
		nin = 1;
	}
	ret = virtqueue_add_sgs(dh_vqs[q], sgs, 1, nin, r, GFP_ATOMIC);
	if (ret) {
		free(r);
		return NULL;
	}
	reqs[nr_reqs++] = r;
	return r;
}

struct dh_req *dh_submit(unsigned int q, const struct fuse_proto_args *a,
			 size_t rep_cap)
{
	struct dh_req *r = calloc(1, sizeof(*r));
	ssize_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	r->unique = ++next_unique;
	r->args = *a;
	r->req_len = fuse_proto_request_size(a);
	CU_ASSERT_FATAL(r->req_len > 0);
	r->req = gmem_alloc(r->req_len, 0);
	r->rep_cap = rep_cap ? rep_cap : fuse_proto_reply_size(a);
	r->rep = r->rep_cap ? gmem_alloc(r->rep_cap, 0) : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->req);
	n = fuse_proto_build_request(r->req, r->req_len, r->unique, a, 1000,
				     1000, 42);
	CU_ASSERT_EQUAL_FATAL(n, (ssize_t)r->req_len);
	r->swap = dh_swap;
	if (dh_swap)
		CU_ASSERT_EQUAL_FATAL(
			fuse_proto_bswap_request(r->req, r->req_len,
						 FUSE_PROTO_TO_PEER),
			0);
	/* The in values pointed at the caller's stack. */
	for (unsigned int i = 0; i < FUSE_PROTO_MAX_IN_ARGS; i++)
		r->args.in_args[i].value = NULL;
	return add(q, r);
}

struct dh_req *dh_submit_raw(unsigned int q, const void *bytes, size_t len,
			     size_t rep_cap)
{
	struct dh_req *r = calloc(1, sizeof(*r));

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	r->req_len = len;
	r->req = gmem_alloc(len ? len : 1, 0);
	memcpy(r->req, bytes, len);
	r->rep_cap = rep_cap;
	r->rep = rep_cap ? gmem_alloc(rep_cap, 0) : NULL;
	if (len >= sizeof(struct fuse_in_header))
		memcpy(&r->unique,
		       (const u8 *)bytes +
			       offsetof(struct fuse_in_header, unique),
		       sizeof(r->unique));
	return add(q, r);
}

bool dh_kick(unsigned int q)
{
	return virtqueue_kick(dh_vqs[q]);
}

unsigned int dh_reap(unsigned int q)
{
	struct dh_req *r;
	unsigned int len, n = 0;

	if (!dh_vqs[q])
		return 0;
	while ((r = virtqueue_get_buf(dh_vqs[q], &len))) {
		r->done = true;
		r->used_len = len;
		r->order = done_count[q]++;
		if (r->swap && len >= sizeof(struct fuse_out_header))
			r->verify_err = fuse_proto_bswap_reply(
				r->rep, len, r->args.opcode, 0,
				FUSE_PROTO_FROM_PEER);
		n++;
	}
	return n;
}

enum sched_status dh_run(void)
{
	enum sched_status st = sched_run();

	for (unsigned int q = 0; q < DH_MAX_QUEUES; q++)
		dh_reap(q);
	return st;
}

int dh_result(struct dh_req *r)
{
	struct fuse_out_header oh;

	if (!r->done)
		return DH_PENDING;
	if (!r->verify_err)
		r->verify_err = fuse_proto_verify_reply(
			&r->args, r->unique, r->rep, r->used_len, &oh);
	return r->verify_err ? DH_BADREPLY : oh.error;
}

const void *dh_payload(struct dh_req *r)
{
	return r->rep + sizeof(struct fuse_out_header);
}

#define IN(i, p, n) (a.in_args[i] = (struct fuse_proto_in_arg){ (u32)(n), (p) })
#define OUT(i, n)   (a.out_args[i] = (struct fuse_proto_out_arg){ (u32)(n), 0 })
#define NAME(i, s)  IN(i, s, strlen(s) + 1)

struct dh_req *dh_init_req(unsigned int q)
{
	struct fuse_init_in in = { 7, 38, 65536, 0, 0, { 0 } };
	struct fuse_proto_args a = { .opcode = FUSE_INIT,
				     .in_numargs = 1,
				     .out_numargs = 1 };

	IN(0, &in, sizeof(in));
	OUT(0, sizeof(struct fuse_init_out));
	return dh_submit(q, &a, 0);
}

struct dh_req *dh_lookup(unsigned int q, u64 parent, const char *name)
{
	struct fuse_proto_args a = { .opcode = FUSE_LOOKUP,
				     .nodeid = parent,
				     .in_numargs = 1,
				     .out_numargs = 1 };

	NAME(0, name);
	OUT(0, sizeof(struct fuse_entry_out));
	return dh_submit(q, &a, 0);
}

struct dh_req *dh_getattr(unsigned int q, u64 ino)
{
	struct fuse_getattr_in in = { 0, 0, 0 };
	struct fuse_proto_args a = { .opcode = FUSE_GETATTR,
				     .nodeid = ino,
				     .in_numargs = 1,
				     .out_numargs = 1 };

	IN(0, &in, sizeof(in));
	OUT(0, sizeof(struct fuse_attr_out));
	return dh_submit(q, &a, 0);
}

struct dh_req *dh_mkdir(unsigned int q, u64 parent, const char *name)
{
	struct fuse_mkdir_in in = { 0755, 022 };
	struct fuse_proto_args a = { .opcode = FUSE_MKDIR,
				     .nodeid = parent,
				     .in_numargs = 2,
				     .out_numargs = 1 };

	IN(0, &in, sizeof(in));
	NAME(1, name);
	OUT(0, sizeof(struct fuse_entry_out));
	return dh_submit(q, &a, 0);
}

struct dh_req *dh_create(unsigned int q, u64 parent, const char *name)
{
	struct fuse_create_in in = { 2 /* O_RDWR */, 0100644, 022, 0 };
	struct fuse_proto_args a = { .opcode = FUSE_CREATE,
				     .nodeid = parent,
				     .in_numargs = 2,
				     .out_numargs = 2 };

	IN(0, &in, sizeof(in));
	NAME(1, name);
	OUT(0, sizeof(struct fuse_entry_out));
	OUT(1, sizeof(struct fuse_open_out));
	return dh_submit(q, &a, 0);
}

struct dh_req *dh_forget(unsigned int q, u64 ino, u64 n)
{
	struct fuse_forget_in in = { n };
	struct fuse_proto_args a = { .opcode = FUSE_FORGET,
				     .nodeid = ino,
				     .in_numargs = 1,
				     .noreply = true };

	IN(0, &in, sizeof(in));
	return dh_submit(q, &a, 16);
}

struct dh_req *dh_write(unsigned int q, u64 ino, u64 fh, const void *data,
			u32 size)
{
	struct fuse_write_in in = { fh, 0, size, 0, 0, 0, 0 };
	struct fuse_proto_args a = { .opcode = FUSE_WRITE,
				     .nodeid = ino,
				     .in_numargs = 2,
				     .out_numargs = 1 };

	IN(0, &in, sizeof(in));
	IN(1, data, size);
	OUT(0, sizeof(struct fuse_write_out));
	return dh_submit(q, &a, 0);
}

struct dh_req *dh_lk(unsigned int q, u32 opcode, u64 ino, u64 fh, u64 owner,
		     u32 type)
{
	struct fuse_lk_in in = { fh, owner, { 0, 99, type, 77 }, 0, 0 };
	struct fuse_proto_args a = { .opcode = opcode,
				     .nodeid = ino,
				     .in_numargs = 1 };

	IN(0, &in, sizeof(in));
	return dh_submit(q, &a, 0);
}

void dh_do_init(void)
{
	struct dh_req *r = dh_init_req(1);

	dh_expect(r, 0);
	CU_ASSERT_FATAL(fuse_server_initialized(vfs_dev_server(dh_dev)));
}

void dh_expect(struct dh_req *r, int err)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(dh_kick(r->q));
	dh_run();
	CU_ASSERT_EQUAL(dh_result(r), err);
}

/* Every byte the device may write: used rings and reply buffers. */
static size_t snap_walk(u8 *dst)
{
	size_t off = 0;

	for (unsigned int q = 0; q < DH_MAX_QUEUES; q++) {
		size_t n;

		if (!dh_vqs[q])
			continue;
		n = vring_used_size(virtqueue_get_vring_size(dh_vqs[q]));
		if (dst)
			memcpy(dst + off,
			       phys_to_virt(virtqueue_get_used_addr(dh_vqs[q])),
			       n);
		off += n;
	}
	for (unsigned int i = 0; i < nr_reqs; i++) {
		if (dst && reqs[i]->rep_cap)
			memcpy(dst + off, reqs[i]->rep, reqs[i]->rep_cap);
		off += reqs[i]->rep_cap;
	}
	return off;
}

void dh_snap(struct dh_snapshot *s)
{
	s->len = snap_walk(NULL);
	s->bytes = malloc(s->len ? s->len : 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s->bytes);
	snap_walk(s->bytes);
}

bool dh_snap_same(const struct dh_snapshot *s)
{
	struct dh_snapshot now;
	bool same;

	dh_snap(&now);
	same = now.len >= s->len && !memcmp(now.bytes, s->bytes, s->len);
	dh_snap_free(&now);
	return same;
}

void dh_snap_free(struct dh_snapshot *s)
{
	free(s->bytes);
	s->bytes = NULL;
}

long dh_find_nth(const char *needle, unsigned int nth)
{
	long i = -1;

	do {
		i = trace_find(needle, (size_t)(i + 1));
	} while (i >= 0 && nth--);
	return i;
}

unsigned int dh_count(const char *needle)
{
	unsigned int n = 0;

	for (long i = trace_find(needle, 0); i >= 0;
	     i = trace_find(needle, (size_t)i + 1))
		n++;
	return n;
}
