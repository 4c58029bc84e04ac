// SPDX-License-Identifier: GPL-2.0-only
/*
 * console_step.c - the console's stepping commands (step, next, until,
 * continue) and its breakpoints. Every command steps through
 * console_step_once() and looks at the trace events each step emitted,
 * after the step: a task runs to its next yield point, so there is no
 * point in between to stop at.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/console_internal.h"
#include "sim/trace/host.h"
#include "sim/trace/trace_kinds.h"

/* --- patterns ----------------------------------------------------------- */

static bool pat_match(const struct console_pat *p, const struct trace_event *ev)
{
	struct scn_match m = { .kind = SCN_MATCH_KIND };

	switch (p->kind) {
	case CONSOLE_PAT_WORD:
		return (ev->kind && !strcmp(ev->kind, p->word)) ||
		       (ev->func && !strcmp(ev->func, p->word));
	case CONSOLE_PAT_FUNC:
		return ev->func && !strcmp(ev->func, p->word);
	case CONSOLE_PAT_KIND:
		m.ev_kind = p->word;
		m.func = p->func;
		return vfsim_match(&m, ev);
	default:
		m.kind = SCN_MATCH_TEXT;
		m.text = p->word;
		return vfsim_match(&m, ev);
	}
}

static const char *pat_name(const struct console_pat *p)
{
	static char buf[600];

	switch (p->kind) {
	case CONSOLE_PAT_WORD:
		snprintf(buf, sizeof(buf), "%s", p->word);
		break;
	case CONSOLE_PAT_FUNC:
		snprintf(buf, sizeof(buf), "func %s", p->word);
		break;
	case CONSOLE_PAT_KIND:
		snprintf(buf, sizeof(buf), "event %s%s%s", p->word,
			 p->func ? ":" : "", p->func ? p->func : "");
		break;
	default:
		snprintf(buf, sizeof(buf), "\"%s\"", p->word);
		break;
	}
	return buf;
}

static void pat_free(struct console_pat *p)
{
	host_free(p->word);
	host_free(p->func);
	p->word = p->func = NULL;
}

static char *xstrdup(const char *s)
{
	char *d = host_strdup(s);

	return d;
}

/*
 * An event kind must be one the trace emits: `event KIND`, KIND:FUNC, and
 * a bare WORD with a dot (functions have none, so it can only be a kind).
 * A bare WORD without one may name a function and is taken as it is.
 */
static int pat_kind_unknown(struct console *c, const char *cmd,
			    struct console_pat *p)
{
	size_t len = strcspn(p->word, ":");
	char kind[128], why[200];

	if (p->kind != CONSOLE_PAT_KIND &&
	    (p->kind != CONSOLE_PAT_WORD || !strchr(p->word, '.')))
		return 0;
	snprintf(kind, sizeof(kind), "%.*s", (int)len, p->word);
	if (!*kind || !trace_kind_error(kind, why, sizeof(why)))
		return 0;
	pat_free(p);
	return console_error(c, "%s: %s", cmd, why);
}

/* The pattern in a->argv[from...]: event KIND[:FUNC], func NAME,
 * "TEXT", KIND:FUNC or WORD. */
static int pat_parse(struct console *c, const struct console_args *a, int from,
		     struct console_pat *p)
{
	const char *cmd = a->argv[0], *w;
	int i = from;

