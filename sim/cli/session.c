// SPDX-License-Identifier: GPL-2.0-only
/*
 * session.c - a scenario run as a session: the machine, the trace sink,
 * the `at`/`on` triggers, stepping, and the teardown that fills in the
 * result.
 *
 * Triggers never act inside the scheduler: an `at` timer or a trace event
 * matching an `on` block only marks the block due; before each scheduling
 * step (and, in `run`, after each run) due blocks get a task of their own
 * that performs the actions (exec_action.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guest/virtio_fs.h"
#include "sim/cli/exec_internal.h"
#include "sim/cli/machine_internal.h"
#include "sim/kernel/check.h"
#include "sim/kernel/task.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"
#include "sim/trace/trace_msc.h"
#include "sim/trace/trace_perfetto.h"

/* A stream gets the text this much at a time (one write per block, not
 * per event). */
#define STREAM_BLOCK (64u << 10)

/* Hand the text so far to the stream; the first failure is kept for the
 * caller to report, and the rest of the text is dropped. */
static void flush_text(struct exec *e)
{
	errno = 0;
	if (e->text.len && !e->r->stream_error &&
	    fwrite(e->text.buf, 1, e->text.len, e->o->stream) != e->text.len)
		e->r->stream_error = errno ? errno : EIO;
	e->text.len = 0;
}

/* After an event about a queue: its counters, for the Perfetto trace. */
static void perfetto_counters(struct exec *e, const struct trace_event *ev)
{
	struct virtio_fs_vq *fsvq;

	if (!strcmp(ev->queue, "hiprio"))
		fsvq = vfsim_machine_vq(&e->m, "hiprio", 0);
	else if (!strncmp(ev->queue, "requests.", 9))
		fsvq = vfsim_machine_vq(&e->m, "requests",
					(unsigned)atoi(ev->queue + 9));
	else
		return;
	if (fsvq && fsvq->vq)
		trace_perfetto_counters(e->perfetto, ev->queue, ev->time_ns,
					fsvq->in_flight, fsvq->vq->num_free);
}

/* Write @ev in the requested format while its strings are alive: a
 * detail may point into an object the run frees later. @live: as it
 * happens (the CPU it runs on is the current task's). */
static void record(struct exec *e, const struct trace_event *ev, bool live)
{
	if (e->msc)
		trace_msc_event(e->msc, ev);
	if (!e->out)
		return;
	if (e->perfetto) {
		trace_perfetto_event(e->perfetto, ev,
				     live && current ? current->cpu : -1);
		if (live && ev->queue)
			perfetto_counters(e, ev);
	} else {
		trace_text_append(&e->text, ev, e->json);
	}
	if (e->o->stream && e->text.len >= STREAM_BLOCK)
		flush_text(e);
}

/* The sink when the event is written, drawn or matched, or a hook is
 * set (exec_sink_scope() installs sink_checkers() otherwise). */
static void sink(const struct trace_event *ev, void *arg)
{
	struct exec *e = arg;

	/* the common output first: text or JSONL, nothing drawn */
	if (e->text_only) {
		trace_text_append(&e->text, ev, e->json);
		if (e->o->stream && e->text.len >= STREAM_BLOCK)
			flush_text(e);
	} else if (e->out || e->msc) {
		record(e, ev, true);
	}
	vfsim_machine_event(&e->m, ev);
	if (e->o->on_event)
		e->o->on_event(ev, e->o->on_event_arg);

	for (size_t i = 0; i < e->s->nr_triggers; i++) {
		const struct scn_trigger *tr = &e->s->triggers[i];

		if (tr->kind == SCN_TRIGGER_ON && !e->fired[i] &&
		    !e->pending[i] && vfsim_match(&tr->match, ev))
			e->pending[i] = true;
	}
	if (e->until && !e->until_hit && vfsim_match(e->until, ev)) {
		e->until_hit = true;
		e->pred_plain = false; /* stop_pred() must look */
	}
}

/* The sink when only the machine's checkers read events: installed by
 * exec_sink_scope() instead of sink(), so that the choice is made once
 * per change of scope, not once per event. */
static void sink_checkers(const struct trace_event *ev, void *arg)
{
	struct exec *e = arg;

	vfsim_machine_event(&e->m, ev);
}

/* The sink's filter when no event is written and nothing matches
 * events: only the machine's checkers read them. */
static bool sink_wants(const char *kind, void *arg)
{
	(void)arg;
	return vfsim_machine_follows(kind);
}

