// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_pictures.c - `picture ring` draws both sides of a ring: the
 * driver's indices and the device's (the migration target's once the
 * guest moved); the machine gives the device's view of a queue only
 * while the device knows the ring.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device/virtio_fs_dev.h"
#include "sim/cli/exec.h"
#include "sim/cli/machine.h"
#include "sim/virtio/ring_dot.h"
#include "sim/virtio/vringh.h"
#include "tests/harness.h"
#include "tests/sim/ring_dot_test_util.h"

static int run_as(const char *text, enum vfsim_trace_format format,
		  struct vfsim_result *r)
{
	struct vfsim_exec_opts o = { .format = format };
	struct scenario_error err;
	struct scenario *s;
	int st;

	CU_ASSERT_EQUAL_FATAL(scenario_parse_string("p.vfs", text, &s, &err),
			      0);
	st = vfsim_exec(s, &o, r);
	scenario_free(s);
	return st;
}

static int run_text(const char *text, struct vfsim_result *r)
{
	return run_as(text, VFSIM_TRACE_TEXT, r);
}

/* Two requests on the ring, the device paused after popping one. */
static void test_both_sides(void)
{
	struct vfsim_result r;
	char *dot;

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
	dot = ring_dot_plain(r.pictures[0].dot);
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
	free(dot);
	vfsim_result_free(&r);
}

/* After migration the device side is the destination's. */
static void test_after_migration(void)
{
	struct vfsim_result r;
	char *dot;

	CU_ASSERT_EQUAL(run_text("task t\n  mount\n  sleep 2ms\n  getattr /\n"
				 "end\n"
				 "at 1ms\n  migrate\n"
				 "  picture ring requests.0 as after\nend\n"
				 "run\nexpect status done\n",
				 &r),
			0);
	CU_ASSERT_EQUAL_FATAL(r.nr_pictures, 1);
	/* the destination took over at avail index 1, nothing popped since */
	dot = ring_dot_plain(r.pictures[0].dot);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(dot, "<TD>device last_avail_idx</TD><TD>1"));
	free(dot);
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

/* tests/cli/svg_check.py's verdict on @svg: 0 when it passed. Its lines
 * are kept in @said (when given), else shown on a failure. */
static int svg_check(const char *svg, const char *args, char *said, size_t size)
{
	char cmd[4096], line[1024];
	size_t used = 0;
	int bad = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "python3 tests/cli/svg_check.py %s %s 2>&1",
		 args, svg);
	p = popen(cmd, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	while (fgets(line, sizeof(line), p)) {
		if (said && used + strlen(line) < size) {
			strcpy(said + used, line);
			used += strlen(line);
		} else if (!said && (!strstr(line, ": ok: ") ||
				     getenv("VFSIM_SHOW_SIZES"))) {
			fprintf(stderr, "\n%s", line);
		}
	}
	if (pclose(p))
		bad = 1;
	return bad;
}

