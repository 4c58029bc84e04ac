// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_scripted_dev.c - the scripted virtio-fs device's default replies:
 * INIT and the record, the fake FUSE server's answers and lookup
 * accounting, scattered and malformed requests, determinism.
 */
#include "tests/guest/scripted_dev_test_util.h"

/* request arguments of this file's tests (they must outlive add()) */
static struct fuse_open_in open_in;
static struct fuse_read_in read_in;
static struct fuse_mkdir_in mkdir_in;
static struct fuse_create_in create_in;

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

VT_SUITE_EACH(guest_sdev, setup, teardown, VT_CASE(test_init_reply_and_record),
	      VT_CASE(test_default_replies),
	      VT_CASE(test_forget_balances_lookups),
	      VT_CASE(test_read_clamps_and_names),
	      VT_CASE(test_scattered_chain), VT_CASE(test_bad_requests),
	      VT_CASE(test_short_request),
	      VT_CASE(test_syscall_task_waits_for_irq),
	      VT_CASE(test_deterministic));
