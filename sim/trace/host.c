// SPDX-License-Identifier: GPL-2.0-only
/*
 * host.c - the host's memory, and the out-of-memory policy (host.h): a
 * failed host allocation ends the process with a message and status 3,
 * never an error the simulated machine sees.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace/host.h"
#include "sim/trace/image.h"

static host_oom_fn oom_handler;
static unsigned long fail_countdown;

host_oom_fn host_set_oom_handler(host_oom_fn fn)
{
	host_oom_fn old = oom_handler;

	oom_handler = fn;
	return old;
}

_Noreturn void host_oom(size_t size)
{
	if (oom_handler)
		oom_handler(size);
	/* stderr is unbuffered: this needs no memory. */
	if (size)
		fprintf(stderr,
			"vfsim: out of host memory (allocating %zu bytes)\n",
			size);
	else
		fputs("vfsim: out of host memory\n", stderr);
	exit(HOST_OOM_EXIT);
}

void host_fail_after(unsigned long n)
{
	fail_countdown = n;
}

/* The test hook: true for the allocation host_fail_after() chose. */
static bool injected(void)
{
	if (!fail_countdown || --fail_countdown)
		return false;
	errno = ENOMEM;
	return true;
}

void *host_malloc(size_t size)
{
	void *p = injected() ? NULL : malloc(size ? size : 1);

	if (!p)
		host_oom(size);
	if (__builtin_expect(image__recording, 0))
		image__note(NULL, p, size ? size : 1);
	return p;
}

void *host_calloc(size_t n, size_t size)
{
	void *p = injected() ? NULL : calloc(n ? n : 1, size ? size : 1);

	if (!p)
		host_oom(n && size > SIZE_MAX / n ? SIZE_MAX : n * size);
	if (__builtin_expect(image__recording, 0))
		image__note(NULL, p, (n ? n : 1) * (size ? size : 1));
	return p;
}

void *host_realloc(void *p, size_t size)
{
	size_t old;
	void *q;

	/* A machine image's object stays where it is (image.h): it moves
	 * by copy, and its old place is only marked free. */
	if (__builtin_expect(image__nr_pinned, 0) && image__pinned(p, &old)) {
		q = host_malloc(size);
		memcpy(q, p, old < size ? old : size);
		image__unpin_free(p);
		return q;
	}
	if (__builtin_expect(image__recording, 0))
		image__note(p, NULL, 0);
	q = injected() ? NULL : realloc(p, size ? size : 1);
	if (!q)
		host_oom(size);
	if (__builtin_expect(image__recording, 0))
		image__note(NULL, q, size ? size : 1);
	return q;
}

void host_free(void *p)
{
	if (__builtin_expect(image__nr_pinned, 0) && image__unpin_free(p))
		return;
	/* freed while the machine is built: not part of its image */
	if (__builtin_expect(image__recording, 0) && p)
		image__note(p, NULL, 0);
	free(p);
}

char *host_strdup(const char *s)
{
	return host_strndup(s, strlen(s));
}

char *host_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = host_malloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/*
 * open_memstream() loses bytes quietly when it cannot grow its buffer (a
 * write returns short, the stream's error flag stays clear, the text is
 * cut mid-line): a stream of our own grows with host_realloc(), so a
 * write is whole or the process ends. Should stdio fail to allocate the
 * stream's own buffer, it writes through unbuffered, losing nothing.
 */
struct host_stream {
	char **buf;
	size_t *len;
	char *p;
	size_t n, cap;
};

static ssize_t stream_write(void *cookie, const char *data, size_t size)
{
	struct host_stream *s = cookie;

	if (size + 1 > s->cap - s->n) {
		size_t cap = s->cap ? s->cap : 256;

		while (size + 1 > cap - s->n)
			cap *= 2;
		s->p = host_realloc(s->p, cap);
		s->cap = cap;
	}
	memcpy(s->p + s->n, data, size);
	s->n += size;
	s->p[s->n] = '\0';
	*s->buf = s->p;
	*s->len = s->n;
	return (ssize_t)size;
}

static int stream_close(void *cookie)
{
	struct host_stream *s = cookie;

	if (!s->p) /* nothing written: an empty string, as open_memstream() */
		s->p = host_calloc(1, 1);
	*s->buf = s->p;
	*s->len = s->n;
	host_free(s);
	return 0;
}

FILE *host_memstream(char **buf, size_t *len)
{
	struct host_stream *s = host_calloc(1, sizeof(*s));
	FILE *f;

	s->buf = buf;
	s->len = len;
	*buf = NULL;
	*len = 0;
	f = injected() ? NULL :
			 fopencookie(s, "w",
				     (cookie_io_functions_t){
					     .write = stream_write,
					     .close = stream_close });
	if (!f) {
		host_free(s);
		host_oom(0);
	}
	return f;
}
