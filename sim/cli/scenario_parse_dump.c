// SPDX-License-Identifier: GPL-2.0-only
/*
 * scenario_parse_dump.c - print a scenario back in canonical syntax.
 *
 * Canonical means: configuration first in a fixed order, then tasks, then
 * event blocks, then the run program; only the keys a line gave; durations
 * in ns, sizes in bytes, modes in octal, errnos as -NAME; two spaces per
 * block level. Parsing the output yields the same tree.
 */
#include <assert.h>
#include <inttypes.h>
#include <string.h>

#include "sim/cli/scenario_internal.h"

static void indent(FILE *f, unsigned level)
{
	for (unsigned i = 0; i < level; i++)
		fputs("  ", f);
}

static void str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == (unsigned char)SCN_ITER_MARK)
			fputs("$i", f);
		else if (c == '"' || c == '\\' || c == '$')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* A word when the lexer would read it back as the same word, else a string. */
static void text(FILE *f, const char *s)
{
	bool word = *s != 0;

	for (const char *p = s; *p && word; p++) {
		unsigned char c = (unsigned char)*p;

		word = c == (unsigned char)SCN_ITER_MARK ||
		       (c > 0x20 && c < 0x7f && !strchr("\"#$=\\", c));
	}
	if (!word) {
		str(f, s);
		return;
	}
	for (; *s; s++)
		if (*s == SCN_ITER_MARK)
			fputs("$i", f);
		else
			fputc(*s, f);
}

static void dur(FILE *f, uint64_t ns)
{
	char b[32];

	scenario_format_duration(ns, b, sizeof(b));
	fputs(b, f);
}

static void size(FILE *f, uint64_t bytes)
{
	static const char *const unit[] = { "", "K", "M", "G" };
	int u = 0;

	while (bytes && u < 3 && bytes % 1024 == 0) {
		bytes /= 1024;
		u++;
	}
	fprintf(f, "%" PRIu64 "%s", bytes, unit[u]);
}

/* " A [B [C]]" as sizes; B and C optional. */
static void sizes(FILE *f, uint64_t a, const uint64_t *b, const uint64_t *c)
{
	fputc(' ', f);
	size(f, a);
	if (b) {
		fputc(' ', f);
		size(f, *b);
	}
	if (c) {
		fputc(' ', f);
		size(f, *c);
	}
}

static const char *const order_names[] = { "in", "reversed", "random" };

/* A name list from a bit mask ("none" when empty). */
static void names(FILE *f, const char *key, uint32_t mask,
		  const char *const *all)
{
	bool first = true;

	fputs(key, f);
	for (int i = 0; all[i]; i++) {
		if (!(mask & (1u << i)))
			continue;
		fprintf(f, "%s%s", first ? "" : ",", all[i]);
		first = false;
	}
	if (first)
		fputs("none", f);
}

/* The driver line, in the canonical spelling (a machine line's variant=
 * and timeout= come out here). */
static void dump_driver(FILE *f, const struct scn_driver *d)
{
	if (!d->set)
		return;
	fputs("driver", f);
	if (d->set & SCN_DRIVER_VARIANT)
		fprintf(f, " variant=%s", d->variant);
	if (d->set & SCN_DRIVER_TIMEOUT)
		fprintf(f, " timeout=%us", d->timeout_s);
	if (d->set & SCN_DRIVER_MAX_TIMEOUT)
		fprintf(f, " max-timeout=%us", d->max_timeout_s);
	if (d->set & SCN_DRIVER_OPTIONS)
		names(f, " options=", d->options,
		      scenario_driver_option_names());
	fputc('\n', f);
}

