// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_console_errors.c - what the console says when it is misused: bad
 * arguments and scenarios (exit 2, nothing runs), one line per bad
 * command naming the command and what it expected (the console goes on;
 * exit 1 for a script), help, the terminal mode (prompt, no echo, exit
 * 0), the program's `step` entry point, and sessions closed at any point
 * leaving nothing behind for the next machine.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif

#include "guest/virtio_fs.h"
#include "sim/cli/session.h"
#include "sim/kernel/slab.h"
#include "tests/cli/console_test_util.h"
#include "tests/cli/scenario_test_util.h"

#define HIPRIO "tests/scenarios/hiprio-full.vfs"

static struct vt_con c;
static char tmpdir[64];

static int setup(void)
{
	strcpy(tmpdir, "/tmp/vfsim-console-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int cleanup(void)
{
	char cmd[128];

	vt_con_free(&c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The path of a new file in the test directory (a new string each time). */
static const char *tmpfile_with(const char *name, const char *text)
{
	static char paths[8][128];
	static unsigned int next;
	char *path = paths[next++ % 8];

	snprintf(path, 128, "%s/%s", tmpdir, name);
	CU_ASSERT_EQUAL(vt_write_text(path, text), 0);
	return path;
}

/* Exit 2, one line on stderr, nothing on stdout. */
static void args_error(int rc, const char *needle)
{
	CU_ASSERT_EQUAL(rc, 2);
	if (!strstr(c.err, needle))
		fprintf(stderr, "\nwanted '%s', got: %s", needle, c.err);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, needle));
	CU_ASSERT_EQUAL(vt_count_lines(c.err, ""), 1);
	CU_ASSERT_STRING_EQUAL(c.out, "");
}

static void test_arguments(void)
{
	const char *nochoice = tmpfile_with("none.txt", "nothing\n");
	const char *choices = tmpfile_with("choices.txt", "replay:0,1,0\n");
	char arg[160];

	args_error(vt_console(&c, "step\n", NULL, NULL),
		   "vfsim: step: missing scenario FILE (see vfsim step "
		   "--help)\n");
	args_error(vt_console(&c, "", HIPRIO, "--frob", NULL),
		   "step: unknown option '--frob'");
	args_error(vt_console(&c, "", HIPRIO, HIPRIO, NULL),
		   "step: one scenario at a time: unexpected");
	args_error(vt_console(&c, "", HIPRIO, "--policy", NULL),
		   "step: '--policy' needs a value");
	args_error(vt_console(&c, "", HIPRIO, "--out", NULL),
		   "step: '--out' needs a value");
	args_error(vt_console(&c, "", HIPRIO, "--policy", "random:x", NULL),
		   "random seed is not a number");
	args_error(vt_console(&c, "", HIPRIO, "--policy",
			      "replay:/nonexistent/c.txt", NULL),
		   "vfsim: cannot read '/nonexistent/c.txt'");
	snprintf(arg, sizeof(arg), "replay:%s", nochoice);
	args_error(vt_console(&c, "", HIPRIO, "--policy", arg, NULL),
		   "holds no choices");
	args_error(vt_console(&c, "", "/nonexistent.vfs", NULL),
		   "vfsim: /nonexistent.vfs: error: cannot read");
	args_error(vt_console(&c, "", "tests/scenarios/bad/unknown-op.vfs",
			      NULL),
		   "tests/scenarios/bad/unknown-op.vfs:5:3: error: unknown "
		   "operation 'lokup'");
	args_error(vt_console(&c, "",
			      tmpfile_with("w.vfs", "device "
						    "workers=20\n"),
			      NULL),
		   "w.vfs:1:1: error: workers=20");
	/* A choices file and a replay list both work. */
	snprintf(arg, sizeof(arg), "replay:%s", choices);
	CU_ASSERT_EQUAL(
		vt_console(&c, "step 40\n", HIPRIO, "--policy", arg, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "policy replay:0,1,0\n"));
	CU_ASSERT_EQUAL(
		vt_console(&c, "", HIPRIO, "--policy", "replay:0", NULL), 0);
	CU_ASSERT_EQUAL(vt_console(&c, "", HIPRIO, "--help", NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "usage: vfsim step FILE"));
	CU_ASSERT_EQUAL(vt_console(&c, "", "-h", NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "exit status: 0 after 'quit'"));
}

static void test_help(void)
{
	static const char *const cmds[] = {
		"step",	   "next",  "until", "continue", "break",
		"delete",  "clear", "back",  "where",	 "show",
		"picture", "help",  "quit",
	};
	char script[64], want[64], *list, *usage;

	vt_console(&c, "", "--help", NULL);
	usage = strdup(c.out);
	vt_console(&c, "help\nhelp s\nhelp frob\nhelp a b\n", HIPRIO, NULL);
	CU_ASSERT_EQUAL(c.rc, 1);
	list = strdup(c.out);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		/* listed by help and by --help, and each explained */
		snprintf(want, sizeof(want), "\n  %s ", cmds[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(list, want));
		CU_ASSERT_PTR_NOT_NULL(strstr(usage, want));
		snprintf(script, sizeof(script), "help %s\n", cmds[i]);
		vt_console(&c, script, HIPRIO, NULL);
		CU_ASSERT_EQUAL(c.rc, 0);
		snprintf(want, sizeof(want), "(vfsim) help %s\n%s", cmds[i],
			 cmds[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(c.out, want));
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(list, "(vfsim) help s\nstep [N] (alias "
					    "s): take N steps"));
	vt_console(&c, "help\nhelp s\nhelp frob\nhelp a b\n", HIPRIO, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "line 3: help: no command 'frob' "
					     "('help' lists them)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "line 4: help: unexpected 'b' "
					     "(expected help [COMMAND])\n"));
	free(list);
	free(usage);
}

/* Each bad command: one line naming it; the console goes on. */
static void test_command_errors(void)
{
	static const char *const bad[][2] = {
		{ "frob", "unknown command 'frob' (commands: step, next, "
			  "until, continue, break, delete, clear, back, show, "
			  "picture, where, help, quit)\n" },
		{ "step 0", "step: expected a step count from 1 to 1000000000, "
			    "got '0'\n" },
		{ "step 1000000001", "step: expected a step count from 1 to" },
		{ "step 99999999999999999999999",
		  "step: expected a step count" },
		{ "step -1", "step: expected a step count" },
		{ "step 1 2", "step: unexpected '2' (expected step [N])\n" },
		{ "continue 3", "continue: unexpected '3' (it takes no "
				"argument)\n" },
		{ "until", "until: expected a function, an event or a "
			   "\"text\" (see 'help until')\n" },
		{ "until time", "until: 'time' needs a time (e.g. 1500us)\n" },
		{ "until time x", "until: 'x' is not a time (expected a number "
				  "with ns, us, ms or s, e.g. 1500us)\n" },
		{ "until time 1ms 2", "until: unexpected '2'\n" },
		{ "until 5xs", "until: '5xs' is not a time" },
		{ "until 5", "until: '5' is not a time" },
		{ "until 99999999999999999999s", "until: "
						 "'99999999999999999999s' is "
						 "too far: the clock counts "
						 "64-bit nanoseconds\n" },
		{ "until 99999999999s", "until: '99999999999s' is too far" },
		{ "until 5ms x", "until: unexpected 'x'\n" },
		{ "until vq.kick x", "until: unexpected 'x' after the "
				     "pattern\n" },
		{ "until event", "until: 'event' needs a name\n" },
		{ "until func", "until: 'func' needs a name\n" },
		{ "until \"\"", "until: the pattern is empty\n" },
		{ "until :x", "until: expected KIND:FUNC, got ':x'\n" },
		{ "until x:", "until: expected KIND:FUNC, got 'x:'\n" },
		{ "until vq.kikc", "until: unknown event kind 'vq.kikc' (did "
				   "you mean 'vq.kick'?)\n" },
		{ "until event fuse.ned", "until: unknown event kind "
					  "'fuse.ned' (did you mean "
					  "'fuse.end'?)\n" },
		{ "break vq.kikc:virtqueue_notify",
		  "break: unknown event kind 'vq.kikc' (did you mean "
		  "'vq.kick'?)\n" },
		{ "until zz.top", "until: unknown event kind 'zz.top' (a kind "
				  "is a layer and a step, e.g. vq.kick, "
				  "fuse.end, virtio_fs.enqueue)\n" },
		{ "break event", "break: 'event' needs a name\n" },
		{ "break a b", "break: unexpected 'b' after the pattern\n" },
		{ "delete", "delete: expected one breakpoint number (delete N; "
			    "'clear' deletes them all)\n" },
		{ "delete x", "delete: expected a breakpoint number from 1 to "
			      "4294967295, got 'x'\n" },
		{ "delete 3", "delete: no breakpoint 3 (see 'break')\n" },
		{ "clear 1", "clear: unexpected '1' (it takes no argument; "
			     "'delete N' deletes one)\n" },
		{ "where now", "where: unexpected 'now' (it takes no "
			       "argument)\n" },
		{ "quit now", "quit: unexpected 'now' (it takes no "
			      "argument)\n" },
		{ "step \"x", "unterminated \"string\"\n" },
		{ "a b c d e f g h i", "too many words (at most 8)\n" },
	};
	char script[160], want[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(script, sizeof(script), "# comment\n%s\nwhere\n",
			 bad[i][0]);
		vt_console(&c, script, HIPRIO, NULL);
		CU_ASSERT_EQUAL(c.rc, 1);
		snprintf(want, sizeof(want), "vfsim: line 2: %s", bad[i][1]);
		if (!strstr(c.err, want))
			fprintf(stderr, "\n'%s' said: %s", bad[i][0], c.err);
		CU_ASSERT_PTR_NOT_NULL(strstr(c.err, want));
		CU_ASSERT_EQUAL(vt_count_lines(c.err, "vfsim: "), 1);
		CU_ASSERT_PTR_NOT_NULL(
			strstr(c.out, "(vfsim) where\n-- step 0"));
	}
}

static void test_long_lines(void)
{
	char script[3000];

	memset(script, 'x', 2000);
	strcpy(script + 2000, "\nwhere\n");
	vt_console(&c, script, HIPRIO, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "line 1: the line is too long\n"));
	memcpy(script, "step \"", 6);
	vt_console(&c, script, HIPRIO, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "line 1: the line is too long\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "(vfsim) where\n-- step 0"));
	/* Escapes inside a string. */
	vt_console(&c, "break \"a\\\"b\\\\c\"\n", HIPRIO, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "breakpoint 1: \"a\"b\\c\"\n"));
}

/* On a terminal: a prompt, no echo, errors without line numbers, exit 0. */
static void test_terminal(void)
{
	static const char keys[] = "step\nfrob\n\x04";
	struct termios tio;
	size_t olen, elen;
	FILE *in, *out, *err;
	int m, s, rc;

	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m) ||
	    (s = open(ptsname(m), O_RDWR | O_NOCTTY)) < 0) {
		if (m >= 0)
			close(m);
		vt_skip("no pseudo-terminal here");
		return;
	}
	tcgetattr(s, &tio);
	tio.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(s, TCSANOW, &tio);
	CU_ASSERT_EQUAL(write(m, keys, sizeof(keys) - 1),
			(ssize_t)sizeof(keys) - 1);
	in = fdopen(s, "r");
	vt_con_free(&c);
	out = open_memstream(&c.out, &olen);
	err = open_memstream(&c.err, &elen);
	rc = vfsim_cmd_step(1, (char *[]){ HIPRIO, NULL }, in, out, err);
	fclose(in);
	fclose(out);
	fclose(err);
	close(m);
	CU_ASSERT_EQUAL(rc, 0); /* errors on a terminal are the user's */
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "'help' lists the commands.\n"
					     "(vfsim)      0.000 us #"));
	CU_ASSERT_PTR_NULL(strstr(c.out, "(vfsim) step"));
	/* frob printed nothing here; the end of input ends the line */
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "(vfsim) (vfsim) \n"));
	CU_ASSERT_EQUAL(c.out[strlen(c.out) - 1], '\n');
	CU_ASSERT_STRING_EQUAL(c.err, "vfsim: unknown command 'frob' "
				      "(commands: step, next, until, "
				      "continue, break, delete, clear, back, "
				      "show, picture, where, help, quit)\n");
}

