// SPDX-License-Identifier: GPL-2.0-only
/*
 * scenario_parse.c - the scenario parser's entry points, the statement
 * dispatcher, block structure and the configuration statements.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli/scenario_internal.h"
#include "sim/trace/host.h"
#include "sim/trace/trace_kinds.h"

/* ---- small helpers shared by the statement parsers --------------------- */

const struct scn_tok *scn_need(struct scn_parser *P, size_t i, const char *what)
{
	if (i >= P->nr_toks) {
		const struct scn_tok *last = &P->toks[P->nr_toks - 1];
		char b[80];

		scn_fail(P, -EINVAL, last->col,
			 "missing %s after '%s' (found the end of the line)",
			 what, scn_tok_str(last, b, sizeof(b)));
	}
	return &P->toks[i];
}

void scn_no_more(struct scn_parser *P, size_t i)
{
	char b[80];

	if (i < P->nr_toks)
		scn_fail(P, -EINVAL, P->toks[i].col,
			 "unexpected '%s' (expected the end of the line)",
			 scn_tok_str(&P->toks[i], b, sizeof(b)));
}

void scn_no_var(struct scn_parser *P, const struct scn_tok *t)
{
	if (t->var)
		scn_fail(P, -EINVAL, t->vcol,
			 "'$i' is not allowed here (only in operation "
			 "arguments inside a repeat block)");
}

/* A keyword from a NULL-terminated list, or an error listing them all. */
int scn_one_of(struct scn_parser *P, const struct scn_tok *t,
	       const char *const *names, const char *what)
{
	char list[512], b[80];
	size_t n = 0;

	if (t->kind != SCN_TK_STRING && !(t->kind == SCN_TK_KEYVAL && t->str))
		for (int i = 0; names[i]; i++)
			if (!strcmp(t->text, names[i]))
				return i;
	list[0] = 0;
	for (int i = 0; names[i] && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
				      i ? ", " : "", names[i]);
	if (t->kind == SCN_TK_KEYVAL && !t->str)
		snprintf(b, sizeof(b), "%.60s", t->text);
	else
		scn_tok_str(t, b, sizeof(b));
	scn_fail(P, -EINVAL, t->vcol, "unknown %s '%s' (expected one of: %s)",
		 what, b, list);
}

/* The current line starts phase @p phase: remember where each began. */
static void enter_phase(struct scn_parser *P, int phase)
{
	if (P->phase < 1)
		P->config_end = P->line;
	if (phase == 2 && P->phase < 2)
		P->run_start = P->line;
	if (P->phase < phase)
		P->phase = phase;
}

static void config_only(struct scn_parser *P, const struct scn_tok *t)
{
	if (P->phase)
		scn_fail(P, -EINVAL, t->col,
			 "'%s' is configuration: it must come before the "
			 "first task, event block or run statement (found "
			 "after line %u)",
			 t->text, P->config_end);
}

void scn_once(struct scn_parser *P, const struct scn_tok *t,
	      const struct scn_pos *prev)
{
	if (prev->line)
		scn_fail(P, -EEXIST, t->col,
			 "duplicate '%s' (already given at line %u)", t->text,
			 prev->line);
}

/* ---- blocks ----------------------------------------------------------- */

static struct scn_blk *push_blk(struct scn_parser *P, enum scn_blk_kind kind,
				const struct scn_tok *t)
{
	struct scn_blk *b;

	assert(!P->depth); /* task, fs, at and on open at the top level */
	b = &P->stack[P->depth++];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->pos = scn_pos_at(P, t->col);
	return b;
}

static const char *blk_name(enum scn_blk_kind k)
{
	static const char *const n[] = { "task", "repeat", "fs", "at", "on" };

	return n[k];
}

