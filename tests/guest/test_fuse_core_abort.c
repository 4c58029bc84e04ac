// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fuse_core_abort.c - the FUSE core's failure paths in both fiq op
 * styles: abort (queued, processing, pending, io requests and forgets),
 * ENOTCONN afterwards, request timeouts, the forget list, DESTROY, INIT
 * failures, fill_super errors and allocation failures.
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

static void timeout_fires(bool v5, bool background)
{
	struct req_task s;
	u64 until = 20 * NSEC_PER_SEC;

	mount_and_init(v5);
	fuse_init_server_timeout(&tt.fc, 5 * NSEC_PER_SEC);
	CU_ASSERT_EQUAL(tt.fc.timeout_freq, 5 * HZ);
	tt.hold = true;
	rt_start(&s, &tt.fm, background, false);
	sched_run_until(after_ns, &until);
	CU_ASSERT_FALSE(tt.fc.connected);
	CU_ASSERT_EQUAL(background ? s.end_error : (int)s.ret, -ECONNABORTED);
	CU_ASSERT(trace_find("fuse_check_timeout", 0) >= 0);
	/* first check at 5 s sees it 5 s old: not over; the next aborts */
	CU_ASSERT(sched_now() >= 10 * NSEC_PER_SEC);
	CU_ASSERT_FALSE(delayed_work_pending(&tt.fc.timeout_work));
	/* a check that still runs after the abort (the device holds the
	 * request, so it is counted) stops without re-arming */
	CU_ASSERT_EQUAL(atomic_read(&tt.fc.num_waiting), 1);
	queue_delayed_work(system_wq, &tt.fc.timeout_work, 0);
	run_idle();
	CU_ASSERT_FALSE(delayed_work_pending(&tt.fc.timeout_work));
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

static void test_timeout_mainline(void)
{
	timeout_fires(false, false);
}

static void test_timeout_v5_background(void)
{
	timeout_fires(true, true);
}

/* Idle connection: the check re-arms; a second arm and 0 are no-ops;
 * a long timeout checks every 15 s. */
static void test_timeout_idle_rearms(void)
{
	u64 until = 40 * NSEC_PER_SEC;

	mount_and_init(false);
	fuse_init_server_timeout(&tt.fc, 0);
	CU_ASSERT_EQUAL(tt.fc.timeout_freq, 0);
	fuse_init_server_timeout(&tt.fc, 60 * NSEC_PER_SEC);
	CU_ASSERT_EQUAL(tt.fc.timeout_freq, FUSE_TIMEOUT_TIMER_FREQ);
	fuse_init_server_timeout(&tt.fc, NSEC_PER_SEC);
	CU_ASSERT_EQUAL(tt.fc.req_timeout_ns, 60 * NSEC_PER_SEC);
	sched_run_until(after_ns, &until);
	CU_ASSERT_TRUE(tt.fc.connected);
	CU_ASSERT_TRUE(delayed_work_pending(&tt.fc.timeout_work));
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

/* Old requests on fiq->pending (v5 parked) and on bg_queue expire too; a
 * young one on the processing list does not. */
static void test_timeout_pending_and_bg_queue(void)
{
	struct req_task s, b1, b2;
	u64 until = 10 * NSEC_PER_SEC;

	mount_and_init(true);
	tt.park_pending = true;
	fuse_init_server_timeout(&tt.fc, 2 * NSEC_PER_SEC);
	rt_start(&s, &tt.fm, false, false);
	sched_run_until(after_ns, &until);
	CU_ASSERT_EQUAL(s.ret, -ECONNABORTED);
	ftt_exit(&tt);

	check_clear();
	mount_and_init(false);
	tt.fc.max_background = 1;
	tt.hold = true;
	fuse_init_server_timeout(&tt.fc, 2 * NSEC_PER_SEC);
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

static int destroy_fn(void *arg)
{
	fuse_conn_destroy(arg);
	return 0;
}

static void destroy(bool v5)
{
	mount_and_init(v5);
	task_spawn(destroy_fn, &tt.fm, "umount", TASK_SYSCALL, 0);
	run_idle();
	CU_ASSERT_EQUAL(tt.opcodes[tt.nr_sent - 1], FUSE_DESTROY);
	CU_ASSERT_FALSE(fuse_server_initialized(tt.srv));
	CU_ASSERT_FALSE(tt.fc.connected);
	CU_ASSERT_EQUAL(atomic_read(&tt.fc.num_waiting), 0);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

static void test_destroy_mainline(void)
{
	destroy(false);
}

static void test_destroy_v5(void)
{
	destroy(true);
}

/* No DESTROY without fc->destroy or without a session. */
static void test_destroy_skipped(void)
{
	mount_and_init(false);
	tt.fc.destroy = 0;
	task_spawn(destroy_fn, &tt.fm, "umount", TASK_SYSCALL, 0);
	run_idle();
	CU_ASSERT_EQUAL(tt.nr_sent, 1);
	ftt_exit(&tt);

	CU_ASSERT_EQUAL_FATAL(ftt_mount(&tt, false, NULL), 0);
	tt.fail_opcode = FUSE_INIT;
	tt.fail_error = -EPROTO;
	run_idle();
	task_spawn(destroy_fn, &tt.fm, "umount", TASK_SYSCALL, 0);
	run_idle();
	CU_ASSERT_EQUAL(tt.nr_sent, 1);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
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

static void init_error(bool v5)
{
	struct req_task s;

	CU_ASSERT_EQUAL_FATAL(ftt_mount(&tt, v5, NULL), 0);
	tt.fail_opcode = FUSE_INIT;
	tt.fail_error = -EPROTO;
	rt_start(&s, &tt.fm, false, false);
	run_idle();
	CU_ASSERT_TRUE(tt.fc.initialized);
	CU_ASSERT_TRUE(tt.fc.conn_error);
	CU_ASSERT_FALSE(tt.fc.conn_init);
	CU_ASSERT_EQUAL(s.ret, -ECONNREFUSED);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

static void test_init_error_mainline(void)
{
	init_error(false);
}

static void test_init_error_v5(void)
{
	init_error(true);
}

static struct fuse_init_out init_edit;
static u32 init_edit_mask; /* which fields of init_edit to apply */

enum {
	E_MAJOR = 1,
	E_MINOR = 2,
	E_MAXPAGES = 4,
	E_FLAGS = 8,
	E_ALIGN = 16,
	E_MAXWRITE = 32
};

static void mangle_init(struct fuse_test_transport *t, u32 opcode, void *reply,
			size_t *len)
{
	struct fuse_init_out *o =
		(void *)((char *)reply + sizeof(struct fuse_out_header));

	(void)t;
	(void)len;
	if (opcode != FUSE_INIT)
		return;
	if (init_edit_mask & E_MAJOR)
		o->major = init_edit.major;
	if (init_edit_mask & E_MINOR)
		o->minor = init_edit.minor;
	if (init_edit_mask & E_MAXPAGES)
		o->max_pages = init_edit.max_pages;
	if (init_edit_mask & E_FLAGS) {
		o->flags = init_edit.flags;
		o->flags2 = init_edit.flags2;
	}
	if (init_edit_mask & E_ALIGN)
		o->map_alignment = init_edit.map_alignment;
	if (init_edit_mask & E_MAXWRITE)
		o->max_write = init_edit.max_write;
}

static void init_with(u32 mask, const struct fuse_init_out *edit, bool dax)
{
	static const struct fuse_server_config cfg = {
		.dax_window_size = 1 << 22,
	};

	init_edit = *edit;
	init_edit_mask = mask;
	CU_ASSERT_EQUAL_FATAL(ftt_init(&tt, false, &cfg), 0);
	tt.fc.dax = dax;
	tt.mangle = mangle_init;
	fuse_send_init(&tt.fm);
	run_idle();
	CU_ASSERT_TRUE(tt.fc.initialized);
}

static void test_init_reply_variants(void)
{
	struct fuse_init_out e = { 0 };

	e.major = 8;
	init_with(E_MAJOR, &e, false);
	CU_ASSERT_TRUE(tt.fc.conn_error);
	ftt_exit(&tt);

	/* minor 4: no flags, no limits, 4 KiB writes, no locks */
	e.minor = 4;
	init_with(E_MINOR, &e, false);
	CU_ASSERT_TRUE(tt.fc.conn_init);
	CU_ASSERT_TRUE(tt.fc.no_lock);
	CU_ASSERT_EQUAL(tt.fc.max_write, 4096);
	CU_ASSERT_EQUAL(tt.fc.init_flags, 0);
	ftt_exit(&tt);

	/* minor 12: flags, but not the background limits */
	e.minor = 12;
	init_with(E_MINOR, &e, false);
	CU_ASSERT_NOT_EQUAL(tt.fc.init_flags, 0);
	CU_ASSERT_EQUAL(tt.fc.max_background, FUSE_DEFAULT_MAX_BACKGROUND);
	ftt_exit(&tt);

	/* max_write below a page is raised to one */
	e.max_write = 1000;
	init_with(E_MAXWRITE, &e, false);
	CU_ASSERT_EQUAL(tt.fc.max_write, 4096);
	ftt_exit(&tt);

	/* max_pages 0 means 1 */
	e.max_pages = 0;
	init_with(E_MAXPAGES, &e, false);
	CU_ASSERT_EQUAL(tt.fc.max_pages, 1);
	ftt_exit(&tt);

	/* no MAX_PAGES, no POSIX_LOCKS, no O_TRUNC; flags2 with INIT_EXT */
	e.flags = FUSE_INIT_EXT;
	e.flags2 = 1; /* FUSE_SECURITY_CTX */
	init_with(E_FLAGS, &e, false);
	CU_ASSERT_EQUAL(tt.fc.init_flags, FUSE_INIT_EXT | FUSE_SECURITY_CTX);
	CU_ASSERT_EQUAL(tt.fc.max_pages, FUSE_DEFAULT_MAX_PAGES_PER_REQ);
	CU_ASSERT_TRUE(tt.fc.no_lock);
	CU_ASSERT_FALSE(tt.fc.atomic_o_trunc);
	ftt_exit(&tt);

	/* DAX in use: an alignment above FUSE_DAX_SHIFT fails INIT */
	e.map_alignment = FUSE_DAX_SHIFT + 1;
	init_with(E_ALIGN, &e, true);
	CU_ASSERT_TRUE(tt.fc.conn_error);
	CU_ASSERT(trace_find("fuse_dax_check_alignment", 0) >= 0);
	ftt_exit(&tt);

	/* ... and is fine without DAX */
	init_with(E_ALIGN, &e, false);
	CU_ASSERT_TRUE(tt.fc.conn_init);
	CU_ASSERT_EQUAL(tt.fc.map_alignment, FUSE_DAX_SHIFT + 1);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

/* INIT that cannot even be queued ends as ENOTCONN: conn_error. */
static void test_init_not_queued(void)
{
	CU_ASSERT_EQUAL_FATAL(ftt_init(&tt, false, NULL), 0);
	fuse_abort_conn(&tt.fc);
	fuse_send_init(&tt.fm);
	CU_ASSERT_TRUE(tt.fc.conn_error);
	CU_ASSERT_TRUE(tt.fc.initialized);
	run_idle();
	ftt_exit(&tt);
}

static void test_fill_super_errors(void)
{
	struct fuse_fs_context ctx = { .max_read = 100 };
	struct fuse_dev *fud = NULL, *taken;
	struct super_block sb = { 0 };

	CU_ASSERT_EQUAL(fuse_fill_super_common(&sb, &ctx), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(ftt_init(&tt, false, NULL), 0);
	/* no fudptr: no channel, options still taken */
	CU_ASSERT_EQUAL(fuse_fill_super_common(&tt.sb, &ctx), 0);
	CU_ASSERT_EQUAL(tt.fc.max_read, 4096);
	CU_ASSERT_FALSE(tt.fc.destroy);
	/* *fudptr already set */
	taken = tt.fud;
	ctx.fudptr = (void **)&taken;
	CU_ASSERT_EQUAL(fuse_fill_super_common(&tt.sb, &ctx), -EINVAL);
	CU_ASSERT_PTR_EQUAL(taken, tt.fud);
	/* allocation failures */
	ctx.fudptr = (void **)&fud;
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=fuse_dev_alloc,nth=1"),
			0);
	CU_ASSERT_EQUAL(fuse_fill_super_common(&tt.sb, &ctx), -ENOMEM);
	fault_reset();
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:site=fuse_dev_alloc,nth=2"),
			0);
	CU_ASSERT_EQUAL(fuse_fill_super_common(&tt.sb, &ctx), -ENOMEM);
	fault_reset();
	CU_ASSERT_PTR_NULL(fud);
	CU_ASSERT_EQUAL(fuse_fill_super_common(&tt.sb, &ctx), 0);
	CU_ASSERT_PTR_NOT_NULL(fud);
	CU_ASSERT_EQUAL(refcount_read(&tt.fc.count), 3);
	fuse_dev_free(fud);
	fuse_dev_free(NULL);
	/* a channel never installed */
	fud = fuse_dev_alloc();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fud);
	fuse_dev_free(fud);
	CU_ASSERT_PTR_EQUAL(fuse_conn_get(&tt.fc), &tt.fc);
	fuse_conn_put(&tt.fc);
	CU_ASSERT_EQUAL(tt.nr_released, 0);
	ftt_exit(&tt);
	CU_ASSERT_EQUAL(tt.nr_released, 1);
}

static void test_mount_remove(void)
{
	struct fuse_mount second = { 0 };

	CU_ASSERT_EQUAL_FATAL(ftt_init(&tt, false, NULL), 0);
	second.fc = &tt.fc;
	list_add_tail(&second.fc_entry, &tt.fc.mounts);
	CU_ASSERT_FALSE(fuse_mount_remove(&second));
	CU_ASSERT_TRUE(fuse_mount_remove(&tt.fm));
	CU_ASSERT_TRUE(list_empty(&tt.fc.mounts));
	ftt_exit(&tt);
}

static int nr_fc_release;

static void fc_release(struct fuse_conn *fc)
{
	(void)fc;
	nr_fc_release++;
}

static void test_conn_release(void)
{
	CU_ASSERT_EQUAL_FATAL(ftt_init(&tt, false, NULL), 0);
	tt.fc.release = fc_release;
	nr_fc_release = 0;
	ftt_exit(&tt);
	CU_ASSERT_EQUAL(nr_fc_release, 1);
}

static void test_alloc_failures(void)
{
	struct req_task s, b, f;

	mount_and_init(false);
	CU_ASSERT_EQUAL(
		fault_plan_parse("kmalloc:site=fuse_request_alloc,every"), 0);
	rt_start(&s, &tt.fm, false, false);
	rt_start(&b, &tt.fm, true, false);
	rt_start(&f, &tt.fm, true, true);
	run_idle();
	CU_ASSERT_EQUAL(s.ret, -ENOMEM);
	CU_ASSERT_EQUAL(b.ret, -ENOMEM);
	CU_ASSERT_EQUAL(f.ret, -ENOMEM);
	CU_ASSERT_EQUAL(atomic_read(&tt.fc.num_waiting), 0);
	fault_reset();
	CU_ASSERT_EQUAL(
		fault_plan_parse("kmalloc:site=fuse_alloc_forget,nth=1"), 0);
	CU_ASSERT_PTR_NULL(fuse_alloc_forget());
	fault_reset();
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

static void test_args_to_proto(void)
{
	char a[8], b[16], c[24], d[4];
	struct fuse_args args = {
		.nodeid = 7,
		.opcode = FUSE_WRITE,
		.in_numargs = 2,
		.out_numargs = 2,
		.in_pages = true,
		.out_pages = true,
		.out_argvar = true,
		.noreply = false,
		.in_args = { { sizeof(a), a }, { sizeof(b), b } },
		.out_args = { { sizeof(c), c }, { sizeof(d), d } },
	};
	struct fuse_proto_args pa;

	fuse_args_to_proto(&args, &pa);
	CU_ASSERT_EQUAL(pa.opcode, FUSE_WRITE);
	CU_ASSERT_EQUAL(pa.nodeid, 7);
	CU_ASSERT_EQUAL(pa.in_numargs, 2);
	CU_ASSERT_EQUAL(pa.out_numargs, 2);
	CU_ASSERT_TRUE(pa.out_argvar);
	CU_ASSERT_PTR_EQUAL(pa.in_args[0].value, a);
	CU_ASSERT_PTR_NULL(pa.in_args[1].value); /* in pages */
	CU_ASSERT_EQUAL(pa.in_args[1].size, sizeof(b));
	CU_ASSERT_PTR_EQUAL(pa.out_args[0].value, c);
	CU_ASSERT_PTR_NULL(pa.out_args[1].value); /* out pages */
	CU_ASSERT_EQUAL(pa.out_args[1].size, sizeof(d));
	CU_ASSERT_EQUAL(fuse_len_args(2, args.out_args), 28);
	CU_ASSERT_EQUAL(fuse_len_args(0, args.out_args), 0);
	args.in_pages = args.out_pages = false;
	args.noreply = true;
	fuse_args_to_proto(&args, &pa);
	CU_ASSERT_PTR_EQUAL(pa.in_args[1].value, b);
	CU_ASSERT_PTR_EQUAL(pa.out_args[1].value, d);
	CU_ASSERT_TRUE(pa.noreply);
}

VT_SUITE_EACH(guest_fuse_core_abort, setup, teardown,
	      VT_CASE(test_abort_mainline), VT_CASE(test_abort_v5),
	      VT_CASE(test_background_unsent_put),
	      VT_CASE(test_interrupted_end), VT_CASE(test_abort_pending_v5),
	      VT_CASE(test_abort_io_list), VT_CASE(test_wait_aborted),
	      VT_CASE(test_timeout_mainline),
	      VT_CASE(test_timeout_v5_background),
	      VT_CASE(test_timeout_idle_rearms),
	      VT_CASE(test_timeout_pending_and_bg_queue),
	      VT_CASE(test_forget_list_v5), VT_CASE(test_destroy_mainline),
	      VT_CASE(test_destroy_v5), VT_CASE(test_destroy_skipped),
	      VT_CASE(test_forced_after_abort_mainline),
	      VT_CASE(test_forced_after_abort_v5),
	      VT_CASE(test_init_error_mainline), VT_CASE(test_init_error_v5),
	      VT_CASE(test_init_reply_variants), VT_CASE(test_init_not_queued),
	      VT_CASE(test_fill_super_errors), VT_CASE(test_conn_release),
	      VT_CASE(test_mount_remove), VT_CASE(test_alloc_failures),
	      VT_CASE(test_args_to_proto));
