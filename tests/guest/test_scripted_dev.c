// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_scripted_dev.c - the scripted virtio-fs device, driven from the
 * driver side of the virtqueue API: default replies, every script action,
 * whole-device controls, lookup accounting, config space and unplug.
 */
#include "tests/guest/scripted_dev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "sim/completion.h"
#include "sim/slab.h"
#include "sim/task.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

#define MAXQ 8
#define MAXT 64

/* One request as the test driver sent it. */
struct treq {
	struct fuse_proto_args args;
	u64 unique;
	u8 *out;
	u32 olen;
	u8 *in;
	u32 ilen;
	unsigned int used;
	bool done;
	char task[32];
};

static struct sdev dev;
static struct sdev_config cfg;
static struct virtqueue *vqs[MAXQ];
static struct treq treqs[MAXT];
static unsigned int nr_treqs;
static int order[MAXT];
static unsigned int nr_order;
static struct completion *waiter;
static unsigned int removes;
static const char *remove_task;
static u64 next_unique;

static void cb(struct virtqueue *vq)
{
	struct treq *t;
	unsigned int len;

	while ((t = virtqueue_get_buf(vq, &len))) {
		t->used = len;
		t->done = true;
		snprintf(t->task, sizeof(t->task), "%s",
			 current ? current->name : "main");
		order[nr_order++] = (int)(t - treqs);
		if (waiter)
			complete(waiter);
	}
}

static int tdrv_probe(struct virtio_device *vdev)
{
	static void (*const cbs[MAXQ])(struct virtqueue *) = { cb, cb, cb, cb,
							       cb, cb, cb, cb };
	static const char *const names[MAXQ] = { "hiprio", "req.0", "req.1",
						 "req.2",  "req.3", "req.4",
						 "req.5",  "req.6" };

	return virtio_find_vqs(vdev, vdev->backend->num_queues, vqs, cbs,
			       names);
}

static void tdrv_remove(struct virtio_device *vdev)
{
	removes++;
	remove_task = current ? current->name : "main";
	virtio_reset_device(vdev);
	vdev->config->del_vqs(vdev);
}

static struct virtio_driver tdrv = {
	.name = "tdrv",
	.probe = tdrv_probe,
	.remove = tdrv_remove,
};

/* Create the device with @c (after sdev_config_init() adjustments) and
 * bind the test driver. */
static void start(const struct sdev_config *c)
{
	CU_ASSERT_EQUAL_FATAL(sdev_create(&dev, c), 0);
	CU_ASSERT_EQUAL_FATAL(virtio_driver_probe(&dev.vdev, &tdrv), 0);
}

static void setup(void)
{
	kmem_exit();
	gmem_exit();
	CU_ASSERT_EQUAL_FATAL(gmem_init(4 << 20), 0);
	sim_test_setup();
	sdev_config_init(&cfg);
	memset(treqs, 0, sizeof(treqs));
	memset(vqs, 0, sizeof(vqs));
	nr_treqs = 0;
	nr_order = 0;
	removes = 0;
	remove_task = NULL;
	waiter = NULL;
	next_unique = 2;
}

static void teardown(void)
{
	if (dev.task) {
		if (dev.vdev.vqs)
			dev.vdev.config->del_vqs(&dev.vdev);
		sdev_destroy(&dev);
	}
	for (unsigned int i = 0; i < nr_treqs; i++) {
		gmem_free(treqs[i].out);
		gmem_free(treqs[i].in);
	}
	memset(&dev, 0, sizeof(dev));
	CU_ASSERT_EQUAL(kmem_exit(), 0);
	sim_test_teardown();
	gmem_exit();
}

/* Build @a into guest memory and add it to queue @q with @room writable
 * bytes (0: what the reply needs); kick unless @nokick. */
static struct treq *add(unsigned int q, const struct fuse_proto_args *a,
			u32 room, bool kick)
{
	struct treq *t = &treqs[nr_treqs++];
	struct scatterlist so, si, *sgs[2] = { &so, &si };
	ssize_t n;

	t->args = *a;
	t->unique = next_unique;
	next_unique += 2;
	t->olen = (u32)fuse_proto_request_size(a);
	t->ilen = room ? room : (u32)fuse_proto_reply_size(a);
	t->out = gmem_alloc(t->olen, 8);
	t->in = gmem_alloc(t->ilen, 8);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->in);
	memset(t->in, 0x5a, t->ilen);
	n = fuse_proto_build_request(t->out, t->olen, t->unique, a, 0, 0, 1);
	CU_ASSERT_EQUAL_FATAL(n, (ssize_t)t->olen);
	sg_init_one(&so, t->out, t->olen);
	sg_init_one(&si, t->in, t->ilen);
	CU_ASSERT_EQUAL_FATAL(virtqueue_add_sgs(vqs[q], sgs, 1,
						a->noreply ? 0 : 1, t,
						GFP_ATOMIC),
			      0);
	if (kick)
		virtqueue_kick(vqs[q]);
	return t;
}

static struct treq *send(unsigned int q, const struct fuse_proto_args *a)
{
	return add(q, a, 0, true);
}

static int verify(const struct treq *t, struct fuse_out_header *oh)
{
	return fuse_proto_verify_reply(&t->args, t->unique, t->in, t->used, oh);
}

/* ---- request builders (the in args must outlive add()) ---- */

static struct fuse_init_in init_in;
static struct fuse_getattr_in getattr_in;
static struct fuse_forget_in forget_in;
static struct fuse_open_in open_in;
static struct fuse_read_in read_in;
static struct fuse_mkdir_in mkdir_in;
static struct fuse_create_in create_in;

static struct fuse_proto_args a_init(u32 minor, u32 flags)
{
	init_in = (struct fuse_init_in){ .major = 7,
					 .minor = minor,
					 .max_readahead = 65536,
					 .flags = flags };
	return (struct fuse_proto_args){
		.opcode = FUSE_INIT,
		.in_numargs = 1,
		.in_args = { { sizeof(init_in), &init_in } },
		.out_numargs = 1,
		.out_argvar = true,
		.out_args = { { sizeof(struct fuse_init_out), NULL } }
	};
}

static struct fuse_proto_args a_name(u32 opcode, u64 parent, const char *name,
				     const void *arg, u32 arg_size)
{
	struct fuse_proto_args a = { .opcode = opcode, .nodeid = parent };
	unsigned int i = 0;

	if (arg)
		a.in_args[i++] = (struct fuse_proto_in_arg){ arg_size, arg };
	a.in_args[i++] =
		(struct fuse_proto_in_arg){ (u32)strlen(name) + 1, name };
	a.in_numargs = (u8)i;
	if (opcode == FUSE_LOOKUP || opcode == FUSE_MKDIR ||
	    opcode == FUSE_CREATE) {
		a.out_numargs = 1;
		a.out_args[0].size = sizeof(struct fuse_entry_out);
	}
	if (opcode == FUSE_CREATE) {
		a.out_numargs = 2;
		a.out_args[1].size = sizeof(struct fuse_open_out);
	}
	return a;
}

static struct fuse_proto_args a_lookup(u64 parent, const char *name)
{
	return a_name(FUSE_LOOKUP, parent, name, NULL, 0);
}

