// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_migration_flow.c - the front end's migration flow against fake
 * back ends (sim/ knows no device): every step's failure, the source's
 * resumption, the transport switch and its refusals.
 */
#include <errno.h>
#include <string.h>

#include "sim/kernel/gmem.h"
#include "sim/vmm/migration.h"
#include "sim/kernel/slab.h"
#include "sim/kernel/task.h"
#include "tests/sim/sim_test_util.h"
#include "tests/harness.h"

#define NQ 2
static const char state[] = "fake back-end state";

/* A fake back end: transport hooks and vhost-user messages. */
struct fake {
	struct virtio_device_backend be;
	u64 offered;
	int pf_err, call_err, kick_err, base_err, features_err;
	int get_base_fail; /* ring index + 1 whose GET_VRING_BASE fails */
	bool bad_reply;	   /* "use my channel" without one */
	u16 base[NQ];
	bool started[NQ], enabled[NQ];
	unsigned int readies, kicks;
	u8 status;
	struct virtio_device *call;
	struct pipe *ch;
	u32 dir;
	bool xfer, done;
	int result;
	char got[64];
	size_t got_len;
};

static struct fake src, dst;
static struct virtio_device vdev;
static struct virtqueue *vqs[NQ];
static struct migration m;

static int f_get_config(void *d, unsigned int off, void *buf, unsigned int n)
{
	(void)d;
	(void)off;
	memset(buf, 0, n);
	return 0;
}

static int f_set_features(void *d, u64 features)
{
	(void)features;
	return ((struct fake *)d)->features_err;
}

static void f_queue_ready(void *d, unsigned int idx, gpa_t desc, gpa_t avail,
			  gpa_t used, u16 num, u64 features)
{
	(void)idx;
	(void)desc;
	(void)avail;
	(void)used;
	(void)num;
	(void)features;
	((struct fake *)d)->readies++;
}

static bool f_kick(void *d, unsigned int idx)
{
	(void)idx;
	((struct fake *)d)->kicks++;
	return true;
}

static void f_reset(void *d)
{
	(void)d;
}

static void f_set_status(void *d, u8 status)
{
	((struct fake *)d)->status = status;
}

static const struct virtio_device_backend fake_be = {
	.features = 1ULL << VIRTIO_F_VERSION_1,
	.num_queues = NQ,
	.queue_size = 8,
	.get_config = f_get_config,
	.set_features = f_set_features,
	.queue_ready = f_queue_ready,
	.kick = f_kick,
	.reset = f_reset,
	.set_status = f_set_status,
};

static u64 v_get_pf(void *d)
{
	return ((struct fake *)d)->offered;
}

static int v_set_pf(void *d, u64 f)
{
	(void)f;
	return ((struct fake *)d)->pf_err;
}

static int v_call(void *d, struct virtio_device *v)
{
	struct fake *f = d;

	f->call = v;
	return f->call_err;
}

static int v_enable(void *d, unsigned int i, bool on)
{
	((struct fake *)d)->enabled[i] = on;
	return 0;
}

static int v_kick(void *d, unsigned int i)
{
	struct fake *f = d;

	if (f->kick_err)
		return f->kick_err;
	f->started[i] = true;
	return 0;
}

static int v_get_base(void *d, unsigned int i)
{
	struct fake *f = d;

	if (f->get_base_fail == (int)i + 1)
		return -EDEADLK;
	f->started[i] = false;
	return f->base[i];
}

static int v_set_base(void *d, unsigned int i, u16 base)
{
	struct fake *f = d;

	if (f->base_err)
		return f->base_err;
	f->base[i] = base;
	return 0;
}

static int xfer_task(void *arg)
{
	struct fake *f = arg;
	ssize_t n;

	if (f->dir == VHOST_TRANSFER_STATE_DIRECTION_SAVE) {
		n = pipe_write(f->ch, state, sizeof(state));
		pipe_close_write(f->ch);
	} else {
		while ((n = pipe_read(f->ch, f->got + f->got_len,
				      sizeof(f->got) - f->got_len)) > 0)
			f->got_len += (size_t)n;
		pipe_close_read(f->ch);
	}
	f->result = n < 0 ? (int)n : 0;
	f->done = true;
	return 0;
}

