// SPDX-License-Identifier: GPL-2.0-only
/*
 * exec_expect.c - the `expect` statements: each evaluated at its place in
 * the run program against the live machine, traced as "scn.expect", and
 * on failure printed with its source position and trace position.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "device/fuse_server.h"
#include "device/memfs.h"
#include "guest/virtio_fs.h"
#include "sim/kernel/check.h"
#include "sim/cli/exec_internal.h"
#include "sim/kernel/gmem.h"
#include "sim/trace/trace.h"

static bool cmp(enum scn_cmp c, int64_t a, int64_t b)
{
	switch (c) {
	case SCN_CMP_EQ:
		return a == b;
	case SCN_CMP_NE:
		return a != b;
	case SCN_CMP_LT:
		return a < b;
	case SCN_CMP_LE:
		return a <= b;
	case SCN_CMP_GT:
		return a > b;
	default:
		return a >= b;
	}
}

/* One queue field; false when the queue does not exist (any more). */
static bool queue_field(struct exec *e, const struct scn_expect *x, int64_t *v)
{
	struct virtio_fs_vq *fsvq =
		vfsim_machine_vq(&e->m, x->queue, x->queue_index);
	struct vfsim_vq_state st;

	if (!fsvq)
		return false;
	vfsim_machine_vq_state(fsvq, &st);
	if (!strcmp(x->field, "in_flight"))
		*v = st.in_flight;
	else if (!strcmp(x->field, "queued_reqs"))
		*v = st.parked;
	else if (!strcmp(x->field, "num_free"))
		*v = st.num_free;
	else if (!strcmp(x->field, "avail_idx"))
		*v = st.avail_idx;
	else if (!strcmp(x->field, "used_idx"))
		*v = st.used_idx;
	else
		*v = st.connected;
	return true;
}

static int sum_lookups(void *arg, const struct memfs_inode_info *ii)
{
	if (ii->nodeid != FUSE_ROOT_ID)
		*(int64_t *)arg += (int64_t)ii->nlookup;
	return 0;
}

int64_t exec_device_field(struct exec *e, const char *field)
{
	struct vfs_dev *dev = e->m.cur;
	struct memfs *fs;
	struct memfs_stats st;
	int64_t v = 0;

	/* An external back end shows only what the front end knows (the
	 * others were refused when the machine was built). */
	if (!strcmp(field, "dead"))
		return vfsim_machine_dead(&e->m);
	if (!strcmp(field, "paused"))
		return e->m.paused;
	if (!dev)
		return 0;
	fs = fuse_server_fs(vfs_dev_server(dev));
	memfs_get_stats(fs, &st);
	if (!strcmp(field, "inodes"))
		return (int64_t)st.inodes;
	if (!strcmp(field, "handles"))
		return (int64_t)st.handles;
	if (!strcmp(field, "lookups")) {
		memfs_for_each_inode(fs, sum_lookups, &v);
		return v;
	}
	if (!strcmp(field, "suspended"))
		return vfs_dev_suspended(dev);
	return vfs_dev_in_progress(dev); /* "requests" */
}

/* The scenario's own notes and verdicts ("scn.expect", "scn.mark") are
 * what the scenario says, not what the machine did: an expectation about
 * the trace never counts them, or a mark (or an earlier `expect trace
 * lacks "X"`, whose verdict names X) would satisfy it. */
static bool scenario_note(const struct trace_event *ev)
{
	return !strcmp(ev->kind, "scn.expect") || !strcmp(ev->kind, "scn.mark");
}

static int64_t trace_matches(const char *text)
{
	int64_t n = 0;

	for (long i = trace_find(text, 0); i >= 0;
	     i = trace_find(text, (size_t)i + 1))
		n += !scenario_note(trace_event_at((size_t)i));
	return n;
}

const char *exec_task_where(const struct task *t)
{
	if (task_done(t))
		return "done";
	if (t->state == TASK_BLOCKED)
		return trace_fmt("blocked in %s %s", t->wait_what,
				 t->wait_name ? t->wait_name : "");
	return "runnable";
}

/* Why @et ran no further: it stopped, or where it is. A task that
 * returned ran every operation unless stop-on-error stopped it. */
static const char *task_status(const struct exec_task *et)
{
	if (task_done(et->t))
		return trace_fmt("the task stopped at op %u (stop-on-error)",
				 et->stopped_at);
	if (et->cur)
		return trace_fmt("the task is at op %u, %s", et->cur,
				 exec_task_where(et->t));
	return trace_fmt("the task is %s", exec_task_where(et->t));
}

