// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_trace_msc.c - the trace as an mscgen chart: escaping, what every
 * event kind becomes, columns, time separators, the size cap, empty
 * charts, determinism, and mscgen accepting the result.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/trace/trace.h"
#include "sim/kernel/types.h"
#include "sim/trace/trace_msc.h"
#include "tests/harness.h"
#include "tests/sim/trace_event.h"

static void test_escape(void)
{
	static const struct {
		const char *in;
		size_t max;
		const char *out;
	} cases[] = {
		{ "plain text", 100, "plain text" },
		{ "say \"hi\"", 100, "say \\\"hi\\\"" },
		{ "a\\b", 100, "a\\b" },	      /* a lone backslash */
		{ "a\\nb", 100, "a\\x5cnb" },	      /* would break the line */
		{ "end\\", 100, "end\\x5c" },	      /* would eat the quote */
		{ "a\\\"", 100, "a\\\\\"" },	      /* backslash, quote */
		{ "tab\there", 100, "tab\\x09here" }, /* control bytes */
		{ "nl\n", 100, "nl\\x0a" },
		{ "\xc3\xa9t\xc3\xa9", 100, "\\xc3\\xa9t\\xc3\\xa9" },
		{ "del\x7f", 100, "del\\x7f" },
		{ "abcdef", 3, "abc..." },  /* cut */
		{ "ab\\cd", 3, "ab\\..." }, /* cut after a backslash */
		{ "ab\\", 3, "ab\\x5c" },   /* not cut: it is the end */
		{ "abc", 3, "abc" },
		{ "", 10, "" },
	};
	char out[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = trace_msc_escape(out, sizeof(out), cases[i].in,
					    cases[i].max);

		CU_ASSERT_STRING_EQUAL(out, cases[i].out);
		CU_ASSERT_EQUAL(n, strlen(cases[i].out));
	}
	CU_ASSERT_EQUAL(trace_msc_escape(out, sizeof(out), NULL, 5), 0);
	CU_ASSERT_STRING_EQUAL(out, "");
	/* A short buffer holds whole escapes only; the length is the full
	 * one, like snprintf(). */
	CU_ASSERT_EQUAL(trace_msc_escape(out, 3, "a\"b", 10), 4);
	CU_ASSERT_STRING_EQUAL(out, "a");
	CU_ASSERT_EQUAL(trace_msc_escape(out, 4, "a\"b", 10), 4);
	CU_ASSERT_STRING_EQUAL(out, "a\\\"");
	CU_ASSERT_EQUAL(trace_msc_escape(out, 6, "ab\tc", 10), 7);
	CU_ASSERT_STRING_EQUAL(out, "ab");
	CU_ASSERT_EQUAL(trace_msc_escape(NULL, 0, "xyz", 1), 4);
}

/* Feed @n events, return the chart. */
static char *chart(const struct trace_event *ev, size_t n, unsigned max)
{
	struct trace_msc *m = trace_msc_new(max);

	for (size_t i = 0; i < n; i++)
		trace_msc_event(m, &ev[i]);
	CU_ASSERT_EQUAL(trace_msc_events(m), n);
	return trace_msc_finish(m);
}

