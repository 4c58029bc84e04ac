// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_host.c - the host-memory policy (sim/trace/host.h): no host
 * allocation returns NULL; a failure calls the handler, then prints one
 * line and exits with status 3; the memory stream loses nothing.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/trace/host.h"
#include "tests/harness.h"

static jmp_buf back;
static size_t oom_size;
static unsigned oom_calls;

static void catch_oom(size_t size)
{
	oom_size = size;
	oom_calls++;
	longjmp(back, 1);
}

static void *held;
static char *mbuf;
static size_t mlen;

static void do_malloc(void)
{
	held = host_malloc(100);
}

static void do_calloc(void)
{
	held = host_calloc(10, 30);
}

static void do_realloc(void)
{
	held = host_realloc(held, 4096);
}

static void do_strdup(void)
{
	held = host_strdup("abc");
}

static void do_strndup(void)
{
	held = host_strndup("abcdef", 2);
}

static void do_memstream(void)
{
	held = host_memstream(&mbuf, &mlen);
}

/* Run @fn with the @nth host allocation from now failing; true when the
 * handler was called once (*size: what was asked). */
static bool fails(void (*fn)(void), unsigned long nth, size_t *size)
{
	volatile bool failed = false;

	oom_calls = 0;
	host_fail_after(nth);
	if (setjmp(back))
		failed = true;
	else
		fn();
	host_fail_after(0);
	*size = oom_size;
	return failed && oom_calls == 1;
}

static void test_every_allocation_reaches_the_handler(void)
{
	host_oom_fn old = host_set_oom_handler(catch_oom);
	size_t size;

	CU_ASSERT_PTR_NULL(old);
	CU_ASSERT(fails(do_malloc, 1, &size));
	CU_ASSERT_EQUAL(size, 100);
	CU_ASSERT(fails(do_calloc, 1, &size));
	CU_ASSERT_EQUAL(size, 300);
	held = host_malloc(8);
	CU_ASSERT(fails(do_realloc, 1, &size));
	CU_ASSERT_EQUAL(size, 4096);
	free(held); /* a failed realloc leaves the block as it was */
	CU_ASSERT(fails(do_strdup, 1, &size));
	CU_ASSERT_EQUAL(size, 4);
	CU_ASSERT(fails(do_strndup, 1, &size));
	CU_ASSERT_EQUAL(size, 3);
	CU_ASSERT(fails(do_memstream, 1, &size));
	/* the second allocation of a stream is the stream itself */
	CU_ASSERT(fails(do_memstream, 2, &size));
	CU_ASSERT_EQUAL(size, 0);
	CU_ASSERT_PTR_EQUAL(host_set_oom_handler(NULL), catch_oom);
}

static void test_no_null_and_sizes_of_zero(void)
{
	char *p = host_malloc(0), *q = host_calloc(0, 0);

	CU_ASSERT_PTR_NOT_NULL(p);
	CU_ASSERT_PTR_NOT_NULL(q);
	p = host_realloc(p, 0); /* kept, not freed */
	CU_ASSERT_PTR_NOT_NULL(p);
	free(p);
	free(q);
	p = host_strndup("abc", 10);
	CU_ASSERT_STRING_EQUAL(p, "abc");
	free(p);
}

static void test_memstream_whole(void)
{
	char *buf;
	size_t len;
	FILE *f = host_memstream(&buf, &len);

	fclose(f);
	CU_ASSERT_STRING_EQUAL(buf, "");
	CU_ASSERT_EQUAL(len, 0);
	free(buf);
	f = host_memstream(&buf, &len);
	for (unsigned i = 0; i < 10000; i++) {
		char want[32];

		CU_ASSERT_EQUAL(fprintf(f, "line %u\n", i),
				snprintf(want, sizeof(want), "line %u\n", i));
	}
	fclose(f);
	CU_ASSERT_EQUAL(len, strlen(buf));
	CU_ASSERT_EQUAL(strncmp(buf, "line 0\nline 1\n", 14), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nline 9999\n"));
	free(buf);
}

/* In a child without a handler: run @fn with the @nth host allocation
 * failing; its status and what it printed on stderr. */
static int child(void (*fn)(void), unsigned long nth, char *msg, size_t size)
{
	int fds[2], status = -1;
	ssize_t n;
	pid_t pid;

	CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (!pid) {
		dup2(fds[1], 2);
		host_fail_after(nth);
		fn();
		_exit(0); /* not reached */
	}
	close(fds[1]);
	n = read(fds[0], msg, size - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	return status;
}

static void do_malloc_1234(void)
{
	held = host_malloc(1234);
}

/* Without a handler: one line on stderr and status 3. */
static void test_default_exits_3(void)
{
	char msg[128];
	int status = child(do_malloc_1234, 1, msg, sizeof(msg));

	CU_ASSERT(WIFEXITED(status));
	CU_ASSERT_EQUAL(WEXITSTATUS(status), HOST_OOM_EXIT);
	CU_ASSERT_STRING_EQUAL(msg,
			       "vfsim: out of host memory (allocating 1234 "
			       "bytes)\n");
	/* the C library did not say how much */
	status = child(do_memstream, 2, msg, sizeof(msg));
	CU_ASSERT(WIFEXITED(status));
	CU_ASSERT_EQUAL(WEXITSTATUS(status), HOST_OOM_EXIT);
	CU_ASSERT_STRING_EQUAL(msg, "vfsim: out of host memory\n");
}

VT_SUITE(sim_host, NULL, NULL,
	 VT_CASE(test_every_allocation_reaches_the_handler),
	 VT_CASE(test_no_null_and_sizes_of_zero), VT_CASE(test_memstream_whole),
	 VT_CASE(test_default_exits_3));
