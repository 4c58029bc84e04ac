// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace_msc.c - the trace as an mscgen message sequence chart.
 *
 * Statements are formatted as events arrive (their strings may die right
 * after) into one growing buffer; the entity line that mscgen wants
 * first is written at the end, when it is known which columns were used.
 * Column identifiers are fixed on first use ("t0", "q1", "core", ...), so
 * a statement never has to be rewritten. The file comment of trace_msc.h
 * is the reference for what each event kind becomes.
 */
#include "sim/trace/trace_msc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "sim/trace/host.h"

/* Column roles, in their left-to-right order. */
enum role {
	R_TASK,
	R_OTHER_TASKS,
	R_CORE,
	R_DRV,
	R_WORK,
	R_QUEUE,
	R_DEV,
	R_VMM,
};

struct col {
	enum role role;
	unsigned idx; /* order within its role */
	char id[8];   /* mscgen identifier */
	char *name;   /* task or queue name (host heap), or NULL */
	char *label;  /* escaped label */
};

struct trace_msc {
	struct col *cols;
	size_t nr_cols, cap_cols;
	unsigned nr_tasks, nr_queues;
	char *body; /* statements, one per line */
	size_t len, cap;
	unsigned arcs, max_arcs;
	unsigned long long events, omitted;
	uint64_t last_time;
};

/* ---- escaping ----------------------------------------------------------- */

/* Where escaped text goes: pieces are written whole or not at all. */
struct esc {
	char *out;
	size_t size;
	size_t len;	/* full length, like snprintf() */
	size_t written; /* bytes in out */
};

static void put_piece(struct esc *e, const char *piece, size_t n)
{
	if (e->written == e->len && e->len + n < e->size) {
		memcpy(e->out + e->len, piece, n);
		e->written += n;
	}
	e->len += n;
}

size_t trace_msc_escape(char *out, size_t size, const char *in, size_t max)
{
	struct esc e = { out, size, 0, 0 };
	size_t n = in ? strlen(in) : 0;
	bool cut = n > max;

	if (cut)
		n = max;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		char hex[5];

		if (c == '"') {
			put_piece(&e, "\\\"", 2);
		} else if (c == '\\' &&
			   (i + 1 == n ? !cut : in[i + 1] == 'n')) {
			/* it would close the string or break the line */
			put_piece(&e, "\\x5c", 4);
		} else if (c < 0x20 || c > 0x7e) {
			snprintf(hex, sizeof(hex), "\\x%02x", c);
			put_piece(&e, hex, 4);
		} else {
			put_piece(&e, (const char *)&c, 1);
		}
	}
	if (cut)
		put_piece(&e, "...", 3);
	if (size)
		out[e.written] = '\0';
	return e.len;
}

/* ---- columns ------------------------------------------------------------ */

static const char *const role_ids[] = {
	[R_TASK] = "t",	 [R_OTHER_TASKS] = "tx", [R_CORE] = "core",
	[R_DRV] = "drv", [R_WORK] = "work",	 [R_QUEUE] = "q",
	[R_DEV] = "dev", [R_VMM] = "vmm",
};

static const char *const role_labels[] = {
	[R_OTHER_TASKS] = "other tasks", [R_CORE] = "FUSE core",
	[R_DRV] = "virtio_fs",		 [R_WORK] = "irq + work",
	[R_DEV] = "device (virtiofsd)",	 [R_VMM] = "VMM",
};

/* The column of @role (and @name for tasks and queues), made on first use. */
static struct col *col_get(struct trace_msc *m, enum role role,
			   const char *name)
{
	struct col *c;
	char label[160];

	if (role == R_TASK && m->nr_tasks == TRACE_MSC_MAX_TASKS) {
		for (size_t i = 0; i < m->nr_cols; i++)
			if (m->cols[i].role == R_TASK &&
			    !strcmp(m->cols[i].name, name))
				return &m->cols[i];
		role = R_OTHER_TASKS;
	}
	for (size_t i = 0; i < m->nr_cols; i++) {
		c = &m->cols[i];
		if (c->role == role &&
		    (!c->name || !name || !strcmp(c->name, name)))
			return c;
	}
	if (m->nr_cols == m->cap_cols) {
		m->cap_cols = m->cap_cols ? 2 * m->cap_cols : 16;
		m->cols = host_realloc(m->cols, m->cap_cols * sizeof(*m->cols));
	}
	c = &m->cols[m->nr_cols++];
	memset(c, 0, sizeof(*c));
	c->role = role;
	if (role == R_TASK || role == R_QUEUE) {
		c->idx = role == R_TASK ? m->nr_tasks++ : m->nr_queues++;
		snprintf(c->id, sizeof(c->id), "%s%u", role_ids[role], c->idx);
		c->name = host_strdup(name);
		trace_msc_escape(label, sizeof(label), name, 40);
	} else {
		snprintf(c->id, sizeof(c->id), "%s", role_ids[role]);
		snprintf(label, sizeof(label), "%s", role_labels[role]);
	}
	c->label = host_strdup(label);
	return c;
}

