// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_labs.c - the labs' autograder (labs/grade.sh), run as a student
 * would run it: every reference solution in tests/labs/ gets full marks,
 * every starter fails, and each way an answer can be wrong (a broken
 * rule, a false prediction, a file that does not parse, bad arguments)
 * gives its own message and exit status.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/harness.h"

static const char *const lab_dirs[] = {
	"lab1-rings",	"lab2-hiprio",	    "lab3-full-queue",
	"lab4-removal", "lab5-dead-device", "lab6-migration",
};

static char out[16384];
static char tmpdir[64];

/* Run the shell command @cmd and keep its output; the exit status. */
static int run_cmd(const char *cmd)
{
	size_t n;
	FILE *p;
	int st;

	p = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Run `labs/grade.sh ARGS` and keep its output; the exit status. */
static int grade(const char *args)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "labs/grade.sh %s 2>&1", args);
	return run_cmd(cmd);
}

/* Count the lines of the grader's output that start with @prefix. */
static int count_lines(const char *prefix)
{
	int n = 0;

	for (const char *l = out; l && *l;
	     l = strchr(l, '\n'), l = l ? l + 1 : l)
		n += !strncmp(l, prefix, strlen(prefix));
	return n;
}

static int setup(void)
{
	strcpy(tmpdir, "/tmp/vfsim-labs-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_solutions_pass(void)
{
	for (unsigned i = 0; i < sizeof(lab_dirs) / sizeof(lab_dirs[0]); i++) {
		char args[256], score[64];
		int total;

		snprintf(args, sizeof(args), "%u tests/labs/lab%u.vfs", i + 1,
			 i + 1);
		CU_ASSERT_EQUAL(grade(args), 0);
		CU_ASSERT_EQUAL(count_lines("  FAIL"), 0);
		total = count_lines("  PASS");
		/* every rule and check was graded, and all passed */
		CU_ASSERT(total >= 8);
		snprintf(score, sizeof(score), "score: %d/%d\n", total, total);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, score));
		CU_ASSERT_PTR_NOT_NULL(strstr(out, lab_dirs[i]));
	}
}

static void write_answer(const char *name, const char *head, const char *from,
			 const char *tail);

/* The score the last grading printed: N of "score: N/M", or -1. */
static int score(void)
{
	const char *s = strstr(out, "score: ");
	int n, m;

	return s && sscanf(s, "score: %d/%d", &n, &m) == 2 && m > 0 ? n : -1;
}

/* A starter runs (it parses) but does not do the lab yet: it does
 * nothing a check could reward, so it scores 0. */
static void test_starters_fail(void)
{
	for (unsigned i = 0; i < sizeof(lab_dirs) / sizeof(lab_dirs[0]); i++) {
		char args[256];

		snprintf(args, sizeof(args), "%s labs/%s/starter.vfs",
			 lab_dirs[i], lab_dirs[i]);
		CU_ASSERT_EQUAL(grade(args), 1);
		CU_ASSERT(count_lines("  FAIL") >= 1);
		CU_ASSERT_EQUAL(count_lines("  PASS"), 0);
		CU_ASSERT_EQUAL(score(), 0);
	}
}

/*
 * Every way of fooling the grader found when the labs were tried as a
 * student would (issue #17), and a few more, against every lab: each
 * must score 0. Each cheat follows the configuration of the lab's own
 * reference solution, so the lab's rules hold and only the cheat is
 * judged.
 */