/* Draw @dot with Graphviz as DIR/NAME.svg; 0 when dot did. */
static int draw(const char *dir, const char *name, const char *dot, char *svg,
		size_t size)
{
	char src[512], cmd[1200];
	FILE *f;

	snprintf(src, sizeof(src), "%s/%s.dot", dir, name);
	snprintf(svg, size, "%s/%s.svg", dir, name);
	f = fopen(src, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(dot, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "dot -Tsvg '%s' -o '%s'", src, svg);
	return system(cmd);
}

/* A request queue of @size entries, the device paused while @tasks tasks
 * send a GETATTR each (four descriptors apiece): the ring fills and the
 * rest park on queued_reqs. */
static char *requests_scenario(unsigned int size, unsigned int tasks)
{
	char *text = host_malloc(64 * (tasks + 8)), *p = text;

	p += sprintf(p, "machine queue-size=%u\ntask m\n  mount\nend\n", size);
	for (unsigned int i = 0; i < tasks; i++)
		p += sprintf(p, "task t%u\n  sleep 1ms\n  getattr /\nend\n", i);
	sprintf(p,
		"at 500us\n  device pause\nend\n"
		"at 2ms\n  picture ring requests.0 as r%u\n"
		"  device resume\nend\nrun\nexpect status done\n",
		size);
	return text;
}

/* Run @text and draw its one picture as DIR/NAME.svg. */
static void draw_run(const char *dir, const char *name, const char *text)
{
	char svg[600];
	struct vfsim_result r;

	/* no trace text: a full 32,768-entry ring's run would make 160 MB */
	CU_ASSERT_EQUAL(run_as(text, VFSIM_TRACE_NONE, &r), 0);
	CU_ASSERT_EQUAL_FATAL(r.nr_pictures, 1);
	CU_ASSERT_EQUAL_FATAL(
		draw(dir, name, r.pictures[0].dot, svg, sizeof(svg)), 0);
	vfsim_result_free(&r);
}

/*
 * The pictures as Graphviz draws them, for rings of 8, 128 and 32,768
 * entries, each full with requests parked: bounded in size, every label
 * inside its box under ring_dot.h's per-character rule, a legend, the
 * parked requests beside the ring. The rule is not one dot meets alone:
 * a cell dot sized itself fails the check.
 */
static void test_rendered_svg(void)
{
	char dir[] = "/tmp/vfsim-pictures-XXXXXX", svg[600], args[1200];
	char said[1024];
	char *text, *bad_dot;

	CU_ASSERT_EQUAL_FATAL(system("command -v dot >/dev/null 2>&1"), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));

	/* 8 entries: two GETATTRs on the ring, four parked */
	text = requests_scenario(8, 6);
	draw_run(dir, "r8", text);
	free(text);
	/* 128 entries: 32 GETATTRs fill it, eight parked */
	text = requests_scenario(128, 40);
	draw_run(dir, "r128", text);
	free(text);
	/* 32,768 entries: hiprio full of FORGETs, 32 parked */
	draw_run(dir, "h32768",
		 "machine queue-size=32768\n"
		 "fs\n  file /f \"x\"\nend\n"
		 "task t\n  mount\n  repeat 32800\n"
		 "    lookup /f\n  end\n  sleep 1ms\n"
		 "  repeat 32800\n    forget /f\n  end\nend\n"
		 "at 1ms\n  device pause\nend\n"
		 "at 2ms\n  picture ring hiprio as h\n"
		 "  device resume\nend\n"
		 "run\nexpect status done\n");
	/* one check of the three (a python start costs a second when the
	 * machine is busy) */
	snprintf(args, sizeof(args),
		 "--max-width 1400 --max-height 1100 --max-texts 220 "
		 "--expect legend "
		 "--expect 'r8.svg::queued_reqs: 4 parked' "
		 "--expect 'r8.svg::unique=8 GETATTR nodeid=1' "
		 "--expect 'r128.svg::queued_reqs: 8 parked' "
		 "--expect 'r128.svg::104 more in use, not drawn' "
		 "--expect 'h32768.svg::queued_reqs: 32 parked' "
		 "--expect 'h32768.svg::FORGET nodeid=2 nlookup=1' "
		 "--expect 'h32768.svg::32744 more in use, not drawn' "
		 "--expect 'h32768.svg::32756 more not consumed, not drawn' "
		 "%s/r8.svg %s/r128.svg",
		 dir, dir);
	snprintf(svg, sizeof(svg), "%s/h32768.svg", dir);
	CU_ASSERT_EQUAL(svg_check(svg, args, NULL, 0), 0);

	/* dot's own cell for a long label is narrower than the rule */
	bad_dot = "digraph { node [shape=plaintext, fontname=\"monospace\", "
		  "fontsize=14]; legend [label=<<TABLE BORDER=\"0\" "
		  "CELLBORDER=\"1\"><TR><TD>"
		  "a label of fifty characters, sized by dot alone..."
		  "</TD></TR></TABLE>>]; }\n";
	CU_ASSERT_EQUAL_FATAL(draw(dir, "bad", bad_dot, svg, sizeof(svg)), 0);
	CU_ASSERT_NOT_EQUAL(svg_check(svg, "", said, sizeof(said)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(said, "sized by dot alone...' ("));
	CU_ASSERT_PTR_NOT_NULL(strstr(said, ") leaves its box ("));

	snprintf(args, sizeof(args), "rm -rf '%s'", dir);
	CU_ASSERT_EQUAL(system(args), 0);
}

VT_SUITE(cli_pictures, NULL, NULL, VT_CASE(test_both_sides),
	 VT_CASE(test_after_migration), VT_CASE(test_machine_vringh),
	 VT_CASE(test_rendered_svg));
