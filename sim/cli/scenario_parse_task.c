// SPDX-License-Identifier: GPL-2.0-only
/*
 * scenario_parse_task.c - guest operations inside task blocks and the
 * actions of at/on blocks.
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "sim/cli/scenario_internal.h"

/* Keywords in scenario_op_name() order (enum scn_op_kind). */
static const char *const op_names[] = {
	"mount",      "umount",	 "freeze",  "lookup", "forget",
	"forget-all", "getattr", "setattr", "open",   "create",
	"opendir",    "read",	 "write",   "flush",  "release",
	"releasedir", "readdir", "mkdir",   "unlink", "rmdir",
	"rename",     "getlk",	 "setlk",   "setlkw", "dax-map",
	"dax-unmap",  "sleep",	 "yield",   "repeat", NULL,
};

const char *scenario_op_name(enum scn_op_kind kind)
{
	assert(kind <= SCN_OP_REPEAT);
	return op_names[kind];
}

/* Largest read or write one operation may ask for. */
#define SCN_IO_MAX (16ull << 20)

static const struct scn_tok *arg(struct scn_parser *P, size_t i,
				 const char *what)
{
	return scn_need(P, i, what);
}

static const char *handle_name(struct scn_parser *P, const struct scn_tok *t)
{
	char b[80];

	if (t->kind != SCN_TK_WORD || !scn_is_name(t->text))
		scn_fail(P, -EINVAL, t->col,
			 "bad handle name '%s' (expected a name: letters, "
			 "digits, '_', '.', '-', not starting with a digit)",
			 scn_tok_str(t, b, sizeof(b)));
	return t->text;
}

/* `... as HANDLE`: define a handle for the rest of the task. */
static const char *define_handle(struct scn_parser *P, size_t i, bool dir)
{
	const struct scn_tok *as = arg(P, i, "'as HANDLE'");
	const char *name;
	struct scn_handle *h;
	char b[80];

	if (as->kind != SCN_TK_WORD || strcmp(as->text, "as"))
		scn_fail(P, -EINVAL, as->col,
			 "unexpected '%s' (expected 'as HANDLE')",
			 scn_tok_str(as, b, sizeof(b)));
	name = handle_name(P, arg(P, i + 1, "handle name"));
	for (size_t k = 0; k < P->nr_handles; k++)
		if (!strcmp(P->handles[k].name, name)) {
			P->handles[k].dir = dir;
			return P->handles[k].name;
		}
	h = scn_push(P, &P->handles, &P->nr_handles, &P->cap_handles,
		     sizeof(*h));
	h->name = name;
	h->dir = dir;
	return name;
}

/* A handle defined earlier in this task, of the kind the op needs. */
static const char *use_handle(struct scn_parser *P, size_t i, bool dir)
{
	const struct scn_tok *t = arg(P, i, "handle");
	const char *name = handle_name(P, t);
	char b[80];

	for (size_t k = 0; k < P->nr_handles; k++) {
		if (strcmp(P->handles[k].name, name))
			continue;
		if (P->handles[k].dir != dir)
			scn_fail(P, -EINVAL, t->col,
				 "'%s' is a %s handle (expected a %s)",
				 scn_tok_str(t, b, sizeof(b)),
				 dir ? "file" : "directory",
				 dir ? "directory handle from opendir" :
				       "file handle from open or create");
		return P->handles[k].name;
	}
	scn_fail(P, -ENOENT, t->col,
		 "undefined handle '%s' (expected a handle from an earlier "
		 "open, create or opendir in this task)",
		 scn_tok_str(t, b, sizeof(b)));
}

