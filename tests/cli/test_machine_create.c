// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_machine_create.c - every way vfsim_machine_create() can refuse a
 * machine says why, names the scenario line when one is to blame, and
 * leaves nothing behind (make check runs it under Valgrind and ASan: a
 * leak or a half-built object fails there), so the next machine builds.
 * Some settings the parser already refuses; the library takes trees built
 * by hand too, so they are set here directly.
 */
#include <errno.h>
#include <string.h>

#include "sim/cli/exec.h"
#include "sim/cli/machine.h"
#include "sim/cli/scenario.h"
#include "sim/kernel/sched.h"
#include "tests/harness.h"

static const char base[] = "fs\n  dir /d\nend\n"
			   "task t\n  mount\n  getattr /d\nend\n"
			   "run\nexpect task t returns 0\n";

/* Parse the base scenario, let @edit change it, build a machine with
 * @policy; the error and its message. */
static int build(void (*edit)(struct scenario *s), const char *policy,
		 char *err, size_t errsize)
{
	struct vfsim_machine m;
	struct scenario_error perr;
	struct scenario *s;
	int ret;

	CU_ASSERT_EQUAL_FATAL(scenario_parse_string("m.vfs", base, &s, &perr),
			      0);
	if (edit)
		edit(s);
	ret = vfsim_machine_create(&m, s, policy, NULL, err, errsize);
	if (!ret)
		vfsim_machine_destroy(&m);
	CU_ASSERT_FALSE(sched_ready()); /* nothing left running */
	scenario_free(s);
	return ret;
}

static void huge_queues(struct scenario *s)
{
	s->machine.queue_size = 1u << 30; /* rings past 4 GiB of RAM */
}

static void many_cpus(struct scenario *s)
{
	s->machine.cpus = 5000;
}

static void no_variant(struct scenario *s)
{
	s->driver.variant = "v0-1970";
}

static void no_bug(struct scenario *s)
{
	static struct scn_bug bug = { { "m.vfs", 1, 5 }, "no-such-bug" };

	s->bugs = &bug;
	s->nr_bugs = 1;
}

static void many_workers(struct scenario *s)
{
	s->device.workers = 1000;
}

static void big_batch(struct scenario *s)
{
	s->device.batch = 100000;
}

static void empty_tag(struct scenario *s)
{
	s->machine.tag = "";
}

static void bad_fault(struct scenario *s)
{
	static struct scn_fault f = { { "m.vfs", 1, 7 }, "kmalloc:never" };

	s->faults = &f;
	s->nr_faults = 1;
}

static void file_too_big(struct scenario *s)
{
	static struct scn_fs_entry e = {
		{ "m.vfs", 2, 3 }, SCN_FS_FILE, "/big", NULL, 1ull << 30
	};

	s->fs = &e;
	s->nr_fs = 1;
}

static void test_every_refusal(void)
{
	static const struct {
		void (*edit)(struct scenario *s);
		const char *policy;
		int ret;
		const char *msg;
	} cases[] = {
		{ huge_queues, NULL, -EINVAL,
		  "cannot set up guest memory: Invalid argument" },
		{ many_cpus, NULL, -EINVAL,
		  "cannot start the scheduler: Invalid argument" },
		{ NULL, "sometimes", -EINVAL, "unknown policy" },
		{ no_variant, NULL, -EINVAL,
		  "the driver has no variant 'v0-1970'" },
		{ no_bug, NULL, -EINVAL,
		  "m.vfs:1:5: error: the driver has no bug switch "
		  "'no-such-bug'" },
		{ many_workers, NULL, -ERANGE,
		  "workers=1000: the device has at most" },
		{ big_batch, NULL, -ERANGE, "batch=100000: the device takes" },
		{ empty_tag, NULL, -EINVAL,
		  "the device refused this machine: Invalid argument" },
		{ bad_fault, NULL, -EINVAL, "m.vfs:1:7: error: " },
		{ file_too_big, NULL, -EINVAL,
		  "m.vfs:2:3: error: cannot create '/big': File too large" },
	};
	char err[VFSIM_MACHINE_ERR_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret =
			build(cases[i].edit, cases[i].policy, err, sizeof(err));

		if (ret != cases[i].ret || !strstr(err, cases[i].msg))
			fprintf(stderr, "\n  case %zu: %d '%s'\n", i, ret, err);
		CU_ASSERT_EQUAL(ret, cases[i].ret);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].msg));
	}
	/* no room for the message: still refused, nothing written */
	CU_ASSERT_EQUAL(build(no_variant, NULL, err, 0), -EINVAL);
	/* and the next machine builds and runs */
	CU_ASSERT_EQUAL(build(NULL, NULL, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
}

/* Through vfsim_exec(): status 2, the message on the diagnostic stream. */
static void test_exec_status_2(void)
{
	struct vfsim_exec_opts o = { .policy = "replay:x" };
	struct vfsim_result r;
	struct scenario_error perr;
	struct scenario *s;

	CU_ASSERT_EQUAL_FATAL(scenario_parse_string("m.vfs", base, &s, &perr),
			      0);
	CU_ASSERT_EQUAL(vfsim_exec(s, &o, &r), 2);
	CU_ASSERT_EQUAL(r.status, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.error, "replay"));
	CU_ASSERT_EQUAL(r.expects, 0);
	vfsim_result_free(&r);
	scenario_free(s);
}

VT_SUITE(cli_machine_create, NULL, NULL, VT_CASE(test_every_refusal),
	 VT_CASE(test_exec_status_2));
