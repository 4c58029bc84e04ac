// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_perfetto.c - `--trace perfetto`: every scenario of tests/scenarios
 * run with the Perfetto writer gives a file that parses as JSON in the
 * trace event format and whose request slices each begin and end
 * (tests/cli/perfetto_check.py reads it as a viewer would); the same run
 * gives the same bytes; and the program writes it (vfsim run --trace
 * perfetto, --out DIR/trace.json).
 */
#define _GNU_SOURCE
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli/exec.h"
#include "sim/cli/vfsim_cli.h"
#include "tests/cli/scenario_test_util.h"
#include "tests/harness.h"

/*
 * The checker's verdict on @n traces at once (one Python start-up for all:
 * the scenario set has about seventy): the number of them it did not pass.
 * Its complaints go to stderr. @names name the files it is shown
 * (a scenario's path, or a word).
 */
static int check_texts(size_t n, const char *const *names,
		       const char *const *texts)
{
	char dir[] = "/tmp/vfsim-perfetto-XXXXXX", line[512];
	size_t cap = 64, len, ok = 0;
	char *cmd = malloc(cap);
	FILE *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cmd);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	len = (size_t)snprintf(cmd, cap, "python3 tests/cli/perfetto_check.py");
	for (size_t i = 0; i < n; i++) {
		const char *base = strrchr(names[i], '/');
		char path[600];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%zu-%s.json", dir, i,
			 base ? base + 1 : names[i]);
		for (char *c = path + strlen(dir) + 1; *c; c++)
			if (*c == ' ')
				*c = '-';
		f = fopen(path, "w");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		CU_ASSERT_EQUAL(fputs(texts[i], f) >= 0, 1);
		CU_ASSERT_EQUAL(fclose(f), 0);
		while (len + strlen(path) + 2 > cap)
			cmd = realloc(cmd, cap *= 2);
		CU_ASSERT_PTR_NOT_NULL_FATAL(cmd);
		len += (size_t)sprintf(cmd + len, " %s", path);
	}
	cmd = realloc(cmd, len + 8);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cmd);
	strcat(cmd, " 2>&1");
	p = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	while (fgets(line, sizeof(line), p)) {
		if (strstr(line, ": ok: "))
			ok++;
		else
			fprintf(stderr, "\n%s", line);
	}
	pclose(p);
	free(cmd);
	snprintf(line, sizeof(line), "rm -rf %s", dir);
	CU_ASSERT_EQUAL(system(line), 0);
	return (int)(n - (ok < n ? ok : n));
}

/* The checker's verdict on one trace: 0 when it passed. */
static int check_text(const char *name, const char *text)
{
	return check_texts(1, &name, &text);
}

static char *run(const char *vfs, struct vfsim_result *r)
{
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_PERFETTO };
	struct scenario_error err;
	struct scenario *s;

	if (scenario_parse_file(vfs, &s, &err)) {
		fprintf(stderr, "\n%s\n", err.msg);
		return NULL;
	}
	vfsim_exec(s, &o, r);
	scenario_free(s);
	return r->trace;
}

static void test_every_scenario_is_a_valid_trace(void)
{
	struct vfsim_result *r;
	const char **texts;
	glob_t g;

	CU_ASSERT_EQUAL_FATAL(glob("tests/scenarios/*.vfs", 0, NULL, &g), 0);
	r = calloc(g.gl_pathc, sizeof(*r));
	texts = calloc(g.gl_pathc, sizeof(*texts));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(texts);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		texts[i] = run(g.gl_pathv[i], &r[i]);
		CU_ASSERT_PTR_NOT_NULL(texts[i]);
		if (!texts[i])
			texts[i] = "";
	}
	CU_ASSERT_EQUAL(check_texts(g.gl_pathc, (const char *const *)g.gl_pathv,
				    texts),
			0);
	for (size_t i = 0; i < g.gl_pathc; i++)
		vfsim_result_free(&r[i]);
	free(r);
	free(texts);
	globfree(&g);
}