static uint32_t mode_value(struct scn_parser *P, const struct scn_tok *t)
{
	uint32_t v = 0;
	const char *s = t->text;

	if (t->str || !*s || strlen(s) > 5)
		goto bad;
	for (; *s; s++) {
		if (*s < '0' || *s > '7')
			goto bad;
		v = v * 8 + (uint32_t)(*s - '0');
	}
	if (v <= 07777)
		return v;
bad:
	scn_fail(P, -EINVAL, t->vcol,
		 "bad mode '%.20s' (expected octal permission bits 0..7777, "
		 "e.g. 0644)",
		 t->text);
}

static enum scn_lock lock_type(struct scn_parser *P, const struct scn_tok *t,
			       bool unlock_ok)
{
	const char *s = t->text;

	if (t->kind == SCN_TK_WORD && (!strcmp(s, "r") || !strcmp(s, "w") ||
				       (unlock_ok && !strcmp(s, "u"))))
		return *s == 'r' ? SCN_LOCK_READ :
		       *s == 'w' ? SCN_LOCK_WRITE :
				   SCN_LOCK_UNLOCK;
	scn_fail(P, -EINVAL, t->col, "bad lock type '%.20s' (expected %s)", s,
		 unlock_ok ? "r, w or u" : "r or w");
}

/* The optional words and key=values after an op's fixed arguments. */
static void op_options(struct scn_parser *P, struct scn_op *op, size_t i)
{
	for (; i < P->nr_toks; i++) {
		const struct scn_tok *t = &P->toks[i];
		const char *k = t->kind == SCN_TK_KEYVAL ? t->key : NULL;
		bool w = t->kind == SCN_TK_WORD;
		char b[80];

		if (op->kind == SCN_OP_OPEN && w &&
		    !(op->set & SCN_ARG_ACCESS) &&
		    (!strcmp(t->text, "ro") || !strcmp(t->text, "wo") ||
		     !strcmp(t->text, "rw"))) {
			op->set |= SCN_ARG_ACCESS;
			op->access = t->text[0] == 'r' ?
					     (t->text[1] == 'o' ?
						      SCN_ACCESS_RO :
						      SCN_ACCESS_RW) :
					     SCN_ACCESS_WO;
		} else if (op->kind == SCN_OP_OPEN && w &&
			   !(op->set & SCN_ARG_TRUNC) &&
			   !strcmp(t->text, "trunc")) {
			op->set |= SCN_ARG_TRUNC;
		} else if ((op->kind == SCN_OP_SETATTR ||
			    op->kind == SCN_OP_CREATE) &&
			   k && !strcmp(k, "mode") &&
			   !(op->set & SCN_ARG_MODE)) {
			op->set |= SCN_ARG_MODE;
			op->mode = mode_value(P, t);
		} else if (op->kind == SCN_OP_SETATTR && k &&
			   !strcmp(k, "size") && !(op->set & SCN_ARG_SIZE)) {
			op->set |= SCN_ARG_SIZE;
			op->size = scn_size(P, t, "size");
		} else if (op->kind == SCN_OP_READ && k &&
			   !strcmp(k, "expect") && t->str &&
			   !(op->set & SCN_ARG_EXPECT)) {
			op->set |= SCN_ARG_EXPECT;
			op->data = t->text;
		} else if (op->kind == SCN_OP_READDIR && k &&
			   !strcmp(k, "expect") &&
			   !(op->set & SCN_ARG_EXPECT)) {
			op->set |= SCN_ARG_EXPECT;
			op->count = scn_uint(P, t, 0, 1000000, "expect");
		} else if (op->kind == SCN_OP_DAX_MAP && w &&
			   !(op->set & SCN_ARG_ACCESS) &&
			   (!strcmp(t->text, "ro") || !strcmp(t->text, "rw"))) {
			op->set |= SCN_ARG_ACCESS;
			if (t->text[1] == 'o')
				op->set |= SCN_ARG_DAX_RO;
		} else {
			static const char *const opts[] = {
				[SCN_OP_OPEN] = "ro, wo or rw, and trunc",
				[SCN_OP_CREATE] = "mode=OCTAL",
				[SCN_OP_SETATTR] = "mode=OCTAL and size=SIZE",
				[SCN_OP_READ] = "expect=\"bytes\"",
				[SCN_OP_READDIR] = "expect=N",
				[SCN_OP_DAX_MAP] = "ro or rw",
				[SCN_OP_REPEAT] = NULL,
			};
			const char *o = opts[op->kind];

			scn_fail(P, -EINVAL, t->col,
				 "unexpected '%s' after '%s' (expected %s%s)",
				 scn_tok_str(t, b, sizeof(b)),
				 op_names[op->kind],
				 o ? o : "the end of the line",
				 o ? ", each at most once" : "");
		}
	}
}

