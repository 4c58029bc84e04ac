// SPDX-License-Identifier: GPL-2.0-only
/*
 * console.c - `vfsim step FILE`: the stepping console. It opens the
 * scenario's session (session.h), reads commands one per line, and
 * steps, stops and goes back; console_show.c looks at the machine.
 *
 * The console never acts on the machine other than through
 * vfsim_session_step(): no timer, task or allocation of its own reaches
 * it, and every `show` only reads. The state at step K therefore depends
 * on the scenario, the policy and K alone, which is what `back` relies
 * on: it opens the session again and takes K steps, and checks that the
 * trace it gets hashes to what was recorded at step K.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli/console_internal.h"
#include "sim/cli/vfsim_cli.h"

int console_error(struct console *c, const char *fmt, ...)
{
	va_list ap;

	fflush(c->out); /* keep the order when both go to one terminal */
	fputs("vfsim: ", c->err);
	if (!c->tty)
		fprintf(c->err, "line %lu: ", c->lineno);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->err);
	fflush(c->err);
	c->errors++;
	return -1;
}

const char *console_time(u64 ns)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "%llu.%03llu us",
		 (unsigned long long)(ns / 1000),
		 (unsigned long long)(ns % 1000));
	return buf;
}

int console_count(struct console *c, const char *cmd, const char *what,
		  const char *word, unsigned long long max,
		  unsigned long long *out)
{
	unsigned long long v = 0;
	const char *p = word;

	for (; *p >= '0' && *p <= '9' && v <= max; p++)
		v = v * 10 + (unsigned long long)(*p - '0');
	if (p == word || *p || v < 1 || v > max)
		return console_error(c,
				     "%s: expected %s from 1 to %llu, got "
				     "'%s'",
				     cmd, what, max, word);
	*out = v;
	return 0;
}

/* --- the session ------------------------------------------------------ */

static void mark(struct console *c)
{
	if (c->steps >= c->cap_marks) {
		c->cap_marks = c->cap_marks ? 2 * c->cap_marks : 256;
		while (c->cap_marks <= c->steps)
			c->cap_marks *= 2;
		c->marks = realloc(c->marks, c->cap_marks * sizeof(*c->marks));
		if (!c->marks)
			abort(); /* host memory */
	}
	c->marks[c->steps].count = trace_count();
	c->marks[c->steps].hash = trace_hash();
}

/* Open the scenario's session and spawn its tasks: step 0. */
static int open_session(struct console *c)
{
	struct vfsim_exec_opts o = { .policy = c->policy,
				     .format = VFSIM_TRACE_NONE };

	if (vfsim_session_open(c->s, &o, &c->r, &c->ss)) {
		fprintf(c->err, "%s\n", c->r.error);
		return -1;
	}
	vfsim_session_start(c->ss);
	c->steps = 0;
	c->over = false;
	c->last = SCHED_STEPPED;
	c->shown = trace_kept();
	mark(c);
	return 0;
}

static void close_session(struct console *c)
{
	if (!c->ss)
		return;
	vfsim_session_close(c->ss);
	vfsim_result_free(&c->r);
	c->ss = NULL;
}

/* One step; false when the run is over (nothing ran). */
static bool step_once(struct console *c)
{
	enum sched_status st = vfsim_session_step(c->ss);

	c->last = st;
	if (st == SCHED_STEPPED || st == SCHED_TIMER)
		c->steps++;
	else
		c->over = true;
	return !c->over;
}

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
	free(p->word);
	free(p->func);
	p->word = p->func = NULL;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		abort();
	return d;
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

/* Print the events since the last print; say which goal or breakpoint
 * they reached. Returns true when one was. */
static bool scan(struct console *c, const struct goal *g)
{
	size_t from = c->shown, to = trace_kept();
	bool stop = false;
	char line[1024];

	for (size_t i = from; i < to; i++) {
		trace_format_text(trace_event_at(i), line, sizeof(line));
		fprintf(c->out, "%s\n", line);
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
	for (u64 taken = 0; !c->over && taken < g->max; taken++) {
		bool hit;

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
		step_once(c);
		hit = scan(c, g);
		mark(c);
		if (hit)
			break;
	}
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

static int cmd_step(struct console *c, const struct console_args *a)
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

static int cmd_continue(struct console *c, const struct console_args *a)
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

static int cmd_next(struct console *c, const struct console_args *a)
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
	static const struct {
		const char *unit;
		u64 mul;
	} units[] = { { "ns", 1 },
		      { "us", 1000 },
		      { "ms", 1000000 },
		      { "s", 1000000000 } };
	u64 v = 0;
	const char *p = w;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (u64)(*p - '0');
	}
	if (p == w)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(p, units[i].unit))
			continue;
		if (v > UINT64_MAX / units[i].mul)
			return -ERANGE;
		*ns = v * units[i].mul;
		return 0;
	}
	return -EINVAL;
}