/* What the trace must show for the vq.full scenario: two GETATTRs and
 * the INIT as requests, a parked one raising in_flight to 2, kicks and
 * interrupts on the queue's track. */
static void test_tracks_and_counters(void)
{
	struct vfsim_result r, r2;
	char *t = run("tests/scenarios/fault-vq.full.vfs", &r);
	char *t2 = run("tests/scenarios/fault-vq.full.vfs", &r2);

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t2);
	CU_ASSERT_STRING_EQUAL(t, t2); /* deterministic, byte for byte */
	CU_ASSERT(strstr(t, "\"ph\":\"b\",\"cat\":\"request\",\"name\":"
			    "\"GETATTR\"") != NULL);
	CU_ASSERT(strstr(t, "\"ph\":\"e\",\"cat\":\"request\",\"name\":"
			    "\"INIT\"") != NULL);
	CU_ASSERT(strstr(t, "\"name\":\"requests.0\",\"pid\":3,") != NULL);
	CU_ASSERT(strstr(t, "\"in_flight\":2,") != NULL);
	CU_ASSERT(strstr(t, "\"name\":\"vq.kick\",\"pid\":3") != NULL);
	CU_ASSERT(strstr(t, "\"name\":\"vq.irq\",\"pid\":3") != NULL);
	CU_ASSERT(strstr(t, "\"args\":{\"name\":\"cpu0\"}") != NULL);
	CU_ASSERT(strstr(t, "\"args\":{\"name\":\"a\"}") != NULL);
	vfsim_result_free(&r);
	vfsim_result_free(&r2);
}

/* A request that never ends is closed at the end, marked unfinished. */
static void test_unfinished_request(void)
{
	struct vfsim_result r;
	char *t = run("tests/scenarios/fault-dev.die.vfs", &r);

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT(strstr(t, "\"unfinished\":true") != NULL);
	CU_ASSERT_EQUAL(check_text("fault-dev.die", t), 0);
	vfsim_result_free(&r);
	/* the checker itself catches what it must (messages expected) */
	fprintf(stderr, "\n(two failures of the checker expected:)");
	CU_ASSERT_EQUAL(check_text("open slice",
				   "{\"traceEvents\":[{\"ph\":\"b\",\"cat\":"
				   "\"request\",\"name\":\"X\",\"id\":\"0x1\","
				   "\"ts\":1}]}"),
			1);
	CU_ASSERT_EQUAL(check_text("not JSON", "{\"traceEvents\":["), 1);
}

/* Through the program: standard output, and --out DIR/trace.json. */
static void test_program_writes_it(void)
{
	char dir[] = "/tmp/vfsim-perfetto-out-XXXXXX", path[128], *text;
	char *out_text = NULL, *err_text = NULL;
	size_t out_len = 0, err_len = 0;
	FILE *out = open_memstream(&out_text, &out_len);
	FILE *err = open_memstream(&err_text, &err_len);
	char *argv[] = {
		"vfsim",   "run",      "tests/scenarios/fault-dev.late.vfs",
		"--trace", "perfetto", NULL
	};
	char *argv2[] = {
		"vfsim",   "run",      "tests/scenarios/fault-dev.late.vfs",
		"--trace", "perfetto", "--out",
		dir,	   NULL
	};

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	CU_ASSERT_EQUAL(vfsim_cli_main(5, argv, out, err), 0);
	fflush(out);
	CU_ASSERT_EQUAL(check_text("stdout", out_text), 0);
	CU_ASSERT_EQUAL(vfsim_cli_main(7, argv2, out, err), 0);
	snprintf(path, sizeof(path), "%s/trace.json", dir);
	text = vt_read_text(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_EQUAL(check_text("trace.json", text), 0);
	free(text);
	fclose(out);
	fclose(err);
	free(out_text);
	free(err_text);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	CU_ASSERT_EQUAL(system(path), 0);
}

VT_SUITE(cli_perfetto, NULL, NULL,
	 VT_CASE(test_every_scenario_is_a_valid_trace),
	 VT_CASE(test_tracks_and_counters), VT_CASE(test_unfinished_request),
	 VT_CASE(test_program_writes_it));
