// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_console.c - the stepping console driven by command scripts:
 * stepping prints exactly the trace `vfsim run` makes for the same steps,
 * `back` lands in the same state (the trace after going back and stepping
 * again is byte for byte the original's), breakpoints, until (time,
 * event, function, text), next, determinism, quit and end of input.
 */
#include <glob.h>
#include <stdint.h>
#include <string.h>

#include "sim/kernel/types.h"
#include "tests/cli/console_test_util.h"

#define HIPRIO	"tests/scenarios/hiprio-full.vfs"
#define RUNCTL	"tests/scenarios/run-control.vfs"
#define MIGRATE "tests/scenarios/migration.vfs"
#define FULLQ	"tests/scenarios/full-queue-mainline.vfs"

static struct vt_con c;

static int cleanup(void)
{
	vt_con_free(&c);
	return 0;
}

/*
 * The trace line of the event a message names: the first line of @out
 * containing @msg ends with "#N"; return the line of @out (after @msg's
 * line) that shows event #N.
 */
static char *hit_line(const char *out, const char *msg)
{
	char *line = vt_line_with(out, msg), *hash = strchr(line, '#');
	char needle[32], *hit;

	if (!hash) {
		free(line);
		return strdup("");
	}
	/* "#N" up to the next blank, then the blank the trace puts after it */
	snprintf(needle, sizeof(needle), "%.*s ", (int)strcspn(hash, " "),
		 hash);
	hit = vt_line_with(out, needle);
	free(line);
	return hit;
}

/* The trace `show trace` printed at the end of a script. */
static const char *final_trace(void)
{
	return vt_after(c.out, "(vfsim) show trace 1000000\n");
}

