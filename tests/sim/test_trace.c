// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_trace.c - the trace's events as they read: text and JSON lines,
 * their columns and details (plain, formatted, deferred), names, the
 * task, finding a line, a disabled trace. What is kept and hashed is in
 * test_trace_keep.c, the sinks in test_trace_sink.c; the set-up they
 * share is here (tests/sim/test_trace.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kernel/types.h"
#include "sim/trace/trace.h"
#include "tests/harness.h"
#include "tests/sim/test_trace.h"
#include "tests/sim/trace_event.h"

u64 tt_fake_now;
static const char *fake_task = "t1";

static u64 now(void)
{
	return tt_fake_now;
}

static const char *task_name(void)
{
	return fake_task;
}

int tt_setup(void)
{
	trace_reset(true);
	tt_fake_now = 0;
	trace_set_keep(true);
	trace_set_context(now, task_name);
	return 0;
}

int tt_teardown(void)
{
	trace_set_context(NULL, NULL);
	trace_set_sink(NULL, NULL);
	trace_reset(false);
	return 0;
}

void tt_emit_sample(void)
{
	tt_fake_now = 12345;
	TRACE(.kind = "vq.add", .func = "virtqueue_add_sgs",
	      .queue = "requests.0", .head = 3, .avail_idx = 4, .unique = 8,
	      .opcode = 3, .detail = trace_fmt("out=%d in=%d", 2, 1));
}

static void test_text_format(void)
{
	char buf[256];

	tt_setup();
	tt_emit_sample();
	CU_ASSERT_EQUAL(trace_kept(), 1);
	trace_format_text(trace_event_at(0), buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(
		buf,
		"    12.345 us #1      t1           vq.add         virtqueue_add_sgs"
		" q=requests.0 head=3 avail=4 unique=8 op=GETATTR out=2 in=1");
}

/* The columns of a text line are printf's ("%6llu.%03llu us #%-6llu
 * %-12s %-14s %s"), for any size of number and name, and truncate as
 * snprintf() does at every buffer size. */
static void test_text_columns_match_printf(void)
{
	static const u64 times[] = { 0,		7,	   999,
				     1000,	123456789, 99999999999ULL,
				     UINT64_MAX };
	static const u64 seqs[] = { 1, 99999, 123456, 1234567, UINT64_MAX };
	static const char *const names[] = { "", "t", "worker.0",
					     "twelve-chars",
					     "a-name-longer-than-14" };
	char want[256], buf[256];

	for (size_t t = 0; t < ARRAY_SIZE(times); t++) {
		for (size_t q = 0; q < ARRAY_SIZE(seqs); q++) {
			size_t k = (t + q) % ARRAY_SIZE(names);
			struct trace_event ev =
				EV(.seq = seqs[q], .time_ns = times[t],
				   .task = names[k],
				   .kind = names[(k + 1) % ARRAY_SIZE(names)],
				   .func = "f");
			int n = snprintf(
				want, sizeof(want),
				"%6llu.%03llu us #%-6llu %-12s %-14s f",
				(unsigned long long)(times[t] / 1000),
				(unsigned long long)(times[t] % 1000),
				(unsigned long long)seqs[q], ev.task, ev.kind);

			CU_ASSERT_EQUAL(
				trace_format_text(&ev, buf, sizeof(buf)), n);
			CU_ASSERT_STRING_EQUAL(buf, want);
			for (int size = 1; size <= n; size++) {
				CU_ASSERT_EQUAL(trace_format_text(&ev, buf,
								  (size_t)size),
						n);
				CU_ASSERT_EQUAL(strlen(buf), (size_t)size - 1);
				CU_ASSERT_EQUAL(
					memcmp(buf, want, (size_t)size - 1), 0);
			}
		}
	}
}

/* A line's head (time and number) is reused for the next number at the
 * same time, counted up in place: it reads as printf's across a carry
 * into a new digit, a change of time, a number out of turn and one
 * formatted again. */
static void test_text_head_counted_up(void)
{
	static const u64 seqs[] = { 1,	  2,	  9,	   10,	     11,
				    99,	  100,	  998,	   999,	     1000,
				    1001, 999999, 1000000, 1000001,  5,
				    5,	  6,	  9999999, 10000000, 42 };
	char want[128], buf[128];

	for (size_t i = 0; i < ARRAY_SIZE(seqs); i++) {
		u64 ns = i < 12 ? 5000 : 1234567 * i;
		struct trace_event ev = EV(.seq = seqs[i], .time_ns = ns,
					   .task = "t", .kind = "k",
					   .func = "f");
		int n = snprintf(want, sizeof(want),
				 "%6llu.%03llu us #%-6llu %-12s %-14s f",
				 (unsigned long long)(ns / 1000),
				 (unsigned long long)(ns % 1000),
				 (unsigned long long)seqs[i], "t", "k");

		CU_ASSERT_EQUAL(trace_format_text(&ev, buf, sizeof(buf)), n);
		CU_ASSERT_STRING_EQUAL(buf, want);
	}
}

/* A format whose text may change (not a literal: built by hand in a
 * buffer) is read afresh every time, never taken from the formats
 * already read. */
static void test_changing_format_read_afresh(void)
{
	char fmt[16], buf[64];
	struct trace_args a = { .fmt = fmt, .nargs = 1, .arg = { 7 } };
	struct trace_event ev = { .args = &a };

	strcpy(fmt, "a=%u");
	CU_ASSERT_STRING_EQUAL(trace_detail(&ev, buf, sizeof(buf)), "a=7");
	strcpy(fmt, "b=%d!");
	CU_ASSERT_STRING_EQUAL(trace_detail(&ev, buf, sizeof(buf)), "b=7!");
	/* and a literal one is the same read from memory as afresh */
	a.fmt = "c=%u%%|%3u";
	a.nargs = 2;
	a.arg[1] = 5;
	for (int i = 0; i < 3; i++)
		CU_ASSERT_STRING_EQUAL(trace_detail(&ev, buf, sizeof(buf)),
				       "c=7%|  5");
}

/* The names' columns are remembered by pointer for names whose text never
 * changes (interned, literal): many of them, formatted in turn and again,
 * give the same text as formatting them afresh; a name in a buffer that
 * changes is never taken from memory. */
static void test_text_names_remembered(void)
{
	char want[256], buf[256], name[32], task[24];
	const char *kinds[300];

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		snprintf(name, sizeof(name), "kind.%zu", i);
		kinds[i] = trace_name(name);
	}
	for (int pass = 0; pass < 3; pass++) {
		for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
			struct trace_event ev =
				EV(.seq = i + 1,
				   .task = trace_name(i % 2 ? "t" : "worker.0"),
				   .kind = kinds[(i * 7 + (size_t)pass) %
						 ARRAY_SIZE(kinds)],
				   .func = "some_func",
				   .queue = i % 3 ? trace_name("requests.0") :
						    NULL);
			int n = snprintf(want, sizeof(want),
					 "%6u.%03u us #%-6zu %-12s %-14s "
					 "some_func%s%s",
					 0, 0, i + 1, ev.task, ev.kind,
					 ev.queue ? " q=" : "",
					 ev.queue ? ev.queue : "");

			CU_ASSERT_EQUAL(
				trace_format_text(&ev, buf, sizeof(buf)), n);
			CU_ASSERT_STRING_EQUAL(buf, want);
		}
	}
	/* the same buffer with another text: read again every time */
	for (int i = 0; i < 3; i++) {
		struct trace_event ev =
			EV(.seq = 1, .task = task, .kind = "k", .func = "f");

		snprintf(task, sizeof(task), "task-%d", i);
		snprintf(want, sizeof(want),
			 "     0.000 us #1      %-12s k              f", task);
		trace_format_text(&ev, buf, sizeof(buf));
		CU_ASSERT_STRING_EQUAL(buf, want);
	}
}