/* What each kind becomes, with the columns it touches. */
static void test_every_kind(void)
{
	static const struct {
		struct trace_event ev;
		const char *line; /* NULL: skipped */
	} cases[] = {
		{ EV(.task = "t", .kind = "fuse.send", .opcode = 3),
		  "t0 => core [label=\"GETATTR\", ID=\"1\"];" },
		{ EV(.task = "t", .kind = "virtio_fs.send",
		     .queue = "requests.0", .unique = 4, .opcode = 3),
		  "core -> drv [label=\"send_req GETATTR unique=4\"" },
		{ EV(.task = "t", .kind = "virtio_fs.forget", .queue = "hiprio",
		     .unique = 6, .opcode = 2),
		  "core -> drv [label=\"send FORGET unique=6\"" },
		{ EV(.task = "kworker/0", .kind = "virtio_fs.forget",
		     .queue = "hiprio", .unique = 8, .opcode = 2),
		  "work -> drv [label=\"send FORGET unique=8\"" },
		{ EV(.task = "t", .kind = "vq.add", .queue = "requests.0",
		     .head = 0, .avail_idx = 1, .detail = "out=2 in=2"),
		  "drv -> q0 [label=\"add head=0 avail=1 out=2 in=2\"" },
		{ EV(.task = "t", .kind = "vq.full", .queue = "requests.0",
		     .detail = "num_free=0"),
		  "drv -x q0 [label=\"full num_free=0\"" },
		{ EV(.task = "t", .kind = "vq.kick", .queue = "requests.0",
		     .avail_idx = 1),
		  "q0 -> dev [label=\"kick avail=1\"" },
		{ EV(.task = "t", .kind = "virtio.kick_failed",
		     .queue = "requests.0", .detail = "broken"),
		  "drv -x dev [label=\"kick failed broken\"" },
		{ EV(.task = "vfsd/requests.0/0", .kind = "dev.pop",
		     .queue = "requests.0", .head = 0, .unique = 4,
		     .opcode = 3),
		  "q0 -> dev [label=\"pop GETATTR unique=4 head=0\"" },
		{ EV(.task = "vfsd/requests.0/0", .kind = "fuse.reply",
		     .unique = 4, .opcode = 3, .detail = "OK"),
		  "dev box dev [label=\"reply GETATTR unique=4 OK\"" },
		{ EV(.task = "vfsd/requests.0/0", .kind = "dev.complete",
		     .queue = "requests.0", .head = 0, .used_idx = 1,
		     .unique = 4, .opcode = 3, .detail = "len=120"),
		  "dev -> q0 [label=\"used GETATTR unique=4 head=0 used=1 "
		  "len=120\"" },
		{ EV(.task = "vfsd/requests.0/0", .kind = "vq.irq",
		     .queue = "requests.0", .used_idx = 1),
		  "q0 -> work [label=\"interrupt used=1\"" },
		{ EV(.task = "kworker/0", .kind = "virtio_fs.reply",
		     .queue = "requests.0", .unique = 4, .opcode = 3,
		     .detail = "len=120"),
		  "q0 -> work [label=\"get_buf GETATTR unique=4 len=120\"" },
		{ EV(.task = "kworker/0", .kind = "virtio_fs.forget_done",
		     .queue = "hiprio", .unique = 6, .opcode = 2),
		  "q1 -> work [label=\"done FORGET unique=6\"" },
		{ EV(.task = "kworker/0", .kind = "fuse.end", .unique = 4,
		     .opcode = 3),
		  "work -> core [label=\"end GETATTR unique=4\"" },
		{ EV(.task = "t", .kind = "fuse.end", .unique = 10, .opcode = 3,
		     .detail = "ENOTCONN"),
		  "t0 -> core [label=\"end GETATTR unique=10 ENOTCONN\"" },
		{ EV(.task = "t", .kind = "scn.op", .func = "getattr",
		     .detail = "op 2 /: 0"),
		  "t0 rbox t0 [label=\"getattr op 2 /: 0\"" },
		{ EV(.task = "t", .kind = "virtio_fs.park",
		     .queue = "requests.0", .unique = 12, .opcode = 3),
		  "drv box drv [label=\"park requests.0 GETATTR unique=12\"" },
		{ EV(.task = "t", .kind = "virtio_fs.mount", .detail = "myfs"),
		  "t0 => drv [label=\"mount myfs\"" },
		{ EV(.task = "t", .kind = "virtio_fs.umount", .detail = "myfs"),
		  "t0 => drv [label=\"umount myfs\"" },
		{ EV(.task = "at", .kind = "virtio.unplug"),
		  "vmm => drv [label=\"unplug\"" },
		{ EV(.task = "at", .kind = "virtio.freeze", .detail = "ret=0"),
		  "vmm => drv [label=\"freeze ret=0\"" },
		{ EV(.task = "at", .kind = "virtio.restore"),
		  "vmm => drv [label=\"restore\"" },
		{ EV(.task = "at", .kind = "virtio.switch_backend",
		     .detail = "queues=2"),
		  "vmm -> dev [label=\"switch back end queues=2\"" },
		{ EV(.kind = "virtio.status", .detail = "status=0x0f"),
		  "drv -> dev [label=\"status=0x0f\"" },
		{ EV(.kind = "virtio.reset"), "drv -> dev [label=\"reset\"" },
		{ EV(.kind = "virtio.features", .detail = "accepted=0x1"),
		  "drv -> dev [label=\"features accepted=0x1\"" },
		{ EV(.kind = "virtio.queue_ready", .queue = "hiprio",
		     .detail = "num=128"),
		  "drv -> dev [label=\"set up hiprio num=128\"" },
		{ EV(.kind = "virtio.probe", .detail = "virtiofs"),
		  "drv box drv [label=\"probe virtiofs\"" },
		{ EV(.kind = "virtio.warn", .func = "virtio_dev_remove",
		     .detail = "unreset"),
		  "drv note drv [label=\"virtio_dev_remove unreset\"" },
		{ EV(.task = "t", .kind = "virtio_fs.error", .detail = "oops"),
		  "drv note drv [label=\"error oops\"" },
		{ EV(.task = "t", .kind = "virtio_fs.warn", .detail = "w"),
		  "drv note drv [label=\"warning w\"" },
		{ EV(.task = "kworker/0", .kind = "virtio_fs.bad_reply",
		     .unique = 4, .opcode = 3, .detail = "EIO"),
		  "drv note drv [label=\"bad reply GETATTR unique=4 EIO\"" },
		{ EV(.task = "kworker/0", .kind = "virtio_fs.late_reply",
		     .queue = "requests.0", .unique = 4),
		  "drv note drv [label=\"late reply requests.0 unique=4\"" },
		{ EV(.task = "t", .kind = "virtio_fs.drain_timeout",
		     .queue = "requests.0", .detail = "in_flight=1"),
		  "drv note drv [label=\"drain timed out requests.0 "
		  "in_flight=1\"" },
		{ EV(.task = "t", .kind = "virtio_fs.forget_drop",
		     .queue = "hiprio", .unique = 8, .opcode = 2,
		     .detail = "queue stopped"),
		  "drv note drv [label=\"dropped hiprio FORGET unique=8 queue "
		  "stopped\"" },
		{ EV(.task = "t", .kind = "virtio_fs.forget_park",
		     .queue = "hiprio", .unique = 8, .opcode = 2),
		  "drv box drv [label=\"park hiprio FORGET unique=8\"" },
		{ EV(.task = "t", .kind = "virtio_fs.drain_wake",
		     .queue = "hiprio", .detail = "in_flight=0"),
		  "drv box drv [label=\"drained hiprio in_flight=0\"" },
		{ EV(.kind = "virtio_fs.probe", .func = "virtio_fs_probe",
		     .detail = "mainline"),
		  "drv box drv [label=\"virtio_fs_probe mainline\"" },
		{ EV(.task = "kworker/0", .kind = "fuse.init", .detail = "ok"),
		  "core box core [label=\"INIT ok\"" },
		{ EV(.task = "t", .kind = "fuse.abort"),
		  "core box core [label=\"abort\"" },
		{ EV(.task = "kworker/0", .kind = "fuse.timeout",
		     .detail = "late"),
		  "core note core [label=\"timeout late\"" },
		{ EV(.task = "vfsd/hiprio/0", .kind = "fuse.bad", .unique = 6,
		     .opcode = 2, .detail = "EINVAL"),
		  "dev note dev [label=\"bad request FORGET unique=6 EINVAL\"" },
		{ EV(.task = "irq/0", .kind = "irq.merged", .queue = "hiprio",
		     .detail = "already pending"),
		  "work note work [label=\"irq merged hiprio already pending\"" },
		{ EV(.task = "irq/0", .kind = "irq.spurious", .detail = "q9"),
		  "work note work [label=\"spurious irq q9\"" },
		{ EV(.task = "at", .kind = "dev.protocol_features",
		     .func = "vu_set_protocol_features", .detail = "0x40000"),
		  "vmm -> dev [label=\"vu_set_protocol_features 0x40000\"" },
		{ EV(.task = "at", .kind = "dev.set_vring_base",
		     .func = "vu_set_vring_base", .queue = "hiprio",
		     .avail_idx = 4),
		  "vmm -> dev [label=\"vu_set_vring_base hiprio avail=4\"" },
		{ EV(.task = "at", .kind = "dev.ring_drain", .func = "f",
		     .queue = "hiprio"),
		  "vmm -> dev [label=\"f hiprio\"" },
		{ EV(.task = "at", .kind = "dev.set_state_fd", .func = "g"),
		  "vmm -> dev [label=\"g\"" },
		{ EV(.task = "at", .kind = "dev.check_state", .func = "h",
		     .detail = "0"),
		  "vmm -> dev [label=\"h 0\"" },
		{ EV(.task = "t", .kind = "dev.ring_start",
		     .func = "vu_ring_start", .queue = "requests.0",
		     .detail = "enabled"),
		  "dev box dev [label=\"vu_ring_start requests.0 enabled\"" },
		{ EV(.task = "at", .kind = "mig.save", .func = "vhost_save",
		     .detail = "1 chunks"),
		  "vmm box vmm [label=\"vhost_save 1 chunks\"" },
		{ EV(.task = "at", .kind = "mig.done", .detail = "327 bytes"),
		  "--- [label=\"migration done: 327 bytes\"" },
		{ EV(.task = "at", .kind = "mig.fail", .detail = "EIO"),
		  "--- [label=\"migration failed: EIO\"" },
		{ EV(.task = "virtiofsd.load", .kind = "state.load",
		     .func = "fuse_state_load", .detail = "2 inodes"),
		  "dev box dev [label=\"fuse_state_load 2 inodes\"" },
		{ EV(.task = "at", .kind = "fuse_server.reset", .func = "r"),
		  "dev box dev [label=\"r\"" },
		{ EV(.task = "at", .kind = "scn.action", .func = "unplug",
		     .detail = "result 0"),
		  "vmm box vmm [label=\"unplug result 0\"" },
		{ EV(.task = "at", .kind = "scn.mark", .detail = "a \"mark\""),
		  "--- [label=\"a \\\"mark\\\"\"" },
		{ EV(.task = "on", .kind = "scn.picture", .queue = "hiprio",
		     .detail = "p.dot"),
		  "vmm note vmm [label=\"picture hiprio p.dot\"" },
		{ EV(.task = "kworker/0", .kind = "bug", .func = "warn",
		     .detail = "WARNING"),
		  "work rbox work [label=\"BUG warn WARNING\", ID=\"" },
		{ EV(.task = "t", .kind = "fault", .func = "kmalloc",
		     .detail = "fails"),
		  "t0 note t0 [label=\"fault: kmalloc fails\"" },
		{ EV(.task = "t", .kind = "guest.something", .func = "fn",
		     .unique = 2),
		  "t0 note t0 [label=\"fn unique=2\"" },
		{ EV(.task = "t", .kind = "odd.kind"),
		  "t0 note t0 [label=\"odd.kind\"" },
		{ EV(.task = "virtiofsd.save", .kind = "odd.kind", .func = "s"),
		  "dev note dev [label=\"s\"" },
		/* a ring step without its queue stays on the driver */
		{ EV(.task = "t", .kind = "vq.add", .head = 9),
		  "drv box drv [label=\"add head=9\"" },
		{ EV(.task = "vfsd/x", .kind = "dev.kick"), NULL },
		{ EV(.kind = "sched.pick"), NULL },
		{ EV(.task = "t", .kind = "task.block"), NULL },
		{ EV(.kind = "timer.fire"), NULL },
		{ EV(.task = "kworker/0", .kind = "work.run"), NULL },
		{ EV(.task = "t", .kind = "pipe.write"), NULL },
		{ EV(.task = "t", .kind = "vq.kick_prepare"), NULL },
		{ EV(.kind = "dev.reset"), NULL },
		{ EV(.kind = "dev.queue_ready"), NULL },
		{ EV(.kind = "scn.expect"), NULL },
	};
	enum {
		N = sizeof(cases) / sizeof(cases[0])
	};
	struct trace_event ev[N];
	size_t drawn = 0;
	char *c;

	for (size_t i = 0; i < N; i++) {
		ev[i] = cases[i].ev;
		ev[i].seq = i + 1;
		drawn += cases[i].line != NULL;
	}
	c = chart(ev, N, 0);
	for (size_t i = 0; i < N; i++) {
		if (cases[i].line && !strstr(c, cases[i].line))
			fprintf(stderr, "\nmissing: %s\n", cases[i].line);
		if (cases[i].line)
			CU_ASSERT_PTR_NOT_NULL(strstr(c, cases[i].line));
	}
	/* Skipped kinds leave nothing: one statement per drawn event. */
	{
		size_t n = 0;

		for (const char *p = c; (p = strstr(p, ", ID=\"")); p++)
			n++;
		CU_ASSERT_EQUAL(n, drawn);
	}
	CU_ASSERT_PTR_NULL(strstr(c, "sched.pick"));
	/* checker reports are red */
	CU_ASSERT_PTR_NOT_NULL(strstr(c, "BUG warn WARNING\", ID=\"") &&
			       strstr(strstr(c, "BUG warn WARNING"),
				      "textcolour=\"#c00000\", "
				      "linecolour=\"#c00000\"];"));
	free(c);
}

