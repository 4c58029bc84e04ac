// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_virtio_fs_bugs.c - every historical bug switch: the symptom with
 * it on, its absence with it off (probe-error-leak and freeze-returns-0
 * are in test_virtio_fs.c).
 */
#include "tests/guest/test_virtio_fs_util.h"

static void start(const char *bugs)
{
	CU_ASSERT_EQUAL_FATAL(virtio_fs_set_bugs(bugs), 0);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
}

/*
 * forget-sends-list-head: the device sees a 64-byte FORGET (header, arg,
 * then the list_head) and, as the daemons of 2019 did, reads the argument
 * and ignores the rest; fixed: 48. What the trailing bytes give away is
 * the real device's checker's business (tests/device/test_vfs_dev_leak.c).
 */
static void run_forget_list_head(const char *variant, const char *bugs, bool on)
{
	const struct sdev_req *r;
	struct vop op;
	s64 id;

	CU_ASSERT_EQUAL(virtio_fs_set_variant(variant), 0);
	start(bugs);
	id = vt_lookup("a");
	vop_start(&op, FUSE_FORGET, (u64)id, false);
	vt_run();
	r = sdev_last(&vt_dev, FUSE_FORGET);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->hdr_len, on ? 64 : 48);
	CU_ASSERT_EQUAL(r->out_len, on ? 64 : 48);
	CU_ASSERT_EQUAL(r->parse_err, 0);
	CU_ASSERT_EQUAL(sdev_total_lookups(&vt_dev), 0);
	vt_umount();
}

static void test_forget_list_head_on(void)
{
	run_forget_list_head("mainline", "forget-sends-list-head", true);
}

static void test_forget_list_head_off(void)
{
	run_forget_list_head("mainline", "", false);
}

static void test_forget_list_head_6_1(void)
{
	run_forget_list_head("6.1", "forget-sends-list-head", true);
}

static void test_forget_list_head_v5(void)
{
	run_forget_list_head("v5-2019", "", true);
}

/* Two background GETATTRs and a background READ into two pages (five
 * descriptors), all from one task. */
struct bg3 {
	struct vop op[2];
	struct fuse_args_pages ap;
	struct page *pages[2];
	struct fuse_page_desc descs[2];
	struct fuse_read_in rin;
	int read_end_calls;
	int read_error;
	int ret;
};

static struct bg3 bg3;

static void bg3_read_end(struct fuse_mount *fm, struct fuse_args *args,
			 int error)
{
	(void)fm;
	(void)args;
	bg3.read_end_calls++;
	bg3.read_error = error;
}

static void fill_getattr(struct vop *op)
{
	struct fuse_args *a = &op->args;

	memset(a, 0, sizeof(*a));
	op->fm = vt_fm();
	a->opcode = FUSE_GETATTR;
	a->nodeid = FUSE_ROOT_ID;
	vop_getattr_args(op);
	a->end = vop_end;
}

static int bg3_fn(void *arg)
{
	struct fuse_args *a = &bg3.ap.args;

	(void)arg;
	for (int i = 0; i < 2; i++) {
		fill_getattr(&bg3.op[i]);
		bg3.op[i].ret = fuse_simple_background(vt_fm(), &bg3.op[i].args,
						       GFP_KERNEL);
	}
	bg3.ap.pages = bg3.pages;
	bg3.ap.descs = bg3.descs;
	bg3.ap.num_pages = 2;
	bg3.rin.size = 2 * PAGE_SIZE;
	a->opcode = FUSE_READ;
	a->nodeid = FUSE_ROOT_ID;
	a->in_numargs = 1;
	a->in_args[0].size = sizeof(bg3.rin);
	a->in_args[0].value = &bg3.rin;
	a->out_numargs = 1;
	a->out_args[0].size = 2 * PAGE_SIZE;
	a->out_pages = true;
	a->out_argvar = true;
	a->end = bg3_read_end;
	bg3.ret = fuse_simple_background(vt_fm(), a, GFP_KERNEL);
	return 0;
}