static void test_json_format_escapes(void)
{
	char buf[256];

	tt_setup();
	TRACE(.kind = "note", .func = "f", .detail = "a \"quoted\"\\\n");
	trace_format_json(trace_event_at(0), buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf,
			       "{\"seq\":1,\"time_ns\":0,\"task\":\"t1\","
			       "\"kind\":\"note\",\"func\":\"f\","
			       "\"detail\":\"a \\\"quoted\\\"\\\\\\u000a\"}");
}

static void test_unknown_opcode_prints_number(void)
{
	char buf[256];

	tt_setup();
	TRACE(.kind = "x", .func = "y", .opcode = 777);
	trace_format_text(trace_event_at(0), buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, " op=777"));
}

static void test_disabled_records_nothing(void)
{
	int evaluated = 0;

	trace_reset(false);
	TRACE(.kind = "x", .func = "y", .head = ++evaluated);
	CU_ASSERT_EQUAL(trace_count(), 0);
	CU_ASSERT_EQUAL(evaluated, 0);
}

static void test_find_and_interning(void)
{
	char name[16];

	tt_setup();
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "q%d", i % 150);
		TRACE(.kind = "k", .func = "f", .queue = name);
	}
	/* Same name, same stored copy; the caller's buffer is not kept. */
	CU_ASSERT_PTR_EQUAL(trace_event_at(0)->queue,
			    trace_event_at(150)->queue);
	CU_ASSERT_STRING_EQUAL(trace_event_at(149)->queue, "q149");
	CU_ASSERT_EQUAL(trace_find("q=q149", 0), 149);
	CU_ASSERT_EQUAL(trace_find("q=q149", 150), 299);
	CU_ASSERT_EQUAL(trace_find("no such", 0), -1);
	CU_ASSERT_PTR_NULL(trace_event_at(300));
}