bool exec_task_result(const struct exec_task *et, unsigned op, int *result,
		      const char **why)
{
	const struct exec_op_state *o = &et->ops[op];

	if (!et->t) {
		*why = op ? trace_fmt("op %u never ran: the task has not "
				      "started",
				      op) :
			    "the task has not started";
		return false;
	}
	if (!op) {
		if (!task_done(et->t)) {
			*why = trace_fmt("the task has not returned: %s",
					 task_status(et));
			return false;
		}
		if (!et->any) {
			*why = "the task returned without running an "
			       "operation";
			return false;
		}
		*result = et->last;
		return true;
	}
	if (et->cur == op) {
		*why = trace_fmt("op %u still waiting: the task is %s", op,
				 exec_task_where(et->t));
		return false;
	}
	if (!o->runs) {
		*why = trace_fmt("op %u never ran: %s", op, task_status(et));
		return false;
	}
	if (o->runs < o->total) {
		*why = trace_fmt("op %u ran %llu of its %llu times: %s", op,
				 (unsigned long long)o->runs,
				 (unsigned long long)o->total, task_status(et));
		return false;
	}
	*result = o->result;
	return true;
}

static const char *describe(const struct scn_expect *x)
{
	switch (x->kind) {
	case SCN_EXPECT_QUEUE:
		return strcmp(x->queue, "hiprio") ?
			       trace_fmt("requests.%u.%s %s %" PRId64,
					 x->queue_index, x->field,
					 scenario_cmp_name(x->cmp), x->value) :
			       trace_fmt("hiprio.%s %s %" PRId64, x->field,
					 scenario_cmp_name(x->cmp), x->value);
	case SCN_EXPECT_DEVICE:
		return trace_fmt("device.%s %s %" PRId64, x->field,
				 scenario_cmp_name(x->cmp), x->value);
	case SCN_EXPECT_TASK_RETURNS:
		return x->op ? trace_fmt("task %s op %u returns %s",
					 x->task->name, x->op,
					 exec_errname(x->err)) :
			       trace_fmt("task %s returns %s", x->task->name,
					 exec_errname(x->err));
	case SCN_EXPECT_TASK_STATE:
		return trace_fmt("task %s %s", x->task->name,
				 x->state == SCN_TASK_DONE ? "done" :
							     "blocked");
	case SCN_EXPECT_TRACE_CONTAINS:
		return trace_fmt("trace contains \"%s\"", x->text);
	case SCN_EXPECT_TRACE_LACKS:
		return trace_fmt("trace lacks \"%s\"", x->text);
	case SCN_EXPECT_TRACE_COUNT:
		return trace_fmt("trace count \"%s\" %s %" PRId64, x->text,
				 scenario_cmp_name(x->cmp), x->value);
	case SCN_EXPECT_NO_LEAKS:
		return "no leaks";
	case SCN_EXPECT_LEAKS:
		return trace_fmt("leaks %s %" PRId64, scenario_cmp_name(x->cmp),
				 x->value);
	case SCN_EXPECT_REPORTS:
		return trace_fmt("reports %s%s%s %" PRId64,
				 x->text ? x->text : "", x->text ? " " : "",
				 scenario_cmp_name(x->cmp), x->value);
	case SCN_EXPECT_REPORT:
		return trace_fmt("report %s", x->text);
	case SCN_EXPECT_LOOKUPS_BALANCED:
		return "lookups balanced";
	default:
		return trace_fmt("status %s", x->status == SCN_STATUS_DONE ?
						      "done" :
						      "deadlock");
	}
}

static const char *status_name(struct exec *e)
{
	if (!e->ran)
		return "not run";
	if (e->status == SCHED_DONE)
		return "done";
	if (e->status == SCHED_DEADLOCK)
		return "deadlock";
	return sched_status_name(e->status);
}

