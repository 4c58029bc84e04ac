// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfsim_observe.c - what the library lets a test look at: the driver's
 * queues and the requests parked on them, the device, the request
 * ledger, the checkers' reports and the trace.
 *
 * Each observer reads the live machine through the same functions the
 * scenario language's expectations use, so `expect requests.0.in_flight
 * == 1` in a scenario and vfsim_queue()'s in_flight agree by
 * construction.
 */
#include <errno.h>
#include <string.h>

#include "guest/virtio_fs.h"
#include "lib/vfsim_internal.h"
#include "sim/cli/req_ledger.h"
#include "sim/kernel/check.h"
#include "sim/trace/trace.h"

/* Queue @index of the driver, or NULL with the error set. */
static struct virtio_fs_vq *vq_of(struct vfsim *vm, unsigned index,
				  const char *who)
{
	struct virtio_fs *fs = vfsim_machine_fs(vfsim_session_machine(vm->ss));

	if (!fs || index >= fs->nvqs || !fs->vqs[index].vq ||
	    fs->vqs[index].vq_deleted) {
		vfsim_fail(-ENODEV, "%s: the driver has no queue %u now%s", who,
			   index, fs ? "" : " (no device is bound)");
		return NULL;
	}
	return &fs->vqs[index];
}

int vfsim_queue(struct vfsim *vm, unsigned index, struct vfsim_queue *q)
{
	struct virtio_fs_vq *fsvq = vq_of(vm, index, "vfsim_queue");
	struct vfsim_vq_state st;

	if (!fsvq)
		return -ENODEV;
	vfsim_machine_vq_state(fsvq, &st);
	memset(q, 0, sizeof(*q));
	snprintf(q->name, sizeof(q->name), "%s", fsvq->name);
	q->size = st.size;
	q->num_free = st.num_free;
	q->in_flight = st.in_flight;
	q->parked = st.parked;
	q->avail_idx = st.avail_idx;
	q->used_idx = st.used_idx;
	q->connected = st.connected;
	return 0;
}

long vfsim_queue_parked(struct vfsim *vm, unsigned index,
			struct vfsim_parked *out, size_t max)
{
	struct virtio_fs_vq *fsvq = vq_of(vm, index, "vfsim_queue_parked");
	struct list_head *pos;
	long n = 0;

	if (!fsvq)
		return -ENODEV;
	/* hiprio parks FORGETs, the request queues requests. */
	list_for_each(pos, &fsvq->queued_reqs) {
		const struct fuse_in_header *h;

		if (index == 0)
			h = &container_of(pos, struct virtio_fs_forget, list)
				     ->req.ih;
		else
			h = &container_of(pos, struct fuse_req, list)->in.h;
		if ((size_t)n < max)
			out[n] = (struct vfsim_parked){ .unique = h->unique,
							.opcode = h->opcode,
							.nodeid = h->nodeid };
		n++;
	}
	return n;
}

int vfsim_device_state(struct vfsim *vm, struct vfsim_device *d)
{
	struct exec *e = vfsim_exec_of(vm);

	d->paused = exec_device_field(e, "paused");
	d->dead = exec_device_field(e, "dead");
	d->suspended = exec_device_field(e, "suspended");
	d->requests = (uint64_t)exec_device_field(e, "requests");
	d->inodes = (uint64_t)exec_device_field(e, "inodes");
	d->handles = (uint64_t)exec_device_field(e, "handles");
	d->lookups = (uint64_t)exec_device_field(e, "lookups");
	return 0;
}

uint64_t vfsim_requests_open(const struct vfsim *vm)
{
	return req_ledger_open(vfsim_exec_of(vm)->m.reqs);
}

size_t vfsim_reports(const struct vfsim *vm, const char *kind)
{
	(void)vm;
	return kind ? check_count_kind(kind) : check_count();
}

size_t vfsim_reports_dropped(const struct vfsim *vm, const char *kind)
{
	(void)vm;
	return check_dropped(kind);
}

int vfsim_report(const struct vfsim *vm, size_t i, struct vfsim_report *r)
{
	const struct check_report *c = check_at(i);

	(void)vm;
	if (!c)
		return vfsim_fail(-ERANGE,
				  "vfsim_report: there are %zu stored "
				  "reports, no report %zu",
				  check_kept(), i);
	*r = (struct vfsim_report){ .kind = c->kind,
				    .message = c->message,
				    .task = c->task,
				    .trace_seq = c->trace_seq };
	return 0;
}

uint64_t vfsim_trace_count(const struct vfsim *vm)
{
	(void)vm;
	return trace_count();
}

uint64_t vfsim_trace_matches(const struct vfsim *vm, const char *text)
{
	uint64_t n = 0;

	for (long i = vfsim_trace_find(vm, text, 0); i >= 0;
	     i = vfsim_trace_find(vm, text, (size_t)i + 1))
		n++;
	return n;
}

long vfsim_trace_find(const struct vfsim *vm, const char *text, size_t from)
{
	(void)vm;
	return text ? trace_find(text, from) : -1;
}

int vfsim_trace_line(const struct vfsim *vm, size_t i, char *buf, size_t size)
{
	const struct trace_event *ev = trace_event_at(i);

	(void)vm;
	if (!ev)
		return vfsim_fail(-ERANGE,
				  "vfsim_trace_line: the trace keeps "
				  "%zu events, no event %zu",
				  trace_kept(), i);
	return trace_format_text(ev, buf, size);
}

uint64_t vfsim_trace_hash(const struct vfsim *vm)
{
	(void)vm;
	return trace_hash();
}

int vfsim_choices(const struct vfsim *vm, char *buf, size_t size)
{
	(void)vm;
	return sched_choices_format(buf, size);
}
