// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_migration_stream.c - the front end's chunked stream: chunks of 1
 * byte, of 1 MiB, a state of exactly 1 MiB, an empty state; every
 * malformed stream has its own error and the back end always sees EOF.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/vmm/migration_stream.h"
#include "sim/kernel/task.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

#define MIB (1024u * 1024)

static struct pipe p;
static struct mig_stream s;
static u8 *state;
static size_t state_len;

static void setup(void)
{
	sim_test_setup();
	mig_stream_init(&s);
}

static void teardown(void)
{
	mig_stream_free(&s);
	free(state);
	state = NULL;
	sim_test_teardown();
}

/* The back end: write the state in 10000-byte pieces, close. */
static int backend_writer(void *arg)
{
	size_t off = 0;
	int ret = 0;

	(void)arg;
	while (off < state_len) {
		size_t n = state_len - off < 10000 ? state_len - off : 10000;
		ssize_t w = pipe_write(&p, state + off, n);

		if (w < 0) {
			ret = (int)w;
			break;
		}
		off += n;
	}
	pipe_close_write(&p);
	return ret;
}

/* The back end: read to EOF into a buffer of state_len + slack. */
static u8 *rx;
static size_t rx_len;

static int backend_reader(void *arg)
{
	(void)arg;
	rx_len = 0;
	for (;;) {
		ssize_t n = pipe_read(&p, rx + rx_len, 4096);

		if (n <= 0)
			return (int)n;
		rx_len += (size_t)n;
	}
}

static void make_state(size_t len)
{
	free(state);
	state = malloc(len ? len : 1);
	for (size_t i = 0; i < len; i++)
		state[i] = (u8)(i ^ (i >> 8));
	state_len = len;
}

static u32 be32_at(size_t off)
{
	__be32 v;

	memcpy(&v, s.data + off, 4);
	return be32_to_cpu(v);
}

/* Save @len bytes with @chunk; check the layout; load them back. */
static void round_trip(size_t len, size_t chunk, u64 want_chunks)
{
	struct mig_frontend fe = { &p, &s, chunk, 0 };
	size_t off = 0, c = chunk ? chunk : MIG_STREAM_CHUNK_MAX;
	struct task *b, *f;

	make_state(len);
	mig_stream_free(&s);
	CU_ASSERT_EQUAL_FATAL(pipe_init(&p, "state", 0), 0);
	b = task_spawn(backend_writer, NULL, "backend", TASK_DEVICE, 0);
	f = task_spawn(mig_frontend_save_task, &fe, "frontend", TASK_FRONTEND,
		       1);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_TRUE(task_done(b) && task_done(f));
	CU_ASSERT_EQUAL(fe.result, 0);
	pipe_destroy(&p);
	CU_ASSERT_EQUAL(s.chunks, want_chunks);
	CU_ASSERT_EQUAL(s.len, len + 4 * (want_chunks + 1));
	for (u64 i = 0; i < want_chunks; i++) {
		size_t n = len - i * c < c ? len - i * c : c;

		CU_ASSERT_EQUAL(be32_at(off), n);
		off += 4 + n;
	}
	CU_ASSERT_EQUAL(be32_at(off), 0);

	/* and back into a back end */
	rx = malloc(len + 1);
	CU_ASSERT_EQUAL_FATAL(pipe_init(&p, "state", 0), 0);
	fe.result = -1;
	s.chunks = 0;
	b = task_spawn(backend_reader, NULL, "backend", TASK_DEVICE, 0);
	f = task_spawn(mig_frontend_load_task, &fe, "frontend", TASK_FRONTEND,
		       1);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(fe.result, 0);
	CU_ASSERT_EQUAL(s.pos, s.len);
	CU_ASSERT_EQUAL(s.chunks, want_chunks);
	CU_ASSERT_EQUAL(rx_len, len);
	CU_ASSERT_EQUAL(memcmp(rx, state, len), 0);
	free(rx);
	pipe_destroy(&p);
}

static void test_chunks_of_one_byte(void)
{
	round_trip(300, 1, 300);
}

static void test_chunks_of_1mib(void)
{
	round_trip(MIB + 1, 0, 2);
	round_trip(2 * MIB + 5, MIB, 3);
}

static void test_exactly_1mib(void)
{
	round_trip(MIB, 0, 1);
}

static void test_empty_state(void)
{
	round_trip(0, 0, 0);
	CU_ASSERT_EQUAL(s.len, 4);
}

static void test_bad_chunk_size(void)
{
	CU_ASSERT_EQUAL_FATAL(pipe_init(&p, "state", 0), 0);
	CU_ASSERT_EQUAL(mig_stream_save_from(&p, &s, MIB + 1), -EINVAL);
	CU_ASSERT_TRUE(p.read_closed);
	CU_ASSERT_EQUAL(pipe_write(&p, "x", 1), -EPIPE);
	pipe_destroy(&p);
}

/* A read error rolls the stream back to where it was. */
static void test_save_rolls_back(void)
{
	mig_stream_append(&s, "head", 4);
	CU_ASSERT_EQUAL_FATAL(pipe_init(&p, "state", 0), 0);
	CU_ASSERT_EQUAL(pipe_write(&p, "abc", 3), 3);
	/* nobody will ever close the write end: -EDEADLK from outside */
	CU_ASSERT_EQUAL(mig_stream_save_from(&p, &s, 2), -EDEADLK);
	CU_ASSERT_EQUAL(s.len, 4);
	CU_ASSERT_EQUAL(s.chunks, 0);
	pipe_destroy(&p);
}

