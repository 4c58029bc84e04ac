// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_msc.c - sequence charts of scenario runs: a golden chart
 * (tests/scenarios/removal.msc, regenerated with VFSIM_UPDATE_TRACES=1
 * like the traces), mscgen accepting the chart of every scenario, the
 * same chart for the same run, and a failing renderer reported.
 */
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/cli/exec.h"
#include "sim/cli/vfsim_cli.h"
#include "tests/cli/scenario_test_util.h"
#include "tests/harness.h"

static bool have_mscgen(void)
{
	return system("command -v mscgen >/dev/null 2>&1") == 0;
}

/* The chart of @vfs under @policy (NULL: the file's), as text. */
static char *chart_of(const char *vfs, const char *policy,
		      enum vfsim_trace_format fmt)
{
	struct vfsim_exec_opts o = { .format = fmt,
				     .policy = policy,
				     .msc = true };
	struct scenario_error err;
	struct vfsim_result r;
	struct scenario *s;
	char *c;

	CU_ASSERT_EQUAL_FATAL(scenario_parse_file(vfs, &s, &err), 0);
	vfsim_exec(s, &o, &r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.msc);
	if (fmt == VFSIM_TRACE_MSC)
		CU_ASSERT_STRING_EQUAL(r.trace, r.msc);
	c = strdup(r.msc);
	vfsim_result_free(&r);
	scenario_free(s);
	return c;
}

static void test_golden(void)
{
	const char *path = "tests/scenarios/removal.msc";
	char *c =
		chart_of("tests/scenarios/removal.vfs", NULL, VFSIM_TRACE_MSC);
	char *want;

	if (getenv("VFSIM_UPDATE_TRACES")) {
		CU_ASSERT_EQUAL(vt_write_text(path, c), 0);
		free(c);
		return;
	}
	want = vt_read_text(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(want);
	CU_ASSERT_EQUAL(vt_diff_text(path, want, c, stderr), 0);
	/* the story's arcs are there */
	CU_ASSERT_PTR_NOT_NULL(strstr(c, "vmm => drv [label=\"unplug\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(c, "q0 -> dev [label=\"pop LOOKUP"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c, "t0 rbox t0 [label=\"getattr op 3 "
					 "/f: -ENOTCONN\""));
	free(want);
	free(c);
}

/* Every scenario's chart renders. */
static void test_mscgen_renders_every_scenario(void)
{
	char path[] = "/tmp/vfsim-msc-XXXXXX", cmd[256];
	glob_t g;
	int fd;

	CU_ASSERT_EQUAL_FATAL(glob("tests/scenarios/*.vfs", 0, NULL, &g), 0);
	if (!have_mscgen()) {
		printf("\n    note: mscgen is not installed; charts not "
		       "rendered (scripts/deps.sh installs it)\n");
		globfree(&g);
		return;
	}
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "mscgen -T svg -o /dev/null '%s'", path);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *c = chart_of(g.gl_pathv[i], NULL, VFSIM_TRACE_NONE);

		CU_ASSERT_EQUAL(vt_write_text(path, c), 0);
		if (system(cmd) != 0) {
			fprintf(stderr, "\nmscgen refused the chart of %s\n",
				g.gl_pathv[i]);
			CU_FAIL("mscgen refused a chart");
		}
		free(c);
	}
	unlink(path);
	globfree(&g);
}

/* The same run, the same chart; another schedule, another chart. */
static void test_deterministic(void)
{
	const char *f = "tests/scenarios/full-queue-mainline.vfs";
	char *a = chart_of(f, "random:42", VFSIM_TRACE_TEXT);
	char *b = chart_of(f, "random:42", VFSIM_TRACE_MSC);
	char *c = chart_of(f, "fifo", VFSIM_TRACE_NONE);

	CU_ASSERT_STRING_EQUAL(a, b);
	CU_ASSERT_STRING_NOT_EQUAL(a, c);
	free(a);
	free(b);
	free(c);
}

/* A renderer that fails makes --out fail, with its command named. */
static void test_renderer_failure(void)
{
	char dir[] = "/tmp/vfsim-msc-XXXXXX", bin[64], tool[80], path[4200];
	char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	char *out = NULL, *err = NULL;
	size_t olen, elen;
	FILE *fo, *fe;
	char *argv[] = { "vfsim",   "run",  "tests/scenarios/removal.vfs",
			 "--trace", "none", "--out",
			 dir,	    NULL };
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(bin, sizeof(bin), "%s/bin", dir);
	CU_ASSERT_EQUAL(mkdir(bin, 0755), 0);
	snprintf(tool, sizeof(tool), "%s/mscgen", bin);
	CU_ASSERT_EQUAL(vt_write_text(tool, "#!/bin/sh\nexit 3\n"), 0);
	CU_ASSERT_EQUAL(chmod(tool, 0755), 0);
	snprintf(path, sizeof(path), "%s:%s", bin, old ? old : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	fo = open_memstream(&out, &olen);
	fe = open_memstream(&err, &elen);
	rc = vfsim_cli_main(7, argv, fo, fe);
	fclose(fo);
	fclose(fe);
	if (old)
		setenv("PATH", old, 1);
	else
		unsetenv("PATH");
	/* an output of --out not written: the host's failure, status 3 */
	CU_ASSERT_EQUAL(rc, 3);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(err, "vfsim: 'mscgen' could not write '"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/sequence.svg'\n"));
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(path), 0);
	free(out);
	free(err);
	free(old);
}

VT_SUITE(cli_msc, NULL, NULL, VT_CASE(test_golden),
	 VT_CASE(test_mscgen_renders_every_scenario),
	 VT_CASE(test_deterministic), VT_CASE(test_renderer_failure));