void scn_close_block(struct scn_parser *P)
{
	struct scn_blk *b;

	scn_no_more(P, 1);
	assert(P->depth);
	b = &P->stack[--P->depth];
	if (b->kind == SCN_BLK_TASK) {
		P->task->ops = b->ops;
		P->task->nr_ops = b->nr;
		P->task = NULL;
	} else if (b->kind == SCN_BLK_REPEAT) {
		struct scn_blk *parent = &P->stack[P->depth - 1];
		struct scn_op *op;

		if (!b->nr)
			scn_fail(P, -EINVAL, P->toks[0].col,
				 "empty repeat block (opened at line %u; "
				 "expected at least one operation)",
				 b->pos.line);
		op = scn_push(P, &parent->ops, &parent->nr, &parent->cap,
			      sizeof(*op));
		*op = b->op;
		op->body = b->ops;
		op->nr_body = b->nr;
		P->repeat_depth--;
	} else if (b->kind == SCN_BLK_AT || b->kind == SCN_BLK_ON) {
		struct scn_trigger *tr = &P->s->triggers[P->s->nr_triggers - 1];

		if (!tr->nr_actions)
			scn_fail(P, -EINVAL, P->toks[0].col,
				 "empty '%s' block (opened at line %u; "
				 "expected at least one action)",
				 blk_name(b->kind), b->pos.line);
	}
}

static void parse_task(struct scn_parser *P)
{
	struct scenario *s = P->s;
	const struct scn_tok *t = scn_need(P, 1, "task name");
	struct scn_task *task;
	char b[80];

	scn_no_var(P, t);
	if (t->kind != SCN_TK_WORD || !scn_is_name(t->text))
		scn_fail(P, -EINVAL, t->col,
			 "bad task name '%s' (expected a name: letters, "
			 "digits, '_', '.', '-', not starting with a digit)",
			 scn_tok_str(t, b, sizeof(b)));
	for (size_t i = 0; i < s->nr_tasks; i++)
		if (!strcmp(s->tasks[i].name, t->text))
			scn_fail(P, -EEXIST, t->col,
				 "duplicate task '%s' (already defined at "
				 "line %u)",
				 t->text, s->tasks[i].pos.line);
	task = scn_push(P, &s->tasks, &s->nr_tasks, &P->cap_tasks,
			sizeof(*task));
	task->pos = scn_pos_at(P, P->toks[0].col);
	task->name = t->text;
	task->cpu = -1;
	for (size_t i = 2; i < P->nr_toks; i++) {
		const struct scn_tok *o = &P->toks[i];

		scn_no_var(P, o);
		if (o->kind == SCN_TK_KEYVAL && !strcmp(o->key, "cpu") &&
		    task->cpu < 0)
			task->cpu = (int)scn_uint(P, o, 0, 63, "cpu");
		else if (o->kind == SCN_TK_WORD &&
			 !strcmp(o->text, "stop-on-error") &&
			 !task->stop_on_error)
			task->stop_on_error = true;
		else if (o->kind == SCN_TK_WORD && !strcmp(o->text, "daemon") &&
			 !task->daemon)
			task->daemon = true;
		else
			scn_fail(P, -EINVAL, o->col,
				 "unexpected '%s' (expected cpu=N, "
				 "stop-on-error or daemon, each at most once)",
				 scn_tok_str(o, b, sizeof(b)));
	}
	push_blk(P, SCN_BLK_TASK, &P->toks[0]);
	P->task = task;
	P->nr_handles = 0;
}

void scn_match(struct scn_parser *P, const struct scn_tok *t,
	       struct scn_match *m)
{
	char b[80];

	scn_no_var(P, t);
	m->pos = scn_pos_at(P, t->col);
	if (t->kind == SCN_TK_STRING) {
		if (!*t->text)
			scn_fail(P, -EINVAL, t->col,
				 "empty event text (expected some text)");
		m->kind = SCN_MATCH_TEXT;
		m->text = t->text;
		return;
	}
	if (t->kind == SCN_TK_WORD) {
		const char *colon = strchr(t->text, ':');
		char *k = scn_strndup(P, t->text,
				      colon ? (size_t)(colon - t->text) :
					      strlen(t->text));

		if (scn_is_name(k) && (!colon || scn_is_name(colon + 1))) {
			char why[160];

			if (trace_kind_error(k, why, sizeof(why)))
				scn_fail(P, -EINVAL, t->col, "%s", why);
			m->kind = SCN_MATCH_KIND;
			m->ev_kind = k;
			m->func = colon ? colon + 1 : NULL;
			return;
		}
	}
	scn_fail(P, -EINVAL, t->col,
		 "bad event '%s' (expected KIND, KIND:FUNC or \"TEXT\")",
		 scn_tok_str(t, b, sizeof(b)));
}

