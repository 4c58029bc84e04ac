// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fuse_state_xfer.c - the whole migration as vhost-user runs it:
 * source back end -> pipe -> front end -> migration stream (and a file)
 * -> front end -> pipe -> destination back end, then CHECK_DEVICE_STATE;
 * with the stream cut short or corrupted on the way.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device/memfs.h"
#include "sim/kernel/fault.h"
#include "sim/vmm/migration_stream.h"
#include "sim/kernel/task.h"
#include "tests/device/test_fuse_state.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

static struct mig_stream stream;

static void setup(void)
{
	sim_test_setup();
	mig_stream_init(&stream);
	fst_build_source(true);
	fst_new_dst();
}

static void teardown(void)
{
	mig_stream_free(&stream);
	fst_teardown();
	sim_test_teardown();
}

/* Source side: back-end task writes, front-end task reads. */
static int save(size_t write_size, size_t chunk, size_t cap)
{
	struct pipe p;
	struct fuse_state_transfer be = { .srv = fst_src,
					  .pipe = &p,
					  .dir = FUSE_STATE_DIR_SAVE,
					  .write_size = write_size };
	struct mig_frontend fe = { &p, &stream, chunk, 0 };

	CU_ASSERT_EQUAL_FATAL(pipe_init(&p, "state-src", cap), 0);
	CU_ASSERT_EQUAL(fuse_state_check(&be), -EINPROGRESS);
	task_spawn(fuse_state_transfer_task, &be, "virtiofsd-src", TASK_DEVICE,
		   0);
	task_spawn(mig_frontend_save_task, &fe, "qemu-src", TASK_FRONTEND, 1);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	pipe_destroy(&p);
	CU_ASSERT_EQUAL(fe.result, 0);
	return fuse_state_check(&be);
}

