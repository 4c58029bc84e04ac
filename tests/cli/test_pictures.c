// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_pictures.c - `picture ring` draws both sides of a ring: the
 * driver's indices and the device's (the migration target's once the
 * guest moved); the machine gives the device's view of a queue only
 * while the device knows the ring.
 */
#include <stdlib.h>
#include <string.h>

#include "device/virtio_fs_dev.h"
#include "sim/cli/exec.h"
#include "sim/cli/machine.h"
#include "sim/virtio/vringh.h"
#include "tests/harness.h"

static int run_text(const char *text, struct vfsim_result *r)
{
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_TEXT };
	struct scenario_error err;
	struct scenario *s;
	int st;

	CU_ASSERT_EQUAL_FATAL(scenario_parse_string("p.vfs", text, &s, &err),
			      0);
	st = vfsim_exec(s, &o, r);
	scenario_free(s);
	return st;
}

/* Two requests on the ring, the device paused after popping one. */
static void test_both_sides(void)
{
	struct vfsim_result r;
	const char *dot;

	CU_ASSERT_EQUAL(run_text("machine queue-size=8\n"
				 "task a\n  mount\n  sleep 1ms\n  getattr /\n"
				 "end\n"
				 "task b\n  sleep 1ms\n  getattr /\nend\n"
				 "at 500us\n  device pause\nend\n"
				 "at 2ms\n  picture ring requests.0 as p\n"
				 "  device resume\nend\n"
				 "run\nexpect status done\n",
				 &r),
			0);
	CU_ASSERT_EQUAL_FATAL(r.nr_pictures, 1);
	dot = r.pictures[0].dot;
	/* the driver's side */
	CU_ASSERT_PTR_NOT_NULL(strstr(dot, "<TD>driver avail_idx</TD><TD>3"));
	/* the device's side: it popped INIT only; the two GETATTRs wait */
	CU_ASSERT_PTR_NOT_NULL(
		strstr(dot, "<TD>device last_avail_idx</TD><TD>1</TD>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(dot, "<TD>device used idx</TD><TD>1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(dot, "<TD>device state</TD><TD>ok"));
	/* the trace does not change with the picture */
	CU_ASSERT_PTR_NOT_NULL(strstr(r.trace, "scn.picture    - q=requests.0 "
					       "p.dot"));
	vfsim_result_free(&r);
}

/* After migration the device side is the destination's. */
static void test_after_migration(void)
{
	struct vfsim_result r;

	CU_ASSERT_EQUAL(run_text("task t\n  mount\n  sleep 2ms\n  getattr /\n"
				 "end\n"
				 "at 1ms\n  migrate\n"
				 "  picture ring requests.0 as after\nend\n"
				 "run\nexpect status done\n",
				 &r),
			0);
	CU_ASSERT_EQUAL_FATAL(r.nr_pictures, 1);
	/* the destination took over at avail index 1, nothing popped since */
	CU_ASSERT_PTR_NOT_NULL(strstr(r.pictures[0].dot,
				      "<TD>device last_avail_idx</TD><TD>1"));
	vfsim_result_free(&r);
}

/* The machine's accessor: a known ring, a bad index, a reset device. */
static void test_machine_vringh(void)
{
	struct scenario_error err;
	struct vfsim_machine m;
	const struct vringh *v;
	struct scenario *s;
	char msg[VFSIM_MACHINE_ERR_MAX];

	CU_ASSERT_EQUAL_FATAL(scenario_parse_string("m.vfs",
						    "machine queues=2 "
						    "cpus=2\n",
						    &s, &err),
			      0);
	CU_ASSERT_EQUAL_FATAL(
		vfsim_machine_create(&m, s, NULL, NULL, msg, sizeof(msg)), 0);
	v = vfsim_machine_vringh(&m, "hiprio", 7);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_STRING_EQUAL(v->name, "hiprio");
	v = vfsim_machine_vringh(&m, "requests", 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_STRING_EQUAL(v->name, "requests.1");
	CU_ASSERT_PTR_NULL(vfsim_machine_vringh(&m, "requests", 2));
	CU_ASSERT_PTR_NULL(vfs_dev_vringh(m.cur, 3));
	/* a reset device no longer knows its rings */
	vfs_dev_reset(m.cur);
	CU_ASSERT_PTR_NULL(vfsim_machine_vringh(&m, "hiprio", 0));
	vfsim_machine_destroy(&m);
	/* no device at all */
	CU_ASSERT_PTR_NULL(vfsim_machine_vringh(&m, "hiprio", 0));
	scenario_free(s);
}

VT_SUITE(cli_pictures, NULL, NULL, VT_CASE(test_both_sides),
	 VT_CASE(test_after_migration), VT_CASE(test_machine_vringh));
