// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fuse_core.c - the FUSE core's request life cycle against the real
 * server through the test transport, in both fiq op styles: INIT
 * negotiation, waiting for INIT, unique stepping, the background queue and
 * its limits, double ends and the FR_SENT warning.
 */
#include <errno.h>
#include <string.h>

#include "tests/guest/fuse_core_test_util.h"
#include "tests/harness.h"

static struct fuse_test_transport tt;
static const struct fuse_server_config dax_cfg = {
	.max_write = 64 * 1024,
	.max_pages = 300,
	.map_alignment = 16,
	.dax_window_size = 1 << 20,
};

static void setup(void)
{
	ftt_machine_setup();
}

static void teardown(void)
{
	CU_ASSERT_EQUAL(ftt_machine_teardown(), 0);
	check_clear();
}

static void mount_and_init(bool v5, const struct fuse_server_config *cfg)
{
	CU_ASSERT_EQUAL_FATAL(ftt_mount(&tt, v5, cfg), 0);
	run_idle();
	CU_ASSERT_TRUE_FATAL(tt.fc.initialized);
}

static void init_negotiation(bool v5)
{
	CU_ASSERT_EQUAL_FATAL(ftt_mount(&tt, v5, &dax_cfg), 0);
	CU_ASSERT_FALSE(tt.fc.initialized);
	CU_ASSERT_EQUAL(atomic_read(&tt.fc.num_waiting), 1);
	run_idle();
	CU_ASSERT_TRUE(tt.fc.initialized);
	CU_ASSERT_TRUE(tt.fc.conn_init);
	CU_ASSERT_FALSE(tt.fc.conn_error);
	CU_ASSERT_EQUAL(tt.fc.minor, 38);
	CU_ASSERT_EQUAL(tt.fc.max_write, 64 * 1024);
	/* 300 offered, capped at the transport's limit */
	CU_ASSERT_EQUAL(tt.fc.max_pages, FUSE_MAX_MAX_PAGES);
	/* the map alignment is asked for with DAX, which the 5.4 core of v5
	 * did not have */
	CU_ASSERT_EQUAL(tt.fc.map_alignment, v5 ? 0 : 16);
	CU_ASSERT_EQUAL(tt.fc.dax, !v5);
	CU_ASSERT_EQUAL(tt.fc.max_background, FUSE_SERVER_MAX_BACKGROUND);
	CU_ASSERT_EQUAL(tt.fc.congestion_threshold,
			FUSE_SERVER_CONGESTION_THRESHOLD);
	CU_ASSERT_EQUAL(tt.fc.init_flags,
			FUSE_SERVER_INIT_FLAGS |
				(v5 ? 0 : (u64)FUSE_MAP_ALIGNMENT));
	CU_ASSERT_EQUAL(tt.fc.init_flags &
				~(FUSE_GUEST_INIT_FLAGS | FUSE_MAP_ALIGNMENT |
				  FUSE_REQUEST_TIMEOUT),
			0);
	CU_ASSERT_FALSE(tt.fc.no_lock);
	CU_ASSERT_TRUE(tt.fc.atomic_o_trunc);
	CU_ASSERT_EQUAL(fuse_server_minor(tt.srv), 38);
	/* INIT was the first request, sent in the background with bg_lock */
	CU_ASSERT_EQUAL(tt.nr_sent, 1);
	CU_ASSERT_EQUAL(tt.opcodes[0], FUSE_INIT);
	CU_ASSERT_EQUAL(tt.uniques[0], FUSE_REQ_ID_STEP);
	CU_ASSERT_EQUAL(tt.nr_bg_locked, 1);
	CU_ASSERT_EQUAL(tt.fc.num_background, 0);
	CU_ASSERT_EQUAL(tt.fc.active_background, 0);
	CU_ASSERT_EQUAL(atomic_read(&tt.fc.num_waiting), 0);
	CU_ASSERT(trace_find("process_init_reply", 0) >= 0);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
	CU_ASSERT_EQUAL(tt.nr_released, 1);
}

static void test_init_negotiation_mainline(void)
{
	init_negotiation(false);
}

static void test_init_negotiation_v5(void)
{
	init_negotiation(true);
}