/* Columns: used ones only, in their order, tasks by first appearance. */
static void test_columns(void)
{
	struct trace_event ev[TRACE_MSC_MAX_TASKS + 4];
	char names[TRACE_MSC_MAX_TASKS + 4][16];
	char *c;
	size_t n = 0;

	ev[n++] = EV(.task = "vfsd/hiprio/0", .kind = "dev.pop",
		     .queue = "hiprio", .seq = 1);
	ev[n++] = EV(.task = "zeta", .kind = "scn.op", .detail = "z", .seq = 2);
	ev[n++] =
		EV(.task = "alpha", .kind = "scn.op", .detail = "a", .seq = 3);
	c = chart(ev, n, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		c,
		"  t0 [label=\"zeta\"], t1 [label=\"alpha\"], q0 "
		"[label=\"hiprio\"], dev [label=\"device (virtiofsd)\"];\n"));
	CU_ASSERT_PTR_NULL(strstr(c, "vmm"));
	free(c);

	/* One task too many: the last shares "other tasks". */
	n = 0;
	for (unsigned i = 0; i <= TRACE_MSC_MAX_TASKS; i++) {
		snprintf(names[i], sizeof(names[i]), "task%u", i);
		ev[n++] = EV(.task = names[i], .kind = "scn.op", .detail = "x",
			     .seq = i + 1);
	}
	ev[n++] = EV(.task = "task3", .kind = "scn.op", .detail = "again",
		     .seq = 99);
	c = chart(ev, n, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(c, "tx [label=\"other tasks\"]"));
	CU_ASSERT_PTR_NOT_NULL(strstr(c, "tx rbox tx [label=\"x\", ID=\"17\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(c, "t3 rbox t3 [label=\"again\""));
	CU_ASSERT_PTR_NULL(strstr(c, "t16"));
	free(c);
}