static u64 v_set_fd(void *d, u32 dir, u32 phase, struct pipe *ch,
		    struct pipe **theirs)
{
	struct fake *f = d;

	CU_ASSERT_EQUAL(phase, VHOST_TRANSFER_STATE_PHASE_STOPPED);
	*theirs = NULL;
	if (f->bad_reply)
		return 0;
	f->ch = ch;
	f->dir = dir;
	f->xfer = true;
	task_spawn(xfer_task, f, "backend", TASK_DEVICE, 0);
	return VHOST_USER_DEVICE_STATE_NO_FD;
}

static int v_check(void *d)
{
	struct fake *f = d;

	while (current && !f->done)
		sched_yield();
	return f->done ? f->result : -EINPROGRESS;
}

static const struct virtio_device_backend *v_transport(void *d)
{
	return &((struct fake *)d)->be;
}

static void *v_transport_dev(void *d)
{
	return d;
}

static const struct vhost_user_backend_ops fake_ops = {
	.get_protocol_features = v_get_pf,
	.set_protocol_features = v_set_pf,
	.set_vring_call = v_call,
	.set_vring_enable = v_enable,
	.set_vring_kick = v_kick,
	.get_vring_base = v_get_base,
	.set_vring_base = v_set_base,
	.set_device_state_fd = v_set_fd,
	.check_device_state = v_check,
	.transport = v_transport,
	.transport_dev = v_transport_dev,
};

static void cb(struct virtqueue *vq)
{
	(void)vq;
}

static int probe(struct virtio_device *v)
{
	static void (*const cbs[NQ])(struct virtqueue *) = { cb, cb };
	static const char *const names[NQ] = { "hiprio", "requests.0" };

	return virtio_find_vqs(v, NQ, vqs, cbs, names);
}

static void drv_remove(struct virtio_device *v)
{
	virtio_reset_device(v);
	v->config->del_vqs(v);
}

static struct virtio_driver drv = { .name = "fake",
				    .probe = probe,
				    .remove = drv_remove };

static void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->be = fake_be;
	f->offered = 1ULL << VHOST_USER_PROTOCOL_F_DEVICE_STATE;
}

static void setup(void)
{
	kmem_exit();
	gmem_exit();
	CU_ASSERT_EQUAL_FATAL(gmem_init(1u << 20), 0);
	sim_test_setup();
	fake_init(&src);
	fake_init(&dst);
	src.base[0] = 3;
	src.base[1] = 7;
	CU_ASSERT_EQUAL_FATAL(virtio_device_init(&vdev, 26, &src.be, &src), 0);
	CU_ASSERT_EQUAL_FATAL(virtio_driver_probe(&vdev, &drv), 0);
	src.started[0] = src.started[1] = true;
	migration_init(&m, &vdev, (struct mig_backend){ &fake_ops, &src },
		       (struct mig_backend){ &fake_ops, &dst }, NQ);
}

static void teardown(void)
{
	migration_destroy(&m);
	virtio_device_unplug(&vdev);
	sim_test_teardown();
	kmem_exit();
	gmem_exit();
}

static int run(void)
{
	task_spawn(migration_task, &m, "qemu", TASK_FRONTEND, 1);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	return m.err;
}