void exec_sink_scope(struct exec *e)
{
	/* the library's sinks and run-until patterns see every event */
	bool all = e->out || e->msc || e->until || e->o->on_event;

	for (size_t i = 0; !all && i < e->s->nr_triggers; i++)
		all = e->s->triggers[i].kind == SCN_TRIGGER_ON;
	trace_set_sink(all ? sink : sink_checkers, e);
	trace_set_sink_filter(all ? NULL : sink_wants, e);
}

static void at_fire(struct sim_timer *timer)
{
	struct exec_timer *t = container_of(timer, struct exec_timer, timer);

	t->e->pending[t->idx] = true;
}

bool exec_run_over(struct exec *e)
{
	if (e->until_time || !vfsim_machine_quiet(&e->m))
		return false;
	for (size_t i = 0; i < e->s->nr_triggers; i++)
		if (e->pending[i] || e->timers[i].timer.armed)
			return false;
	return true;
}

bool exec_fire_pending(struct exec *e)
{
	bool any = false;

	for (size_t i = 0; i < e->s->nr_triggers; i++) {
		if (!e->pending[i])
			continue;
		e->pending[i] = false;
		e->fired[i] = true;
		exec_trigger_start(e, i);
		any = true;
	}
	return any;
}

/* The caller's limit, else VFSIM_MAX_TIME_NS, or four request timeouts
 * (the driver's or the one the device asks for in INIT, whichever is
 * longer) when that is longer: a scenario about a timeout must see it
 * fire. */
static u64 time_limit(const struct exec *e)
{
	unsigned s = e->s->driver.timeout_s > e->s->device.request_timeout_s ?
			     e->s->driver.timeout_s :
			     e->s->device.request_timeout_s;
	u64 timeout = (u64)s * NSEC_PER_SEC;

	if (e->o->max_time_ns)
		return e->o->max_time_ns;
	if (timeout <= VFSIM_MAX_TIME_NS / 4)
		return VFSIM_MAX_TIME_NS;
	return timeout > UINT64_MAX / 4 ? UINT64_MAX : 4 * timeout;
}

/*
 * A session's block. With machine images on (machine_image.c), the
 * machine inside it must be where its image was taken, since the image
 * holds pointers to it: the last session's block is kept for the next.
 */
static struct vfsim_session *spare_block;

static struct vfsim_session *session_block(void)
{
	struct vfsim_session *ss = spare_block;

	spare_block = NULL;
	if (ss && machine_images_on())
		return memset(ss, 0, sizeof(*ss));
	host_free(ss);
	return host_calloc(1, sizeof(*ss));
}

static void session_block_free(struct vfsim_session *ss)
{
	if (machine_images_on() && !spare_block) {
		spare_block = ss;
		return;
	}
	host_free(ss);
}

void vfsim_session_spare_free(void)
{
	host_free(spare_block);
	spare_block = NULL;
}

int vfsim_session_open(const struct scenario *s,
		       const struct vfsim_exec_opts *opts,
		       struct vfsim_result *r, struct vfsim_session **ssp)
{
	struct vfsim_session *ss;
	struct exec *e;

	memset(r, 0, sizeof(*r));
	*ssp = NULL;
	ss = session_block();
	e = &ss->e;
	e->s = s;
	if (opts)
		e->opts = *opts;
	e->o = &e->opts;
	e->r = r;
	if (vfsim_machine_create_on(&e->m, s, e->o->policy, e->o->variant,
				    e->o->backend, r->error,
				    sizeof(r->error))) {
		if (e->o->diag)
			fprintf(e->o->diag, "%s\n", r->error);
		session_block_free(ss);
		return r->status = 2;
	}
	/* The machine's construction was hashed, but nobody will ask. */
	if (e->o->no_trace_hash)
		trace_drop_hash();
	/* The machine is built without a scheduling decision, so an
	 * explorer's record starts at the run's first. */
	if (e->o->choose)
		sched_set_policy_fn(e->o->choose, e->o->choose_arg);
	sched_set_max_steps(e->o->max_steps ? e->o->max_steps :
					      VFSIM_MAX_STEPS);
	sched_set_max_time(time_limit(e));
	/* Tasks are passed to their task by address: the array never
	 * moves, so tasks added later need their room now. */
	e->room = s->nr_tasks + e->o->task_room;
	e->tasks = host_calloc(e->room + 1, sizeof(*e->tasks));
	e->pending = host_calloc(s->nr_triggers + 1, sizeof(bool));
	e->fired = host_calloc(s->nr_triggers + 1, sizeof(bool));
	e->timers = host_calloc(s->nr_triggers + 1, sizeof(*e->timers));
	for (size_t i = 0; i < s->nr_tasks; i++)
		exec_task_prepare(e, &e->tasks[i], &s->tasks[i], (unsigned)i);
	for (size_t i = 0; i < s->nr_triggers; i++) {
		e->timers[i].e = e;
		e->timers[i].idx = i;
	}
	/* Events of the machine's construction came before the sink. */
	if (e->o->format == VFSIM_TRACE_MSC || e->o->msc)
		e->msc = trace_msc_new(0);
	e->out = e->o->format == VFSIM_TRACE_TEXT ||
		 e->o->format == VFSIM_TRACE_JSONL ||
		 e->o->format == VFSIM_TRACE_PERFETTO;
	if (e->o->format == VFSIM_TRACE_PERFETTO)
		e->perfetto = trace_perfetto_new(&e->text);
	e->json = e->o->format == VFSIM_TRACE_JSONL;
	e->text_only = e->out && !e->perfetto && !e->msc;
	for (size_t i = 0; (e->out || e->msc) && i < trace_kept(); i++)
		record(e, trace_event_at(i), false);
	exec_sink_scope(e);
	*ssp = ss;
	return 0;
}