static void test_time_and_cap(void)
{
	struct trace_event ev[20];
	char *c;

	for (size_t i = 0; i < 20; i++)
		ev[i] = EV(.task = "t", .kind = "scn.op", .detail = "op",
			   .seq = i + 1, .time_ns = i < 2 ? 0 : 1500);
	/* Time moved: one separator before the first event at 1.5 us. */
	c = chart(ev, 3, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(c, "ID=\"2\"];\n  --- [label=\"1.500 "
					 "us\"];\n  t0 rbox t0 [label=\"op\", "
					 "ID=\"3\"];\n"));
	free(c);
	/* Capped: 3 events and a separator fill 4 statements, 17 are
	 * counted as left out. */
	{
		struct trace_msc *m = trace_msc_new(4);

		for (size_t i = 0; i < 20; i++)
			trace_msc_event(m, &ev[i]);
		CU_ASSERT_EQUAL(trace_msc_arcs(m), 4);
		CU_ASSERT_EQUAL(trace_msc_omitted(m), 17);
		c = trace_msc_finish(m);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(c, "ID=\"3\"];\n  ...;\n  --- "
					 "[label=\"17 more events not drawn "
					 "(at most 4 statements); the text "
					 "trace has them all\"];\n}\n"));
	CU_ASSERT_PTR_NULL(strstr(c, "ID=\"4\""));
	free(c);
	/* A separator never takes the last statement. */
	{
		struct trace_msc *m = trace_msc_new(3);

		for (size_t i = 0; i < 20; i++)
			trace_msc_event(m, &ev[i]);
		CU_ASSERT_EQUAL(trace_msc_arcs(m), 3);
		c = trace_msc_finish(m);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(c, "ID=\"3\"];\n  ...;"));
	CU_ASSERT_PTR_NULL(strstr(c, "1.500 us"));
	free(c);
	/* The default cap. */
	{
		struct trace_msc *m = trace_msc_new(0);

		for (unsigned i = 0; i < TRACE_MSC_MAX_ARCS + 3; i++)
			trace_msc_event(m, &ev[0]);
		CU_ASSERT_EQUAL(trace_msc_arcs(m), TRACE_MSC_MAX_ARCS);
		CU_ASSERT_EQUAL(trace_msc_omitted(m), 3);
		trace_msc_free(m);
	}
	trace_msc_free(NULL);
}