static void test_flow_ok(void)
{
	unsigned int k;

	CU_ASSERT_EQUAL(run(), 0);
	CU_ASSERT_EQUAL(m.done, MIG_STEP_DONE);
	CU_ASSERT_EQUAL(dst.got_len, sizeof(state));
	CU_ASSERT_STRING_EQUAL(dst.got, state);
	CU_ASSERT_EQUAL(dst.base[0], 3);
	CU_ASSERT_EQUAL(dst.base[1], 7);
	CU_ASSERT(dst.started[0] && dst.started[1] && dst.enabled[1]);
	CU_ASSERT_FALSE(src.started[0] || src.started[1]);
	CU_ASSERT_PTR_EQUAL(dst.call, &vdev);
	CU_ASSERT_EQUAL(dst.readies, NQ);
	CU_ASSERT_EQUAL(dst.status, vdev.status);
	/* Kicks now reach the destination only. */
	k = src.kicks;
	CU_ASSERT(virtio_transport_kick(&vdev, 1));
	CU_ASSERT_EQUAL(dst.kicks, 1);
	CU_ASSERT_EQUAL(src.kicks, k);
	CU_ASSERT_EQUAL(migration_run(&m), -EALREADY);
	/* Every step traced, in order. */
	CU_ASSERT(trace_find("mig.negotiate", 0) <
		  trace_find("mig.suspend", 0));
	CU_ASSERT(trace_find("mig.save", 0) < trace_find("mig.load", 0));
	CU_ASSERT(trace_find("mig.switch", 0) < trace_find("mig.start", 0));
	CU_ASSERT(trace_find("mig.done", 0) > 0);
}

static void test_bad_inputs(void)
{
	CU_ASSERT_STRING_EQUAL(mig_step_name(MIG_STEP_SAVE), "save");
	CU_ASSERT_STRING_EQUAL(mig_step_name((enum mig_step)99), "?");
	m.nqueues = 0;
	CU_ASSERT_EQUAL(migration_run(&m), -EINVAL);
	m.nqueues = NQ + 1;
	CU_ASSERT_EQUAL(migration_run(&m), -EINVAL);
	m.nqueues = MIG_MAX_QUEUES + 1;
	CU_ASSERT_EQUAL(migration_run(&m), -EINVAL);
	m.nqueues = NQ;
	m.vdev = NULL;
	CU_ASSERT_EQUAL(migration_run(&m), -EINVAL);
	CU_ASSERT_EQUAL(m.done, MIG_STEP_NONE);
}

/* The flow failed in @step with @err and the source runs again. */
static void assert_resumed(enum mig_step step, int err)
{
	CU_ASSERT_EQUAL(run(), err);
	CU_ASSERT_EQUAL(m.failed, step);
	CU_ASSERT(m.source_resumed);
	CU_ASSERT(src.started[0] && src.started[1]);
	CU_ASSERT_EQUAL(src.base[0], 3);
	CU_ASSERT_EQUAL(src.base[1], 7);
	CU_ASSERT_PTR_EQUAL(vdev.backend_dev, &src);
	CU_ASSERT_EQUAL(migration_run(&m), -EALREADY);
}

static void test_negotiate_fails(void)
{
	src.pf_err = -EPROTO;
	CU_ASSERT_EQUAL(run(), -EPROTO);
	CU_ASSERT_EQUAL(m.failed, MIG_STEP_NEGOTIATE);
	CU_ASSERT_FALSE(m.source_resumed);
}

static void test_suspend_fails(void)
{
	src.get_base_fail = 2;
	assert_resumed(MIG_STEP_SUSPEND, -EDEADLK);
	CU_ASSERT_EQUAL(m.nbases, 1);
}

static void test_save_bad_reply(void)
{
	src.bad_reply = true;
	assert_resumed(MIG_STEP_SAVE, -EPROTO);
}

static void test_save_pipe_refused(void)
{
	m.pipe_capacity = PIPE_MAX_CAPACITY + 1;
	assert_resumed(MIG_STEP_SAVE, -EINVAL);
}

static int load_pipe_big(void *arg, struct mig_stream *s)
{
	(void)s;
	((struct migration *)arg)->pipe_capacity = PIPE_MAX_CAPACITY + 1;
	return 0;
}

static void test_load_pipe_refused(void)
{
	m.wire = load_pipe_big;
	m.hook_arg = &m;
	assert_resumed(MIG_STEP_LOAD, -EINVAL);
}

static void test_set_base_fails(void)
{
	dst.base_err = -EBUSY;
	assert_resumed(MIG_STEP_SET_BASE, -EBUSY);
}

