// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vfs_migrate.c - a whole migration in the middle of a workload: the
 * source finishes what it popped, the destination serves what was left on
 * the avail rings, and the guest's nodeids, handles and locks go on working
 * with no re-initialisation. Also: stepping, and the same migration twice
 * giving the same trace.
 */
#include <errno.h>
#include <string.h>

#include "sim/kernel/check.h"
#include "sim/trace/trace.h"
#include "tests/device/test_vfs_migrate.h"

/* Index of the first kept event of @kind, or -1. */
static long first_kind(const char *kind)
{
	for (size_t i = 0; i < trace_kept(); i++)
		if (!strcmp(trace_event_at(i)->kind, kind))
			return (long)i;
	return -1;
}

/* Index of the completion of @r, or -1. */
static long completion_of(const struct dh_req *r)
{
	for (size_t i = 0; i < trace_kept(); i++) {
		const struct trace_event *ev = trace_event_at(i);

		if (ev->unique == r->unique &&
		    !strcmp(ev->kind, "dev.complete"))
			return (long)i;
	}
	return -1;
}

static void test_migrate_mid_workload(void)
{
	u64 src_before;
	long suspend_end, start;

	vm_workload();
	src_before = vm_completed(dh_dev);
	CU_ASSERT_EQUAL(vm_migrate(), 0);
	CU_ASSERT_EQUAL(vm_mig.done, MIG_STEP_DONE);
	CU_ASSERT_EQUAL(vm_mig.failed, MIG_STEP_NONE);
	CU_ASSERT_FALSE(vm_mig.source_resumed);
	CU_ASSERT_EQUAL(vm_mig.check_src, 0);
	CU_ASSERT_EQUAL(vm_mig.check_dst, 0);
	CU_ASSERT_EQUAL(vm_mig.save_reply, VHOST_USER_DEVICE_STATE_NO_FD);
	CU_ASSERT_EQUAL(vm_mig.load_reply, VHOST_USER_DEVICE_STATE_NO_FD);
	/* The transport now reaches the destination. */
	CU_ASSERT_PTR_EQUAL(dh_vdev.backend_dev, vm_dst);
	CU_ASSERT(vfs_dev_suspended(dh_dev));
	CU_ASSERT_FALSE(vfs_dev_suspended(vm_dst));
	/* A finished on the source before GET_VRING_BASE returned; B was
	 * served by the destination only after its rings started. */
	CU_ASSERT_EQUAL(vm_completed(dh_dev), src_before + 2);
	CU_ASSERT_EQUAL(vm_completed(vm_dst), 5);
	CU_ASSERT_EQUAL(vm_mig.bases[1], 8);
	suspend_end = first_kind("mig.sync");
	start = first_kind("mig.start");
	CU_ASSERT(suspend_end > 0 && start > suspend_end);
	for (unsigned int i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(dh_result(vm_popped[i]), 0);
		CU_ASSERT(completion_of(vm_popped[i]) < suspend_end);
	}
	for (unsigned int i = 0; i < 5; i++)
		CU_ASSERT(completion_of(vm_pending[i]) > start);
	/* Same nodeid, fh, dir handle and lock: the guest never re-INITs. */
	CU_ASSERT_EQUAL(dh_result(vm_pending[0]), 0);
	CU_ASSERT_EQUAL(dh_result(vm_pending[1]), 0);
	CU_ASSERT_EQUAL(
		((const struct fuse_entry_out *)dh_payload(vm_pending[1]))
			->nodeid,
		vm_file);
	CU_ASSERT_EQUAL(dh_result(vm_pending[2]), -EAGAIN);
	CU_ASSERT_EQUAL(dh_result(vm_pending[3]), 0);
	CU_ASSERT_EQUAL(dh_result(vm_pending[4]), 0);
	vm_expect(dh_write(1, vm_file, vm_fh, "after", 5), 0);
	vm_expect(dh_getattr(1, vm_dir), 0);
	vm_expect(dh_lk(1, FUSE_SETLK, vm_file, vm_fh, 3, 1), -EAGAIN);
	vm_expect(dh_lk(1, FUSE_SETLK, vm_file, vm_fh, 1, 2 /* unlock */), 0);
	vm_expect(dh_lk(1, FUSE_SETLK, vm_file, vm_fh, 3, 1), 0);
	vm_expect(vm_readdir(1, vm_dir, vm_dir_fh), 0);
	vm_expect(dh_create(1, vm_dir, "new"), 0);
	CU_ASSERT_EQUAL(vm_completed(dh_dev), src_before + 2);
	vm_assert_uniques_once();
	CU_ASSERT_EQUAL(check_count(), 0);
}

/* Each step can be stopped after and looked at; then the flow goes on. */
static void test_migrate_stepped(void)
{
	vm_workload();
	vm_mig.stop_after = MIG_STEP_SUSPEND;
	CU_ASSERT_EQUAL(vm_migrate(), 0);
	CU_ASSERT_EQUAL(vm_mig.done, MIG_STEP_SUSPEND);
	CU_ASSERT(vfs_dev_suspended(dh_dev));
	CU_ASSERT(vm_popped[0]->done && vm_popped[1]->done);
	for (unsigned int i = 0; i < 5; i++)
		CU_ASSERT_FALSE(vm_pending[i]->done);
	CU_ASSERT_EQUAL(vm_mig.bases[1], 8);
	vm_mig.stop_after = MIG_STEP_LOAD;
	CU_ASSERT_EQUAL(vm_migrate(), 0);
	CU_ASSERT_EQUAL(vm_mig.done, MIG_STEP_LOAD);
	CU_ASSERT(fuse_server_initialized(vfs_dev_server(vm_dst)));
	CU_ASSERT_PTR_EQUAL(dh_vdev.backend_dev, dh_dev);
	CU_ASSERT_FALSE(vm_pending[0]->done);
	vm_mig.stop_after = MIG_STEP_NONE;
	CU_ASSERT_EQUAL(vm_migrate(), 0);
	CU_ASSERT_EQUAL(vm_mig.done, MIG_STEP_DONE);
	CU_ASSERT_EQUAL(migration_run(&vm_mig), -EALREADY);
	CU_ASSERT_EQUAL(vm_completed(vm_dst), 5);
	vm_assert_uniques_once();
}

static u64 one_run(void)
{
	u64 h;

	vm_setup();
	vm_workload();
	CU_ASSERT_EQUAL(vm_migrate(), 0);
	vm_expect(dh_getattr(1, vm_file), 0);
	vm_assert_uniques_once();
	h = trace_hash();
	vm_teardown();
	return h;
}

static void test_migrate_deterministic(void)
{
	u64 a = one_run(), b = one_run();

	CU_ASSERT_EQUAL(a, b);
	CU_ASSERT_NOT_EQUAL(a, 0);
}

VT_SUITE_EACH(device_vfs_migrate, vm_setup, vm_teardown,
	      VT_CASE(test_migrate_mid_workload),
	      VT_CASE(test_migrate_stepped));
VT_SUITE(device_vfs_migrate_det, NULL, NULL,
	 VT_CASE(test_migrate_deterministic));
