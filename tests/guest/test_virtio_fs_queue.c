// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_virtio_fs_queue.c - the virtio-fs data path against the scripted
 * device: full request and hiprio queues, reply checking, allocation
 * failures, broken queues, the race that strands a parked request; both
 * variants. How arguments travel (pages, may_block, interrupts) is in
 * test_virtio_fs_args.c.
 */
#include "tests/guest/test_virtio_fs_util.h"

#define NR_MANY 100

static struct vop many[NR_MANY];

static bool all_done(void *arg)
{
	unsigned int n = *(unsigned int *)arg;

	for (unsigned int i = 0; i < n; i++)
		if (!task_done(many[i].task))
			return false;
	return true;
}

/* A request queue of 8 descriptors (two requests at a time; 6.1 and
 * mainline refuse to mount on 4, less than a request's headers need) and
 * 100 requests: mainline parks the rest and re-dispatches from completion
 * work; v5 makes each submitter sleep 20 us and retry. All succeed. */
static void run_full_request_queue(const char *variant)
{
	unsigned int n = vt_slow_build() ? 40 : NR_MANY;
	bool v5 = !strcmp(variant, "v5-2019");

	virtio_fs_set_variant(variant);
	vt_cfg.queue_size = 8;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	for (unsigned int i = 0; i < n; i++)
		vop_start_cpu(&many[i], FUSE_GETATTR, FUSE_ROOT_ID, false,
			      (int)(i % 2));
	vt_run_until(all_done, &n);
	vt_run();
	for (unsigned int i = 0; i < n; i++)
		CU_ASSERT_EQUAL(many[i].ret, 0);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_GETATTR), n);
	CU_ASSERT_EQUAL(vt_fs()->vqs[VQ_REQUEST].in_flight, 0);
	CU_ASSERT(list_empty(&vt_fs()->vqs[VQ_REQUEST].queued_reqs));
	if (v5) {
		CU_ASSERT_EQUAL(vt_trace_count("virtio_fs.park"), 0);
	} else {
		CU_ASSERT(vt_trace_count("virtio_fs.park") >= n / 2);
	}
	CU_ASSERT(vt_trace_count("need=") > 0); /* the ring was full */
	CU_ASSERT_EQUAL(check_count(), 0);
	vt_umount();
}

static void test_full_request_queue_mainline(void)
{
	run_full_request_queue("mainline");
}

static void test_full_request_queue_v5(void)
{
	run_full_request_queue("v5-2019");
}

static bool forgets_seen(void *arg)
{
	return sdev_count_op(&vt_dev, FUSE_FORGET) >= *(unsigned int *)arg;
}

/*
 * The hiprio queue (8 slots) is full while the device is paused: FORGETs
 * 9..14 are parked (mainline counts them in flight, v5 does not) and sent
 * once the device resumes. The lookups balance (v5's 64-byte FORGETs are
 * read as the daemons of the time read them); unmount then finds nothing
 * to drop.
 */
static void run_hiprio_full(const char *variant)
{
	bool v5 = !strcmp(variant, "v5-2019");
	struct virtio_fs_vq *hq;
	struct vt_forgets f = { .n = 14 };
	unsigned int parked = 0;
	struct list_head *pos;
	s64 first = 0;

	virtio_fs_set_variant(variant);
	vt_cfg.queue_size = 8;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	for (unsigned int i = 0; i < f.n; i++) {
		char name[16];
		s64 id;

		snprintf(name, sizeof(name), "f%u", i);
		id = vt_lookup(name);
		CU_ASSERT_FATAL(id > 1);
		if (!i)
			first = id;
		CU_ASSERT_EQUAL(id, first + i);
	}
	CU_ASSERT_EQUAL(sdev_total_lookups(&vt_dev), 14);
	f.first = (u64)first;
	sdev_pause(&vt_dev);
	vt_forget_many(f.n, f.first);
	hq = &vt_fs()->vqs[VQ_HIPRIO];
	list_for_each(pos, &hq->queued_reqs)
		parked++;
	CU_ASSERT_EQUAL(parked, 6);
	CU_ASSERT_EQUAL(hq->in_flight, v5 ? 8 : 14);
	CU_ASSERT_EQUAL(vt_trace_count("virtio_fs.forget_park"), 6);
	if (v5) {
		/* v5's dispatch_work retries every millisecond meanwhile */
		vt_deadline = sched_now() + 3 * NSEC_PER_MSEC;
		sched_run_until(vt_past_deadline, NULL);
		CU_ASSERT(vt_trace_count("virtio_fs_hiprio_dispatch_work") >=
			  3);
		CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_FORGET), 0);
	}

	sdev_resume(&vt_dev);
	vt_run_until(forgets_seen, &f.n);
	vt_run();
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_FORGET), 14);
	CU_ASSERT_EQUAL(hq->in_flight, 0);
	CU_ASSERT(list_empty(&hq->queued_reqs));
	CU_ASSERT_EQUAL(sdev_total_lookups(&vt_dev), 0);
	vt_umount();
	CU_ASSERT_EQUAL(check_count(), 0);
}

