// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fuse_core_abort.c - the FUSE core's abort paths in both fiq op
 * styles: abort (queued, processing, pending, io requests and forgets),
 * ENOTCONN afterwards, request timeouts and the forget list. DESTROY, INIT
 * and mount failures are in test_fuse_core_session.c.
 */
#include <errno.h>
#include <string.h>

#include "tests/guest/fuse_core_test_util.h"
#include "tests/harness.h"

static struct fuse_test_transport tt;

static void setup(void)
{
	ftt_machine_setup();
}

static void teardown(void)
{
	CU_ASSERT_EQUAL(ftt_machine_teardown(), 0);
	check_clear();
}

static void mount_and_init(bool v5)
{
	CU_ASSERT_EQUAL_FATAL(ftt_mount(&tt, v5, NULL), 0);
	run_idle();
	CU_ASSERT_TRUE_FATAL(tt.fc.conn_init);
}

static void abort_conn(bool v5)
{
	struct req_task s, b, q, after, fafter, bafter;
	struct fuse_forget_link *fl;

	mount_and_init(v5);
	tt.fc.max_background = 1;
	tt.hold = true;
	rt_start(&s, &tt.fm, false, false);
	rt_start(&b, &tt.fm, true, false);
	rt_start(&q, &tt.fm, true, true); /* stays on bg_queue */
	run_idle();
	CU_ASSERT_EQUAL(ftt_queued(&tt), 2);
	CU_ASSERT_FALSE(list_empty(&tt.fc.bg_queue));
	fuse_abort_conn(&tt.fc);
	run_idle();
	CU_ASSERT_EQUAL(s.ret, -ECONNABORTED);
	CU_ASSERT_EQUAL(b.end_error, -ECONNABORTED);
	/* the queued one was flushed to the transport, which refused it */
	CU_ASSERT_EQUAL(q.end_calls, 1);
	CU_ASSERT_EQUAL(q.end_error, -ENOTCONN);
	CU_ASSERT_FALSE(tt.fc.connected);
	CU_ASSERT_TRUE(tt.fc.aborted);
	CU_ASSERT_FALSE(tt.fc.iq.connected);
	CU_ASSERT_FALSE(tt.fud->pq.connected);
	CU_ASSERT(trace_find("fuse_abort_conn", 0) >= 0);
	/* a second abort does nothing */
	fuse_abort_conn(&tt.fc);
	/* everything new fails with ENOTCONN; forgets are dropped */
	rt_start(&after, &tt.fm, false, false);
	rt_start(&fafter, &tt.fm, false, true);
	rt_start(&bafter, &tt.fm, true, false);
	run_idle();
	CU_ASSERT_EQUAL(after.ret, -ENOTCONN);
	CU_ASSERT_EQUAL(fafter.ret, -ENOTCONN);
	CU_ASSERT_EQUAL(bafter.ret, -ENOTCONN);
	CU_ASSERT_EQUAL(bafter.end_calls, 0);
	fl = fuse_alloc_forget();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fl);
	fuse_queue_forget(&tt.fc, fl, 2, 1);
	CU_ASSERT_EQUAL(tt.nr_forgets, 0);
	/* the device still held two: it drops them without a second end */
	ftt_release_hold(&tt);
	run_idle();
	CU_ASSERT_EQUAL(tt.nr_dropped, 2);
	CU_ASSERT_EQUAL(s.end_calls + b.end_calls, 1);
	CU_ASSERT_EQUAL(atomic_read(&tt.fc.num_waiting), 0);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

static void test_abort_mainline(void)
{
	abort_conn(false);
}

static void test_abort_v5(void)
{
	abort_conn(true);
}

/* An interrupted request (no signals here: the flag is set by hand) is
 * taken off the interrupt list when it ends. */
