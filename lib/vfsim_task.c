// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfsim_task.c - the library's guest programs: tasks written one
 * operation at a time in the scenario language, started into the
 * machine's session, and their results.
 *
 * Every operation is checked when it is added, by parsing the task so far
 * with it (so a handle used before it is opened is refused at once, with
 * the parser's message); the whole task is parsed once more when it
 * starts, and the session then runs the parsed tree as it runs a
 * scenario file's task.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vfsim_internal.h"
#include "sim/trace/host.h"

/* "task NAME ...", the body, @closing more `end`s than it closes, and
 * the task's `end` (and a `run`: a scenario with tasks has one). */
static char *task_text(const struct vfsim_task *t, const char *extra,
		       unsigned closing)
{
	size_t n = strlen(t->name) + t->len + (extra ? strlen(extra) : 0) +
		   4 * closing + 64;
	char *s = host_malloc(n);
	int k = snprintf(s, n, "task %s%s\n%s%s%s", t->name,
			 t->stop_on_error ? " stop-on-error" : "",
			 t->body ? t->body : "", extra ? extra : "",
			 extra ? "\n" : "");

	while (closing--)
		k += snprintf(s + k, n - (size_t)k, "end\n");
	snprintf(s + k, n - (size_t)k, "end\nrun\n");
	return s;
}

static int parse(const struct vfsim_task *t, const char *extra,
		 unsigned closing, struct scenario **out, const char *what)
{
	struct scenario_error err;
	char *text = task_text(t, extra, closing);
	int ret = scenario_parse_string(t->name, text, out, &err);

	host_free(text);
	if (ret)
		return vfsim_fail(ret, "%s: task %s: %s", what, t->name,
				  vfsim_parse_message(&err));
	return 0;
}

static bool name_ok(const char *name)
{
	if (!name || !*name || strlen(name) > 64)
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return false;
	return true;
}

struct vfsim_task *vfsim_task_new(struct vfsim *vm, const char *name)
{
	struct vfsim_task *t;

	if (!name_ok(name)) {
		vfsim_fail(-EINVAL,
			   "vfsim_task_new: \"%s\" is not a task "
			   "name (1..64 letters, digits, '_' or '-')",
			   name ? name : "(null)");
		return NULL;
	}
	for (size_t i = 0; i < vm->nr_tasks; i++)
		if (!strcmp(vm->tasks[i]->name, name)) {
			vfsim_fail(-EEXIST,
				   "vfsim_task_new: a task is named "
				   "\"%s\" already",
				   name);
			return NULL;
		}
	if (vm->nr_tasks == VFSIM_MAX_TASKS) {
		vfsim_fail(-ENOSPC,
			   "vfsim_task_new: a machine takes at most "
			   "%d tasks",
			   VFSIM_MAX_TASKS);
		return NULL;
	}
	t = host_calloc(1, sizeof(*t));
	t->vm = vm;
	t->name = host_strdup(name);
	vm->tasks[vm->nr_tasks++] = t;
	return t;
}

/* The first word of @line. */
static bool first_word(const char *line, const char *word)
{
	size_t n = strlen(word);

	line += strspn(line, " \t");
	return !strncmp(line, word, n) &&
	       (!line[n] || line[n] == ' ' || line[n] == '\t');
}

int vfsim_op(struct vfsim_task *t, const char *line)
{
	bool opens = false, closes = false;
	struct scenario *s;
	unsigned before = t->nr_ops;
	size_t n;
	int ret;

	if (t->started)
		return vfsim_fail(-EBUSY, "vfsim_op: task %s has started",
				  t->name);
	if (!line || strchr(line, '\n'))
		return vfsim_fail(-EINVAL,
				  "vfsim_op: task %s: one operation "
				  "per call, without a newline",
				  t->name);
	if (first_word(line, "repeat")) {
		opens = true;
	} else if (first_word(line, "end")) {
		if (!t->depth)
			return vfsim_fail(-EINVAL,
					  "vfsim_op: task %s: 'end' "
					  "without a 'repeat'",
					  t->name);
		closes = true;
	}
	/* A block must not be empty: an opened one is checked with a
	 * stand-in body, which is no operation of the task. */
	if (opens) {
		char *probe = host_malloc(strlen(line) + 8);

		sprintf(probe, "%s\nyield", line);
		ret = parse(t, probe, t->depth + 1, &s, "vfsim_op");
		host_free(probe);
	} else {
		ret = parse(t, line, t->depth - closes, &s, "vfsim_op");
	}
	if (ret)
		return ret;
	if (!opens)
		t->nr_ops = s->tasks[0].nr_ordinal;
	scenario_free(s);
	n = strlen(line);
	t->body = host_realloc(t->body, t->len + n + 2);
	memcpy(t->body + t->len, line, n);
	t->len += n;
	t->body[t->len++] = '\n';
	t->body[t->len] = '\0';
	t->depth += opens - closes;
	return t->nr_ops > before ? (int)t->nr_ops : 0;
}

int vfsim_opf(struct vfsim_task *t, const char *fmt, ...)
{
	va_list ap;
	char *line;
	int n, ret;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	line = host_malloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(line, (size_t)n + 1, fmt, ap);
	va_end(ap);
	ret = vfsim_op(t, line);
	host_free(line);
	return ret;
}

int vfsim_task_stop_on_error(struct vfsim_task *t)
{
	if (t->started)
		return vfsim_fail(-EBUSY,
				  "vfsim_task_stop_on_error: task %s "
				  "has started",
				  t->name);
	t->stop_on_error = true;
	return 0;
}

int vfsim_task_start(struct vfsim_task *t)
{
	struct vfsim *vm = t->vm;
	int ret;

	if (t->started)
		return vfsim_fail(-EBUSY,
				  "vfsim_task_start: task %s has "
				  "started already",
				  t->name);
	if (t->depth)
		return vfsim_fail(-EINVAL,
				  "vfsim_task_start: task %s: %u "
				  "'repeat' without its 'end'",
				  t->name, t->depth);
	ret = parse(t, NULL, 0, &t->parsed, "vfsim_task_start");
	if (ret)
		return ret;
	vfsim_ops_place(t);
	t->idx = vm->scn.nr_tasks;
	vm->slots[t->idx] = t->parsed->tasks[0];
	vm->scn.nr_tasks++;
	ret = vfsim_session_add_task(vm->ss, t->idx);
	if (ret) {
		vm->scn.nr_tasks--;
		scenario_free(t->parsed);
		t->parsed = NULL;
		return vfsim_fail(ret, "vfsim_task_start: no room for task %s",
				  t->name);
	}
	t->started = true;
	return 0;
}

static const struct exec_task *run_of(const struct vfsim_task *t)
{
	return t->started ? &vfsim_exec_of(t->vm)->tasks[t->idx] : NULL;
}

enum vfsim_task_state vfsim_task_state(const struct vfsim_task *t,
				       const char **where)
{
	const struct exec_task *et = run_of(t);

	if (!et || !et->t) {
		if (where)
			*where = t->started ? "started, not yet running" :
					      "not started";
		return VFSIM_TASK_NEW;
	}
	if (where)
		*where = exec_task_where(et->t);
	if (task_done(et->t))
		return VFSIM_TASK_DONE;
	return et->t->state == TASK_BLOCKED ? VFSIM_TASK_BLOCKED :
					      VFSIM_TASK_RUNNABLE;
}

int vfsim_task_result(const struct vfsim_task *t, unsigned op, int *result,
		      const char **why)
{
	const struct exec_task *et = run_of(t);
	const char *what;

	if (op > t->nr_ops)
		return vfsim_fail(-EINVAL,
				  "vfsim_task_result: task %s has %u "
				  "operations, not %u",
				  t->name, t->nr_ops, op);
	if (!et || !et->t) {
		what = "the task has not started";
	} else if (exec_task_result(et, op, result, &what)) {
		return 0;
	}
	if (why)
		*why = what;
	return vfsim_fail(-EAGAIN, "vfsim_task_result: task %s: %s", t->name,
			  what);
}

void vfsim_tasks_free(struct vfsim *vm)
{
	for (size_t i = 0; i < vm->nr_tasks; i++) {
		struct vfsim_task *t = vm->tasks[i];

		scenario_free(t->parsed);
		vfsim_ops_free(t);
		host_free(t->body);
		host_free(t->name);
		host_free(t);
	}
	vm->nr_tasks = 0;
}
