// SPDX-License-Identifier: GPL-2.0-only
/*
 * parked_requests_cunit.c - a CUnit test of one protocol edge case: when
 * the request ring is full, the mainline driver parks requests on the
 * queue's queued_reqs and sends them once the device frees room.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <vfsim/vfsim.h>

static void test_full_ring_parks_then_drains(void)
{
	/* 8 entries, 4 descriptors a request: two fit, the rest park. */
	struct vfsim_config cfg = { .queue_size = 8, .variant = "mainline" };
	struct vfsim *vm = vfsim_machine_new(&cfg);
	struct vfsim_task *mnt, *t[6];
	struct vfsim_parked parked[8];
	struct vfsim_queue q;
	int err;

	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	CU_ASSERT_EQUAL(vfsim_fs_file(vm, "/a", "hello", 5), 0);
	mnt = vfsim_task_new(vm, "mounter");
	vfsim_op(mnt, "mount");
	vfsim_task_start(mnt);
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_DONE);

	vfsim_device_pause(vm); /* the device takes nothing: the ring fills */
	for (int i = 0; i < 6; i++) {
		char name[8];

		snprintf(name, sizeof(name), "stat%d", i);
		t[i] = vfsim_task_new(vm, name);
		CU_ASSERT_EQUAL(vfsim_op(t[i], "getattr /a"), 1);
		CU_ASSERT_EQUAL(vfsim_task_start(t[i]), 0);
	}
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_PAUSED);
	CU_ASSERT_EQUAL(vfsim_reports(vm, NULL), 0); /* no deadlock report */
	CU_ASSERT_EQUAL(vfsim_queue(vm, 1, &q), 0);
	CU_ASSERT_EQUAL(q.num_free, 0);
	CU_ASSERT_EQUAL(q.parked, 4);
	CU_ASSERT_EQUAL(q.in_flight, 6); /* 2 on the ring + 4 parked */
	CU_ASSERT_EQUAL(vfsim_queue_parked(vm, 1, parked, 8), 4);
	/* The path walk's LOOKUP of "a" comes first. */
	CU_ASSERT_EQUAL(parked[0].opcode, VFSIM_FUSE_LOOKUP);

	vfsim_device_resume(vm);
	CU_ASSERT_EQUAL(vfsim_run(vm), VFSIM_DONE);
	CU_ASSERT_EQUAL(vfsim_queue(vm, 1, &q), 0);
	CU_ASSERT_EQUAL(q.parked, 0);
	CU_ASSERT_EQUAL(q.in_flight, 0);
	for (int i = 0; i < 6; i++) {
		CU_ASSERT_EQUAL(vfsim_task_result(t[i], 1, &err, NULL), 0);
		CU_ASSERT_EQUAL(err, 0);
	}
	CU_ASSERT_EQUAL(vfsim_requests_open(vm), 0);
	CU_ASSERT_EQUAL(vfsim_reports(vm, NULL), 0);
	CU_ASSERT_EQUAL(vfsim_machine_free(vm), 0); /* nothing leaked */
}

int main(void)
{
	CU_pSuite suite;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	suite = CU_add_suite("parked_requests", NULL, NULL);
	CU_add_test(suite, "a full ring parks requests, then drains",
		    test_full_ring_parks_then_drains);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
