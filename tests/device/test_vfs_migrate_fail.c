// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vfs_migrate_fail.c - migrations that fail: a stream cut short, a
 * flipped byte, an unknown version, a migrated inode the destination
 * cannot find (policy abort; policy guest-error, which succeeds), SAVE or
 * LOAD refused, a destination without DEVICE_STATE. Each time the source
 * resumes and serves what was left, and no request is lost or answered
 * twice.
 */
#include <errno.h>
#include <string.h>

#include "sim/kernel/fault.h"
#include "tests/device/test_vfs_migrate.h"

/* The flow failed in @step with @err; the source took over again. */
static void assert_resumed(enum mig_step step, int err)
{
	CU_ASSERT_EQUAL(vm_mig.failed, step);
	CU_ASSERT_EQUAL(vm_mig.err, err);
	CU_ASSERT(vm_mig.source_resumed);
	CU_ASSERT_PTR_EQUAL(dh_vdev.backend_dev, dh_dev);
	CU_ASSERT_FALSE(vfs_dev_suspended(dh_dev));
	CU_ASSERT(vfs_dev_suspended(vm_dst));
	CU_ASSERT_EQUAL(vm_completed(vm_dst), 0);
	CU_ASSERT_EQUAL(dh_result(vm_pending[0]), 0);
	CU_ASSERT_EQUAL(dh_result(vm_pending[1]), 0);
	CU_ASSERT_EQUAL(dh_result(vm_pending[2]), -EAGAIN);
	CU_ASSERT_EQUAL(dh_result(vm_pending[3]), 0);
	CU_ASSERT_EQUAL(dh_result(vm_pending[4]), 0);
	/* The guest carries on with the source. */
	vm_expect(dh_getattr(1, vm_file), 0);
	vm_expect(dh_write(1, vm_file, vm_fh, "more", 4), 0);
	CU_ASSERT_EQUAL(migration_run(&vm_mig), -EALREADY);
	vm_assert_uniques_once();
}

static void test_fail_stream_cut(void)
{
	vm_workload();
	CU_ASSERT_EQUAL_FATAL(fault_plan_parse("mig.cut:nth=1"), 0);
	CU_ASSERT_EQUAL(vm_migrate(), -ENODATA);
	CU_ASSERT_EQUAL(vm_mig.check_dst, -ENODATA);
	assert_resumed(MIG_STEP_LOAD, -ENODATA);
}

static void test_fail_flipped_byte(void)
{
	vm_workload();
	/* The second chunk lies in the body: the checksum catches it. */
	vm_mig.chunk_size = 64;
	CU_ASSERT_EQUAL_FATAL(fault_plan_parse("mig.corrupt:nth=2"), 0);
	CU_ASSERT_EQUAL(vm_migrate(), -EBADMSG);
	CU_ASSERT_EQUAL(vm_mig.check_dst, -EBADMSG);
	assert_resumed(MIG_STEP_LOAD, -EBADMSG);
}

/* The header's version field (offset 8) inside the first chunk. */
static int bump_version(void *arg, struct mig_stream *s)
{
	(void)arg;
	CU_ASSERT_FATAL(s->len > 16);
	s->data[4 + 8] = 99;
	return 0;
}

static void test_fail_unknown_version(void)
{
	vm_workload();
	vm_mig.wire = bump_version;
	CU_ASSERT_EQUAL(vm_migrate(), -EPROTONOSUPPORT);
	CU_ASSERT_EQUAL(vm_mig.check_src, 0);
	assert_resumed(MIG_STEP_LOAD, -EPROTONOSUPPORT);
}

static int wire_lost(void *arg, struct mig_stream *s)
{
	(void)arg;
	(void)s;
	return -ECONNRESET;
}

static void test_fail_wire(void)
{
	vm_workload();
	vm_mig.wire = wire_lost;
	CU_ASSERT_EQUAL(vm_migrate(), -ECONNRESET);
	assert_resumed(MIG_STEP_WIRE, -ECONNRESET);
}

static void test_fail_sync(void)
{
	vm_workload();
	vm_unlink_parent = 1;
	vm_unlink_name = "no-such-file";
	CU_ASSERT_EQUAL(vm_migrate(), -ENOENT);
	assert_resumed(MIG_STEP_SYNC, -ENOENT);
}

static void test_fail_not_found_abort(void)
{
	vm_workload();
	vm_unlink_parent = vm_dir;
	vm_unlink_name = "f";
	CU_ASSERT_EQUAL(vm_migrate(), -ENOENT);
	CU_ASSERT_EQUAL(vm_mig.check_dst, -ENOENT);
	CU_ASSERT_STRING_EQUAL(vm_dst_vh.xfer.report.missing, "/d/f");
	CU_ASSERT_FALSE(fuse_server_initialized(vfs_dev_server(vm_dst)));
	assert_resumed(MIG_STEP_LOAD, -ENOENT);
}