static struct fuse_proto_args a_getattr(u64 nodeid)
{
	return (struct fuse_proto_args){
		.opcode = FUSE_GETATTR,
		.nodeid = nodeid,
		.in_numargs = 1,
		.in_args = { { sizeof(getattr_in), &getattr_in } },
		.out_numargs = 1,
		.out_args = { { sizeof(struct fuse_attr_out), NULL } }
	};
}

static struct fuse_proto_args a_forget(u64 nodeid, u64 n)
{
	forget_in.nlookup = n;
	return (struct fuse_proto_args){ .opcode = FUSE_FORGET,
					 .nodeid = nodeid,
					 .noreply = true,
					 .in_numargs = 1,
					 .in_args = { { sizeof(forget_in),
							&forget_in } } };
}

static struct fuse_proto_args a_simple(u32 opcode, u64 nodeid, const void *in,
				       u32 in_size, u32 out_size, bool argvar)
{
	return (struct fuse_proto_args){ .opcode = opcode,
					 .nodeid = nodeid,
					 .in_numargs = in ? 1 : 0,
					 .in_args = { { in_size, in } },
					 .out_numargs = out_size ? 1 : 0,
					 .out_argvar = argvar,
					 .out_args = { { out_size, NULL } } };
}

static u64 reply_u64(const struct treq *t, size_t off)
{
	u64 v;

	memcpy(&v, t->in + sizeof(struct fuse_out_header) + off, sizeof(v));
	return v;
}

static u32 reply_u32(const struct treq *t, size_t off)
{
	u32 v;

	memcpy(&v, t->in + sizeof(struct fuse_out_header) + off, sizeof(v));
	return v;
}

/* ---- tests ---- */