static void wait_for_init(bool v5)
{
	struct req_task a, b;

	CU_ASSERT_EQUAL_FATAL(ftt_mount(&tt, v5, NULL), 0);
	tt.hold = true;
	rt_start(&a, &tt.fm, false, false);
	rt_start(&b, &tt.fm, true, false);
	run_idle();
	/* only INIT went out; both requests wait for it */
	CU_ASSERT_EQUAL(tt.nr_sent, 1);
	CU_ASSERT_EQUAL(a.ret, 1);
	CU_ASSERT_EQUAL(b.ret, 1);
	CU_ASSERT_TRUE(waitqueue_active(&tt.fc.blocked_waitq));
	CU_ASSERT_EQUAL(atomic_read(&tt.fc.num_waiting), 3);
	ftt_release_hold(&tt);
	run_idle();
	CU_ASSERT_EQUAL(a.ret, 0);
	CU_ASSERT_EQUAL(b.ret, 0);
	CU_ASSERT_EQUAL(b.end_calls, 1);
	CU_ASSERT_EQUAL(b.end_error, 0);
	CU_ASSERT_EQUAL(a.out.attr.ino, FUSE_ROOT_ID);
	CU_ASSERT_EQUAL(b.out.attr.ino, FUSE_ROOT_ID);
	CU_ASSERT_EQUAL(tt.nr_sent, 3);
	CU_ASSERT_EQUAL(tt.opcodes[0], FUSE_INIT);
	CU_ASSERT_EQUAL(tt.opcodes[1], FUSE_GETATTR);
	CU_ASSERT_EQUAL(tt.opcodes[2], FUSE_GETATTR);
	CU_ASSERT_EQUAL(atomic_read(&tt.fc.num_waiting), 0);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

static void test_wait_for_init_mainline(void)
{
	wait_for_init(false);
}

static void test_wait_for_init_v5(void)
{
	wait_for_init(true);
}

static void unique_stepping(bool v5)
{
	struct req_task r[4];
	struct fuse_forget_link *fl;
	unsigned int i;

	mount_and_init(v5, NULL);
	for (i = 0; i < 4; i++)
		rt_start(&r[i], &tt.fm, i % 2, false);
	run_idle();
	fl = fuse_alloc_forget();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fl);
	fuse_queue_forget(&tt.fc, fl, 5, 1);
	run_idle();
	CU_ASSERT_EQUAL(tt.nr_sent, 5);
	CU_ASSERT_EQUAL(tt.nr_forgets, 1);
	for (i = 0; i < 6; i++) {
		CU_ASSERT_EQUAL(tt.uniques[i], (i + 1) * FUSE_REQ_ID_STEP);
		CU_ASSERT_EQUAL(tt.uniques[i] & FUSE_INT_REQ_BIT, 0);
	}
	CU_ASSERT_EQUAL(tt.opcodes[5], FUSE_FORGET);
	CU_ASSERT_EQUAL(tt.fc.iq.reqctr, 6 * FUSE_REQ_ID_STEP);
	CU_ASSERT_EQUAL(fuse_get_unique(&tt.fc.iq), 7 * FUSE_REQ_ID_STEP);
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(r[i].ret, 0);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

static void test_unique_stepping_mainline(void)
{
	unique_stepping(false);
}

static void test_unique_stepping_v5(void)
{
	unique_stepping(true);
}

/*
 * max_background 2: two background requests fill it (blocked), a third
 * non-forced one waits in fuse_get_req(), a forced one is allocated but
 * stays on bg_queue until an active one ends.
 */
static void background_limits(bool v5)
{
	struct req_task r[4];
	unsigned int i;

	mount_and_init(v5, NULL);
	tt.fc.max_background = 2;
	tt.hold = true;
	rt_start(&r[0], &tt.fm, true, false);
	rt_start(&r[1], &tt.fm, true, false);
	run_idle();
	CU_ASSERT_EQUAL(r[0].ret, 0);
	CU_ASSERT_EQUAL(r[1].ret, 0);
	CU_ASSERT_EQUAL(tt.fc.num_background, 2);
	CU_ASSERT_EQUAL(tt.fc.active_background, 2);
	CU_ASSERT_TRUE(tt.fc.blocked);
	rt_start(&r[2], &tt.fm, true, false);
	rt_start(&r[3], &tt.fm, true, true);
	run_idle();
	CU_ASSERT_EQUAL(r[2].ret, 1); /* blocked in fuse_get_req() */
	CU_ASSERT_EQUAL(r[3].ret, 0); /* forced: queued, not sent */
	CU_ASSERT_EQUAL(tt.fc.num_background, 3);
	CU_ASSERT_EQUAL(tt.fc.active_background, 2);
	CU_ASSERT_FALSE(list_empty(&tt.fc.bg_queue));
	CU_ASSERT_EQUAL(tt.nr_sent, 3); /* INIT + 2 */
	ftt_release_hold(&tt);
	run_idle();
	for (i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(r[i].ret, 0);
		CU_ASSERT_EQUAL(r[i].end_calls, 1);
		CU_ASSERT_EQUAL(r[i].end_error, 0);
	}
	CU_ASSERT_EQUAL(tt.nr_sent, 5);
	/* every background send happened under bg_lock (else a report) */
	CU_ASSERT_EQUAL(tt.nr_bg_locked, 5);
	CU_ASSERT_EQUAL(tt.fc.num_background, 0);
	CU_ASSERT_EQUAL(tt.fc.active_background, 0);
	CU_ASSERT_FALSE(tt.fc.blocked);
	CU_ASSERT_TRUE(list_empty(&tt.fc.bg_queue));
	CU_ASSERT_EQUAL(check_count_kind("spin.not_locked"), 0);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

static void test_background_limits_mainline(void)
{
	background_limits(false);
}

static void test_background_limits_v5(void)
{
	background_limits(true);
}

static void end_twice(bool v5)
{
	struct req_task s, b;

	mount_and_init(v5, NULL);
	tt.end_twice = true;
	rt_start(&s, &tt.fm, false, false);
	rt_start(&b, &tt.fm, true, false);
	run_idle();
	CU_ASSERT_EQUAL(s.ret, 0);
	CU_ASSERT_EQUAL(b.ret, 0);
	CU_ASSERT_EQUAL(b.end_calls, 1); /* the second end only puts */
	CU_ASSERT_EQUAL(tt.fc.num_background, 0);
	CU_ASSERT_EQUAL(atomic_read(&tt.fc.num_waiting), 0);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

static void test_end_twice_mainline(void)
{
	end_twice(false);
}

static void test_end_twice_v5(void)
{
	end_twice(true);
}

static void warn_sent(bool v5)
{
	struct req_task s;

	mount_and_init(v5, NULL);
	tt.leave_sent = true;
	rt_start(&s, &tt.fm, false, false);
	run_idle();
	CU_ASSERT_EQUAL(s.ret, 0);
	CU_ASSERT_EQUAL(check_count_kind("warn"), 1);
	CU_ASSERT(strstr(check_at((size_t)check_find("warn"))->message,
			 "FR_SENT") != NULL);
	ftt_exit(&tt);
}

static void test_warn_sent_mainline(void)
{
	warn_sent(false);
}

static void test_warn_sent_v5(void)
{
	warn_sent(true);
}

static void refused(bool v5)
{
	struct req_task s, b;

	mount_and_init(v5, NULL);
	tt.refuse = -EIO;
	rt_start(&s, &tt.fm, false, false);
	rt_start(&b, &tt.fm, true, false);
	run_idle();
	CU_ASSERT_EQUAL(s.ret, -EIO);
	CU_ASSERT_EQUAL(b.ret, 0);
	CU_ASSERT_EQUAL(b.end_error, -EIO);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

static void test_refused_mainline(void)
{
	refused(false);
}

static void test_refused_v5(void)
{
	refused(true);
}

static void device_error(bool v5)
{
	struct req_task s;

	mount_and_init(v5, NULL);
	tt.fail_opcode = FUSE_GETATTR;
	tt.fail_error = -ENOENT;
	rt_start(&s, &tt.fm, false, false);
	run_idle();
	CU_ASSERT_EQUAL(s.ret, -ENOENT);
	CU_ASSERT_EQUAL(bugs(), 0);
	ftt_exit(&tt);
}

static void test_device_error_mainline(void)
{
	device_error(false);
}

static void test_device_error_v5(void)
{
	device_error(true);
}

VT_SUITE_EACH(guest_fuse_core, setup, teardown,
	      VT_CASE(test_init_negotiation_mainline),
	      VT_CASE(test_init_negotiation_v5),
	      VT_CASE(test_wait_for_init_mainline),
	      VT_CASE(test_wait_for_init_v5),
	      VT_CASE(test_unique_stepping_mainline),
	      VT_CASE(test_unique_stepping_v5),
	      VT_CASE(test_background_limits_mainline),
	      VT_CASE(test_background_limits_v5),
	      VT_CASE(test_end_twice_mainline), VT_CASE(test_end_twice_v5),
	      VT_CASE(test_warn_sent_mainline), VT_CASE(test_warn_sent_v5),
	      VT_CASE(test_refused_mainline), VT_CASE(test_refused_v5),
	      VT_CASE(test_device_error_mainline),
	      VT_CASE(test_device_error_v5));