	memset(p, 0, sizeof(*p));
	if (i >= a->argc)
		return console_error(c,
				     "%s: expected a function, an event or a "
				     "\"text\" (see 'help %s')",
				     cmd, cmd);
	w = a->argv[i];
	if (!a->quoted[i] && (!strcmp(w, "event") || !strcmp(w, "func"))) {
		if (++i >= a->argc)
			return console_error(c, "%s: '%s' needs a name", cmd,
					     w);
		p->kind = !strcmp(w, "func") ? CONSOLE_PAT_FUNC :
					       CONSOLE_PAT_KIND;
		w = a->argv[i];
	} else if (a->quoted[i]) {
		p->kind = CONSOLE_PAT_TEXT;
	} else {
		p->kind = strchr(w, ':') ? CONSOLE_PAT_KIND : CONSOLE_PAT_WORD;
	}
	if (!*w)
		return console_error(c, "%s: the pattern is empty", cmd);
	if (i + 1 < a->argc)
		return console_error(c, "%s: unexpected '%s' after the pattern",
				     cmd, a->argv[i + 1]);
	p->word = xstrdup(w);
	if (p->kind == CONSOLE_PAT_KIND && strchr(p->word, ':')) {
		char *colon = strchr(p->word, ':');

		*colon = '\0';
		if (!*p->word || !colon[1]) {
			pat_free(p);
			return console_error(c,
					     "%s: expected KIND:FUNC, got "
					     "'%s'",
					     cmd, w);
		}
		p->func = xstrdup(colon + 1);
	}
	if (pat_kind_unknown(c, cmd, p))
		return -1;
	return 0;
}

/* --- stepping ----------------------------------------------------------- */

/* What a stepping command runs to (besides breakpoints and the end). */
struct goal {
	u64 max;		       ///< steps at most
	const struct console_pat *pat; ///< until PATTERN
	const char *task;	       ///< next TASK
	bool timed;		       ///< until TIME
	u64 ns;			       ///< that time
};

/* Continuation lines of a wrapped trace line start this far in. */
#define WRAP_INDENT 8

/* @line on the terminal's width: the rest on indented lines. */
static void put_wrapped(struct console *c, const char *line)
{
	size_t len = strlen(line), w = c->width;

	if (!w || len <= w) {
		fprintf(c->out, "%s\n", line);
		return;
	}
	fprintf(c->out, "%.*s\n", (int)w, line);
	for (size_t at = w; at < len; at += w - WRAP_INDENT)
		fprintf(c->out, "%*s%.*s\n", WRAP_INDENT, "",
			(int)(w - WRAP_INDENT), line + at);
}

volatile int console_interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	console_interrupted = 1;
}

/* Print the events since the last print; say which goal or breakpoint
 * they reached. Returns true when one was. */
static bool scan(struct console *c, const struct goal *g)
{
	size_t from = c->shown, to = trace_kept();
	bool stop = false;
	char line[1024];

	for (size_t i = from; i < to; i++) {
		trace_format_text(trace_event_at(i), line, sizeof(line));
		put_wrapped(c, line);
	}
	c->shown = to;
	for (size_t i = from; i < to && (g->pat || g->task); i++) {
		const struct trace_event *ev = trace_event_at(i);

		if ((g->pat && pat_match(g->pat, ev)) ||
		    (g->task && ev->task && !strcmp(ev->task, g->task))) {
			if (g->pat)
				fprintf(c->out, "until: #%llu matches %s\n",
					(unsigned long long)ev->seq,
					pat_name(g->pat));
			else
				fprintf(c->out, "next: #%llu is %s's\n",
					(unsigned long long)ev->seq, g->task);
			stop = true;
			break;
		}
	}
	for (size_t b = 0; b < c->nr_bps; b++) {
		struct console_bp *bp = &c->bps[b];

		for (size_t i = from; i < to; i++) {
			const struct trace_event *ev = trace_event_at(i);

			if (!pat_match(&bp->pat, ev))
				continue;
			bp->hits++;
			fprintf(c->out, "breakpoint %u (%s): #%llu\n", bp->id,
				pat_name(&bp->pat),
				(unsigned long long)ev->seq);
			stop = true;
			break;
		}
	}
	return stop;
}