/* Destination side: front-end task writes, back-end task loads. */
static int load(enum fuse_state_policy policy, int *fe_result)
{
	struct pipe p;
	struct fuse_state_transfer be = { .srv = fst_dst,
					  .pipe = &p,
					  .dir = FUSE_STATE_DIR_LOAD,
					  .policy = policy };
	struct mig_frontend fe = { &p, &stream, 0, 0 };

	stream.pos = 0;
	CU_ASSERT_EQUAL_FATAL(pipe_init(&p, "state-dst", 4096), 0);
	task_spawn(mig_frontend_load_task, &fe, "qemu-dst", TASK_FRONTEND, 1);
	task_spawn(fuse_state_transfer_task, &be, "virtiofsd-dst", TASK_DEVICE,
		   0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	pipe_destroy(&p);
	*fe_result = fe.result;
	return fuse_state_check(&be);
}

static void test_migrate(void)
{
	char path[] = "/tmp/vfsim-state-XXXXXX";
	struct mig_stream back;
	void *direct;
	size_t len;
	int fd, fe;

	CU_ASSERT_EQUAL(save(50, 64, 128), 0);
	CU_ASSERT_TRUE(stream.chunks > 1);
	/* the stream holds exactly what fuse_state_save() gives */
	direct = fst_save(fst_src, &len);
	CU_ASSERT_EQUAL(stream.len, len + 4 * (stream.chunks + 1));
	CU_ASSERT_EQUAL(memcmp(stream.data + 4, direct, 64), 0);
	free(direct);
	/* through a file a user can look at */
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL(mig_stream_write_file(&stream, path), 0);
	mig_stream_init(&back);
	CU_ASSERT_EQUAL(mig_stream_read_file(&back, path), 0);
	unlink(path);
	mig_stream_free(&stream);
	stream = back;
	CU_ASSERT_EQUAL(load(FUSE_STATE_ABORT, &fe), 0);
	CU_ASSERT_EQUAL(fe, 0);
	CU_ASSERT_TRUE(fuse_server_initialized(fst_dst));
	ts_srv = fst_dst;
	CU_ASSERT_EQUAL(ts_nlookup(fst.f1), 2);
	CU_ASSERT_EQUAL(ts_releasedir(fst.d, fst.dh), 0);
	CU_ASSERT_TRUE(trace_find("pipe.eof", 0) >= 0);
	CU_ASSERT_TRUE(trace_find("state.load", 0) >= 0);
}

/* A stream cut short: the front end sees it, and so does CHECK. */
static void test_cut_short(void)
{
	int fe;

	CU_ASSERT_EQUAL(save(0, 0, 0), 0);
	stream.len -= 100;
	CU_ASSERT_EQUAL(load(FUSE_STATE_ABORT, &fe), -ENODATA);
	CU_ASSERT_EQUAL(fe, -ENODATA);
	fst_assert_dst_untouched();
}

/* A flipped byte: the stream is well formed, the state is not. */
static void test_flipped_byte(void)
{
	int fe;

	CU_ASSERT_EQUAL(save(0, 0, 0), 0);
	stream.data[4 + 200] ^= 1;
	CU_ASSERT_EQUAL(load(FUSE_STATE_GUEST_ERROR, &fe), -EBADMSG);
	CU_ASSERT_EQUAL(fe, 0);
	fst_assert_dst_untouched();
}

/* The same failures from the fault plan, on the front end's way. */
static void test_fault_plan(void)
{
	int fe;

	CU_ASSERT_EQUAL(save(0, 64, 0), 0);
	CU_ASSERT_EQUAL_FATAL(fault_plan_parse("mig.cut:nth=3"), 0);
	CU_ASSERT_EQUAL(load(FUSE_STATE_ABORT, &fe), -ENODATA);
	CU_ASSERT_EQUAL(fe, -ENODATA);
	fst_assert_dst_untouched();
	fault_reset();
	CU_ASSERT_EQUAL_FATAL(fault_plan_parse("mig.corrupt:nth=2"), 0);
	CU_ASSERT_EQUAL(load(FUSE_STATE_ABORT, &fe), -EBADMSG);
	CU_ASSERT_EQUAL(fe, 0);
	fst_assert_dst_untouched();
	CU_ASSERT_EQUAL(fault_fired("mig.corrupt"), 1);
	fault_reset();
	CU_ASSERT_EQUAL(load(FUSE_STATE_ABORT, &fe), 0);
}

/* A destination where a migrated inode is gone, both policies. */
static void test_not_found(void)
{
	int fe;

	CU_ASSERT_EQUAL(save(0, 0, 0), 0);
	CU_ASSERT_EQUAL_FATAL(memfs_unlink(fuse_server_fs(fst_dst), 1, "g"), 0);
	fst_snapshot();
	CU_ASSERT_EQUAL(load(FUSE_STATE_ABORT, &fe), -ENOENT);
	fst_assert_dst_untouched();
	CU_ASSERT_EQUAL(load(FUSE_STATE_GUEST_ERROR, &fe), 0);
	CU_ASSERT_TRUE(fuse_server_is_broken(fst_dst, fst.g));
}

/* The front end gives up at once: the back end's writes get EPIPE. */
static void test_frontend_gone(void)
{
	struct pipe p;
	struct fuse_state_transfer be = { .srv = fst_src,
					  .pipe = &p,
					  .dir = FUSE_STATE_DIR_SAVE,
					  .write_size = 100 };

	CU_ASSERT_EQUAL_FATAL(pipe_init(&p, "state-src", 256), 0);
	pipe_close_read(&p);
	task_spawn(fuse_state_transfer_task, &be, "virtiofsd-src", TASK_DEVICE,
		   0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(fuse_state_check(&be), -EPIPE);
	pipe_destroy(&p);
}

/* The load side outside any task with nobody writing: -EDEADLK. */
static void test_nobody_writes(void)
{
	struct pipe p;
	struct fuse_state_transfer be = { .srv = fst_dst,
					  .pipe = &p,
					  .dir = FUSE_STATE_DIR_LOAD };

	CU_ASSERT_EQUAL_FATAL(pipe_init(&p, "state-dst", 0), 0);
	CU_ASSERT_EQUAL(fuse_state_transfer_task(&be), -EDEADLK);
	CU_ASSERT_EQUAL(fuse_state_check(&be), -EDEADLK);
	pipe_destroy(&p);
}

static void test_copy_tree_errors(void)
{
	struct fuse_server_config small = fst_cfg;
	struct fuse_server *other;

	CU_ASSERT_EQUAL(fuse_state_copy_tree(fst_dst, fst_src), -EBUSY);
	CU_ASSERT_EQUAL(fuse_state_copy_tree(fst_src, fst_src), -EINVAL);
	CU_ASSERT_EQUAL(fuse_state_copy_tree(NULL, fst_src), -EINVAL);
	small.max_inodes = 10;
	other = fuse_server_new(&small);
	CU_ASSERT_EQUAL(fuse_state_copy_tree(other, fst_src), -EXDEV);
	fuse_server_free(other);
}

/* A state bigger than the loader's first buffer; and one over the limit. */
static void test_big_state(void)
{
	struct memfs *fs = fuse_server_fs(fst_src);
	struct pipe p;
	struct fuse_state_transfer be = { .srv = fst_dst,
					  .pipe = &p,
					  .dir = FUSE_STATE_DIR_LOAD,
					  .max_size = 1000 };
	struct mig_frontend fe = { &p, &stream, 0, 0 };
	char name[64];
	int res;

	for (int i = 0; i < 1500; i++) {
		u64 ino;

		snprintf(name, sizeof(name), "file-with-a-longish-name-%04d",
			 i);
		CU_ASSERT_EQUAL_FATAL(memfs_create(fs, 1, name, 0644, 0, &ino),
				      0);
		CU_ASSERT_EQUAL_FATAL(memfs_ref(fs, ino), 0);
	}
	fuse_server_free(fst_dst);
	fst_new_dst();
	CU_ASSERT_EQUAL(save(0, 0, 0), 0);
	CU_ASSERT_TRUE(stream.len > 64 * 1024);
	/* over max_size: refused, the front end is not left blocked */
	CU_ASSERT_EQUAL_FATAL(pipe_init(&p, "state-dst", 4096), 0);
	task_spawn(mig_frontend_load_task, &fe, "qemu-dst", TASK_FRONTEND, 1);
	task_spawn(fuse_state_transfer_task, &be, "virtiofsd-dst", TASK_DEVICE,
		   0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	pipe_destroy(&p);
	CU_ASSERT_EQUAL(fuse_state_check(&be), -EFBIG);
	CU_ASSERT_EQUAL(fe.result, -EPIPE);
	fst_assert_dst_untouched();
	CU_ASSERT_EQUAL(load(FUSE_STATE_ABORT, &res), 0);
	CU_ASSERT_EQUAL(res, 0);
}

VT_SUITE_EACH(device_fuse_state_xfer, setup, teardown, VT_CASE(test_migrate),
	      VT_CASE(test_cut_short), VT_CASE(test_flipped_byte),
	      VT_CASE(test_not_found), VT_CASE(test_frontend_gone),
	      VT_CASE(test_nobody_writes), VT_CASE(test_copy_tree_errors),
	      VT_CASE(test_big_state), VT_CASE(test_fault_plan));