static void spawn(struct exec_task *et)
{
	et->t = task_spawn_flags(exec_task_fn, et, et->st->name, TASK_SYSCALL,
				 et->st->cpu < 0 ? 0 : et->st->cpu,
				 et->st->daemon ? TASK_F_DAEMON : 0);
}

int vfsim_session_add_task(struct vfsim_session *ss, size_t idx)
{
	struct exec *e = &ss->e;

	if (idx >= e->room || idx >= e->s->nr_tasks)
		return -ENOSPC;
	exec_task_prepare(e, &e->tasks[idx], &e->s->tasks[idx], (unsigned)idx);
	if (e->spawned)
		spawn(&e->tasks[idx]);
	return 0;
}

void vfsim_session_start(struct vfsim_session *ss)
{
	struct exec *e = &ss->e;

	if (e->spawned)
		return;
	e->spawned = true;
	for (size_t i = 0; i < e->s->nr_triggers; i++) {
		const struct scn_trigger *tr = &e->s->triggers[i];

		if (tr->kind == SCN_TRIGGER_AT)
			sim_timer_arm(&e->timers[i].timer, tr->ns, at_fire);
	}
	for (size_t i = 0; i < e->s->nr_tasks; i++)
		if (e->tasks[i].st)
			spawn(&e->tasks[i]);
}

bool vfsim_session_started(const struct vfsim_session *ss)
{
	return ss->e.spawned;
}

enum sched_status vfsim_session_step(struct vfsim_session *ss)
{
	struct exec *e = &ss->e;

	vfsim_session_start(ss);
	e->ran = true;
	exec_fire_pending(e);
	e->status = exec_run_over(e) ? SCHED_DONE : sched_step();
	/* The machine settled: requests still open will never end. */
	vfsim_machine_ran(&e->m, e->status);
	return e->status;
}

enum sched_status vfsim_session_run_until(struct vfsim_session *ss,
					  bool (*stop)(void *arg), void *arg)
{
	enum sched_status st;

	for (;;) {
		if (stop && stop(arg))
			return SCHED_STOPPED;
		st = vfsim_session_step(ss);
		if (st != SCHED_STEPPED && st != SCHED_TIMER)
			return st;
	}
}

void vfsim_session_run_item(struct vfsim_session *ss,
			    const struct scn_run_item *it)
{
	exec_run_item(&ss->e, it);
}

struct vfsim_machine *vfsim_session_machine(struct vfsim_session *ss)
{
	return &ss->e.m;
}

size_t vfsim_session_mounts(const struct vfsim_session *ss,
			    struct guest_fs *const **mounts)
{
	*mounts = ss->e.mounts;
	return ss->e.nr_mounts;
}