static void test_init_reply_and_record(void)
{
	struct fuse_init_out out;
	struct fuse_out_header oh;
	struct fuse_proto_args a;
	const struct sdev_req *r;
	struct treq *t;
	long ev;

	cfg.max_write = 65536;
	cfg.init_flags = FUSE_ASYNC_READ | FUSE_INIT_EXT;
	start(&cfg);
	a = a_init(40, FUSE_ASYNC_READ | FUSE_POSIX_LOCKS | FUSE_INIT_EXT);
	t = send(1, &a);
	CU_ASSERT_FALSE(t->done); /* the kick only woke the device task */
	CU_ASSERT_EQUAL(sdev_nr_requests(&dev), 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_TRUE_FATAL(t->done);
	CU_ASSERT_STRING_EQUAL(t->task, "irq/0");
	CU_ASSERT_EQUAL(verify(t, &oh), 0);
	CU_ASSERT_EQUAL(oh.error, 0);
	memcpy(&out, t->in + sizeof(oh), sizeof(out));
	CU_ASSERT_EQUAL(out.major, 7);
	CU_ASSERT_EQUAL(out.minor, 38);
	CU_ASSERT_EQUAL(out.max_write, 65536);
	CU_ASSERT_EQUAL(out.flags, FUSE_ASYNC_READ | FUSE_INIT_EXT);
	CU_ASSERT_EQUAL(out.map_alignment, 12);
	CU_ASSERT_EQUAL(out.max_pages, 32);
	CU_ASSERT_EQUAL(out.max_readahead, 65536);
	CU_ASSERT_EQUAL(dev.init_minor, 38);

	r = sdev_request(&dev, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_PTR_NULL(sdev_request(&dev, 1));
	CU_ASSERT_EQUAL(r->queue, 1);
	CU_ASSERT_EQUAL(r->opcode, FUSE_INIT);
	CU_ASSERT_EQUAL(r->unique, t->unique);
	CU_ASSERT_EQUAL(r->parse_err, 0);
	CU_ASSERT_EQUAL(r->hdr_len, t->olen);
	CU_ASSERT_EQUAL(r->out_len, t->olen);
	CU_ASSERT_EQUAL(r->in_len, t->ilen);
	CU_ASSERT_EQUAL(r->raw_len, t->olen);
	CU_ASSERT_EQUAL(memcmp(r->raw, t->out, t->olen), 0);
	CU_ASSERT_EQUAL(r->outcome, SDEV_OUT_REPLIED);
	CU_ASSERT_EQUAL(r->action, SDEV_ACT_DEFAULT);
	CU_ASSERT_EQUAL(r->rule, -1);
	CU_ASSERT_EQUAL(r->used_len, t->used);
	CU_ASSERT_PTR_EQUAL(sdev_last(&dev, FUSE_INIT), r);
	CU_ASSERT_PTR_NULL(sdev_last(&dev, FUSE_LOOKUP));
	CU_ASSERT_EQUAL(sdev_count_op(&dev, FUSE_INIT), 1);
	/* Processed in the device task, not on the kicker's stack. */
	ev = trace_find("sdev.request", 0);
	CU_ASSERT_FATAL(ev >= 0);
	CU_ASSERT_STRING_EQUAL(trace_event_at((size_t)ev)->task, "sdev");
	CU_ASSERT_EQUAL(dev.kicks[1], 1);
	CU_ASSERT_EQUAL(dev.irqs[1], 1);

	/* A guest with a lower minor gets its own minor back. */
	a = a_init(31, 0);
	t = send(1, &a);
	sched_run();
	CU_ASSERT_EQUAL(verify(t, NULL), 0);
	CU_ASSERT_EQUAL(reply_u32(t, 4), 31);
	/* Another major is refused. */
	a = a_init(38, 0);
	init_in.major = 6;
	t = send(1, &a);
	sched_run();
	CU_ASSERT_EQUAL(verify(t, &oh), 0);
	CU_ASSERT_EQUAL(oh.error, -EPROTO);
}

static void test_default_replies(void)
{
	struct fuse_write_in win = { .size = 100 };
	char wbuf[100];
	struct fuse_lk_in lkin = { 0 };
	struct fuse_release_in rel = { 0 };
	struct fuse_flush_in fl = { 0 };
	struct fuse_rename_in ren = { .newdir = 1 };
	struct fuse_proto_args a;
	struct fuse_out_header oh;
	struct treq *lk1, *lk2, *mk, *cr, *ga, *op, *rd, *wr, *rdir, *gl;
	struct treq *simple[8], *sf, *again;
	unsigned int ns = 0;
	u64 fh1;

	cfg.file_size = 100;
	start(&cfg);
	a = a_lookup(1, "a");
	lk1 = send(1, &a);
	lk2 = send(1, &a);
	mkdir_in.mode = 0755;
	a = a_name(FUSE_MKDIR, 1, "d", &mkdir_in, sizeof(mkdir_in));
	mk = send(1, &a);
	a = a_name(FUSE_CREATE, 1, "f", &create_in, sizeof(create_in));
	cr = send(1, &a);
	a = a_getattr(3);
	ga = send(1, &a);
	a = a_simple(FUSE_OPEN, 2, &open_in, sizeof(open_in),
		     sizeof(struct fuse_open_out), false);
	op = send(1, &a);
	read_in = (struct fuse_read_in){ .offset = 10, .size = 200 };
	a = a_simple(FUSE_READ, 2, &read_in, sizeof(read_in), 200, true);
	rd = send(1, &a);
	memset(wbuf, 1, sizeof(wbuf));
	a = (struct fuse_proto_args){
		.opcode = FUSE_WRITE,
		.nodeid = 2,
		.in_numargs = 2,
		.in_args = { { sizeof(win), &win }, { sizeof(wbuf), wbuf } },
		.out_numargs = 1,
		.out_args = { { sizeof(struct fuse_write_out), NULL } }
	};
	wr = send(1, &a);
	a = a_simple(FUSE_READDIR, 1, &read_in, sizeof(read_in), 4096, true);
	rdir = send(1, &a);
	a = a_simple(FUSE_GETLK, 2, &lkin, sizeof(lkin),
		     sizeof(struct fuse_lk_out), false);
	gl = send(1, &a);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);

	CU_ASSERT_EQUAL(verify(lk1, NULL), 0);
	CU_ASSERT_EQUAL(verify(lk2, NULL), 0);
	CU_ASSERT_EQUAL(reply_u64(lk1, 0), 2);
	CU_ASSERT_EQUAL(reply_u64(lk2, 0), 2); /* same name, same node */
	CU_ASSERT_EQUAL(sdev_lookup_count(&dev, 2), 2);
	CU_ASSERT_EQUAL(verify(mk, NULL), 0);
	CU_ASSERT_EQUAL(reply_u64(mk, 0), 3);
	CU_ASSERT_EQUAL(verify(cr, NULL), 0);
	CU_ASSERT_EQUAL(reply_u64(cr, 0), 4);
	fh1 = reply_u64(cr, sizeof(struct fuse_entry_out));
	CU_ASSERT_EQUAL(sdev_total_lookups(&dev), 4);
	CU_ASSERT_EQUAL(verify(ga, NULL), 0);
	{
		struct fuse_attr_out ao;

		memcpy(&ao, ga->in + sizeof(oh), sizeof(ao));
		CU_ASSERT_EQUAL(ao.attr.ino, 3);
		CU_ASSERT_EQUAL(ao.attr.mode & S_IFMT, S_IFDIR);
	}
	CU_ASSERT_EQUAL(verify(op, NULL), 0);
	CU_ASSERT_EQUAL(reply_u64(op, 0), fh1 + 1);
	CU_ASSERT_EQUAL(verify(rd, NULL), 0);
	CU_ASSERT_EQUAL(rd->used, sizeof(oh) + 90); /* file is 100 bytes */
	for (unsigned int i = 0; i < 90; i++)
		CU_ASSERT_EQUAL(rd->in[sizeof(oh) + i],
				sdev_pattern_byte(2, 10 + i));
	CU_ASSERT_EQUAL(verify(wr, NULL), 0);
	CU_ASSERT_EQUAL(reply_u32(wr, 0), 100);
	CU_ASSERT_EQUAL(verify(rdir, NULL), 0);
	CU_ASSERT_EQUAL(rdir->used, sizeof(oh));
	CU_ASSERT_EQUAL(verify(gl, NULL), 0);
	CU_ASSERT_EQUAL(reply_u32(gl, 16), F_UNLCK);

	/* Empty replies, ENOSYS for what the fake server does not do. */
	a = a_simple(FUSE_FLUSH, 2, &fl, sizeof(fl), 0, false);
	simple[ns++] = send(1, &a);
	a = a_simple(FUSE_RELEASE, 2, &rel, sizeof(rel), 0, false);
	simple[ns++] = send(1, &a);
	a = a_simple(FUSE_RELEASEDIR, 1, &rel, sizeof(rel), 0, false);
	simple[ns++] = send(1, &a);
	a = a_simple(FUSE_SETLK, 2, &lkin, sizeof(lkin), 0, false);
	simple[ns++] = send(1, &a);
	a = a_name(FUSE_UNLINK, 1, "f", NULL, 0);
	simple[ns++] = send(1, &a);
	a = a_name(FUSE_RMDIR, 1, "d", NULL, 0);
	simple[ns++] = send(1, &a);
	a = a_simple(FUSE_DESTROY, 0, NULL, 0, 0, false);
	simple[ns++] = send(1, &a);
	a = a_simple(FUSE_STATFS, 1, NULL, 0, sizeof(struct fuse_statfs_out),
		     false);
	sf = send(1, &a);
	sched_run();
	for (unsigned int i = 0; i < ns; i++) {
		CU_ASSERT_EQUAL(verify(simple[i], &oh), 0);
		CU_ASSERT_EQUAL(oh.error, 0);
	}
	CU_ASSERT_EQUAL(verify(sf, &oh), 0);
	CU_ASSERT_EQUAL(oh.error, -ENOSYS);

	/* Rename "a" to "b": a lookup of "b" finds node 2 again; the name
	 * "f" was unlinked so CREATE makes a new node. */
	a = (struct fuse_proto_args){
		.opcode = FUSE_RENAME,
		.nodeid = 1,
		.in_numargs = 3,
		.in_args = { { sizeof(ren), &ren }, { 2, "a" }, { 2, "b" } }
	};
	send(1, &a);
	a = a_lookup(1, "b");
	again = send(1, &a);
	a = a_name(FUSE_MKDIR, 1, "b", &mkdir_in, sizeof(mkdir_in));
	mk = send(1, &a);
	sched_run();
	CU_ASSERT_EQUAL(reply_u64(again, 0), 2);
	CU_ASSERT_EQUAL(verify(mk, &oh), 0);
	CU_ASSERT_EQUAL(oh.error, -EEXIST);
	CU_ASSERT_EQUAL(sdev_lookup_count(&dev, 2), 3);
}

static void test_forget_balances_lookups(void)
{
	struct fuse_forget_one ones[2] = { { 2, 1 }, { 3, 1 } };
	struct fuse_batch_forget_in bf = { .count = 2 };
	struct fuse_proto_args a;
	struct treq *f, *b;

	start(&cfg);
	a = a_lookup(1, "x");
	send(1, &a);
	send(1, &a);
	a = a_lookup(1, "y");
	send(1, &a);
	sched_run();
	CU_ASSERT_EQUAL(sdev_lookup_count(&dev, 2), 2);
	CU_ASSERT_EQUAL(sdev_lookup_count(&dev, 3), 1);
	CU_ASSERT_EQUAL(sdev_total_lookups(&dev), 3);
	a = a_forget(2, 1);
	f = send(0, &a);
	a = (struct fuse_proto_args){ .opcode = FUSE_BATCH_FORGET,
				      .noreply = true,
				      .in_numargs = 2,
				      .in_args = { { sizeof(bf), &bf },
						   { sizeof(ones), ones } } };
	b = send(0, &a);
	sched_run();
	CU_ASSERT_TRUE(f->done);
	CU_ASSERT_TRUE(b->done);
	CU_ASSERT_EQUAL(f->used, 0);
	CU_ASSERT_EQUAL(b->used, 0);
	CU_ASSERT_EQUAL(sdev_last(&dev, FUSE_FORGET)->outcome,
			SDEV_OUT_NOREPLY);
	CU_ASSERT_EQUAL(sdev_last(&dev, FUSE_FORGET)->queue, 0);
	CU_ASSERT_EQUAL(sdev_total_lookups(&dev), 0);
	CU_ASSERT_EQUAL(dev.forget_underflows, 0);
	/* Forgetting more than looked up, or an unknown node, is noted. */
	a = a_forget(2, 5);
	send(0, &a);
	a = a_forget(99, 1);
	send(0, &a);
	sched_run();
	CU_ASSERT_EQUAL(dev.forget_underflows, 2);
	CU_ASSERT_EQUAL(sdev_lookup_count(&dev, 2), -5);
	CU_ASSERT_EQUAL(sdev_lookup_count(&dev, 99), 0);
	CU_ASSERT(trace_find("sdev.forget_underflow", 0) >= 0);
}

static void test_hold_and_release(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t[3];

	start(&cfg);
	CU_ASSERT_EQUAL(
		sdev_add_rule(&dev, FUSE_GETATTR, SDEV_ANY, 2, SDEV_HOLD), 0);
	for (int i = 0; i < 3; i++)
		t[i] = send(1, &a);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_FALSE(t[0]->done);
	CU_ASSERT_FALSE(t[1]->done);
	CU_ASSERT_TRUE(t[2]->done); /* the rule's count ran out */
	CU_ASSERT_EQUAL(dev.rules[0].hits, 2);
	CU_ASSERT_EQUAL(dev.rules[0].count, 0);
	CU_ASSERT_EQUAL(sdev_nr_held(&dev), 2);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->outcome, SDEV_OUT_PENDING);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->action, SDEV_ACT_HOLD);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->rule, 0);
	CU_ASSERT_EQUAL(sdev_release_held(&dev, 1), 1);
	sched_run();
	CU_ASSERT_TRUE(t[0]->done); /* oldest first */
	CU_ASSERT_FALSE(t[1]->done);
	CU_ASSERT_EQUAL(verify(t[0], NULL), 0);
	CU_ASSERT_EQUAL(sdev_release_held(&dev, 5), 1);
	sched_run();
	CU_ASSERT_TRUE(t[1]->done);
	CU_ASSERT_EQUAL(verify(t[1], NULL), 0);
	CU_ASSERT_EQUAL(sdev_nr_held(&dev), 0);
	CU_ASSERT_EQUAL(sdev_release_held(&dev, 1), 0);
	CU_ASSERT_EQUAL(order[0], 2);
	CU_ASSERT_EQUAL(order[1], 0);
	CU_ASSERT_EQUAL(order[2], 1);
}

