// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_fault_points.c - every fault point vfsim has (fault_point_descs())
 * is the one docs/sim.md lists, and each fires in its scenario,
 * tests/scenarios/fault-POINT.vfs (run through the executor; its trace
 * must show "POINT fails"). VFSIM_UPDATE_TRACES=1 rewrites the docs'
 * table from the code's, as it rewrites the expected traces.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/exec.h"
#include "sim/kernel/fault.h"
#include "tests/cli/scenario_test_util.h"
#include "tests/harness.h"

#define DOC   "docs/sim.md"
#define BEGIN "<!-- fault-points: begin -->\n"
#define END   "<!-- fault-points: end -->"

static void list(FILE *f, const char *const *l)
{
	for (unsigned i = 0; l[i]; i++)
		fprintf(f, "%s`%s`", i ? ", " : "", l[i]);
}

/* The docs' table, made from the code's. */
static char *table_text(void)
{
	size_t nr, len;
	const struct fault_point_desc *d = fault_point_descs(&nr);
	char *buf;
	FILE *f = open_memstream(&buf, &len);

	fprintf(f,
		"| point | `site=` | `arg=` | a firing |\n|---|---|---|---|\n");
	for (size_t i = 0; i < nr; i++) {
		fprintf(f, "| `%s` | ", d[i].name);
		if (d[i].site == FAULT_SITE_FUNC && d[i].sites[0] &&
		    !d[i].sites[1])
			list(f, d[i].sites);
		else if (d[i].site == FAULT_SITE_FUNC)
			fprintf(f, "the allocating function");
		else if (d[i].site == FAULT_SITE_QUEUE)
			fprintf(f, "`hiprio`, `requests.N`");
		else if (!strncmp(d[i].name, "dev.", 4))
			fprintf(f, "an opcode, or `OPCODE/NAME`");
		else
			fprintf(f, "an opcode");
		fprintf(f, " | ");
		switch (d[i].arg) {
		case FAULT_ARG_NONE:
			fprintf(f, "none");
			break;
		case FAULT_ARG_DURATION:
			fprintf(f, "a duration");
			break;
		case FAULT_ARG_ERRNO:
			fprintf(f, "an errno name");
			break;
		case FAULT_ARG_WORD:
			list(f, d[i].words);
			break;
		}
		fprintf(f, " | %s |\n", d[i].what);
	}
	fclose(f);
	return buf;
}

static void test_docs_list_every_point(void)
{
	char *doc = vt_read_text(DOC), *want = table_text();
	char *b, *e;

	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	b = strstr(doc, BEGIN);
	e = strstr(doc, END);
	CU_ASSERT_FATAL(b && e && b < e);
	b += strlen(BEGIN);
	if (getenv("VFSIM_UPDATE_TRACES")) {
		FILE *f = fopen(DOC, "w");

		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		fprintf(f, "%.*s%s%s", (int)(b - doc), doc, want, e);
		CU_ASSERT_EQUAL(fclose(f), 0);
	} else if (strlen(want) != (size_t)(e - b) ||
		   memcmp(want, b, (size_t)(e - b))) {
		fprintf(stderr,
			"\n%s: the fault point table is not the code's "
			"(VFSIM_UPDATE_TRACES=1 make test T=cli_fault_points "
			"rewrites it):\n%s",
			DOC, want);
		CU_FAIL("docs/sim.md's fault points differ");
	}
	free(want);
	free(doc);
}

/* Each point fires in tests/scenarios/fault-POINT.vfs. */
static void test_every_point_fires(void)
{
	size_t nr;
	const struct fault_point_desc *d = fault_point_descs(&nr);

	for (size_t i = 0; i < nr; i++) {
		struct vfsim_exec_opts o = { .format = VFSIM_TRACE_TEXT };
		struct scenario_error err;
		struct vfsim_result r;
		struct scenario *s;
		char path[128], fired[64];

		snprintf(path, sizeof(path), "tests/scenarios/fault-%s.vfs",
			 d[i].name);
		if (scenario_parse_file(path, &s, &err)) {
			fprintf(stderr, "\n%s\n", err.msg);
			CU_FAIL("a fault point without its scenario");
			continue;
		}
		vfsim_exec(s, &o, &r);
		snprintf(fired, sizeof(fired), "%s fails (hit", d[i].name);
		if (!r.trace || !strstr(r.trace, fired)) {
			fprintf(stderr, "\n%s: %s never fired\n", path,
				d[i].name);
			CU_FAIL("a fault point that does not fire");
		}
		vfsim_result_free(&r);
		scenario_free(s);
	}
}

/* Unknown points, sites and arguments are refused, with the valid ones. */
static void test_unknown_names_listed(void)
{
	char msg[FAULT_ERR_MAX];

	CU_ASSERT_EQUAL(fault_plan_check("device.stall:every", msg,
					 sizeof(msg)),
			-ENOENT);
	CU_ASSERT(strstr(msg, "unknown point (valid: kmalloc, vq.full,") !=
		  NULL);
	CU_ASSERT(strstr(msg, "dev.stray-reply)") != NULL);
	CU_ASSERT_EQUAL(fault_plan_check("kmalloc:site=nowhere", msg,
					 sizeof(msg)),
			-ENOENT);
	CU_ASSERT(strstr(msg, "copy_args_to_argbuf") != NULL);
	CU_ASSERT_EQUAL(fault_plan_check("kmalloc:site=virtio_fs_enqueue_req",
					 msg, sizeof(msg)),
			0);
	CU_ASSERT_EQUAL(fault_plan_check("kmalloc:site=copy_args_to_argbuf/x",
					 msg, sizeof(msg)),
			-ENOENT);
	CU_ASSERT_EQUAL(fault_plan_check("vq.full:site=requests.0", msg,
					 sizeof(msg)),
			0);
	CU_ASSERT_EQUAL(fault_plan_check("vq.full:site=requests.01", msg,
					 sizeof(msg)),
			-ENOENT);
	CU_ASSERT_EQUAL(fault_plan_check("vq.full:site=request", msg,
					 sizeof(msg)),
			-ENOENT);
	CU_ASSERT(strstr(msg, "hiprio, requests.N") != NULL);
	CU_ASSERT_EQUAL(fault_plan_check("guest.bad-request:arg=long", msg,
					 sizeof(msg)),
			-ENOENT);
	CU_ASSERT(strstr(msg, "(valid: len, opcode, short)") != NULL);
	CU_ASSERT_EQUAL(fault_plan_check("mig.cut:arg=x", msg, sizeof(msg)),
			-ENOENT);
	CU_ASSERT_EQUAL(fault_plan_parse("nope:every"), -ENOENT);
	CU_ASSERT(strstr(fault_error(), "unknown point") != NULL);
	CU_ASSERT_EQUAL(fault_nr_rules(), 0);
	fault_reset();
}

VT_SUITE(cli_fault_points, NULL, NULL, VT_CASE(test_docs_list_every_point),
	 VT_CASE(test_every_point_fires), VT_CASE(test_unknown_names_listed));