static void dump_config(FILE *f, const struct scenario *s)
{
	const struct scn_machine *m = &s->machine;
	const struct scn_device *d = &s->device;

	if (m->pos.line) {
		fputs("machine", f);
		if (m->set & SCN_MACHINE_TAG) {
			fputs(" tag=", f);
			text(f, m->tag);
		}
		if (m->set & SCN_MACHINE_QUEUES)
			fprintf(f, " queues=%u", m->queues);
		if (m->set & SCN_MACHINE_QUEUE_SIZE)
			fprintf(f, " queue-size=%u", m->queue_size);
		if (m->set & SCN_MACHINE_CPUS)
			fprintf(f, " cpus=%u", m->cpus);
		if (m->set & SCN_MACHINE_EVENT_IDX)
			fprintf(f, " event-idx=%s",
				m->event_idx ? "on" : "off");
		if (m->set & SCN_MACHINE_INDIRECT)
			fprintf(f, " indirect=%s", m->indirect ? "on" : "off");
		if (m->set & SCN_MACHINE_DAX_WINDOW) {
			fputs(" dax-window=", f);
			size(f, m->dax_window);
		}
		if (m->set & SCN_MACHINE_DEVICES)
			fprintf(f, " devices=%u", m->devices);
		fputc('\n', f);
	}
	dump_driver(f, &s->driver);
	for (size_t i = 0; i < s->nr_bugs; i++)
		fprintf(f, "bug %s\n", s->bugs[i].name);
	if (d->pos.line) {
		fputs("device", f);
		if (d->set & SCN_DEVICE_LATENCY) {
			fputs(" latency=", f);
			dur(f, d->latency_ns);
		}
		if (d->set & SCN_DEVICE_ORDER)
			fprintf(f, " order=%s", order_names[d->order]);
		if (d->set & SCN_DEVICE_BATCH)
			fprintf(f, " batch=%u", d->batch);
		if (d->set & SCN_DEVICE_WORKERS)
			fprintf(f, " workers=%u", d->workers);
		if (d->set & SCN_DEVICE_SEED)
			fprintf(f, " seed=%" PRIu64, d->seed);
		if (d->set & SCN_DEVICE_OPTIONS)
			names(f, " options=", d->options,
			      scenario_device_option_names());
		if (d->set & SCN_DEVICE_REQUEST_TIMEOUT)
			fprintf(f, " request-timeout=%us",
				d->request_timeout_s);
		if (d->set & SCN_DEVICE_BACKEND) {
			fputs(" backend=", f);
			str(f, d->backend);
		}
		fputc('\n', f);
	}
	if (s->policy.pos.line)
		fprintf(f, "policy %s\n", s->policy.spec);
	for (size_t i = 0; i < s->nr_faults; i++)
		fprintf(f, "fault %s\n", s->faults[i].rule);
	if (s->migration.pos.line)
		fprintf(f, "migration policy=%s\n",
			s->migration.policy == SCN_MIGRATION_ABORT ?
				"abort" :
				"guest-error");
	if (s->fs_pos.line) {
		fputs("fs\n", f);
		for (size_t i = 0; i < s->nr_fs; i++) {
			const struct scn_fs_entry *e = &s->fs[i];

			fputs(e->kind == SCN_FS_DIR ? "  dir " : "  file ", f);
			text(f, e->path);
			if (e->kind == SCN_FS_FILE && e->data) {
				fputc(' ', f);
				str(f, e->data);
			} else if (e->kind == SCN_FS_FILE) {
				fputs(" size=", f);
				size(f, e->size);
			}
			fputc('\n', f);
		}
		fputs("end\n", f);
	}
}