static void test_long_detail_written_whole(void)
{
	char *big = malloc(2000), *buf;
	size_t size;
	FILE *f;

	tt_setup();
	memset(big, 'x', 1999);
	big[1999] = '\0';
	TRACE(.kind = "k", .func = "f", .detail = trace_fmt("%s", big));
	f = open_memstream(&buf, &size);
	trace_write_text(f);
	trace_write_jsonl(f);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, big));
	CU_ASSERT(size > 4000);
	free(buf);
	free(big);
}

static void test_detail_outlives_its_source(void)
{
	char name[16] = "myfs";
	const char *fmt;

	tt_setup();
	TRACE(.kind = "k", .func = "f", .detail = name);
	/* The object the detail came from changes (or is freed)... */
	strcpy(name, "XXXX");
	/* ...the trace still says what was true when it was emitted. */
	CU_ASSERT_STRING_EQUAL(trace_event_at(0)->detail, "myfs");
	CU_ASSERT_PTR_NOT_EQUAL(trace_event_at(0)->detail, name);
	/* A trace_fmt() result is stored once, not copied again. */
	fmt = trace_fmt("n=%d", 5);
	TRACE(.kind = "k", .func = "f", .detail = fmt);
	CU_ASSERT_PTR_EQUAL(trace_event_at(1)->detail, fmt);
	/* It lives as long as the kept events, so events in between change
	 * nothing... */
	TRACE(.kind = "k", .func = "f");
	TRACE(.kind = "k", .func = "f", .detail = fmt);
	CU_ASSERT_PTR_EQUAL(trace_event_at(3)->detail, fmt);
	/* ...but only the latest result is known as the trace's own: an
	 * older one is copied like any other string. */
	trace_fmt("m=%d", 6);
	TRACE(.kind = "k", .func = "f", .detail = fmt);
	CU_ASSERT_PTR_NOT_EQUAL(trace_event_at(4)->detail, fmt);
	CU_ASSERT_STRING_EQUAL(trace_event_at(4)->detail, "n=5");
}

/* A TRACE_FMT() detail reads exactly as printf() would print it. */
static void test_deferred_detail_matches_printf(void)
{
	char want[256], buf[256];
	const char *none = NULL;
	long long big = -1234567890123LL;
	unsigned char uc = 200;
	short sh = -3;
	size_t z = 4096;

	tt_setup();
	TRACE(.kind = "k", .func = "f",
	      .args = TRACE_FMT("%d|%5d|%-5d|%05d|%+d|% d|%u|%x", -42, 42, 42,
				-42, 7, 7, 3000000000u, 0xbeefu));
	snprintf(want, sizeof(want), "%d|%5d|%-5d|%05d|%+d|% d|%u|%x", -42, 42,
		 42, -42, 7, 7, 3000000000u, 0xbeefu);
	CU_ASSERT_STRING_EQUAL(
		trace_detail(trace_event_at(0), buf, sizeof(buf)), want);
	TRACE(.kind = "k", .func = "f",
	      .args = TRACE_FMT("%X|%#x|%02x|%#X", 0xbeefu, 255u, 5u, 0u));
	snprintf(want, sizeof(want), "%X|%#x|%02x|%#X", 0xbeefu, 255u, 5u, 0u);
	CU_ASSERT_STRING_EQUAL(
		trace_detail(trace_event_at(1), buf, sizeof(buf)), want);
	TRACE(.kind = "k", .func = "f",
	      .args = TRACE_FMT("%lld %llu %zu %hhu %hd %ld %c%% %.3d", big,
				(unsigned long long)big, z, uc, sh, -5L, 'x',
				7));
	snprintf(want, sizeof(want), "%lld %llu %zu %hhu %hd %ld %c%% %.3d",
		 big, (unsigned long long)big, z, uc, sh, -5L, 'x', 7);
	CU_ASSERT_STRING_EQUAL(
		trace_detail(trace_event_at(2), buf, sizeof(buf)), want);
	TRACE(.kind = "k", .func = "f",
	      .args = TRACE_FMT("%#o %o %-4u|%.0d|", 8u, 0u, 9u, 0));
	snprintf(want, sizeof(want), "%#o %o %-4u|%.0d|", 8u, 0u, 9u, 0);
	CU_ASSERT_STRING_EQUAL(
		trace_detail(trace_event_at(3), buf, sizeof(buf)), want);
	TRACE(.kind = "k", .func = "f",
	      .args = TRACE_FMT("[%s] [%6s] [%-6s] [%.2s] [%s]", "ab", "ab",
				"ab", "abc", none));
	CU_ASSERT_STRING_EQUAL(trace_detail(trace_event_at(4), buf,
					    sizeof(buf)),
			       "[ab] [    ab] [ab    ] [ab] [(null)]");
	/* truncated like snprintf(), the text form too */
	CU_ASSERT_STRING_EQUAL(trace_detail(trace_event_at(4), buf, 5), "[ab]");
	CU_ASSERT_EQUAL(trace_format_text(trace_event_at(4), buf, 10),
			(int)strlen("     0.000 us #5      t1           k     "
				    "         f [ab] [    ab] [ab    ] [ab] "
				    "[(null)]"));
	CU_ASSERT_EQUAL(strlen(buf), 9);
	/* an event without a detail has none */
	TRACE(.kind = "k", .func = "f");
	CU_ASSERT_PTR_NULL(trace_detail(trace_event_at(5), buf, sizeof(buf)));
}

