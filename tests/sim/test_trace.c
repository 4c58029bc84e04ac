// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_trace.c - the trace: formatting, hashing, keeping, finding, sinks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kernel/types.h"
#include "sim/trace/trace.h"
#include "tests/harness.h"
#include "tests/sim/trace_event.h"

static u64 fake_now;
static const char *fake_task = "t1";

static u64 now(void)
{
	return fake_now;
}

static const char *task_name(void)
{
	return fake_task;
}

static int setup(void)
{
	trace_reset(true);
	fake_now = 0;
	trace_set_keep(true);
	trace_set_context(now, task_name);
	return 0;
}

static int teardown(void)
{
	trace_set_context(NULL, NULL);
	trace_set_sink(NULL, NULL);
	trace_reset(false);
	return 0;
}

static void emit_sample(void)
{
	fake_now = 12345;
	TRACE(.kind = "vq.add", .func = "virtqueue_add_sgs",
	      .queue = "requests.0", .head = 3, .avail_idx = 4, .unique = 8,
	      .opcode = 3, .detail = trace_fmt("out=%d in=%d", 2, 1));
}

static void test_text_format(void)
{
	char buf[256];

	setup();
	emit_sample();
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

	setup();
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

	setup();
	TRACE(.kind = "x", .func = "y", .opcode = 777);
	trace_format_text(trace_event_at(0), buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, " op=777"));
}

static void test_hash_is_deterministic_and_sensitive(void)
{
	u64 h1, h2, h3;

	setup();
	emit_sample();
	h1 = trace_hash();
	setup();
	emit_sample();
	h2 = trace_hash();
	CU_ASSERT_EQUAL(h1, h2);
	setup();
	fake_now = 12346;
	TRACE(.kind = "vq.add", .func = "virtqueue_add_sgs",
	      .queue = "requests.0", .head = 3, .avail_idx = 4, .unique = 8,
	      .opcode = 3, .detail = "out=2 in=1");
	h3 = trace_hash();
	CU_ASSERT_NOT_EQUAL(h1, h3);
}

static void test_disabled_records_nothing(void)
{
	int evaluated = 0;

	trace_reset(false);
	TRACE(.kind = "x", .func = "y", .head = ++evaluated);
	CU_ASSERT_EQUAL(trace_count(), 0);
	CU_ASSERT_EQUAL(evaluated, 0);
}

static void test_keep_off_still_hashes(void)
{
	u64 kept_hash;

	setup();
	for (int i = 0; i < 100; i++)
		TRACE(.kind = "k", .func = "f", .head = i);
	kept_hash = trace_hash();
	setup();
	trace_set_keep(false);
	for (int i = 0; i < 100; i++)
		TRACE(.kind = "k", .func = "f", .head = i);
	CU_ASSERT_EQUAL(trace_kept(), 0);
	CU_ASSERT_EQUAL(trace_count(), 100);
	CU_ASSERT_EQUAL(trace_hash(), kept_hash);
	trace_set_keep(true);
}

