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
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sim/cli/console_internal.h"
#include "sim/cli/vfsim_cli.h"
#include "sim/trace/host.h"

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

void console_mark(struct console *c)
{
	if (c->steps >= c->cap_marks) {
		c->cap_marks = c->cap_marks ? 2 * c->cap_marks : 256;
		while (c->cap_marks <= c->steps)
			c->cap_marks *= 2;
		c->marks = host_realloc(c->marks,
					c->cap_marks * sizeof(*c->marks));
	}
	c->marks[c->steps].count = trace_count();
	c->marks[c->steps].hash = trace_hash();
}

/* Open the scenario's session and spawn its tasks: step 0. */
static int open_session(struct console *c)
{
	struct vfsim_exec_opts o = { .policy = c->policy,
				     .format = VFSIM_TRACE_NONE,
				     .max_time_ns = c->max_time };

	if (vfsim_session_open(c->s, &o, &c->r, &c->ss)) {
		fprintf(c->err, "%s\n", c->r.error);
		return -1;
	}
	vfsim_session_start(c->ss);
	c->steps = 0;
	c->over = false;
	c->last = SCHED_STEPPED;
	c->shown = trace_kept();
	console_mark(c);
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

bool console_step_once(struct console *c)
{
	enum sched_status st = vfsim_session_step(c->ss);

	c->last = st;
	if (st == SCHED_STEPPED || st == SCHED_TIMER)
		c->steps++;
	else
		c->over = true;
	return !c->over;
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
	while (c->steps < target && console_step_once(c))
		;
	c->shown = trace_kept();
	if (c->steps != target || trace_count() != c->marks[target].count ||
	    trace_hash() != c->marks[target].hash) {
		console_mark(c);
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
	{ "step", "s", console_cmd_step },
	{ "next", "n", console_cmd_next },
	{ "until", "u", console_cmd_until },
	{ "continue", "c", console_cmd_continue },
	{ "break", "b", console_cmd_break },
	{ "delete", "d", console_cmd_delete },
	{ "clear", NULL, console_cmd_clear },
	{ "back", NULL, cmd_back },
	{ "show", NULL, console_show },
	{ "picture", NULL, console_picture },
	{ "where", NULL, cmd_where },
	{ "help", "h", console_help },
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

static struct vfsim_line_editor editor;

void vfsim_cli_set_line_editor(const struct vfsim_line_editor *ed)
{
	editor = ed ? *ed : (struct vfsim_line_editor){ 0 };
}

/* One line from the editor, in getline()'s terms. */
static ssize_t edit_line(char **line, size_t *cap)
{
	char *l = editor.read_line("(vfsim) ");
	size_t n;

	if (!l)
		return -1;
	n = strlen(l);
	if (n + 1 > *cap) {
		*line = host_realloc(*line, n + 1);
		*cap = n + 1;
	}
	memcpy(*line, l, n + 1);
	host_free(l);
	if (*line[0] && editor.remember)
		editor.remember(*line);
	return (ssize_t)n;
}

/* The stepping commands, which an empty line repeats (as in gdb). */
static bool repeatable(const char *p)
{
	static const char *const cmds[] = { "step",  "s", "next",     "n",
					    "until", "u", "continue", "c" };
	size_t len = strcspn(p, " \t");

	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (strlen(cmds[i]) == len && !strncmp(p, cmds[i], len))
			return true;
	return false;
}

static void loop(struct console *c)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while (!c->quit) {
		char *p;

		if (c->tty && !editor.read_line) {
			fputs("(vfsim) ", c->out);
			fflush(c->out);
		}
		errno = 0;
		if (c->tty && editor.read_line)
			n = edit_line(&line, &cap);
		else
			n = getline(&line, &cap, c->in);
		/* getline() failing to grow its line is no error of the
		 * stream: only errno tells it from the end of the input */
		if (n < 0 && errno == ENOMEM)
			host_oom(0);
		if (n < 0 && ferror(c->in)) {
			fprintf(c->err,
				"vfsim: step: cannot read the "
				"commands: %s\n",
				strerror(errno));
			c->errors++;
			break;
		}
		if (n < 0) {
			if (c->tty)
				fputc('\n', c->out);
			break;
		}
		c->lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		/* on a terminal, an empty line repeats the last step */
		if (!*p && c->tty && c->repeat[0])
			p = c->repeat;
		if (!*p || *p == '#')
			continue;
		if (!c->tty) /* a script's transcript shows what ran */
			fprintf(c->out, "(vfsim) %s\n", p);
		if (p != c->repeat && c->tty)
			snprintf(c->repeat, sizeof(c->repeat), "%s",
				 repeatable(p) ? p : "");
		execute(c, p);
		/* Nobody reads what comes next: stop here (the status says
		 * the output was lost). */
		if (fflush(c->out) || ferror(c->out))
			break;
	}
	host_free(line);
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
	bool opts = true, seen_time = false;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (opts && !strcmp(a, "--")) {
			opts = false; /* a FILE may start with '-' after it */
			continue;
		}
		if (!opts) {
			if (c->file)
				return usage_error(c->err,
						   "one scenario at a time: "
						   "unexpected '%s'",
						   a);
			c->file = a;
			continue;
		}
		if (((!strcmp(a, "--policy") && policy) ||
		     (!strcmp(a, "--out") && c->outdir) ||
		     (!strcmp(a, "--time-limit") && seen_time)))
			return usage_error(c->err, "'%s' given twice", a);
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			console_usage(c->out);
			return 0;
		}
		if (!strcmp(a, "--policy") || !strcmp(a, "--out") ||
		    !strcmp(a, "--time-limit")) {
			if (i + 1 == argc)
				return usage_error(c->err, "'%s' needs a value",
						   a);
			if (!strcmp(a, "--policy"))
				policy = argv[++i];
			else if (!strcmp(a, "--out"))
				c->outdir = argv[++i];
			else if ((seen_time = true) &&
				 vfsim_cli_time_limit(c->err, argv[++i],
						      &c->max_time))
				return 2;
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
	if (policy && !(c->policy = vfsim_cli_policy(c->err, policy)))
		return 2;
	return -1;
}

int vfsim_cmd_step(int argc, char **argv, FILE *in, FILE *out, FILE *err)
{
	struct console c = { .in = in, .out = out, .err = err };
	struct scenario_error perr;
	int status = parse_args(&c, argc, argv);

	if (status >= 0)
		return status;
	c.tty = isatty(fileno(in)) == 1;
	if (c.tty && isatty(fileno(out)) == 1) {
		struct winsize ws;

		if (!ioctl(fileno(out), TIOCGWINSZ, &ws) && ws.ws_col >= 20)
			c.width = ws.ws_col;
	}
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
	console_clear_bps(&c);
	host_free(c.marks);
	scenario_free(c.s);
	host_free(c.policy);
	return status;
}