/* A deferred detail is formatted when read, from what was true when it
 * was emitted; literals are kept as they are, other strings copied. */
static void test_deferred_strings_are_captured(void)
{
	char name[16] = "myfs", buf[128];
	const char *lit = "literal";

	tt_setup();
	TRACE(.kind = "k", .func = "f",
	      .args = TRACE_FMT("%s/%s/%d", name, lit, 3));
	strcpy(name, "XXXX");
	CU_ASSERT_STRING_EQUAL(trace_detail(trace_event_at(0), buf,
					    sizeof(buf)),
			       "myfs/literal/3");
	CU_ASSERT_PTR_NULL(trace_event_at(0)->detail);
	CU_ASSERT_PTR_EQUAL(
		(const char *)(uintptr_t)trace_event_at(0)->args->arg[1], lit);
	CU_ASSERT_PTR_NOT_EQUAL(
		(const char *)(uintptr_t)trace_event_at(0)->args->arg[0], name);
	/* a plain detail that is a literal is not copied either */
	TRACE(.kind = "k", .func = "f", .detail = lit);
	CU_ASSERT_PTR_EQUAL(trace_event_at(1)->detail, lit);
	/* JSON escapes a deferred detail as any other */
	TRACE(.kind = "k", .func = "f", .args = TRACE_FMT("a\"%s", "\n"));
	trace_format_json(trace_event_at(2), buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"detail\":\"a\\\"\\u000a\"}"));
}

/* Names interned once for the process: equal names, equal pointers. */
static void test_names(void)
{
	char buf[16] = "vfsd/x";
	const char *n = trace_name(buf);

	CU_ASSERT_PTR_NOT_EQUAL(n, buf);
	CU_ASSERT_STRING_EQUAL(n, "vfsd/x");
	strcpy(buf, "other");
	CU_ASSERT_PTR_EQUAL(trace_name("vfsd/x"), n);
	CU_ASSERT_PTR_NULL(trace_name(NULL));
	/* a queue name in a buffer is recorded as the interned copy */
	tt_setup();
	strcpy(buf, "vfsd/x");
	TRACE(.kind = "k", .func = "f", .queue = buf);
	CU_ASSERT_PTR_EQUAL(trace_event_at(0)->queue, n);
}

static void test_explicit_task_overrides_context(void)
{
	tt_setup();
	TRACE(.kind = "k", .func = "f", .task = "device");
	CU_ASSERT_STRING_EQUAL(trace_event_at(0)->task, "device");
	trace_set_context(NULL, NULL);
	TRACE(.kind = "k", .func = "f");
	CU_ASSERT_STRING_EQUAL(trace_event_at(1)->task, "-");
	CU_ASSERT_EQUAL(trace_event_at(1)->time_ns, 0);
}

VT_SUITE(sim_trace, tt_setup, tt_teardown, VT_CASE(test_text_format),
	 VT_CASE(test_text_head_counted_up),
	 VT_CASE(test_changing_format_read_afresh),
	 VT_CASE(test_text_columns_match_printf),
	 VT_CASE(test_text_names_remembered), VT_CASE(test_json_format_escapes),
	 VT_CASE(test_unknown_opcode_prints_number),
	 VT_CASE(test_disabled_records_nothing),
	 VT_CASE(test_find_and_interning),
	 VT_CASE(test_long_detail_written_whole),
	 VT_CASE(test_detail_outlives_its_source),
	 VT_CASE(test_explicit_task_overrides_context),
	 VT_CASE(test_deferred_detail_matches_printf),
	 VT_CASE(test_deferred_strings_are_captured), VT_CASE(test_names));