static int bg3_ended(void)
{
	return bg3.op[0].end_calls + bg3.op[1].end_calls + bg3.read_end_calls;
}

static bool bg3_all_ended(void *arg)
{
	return bg3_ended() == 3 || vt_past_deadline(arg);
}

/*
 * sleep-retry-holding-bg-lock: a ring of 8 descriptors holds two slow
 * background GETATTRs (answered after 50 and 100 us); a background READ
 * needs five descriptors. flush_bg_queue() submits it with fc->bg_lock
 * held, so the buggy submitter sleeps under a spinlock (sleep.atomic) and
 * retries. At 50 us done_work frees four descriptors, then blocks on
 * bg_lock in fuse_request_end(): the second GETATTR's descriptors are
 * never collected, four are never enough, and nothing completes any more.
 * Switching the fix back on un-wedges it (the READ is parked).
 */
static void run_sleep_retry(const char *variant, bool on)
{
	CU_ASSERT_EQUAL(virtio_fs_set_variant(variant), 0);
	vt_cfg.queue_size = 8;
	start(on ? "sleep-retry-holding-bg-lock" : "");
	memset(&bg3, 0, sizeof(bg3));
	bg3.pages[0] = alloc_page(GFP_KERNEL);
	bg3.pages[1] = alloc_page(GFP_KERNEL);
	bg3.descs[0].length = PAGE_SIZE;
	bg3.descs[1].length = PAGE_SIZE;
	sdev_add_rule(&vt_dev, FUSE_GETATTR, SDEV_ANY_QUEUE, 1,
		      SDEV_DELAY(50 * NSEC_PER_USEC));
	sdev_add_rule(&vt_dev, FUSE_GETATTR, SDEV_ANY_QUEUE, 1,
		      SDEV_DELAY(100 * NSEC_PER_USEC));
	task_spawn(bg3_fn, NULL, "bg", TASK_SYSCALL, 0);
	vt_deadline = sched_now() + 20 * NSEC_PER_MSEC;
	sched_run_until(bg3_all_ended, NULL);
	if (on) {
		CU_ASSERT(check_count_kind("sleep.atomic") >= 1);
		CU_ASSERT_EQUAL(bg3_ended(), 0);
		CU_ASSERT(spin_is_locked(&vt_fc()->bg_lock));
		/* back to the fix: the next retry parks instead */
		vt_fs()->bugs &=
			~(1u << VIRTIO_FS_BUG_SLEEP_RETRY_HOLDING_BG_LOCK);
		vt_run_until(bg3_all_ended, NULL);
		check_clear();
	} else {
		CU_ASSERT(vt_trace_count("virtio_fs.park") >= 1);
	}
	CU_ASSERT_EQUAL(bg3_ended(), 3);
	CU_ASSERT_EQUAL(bg3.op[0].end_error, 0);
	CU_ASSERT_EQUAL(bg3.op[1].end_error, 0);
	CU_ASSERT_EQUAL(bg3.read_error, 0);
	vt_run();
	CU_ASSERT_EQUAL(check_count(), 0);
	__free_page(bg3.pages[0]);
	__free_page(bg3.pages[1]);
	vt_umount();
}

static void test_sleep_retry_on(void)
{
	run_sleep_retry("mainline", true);
}

static void test_sleep_retry_off(void)
{
	run_sleep_retry("mainline", false);
}

static void test_sleep_retry_6_1_on(void)
{
	run_sleep_retry("6.1", true);
}

static void test_sleep_retry_6_1_off(void)
{
	run_sleep_retry("6.1", false);
}

static int bg_one_fn(void *arg)
{
	struct vop *op = arg;
	struct fuse_args *a = &op->args;

	op->fm = vt_fm();
	a->opcode = FUSE_GETATTR;
	a->nodeid = FUSE_ROOT_ID;
	vop_getattr_args(op);
	a->end = vop_end;
	op->ret = fuse_simple_background(op->fm, a, GFP_KERNEL);
	return 0;
}