static void test_banner_and_eof(void)
{
	CU_ASSERT_EQUAL(vt_console(&c, "", HIPRIO, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out,
				      "vfsim step: " HIPRIO ", policy fifo\n"
				      "tasks: t\nevents:\n  at 1ms\n"
				      "  at 2ms\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "the file's run program (not "
					     "run here):\n  run until time "
					     "1500us\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "  expect status done\n"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(c.out, "-- step 0, 0.000 us: nothing ran yet\n"));
	CU_ASSERT_PTR_NULL(strstr(c.out, "(vfsim)")); /* no command */
	CU_ASSERT_STRING_EQUAL(c.err, "");
	/* A long run program is cut; the policy given wins. */
	CU_ASSERT_EQUAL(
		vt_console(&c, "", RUNCTL, "--policy", "random:5", NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "policy random:5\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "tasks: t idler\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "  on dev.kick:vu_kick\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "  ... (3 more)\n"));
}

/* Stepping prints what `run` traces for the same number of steps. */
static void check_same_as_run(const char *file, const char *policy,
			      unsigned long long steps)
{
	char script[64], script_line[32], *printed;
	char *want = vt_exec_steps(file, policy, steps);

	snprintf(script, sizeof(script), "step %llu\nshow trace 1000000\n",
		 steps);
	snprintf(script_line, sizeof(script_line), "(vfsim) step %llu\n",
		 steps);
	if (policy)
		vt_console(&c, script, file, "--policy", policy, NULL);
	else
		vt_console(&c, script, file, NULL);
	CU_ASSERT_EQUAL(c.rc, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(want);
	if (strcmp(final_trace(), want))
		fprintf(stderr,
			"\n%s (%s, %llu steps): console and run differ\n", file,
			policy ? policy : "fifo", steps);
	CU_ASSERT_STRING_EQUAL(final_trace(), want);
	/* What the steps printed is a part of that trace. */
	printed = strdup(vt_after(c.out, script_line));
	CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(printed, "-- step "));
	*strstr(printed, "-- step ") = '\0';
	CU_ASSERT(strlen(printed) > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(want, printed));
	free(printed);
	free(want);
}

static void test_steps_trace_as_run(void)
{
	glob_t g;

	CU_ASSERT_EQUAL_FATAL(glob("tests/scenarios/*.vfs", 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		check_same_as_run(g.gl_pathv[i], NULL, 40);
		if (!vt_slow_build())
			check_same_as_run(g.gl_pathv[i], NULL, 100000);
	}
	globfree(&g);
	check_same_as_run(FULLQ, "random:11", 150);
}

static void test_position_line(void)
{
	vt_console(&c, "step\nstep 3\nwhere\n", HIPRIO, NULL);
	CU_ASSERT_EQUAL(c.rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "(vfsim) step\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "-- step 1, 0.000 us: "
					     "vfsd/hiprio/0 ran (now blocked "
					     "in idle vfs_dev ring)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "(vfsim) step 3\n"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(c.out, "-- step 4, 0.000 us: vfsd/requests.0/0 ran (now "
			      "blocked in idle vfs_dev ring)\n"
			      "(vfsim) where\n-- step 4, 0.000 us: "
			      "vfsd/requests.0/0 ran"));
	/* A step that only moves the clock says so. */
	vt_console(&c, "until 1ms\nstep\nuntil 2ms\nstep 1000000000\n", HIPRIO,
		   NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "the clock moved; timers fired"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(c.out, "the run is over: done (every task finished)"));
}

/* Back N then step N again: the same trace, byte for byte. */
static void check_back(const char *file, const char *policy, const char *first,
		       const char *again)
{
	char *want, script[256];

	snprintf(script, sizeof(script), "%sshow trace 1000000\n", first);
	if (policy)
		vt_console(&c, script, file, "--policy", policy, NULL);
	else
		vt_console(&c, script, file, NULL);
	CU_ASSERT_EQUAL(c.rc, 0);
	want = strdup(final_trace());
	snprintf(script, sizeof(script), "%s%sshow trace 1000000\n", first,
		 again);
	if (policy)
		vt_console(&c, script, file, "--policy", policy, NULL);
	else
		vt_console(&c, script, file, NULL);
	CU_ASSERT_EQUAL(c.rc, 0);
	CU_ASSERT_STRING_EQUAL(c.err, "");
	CU_ASSERT(strlen(want) > 1000);
	if (strcmp(final_trace(), want))
		fprintf(stderr, "\n%s: back then %s differs\n", file, again);
	CU_ASSERT_STRING_EQUAL(final_trace(), want);
	free(want);
}

static void test_back_is_exact(void)
{
	check_back(HIPRIO, NULL, "step 30\n", "back 15\nstep 15\n");
	check_back(HIPRIO, NULL, "step 30\n", "back 30\nstep 30\n");
	check_back(HIPRIO, NULL, "step 30\n", "back\nstep\n");
	/* triggers: on blocks, at blocks, a daemon, migration */
	check_back(RUNCTL, NULL, "continue\n", "back 30\ncontinue\n");
	check_back(MIGRATE, NULL, "continue\n", "back 40\ncontinue\n");
	/* A random policy goes on as the original did past the point. */
	check_back(FULLQ, "random:11", "step 40\n",
		   "back 30\nstep 10\nback 5\nstep 25\n");
	check_back(FULLQ, "random:11", "continue\n", "back 30\ncontinue\n");
	/* until time leaves the clock where it was: back keeps it there */
	check_back(HIPRIO, NULL, "until 1500us\n", "back 3\nuntil 1500us\n");
}

static void test_back_output_and_errors(void)
{
	vt_console(&c,
		   "back\nstep 10\nback 4\nshow trace 1\nback 7\nback 0\n"
		   "back x\nback 1 2\nback 6\n",
		   HIPRIO, NULL);
	CU_ASSERT_EQUAL(c.rc, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "(vfsim) back 4\nback 4 steps, "
					     "by re-running the scenario\n"
					     "-- step 6, "));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "(vfsim) back 6\nback 6 steps"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "-- step 0, 0.000 us: nothing "
					     "ran yet\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "vfsim: line 1: back: at step "
					     "0, the start: there is nothing "
					     "to go back to\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "line 5: back: expected a step "
					     "count from 1 to 6, got '7'\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "line 6: back: expected a step "
					     "count from 1 to 6, got '0'\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "line 7: back: expected"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "line 8: back: unexpected '2'"));
	CU_ASSERT_EQUAL(vt_count_lines(c.err, "vfsim: "), 5);
}

static void test_breakpoints(void)
{
	char *want = vt_exec_steps(HIPRIO, NULL, 1000000), *first, *line;

	vt_console(&c,
		   "break\nbreak virtio_fs_enqueue_req\nbreak\ncontinue\n"
		   "break\nbreak event vq.kick\nbreak func vu_kick\n"
		   "break \"op=FORGET\"\nbreak dev.pop:fv_queue_worker\n"
		   "delete 1\ndelete 1\nbreak\nclear\nbreak\ncontinue\n",
		   HIPRIO, NULL);
	CU_ASSERT_EQUAL(c.rc, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "(vfsim) break\nno "
					     "breakpoints\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out,
				      "breakpoint 1: virtio_fs_enqueue_req\n"
				      "(vfsim) break\nbreakpoint 1: "
				      "virtio_fs_enqueue_req (hit 0 times)\n"));
	/* It stopped after the step of the first such event of the run. */
	first = vt_line_with(want, " virtio_fs_enqueue_req ");
	line = hit_line(c.out, "breakpoint 1 (virtio_fs_enqueue_req): #");
	CU_ASSERT(strlen(line) > 0);
	CU_ASSERT_STRING_EQUAL(line, first);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "virtio_fs_enqueue_req (hit 1 "
					     "times)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "breakpoint 2: event vq.kick\n"
					     "(vfsim) break func vu_kick\n"
					     "breakpoint 3: func vu_kick\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "breakpoint 4: \"op=FORGET\"\n"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(c.out, "breakpoint 5: event dev.pop:fv_queue_worker\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "deleted breakpoint 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "line 11: delete: no breakpoint "
					     "1 (see 'break')\n"));
	CU_ASSERT_PTR_NULL(
		strstr(vt_after(c.out, "(vfsim) delete 1\n"), "breakpoint 1:"));
	/* clear names each breakpoint it deletes */
	CU_ASSERT_PTR_NOT_NULL(strstr(
		c.out, "(vfsim) clear\n"
		       "deleted breakpoint 2: event vq.kick\n"
		       "deleted breakpoint 3: func vu_kick\n"
		       "deleted breakpoint 4: \"op=FORGET\"\n"
		       "deleted breakpoint 5: event dev.pop:fv_queue_worker\n"
		       "(vfsim) break\nno breakpoints\n"));
	/* Nothing stops the last continue but the end of the run. */
	CU_ASSERT_PTR_NULL(
		strstr(vt_after(c.out, "(vfsim) clear\n"), "breakpoint 2 ("));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "the run is over: done"));
	free(first);
	free(line);
	free(want);
}

