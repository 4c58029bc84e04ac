// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_scenarios.c - every tests/scenarios/NAME.vfs through the executor,
 * in-process: its expectations must all hold, and its text trace must
 * equal tests/scenarios/NAME.trace byte for byte. A mismatch prints the
 * first differing lines with their line numbers.
 *
 * After an intended change, regenerate the expected traces with
 *	VFSIM_UPDATE_TRACES=1 make test T=cli_scenarios
 * and review the diff (git diff tests/scenarios) before committing.
 */
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/exec.h"
#include "tests/cli/scenario_test_util.h"
#include "tests/harness.h"

#define SCENARIO_DIR "tests/scenarios"

/* The warning of a mount that a dead (or never resumed) device keeps
 * from unmounting at shutdown. */
#define SHUTDOWN_WARNING "a mount could not be unmounted at shutdown"

/* The scenarios that end with such a mount, and so must warn: the device
 * is dead, or the driver was removed without draining; or the scenario's
 * own unmount is stuck on the dead device, so the shutdown's is refused
 * (-EBUSY). */
static const char *const warn_at_shutdown[] = {
	"bug-freeze-returns-0.vfs",
	"bug-remove-without-drain.vfs",
	"fault-dev.die.vfs",
	"tour-3-dead-device.vfs",
	"tour-3-dead-device-timeout.vfs",
};

static bool expects_warning(const char *vfs)
{
	const char *base = strrchr(vfs, '/') ? strrchr(vfs, '/') + 1 : vfs;

	for (size_t i = 0;
	     i < sizeof(warn_at_shutdown) / sizeof(warn_at_shutdown[0]); i++)
		if (!strcmp(base, warn_at_shutdown[i]))
			return true;
	return false;
}

/* The run's messages: the shutdown warning where it is expected (and
 * only there), nothing else unless the run failed. */
static int check_diag(const char *vfs, const char *diag, bool failed)
{
	bool warned = strstr(diag, SHUTDOWN_WARNING) != NULL;
	int bad = warned != expects_warning(vfs);

	if (bad)
		fprintf(stderr, "\n%s: the shutdown warning was %s\n", vfs,
			warned ? "given, not expected" : "expected, not given");
	if (bad || failed)
		fputs(diag, stderr);
	return bad;
}

/*
 * The run as `vfsim run --trace none` makes it: no hash, no trace, so an
 * event nobody reads is only counted (trace_drop_hash(), TRACE()). It
 * must end as the traced run @r did, with the same messages (which name
 * events by their numbers) and the same count of events.
 */
static int check_unread(const char *vfs, const struct scenario *s,
			const struct vfsim_result *r, const char *diag)
{
	char *diag2 = NULL;
	size_t diag2_len = 0;
	FILE *f = open_memstream(&diag2, &diag2_len);
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_NONE,
				     .diag = f,
				     .no_trace_hash = true };
	struct vfsim_result r2;
	int bad;

	vfsim_exec(s, &o, &r2);
	fclose(f);
	bad = r2.status != r->status || r2.expects != r->expects ||
	      r2.failed != r->failed || r2.unexpected != r->unexpected ||
	      r2.leaks != r->leaks || r2.trace_count != r->trace_count ||
	      r2.trace_hash != 0 || strcmp(diag, diag2) != 0;
	if (bad)
		fprintf(stderr,
			"\n%s: run with no hash and no trace differs: status "
			"%d/%d, events %llu/%llu, hash %llx, messages:\n%s---\n%s",
			vfs, r->status, r2.status,
			(unsigned long long)r->trace_count,
			(unsigned long long)r2.trace_count,
			(unsigned long long)r2.trace_hash, diag, diag2);
	vfsim_result_free(&r2);
	free(diag2);
	return bad;
}