/* `vfsim step` through the program's entry point, standard input a file. */
static void test_program_entry(void)
{
	const char *cmds = tmpfile_with("cmds.txt", "step 2\nwhere\nquit\n");
	char *argv[] = { "vfsim", "step", HIPRIO, NULL };
	int saved = dup(0), fd = open(cmds, O_RDONLY), rc;
	size_t olen, elen;
	FILE *out, *err;

	CU_ASSERT_FATAL(saved >= 0 && fd >= 0);
	CU_ASSERT_EQUAL_FATAL(dup2(fd, 0), 0);
	close(fd);
	clearerr(stdin);
	vt_con_free(&c);
	out = open_memstream(&c.out, &olen);
	err = open_memstream(&c.err, &elen);
	rc = vfsim_cli_main(3, argv, out, err);
	fclose(out);
	fclose(err);
	dup2(saved, 0);
	close(saved);
	clearerr(stdin);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "(vfsim) step 2\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "(vfsim) where\n-- step 2, "));
	CU_ASSERT_STRING_EQUAL(c.err, "");
}

static int nr_done;

/* A session closed at any step leaves nothing for the next machine. */
static void test_close_anywhere(void)
{
	static const char *const files[] = {
		HIPRIO,
		"tests/scenarios/full-queue-v5-2019.vfs",
		"tests/scenarios/bug-sleep-retry-holding-bg-lock.vfs",
		"tests/scenarios/migration.vfs",
	};
	unsigned int step = vt_slow_build() ? 23 : 7;

	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		struct scenario_error perr;
		struct scenario *s;

		CU_ASSERT_EQUAL_FATAL(scenario_parse_file(files[f], &s, &perr),
				      0);
		for (unsigned int k = 0; k < 400; k += step) {
			struct vfsim_result r;
			struct vfsim_session *ss;

			CU_ASSERT_EQUAL_FATAL(
				vfsim_session_open(s, NULL, &r, &ss), 0);
			CU_ASSERT_FALSE(vfsim_session_started(ss));
			for (unsigned int i = 0; i < k; i++)
				if (vfsim_session_step(ss) > SCHED_TIMER)
					break;
			vfsim_session_close(ss);
			vfsim_result_free(&r);
			/* the driver's lists are empty again */
			CU_ASSERT_EQUAL(virtio_fs_nr_instances(), 0);
			CU_ASSERT_FALSE(virtio_fs_module_reset());
			nr_done++;
		}
		scenario_free(s);
	}
	CU_ASSERT(nr_done > 20);
}

