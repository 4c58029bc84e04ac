// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_bug_scenarios.c - the bug-switch scenarios of tests/scenarios:
 * every switch the driver has owns a bug-NAME.vfs, and each one is about
 * its bug (it fails without it); a run that gets stuck leaves nothing
 * that changes the next run in the same process.
 */
#define _GNU_SOURCE
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest/vfsim_syscalls.h"
#include "guest/virtio_fs.h"
#include "guest/vfsim_variant.h"
#include "sim/cli/exec.h"
#include "tests/cli/scenario_test_util.h"
#include "tests/harness.h"

/* Run scenario text; status, and the trace hash in @hash. */
static int run_text(const char *name, const char *text, uint64_t *hash)
{
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_NONE };
	struct scenario_error err;
	struct vfsim_result r;
	struct scenario *s;
	int st;

	if (scenario_parse_string(name, text, &s, &err)) {
		fprintf(stderr, "\n%s\n", err.msg);
		CU_FAIL("scenario does not parse");
		return -1;
	}
	st = vfsim_exec(s, &o, &r);
	if (hash)
		*hash = r.trace_hash;
	vfsim_result_free(&r);
	scenario_free(s);
	return st;
}

/* One file per switch, one switch per file. */
static void test_every_switch_has_a_scenario(void)
{
	glob_t g;

	for (int i = 0; i < VIRTIO_FS_NR_BUGS; i++) {
		char path[128], *text;

		snprintf(path, sizeof(path), "tests/scenarios/bug-%s.vfs",
			 virtio_fs_bug_name((enum virtio_fs_bug)i));
		text = vt_read_text(path);
		if (!text)
			fprintf(stderr, "\nmissing: %s\n", path);
		CU_ASSERT_PTR_NOT_NULL(text);
		free(text);
	}
	CU_ASSERT_EQUAL_FATAL(glob("tests/scenarios/bug-*.vfs", 0, NULL, &g),
			      0);
	CU_ASSERT_EQUAL(g.gl_pathc, VIRTIO_FS_NR_BUGS);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *name =
			g.gl_pathv[i] + strlen("tests/scenarios/bug-");
		enum virtio_fs_bug b;
		char sw[64];

		snprintf(sw, sizeof(sw), "%.*s", (int)(strlen(name) - 4), name);
		CU_ASSERT_EQUAL(virtio_fs_bug_parse(sw, &b), 0);
	}
	globfree(&g);
}

/*
 * Without its bug a scenario must fail: drop its `bug NAME` line, or, for
 * a bug only the 2019 driver has and the file does not switch on, run it
 * on the mainline driver instead.
 */
static void test_each_fails_without_its_bug(void)
{
	for (int i = 0; i < VIRTIO_FS_NR_BUGS; i++) {
		const char *sw = virtio_fs_bug_name((enum virtio_fs_bug)i);
		char path[128], line[80], *text, *p;
		int st;

		snprintf(path, sizeof(path), "tests/scenarios/bug-%s.vfs", sw);
		text = vt_read_text(path);
		if (!text)
			continue; /* reported above */
		snprintf(line, sizeof(line), "bug %s\n", sw);
		p = strstr(text, line);
		if (p) {
			memmove(p, p + strlen(line),
				strlen(p + strlen(line)) + 1);
		} else {
			char *mainline;

			p = strstr(text, "variant=v5-2019");
			CU_ASSERT_PTR_NOT_NULL_FATAL(p);
			CU_ASSERT(virtio_fs_variant_bugs(VIRTIO_FS_V5_2019) &
				  (1u << i));
			CU_ASSERT_FATAL(
				asprintf(&mainline, "%.*svariant=mainline%s",
					 (int)(p - text), text,
					 p + strlen("variant=v5-2019")) > 0);
			free(text);
			text = mainline;
		}
		st = run_text(path, text, NULL);
		if (st != 1)
			fprintf(stderr, "\n%s without its bug: status %d\n",
				path, st);
		CU_ASSERT_EQUAL(st, 1);
		free(text);
	}
}

/*
 * A run that gets stuck (its removal frees a busy queue, the request is
 * never answered, the shutdown cannot unmount) leaves no instance, no
 * mount and no held mutex: the next run is the same as in a fresh
 * process.
 */
static void test_stuck_run_leaves_nothing(void)
{
	char *stuck =
		vt_read_text("tests/scenarios/bug-remove-without-drain.vfs");
	char *ops = vt_read_text("tests/scenarios/ops.vfs");
	uint64_t before, after;

	CU_ASSERT_PTR_NOT_NULL_FATAL(stuck);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
	CU_ASSERT_EQUAL(run_text("ops.vfs", ops, &before), 0);
	/* a mount the shutdown cannot take down, the mutex held */
	CU_ASSERT_EQUAL(run_text("stuck.vfs",
				 "device latency=1ms\n"
				 "task t\n  mount\n  getattr /\nend\n"
				 "at 500us\n  device pause\nend\n"
				 "run\nexpect status deadlock\n",
				 NULL),
			0);
	CU_ASSERT_EQUAL(virtio_fs_nr_instances(), 0);
	CU_ASSERT_FALSE(virtio_fs_mutex.locked);
	CU_ASSERT_EQUAL(run_text("stuck2.vfs", stuck, NULL), 0);
	CU_ASSERT_EQUAL(virtio_fs_nr_instances(), 0);
	CU_ASSERT_EQUAL(run_text("ops.vfs", ops, &after), 0);
	CU_ASSERT_EQUAL(before, after);
	/* nothing is left after a clean run */
	CU_ASSERT_EQUAL(virtio_fs_nr_instances(), 0);
	CU_ASSERT_EQUAL(guest_mounts_reset(), 0);
	free(stuck);
	free(ops);
}

VT_SUITE(cli_bug_scenarios, NULL, NULL,
	 VT_CASE(test_every_switch_has_a_scenario),
	 VT_CASE(test_each_fails_without_its_bug),
	 VT_CASE(test_stuck_run_leaves_nothing));
