// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vfs_dev_worker.c - the queue workers and the behaviour controls:
 * reset drops work without touching guest memory, a parked SETLKW does not
 * stop its queue, latency in virtual time, completion orders, batches,
 * pause/resume, death.
 */
#include "tests/device/dev_harness.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "device/memfs.h"
#include "sim/kernel/check.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

static struct vfs_dev_queue_stats qs(unsigned int idx)
{
	struct vfs_dev_queue_stats st;

	CU_ASSERT_EQUAL(vfs_dev_queue_stats(dh_dev, idx, &st), 0);
	return st;
}

static void step_until_in_progress(unsigned int n)
{
	while (vfs_dev_in_progress(dh_dev) < n)
		CU_ASSERT_FATAL(sched_step() == SCHED_STEPPED);
}

/* Create /name and return its nodeid and handle. */
static void make_file_named(const char *name, u64 *ino, u64 *fh)
{
	struct dh_req *r = dh_create(1, FUSE_ROOT_ID, name);
	const struct fuse_entry_out *e;

	dh_expect(r, 0);
	e = dh_payload(r);
	*ino = e->nodeid;
	*fh = ((const struct fuse_open_out *)(e + 1))->fh;
}

static void make_file(u64 *ino, u64 *fh)
{
	make_file_named("f", ino, fh);
}

/* Delayed completions and batched chains are dropped by a reset; the
 * device never writes them afterwards. */
static void test_reset_drops_in_progress(void)
{
	struct dh_snapshot snap;
	struct dh_req *a, *b, *c;
	u16 heads[4];

	dh_setup(NULL);
	dh_do_init();
	vfs_dev_set_latency(dh_dev, 1000000);
	a = dh_getattr(1, FUSE_ROOT_ID);
	b = dh_getattr(1, FUSE_ROOT_ID);
	c = dh_getattr(1, FUSE_ROOT_ID);
	CU_ASSERT(dh_kick(1));
	step_until_in_progress(2);
	CU_ASSERT_EQUAL(vfs_dev_held_heads(dh_dev, 1, heads, 1), 2);
	CU_ASSERT_EQUAL(vfs_dev_held_heads(dh_dev, 1, heads, 4), 2);
	CU_ASSERT_NOT_EQUAL(heads[0], heads[1]);
	dh_snap(&snap);
	vfs_dev_reset(dh_dev);
	CU_ASSERT_EQUAL(vfs_dev_in_progress(dh_dev), 0);
	CU_ASSERT_EQUAL(qs(1).dropped, 2);
	CU_ASSERT_EQUAL(dh_count("dev.drop"), 2);
	CU_ASSERT_FALSE(qs(1).started || qs(1).enabled || qs(1).ready);
	CU_ASSERT(vfs_dev_suspended(dh_dev));
	CU_ASSERT_EQUAL(dh_run(), SCHED_DONE);
	CU_ASSERT(dh_snap_same(&snap));
	CU_ASSERT_FALSE(a->done || b->done || c->done);
	CU_ASSERT_EQUAL(qs(1).completed, 1); /* the INIT only */
	/* Nothing slept on: the latency sleep was cut short. */
	CU_ASSERT_EQUAL(sched_nr_timers(), 0);
	dh_snap_free(&snap);
	dh_teardown();
}

/* The driver's reset (status 0) goes through the same path; kicks after
 * it are ignored until the queues are set up again. */
static void test_driver_reset(void)
{
	struct dh_req *a;

	dh_setup(NULL);
	dh_do_init();
	vfs_dev_set_batch(dh_dev, 2);
	vfs_dev_set_latency(dh_dev, 1000);
	a = dh_getattr(1, FUSE_ROOT_ID);
	CU_ASSERT(dh_kick(1));
	step_until_in_progress(1);
	virtio_reset_device(&dh_vdev);
	CU_ASSERT_EQUAL(vfs_dev_in_progress(dh_dev), 0);
	CU_ASSERT(dh_kick(1));
	CU_ASSERT(trace_find("no addresses", 0) >= 0);
	dh_run();
	CU_ASSERT_FALSE(a->done);
	dh_teardown();
}