/* Evaluate @x now; *got describes the value seen. */
static bool holds(struct exec *e, const struct scn_expect *x, const char **got)
{
	struct exec_task *et = x->task ? &e->tasks[x->task - e->s->tasks] :
					 NULL;
	int64_t v = 0;
	int r;

	switch (x->kind) {
	case SCN_EXPECT_QUEUE:
		if (!queue_field(e, x, &v)) {
			*got = "no such queue (the device is gone)";
			return false;
		}
		break;
	case SCN_EXPECT_DEVICE:
		v = exec_device_field(e, x->field);
		break;
	case SCN_EXPECT_TASK_RETURNS:
		if (!exec_task_result(et, x->op, &r, got))
			return false;
		*got = exec_errname(r);
		return r == x->err;
	case SCN_EXPECT_TASK_STATE:
		*got = et->t ? exec_task_where(et->t) : "not started";
		return x->state == SCN_TASK_DONE ? !strcmp(*got, "done") :
						   !strncmp(*got, "blocked", 7);
	case SCN_EXPECT_TRACE_CONTAINS:
	case SCN_EXPECT_TRACE_LACKS:
		v = trace_matches(x->text);
		*got = trace_fmt("%" PRId64 " events", v);
		return (v > 0) == (x->kind == SCN_EXPECT_TRACE_CONTAINS);
	case SCN_EXPECT_TRACE_COUNT:
		v = trace_matches(x->text);
		break;
	case SCN_EXPECT_REPORTS:
		v = (int64_t)(x->text ? check_count_kind(x->text) :
					check_count());
		break;
	case SCN_EXPECT_REPORT:
		v = (int64_t)check_count_kind(x->text);
		*got = trace_fmt("%" PRId64 " such reports", v);
		return v > 0;
	case SCN_EXPECT_LOOKUPS_BALANCED:
		v = exec_device_field(e, "lookups");
		*got = trace_fmt("%" PRId64 " lookups outstanding", v);
		return v == 0;
	default: /* status (the leaks are checked after the run) */
		*got = status_name(e);
		return !strcmp(*got, x->status == SCN_STATUS_DONE ? "done" :
								    "deadlock");
	}
	*got = trace_fmt("%" PRId64, v);
	return cmp(x->cmp, v, x->value);
}

static void verdict(struct exec *e, const struct scn_run_item *it, bool ok,
		    const char *what, const char *got)
{
	e->r->expects++;
	TRACE(.kind = "scn.expect",
	      .detail = trace_fmt("%s: %s%s%s", what, ok ? "ok" : "FAILED",
				  ok ? "" : ", got ", ok ? "" : got));
	if (ok)
		return;
	e->r->failed++;
	if (e->o->diag)
		fprintf(e->o->diag,
			"%s:%u:%u: expectation failed: %s: got %s (trace "
			"position #%" PRIu64 ")\n",
			it->pos.file, it->pos.line, it->pos.col, what, got,
			trace_count());
}

void exec_expect(struct exec *e, const struct scn_run_item *it)
{
	const char *got = "";
	bool ok;

	if (it->expect.kind == SCN_EXPECT_NO_LEAKS ||
	    it->expect.kind == SCN_EXPECT_LEAKS)
		return; /* checked after the run */
	ok = holds(e, &it->expect, &got);
	verdict(e, it, ok, describe(&it->expect), got);
}

void exec_expect_after(struct exec *e)
{
	for (size_t i = 0; i < e->s->nr_run; i++) {
		const struct scn_run_item *it = &e->s->run[i];
		const struct scn_expect *x = &it->expect;

		if (it->kind != SCN_EXPECT || (x->kind != SCN_EXPECT_NO_LEAKS &&
					       x->kind != SCN_EXPECT_LEAKS))
			continue;
		e->r->expects++;
		if (x->kind == SCN_EXPECT_NO_LEAKS ?
			    e->leaks == 0 :
			    cmp(x->cmp, (int64_t)e->leaks, x->value))
			continue;
		e->r->failed++;
		if (e->o->diag)
			fprintf(e->o->diag,
				"%s:%u:%u: expectation failed: %s: got "
				"%" PRIu64 " kernel objects left after the "
				"run (trace position #%" PRIu64 ")\n",
				it->pos.file, it->pos.line, it->pos.col,
				describe(x), e->leaks, e->r->trace_count);
	}
}

struct running {
	char *buf;
	size_t size, len;
};

static int add_running(void *arg, const struct task *t)
{
	struct running *r = arg;

	if (task_done(t) || (t->flags & TASK_F_DAEMON) || r->len >= r->size)
		return 0;
	r->len += (size_t)snprintf(r->buf + r->len, r->size - r->len,
				   "%s%s (%s)", r->len ? ", " : "", t->name,
				   exec_task_where(t));
	return 0;
}

