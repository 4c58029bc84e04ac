// SPDX-License-Identifier: GPL-2.0-only
/*
 * machine.c - the simulated machine of one scenario run: built from the
 * scenario's configuration, taken down with a leak count.
 *
 * Set-up order matters for determinism and for what faults can hit: the
 * scheduler and its policy come first (the device's workers are the first
 * tasks, so replay choices count from there), then the device and its
 * initial file tree, then the fault plan, then the driver's probe, so a
 * `fault kmalloc:...` rule can fail the probe (probe-error-leak) but never
 * the machine's own construction.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/fuse_server.h"
#include "guest/vfsim_syscalls.h"
#include "guest/virtio_fs.h"
#include "guest/vfsim_variant.h"
#include "sim/kernel/check.h"
#include "sim/cli/machine.h"
#include "sim/cli/machine_internal.h"
#include "sim/cli/req_ledger.h"
#include "sim/kernel/fault.h"
#include "sim/kernel/gmem.h"
#include "sim/kernel/sched.h"
#include "sim/kernel/slab.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

static int make_device(struct vfsim_machine *m, struct vfs_dev **out, char *err,
		       size_t errsize)
{
	const struct scenario *s = m->scn;
	struct vfs_dev_config cfg;
	int ret;

	vfsim_machine_device_config(s, &cfg);
	ret = vfsim_machine_device_check(s, err, errsize);
	if (ret)
		return ret;
	ret = vfs_dev_create(&cfg, out);
	if (ret) {
		scn_fail_at(err, errsize, &s->machine.pos,
			    "the device refused this machine: %s",
			    strerror(-ret));
		return ret;
	}
	vfsim_machine_device_behaviour(*out, s);
	return 0;
}

/* Guest memory for every ring and the driver's buffers, with room. */
static u64 gmem_size(const struct scenario *s)
{
	u64 ring = (u64)s->machine.queue_size * 24 + 8192;

	return (32ull << 20) + ring * (s->machine.queues + 1) * 2;
}

static int sim_start(const struct scenario *s, const char *policy, char *err,
		     size_t errsize)
{
	struct sched_opts opts = { .nr_cpus = s->machine.cpus,
				   .max_steps = VFSIM_MAX_STEPS,
				   .max_time_ns = VFSIM_MAX_TIME_NS };
	const char *spec = policy ? policy : s->policy.spec;
	int ret;

	trace_reset(true);
	trace_set_keep(true);
	check_clear();
	check_invariant_clear();
	fault_reset();
	ret = sched_init(&opts);
	if (ret) {
		scn_fail_at(err, errsize, NULL,
			    "cannot start the scheduler: %s", strerror(-ret));
		return ret;
	}
	if (spec && sched_set_policy(spec)) {
		scn_fail_at(err, errsize, policy ? NULL : &s->policy.pos, "%s",
			    sched_policy_error());
		return -EINVAL;
	}
	return 0;
}

/* With a real back end the clock is the wall clock: a teardown whose
 * tasks wait for ever while a timer keeps coming back (the FUSE request
 * timeout's check re-arms while the connection lives) would take
 * VFSIM_TEARDOWN_STEPS of those in real time. Its phases end in wall
 * time too. */
static bool settle_on_wall_clock;

struct settle_budget {
	u64 steps; /* the step count to stop at */
	u64 wall;  /* the wall time to stop at, or 0 */
};

bool machine_wants_migration(const struct scenario *s)
{
	if (s->migration.prepare)
		return true;
	for (size_t i = 0; i < s->nr_triggers; i++)
		for (size_t j = 0; j < s->triggers[i].nr_actions; j++)
			if (s->triggers[i].actions[j].kind == SCN_ACT_MIGRATE)
				return true;
	return false;
}

static int sync_storage(void *arg)
{
	struct vfsim_machine *m = arg;

	/* One shared host directory: the destination sees the same tree. */
	return fuse_state_copy_tree(vfs_dev_server(m->dst),
				    vfs_dev_server(m->src));
}

/* The destination of `migrate`, built up front so that its workers exist
 * from the start (a deterministic trace) and nothing is created mid-run. */
static int prepare_migration(struct vfsim_machine *m, char *err, size_t errsize)
{
	int ret = make_device(m, &m->dst, err, errsize);

	if (ret)
		return ret;
	vfs_dev_vhost_init(&m->src_vh, m->src);
	vfs_dev_vhost_init(&m->dst_vh, m->dst);
	if (m->scn->migration.policy == SCN_MIGRATION_GUEST_ERROR)
		m->dst_vh.policy = FUSE_STATE_GUEST_ERROR;
	migration_init(&m->mig, &m->vdev,
		       (struct mig_backend){ vfs_dev_vhost_ops(), &m->src_vh },
		       (struct mig_backend){ vfs_dev_vhost_ops(), &m->dst_vh },
		       vfs_dev_num_queues(m->src));
	m->mig.sync = sync_storage;
	m->mig.hook_arg = m;
	m->mig_live = true;
	return 0;
}