static void test_delay_in_virtual_time(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *slow, *fast;

	cfg.num_request_queues = 2;
	start(&cfg);
	sdev_add_rule(&dev, FUSE_GETATTR, SDEV_ANY, 1, SDEV_DELAY(1000000));
	slow = send(1, &a);
	fast = send(2, &a);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_TRUE(slow->done);
	CU_ASSERT_TRUE(fast->done);
	CU_ASSERT_EQUAL(order[0], 1); /* the other queue kept flowing */
	CU_ASSERT_EQUAL(sdev_request(&dev, 1)->done_ns, 0);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->done_ns, 1000000);
	CU_ASSERT_EQUAL(sched_now(), 1000000);
	CU_ASSERT_EQUAL(verify(slow, NULL), 0);
}

static void test_default_latency(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t1, *t2;

	cfg.latency_ns = 5000;
	start(&cfg);
	t1 = send(1, &a);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(sched_now(), 5000);
	t2 = send(1, &a);
	sched_run();
	CU_ASSERT_EQUAL(sched_now(), 10000);
	CU_ASSERT_TRUE(t1->done && t2->done);
	CU_ASSERT_EQUAL(sdev_request(&dev, 1)->seen_ns, 5000);
	CU_ASSERT_EQUAL(sdev_request(&dev, 1)->done_ns, 10000);
}

static void test_malformed_replies(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct fuse_out_header oh;
	struct treq *t[8];

	start(&cfg);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_REPLY_ERROR(-ENOENT));
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_BAD_LEN);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_BAD_UNIQUE);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_USED_LEN(0));
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_USED_LEN(200));
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_ERROR_WITH_PAYLOAD);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_BAD_ERRNO(5));
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_BAD_ERRNO(-5000));
	for (int i = 0; i < 8; i++)
		t[i] = add(1, &a, 256, true);
	sched_run();
	for (int i = 0; i < 8; i++)
		CU_ASSERT_TRUE_FATAL(t[i]->done);
	CU_ASSERT_EQUAL(verify(t[0], &oh), 0);
	CU_ASSERT_EQUAL(oh.error, -ENOENT);
	CU_ASSERT_EQUAL(t[0]->used, sizeof(oh));
	CU_ASSERT_EQUAL(verify(t[1], NULL), -EBADMSG);
	CU_ASSERT_EQUAL(verify(t[2], NULL), -EBADR);
	CU_ASSERT_EQUAL(verify(t[3], NULL), -EMSGSIZE);
	CU_ASSERT_EQUAL(t[4]->used, 200); /* more than written */
	CU_ASSERT_EQUAL(verify(t[4], NULL), -EBADMSG);
	CU_ASSERT_EQUAL(verify(t[5], &oh), -EPROTO);
	CU_ASSERT_EQUAL(oh.error, -EIO);
	CU_ASSERT_EQUAL(t[5]->used, sizeof(oh) + 16);
	CU_ASSERT_EQUAL(verify(t[6], &oh), -ERANGE);
	CU_ASSERT_EQUAL(oh.error, 5);
	CU_ASSERT_EQUAL(verify(t[7], &oh), -ERANGE);
	CU_ASSERT_EQUAL(oh.error, -5000);
	for (int i = 0; i < 8; i++) {
		CU_ASSERT_EQUAL(sdev_request(&dev, (unsigned int)i)->rule, i);
		CU_ASSERT_EQUAL(sdev_request(&dev, (unsigned int)i)->outcome,
				SDEV_OUT_REPLIED);
	}
	CU_ASSERT_EQUAL(sdev_request(&dev, 1)->action, SDEV_ACT_BAD_LEN);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->error, -ENOENT);
}

static void test_complete_held_with_action(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct fuse_out_header oh;
	struct treq *t[4];

	start(&cfg);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_DELAY(1000));
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 3, SDEV_HOLD);
	for (int i = 0; i < 4; i++)
		t[i] = send(1, &a);
	CU_ASSERT_EQUAL(sdev_run_until_requests(&dev, 4), SCHED_STOPPED);
	CU_ASSERT_EQUAL(sdev_nr_pending(&dev), 4);
	CU_ASSERT_EQUAL(sdev_nr_held(&dev), 3);
	/* The delayed one is skipped: it is not held. */
	CU_ASSERT_EQUAL(sdev_complete_held(&dev, 1, SDEV_REPLY_ERROR(-EIO)), 1);
	CU_ASSERT_EQUAL(sdev_complete_held(&dev, 1, SDEV_DELAY(5000)), 1);
	CU_ASSERT_EQUAL(sdev_complete_held(&dev, 1, SDEV_HOLD), 1);
	CU_ASSERT_EQUAL(sdev_nr_held(&dev), 1);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(sched_now(), 5000);
	CU_ASSERT_EQUAL(verify(t[1], &oh), 0);
	CU_ASSERT_EQUAL(oh.error, -EIO);
	CU_ASSERT_EQUAL(sdev_find_unique(&dev, t[1]->unique)->action,
			SDEV_ACT_ERROR);
	CU_ASSERT_TRUE(sdev_find_unique(&dev, t[1]->unique)->held);
	CU_ASSERT_FALSE(sdev_find_unique(&dev, t[0]->unique)->held);
	CU_ASSERT_EQUAL(sdev_find_unique(&dev, t[2]->unique)->done_ns, 5000);
	CU_ASSERT_TRUE(t[0]->done && t[1]->done && t[2]->done);
	CU_ASSERT_FALSE(t[3]->done);
	CU_ASSERT_PTR_NULL(sdev_find_unique(&dev, 12345));
	CU_ASSERT_EQUAL(sdev_nr_pending(&dev), 1);
}

