// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_console_pty.c - `vfsim step` on a terminal, through a
 * pseudo-terminal as a user types: an empty line repeats the last step
 * command, the up arrow brings back the last line (libedit's history),
 * Ctrl-C stops a running `continue` and the session goes on, `clear`
 * names the breakpoints it deleted, trace lines wrap at the terminal's
 * width. The program is the one make test built (VFSIM).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/harness.h"

#define COLS 80

struct term {
	int fd;
	pid_t pid;
	char *buf; /* what the program wrote, NUL-terminated */
	size_t len, cap;
	size_t from; /* what expect() has not matched yet starts here */
};

/* Read until @want appears after what earlier calls matched (or @secs
 * pass); true when it did. */
static bool expect(struct term *t, const char *want, int secs)
{
	time_t end = time(NULL) + secs;

	for (;;) {
		struct pollfd p = { .fd = t->fd, .events = POLLIN };
		char *hit = t->len ? strstr(t->buf + t->from, want) : NULL;
		ssize_t n;

		if (hit) {
			t->from = (size_t)(hit - t->buf) + strlen(want);
			return true;
		}
		if (time(NULL) > end || poll(&p, 1, 1000) < 0)
			break;
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		if (t->cap - t->len < 4097) {
			t->cap = t->cap ? 2 * t->cap : 65536;
			t->buf = realloc(t->buf, t->cap);
		}
		n = read(t->fd, t->buf + t->len, 4096);
		if (n <= 0)
			break;
		t->len += (size_t)n;
		t->buf[t->len] = 0;
		/* a long output: keep what is not matched yet, at most its
		 * last 64 KiB (what is looked for comes last) */
		if (t->len > (1u << 20)) {
			size_t keep = t->len - t->from;

			if (keep > 65536)
				keep = 65536;
			memmove(t->buf, t->buf + t->len - keep, keep + 1);
			t->len = keep;
			t->from = 0;
		}
	}
	fprintf(stderr, "\nno '%s' in:\n%s\n", want,
		t->buf ? t->buf + (t->len > 2000 ? t->len - 2000 : 0) : "");
	return false;
}

static void type(struct term *t, const char *s)
{
	CU_ASSERT_EQUAL(write(t->fd, s, strlen(s)), (ssize_t)strlen(s));
}

static bool start(struct term *t, const char *scenario)
{
	struct winsize ws = { .ws_row = 24, .ws_col = COLS };
	const char *prog = getenv("VFSIM");

	memset(t, 0, sizeof(*t));
	if (!prog) {
		CU_FAIL("VFSIM is not set (make test sets it)");
		return false;
	}
	t->pid = forkpty(&t->fd, NULL, NULL, &ws);
	if (t->pid == 0) {
		sigset_t none;

		/* as a shell starts it: an earlier suite of this process may
		 * have blocked or ignored signals, which exec would keep */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		setenv("TERM", "xterm", 1);
		execl(prog, prog, "step", scenario, (char *)NULL);
		_exit(127);
	}
	CU_ASSERT_FATAL(t->pid > 0);
	return expect(t, "(vfsim) ", 20);
}

static int finish(struct term *t)
{
	int st = -1;

	type(t, "quit\r");
	/* read until the program has gone (the terminal hangs up): closing
	 * it first would hang up on the program */
	for (time_t end = time(NULL) + 60; time(NULL) < end;) {
		struct pollfd p = { .fd = t->fd, .events = POLLIN };
		char b[4096];

		if (poll(&p, 1, 1000) > 0 && read(t->fd, b, sizeof(b)) <= 0)
			break;
	}
	close(t->fd);
	waitpid(t->pid, &st, 0);
	if (st)
		fprintf(stderr, "\nvfsim step ended with status 0x%x\n", st);
	free(t->buf);
	return st;
}

static void test_enter_repeats_and_history(void)
{
	struct term t;

	if (!start(&t, "tests/scenarios/run-control.vfs"))
		return;
	type(&t, "step\r");
	CU_ASSERT(expect(&t, "-- step 1,", 10));
	type(&t, "\r"); /* repeats "step" */
	CU_ASSERT(expect(&t, "-- step 2,", 10));
#ifdef VFSIM_HAVE_LIBEDIT
	type(&t, "\x1b[A\r"); /* the up arrow: "step" again */
	CU_ASSERT(expect(&t, "-- step 3,", 10));
#endif
	type(&t, "where\r");
	CU_ASSERT(expect(&t, "(vfsim) ", 10));
	type(&t, "\r"); /* "where" is no step: nothing repeats */
	CU_ASSERT(expect(&t, "(vfsim) ", 10));
	CU_ASSERT(strstr(t.buf, "-- step 4,") == NULL);
	CU_ASSERT_EQUAL(finish(&t), 0);
}

static void test_clear_names_what_it_removed(void)
{
	struct term t;

	if (!start(&t, "tests/scenarios/run-control.vfs"))
		return;
	type(&t, "break event vq.kick\r");
	CU_ASSERT(expect(&t, "(vfsim) ", 10));
	type(&t, "break func virtio_fs_enqueue_req\r");
	CU_ASSERT(expect(&t, "(vfsim) ", 10));
	type(&t, "clear\r");
	CU_ASSERT(expect(&t,
			 "deleted breakpoint 2: func "
			 "virtio_fs_enqueue_req",
			 10));
	CU_ASSERT(strstr(t.buf, "deleted breakpoint 1: event vq.kick") != NULL);
	type(&t, "clear\r");
	CU_ASSERT(expect(&t, "no breakpoints to delete", 10));
	CU_ASSERT_EQUAL(finish(&t), 0);
}

/* A long run: Ctrl-C stops `continue`, the session goes on. Trace lines
 * longer than the terminal are wrapped onto indented lines. */
static void test_ctrl_c_stops_continue(void)
{
	char path[] = "/tmp/vfsim-pty-XXXXXX";
	int fd = mkstemp(path);
	static const char text[] = "task t\n"
				   "  mount\n"
				   "  repeat 1000000\n"
				   "    getattr /\n"
				   "  end\n"
				   "end\n"
				   "run\n";
	struct term t;
	bool wrapped = false, too_long = false;
	size_t mark;

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	if (!start(&t, path)) {
		unlink(path);
		return;
	}
	type(&t, "continue\r");
	CU_ASSERT(expect(&t, "GETATTR", 20));
	type(&t, "\x03");
	CU_ASSERT(expect(&t, "interrupted (Ctrl-C)", 20));
	CU_ASSERT(expect(&t, "(vfsim) ", 20));
	mark = t.from;
	type(&t, "step 3\r");
	CU_ASSERT(expect(&t, "(vfsim) ", 20));
	for (char *l = t.buf + mark, *nl; l && *l; l = nl ? nl + 1 : NULL) {
		size_t n;

		nl = strchr(l, '\n');
		n = nl ? (size_t)(nl - l) : strlen(l);
		if (n && l[n - 1] == '\r')
			n--;
		too_long |= n > COLS;
		wrapped |= n > 8 && !strncmp(l, "        ", 8);
	}
	CU_ASSERT_FALSE(too_long);
	CU_ASSERT_TRUE(wrapped);
	CU_ASSERT_EQUAL(finish(&t), 0);
	unlink(path);
}

VT_SUITE(cli_console_pty, NULL, NULL, VT_CASE(test_enter_repeats_and_history),
	 VT_CASE(test_clear_names_what_it_removed),
	 VT_CASE(test_ctrl_c_stops_continue));