static void run(struct console *c, const struct goal *g)
{
	/* SA_RESTART: a write to the terminal that the signal interrupts
	 * goes on, rather than failing the output with EINTR. */
	struct sigaction sa = { .sa_handler = on_sigint,
				.sa_flags = SA_RESTART },
			 old;

	/* On a terminal, Ctrl-C stops the command, not the session. */
	console_interrupted = 0;
	if (c->tty)
		sigaction(SIGINT, &sa, &old);
	for (u64 taken = 0; !c->over && taken < g->max; taken++) {
		bool hit;

		if (console_interrupted) {
			fprintf(c->out, "interrupted (Ctrl-C)\n");
			break;
		}
		if (g->timed) {
			u64 next = sched_next_time();

			if (sched_now() >= g->ns) {
				fprintf(c->out, "until: the clock reached %s\n",
					console_time(g->ns));
				break;
			}
			if (next > g->ns && next != UINT64_MAX) {
				fprintf(c->out,
					"until: nothing happens until %s; ",
					console_time(g->ns));
				fprintf(c->out,
					"the next step moves the "
					"clock to %s\n",
					console_time(next));
				break;
			}
		}
		console_step_once(c);
		hit = scan(c, g);
		console_mark(c);
		if (hit)
			break;
	}
	if (c->tty)
		sigaction(SIGINT, &old, NULL);
	console_where(c);
}

/* Stepping commands say so, and do nothing, once the run is over. */
static bool over(struct console *c)
{
	if (!c->over)
		return false;
	fprintf(c->out, "the run is over; 'back N' goes back N steps\n");
	console_where(c);
	return true;
}

int console_cmd_step(struct console *c, const struct console_args *a)
{
	struct goal g = { .max = 1 };
	unsigned long long n;

	if (a->argc > 2)
		return console_error(c,
				     "step: unexpected '%s' (expected "
				     "step [N])",
				     a->argv[2]);
	if (a->argc == 2) {
		if (console_count(c, "step", "a step count", a->argv[1],
				  CONSOLE_MAX_COUNT, &n))
			return -1;
		g.max = n;
	}
	if (!over(c))
		run(c, &g);
	return 0;
}

int console_cmd_continue(struct console *c, const struct console_args *a)
{
	struct goal g = { .max = UINT64_MAX };

	if (a->argc > 1)
		return console_error(c,
				     "continue: unexpected '%s' (it takes "
				     "no argument)",
				     a->argv[1]);
	if (!over(c))
		run(c, &g);
	return 0;
}

struct find_task {
	const char *name;
	bool found, alive;
};

static int find_task(void *arg, const struct task *t)
{
	struct find_task *f = arg;

	if (!strcmp(t->name, f->name)) {
		f->found = true;
		f->alive |= t->state != TASK_DEAD;
	}
	return 0;
}

int console_cmd_next(struct console *c, const struct console_args *a)
{
	struct goal g = { .max = UINT64_MAX };
	struct find_task f = { 0 };

	if (a->argc > 2)
		return console_error(c,
				     "next: unexpected '%s' (expected "
				     "next [TASK])",
				     a->argv[2]);
	if (a->argc == 2) {
		f.name = a->argv[1];
	} else {
		for (size_t i = trace_kept(); i-- > 0 && !f.name;) {
			const char *t = trace_event_at(i)->task;

			if (t && strcmp(t, "-"))
				f.name = t;
		}
		if (!f.name)
			return console_error(c, "next: no task has run yet; "
						"name one (next TASK)");
	}
	sched_for_each_task(find_task, &f);
	if (!f.found)
		return console_error(c,
				     "next: no task named '%s' (see 'show "
				     "tasks')",
				     f.name);
	if (!f.alive)
		return console_error(c, "next: task '%s' has finished", f.name);
	g.task = f.name;
	if (!over(c))
		run(c, &g);
	return 0;
}

/* A duration as the scenario language writes it: 1500us, 2ms, 1s. */
static int parse_time(const char *w, u64 *ns)
{
	return sched_parse_duration(w, ns);
}

