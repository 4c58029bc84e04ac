// SPDX-License-Identifier: GPL-2.0-only
/*
 * exec.c - the executor's run program and its `at`/`on` triggers.
 *
 * Triggers never act inside the scheduler: an `at` timer or a trace event
 * matching an `on` block only marks the block due; before each scheduling
 * step (sched_run_until()'s predicate) and after each run, due blocks get
 * a task of their own that performs the actions in order. Actions that
 * sleep (unplug drains, migrate waits for the back ends) thus run where
 * sleeping is allowed, and the trace shows them as a task, as a VMM
 * thread would be.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "guest/virtio_fs.h"
#include "sim/check.h"
#include "sim/cli/exec_internal.h"
#include "sim/ring_dot.h"
#include "sim/slab.h"
#include "sim/trace.h"

const char *exec_errname(int err)
{
	const char *n;

	if (!err)
		return "0";
	n = fuse_errno_name(-err);
	return n ? trace_fmt("-%s", n) : trace_fmt("%d", err);
}

bool exec_match(const struct scn_match *m, const struct trace_event *ev)
{
	char line[1024];

	if (m->kind == SCN_MATCH_KIND)
		return ev->kind && !strcmp(ev->kind, m->ev_kind) &&
		       (!m->func || (ev->func && !strcmp(ev->func, m->func)));
	trace_format_text(ev, line, sizeof(line));
	return strstr(line, m->text) != NULL;
}

/* Write @ev in the requested format while its strings are alive: a
 * detail may point into an object the run frees later. */
static void record(struct exec *e, const struct trace_event *ev)
{
	char line[2048];
	int n;

	if (!e->out)
		return;
	if (e->o->format == VFSIM_TRACE_JSONL)
		n = trace_format_json(ev, line, sizeof(line));
	else
		n = trace_format_text(ev, line, sizeof(line));
	if (n >= (int)sizeof(line)) {
		char *big = malloc((size_t)n + 1);

		if (!big)
			abort();
		if (e->o->format == VFSIM_TRACE_JSONL)
			trace_format_json(ev, big, (size_t)n + 1);
		else
			trace_format_text(ev, big, (size_t)n + 1);
		fprintf(e->out, "%s\n", big);
		free(big);
		return;
	}
	fprintf(e->out, "%s\n", line);
}

static void sink(const struct trace_event *ev, void *arg)
{
	struct exec *e = arg;

	record(e, ev);

	for (size_t i = 0; i < e->s->nr_triggers; i++) {
		const struct scn_trigger *tr = &e->s->triggers[i];

		if (tr->kind == SCN_TRIGGER_ON && !e->fired[i] &&
		    !e->pending[i] && exec_match(&tr->match, ev))
			e->pending[i] = true;
	}
	if (e->until && !e->until_hit && exec_match(e->until, ev))
		e->until_hit = true;
}

static void at_fire(struct sim_timer *timer)
{
	struct exec_timer *t = container_of(timer, struct exec_timer, timer);

	t->e->pending[t->idx] = true;
}

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
	dot = ring_dot_string(fsvq->vq, NULL);
	if (!dot)
		return;
	r->pictures = realloc(r->pictures,
			      (r->nr_pictures + 1) * sizeof(*r->pictures));
	if (!r->pictures)
		abort();
	p = &r->pictures[r->nr_pictures++];
	p->dot = dot;
	if (a->file) {
		p->name = strdup(a->file);
	} else {
		p->name = malloc(64);
		if (p->name)
			snprintf(p->name, 64, "ring-%zu-%s", r->nr_pictures,
				 fsvq->name);
	}
	if (!p->name)
		abort();
	TRACE(.kind = "scn.picture", .queue = fsvq->name,
	      .detail = trace_fmt("%s.dot", p->name));
}