static const char *const cheats[][2] = {
	{ "empty", "" },
	{ "marks and dormant events",
	  "task t\n  mount\n  getattr /\nend\n"
	  "at 1us\n"
	  "  mark \"vq.full virtio_fs.park virtio_fs.forget_park "
	  "virtio_fs_hiprio_dispatch_work virtio_fs_remove virtio_fs.remove "
	  "virtio_fs.drain_wake virtio.unplug dev.dead fuse.timeout "
	  "fuse_abort_conn virtio.switch_backend state.load: -ENOTCONN "
	  "-ECONNABORTED -EAGAIN request timed out\"\n"
	  "end\n"
	  "at 100s\n  unplug\n  device die\n  migrate\n"
	  "  device pause\nend\n"
	  "run\n" },
	{ "vacuous expectations",
	  "task t\n  mount\nend\nrun\n"
	  "expect trace count \"virtio_fs.forget_park\" >= 0\n"
	  "expect trace count \"vq.full\" >= 0\n"
	  "expect hiprio.queued_reqs >= 0\n"
	  "expect requests.0.num_free >= 0\n"
	  "expect requests.0.queued_reqs >= 0\n"
	  "expect requests.0.in_flight >= 0\n"
	  "expect reports >= 0\n" },
	{ "a run that never ends",
	  "task t\n  mount\n  repeat 100000\n    getattr /\n"
	  "    sleep 1s\n  end\nend\nrun\n" },
	{ "the needles as file names",
	  "task t\n  mount\n"
	  "  create \"/virtio_fs.forget_park vq.full virtio_fs.park: "
	  "-ENOTCONN\" as h\n"
	  "  getattr \"/x: -ECONNABORTED\"\n"
	  "  getattr \"/y: -EAGAIN\"\nend\nrun\n" },
	{ "checker reports accounted for",
	  "task t\n  mount\n  getattr /\nend\nrun\n"
	  "expect reports >= 0\nexpect status deadlock\n" },
};

/* Read the file @path into out[]; false when it cannot be read. */
static bool read_out(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	return true;
}

static void test_cheats_score_zero(void)
{
	const unsigned nr_labs = sizeof(lab_dirs) / sizeof(lab_dirs[0]);
	const unsigned nr_cheats = sizeof(cheats) / sizeof(cheats[0]);
	char path[128], cmd[768];

	for (unsigned i = 0; i < nr_labs; i++) {
		for (unsigned c = 0; c < nr_cheats; c++) {
			FILE *f;

			snprintf(path, sizeof(path), "%s/cheat-%u-%u.vfs",
				 tmpdir, i + 1, c);
			/* the reference's configuration, then the cheat */
			snprintf(cmd, sizeof(cmd),
				 "\"${VFSIM:-build/vfsim}\" run --parse-only "
				 "tests/labs/lab%u.vfs | sed '/^\\(task\\|at\\|"
				 "on\\|run\\|step\\|expect\\)/,$d' > %s",
				 i + 1, path);
			CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
			f = fopen(path, "a");
			CU_ASSERT_PTR_NOT_NULL_FATAL(f);
			fputs(cheats[c][1], f);
			CU_ASSERT_EQUAL(fclose(f), 0);
		}
	}
	/* graded four at a time: each grading mostly waits for vfsim */
	snprintf(cmd, sizeof(cmd),
		 "ls %s/cheat-*.vfs | xargs -P 4 -n 1 sh -c 'n=${1##*/cheat-}; "
		 "labs/grade.sh ${n%%%%-*} \"$1\" > \"$1.out\" 2>&1; "
		 "echo \"exit $?\" >> \"$1.out\"' sh",
		 tmpdir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	for (unsigned i = 0; i < nr_labs; i++) {
		for (unsigned c = 0; c < nr_cheats; c++) {
			snprintf(path, sizeof(path), "%s/cheat-%u-%u.vfs.out",
				 tmpdir, i + 1, c);
			CU_ASSERT_FATAL(read_out(path));
			CU_ASSERT_PTR_NOT_NULL(strstr(out, "\nexit 1\n"));
			if (score() != 0)
				fprintf(stderr, "\n%s, cheat '%s':\n%s",
					lab_dirs[i], cheats[c][0], out);
			CU_ASSERT_EQUAL(score(), 0);
			CU_ASSERT_EQUAL(count_lines("  PASS"), 0);
		}
	}
}

/* A reference solution with its marks, a dormant block and its own
 * expectations added scores what it scored alone: the grader reads none
 * of them. And the same solution with its run cut short scores 0. */
static void test_solution_with_noise(void)
{
	char args[256], cmd[512];

	write_answer("noisy.vfs", "", "tests/labs/lab2.vfs",
		     "expect trace lacks \"op=LOOKUP: -E\"\n"
		     "expect trace lacks \"op=LOOKUP: -E\"\n");
	snprintf(args, sizeof(args), "2 %s/noisy.vfs", tmpdir);
	CU_ASSERT_EQUAL(grade(args), 0);
	CU_ASSERT_EQUAL(count_lines("  FAIL"), 0);
	snprintf(cmd, sizeof(cmd),
		 "sed 's/^run$/run until time 1600us/' tests/labs/lab4.vfs "
		 "> %s/cut.vfs",
		 tmpdir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	snprintf(args, sizeof(args), "4 %s/cut.vfs", tmpdir);
	CU_ASSERT_EQUAL(grade(args), 1);
}

/* Every observation file of every lab runs with its expectations held. */
static void test_observe_files_run(void)
{
	for (unsigned i = 0; i < sizeof(lab_dirs) / sizeof(lab_dirs[0]); i++) {
		char cmd[512];

		snprintf(cmd, sizeof(cmd),
			 "for f in labs/%s/observe*.vfs; do "
			 "\"${VFSIM:-build/vfsim}\" run --trace none \"$f\" "
			 ">/dev/null "
			 "2>&1 || exit 1; done",
			 lab_dirs[i]);
		CU_ASSERT_EQUAL(system(cmd), 0);
	}
}

/* Every console session a handout shows runs without a failed command. */
static void test_handout_sessions(void)
{
	CU_ASSERT_EQUAL(system("labs/check-handouts.sh >/dev/null 2>&1"), 0);
}

static void write_answer(const char *name, const char *head, const char *from,
			 const char *tail)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "{ printf '%%s' '%s'; cat %s; printf '%%s' '%s'; } > %s/%s",
		 head, from, tail, tmpdir, name);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

static void test_broken_rule(void)
{
	char args[256];

	/* lab 1's solution with a bug switch added */
	write_answer("bug.vfs", "bug drain-by-polling\n", "tests/labs/lab1.vfs",
		     "");
	snprintf(args, sizeof(args), "1 %s/bug.vfs", tmpdir);
	CU_ASSERT_EQUAL(grade(args), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out,
				      "  FAIL  no bug switches (the "
				      "scenario's configuration has it)\n"));
	CU_ASSERT_EQUAL(score(), 0);
}