static int cmd_until(struct console *c, const struct console_args *a)
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

static int cmd_break(struct console *c, const struct console_args *a)
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
	c->bps = realloc(c->bps, (c->nr_bps + 1) * sizeof(*c->bps));
	if (!c->bps)
		abort();
	bp = &c->bps[c->nr_bps++];
	bp->id = ++c->next_bp;
	bp->pat = p;
	bp->hits = 0;
	fprintf(c->out, "breakpoint %u: %s\n", bp->id, pat_name(&p));
	return 0;
}

static int cmd_delete(struct console *c, const struct console_args *a)
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

static void clear_bps(struct console *c)
{
	for (size_t i = 0; i < c->nr_bps; i++)
		pat_free(&c->bps[i].pat);
	free(c->bps);
	c->bps = NULL;
	c->nr_bps = 0;
}

static int cmd_clear(struct console *c, const struct console_args *a)
{
	size_t n = c->nr_bps;

	if (a->argc > 1)
		return console_error(c,
				     "clear: unexpected '%s' (it takes no "
				     "argument; 'delete N' deletes one)",
				     a->argv[1]);
	clear_bps(c);
	fprintf(c->out, "deleted %zu breakpoint%s\n", n, n == 1 ? "" : "s");
	return 0;
}

/* --- back, where, quit -------------------------------------------------- */

static int cmd_back(struct console *c, const struct console_args *a)
{
	unsigned long long n = 1;
	u64 target;

	if (a->argc > 2)
		return console_error(c,
				     "back: unexpected '%s' (expected "
				     "back [N])",
				     a->argv[2]);
	if (!c->steps)
		return console_error(c, "back: at step 0, the start: there "
					"is nothing to go back to");
	if (a->argc == 2 &&
	    console_count(c, "back", "a step count", a->argv[1], c->steps, &n))
		return -1;
	target = c->steps - n;
	close_session(c);
	if (open_session(c)) {
		c->quit = true; /* it opened before: the host is in trouble */
		return console_error(c, "back: cannot build the machine "
					"again");
	}
	while (c->steps < target && step_once(c))
		;
	c->shown = trace_kept();
	if (c->steps != target || trace_count() != c->marks[target].count ||
	    trace_hash() != c->marks[target].hash) {
		mark(c);
		return console_error(c,
				     "back: the re-run did not reproduce "
				     "step %llu (a vfsim bug: the run is not "
				     "deterministic)",
				     (unsigned long long)target);
	}
	fprintf(c->out, "back %llu step%s, by re-running the scenario\n", n,
		n == 1 ? "" : "s");
	console_where(c);
	return 0;
}

static int cmd_where(struct console *c, const struct console_args *a)
{
	if (a->argc > 1)
		return console_error(c,
				     "where: unexpected '%s' (it takes no "
				     "argument)",
				     a->argv[1]);
	console_where(c);
	return 0;
}

static int cmd_quit(struct console *c, const struct console_args *a)
{
	if (a->argc > 1)
		return console_error(c,
				     "quit: unexpected '%s' (it takes no "
				     "argument)",
				     a->argv[1]);
	c->quit = true;
	return 0;
}

/* --- the command loop --------------------------------------------------- */

static const struct {
	const char *name, *alias;
	int (*fn)(struct console *c, const struct console_args *a);
} commands[] = {
	{ "step", "s", cmd_step },	{ "next", "n", cmd_next },
	{ "until", "u", cmd_until },	{ "continue", "c", cmd_continue },
	{ "break", "b", cmd_break },	{ "delete", "d", cmd_delete },
	{ "clear", NULL, cmd_clear },	{ "back", NULL, cmd_back },
	{ "show", NULL, console_show }, { "picture", NULL, console_picture },
	{ "where", NULL, cmd_where },	{ "help", "h", console_help },
	{ "quit", "q", cmd_quit },
};

