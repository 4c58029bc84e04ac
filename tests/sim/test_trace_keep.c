// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_trace_keep.c - what the trace keeps and hashes: the hash's
 * determinism and what it covers (not addresses), hashing with nothing
 * kept, a site's names in the hash, memory with nothing kept, the
 * budget, and a trace started on the blocks the last one left.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sim/kernel/types.h"
#include "sim/trace/trace.h"
#include "tests/harness.h"
#include "tests/sim/test_trace.h"

static void test_hash_is_deterministic_and_sensitive(void)
{
	u64 h1, h2, h3;

	tt_setup();
	tt_emit_sample();
	h1 = trace_hash();
	tt_setup();
	tt_emit_sample();
	h2 = trace_hash();
	CU_ASSERT_EQUAL(h1, h2);
	tt_setup();
	tt_fake_now = 12346;
	TRACE(.kind = "vq.add", .func = "virtqueue_add_sgs",
	      .queue = "requests.0", .head = 3, .avail_idx = 4, .unique = 8,
	      .opcode = 3, .detail = "out=2 in=1");
	h3 = trace_hash();
	CU_ASSERT_NOT_EQUAL(h1, h3);
}

static void test_keep_off_still_hashes(void)
{
	u64 kept_hash;

	tt_setup();
	for (int i = 0; i < 100; i++)
		TRACE(.kind = "k", .func = "f", .head = i);
	kept_hash = trace_hash();
	tt_setup();
	trace_set_keep(false);
	for (int i = 0; i < 100; i++)
		TRACE(.kind = "k", .func = "f", .head = i);
	CU_ASSERT_EQUAL(trace_kept(), 0);
	CU_ASSERT_EQUAL(trace_count(), 100);
	CU_ASSERT_EQUAL(trace_hash(), kept_hash);
	trace_set_keep(true);
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

	tt_setup();
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
	tt_setup();
	trace_set_keep(false);
	emit_names("k", "f", "q0");
	emit_names("k", "f", "q0");
	kept = trace_hash();
	tt_setup();
	trace_set_keep(false);
	emit_names("k", "f", "q0");
	emit_names("k", "f", "q1");
	CU_ASSERT_NOT_EQUAL(trace_hash(), kept);
}

/* The hash covers strings by their contents, not where they are. */
static void test_hash_ignores_addresses(void)
{
	char a[16] = "requests.0", b[32] = "requests.0";
	u64 h1, h2, h3;

	tt_setup();
	TRACE(.kind = "k", .func = "f", .queue = a,
	      .args = TRACE_FMT("%s %u", a, 1u));
	h1 = trace_hash();
	tt_setup();
	TRACE(.kind = "k", .func = "f", .queue = b,
	      .args = TRACE_FMT("%s %u", b, 1u));
	h2 = trace_hash();
	CU_ASSERT_EQUAL(h1, h2);
	tt_setup();
	TRACE(.kind = "k", .func = "f", .queue = b,
	      .args = TRACE_FMT("%s %u", b, 2u));
	h3 = trace_hash();
	CU_ASSERT_NOT_EQUAL(h1, h3);
}

/* Keeping nothing, a run takes no memory however long it is. */
static void test_keep_off_takes_no_memory(void)
{
	char name[8] = "q";

	tt_setup();
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

	tt_setup();
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
	tt_setup();
	CU_ASSERT_FALSE(trace_over_budget);
	for (int i = 0; i < 10000; i++)
		TRACE(.kind = "k", .func = "f", .args = TRACE_FMT("%d", i));
	/* the hash does not depend on what was kept */
	CU_ASSERT_EQUAL(trace_hash(), h);
	CU_ASSERT_EQUAL(trace_kept(), 10000);
	trace_set_budget(TRACE_DEFAULT_BUDGET);
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

VT_SUITE(sim_trace_keep, tt_setup, tt_teardown, VT_CASE(test_reuse_is_fresh),
	 VT_CASE(test_hash_is_deterministic_and_sensitive),
	 VT_CASE(test_keep_off_still_hashes), VT_CASE(test_site_names_hash),
	 VT_CASE(test_hash_ignores_addresses),
	 VT_CASE(test_keep_off_takes_no_memory), VT_CASE(test_budget));
