// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_trace_fast.c - the recorder's two ways of keeping an event: the
 * fast path trace_emit() takes when the scheduler's context variables are
 * set and the event's names, detail and string arguments stay valid, and
 * the general one for everything else. Both must keep the same events,
 * give the sink the same events and the same hash as a run that keeps
 * nothing, across storage chunks, the arena's chunks, keeping turned off
 * and on, and the memory budget.
 */
#define _GNU_SOURCE /* open_memstream() */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace/trace.h"
#include "tests/harness.h"
#include "tests/sim/trace_ctx.h"

/* How a run records. */
enum mode {
	VARS_KEEP,   /* context variables, events kept: the fast path */
	FUNCS_KEEP,  /* context functions, events kept: the general path */
	VARS_HASH,   /* context variables, nothing kept: the hashing path */
	VARS_TOGGLE, /* the fast path, keeping off for a third of the run */
};

/* What the sink saw: every event's text, and how many it was handed in
 * the kept slot itself (the fast path's doing). */
static FILE *sink_out;
static unsigned sink_from_slot;

static void text_sink(const struct trace_event *ev, void *arg)
{
	(void)arg;
	trace_write_event(sink_out, ev, false);
	if (ev == trace_event_at(ev->seq - 1))
		sink_from_slot++;
}

/* One call site whose names are given by the caller. */
static void emit_named(const char *kind, const char *queue)
{
	TRACE_ANY(.kind = kind, .func = "f", .queue = queue, .head = 1);
}

/* Events of every shape the recorder tells apart. */
static void emit_mix(int i)
{
	char buf[16], kind[16];
	const char *q = trace_name("requests.0");

	snprintf(buf, sizeof(buf), "b%d", i % 3);
	snprintf(kind, sizeof(kind), "k.%d", i % 2);
	v_now = 10 * (uint64_t)i;
	v_task = trace_name(i % 2 ? "t1" : "t2");
	v_task_hash = trace_name_hash(v_task);
	TRACE(.kind = "k.none", .func = "f", .queue = q, .used_idx = i);
	TRACE(.kind = "k.args", .func = "f", .head = i,
	      .args = TRACE_FMT("%d %u", i, 7u));
	TRACE(.kind = "k.lit", .func = "f",
	      .args = TRACE_FMT("%s %s", "lit", i % 2 ? q : NULL));
	TRACE(.kind = "k.buf", .func = "f", .args = TRACE_FMT("%s/%d", buf, i));
	TRACE(.kind = "k.eight", .func = "f",
	      .args = TRACE_FMT("%d %d %d %d %d %d %d %s", i, 1, 2, 3, 4, 5, 6,
				"x"));
	TRACE(.kind = "k.det", .func = "f", .detail = "a literal detail");
	TRACE(.kind = "k.detbuf", .func = "f", .detail = buf);
	TRACE(.kind = "k.fmt", .func = "f", .detail = trace_fmt("n=%d", i));
	TRACE(.kind = "k.task", .func = "f", .task = "explicit",
	      .args = TRACE_FMT("%d", i));
	TRACE(.kind = "k.queue", .func = "f", .queue = buf);
	/* a site whose names change: literal, buffer, NULL */
	emit_named(i % 3 ? "k.named" : kind, i % 2 ? q : NULL);
}

#define ROUNDS 600 /* 6,600 events: chunks of 1,024 and of 64 KiB crossed */

/* A run in @m: its hash; the kept events' text into *@kept, the sink's
 * into *@sunk (both malloc'ed). */
static uint64_t run(enum mode m, char **kept, char **sunk)
{
	size_t klen, slen;
	FILE *kf;
	uint64_t h;

	trace_reset(true);
	trace_set_keep(m != VARS_HASH);
	if (m == FUNCS_KEEP)
		trace_set_context(now_fn, task_fn);
	else
		trace_set_context_vars(&v_now, &v_task, &v_task_hash);
	sink_out = open_memstream(sunk, &slen);
	sink_from_slot = 0;
	trace_set_sink(text_sink, NULL);
	for (int i = 0; i < ROUNDS; i++) {
		if (m == VARS_TOGGLE && i == ROUNDS / 3)
			trace_set_keep(false);
		if (m == VARS_TOGGLE && i == 2 * ROUNDS / 3)
			trace_set_keep(true);
		emit_mix(i);
	}
	trace_set_sink(NULL, NULL);
	fclose(sink_out);
	kf = open_memstream(kept, &klen);
	trace_write_text(kf);
	fclose(kf);
	h = trace_hash();
	CU_ASSERT_EQUAL(trace_count(), 11 * ROUNDS);
	trace_set_context_vars(NULL, NULL, NULL);
	trace_set_context(NULL, NULL);
	return h;
}