/* Split @line into words; "..." is one word (\" and \\ inside). */
static int split(struct console *c, const char *line, struct console_args *a)
{
	char *o = a->buf, *end = a->buf + sizeof(a->buf) - 1;
	const char *p = line;

	a->argc = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return 0;
		if (a->argc == CONSOLE_MAX_ARGS)
			return console_error(c, "too many words (at most %d)",
					     CONSOLE_MAX_ARGS);
		a->quoted[a->argc] = *p == '"';
		a->argv[a->argc++] = o;
		if (*p == '"') {
			for (p++; *p && *p != '"' && o < end; p++) {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				*o++ = *p;
			}
			if (*p != '"')
				return console_error(
					c, o == end ?
						   "the line is too long" :
						   "unterminated \"string\"");
			p++;
		} else {
			while (*p && *p != ' ' && *p != '\t' && o < end)
				*o++ = *p++;
		}
		if (o == end)
			return console_error(c, "the line is too long");
		*o++ = '\0';
	}
}

static void execute(struct console *c, const char *line)
{
	struct console_args a;

	if (split(c, line, &a) || !a.argc)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(a.argv[0], commands[i].name) &&
		    (!commands[i].alias ||
		     strcmp(a.argv[0], commands[i].alias)))
			continue;
		a.argv[0] = (char *)commands[i].name;
		commands[i].fn(c, &a);
		return;
	}
	console_error(c,
		      "unknown command '%s' (commands: step, next, until, "
		      "continue, break, delete, clear, back, show, picture, "
		      "where, help, quit)",
		      a.argv[0]);
}

static void loop(struct console *c)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while (!c->quit) {
		char *p;

		if (c->tty) {
			fputs("(vfsim) ", c->out);
			fflush(c->out);
		}
		n = getline(&line, &cap, c->in);
		if (n < 0) {
			if (c->tty)
				fputc('\n', c->out);
			break;
		}
		c->lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (!*p || *p == '#')
			continue;
		if (!c->tty) /* a script's transcript shows what ran */
			fprintf(c->out, "(vfsim) %s\n", p);
		execute(c, p);
		fflush(c->out);
	}
	free(line);
}

/* --policy replay:FILE -> the choices the file holds. */
static char *read_policy(FILE *err, const char *policy)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if (strncmp(policy, "replay:", 7) ||
	    (policy[7] >= '0' && policy[7] <= '9')) {
		buf = strdup(policy);
		if (!buf)
			abort();
		return buf;
	}
	f = fopen(policy + 7, "r");
	if (!f) {
		fprintf(err, "vfsim: cannot read '%s': %s\n", policy + 7,
			strerror(errno));
		return NULL;
	}
	n = getline(&buf, &cap, f);
	fclose(f);
	if (n <= 0 || strncmp(buf, "replay:", 7)) {
		fprintf(err,
			"vfsim: '%s' holds no choices (expected a line "
			"'replay:I,J,...')\n",
			policy + 7);
		free(buf);
		return NULL;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf;
}

static int usage_error(FILE *err, const char *msg, const char *arg)
{
	fprintf(err, "vfsim: step: ");
	fprintf(err, msg, arg);
	fprintf(err, " (see vfsim step --help)\n");
	return 2;
}

static int parse_args(struct console *c, int argc, char **argv)
{
	const char *policy = NULL;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			console_usage(c->out);
			return 0;
		}
		if (!strcmp(a, "--policy") || !strcmp(a, "--out")) {
			if (i + 1 == argc)
				return usage_error(c->err, "'%s' needs a value",
						   a);
			if (!strcmp(a, "--policy"))
				policy = argv[++i];
			else
				c->outdir = argv[++i];
		} else if (a[0] == '-') {
			return usage_error(c->err, "unknown option '%s'", a);
		} else if (c->file) {
			return usage_error(c->err,
					   "one scenario at a time: unexpected "
					   "'%s'",
					   a);
		} else {
			c->file = a;
		}
	}
	if (!c->file)
		return usage_error(c->err, "%s", "missing scenario FILE");
	if (policy && !(c->policy = read_policy(c->err, policy)))
		return 2;
	return -1;
}

int vfsim_cmd_step(int argc, char **argv, FILE *in, FILE *out, FILE *err)
{
	struct console c = { .in = in, .out = out, .err = err, .outdir = "." };
	struct scenario_error perr;
	int status = parse_args(&c, argc, argv);

	if (status >= 0)
		return status;
	c.tty = isatty(fileno(in)) == 1;
	status = 2;
	if (scenario_parse_file(c.file, &c.s, &perr)) {
		fprintf(err, perr.line ? "%s\n" : "vfsim: %s\n", perr.msg);
		goto out;
	}
	if (open_session(&c))
		goto out;
	console_banner(&c);
	loop(&c);
	status = !c.tty && c.errors ? 1 : 0;
out:
	close_session(&c);
	clear_bps(&c);
	free(c.marks);
	scenario_free(c.s);
	free(c.policy);
	return status;
}