static void test_interrupted_end(void)
{
	struct req_task s;
	struct fuse_req *req;

	mount_and_init(false);
	tt.hold = true;
	rt_start(&s, &tt.fm, false, false);
	run_idle();
	req = list_first_entry(&tt.fud->pq.processing[0], struct fuse_req,
			       list);
	set_bit(FR_INTERRUPTED, &req->flags);
	list_add_tail(&req->intr_entry, &tt.fc.iq.interrupts);
	ftt_release_hold(&tt);
	run_idle();
	CU_ASSERT_EQUAL(s.ret, 0);
	CU_ASSERT_TRUE(list_empty(&tt.fc.iq.interrupts));
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

/* A background force request after abort: allocated, refused by the
 * queue, put unsent (the FR_BACKGROUND branch of fuse_put_request). */
static void test_background_unsent_put(void)
{
	struct req_task b;

	mount_and_init(false);
	fuse_abort_conn(&tt.fc);
	rt_start(&b, &tt.fm, true, true);
	run_idle();
	CU_ASSERT_EQUAL(b.ret, -ENOTCONN);
	CU_ASSERT_EQUAL(b.end_calls, 0);
	tt.fc.blocked = 1;
	rt_start(&b, &tt.fm, true, true);
	run_idle();
	CU_ASSERT_EQUAL(b.ret, -ENOTCONN);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

/* v5: a request parked on fiq->pending is ended by abort; parked forgets
 * are freed. */
static void test_abort_pending_v5(void)
{
	struct req_task s;
	struct fuse_forget_link *fl;

	mount_and_init(true);
	tt.park_pending = true;
	tt.park_forgets = true;
	rt_start(&s, &tt.fm, false, false);
	run_idle();
	CU_ASSERT_FALSE(list_empty(&tt.fc.iq.pending));
	fl = fuse_alloc_forget();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fl);
	fuse_queue_forget(&tt.fc, fl, 3, 1);
	CU_ASSERT_PTR_NOT_NULL(tt.fc.iq.forget_list_head.next);
	fuse_abort_conn(&tt.fc);
	run_idle();
	CU_ASSERT_EQUAL(s.ret, -ECONNABORTED);
	CU_ASSERT_TRUE(list_empty(&tt.fc.iq.pending));
	CU_ASSERT_PTR_NULL(tt.fc.iq.forget_list_head.next);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

/* A request on fpq->io (a /dev/fuse copy in progress; never virtio-fs) is
 * ended with its reader's reference kept; an FR_LOCKED one stays. */
static void test_abort_io_list(void)
{
	struct req_task s, l;
	struct fuse_pqueue *fpq;
	struct fuse_req *req, *locked;

	mount_and_init(false);
	fpq = &tt.fud->pq;
	tt.hold = true;
	rt_start(&s, &tt.fm, false, false);
	rt_start(&l, &tt.fm, false, false);
	run_idle();
	req = list_first_entry(&fpq->processing[0], struct fuse_req, list);
	locked = list_last_entry(&fpq->processing[0], struct fuse_req, list);
	list_move_tail(&req->list, &fpq->io);
	list_move_tail(&locked->list, &fpq->io);
	set_bit(FR_LOCKED, &locked->flags);
	fuse_abort_conn(&tt.fc);
	run_idle();
	CU_ASSERT_EQUAL(s.ret, -ECONNABORTED);
	CU_ASSERT_TRUE(test_bit(FR_ABORTED, &req->flags));
	CU_ASSERT_TRUE(test_bit(FR_PRIVATE, &req->flags));
	CU_ASSERT_EQUAL(l.ret, 1); /* locked: left for its copier */
	CU_ASSERT_EQUAL(fpq->io.next, &locked->list);
	/* play the copier: finish the locked one, drop the reader's ref */
	list_del_init(&locked->list);
	clear_bit(FR_SENT, &locked->flags);
	clear_bit(FR_LOCKED, &locked->flags);
	fuse_request_end(locked);
	fuse_put_request(req);
	ftt_release_hold(&tt);
	run_idle();
	CU_ASSERT_EQUAL(l.ret, -ECONNABORTED);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

struct waiter {
	struct fuse_conn *fc;
	bool done;
};

static int wait_aborted_fn(void *arg)
{
	struct waiter *w = arg;

	fuse_wait_aborted(w->fc);
	w->done = true;
	return 0;
}

static void test_wait_aborted(void)
{
	struct req_task s;
	struct waiter w = { .fc = &tt.fc };

	mount_and_init(false);
	tt.hold = true;
	rt_start(&s, &tt.fm, false, false);
	run_idle();
	fuse_abort_conn(&tt.fc);
	/* s is ended; its task has not run yet, so it still counts */
	CU_ASSERT_EQUAL(atomic_read(&tt.fc.num_waiting), 1);
	task_spawn(wait_aborted_fn, &w, "waiter", TASK_SYSCALL, 1);
	run_idle();
	/* the device still holds a reference: the request is not gone */
	CU_ASSERT_FALSE(w.done);
	CU_ASSERT_EQUAL(atomic_read(&tt.fc.num_waiting), 1);
	ftt_release_hold(&tt);
	run_idle();
	CU_ASSERT_TRUE(w.done);
	CU_ASSERT_EQUAL(s.ret, -ECONNABORTED);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

static bool after_ns(void *arg)
{
	return sched_now() >= *(u64 *)arg;
}

/*
 * Mainline's timeout: a 5 s request is floored to 15 s and looked at
 * every 15 s, so a request made at 0 is not over at the 15 s check (not
 * yet older than 15 s) and is aborted at the 30 s one.
 */
static void timeout_fires(bool background)
{
	struct req_task s;
	u64 until = 40 * NSEC_PER_SEC;

	mount_and_init(false);
	fuse_init_server_timeout(&tt.fc, 5);
	CU_ASSERT_EQUAL(tt.fc.timeout.req_timeout, 15 * HZ);
	tt.hold = true;
	rt_start(&s, &tt.fm, background, false);
	sched_run_until(after_ns, &until);
	CU_ASSERT_FALSE(tt.fc.connected);
	CU_ASSERT_EQUAL(background ? s.end_error : (int)s.ret, -ECONNABORTED);
	CU_ASSERT(trace_find("fuse_check_timeout", 0) >= 0);
	CU_ASSERT(trace_find("request timeout 15 s, checked every 15 s", 0) >=
		  0);
	CU_ASSERT(sched_now() >= 30 * NSEC_PER_SEC);
	CU_ASSERT_FALSE(delayed_work_pending(&tt.fc.timeout.work));
	/* a check that still runs after the abort (the device holds the
	 * request, so it is counted) stops without re-arming */
	CU_ASSERT_EQUAL(atomic_read(&tt.fc.num_waiting), 1);
	queue_delayed_work(system_wq, &tt.fc.timeout.work, 0);
	run_idle();
	CU_ASSERT_FALSE(delayed_work_pending(&tt.fc.timeout.work));
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

static void test_timeout_sync(void)
{
	timeout_fires(false);
}

static void test_timeout_background(void)
{
	timeout_fires(true);
}

/* An idle connection's check re-arms every 15 s; nothing is armed with no
 * timeout anywhere. */
static void test_timeout_idle_rearms(void)
{
	u64 until = 40 * NSEC_PER_SEC;

	mount_and_init(false);
	fuse_init_server_timeout(&tt.fc, 0);
	CU_ASSERT_EQUAL(tt.fc.timeout.req_timeout, 0);
	CU_ASSERT_FALSE(delayed_work_pending(&tt.fc.timeout.work));
	fuse_init_server_timeout(&tt.fc, 60);
	CU_ASSERT_EQUAL(tt.fc.timeout.req_timeout, 60 * HZ);
	sched_run_until(after_ns, &until);
	CU_ASSERT_TRUE(tt.fc.connected);
	CU_ASSERT_TRUE(delayed_work_pending(&tt.fc.timeout.work));
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

/* The two sysctls and the server's value, as init_server_timeout()
 * combines them (seconds): the server's wins over the default, the max
 * caps both and stands in for neither, 15 s is the floor. */
static void test_timeout_sysctls(void)
{
	static const struct {
		unsigned int server, def, max, want;
	} cases[] = {
		{ 0, 0, 0, 0 },	    { 0, 20, 0, 20 },	{ 40, 20, 0, 40 },
		{ 10, 0, 0, 15 },   { 100, 0, 30, 30 }, { 0, 0, 30, 30 },
		{ 0, 100, 30, 30 }, { 5, 0, 10, 15 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		mount_and_init(false);
		CU_ASSERT_EQUAL(virtio_fs_set_request_timeout(cases[i].def), 0);
		CU_ASSERT_EQUAL(virtio_fs_set_max_request_timeout(cases[i].max),
				0);
		fuse_init_server_timeout(&tt.fc, cases[i].server);
		CU_ASSERT_EQUAL(tt.fc.timeout.req_timeout,
				(unsigned long)cases[i].want * HZ);
		CU_ASSERT_EQUAL(delayed_work_pending(&tt.fc.timeout.work),
				cases[i].want != 0);
		if (tt.fc.timeout.req_timeout)
			cancel_delayed_work_sync(&tt.fc.timeout.work);
		virtio_fs_variant_reset();
		ftt_exit(&tt);
	}
}

/* Old requests on fiq->pending (v5 parked) and on bg_queue expire too; a
 * young one on the processing list does not. */
static void test_timeout_pending_and_bg_queue(void)
{
	struct req_task s, b1, b2;
	u64 until = 40 * NSEC_PER_SEC;

	/* the wake-style transport queues on fiq->pending, as /dev/fuse's
	 * does in mainline; fuse_check_timeout() is the same for both */
	mount_and_init(true);
	tt.park_pending = true;
	fuse_init_server_timeout(&tt.fc, 2);
	rt_start(&s, &tt.fm, false, false);
	sched_run_until(after_ns, &until);
	CU_ASSERT_EQUAL(s.ret, -ECONNABORTED);
	ftt_exit(&tt);

	check_clear();
	mount_and_init(false);
	until = sched_now() + 40 * NSEC_PER_SEC;
	tt.fc.max_background = 1;
	tt.hold = true;
	fuse_init_server_timeout(&tt.fc, 2);
	rt_start(&b1, &tt.fm, true, false);
	rt_start(&b2, &tt.fm, true, true);
	run_idle();
	/* b1 is processing and gets answered in time; b2 waits in bg_queue */
	ftt_release_hold(&tt);
	tt.hold = true;
	sched_run_until(after_ns, &until);
	CU_ASSERT_EQUAL(b2.end_calls, 1);
	CU_ASSERT_FALSE(tt.fc.connected);
	ftt_exit(&tt);
}

static void forget_list(void)
{
	struct fuse_forget_link *fl[3], *chain;
	struct fuse_iqueue *fiq;
	unsigned int count, i;

	mount_and_init(true);
	fiq = &tt.fc.iq;
	tt.park_forgets = true;
	for (i = 0; i < 3; i++) {
		fl[i] = fuse_alloc_forget();
		CU_ASSERT_PTR_NOT_NULL_FATAL(fl[i]);
		fuse_queue_forget(&tt.fc, fl[i], 10 + i, i + 1);
	}
	CU_ASSERT_PTR_EQUAL(fiq->forget_list_tail, fl[2]);
	spin_lock(&fiq->lock);
	chain = fuse_dequeue_forget(fiq, 2, &count);
	CU_ASSERT_EQUAL(count, 2);
	CU_ASSERT_PTR_EQUAL(chain, fl[0]);
	CU_ASSERT_PTR_EQUAL(chain->next, fl[1]);
	CU_ASSERT_PTR_NULL(fl[1]->next);
	CU_ASSERT_EQUAL(fl[1]->forget_one.nodeid, 11);
	CU_ASSERT_EQUAL(fl[1]->forget_one.nlookup, 2);
	CU_ASSERT_PTR_EQUAL(fiq->forget_list_head.next, fl[2]);
	chain = fuse_dequeue_forget(fiq, 5, NULL);
	CU_ASSERT_PTR_EQUAL(chain, fl[2]);
	CU_ASSERT_PTR_EQUAL(fiq->forget_list_tail, &fiq->forget_list_head);
	CU_ASSERT_PTR_NULL(fuse_dequeue_forget(fiq, 1, &count));
	CU_ASSERT_EQUAL(count, 0);
	spin_unlock(&fiq->lock);
	for (i = 0; i < 3; i++)
		kfree(fl[i]);
	/* unparked: each forget goes to the device at once */
	tt.park_forgets = false;
	fl[0] = fuse_alloc_forget();
	fuse_queue_forget(&tt.fc, fl[0], 1, 4);
	run_idle();
	CU_ASSERT_EQUAL(tt.nr_forgets, 1);
	CU_ASSERT_EQUAL(tt.forget_nlookup, 4);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

static void test_forget_list_v5(void)
{
	forget_list();
}

/* A forced request after abort: v5 fails it in __fuse_request_send,
 * mainline's transport refuses it. */
static void forced_after_abort(bool v5)
{
	struct req_task f;

	mount_and_init(v5);
	fuse_abort_conn(&tt.fc);
	rt_start(&f, &tt.fm, false, true);
	run_idle();
	CU_ASSERT_EQUAL(f.ret, -ENOTCONN);
	CU_ASSERT_EQUAL(tt.nr_sent, v5 ? 1 : 2);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

static void test_forced_after_abort_mainline(void)
{
	forced_after_abort(false);
}

static void test_forced_after_abort_v5(void)
{
	forced_after_abort(true);
}

VT_SUITE_EACH(guest_fuse_core_abort, setup, teardown,
	      VT_CASE(test_abort_mainline), VT_CASE(test_abort_v5),
	      VT_CASE(test_background_unsent_put),
	      VT_CASE(test_interrupted_end), VT_CASE(test_abort_pending_v5),
	      VT_CASE(test_abort_io_list), VT_CASE(test_wait_aborted),
	      VT_CASE(test_timeout_sync), VT_CASE(test_timeout_background),
	      VT_CASE(test_timeout_idle_rearms), VT_CASE(test_timeout_sysctls),
	      VT_CASE(test_timeout_pending_and_bg_queue),
	      VT_CASE(test_forget_list_v5),
	      VT_CASE(test_forced_after_abort_mainline),
	      VT_CASE(test_forced_after_abort_v5));
