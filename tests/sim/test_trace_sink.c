// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_trace_sink.c - the trace's sink: it sees every event, a filter
 * that takes some kinds only (asked once per site and kind), and a
 * deferred detail read by the sink when it wants it.
 */
#include <stdio.h>
#include <string.h>

#include "sim/kernel/types.h"
#include "sim/trace/trace.h"
#include "tests/harness.h"
#include "tests/sim/test_trace.h"

static int sink_calls;
static u64 sink_last_seq;

static void sink(const struct trace_event *ev, void *arg)
{
	sink_calls += *(int *)arg;
	sink_last_seq = ev->seq;
}

static void test_sink_sees_every_event(void)
{
	int one = 1;

	tt_setup();
	sink_calls = 0;
	trace_set_sink(sink, &one);
	for (int i = 0; i < 5; i++)
		TRACE(.kind = "k", .func = "f");
	trace_set_sink(NULL, NULL);
	CU_ASSERT_EQUAL(sink_calls, 5);
	CU_ASSERT_EQUAL(sink_last_seq, 5);
}

static int want_asked;

static bool want_b(const char *kind, void *arg)
{
	want_asked++;
	return kind && !strcmp(kind, (const char *)arg);
}

/* One call site, its kind given by a variable, as some TRACE()s do. */
static void emit_kind(const char *kind)
{
	TRACE_ANY(.kind = kind, .func = "f");
}

/* A filtered sink gets only the kinds it takes, asked once per site and
 * kind; the hash and the count still see every event; the same events
 * hash the same with or without a filter; a new filter or sink is asked
 * again. */
static void test_sink_filter(void)
{
	char buf[8];
	int one = 1;
	u64 h;

	tt_setup();
	trace_set_keep(false);
	for (int i = 0; i < 4; i++) {
		emit_kind("a");
		emit_kind("b");
	}
	h = trace_hash();

	tt_setup();
	trace_set_keep(false);
	sink_calls = want_asked = 0;
	trace_set_sink(sink, &one);
	trace_set_sink_filter(want_b, "b");
	for (int i = 0; i < 4; i++) {
		emit_kind("a");
		/* a kind in a buffer is the same kind as the literal */
		snprintf(buf, sizeof(buf), "%s", "b");
		emit_kind(buf);
	}
	CU_ASSERT_EQUAL(sink_calls, 4);
	CU_ASSERT_EQUAL(sink_last_seq, 8);
	CU_ASSERT_EQUAL(trace_count(), 8);
	CU_ASSERT_EQUAL(trace_hash(), h);
	/* the site's kind changes at every event: asked each time */
	CU_ASSERT_EQUAL(want_asked, 8);

	/* one kind per site: asked once */
	want_asked = sink_calls = 0;
	trace_set_sink_filter(want_b, "k");
	for (int i = 0; i < 5; i++)
		TRACE(.kind = "k", .func = "f");
	CU_ASSERT_EQUAL(sink_calls, 5);
	CU_ASSERT_EQUAL(want_asked, 1);

	/* a new filter forgets the answers */
	trace_set_sink_filter(want_b, "x");
	emit_kind("b");
	CU_ASSERT_EQUAL(sink_calls, 5);
	/* setting the sink again takes every event */
	trace_set_sink(sink, &one);
	emit_kind("b");
	emit_kind("a");
	CU_ASSERT_EQUAL(sink_calls, 7);
	trace_set_sink(NULL, NULL);
}

/* A sink is given the deferred detail and reads it when it wants it. */
static char sink_detail[64];

static void detail_sink(const struct trace_event *ev, void *arg)
{
	char buf[64];

	(void)arg;
	snprintf(sink_detail, sizeof(sink_detail), "%s",
		 trace_detail(ev, buf, sizeof(buf)));
}

static void test_sink_reads_deferred_detail(void)
{
	char name[8] = "abc";

	tt_setup();
	trace_set_keep(false);
	trace_set_sink(detail_sink, NULL);
	TRACE(.kind = "k", .func = "f", .args = TRACE_FMT("n=%s", name));
	trace_set_sink(NULL, NULL);
	CU_ASSERT_STRING_EQUAL(sink_detail, "n=abc");
	trace_set_keep(true);
}

VT_SUITE(sim_trace_sink, tt_setup, tt_teardown,
	 VT_CASE(test_sink_sees_every_event), VT_CASE(test_sink_filter),
	 VT_CASE(test_sink_reads_deferred_detail));
