// SPDX-License-Identifier: GPL-2.0-only
/*
 * trace_perfetto.c - a run in the Chrome/Perfetto JSON trace event
 * format: tasks, CPUs and queues as tracks, requests as async slices,
 * queue counters. See trace_perfetto.h for what is drawn where.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_proto/fuse_msg.h"
#include "sim/trace/host.h"
#include "sim/trace/trace_internal.h"
#include "sim/trace/trace_perfetto.h"

/* The processes: one per kind of track. */
enum {
	PID_TASKS = 1,
	PID_CPUS,
	PID_QUEUES,
	PID_REQUESTS
};

/* Most CPUs drawn (a machine has far fewer). */
#define MAX_CPUS 256

struct pf_track {
	char *name; /* task or queue name (a copy) */
	int tid;
	int64_t in_flight, num_free; /* queues: last counters, -1 none */
};

struct pf_open {
	uint64_t unique;
	uint64_t id;	  /* the slice's id */
	const char *name; /* opcode name (static) */
};

struct trace_perfetto {
	struct trace_text *out;
	struct pf_track *tasks, *queues;
	size_t nr_tasks, nr_queues;
	int running[MAX_CPUS]; /* tid of the task running there, 0: none */
	const char *running_name[MAX_CPUS];
	struct pf_open *open;
	size_t nr_open, cap_open;
	uint64_t next_id;
};

/* Virtual nanoseconds as JSON microseconds. */
static void put_ts(struct trace_perfetto *p, uint64_t ns)
{
	trace_text_printf(p->out, "\"ts\":%llu.%03llu",
			  (unsigned long long)(ns / 1000),
			  (unsigned long long)(ns % 1000));
}

static void put_meta(struct trace_perfetto *p, const char *what, int pid,
		     int tid, const char *name)
{
	trace_text_printf(p->out,
			  ",\n{\"ph\":\"M\",\"name\":\"%s\",\"pid\":%d,"
			  "\"tid\":%d,\"args\":{\"name\":",
			  what, pid, tid);
	trace_text_json_str(p->out, name);
	trace_text_printf(p->out, "}}");
}

struct trace_perfetto *trace_perfetto_new(struct trace_text *out)
{
	static const char *const procs[] = { "tasks", "CPUs", "virtqueues",
					     "requests" };
	struct trace_perfetto *p = host_calloc(1, sizeof(*p));

	p->out = out;
	trace_text_printf(out,
			  "{\"displayTimeUnit\":\"ns\",\"traceEvents\":["
			  "\n{\"ph\":\"M\",\"name\":\"process_name\","
			  "\"pid\":%d,\"tid\":0,\"args\":{\"name\":\"%s\"}}",
			  PID_TASKS, procs[0]);
	for (int i = 0; i < 4; i++) {
		if (i)
			put_meta(p, "process_name", PID_TASKS + i, 0, procs[i]);
		trace_text_printf(out,
				  ",\n{\"ph\":\"M\",\"name\":"
				  "\"process_sort_index\",\"pid\":%d,"
				  "\"args\":{\"sort_index\":%d}}",
				  PID_TASKS + i, i);
	}
	return p;
}

/* The track named @name in @tracks (added, and named in the trace, on
 * first use). */
static struct pf_track *track(struct trace_perfetto *p,
			      struct pf_track **tracks, size_t *nr, int pid,
			      const char *name)
{
	for (size_t i = 0; i < *nr; i++)
		if ((*tracks)[i].name == name ||
		    !strcmp((*tracks)[i].name, name))
			return &(*tracks)[i];
	*tracks = host_realloc(*tracks, (*nr + 1) * sizeof(**tracks));
	(*tracks)[*nr] = (struct pf_track){ .name = host_strdup(name),
					    .tid = (int)*nr + 1,
					    .in_flight = -1,
					    .num_free = -1 };
	put_meta(p, "thread_name", pid, (int)*nr + 1, name);
	return &(*tracks)[(*nr)++];
}