/*
 * The child of test_dirty_teardown(): a machine that cannot shut down
 * (a dead device holds a request) is dropped as it is, and another one
 * is built after it. Dropping leaks the host memory of what could not
 * end, by design, so this runs in a child process that leaves with
 * _exit() (no leak check of its own; under Valgrind it is turned off).
 * Returns a bit per failed check.
 */
static int dirty_child(const char *dead)
{
	struct scenario_error perr;
	struct vfsim_session *ss;
	struct vfsim_result r;
	struct scenario *s;
	int bad = 0;

	if (scenario_parse_file(dead, &s, &perr) ||
	    vfsim_session_open(s, NULL, &r, &ss))
		return 1;
	vfsim_session_start(ss);
	bad |= (vfsim_session_run_until(ss, NULL, NULL) != SCHED_DEADLOCK) << 1;
	bad |= !vfsim_machine_fs(vfsim_session_machine(ss)) << 2;
	vfsim_session_close(ss);
	vfsim_result_free(&r);
	scenario_free(s);
	/* the driver's lists were reset: the next machine is fine */
	bad |= (virtio_fs_nr_instances() != 0) << 3;
	vt_console(&c, "continue\n", HIPRIO, NULL);
	bad |= !strstr(c.out, "the run is over: done") << 4;
	/* going back from such a deadlock works too */
	vt_console(&c, "continue\nback 2\ncontinue\nback 1\n", dead, NULL);
	bad |= (c.rc != 0) << 5;
	bad |= (vt_count_lines(c.out, "the run is over: deadlock") != 2) << 6;
	return bad;
}