static void dump_ops(FILE *f, const struct scn_op *ops, size_t n,
		     unsigned level)
{
	static const char *const access[] = { "ro", "wo", "rw" };
	static const char *const lock[] = { "r", "w", "u" };

	for (size_t i = 0; i < n; i++) {
		const struct scn_op *op = &ops[i];
		enum scn_op_kind k = op->kind;

		indent(f, level);
		fputs(scenario_op_name(k), f);
		if (op->path) {
			fputc(' ', f);
			text(f, op->path);
		}
		if (op->path2) {
			fputc(' ', f);
			text(f, op->path2);
		}
		if (k == SCN_OP_OPEN || k == SCN_OP_CREATE ||
		    k == SCN_OP_OPENDIR) {
			fputs(" as ", f);
			text(f, op->handle);
		} else if (op->handle) {
			fputc(' ', f);
			text(f, op->handle);
		}
		switch (k) {
		case SCN_OP_MOUNT:
			if (op->set & SCN_ARG_TAG) {
				fputc(' ', f);
				text(f, op->tag);
			}
			break;
		case SCN_OP_FORGET:
			if (op->set & SCN_ARG_COUNT)
				fprintf(f, " %" PRIu64, op->count);
			break;
		case SCN_OP_SETATTR:
		case SCN_OP_CREATE:
			if (op->set & SCN_ARG_MODE)
				fprintf(f, " mode=%04o", op->mode);
			if (op->set & SCN_ARG_SIZE) {
				fputs(" size=", f);
				size(f, op->size);
			}
			break;
		case SCN_OP_OPEN:
			if (op->set & SCN_ARG_ACCESS)
				fprintf(f, " %s", access[op->access]);
			if (op->set & SCN_ARG_TRUNC)
				fputs(" trunc", f);
			break;
		case SCN_OP_READ:
			sizes(f, op->offset, &op->size, NULL);
			if (op->set & SCN_ARG_EXPECT) {
				fputs(" expect=", f);
				str(f, op->data);
			}
			break;
		case SCN_OP_WRITE:
			sizes(f, op->offset, NULL, NULL);
			fputc(' ', f);
			if (op->set & SCN_ARG_SIZE) {
				fputs("size=", f);
				size(f, op->size);
			} else {
				str(f, op->data);
			}
			break;
		case SCN_OP_READDIR:
			if (op->set & SCN_ARG_EXPECT)
				fprintf(f, " expect=%" PRIu64, op->count);
			break;
		case SCN_OP_GETLK:
		case SCN_OP_SETLK:
		case SCN_OP_SETLKW:
			fprintf(f, " %s", lock[op->lock]);
			sizes(f, op->offset, &op->size, NULL);
			break;
		case SCN_OP_DAX_MAP:
			sizes(f, op->offset, &op->size, &op->moffset);
			if (op->set & SCN_ARG_ACCESS)
				fputs(op->set & SCN_ARG_DAX_RO ? " ro" : " rw",
				      f);
			break;
		case SCN_OP_DAX_UNMAP:
			sizes(f, op->offset, &op->size, NULL);
			break;
		case SCN_OP_SLEEP:
			fputc(' ', f);
			dur(f, op->ns);
			break;
		case SCN_OP_REPEAT:
			fprintf(f, " %" PRIu64 "\n", op->repeat);
			dump_ops(f, op->body, op->nr_body, level + 1);
			indent(f, level);
			fputs("end", f);
			break;
		default:
			break;
		}
		fputc('\n', f);
	}
}

static void queue(FILE *f, const char *q, unsigned index)
{
	if (!strcmp(q, "hiprio"))
		fputs(q, f);
	else
		fprintf(f, "%s.%u", q, index);
}

static void match(FILE *f, const struct scn_match *m)
{
	if (m->kind == SCN_MATCH_TEXT)
		str(f, m->text);
	else if (m->func)
		fprintf(f, "%s:%s", m->ev_kind, m->func);
	else
		fputs(m->ev_kind, f);
}

static void dump_trigger(FILE *f, const struct scn_trigger *tr)
{
	if (tr->kind == SCN_TRIGGER_AT) {
		fputs("at ", f);
		dur(f, tr->ns);
		fputc('\n', f);
	} else {
		fputs("on ", f);
		match(f, &tr->match);
		fputc('\n', f);
	}
	for (size_t i = 0; i < tr->nr_actions; i++) {
		const struct scn_action *a = &tr->actions[i];
		static const char *const simple[] = {
			[SCN_ACT_DEVICE_PAUSE] = "device pause",
			[SCN_ACT_DEVICE_RESUME] = "device resume",
			[SCN_ACT_DEVICE_DIE] = "device die",
			[SCN_ACT_UNPLUG] = "unplug",
			[SCN_ACT_MIGRATE] = "migrate",
			[SCN_ACT_FREEZE] = "freeze",
			[SCN_ACT_RESTORE] = "restore",
			[SCN_ACT_MARK] = NULL,
		};

		fputs("  ", f);
		if (a->kind == SCN_ACT_DEVICE_LATENCY) {
			fputs("device latency=", f);
			dur(f, a->ns);
		} else if (a->kind == SCN_ACT_DEVICE_ORDER) {
			fprintf(f, "device order=%s", order_names[a->order]);
		} else if (a->kind == SCN_ACT_PICTURE) {
			fputs("picture ring ", f);
			queue(f, a->queue, a->queue_index);
			if (a->file) {
				fputs(" as ", f);
				text(f, a->file);
			}
		} else if (a->kind == SCN_ACT_MARK) {
			fputs("mark ", f);
			text(f, a->text);
		} else {
			fputs(simple[a->kind], f);
		}
		fputc('\n', f);
	}
	fputs("end\n", f);
}