static void test_find_and_interning(void)
{
	char name[16];

	setup();
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

	setup();
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

	setup();
	trace_set_keep(false);
	for (int i = 0; i < 4; i++) {
		emit_kind("a");
		emit_kind("b");
	}
	h = trace_hash();

	setup();
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

/* One call site whose names change from event to event. */
static void emit_names(const char *kind, const char *func, const char *queue)
{
	TRACE_ANY(.kind = kind, .func = func, .queue = queue, .head = 1);
}

/* A run of @keep's events from sites whose names vary (NULL, literals,
 * a buffer's text): the hash. */
static u64 varying_names_hash(bool keep)
{
	char buf[16];

	setup();
	trace_set_keep(keep);
	for (int i = 0; i < 6; i++) {
		snprintf(buf, sizeof(buf), "q%d", i % 2);
		emit_names("k", "f", NULL);
		emit_names("k", i % 3 ? "f" : "g", "q0");
		emit_names(NULL, "f", buf);
		emit_names("k", NULL, i % 2 ? NULL : "q1");
		TRACE(.kind = "k", .func = "f", .queue = buf);
	}
	return trace_hash();
}

/* A site remembers what its names add to the hash; the kept events are
 * hashed from their strings when the hash is asked for, without it: the
 * two agree whatever the names do. */
static void test_site_names_hash(void)
{
	u64 kept = varying_names_hash(true);

	CU_ASSERT_EQUAL(varying_names_hash(false), kept);
	/* and a name's change is seen */
	setup();
	trace_set_keep(false);
	emit_names("k", "f", "q0");
	emit_names("k", "f", "q0");
	kept = trace_hash();
	setup();
	trace_set_keep(false);
	emit_names("k", "f", "q0");
	emit_names("k", "f", "q1");
	CU_ASSERT_NOT_EQUAL(trace_hash(), kept);
}

static void test_long_detail_written_whole(void)
{
	char *big = malloc(2000), *buf;
	size_t size;
	FILE *f;

	setup();
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

	setup();
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

	setup();
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

	setup();
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

/* The hash covers strings by their contents, not where they are. */
static void test_hash_ignores_addresses(void)
{
	char a[16] = "requests.0", b[32] = "requests.0";
	u64 h1, h2, h3;

	setup();
	TRACE(.kind = "k", .func = "f", .queue = a,
	      .args = TRACE_FMT("%s %u", a, 1u));
	h1 = trace_hash();
	setup();
	TRACE(.kind = "k", .func = "f", .queue = b,
	      .args = TRACE_FMT("%s %u", b, 1u));
	h2 = trace_hash();
	CU_ASSERT_EQUAL(h1, h2);
	setup();
	TRACE(.kind = "k", .func = "f", .queue = b,
	      .args = TRACE_FMT("%s %u", b, 2u));
	h3 = trace_hash();
	CU_ASSERT_NOT_EQUAL(h1, h3);
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
	setup();
	strcpy(buf, "vfsd/x");
	TRACE(.kind = "k", .func = "f", .queue = buf);
	CU_ASSERT_PTR_EQUAL(trace_event_at(0)->queue, n);
}

/* Keeping nothing, a run takes no memory however long it is. */
static void test_keep_off_takes_no_memory(void)
{
	char name[8] = "q";

	setup();
	trace_set_keep(false);
	CU_ASSERT_FALSE(trace_keeping());
	for (int i = 0; i < 100000; i++)
		TRACE(.kind = "k", .func = "f", .queue = name,
		      .args = TRACE_FMT("%d %s", i, name));
	CU_ASSERT_EQUAL(trace_memory(), 0);
	CU_ASSERT_EQUAL(trace_count(), 100000);
	trace_set_keep(true);
}

/* Over its budget the trace keeps no more, and says so. */
static void test_budget(void)
{
	uint64_t h;

	setup();
	CU_ASSERT_EQUAL(trace_budget(), TRACE_DEFAULT_BUDGET);
	trace_set_budget(200000);
	for (int i = 0; i < 10000; i++)
		TRACE(.kind = "k", .func = "f", .args = TRACE_FMT("%d", i));
	CU_ASSERT_TRUE(trace_over_budget);
	CU_ASSERT_FALSE(trace_keeping());
	CU_ASSERT(trace_kept() > 1000 && trace_kept() < 10000);
	CU_ASSERT_EQUAL(trace_count(), 10000);
	/* the overshoot is at most one storage chunk */
	CU_ASSERT(trace_memory() <= 200000 + 1024 * sizeof(struct trace_event));
	h = trace_hash();
	trace_set_budget(0);
	setup();
	CU_ASSERT_FALSE(trace_over_budget);
	for (int i = 0; i < 10000; i++)
		TRACE(.kind = "k", .func = "f", .args = TRACE_FMT("%d", i));
	/* the hash does not depend on what was kept */
	CU_ASSERT_EQUAL(trace_hash(), h);
	CU_ASSERT_EQUAL(trace_kept(), 10000);
	trace_set_budget(TRACE_DEFAULT_BUDGET);
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

	setup();
	trace_set_keep(false);
	trace_set_sink(detail_sink, NULL);
	TRACE(.kind = "k", .func = "f", .args = TRACE_FMT("n=%s", name));
	trace_set_sink(NULL, NULL);
	CU_ASSERT_STRING_EQUAL(sink_detail, "n=abc");
	trace_set_keep(true);
}

static void test_explicit_task_overrides_context(void)
{
	setup();
	TRACE(.kind = "k", .func = "f", .task = "device");
	CU_ASSERT_STRING_EQUAL(trace_event_at(0)->task, "device");
	trace_set_context(NULL, NULL);
	TRACE(.kind = "k", .func = "f");
	CU_ASSERT_STRING_EQUAL(trace_event_at(1)->task, "-");
	CU_ASSERT_EQUAL(trace_event_at(1)->time_ns, 0);
}

/* A trace started on the blocks the last one left (trace_reuse()) is
 * the trace a fresh one is: the same events, texts, hash and memory
 * count, over more than one block of events and of strings. */
static void trace_some(uint64_t *hash, char *first, size_t size)
{
	trace_reset(true);
	for (int i = 0; i < 3000; i++)
		TRACE(.kind = "vq.add", .func = "virtqueue_add_sgs",
		      .unique = (u64)i,
		      .detail = trace_fmt("%d: %0*d", i, 60, i));
	*hash = trace_hash();
	CU_ASSERT_EQUAL(trace_kept(), 3000);
	trace_format_text(trace_event_at(2999), first, size);
}

static void test_reuse_is_fresh(void)
{
	char fresh[256], reused[256], again[256];
	uint64_t h1, h2, h3, mem;

	trace_some(&h1, fresh, sizeof(fresh));
	mem = trace_memory();
	trace_reuse(true);
	trace_some(&h2, reused, sizeof(reused));
	CU_ASSERT_EQUAL(trace_memory(), mem);
	trace_some(&h3, again, sizeof(again));
	trace_reuse(false);
	CU_ASSERT_EQUAL(h1, h2);
	CU_ASSERT_EQUAL(h1, h3);
	CU_ASSERT_STRING_EQUAL(fresh, reused);
	CU_ASSERT_STRING_EQUAL(fresh, again);
	CU_ASSERT_PTR_NOT_NULL(strstr(fresh, "2999: 0000"));
}

VT_SUITE(sim_trace, setup, teardown, VT_CASE(test_reuse_is_fresh),
	 VT_CASE(test_text_format), VT_CASE(test_text_head_counted_up),
	 VT_CASE(test_changing_format_read_afresh),
	 VT_CASE(test_text_columns_match_printf),
	 VT_CASE(test_text_names_remembered), VT_CASE(test_json_format_escapes),
	 VT_CASE(test_unknown_opcode_prints_number),
	 VT_CASE(test_hash_is_deterministic_and_sensitive),
	 VT_CASE(test_disabled_records_nothing),
	 VT_CASE(test_keep_off_still_hashes), VT_CASE(test_find_and_interning),
	 VT_CASE(test_sink_sees_every_event), VT_CASE(test_sink_filter),
	 VT_CASE(test_site_names_hash), VT_CASE(test_long_detail_written_whole),
	 VT_CASE(test_detail_outlives_its_source),
	 VT_CASE(test_explicit_task_overrides_context),
	 VT_CASE(test_deferred_detail_matches_printf),
	 VT_CASE(test_deferred_strings_are_captured),
	 VT_CASE(test_hash_ignores_addresses), VT_CASE(test_names),
	 VT_CASE(test_keep_off_takes_no_memory), VT_CASE(test_budget),
	 VT_CASE(test_sink_reads_deferred_detail));