/* The fast path keeps what the general one keeps, byte for byte, and
 * both hash what the hashing path hashes. */
static void test_fast_path_keeps_the_same(void)
{
	char *kv, *sv, *kf, *sf, *kh, *sh, *kt, *st;
	uint64_t hv, hf, hh, ht;
	unsigned from_slot;

	hv = run(VARS_KEEP, &kv, &sv);
	from_slot = sink_from_slot;
	hf = run(FUNCS_KEEP, &kf, &sf);
	/* the general path hands the sink the caller's event */
	CU_ASSERT_EQUAL(sink_from_slot, 0);
	hh = run(VARS_HASH, &kh, &sh);
	ht = run(VARS_TOGGLE, &kt, &st);

	/* the fast path did run: at least for the five sites whose names,
	 * detail and strings always stay valid, but for their first events */
	CU_ASSERT(from_slot >= 5 * (ROUNDS - 1));
	CU_ASSERT_STRING_EQUAL(kv, kf);
	CU_ASSERT_STRING_EQUAL(sv, sf);
	CU_ASSERT_STRING_EQUAL(sv, sh);
	CU_ASSERT_STRING_EQUAL(sv, st);
	/* the sink saw what was kept */
	CU_ASSERT_STRING_EQUAL(sv, kv);
	CU_ASSERT_EQUAL(strlen(kh), 0);
	CU_ASSERT(strlen(kt) < strlen(kv));
	CU_ASSERT_EQUAL(hv, hf);
	CU_ASSERT_EQUAL(hv, hh);
	CU_ASSERT_EQUAL(hv, ht);
	free(kv), free(sv), free(kf), free(sf);
	free(kh), free(sh), free(kt), free(st);
}

/* Over its budget, the fast path stops keeping as the general one does:
 * the memory the arena takes for argument lists counts. */
static void test_fast_path_budget(void)
{
	uint64_t h;

	trace_reset(true);
	trace_set_keep(true);
	trace_set_context_vars(&v_now, &v_task, &v_task_hash);
	trace_set_budget(200000);
	for (int i = 0; i < 20000; i++)
		TRACE(.kind = "k", .func = "f", .args = TRACE_FMT("%d", i));
	CU_ASSERT_TRUE(trace_over_budget);
	CU_ASSERT_FALSE(trace_keeping());
	CU_ASSERT(trace_kept() > 1000 && trace_kept() < 20000);
	CU_ASSERT(trace_memory() <= 200000 + 1024 * sizeof(struct trace_event));
	h = trace_hash();
	trace_set_budget(0);
	trace_reset(true);
	/* running over the budget stopped keeping; a reset does not restart it */
	CU_ASSERT_FALSE(trace_keeping());
	trace_set_keep(true);
	for (int i = 0; i < 20000; i++)
		TRACE(.kind = "k", .func = "f", .args = TRACE_FMT("%d", i));
	CU_ASSERT_EQUAL(trace_kept(), 20000);
	CU_ASSERT_EQUAL(trace_hash(), h);
	/* a budget set below what is kept already stops the next event */
	trace_set_budget(1);
	TRACE(.kind = "k", .func = "f");
	CU_ASSERT_EQUAL(trace_kept(), 20000);
	CU_ASSERT_TRUE(trace_over_budget);
	trace_set_budget(TRACE_DEFAULT_BUDGET);
	trace_set_context_vars(NULL, NULL, NULL);
	trace_reset(false);
}

/* The sink's filter is asked on the fast path as on the other. */
static unsigned filtered_calls;

static void count_sink(const struct trace_event *ev, void *arg)
{
	(void)arg;
	CU_ASSERT_STRING_EQUAL(ev->kind, "k.args");
	filtered_calls++;
}

static bool want_args(const char *kind, void *arg)
{
	(void)arg;
	return kind && !strcmp(kind, "k.args");
}

static void test_fast_path_sink_filter(void)
{
	trace_reset(true);
	trace_set_keep(true);
	trace_set_context_vars(&v_now, &v_task, &v_task_hash);
	trace_set_sink(count_sink, NULL);
	trace_set_sink_filter(want_args, NULL);
	filtered_calls = 0;
	for (int i = 0; i < 50; i++)
		emit_mix(i);
	CU_ASSERT_EQUAL(filtered_calls, 50);
	CU_ASSERT_EQUAL(trace_kept(), 11 * 50);
	trace_set_sink(NULL, NULL);
	trace_set_context_vars(NULL, NULL, NULL);
	trace_reset(false);
}

VT_SUITE(sim_trace_fast, NULL, NULL, VT_CASE(test_fast_path_keeps_the_same),
	 VT_CASE(test_fast_path_budget), VT_CASE(test_fast_path_sink_filter));
