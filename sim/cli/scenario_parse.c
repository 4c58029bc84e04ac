// SPDX-License-Identifier: GPL-2.0-only
/*
 * scenario_parse.c - the scenario parser's entry points, the statement
 * dispatcher, block structure and the configuration statements.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli/scenario_internal.h"

/*
 * Historical bug switches and driver variants. guest/ does not expose its
 * registry yet: the executor must check that these tables match the
 * guest's (every name here known to the guest and the other way round).
 */
static const char *const bug_names[] = {
	"forget-sends-list-head",    "sleep-retry-holding-bg-lock",
	"end-req-in-submitter",	     "end-before-unlist",
	"hiprio-no-connected-check", "forgets-not-in-flight",
	"remove-without-drain",	     "freeze-returns-0",
	"probe-error-leak",	     NULL,
};

static const char *const variant_names[] = { "v5-2019", "mainline", NULL };

const char *const *scenario_bug_names(void)
{
	return bug_names;
}

const char *const *scenario_variant_names(void)
{
	return variant_names;
}

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
static int one_of(struct scn_parser *P, const struct scn_tok *t,
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

static bool onoff(struct scn_parser *P, const struct scn_tok *t)
{
	static const char *const v[] = { "off", "on", NULL };

	return one_of(P, t, v, "value") == 1;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
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

static void once(struct scn_parser *P, const struct scn_tok *t,
		 const struct scn_pos *prev)
{
	if (prev->line)
		scn_fail(P, -EEXIST, t->col,
			 "duplicate '%s' (already given at line %u)", t->text,
			 prev->line);
}

/* ---- configuration ---------------------------------------------------- */

static const char *const machine_keys[] = {
	"tag",	     "queues",	 "queue-size", "variant", "cpus",
	"event-idx", "indirect", "dax-window", "timeout", NULL,
};

static void parse_machine(struct scn_parser *P)
{
	struct scn_machine *m = &P->s->machine;

	once(P, &P->toks[0], &m->pos);
	m->pos = scn_pos_at(P, P->toks[0].col);
	for (size_t i = 1; i < P->nr_toks; i++) {
		const struct scn_tok *t = &P->toks[i];
		char b[80];
		int k;

		if (t->kind != SCN_TK_KEYVAL)
			scn_fail(P, -EINVAL, t->col,
				 "unexpected '%s' (expected key=value, keys: "
				 "tag, queues, queue-size, variant, cpus, "
				 "event-idx, indirect, dax-window, timeout)",
				 scn_tok_str(t, b, sizeof(b)));
		scn_no_var(P, t);
		k = one_of(P,
			   &(struct scn_tok){ .text = t->key,
					      .col = t->col,
					      .vcol = t->col },
			   machine_keys, "machine key");
		if (m->set & (1u << k))
			scn_fail(P, -EEXIST, t->col, "duplicate key '%s'",
				 t->key);
		m->set |= 1u << k;
		switch (k) {
		case 0:
			if (!*t->text || strlen(t->text) > 36)
				scn_fail(P, -EINVAL, t->vcol,
					 "tag must be 1..36 bytes");
			m->tag = t->text;
			break;
		case 1:
			m->queues = (unsigned)scn_uint(P, t, 1, 64, "queues");
			break;
		case 2: {
			uint64_t v =
				scn_uint(P, t, 0, UINT64_MAX, "queue-size");

			if (!is_pow2(v) || v < 2 || v > 32768)
				scn_fail(P, -ERANGE, t->vcol,
					 "'queue-size' must be a power of two "
					 "between 2 and 32768, got %.40s",
					 t->text);
			m->queue_size = (unsigned)v;
			break;
		}
		case 3:
			m->variant = variant_names[one_of(P, t, variant_names,
							  "driver variant")];
			break;
		case 4:
			m->cpus = (unsigned)scn_uint(P, t, 1, 64, "cpus");
			break;
		case 5:
			m->event_idx = onoff(P, t);
			break;
		case 6:
			m->indirect = onoff(P, t);
			break;
		case 7:
			m->dax_window = scn_size(P, t, "dax-window");
			break;
		default:
			m->timeout_ns = scn_duration(P, t, "timeout");
			break;
		}
	}
}

static void parse_bug(struct scn_parser *P)
{
	struct scenario *s = P->s;
	const struct scn_tok *t = scn_need(P, 1, "bug switch name");
	const char *name;
	struct scn_bug *b;

	scn_no_var(P, t);
	name = bug_names[one_of(P, t, bug_names, "bug switch")];
	for (size_t i = 0; i < s->nr_bugs; i++)
		if (s->bugs[i].name == name)
			scn_fail(P, -EEXIST, t->col,
				 "duplicate bug switch '%s' (already at line "
				 "%u)",
				 name, s->bugs[i].pos.line);
	scn_no_more(P, 2);
	b = scn_push(P, &s->bugs, &s->nr_bugs, &P->cap_bugs, sizeof(*b));
	b->pos = scn_pos_at(P, t->col);
	b->name = name;
}

static const char *const order_names[] = { "in", "reversed", "random", NULL };

/* device order=...; shared with the `device order=` action. */
enum scn_order scn_order_value(struct scn_parser *P, const struct scn_tok *t);
enum scn_order scn_order_value(struct scn_parser *P, const struct scn_tok *t)
{
	return (enum scn_order)one_of(P, t, order_names, "order");
}

static const char *const device_keys[] = { "latency", "order", "batch",
					   "workers", "seed",  NULL };

static void parse_device(struct scn_parser *P)
{
	struct scn_device *d = &P->s->device;

	once(P, &P->toks[0], &d->pos);
	d->pos = scn_pos_at(P, P->toks[0].col);
	for (size_t i = 1; i < P->nr_toks; i++) {
		const struct scn_tok *t = &P->toks[i];
		char b[80];
		int k;

		if (t->kind != SCN_TK_KEYVAL)
			scn_fail(P, -EINVAL, t->col,
				 "unexpected '%s' (expected key=value, keys: "
				 "latency, order, batch, workers, seed)",
				 scn_tok_str(t, b, sizeof(b)));
		scn_no_var(P, t);
		k = one_of(P,
			   &(struct scn_tok){ .text = t->key,
					      .col = t->col,
					      .vcol = t->col },
			   device_keys, "device key");
		if (d->set & (1u << k))
			scn_fail(P, -EEXIST, t->col, "duplicate key '%s'",
				 t->key);
		d->set |= 1u << k;
		if (k == 0)
			d->latency_ns = scn_duration(P, t, "latency");
		else if (k == 1)
			d->order = scn_order_value(P, t);
		else if (k == 2)
			d->batch = (unsigned)scn_uint(P, t, 1, 1024, "batch");
		else if (k == 3)
			d->workers = (unsigned)scn_uint(P, t, 1, 64, "workers");
		else
			d->seed = scn_uint(P, t, 0, UINT64_MAX, "seed");
	}
}

/* Decimal only, like sched_set_policy(). */
static int policy_num(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (v > (max - (uint64_t)(s[i] - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * The policy grammar of sched_set_policy(), checked here because that
 * function installs the policy as it parses: a parse must not touch the
 * scheduler. tests/cli/test_scenario_parse_config.c holds the two in step.
 */
static void parse_policy(struct scn_parser *P)
{
	struct scn_policy *pol = &P->s->policy;
	const struct scn_tok *t = scn_need(P, 1, "policy");
	const char *s = t->text;
	uint64_t v;
	int e = 0;

	once(P, &P->toks[0], &pol->pos);
	scn_no_var(P, t);
	if (t->kind != SCN_TK_WORD)
		scn_fail(P, -EINVAL, t->col,
			 "expected a policy word (fifo, random:SEED or "
			 "replay:I,J,...)");
	if (!strcmp(s, "fifo")) {
		pol->kind = SCN_POLICY_FIFO;
	} else if (!strncmp(s, "random:", 7)) {
		pol->kind = SCN_POLICY_RANDOM;
		e = policy_num(s + 7, strlen(s + 7), UINT64_MAX, &pol->seed);
	} else if (!strncmp(s, "replay:", 7)) {
		const char *p = s + 7;
		uint32_t *list = NULL;
		size_t nr = 0, cap = 0;

		pol->kind = SCN_POLICY_REPLAY;
		while (*p && !e) {
			const char *end = strchr(p, ',');

			if (!end)
				end = p + strlen(p);
			e = policy_num(p, (size_t)(end - p), UINT32_MAX, &v);
			if (!e && *end == ',' && !end[1])
				e = -EINVAL;
			if (!e)
				*(uint32_t *)scn_push(P, &list, &nr, &cap,
						      sizeof(*list)) =
					(uint32_t)v;
			p = *end ? end + 1 : end;
		}
		pol->replay = list;
		pol->nr_replay = nr;
	} else {
		scn_fail(
			P, -EINVAL, t->col,
			"unknown policy '%.40s' (expected fifo, random:SEED or "
			"replay:I,J,...)",
			s);
	}
	if (e == -ERANGE)
		scn_fail(P, -ERANGE, t->col,
			 "number out of range in policy '%.40s' (seed: 64 "
			 "bits, replay choices: 32 bits)",
			 s);
	if (e)
		scn_fail(P, -EINVAL, t->col,
			 "malformed policy '%.40s' (expected random:SEED or "
			 "replay:I,J,... with decimal numbers)",
			 s);
	scn_no_more(P, 2);
	pol->pos = scn_pos_at(P, t->col);
	pol->spec = t->text;
}

#define SCN_FAULT_NAME_MAX 31 /* FAULT_NAME_MAX of sim/fault.h */
#define SCN_FAULT_SITE_MAX 63 /* FAULT_SITE_MAX of sim/fault.h */

/*
 * One rule in fault_plan_parse() syntax. That function adds the rule to the
 * global plan as it parses, so the syntax is checked here instead; the test
 * suite cross-checks both on the same rules. Returns NULL or the problem.
 */
static const char *fault_rule_error(const char *s)
{
	const char *colon = strchr(s, ':'), *p;
	bool nth = false, every = false, from = false, count = false;

	if (!colon || colon == s)
		return "expected point:rule";
	if (strchr(s, ';'))
		return "one rule per 'fault' line (no ';')";
	if (colon - s > SCN_FAULT_NAME_MAX)
		return "point name too long";
	for (p = colon + 1;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		size_t klen = eq ? (size_t)(eq - p) : len;
		size_t vlen = eq ? len - klen - 1 : 0;
		uint64_t v = 0;
		int e = 0;

		if (!len)
			return "empty item";
		if (klen == 5 && !memcmp(p, "every", 5) && !eq) {
			if (nth || every || from)
				return "more than one mode";
			every = true;
		} else if (!eq) {
			return "expected key=value";
		} else if (klen == 4 && !memcmp(p, "site", 4)) {
			if (!vlen)
				return "empty site";
			if (vlen > SCN_FAULT_SITE_MAX)
				return "site name too long";
		} else if ((klen == 3 && !memcmp(p, "nth", 3)) ||
			   (klen == 4 && !memcmp(p, "from", 4))) {
			if (nth || every || from)
				return "more than one mode";
			nth |= klen == 3;
			from |= klen == 4;
			e = policy_num(eq + 1, vlen, UINT64_MAX, &v);
			e = !e && !v ? -ERANGE : e;
		} else if (klen == 5 && !memcmp(p, "count", 5)) {
			count = true;
			e = policy_num(eq + 1, vlen, UINT64_MAX, &v);
			e = !e && !v ? -ERANGE : e;
		} else {
			return "unknown key (nth, every, from, count, site)";
		}
		if (e == -ERANGE)
			return "number must be 1..2^64-1";
		if (e)
			return "not a number";
		if (!end)
			break;
		p = end + 1;
	}
	if (count && !from)
		return "count needs from";
	return NULL;
}

static void parse_fault(struct scn_parser *P)
{
	struct scenario *s = P->s;
	const struct scn_tok *t = scn_need(P, 1, "fault rule");
	const char *why;
	struct scn_fault *f;
	char b[80];

	scn_no_var(P, t);
	if (t->kind == SCN_TK_STRING)
		scn_fail(P, -EINVAL, t->col,
			 "expected a fault rule word, found %s",
			 scn_tok_str(t, b, sizeof(b)));
	/* a rule such as "kmalloc:nth=3" is a word: its key is not a name */
	why = fault_rule_error(t->kind == SCN_TK_KEYVAL ? "" : t->text);
	if (why)
		scn_fail(P, -EINVAL, t->col,
			 "bad fault rule '%s': %s (expected POINT:nth=N, "
			 "POINT:every, POINT:from=N[,count=M] or "
			 "POINT:site=FUNC[,nth=N])",
			 scn_tok_str(t, b, sizeof(b)), why);
	scn_no_more(P, 2);
	f = scn_push(P, &s->faults, &s->nr_faults, &P->cap_faults, sizeof(*f));
	f->pos = scn_pos_at(P, t->col);
	f->rule = t->text;
}

static void parse_migration(struct scn_parser *P)
{
	static const char *const pols[] = { "abort", "guest-error", NULL };
	struct scn_migration *m = &P->s->migration;
	const struct scn_tok *t = scn_need(P, 1, "policy=abort|guest-error");
	char b[80];

	once(P, &P->toks[0], &m->pos);
	if (t->kind != SCN_TK_KEYVAL || strcmp(t->key, "policy"))
		scn_fail(P, -EINVAL, t->col,
			 "unexpected '%s' (expected policy=abort|guest-error)",
			 scn_tok_str(t, b, sizeof(b)));
	scn_no_var(P, t);
	m->policy = (enum scn_migration_policy)one_of(P, t, pols,
						      "migration policy");
	scn_no_more(P, 2);
	m->pos = scn_pos_at(P, P->toks[0].col);
}

/* A path: absolute, no empty component; a word or a string. */
const char *scn_path(struct scn_parser *P, const struct scn_tok *t);
const char *scn_path(struct scn_parser *P, const struct scn_tok *t)
{
	const char *s = t->text;
	char b[80];

	if (t->kind == SCN_TK_KEYVAL)
		scn_fail(P, -EINVAL, t->col, "expected a path, found '%s'",
			 scn_tok_str(t, b, sizeof(b)));
	if (s[0] != '/' || strstr(s, "//") || strlen(s) > 4095 ||
	    (s[1] && s[strlen(s) - 1] == '/'))
		scn_fail(P, -EINVAL, t->col,
			 "bad path '%s' (expected an absolute path such as "
			 "/dir/file, no empty components, no trailing '/')",
			 scn_tok_str(t, b, sizeof(b)));
	if (t->var && !P->repeat_depth)
		scn_fail(P, -EINVAL, t->col,
			 "'$i' outside a repeat block (expected a repeat "
			 "around it)");
	return s;
}

static void parse_fs_entry(struct scn_parser *P)
{
	static const char *const kinds[] = { "dir", "file", "end", NULL };
	struct scenario *s = P->s;
	const struct scn_tok *t0 = &P->toks[0];
	int k = one_of(P, t0, kinds, "fs entry");
	struct scn_fs_entry *e;
	const struct scn_tok *t;
	char b[80];

	assert(k < 2); /* `end` is handled by the caller */
	t = scn_need(P, 1, "path");
	scn_no_var(P, t);
	e = scn_push(P, &s->fs, &s->nr_fs, &P->cap_fs, sizeof(*e));
	e->pos = scn_pos_at(P, t0->col);
	e->kind = (enum scn_fs_kind)k;
	e->path = scn_path(P, t);
	if (k == SCN_FS_DIR) {
		scn_no_more(P, 2);
		return;
	}
	t = scn_need(P, 2, "size=SIZE or \"bytes\"");
	scn_no_var(P, t);
	if (t->kind == SCN_TK_STRING) {
		e->data = t->text;
		e->size = strlen(t->text);
	} else if (t->kind == SCN_TK_KEYVAL && !strcmp(t->key, "size")) {
		e->size = scn_size(P, t, "file size");
	} else {
		scn_fail(P, -EINVAL, t->col,
			 "unexpected '%s' (expected size=SIZE or \"bytes\")",
			 scn_tok_str(t, b, sizeof(b)));
	}
	scn_no_more(P, 3);
}

/* ---- blocks ----------------------------------------------------------- */

static struct scn_blk *push_blk(struct scn_parser *P, enum scn_blk_kind kind,
				const struct scn_tok *t)
{
	struct scn_blk *b;

	if (P->depth == SCN_MAX_DEPTH)
		scn_fail(P, -EINVAL, t->col,
			 "blocks nested too deeply (at most %d repeat levels)",
			 SCN_MAX_DEPTH - 1);
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

/* `end`: close the innermost block and attach what it built. */
void scn_close_block(struct scn_parser *P);
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
	"machine",   "bug",  "device", "policy", "fault",
	"migration", "fs",   "task",   "at",	 "on",
	"run",	     "step", "expect", "end",	 NULL,
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
		parse_fs_entry(P);
		return;
	}
	if (b) {
		scn_parse_action(P);
		return;
	}
	k = one_of(P, t, top_words, "statement");
	if (k <= 6) {
		config_only(P, t);
	} else if (k <= 9) {
		if (P->phase == 2)
			scn_fail(P, -EINVAL, t->col,
				 "'%s' must come before the first run "
				 "statement (line %u)",
				 t->text, P->run_start);
		enter_phase(P, 1);
	} else if (k <= 12) {
		enter_phase(P, 2);
	}
	switch (k) {
	case 0:
		parse_machine(P);
		break;
	case 1:
		parse_bug(P);
		break;
	case 2:
		parse_device(P);
		break;
	case 3:
		parse_policy(P);
		break;
	case 4:
		parse_fault(P);
		break;
	case 5:
		parse_migration(P);
		break;
	case 6:
		once(P, t, &P->s->fs_pos);
		scn_no_more(P, 1);
		P->s->fs_pos = scn_pos_at(P, t->col);
		push_blk(P, SCN_BLK_FS, t);
		break;
	case 7:
		parse_task(P);
		break;
	case 8:
	case 9:
		parse_trigger(P, k == 8);
		break;
	case 13:
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
	s->machine.variant = "mainline";
	s->machine.cpus = 1;
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
	return 0;
}

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
	s = calloc(1, sizeof(*s));
	P = calloc(1, sizeof(*P));
	if (!s || !P) {
		free(s);
		free(P);
		err->code = -ENOMEM;
		snprintf(err->msg, sizeof(err->msg), "%s: error: out of memory",
			 name);
		return -ENOMEM;
	}
	P->s = s;
	P->err = err;
	P->p = text;
	s->file = name;
	set_defaults(s);
	ret = parse_all(P);
	if (!ret)
		*out = s;
	free(P);
	if (ret) {
		scn_arena_free(s->arena);
		free(s);
	}
	return ret;
}

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
			char *nb = cap > SCN_FILE_MAX ? NULL :
							realloc(buf, cap *= 2);

			if (!nb) {
				ret = cap > SCN_FILE_MAX ? -EFBIG : -ENOMEM;
				close(fd);
				goto fail;
			}
			buf = nb;
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
		free(buf);
		return -EINVAL;
	}
	ret = scenario_parse_string(path, buf, out, err);
	free(buf);
	return ret;
fail:
	free(buf);
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
	free(s);
}