/*
 * end-req-in-submitter: a background request whose submission fails
 * (broken queue: -EIO) is ended right in the submitter, which holds
 * fc->bg_lock: fuse_request_end() takes it again (spin.recursion). Fixed:
 * dispatch_work ends it.
 */
static void run_end_in_submitter(const char *variant, const char *bugs,
				 bool symptom)
{
	struct vop op;

	virtio_fs_set_variant(variant);
	start(bugs);
	virtqueue_set_broken(vt_fs()->vqs[VQ_REQUEST].vq, "test");
	memset(&op, 0, sizeof(op));
	task_spawn(bg_one_fn, &op, "bg", TASK_SYSCALL, 0);
	vt_run();
	CU_ASSERT_EQUAL(op.ret, 0);
	CU_ASSERT_EQUAL(op.end_calls, 1);
	CU_ASSERT_EQUAL(op.end_error, -EIO);
	CU_ASSERT_EQUAL(check_count_kind("spin.recursion") >= 1, symptom);
	check_clear();
	vt_umount();
	check_clear();
}

static void test_end_in_submitter_on(void)
{
	run_end_in_submitter("mainline", "end-req-in-submitter", true);
}

static void test_end_in_submitter_off(void)
{
	run_end_in_submitter("mainline", "", false);
}

static void test_end_in_submitter_v5(void)
{
	run_end_in_submitter("v5-2019", "", true);
}

static void test_end_in_submitter_6_1_on(void)
{
	run_end_in_submitter("6.1", "end-req-in-submitter", true);
}

static void test_end_in_submitter_6_1_off(void)
{
	run_end_in_submitter("6.1", "", false);
}

/*
 * end-before-unlist (v4's virtio_fs_wake_pending_and_unlock()): a
 * submission that fails (broken queue: -EIO) ends the request while it is
 * still on the processing list with FR_SENT set (fuse_request_end()
 * warns). The caller frees it there, and the list's next user (a submission, unmount's abort) walks
 * into freed memory (fuse.uaf, reported at the free). Fixed (v5):
 * unlinked and FR_SENT cleared first.
 */
static void run_end_before_unlist(const char *bugs, bool on)
{
	struct vop op;

	CU_ASSERT_EQUAL(virtio_fs_set_variant("v5-2019"), 0);
	start(bugs);
	virtqueue_set_broken(vt_fs()->vqs[VQ_REQUEST].vq, "test");
	CU_ASSERT_EQUAL(vop_run(&op, FUSE_GETATTR, FUSE_ROOT_ID), -EIO);
	/* fuse_request_end() warns about FR_SENT; the caller's
	 * fuse_put_request() frees it still linked: reported there */
	CU_ASSERT_EQUAL(check_count_kind("warn"), on ? 1 : 0);
	CU_ASSERT_EQUAL(check_count_kind("fuse.uaf"), on ? 1 : 0);
	CU_ASSERT_EQUAL(check_count(), on ? 2 : 0);
	/* unmount's DESTROY fails the same way */
	vt_umount();
	CU_ASSERT_EQUAL(check_count_kind("fuse.uaf"), on ? 2 : 0);
	CU_ASSERT_EQUAL(check_count(), on ? 4 : 0);
	check_clear();
}

static void test_end_before_unlist_on(void)
{
	run_end_before_unlist("end-before-unlist", true);
}

static void test_end_before_unlist_off(void)
{
	run_end_before_unlist("", false);
}

/* 6.1 and mainline link the request inside virtio_fs_enqueue_req(): the
 * v4 line the switch brings back is not in their code */