/* Statement keywords that cannot appear in a task: a missing `end`. */
static void not_in_task(struct scn_parser *P, const struct scn_tok *t)
{
	static const char *const top[] = { "task",	"machine", "bug",
					   "device",	"policy",  "fault",
					   "migration", "fs",	   "driver",
					   "at",	"on",	   "run",
					   "step",	"expect",  NULL };
	const struct scn_blk *b = &P->stack[P->depth - 1];

	for (int i = 0; top[i]; i++)
		if (!strcmp(t->text, top[i]))
			scn_fail(P, -EINVAL, t->col,
				 "'%s' inside the %s block opened at line %u "
				 "(expected an operation or 'end'; missing "
				 "'end'?)",
				 t->text,
				 b->kind == SCN_BLK_TASK ? "task" : "repeat",
				 b->pos.line);
}

void scn_parse_op(struct scn_parser *P)
{
	const struct scn_tok *t = &P->toks[0];
	struct scn_blk *b = &P->stack[P->depth - 1];
	struct scn_op op = { 0 };
	size_t next = 1;
	int k = -1;
	char list[600], buf[80];
	size_t n = 0;

	for (size_t i = 0; i < P->nr_toks; i++)
		if (P->toks[i].var && !P->repeat_depth)
			scn_fail(P, -EINVAL, P->toks[i].col,
				 "'$i' outside a repeat block (expected a "
				 "repeat around it)");
	for (int i = 0; op_names[i]; i++)
		if (!strcmp(t->text, op_names[i]))
			k = i;
	if (k < 0) {
		not_in_task(P, t);
		for (int i = 0; op_names[i]; i++)
			n += (size_t)snprintf(list + n, sizeof(list) - n,
					      "%s%s", i ? ", " : "",
					      op_names[i]);
		scn_fail(P, -EINVAL, t->col,
			 "unknown operation '%s' (expected one of: %s, end)",
			 scn_tok_str(t, buf, sizeof(buf)), list);
	}
	op.kind = (enum scn_op_kind)k;
	op.pos = scn_pos_at(P, t->col);
	if (op.kind != SCN_OP_REPEAT)
		op.ordinal = ++P->task->nr_ordinal;
	switch (op.kind) {
	case SCN_OP_MOUNT:
		if (P->nr_toks > 1) {
			const struct scn_tok *g = &P->toks[1];

			if (g->kind == SCN_TK_KEYVAL || !*g->text ||
			    strlen(g->text) > 36)
				scn_fail(P, -EINVAL, g->col,
					 "bad tag '%s' (expected 1..36 bytes)",
					 scn_tok_str(g, buf, sizeof(buf)));
			op.tag = g->text;
			op.set |= SCN_ARG_TAG;
			next = 2;
		}
		break;
	case SCN_OP_UMOUNT:
	case SCN_OP_FREEZE:
	case SCN_OP_FORGET_ALL:
	case SCN_OP_YIELD:
		break;
	case SCN_OP_FORGET:
		op.path = scn_path(P, arg(P, 1, "path"));
		op.count = 1;
		next = 2;
		if (P->nr_toks > 2 && P->toks[2].kind == SCN_TK_WORD) {
			op.count = scn_uint(P, &P->toks[2], 1, 1000000,
					    "forget count");
			op.set |= SCN_ARG_COUNT;
			next = 3;
		}
		break;
	case SCN_OP_LOOKUP:
	case SCN_OP_GETATTR:
	case SCN_OP_MKDIR:
	case SCN_OP_UNLINK:
	case SCN_OP_RMDIR:
	case SCN_OP_SETATTR:
		op.path = scn_path(P, arg(P, 1, "path"));
		next = 2;
		if (op.kind == SCN_OP_SETATTR) {
			op_options(P, &op, 2);
			if (!(op.set & (SCN_ARG_MODE | SCN_ARG_SIZE)))
				scn_fail(P, -EINVAL, t->col,
					 "setattr changes nothing (expected "
					 "mode=OCTAL and/or size=SIZE)");
			next = P->nr_toks;
		}
		break;
	case SCN_OP_OPEN:
	case SCN_OP_CREATE:
	case SCN_OP_OPENDIR:
		op.path = scn_path(P, arg(P, 1, "path"));
		op.handle = define_handle(P, 2, op.kind == SCN_OP_OPENDIR);
		op.mode = op.kind == SCN_OP_CREATE ? 0644 : 0;
		op_options(P, &op, 4);
		next = P->nr_toks;
		break;
	case SCN_OP_READ:
	case SCN_OP_WRITE:
		op.handle = use_handle(P, 1, false);
		op.offset = scn_size(P, arg(P, 2, "offset"), "offset");
		if (op.kind == SCN_OP_READ) {
			op.size = scn_size(P, arg(P, 3, "size"), "read size");
			if (op.size > SCN_IO_MAX)
				scn_fail(P, -ERANGE, P->toks[3].col,
					 "read size too large (expected at "
					 "most 16M)");
			op_options(P, &op, 4);
			next = P->nr_toks;
			break;
		}
		t = arg(P, 3, "\"bytes\" or size=SIZE");
		if (t->kind == SCN_TK_STRING && *t->text) {
			op.data = t->text;
		} else if (t->kind == SCN_TK_KEYVAL &&
			   !strcmp(t->key, "size")) {
			op.size = scn_size(P, t, "write size");
			op.set |= SCN_ARG_SIZE;
			if (!op.size || op.size > SCN_IO_MAX)
				scn_fail(P, -ERANGE, t->vcol,
					 "write size out of range (expected "
					 "1..16M)");
		} else {
			scn_fail(P, -EINVAL, t->col,
				 "unexpected '%s' (expected \"bytes\" "
				 "(not empty) or size=SIZE)",
				 scn_tok_str(t, buf, sizeof(buf)));
		}
		next = 4;
		break;
	case SCN_OP_FLUSH:
	case SCN_OP_RELEASE:
		op.handle = use_handle(P, 1, false);
		next = 2;
		break;
	case SCN_OP_RELEASEDIR:
	case SCN_OP_READDIR:
		op.handle = use_handle(P, 1, true);
		op_options(P, &op, 2);
		next = P->nr_toks;
		break;
	case SCN_OP_RENAME:
		op.path = scn_path(P, arg(P, 1, "source path"));
		op.path2 = scn_path(P, arg(P, 2, "target path"));
		next = 3;
		break;
	case SCN_OP_GETLK:
	case SCN_OP_SETLK:
	case SCN_OP_SETLKW:
		op.handle = use_handle(P, 1, false);
		op.lock = lock_type(P, arg(P, 2, "lock type"),
				    op.kind != SCN_OP_GETLK);
		op.offset = scn_size(P, arg(P, 3, "start"), "lock start");
		op.size = scn_size(P, arg(P, 4, "length"), "lock length");
		next = 5;
		break;
	case SCN_OP_DAX_MAP:
	case SCN_OP_DAX_UNMAP:
		if (!P->s->machine.dax_window)
			scn_fail(P, -EINVAL, t->col,
				 "'%s' needs a DAX window (expected "
				 "machine dax-window=SIZE before the task)",
				 t->text);
		if (op.kind == SCN_OP_DAX_MAP) {
			op.handle = use_handle(P, 1, false);
			op.offset = scn_size(P, arg(P, 2, "file offset"),
					     "file offset");
			op.size = scn_size(P, arg(P, 3, "length"), "length");
			op.moffset = scn_size(P, arg(P, 4, "window offset"),
					      "window offset");
			op_options(P, &op, 5);
			next = P->nr_toks;
		} else {
			op.offset = scn_size(P, arg(P, 1, "window offset"),
					     "window offset");
			op.size = scn_size(P, arg(P, 2, "length"), "length");
			next = 3;
		}
		break;
	case SCN_OP_SLEEP:
		op.ns = scn_duration(P, arg(P, 1, "duration"), "sleep");
		next = 2;
		break;
	case SCN_OP_REPEAT: {
		struct scn_blk *nb;

		op.repeat = scn_uint(P, arg(P, 1, "repeat count"), 1, 1000000,
				     "repeat count");
		scn_no_more(P, 2);
		if (P->depth == SCN_MAX_DEPTH)
			scn_fail(P, -EINVAL, t->col,
				 "repeat blocks nested too deeply (at most "
				 "%d levels)",
				 SCN_MAX_DEPTH - 1);
		nb = &P->stack[P->depth++];
		memset(nb, 0, sizeof(*nb));
		nb->kind = SCN_BLK_REPEAT;
		nb->pos = op.pos;
		nb->op = op;
		P->repeat_depth++;
		return;
	}
	}
	scn_no_more(P, next);
	*(struct scn_op *)scn_push(P, &b->ops, &b->nr, &b->cap, sizeof(op)) =
		op;
}