static void test_read_clamps_and_names(void)
{
	struct fuse_rename_in ren = { .newdir = 1 };
	struct fuse_proto_args a;
	struct treq *rd, *lk;
	char name[16];

	start(&cfg);
	read_in = (struct fuse_read_in){ .offset = 0, .size = 64 };
	a = a_simple(FUSE_READ, 2, &read_in, sizeof(read_in), 64, true);
	rd = send(1, &a);
	/* Many nodes: the node table grows. */
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		a = a_lookup(1, name);
		send(1, &a);
		if (i % 16 == 15)
			sched_run(); /* the ring holds 32 chains */
	}
	/* Rename n0 over n1: n1's name now means n0's node. */
	a = (struct fuse_proto_args){
		.opcode = FUSE_RENAME,
		.nodeid = 1,
		.in_numargs = 3,
		.in_args = { { sizeof(ren), &ren }, { 3, "n0" }, { 3, "n1" } }
	};
	send(1, &a);
	a = a_lookup(1, "n1");
	lk = send(1, &a);
	sched_run();
	CU_ASSERT_EQUAL(rd->used, sizeof(struct fuse_out_header) + 64);
	CU_ASSERT_EQUAL(rd->in[sizeof(struct fuse_out_header) + 63],
			sdev_pattern_byte(2, 63));
	CU_ASSERT_EQUAL(reply_u64(lk, 0), 2);
	CU_ASSERT_EQUAL(sdev_lookup_count(&dev, 2), 2);
	CU_ASSERT_EQUAL(sdev_lookup_count(&dev, 41), 1);
	CU_ASSERT_EQUAL(sdev_total_lookups(&dev), 41);
	CU_ASSERT_EQUAL(dev.nr_names, 39);
}

static void test_scattered_chain(void)
{
	struct fuse_proto_args a = a_lookup(1, "scatter");
	struct scatterlist so[2], si[2],
		*sgs[4] = { &so[0], &so[1], &si[0], &si[1] };
	struct treq *t = &treqs[nr_treqs++];
	struct fuse_entry_out e;

	start(&cfg);
	t->args = a;
	t->unique = 7;
	t->olen = (u32)fuse_proto_request_size(&a);
	t->ilen = (u32)fuse_proto_reply_size(&a);
	t->out = gmem_alloc(t->olen, 8);
	t->in = gmem_alloc(t->ilen, 8);
	CU_ASSERT_EQUAL(fuse_proto_build_request(t->out, t->olen, 7, &a, 0, 0,
						 1),
			(ssize_t)t->olen);
	/* Header and argument in separate buffers, both ways. */
	sg_init_one(&so[0], t->out, sizeof(struct fuse_in_header));
	sg_init_one(&so[1], t->out + sizeof(struct fuse_in_header),
		    t->olen - sizeof(struct fuse_in_header));
	sg_init_one(&si[0], t->in, sizeof(struct fuse_out_header));
	sg_init_one(&si[1], t->in + sizeof(struct fuse_out_header),
		    t->ilen - sizeof(struct fuse_out_header));
	CU_ASSERT_EQUAL(virtqueue_add_sgs(vqs[1], sgs, 2, 2, t, GFP_ATOMIC), 0);
	virtqueue_kick(vqs[1]);
	sched_run();
	CU_ASSERT_EQUAL(verify(t, NULL), 0);
	memcpy(&e, t->in + sizeof(struct fuse_out_header), sizeof(e));
	CU_ASSERT_EQUAL(e.nodeid, 2);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->parse_err, 0);
}

static void test_noreply_with_malformed_action(void)
{
	struct fuse_proto_args a = a_lookup(1, "q"), f = a_forget(2, 1);
	struct treq *t;

	start(&cfg);
	send(1, &a);
	sched_run();
	sdev_add_rule(&dev, FUSE_FORGET, 0, 1, SDEV_BAD_LEN);
	t = send(0, &f);
	sched_run();
	/* Nothing to corrupt: a FORGET has no reply. */
	CU_ASSERT_TRUE(t->done);
	CU_ASSERT_EQUAL(t->used, 0);
	CU_ASSERT_EQUAL(sdev_last(&dev, FUSE_FORGET)->outcome,
			SDEV_OUT_NOREPLY);
	CU_ASSERT_EQUAL(sdev_total_lookups(&dev), 0);
}

static void test_kick_bad_queue_and_reset_restart(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t;

	start(&cfg);
	CU_ASSERT_FALSE(virtio_transport_kick(&dev.vdev, 7));
	/* The driver resets and sets the queues up again (as a restore). */
	virtio_reset_device(&dev.vdev);
	CU_ASSERT_FALSE(dev.ready[1]);
	CU_ASSERT_EQUAL(dev.status, 0);
	dev.vdev.config->del_vqs(&dev.vdev);
	virtio_add_status(&dev.vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	CU_ASSERT_EQUAL(tdrv_probe(&dev.vdev), 0);
	virtio_device_ready(&dev.vdev);
	CU_ASSERT_TRUE(dev.ready[1]);
	CU_ASSERT_EQUAL(dev.resets, 1);
	CU_ASSERT(dev.status & VIRTIO_CONFIG_S_DRIVER_OK);
	t = send(1, &a);
	sched_run();
	CU_ASSERT_EQUAL(verify(t, NULL), 0);
}

static void test_destroy_after_sched_exit(void)
{
	struct fuse_proto_args a = a_getattr(1);

	start(&cfg);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_HOLD);
	send(1, &a);
	sched_run();
	dev.vdev.config->del_vqs(&dev.vdev);
	sched_exit();
	sdev_destroy(&dev);
	CU_ASSERT_PTR_NULL(dev.task);
	CU_ASSERT_EQUAL(sdev_nr_requests(&dev), 0);
	memset(&dev, 0, sizeof(dev));
	sched_init(NULL);
}