/* A slice on CPU @cpu's track: begin (@b) or end. */
static void cpu_slice(struct trace_perfetto *p, int cpu, bool b,
		      const char *name, uint64_t ns)
{
	trace_text_printf(p->out, ",\n{\"ph\":\"%s\",\"pid\":%d,\"tid\":%d,",
			  b ? "B" : "E", PID_CPUS, cpu);
	put_ts(p, ns);
	if (b) {
		trace_text_printf(p->out, ",\"name\":");
		trace_text_json_str(p->out, name);
	}
	trace_text_printf(p->out, "}");
}

static void cpu_switch(struct trace_perfetto *p, int cpu,
		       const struct pf_track *t, uint64_t ns)
{
	if (p->running[cpu] == t->tid)
		return;
	if (p->running[cpu])
		cpu_slice(p, cpu, false, NULL, ns);
	else if (!p->running_name[cpu]) {
		char name[16];

		snprintf(name, sizeof(name), "cpu%d", cpu);
		put_meta(p, "thread_name", PID_CPUS, cpu, name);
	}
	p->running[cpu] = t->tid;
	p->running_name[cpu] = t->name;
	cpu_slice(p, cpu, true, t->name, ns);
}

static void async(struct trace_perfetto *p, const struct pf_open *o, bool b,
		  const struct trace_event *ev, uint64_t ns, bool unfinished)
{
	trace_text_printf(
		p->out,
		",\n{\"ph\":\"%s\",\"cat\":\"request\",\"name\":\"%s\","
		"\"id\":\"0x%llx\",\"pid\":%d,\"tid\":0,",
		b ? "b" : "e", o->name, (unsigned long long)o->id,
		PID_REQUESTS);
	put_ts(p, ns);
	trace_text_printf(p->out, ",\"args\":{\"unique\":%llu",
			  (unsigned long long)o->unique);
	if (ev && ev->queue) {
		trace_text_printf(p->out, ",\"queue\":");
		trace_text_json_str(p->out, ev->queue);
	}
	if (unfinished)
		trace_text_printf(p->out, ",\"unfinished\":true");
	trace_text_printf(p->out, "}}");
}

static struct pf_open *find_open(struct trace_perfetto *p, uint64_t unique)
{
	/* the newest first: a unique reused by another mount is a new one */
	for (size_t i = p->nr_open; i-- > 0;)
		if (p->open[i].unique == unique)
			return &p->open[i];
	return NULL;
}

static bool kind_is(const struct trace_event *ev, const char *const *kinds)
{
	for (size_t i = 0; kinds[i]; i++)
		if (!strcmp(ev->kind, kinds[i]))
			return true;
	return false;
}

/* A request's slice begins at its enqueue and ends when it ends. */
static void request(struct trace_perfetto *p, const struct trace_event *ev)
{
	static const char *const begins[] = { "virtio_fs.send",
					      "virtio_fs.forget", NULL };
	static const char *const ends[] = { "fuse.end", "virtio_fs.forget_done",
					    "virtio_fs.forget_drop", NULL };
	struct pf_open *o;

	if (!ev->unique)
		return;
	o = find_open(p, ev->unique);
	if (!o && kind_is(ev, begins)) {
		const char *name =
			ev->opcode >= 0 ?
				fuse_opcode_name((uint32_t)ev->opcode) :
				NULL;

		if (p->nr_open == p->cap_open) {
			p->cap_open = p->cap_open ? 2 * p->cap_open : 64;
			p->open = host_realloc(p->open,
					       p->cap_open * sizeof(*p->open));
		}
		o = &p->open[p->nr_open++];
		*o = (struct pf_open){ .unique = ev->unique,
				       .id = ++p->next_id,
				       .name = name ? name : "request" };
		async(p, o, true, ev, ev->time_ns, false);
	} else if (o && kind_is(ev, ends)) {
		async(p, o, false, ev, ev->time_ns, false);
		*o = p->open[--p->nr_open];
	}
}