/* ---- at/on actions ----------------------------------------------------- */

static const char *const action_names[] = {
	"device",  "unplug", "migrate", "freeze", "restore",
	"picture", "mark",   "end",	NULL,
};

/*
 * A picture's name becomes NAME.dot and NAME.svg inside `--out DIR`: it
 * must stay a plain file name there (no '/', no leading '.', nothing a
 * shell or a file system treats specially) and name one picture only.
 */
static const char *file_name(struct scn_parser *P, const struct scn_tok *t)
{
	size_t len = strlen(t->text);
	char b[80];

	if (t->kind == SCN_TK_KEYVAL || !len ||
	    strspn(t->text,
		   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		   "0123456789._-") != len ||
	    t->text[0] == '.' || len > 100)
		scn_fail(P, -EINVAL, t->col,
			 "bad picture name '%s' (expected 1 to 100 letters, "
			 "digits, '.', '_' or '-', not starting with '.')",
			 scn_tok_str(t, b, sizeof(b)));
	for (size_t i = 0; i < P->s->nr_triggers; i++) {
		const struct scn_trigger *tr = &P->s->triggers[i];

		for (size_t j = 0; j < tr->nr_actions; j++)
			if (tr->actions[j].kind == SCN_ACT_PICTURE &&
			    tr->actions[j].file &&
			    !strcmp(tr->actions[j].file, t->text))
				scn_fail(P, -EINVAL, t->col,
					 "picture name '%s' is used twice (a "
					 "second picture would overwrite the "
					 "first)",
					 scn_tok_str(t, b, sizeof(b)));
	}
	return t->text;
}

