// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfsim.c - the public library: a machine built from struct vfsim_config,
 * its file system builder, runs, and device and transport events.
 *
 * The library is a front end to the scenario executor, not a second
 * implementation of it: the configuration is written out as the
 * scenario language's configuration lines and parsed, so every setting is
 * checked by the same code, with the same messages and lists of valid
 * values, as in a scenario file; the machine is a session
 * (sim/cli/session.h) on that scenario, to which tasks are added as the
 * caller starts them; actions are the `at` blocks' actions.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vfsim_internal.h"
#include "sim/kernel/check.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

static char last_error[512];
static struct vfsim *the_machine;

const char *vfsim_version(void)
{
	return VFSIM_VERSION;
}

const char *vfsim_error(void)
{
	return last_error;
}

int vfsim_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return err;
}

const char *vfsim_parse_message(const struct scenario_error *err)
{
	const char *p = strstr(err->msg, ": error: ");

	return p ? p + 9 : err->msg;
}

/* A growing text. */
struct text {
	char *buf;
	size_t len;
};

static void __attribute__((format(printf, 2, 3)))
add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	t->buf = host_realloc(t->buf, t->len + (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/* A string setting must stay on its line: the text is parsed. */
static int one_line(const char *field, const char *v)
{
	if (v && (strpbrk(v, "\n\"\\#") || !*v))
		return vfsim_fail(-EINVAL,
				  "vfsim_config.%s: \"%s\" is empty or holds a "
				  "newline, quote, backslash or '#'",
				  field, v);
	return 0;
}

/* Each item of the list @v (split at any of @seps) as "@keyword ITEM". */
static void add_items(struct text *t, const char *keyword, const char *v,
		      const char *seps)
{
	while (v && *v) {
		size_t n = strcspn(v, seps), b = 0;

		while (b < n && (v[b] == ' ' || v[b] == '\t'))
			b++;
		if (n > b)
			add(t, "%s %.*s\n", keyword, (int)(n - b), v + b);
		v += n + (v[n] != '\0');
	}
}

/* The configuration as the scenario language writes it. */
static int config_text(const struct vfsim_config *c, struct text *t)
{
	if (one_line("tag", c->tag) || one_line("variant", c->variant) ||
	    one_line("bugs", c->bugs) ||
	    one_line("driver_options", c->driver_options) ||
	    one_line("device_order", c->device_order) ||
	    one_line("device_options", c->device_options) ||
	    one_line("policy", c->policy) ||
	    (c->faults && strpbrk(c->faults, "\"\\#")))
		return last_error[0] ? -EINVAL :
				       vfsim_fail(-EINVAL,
						  "vfsim_config.faults: a rule "
						  "holds a quote, backslash "
						  "or '#'");
	add(t, "machine");
	if (c->tag)
		add(t, " tag=%s", c->tag);
	if (c->queues)
		add(t, " queues=%u", c->queues);
	if (c->queue_size)
		add(t, " queue-size=%u", c->queue_size);
	if (c->cpus)
		add(t, " cpus=%u", c->cpus);
	add(t, " event-idx=%s indirect=%s dax-window=%llu\n",
	    c->event_idx ? "on" : "off", c->indirect ? "on" : "off",
	    (unsigned long long)c->dax_window);
	add(t, "driver");
	if (c->variant)
		add(t, " variant=%s", c->variant);
	if (c->driver_options)
		add(t, " options=%s", c->driver_options);
	add(t, " timeout=%us\n", c->timeout_s);
	add_items(t, "bug", c->bugs, ",");
	/* Only the device keys set: an external back end refuses those
	 * that shape the in-process device, even at their defaults. */
	if (c->device_latency_ns || c->device_batch || c->device_workers ||
	    c->device_order || c->device_seed || c->device_options ||
	    c->device_request_timeout_s) {
		add(t, "device");
		if (c->device_latency_ns)
			add(t, " latency=%lluns",
			    (unsigned long long)c->device_latency_ns);
		if (c->device_batch)
			add(t, " batch=%u", c->device_batch);
		if (c->device_workers)
			add(t, " workers=%u", c->device_workers);
		if (c->device_order)
			add(t, " order=%s", c->device_order);
		if (c->device_seed)
			add(t, " seed=%llu",
			    (unsigned long long)c->device_seed);
		if (c->device_options)
			add(t, " options=%s", c->device_options);
		if (c->device_request_timeout_s)
			add(t, " request-timeout=%us",
			    c->device_request_timeout_s);
		add(t, "\n");
	}
	if (c->migration_guest_error)
		add(t, "migration policy=guest-error\n");
	if (c->policy && !strcmp(c->policy, "random"))
		add(t, "policy random:%llu\n", (unsigned long long)c->seed);
	else if (c->policy)
		add(t, "policy %s\n", c->policy);
	add_items(t, "fault", c->faults, ";\n");
	return 0;
}

/* The line @line (1-based) of @text, for a message. */
static const char *line_of(const char *text, unsigned line)
{
	static char buf[256];
	const char *p = text;
	size_t n;

	while (--line && (p = strchr(p, '\n')))
		p++;
	if (!p)
		return "";
	n = strcspn(p, "\n");
	snprintf(buf, sizeof(buf), "%.*s", (int)n, p);
	return buf;
}

/* The session hands every event here: the caller's sink, and
 * vfsim_run_until_event()'s pattern. */
static void on_event(const struct trace_event *ev, void *arg)
{
	struct vfsim *vm = arg;
	char line[1024];
	struct vfsim_event e;

	if (vm->until && !vm->until_hit && vfsim_match(vm->until, ev))
		vm->until_hit = true;
	if (!vm->cfg.trace_fn)
		return;
	trace_format_text(ev, line, sizeof(line));
	e = (struct vfsim_event){ .seq = ev->seq,
				  .time_ns = ev->time_ns,
				  .task = ev->task,
				  .kind = ev->kind,
				  .func = ev->func,
				  .text = line };
	vm->cfg.trace_fn(&e, vm->cfg.trace_arg);
}

struct vfsim *vfsim_machine_new(const struct vfsim_config *cfg)
{
	static const struct vfsim_config defaults;
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_NONE };
	struct scenario_error perr;
	struct text t = { 0 };
	struct vfsim *vm;

	last_error[0] = '\0';
	if (the_machine) {
		vfsim_fail(-EBUSY, "vfsim_machine_new: a machine exists "
				   "already (one per process: free it first)");
		return NULL;
	}
	if (!cfg)
		cfg = &defaults;
	if (cfg->trace_format != VFSIM_FORMAT_TEXT &&
	    cfg->trace_format != VFSIM_FORMAT_JSONL) {
		vfsim_fail(-EINVAL,
			   "vfsim_config.trace_format: %d is neither "
			   "VFSIM_FORMAT_TEXT nor VFSIM_FORMAT_JSONL",
			   (int)cfg->trace_format);
		return NULL;
	}
	/* Inside a user's program /proc/self/exe is no vfsim to spawn. */
	if (cfg->backend && !strcmp(cfg->backend, "spawn:vfsim") &&
	    !(getenv("VFSIM") && *getenv("VFSIM"))) {
		vfsim_fail(-EINVAL,
			   "vfsim_config.backend: spawn:vfsim starts the vfsim "
			   "program that $VFSIM names, and VFSIM is not set "
			   "(e.g. VFSIM=$(pkg-config --variable=bindir "
			   "vfsim)/vfsim)");
		return NULL;
	}
	if (config_text(cfg, &t))
		return NULL;
	vm = host_calloc(1, sizeof(*vm));
	vm->cfg = *cfg;
	if (scenario_parse_string("vfsim_config", t.buf, &vm->conf, &perr)) {
		vfsim_fail(perr.code,
			   "vfsim_machine_new: %s (the configuration "
			   "reads \"%s\")",
			   vfsim_parse_message(&perr),
			   line_of(t.buf, perr.line));
		goto fail;
	}
	vm->scn = *vm->conf;
	vm->scn.migration.prepare = cfg->migration;
	vm->slots = host_calloc(VFSIM_MAX_TASKS, sizeof(*vm->slots));
	vm->tasks = host_calloc(VFSIM_MAX_TASKS, sizeof(*vm->tasks));
	vm->scn.tasks = vm->slots;
	vm->scn.nr_tasks = 0;
	o.stream = cfg->trace_file;
	if (cfg->trace_file)
		o.format = cfg->trace_format == VFSIM_FORMAT_JSONL ?
				   VFSIM_TRACE_JSONL :
				   VFSIM_TRACE_TEXT;
	o.backend = cfg->backend;
	o.max_steps = cfg->max_steps;
	o.max_time_ns = cfg->max_time_ns;
	o.on_event = on_event;
	o.on_event_arg = vm;
	o.task_room = VFSIM_MAX_TASKS;
	if (vfsim_session_open(&vm->scn, &o, &vm->r, &vm->ss)) {
		vfsim_fail(-EINVAL, "vfsim_machine_new: %s", vm->r.error);
		vfsim_result_free(&vm->r);
		goto fail;
	}
	host_free(t.buf);
	the_machine = vm;
	return vm;
fail:
	host_free(t.buf);
	scenario_free(vm->conf);
	host_free(vm->slots);
	host_free(vm->tasks);
	host_free(vm);
	return NULL;
}

long vfsim_machine_free(struct vfsim *vm)
{
	long leaks;

	if (!vm)
		return 0;
	vfsim_session_close(vm->ss);
	leaks = (long)vm->r.leaks;
	vfsim_result_free(&vm->r);
	vfsim_tasks_free(vm);
	for (size_t i = 0; i < vm->nr_acts; i++) {
		host_free(vm->acts[i]->text);
		host_free(vm->acts[i]);
	}
	host_free(vm->acts);
	scenario_free(vm->conf);
	host_free(vm->slots);
	host_free(vm->tasks);
	host_free(vm);
	the_machine = NULL;
	return leaks;
}
