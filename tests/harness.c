// SPDX-License-Identifier: GPL-2.0-only
/*
 * harness.c - main() of the test binary: collects the registered suites,
 * filters them by name, runs them, and exits non-zero when any assertion
 * failed.
 *
 *	vfsim-tests [-j JOBS] [FILTER...]
 *
 * Suites whose name contains any FILTER run (all when none is given).
 * Without -j (or with -j 1) they run one after the other in this process,
 * through CUnit's basic interface. With -j N each suite runs in a child
 * process of its own, N at a time: a machine with N cores finishes the
 * suites about N times sooner, and a suite that crashes is reported as a
 * failed suite instead of ending the run. Each suite's output is printed
 * whole, in suite order, whatever order the children finish in; a total
 * follows.
 */
#include "tests/harness.h"

#include <CUnit/Basic.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static struct vt_suite *suites;
static unsigned int nr_skipped;

void vt_register(struct vt_suite *suite)
{
	struct vt_suite **pos = &suites;

	/* Keep the list sorted by name: run order is independent of linking. */
	while (*pos && strcmp((*pos)->name, suite->name) < 0)
		pos = &(*pos)->next;
	suite->next = *pos;
	*pos = suite;
}

bool vt_slow_build(void)
{
	return getenv("VFSIM_TEST_SLOW") != NULL;
}

bool vt_in_ci(void)
{
	const char *ci = getenv("CI");

	/* the same rule as the real-counterpart tests (tests/kernel/) */
	return ci && *ci;
}

void vt_skip_at(const char *why, bool ci_ok, const char *file,
		unsigned int line)
{
	char msg[512];

	if (ci_ok || !vt_in_ci()) {
		nr_skipped++;
		printf("\n  SKIPPED: %s\n", why);
		fflush(stdout);
		return;
	}
	snprintf(msg, sizeof(msg), "skipped under CI (CI=%s): %s", getenv("CI"),
		 why);
	CU_assertImplementation(CU_FALSE, line, msg, file, "", CU_FALSE);
}

static bool selected(const char *name, int argc, char **argv)
{
	if (argc < 1)
		return true;
	for (int i = 0; i < argc; i++)
		if (strstr(name, argv[i]))
			return true;
	return false;
}

/* Add one suite and its cases to CUnit's registry. */
static bool add_suite(const struct vt_suite *s)
{
	CU_pSuite cs = CU_add_suite_with_setup_and_teardown(
		s->name, s->init, s->cleanup, s->setup_each, s->teardown_each);

	if (!cs)
		return false;
	for (const struct vt_case *c = s->cases; c->name; c++)
		if (!CU_add_test(cs, c->name, c->fn))
			return false;
	return true;
}

/*
 * A child's last line, which the parent reads and does not print: what it
 * ran and what failed, so the parent can print one total.
 */
#define COUNTS_TAG "\001vt-counts"

struct counts {
	unsigned long tests, tests_failed, asserts, asserts_failed;
	unsigned long suites, suites_failed, skipped;
};

/* Run the registry with CUnit's basic interface (the serial run). */
static int run_basic(void)
{
	unsigned int failures;

	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS)
		return -1;
	failures =
		CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	if (nr_skipped)
		printf("%u test(s) skipped a check that cannot run here\n",
		       nr_skipped);
	return failures ? 1 : 0;
}

/*
 * The child's side: run one suite, its output to @out, and end with the
 * counts line. CUnit's basic interface would print a summary per suite;
 * these handlers print its verbose lines without the summary.
 */
static void on_suite_start(const CU_pSuite suite)
{
	printf("\nSuite: %s", suite->pName);
}

static struct timespec test_start;

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void on_test_start(const CU_pTest test, const CU_pSuite suite)
{
	(void)suite;
	clock_gettime(CLOCK_MONOTONIC, &test_start);
	printf("\n  Test: %s ...", test->pName);
	fflush(stdout);
}

static void on_test_complete(const CU_pTest test, const CU_pSuite suite,
			     const CU_pFailureRecord failure)
{
	double secs = seconds_since(&test_start);
	int i = 1;

	(void)test;
	(void)suite;

	if (!failure) {
		printf("passed");
		/* the slow ones, to see what holds a run up */
		if (secs >= 1.0)
			printf(" (%.1f s)", secs);
		return;
	}
	printf("FAILED");
	for (CU_pFailureRecord f = failure; f; f = f->pNext)
		printf("\n    %d. %s:%u  - %s", i++,
		       f->strFileName ? f->strFileName : "", f->uiLineNumber,
		       f->strCondition ? f->strCondition : "");
}

