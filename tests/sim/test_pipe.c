// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_pipe.c - the state channel: bounded, blocking, EOF on close,
 * EPIPE when the reader is gone, deterministic.
 */
#include <errno.h>
#include <string.h>

#include "sim/vmm/pipe.h"
#include "sim/kernel/task.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

static struct pipe p;

static void setup(void)
{
	sim_test_setup();
}

static void teardown(void)
{
	sim_test_teardown();
}

static void test_init(void)
{
	CU_ASSERT_EQUAL(pipe_init(&p, "big", PIPE_MAX_CAPACITY + 1), -EINVAL);
	CU_ASSERT_EQUAL(pipe_init(&p, NULL, 0), 0);
	CU_ASSERT_EQUAL(p.cap, PIPE_DEFAULT_CAPACITY);
	CU_ASSERT_STRING_EQUAL(p.name, "pipe");
	pipe_destroy(&p);
}

/* Outside tasks nothing needs to block while data fits. */
static void test_basic_and_wrap(void)
{
	u8 out[16];

	CU_ASSERT_EQUAL_FATAL(pipe_init(&p, "state", 8), 0);
	CU_ASSERT_EQUAL(pipe_write(&p, "abcdef", 6), 6);
	CU_ASSERT_EQUAL(pipe_buffered(&p), 6);
	CU_ASSERT_EQUAL(pipe_read(&p, out, 4), 4);
	CU_ASSERT_EQUAL(memcmp(out, "abcd", 4), 0);
	/* wraps around the end of the ring */
	CU_ASSERT_EQUAL(pipe_write(&p, "ghijkl", 6), 6);
	CU_ASSERT_EQUAL(pipe_read(&p, out, sizeof(out)), 8);
	CU_ASSERT_EQUAL(memcmp(out, "efghijkl", 8), 0);
	CU_ASSERT_EQUAL(pipe_read(&p, out, 0), 0);
	CU_ASSERT_EQUAL(pipe_write(&p, "x", 0), 0);
	pipe_close_write(&p);
	pipe_close_write(&p);
	CU_ASSERT_EQUAL(pipe_write(&p, "x", 1), -EBADF);
	CU_ASSERT_EQUAL(pipe_read(&p, out, 1), 0);
	CU_ASSERT_TRUE(trace_find("pipe.eof", 0) >= 0);
	CU_ASSERT_EQUAL(p.bytes_written, 12);
	CU_ASSERT_EQUAL(p.bytes_read, 12);
	pipe_close_read(&p);
	pipe_close_read(&p);
	CU_ASSERT_EQUAL(pipe_read(&p, out, 1), -EBADF);
	pipe_destroy(&p);
}

/* Nobody on the other end: a blocking call reports it, never hangs. */
static void test_deadlock_outside_tasks(void)
{
	u8 buf[8] = { 0 };

	CU_ASSERT_EQUAL_FATAL(pipe_init(&p, "lonely", 4), 0);
	CU_ASSERT_EQUAL(pipe_read(&p, buf, 1), -EDEADLK);
	CU_ASSERT_EQUAL(pipe_write(&p, buf, 8), -EDEADLK);
	CU_ASSERT_EQUAL(pipe_buffered(&p), 4);
	pipe_close_read(&p);
	CU_ASSERT_EQUAL(pipe_write(&p, buf, 1), -EPIPE);
	pipe_destroy(&p);
}

static u8 src[1000], dst[1000];
static size_t got;

static int writer(void *arg)
{
	size_t piece = *(size_t *)arg;
	int ret = 0;

	for (size_t off = 0; off < sizeof(src) && !ret; off += piece) {
		size_t n = sizeof(src) - off < piece ? sizeof(src) - off :
						       piece;
		ssize_t w = pipe_write(&p, src + off, n);

		ret = w < 0 ? (int)w : 0;
	}
	pipe_close_write(&p);
	return ret;
}

static int reader(void *arg)
{
	size_t limit = *(size_t *)arg;

	got = 0;
	for (;;) {
		ssize_t n = pipe_read(&p, dst + got, 7);

		if (n <= 0)
			return (int)n;
		got += (size_t)n;
		if (got >= limit) {
			pipe_close_read(&p);
			return 0;
		}
	}
}

static u64 run_pair(size_t piece, size_t limit, int *wres)
{
	struct task *w, *r;
	int rres;

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (u8)(i * 13);
	memset(dst, 0, sizeof(dst));
	trace_reset(true);
	CU_ASSERT_EQUAL_FATAL(pipe_init(&p, "chan", 16), 0);
	w = task_spawn(writer, &piece, "backend", TASK_DEVICE, 0);
	r = task_spawn(reader, &limit, "frontend", TASK_FRONTEND, 1);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(task_join(w, wres), 0);
	CU_ASSERT_EQUAL(task_join(r, &rres), 0);
	CU_ASSERT_EQUAL(rres, 0);
	pipe_destroy(&p);
	return trace_hash();
}

static void test_tasks_block_and_stream(void)
{
	int wres;
	u64 h1, h2;

	h1 = run_pair(100, sizeof(src) + 1, &wres);
	CU_ASSERT_EQUAL(wres, 0);
	CU_ASSERT_EQUAL(got, sizeof(src));
	CU_ASSERT_EQUAL(memcmp(src, dst, sizeof(src)), 0);
	CU_ASSERT_TRUE(trace_find("task.block", 0) >= 0);
	CU_ASSERT_TRUE(trace_find("pipe.eof", 0) >= 0);
	/* the same run twice gives the same trace */
	h2 = run_pair(100, sizeof(src) + 1, &wres);
	CU_ASSERT_EQUAL(h1, h2);
	/* one write larger than the whole pipe goes in pieces */
	run_pair(sizeof(src), sizeof(src) + 1, &wres);
	CU_ASSERT_EQUAL(wres, 0);
	CU_ASSERT_EQUAL(memcmp(src, dst, sizeof(src)), 0);
}

/* The reader gives up: the blocked writer gets EPIPE. */
static void test_reader_gone(void)
{
	int wres;

	run_pair(sizeof(src), 20, &wres);
	CU_ASSERT_EQUAL(wres, -EPIPE);
	CU_ASSERT_TRUE(got >= 20 && got < sizeof(src));
	CU_ASSERT_TRUE(trace_find("EPIPE", 0) >= 0);
}

VT_SUITE_EACH(sim_pipe, setup, teardown, VT_CASE(test_init),
	      VT_CASE(test_basic_and_wrap),
	      VT_CASE(test_deadlock_outside_tasks),
	      VT_CASE(test_tasks_block_and_stream), VT_CASE(test_reader_gone));