static void collect(struct exec *e)
{
	struct vfsim_result *r = e->r;
	int n;

	r->trace_hash = trace_hash();
	r->trace_count = trace_count();
	r->nr_choices = sched_nr_choices();
	if (e->msc) {
		r->msc = trace_msc_finish(e->msc);
		e->msc = NULL;
		if (e->o->format == VFSIM_TRACE_MSC)
			r->trace = host_strdup(r->msc);
	}
	if (e->perfetto) {
		trace_perfetto_finish(e->perfetto, sched_now());
		e->perfetto = NULL;
	}
	if (e->out) {
		e->out = e->text_only = false;
		if (e->o->stream) {
			flush_text(e);
			errno = 0;
			if (fflush(e->o->stream) && !e->r->stream_error)
				e->r->stream_error = errno ? errno : EIO;
			host_free(e->text.buf);
		} else {
			r->trace = e->text.buf ? e->text.buf : host_strdup("");
		}
		e->text = (struct trace_text){ 0 };
	}
	if (e->o->no_choices)
		return;
	n = sched_choices_format(NULL, 0);
	r->choices = host_malloc((size_t)n + 1);
	sched_choices_format(r->choices, (size_t)n + 1);
}

/* One shutdown unmount: its mount, and what guest_umount() said (1 until
 * it returns). Only -EBUSY leaves the mount in place: on any other error
 * the super block is gone all the same. */
struct shutdown_umount {
	struct guest_fs *gfs;
	int ret;
};

static int umount_task(void *arg)
{
	struct shutdown_umount *u = arg;

	u->ret = guest_umount(u->gfs);
	return u->ret;
}

/*
 * Mounts the scenario left are unmounted, as a shutdown would: the
 * driver keeps its super blocks on a process-wide list, so one left
 * behind would outlive the machine. Guarantees: every mount whose
 * unmount succeeded is gone; one that could not be unmounted (a
 * deadlocked machine; a task stuck in an operation still holds it, and
 * freeing the mount under that task is what guest_umount() prevents; an
 * unmount refused, -EBUSY) is dropped with the scheduler, counted in the
 * leaks, and warned about.
 */
static void shutdown_mounts(struct exec *e)
{
	struct shutdown_umount *u;

	if (!e->nr_mounts)
		return;
	u = host_calloc(e->nr_mounts, sizeof(*u));
	for (size_t i = 0; i < e->nr_mounts; i++) {
		u[i] = (struct shutdown_umount){ e->mounts[i], 1 };
		if (!e->mounts[i]->users)
			task_spawn(umount_task, &u[i], "shutdown", TASK_SYSCALL,
				   0);
	}
	vfsim_settle(&e->m);
	for (size_t i = 0; i < e->nr_mounts; i++)
		if ((u[i].ret == 1 || u[i].ret == -EBUSY) && e->o->diag)
			fprintf(e->o->diag,
				"vfsim: warning: a mount could not be "
				"unmounted at shutdown\n");
	host_free(u);
	e->nr_mounts = 0;
}

int vfsim_session_close(struct vfsim_session *ss)
{
	struct exec *e = &ss->e;
	struct vfsim_result *r = e->r;
	size_t nr_reports = check_kept();

	check_set_hook(NULL, NULL);
	trace_set_sink(NULL, NULL);
	collect(e);
	if (e->strict)
		exec_check_unexpected(e, nr_reports);
	/* The teardown is no part of the schedule: fifo, as a replay of
	 * the recorded choices does past their end, so that any policy's
	 * run and its replay tear down alike (and count the same leaks). */
	sched_set_policy("fifo");
	/* The teardown gets room of its own, even after a run that used up
	 * a limit (vfsim_settle() bounds each of its phases). */
	sched_set_max_steps(sched_steps() + VFSIM_MAX_STEPS);
	sched_set_max_time(sched_now() + VFSIM_MAX_TIME_NS);
	/* The teardown is not part of the scenario's story. */
	trace_enable(false);
	for (size_t i = 0; i < e->s->nr_triggers; i++)
		if (e->timers[i].timer.armed)
			sim_timer_cancel(&e->timers[i].timer);
	/* A run program may end mid-run (and a console anywhere): the
	 * operations under way finish, the tasks stop at the next one, and
	 * only then are their mounts taken away. A stalled daemon is let go
	 * so that what it holds can end. */
	e->closing = true;
	if (e->m.paused)
		vfsim_machine_pause(&e->m, false);
	vfsim_settle(&e->m);
	shutdown_mounts(e);
	r->leaks = e->leaks = vfsim_machine_destroy(&e->m);
	exec_expect_after(e);
	check_clear();
	trace_reset(false);
	exec_tasks_free(e);
	host_free(e->pending);
	host_free(e->fired);
	host_free(e->timers);
	session_block_free(ss);
	return r->status = r->failed || r->unexpected || r->limit ||
					   r->time_limit ?
				   1 :
				   0;
}