int console_cmd_until(struct console *c, const struct console_args *a)
{
	struct goal g = { .max = UINT64_MAX };
	struct console_pat p;
	const char *w = a->argc > 1 ? a->argv[1] : "";
	int from = 1, ret;

	if (a->argc > 1 && !a->quoted[1] && !strcmp(w, "time")) {
		if (a->argc < 3)
			return console_error(c, "until: 'time' needs a time "
						"(e.g. 1500us)");
		w = a->argv[from = 2];
		if (a->argc > 3)
			return console_error(c, "until: unexpected '%s'",
					     a->argv[3]);
	}
	if (a->argc > from && !a->quoted[from] && w[0] >= '0' && w[0] <= '9') {
		ret = parse_time(w, &g.ns);
		if (ret == -ERANGE)
			return console_error(
				c,
				"until: '%s' is too far: the clock "
				"counts 64-bit nanoseconds",
				w);
		if (ret)
			return console_error(c,
					     "until: '%s' is not a time "
					     "(expected a number with ns, us, "
					     "ms or s, e.g. 1500us)",
					     w);
		if (a->argc > from + 1)
			return console_error(c, "until: unexpected '%s'",
					     a->argv[from + 1]);
		if (sched_now() >= g.ns) {
			fprintf(c->out, "until: the clock is at %s already\n",
				console_time(sched_now()));
			return 0;
		}
		g.timed = true;
		if (!over(c))
			run(c, &g);
		return 0;
	}
	if (from == 2)
		return console_error(c,
				     "until: '%s' is not a time (expected a "
				     "number with ns, us, ms or s, e.g. "
				     "1500us)",
				     w);
	if (pat_parse(c, a, 1, &p))
		return -1;
	g.pat = &p;
	if (!over(c))
		run(c, &g);
	pat_free(&p);
	return 0;
}

/* --- breakpoints -------------------------------------------------------- */

int console_cmd_break(struct console *c, const struct console_args *a)
{
	struct console_bp *bp;
	struct console_pat p;

	if (a->argc == 1) {
		if (!c->nr_bps)
			fprintf(c->out, "no breakpoints\n");
		for (size_t i = 0; i < c->nr_bps; i++)
			fprintf(c->out, "breakpoint %u: %s (hit %llu times)\n",
				c->bps[i].id, pat_name(&c->bps[i].pat),
				c->bps[i].hits);
		return 0;
	}
	if (pat_parse(c, a, 1, &p))
		return -1;
	c->bps = host_realloc(c->bps, (c->nr_bps + 1) * sizeof(*c->bps));
	bp = &c->bps[c->nr_bps++];
	bp->id = ++c->next_bp;
	bp->pat = p;
	bp->hits = 0;
	fprintf(c->out, "breakpoint %u: %s\n", bp->id, pat_name(&p));
	return 0;
}

int console_cmd_delete(struct console *c, const struct console_args *a)
{
	unsigned long long id;

	if (a->argc != 2)
		return console_error(c, "delete: expected one breakpoint "
					"number (delete N; 'clear' deletes "
					"them all)");
	if (console_count(c, "delete", "a breakpoint number", a->argv[1],
			  UINT32_MAX, &id))
		return -1;
	for (size_t i = 0; i < c->nr_bps; i++) {
		if (c->bps[i].id != id)
			continue;
		pat_free(&c->bps[i].pat);
		memmove(&c->bps[i], &c->bps[i + 1],
			(c->nr_bps - i - 1) * sizeof(*c->bps));
		c->nr_bps--;
		fprintf(c->out, "deleted breakpoint %llu\n", id);
		return 0;
	}
	return console_error(c, "delete: no breakpoint %llu (see 'break')", id);
}

void console_clear_bps(struct console *c)
{
	for (size_t i = 0; i < c->nr_bps; i++)
		pat_free(&c->bps[i].pat);
	host_free(c->bps);
	c->bps = NULL;
	c->nr_bps = 0;
}

int console_cmd_clear(struct console *c, const struct console_args *a)
{
	size_t n = c->nr_bps;

	if (a->argc > 1)
		return console_error(c,
				     "clear: unexpected '%s' (it takes no "
				     "argument; 'delete N' deletes one)",
				     a->argv[1]);
	if (!n)
		fprintf(c->out, "no breakpoints to delete\n");
	for (size_t i = 0; i < n; i++)
		fprintf(c->out, "deleted breakpoint %u: %s\n", c->bps[i].id,
			pat_name(&c->bps[i].pat));
	console_clear_bps(c);
	return 0;
}