/* Load a forged stream into a reading back end; return the error. */
static int load_forged(void)
{
	struct mig_frontend fe = { &p, &s, 0, 0 };

	rx = malloc(4 * MIB);
	CU_ASSERT_EQUAL_FATAL(pipe_init(&p, "state", 0), 0);
	task_spawn(backend_reader, NULL, "backend", TASK_DEVICE, 0);
	task_spawn(mig_frontend_load_task, &fe, "frontend", TASK_FRONTEND, 1);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	/* whatever happened, the back end saw EOF */
	CU_ASSERT_TRUE(p.write_closed);
	pipe_destroy(&p);
	free(rx);
	return fe.result;
}

static void forge(const u32 *lens, size_t n, size_t cut)
{
	static const u8 zero[64];

	mig_stream_free(&s);
	for (size_t i = 0; i < n; i++) {
		__be32 be = cpu_to_be32(lens[i]);

		mig_stream_append(&s, &be, 4);
		if (lens[i] <= sizeof(zero))
			mig_stream_append(&s, zero, lens[i]);
	}
	s.len -= cut;
}

static void test_malformed_streams(void)
{
	static const u32 good[] = { 10, 20, 0 };
	static const u32 huge[] = { MIB + 1, 0 };
	static const u32 noend[] = { 10, 20 };

	forge(good, 3, 0);
	CU_ASSERT_EQUAL(load_forged(), 0);
	CU_ASSERT_EQUAL(rx_len, 30);
	/* cut inside the terminator, inside a chunk, inside a length */
	forge(good, 3, 2);
	CU_ASSERT_EQUAL(load_forged(), -ENODATA);
	forge(good, 3, 9);
	CU_ASSERT_EQUAL(load_forged(), -ENODATA);
	forge(good, 2, 22);
	CU_ASSERT_EQUAL(load_forged(), -ENODATA);
	forge(huge, 2, 0);
	CU_ASSERT_EQUAL(load_forged(), -EMSGSIZE);
	CU_ASSERT_EQUAL(rx_len, 0);
	forge(noend, 2, 0);
	CU_ASSERT_EQUAL(load_forged(), -ENOMSG);
	CU_ASSERT_EQUAL(rx_len, 30);
	forge(noend, 0, 0);
	CU_ASSERT_EQUAL(load_forged(), -ENOMSG);
	/* what follows the terminator is not ours */
	forge(good, 3, 0);
	mig_stream_append(&s, "next-device", 11);
	CU_ASSERT_EQUAL(load_forged(), 0);
	CU_ASSERT_EQUAL(s.pos, s.len - 11);
}

/* The back end closed its read end: the front end gets EPIPE. */
static void test_backend_gone(void)
{
	static const u32 lens[] = { 64, 0 };

	forge(lens, 2, 0);
	CU_ASSERT_EQUAL_FATAL(pipe_init(&p, "state", 16), 0);
	pipe_close_read(&p);
	CU_ASSERT_EQUAL(mig_stream_load_into(&s, &p), -EPIPE);
	pipe_destroy(&p);
}

static void test_file_and_describe(void)
{
	static const u32 lens[] = { 3, 5, 0 };
	char path[] = "/tmp/vfsim-mig-XXXXXX";
	struct mig_stream back;
	char text[256];
	FILE *out;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	forge(lens, 3, 0);
	CU_ASSERT_EQUAL(mig_stream_write_file(&s, path), 0);
	mig_stream_init(&back);
	CU_ASSERT_EQUAL(mig_stream_read_file(&back, path), 0);
	CU_ASSERT_EQUAL_FATAL(back.len, s.len);
	CU_ASSERT_EQUAL(memcmp(back.data, s.data, s.len), 0);
	mig_stream_free(&back);
	unlink(path);
	CU_ASSERT_EQUAL(mig_stream_read_file(&back, path), -ENOENT);
	CU_ASSERT_EQUAL(mig_stream_write_file(&s, "/nonexistent/dir/x"),
			-ENOENT);
	/* a full disk, small and large; a directory is no stream */
	CU_ASSERT_EQUAL(mig_stream_write_file(&s, "/dev/full"), -EIO);
	{
		static u8 big[65536];

		mig_stream_init(&back);
		mig_stream_append(&back, big, sizeof(big));
		CU_ASSERT_EQUAL(mig_stream_write_file(&back, "/dev/full"),
				-EIO);
		mig_stream_free(&back);
	}
	CU_ASSERT_EQUAL(mig_stream_read_file(&back, "/tmp"), -EIO);
	mig_stream_free(&back);
	out = fmemopen(text, sizeof(text), "w");
	CU_ASSERT_EQUAL(mig_stream_describe(&s, out), 0);
	fclose(out);
	CU_ASSERT_STRING_EQUAL(text, "chunk 0 at 0: 3 bytes\n"
				     "chunk 1 at 7: 5 bytes\n"
				     "end at 16\n");
	s.len -= 4;
	out = fmemopen(text, sizeof(text), "w");
	CU_ASSERT_EQUAL(mig_stream_describe(&s, out), -ENOMSG);
	fclose(out);
	CU_ASSERT_STRING_EQUAL(text, "chunk 0 at 0: 3 bytes\n"
				     "chunk 1 at 7: 5 bytes\n"
				     "error -42 at 16\n");
}

VT_SUITE_EACH(sim_migration_stream, setup, teardown,
	      VT_CASE(test_chunks_of_one_byte), VT_CASE(test_chunks_of_1mib),
	      VT_CASE(test_exactly_1mib), VT_CASE(test_empty_state),
	      VT_CASE(test_bad_chunk_size), VT_CASE(test_save_rolls_back),
	      VT_CASE(test_malformed_streams), VT_CASE(test_backend_gone),
	      VT_CASE(test_file_and_describe));
