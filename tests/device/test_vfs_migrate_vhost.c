// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vfs_migrate_vhost.c - the device's vhost-user messages one by one:
 * SET_DEVICE_STATE_FD refusals and reply bits, CHECK_DEVICE_STATE before,
 * during and after a transfer, the ring messages.
 */
#include <errno.h>

#include "sim/vmm/migration_stream.h"
#include "sim/kernel/task.h"
#include "tests/device/test_vfs_migrate.h"

#define NO_FD VHOST_USER_DEVICE_STATE_NO_FD
#define SAVE  VHOST_TRANSFER_STATE_DIRECTION_SAVE
#define LOAD  VHOST_TRANSFER_STATE_DIRECTION_LOAD

static const struct vhost_user_backend_ops *ops;

static u64 set_fd(struct vfs_dev_vhost *vh, u32 dir, u32 phase, struct pipe *p,
		  struct pipe **theirs)
{
	return ops->set_device_state_fd(vh, dir, phase, p, theirs);
}

static void suspend(struct vfs_dev_vhost *vh)
{
	for (unsigned int i = 0; i < vfs_dev_num_queues(vh->dev); i++)
		CU_ASSERT(ops->get_vring_base(vh, i) >= 0);
	CU_ASSERT(vfs_dev_suspended(vh->dev));
}

static void test_refusals(void)
{
	struct pipe p, *theirs = &p;
	u64 bit = 1ULL << VHOST_USER_PROTOCOL_F_DEVICE_STATE;

	ops = vfs_dev_vhost_ops();
	CU_ASSERT_EQUAL_FATAL(pipe_init(&p, "t", 0), 0);
	dh_do_init();
	CU_ASSERT_EQUAL(ops->get_protocol_features(&vm_src_vh), bit);
	/* Not negotiated yet. */
	CU_ASSERT_EQUAL(set_fd(&vm_src_vh, SAVE, 0, &p, &theirs),
			NO_FD | EOPNOTSUPP);
	CU_ASSERT_PTR_NULL(theirs);
	CU_ASSERT_EQUAL(ops->set_protocol_features(&vm_src_vh, 1), -EINVAL);
	CU_ASSERT_EQUAL(ops->set_protocol_features(&vm_src_vh, bit), 0);
	/* Rings running: not suspended. */
	CU_ASSERT_FALSE(vfs_dev_suspended(dh_dev));
	CU_ASSERT_EQUAL(set_fd(&vm_src_vh, SAVE, 0, &p, &theirs),
			NO_FD | EBUSY);
	suspend(&vm_src_vh);
	CU_ASSERT_EQUAL(set_fd(&vm_src_vh, 2, 0, &p, &theirs), NO_FD | EINVAL);
	CU_ASSERT_EQUAL(set_fd(&vm_src_vh, SAVE, 1, &p, &theirs),
			NO_FD | ERANGE);
	CU_ASSERT_EQUAL(set_fd(&vm_src_vh, LOAD, 7, &p, &theirs),
			NO_FD | ERANGE);
	CU_ASSERT_EQUAL(set_fd(&vm_src_vh, SAVE, 0, NULL, &theirs),
			NO_FD | EBADF);
	CU_ASSERT_EQUAL(vhost_user_reply_error(NO_FD | EBADF), -EBADF);
	/* Nothing was started by any refusal. */
	CU_ASSERT_EQUAL(ops->check_device_state(&vm_src_vh), -EINVAL);
	pipe_destroy(&p);
}