static void test_end_before_unlist_only_v5(void)
{
	CU_ASSERT_EQUAL(virtio_fs_set_bugs("end-before-unlist"), -ENOTSUP);
	CU_ASSERT_EQUAL(virtio_fs_set_variant("6.1"), 0);
	CU_ASSERT_EQUAL(virtio_fs_set_bugs("end-before-unlist"), -ENOTSUP);
	CU_ASSERT_EQUAL(virtio_fs_get_bugs(), 0);
}

/*
 * hiprio-no-connected-check (v4's virtio_fs_wake_forget_and_unlock()):
 * after removal a FORGET still goes to the hiprio virtqueue, which del_vqs
 * freed (virtio_fs.uaf). Fixed (v5): the stopped queue drops it.
 */
static void run_hiprio_no_connected_check(const char *bugs, bool on)
{
	struct vop op;
	s64 id;

	CU_ASSERT_EQUAL(virtio_fs_set_variant("v5-2019"), 0);
	start(bugs);
	id = vt_lookup("a");
	sdev_unplug(&vt_dev);
	vt_run();
	CU_ASSERT(vt_dev.unplugged);
	vop_start(&op, FUSE_FORGET, (u64)id, false);
	vt_run();
	CU_ASSERT_EQUAL(check_count_kind("virtio_fs.uaf"), on ? 1 : 0);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_FORGET), 0);
	check_clear();
	vt_umount();
}

static void test_hiprio_no_connected_check_on(void)
{
	run_hiprio_no_connected_check("hiprio-no-connected-check", true);
}

static void test_hiprio_no_connected_check_off(void)
{
	run_hiprio_no_connected_check("", false);
}

/* 6.1 and mainline: send_forget_request() checks, and no switch can
 * remove that check alone */
static void test_hiprio_no_connected_check_only_v5(void)
{
	CU_ASSERT_EQUAL(virtio_fs_set_bugs("hiprio-no-connected-check"),
			-ENOTSUP);
	CU_ASSERT_EQUAL(virtio_fs_set_variant("6.1"), 0);
	CU_ASSERT_EQUAL(virtio_fs_set_bugs("hiprio-no-connected-check"),
			-ENOTSUP);
}

static bool remove_waits(void *arg)
{
	struct task *t = arg;

	return vt_trace_count("virtio_fs.remove") && t->state == TASK_BLOCKED &&
	       !vt_dev.unplugged;
}

/* A policy that takes every preemption point: a woken task runs at the
 * next spin_lock() of the task that woke it, as on a second CPU. */
static unsigned preempt_always(void *arg, struct task *const *runnable,
			       unsigned n)
{
	(void)arg;
	(void)n;
	return runnable[0] == current ? 1 : 0;
}

/*
 * teach-forgets-uncounted (a teaching variant): parked FORGETs are
 * invisible to in_flight (the accounting invariant fails), so removal's
 * drain wakes while twelve are still parked (once the woken drain runs
 * before the kworker re-dispatches them: the removal phase lets a woken
 * task preempt, as on a second CPU). As shipped: counted, the
 * drain wakes with none parked. v5 did not count them either, but purged
 * them before draining.
 */
static void run_forgets_uncounted(const char *variant, const char *bugs,
				  bool broken, const char *at_wake,
				  long in_flight, unsigned int sent)
{
	char detail[256];
	long i;

	CU_ASSERT_EQUAL(virtio_fs_set_variant(variant), 0);
	vt_cfg.queue_size = 8;
	start(bugs);
	CU_ASSERT_EQUAL(check_invariant_add("in_flight",
					    virtio_fs_check_in_flight, vt_fs()),
			0);
	sdev_pause(&vt_dev);
	vt_forget_many(20, 100);
	CU_ASSERT_EQUAL(check_invariants_run(), broken ? 1 : 0);
	CU_ASSERT_EQUAL(vt_fs()->vqs[VQ_HIPRIO].in_flight, in_flight);
	sched_set_policy_fn(preempt_always, NULL);
	vt_run_until(remove_waits, sdev_unplug(&vt_dev));
	sdev_resume(&vt_dev);
	vt_run();
	CU_ASSERT(vt_dev.unplugged);
	i = trace_find("virtio_fs.drain_wake", 0);
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(trace_detail(trace_event_at((size_t)i),
						   detail, sizeof(detail)),
				      at_wake));
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_FORGET), sent);
	/* the generic drain check, with no invariant registered: the drain
	 * returned while FORGETs were still parked */
	CU_ASSERT_EQUAL(check_count_kind("virtio_fs.drain_early"),
			broken ? 1u : 0u);
	check_invariant_clear();
	check_clear();
	vt_umount();
}

