// SPDX-License-Identifier: GPL-2.0-only
/*
 * scenario_parse_run.c - the run program: run, run until, step and the
 * expectations.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "sim/cli/scenario_internal.h"

static const char *const cmp_names[] = { "==", "!=", "<", "<=", ">", ">=" };

const char *scenario_cmp_name(enum scn_cmp cmp)
{
	assert(cmp <= SCN_CMP_GE);
	return cmp_names[cmp];
}

static enum scn_cmp cmp_op(struct scn_parser *P, const struct scn_tok *t)
{
	char b[80];

	if (t->kind == SCN_TK_WORD)
		for (int i = 0; i <= SCN_CMP_GE; i++)
			if (!strcmp(t->text, cmp_names[i]))
				return (enum scn_cmp)i;
	scn_fail(P, -EINVAL, t->col,
		 "bad comparison operator '%s' (expected one of: ==, !=, <, "
		 "<=, >, >=)",
		 scn_tok_str(t, b, sizeof(b)));
}

/* Is @t a comparison operator (without failing when not)? */
static bool is_cmp(const struct scn_tok *t)
{
	if (t->kind == SCN_TK_WORD)
		for (int i = 0; i <= SCN_CMP_GE; i++)
			if (!strcmp(t->text, cmp_names[i]))
				return true;
	return false;
}

/* Fields the executor reads from a virtqueue / from the device. */
static const char *const queue_fields[] = {
	"in_flight", "queued_reqs", "num_free", "avail_idx",
	"used_idx",  "connected",   NULL,
};

static const char *const device_fields[] = {
	"inodes", "handles", "lookups",	 "suspended",
	"dead",	  "paused",  "requests", NULL,
};

static const char *field(struct scn_parser *P, const char *s, unsigned col,
			 const char *const *names, const char *what)
{
	char list[200];
	size_t n = 0;

	for (int i = 0; names[i]; i++)
		if (!strcmp(s, names[i]))
			return names[i];
	for (int i = 0; names[i]; i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
				      i ? ", " : "", names[i]);
	scn_fail(P, -EINVAL, col,
		 "unknown %s field '%.40s' (expected one of: %s)", what, s,
		 list);
}