void scn_parse_action(struct scn_parser *P)
{
	struct scn_trigger *tr = &P->s->triggers[P->s->nr_triggers - 1];
	const struct scn_tok *t = &P->toks[0];
	struct scn_action a = { 0 };
	size_t next = 1;
	char b[80];
	int k = -1;

	for (size_t i = 0; i < P->nr_toks; i++)
		scn_no_var(P, &P->toks[i]);
	for (int i = 0; action_names[i + 1]; i++)
		if (!strcmp(t->text, action_names[i]))
			k = i;
	if (k < 0)
		scn_fail(P, -EINVAL, t->col,
			 "unknown action '%s' (expected one of: device, "
			 "unplug, migrate, freeze, restore, picture, mark, "
			 "end)",
			 scn_tok_str(t, b, sizeof(b)));
	a.pos = scn_pos_at(P, t->col);
	switch (k) {
	case 0: {
		const struct scn_tok *v = scn_need(P, 1, "device action");

		next = 2;
		if (v->kind == SCN_TK_WORD && !strcmp(v->text, "pause")) {
			a.kind = SCN_ACT_DEVICE_PAUSE;
		} else if (v->kind == SCN_TK_WORD &&
			   !strcmp(v->text, "resume")) {
			a.kind = SCN_ACT_DEVICE_RESUME;
		} else if (v->kind == SCN_TK_WORD && !strcmp(v->text, "die")) {
			a.kind = SCN_ACT_DEVICE_DIE;
		} else if (v->kind == SCN_TK_KEYVAL &&
			   !strcmp(v->key, "latency")) {
			a.kind = SCN_ACT_DEVICE_LATENCY;
			a.ns = scn_duration(P, v, "latency");
		} else if (v->kind == SCN_TK_KEYVAL &&
			   !strcmp(v->key, "order")) {
			a.kind = SCN_ACT_DEVICE_ORDER;
			a.order = scn_order_value(P, v);
		} else {
			scn_fail(P, -EINVAL, v->col,
				 "unknown device action '%s' (expected pause, "
				 "resume, die, latency=DURATION or "
				 "order=in|reversed|random)",
				 scn_tok_str(v, b, sizeof(b)));
		}
		break;
	}
	case 1:
		a.kind = SCN_ACT_UNPLUG;
		break;
	case 2:
		a.kind = SCN_ACT_MIGRATE;
		break;
	case 3:
		a.kind = SCN_ACT_FREEZE;
		break;
	case 4:
		a.kind = SCN_ACT_RESTORE;
		break;
	case 5: {
		const struct scn_tok *r = scn_need(P, 1, "'ring'");
		const struct scn_tok *q;

		if (r->kind != SCN_TK_WORD || strcmp(r->text, "ring"))
			scn_fail(P, -EINVAL, r->col,
				 "unexpected '%s' (expected 'ring')",
				 scn_tok_str(r, b, sizeof(b)));
		q = scn_need(P, 2, "queue name");
		if (q->kind != SCN_TK_WORD)
			scn_fail(P, -EINVAL, q->col,
				 "expected a queue name (hiprio or "
				 "requests.N)");
		a.kind = SCN_ACT_PICTURE;
		a.queue = scn_queue_ref(P, q->text, strlen(q->text), q->col,
					&a.queue_index);
		next = 3;
		if (P->nr_toks > 3) {
			const struct scn_tok *as = &P->toks[3];

			if (as->kind != SCN_TK_WORD || strcmp(as->text, "as"))
				scn_fail(P, -EINVAL, as->col,
					 "unexpected '%s' (expected 'as FILE' "
					 "or the end of the line)",
					 scn_tok_str(as, b, sizeof(b)));
			a.file = file_name(P, scn_need(P, 4, "file name"));
			next = 5;
		}
		break;
	}
	default: {
		const struct scn_tok *m = scn_need(P, 1, "text");

		if (m->kind == SCN_TK_KEYVAL || !*m->text)
			scn_fail(P, -EINVAL, m->col,
				 "bad mark '%s' (expected a word or a string)",
				 scn_tok_str(m, b, sizeof(b)));
		a.kind = SCN_ACT_MARK;
		a.text = m->text;
		next = 2;
		break;
	}
	}
	scn_no_more(P, next);
	*(struct scn_action *)scn_push(P, &tr->actions, &tr->nr_actions,
				       &P->cap_actions, sizeof(a)) = a;
}
