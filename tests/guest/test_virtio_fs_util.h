/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_virtio_fs_util.h - a fresh machine, a scripted device and the
 * virtio-fs driver for each guest_virtio_fs test, plus small "syscalls"
 * (GETATTR, LOOKUP, FORGET, background GETATTR, mount, umount) run as tasks.
 */
#ifndef VFSIM_TESTS_GUEST_TEST_VIRTIO_FS_UTIL_H
#define VFSIM_TESTS_GUEST_TEST_VIRTIO_FS_UTIL_H

#include "tests/guest/scripted_dev.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "guest/virtio_fs.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

/* One operation run by a task. */
struct vop {
	struct fuse_mount *fm;
	u32 opcode;  /* FUSE_GETATTR, FUSE_LOOKUP, FUSE_FORGET, ... */
	u64 nodeid;  /* target (FORGET: the node) */
	u64 nlookup; /* FORGET */
	bool background;
	char name[32]; /* LOOKUP */
	ssize_t ret;   /* 1 until it returned */
	int end_calls;
	int end_error;
	struct fuse_getattr_in gin;
	struct fuse_attr_out attr;
	struct fuse_entry_out entry;
	struct fuse_args args;
	struct task *task;
};

static struct sdev vt_dev;
static struct sdev_config vt_cfg;
static struct super_block *vt_sb;
/* leaks the test expects kmem_exit() to report (probe-error-leak) */
static size_t vt_expect_leaks;
/* the test leaves the driver stuck (the kernel hangs there): teardown
 * forgets what the stuck tasks held instead of checking it */
static bool vt_expect_stuck;

/* Steps a test may take before the run counts as a livelock. */
#define VT_MAX_STEPS 400000

static inline void vt_setup(void)
{
	struct sched_opts o = { .max_steps = VT_MAX_STEPS };

	kmem_exit();
	gmem_exit();
	CU_ASSERT_EQUAL_FATAL(gmem_init(16 << 20), 0);
	sim_test_setup();
	sched_exit();
	CU_ASSERT_EQUAL_FATAL(sched_init(&o), 0);
	virtio_fs_variant_reset();
	sdev_config_init(&vt_cfg);
	memset(&vt_dev, 0, sizeof(vt_dev));
	vt_sb = NULL;
	vt_expect_leaks = 0;
	vt_expect_stuck = false;
}

static u64 vt_deadline;

static inline bool vt_past_deadline(void *arg)
{
	(void)arg;
	return sched_now() >= vt_deadline;
}

/*
 * Run the machine until nothing is left to do, or for one virtual second
 * at most: with a request timeout armed, its periodic check keeps a timer
 * pending for as long as the connection lives, so "nothing left" never
 * comes.
 */
static inline enum sched_status vt_run(void)
{
	vt_deadline = sched_now() + NSEC_PER_SEC;
	return sched_run_until(vt_past_deadline, NULL);
}

static bool (*vt_pred)(void *arg);

static inline bool vt_pred_or_deadline(void *arg)
{
	return vt_pred(arg) || vt_past_deadline(arg);
}

/* Run for @ns of virtual time at most (until nothing is left to do). */
static inline enum sched_status vt_run_for(u64 ns)
{
	vt_deadline = sched_now() + ns;
	return sched_run_until(vt_past_deadline, NULL);
}

/* Run until @pred(@arg) holds, or for one virtual second at most. */
static inline enum sched_status vt_run_until(bool (*pred)(void *arg), void *arg)
{
	vt_pred = pred;
	vt_deadline = sched_now() + NSEC_PER_SEC;
	return sched_run_until(vt_pred_or_deadline, arg);
}

/* Run until @pred(@arg) holds, or for @ns of virtual time at most. */
static inline enum sched_status vt_run_until_for(bool (*pred)(void *arg),
						 void *arg, u64 ns)
{
	vt_pred = pred;
	vt_deadline = sched_now() + ns;
	return sched_run_until(vt_pred_or_deadline, arg);
}

/* Unplug (if still plugged) and destroy the device; everything the
 * driver allocated must be gone by then. */
static inline void vt_teardown(void)
{
	if (getenv("VT_DEBUG"))
		check_print(stderr);
	if (getenv("VT_TRACE"))
		trace_write_text(stderr);
	if (vt_dev.task) {
		if (vt_dev.vdev.driver && !vt_dev.unplugged) {
			sdev_unplug(&vt_dev);
			vt_run();
		}
		sdev_destroy(&vt_dev);
	}
	if (!vt_expect_stuck)
		CU_ASSERT_EQUAL(virtio_fs_nr_instances(), 0);
	memset(&vt_dev, 0, sizeof(vt_dev));
	virtio_fs_variant_reset();
	sched_exit();
	/* a stuck driver leaves its instance, mount or mutex behind */
	if (virtio_fs_module_reset())
		CU_ASSERT(vt_expect_stuck);
	if (vt_expect_stuck)
		kmem_exit();
	else
		CU_ASSERT_EQUAL(kmem_exit(), vt_expect_leaks);
	sim_test_teardown();
	gmem_exit();
}

/* Create the scripted device from vt_cfg and bind the driver. */
static inline int vt_probe(void)
{
	int ret = sdev_create(&vt_dev, &vt_cfg);

	CU_ASSERT_EQUAL_FATAL(ret, 0);
	return virtio_driver_probe(&vt_dev.vdev, &virtio_fs_driver);
}

static inline struct virtio_fs *vt_fs(void)
{
	return vt_dev.vdev.priv;
}

static inline struct fuse_mount *vt_fm(void)
{
	return get_fuse_mount_super(vt_sb);
}

static inline struct fuse_conn *vt_fc_of(struct super_block *sb)
{
	return get_fuse_mount_super(sb)->fc;
}