/* A real back end: the scenario may ask nothing of the in-process
 * device; the clock follows the wall clock and the machine waits on the
 * back end whenever no task can run. */
static int ext_start(struct vfsim_machine *m,
		     const struct vfsim_backend_spec *spec, char *err,
		     size_t errsize)
{
	const struct scenario *s = m->scn;
	struct vfsim_backend *b;
	int ret = vfsim_backend_check(s, spec, err, errsize);

	if (!ret && s->migration.policy == SCN_MIGRATION_GUEST_ERROR)
		ret = scn_fail_at(err, errsize, &s->migration.pos,
				  "guest-error is the in-process destination's "
				  "policy; an external back end has its own");
	if (ret)
		return ret;
	b = m->ext = host_calloc(1, sizeof(*m->ext));
	b->spec = *spec;
	sched_set_outside(vhost_user_frontend_wait, NULL);
	ret = vfsim_backend_connect(b, 0, s, err, errsize);
	if (!ret && machine_wants_migration(s) &&
	    spec->kind == VFSIM_BACKEND_UNIX)
		ret = scn_fail_at(err, errsize, NULL,
				  "migrate needs a second back end: "
				  "spawn:vfsim or spawn:virtiofsd start one, "
				  "unix:PATH cannot");
	else if (!ret && machine_wants_migration(s))
		ret = vfsim_backend_connect(b, 1, s, err, errsize);
	if (!ret && b->connected[1]) {
		migration_init(&m->mig, &m->vdev,
			       (struct mig_backend){ vhost_user_frontend_ops(),
						     &b->fe[0] },
			       (struct mig_backend){ vhost_user_frontend_ops(),
						     &b->fe[1] },
			       b->fe[0].nr_rings);
		m->mig_live = true;
	}
	return ret;
}

static int backend_spec(const struct scenario *s, const char *backend,
			struct vfsim_backend_spec *spec, char *err,
			size_t errsize)
{
	char msg[256];

	if (!backend && !s->device.backend) {
		spec->kind = VFSIM_BACKEND_SIM;
		return 0;
	}
	if (!vfsim_backend_parse(backend ? backend : s->device.backend, spec,
				 msg, sizeof(msg)))
		return 0;
	scn_fail_at(err, errsize, backend ? NULL : &s->device.pos, "%s", msg);
	return -EINVAL;
}

int vfsim_machine_create(struct vfsim_machine *m, const struct scenario *s,
			 const char *policy, const char *variant, char *err,
			 size_t errsize)
{
	return vfsim_machine_create_on(m, s, policy, variant, NULL, err,
				       errsize);
}

static int join(struct vfsim_machine *m)
{
	struct vfsim_backend *b = m->ext;
	int ret;

	if (!b)
		return vfs_dev_join(m->src, &m->vdev);
	ret = vhost_user_frontend_join(&b->fe[0], &m->vdev);
	return ret ?: virtio_irq_line_init(&m->irq, &m->vdev);
}