static void test_false_prediction(void)
{
	char args[256], cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "sed 's/queued_reqs == 1/queued_reqs == 2/' "
		 "tests/labs/lab1.vfs > %s/wrong.vfs",
		 tmpdir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	snprintf(args, sizeof(args), "1 %s/wrong.vfs", tmpdir);
	CU_ASSERT_EQUAL(grade(args), 1);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(out, "  FAIL  your own expectations hold (1 failed)\n"));
	/* the message names the answer's own file and line */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/wrong.vfs:"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(out, "requests.0.queued_reqs == 2: got 1"));
	CU_ASSERT_PTR_NULL(strstr(out, "/answer.vfs"));
}

static void test_failed_check_shows_value(void)
{
	char args[256];

	/* lab 1's answer handed in for lab 2: it parks no FORGET */
	write_answer("short.vfs", "", "tests/labs/lab1.vfs", "");
	snprintf(args, sizeof(args), "2 %s/short.vfs", tmpdir);
	CU_ASSERT_EQUAL(grade(args), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  FAIL  exactly four FORGETs were "
					   "parked on hiprio.queued_reqs (got "
					   "0)\n"));
}

static void test_bad_input(void)
{
	char args[256];

	FILE *f;

	snprintf(args, sizeof(args), "%s/typo.vfs", tmpdir);
	f = fopen(args, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("machine queue-size=8\ntask t\n  lokup /\nend\nrun\n", f);
	CU_ASSERT_EQUAL(fclose(f), 0);
	snprintf(args, sizeof(args), "1 %s/typo.vfs", tmpdir);
	CU_ASSERT_EQUAL(grade(args), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/typo.vfs:3:3: error: unknown "
					   "operation 'lokup'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "the answer does not run"));

	/* the labs' checks need the in-process device */
	snprintf(args, sizeof(args), "%s/backend.vfs", tmpdir);
	f = fopen(args, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("device backend=spawn:vfsim\ntask t\n  mount\nend\nrun\n", f);
	CU_ASSERT_EQUAL(fclose(f), 0);
	snprintf(args, sizeof(args), "2 %s/backend.vfs", tmpdir);
	CU_ASSERT_EQUAL(grade(args), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "remove 'backend='"));

	CU_ASSERT_EQUAL(grade(""), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "usage: labs/grade.sh LAB"));
	CU_ASSERT_EQUAL(grade("1"), 2);
	CU_ASSERT_EQUAL(grade("99 tests/labs/lab1.vfs"), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "no lab '99'"));
	CU_ASSERT_EQUAL(grade("lab1-nope tests/labs/lab1.vfs"), 2);
	CU_ASSERT_EQUAL(grade("1 /nonexistent/answer.vfs"), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "cannot read answer"));
}

