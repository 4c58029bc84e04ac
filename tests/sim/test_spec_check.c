// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_spec_check.c - the side-effect-free checkers of sim: fault_plan_check()
 * and sched_policy_parse(). Each must accept and reject exactly what its
 * installing twin (fault_plan_parse(), sched_set_policy()) does, with the
 * same errno and message, and change no global state.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim/kernel/fault.h"
#include "sim/kernel/sched.h"
#include "tests/harness.h"

static uint64_t rng_state;

/* splitmix64: seeded, so every run builds the same rules */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static const char *const fault_rules[] = {
	"kmalloc:nth=3",
	"kmalloc:every",
	"vq.full:from=2,count=5",
	"vq.full:from=2",
	"kmalloc:site=virtio_fs_enqueue_req",
	"kmalloc:site=f,nth=2",
	"kmalloc:every,site=f",
	"kmalloc:nth=0",
	"kmalloc:count=2",
	"kmalloc:nth=1,every",
	"kmalloc:from=1,nth=1",
	"kmalloc:",
	":nth=1",
	"kmalloc",
	"kmalloc:nth=",
	"kmalloc:nth=x",
	"kmalloc:site=",
	"kmalloc:every=1",
	"kmalloc:nth=1,,every",
	"kmalloc:nth=1,",
	"kmalloc:count=0,from=1",
	"kmalloc:from=0",
	"kmalloc:nth=18446744073709551616",
	"kmalloc:nth=18446744073709551615",
	"a234567890123456789012345678901:every",
	"a2345678901234567890123456789012:every",
	"k:site=a23456789012345678901234567890123456789012345678901234567890123",
	"k:site=a234567890123456789012345678901234567890123456789012345678901234",
	"k:bogus=1",
	"k:site=a:b=c",
	"a:every;b:nth=2",
	"a:every;",
	";a:every",
	"",
};

/* check and parse agree on @spec: result, message; check changes nothing */
static bool fault_agree(const char *spec)
{
	char msg[FAULT_ERR_MAX], before[FAULT_ERR_MAX];
	int mine, theirs;

	fault_reset();
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:nth=1;x:every,y=1"), -EINVAL);
	snprintf(before, sizeof(before), "%s", fault_error());
	mine = fault_plan_check(spec, msg, sizeof(msg));
	/* the checker touched neither the plan nor fault_error() */
	CU_ASSERT_EQUAL(fault_nr_rules(), 0);
	CU_ASSERT_STRING_EQUAL(fault_error(), before);
	theirs = fault_plan_parse(spec);
	CU_ASSERT_STRING_EQUAL(msg, fault_error());
	fault_reset();
	if (mine != theirs)
		fprintf(stderr, "fault rule '%s': check %d, plan %d\n", spec,
			mine, theirs);
	return mine == theirs;
}

static void test_fault_check_agrees(void)
{
	static const char alpha[] = "k:nth=every,fromcountsite1230;";
	char rule[32];
	unsigned agree = 0, total = 0, ok = 0;

	rng_state = 7;
	for (size_t i = 0; i < ARRAY_SIZE(fault_rules) + 2000; i++) {
		const char *r = rule;

		if (i < ARRAY_SIZE(fault_rules)) {
			r = fault_rules[i];
		} else {
			size_t n = 1 + (size_t)(rnd() % (sizeof(rule) - 1));

			for (size_t j = 0; j < n; j++)
				rule[j] = alpha[rnd() % (sizeof(alpha) - 1)];
			rule[n] = 0;
		}
		total++;
		agree += fault_agree(r);
		ok += fault_plan_check(r, NULL, 0) == 0;
	}
	CU_ASSERT_EQUAL(agree, total);
	CU_ASSERT(ok > 0 && ok < total);
}

