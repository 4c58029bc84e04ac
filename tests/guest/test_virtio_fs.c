// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_virtio_fs.c - the virtio-fs driver against the scripted device:
 * probe, mount, requests, FORGETs, unmount, removal; both variants.
 */
#include "tests/guest/test_virtio_fs_util.h"

/* Probe, mount, GETATTR, LOOKUP + FORGET, unmount, unplug: nothing leaks
 * and the device's lookup counts balance. */
static void run_smoke(const char *variant)
{
	struct vop op;
	s64 id;

	CU_ASSERT_EQUAL(virtio_fs_set_variant(variant), 0);
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL(virtio_fs_nr_instances(), 1);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_INIT), 1);
	CU_ASSERT(vt_fc()->conn_init);

	CU_ASSERT_EQUAL(vop_run(&op, FUSE_GETATTR, FUSE_ROOT_ID), 0);
	CU_ASSERT_EQUAL(op.attr.attr.ino, FUSE_ROOT_ID);

	id = vt_lookup("a");
	CU_ASSERT(id > 1);
	CU_ASSERT_EQUAL(sdev_lookup_count(&vt_dev, (u64)id), 1);
	vop_start(&op, FUSE_FORGET, (u64)id, false);
	sched_run();
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_FORGET), 1);
	if (!strcmp(variant, "v5-2019")) {
		/* v5 sends the list_head too: a strict server refuses it */
		CU_ASSERT_EQUAL(sdev_last(&vt_dev, FUSE_FORGET)->hdr_len, 64);
		CU_ASSERT_NOT_EQUAL(sdev_last(&vt_dev, FUSE_FORGET)->parse_err,
				    0);
		CU_ASSERT_EQUAL(sdev_total_lookups(&vt_dev), 1);
	} else {
		CU_ASSERT_EQUAL(sdev_last(&vt_dev, FUSE_FORGET)->hdr_len, 48);
		CU_ASSERT_EQUAL(sdev_total_lookups(&vt_dev), 0);
	}

	vt_umount();
	CU_ASSERT_EQUAL(sdev_count_op(&vt_dev, FUSE_DESTROY), 1);
	CU_ASSERT_EQUAL(check_count(), 0);
}

static void test_smoke_mainline(void)
{
	run_smoke("mainline");
}

static void test_smoke_v5(void)
{
	run_smoke("v5-2019");
}

VT_SUITE_EACH(guest_virtio_fs, vt_setup, vt_teardown,
	      VT_CASE(test_smoke_mainline), VT_CASE(test_smoke_v5));