static void parse_trigger(struct scn_parser *P, bool at)
{
	struct scenario *s = P->s;
	const struct scn_tok *t = scn_need(P, 1, at ? "time" : "event");
	struct scn_trigger *tr;

	tr = scn_push(P, &s->triggers, &s->nr_triggers, &P->cap_triggers,
		      sizeof(*tr));
	tr->pos = scn_pos_at(P, P->toks[0].col);
	if (at) {
		tr->kind = SCN_TRIGGER_AT;
		scn_no_var(P, t);
		tr->ns = scn_duration(P, t, "at");
	} else {
		tr->kind = SCN_TRIGGER_ON;
		scn_match(P, t, &tr->match);
	}
	scn_no_more(P, 2);
	P->cap_actions = 0;
	push_blk(P, at ? SCN_BLK_AT : SCN_BLK_ON, &P->toks[0]);
}

/* ---- the dispatcher ---------------------------------------------------- */

static const char *const top_words[] = {
	"machine", "bug",    "device", "policy", "fault", "migration",
	"fs",	   "driver", "task",   "at",	 "on",	  "run",
	"step",	   "expect", "end",    NULL,
};

void scn_parse_line(struct scn_parser *P)
{
	const struct scn_tok *t = &P->toks[0];
	struct scn_blk *b = P->depth ? &P->stack[P->depth - 1] : NULL;
	char buf[80];
	int k;

	if (t->kind != SCN_TK_WORD)
		scn_fail(P, -EINVAL, t->col,
			 "unexpected '%s' (expected a statement keyword)",
			 scn_tok_str(t, buf, sizeof(buf)));
	if (b && !strcmp(t->text, "end")) {
		scn_close_block(P);
		return;
	}
	if (b && (b->kind == SCN_BLK_TASK || b->kind == SCN_BLK_REPEAT)) {
		scn_parse_op(P);
		return;
	}
	if (b && b->kind == SCN_BLK_FS) {
		scn_parse_fs_entry(P);
		return;
	}
	if (b) {
		scn_parse_action(P);
		return;
	}
	k = scn_one_of(P, t, top_words, "statement");
	if (k <= 7) {
		config_only(P, t);
	} else if (k <= 10) {
		if (P->phase == 2)
			scn_fail(P, -EINVAL, t->col,
				 "'%s' must come before the first run "
				 "statement (line %u)",
				 t->text, P->run_start);
		enter_phase(P, 1);
	} else if (k <= 13) {
		enter_phase(P, 2);
	}
	switch (k) {
	case 0:
		scn_parse_machine(P);
		break;
	case 1:
		scn_parse_bug(P);
		break;
	case 2:
		scn_parse_device(P);
		break;
	case 3:
		scn_parse_policy(P);
		break;
	case 4:
		scn_parse_fault(P);
		break;
	case 5:
		scn_parse_migration(P);
		break;
	case 6:
		scn_once(P, t, &P->s->fs_pos);
		scn_no_more(P, 1);
		P->s->fs_pos = scn_pos_at(P, t->col);
		push_blk(P, SCN_BLK_FS, t);
		break;
	case 7:
		scn_parse_driver(P);
		break;
	case 8:
		parse_task(P);
		break;
	case 9:
	case 10:
		parse_trigger(P, k == 9);
		break;
	case 14:
		scn_fail(P, -EINVAL, t->col,
			 "'end' without an open block (expected a statement)");
	default:
		scn_parse_run(P);
		break;
	}
}

/* ---- entry points ------------------------------------------------------ */

