// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_trace_unread.c - events nobody consumes: with no event kept, the
 * hash dropped (trace_drop_hash()) and a sink whose filter refuses their
 * kind, a TRACE() site only counts its events, without evaluating their
 * arguments. Every event still has its number, the sink sees what it saw
 * with the hash kept, a change of consumers is heard at once, and a site
 * whose kind changes (TRACE_ANY()) is never skipped.
 */
#define _GNU_SOURCE /* open_memstream() */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace/trace.h"
#include "tests/harness.h"
#include "tests/sim/trace_ctx.h"

/* Times an argument of an event was evaluated. */
static unsigned evaluated;

static uint64_t counted(uint64_t v)
{
	evaluated++;
	return v;
}

/* What the sink saw, as text. */
static FILE *sink_out;

static void text_sink(const struct trace_event *ev, void *arg)
{
	(void)arg;
	trace_write_event(sink_out, ev, false);
}

/* The filter: the kinds that start with "want". */
static bool want_prefix(const char *kind, void *arg)
{
	(void)arg;
	return kind && !strncmp(kind, "want", 4);
}

static bool want_all(const char *kind, void *arg)
{
	(void)arg;
	(void)kind;
	return true;
}

/* One round of events: unread sites, a wanted one, a site whose kind
 * changes. */
static void emit_round(int i)
{
	TRACE(.kind = "skip.a", .func = "f", .unique = counted((uint64_t)i));
	TRACE(.kind = "want.b", .func = "f", .head = i,
	      .args = TRACE_FMT("i=%d", i));
	TRACE(.kind = "skip.c", .func = "f",
	      .detail = trace_fmt("formatted %d", i));
	TRACE_ANY(.kind = i % 2 ? "want.d" : "skip.d", .func = "g",
		  .used_idx = i);
}

#define ROUNDS 200

/* A run of ROUNDS rounds, keeping nothing, through the filter; the hash
 * dropped when @drop. The sink's text into *@text (malloc'ed). */
static void run(bool drop, char **text)
{
	size_t len;

	trace_reset(true);
	trace_set_keep(false);
	if (drop)
		trace_drop_hash();
	sink_out = open_memstream(text, &len);
	trace_set_sink(text_sink, NULL);
	trace_set_sink_filter(want_prefix, NULL);
	evaluated = 0;
	for (int i = 0; i < ROUNDS; i++)
		emit_round(i);
	trace_set_sink(NULL, NULL);
	fclose(sink_out);
}

/* Dropping the hash changes nothing the sink sees, nor any number; the
 * unread sites' arguments are evaluated once (when the site learns),
 * and a trace_fmt() detail nobody reads takes no memory. */
static void test_unread_events_are_only_counted(void)
{
	char *hashed, *dropped;
	uint64_t mem;

	run(false, &hashed);
	CU_ASSERT_EQUAL(evaluated, ROUNDS);
	CU_ASSERT_EQUAL(trace_count(), 4 * ROUNDS);
	CU_ASSERT_TRUE(trace_hashing());
	CU_ASSERT_NOT_EQUAL(trace_hash(), 0);

	run(true, &dropped);
	mem = trace_memory();
	CU_ASSERT_EQUAL(evaluated, 1);
	CU_ASSERT_EQUAL(trace_count(), 4 * ROUNDS);
	CU_ASSERT_FALSE(trace_hashing());
	CU_ASSERT_EQUAL(trace_hash(), 0);
	CU_ASSERT_STRING_EQUAL(hashed, dropped);
	/* the wanted site's events and the changing site's wanted half */
	CU_ASSERT_PTR_NOT_NULL(strstr(dropped, "#800 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(dropped, "want.d"));
	CU_ASSERT_PTR_NULL(strstr(dropped, "skip."));
	/* one trace_fmt() result, before its site learned */
	for (int i = 0; i < ROUNDS; i++)
		emit_round(i);
	CU_ASSERT_EQUAL(trace_memory(), mem);
	free(hashed);
	free(dropped);
	trace_reset(false);
}

/* A change of consumers is heard by the next event: a filter that takes
 * the kind, a kept trace, the hash again after a reset. */
static void test_consumers_change(void)
{
	char *text;
	size_t len;
	uint64_t h;

	trace_reset(true);
	trace_set_keep(false);
	trace_drop_hash();
	sink_out = open_memstream(&text, &len);
	trace_set_sink(text_sink, NULL);
	trace_set_sink_filter(want_prefix, NULL);
	evaluated = 0;
	emit_round(0);
	emit_round(1);
	CU_ASSERT_EQUAL(evaluated, 1);
	/* the filter takes every kind now */
	trace_set_sink_filter(want_all, NULL);
	emit_round(2);
	CU_ASSERT_EQUAL(evaluated, 2);
	/* no sink: nothing reads anything */
	trace_set_sink(NULL, NULL);
	trace_set_sink_filter(want_prefix, NULL);
	emit_round(3);
	emit_round(4);
	CU_ASSERT_EQUAL(evaluated, 3);
	/* kept events are read: nothing is skipped, the hash stays 0 */
	trace_set_keep(true);
	emit_round(5);
	CU_ASSERT_EQUAL(evaluated, 4);
	CU_ASSERT_EQUAL(trace_kept(), 4);
	CU_ASSERT_EQUAL(trace_event_at(0)->seq, 21);
	CU_ASSERT_EQUAL(trace_event_at(0)->unique, 5);
	CU_ASSERT_EQUAL(trace_hash(), 0);
	CU_ASSERT_EQUAL(trace_count(), 24);
	fclose(sink_out);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "#11 ")); /* round 2's "skip.c" */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "skip.a"));
	free(text);

	/* a reset computes the hash again: the same as a run that never
	 * dropped it */
	trace_reset(true);
	CU_ASSERT_TRUE(trace_hashing());
	emit_round(7);
	h = trace_hash();
	trace_reset(true);
	trace_drop_hash();
	trace_reset(true);
	emit_round(7);
	CU_ASSERT_EQUAL(trace_hash(), h);
	CU_ASSERT_NOT_EQUAL(h, 0);
	trace_reset(false);
}