const char *scn_queue_ref(struct scn_parser *P, const char *s, size_t len,
			  unsigned col, unsigned *index)
{
	unsigned nq = P->s->machine.queues;
	uint64_t v = 0;

	*index = 0;
	if (len == 6 && !memcmp(s, "hiprio", 6))
		return "hiprio";
	if (len > 9 && !memcmp(s, "requests.", 9)) {
		size_t i;

		/* saturate: any index past the queues is out of range */
		for (i = 9; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			if (v < 1000000)
				v = v * 10 + (uint64_t)(s[i] - '0');
		if (i == len) {
			if (v >= nq)
				scn_fail(P, -ERANGE, col + 9,
					 "request queue %.*s does not exist "
					 "(expected 0..%u: the machine has %u "
					 "request queue%s)",
					 (int)(len - 9 > 20 ? 20 : len - 9),
					 s + 9, nq - 1, nq, nq == 1 ? "" : "s");
			*index = (unsigned)v;
			return "requests";
		}
	}
	scn_fail(P, -EINVAL, col,
		 "unknown queue '%.*s' (expected hiprio or requests.N)",
		 (int)(len > 40 ? 40 : len), s);
}

static const struct scn_task *find_task(struct scn_parser *P,
					const struct scn_tok *t)
{
	char list[200], b[80];
	size_t n = 0;

	/* tasks all precede the run program: s->tasks no longer moves */
	scn_no_var(P, t);
	for (size_t i = 0; i < P->s->nr_tasks; i++)
		if (t->kind == SCN_TK_WORD &&
		    !strcmp(P->s->tasks[i].name, t->text))
			return &P->s->tasks[i];
	list[0] = 0;
	for (size_t i = 0; i < P->s->nr_tasks && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
				      i ? ", " : "", P->s->tasks[i].name);
	scn_fail(P, -ENOENT, t->col, "unknown task '%s' (expected %s%s)",
		 scn_tok_str(t, b, sizeof(b)),
		 P->s->nr_tasks ? "one of: " : "a task defined before the run",
		 list);
}

static bool is(const struct scn_tok *t, const char *w)
{
	return t->kind == SCN_TK_WORD && !strcmp(t->text, w);
}

static const char *trace_text(struct scn_parser *P, const struct scn_tok *t)
{
	char b[80];

	if (t->kind != SCN_TK_STRING || !*t->text)
		scn_fail(P, -EINVAL, t->col,
			 "unexpected '%s' (expected a non-empty \"string\")",
			 scn_tok_str(t, b, sizeof(b)));
	return t->text;
}

/* `expect ...`; returns the index of the first token after it. */
static size_t parse_expect(struct scn_parser *P, struct scn_expect *e)
{
	const struct scn_tok *t = scn_need(P, 1, "expectation");
	char b[80];
	size_t i;

	if (is(t, "task")) {
		e->task = find_task(P, scn_need(P, 2, "task name"));
		t = scn_need(P, 3, "returns, op N, done or blocked");
		if (is(t, "done") || is(t, "blocked")) {
			e->kind = SCN_EXPECT_TASK_STATE;
			e->state = is(t, "done") ? SCN_TASK_DONE :
						   SCN_TASK_BLOCKED;
			return 4;
		}
		e->kind = SCN_EXPECT_TASK_RETURNS;
		i = 3;
		if (is(t, "op")) {
			const struct scn_tok *n = scn_need(P, 4, "op number");

			if (!e->task->nr_ordinal)
				scn_fail(P, -ERANGE, n->col,
					 "task '%s' has no operations",
					 e->task->name);
			e->op = (unsigned)scn_uint(P, n, 1, e->task->nr_ordinal,
						   "op number");
			i = 5;
		}
		t = scn_need(P, i, "returns");
		if (!is(t, "returns"))
			scn_fail(P, -EINVAL, t->col,
				 "unexpected '%s' (expected returns%s)",
				 scn_tok_str(t, b, sizeof(b)),
				 i == 3 ? ", op N, done or blocked" : "");
		e->err = scn_errno(P, scn_need(P, i + 1, "errno"));
		return i + 2;
	}
	if (is(t, "trace")) {
		t = scn_need(P, 2, "contains, lacks or count");
		if (is(t, "contains") || is(t, "lacks")) {
			e->kind = is(t, "contains") ?
					  SCN_EXPECT_TRACE_CONTAINS :
					  SCN_EXPECT_TRACE_LACKS;
			e->text = trace_text(P, scn_need(P, 3, "\"text\""));
			return 4;
		}
		if (!is(t, "count"))
			scn_fail(P, -EINVAL, t->col,
				 "unexpected '%s' (expected contains, lacks "
				 "or count)",
				 scn_tok_str(t, b, sizeof(b)));
		e->kind = SCN_EXPECT_TRACE_COUNT;
		e->text = trace_text(P, scn_need(P, 3, "\"text\""));
		e->cmp = cmp_op(P, scn_need(P, 4, "comparison operator"));
		e->value = (int64_t)scn_uint(P, scn_need(P, 5, "count"), 0,
					     INT64_MAX, "count");
		return 6;
	}
	if (is(t, "no")) {
		t = scn_need(P, 2, "'leaks'");
		if (!is(t, "leaks"))
			scn_fail(P, -EINVAL, t->col,
				 "unexpected '%s' (expected 'leaks')",
				 scn_tok_str(t, b, sizeof(b)));
		e->kind = SCN_EXPECT_NO_LEAKS;
		return 3;
	}
	if (is(t, "leaks")) {
		e->kind = SCN_EXPECT_LEAKS;
		e->cmp = cmp_op(P, scn_need(P, 2, "comparison operator"));
		e->value = (int64_t)scn_uint(P, scn_need(P, 3, "count"), 0,
					     INT64_MAX, "count");
		return 4;
	}
	if (is(t, "reports")) {
		unsigned at = 2;

		e->kind = SCN_EXPECT_REPORTS;
		/* `reports KIND OP N` counts (and accounts for) one kind */
		t = scn_need(P, 2, "comparison operator");
		if (t->kind == SCN_TK_WORD && scn_is_name(t->text) &&
		    P->nr_toks > 3 && is_cmp(&P->toks[3])) {
			e->text = t->text;
			at = 3;
		}
		e->cmp = cmp_op(P, scn_need(P, at, "comparison operator"));
		e->value = (int64_t)scn_uint(P, scn_need(P, at + 1, "count"), 0,
					     INT64_MAX, "count");
		return (int)at + 2;
	}
	if (is(t, "report")) {
		t = scn_need(P, 2, "report kind");
		if (t->kind != SCN_TK_WORD || !scn_is_name(t->text))
			scn_fail(P, -EINVAL, t->col,
				 "bad report kind '%s' (expected a checker "
				 "report kind such as sleep.atomic)",
				 scn_tok_str(t, b, sizeof(b)));
		e->kind = SCN_EXPECT_REPORT;
		e->text = t->text;
		return 3;
	}
	if (is(t, "lookups")) {
		t = scn_need(P, 2, "'balanced'");
		if (!is(t, "balanced"))
			scn_fail(P, -EINVAL, t->col,
				 "unexpected '%s' (expected 'balanced')",
				 scn_tok_str(t, b, sizeof(b)));
		e->kind = SCN_EXPECT_LOOKUPS_BALANCED;
		return 3;
	}
	if (is(t, "status")) {
		t = scn_need(P, 2, "done or deadlock");
		if (!is(t, "done") && !is(t, "deadlock"))
			scn_fail(P, -EINVAL, t->col,
				 "unknown status '%s' (expected done or "
				 "deadlock)",
				 scn_tok_str(t, b, sizeof(b)));
		e->kind = SCN_EXPECT_STATUS;
		e->status = is(t, "done") ? SCN_STATUS_DONE :
					    SCN_STATUS_DEADLOCK;
		return 3;
	}
	if (t->kind == SCN_TK_WORD && strchr(t->text, '.')) {
		const char *dot = strrchr(t->text, '.');
		size_t qlen = (size_t)(dot - t->text);
		unsigned fcol = t->col + (unsigned)qlen + 1;

		if (qlen == 6 && !memcmp(t->text, "device", 6)) {
			e->kind = SCN_EXPECT_DEVICE;
			e->field = field(P, dot + 1, fcol, device_fields,
					 "device");
		} else {
			e->kind = SCN_EXPECT_QUEUE;
			e->queue = scn_queue_ref(P, t->text, qlen, t->col,
						 &e->queue_index);
			e->field =
				field(P, dot + 1, fcol, queue_fields, "queue");
		}
		e->cmp = cmp_op(P, scn_need(P, 2, "comparison operator"));
		e->value = scn_int(P, scn_need(P, 3, "value"), "value");
		return 4;
	}
	scn_fail(P, -EINVAL, t->col,
		 "unknown expectation '%s' (expected QUEUE.FIELD, "
		 "device.FIELD, task, trace, no leaks, leaks, reports, "
		 "report, lookups balanced or status)",
		 scn_tok_str(t, b, sizeof(b)));
}

void scn_parse_run(struct scn_parser *P)
{
	struct scenario *s = P->s;
	const struct scn_tok *t = &P->toks[0];
	struct scn_run_item it = { 0 };
	size_t next = 1;
	char b[80];

	for (size_t i = 0; i < P->nr_toks; i++)
		scn_no_var(P, &P->toks[i]);
	it.pos = scn_pos_at(P, t->col);
	if (is(t, "run")) {
		it.kind = SCN_RUN;
		if (P->nr_toks > 1) {
			const struct scn_tok *u = &P->toks[1];

			if (!is(u, "until"))
				scn_fail(P, -EINVAL, u->col,
					 "unexpected '%s' (expected 'until' "
					 "or the end of the line)",
					 scn_tok_str(u, b, sizeof(b)));
			u = scn_need(P, 2, "event or 'time DURATION'");
			if (is(u, "time")) {
				it.kind = SCN_RUN_UNTIL_TIME;
				it.ns = scn_duration(
					P, scn_need(P, 3, "duration"), "time");
				next = 4;
			} else {
				it.kind = SCN_RUN_UNTIL;
				scn_match(P, u, &it.match);
				next = 3;
			}
		}
	} else if (is(t, "step")) {
		it.kind = SCN_STEP;
		it.steps = scn_uint(P, scn_need(P, 1, "step count"), 1,
				    1000000000, "step count");
		next = 2;
	} else {
		assert(is(t, "expect"));
		it.kind = SCN_EXPECT;
		next = parse_expect(P, &it.expect);
	}
	scn_no_more(P, next);
	*(struct scn_run_item *)scn_push(P, &s->run, &s->nr_run, &P->cap_run,
					 sizeof(it)) = it;
}