int vfsim_machine_create_on(struct vfsim_machine *m, const struct scenario *s,
			    const char *policy, const char *variant,
			    const char *backend, char *err, size_t errsize)
{
	struct vfsim_backend_spec spec;
	bool ext;
	int ret;

	memset(m, 0, sizeof(*m));
	m->scn = s;
	if (errsize)
		err[0] = '\0';
	ret = backend_spec(s, backend, &spec, err, errsize);
	if (ret)
		return ret;
	ext = spec.kind != VFSIM_BACKEND_SIM;
	/* The image of this machine, when machine reuse kept one, instead
	 * of building it (machine_image.c). */
	if (!ext && machine_image_restore(m, s, policy, variant)) {
		settle_on_wall_clock = false;
		return 0;
	}
	kmem_exit();
	gmem_exit();
	ret = ext ? gmem_init_shared(gmem_size(s)) : gmem_init(gmem_size(s));
	if (ret) {
		scn_fail_at(err, errsize, NULL,
			    "cannot set up guest memory: %s", strerror(-ret));
		return ret;
	}
	m->reqs = machine_kept_ledger() ?: req_ledger_new();
	machine_image_record(s, ext);
	ret = sim_start(s, policy, err, errsize) ?:
		      machine_driver_settings(s, variant, err, errsize);
	if (!ret)
		machine_trace_header(s, variant);
	if (!ret && ext)
		ret = ext_start(m, &spec, err, errsize);
	else if (!ret)
		ret = make_device(m, &m->src, err, errsize) ?:
			      /* a refused `fs` block, whatever the errno */
			      (vfsim_machine_populate(m->src, s, err, errsize) ?
				       -EINVAL :
				       0);
	if (!ret && !ext && machine_wants_migration(s))
		ret = prepare_migration(m, err, errsize);
	for (size_t i = 0; !ret && i < s->nr_faults; i++) {
		if (fault_plan_parse(s->faults[i].rule)) {
			scn_fail_at(err, errsize, &s->faults[i].pos, "%s",
				    fault_error());
			ret = -EINVAL;
		}
	}
	if (!ret)
		ret = req_ledger_register(m->reqs);
	if (!ret && s->machine.devices > 1)
		ret = make_device(m, &m->twin, err, errsize);
	if (!ret)
		ret = join(m);
	if (!ret && m->twin)
		ret = vfs_dev_join(m->twin, &m->twin_vdev);
	/* the virtio core's device numbers: virtio0, virtio1 */
	m->twin_vdev.index = 1;
	if (ret) {
		machine_image_cancel();
		if (errsize && !err[0])
			scn_fail_at(err, errsize, NULL,
				    "cannot build the machine: %s",
				    strerror(-ret));
		m->ready = true;
		vfsim_machine_destroy(m);
		return ret;
	}
	m->cur = m->src;
	m->ready = true;
	/* A probe failure is part of the run (faults, probe-error-leak):
	 * the trace shows it and the guest finds no device to mount. */
	virtio_driver_probe(&m->vdev, &virtio_fs_driver);
	if (m->twin) /* the same tag again: probe-error-leak's path */
		virtio_driver_probe(&m->twin_vdev, &virtio_fs_driver);
	machine_image_take(m, s, variant);
	/* From here on the world's time is the machine's: the back ends'
	 * start-up above is not part of the run. */
	if (m->ext)
		sched_follow_wall_clock();
	settle_on_wall_clock = m->ext != NULL;
	return 0;
}

bool vfsim_machine_work_left(struct vfsim_machine *m)
{
	struct virtio_fs *fs = vfsim_machine_fs(m);

	if (guest_requests_waiting() || (m->cur && vfs_dev_in_progress(m->cur)))
		return true;
	for (unsigned i = 0; fs && i < fs->nvqs; i++) {
		struct virtio_fs_vq *fsvq = &fs->vqs[i];

		if (!fsvq->vq_deleted &&
		    (fsvq->in_flight || !list_empty(&fsvq->queued_reqs)))
			return true;
	}
	return false;
}

bool vfsim_machine_quiet(struct vfsim_machine *m)
{
	if (!sched_tasks_done())
		return false;
	/* A dead or stalled device keeps what it holds for ever. */
	if (m->cur && (vfs_dev_dead(m->cur) || m->paused))
		return true;
	return !vfsim_machine_work_left(m);
}

struct settle {
	struct vfsim_machine *m;
	struct settle_budget budget;
};

static bool settled(void *arg)
{
	struct settle *st = arg;

	return sched_steps() >= st->budget.steps ||
	       (st->budget.wall && sched_wall_ns() >= st->budget.wall) ||
	       vfsim_machine_quiet(st->m);
}

enum sched_status vfsim_settle(struct vfsim_machine *m)
{
	struct settle st = {
		m,
		{ sched_steps() + VFSIM_TEARDOWN_STEPS,
		  settle_on_wall_clock ?
			  sched_wall_ns() + VFSIM_TEARDOWN_WALL_NS :
			  0 },
	};

	return sched_run_until(settled, &st);
}

static int unplug_task(void *arg)
{
	virtio_device_unplug(arg);
	return 0;
}

/* A removal that never finished left its queues to the device. */
static void release_vqs(struct virtio_device *vdev)
{
	if (vdev->vqs && vdev->config)
		vdev->config->del_vqs(vdev);
}