/* A vfsim that runs out of host memory grades nothing: before, its
 * empty error stream read as every check passing. */
static void test_host_failure_grades_nothing(void)
{
	char fake[128], args[256];
	FILE *f;

	snprintf(fake, sizeof(fake), "%s/vfsim", tmpdir);
	f = fopen(fake, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("#!/bin/sh\necho 'vfsim: out of host memory' >&2\nexit 3\n", f);
	CU_ASSERT_EQUAL(fclose(f), 0);
	CU_ASSERT_EQUAL(chmod(fake, 0755), 0);
	snprintf(args, sizeof(args),
		 "VFSIM=%s labs/grade.sh 1 tests/labs/lab1.vfs 2>&1", fake);
	CU_ASSERT_EQUAL(run_cmd(args), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "vfsim: out of host memory"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "nothing is graded"));
	CU_ASSERT_PTR_NULL(strstr(out, "PASS"));
}

/* The C labs: the lab directory and the reference solution's number. */
static const char *const c_labs[] = { "lab7-forget", "lab8-removal",
				      "lab9-chains" };

/* A C lab end to end: the reference passes with full marks, the
 * starter builds and fails. */
static void c_lab(unsigned int i)
{
	char args[256];

	snprintf(args, sizeof(args), "%s tests/labs/lab%u.c", c_labs[i], i + 7);
	CU_ASSERT_EQUAL(grade(args), 0);
	CU_ASSERT_EQUAL(count_lines("  FAIL"), 0);
	CU_ASSERT(count_lines("  PASS") >= 8);
	CU_ASSERT(score() >= 8);
	snprintf(args, sizeof(args), "%s labs/%s/starter.c", c_labs[i],
		 c_labs[i]);
	CU_ASSERT_EQUAL(grade(args), 1);
	CU_ASSERT(count_lines("  FAIL") >= 3);
}

static void test_c_lab7(void)
{
	c_lab(0);
}

static void test_c_lab8(void)
{
	c_lab(1);
}

static void test_c_lab9(void)
{
	c_lab(2);
}

/* Wrong C answers fail: a FORGET parked but not counted in in_flight
 * (an unmount no longer waits for it), and a file that does not build. */
