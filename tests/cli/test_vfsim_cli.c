// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_vfsim_cli.c - the vfsim program, run in-process through
 * vfsim_cli_main(): help and version, exit codes, one-line usage errors,
 * scenario errors (exit 2 with FILE:LINE:COL, nothing runs), failed
 * expectations (exit 1 with their positions), --out files, and
 * determinism (same seed, same trace; a replay of a random run's choices
 * reproduces it).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/cli/exec.h"
#include "sim/cli/vfsim_cli.h"
#include "tests/cli/cli_test_util.h"
#include "tests/cli/scenario_test_util.h"
#include "tests/harness.h"

static char *out_text, *err_text;
static char tmpdir[64];

/* Run vfsim with the NULL-terminated arguments; capture both streams. */
static int vfsim(const char *arg, ...)
{
	va_list ap;
	int rc;

	va_start(ap, arg);
	rc = vt_cli_vrun(&out_text, &err_text, NULL, arg, ap);
	va_end(ap);
	return rc;
}

/* Write scenario @text to a file in the test directory. */
static const char *scenario_file(const char *name, const char *text)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	CU_ASSERT_EQUAL(vt_write_text(path, text), 0);
	return path;
}

static int setup(void)
{
	strcpy(tmpdir, "/tmp/vfsim-cli-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int cleanup(void)
{
	char cmd[128];

	free(out_text);
	free(err_text);
	out_text = err_text = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_help_and_version(void)
{
	CU_ASSERT_EQUAL(vfsim("--help", NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out_text, "usage: vfsim"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out_text, "run FILE"));
	/* every command is there; none is still to come */
	CU_ASSERT_PTR_NOT_NULL(strstr(out_text, "  step FILE   step through"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out_text, "  tour        guided tour"));
	CU_ASSERT_PTR_NULL(strstr(out_text, "not available"));
	CU_ASSERT_EQUAL(vfsim("step", "--help", NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out_text, "usage: vfsim step FILE"));
	CU_ASSERT_EQUAL(vfsim("-h", NULL), 0);
	CU_ASSERT_EQUAL(vfsim("run", "--help", NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out_text, "--policy"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out_text, "replay:FILE"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out_text, "exit status"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(out_text, "text|jsonl|perfetto|msc|none"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out_text, "sequence.msc"));
	CU_ASSERT_EQUAL(vfsim("--version", NULL), 0);
	CU_ASSERT_STRING_EQUAL(out_text, "vfsim " VFSIM_VERSION "\n");
	/* the driver variants, each with the release it models */
	CU_ASSERT_EQUAL(vfsim("--help", NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(out_text, "  source X    the reader view"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(out_text, "  v5-2019   the v5 posting of 2019-09-10"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		out_text,
		"  6.1       Linux 6.1.192 (Debian bookworm, 6.1.192-3)"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(out_text, "  mainline  Linux 7.1 (the default)\n"));
	CU_ASSERT_EQUAL(vfsim("run", "--help", NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out_text, "--variant V"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out_text, "  mainline  Linux 7.1"));
}

/* Every usage error: exit 2, one line on stderr, nothing on stdout. */
static void usage_error(int rc, const char *needle)
{
	CU_ASSERT_EQUAL(rc, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, needle));
	CU_ASSERT_EQUAL(strchr(err_text, '\n') - err_text + 1,
			(long)strlen(err_text));
	CU_ASSERT_STRING_EQUAL(out_text, "");
}

/* --variant picks the driver over the file's; the trace's first line
 * names it; a file's switch or timeout the variant lacks is an error. */
static void test_variant_option(void)
{
	char ok[128], tmo[128];

	/* scenario_file() returns its one static buffer */
	strcpy(ok, scenario_file("v.vfs", "task t\n  mount\nend\nrun\n"));
	strcpy(tmo, scenario_file("t.vfs", "driver timeout=15s\n"
					   "task t\n  mount\nend\nrun\n"));
	CU_ASSERT_EQUAL(vfsim("run", ok, "--variant", "6.1", NULL), 0);
	CU_ASSERT_EQUAL(
		strncmp(out_text,
			"     0.000 us #1      -            vfsim.driver   "
			"vfsim_machine_create 6.1: Linux 6.1.192",
			86),
		0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out_text, "virtio_fs_probe 6.1 (Linux"));
	CU_ASSERT_EQUAL(vfsim("run", ok, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(out_text, "vfsim_machine_create mainline: Linux 7.1;"));
	CU_ASSERT_EQUAL(vfsim("run", tmo, "--variant", "6.1", NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(err_text, "driver variant 6.1 has no request timeout"));
	usage_error(vfsim("run", ok, "--variant", "5.4", NULL),
		    "unknown driver variant '5.4' (expected v5-2019, 6.1 or "
		    "mainline)");
	usage_error(vfsim("run", ok, "--variant", NULL),
		    "'--variant' needs a value");
}

static void test_usage_errors(void)
{
	const char *ok = scenario_file("ok.vfs", "task t\n  yield\nend\nrun\n");

	CU_ASSERT_EQUAL(vfsim(NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "usage: vfsim"));
	usage_error(vfsim("frobnicate", NULL), "unknown command or option");
	usage_error(vfsim("step", NULL), "step: missing scenario FILE");
	usage_error(vfsim("step", "/nonexistent.vfs", NULL),
		    "/nonexistent.vfs");
	usage_error(vfsim("tour", "--frob", NULL),
		    "tour: unknown option '--frob'");
	usage_error(vfsim("run", NULL), "missing scenario FILE");
	usage_error(vfsim("run", ok, "--frob", NULL),
		    "unknown option '--frob'");
	usage_error(vfsim("run", ok, "--trace", NULL),
		    "'--trace' needs a value");
	usage_error(
		vfsim("run", ok, "--trace", "frob", NULL),
		"unknown trace format 'frob' (expected text, jsonl, perfetto, "
		"msc or "
		"none)");
	usage_error(vfsim("run", ok, ok, NULL), "one scenario at a time");
	/* each option once; the policy's syntax as every help text has it */
	usage_error(vfsim("run", ok, "--trace", "none", "--trace", "text",
			  NULL),
		    "vfsim: '--trace' given twice (see vfsim run --help)");
	usage_error(vfsim("run", ok, "--policy", "rand", NULL),
		    "vfsim: unknown policy 'rand' (expected fifo, random:SEED "
		    "or replay:FILE)\n");
	usage_error(vfsim("step", ok, "--policy", "random:x", NULL),
		    "vfsim: bad policy: ");
	usage_error(vfsim("step", "--out", "a", "--out", "b", ok, NULL),
		    "vfsim: step: '--out' given twice");
	/* '--' ends the options: what follows is the file, whatever it is */
	usage_error(vfsim("run", "--", "--trace", NULL),
		    "vfsim: --trace: error: cannot read");
	CU_ASSERT_EQUAL(vfsim("run", "--trace", "none", "--", ok, NULL), 0);
	/* tasks that nothing runs: a warning, and the set-up still runs */
	CU_ASSERT_EQUAL(
		vfsim("run",
		      scenario_file("norun.vfs", "task t\n  yield\nend\n"),
		      "--trace", "none", NULL),
		0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "vfsim: warning: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "norun.vfs has 1 task but no "
						"'run' or 'step': they never "
						"run\n"));
	usage_error(vfsim("run", ok, "--policy", "random:x", NULL), "random");
	usage_error(vfsim("run", ok, "--policy", "replay:/nonexistent/c.txt",
			  NULL),
		    "cannot read '/nonexistent/c.txt'");
	usage_error(vfsim("run", ok, "--policy", "replay:/nonexistent/c.txt",
			  "--out", "/nonexistent/dir", NULL),
		    "cannot read");
	usage_error(vfsim("run", ok, "--policy",
			  strcat(strcpy((char[128]){ 0 }, "replay:"), ok),
			  NULL),
		    "holds no choices");
	usage_error(vfsim("run", "/nonexistent.vfs", NULL), "/nonexistent.vfs");
}

static void test_scenario_error_exit_2(void)
{
	CU_ASSERT_EQUAL(
		vfsim("run", "tests/scenarios/bad/unknown-op.vfs", NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		err_text, "tests/scenarios/bad/unknown-op.vfs:5:3: error: "
			  "unknown operation 'lokup'"));
	CU_ASSERT_STRING_EQUAL(out_text, ""); /* nothing ran */
}

/* --parse-only prints what the parser read and runs nothing: comments
 * and spelling go, defaults stay out, a dormant event block is kept as
 * written; a file that does not parse is exit 2 as for a run. */
static void test_parse_only(void)
{
	const char *f = scenario_file(
		"p.vfs", "# a comment\nmachine   queue-size=8 # ring\n"
			 "task t\n  mount\n  sleep 1500us\nend\n"
			 "at 100s\n  unplug\nend\nrun\nexpect status done\n");

	CU_ASSERT_EQUAL(vfsim("run", f, "--parse-only", NULL), 0);
	CU_ASSERT_STRING_EQUAL(out_text, "machine queue-size=8\n"
					 "task t\n  mount\n  sleep 1500us\n"
					 "end\nat 100s\n  unplug\nend\n"
					 "run\nexpect status done\n");
	CU_ASSERT_STRING_EQUAL(err_text, "");
	CU_ASSERT_EQUAL(vfsim("run", "tests/scenarios/bad/unknown-op.vfs",
			      "--parse-only", NULL),
			2);
	CU_ASSERT_STRING_EQUAL(out_text, "");
}

/* Errors only the machine can find are scenario errors too. */
static void test_machine_error_exit_2(void)
{
	const char *f = scenario_file("w.vfs", "device workers=20\nrun\n");

	CU_ASSERT_EQUAL(vfsim("run", f, NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "w.vfs:1:1: error: "
						"workers=20"));
	CU_ASSERT_STRING_EQUAL(out_text, "");
	f = scenario_file("b.vfs", "device batch=100\nrun\n");
	CU_ASSERT_EQUAL(vfsim("run", f, NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "batch=100"));
	f = scenario_file("fs.vfs", "fs\n  file /no/f \"x\"\nend\nrun\n");
	CU_ASSERT_EQUAL(vfsim("run", f, NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "fs.vfs:2:3: error: cannot "
						"create '/no/f'"));
	f = scenario_file("root.vfs", "fs\n  dir /\nend\nrun\n");
	CU_ASSERT_EQUAL(vfsim("run", f, NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "root.vfs:2:3: error:"));
}

static void test_failed_expectations_exit_1(void)
{
	const char *f = scenario_file(
		"fail.vfs", "task t\n  mount\n  getattr /nope\nend\nrun\n"
			    "expect task t op 2 returns 0\n"
			    "expect task t returns 0\n"
			    "expect status deadlock\n"
			    "expect hiprio.in_flight != 0\n"
			    "expect device.inodes > 1\n"
			    "expect trace count \"nothing\" >= 1\n"
			    "expect report kmem.leak\n"
			    "expect reports < 0\n"
			    "expect task t blocked\n"
			    "expect no leaks\n");

	CU_ASSERT_EQUAL(vfsim("run", f, NULL), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text,
				      "fail.vfs:6:1: expectation failed: task "
				      "t op 2 returns 0: got -ENOENT (trace "
				      "position #"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "fail.vfs:8:1: expectation "
						"failed: status deadlock: got "
						"done"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "fail.vfs:9:1:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "fail.vfs:10:1:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "fail.vfs:11:1:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "fail.vfs:12:1:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "fail.vfs:13:1:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "fail.vfs:14:1: expectation "
						"failed: task t blocked: got "
						"done"));
	/* The mount the task left is unmounted at shutdown: no leak. */
	CU_ASSERT_PTR_NULL(strstr(err_text, "fail.vfs:15:1:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out_text, "scn.expect"));
}

/* An expectation before anything ran sees nothing run. */
static void test_expect_before_run(void)
{
	const char *f = scenario_file("early.vfs",
				      "task t\n  mount\nend\n"
				      "expect task t returns 0\n"
				      "expect task t op 1 returns 0\n"
				      "expect task t done\n"
				      "expect status done\n"
				      "expect requests.0.connected == 1\n"
				      "run\n");

	CU_ASSERT_EQUAL(vfsim("run", f, NULL), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "early.vfs:4:1: expectation "
						"failed: task t returns 0: got "
						"the task has not started"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text,
				      "early.vfs:5:1: expectation "
				      "failed: task t op 1 returns 0: "
				      "got op 1 never ran: the task "
				      "has not started"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "got not started"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "got not run"));
	CU_ASSERT_PTR_NULL(strstr(err_text, "early.vfs:8:1:"));
}

static void test_out_dir(void)
{
	char dir[128], path[160];
	struct stat st;
	char *text;

	snprintf(dir, sizeof(dir), "%s/out", tmpdir);
	CU_ASSERT_EQUAL(vfsim("run", "tests/scenarios/hiprio-full.vfs", "--out",
			      dir, NULL),
			0);
	snprintf(path, sizeof(path), "%s/trace.txt", dir);
	text = vt_read_text(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_STRING_EQUAL(text, out_text);
	free(text);
	snprintf(path, sizeof(path), "%s/choices.txt", dir);
	text = vt_read_text(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_EQUAL(strncmp(text, "replay:", 7), 0);
	/* the whole list, however long, on one line */
	CU_ASSERT_EQUAL(strchr(text, '\n') - text + 1, (long)strlen(text));
	free(text);
	snprintf(path, sizeof(path), "%s/hiprio-full.dot", dir);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	/* The sequence chart always, its SVG when mscgen is installed. */
	snprintf(path, sizeof(path), "%s/sequence.msc", dir);
	text = vt_read_text(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_EQUAL(
		strncmp(text, "# vfsim trace as a message sequence", 35), 0);
	snprintf(path, sizeof(path), "%s/sequence.svg", dir);
	if (system("command -v mscgen >/dev/null 2>&1") == 0) {
		CU_ASSERT_EQUAL(stat(path, &st), 0);
	} else {
		printf("\n    note: mscgen is not installed: no sequence.svg\n");
	}
	/* --trace msc prints the same chart; --out still has the text. */
	snprintf(dir, sizeof(dir), "%s/out-msc", tmpdir);
	CU_ASSERT_EQUAL(vfsim("run", "tests/scenarios/hiprio-full.vfs",
			      "--trace", "msc", "--out", dir, NULL),
			0);
	CU_ASSERT_STRING_EQUAL(out_text, text);
	free(text);
	snprintf(path, sizeof(path), "%s/trace.txt", dir);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/sequence.msc", dir);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	snprintf(dir, sizeof(dir), "%s/out", tmpdir);
	/* jsonl goes to trace.jsonl; none prints nothing. */
	CU_ASSERT_EQUAL(vfsim("run", "tests/scenarios/removal.vfs", "--trace",
			      "jsonl", "--out", dir, NULL),
			0);
	CU_ASSERT_EQUAL(out_text[0], '{');
	snprintf(path, sizeof(path), "%s/trace.jsonl", dir);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(vfsim("run", "tests/scenarios/removal.vfs", "--trace",
			      "none", NULL),
			0);
	CU_ASSERT_STRING_EQUAL(out_text, "");
	/* --trace none with --out: nothing on stdout, the text in DIR */
	snprintf(dir, sizeof(dir), "%s/out-none/a/b", tmpdir);
	CU_ASSERT_EQUAL(vfsim("run", "tests/scenarios/removal.vfs", "--trace",
			      "none", "--out", dir, NULL),
			0);
	CU_ASSERT_STRING_EQUAL(out_text, "");
	snprintf(path, sizeof(path), "%s/trace.txt", dir);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	/* An --out that cannot be a directory: exit 2 before anything ran */
	snprintf(path, sizeof(path), "%s/plain", tmpdir);
	CU_ASSERT_EQUAL(vt_write_text(path, "x"), 0);
	CU_ASSERT_EQUAL(vfsim("run", "tests/scenarios/removal.vfs", "--out",
			      path, NULL),
			2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "is not a directory"));
	CU_ASSERT_STRING_EQUAL(out_text, "");
	snprintf(dir, sizeof(dir), "%s/plain/x", tmpdir);
	CU_ASSERT_EQUAL(vfsim("run", "tests/scenarios/removal.vfs", "--out",
			      dir, NULL),
			2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "cannot create"));
	CU_ASSERT_STRING_EQUAL(out_text, "");
}

static uint64_t run_hash(const char *file, const char *policy, char **choices)
{
	struct vfsim_exec_opts o = { .policy = policy,
				     .format = VFSIM_TRACE_NONE };
	struct scenario_error err;
	struct vfsim_result r;
	struct scenario *s;
	uint64_t h;

	CU_ASSERT_EQUAL_FATAL(scenario_parse_file(file, &s, &err), 0);
	CU_ASSERT_EQUAL(vfsim_exec(s, &o, &r), 0);
	h = r.trace_hash;
	if (choices)
		*choices = strdup(r.choices);
	vfsim_result_free(&r);
	scenario_free(s);
	return h;
}

static void test_determinism_and_replay(void)
{
	const char *f = "tests/scenarios/full-queue-mainline.vfs";
	char *choices, path[128], arg[160], *fifo_trace;
	uint64_t h1, h2, h3;

	h1 = run_hash(f, "random:42", &choices);
	h2 = run_hash(f, "random:42", NULL);
	CU_ASSERT_EQUAL(h1, h2);
	CU_ASSERT(strlen(choices) > strlen("replay:"));
	h3 = run_hash(f, choices, NULL);
	CU_ASSERT_EQUAL(h1, h3);
	/* The same through the program and a choices file. */
	snprintf(path, sizeof(path), "%s/choices.txt", tmpdir);
	CU_ASSERT_EQUAL(vt_write_text(path, choices), 0);
	snprintf(arg, sizeof(arg), "replay:%s", path);
	CU_ASSERT_EQUAL(vfsim("run", f, "--policy", arg, NULL), 0);
	free(choices);
	/* "replay:", the empty list explore prints for a schedule shrunk to
	 * no deviation, is fifo's schedule (it was read as a file named
	 * "", so the printed list could not be replayed). */
	CU_ASSERT_EQUAL(vfsim("run", f, NULL), 0);
	fifo_trace = strdup(out_text);
	CU_ASSERT_EQUAL(vfsim("run", f, "--policy", "replay:", NULL), 0);
	CU_ASSERT_STRING_EQUAL(out_text, fifo_trace);
	free(fifo_trace);
	/* A seed that reorders the run changes the trace. */
	CU_ASSERT_NOT_EQUAL(run_hash(f, "fifo", NULL), h1);
}

/* --out DIR that cannot be had: refused before the run (2); a file that
 * cannot be written after it: the host's failure (3). */
static void test_out_dir_errors(void)
{
	char file[128], dir[160], path[192];

	CU_ASSERT_EQUAL(
		vfsim("run", "tests/scenarios/ops.vfs", "--out", "", NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "bad --out directory ''"));
	/* under a regular file: its parents cannot be made */
	snprintf(file, sizeof(file), "%s/a-file", tmpdir);
	CU_ASSERT_EQUAL_FATAL(vt_write_text(file, "x"), 0);
	snprintf(dir, sizeof(dir), "%s/a/b", file);
	CU_ASSERT_EQUAL(
		vfsim("run", "tests/scenarios/ops.vfs", "--out", dir, NULL), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "cannot create"));
	CU_ASSERT_EQUAL(vfsim("run", "tests/scenarios/ops.vfs", "--out", file,
			      NULL),
			2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "is not a directory"));
	/* trace.txt taken by a directory: the run runs, its trace is lost */
	snprintf(dir, sizeof(dir), "%s/out-taken", tmpdir);
	snprintf(path, sizeof(path), "%s/trace.txt", dir);
	CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0755), 0);
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0755), 0);
	CU_ASSERT_EQUAL(vfsim("run", "tests/scenarios/ops.vfs", "--trace",
			      "text", "--out", dir, NULL),
			3);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, "cannot write '"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out_text, "scn.op"));
}

VT_SUITE(cli_vfsim, setup, cleanup, VT_CASE(test_help_and_version),
	 VT_CASE(test_variant_option), VT_CASE(test_usage_errors),
	 VT_CASE(test_scenario_error_exit_2), VT_CASE(test_parse_only),
	 VT_CASE(test_machine_error_exit_2),
	 VT_CASE(test_failed_expectations_exit_1),
	 VT_CASE(test_expect_before_run), VT_CASE(test_out_dir),
	 VT_CASE(test_out_dir_errors), VT_CASE(test_determinism_and_replay));
