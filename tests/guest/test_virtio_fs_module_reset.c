// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_virtio_fs_module_reset.c - virtio_fs_module_reset(): a
 * machine thrown away with the driver's instance and super block still
 * listed and virtio_fs_mutex held; the next machine probes and mounts as
 * if the first had never been.
 */
#include "tests/guest/test_virtio_fs_util.h"

static void test_module_reset(void)
{
	vt_setup();
	CU_ASSERT_FALSE(virtio_fs_module_reset());
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	CU_ASSERT_EQUAL(virtio_fs_nr_instances(), 1);
	mutex_lock(&virtio_fs_mutex);
	/* one instance, one super block */
	CU_ASSERT_TRUE(virtio_fs_module_reset());
	CU_ASSERT_EQUAL(virtio_fs_nr_instances(), 0);
	CU_ASSERT_FALSE(mutex_is_locked(&virtio_fs_mutex));
	CU_ASSERT_FALSE(virtio_fs_module_reset());
	/* Throw the machine away, as vfsim_machine_destroy() does. */
	sched_exit();
	sdev_destroy(&vt_dev);
	CU_ASSERT(kmem_exit() > 0);
	sim_test_teardown();
	gmem_exit();

	/* A second machine starts clean and tears down clean. */
	vt_setup();
	CU_ASSERT_EQUAL_FATAL(vt_probe(), 0);
	CU_ASSERT_EQUAL_FATAL(vt_mount(), 0);
	CU_ASSERT_EQUAL(virtio_fs_nr_instances(), 1);
	vt_umount();
	vt_teardown();
}

VT_SUITE(guest_virtio_fs_module_reset, NULL, NULL, VT_CASE(test_module_reset));