static void test_hiprio_full_mainline(void)
{
	run_hiprio_full("mainline");
}

static void test_hiprio_full_v5(void)
{
	run_hiprio_full("v5-2019");
}

/*
 * Mainline checks each reply as Linux 7.1's virtio_fs_verify_response()
 * does: too short for a header, oh.len not the used length, or another
 * unique ends the request with -EIO. A positive or out-of-range error,
 * a payload on an error, a short fixed reply pass that check: only
 * vfsim's strict-replies option (FUSE_VERIFY_STRICT) refuses them too.
 */
static void test_verify_reply_mainline(void)
{
	const struct sdev_action kernel_bad[] = {
		SDEV_BAD_LEN,
		SDEV_BAD_UNIQUE,
		SDEV_USED_LEN(0),
		SDEV_USED_LEN(8),
	};
	const struct sdev_action strict_bad[] = {
		SDEV_ERROR_WITH_PAYLOAD,
		SDEV_BAD_ERRNO(5),
	};
	struct vop op;

	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(kernel_bad); i++) {
		sdev_clear_rules(&vt_dev);
		sdev_add_rule(&vt_dev, FUSE_GETATTR, SDEV_ANY_QUEUE, 1,
			      kernel_bad[i]);
		CU_ASSERT_EQUAL(vop_run(&op, FUSE_GETATTR, FUSE_ROOT_ID), -EIO);
	}
	CU_ASSERT_EQUAL(vt_trace_count("virtio_fs.bad_reply"),
			ARRAY_SIZE(kernel_bad));
	/* the kernel believes these: the request ends with what they say */
	sdev_clear_rules(&vt_dev);
	sdev_add_rule(&vt_dev, FUSE_GETATTR, SDEV_ANY_QUEUE, 1,
		      SDEV_BAD_ERRNO(5));
	CU_ASSERT_EQUAL(vop_run(&op, FUSE_GETATTR, FUSE_ROOT_ID), 5);
	sdev_clear_rules(&vt_dev);
	sdev_add_rule(&vt_dev, FUSE_GETATTR, SDEV_ANY_QUEUE, 1,
		      SDEV_ERROR_WITH_PAYLOAD);
	CU_ASSERT(vop_run(&op, FUSE_GETATTR, FUSE_ROOT_ID) < 0);
	CU_ASSERT_EQUAL(vt_trace_count("virtio_fs.bad_reply"),
			ARRAY_SIZE(kernel_bad));
	vt_umount();
	vt_teardown();

	vt_setup();
	CU_ASSERT_EQUAL(virtio_fs_set_option("strict-replies", true), 0);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(strict_bad); i++) {
		sdev_clear_rules(&vt_dev);
		sdev_add_rule(&vt_dev, FUSE_GETATTR, SDEV_ANY_QUEUE, 1,
			      strict_bad[i]);
		CU_ASSERT_EQUAL(vop_run(&op, FUSE_GETATTR, FUSE_ROOT_ID), -EIO);
	}
	CU_ASSERT_EQUAL(vt_trace_count("virtio_fs.bad_reply"),
			ARRAY_SIZE(strict_bad));
	vt_umount();
}

static void test_verify_reply_v5(void)
{
	struct vop op;

	virtio_fs_set_variant("v5-2019");
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	sdev_add_rule(&vt_dev, FUSE_GETATTR, SDEV_ANY_QUEUE, 1,
		      SDEV_BAD_UNIQUE);
	CU_ASSERT_EQUAL(vop_run(&op, FUSE_GETATTR, FUSE_ROOT_ID), 0);
	sdev_add_rule(&vt_dev, FUSE_GETATTR, SDEV_ANY_QUEUE, 1,
		      SDEV_USED_LEN(0));
	CU_ASSERT_EQUAL(vop_run(&op, FUSE_GETATTR, FUSE_ROOT_ID), 0);
	CU_ASSERT_EQUAL(check_count(), 0);
	sdev_add_rule(&vt_dev, FUSE_GETATTR, SDEV_ANY_QUEUE, 1, SDEV_BAD_LEN);
	CU_ASSERT_EQUAL(vop_run(&op, FUSE_GETATTR, FUSE_ROOT_ID), 0);
	CU_ASSERT_EQUAL(check_count_kind("virtio_fs.unchecked_reply"), 1);
	CU_ASSERT_EQUAL(vt_trace_count("virtio_fs.bad_reply"), 0);
	check_clear();
	vt_umount();
}