/* At the first limit: the position, and which tasks had not returned. */
void exec_note_status(struct exec *e, enum sched_status st)
{
	struct running r = { e->limit_tasks, sizeof(e->limit_tasks), 0 };

	if (st == SCHED_LIMIT && !e->limit_pos) {
		e->limit_pos = trace_count();
		e->limit_steps = sched_steps();
		e->limit_trace = trace_over_budget;
	} else if (st == SCHED_TIME_LIMIT && !e->time_limit_pos) {
		e->time_limit_pos = trace_count();
	} else {
		return;
	}
	sched_for_each_task(add_running, &r);
	if (r.len >= r.size) /* cut: say so rather than end mid-name */
		snprintf(e->limit_tasks + r.size - 5, 5, "...");
}

bool exec_accounted(const struct scenario *s, const char *kind)
{
	for (size_t i = 0; i < s->nr_run; i++) {
		const struct scn_expect *x = &s->run[i].expect;

		if (s->run[i].kind != SCN_EXPECT)
			continue;
		if ((x->kind == SCN_EXPECT_REPORTS &&
		     (!x->text || !strcmp(x->text, kind))) ||
		    (x->kind == SCN_EXPECT_REPORT && !strcmp(x->text, kind)) ||
		    (x->kind == SCN_EXPECT_STATUS &&
		     x->status == SCN_STATUS_DEADLOCK &&
		     !strcmp(kind, "deadlock")))
			return true;
	}
	return false;
}

static void replay_warnings(struct exec *e)
{
	struct sched_replay_use u;

	if (!sched_replay_use(&u) || !e->o->diag)
		return;
	if (u.past_end)
		fprintf(e->o->diag,
			"vfsim: warning: the replay list ran out after %zu "
			"of %zu choices; choice 0 from there\n",
			u.used, u.used + u.past_end);
	else if (u.used < u.listed)
		fprintf(e->o->diag,
			"vfsim: warning: the replay list was not used up: "
			"%zu choices were left unused\n",
			u.listed - u.used);
}

void exec_check_unexpected(struct exec *e, size_t nr_reports)
{
	FILE *d = e->o->diag;

	for (size_t i = 0; i < nr_reports; i++) {
		const struct check_report *rep = check_at(i);

		assert(rep);
		if (exec_accounted(e->s, rep->kind))
			continue;
		e->r->unexpected++;
		if (d)
			fprintf(d,
				"%s: unexpected report %s: %s (trace position "
				"#%" PRIu64 ")\n",
				e->s->file, rep->kind, rep->message,
				rep->trace_seq);
	}
	/* reports past their kind's cap were counted, not stored */
	for (size_t i = 0; i < check_nr_kinds(); i++) {
		const struct check_kind *k = check_kind_at(i);

		if (!k->dropped || exec_accounted(e->s, k->kind))
			continue;
		e->r->unexpected += k->dropped;
		if (d)
			fprintf(d,
				"%s: %zu more unexpected reports %s not kept "
				"(the first %zu of each kind are)\n",
				e->s->file, k->dropped, k->kind,
				k->filed - k->dropped);
	}
	if (e->limit_pos) {
		e->r->limit = true;
		if (d && e->limit_trace)
			fprintf(d,
				"%s: the run stopped: the kept trace reached "
				"its memory budget (%" PRIu64 " %s, %zu events "
				"kept) (trace position #%" PRIu64 "); a run "
				"whose expectations do not read the trace keeps "
				"none%s%s\n",
				e->s->file,
				trace_budget() >>
					(trace_budget() < (1 << 20) ? 10 : 20),
				trace_budget() < (1 << 20) ? "KiB" : "MiB",
				trace_kept(), e->limit_pos,
				e->limit_tasks[0] ? "; still running: " : "",
				e->limit_tasks);
		else if (d)
			fprintf(d,
				"%s: the run stopped at the step limit "
				"(%" PRIu64 " steps) (trace position #%" PRIu64
				")%s%s\n",
				e->s->file, e->limit_steps, e->limit_pos,
				e->limit_tasks[0] ? "; still running: " : "",
				e->limit_tasks);
	}
	if (e->time_limit_pos) {
		char lim[32];

		e->r->time_limit = true;
		scenario_format_duration(sched_max_time(), lim, sizeof(lim));
		if (d)
			fprintf(d,
				"%s: the run stopped at the virtual-time limit "
				"(%s): the clock would pass it (trace position "
				"#%" PRIu64 ")%s%s\n",
				e->s->file, lim, e->time_limit_pos,
				e->limit_tasks[0] ? "; still running: " : "",
				e->limit_tasks);
	}
	replay_warnings(e);
}