static void test_check_before_after(void)
{
	struct pipe p, *theirs = NULL;
	struct mig_stream s;
	struct mig_frontend fe = { &p, &s, 0, 0 };

	ops = vfs_dev_vhost_ops();
	mig_stream_init(&s);
	dh_do_init();
	CU_ASSERT_EQUAL(ops->set_protocol_features(
				&vm_src_vh,
				1ULL << VHOST_USER_PROTOCOL_F_DEVICE_STATE),
			0);
	suspend(&vm_src_vh);
	CU_ASSERT_EQUAL_FATAL(pipe_init(&p, "t", 0), 0);
	CU_ASSERT_EQUAL(ops->check_device_state(&vm_src_vh), -EINVAL);
	CU_ASSERT_EQUAL(set_fd(&vm_src_vh, SAVE, 0, &p, &theirs), NO_FD);
	CU_ASSERT_PTR_NULL(theirs);
	/* The transfer task has not run: CHECK from outside a task says so,
	 * and a second transfer is refused. */
	CU_ASSERT_EQUAL(ops->check_device_state(&vm_src_vh), -EINPROGRESS);
	CU_ASSERT_EQUAL(set_fd(&vm_src_vh, SAVE, 0, &p, &theirs),
			NO_FD | EALREADY);
	task_spawn(mig_frontend_save_task, &fe, "qemu", TASK_FRONTEND, 1);
	dh_run();
	CU_ASSERT_EQUAL(fe.result, 0);
	CU_ASSERT_EQUAL(ops->check_device_state(&vm_src_vh), 0);
	CU_ASSERT(s.len > 0);
	pipe_destroy(&p);

	/* The destination back end, with a channel of its own. */
	vm_dst_vh.own_channel = true;
	CU_ASSERT_EQUAL(ops->set_protocol_features(
				&vm_dst_vh,
				1ULL << VHOST_USER_PROTOCOL_F_DEVICE_STATE),
			0);
	CU_ASSERT(vfs_dev_suspended(vm_dst));
	CU_ASSERT_EQUAL(fuse_state_copy_tree(vfs_dev_server(vm_dst),
					     vfs_dev_server(dh_dev)),
			0);
	CU_ASSERT_EQUAL(set_fd(&vm_dst_vh, LOAD, 0, NULL, &theirs), 0);
	CU_ASSERT_PTR_EQUAL(theirs, &vm_dst_vh.own);
	fe.pipe = theirs;
	task_spawn(mig_frontend_load_task, &fe, "qemu", TASK_FRONTEND, 1);
	dh_run();
	CU_ASSERT_EQUAL(fe.result, 0);
	CU_ASSERT_EQUAL(ops->check_device_state(&vm_dst_vh), 0);
	CU_ASSERT(fuse_server_initialized(vfs_dev_server(vm_dst)));
	/* A second load finds session state: CHECK reports it. */
	s.pos = 0;
	CU_ASSERT_EQUAL(set_fd(&vm_dst_vh, LOAD, 0, NULL, &theirs), 0);
	task_spawn(mig_frontend_load_task, &fe, "qemu", TASK_FRONTEND, 1);
	dh_run();
	CU_ASSERT_EQUAL(ops->check_device_state(&vm_dst_vh), -EBUSY);
	mig_stream_free(&s);
}

/* Ring messages reach the device. */
static void test_ring_messages(void)
{
	ops = vfs_dev_vhost_ops();
	CU_ASSERT_PTR_EQUAL(ops->transport(&vm_dst_vh),
			    vfs_dev_backend(vm_dst));
	CU_ASSERT_PTR_EQUAL(ops->transport_dev(&vm_dst_vh), vm_dst);
	CU_ASSERT_EQUAL(ops->set_vring_base(&vm_dst_vh, 99, 0), -EINVAL);
	CU_ASSERT_EQUAL(ops->get_vring_base(&vm_dst_vh, 99), -EINVAL);
	CU_ASSERT_EQUAL(ops->set_vring_enable(&vm_dst_vh, 99, true), -EINVAL);
	CU_ASSERT_EQUAL(ops->set_vring_kick(&vm_dst_vh, 1), -ENXIO);
	CU_ASSERT_EQUAL(ops->set_vring_base(&vm_dst_vh, 1, 5), 0);
	CU_ASSERT_EQUAL(ops->get_vring_base(&vm_dst_vh, 1), 5);
	CU_ASSERT_EQUAL(ops->set_vring_call(&vm_dst_vh, &dh_vdev), 0);
}

VT_SUITE_EACH(device_vfs_migrate_vhost, vm_setup, vm_teardown,
	      VT_CASE(test_refusals), VT_CASE(test_check_before_after),
	      VT_CASE(test_ring_messages));