static void test_runtime_latency_and_order(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t[2];

	start(&cfg);
	sdev_set_latency(&dev, 700);
	sdev_set_reverse_batch(&dev, true);
	t[0] = send(1, &a);
	t[1] = send(1, &a);
	sched_run();
	CU_ASSERT_EQUAL(sched_now(), 700);
	CU_ASSERT_EQUAL(order[0], 1);
	CU_ASSERT_EQUAL(order[1], 0);
	sdev_set_latency(&dev, 0);
	sdev_set_reverse_batch(&dev, false);
	t[0] = send(1, &a);
	t[1] = send(1, &a);
	sched_run();
	CU_ASSERT_TRUE(t[0]->done && t[1]->done);
	CU_ASSERT_EQUAL(sched_now(), 700);
	CU_ASSERT_EQUAL(order[2], 2);
	CU_ASSERT_EQUAL(order[3], 3);
}

/* A syscall task sends a request and sleeps until the interrupt says it
 * is done: the shape of every guest test. */
static int syscall_getattr(void *arg)
{
	struct fuse_proto_args a = a_getattr(1);
	struct completion done;
	struct treq **t = arg;

	init_completion(&done);
	waiter = &done;
	*t = send(1, &a);
	wait_for_completion(&done);
	waiter = NULL;
	return verify(*t, NULL);
}

static void test_syscall_task_waits_for_irq(void)
{
	struct treq *t = NULL;
	struct task *s;
	int ret = -1;

	cfg.latency_ns = 2000;
	start(&cfg);
	s = task_spawn(syscall_getattr, &t, "stat", TASK_SYSCALL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(task_join(s, &ret), 0);
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT_EQUAL(sched_now(), 2000);
	CU_ASSERT_STRING_EQUAL(t->task, "irq/0");
	CU_ASSERT_EQUAL(check_count_kind("sleep.atomic"), 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
}

static void test_used_len_beyond_writable_breaks_queue(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t;

	start(&cfg);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_USED_LEN(4096));
	t = add(1, &a, 256, true);
	sched_run();
	CU_ASSERT_FALSE(t->done);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->used_len, 4096);
	CU_ASSERT_TRUE(virtqueue_is_broken(vqs[1]));
}

static void run_until_requests(unsigned int n)
{
	CU_ASSERT_EQUAL(sdev_run_until_requests(&dev, n), SCHED_STOPPED);
}

static void test_drop(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t, *u;

	cfg.num_request_queues = 2;
	start(&cfg);
	sdev_add_rule(&dev, FUSE_GETATTR, 1, SDEV_FOREVER, SDEV_DROP);
	t = send(1, &a);
	u = send(2, &a); /* the rule is for queue 1 only */
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_FALSE(t->done);
	CU_ASSERT_TRUE(u->done);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->outcome, SDEV_OUT_DROPPED);
	CU_ASSERT_EQUAL(sdev_nr_held(&dev), 0);
	CU_ASSERT(trace_find("sdev.drop", 0) >= 0);
}

static enum sdev_custom_ret custom(struct sdev *d, const struct sdev_req *rec,
				   const struct fuse_proto_req *req,
				   void *reply, u32 cap, u32 *used_len,
				   void *arg)
{
	int *calls = arg;

	(*calls)++;
	CU_ASSERT_PTR_NOT_NULL(req);
	if (*calls == 1) {
		/* Tweak the default reply: an attribute the test can see. */
		struct fuse_attr_out ao;

		*used_len = sdev_default_reply(d, rec, req, reply, cap);
		memcpy(&ao, (u8 *)reply + sizeof(struct fuse_out_header),
		       sizeof(ao));
		ao.attr.uid = 4242;
		memcpy((u8 *)reply + sizeof(struct fuse_out_header), &ao,
		       sizeof(ao));
		return SDEV_CUSTOM_PUSH;
	}
	return *calls == 2 ? SDEV_CUSTOM_DEFAULT : SDEV_CUSTOM_DROP;
}

static void test_custom_action(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct fuse_attr_out ao;
	struct treq *t[3];
	int calls = 0;

	start(&cfg);
	CU_ASSERT_EQUAL(sdev_add_rule(&dev, FUSE_GETATTR, SDEV_ANY,
				      SDEV_FOREVER,
				      SDEV_CUSTOM(custom, &calls)),
			0);
	for (int i = 0; i < 3; i++)
		t[i] = send(1, &a);
	sched_run();
	CU_ASSERT_EQUAL(calls, 3);
	CU_ASSERT_EQUAL(verify(t[0], NULL), 0);
	memcpy(&ao, t[0]->in + sizeof(struct fuse_out_header), sizeof(ao));
	CU_ASSERT_EQUAL(ao.attr.uid, 4242);
	CU_ASSERT_EQUAL(verify(t[1], NULL), 0);
	memcpy(&ao, t[1]->in + sizeof(struct fuse_out_header), sizeof(ao));
	CU_ASSERT_EQUAL(ao.attr.uid, 0);
	CU_ASSERT_FALSE(t[2]->done);
	CU_ASSERT_EQUAL(sdev_request(&dev, 2)->outcome, SDEV_OUT_DROPPED);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->action, SDEV_ACT_CUSTOM);
}

static void test_rule_errors_and_clear(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct fuse_out_header oh;
	struct treq *t;

	start(&cfg);
	CU_ASSERT_EQUAL(sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 0, SDEV_HOLD),
			-EINVAL);
	CU_ASSERT_EQUAL(sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, -5, SDEV_HOLD),
			-EINVAL);
	CU_ASSERT_EQUAL(sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1,
				      SDEV_CUSTOM(NULL, NULL)),
			-EINVAL);
	CU_ASSERT_EQUAL(sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1,
				      (struct sdev_action){ .kind = 99 }),
			-EINVAL);
	for (int i = 0; i < SDEV_MAX_RULES; i++)
		CU_ASSERT_EQUAL(sdev_add_rule(&dev, FUSE_GETATTR, SDEV_ANY, 1,
					      SDEV_REPLY_ERROR(-EIO - i)),
				i);
	CU_ASSERT_EQUAL(sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_HOLD),
			-ENOSPC);
	t = send(1, &a);
	sched_run();
	CU_ASSERT_EQUAL(verify(t, &oh), 0);
	CU_ASSERT_EQUAL(oh.error, -EIO); /* the first rule wins */
	sdev_clear_rules(&dev);
	CU_ASSERT_EQUAL(dev.nr_rules, 0);
	t = send(1, &a);
	sched_run();
	CU_ASSERT_EQUAL(verify(t, &oh), 0);
	CU_ASSERT_EQUAL(oh.error, 0);
	CU_ASSERT_STRING_EQUAL(sdev_action_name(SDEV_ACT_HOLD), "hold");
	CU_ASSERT_STRING_EQUAL(sdev_action_name(SDEV_ACT_CUSTOM), "custom");
	CU_ASSERT_STRING_EQUAL(sdev_action_name(99), "?");
}

static void test_pause_resume(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t;

	start(&cfg);
	sdev_pause(&dev);
	t = send(1, &a);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_FALSE(t->done);
	CU_ASSERT_EQUAL(sdev_nr_requests(&dev), 0);
	CU_ASSERT_TRUE(dev.kicked[1]); /* remembered */
	sdev_resume(&dev);
	sched_run();
	CU_ASSERT_TRUE(t->done);
	CU_ASSERT_EQUAL(verify(t, NULL), 0);
	/* A delayed reply waits out a pause too. */
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_DELAY(100));
	t = send(1, &a);
	run_until_requests(2);
	CU_ASSERT_FALSE(t->done);
	sched_run();
	CU_ASSERT_TRUE(t->done);
	CU_ASSERT_EQUAL(sched_now(), 100);
}