/* Every error path of fault_plan_check(), by errno and message. */
static void test_fault_check_errors(void)
{
	static const struct {
		const char *spec;
		int err;
		const char *msg;
	} cases[] = {
		{ "", -EINVAL, "fault plan: empty" },
		{ "kmalloc", -EINVAL, "expected point:rule at \"kmalloc\"" },
		{ ":every", -EINVAL, "expected point:rule" },
		{ "a2345678901234567890123456789012:every", -ENAMETOOLONG,
		  "point name too long" },
		{ "k:", -EINVAL, "empty item at \"k:\"" },
		{ "k:every,,nth=1", -EINVAL, "empty item" },
		{ "k:every,every", -EINVAL, "more than one mode" },
		{ "k:nth=1,nth=2", -EINVAL, "more than one mode" },
		{ "k:every,from=1", -EINVAL, "more than one mode" },
		{ "k:site", -EINVAL, "expected key=value at \"site\"" },
		{ "k:site=", -EINVAL, "empty site" },
		{ "k:site=a234567890123456789012345678901234567890123456789012"
		  "345678901234",
		  -ENAMETOOLONG, "site name too long" },
		{ "k:when=1", -EINVAL, "unknown key" },
		{ "k:nth=x", -EINVAL, "not a number at \"nth=x\"" },
		{ "k:nth=0", -ERANGE, "number must be 1..2^64-1" },
		{ "k:from=18446744073709551616", -ERANGE,
		  "number must be 1..2^64-1" },
		{ "k:count=2", -EINVAL, "count needs from" },
		{ "kmalloc:every;", -EINVAL,
		  "trailing ';' at \"kmalloc:every;\"" },
	};
	char msg[160];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int err = fault_plan_check(cases[i].spec, msg, sizeof(msg));

		CU_ASSERT_EQUAL(err, cases[i].err);
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, cases[i].msg));
		CU_ASSERT_EQUAL(strncmp(msg, "fault plan: ", 12), 0);
		if (err != cases[i].err || !strstr(msg, cases[i].msg))
			fprintf(stderr, "'%s': %d %s\n", cases[i].spec, err,
				msg);
	}
	CU_ASSERT_EQUAL(fault_plan_check(NULL, msg, sizeof(msg)), -EINVAL);
	CU_ASSERT_STRING_EQUAL(msg, "fault plan: empty");
	/* no buffer: the verdict alone */
	CU_ASSERT_EQUAL(fault_plan_check("k:nth=0", NULL, 0), -ERANGE);
	/* success empties the message */
	CU_ASSERT_EQUAL(fault_plan_check("kmalloc:every;dev.die:site=READ", msg,
					 sizeof(msg)),
			0);
	CU_ASSERT_STRING_EQUAL(msg, "");
}