static void set_defaults(struct scenario *s)
{
	s->machine.tag = "myfs";
	s->machine.queues = 1;
	s->machine.queue_size = 128;
	s->driver.variant = "mainline";
	s->machine.cpus = 1;
	s->machine.devices = 1;
	s->device.order = SCN_ORDER_IN;
	s->device.batch = 1;
	s->device.workers = 1;
	s->policy.kind = SCN_POLICY_FIFO;
	s->policy.spec = "fifo";
	s->migration.policy = SCN_MIGRATION_ABORT;
}

/* The one setjmp() of a parse: scn_fail() lands here with P->err set. */
static int parse_all(struct scn_parser *P)
{
	if (setjmp(P->fail))
		return P->err->code;
	P->s->file = scn_strndup(P, P->s->file, strlen(P->s->file));
	while (scn_lex_line(P))
		if (P->nr_toks)
			scn_parse_line(P);
	if (P->depth) {
		struct scn_blk *b = &P->stack[P->depth - 1];

		scn_fail_line(P, -EINVAL, b->pos.line, b->pos.col,
			      "missing 'end' for '%s' opened here (found the "
			      "end of the file)",
			      blk_name(b->kind));
	}
	scn_check_driver(P);
	return 0;
}

/* The last scenario's struct scenario.serial (0 is never one). */
static uint64_t serials;

int scenario_parse_string(const char *name, const char *text,
			  struct scenario **out, struct scenario_error *err)
{
	struct scenario_error dummy;
	struct scn_parser *P;
	struct scenario *s;
	int ret;

	assert(name && text && out);
	*out = NULL;
	if (!err)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	s = host_calloc(1, sizeof(*s));
	P = host_calloc(1, sizeof(*P));
	P->s = s;
	P->err = err;
	P->p = text;
	s->file = name;
	s->serial = __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
	set_defaults(s);
	ret = parse_all(P);
	if (!ret)
		*out = s;
	host_free(P);
	if (ret) {
		scn_arena_free(s->arena);
		host_free(s);
	}
	return ret;
}

/* Largest scenario file read: 16 MiB less one byte. */
#define SCN_FILE_MAX (16u << 20)

int scenario_parse_file(const char *path, struct scenario **out,
			struct scenario_error *err)
{
	struct scenario_error dummy;
	size_t len = 0, cap = 4096;
	char *buf = NULL;
	int fd, ret;

	assert(path && out);
	*out = NULL;
	if (!err)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto fail;
	}
	for (;;) {
		ssize_t n;

		if (!buf || len + 1 == cap) {
			/* a scenario is text a person wrote: bound it */
			if (cap >= SCN_FILE_MAX) {
				ret = -EFBIG;
				close(fd);
				goto fail;
			}
			buf = host_realloc(buf, buf ? cap *= 2 : cap);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			ret = -errno;
			close(fd);
			goto fail;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = 0;
	if (strlen(buf) != len) {
		const char *nl = buf;

		/* the text would end at the NUL: name where it is instead */
		err->line = 1;
		for (const char *p = buf; *p; p++)
			if (*p == '\n') {
				err->line++;
				nl = p + 1;
			}
		err->col = (unsigned)(buf + strlen(buf) - nl) + 1;
		err->code = -EINVAL;
		snprintf(err->msg, sizeof(err->msg),
			 "%s:%u:%u: error: NUL byte (expected text)", path,
			 err->line, err->col);
		host_free(buf);
		return -EINVAL;
	}
	ret = scenario_parse_string(path, buf, out, err);
	host_free(buf);
	return ret;
fail:
	host_free(buf);
	err->code = ret;
	snprintf(err->msg, sizeof(err->msg), "%s: error: cannot read: %s", path,
		 strerror(-ret));
	return ret;
}

void scenario_free(struct scenario *s)
{
	if (!s)
		return;
	scn_arena_free(s->arena);
	host_free(s);
}

int scn_fail_at(char *err, size_t errsize, const struct scn_pos *pos,
		const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!errsize)
		return -EINVAL;
	if (pos && pos->line)
		n = snprintf(err, errsize, "%s:%u:%u: error: ", pos->file,
			     pos->line, pos->col);
	if (n < 0 || (size_t)n >= errsize)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(err + n, errsize - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}