static inline struct fuse_conn *vt_fc(void)
{
	return vt_fm()->fc;
}

struct vt_mount_arg {
	const char *tag;
	struct super_block *sb;
	int ret;
};

static inline int vt_mount_fn(void *arg)
{
	struct vt_mount_arg *m = arg;

	m->ret = virtio_fs_get_tree(m->tag, &m->sb);
	return 0;
}

static inline int vt_umount_fn(void *arg)
{
	virtio_fs_deactivate_super(arg);
	return 0;
}

/* Mount @tag in a task and run until quiet. */
static inline int vt_mount_tag(const char *tag, struct super_block **sbp)
{
	struct vt_mount_arg m = { .tag = tag, .ret = 1 };

	task_spawn(vt_mount_fn, &m, "mount", TASK_SYSCALL, 0);
	vt_run();
	*sbp = m.sb;
	return m.ret;
}

static inline int vt_mount(void)
{
	return vt_mount_tag("vfsim", &vt_sb);
}

static inline void vt_umount(void)
{
	task_spawn(vt_umount_fn, vt_sb, "umount", TASK_SYSCALL, 0);
	vt_run();
	vt_sb = NULL;
}

static inline void vop_end(struct fuse_mount *fm, struct fuse_args *args,
			   int error)
{
	struct vop *op = container_of(args, struct vop, args);

	(void)fm;
	op->end_calls++;
	op->end_error = error;
}

/* A GETATTR's arguments in @op->args: the getattr_in in, the attributes
 * out. */
static inline void vop_getattr_args(struct vop *op)
{
	struct fuse_args *a = &op->args;

	a->in_numargs = 1;
	a->in_args[0].size = sizeof(op->gin);
	a->in_args[0].value = &op->gin;
	a->out_numargs = 1;
	a->out_args[0].size = sizeof(op->attr);
	a->out_args[0].value = &op->attr;
}

static inline int vop_fn(void *arg)
{
	struct vop *op = arg;
	struct fuse_args *a = &op->args;

	memset(a, 0, sizeof(*a));
	a->opcode = op->opcode;
	a->nodeid = op->nodeid ? op->nodeid : FUSE_ROOT_ID;
	switch (op->opcode) {
	case FUSE_FORGET:
		fuse_queue_forget(op->fm->fc, fuse_alloc_forget(), op->nodeid,
				  op->nlookup ? op->nlookup : 1);
		op->ret = 0;
		return 0;
	case FUSE_LOOKUP:
		a->in_numargs = 1;
		a->in_args[0].size = (unsigned int)strlen(op->name) + 1;
		a->in_args[0].value = op->name;
		a->out_numargs = 1;
		a->out_args[0].size = sizeof(op->entry);
		a->out_args[0].value = &op->entry;
		break;
	default:
		vop_getattr_args(op);
		break;
	}
	if (op->background) {
		a->end = vop_end;
		op->ret = fuse_simple_background(op->fm, a, GFP_KERNEL);
	} else {
		op->ret = fuse_simple_request(op->fm, a);
	}
	return 0;
}

/* Start an operation in a syscall task on @cpu (it runs at the next
 * scheduler step). */
static inline void vop_start_cpu(struct vop *op, u32 opcode, u64 nodeid,
				 bool background, int cpu)
{
	struct fuse_mount *fm = vt_fm();

	memset(op, 0, sizeof(*op));
	op->fm = fm;
	op->opcode = opcode;
	op->nodeid = nodeid;
	op->background = background;
	op->ret = 1;
	op->task = task_spawn(vop_fn, op, background ? "bg-op" : "op",
			      TASK_SYSCALL, cpu);
}

static inline void vop_start(struct vop *op, u32 opcode, u64 nodeid,
			     bool background)
{
	vop_start_cpu(op, opcode, nodeid, background, 0);
}

/* Run one operation to the end (machine quiet) and return its result. */
static inline ssize_t vop_run(struct vop *op, u32 opcode, u64 nodeid)
{
	vop_start(op, opcode, nodeid, false);
	vt_run();
	return op->ret;
}

/* LOOKUP @name under the root; returns the nodeid or a negative errno. */
static inline s64 vt_lookup(const char *name)
{
	struct vop op;

	memset(&op, 0, sizeof(op));
	vop_start(&op, FUSE_LOOKUP, FUSE_ROOT_ID, false);
	snprintf(op.name, sizeof(op.name), "%s", name);
	vt_run();
	return op.ret < 0 ? op.ret : (s64)op.entry.nodeid;
}

/* FORGETs of nodeids first, first + 1, ... (one lookup each), sent
 * from a task: vt_forget_many_fn() with a struct vt_forgets. */
struct vt_forgets {
	unsigned int n;
	u64 first;
};

static inline int vt_forget_many_fn(void *arg)
{
	struct vt_forgets *f = arg;

	for (unsigned int i = 0; i < f->n; i++)
		fuse_queue_forget(vt_fc(), fuse_alloc_forget(), f->first + i,
				  1);
	return 0;
}

/* Send @n FORGETs (nodeids @first, @first + 1, ...) from a task, and
 * run until that task is done. */
static inline void vt_forget_many(unsigned int n, u64 first)
{
	struct vt_forgets f = { .n = n, .first = first };

	task_join(task_spawn(vt_forget_many_fn, &f, "forget", TASK_SYSCALL, 0),
		  NULL);
}

/* Number of trace events whose text contains @needle. */
static inline unsigned int vt_trace_count(const char *needle)
{
	unsigned int n = 0;
	long i = -1;

	while ((i = trace_find(needle, (size_t)(i + 1))) >= 0)
		n++;
	return n;
}

#endif /* VFSIM_TESTS_GUEST_TEST_VIRTIO_FS_UTIL_H */