static void test_forgets_uncounted_on(void)
{
	run_forgets_uncounted("mainline", "teach-forgets-uncounted", true,
			      "parked=12", 8, 8);
}

static void test_forgets_uncounted_off(void)
{
	/* the drain waits until the stopped queue has dropped the parked
	 * ones (send_forget_request() uncounts each) */
	run_forgets_uncounted("mainline", "", false, "parked=0", 20, 8);
}

static void test_forgets_uncounted_6_1(void)
{
	run_forgets_uncounted("6.1", "teach-forgets-uncounted", true,
			      "parked=12", 8, 8);
}

static void test_forgets_uncounted_v5(void)
{
	/* v5's own accounting: the ring only; parked ones purged first */
	run_forgets_uncounted("v5-2019", "", false, "parked=0", 8, 8);
	CU_ASSERT_EQUAL(virtio_fs_set_bugs("teach-forgets-uncounted"),
			-ENOTSUP);
}

static bool held_one(void *arg)
{
	(void)arg;
	return sdev_nr_held(&vt_dev) == 1;
}

/*
 * remove-without-drain (v4's virtio_fs_remove()): removal frees the
 * channels (fuse_dev_free() of every fud, processing lists included),
 * resets the device and frees the queues while a request is in flight
 * (virtio_fs.vq_freed_busy). Nothing can end that request any more: not
 * the device, not an abort (its channel is gone), so its caller waits
 * forever (deadlock). Fixed: removal stops and drains the queues and
 * leaves the channels to unmount (see test_virtio_fs_remove).
 */
static void run_remove_without_drain(const char *variant)
{
	struct vop op;

	CU_ASSERT_EQUAL(virtio_fs_set_variant(variant), 0);
	start("remove-without-drain");
	sdev_add_rule(&vt_dev, FUSE_GETATTR, SDEV_ANY_QUEUE, 1, SDEV_HOLD);
	vop_start(&op, FUSE_GETATTR, FUSE_ROOT_ID, false);
	vt_run_until(held_one, NULL);
	sdev_unplug(&vt_dev);
	vt_run();
	CU_ASSERT(vt_dev.unplugged);
	CU_ASSERT_EQUAL(check_count_kind("virtio_fs.vq_freed_busy"), 1);
	for (unsigned int q = 0; q < virtio_fs_of_sb(vt_sb)->nvqs; q++)
		CU_ASSERT_PTR_NULL(virtio_fs_of_sb(vt_sb)->vqs[q].fud);
	CU_ASSERT_EQUAL(op.ret, 1); /* never answered */
	CU_ASSERT(check_count_kind("deadlock") >= 1);
	/* an abort finds no channel holding the request */
	fuse_abort_conn(vt_fc());
	vt_run();
	CU_ASSERT_EQUAL(op.ret, 1);
	check_clear();
	vt_expect_stuck = true;
}

static void test_remove_without_drain_on(void)
{
	run_remove_without_drain("mainline");
}

static void test_remove_without_drain_v5(void)
{
	run_remove_without_drain("v5-2019");
}

