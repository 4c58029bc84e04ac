// SPDX-License-Identifier: GPL-2.0-only
/*
 * exec_action.c - the actions of `at`/`on` blocks: device controls,
 * unplug, migration, freeze/restore, ring pictures and marks, each traced
 * with its result.
 *
 * A due block's actions run in a task of their own ("at"/"on", a
 * TASK_FRONTEND), never inside the scheduler or the trace sink: actions
 * that sleep (unplug drains, migrate waits for the back ends) thus run
 * where sleeping is allowed, and the trace shows them as a task, as a VMM
 * thread would be.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guest/virtio_fs.h"
#include "sim/cli/exec_internal.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

static void picture(struct exec *e, const struct scn_action *a)
{
	struct virtio_fs_vq *fsvq =
		vfsim_machine_vq(&e->m, a->queue, a->queue_index);
	struct vfsim_result *r = e->r;
	struct vfsim_picture *p;
	char *dot;

	if (!fsvq) {
		TRACE(.kind = "scn.picture", .detail = "no such queue now");
		return;
	}
	dot = vfsim_ring_picture(fsvq, vfsim_machine_vringh(&e->m, a->queue,
							    a->queue_index));
	if (!dot)
		return;
	r->pictures = host_realloc(r->pictures,
				   (r->nr_pictures + 1) * sizeof(*r->pictures));
	p = &r->pictures[r->nr_pictures++];
	p->dot = dot;
	if (a->file) {
		p->name = host_strdup(a->file);
	} else {
		p->name = host_malloc(64);
		snprintf(p->name, 64, "ring-%zu-%s", r->nr_pictures,
			 fsvq->name);
	}
	TRACE(.kind = "scn.picture", .queue = fsvq->name,
	      .detail = trace_fmt("%s.dot", p->name));
}

/* A real back end without the device-state protocol feature cannot hand
 * its state over: say which one before the flow refuses. */
static void say_no_device_state(struct vfsim_machine *m)
{
	const u64 bit = 1ULL << VHOST_USER_PROTOCOL_F_DEVICE_STATE;

	for (unsigned int i = 0; m->ext && i < 2; i++) {
		const struct vhost_user_frontend *fe = &m->ext->fe[i];

		if (!(fe->protocol_offered & bit))
			TRACE(.kind = "vu.no_device_state",
			      .func = "vhost_supports_device_state",
			      .detail = trace_fmt(
				      "%s (%s) does not offer the device-state "
				      "protocol feature (%u): migration is "
				      "refused, the source keeps running",
				      fe->name,
				      vfsim_backend_name(&m->ext->spec),
				      VHOST_USER_PROTOCOL_F_DEVICE_STATE));
	}
}

static int migrate(struct exec *e)
{
	struct vfsim_machine *m = &e->m;
	int ret;

	if (!m->mig_live)
		return -ENODEV;
	say_no_device_state(m);
	/* The stalled daemon is the source's. A real one never saw the
	 * held kicks: what they announced stays on the ring for the
	 * destination (its start kicks every ring), or, when the flow
	 * fails, for the source, which gets them then. */
	if (m->paused && m->ext) {
		vfsim_backend_cur(m->ext)->paused = m->paused = false;
		ret = migration_run(&m->mig);
		if (ret)
			vhost_user_frontend_pause(vfsim_backend_cur(m->ext),
						  false);
		return ret;
	}
	if (m->paused)
		vfsim_machine_pause(m, false);
	return migration_run(&m->mig);
}

static const enum vfs_dev_order orders[] = {
	[SCN_ORDER_IN] = VFS_DEV_ORDER_IN_ORDER,
	[SCN_ORDER_REVERSED] = VFS_DEV_ORDER_REVERSED,
	[SCN_ORDER_RANDOM] = VFS_DEV_ORDER_RANDOM,
};

static const char *const action_names[] = {
	[SCN_ACT_DEVICE_PAUSE] = "device pause",
	[SCN_ACT_DEVICE_RESUME] = "device resume",
	[SCN_ACT_DEVICE_DIE] = "device die",
	[SCN_ACT_DEVICE_LATENCY] = "device latency",
	[SCN_ACT_DEVICE_ORDER] = "device order",
	[SCN_ACT_UNPLUG] = "unplug",
	[SCN_ACT_MIGRATE] = "migrate",
	[SCN_ACT_FREEZE] = "freeze",
	[SCN_ACT_RESTORE] = "restore",
	[SCN_ACT_PICTURE] = "picture",
	[SCN_ACT_MARK] = "mark",
};

void exec_action_run(struct exec *e, const struct scn_action *a)
{
	struct vfsim_machine *m = &e->m;
	int ret = 0;

	switch (a->kind) {
	case SCN_ACT_DEVICE_PAUSE:
	case SCN_ACT_DEVICE_RESUME:
		vfsim_machine_pause(m, a->kind == SCN_ACT_DEVICE_PAUSE);
		break;
	case SCN_ACT_DEVICE_DIE:
		vfsim_machine_kill(m);
		break;
	case SCN_ACT_DEVICE_LATENCY:
		vfs_dev_set_latency(m->cur, a->ns);
		break;
	case SCN_ACT_DEVICE_ORDER:
		vfs_dev_set_order(m->cur, orders[a->order], e->s->device.seed);
		break;
	case SCN_ACT_UNPLUG:
		if (m->vdev.driver)
			virtio_device_unplug(&m->vdev);
		else
			ret = -ENODEV;
		break;
	case SCN_ACT_MIGRATE:
		ret = migrate(e);
		if (!ret) {
			m->cur = m->dst;
			if (m->ext)
				m->ext->cur = 1;
			m->paused = false;
		}
		break;
	case SCN_ACT_FREEZE:
		ret = vfsim_machine_freeze(m);
		break;
	case SCN_ACT_RESTORE:
		ret = vfsim_machine_restore(m);
		break;
	case SCN_ACT_PICTURE:
		picture(e, a);
		return;
	case SCN_ACT_MARK:
		TRACE(.kind = "scn.mark", .detail = a->text);
		return;
	}
	TRACE(.kind = "scn.action", .func = action_names[a->kind],
	      .detail = trace_fmt("result %s", exec_errname(ret)));
}

/* The block's timer slot doubles as the task's argument: every block
 * fires at most once, and the slot lives as long as the run, so nothing
 * is left to free when the run ends before the task did. */
static int trigger_task(void *arg)
{
	struct exec_timer *t = arg;
	const struct scn_trigger *tr = &t->e->s->triggers[t->idx];

	for (size_t i = 0; i < tr->nr_actions && !t->e->closing; i++)
		exec_action_run(t->e, &tr->actions[i]);
	return 0;
}

void exec_trigger_start(struct exec *e, size_t i)
{
	task_spawn(trigger_task, &e->timers[i],
		   e->s->triggers[i].kind == SCN_TRIGGER_AT ? "at" : "on",
		   TASK_FRONTEND, 0);
}