static void test_pause_stalls_delayed_reply(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t;

	start(&cfg);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_DELAY(100));
	t = send(1, &a);
	run_until_requests(1);
	sdev_pause(&dev);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_FALSE(t->done);
	sdev_resume(&dev);
	sched_run();
	CU_ASSERT_TRUE(t->done);
}

static void test_die(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t, *u;

	start(&cfg);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_DELAY(100));
	t = send(1, &a);
	run_until_requests(1);
	sdev_die(&dev);
	u = send(1, &a);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_FALSE(t->done);
	CU_ASSERT_FALSE(u->done);
	CU_ASSERT_EQUAL(sdev_nr_requests(&dev), 1);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->outcome, SDEV_OUT_PENDING);
	sdev_resume(&dev); /* a dead device stays dead */
	sched_run();
	CU_ASSERT_FALSE(u->done);
}

static void test_hiprio_first_and_reverse_batch(void)
{
	struct fuse_proto_args a = a_getattr(1), f = a_forget(1, 0);
	struct treq *t[3], *h;

	cfg.reverse_batch = true;
	start(&cfg);
	for (int i = 0; i < 3; i++)
		t[i] = send(1, &a);
	h = send(0, &f);
	sched_run();
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->queue, 0);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->opcode, FUSE_FORGET);
	CU_ASSERT_EQUAL(sdev_request(&dev, 1)->unique, t[0]->unique);
	/* Completed in reverse pop order; the irq task serves queue 0's
	 * callback first. */
	CU_ASSERT_EQUAL(nr_order, 4);
	CU_ASSERT_EQUAL(order[0], (int)(h - treqs));
	CU_ASSERT_EQUAL(order[1], 2);
	CU_ASSERT_EQUAL(order[2], 1);
	CU_ASSERT_EQUAL(order[3], 0);
	CU_ASSERT_TRUE(sdev_request(&dev, 3)->done_ns == 0 &&
		       sdev_request(&dev, 3)->seq == 3);
}

static void test_config_space(void)
{
	struct fuse_proto_args a = a_getattr(1);
	u8 tag[36];
	u32 n;

	for (int i = 0; i < 36; i++)
		cfg.tag[i] = (u8)('a' + i % 26);
	cfg.num_request_queues = 3;
	cfg.index = 2;
	start(&cfg);
	CU_ASSERT_STRING_EQUAL(dev.irq.task->name, "irq/2");
	CU_ASSERT_EQUAL(virtio_cread_bytes(&dev.vdev, 0, tag, 36), 0);
	CU_ASSERT_EQUAL(memcmp(tag, cfg.tag, 36), 0); /* no NUL anywhere */
	CU_ASSERT_PTR_NULL(memchr(tag, 0, 36));
	virtio_cread_le(&dev.vdev, struct virtio_fs_config, num_request_queues,
			&n);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_EQUAL(dev.be.num_queues, 4);
	CU_ASSERT_EQUAL(virtio_cread_bytes(&dev.vdev, 38, tag, 4), -EINVAL);
	CU_ASSERT_EQUAL(virtio_cread_bytes(&dev.vdev, 41, tag, 1), -EINVAL);
	send(3, &a);
	sched_run();
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->queue, 3);
}

static void test_config_empty_tag_zero_queues(void)
{
	u8 tag[36];

	memset(cfg.tag, 0, sizeof(cfg.tag));
	cfg.num_request_queues = 0;
	start(&cfg);
	CU_ASSERT_EQUAL(virtio_cread_bytes(&dev.vdev, 0, tag, 36), 0);
	for (int i = 0; i < 36; i++)
		CU_ASSERT_EQUAL(tag[i], 0);
	CU_ASSERT_EQUAL(virtio_cread32(&dev.vdev, 36), 0);
	CU_ASSERT_EQUAL(dev.be.num_queues, 2); /* still something to bind */
}

static void test_create_errors_and_queue_count(void)
{
	cfg.queue_size = 3;
	CU_ASSERT_EQUAL(sdev_create(&dev, &cfg), -EINVAL);
	sdev_config_init(&cfg);
	cfg.nr_queues = SDEV_MAX_QUEUES + 1;
	CU_ASSERT_EQUAL(sdev_create(&dev, &cfg), -EINVAL);
	memset(&dev, 0, sizeof(dev));
	CU_ASSERT_EQUAL(sdev_create(&dev, NULL), 0);
	CU_ASSERT_EQUAL(dev.be.num_queues, 2);
	CU_ASSERT_EQUAL(dev.be.queue_size, 64);
	CU_ASSERT_EQUAL(dev.be.features, 1ULL << VIRTIO_F_VERSION_1);
	sdev_destroy(&dev);
	memset(&dev, 0, sizeof(dev));
	sdev_config_init(&cfg);
	cfg.nr_queues = 5;
	cfg.num_request_queues = 1; /* a lying config space */
	CU_ASSERT_EQUAL(sdev_create(&dev, &cfg), 0);
	CU_ASSERT_EQUAL(dev.be.num_queues, 5);
	CU_ASSERT_EQUAL(virtio_cread32(&dev.vdev, 36), 1);
}

static void test_features_event_idx_indirect(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct treq *t[6];

	cfg.event_idx = true;
	cfg.indirect = true;
	cfg.queue_size = 4;
	start(&cfg);
	CU_ASSERT_TRUE(virtio_has_feature(&dev.vdev, VIRTIO_RING_F_EVENT_IDX));
	CU_ASSERT_TRUE(
		virtio_has_feature(&dev.vdev, VIRTIO_RING_F_INDIRECT_DESC));
	CU_ASSERT_EQUAL(dev.features, dev.vdev.features);
	/* More requests than the ring holds, in two rounds. */
	for (int r = 0; r < 2; r++) {
		for (int i = 0; i < 3; i++)
			t[r * 3 + i] = send(1, &a);
		sched_run();
	}
	for (int i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(verify(t[i], NULL), 0);
	CU_ASSERT(dev.irqs[1] >= 2);
}

static void test_unplug_delivers_remove(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct task *u;
	struct treq *t;

	start(&cfg);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, 1, SDEV_HOLD);
	t = send(1, &a);
	sched_run();
	CU_ASSERT_EQUAL(sdev_nr_held(&dev), 1);
	u = sdev_unplug(&dev);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	CU_ASSERT_EQUAL(task_join(u, NULL), 0);
	CU_ASSERT_TRUE(dev.unplugged);
	CU_ASSERT_EQUAL(removes, 1);
	CU_ASSERT_STRING_EQUAL(remove_task, "sdev-unplug");
	CU_ASSERT_TRUE(dev.vdev.removed);
	CU_ASSERT_FALSE(t->done);
	CU_ASSERT_EQUAL(sdev_nr_held(&dev), 0);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->outcome, SDEV_OUT_DISCARDED);
	CU_ASSERT(dev.resets >= 1);
	CU_ASSERT_FALSE(dev.ready[1]);
}