/* Every kind of breakpoint stops; two in one step report both. */
static void test_breakpoint_kinds(void)
{
	static const char *const pats[][2] = {
		{ "vq.kick", " vq.kick " },
		{ "virtio_fs_send_req", " virtio_fs_send_req " },
		{ "event dev.pop", " dev.pop " },
		{ "dev.pop:fv_queue_worker", " fv_queue_worker " },
		{ "func vringh_pop", " vringh_pop " },
		{ "\"op=LOOKUP\"", "op=LOOKUP" },
	};
	char script[128], *line;

	for (size_t i = 0; i < ARRAY_SIZE(pats); i++) {
		snprintf(script, sizeof(script), "break %s\ncontinue\n",
			 pats[i][0]);
		vt_console(&c, script, HIPRIO, NULL);
		CU_ASSERT_EQUAL(c.rc, 0);
		/* the line that hit is in the output, with what matched */
		line = hit_line(c.out, "breakpoint 1 (");
		CU_ASSERT_PTR_NOT_NULL(strstr(line, pats[i][1]));
		free(line);
	}
	vt_console(&c, "break vq.kick\nbreak dev.kick\ncontinue\nbreak\n",
		   HIPRIO, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "breakpoint 1 (vq.kick): #"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "breakpoint 2 (dev.kick): #"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "dev.kick (hit 1 times)"));
}