/*
 * @rounds calls of @emit, keeping nothing, on each of the ways to the
 * sink: the hashing path (pass 0), the sink-only one (the hash dropped,
 * the context in variables: emit_to_sink()) and the general one (the
 * context from functions); with @want, the filter, set anew halfway. The
 * sink's text of pass i into text[i] (malloc'ed); each pass numbers
 * @events events, and evaluates emit_round()'s argument @evals times (or
 * any number, when negative).
 */
static void three_ways(void (*emit)(int), int rounds, trace_want_fn want,
		       uint64_t events, int evals, char *text[3])
{
	uint64_t start = v_now;
	size_t len;

	v_task = trace_name("tk");
	v_task_hash = trace_name_hash(v_task);
	for (int pass = 0; pass < 3; pass++) {
		trace_reset(true);
		trace_set_keep(false);
		if (pass)
			trace_drop_hash();
		if (pass == 2)
			trace_set_context(now_fn, task_fn);
		else
			trace_set_context_vars(&v_now, &v_task, &v_task_hash);
		sink_out = open_memstream(&text[pass], &len);
		trace_set_sink(text_sink, NULL);
		if (want)
			trace_set_sink_filter(want, NULL);
		evaluated = 0;
		for (int i = 0; i < rounds; i++) {
			v_now += 10;
			if (want && i == rounds / 2)
				trace_set_sink_filter(want, NULL);
			emit(i);
		}
		if (evals >= 0)
			CU_ASSERT_EQUAL(evaluated, (unsigned)evals);
		CU_ASSERT_EQUAL(trace_count(), events);
		trace_set_sink(NULL, NULL);
		fclose(sink_out);
		trace_set_context_vars(NULL, NULL, NULL);
		trace_set_context(NULL, NULL);
		v_now = start;
	}
	CU_ASSERT_STRING_EQUAL(text[0], text[1]);
	CU_ASSERT_STRING_EQUAL(text[0], text[2]);
}

/* Without a filter the sink reads every event: none is skipped, even
 * with the hash dropped, and the sink sees what it sees with it, on each
 * of the ways there. */
static void test_sink_without_filter_reads_all(void)
{
	char *text[3];

	v_now = 7000;
	three_ways(emit_round, 20, NULL, 80, 20, text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text[1], "#80 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text[1], " tk "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text[1], "7.200 us"));
	for (int pass = 0; pass < 3; pass++)
		free(text[pass]);
	trace_reset(false);
}

/* emit_round() and two wanted sites that leave emit_to_sink()'s common
 * case now and then: a function that changes from call to call, a task
 * of the event's own, a plain detail beside an argument list. */
static void emit_mixed(int i)
{
	emit_round(i);
	TRACE(.kind = "want.e", .func = i % 2 ? "f1" : "f2",
	      .unique = (uint64_t)i);
	TRACE(.kind = "want.f", .func = "h", .task = i % 3 ? NULL : "own",
	      .detail = i % 2 ? "plain" : NULL, .args = TRACE_FMT("n=%d", i));
}

/* With a filter, the sink sees the same events with the same numbers on
 * each way there (emit_to_sink()'s common case makes emit_plain()'s
 * stores itself), and a new filter in the middle of the run is asked
 * again. */
static void test_filtered_sink_same_on_every_path(void)
{
	char *text[3];

	v_now = 5000;
	three_ways(emit_mixed, 40, want_prefix, 6 * 40, -1, text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text[1], "#240 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text[1], " tk "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text[1], " own "));
	CU_ASSERT_PTR_NOT_NULL(strstr(text[1], "plain"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text[1], "n=38"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text[1], "f1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text[1], "f2"));
	CU_ASSERT_PTR_NULL(strstr(text[1], "skip."));
	for (int pass = 0; pass < 3; pass++)
		free(text[pass]);
	trace_reset(false);
}

VT_SUITE(sim_trace_unread, NULL, NULL,
	 VT_CASE(test_unread_events_are_only_counted),
	 VT_CASE(test_consumers_change),
	 VT_CASE(test_sink_without_filter_reads_all),
	 VT_CASE(test_filtered_sink_same_on_every_path));
