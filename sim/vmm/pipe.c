// SPDX-License-Identifier: GPL-2.0-only
/*
 * pipe.c - the state channel: a bounded ring buffer with pipe semantics.
 *
 * Blocking uses wait queues, so a blocked end is an ordinary blocked task
 * (the deadlock detector names it) and every wake-up is in the trace.
 */
#include "sim/vmm/pipe.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace/host.h"
#include "sim/trace/trace.h"

int pipe_init(struct pipe *p, const char *name, size_t capacity)
{
	memset(p, 0, sizeof(*p));
	if (!capacity)
		capacity = PIPE_DEFAULT_CAPACITY;
	if (capacity > PIPE_MAX_CAPACITY)
		return -EINVAL;
	p->buf = host_malloc(capacity);
	p->cap = capacity;
	snprintf(p->name, sizeof(p->name), "%s", name ? name : "pipe");
	__init_waitqueue_head(&p->readers, p->name);
	__init_waitqueue_head(&p->writers, p->name);
	return 0;
}

void pipe_destroy(struct pipe *p)
{
	assert(!waitqueue_active(&p->readers) &&
	       !waitqueue_active(&p->writers));
	host_free(p->buf);
	p->buf = NULL;
}

size_t pipe_buffered(const struct pipe *p)
{
	return p->len;
}

/* Copy up to @n bytes into the ring; returns how many fitted. */
static size_t ring_put(struct pipe *p, const u8 *src, size_t n)
{
	size_t room = p->cap - p->len;
	size_t tail = (p->head + p->len) % p->cap;
	size_t first;

	if (n > room)
		n = room;
	first = p->cap - tail < n ? p->cap - tail : n;
	memcpy(p->buf + tail, src, first);
	memcpy(p->buf, src + first, n - first);
	p->len += n;
	return n;
}

/* Copy up to @n bytes out of the ring; returns how many. */
static size_t ring_get(struct pipe *p, u8 *dst, size_t n)
{
	size_t first;

	if (n > p->len)
		n = p->len;
	first = p->cap - p->head < n ? p->cap - p->head : n;
	memcpy(dst, p->buf + p->head, first);
	memcpy(dst + first, p->buf, n - first);
	p->head = (p->head + n) % p->cap;
	p->len -= n;
	return n;
}

ssize_t pipe_write(struct pipe *p, const void *buf, size_t len)
{
	const u8 *src = buf;
	size_t done = 0;

	assert(p->buf && (buf || !len));
	if (p->write_closed)
		return -EBADF;
	while (done < len) {
		size_t n;

		if (p->read_closed) {
			TRACE(.kind = "pipe.write", .func = "pipe_write",
			      .detail = trace_fmt("%s EPIPE after %zu of %zu",
						  p->name, done, len));
			return -EPIPE;
		}
		if (p->len == p->cap) {
			might_sleep();
			if (wq_wait(&p->writers, "pipe", 0) == -EDEADLK &&
			    p->len == p->cap && !p->read_closed)
				return -EDEADLK;
			continue;
		}
		n = ring_put(p, src + done, len - done);
		done += n;
		p->bytes_written += n;
		TRACE(.kind = "pipe.write", .func = "pipe_write",
		      .detail = trace_fmt("%s %zu bytes", p->name, n));
		wake_up(&p->readers);
	}
	return (ssize_t)len;
}

ssize_t pipe_read(struct pipe *p, void *buf, size_t len)
{
	size_t n;

	assert(p->buf && (buf || !len));
	if (p->read_closed)
		return -EBADF;
	if (!len)
		return 0;
	while (!p->len && !p->write_closed) {
		might_sleep();
		if (wq_wait(&p->readers, "pipe", 0) == -EDEADLK && !p->len &&
		    !p->write_closed)
			return -EDEADLK;
	}
	if (!p->len) {
		TRACE(.kind = "pipe.eof", .func = "pipe_read",
		      .detail = trace_fmt("%s after %llu bytes", p->name,
					  (unsigned long long)p->bytes_read));
		return 0;
	}
	n = ring_get(p, buf, len);
	p->bytes_read += n;
	TRACE(.kind = "pipe.read", .func = "pipe_read",
	      .detail = trace_fmt("%s %zu bytes", p->name, n));
	wake_up(&p->writers);
	return (ssize_t)n;
}

void pipe_close_write(struct pipe *p)
{
	if (p->write_closed)
		return;
	p->write_closed = true;
	TRACE(.kind = "pipe.close", .func = "pipe_close_write",
	      .detail = trace_fmt("%s write end, %llu bytes written", p->name,
				  (unsigned long long)p->bytes_written));
	wake_up(&p->readers);
}

void pipe_close_read(struct pipe *p)
{
	if (p->read_closed)
		return;
	p->read_closed = true;
	p->len = 0;
	TRACE(.kind = "pipe.close", .func = "pipe_close_read",
	      .detail = trace_fmt("%s read end, %llu bytes read", p->name,
				  (unsigned long long)p->bytes_read));
	wake_up(&p->writers);
}