void trace_perfetto_event(struct trace_perfetto *p,
			  const struct trace_event *ev, int cpu)
{
	static const char *const marks[] = { "vq.kick", "vq.irq",    "dev.irq",
					     "vq.full", "vq.broken", NULL };
	const char *task = ev->task ? ev->task : "-";
	struct pf_track *t = track(p, &p->tasks, &p->nr_tasks, PID_TASKS, task);
	const char *kind = ev->kind ? ev->kind : "-";

	if (cpu >= 0 && cpu < MAX_CPUS && strcmp(task, "-"))
		cpu_switch(p, cpu, t, ev->time_ns);
	trace_text_printf(p->out, ",\n{\"ph\":\"i\",\"s\":\"t\",\"name\":");
	trace_text_json_str(p->out, kind);
	trace_text_printf(p->out, ",\"pid\":%d,\"tid\":%d,", PID_TASKS, t->tid);
	put_ts(p, ev->time_ns);
	trace_text_printf(p->out, ",\"args\":");
	trace_text_json_event(p->out, ev);
	trace_text_printf(p->out, "}");
	if (ev->queue && ev->kind && kind_is(ev, marks)) {
		struct pf_track *q = track(p, &p->queues, &p->nr_queues,
					   PID_QUEUES, ev->queue);

		trace_text_printf(p->out,
				  ",\n{\"ph\":\"i\",\"s\":\"t\",\"name\":");
		trace_text_json_str(p->out, kind);
		trace_text_printf(p->out, ",\"pid\":%d,\"tid\":%d,", PID_QUEUES,
				  q->tid);
		put_ts(p, ev->time_ns);
		trace_text_printf(p->out, ",\"args\":{\"seq\":%llu}}",
				  (unsigned long long)ev->seq);
	}
	if (ev->kind)
		request(p, ev);
	/* a task that blocks leaves its CPU */
	if (cpu >= 0 && cpu < MAX_CPUS && p->running[cpu] == t->tid &&
	    ev->kind && !strcmp(ev->kind, "task.block")) {
		cpu_slice(p, cpu, false, NULL, ev->time_ns);
		p->running[cpu] = 0;
	}
}

void trace_perfetto_counters(struct trace_perfetto *p, const char *queue,
			     uint64_t time_ns, int64_t in_flight,
			     int64_t num_free)
{
	struct pf_track *q =
		track(p, &p->queues, &p->nr_queues, PID_QUEUES, queue);

	if (q->in_flight == in_flight && q->num_free == num_free)
		return;
	q->in_flight = in_flight;
	q->num_free = num_free;
	trace_text_printf(p->out, ",\n{\"ph\":\"C\",\"name\":");
	trace_text_json_str(p->out, queue);
	trace_text_printf(p->out, ",\"pid\":%d,", PID_QUEUES);
	put_ts(p, time_ns);
	trace_text_printf(p->out,
			  ",\"args\":{\"in_flight\":%lld,\"num_free\":%lld}}",
			  (long long)in_flight, (long long)num_free);
}

void trace_perfetto_finish(struct trace_perfetto *p, uint64_t end_ns)
{
	for (int cpu = 0; cpu < MAX_CPUS; cpu++)
		if (p->running[cpu])
			cpu_slice(p, cpu, false, NULL, end_ns);
	for (size_t i = 0; i < p->nr_open; i++)
		async(p, &p->open[i], false, NULL, end_ns, true);
	trace_text_printf(p->out, "\n]}\n");
	for (size_t i = 0; i < p->nr_tasks; i++)
		host_free(p->tasks[i].name);
	for (size_t i = 0; i < p->nr_queues; i++)
		host_free(p->queues[i].name);
	host_free(p->tasks);
	host_free(p->queues);
	host_free(p->open);
	host_free(p);
}