/* vfsim's park-setlkw: a blocking SETLKW waits in the device. */
static const struct vfs_dev_config park_cfg = {
	.options = 1u << VFS_DEV_OPT_PARK_SETLKW,
};

/* The default device answers every SETLKW EOPNOTSUPP, free range or not,
 * as C virtiofsd does; nothing parks. */
static void test_setlkw_eopnotsupp_by_default(void)
{
	u64 ino, fh;

	dh_setup(NULL);
	dh_do_init();
	make_file(&ino, &fh);
	dh_expect(dh_lk(1, FUSE_SETLKW, ino, fh, 2, F_WRLCK), -EOPNOTSUPP);
	dh_expect(dh_lk(1, FUSE_SETLK, ino, fh, 1, F_WRLCK), 0);
	dh_expect(dh_lk(1, FUSE_SETLKW, ino, fh, 2, F_WRLCK), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(qs(1).lock_waits, 0);
	CU_ASSERT(trace_find("blocking locks are not supported", 0) >= 0);
	dh_teardown();
}

/* SETLKW parks one worker; the other worker of the queue goes on; the
 * release wakes the parked one, which retries and gets the lock. */
static void test_setlkw_parks_one_worker(void)
{
	struct dh_req *w, *g, *u;
	u64 ino, fh;

	dh_setup(&park_cfg);
	dh_do_init();
	make_file(&ino, &fh);
	dh_expect(dh_lk(1, FUSE_SETLK, ino, fh, 1, F_WRLCK), 0);
	w = dh_lk(1, FUSE_SETLKW, ino, fh, 2, F_WRLCK);
	CU_ASSERT(dh_kick(1));
	dh_run();
	CU_ASSERT_FALSE(w->done);
	CU_ASSERT_EQUAL(qs(1).lock_waits, 1);
	CU_ASSERT_EQUAL(qs(1).in_progress, 1);
	CU_ASSERT(trace_find("dev.lock_wait", 0) >= 0);
	/* The same queue still serves. */
	g = dh_getattr(1, ino);
	dh_expect(g, 0);
	CU_ASSERT_FALSE(w->done);
	/* Release: the parked SETLKW is retried with the same bytes. */
	u = dh_lk(1, FUSE_SETLK, ino, fh, 1, F_UNLCK);
	dh_expect(u, 0);
	CU_ASSERT_EQUAL(dh_result(w), 0);
	CU_ASSERT(w->order > u->order);
	CU_ASSERT(trace_find("dev.lock_retry", 0) >= 0);
	CU_ASSERT_EQUAL(vfs_dev_in_progress(dh_dev), 0);
	dh_teardown();
}

/* A lock change that does not free the range: the SETLKW re-parks; a
 * reset then drops it. */
static void test_setlkw_reparks_and_reset_drops_it(void)
{
	struct dh_req *w;
	u64 ino, fh, ino2, fh2;

	dh_setup(&park_cfg);
	dh_do_init();
	make_file(&ino, &fh);
	make_file_named("g", &ino2, &fh2);
	dh_expect(dh_lk(1, FUSE_SETLK, ino, fh, 1, F_WRLCK), 0);
	w = dh_lk(1, FUSE_SETLKW, ino, fh, 2, F_WRLCK);
	CU_ASSERT(dh_kick(1));
	dh_run();
	/* A lock on another file moves the generation: retry, still
	 * blocked, parked again. */
	dh_expect(dh_lk(1, FUSE_SETLK, ino2, fh2, 3, F_WRLCK), 0);
	CU_ASSERT_FALSE(w->done);
	CU_ASSERT_EQUAL(qs(1).lock_waits, 2);
	CU_ASSERT(trace_find("dev.lock_retry", 0) >= 0);
	vfs_dev_reset(dh_dev);
	dh_run();
	CU_ASSERT_FALSE(w->done);
	CU_ASSERT_EQUAL(qs(1).dropped, 1);
	CU_ASSERT_EQUAL(vfs_dev_in_progress(dh_dev), 0);
	dh_teardown();
}

/* GET_VRING_BASE answers a parked SETLKW with EINTR. */
static void test_setlkw_interrupted_by_stop(void)
{
	struct dh_req *w;
	u64 ino, fh;

	dh_setup(&park_cfg);
	dh_do_init();
	make_file(&ino, &fh);
	dh_expect(dh_lk(1, FUSE_SETLK, ino, fh, 1, F_WRLCK), 0);
	w = dh_lk(1, FUSE_SETLKW, ino, fh, 2, F_WRLCK);
	CU_ASSERT(dh_kick(1));
	dh_run();
	CU_ASSERT_EQUAL(vfs_dev_get_vring_base(dh_dev, 1), 4);
	dh_reap(1);
	CU_ASSERT_EQUAL(dh_result(w), -EINTR);
	CU_ASSERT(trace_find("dev.lock_interrupted", 0) >= 0);
	CU_ASSERT_EQUAL(vfs_dev_in_progress(dh_dev), 0);
	dh_teardown();
}

static void test_latency_in_virtual_time(void)
{
	struct vfs_dev_config c = { .request_workers = 2 };
	struct dh_req *a, *b;
	long ev;
	u64 t0;

	dh_setup(&c);
	dh_do_init();
	vfs_dev_set_latency(dh_dev, 5000);
	t0 = sched_now();
	a = dh_getattr(1, FUSE_ROOT_ID);
	b = dh_getattr(1, FUSE_ROOT_ID);
	CU_ASSERT(dh_kick(1));
	dh_run();
	CU_ASSERT_EQUAL(dh_result(a), 0);
	CU_ASSERT_EQUAL(dh_result(b), 0);
	/* Two workers: both wait their 5 us side by side. */
	CU_ASSERT_EQUAL(sched_now(), t0 + 5000);
	ev = trace_find("dev.complete", 0);
	ev = trace_find("dev.complete", (size_t)ev + 1);
	ev = trace_find("dev.complete", (size_t)ev + 1);
	CU_ASSERT(ev >= 0);
	CU_ASSERT_EQUAL(trace_event_at((size_t)ev)->time_ns, t0 + 5000);
	dh_teardown();

	/* One worker: one after the other. */
	c.request_workers = 1;
	dh_setup(&c);
	dh_do_init();
	vfs_dev_set_latency(dh_dev, 5000);
	t0 = sched_now();
	dh_getattr(1, FUSE_ROOT_ID);
	dh_getattr(1, FUSE_ROOT_ID);
	CU_ASSERT(dh_kick(1));
	dh_run();
	CU_ASSERT_EQUAL(sched_now(), t0 + 10000);
	dh_teardown();
}

/* Completion order of a batch of 4: tokens in the order they came back. */
static void batch_completion(enum vfs_dev_order order, u64 seed,
			     unsigned int out[4])
{
	struct vfs_dev_config c = { .request_workers = 1 };
	struct dh_req *r[4];

	dh_setup(&c);
	dh_do_init();
	CU_ASSERT_EQUAL(vfs_dev_set_batch(dh_dev, 4), 0);
	vfs_dev_set_order(dh_dev, order, seed);
	for (int i = 0; i < 4; i++)
		r[i] = dh_getattr(1, FUSE_ROOT_ID);
	CU_ASSERT(dh_kick(1));
	dh_run();
	for (unsigned int i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(dh_result(r[i]), 0);
		/* order 0 was the INIT */
		out[r[i]->order - 1] = i;
	}
	dh_teardown();
}

static bool is_permutation(const unsigned int v[4])
{
	unsigned int seen = 0;

	for (int i = 0; i < 4; i++)
		seen |= 1u << v[i];
	return seen == 0xf;
}

static void test_completion_orders(void)
{
	unsigned int v[4], w[4];
	bool shuffled = false;

	batch_completion(VFS_DEV_ORDER_IN_ORDER, 0, v);
	for (unsigned int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(v[i], i);
	batch_completion(VFS_DEV_ORDER_REVERSED, 0, v);
	for (unsigned int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(v[i], 3 - i);
	for (u64 seed = 0; seed < 6; seed++) {
		batch_completion(VFS_DEV_ORDER_RANDOM, seed, v);
		batch_completion(VFS_DEV_ORDER_RANDOM, seed, w);
		CU_ASSERT(is_permutation(v));
		CU_ASSERT_EQUAL(memcmp(v, w, sizeof(v)), 0); /* deterministic */
		for (unsigned int i = 0; i < 4; i++)
			if (v[i] != i)
				shuffled = true;
	}
	CU_ASSERT(shuffled);
}

/* Batch of 3 with 5 chains: pop 3, complete 3, pop 2, complete 2. */
static void test_batch(void)
{
	struct vfs_dev_config c = { .request_workers = 1 };
	long pop3, done1, pop4, done3;

	dh_setup(&c);
	dh_do_init();
	CU_ASSERT_EQUAL(vfs_dev_set_batch(dh_dev, 0), -EINVAL);
	CU_ASSERT_EQUAL(vfs_dev_set_batch(dh_dev, VFS_DEV_MAX_BATCH + 1),
			-EINVAL);
	CU_ASSERT_EQUAL(vfs_dev_set_batch(dh_dev, 3), 0);
	trace_reset(true);
	for (int i = 0; i < 5; i++)
		dh_getattr(1, FUSE_ROOT_ID);
	CU_ASSERT(dh_kick(1));
	dh_run();
	CU_ASSERT_EQUAL(qs(1).completed, 6);
	pop3 = dh_find_nth("dev.pop", 2);
	pop4 = dh_find_nth("dev.pop", 3);
	done1 = dh_find_nth("dev.complete", 0);
	done3 = dh_find_nth("dev.complete", 2);
	CU_ASSERT(pop3 >= 0 && done1 > pop3);
	CU_ASSERT(pop4 > done3);
	CU_ASSERT_EQUAL(dh_find_nth("dev.pop", 5), -1);
	dh_teardown();
}

/* A worker keeps its last request's host buffers for the next one (up to
 * 64 KiB): a large WRITE, then small requests, then a large one again all
 * carry the right bytes. */
static void test_worker_reuses_buffers(void)
{
	struct vfs_dev_config c = { .request_workers = 1 };
	static u8 big[100000], back[100000];
	struct fuse_getattr_in gin = { 0, 0, 0 };
	struct fuse_proto_args ga = { .opcode = FUSE_GETATTR,
				      .in_numargs = 1,
				      .out_numargs = 1 };
	struct memfs *fs;
	u64 ino, fh;

	dh_setup(&c);
	dh_do_init();
	make_file(&ino, &fh);
	fs = fuse_server_fs(vfs_dev_server(dh_dev));
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = (u8)(i * 7 + round);
		dh_expect(dh_write(1, ino, fh, big, sizeof(big)), 0);
		dh_expect(dh_getattr(1, ino), 0);
		/* a reply buffer far larger than the answer */
		ga.nodeid = ino;
		ga.in_args[0].size = sizeof(gin);
		ga.in_args[0].value = &gin;
		ga.out_args[0].size = sizeof(struct fuse_attr_out);
		dh_expect(dh_submit(1, &ga, sizeof(big)), 0);
		dh_expect(dh_write(1, ino, fh, "tiny", 4), 0);
		CU_ASSERT_EQUAL(memfs_read(fs, ino, 0, back, sizeof(back)),
				(s64)sizeof(back));
		CU_ASSERT_EQUAL(memcmp(back, "tiny", 4), 0);
		CU_ASSERT_EQUAL(memcmp(back + 4, big + 4, sizeof(big) - 4), 0);
	}
	CU_ASSERT_EQUAL(check_count(), 0);
	dh_teardown();
}

/*
 * A worker whose batch is larger than its load allocates no host memory
 * per request once warm: the batch's last pop finds the ring empty and
 * goes into the worker's own chain, and the finished request stays the
 * spare. (Before: that pop made a request, which stayed the spare, and
 * the finished request, buffers and all, was freed: host memory made
 * and freed every round trip.) A child process runs the round trips with
 * the next host allocation made to fail (host_fail_after()).
 */
static void test_batch_allocates_nothing(void)
{
	struct vfs_dev_config c = { .request_workers = 1 };
	int st = -1;
	pid_t pid;

	dh_setup(&c);
	dh_do_init();
	CU_ASSERT_EQUAL(vfs_dev_set_batch(dh_dev, 8), 0);
	trace_enabled = false; /* a kept event may allocate */
	for (int i = 0; i < 3; i++)
		dh_expect(dh_getattr(1, FUSE_ROOT_ID), 0);
	fflush(NULL);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		host_fail_after(1);
		for (int i = 0; i < 20; i++) {
			struct dh_req *r = dh_getattr(1, FUSE_ROOT_ID);

			dh_kick(1);
			dh_run();
			if (dh_result(r) != 0)
				_exit(1);
		}
		_exit(0);
	}
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT(WIFEXITED(st));
	CU_ASSERT_EQUAL(WEXITSTATUS(st), 0);
	trace_enabled = true;
	dh_teardown();
}

static void test_pause_resume(void)
{
	struct dh_req *a;

	dh_setup(NULL);
	dh_do_init();
	vfs_dev_pause(dh_dev, true);
	a = dh_getattr(1, FUSE_ROOT_ID);
	CU_ASSERT(dh_kick(1));
	CU_ASSERT_EQUAL(dh_run(), SCHED_DONE);
	CU_ASSERT_FALSE(a->done);
	CU_ASSERT_EQUAL(qs(1).popped, 1);
	CU_ASSERT(trace_find("dev.pause", 0) >= 0);
	vfs_dev_pause(dh_dev, false);
	dh_run();
	CU_ASSERT_EQUAL(dh_result(a), 0);
	CU_ASSERT(trace_find("dev.unpause", 0) >= 0);
	dh_teardown();
}

/* Paused with a chain already popped: it still completes. */
static void test_pause_lets_popped_complete(void)
{
	struct dh_req *a;

	dh_setup(NULL);
	dh_do_init();
	vfs_dev_set_latency(dh_dev, 1000);
	a = dh_getattr(1, FUSE_ROOT_ID);
	CU_ASSERT(dh_kick(1));
	step_until_in_progress(1);
	vfs_dev_pause(dh_dev, true);
	dh_run();
	CU_ASSERT_EQUAL(dh_result(a), 0);
	dh_teardown();
}

static void test_death(void)
{
	struct dh_snapshot snap;
	struct dh_req *a, *b;
	unsigned int irqs;

	dh_setup(NULL);
	dh_do_init();
	vfs_dev_set_latency(dh_dev, 1000);
	a = dh_getattr(1, FUSE_ROOT_ID);
	CU_ASSERT(dh_kick(1));
	step_until_in_progress(1);
	dh_snap(&snap);
	irqs = dh_irqs[1];
	vfs_dev_kill(dh_dev);
	CU_ASSERT(vfs_dev_dead(dh_dev));
	CU_ASSERT(trace_find("dev.dead", 0) >= 0);
	b = dh_getattr(1, FUSE_ROOT_ID);
	CU_ASSERT(dh_kick(1)); /* the kick itself succeeds ... */
	CU_ASSERT(trace_find("daemon dead", 0) >= 0); /* ... and is ignored */
	CU_ASSERT_EQUAL(dh_run(), SCHED_DONE);
	CU_ASSERT_FALSE(a->done || b->done);
	CU_ASSERT(dh_snap_same(&snap));
	CU_ASSERT_EQUAL(dh_irqs[1], irqs);
	CU_ASSERT_EQUAL(vfs_dev_in_progress(dh_dev), 1);
	CU_ASSERT_EQUAL(vfs_dev_held_heads(dh_dev, 1, NULL, 0), 1);
	dh_snap_free(&snap);
	/* A reset drops what is held; the daemon stays dead. */
	vfs_dev_reset(dh_dev);
	CU_ASSERT_EQUAL(vfs_dev_in_progress(dh_dev), 0);
	dh_run();
	CU_ASSERT(vfs_dev_dead(dh_dev));
	dh_teardown();
}

/* The release wakes a parked SETLKW, but the daemon dies before it runs:
 * the retry is never executed. */
static void test_death_before_retry(void)
{
	struct dh_req *w, *u;
	u64 ino, fh, gen;
	unsigned int done;

	dh_setup(&park_cfg);
	dh_do_init();
	make_file(&ino, &fh);
	dh_expect(dh_lk(1, FUSE_SETLK, ino, fh, 1, F_WRLCK), 0);
	w = dh_lk(1, FUSE_SETLKW, ino, fh, 2, F_WRLCK);
	CU_ASSERT(dh_kick(1));
	dh_run();
	u = dh_lk(1, FUSE_SETLK, ino, fh, 1, F_UNLCK);
	CU_ASSERT(dh_kick(1));
	done = dh_count("dev.complete");
	while (dh_count("dev.complete") == done)
		CU_ASSERT_FATAL(sched_step() == SCHED_STEPPED);
	vfs_dev_kill(dh_dev);
	gen = fuse_server_lock_generation(vfs_dev_server(dh_dev));
	dh_run();
	CU_ASSERT(u->done);
	CU_ASSERT_FALSE(w->done);
	CU_ASSERT_EQUAL(dh_count("dev.lock_retry"), 1);
	/* Not retried: the lock table did not change. */
	CU_ASSERT_EQUAL(fuse_server_lock_generation(vfs_dev_server(dh_dev)),
			gen);
	CU_ASSERT_EQUAL(vfs_dev_in_progress(dh_dev), 1);
	dh_teardown();
}

/* A dead device's batch: execution is skipped, nothing completes. */
static void test_kill_then_pop_race(void)
{
	struct vfs_dev_config c = { .request_workers = 1 };
	struct dh_req *a;

	dh_setup(&c);
	dh_do_init();
	a = dh_getattr(1, FUSE_ROOT_ID);
	CU_ASSERT(dh_kick(1));
	/* The worker is runnable; kill before it runs: it never pops. */
	vfs_dev_kill(dh_dev);
	dh_run();
	CU_ASSERT_FALSE(a->done);
	CU_ASSERT_EQUAL(vfs_dev_in_progress(dh_dev), 0);
	dh_teardown();
}

/* The same run twice gives the same trace, byte for byte. */
static u64 random_run_hash(u64 seed)
{
	struct vfs_dev_config c = { .request_workers = 2 };
	u64 h;

	dh_setup(&c);
	dh_do_init();
	vfs_dev_set_batch(dh_dev, 3);
	vfs_dev_set_latency(dh_dev, 700);
	vfs_dev_set_order(dh_dev, VFS_DEV_ORDER_RANDOM, seed);
	for (int i = 0; i < 9; i++)
		dh_getattr(1, FUSE_ROOT_ID);
	dh_forget(0, FUSE_ROOT_ID, 1);
	CU_ASSERT(dh_kick(1));
	CU_ASSERT(dh_kick(0));
	dh_run();
	h = trace_hash();
	dh_teardown();
	return h;
}

static void test_deterministic_trace(void)
{
	CU_ASSERT_EQUAL(random_run_hash(7), random_run_hash(7));
	CU_ASSERT_NOT_EQUAL(random_run_hash(7), random_run_hash(8));
}

VT_SUITE(device_vfs_dev_worker, NULL, NULL, VT_CASE(test_deterministic_trace),
	 VT_CASE(test_reset_drops_in_progress), VT_CASE(test_driver_reset),
	 VT_CASE(test_setlkw_eopnotsupp_by_default),
	 VT_CASE(test_setlkw_parks_one_worker),
	 VT_CASE(test_setlkw_reparks_and_reset_drops_it),
	 VT_CASE(test_setlkw_interrupted_by_stop),
	 VT_CASE(test_latency_in_virtual_time), VT_CASE(test_completion_orders),
	 VT_CASE(test_batch), VT_CASE(test_worker_reuses_buffers),
	 VT_CASE(test_batch_allocates_nothing), VT_CASE(test_pause_resume),
	 VT_CASE(test_pause_lets_popped_complete), VT_CASE(test_death),
	 VT_CASE(test_death_before_retry), VT_CASE(test_kill_then_pop_race));