static void test_c_lab_wrong_answers(void)
{
	char args[256], cmd[512];

	snprintf(
		cmd, sizeof(cmd),
		"sed 's/^\\t\\t\\tinc_in_flight_req(fsvq);$/\\t\\t\\t(void)0;/' "
		"tests/labs/lab7.c > %s/uncounted.c && ! cmp -s "
		"tests/labs/lab7.c %s/uncounted.c",
		tmpdir, tmpdir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	snprintf(args, sizeof(args), "7 %s/uncounted.c", tmpdir);
	CU_ASSERT_EQUAL(grade(args), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  FAIL  many-rounds (fifo)"));
	CU_ASSERT_EQUAL(score(), 0);
	/* and a re-sent FORGET counted a second time */
	snprintf(cmd, sizeof(cmd),
		 "sed 's/send_forget_request(fsvq, forget, true)/"
		 "send_forget_request(fsvq, forget, false)/' tests/labs/lab7.c "
		 "> %s/twice.c && ! cmp -s tests/labs/lab7.c %s/twice.c",
		 tmpdir, tmpdir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	snprintf(args, sizeof(args), "7 %s/twice.c", tmpdir);
	CU_ASSERT_EQUAL(grade(args), 1);
	CU_ASSERT_EQUAL(score(), 0);
	/* removal draining before it stops the queues: the race of
	 * drain-two, lost under every schedule */
	snprintf(cmd, sizeof(cmd),
		 "awk '/virtio_fs_stop_all_queues\\(fs\\);/ { held = $0; next }"
		 " { print } /virtio_fs_drain_all_queues_locked\\(fs\\);/ "
		 "{ print held }' tests/labs/lab8.c > %s/order.c && ! cmp -s "
		 "tests/labs/lab8.c %s/order.c",
		 tmpdir, tmpdir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	snprintf(args, sizeof(args), "8 %s/order.c", tmpdir);
	CU_ASSERT_EQUAL(grade(args), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  FAIL  drain-two (fifo)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  FAIL  drain-two (random:6)"));
	write_answer("broken.c", "static int oops(void) { return x; }\n",
		     "labs/lab9-chains/starter.c", "");
	snprintf(args, sizeof(args), "9 %s/broken.c", tmpdir);
	CU_ASSERT_EQUAL(grade(args), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "broken.c:1:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "the answer does not build"));
}

/* make labs-dist: the students' tree has the handouts, starters and the
 * grader, and no reference solution. */
static void test_labs_dist(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "unset MAKEFLAGS MFLAGS MAKELEVEL; make -s labs-dist "
		 "DIST=%s/dist >/dev/null 2>&1",
		 tmpdir);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	snprintf(
		cmd, sizeof(cmd),
		"cd %s/dist && test -x labs/grade.sh && test -f labs/grade.py "
		"&& test -f labs/lab7-forget/starter.c && test -f "
		"labs/lab2-hiprio/handout.md && test -f docs/primer.md && "
		"test ! -e tests/labs && ! grep -rqE 'Reference solution, lab [0-9]' . "
		"&& test -f ../dist.tar.gz",
		tmpdir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

/* A run killed by a signal, or by the grader's wall clock, scores 0 and
 * says so: before, any status but 2 read as every check passing. */
static void test_killed_run_scores_zero(void)
{
	char fake[128], args[512];
	FILE *f;

	snprintf(fake, sizeof(fake), "%s/vfsim-dies", tmpdir);
	f = fopen(fake, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	/* parses like vfsim, then dies or hangs in the run */
	fputs("#!/bin/sh\ncase \" $* \" in *' --parse-only '*) "
	      "exec \"$REAL\" \"$@\";; esac\n"
	      "[ -n \"$HANG\" ] && exec sleep 30\nkill -9 $$\n",
	      f);
	CU_ASSERT_EQUAL(fclose(f), 0);
	CU_ASSERT_EQUAL(chmod(fake, 0755), 0);
	snprintf(args, sizeof(args),
		 "REAL=\"${VFSIM:-build/vfsim}\" VFSIM=%s labs/grade.sh 2 "
		 "tests/labs/lab2.vfs 2>&1",
		 fake);
	CU_ASSERT_EQUAL(run_cmd(args), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  FAIL  the run ended normally: "
					   "vfsim was killed by signal 9\n"));
	CU_ASSERT_EQUAL(score(), 0);
	CU_ASSERT_EQUAL(count_lines("  PASS"), 0);
	snprintf(args, sizeof(args),
		 "HANG=1 VFSIM_GRADE_WALL_SECONDS=1 REAL=\"${VFSIM:-build/"
		 "vfsim}\" VFSIM=%s labs/grade.sh 2 tests/labs/lab2.vfs 2>&1",
		 fake);
	CU_ASSERT_EQUAL(run_cmd(args), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "vfsim was killed after 1 s of "
					   "wall time"));
	CU_ASSERT_EQUAL(score(), 0);
}

/*
 * Several suites, so that `vfsim-tests -j N` grades them side by side:
 * building a C lab's program takes most of this binary's time.
 */
VT_SUITE(labs_grade, setup, cleanup, VT_CASE(test_killed_run_scores_zero),
	 VT_CASE(test_solutions_pass), VT_CASE(test_starters_fail),
	 VT_CASE(test_solution_with_noise), VT_CASE(test_observe_files_run),
	 VT_CASE(test_handout_sessions), VT_CASE(test_broken_rule),
	 VT_CASE(test_false_prediction), VT_CASE(test_failed_check_shows_value),
	 VT_CASE(test_bad_input), VT_CASE(test_host_failure_grades_nothing));
VT_SUITE(labs_cheats, setup, cleanup, VT_CASE(test_cheats_score_zero));
VT_SUITE(labs_c_lab7, setup, cleanup, VT_CASE(test_c_lab7));
VT_SUITE(labs_c_lab8, setup, cleanup, VT_CASE(test_c_lab8));
VT_SUITE(labs_c_lab9, setup, cleanup, VT_CASE(test_c_lab9));
VT_SUITE(labs_c_wrong_answers, setup, cleanup,
	 VT_CASE(test_c_lab_wrong_answers));
VT_SUITE(labs_dist, setup, cleanup, VT_CASE(test_labs_dist));