static void test_bad_requests(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct fuse_out_header oh;
	struct treq *t, *u, *v;

	start(&cfg);
	/* A header whose len lies. */
	t = add(1, &a, 0, false);
	t->out[0] ^= 1;
	virtqueue_kick(vqs[1]);
	/* An unknown opcode. */
	a.opcode = 9999;
	u = send(1, &a);
	/* Writable part too small for the reply, then for a header. */
	a = a_getattr(1);
	v = add(1, &a, 24, true);
	sched_run();
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->parse_err, -EBADMSG);
	CU_ASSERT(trace_find("sdev.bad_request", 0) >= 0);
	CU_ASSERT_EQUAL(verify(t, &oh), 0);
	CU_ASSERT_EQUAL(oh.error, -EIO);
	CU_ASSERT_EQUAL(sdev_request(&dev, 1)->parse_err, -ENOSYS);
	CU_ASSERT_EQUAL(verify(u, &oh), 0);
	CU_ASSERT_EQUAL(oh.error, -ENOSYS);
	CU_ASSERT_EQUAL(verify(v, &oh), 0);
	CU_ASSERT_EQUAL(oh.error, -EOVERFLOW);
	CU_ASSERT(trace_find("sdev.no_room", 0) >= 0);
	t = add(1, &a, 8, true);
	sched_run();
	CU_ASSERT_TRUE(t->done);
	CU_ASSERT_EQUAL(t->used, 0);
	CU_ASSERT_EQUAL(sdev_last(&dev, FUSE_GETATTR)->outcome,
			SDEV_OUT_NO_ROOM);
}

static void test_short_request(void)
{
	struct scatterlist so, si, *sgs[2] = { &so, &si };
	struct treq *t = &treqs[nr_treqs++];

	start(&cfg);
	/* 8 readable bytes: not even an in_header. */
	t->out = gmem_alloc(8, 8);
	t->in = gmem_alloc(64, 8);
	memset(t->out, 0, 8);
	sg_init_one(&so, t->out, 8);
	sg_init_one(&si, t->in, 64);
	CU_ASSERT_EQUAL(virtqueue_add_sgs(vqs[1], sgs, 1, 1, t, GFP_ATOMIC), 0);
	virtqueue_kick(vqs[1]);
	sched_run();
	CU_ASSERT_TRUE(t->done);
	CU_ASSERT_EQUAL(t->used, sizeof(struct fuse_out_header));
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->parse_err, -EMSGSIZE);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->opcode, 0);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->raw_len, 8);
	CU_ASSERT_EQUAL(sdev_request(&dev, 0)->error, -EIO);
}

static void test_malformed_ring_needs_reset(void)
{
	struct fuse_proto_args a = a_getattr(1);
	struct vring_desc *desc;
	struct treq *t;

	start(&cfg);
	t = add(1, &a, 0, false);
	/* Make the chain loop on itself: the device must refuse it. */
	desc = phys_to_virt(virtqueue_get_desc_addr(vqs[1]));
	desc[1].flags =
		cpu_to_le16(le16_to_cpu(desc[1].flags) | VIRTQ_DESC_F_NEXT);
	desc[1].next = 0;
	virtqueue_kick(vqs[1]);
	sched_run();
	CU_ASSERT_FALSE(t->done);
	CU_ASSERT_EQUAL(dev.ring_errors, 1);
	CU_ASSERT(virtio_get_status(&dev.vdev) & VIRTIO_CONFIG_S_NEEDS_RESET);
	CU_ASSERT(trace_find("sdev.ring_error", 0) >= 0);
}

static void test_destroy_frees_left_queues(void)
{
	struct fuse_proto_args a = a_getattr(1);

	start(&cfg);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, SDEV_FOREVER, SDEV_HOLD);
	send(1, &a);
	sdev_add_rule(&dev, SDEV_ANY, SDEV_ANY, SDEV_FOREVER, SDEV_DELAY(50));
	sched_run();
	sdev_destroy(&dev);
	CU_ASSERT(trace_find("sdev.vqs_left", 0) >= 0);
	CU_ASSERT_TRUE(task_done(dev.task));
	memset(&dev, 0, sizeof(dev));
}

/* The same script twice gives the same trace, byte for byte. */
static u64 scripted_run(void)
{
	struct fuse_proto_args a = a_getattr(1), l = a_lookup(1, "z");

	trace_reset(true);
	cfg.num_request_queues = 2;
	start(&cfg);
	sdev_add_rule(&dev, FUSE_GETATTR, SDEV_ANY, 2, SDEV_DELAY(300));
	for (int i = 0; i < 3; i++) {
		send(1 + i % 2, &a);
		send(1, &l);
	}
	sched_run();
	if (dev.vdev.vqs)
		dev.vdev.config->del_vqs(&dev.vdev);
	sdev_destroy(&dev);
	memset(&dev, 0, sizeof(dev));
	return trace_hash();
}

static void test_deterministic(void)
{
	u64 h1 = scripted_run(), h2;

	sched_exit();
	sched_init(NULL);
	for (unsigned int i = 0; i < nr_treqs; i++) {
		gmem_free(treqs[i].out);
		gmem_free(treqs[i].in);
	}
	nr_treqs = 0;
	nr_order = 0;
	next_unique = 2;
	h2 = scripted_run();
	CU_ASSERT_EQUAL(h1, h2);
	CU_ASSERT_NOT_EQUAL(h1, 0);
}

VT_SUITE_EACH(
	guest_sdev, setup, teardown, VT_CASE(test_init_reply_and_record),
	VT_CASE(test_default_replies), VT_CASE(test_forget_balances_lookups),
	VT_CASE(test_hold_and_release), VT_CASE(test_delay_in_virtual_time),
	VT_CASE(test_default_latency), VT_CASE(test_malformed_replies),
	VT_CASE(test_used_len_beyond_writable_breaks_queue), VT_CASE(test_drop),
	VT_CASE(test_custom_action), VT_CASE(test_rule_errors_and_clear),
	VT_CASE(test_pause_resume), VT_CASE(test_pause_stalls_delayed_reply),
	VT_CASE(test_die), VT_CASE(test_hiprio_first_and_reverse_batch),
	VT_CASE(test_config_space), VT_CASE(test_config_empty_tag_zero_queues),
	VT_CASE(test_create_errors_and_queue_count),
	VT_CASE(test_features_event_idx_indirect),
	VT_CASE(test_unplug_delivers_remove), VT_CASE(test_bad_requests),
	VT_CASE(test_short_request), VT_CASE(test_malformed_ring_needs_reset),
	VT_CASE(test_destroy_frees_left_queues), VT_CASE(test_deterministic),
	VT_CASE(test_complete_held_with_action),
	VT_CASE(test_read_clamps_and_names), VT_CASE(test_scattered_chain),
	VT_CASE(test_noreply_with_malformed_action),
	VT_CASE(test_kick_bad_queue_and_reset_restart),
	VT_CASE(test_destroy_after_sched_exit),
	VT_CASE(test_runtime_latency_and_order),
	VT_CASE(test_syscall_task_waits_for_irq));