static int check_one(const char *vfs)
{
	char *diag = NULL;
	size_t diag_len = 0;
	FILE *diag_f = open_memstream(&diag, &diag_len);
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_TEXT,
				     .diag = diag_f };
	char expected_path[4096];
	struct vfsim_result r;
	struct scenario_error err;
	struct scenario *s;
	char *expected;
	int bad = 0;

	if (scenario_parse_file(vfs, &s, &err)) {
		fprintf(stderr, "\n%s\n", err.msg);
		return 1;
	}
	snprintf(expected_path, sizeof(expected_path), "%.*s.trace",
		 (int)(strlen(vfs) - 4), vfs);
	vfsim_exec(s, &o, &r);
	fclose(diag_f);
	bad |= check_diag(vfs, diag, r.status != 0);
	bad |= check_unread(vfs, s, &r, diag);
	free(diag);
	if (r.status != 0) {
		fprintf(stderr,
			"\n%s: status %d (%u of %u expectations "
			"failed)\n",
			vfs, r.status, r.failed, r.expects);
		bad = 1;
	}
	if (getenv("VFSIM_UPDATE_TRACES")) {
		bad |= vt_write_text(expected_path, r.trace ? r.trace : "");
	} else {
		expected = vt_read_text(expected_path);
		if (!expected) {
			fprintf(stderr,
				"\n%s: no expected trace (run "
				"VFSIM_UPDATE_TRACES=1 make test "
				"T=cli_scenarios)\n",
				expected_path);
			bad = 1;
		} else if (vt_diff_text(expected_path, expected,
					r.trace ? r.trace : "", stderr)) {
			bad = 1;
		}
		free(expected);
	}
	vfsim_result_free(&r);
	scenario_free(s);
	return bad;
}

static void test_every_scenario(void)
{
	glob_t g;
	int failed = 0;

	CU_ASSERT_EQUAL_FATAL(glob(SCENARIO_DIR "/*.vfs", 0, NULL, &g), 0);
	/* One per mechanism and per bug switch: a handful at the least. */
	CU_ASSERT(g.gl_pathc >= 5);
	for (size_t i = 0; i < g.gl_pathc; i++)
		failed += check_one(g.gl_pathv[i]);
	CU_ASSERT_EQUAL(failed, 0);
	globfree(&g);
}

/* The diff helper itself: a changed line is reported with its number. */
static void test_diff_reports_line(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	CU_ASSERT_FATAL(mem != NULL);
	CU_ASSERT_EQUAL(vt_diff_text("x", "a\nb\nc\n", "a\nb\nc\n", mem), 0);
	CU_ASSERT_EQUAL(vt_diff_text("x", "a\nb\nc\n", "a\nB\nc\n", mem), 1);
	CU_ASSERT_EQUAL(vt_diff_text("x", "a\n", "a\nextra\n", mem), 1);
	fclose(mem);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "x:2: -b"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "x:2: +B"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "x:2: +extra"));
	free(buf);
}

/*
 * The first machine of a process traces as every later one: `vfsim run`
 * in a process of its own gives the expected trace, which the suite
 * above checks in a process where machines ran before. (The static
 * virtio_fs_mutex named its wait queue "(virtio_fs_mutex).wait" until
 * the first teardown re-initialised it as "virtio_fs_mutex", so a task
 * blocking on it traced otherwise in a fresh process.)
 */
static void test_first_machine_as_expected(void)
{
	const char *prog = getenv("VFSIM");
	char cmd[512], *out = NULL, *want;
	size_t cap = 0;
	FILE *p;

	if (!prog)
		vt_skip("VFSIM is not set (make test sets it)");
	want = vt_read_text("tests/scenarios/removal.trace");
	snprintf(cmd, sizeof(cmd),
		 "%s run tests/scenarios/removal.vfs --trace text 2>/dev/null",
		 prog);
	p = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT(getdelim(&out, &cap, '\0', p) > 0);
	pclose(p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_STRING_EQUAL(out, want);
	free(out);
	free(want);
}

VT_SUITE(cli_scenarios, NULL, NULL, VT_CASE(test_every_scenario),
	 VT_CASE(test_diff_reports_line),
	 VT_CASE(test_first_machine_as_expected));
