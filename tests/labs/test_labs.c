// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_labs.c - the labs' autograder (labs/grade.sh), run as a student
 * would run it: every reference solution in tests/labs/ gets full marks,
 * every starter fails, and each way an answer can be wrong (a broken
 * rule, a false prediction, a file that does not parse, bad arguments)
 * gives its own message and exit status.
 */
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
		CU_ASSERT(total >= 10);
		snprintf(score, sizeof(score), "score: %d/%d\n", total, total);
		CU_ASSERT_PTR_NOT_NULL(strstr(out, score));
		CU_ASSERT_PTR_NOT_NULL(strstr(out, lab_dirs[i]));
	}
}

/* A starter runs (it parses) but does not do the lab yet. */
static void test_starters_fail(void)
{
	for (unsigned i = 0; i < sizeof(lab_dirs) / sizeof(lab_dirs[0]); i++) {
		char args[256];

		snprintf(args, sizeof(args), "%s labs/%s/starter.vfs",
			 lab_dirs[i], lab_dirs[i]);
		CU_ASSERT_EQUAL(grade(args), 1);
		CU_ASSERT(count_lines("  FAIL") >= 1);
		CU_ASSERT(count_lines("  PASS") >= 1);
	}
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
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  FAIL  no bug switches\n"));
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
		strstr(out, "  FAIL  your own 1 expectation(s) hold\n"));
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
	CU_ASSERT_PTR_NOT_NULL(strstr(
		out, "  FAIL  expect trace count \"virtio_fs.forget_park\" == "
		     "4 (got 0)\n"));
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

	CU_ASSERT_EQUAL(grade(""), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "usage: labs/grade.sh LAB"));
	CU_ASSERT_EQUAL(grade("1"), 2);
	CU_ASSERT_EQUAL(grade("9 tests/labs/lab1.vfs"), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "no lab '9'"));
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

VT_SUITE(labs_grade, setup, cleanup, VT_CASE(test_solutions_pass),
	 VT_CASE(test_starters_fail), VT_CASE(test_observe_files_run),
	 VT_CASE(test_handout_sessions), VT_CASE(test_broken_rule),
	 VT_CASE(test_false_prediction), VT_CASE(test_failed_check_shows_value),
	 VT_CASE(test_bad_input), VT_CASE(test_host_failure_grades_nothing));