static void on_suite_failure(const CU_pSuite suite)
{
	printf("\nWARNING - suite %s: its initialization or cleanup failed",
	       suite->pName);
}

static void run_child(const struct vt_suite *s)
{
	CU_pRunSummary sum;

	if (!add_suite(s)) {
		printf("\nvfsim-tests: %s\n", CU_get_error_msg());
		_exit(2);
	}
	CU_set_suite_start_handler(on_suite_start);
	CU_set_test_start_handler(on_test_start);
	CU_set_test_complete_handler(on_test_complete);
	CU_set_suite_init_failure_handler(on_suite_failure);
	CU_set_suite_cleanup_failure_handler(on_suite_failure);
	if (CU_run_all_tests() != CUE_SUCCESS) {
		printf("\nvfsim-tests: %s\n", CU_get_error_msg());
		_exit(2);
	}
	sum = CU_get_run_summary();
	printf("\n" COUNTS_TAG " %u %u %u %u %u %u\n", sum->nTestsRun,
	       sum->nTestsFailed, sum->nAsserts, sum->nAssertsFailed,
	       sum->nSuitesFailed, nr_skipped);
	fflush(stdout);
	CU_cleanup_registry();
	/* exit(), not _exit(): coverage and leak checkers run at exit */
	exit(0);
}

/*
 * Seconds a suite may take in a parallel run before it is killed and
 * failed: VFSIM_TEST_TIMEOUT, by default 30 minutes (the slowest suite
 * takes a few minutes under Valgrind or emulation).
 */
static unsigned int suite_timeout(void)
{
	const char *v = getenv("VFSIM_TEST_TIMEOUT");
	unsigned long n = v && *v ? strtoul(v, NULL, 10) : 0;

	return n ? (unsigned int)n : 30 * 60;
}

struct child {
	const struct vt_suite *suite;
	pid_t pid;
	FILE *out; /* the child's stdout and stderr */
	int status;
	bool done, failed;
	struct timespec start, end;
};

/* Print a finished child's output and add its counts to @c. */
static void report_child(struct child *ch, struct counts *c)
{
	struct counts k = { 0 };
	bool counted = false, failed;
	char line[4096];

	rewind(ch->out);
	while (fgets(line, sizeof(line), ch->out)) {
		if (strncmp(line, COUNTS_TAG, strlen(COUNTS_TAG)) == 0 &&
		    sscanf(line + strlen(COUNTS_TAG), "%lu %lu %lu %lu %lu %lu",
			   &k.tests, &k.tests_failed, &k.asserts,
			   &k.asserts_failed, &k.suites_failed,
			   &k.skipped) == 6) {
			counted = true;
			continue;
		}
		fputs(line, stdout);
	}
	fclose(ch->out);
	c->suites++;
	c->tests += k.tests;
	c->tests_failed += k.tests_failed;
	c->asserts += k.asserts;
	c->asserts_failed += k.asserts_failed;
	c->skipped += k.skipped;
	failed = k.tests_failed || k.suites_failed;
	/* which suites hold a parallel run up */
	printf("\n  (%s: %.1f s)\n", ch->suite->name,
	       (double)(ch->end.tv_sec - ch->start.tv_sec) +
		       (ch->end.tv_nsec - ch->start.tv_nsec) / 1e9);
	if (WIFSIGNALED(ch->status) && WTERMSIG(ch->status) == SIGALRM) {
		printf("\nSuite %s: timed out after %u s (VFSIM_TEST_TIMEOUT)\n",
		       ch->suite->name, suite_timeout());
		failed = true;
	} else if (WIFSIGNALED(ch->status)) {
		printf("\nSuite %s: killed by signal %d (%s)\n",
		       ch->suite->name, WTERMSIG(ch->status),
		       strsignal(WTERMSIG(ch->status)));
		failed = true;
	} else if (!counted || WEXITSTATUS(ch->status) != 0) {
		/* a checker's exit code (Valgrind, LeakSanitizer) or an
		 * exit in the middle of the suite */
		printf("\nSuite %s: its process exited with status %d%s\n",
		       ch->suite->name, WEXITSTATUS(ch->status),
		       counted ? "" : " before the suite ended");
		failed = true;
	}
	c->suites_failed += failed;
	ch->failed = failed;
	fflush(stdout);
}