size_t vfsim_machine_destroy(struct vfsim_machine *m)
{
	size_t leaks;

	if (!m->ready)
		return 0;
	if (m->vdev.driver && sched_ready()) {
		task_spawn(unplug_task, &m->vdev, "teardown", TASK_SYSCALL, 0);
		vfsim_settle(m);
	}
	if (m->twin_vdev.driver && sched_ready()) {
		task_spawn(unplug_task, &m->twin_vdev, "teardown", TASK_SYSCALL,
			   0);
		vfsim_settle(m);
	}
	if (m->mig_live)
		migration_destroy(&m->mig);
	if (m->ext) {
		vfsim_backend_close(m->ext);
		host_free(m->ext);
	}
	vfs_dev_free(m->src);
	vfs_dev_free(m->dst);
	vfs_dev_free(m->twin);
	if (m->mig_live && !m->ext) {
		vfs_dev_vhost_exit(&m->dst_vh);
		vfs_dev_vhost_exit(&m->src_vh);
	}
	sched_exit();
	/* A stuck run may have left a mount, an instance or the driver's
	 * mutex behind: the next machine must not see them. Its queues, if
	 * removal never got to them, go too. */
	virtio_fs_module_reset();
	guest_mounts_reset();
	release_vqs(&m->vdev);
	release_vqs(&m->twin_vdev);
	virtio_fs_variant_reset();
	fault_reset();
	check_invariant_clear();
	machine_keep_ledger(m->reqs);
	leaks = kmem_exit();
	vring_free_deleted();
	gmem_exit();
	memset(m, 0, sizeof(*m));
	settle_on_wall_clock = false;
	return leaks;
}

void vfsim_machine_event(struct vfsim_machine *m, const struct trace_event *ev)
{
	req_ledger_event(m->reqs, ev);
}

void vfsim_machine_unmounted(struct vfsim_machine *m, u64 seq)
{
	req_ledger_unmounted(m->reqs, seq);
}

bool vfsim_machine_follows(const char *kind)
{
	return req_ledger_follows(kind);
}

void vfsim_machine_ran(struct vfsim_machine *m, enum sched_status st)
{
	/* A dead or stalled device keeps what it holds for ever: requests
	 * it never answers are its failure, not a driver's lost request. */
	if (vfsim_machine_dead(m) || m->paused)
		return;
	if (st == SCHED_DONE || st == SCHED_DEADLOCK)
		req_ledger_settled(m->reqs);
}

void vfsim_machine_pause(struct vfsim_machine *m, bool on)
{
	m->paused = on;
	if (m->ext)
		vhost_user_frontend_pause(vfsim_backend_cur(m->ext), on);
	else if (m->cur)
		vfs_dev_pause(m->cur, on);
}

void vfsim_machine_kill(struct vfsim_machine *m)
{
	if (m->ext)
		vhost_user_frontend_kill(vfsim_backend_cur(m->ext));
	else if (m->cur)
		vfs_dev_kill(m->cur);
}

bool vfsim_machine_dead(struct vfsim_machine *m)
{
	if (m->ext)
		return vhost_user_frontend_dead(vfsim_backend_cur(m->ext));
	return m->cur && vfs_dev_dead(m->cur);
}

int vfsim_machine_freeze(struct vfsim_machine *m)
{
	int ret = virtio_device_freeze(&m->vdev);

	m->frozen = ret == 0;
	return ret;
}

int vfsim_machine_restore(struct vfsim_machine *m)
{
	if (!m->frozen)
		return -EINVAL;
	m->frozen = false;
	return virtio_device_restore(&m->vdev);
}

struct virtio_fs *vfsim_machine_fs(struct vfsim_machine *m)
{
	return m->vdev.driver ? m->vdev.priv : NULL;
}

struct virtio_fs_vq *vfsim_machine_vq(struct vfsim_machine *m,
				      const char *queue, unsigned index)
{
	struct virtio_fs *fs = vfsim_machine_fs(m);
	unsigned i = strcmp(queue, "hiprio") ? index + 1 : 0;

	if (!fs || i >= fs->nvqs || fs->vqs[i].vq_deleted)
		return NULL;
	return &fs->vqs[i];
}

const struct vringh *vfsim_machine_vringh(struct vfsim_machine *m,
					  const char *queue, unsigned index)
{
	unsigned i = strcmp(queue, "hiprio") ? index + 1 : 0;

	return m->cur ? vfs_dev_vringh(m->cur, i) : NULL;
}

void vfsim_machine_vq_state(struct virtio_fs_vq *fsvq,
			    struct vfsim_vq_state *st)
{
	struct virtqueue_info info;
	struct list_head *pos;
	u16 used = 0;

	virtqueue_get_info(fsvq->vq, &info);
	st->size = info.num;
	st->num_free = fsvq->vq->num_free;
	st->in_flight = fsvq->in_flight;
	st->parked = 0;
	list_for_each(pos, &fsvq->queued_reqs)
		st->parked++;
	st->avail_idx = info.avail_idx;
	/* The device's used index, as it sits in guest memory. */
	copy_from_guest(&used, info.used + 2, sizeof(used));
	st->used_idx = used;
	st->connected = fsvq->connected;
}
