// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_trace.c - the trace: formatting, hashing, keeping, finding, sinks.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/kernel/types.h"
#include "sim/trace/trace.h"
#include "tests/harness.h"

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
	/* But only the latest one: an older result is copied like any
	 * other string. */
	TRACE(.kind = "k", .func = "f", .detail = fmt);
	CU_ASSERT_PTR_NOT_EQUAL(trace_event_at(2)->detail, fmt);
	CU_ASSERT_STRING_EQUAL(trace_event_at(2)->detail, "n=5");
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

VT_SUITE(sim_trace, setup, teardown, VT_CASE(test_text_format),
	 VT_CASE(test_json_format_escapes),
	 VT_CASE(test_unknown_opcode_prints_number),
	 VT_CASE(test_hash_is_deterministic_and_sensitive),
	 VT_CASE(test_disabled_records_nothing),
	 VT_CASE(test_keep_off_still_hashes), VT_CASE(test_find_and_interning),
	 VT_CASE(test_sink_sees_every_event),
	 VT_CASE(test_long_detail_written_whole),
	 VT_CASE(test_detail_outlives_its_source),
	 VT_CASE(test_explicit_task_overrides_context));