/* Start the child that runs @ch->suite; false when the host refuses. */
static bool start_child(struct child *ch)
{
	fflush(stdout);
	fflush(stderr);
	ch->out = tmpfile();
	if (!ch->out) {
		fprintf(stderr, "vfsim-tests: tmpfile: %s\n", strerror(errno));
		return false;
	}
	clock_gettime(CLOCK_MONOTONIC, &ch->start);
	ch->pid = fork();
	if (ch->pid < 0) {
		fprintf(stderr, "vfsim-tests: fork: %s\n", strerror(errno));
		fclose(ch->out);
		return false;
	}
	if (ch->pid == 0) {
		/* a suite that hangs ends as a failed suite, not the run */
		alarm(suite_timeout());
		dup2(fileno(ch->out), STDOUT_FILENO);
		dup2(fileno(ch->out), STDERR_FILENO);
		setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
		run_child(ch->suite);
	}
	return true;
}

/*
 * The parent's side: keep @jobs children running, print their outputs in
 * suite order, then the total. Returns main()'s exit status.
 */
static int run_parallel(struct child *kids, unsigned int n, unsigned int jobs)
{
	unsigned int next = 0, printed = 0, running = 0;
	struct counts c = { 0 };
	bool host_error = false;

	while (printed < n) {
		int status;
		pid_t pid;

		while (!host_error && running < jobs && next < n) {
			if (!start_child(&kids[next])) {
				host_error = true;
				break;
			}
			next++;
			running++;
		}
		if (running == 0)
			break;
		pid = wait(&status);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "vfsim-tests: wait: %s\n",
				strerror(errno));
			return 2;
		}
		for (unsigned int i = 0; i < next; i++)
			if (kids[i].pid == pid && !kids[i].done) {
				kids[i].status = status;
				kids[i].done = true;
				clock_gettime(CLOCK_MONOTONIC, &kids[i].end);
				running--;
			}
		while (printed < next && kids[printed].done)
			report_child(&kids[printed++], &c);
	}
	printf("\n\nRun summary (%u jobs): %lu suites (%lu failed), %lu tests "
	       "(%lu failed), %lu asserts (%lu failed)\n",
	       jobs, c.suites, c.suites_failed, c.tests, c.tests_failed,
	       c.asserts, c.asserts_failed);
	if (c.skipped)
		printf("%lu test(s) skipped a check that cannot run here\n",
		       c.skipped);
	for (unsigned int i = 0; i < printed; i++)
		if (kids[i].failed)
			printf("FAILED: suite %s\n", kids[i].suite->name);
	if (host_error || printed < n)
		return 2;
	return c.suites_failed ? 1 : 0;
}

/* -j N or -jN as the first argument; returns the arguments it used. */
static int parse_jobs(int argc, char **argv, unsigned int *jobs)
{
	const char *arg;
	char *end;
	long v;

	*jobs = 1;
	if (argc < 2 || strncmp(argv[1], "-j", 2) != 0)
		return 0;
	arg = argv[1][2] ? argv[1] + 2 : argc > 2 ? argv[2] : "";
	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < 1 || v > 256) {
		fprintf(stderr,
			"vfsim-tests: -j wants a number of jobs from 1 to 256, "
			"not '%s'\n",
			arg);
		return -1;
	}
	*jobs = (unsigned int)v;
	return argv[1][2] ? 1 : 2;
}

int main(int argc, char **argv)
{
	unsigned int nr_suites = 0, jobs, i = 0;
	struct child *kids;
	int used, rc;

	used = parse_jobs(argc, argv, &jobs);
	if (used < 0)
		return 2;
	argc -= 1 + used;
	argv += 1 + used;

	for (struct vt_suite *s = suites; s; s = s->next)
		if (selected(s->name, argc, argv))
			nr_suites++;
	if (nr_suites == 0) {
		/* make test runs two binaries (tests/labs/ is one of its
		 * own): a filter may match only the other one's suites */
		if (getenv("VFSIM_TEST_PART"))
			return 77;
		fprintf(stderr, "vfsim-tests: no suite matches the filter\n");
		return 2;
	}
	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "vfsim-tests: %s\n", CU_get_error_msg());
		return 2;
	}

	if (jobs == 1) {
		for (struct vt_suite *s = suites; s; s = s->next)
			if (selected(s->name, argc, argv) && !add_suite(s))
				goto cunit_error;
		rc = run_basic();
		if (rc < 0)
			goto cunit_error;
		CU_cleanup_registry();
		return rc;
	}

	kids = calloc(nr_suites, sizeof(*kids));
	if (!kids) {
		fprintf(stderr, "vfsim-tests: out of memory\n");
		return 2;
	}
	for (struct vt_suite *s = suites; s; s = s->next)
		if (selected(s->name, argc, argv))
			kids[i++].suite = s;
	rc = run_parallel(kids, nr_suites, jobs);
	free(kids);
	CU_cleanup_registry();
	return rc;

cunit_error:
	fprintf(stderr, "vfsim-tests: %s\n", CU_get_error_msg());
	CU_cleanup_registry();
	return 2;
}