/* guest-error: the migration succeeds; the lost inode answers EIO. */
static void test_not_found_guest_error(void)
{
	vm_workload();
	vm_dst_vh.policy = FUSE_STATE_GUEST_ERROR;
	vm_unlink_parent = 1;
	vm_unlink_name = "g";
	CU_ASSERT_EQUAL(vm_migrate(), 0);
	CU_ASSERT_EQUAL(vm_mig.done, MIG_STEP_DONE);
	CU_ASSERT_EQUAL(vm_dst_vh.xfer.report.broken, 1);
	CU_ASSERT_PTR_EQUAL(dh_vdev.backend_dev, vm_dst);
	CU_ASSERT_EQUAL(dh_result(vm_popped[1]), 0); /* source served it */
	CU_ASSERT_EQUAL(dh_result(vm_pending[4]), -EIO);
	CU_ASSERT_EQUAL(dh_result(vm_pending[0]), 0);
	CU_ASSERT_EQUAL(dh_result(vm_pending[2]), -EAGAIN);
	vm_expect(dh_write(1, vm_other, vm_other_fh, "x", 1), -EIO);
	vm_expect(dh_write(1, vm_file, vm_fh, "x", 1), 0);
	CU_ASSERT_EQUAL(vm_completed(vm_dst), 7);
	vm_assert_uniques_once();
}

static void test_fail_save_refused(void)
{
	vm_workload();
	vm_src_vh.refuse[VHOST_TRANSFER_STATE_DIRECTION_SAVE] = EPERM;
	CU_ASSERT_EQUAL(vm_migrate(), -EPERM);
	CU_ASSERT_EQUAL(vm_mig.save_reply,
			VHOST_USER_DEVICE_STATE_NO_FD | EPERM);
	CU_ASSERT_EQUAL(vm_mig.stream.len, 0);
	assert_resumed(MIG_STEP_SAVE, -EPERM);
}

static void test_fail_load_refused(void)
{
	vm_workload();
	vm_dst_vh.refuse[VHOST_TRANSFER_STATE_DIRECTION_LOAD] = EACCES;
	CU_ASSERT_EQUAL(vm_migrate(), -EACCES);
	CU_ASSERT_EQUAL(vm_mig.load_reply,
			VHOST_USER_DEVICE_STATE_NO_FD | EACCES);
	CU_ASSERT_EQUAL(vm_mig.check_src, 0);
	assert_resumed(MIG_STEP_LOAD, -EACCES);
}

/* Without DEVICE_STATE nothing is touched: the source never stops. */
static void test_fail_no_device_state(void)
{
	vm_workload();
	vm_dst_vh.offered = 0;
	CU_ASSERT_EQUAL(vm_migrate(), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(vm_mig.failed, MIG_STEP_NEGOTIATE);
	CU_ASSERT_FALSE(vm_mig.source_resumed);
	/* The source's workers went on popping: it served everything. */
	for (unsigned int i = 0; i < 5; i++)
		CU_ASSERT(vm_pending[i]->done);
	CU_ASSERT_EQUAL(dh_result(vm_pending[2]), -EAGAIN);
	CU_ASSERT_EQUAL(vm_completed(vm_dst), 0);
	vm_assert_uniques_once();
}

/* Back ends that hand back their own channel: bit 8 clear both ways. */
static void test_own_channels(void)
{
	vm_workload();
	vm_src_vh.own_channel = true;
	vm_dst_vh.own_channel = true;
	vm_src_vh.write_size = 100;
	vm_mig.chunk_size = 64;
	vm_mig.pipe_capacity = 128;
	CU_ASSERT_EQUAL(vm_migrate(), 0);
	CU_ASSERT_EQUAL(vm_mig.save_reply, 0);
	CU_ASSERT_EQUAL(vm_mig.load_reply, 0);
	CU_ASSERT(vm_mig.stream.chunks > 1);
	CU_ASSERT_EQUAL(vm_completed(vm_dst), 5);
	vm_assert_uniques_once();
}

VT_SUITE_EACH(device_vfs_migrate_fail, vm_setup, vm_teardown,
	      VT_CASE(test_fail_stream_cut), VT_CASE(test_fail_flipped_byte),
	      VT_CASE(test_fail_unknown_version), VT_CASE(test_fail_wire),
	      VT_CASE(test_fail_sync), VT_CASE(test_fail_not_found_abort),
	      VT_CASE(test_not_found_guest_error),
	      VT_CASE(test_fail_save_refused), VT_CASE(test_fail_load_refused),
	      VT_CASE(test_fail_no_device_state), VT_CASE(test_own_channels));