static void test_empty_and_long(void)
{
	struct trace_event ev[2];
	char big[400], *c;

	c = chart(NULL, 0, 0);
	CU_ASSERT_STRING_EQUAL(
		c, "# vfsim trace as a message sequence chart: mscgen -T svg\n"
		   "msc {\n  width=\"800\", wordwraparcs=\"true\";\n"
		   "  vmm [label=\"VMM\"];\n"
		   "  --- [label=\"empty trace\"];\n}\n");
	free(c);
	/* Only skipped events: still valid. */
	ev[0] = EV(.kind = "sched.pick", .seq = 1);
	c = chart(ev, 1, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(c, "empty trace"));
	free(c);
	/* Long labels and task names are cut. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ev[0] = EV(.task = big, .kind = "scn.op", .detail = big, .seq = 1);
	c = chart(ev, 1, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(c, "t0 [label=\"xxxxxxxxxxxxxxxxxxxxxxxxx"
					 "xxxxxxxxxxxxxxx...\"]"));
	CU_ASSERT_PTR_NULL(strstr(c, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
				     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
				     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
				     "x"));
	free(c);
	/* A label longer than a statement holds is cut at the cap; an
	 * opcode without a name is shown by number. */
	{
		char huge[700];

		memset(huge, 'y', sizeof(huge) - 1);
		huge[sizeof(huge) - 1] = '\0';
		ev[0] = EV(.task = "t", .kind = "odd", .func = huge,
			   .detail = huge, .opcode = 9999, .unique = 2,
			   .seq = 1);
		c = chart(ev, 1, 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(c, "yyy...\", ID=\"1\""));
		free(c);
		ev[0] = EV(.task = "t", .kind = "odd", .opcode = 9999,
			   .seq = 1);
		c = chart(ev, 1, 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(c, "[label=\"op 9999\""));
		free(c);
	}
	/* Six columns: 160 points each. */
	{
		struct trace_event six[] = {
			EV(.task = "t", .kind = "fuse.send", .seq = 1),
			EV(.task = "t", .kind = "virtio_fs.send", .seq = 2),
			EV(.task = "t", .kind = "dev.pop", .queue = "q",
			   .seq = 3),
			EV(.task = "t", .kind = "vq.irq", .queue = "q",
			   .seq = 4),
		};

		c = chart(six, 4, 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(c, "width=\"960\""));
		free(c);
	}
}

