// SPDX-License-Identifier: GPL-2.0-only
/*
 * exec.c - the run program: `run`, `run until`, `step` and `expect`
 * items executed in order on a session (session.c), and vfsim_exec(),
 * which is nothing but that loop between opening and closing one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "sim/cli/exec_internal.h"
#include "sim/kernel/footprint.h"
#include "sim/trace/trace.h"
#include "sim/trace/host.h"

const char *exec_errname(int err)
{
	const char *n;

	if (!err)
		return "0";
	/* a positive result is no errno (fuse_errno_name() would name it) */
	if (err > 0)
		return trace_fmt("%d", err);
	n = fuse_errno_name(-err);
	return n ? trace_fmt("-%s", n) : trace_fmt("%d", err);
}

bool vfsim_match(const struct scn_match *m, const struct trace_event *ev)
{
	char line[1024];
	bool hit;

	if (m->kind == SCN_MATCH_KIND) {
		hit = ev->kind && !strcmp(ev->kind, m->ev_kind) &&
		      (!m->func || (ev->func && !strcmp(ev->func, m->func)));
	} else {
		trace_format_text(ev, line, sizeof(line));
		hit = strstr(line, m->text) != NULL;
	}
	/* a trigger or `run until` that fires changes the run's course: the
	 * step that emitted the event conflicts with every other */
	if (hit)
		fp_opaque();
	return hit;
}

/* The run stops here: an unexpected report (stop_at_unexpected), or the
 * explorer abandons it. */
static bool exec_stopping(const struct exec *e)
{
	return e->stop_unexpected || (e->o->abandon && *e->o->abandon);
}

/* Before each step of a `run`: start due blocks, then say whether the
 * `run until` in progress has reached its event or time, or the run is
 * over (its tasks done, only timers left). */
static __attribute__((noinline)) bool stop_pred_slow(struct exec *e)
{
	if (exec_stopping(e))
		return true;
	exec_fire_pending(e);
	if (e->until_hit || (e->until_time && sched_now() >= e->until_time))
		return true;
	e->over = exec_run_over(e);
	return e->over;
}

static bool stop_pred(void *arg)
{
	struct exec *e = arg;

	/* asked between every two steps: the common answer (nothing
	 * stopping, no triggers or `run until`, a task alive or runnable,
	 * so that exec_run_over() would say no) without a call. Only
	 * sched_tasks_done()'s inline test: its scan of the daemons is left
	 * to stop_pred_slow() (exec_run_over() asks it), so that the only
	 * call here is a tail call and no register is saved. */
	if (likely(e->pred_plain && sched_tasks_busy())) {
		e->over = false;
		return false;
	}
	return stop_pred_slow(e);
}

/* Did a step or run end the run program's progress? */
static bool finished(enum sched_status st)
{
	return st != SCHED_STEPPED && st != SCHED_TIMER;
}

static void until_timer_fn(struct sim_timer *t)
{
	(void)t;
}

void exec_run_item(struct exec *e, const struct scn_run_item *it)
{
	struct vfsim_session *ss = container_of(e, struct vfsim_session, e);
	struct sim_timer ut = { 0 };
	enum sched_status st;

	if (it->kind == SCN_EXPECT) {
		exec_expect(e, it);
		return;
	}
	vfsim_session_start(ss);
	e->ran = true;
	if (it->kind == SCN_STEP) {
		for (u64 i = 0; i < it->steps && !exec_stopping(e); i++) {
			st = vfsim_session_step(ss);
			exec_note_status(e, st);
			if (finished(st))
				break;
		}
		return;
	}
	e->until = it->kind == SCN_RUN_UNTIL ? &it->match : NULL;
	if (e->until)
		exec_sink_scope(e);
	e->until_hit = false;
	e->over = false;
	e->until_time = it->kind == SCN_RUN_UNTIL_TIME ? it->ns : 0;
	/* none of the three changes while the run goes on; an unexpected
	 * report or the `run until`'s event clears it when it comes */
	e->pred_plain = !e->o->abandon && !e->s->nr_triggers &&
			!e->until_time && !e->stop_unexpected;
	/* The clock stops at the time asked for, even with nothing due. */
	if (e->until_time > sched_now())
		sim_timer_arm(&ut, e->until_time, until_timer_fn);
	do
		st = sched_run_until(stop_pred, e);
	while (st != SCHED_STOPPED && st != SCHED_LIMIT &&
	       st != SCHED_TIME_LIMIT && exec_fire_pending(e));
	if (st == SCHED_STOPPED && e->over)
		st = SCHED_DONE;
	if (ut.armed)
		sim_timer_cancel(&ut);
	if (e->until) {
		e->until = NULL;
		exec_sink_scope(e);
	}
	e->until_time = 0;
	e->pred_plain = false;
	e->status = st;
	exec_note_status(e, st);
	vfsim_machine_ran(&e->m, st);
}

/* Does an expectation read the kept trace (trace contains/lacks/count)?
 * Triggers, `run until` and the request ledger read events as they come,
 * and the text output is written by the sink: none needs them kept. */
static bool reads_kept_trace(const struct scenario *s)
{
	for (size_t i = 0; i < s->nr_run; i++) {
		enum scn_expect_kind k = s->run[i].expect.kind;

		if (s->run[i].kind == SCN_EXPECT &&
		    (k == SCN_EXPECT_TRACE_CONTAINS ||
		     k == SCN_EXPECT_TRACE_LACKS ||
		     k == SCN_EXPECT_TRACE_COUNT))
			return true;
	}
	return false;
}

/* The check hook of a run that stops at its first unexpected report. */
static void stop_hook(const char *kind, void *arg)
{
	struct exec *e = arg;

	if (!exec_accounted(e->s, kind)) {
		e->stop_unexpected = true;
		e->pred_plain = false;
	}
}

int vfsim_exec(const struct scenario *s, const struct vfsim_exec_opts *opts,
	       struct vfsim_result *r)
{
	struct vfsim_session *ss;

	if (vfsim_session_open(s, opts, r, &ss))
		return r->status;
	ss->e.strict = true;
	/* A run to its end keeps no events nobody reads: its memory stays
	 * flat however long it runs (a session, which a console looks
	 * into, keeps them all). */
	if (!reads_kept_trace(s))
		trace_set_keep(false);
	if (ss->e.o->stop_at_unexpected)
		check_set_hook(stop_hook, &ss->e);
	for (size_t i = 0; i < s->nr_run && !exec_stopping(&ss->e); i++)
		vfsim_session_run_item(ss, &s->run[i]);
	return vfsim_session_close(ss);
}

void vfsim_result_free(struct vfsim_result *r)
{
	for (size_t i = 0; i < r->nr_pictures; i++) {
		host_free(r->pictures[i].name);
		host_free(r->pictures[i].dot);
	}
	host_free(r->pictures);
	host_free(r->trace);
	host_free(r->choices);
	host_free(r->msc);
	memset(r, 0, sizeof(*r));
}