static void test_until_time(void)
{
	vt_console(&c,
		   "until 1500us\nshow queues\nuntil time 2ms\nuntil 1ms\n"
		   "until 2000001ns\n",
		   HIPRIO, NULL);
	CU_ASSERT_EQUAL(c.rc, 0);
	/* The clock stops before the jump past the time asked for ... */
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "until: nothing happens until "
					     "1500.000 us; the next step moves "
					     "the clock to 2000.000 us\n"
					     "-- step "));
	/* ... where the file's own expectations for 1500us hold. */
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "hiprio      size=8 num_free=0 "
					     "avail_idx=8 used_idx=0 "
					     "last_used=0 in_flight=10 "
					     "queued_reqs=2 connected=1\n"));
	/* used_idx as the device left it in guest memory: little endian,
	 * which a big-endian host once showed as 3072 */
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "requests.0  size=8 num_free=8 "
					     "avail_idx=12 used_idx=12 "
					     "last_used=12 in_flight=0 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "until: the clock reached "
					     "2000.000 us\n-- step "));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "(vfsim) until 1ms\nuntil: the "
					     "clock is at 2000.000 us "
					     "already\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "the run is over: done"));
	CU_ASSERT_STRING_EQUAL(c.err, "");
}

static void check_until(const char *what, const char *needle)
{
	char script[128], *hit, *first;

	snprintf(script, sizeof(script), "until %s\n", what);
	vt_console(&c, script, RUNCTL, NULL);
	CU_ASSERT_EQUAL(c.rc, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "until: #"));
	/* The event named is the first match in the output. */
	hit = hit_line(c.out, "until: #");
	/* (after the command's own line, which holds the pattern too) */
	first = vt_line_with(strchr(vt_after(c.out, "(vfsim) until "), '\n'),
			     needle);
	CU_ASSERT(strlen(hit) > 0);
	CU_ASSERT_STRING_EQUAL(hit, first);
	free(hit);
	free(first);
}

static void test_until_events(void)
{
	check_until("dev.pop", " dev.pop ");
	check_until("vringh_pop", " vringh_pop ");
	check_until("dev.kick:vu_kick", " vu_kick ");
	check_until("event dev.kick:vu_kick", " vu_kick ");
	check_until("event vq.kick", " vq.kick ");
	check_until("func vu_kick", " vu_kick ");
	check_until("\"op 2 /: 0\"", "op 2 /: 0");
	/* The file's `run until dev.pop` expectations hold there too. */
	vt_console(&c, "until dev.pop\nshow tasks\n", RUNCTL, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "t                  syscall  "
					     "cpu0   blocked"));
	CU_ASSERT_PTR_NULL(
		strstr(vt_after(c.out, "(vfsim) until"), "first kick"));
	/* A pattern nothing matches runs to the end: a kind this run never
	 * emits, or a word that names no function (a kind nothing emits
	 * is refused, see cli_console_errors). */
	vt_console(&c, "until mig.fail\n", RUNCTL, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "the run is over: done"));
	CU_ASSERT_PTR_NULL(strstr(c.out, "until: #"));
	vt_console(&c, "until no_such_function\n", RUNCTL, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "the run is over: done"));
	CU_ASSERT_PTR_NULL(strstr(c.out, "until: #"));
}

static void test_next(void)
{
	char *line;

	vt_console(&c, "next\nstep 3\nnext\nnext t\nnext idler\nnext\n", RUNCTL,
		   NULL);
	CU_ASSERT_EQUAL(c.rc, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "line 1: next: no task has run "
					     "yet; name one (next TASK)\n"));
	/* After step 3 the last event is t's start: next waits for t. */
	line = vt_line_with(vt_after(c.out, "(vfsim) step 3\n"), "next: #");
	CU_ASSERT_PTR_NOT_NULL(strstr(line, " is t's"));
	free(line);
	line = vt_line_with(vt_after(c.out, "(vfsim) next idler\n"), "next: #");
	CU_ASSERT_PTR_NOT_NULL(strstr(line, " is idler's"));
	free(line);
	vt_console(&c, "next nosuch\ncontinue\nnext t\nnext a b\n", RUNCTL,
		   NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "line 1: next: no task named "
					     "'nosuch' (see 'show tasks')\n"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(c.err, "line 3: next: task 't' has finished\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.err, "line 4: next: unexpected 'b'"));
}

static void test_run_over(void)
{
	static const char *const cmds[] = { "step", "continue", "until 9s",
					    "until vq.kick",
					    "next vfsd/hiprio/0" };
	char script[128];

	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		snprintf(script, sizeof(script), "continue\n%s\n", cmds[i]);
		vt_console(&c, script, HIPRIO, NULL);
		CU_ASSERT_EQUAL(c.rc, 0);
		CU_ASSERT_PTR_NOT_NULL(
			strstr(vt_after(c.out, "(vfsim) continue\n"),
			       "the run is over; 'back N' goes back N steps\n"
			       "-- step "));
	}
}