static int migrate(struct exec *e)
{
	struct vfsim_machine *m = &e->m;

	if (!m->mig_live)
		return -ENODEV;
	if (m->paused) /* the stalled daemon is the source's */
		vfs_dev_pause(m->src, false);
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

static void act(struct exec *e, const struct scn_action *a)
{
	struct vfsim_machine *m = &e->m;
	int ret = 0;

	switch (a->kind) {
	case SCN_ACT_DEVICE_PAUSE:
	case SCN_ACT_DEVICE_RESUME:
		m->paused = a->kind == SCN_ACT_DEVICE_PAUSE;
		vfs_dev_pause(m->cur, m->paused);
		break;
	case SCN_ACT_DEVICE_DIE:
		vfs_dev_kill(m->cur);
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
			m->paused = false;
		}
		break;
	case SCN_ACT_FREEZE:
		ret = virtio_device_freeze(&m->vdev);
		break;
	case SCN_ACT_RESTORE:
		ret = virtio_device_restore(&m->vdev);
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

struct trigger_run {
	struct exec *e;
	const struct scn_trigger *tr;
};

static int trigger_task(void *arg)
{
	struct trigger_run *tr = arg;

	for (size_t i = 0; i < tr->tr->nr_actions; i++)
		act(tr->e, &tr->tr->actions[i]);
	exec_free(tr->e, tr);
	return 0;
}

/* Start a task for every due block; true when one was started. */
static bool fire_pending(struct exec *e)
{
	bool any = false;

	for (size_t i = 0; i < e->s->nr_triggers; i++) {
		struct trigger_run *tr;

		if (!e->pending[i])
			continue;
		e->pending[i] = false;
		e->fired[i] = true;
		tr = exec_alloc(e, sizeof(*tr));
		tr->e = e;
		tr->tr = &e->s->triggers[i];
		task_spawn(trigger_task, tr,
			   tr->tr->kind == SCN_TRIGGER_AT ? "at" : "on",
			   TASK_FRONTEND, 0);
		any = true;
	}
	return any;
}

static u64 until_time;

static bool stop_pred(void *arg)
{
	struct exec *e = arg;

	fire_pending(e);
	return e->until_hit || (until_time && sched_now() >= until_time);
}

static void until_timer_fn(struct sim_timer *t)
{
	(void)t;
}

static void spawn_tasks(struct exec *e)
{
	if (e->spawned)
		return;
	e->spawned = true;
	for (size_t i = 0; i < e->s->nr_triggers; i++) {
		const struct scn_trigger *tr = &e->s->triggers[i];

		e->timers[i].e = e;
		e->timers[i].idx = i;
		if (tr->kind == SCN_TRIGGER_AT)
			sim_timer_arm(&e->timers[i].timer, tr->ns, at_fire);
	}
	for (size_t i = 0; i < e->s->nr_tasks; i++) {
		struct exec_task *et = &e->tasks[i];

		et->t = task_spawn_flags(exec_task_fn, et, et->st->name,
					 TASK_SYSCALL,
					 et->st->cpu < 0 ? 0 : et->st->cpu,
					 et->st->daemon ? TASK_F_DAEMON : 0);
	}
}

static void run_item(struct exec *e, const struct scn_run_item *it)
{
	struct sim_timer ut = { 0 };
	enum sched_status st;

	spawn_tasks(e);
	e->ran = true;
	if (it->kind == SCN_STEP) {
		for (u64 i = 0; i < it->steps; i++) {
			fire_pending(e);
			st = sched_step();
			e->status = st;
			if (st == SCHED_DONE || st == SCHED_DEADLOCK)
				break;
		}
		return;
	}
	e->until = it->kind == SCN_RUN_UNTIL ? &it->match : NULL;
	e->until_hit = false;
	until_time = it->kind == SCN_RUN_UNTIL_TIME ? it->ns : 0;
	if (until_time > sched_now())
		sim_timer_arm(&ut, until_time, until_timer_fn);
	do
		st = sched_run_until(stop_pred, e);
	while (st != SCHED_STOPPED && st != SCHED_LIMIT && fire_pending(e));
	if (ut.armed)
		sim_timer_cancel(&ut);
	e->until = NULL;
	until_time = 0;
	e->status = st;
}

static void collect(struct exec *e)
{
	struct vfsim_result *r = e->r;
	int n = sched_choices_format(NULL, 0);

	r->trace_hash = trace_hash();
	r->trace_count = trace_count();
	if (e->out) {
		fclose(e->out);
		e->out = NULL;
		r->trace = e->out_buf;
		e->out_buf = NULL;
	}
	r->choices = malloc((size_t)n + 1);
	if (!r->choices)
		abort();
	sched_choices_format(r->choices, (size_t)n + 1);
}

void *exec_alloc(struct exec *e, size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		abort(); /* host memory: nothing sensible to simulate */
	if (e->nr_held == e->held_cap) {
		e->held_cap = e->held_cap ? e->held_cap * 2 : 16;
		e->held = realloc(e->held, e->held_cap * sizeof(*e->held));
		if (!e->held)
			abort();
	}
	e->held[e->nr_held++] = p;
	return p;
}

void exec_free(struct exec *e, void *p)
{
	if (!p)
		return;
	/* the latest first: allocations nest */
	for (size_t i = e->nr_held; i-- > 0;) {
		if (e->held[i] == p) {
			e->held[i] = e->held[--e->nr_held];
			free(p);
			return;
		}
	}
	assert(!"exec_free() of memory exec_alloc() did not give");
}

static int umount_task(void *arg)
{
	struct exec_umount *u = arg;
	int ret = guest_umount(u->gfs);

	/* -EBUSY: a scenario task is unmounting it (and is stuck) */
	if (ret != -EBUSY)
		exec_mount_gone(u->e, u->gfs);
	return ret;
}

/*
 * Mounts the scenario left are unmounted, as a shutdown would: the
 * driver keeps its super blocks on a process-wide list, so one left
 * behind would outlive the machine. Guarantees: every mount whose
 * unmount finished is gone from e->mounts; one that could not finish (a
 * deadlocked machine) stays there, for free_stuck() once the machine is
 * gone, and its kernel objects count as leaks.
 */
static void shutdown_mounts(struct exec *e)
{
	size_t n = e->nr_mounts;
	struct task **t;

	if (!n)
		return;
	t = calloc(n, sizeof(*t));
	e->umounts = calloc(n, sizeof(*e->umounts));
	if (!t || !e->umounts)
		abort();
	for (size_t i = 0; i < n; i++) {
		e->umounts[i] = (struct exec_umount){ e, e->mounts[i] };
		t[i] = task_spawn(umount_task, &e->umounts[i], "shutdown",
				  TASK_SYSCALL, 0);
	}
	sched_run();
	for (size_t i = 0; i < n; i++)
		if (!task_done(t[i]) && e->o->diag)
			fprintf(e->o->diag,
				"vfsim: warning: a mount could not be "
				"unmounted at shutdown\n");
	free(t);
}

/* Host memory of tasks the teardown left stuck: no task runs any more. */
static void free_stuck(struct exec *e)
{
	for (size_t i = 0; i < e->nr_mounts; i++) {
		guest_fs_exit(e->mounts[i]);
		free(e->mounts[i]);
	}
	e->nr_mounts = 0;
	free(e->umounts);
	e->umounts = NULL;
	for (size_t i = 0; i < e->nr_held; i++)
		free(e->held[i]);
	free(e->held);
	e->held = NULL;
	e->nr_held = e->held_cap = 0;
}

int vfsim_exec(const struct scenario *s, const struct vfsim_exec_opts *opts,
	       struct vfsim_result *r)
{
	static const struct vfsim_exec_opts defaults;
	struct exec e = { .s = s, .o = opts ? opts : &defaults, .r = r };

	memset(r, 0, sizeof(*r));
	if (vfsim_machine_create(&e.m, s, e.o->policy, r->error,
				 sizeof(r->error))) {
		if (e.o->diag)
			fprintf(e.o->diag, "%s\n", r->error);
		return r->status = 2;
	}
	e.tasks = calloc(s->nr_tasks + 1, sizeof(*e.tasks));
	e.pending = calloc(s->nr_triggers + 1, sizeof(bool));
	e.fired = calloc(s->nr_triggers + 1, sizeof(bool));
	e.timers = calloc(s->nr_triggers + 1, sizeof(*e.timers));
	if (!e.tasks || !e.pending || !e.fired || !e.timers)
		abort();
	for (size_t i = 0; i < s->nr_tasks; i++) {
		e.tasks[i].e = &e;
		e.tasks[i].st = &s->tasks[i];
		e.tasks[i].idx = (unsigned)i;
		e.tasks[i].results =
			calloc(s->tasks[i].nr_ordinal + 1, sizeof(int));
		if (!e.tasks[i].results)
			abort();
	}
	/* Events of the machine's construction came before the sink. */
	if (e.o->format != VFSIM_TRACE_NONE) {
		e.out = open_memstream(&e.out_buf, &e.out_len);
		if (!e.out)
			abort();
		for (size_t i = 0; i < trace_kept(); i++)
			record(&e, trace_event_at(i));
	}
	trace_set_sink(sink, &e);
	for (size_t i = 0; i < s->nr_run; i++) {
		if (s->run[i].kind == SCN_EXPECT)
			exec_expect(&e, &s->run[i]);
		else
			run_item(&e, &s->run[i]);
	}
	trace_set_sink(NULL, NULL);
	collect(&e);
	/* The teardown is not part of the scenario's story. */
	trace_enable(false);
	for (size_t i = 0; i < s->nr_triggers; i++)
		if (e.timers[i].timer.armed)
			sim_timer_cancel(&e.timers[i].timer);
	shutdown_mounts(&e);
	e.leaks = vfsim_machine_destroy(&e.m);
	free_stuck(&e);
	exec_expect_after(&e);
	check_clear();
	trace_reset(false);
	exec_tasks_free(&e);
	free(e.pending);
	free(e.fired);
	free(e.timers);
	return r->status = r->failed ? 1 : 0;
}

void vfsim_result_free(struct vfsim_result *r)
{
	for (size_t i = 0; i < r->nr_pictures; i++) {
		free(r->pictures[i].name);
		free(r->pictures[i].dot);
	}
	free(r->pictures);
	free(r->trace);
	free(r->choices);
	memset(r, 0, sizeof(*r));
}