static void errno_val(FILE *f, int err)
{
	if (!err)
		fputc('0', f);
	else
		fprintf(f, "-%s", scn_errno_name(-err));
}

static void dump_expect(FILE *f, const struct scn_expect *e)
{
	const char *cmp = scenario_cmp_name(e->cmp);

	fputs("expect ", f);
	switch (e->kind) {
	case SCN_EXPECT_QUEUE:
		queue(f, e->queue, e->queue_index);
		fprintf(f, ".%s %s %" PRId64, e->field, cmp, e->value);
		break;
	case SCN_EXPECT_DEVICE:
		fprintf(f, "device.%s %s %" PRId64, e->field, cmp, e->value);
		break;
	case SCN_EXPECT_TASK_RETURNS:
		fprintf(f, "task %s ", e->task->name);
		if (e->op)
			fprintf(f, "op %u ", e->op);
		fputs("returns ", f);
		errno_val(f, e->err);
		break;
	case SCN_EXPECT_TASK_STATE:
		fprintf(f, "task %s %s", e->task->name,
			e->state == SCN_TASK_DONE ? "done" : "blocked");
		break;
	case SCN_EXPECT_TRACE_CONTAINS:
	case SCN_EXPECT_TRACE_LACKS:
		fputs(e->kind == SCN_EXPECT_TRACE_CONTAINS ? "trace contains " :
							     "trace lacks ",
		      f);
		str(f, e->text);
		break;
	case SCN_EXPECT_TRACE_COUNT:
		fputs("trace count ", f);
		str(f, e->text);
		fprintf(f, " %s %" PRId64, cmp, e->value);
		break;
	case SCN_EXPECT_NO_LEAKS:
		fputs("no leaks", f);
		break;
	case SCN_EXPECT_REPORTS:
		fprintf(f, "reports %s%s%s %" PRId64, e->text ? e->text : "",
			e->text ? " " : "", cmp, e->value);
		break;
	case SCN_EXPECT_LEAKS:
		fprintf(f, "leaks %s %" PRId64, cmp, e->value);
		break;
	case SCN_EXPECT_REPORT:
		fprintf(f, "report %s", e->text);
		break;
	case SCN_EXPECT_LOOKUPS_BALANCED:
		fputs("lookups balanced", f);
		break;
	case SCN_EXPECT_STATUS:
		fputs(e->status == SCN_STATUS_DONE ? "status done" :
						     "status deadlock",
		      f);
		break;
	}
	fputc('\n', f);
}

void scenario_dump(FILE *f, const struct scenario *s)
{
	assert(f && s);
	dump_config(f, s);
	for (size_t i = 0; i < s->nr_tasks; i++) {
		const struct scn_task *t = &s->tasks[i];

		fprintf(f, "task %s", t->name);
		if (t->cpu >= 0)
			fprintf(f, " cpu=%d", t->cpu);
		if (t->stop_on_error)
			fputs(" stop-on-error", f);
		if (t->daemon)
			fputs(" daemon", f);
		fputc('\n', f);
		dump_ops(f, t->ops, t->nr_ops, 1);
		fputs("end\n", f);
	}
	for (size_t i = 0; i < s->nr_triggers; i++)
		dump_trigger(f, &s->triggers[i]);
	for (size_t i = 0; i < s->nr_run; i++) {
		const struct scn_run_item *it = &s->run[i];

		switch (it->kind) {
		case SCN_RUN:
			fputs("run\n", f);
			break;
		case SCN_RUN_UNTIL:
			fputs("run until ", f);
			match(f, &it->match);
			fputc('\n', f);
			break;
		case SCN_RUN_UNTIL_TIME:
			fputs("run until time ", f);
			dur(f, it->ns);
			fputc('\n', f);
			break;
		case SCN_STEP:
			fprintf(f, "step %" PRIu64 "\n", it->steps);
			break;
		case SCN_EXPECT:
			dump_expect(f, &it->expect);
			break;
		}
	}
}