static bool in_flight_is(void *arg)
{
	return vt_fs()->vqs[VQ_REQUEST].in_flight == *(long *)arg;
}

/* -ENOMEM while building the request: mainline hands it to the caller
 * (ended by dispatch_work, not the submitter); v5 sleeps and retries. */
static void test_enqueue_enomem(void)
{
	struct vop op;

	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=copy_args_to_argbuf,"
					 "nth=1"),
			0);
	CU_ASSERT_EQUAL(vop_run(&op, FUSE_GETATTR, FUSE_ROOT_ID), -ENOMEM);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_GETATTR), 0);
	CU_ASSERT_EQUAL(vt_trace_count("virtio_fs.end"), 1);
	CU_ASSERT_EQUAL(vt_fs()->vqs[VQ_REQUEST].in_flight, 0);
	vt_umount();
}

static void test_enqueue_enomem_v5(void)
{
	struct vop op;

	virtio_fs_set_variant("v5-2019");
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=copy_args_to_argbuf,"
					 "nth=1"),
			0);
	CU_ASSERT_EQUAL(vop_run(&op, FUSE_GETATTR, FUSE_ROOT_ID), 0);
	CU_ASSERT_EQUAL(fault_fired("kmalloc"), 1);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_GETATTR), 1);
	vt_umount();
}

/* A parked request whose re-dispatch fails is ended by dispatch_work with
 * the error, and uncounted. */
static void test_dispatch_enomem(void)
{
	struct vop a, a2, b;
	long three = 3;

	vt_cfg.queue_size = 8;
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	sdev_pause(&vt_dev);
	vop_start(&a, FUSE_GETATTR, FUSE_ROOT_ID, false);
	vop_start(&a2, FUSE_GETATTR, FUSE_ROOT_ID, false);
	vop_start(&b, FUSE_GETATTR, FUSE_ROOT_ID, false);
	vt_run_until(in_flight_is, &three);
	CU_ASSERT_EQUAL(vt_trace_count("virtio_fs.park"), 1);
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=copy_args_to_argbuf"),
			0);
	sdev_resume(&vt_dev);
	vt_run();
	fault_reset();
	CU_ASSERT_EQUAL(a.ret, 0);
	CU_ASSERT_EQUAL(a2.ret, 0);
	CU_ASSERT_EQUAL(b.ret, -ENOMEM);
	CU_ASSERT_EQUAL(vt_fs()->vqs[VQ_REQUEST].in_flight, 0);
	CU_ASSERT(vt_trace_count("dispatch failed -12") == 1);
	vt_umount();
}

/* A broken request queue: -EIO, ended by dispatch_work (mainline) or
 * in the submitter (v5); FORGETs on a broken hiprio queue are dropped. */
static void run_broken_queue(const char *variant)
{
	struct vop op;
	s64 id;

	virtio_fs_set_variant(variant);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	id = vt_lookup("x");
	virtqueue_set_broken(vt_fs()->vqs[VQ_REQUEST].vq, "test");
	virtqueue_set_broken(vt_fs()->vqs[VQ_HIPRIO].vq, "test");
	CU_ASSERT_EQUAL(vop_run(&op, FUSE_GETATTR, FUSE_ROOT_ID), -EIO);
	vop_start(&op, FUSE_FORGET, (u64)id, false);
	vt_run();
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_FORGET), 0);
	CU_ASSERT_EQUAL(vt_fs()->vqs[VQ_HIPRIO].in_flight, 0);
	CU_ASSERT_EQUAL(check_count(), 0);
	/* DESTROY fails the same way; unmount still completes */
	vt_umount();
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_DESTROY), 0);
}

static void test_broken_queue_mainline(void)
{
	run_broken_queue("mainline");
	CU_ASSERT(vt_trace_count("forget_drop") >= 1);
}

static void test_broken_queue_v5(void)
{
	run_broken_queue("v5-2019");
}

/*
 * A race in mainline's virtio_fs_send_req() (since 6.11): the ring is full,
 * so the request is parked -- but between the failed add and taking
 * fsvq->lock to park it, done_work may empty the ring, find queued_reqs
 * still empty and schedule no dispatch. The parked request then waits for
 * a completion that never comes (here: forever; a request timeout does not
 * see parked requests either, and removal's drain waits for it for ever).
 * Random schedules find it; v5 (sleep and retry) cannot strand a request
 * this way. Three GETATTRs on an 8-slot ring: two fit, the third parks.
 * To end the stranded one the test runs with vfsim's bounded-drain
 * option, whose removal takes parked requests back.
 */
/* One run of the race under @policy; true when a request was stranded
 * (its schedule goes to @replay when given). */