/* The rule limit counts the checked string alone, unlike the plan's. */
static void test_fault_check_rule_limit(void)
{
	char spec[FAULT_MAX_RULES * 14 + 32], msg[160];
	size_t len = 0;

	fault_reset();
	for (unsigned i = 0; i < FAULT_MAX_RULES; i++)
		len += (size_t)snprintf(spec + len, sizeof(spec) - len,
					"%sdev.die:every", i ? ";" : "");
	CU_ASSERT_EQUAL(fault_plan_check(spec, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(fault_plan_parse("kmalloc:every"), 0);
	/* the plan already holds one rule: the same string no longer fits */
	CU_ASSERT_EQUAL(fault_plan_parse(spec), -ENOSPC);
	CU_ASSERT_EQUAL(fault_plan_check(spec, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(fault_nr_rules(), 1);
	snprintf(spec + len, sizeof(spec) - len, ";dev.die:every");
	CU_ASSERT_EQUAL(fault_plan_check(spec, msg, sizeof(msg)), -ENOSPC);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "too many rules"));
	fault_reset();
}

static const char *const policies[] = {
	"fifo",
	"random:0",
	"random:42",
	"random:",
	"random:x",
	"random:18446744073709551615",
	"random:18446744073709551616",
	"replay:",
	"replay:0",
	"replay:1,2,3",
	"replay:1,,2",
	"replay:1,",
	"replay:,1",
	"replay:4294967295",
	"replay:4294967296",
	"replay:0x1",
	"lifo",
	"fifo:1",
	"random",
};

/* sched_policy_parse() and sched_set_policy() agree on every string. */
static void test_policy_parse_agrees(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
		struct sched_policy_spec ps;
		char msg[128];
		int mine, theirs;

		mine = sched_policy_parse(policies[i], &ps, msg, sizeof(msg));
		CU_ASSERT_FALSE(sched_ready()); /* parsing needs no scheduler */
		sched_policy_spec_free(&ps);
		CU_ASSERT_EQUAL_FATAL(sched_init(NULL), 0);
		theirs = sched_set_policy(policies[i]);
		CU_ASSERT_STRING_EQUAL(msg, sched_policy_error());
		sched_exit();
		if (mine != theirs)
			fprintf(stderr, "policy '%s': parse %d, sched %d\n",
				policies[i], mine, theirs);
		CU_ASSERT_EQUAL(mine, theirs);
	}
}

static void test_policy_parse_values(void)
{
	struct sched_policy_spec ps;
	char msg[128];

	CU_ASSERT_EQUAL(sched_policy_parse("fifo", &ps, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(ps.kind, SCHED_POLICY_FIFO);
	CU_ASSERT_STRING_EQUAL(msg, "");
	CU_ASSERT_EQUAL(sched_policy_parse("random:18446744073709551615", &ps,
					   msg, sizeof(msg)),
			0);
	CU_ASSERT_EQUAL(ps.kind, SCHED_POLICY_RANDOM);
	CU_ASSERT_EQUAL(ps.seed, UINT64_MAX);
	CU_ASSERT_EQUAL(
		sched_policy_parse("replay:3,0,4294967295", &ps, NULL, 0), 0);
	CU_ASSERT_EQUAL(ps.kind, SCHED_POLICY_REPLAY);
	CU_ASSERT_EQUAL_FATAL(ps.nr, 3);
	CU_ASSERT_EQUAL(ps.replay[0], 3);
	CU_ASSERT_EQUAL(ps.replay[1], 0);
	CU_ASSERT_EQUAL(ps.replay[2], 4294967295u);
	sched_policy_spec_free(&ps);
	CU_ASSERT_PTR_NULL(ps.replay);
	CU_ASSERT_EQUAL(ps.nr, 0);
	CU_ASSERT_EQUAL(sched_policy_parse("replay:", &ps, NULL, 0), 0);
	CU_ASSERT_EQUAL(ps.kind, SCHED_POLICY_REPLAY);
	CU_ASSERT_EQUAL(ps.nr, 0);
	CU_ASSERT_PTR_NULL(ps.replay);
	sched_policy_spec_free(&ps);
}

/* Every error path: errno, message, and the kind recognised before it. */
static void test_policy_parse_errors(void)
{
	static const struct {
		const char *spec;
		int err;
		enum sched_policy_kind kind;
		const char *msg;
	} cases[] = {
		{ NULL, -EINVAL, SCHED_POLICY_NONE, "no policy given: \"\"" },
		{ "lifo", -EINVAL, SCHED_POLICY_NONE,
		  "unknown policy (fifo, random:SEED, replay:I,J,...): "
		  "\"lifo\"" },
		{ "random:", -EINVAL, SCHED_POLICY_RANDOM,
		  "random seed is not a number: \"random:\"" },
		{ "random:1x", -EINVAL, SCHED_POLICY_RANDOM,
		  "random seed is not a number" },
		{ "random:18446744073709551616", -ERANGE, SCHED_POLICY_RANDOM,
		  "random seed out of range" },
		{ "replay:1,,2", -EINVAL, SCHED_POLICY_REPLAY,
		  "replay list is not I,J,... of numbers" },
		{ "replay:1,2,", -EINVAL, SCHED_POLICY_REPLAY,
		  "replay list is not I,J,... of numbers" },
		{ "replay:1,4294967296", -ERANGE, SCHED_POLICY_REPLAY,
		  "replay choice out of range: \"replay:1,4294967296\"" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct sched_policy_spec ps;
		char msg[128];
		int err = sched_policy_parse(cases[i].spec, &ps, msg,
					     sizeof(msg));

		CU_ASSERT_EQUAL(err, cases[i].err);
		CU_ASSERT_EQUAL(ps.kind, cases[i].kind);
		/* a failure leaves no list behind */
		CU_ASSERT_PTR_NULL(ps.replay);
		CU_ASSERT_EQUAL(ps.nr, 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(msg, cases[i].msg));
	}
	/* no buffer: the verdict alone */
	{
		struct sched_policy_spec ps;

		CU_ASSERT_EQUAL(sched_policy_parse("random:x", &ps, NULL, 0),
				-EINVAL);
	}
}

/* A failed sched_set_policy() keeps the installed policy. */
static void test_set_policy_failure_keeps_policy(void)
{
	CU_ASSERT_EQUAL_FATAL(sched_init(NULL), 0);
	CU_ASSERT_EQUAL(sched_set_policy("replay:1,0"), 0);
	CU_ASSERT_STRING_EQUAL(sched_policy_name(), "replay");
	CU_ASSERT_STRING_EQUAL(sched_policy_error(), "");
	CU_ASSERT_EQUAL(sched_set_policy("random:x"), -EINVAL);
	CU_ASSERT_STRING_EQUAL(sched_policy_name(), "replay");
	CU_ASSERT_EQUAL(sched_set_policy("random:5"), 0);
	CU_ASSERT_STRING_EQUAL(sched_policy_name(), "random");
	CU_ASSERT_EQUAL(sched_set_policy("fifo"), 0);
	CU_ASSERT_STRING_EQUAL(sched_policy_name(), "fifo");
	sched_exit();
}

VT_SUITE(sim_spec_check, NULL, NULL, VT_CASE(test_fault_check_agrees),
	 VT_CASE(test_fault_check_errors), VT_CASE(test_fault_check_rule_limit),
	 VT_CASE(test_policy_parse_agrees), VT_CASE(test_policy_parse_values),
	 VT_CASE(test_policy_parse_errors),
	 VT_CASE(test_set_policy_failure_keeps_policy));