/* Same events, same chart, byte for byte. */
static void test_deterministic(void)
{
	struct trace_event ev[3] = {
		EV(.task = "t", .kind = "fuse.send", .opcode = 1, .seq = 1),
		EV(.task = "t", .kind = "virtio_fs.send", .unique = 2,
		   .opcode = 1, .seq = 2, .time_ns = 7),
		EV(.task = "kworker/0", .kind = "fuse.end", .unique = 2,
		   .opcode = 1, .seq = 3, .time_ns = 9),
	};
	char *a = chart(ev, 3, 0), *b = chart(ev, 3, 0);

	CU_ASSERT_STRING_EQUAL(a, b);
	free(a);
	free(b);
}

static u64 fake_now;

static u64 now(void)
{
	return fake_now;
}

static const char *task_name(void)
{
	return "t";
}

/* The kept events of the trace, written in one call. */
static void test_write_kept(void)
{
	char *buf = NULL, *want;
	size_t len = 0;
	FILE *f;

	trace_reset(true);
	trace_set_keep(true);
	trace_set_context(now, task_name);
	TRACE(.kind = "fuse.send", .opcode = 3);
	fake_now = 2000;
	TRACE(.kind = "scn.op", .func = "getattr", .detail = "op 1 /: 0");
	{
		struct trace_msc *m = trace_msc_new(0);

		for (size_t i = 0; i < trace_kept(); i++)
			trace_msc_event(m, trace_event_at(i));
		want = trace_msc_finish(m);
	}
	f = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL(trace_msc_write_kept(f, 0), 0);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(buf, want);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "--- [label=\"2.000 us\"];"));
	free(buf);
	free(want);
	/* A stream that cannot be written. */
	f = fopen("/dev/null", "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(trace_msc_write_kept(f, 0), -EIO);
	fclose(f);
	trace_set_context(NULL, NULL);
	trace_reset(false);
}