static void test_switch_call_fails(void)
{
	dst.call_err = -EIO;
	assert_resumed(MIG_STEP_SWITCH, -EIO);
	CU_ASSERT_EQUAL(dst.readies, 0);
}

static void test_switch_refused(void)
{
	dst.be.queue_size = 16;
	assert_resumed(MIG_STEP_SWITCH, -EINVAL);
}

static void test_switch_bad_features(void)
{
	dst.features_err = -EINVAL; /* the transport's set_features */
	assert_resumed(MIG_STEP_SWITCH, -ENODEV);
	CU_ASSERT_EQUAL(dst.readies, 0);
}

static void test_switch_direct(void)
{
	struct virtio_device_backend bad = fake_be;

	bad.kick = NULL;
	CU_ASSERT_EQUAL(virtio_transport_switch_backend(&vdev, &bad, &dst),
			-EINVAL);
	bad = fake_be;
	bad.num_queues = 1;
	CU_ASSERT_EQUAL(virtio_transport_switch_backend(&vdev, &bad, &dst),
			-EINVAL);
	bad = fake_be;
	bad.set_features = NULL;
	bad.set_status = NULL;
	CU_ASSERT_EQUAL(virtio_transport_switch_backend(&vdev, &bad, &dst), 0);
	CU_ASSERT_EQUAL(dst.readies, NQ);
	CU_ASSERT_PTR_EQUAL(vdev.backend, &bad);
	CU_ASSERT(trace_find("virtio.switch_backend", 0) >= 0);
	CU_ASSERT_EQUAL(virtio_transport_switch_backend(&vdev, &src.be, &src),
			0);
}

/* Once switched, a start failure is reported, not rolled back. */
static void test_start_fails(void)
{
	dst.kick_err = -ENXIO;
	CU_ASSERT_EQUAL(run(), -ENXIO);
	CU_ASSERT_EQUAL(m.failed, MIG_STEP_START);
	CU_ASSERT_FALSE(m.source_resumed);
	CU_ASSERT_PTR_EQUAL(vdev.backend_dev, &dst);
}

static int wire_fail(void *arg, struct mig_stream *s)
{
	(void)arg;
	(void)s;
	return -ECONNRESET;
}

/* The source cannot be resumed either: reported as such. */
static void test_resume_fails(void)
{
	m.wire = wire_fail;
	src.base_err = -EIO;
	CU_ASSERT_EQUAL(run(), -ECONNRESET);
	CU_ASSERT_EQUAL(m.failed, MIG_STEP_WIRE);
	CU_ASSERT_FALSE(m.source_resumed);
	CU_ASSERT(trace_find("source: -5", 0) >= 0);
}

static void test_resume_kick_fails(void)
{
	m.wire = wire_fail;
	src.kick_err = -EIO;
	CU_ASSERT_EQUAL(run(), -ECONNRESET);
	CU_ASSERT_FALSE(m.source_resumed);
}

/* Step by step: stop after each and go on. */
static void test_stepping(void)
{
	for (enum mig_step s = MIG_STEP_NEGOTIATE; s <= MIG_STEP_DONE; s++) {
		m.stop_after = s;
		CU_ASSERT_EQUAL(run(), 0);
		CU_ASSERT_EQUAL(m.done, s);
	}
	CU_ASSERT_EQUAL(dst.got_len, sizeof(state));
}

VT_SUITE_EACH(sim_migration_flow, setup, teardown, VT_CASE(test_flow_ok),
	      VT_CASE(test_bad_inputs), VT_CASE(test_negotiate_fails),
	      VT_CASE(test_suspend_fails), VT_CASE(test_save_bad_reply),
	      VT_CASE(test_save_pipe_refused), VT_CASE(test_load_pipe_refused),
	      VT_CASE(test_set_base_fails), VT_CASE(test_switch_call_fails),
	      VT_CASE(test_switch_refused), VT_CASE(test_switch_bad_features),
	      VT_CASE(test_switch_direct), VT_CASE(test_start_fails),
	      VT_CASE(test_resume_fails), VT_CASE(test_resume_kick_fails),
	      VT_CASE(test_stepping));