static void test_dirty_teardown(void)
{
	const char *dead = tmpfile_with("dead.vfs",
					"device latency=1ms\n"
					"task t\n  mount\n  getattr /\nend\n"
					"at 1500us\n  device die\nend\nrun\n");
	int fds[2], bad = -1;
	pid_t pid;

	CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (!pid) {
		close(fds[0]);
		bad = dirty_child(dead);
		if (write(fds[1], &bad, sizeof(bad)) != sizeof(bad))
			bad = -1;
#ifdef VALGRIND_CLO_CHANGE
		VALGRIND_CLO_CHANGE("--leak-check=no");
#endif
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &bad, sizeof(bad)) != sizeof(bad))
		bad = -1;
	close(fds[0]);
	waitpid(pid, NULL, 0);
	if (bad)
		fprintf(stderr, "\ndirty teardown: failed checks 0x%x\n", bad);
	CU_ASSERT_EQUAL(bad, 0);
}

static bool stop_at_2(void *arg)
{
	return ++*(int *)arg > 2;
}

static void test_session_run_until(void)
{
	struct scenario_error perr;
	struct vfsim_session *ss;
	struct vfsim_result r;
	struct scenario *s;
	struct guest_fs *const *mounts;
	int n = 0;

	CU_ASSERT_EQUAL_FATAL(scenario_parse_file(HIPRIO, &s, &perr), 0);
	CU_ASSERT_EQUAL_FATAL(vfsim_session_open(s, NULL, &r, &ss), 0);
	CU_ASSERT_EQUAL(vfsim_session_run_until(ss, stop_at_2, &n),
			SCHED_STOPPED);
	CU_ASSERT_EQUAL(sched_steps(), 2);
	CU_ASSERT_EQUAL(vfsim_session_mounts(ss, &mounts), 0);
	CU_ASSERT_EQUAL(vfsim_session_run_until(ss, NULL, NULL), SCHED_DONE);
	CU_ASSERT_EQUAL(vfsim_session_close(ss), 0);
	CU_ASSERT(r.trace_count > 100);
	CU_ASSERT_PTR_NOT_NULL(r.trace); /* the default format is text */
	vfsim_result_free(&r);
	/* A machine that cannot be built: status 2, nothing to close. */
	s->device.workers = 99;
	CU_ASSERT_EQUAL(vfsim_session_open(s, NULL, &r, &ss), 2);
	CU_ASSERT_PTR_NULL(ss);
	CU_ASSERT_EQUAL(r.status, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "workers"));
	scenario_free(s);
}

VT_SUITE(cli_console_errors, setup, cleanup, VT_CASE(test_arguments),
	 VT_CASE(test_help), VT_CASE(test_command_errors),
	 VT_CASE(test_long_lines), VT_CASE(test_terminal),
	 VT_CASE(test_program_entry), VT_CASE(test_close_anywhere),
	 VT_CASE(test_dirty_teardown), VT_CASE(test_session_run_until));