/* mscgen itself must accept a chart with every kind of statement, nasty
 * labels and the cap marker. */
static void test_mscgen_accepts(void)
{
	static const char *const nasty[] = {
		"quote \" inside",
		"ends with \\",
		"\\n is not a newline",
		"tab\tand\nnewline",
		"\xff\xfe bytes",
		"semi; colon, ] [ }",
		"\\\"",
		"",
	};
	struct trace_msc *m = trace_msc_new(40);
	char path[] = "/tmp/vfsim-msc-XXXXXX", cmd[256], *c;
	struct trace_event ev;
	FILE *f;
	int fd;

	for (unsigned i = 0; i < 60; i++) {
		const char *kinds[] = { "fuse.send",	 "vq.full", "bug",
					"scn.mark",	 "scn.op",  "fuse.end",
					"virtio.status", "odd" };

		ev = EV(.task = i % 3 ? "t" : "kworker/1", .kind = kinds[i % 8],
			.queue = "requests.0", .detail = nasty[i % 8],
			.func = nasty[(i + 3) % 8], .seq = i + 1,
			.time_ns = i / 4 * 1000, .opcode = 3);
		trace_msc_event(m, &ev);
	}
	c = trace_msc_finish(m);
	CU_ASSERT_PTR_NOT_NULL(strstr(c, "more events not drawn"));
	if (system("command -v mscgen >/dev/null 2>&1") != 0) {
		printf("\n    note: mscgen is not installed; the chart was not "
		       "rendered (scripts/deps.sh installs it)\n");
		free(c);
		return;
	}
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(c, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "mscgen -T svg -o /dev/null '%s' >/dev/null 2>&1", path);
	CU_ASSERT_EQUAL(system(cmd), 0);
	/* and refuses a broken one, so the check can fail */
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("msc {\n a;\n a -> a [label=\"unterminated];\n}\n", f);
	fclose(f);
	CU_ASSERT_NOT_EQUAL(system(cmd), 0);
	unlink(path);
	free(c);
}

VT_SUITE(sim_trace_msc, NULL, NULL, VT_CASE(test_escape),
	 VT_CASE(test_every_kind), VT_CASE(test_columns),
	 VT_CASE(test_time_and_cap), VT_CASE(test_empty_and_long),
	 VT_CASE(test_deterministic), VT_CASE(test_write_kept),
	 VT_CASE(test_mscgen_accepts));