static void test_remove_without_drain_off(void)
{
	struct vop op;

	start("");
	sdev_add_rule(&vt_dev, FUSE_GETATTR, SDEV_ANY_QUEUE, 1, SDEV_HOLD);
	vop_start(&op, FUSE_GETATTR, FUSE_ROOT_ID, false);
	vt_run_until(held_one, NULL);
	vt_run_until(remove_waits, sdev_unplug(&vt_dev));
	sdev_release_held(&vt_dev, 1);
	vt_run();
	CU_ASSERT(vt_dev.unplugged);
	CU_ASSERT_EQUAL(op.ret, 0);
	CU_ASSERT_EQUAL(check_count(), 0);
	vt_umount();
}

static bool unplugged(void *arg)
{
	(void)arg;
	return vt_dev.unplugged;
}

static bool getattr_seen(void *arg)
{
	(void)arg;
	return sdev_count_op(&vt_dev, FUSE_GETATTR) == 1;
}

/*
 * drain-by-polling: removal waits for a request the device answers after
 * 10 us; polling in_flight every 1-2 ms notices a millisecond late, the
 * in_flight_zero completion at once.
 */
static void run_drain_by_polling(bool on)
{
	struct vop op;
	u64 t0;

	start(on ? "drain-by-polling" : "");
	sdev_add_rule(&vt_dev, FUSE_GETATTR, SDEV_ANY_QUEUE, 1,
		      SDEV_DELAY(10 * NSEC_PER_USEC));
	vop_start(&op, FUSE_GETATTR, FUSE_ROOT_ID, false);
	vt_run_until(getattr_seen, NULL);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_GETATTR), 1);
	sdev_unplug(&vt_dev);
	t0 = sched_now();
	vt_run_until(unplugged, NULL);
	CU_ASSERT(vt_dev.unplugged);
	if (on) {
		CU_ASSERT(sched_now() - t0 >= NSEC_PER_MSEC);
	} else {
		CU_ASSERT(sched_now() - t0 < 100 * NSEC_PER_USEC);
	}
	vt_run();
	CU_ASSERT_EQUAL(op.ret, 0);
	/* the generic check: woken by a timer, 1-2 ms after the queue
	 * emptied, not by the last end */
	CU_ASSERT_EQUAL(check_count_kind("virtio_fs.drain_late"), on ? 1 : 0);
	CU_ASSERT_EQUAL(check_count(), on ? 1 : 0);
	vt_umount();
}

static void test_drain_by_polling_on(void)
{
	run_drain_by_polling(true);
}

static void test_drain_by_polling_off(void)
{
	run_drain_by_polling(false);
}

VT_SUITE_EACH(
	guest_virtio_fs_bugs, vt_setup, vt_teardown,
	VT_CASE(test_forget_list_head_on), VT_CASE(test_forget_list_head_off),
	VT_CASE(test_forget_list_head_6_1), VT_CASE(test_forget_list_head_v5),
	VT_CASE(test_sleep_retry_on), VT_CASE(test_sleep_retry_off),
	VT_CASE(test_sleep_retry_6_1_on), VT_CASE(test_sleep_retry_6_1_off),
	VT_CASE(test_end_in_submitter_on), VT_CASE(test_end_in_submitter_off),
	VT_CASE(test_end_in_submitter_v5),
	VT_CASE(test_end_in_submitter_6_1_on),
	VT_CASE(test_end_in_submitter_6_1_off),
	VT_CASE(test_end_before_unlist_on), VT_CASE(test_end_before_unlist_off),
	VT_CASE(test_end_before_unlist_only_v5),
	VT_CASE(test_hiprio_no_connected_check_on),
	VT_CASE(test_hiprio_no_connected_check_off),
	VT_CASE(test_hiprio_no_connected_check_only_v5),
	VT_CASE(test_forgets_uncounted_on), VT_CASE(test_forgets_uncounted_off),
	VT_CASE(test_forgets_uncounted_6_1), VT_CASE(test_forgets_uncounted_v5),
	VT_CASE(test_remove_without_drain_on),
	VT_CASE(test_remove_without_drain_v5),
	VT_CASE(test_remove_without_drain_off),
	VT_CASE(test_drain_by_polling_on), VT_CASE(test_drain_by_polling_off));