static bool park_race_once(const char *variant, const char *policy,
			   char *replay, size_t replay_size)
{
	bool stranded = false;
	struct vop a, b, c;

	vt_setup();
	virtio_fs_set_variant(variant);
	virtio_fs_set_option("bounded-drain", true);
	vt_cfg.queue_size = 8;
	CU_ASSERT_EQUAL_FATAL(sched_set_policy(policy), 0);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	vop_start_cpu(&a, FUSE_GETATTR, FUSE_ROOT_ID, false, 0);
	vop_start_cpu(&b, FUSE_GETATTR, FUSE_ROOT_ID, false, 1);
	vop_start_cpu(&c, FUSE_GETATTR, FUSE_ROOT_ID, false, 0);
	vt_run();
	if (a.ret == 1 || b.ret == 1 || c.ret == 1) {
		struct virtio_fs_vq *fsvq = &vt_fs()->vqs[VQ_REQUEST];
		struct virtqueue_info info;

		stranded = true;
		/* the machine noticed: blocked tasks and nothing to run */
		CU_ASSERT(check_count_kind("deadlock") >= 1);
		CU_ASSERT_EQUAL(check_count(), check_count_kind("deadlock"));
		check_clear();
		virtqueue_get_info(fsvq->vq, &info);
		CU_ASSERT_EQUAL(info.in_flight, 0);
		CU_ASSERT_EQUAL(fsvq->in_flight, 1);
		CU_ASSERT(!list_empty(&fsvq->queued_reqs));
		if (replay)
			sched_choices_format(replay, replay_size);
		/* removal (bounded-drain) takes it back */
		sdev_unplug(&vt_dev);
		vt_run_for(40 * NSEC_PER_SEC);
		CU_ASSERT(a.ret == -ENOTCONN || b.ret == -ENOTCONN ||
			  c.ret == -ENOTCONN);
	} else {
		CU_ASSERT_EQUAL(a.ret, 0);
		CU_ASSERT_EQUAL(b.ret, 0);
		CU_ASSERT_EQUAL(c.ret, 0);
	}
	vt_umount();
	/* v5's drain polls (drain-by-polling, as shipped): a drain that
	 * waits returns late, on its timer (random:17 does) */
	CU_ASSERT_EQUAL(check_count(),
			strcmp(variant, "v5-2019") ?
				0 :
				check_count_kind("virtio_fs.drain_late"));
	vt_teardown();
	return stranded;
}

static unsigned int run_park_race(const char *variant, unsigned int first,
				  unsigned int last, bool first_only,
				  char *replay, size_t replay_size)
{
	unsigned int stranded = 0;

	for (unsigned int seed = first; seed <= last; seed++) {
		if (first_only && stranded)
			break;
		char policy[32];

		snprintf(policy, sizeof(policy), "random:%u", seed);
		if (park_race_once(variant, policy, stranded ? NULL : replay,
				   replay_size)) {
			stranded++;
			if (getenv("VT_DEBUG"))
				fprintf(stderr, " seed %u ", seed);
		}
	}
	vt_setup(); /* for the suite's own teardown */
	return stranded;
}

/* Random schedules strand a request (seeds 421, 533 and 584 of 1..600
 * do, since the preemption points after wake-ups, work items and
 * interrupts; 17, 55, 134 and 174 of 1..200 before them); the recorded
 * schedule strands it again when replayed. Slow builds stop at the first
 * seed that strands one. */
static void test_park_race_mainline(void)
{
	static char replay[16384];
	unsigned int n;

	n = run_park_race("mainline", 1, 600, vt_slow_build(), replay,
			  sizeof(replay));
	fprintf(stderr, " [%u stranded] ", n);
	CU_ASSERT_FATAL(n > 0);
	vt_teardown();
	CU_ASSERT(park_race_once("mainline", replay, NULL, 0));
	vt_setup();
}

static void test_park_race_v5(void)
{
	CU_ASSERT_EQUAL(run_park_race("v5-2019", 1, vt_slow_build() ? 10 : 50,
				      false, NULL, 0),
			0);
}

VT_SUITE_EACH(guest_virtio_fs_queue, vt_setup, vt_teardown,
	      VT_CASE(test_full_request_queue_mainline),
	      VT_CASE(test_full_request_queue_v5),
	      VT_CASE(test_hiprio_full_mainline), VT_CASE(test_hiprio_full_v5),
	      VT_CASE(test_verify_reply_mainline),
	      VT_CASE(test_verify_reply_v5), VT_CASE(test_enqueue_enomem),
	      VT_CASE(test_enqueue_enomem_v5), VT_CASE(test_dispatch_enomem),
	      VT_CASE(test_broken_queue_mainline),
	      VT_CASE(test_broken_queue_v5), VT_CASE(test_park_race_mainline),
	      VT_CASE(test_park_race_v5));