/* A deadlock ends the run; its reports are in the trace; back works. */
static void test_deadlock(void)
{
	/* a file of its own: suites run side by side (vfsim-tests -j) */
	char dl[] = "/tmp/vfsim-console-deadlock-XXXXXX.vfs";
	int fd = mkstemps(dl, 4);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	CU_ASSERT_FATAL(f != NULL);
	fputs("device latency=1ms\ntask t\n  mount\n  getattr /\nend\n"
	      "at 500us\n  device pause\nend\nrun\n",
	      f);
	CU_ASSERT_FATAL(fclose(f) == 0);
	check_back(dl, NULL, "continue\n", "back 3\ncontinue\n");
	vt_console(&c, "continue\nshow tasks\nstep\n", dl, NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "the run is over: deadlock "
					     "(tasks blocked forever: see "
					     "'show tasks')\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, " bug "));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "blocked in waitqueue"));
	remove(dl);
}

static void test_determinism(void)
{
	static const char script[] =
		"step 7\nbreak vq.kick\ncontinue\nshow requests\n"
		"until 1200us\nshow ring requests.0\nback 9\nnext\n"
		"frob\ncontinue\n";
	char *out, *err;

	vt_console(&c, script, MIGRATE, "--policy", "random:3", NULL);
	out = strdup(c.out);
	err = strdup(c.err);
	vt_console(&c, script, MIGRATE, "--policy", "random:3", NULL);
	CU_ASSERT_STRING_EQUAL(c.out, out);
	CU_ASSERT_STRING_EQUAL(c.err, err);
	CU_ASSERT_EQUAL(c.rc, 1);
	free(out);
	free(err);
}

static void test_quit_comments_and_blank_lines(void)
{
	vt_console(&c, "# a comment\n\n   \n\tstep\r\nquit\nstep\n", HIPRIO,
		   NULL);
	CU_ASSERT_EQUAL(c.rc, 0);
	CU_ASSERT_PTR_NULL(strstr(c.out, "comment"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "(vfsim) step\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "(vfsim) quit\n"));
	CU_ASSERT_EQUAL(vt_count_lines(c.out, "(vfsim) "), 2);
	CU_ASSERT_STRING_EQUAL(vt_after(c.out, "(vfsim) quit\n"), "");
	/* Aliases and the end of input without quit. */
	vt_console(&c, "s\ns 2\nn\nu vq.kick\nb vq.add\nc\nd 1\nh s\nq\n",
		   HIPRIO, NULL);
	CU_ASSERT_EQUAL(c.rc, 0);
	CU_ASSERT_STRING_EQUAL(c.err, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "-- step 3, "));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "next: #"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "until: #"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "breakpoint 1 (vq.add): #"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "deleted breakpoint 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c.out, "step [N] (alias s)"));
}

VT_SUITE(cli_console, NULL, cleanup, VT_CASE(test_banner_and_eof),
	 VT_CASE(test_steps_trace_as_run), VT_CASE(test_position_line),
	 VT_CASE(test_back_is_exact), VT_CASE(test_back_output_and_errors),
	 VT_CASE(test_breakpoints), VT_CASE(test_breakpoint_kinds),
	 VT_CASE(test_until_time), VT_CASE(test_until_events),
	 VT_CASE(test_next), VT_CASE(test_run_over), VT_CASE(test_deadlock),
	 VT_CASE(test_determinism),
	 VT_CASE(test_quit_comments_and_blank_lines));