/* Whose column an event's task is, by its name: see trace_msc.h. */
static enum role task_role(const char *t)
{
	if (!t || !strcmp(t, "-") || !strcmp(t, "at") || !strcmp(t, "on"))
		return R_VMM;
	if (!strncmp(t, "kworker/", 8) || !strncmp(t, "irq/", 4) ||
	    !strcmp(t, "virtio_fs_restore"))
		return R_WORK;
	if (!strncmp(t, "vfsd/", 5) || !strncmp(t, "virtiofsd.", 10))
		return R_DEV;
	return R_TASK;
}

/* The column of the task that emitted @ev. */
static struct col *actor(struct trace_msc *m, const struct trace_event *ev)
{
	enum role r = task_role(ev->task);

	return col_get(m, r, r == R_TASK ? ev->task : NULL);
}

/* ---- statements ----------------------------------------------------------- */

static void body_add(struct trace_msc *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void body_add(struct trace_msc *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (m->len + (size_t)n + 1 > m->cap) {
		m->cap = (m->len + (size_t)n + 1) * 2;
		m->body = host_realloc(m->body, m->cap);
	}
	va_start(ap, fmt);
	vsnprintf(m->body + m->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	m->len += (size_t)n;
}

/* Room for one more statement? Counts what is left out. */
static bool room(struct trace_msc *m)
{
	if (m->arcs < m->max_arcs)
		return true;
	m->omitted++;
	return false;
}

static void separator(struct trace_msc *m, const char *text, uint64_t seq)
{
	char lab[4 * TRACE_MSC_LABEL_MAX + 8];

	trace_msc_escape(lab, sizeof(lab), text, TRACE_MSC_LABEL_MAX);
	if (seq)
		body_add(m, "  --- [label=\"%s\", ID=\"%llu\"];\n", lab,
			 (unsigned long long)seq);
	else
		body_add(m, "  --- [label=\"%s\"];\n", lab);
	m->arcs++;
}

/* A separator when virtual time moved since the last statement. */
static void time_mark(struct trace_msc *m, const struct trace_event *ev)
{
	char t[48];

	if (ev->time_ns == m->last_time)
		return;
	m->last_time = ev->time_ns;
	if (m->arcs + 1 >= m->max_arcs)
		return; /* keep the room for the event itself */
	snprintf(t, sizeof(t), "%llu.%03llu us",
		 (unsigned long long)(ev->time_ns / 1000),
		 (unsigned long long)(ev->time_ns % 1000));
	separator(m, t, 0);
}

/* One statement: "FROM OP TO [label, ID, colours]". */
static void statement(struct trace_msc *m, const struct trace_event *ev,
		      const struct col *from, const char *op,
		      const struct col *to, const char *text, bool red)
{
	char lab[4 * TRACE_MSC_LABEL_MAX + 8];

	time_mark(m, ev);
	trace_msc_escape(lab, sizeof(lab), text, TRACE_MSC_LABEL_MAX);
	body_add(m, "  %s %s %s [label=\"%s\", ID=\"%llu\"%s];\n", from->id, op,
		 to->id, lab, (unsigned long long)ev->seq,
		 red ? ", textcolour=\"#c00000\", linecolour=\"#c00000\"" : "");
	m->arcs++;
}

/* ---- labels ------------------------------------------------------------- */

/* Which fields of an event a label shows. */
enum {
	F_OP = 1u << 0,
	F_UNIQUE = 1u << 1,
	F_HEAD = 1u << 2,
	F_AVAIL = 1u << 3,
	F_USED = 1u << 4,
	F_QUEUE = 1u << 5,
	F_DETAIL = 1u << 6,
	F_FUNC = 1u << 7,
};

struct label {
	char s[512];
	size_t len;
};

static void lab_add(struct label *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void lab_add(struct label *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->s) - 1)
		return;
	if (l->len)
		l->s[l->len++] = ' ';
	va_start(ap, fmt);
	n = vsnprintf(l->s + l->len, sizeof(l->s) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n;
	if (l->len > sizeof(l->s) - 1)
		l->len = sizeof(l->s) - 1;
}

static void label_of(struct label *l, const struct trace_event *ev,
		     const char *verb, unsigned fields)
{
	char detail[256];
	const char *op, *d;

	l->len = 0;
	l->s[0] = '\0';
	if (verb && *verb)
		lab_add(l, "%s", verb);
	if ((fields & F_FUNC) && ev->func)
		lab_add(l, "%s", ev->func);
	if ((fields & F_QUEUE) && ev->queue)
		lab_add(l, "%s", ev->queue);
	if ((fields & F_OP) && ev->opcode >= 0) {
		op = fuse_opcode_name((uint32_t)ev->opcode);
		if (op)
			lab_add(l, "%s", op);
		else
			lab_add(l, "op %d", ev->opcode);
	}
	if ((fields & F_UNIQUE) && ev->unique)
		lab_add(l, "unique=%llu", (unsigned long long)ev->unique);
	if ((fields & F_HEAD) && ev->head >= 0)
		lab_add(l, "head=%d", ev->head);
	if ((fields & F_AVAIL) && ev->avail_idx >= 0)
		lab_add(l, "avail=%d", ev->avail_idx);
	if ((fields & F_USED) && ev->used_idx >= 0)
		lab_add(l, "used=%d", ev->used_idx);
	d = fields & F_DETAIL ? trace_detail(ev, detail, sizeof(detail)) : NULL;
	if (d && *d)
		lab_add(l, "%s", d);
}

/* ---- what each kind becomes --------------------------------------------- */

/* Where a statement starts or ends. */
enum end {
	E_ACTOR,  /* the emitting task's column */
	E_CALLER, /* the FUSE core when a task emitted it, else the actor */
	E_CORE,
	E_DRV,
	E_WORK,
	E_QUEUE, /* the event's queue (the driver without one) */
	E_DEV,
	E_VMM,
};

enum act {
	A_SKIP,
	A_ARC,	  /* from op to */
	A_BOX,	  /* box on from */
	A_NOTE,	  /* note on from */
	A_RESULT, /* rbox on from */
	A_BUG,	  /* red rbox on from */
	A_SEP,	  /* separator */
};

struct rule {
	const char *kind; /* exact, or a prefix when it ends with '.' */
	enum act act;
	enum end from, to;
	const char *op; /* mscgen arc */
	const char *verb;
	unsigned fields;
};

#define ARC(k, f, o, t, v, fl)           \
	{                                \
		k, A_ARC, f, t, o, v, fl \
	}
#define ON(k, a, f, v, fl)              \
	{                               \
		k, a, f, f, NULL, v, fl \
	}
#define SKIP(k)                                            \
	{                                                  \
		k, A_SKIP, E_ACTOR, E_ACTOR, NULL, NULL, 0 \
	}

static const struct rule rules[] = {
	/* told by another arc, or bookkeeping */
	SKIP("sched."),
	SKIP("task."),
	SKIP("timer.fire"),
	SKIP("work."),
	SKIP("pipe."),
	SKIP("vq.kick_prepare"),
	SKIP("vq.pop"),
	SKIP("vq.push"),
	SKIP("vq.need_notify"),
	SKIP("vq.get_buf"),
	SKIP("vq.disable_cb"),
	SKIP("vq.enable_cb"),
	SKIP("dev.kick"),
	SKIP("dev.irq"),
	SKIP("dev.create"),
	SKIP("dev.control"),
	SKIP("dev.reset"),
	SKIP("dev.set_features"),
	SKIP("dev.ring_enable"),
	SKIP("dev.queue_ready"),
	SKIP("irq.raise"),
	SKIP("virtio_fs.enqueue"),
	SKIP("virtio_fs.irq"),
	SKIP("virtio_fs.complete"),
	SKIP("virtio_fs.end"),
	SKIP("virtio_fs.mq_map"),
	SKIP("fuse.req"),
	SKIP("scn.expect"),
	/* a request's story */
	ARC("fuse.send", E_ACTOR, "=>", E_CORE, "", F_OP),
	ARC("virtio_fs.send", E_CORE, "->", E_DRV, "send_req", F_OP | F_UNIQUE),
	ARC("virtio_fs.forget", E_CALLER, "->", E_DRV, "send", F_OP | F_UNIQUE),
	ARC("vq.add", E_DRV, "->", E_QUEUE, "add", F_HEAD | F_AVAIL | F_DETAIL),
	ARC("vq.full", E_DRV, "-x", E_QUEUE, "full", F_DETAIL),
	ARC("vq.kick", E_QUEUE, "->", E_DEV, "kick", F_AVAIL),
	ARC("virtio.kick_failed", E_DRV, "-x", E_DEV, "kick failed", F_DETAIL),
	ARC("dev.pop", E_QUEUE, "->", E_DEV, "pop", F_OP | F_UNIQUE | F_HEAD),
	ON("fuse.reply", A_BOX, E_DEV, "reply", F_OP | F_UNIQUE | F_DETAIL),
	ARC("dev.complete", E_DEV, "->", E_QUEUE, "used",
	    F_OP | F_UNIQUE | F_HEAD | F_USED | F_DETAIL),
	ARC("vq.irq", E_QUEUE, "->", E_WORK, "interrupt", F_USED),
	ARC("virtio_fs.reply", E_QUEUE, "->", E_WORK, "get_buf",
	    F_OP | F_UNIQUE | F_DETAIL),
	ARC("virtio_fs.forget_done", E_QUEUE, "->", E_WORK, "done",
	    F_OP | F_UNIQUE),
	ARC("fuse.end", E_ACTOR, "->", E_CORE, "end",
	    F_OP | F_UNIQUE | F_DETAIL),
	ON("scn.op", A_RESULT, E_ACTOR, "", F_FUNC | F_DETAIL),
	ON("virtio_fs.park", A_BOX, E_DRV, "park", F_OP | F_UNIQUE | F_QUEUE),
	ON("virtio_fs.forget_park", A_BOX, E_DRV, "park",
	   F_OP | F_UNIQUE | F_QUEUE),
	/* mounts, removal, power management */
	ARC("virtio_fs.mount", E_ACTOR, "=>", E_DRV, "mount", F_DETAIL),
	ARC("virtio_fs.umount", E_ACTOR, "=>", E_DRV, "umount", F_DETAIL),
	ARC("virtio.unplug", E_VMM, "=>", E_DRV, "unplug", F_DETAIL),
	ARC("virtio.freeze", E_VMM, "=>", E_DRV, "freeze", F_DETAIL),
	ARC("virtio.restore", E_VMM, "=>", E_DRV, "restore", F_DETAIL),
	ARC("virtio.switch_backend", E_VMM, "->", E_DEV, "switch back end",
	    F_DETAIL),
	/* the transport */
	ARC("virtio.status", E_DRV, "->", E_DEV, "", F_DETAIL),
	ARC("virtio.reset", E_DRV, "->", E_DEV, "reset", F_DETAIL),
	ARC("virtio.features", E_DRV, "->", E_DEV, "features", F_DETAIL),
	ARC("virtio.queue_ready", E_DRV, "->", E_DEV, "set up",
	    F_QUEUE | F_DETAIL),
	ON("virtio.probe", A_BOX, E_DRV, "probe", F_DETAIL),
	ON("virtio.", A_NOTE, E_DRV, "", F_FUNC | F_QUEUE | F_DETAIL),
	/* the driver's own steps, problems as notes */
	ON("virtio_fs.error", A_NOTE, E_DRV, "error",
	   F_QUEUE | F_OP | F_UNIQUE | F_DETAIL),
	ON("virtio_fs.warn", A_NOTE, E_DRV, "warning", F_DETAIL),
	ON("virtio_fs.bad_reply", A_NOTE, E_DRV, "bad reply",
	   F_OP | F_UNIQUE | F_DETAIL),
	ON("virtio_fs.late_reply", A_NOTE, E_DRV, "late reply",
	   F_QUEUE | F_UNIQUE | F_DETAIL),
	ON("virtio_fs.drain_timeout", A_NOTE, E_DRV, "drain timed out",
	   F_QUEUE | F_DETAIL),
	ON("virtio_fs.forget_drop", A_NOTE, E_DRV, "dropped",
	   F_OP | F_UNIQUE | F_QUEUE | F_DETAIL),
	ON("virtio_fs.drain_wake", A_BOX, E_DRV, "drained", F_QUEUE | F_DETAIL),
	ON("virtio_fs.", A_BOX, E_DRV, "", F_FUNC | F_QUEUE | F_DETAIL),
	/* vhost-user requests of the front end, the device's own steps */
	ARC("dev.protocol_features", E_VMM, "->", E_DEV, "", F_FUNC | F_DETAIL),
	ARC("dev.set_vring_base", E_VMM, "->", E_DEV, "",
	    F_FUNC | F_QUEUE | F_AVAIL | F_DETAIL),
	ARC("dev.ring_drain", E_VMM, "->", E_DEV, "",
	    F_FUNC | F_QUEUE | F_DETAIL),
	ARC("dev.set_state_fd", E_VMM, "->", E_DEV, "", F_FUNC | F_DETAIL),
	ARC("dev.check_state", E_VMM, "->", E_DEV, "", F_FUNC | F_DETAIL),
	ON("dev.", A_BOX, E_DEV, "", F_FUNC | F_QUEUE | F_AVAIL | F_DETAIL),
	/* the FUSE core, and the FUSE server's complaints */
	ON("fuse.init", A_BOX, E_CORE, "INIT", F_DETAIL),
	ON("fuse.abort", A_BOX, E_CORE, "abort", F_DETAIL),
	ON("fuse.timeout", A_NOTE, E_CORE, "timeout", F_DETAIL),
	ON("fuse.bad", A_NOTE, E_DEV, "bad request",
	   F_OP | F_UNIQUE | F_DETAIL),
	/* the interrupt line */
	ON("irq.merged", A_NOTE, E_WORK, "irq merged", F_QUEUE | F_DETAIL),
	ON("irq.spurious", A_NOTE, E_WORK, "spurious irq", F_DETAIL),
	/* migration and the device's state */
	{ "mig.done", A_SEP, E_VMM, E_VMM, NULL, "migration done:", F_DETAIL },
	{ "mig.fail", A_SEP, E_VMM, E_VMM, NULL,
	  "migration failed:", F_DETAIL },
	ON("mig.", A_BOX, E_VMM, "", F_FUNC | F_DETAIL),
	ON("state.", A_BOX, E_DEV, "", F_FUNC | F_DETAIL),
	ON("fuse_server.", A_BOX, E_DEV, "", F_FUNC | F_DETAIL),
	/* the scenario */
	ON("scn.action", A_BOX, E_VMM, "", F_FUNC | F_DETAIL),
	{ "scn.mark", A_SEP, E_VMM, E_VMM, NULL, "", F_DETAIL },
	ON("scn.picture", A_NOTE, E_VMM, "picture", F_QUEUE | F_DETAIL),
	/* what goes wrong */
	ON("bug", A_BUG, E_ACTOR, "BUG", F_FUNC | F_DETAIL),
	ON("fault", A_NOTE, E_ACTOR, "fault:", F_FUNC | F_DETAIL),
};

static bool kind_matches(const char *pattern, const char *kind)
{
	size_t n = strlen(pattern);

	if (pattern[n - 1] == '.')
		return !strncmp(pattern, kind, n);
	return !strcmp(pattern, kind);
}

/* The rule for @kind: the first that matches, else a note. */
static const struct rule *rule_of(const char *kind)
{
	static const struct rule other =
		ON("", A_NOTE, E_ACTOR, "",
		   F_FUNC | F_QUEUE | F_OP | F_UNIQUE | F_DETAIL);

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (kind_matches(rules[i].kind, kind))
			return &rules[i];
	return &other;
}

static struct col *end_col(struct trace_msc *m, const struct trace_event *ev,
			   enum end e)
{
	switch (e) {
	case E_CALLER:
		return task_role(ev->task) == R_TASK ?
			       col_get(m, R_CORE, NULL) :
			       actor(m, ev);
	case E_CORE:
		return col_get(m, R_CORE, NULL);
	case E_DRV:
		return col_get(m, R_DRV, NULL);
	case E_WORK:
		return col_get(m, R_WORK, NULL);
	case E_QUEUE:
		return ev->queue ? col_get(m, R_QUEUE, ev->queue) :
				   col_get(m, R_DRV, NULL);
	case E_DEV:
		return col_get(m, R_DEV, NULL);
	case E_VMM:
		return col_get(m, R_VMM, NULL);
	default:
		return actor(m, ev);
	}
}

static const char *const box_ops[] = {
	[A_BOX] = "box",
	[A_NOTE] = "note",
	[A_RESULT] = "rbox",
	[A_BUG] = "rbox",
};

void trace_msc_event(struct trace_msc *m, const struct trace_event *ev)
{
	const char *kind = ev->kind ? ev->kind : "";
	const struct rule *r;
	struct label l;
	struct col *from, *to;

	m->events++;
	r = rule_of(kind);
	if (r->act == A_SKIP || !room(m))
		return;
	label_of(&l, ev, r->verb, r->fields);
	if (!l.len) /* a note with nothing to say still says what it is */
		label_of(&l, ev, kind, 0);
	if (r->act == A_SEP) {
		time_mark(m, ev);
		separator(m, l.s, ev->seq);
		return;
	}
	from = end_col(m, ev, r->from);
	if (r->act == A_ARC) {
		to = end_col(m, ev, r->to);
		if (to == from) /* e.g. a VMM-side mount: a box says it */
			statement(m, ev, from, "box", to, l.s, false);
		else
			statement(m, ev, from, r->op, to, l.s, false);
		return;
	}
	statement(m, ev, from, box_ops[r->act], from, l.s, r->act == A_BUG);
}

/* ---- the chart ---------------------------------------------------------- */

struct trace_msc *trace_msc_new(unsigned max_arcs)
{
	struct trace_msc *m = host_realloc(NULL, sizeof(*m));

	memset(m, 0, sizeof(*m));
	m->max_arcs = max_arcs ? max_arcs : TRACE_MSC_MAX_ARCS;
	return m;
}

unsigned long long trace_msc_events(const struct trace_msc *m)
{
	return m->events;
}

unsigned trace_msc_arcs(const struct trace_msc *m)
{
	return m->arcs;
}

unsigned long long trace_msc_omitted(const struct trace_msc *m)
{
	return m->omitted;
}

static int col_cmp(const void *a, const void *b)
{
	const struct col *x = a, *y = b;

	if (x->role != y->role)
		return x->role < y->role ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void trace_msc_free(struct trace_msc *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nr_cols; i++) {
		host_free(m->cols[i].name);
		host_free(m->cols[i].label);
	}
	host_free(m->cols);
	host_free(m->body);
	host_free(m);
}

char *trace_msc_finish(struct trace_msc *m)
{
	struct trace_msc head = { 0 };
	char note[160];

	if (!m->nr_cols) /* mscgen wants an entity and a statement */
		col_get(m, R_VMM, NULL);
	if (!m->arcs && !m->omitted)
		separator(m, "empty trace", 0);
	if (m->omitted) {
		snprintf(note, sizeof(note),
			 "%llu more events not drawn (at most %u statements); "
			 "the text trace has them all",
			 m->omitted, m->max_arcs);
		body_add(m, "  ...;\n");
		separator(m, note, 0);
	}
	qsort(m->cols, m->nr_cols, sizeof(*m->cols), col_cmp);
	/* room for labels: a fixed width per column */
	body_add(&head,
		 "# vfsim trace as a message sequence chart: mscgen -T svg\n"
		 "msc {\n  width=\"%zu\", wordwraparcs=\"true\";\n  ",
		 m->nr_cols < 5 ? 800 : 160 * m->nr_cols);
	for (size_t i = 0; i < m->nr_cols; i++)
		body_add(&head, "%s [label=\"%s\"]%s", m->cols[i].id,
			 m->cols[i].label, i + 1 < m->nr_cols ? ", " : ";\n");
	body_add(&head, "%s}\n", m->body ? m->body : "");
	trace_msc_free(m);
	return head.body;
}

int trace_msc_write_kept(FILE *out, unsigned max_arcs)
{
	struct trace_msc *m = trace_msc_new(max_arcs);
	char *s;
	int ret = 0;

	for (size_t i = 0; i < trace_kept(); i++)
		trace_msc_event(m, trace_event_at(i));
	s = trace_msc_finish(m);
	if (fputs(s, out) < 0)
		ret = -EIO;
	host_free(s);
	return ret;
}
