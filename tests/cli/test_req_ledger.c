// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_req_ledger.c - "every request ends exactly once": the ledger fed
 * with made-up events (each way to break the invariant, connections,
 * unmount, a settled machine, the report's size), and the invariant in
 * real runs: silent on every scenario that shows no bug, loud where a
 * request is lost. (A timed-out connection's requests end when it is
 * aborted, so no correct run leaves one open at unmount: that path is
 * checked with made-up events only.)
 */
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_proto/fuse_proto.h"
#include "sim/kernel/check.h"
#include "sim/cli/exec.h"
#include "sim/cli/req_ledger.h"
#include "tests/harness.h"

#define EV(...)                                 \
	((struct trace_event){ .head = -1,      \
			       .avail_idx = -1, \
			       .used_idx = -1,  \
			       .opcode = -1,    \
			       __VA_ARGS__ })

static u64 seq;

static void send(struct req_ledger *l, u64 unique, s32 op)
{
	struct trace_event ev = EV(.kind = "virtio_fs.send", .unique = unique,
				   .opcode = op, .seq = ++seq);

	req_ledger_event(l, &ev);
}

static void end(struct req_ledger *l, u64 unique, s32 op, const char *detail)
{
	struct trace_event ev = EV(.kind = "fuse.end", .unique = unique,
				   .opcode = op, .seq = ++seq,
				   .detail = detail);

	req_ledger_event(l, &ev);
}

static void op_result(struct req_ledger *l, const char *func,
		      const char *detail)
{
	struct trace_event ev = EV(.kind = "scn.op", .func = func,
				   .detail = detail, .seq = ++seq);

	req_ledger_event(l, &ev);
}

/* The pending message, or "" when the invariant holds. */
static const char *verdict(struct req_ledger *l)
{
	const char *m = req_ledger_check(l);

	return m ? m : "";
}

static void test_holds(void)
{
	struct req_ledger *l = req_ledger_new();

	seq = 0;
	send(l, 2, FUSE_INIT);
	send(l, 4, FUSE_GETATTR);
	CU_ASSERT_EQUAL(req_ledger_open(l), 2);
	end(l, 2, FUSE_INIT, NULL);
	end(l, 4, FUSE_GETATTR, "ENOTCONN");
	/* events the ledger does not follow */
	send(l, 6, FUSE_FORGET);
	send(l, 0, FUSE_GETATTR);
	send(l, REQ_LEDGER_MAX_UNIQUE, FUSE_GETATTR);
	end(l, 0, FUSE_GETATTR, NULL);
	req_ledger_event(l, &EV(.kind = NULL, .unique = 8));
	req_ledger_event(l, &EV(.kind = "vq.add", .unique = 8));
	op_result(l, "getattr", "op 2 /: 0");
	op_result(l, NULL, "op 3: 0");
	CU_ASSERT_TRUE(req_ledger_follows("virtio_fs.send"));
	CU_ASSERT_TRUE(req_ledger_follows("fuse.end"));
	CU_ASSERT_FALSE(req_ledger_follows("scn.op"));
	CU_ASSERT_FALSE(req_ledger_follows(NULL));
	CU_ASSERT_EQUAL(req_ledger_open(l), 0);
	CU_ASSERT_EQUAL(req_ledger_connections(l), 1);
	CU_ASSERT_PTR_NULL(req_ledger_check(l));
	CU_ASSERT_EQUAL(req_ledger_violations(l), 0);
	req_ledger_free(l);
	req_ledger_free(NULL);
}

static void test_ended_twice_and_never_sent(void)
{
	struct req_ledger *l = req_ledger_new();

	seq = 0;
	send(l, 2, FUSE_INIT);	       /* #1 */
	end(l, 2, FUSE_INIT, NULL);    /* #2 */
	end(l, 2, FUSE_INIT, "again"); /* #3 */
	CU_ASSERT_STRING_EQUAL(verdict(l), "INIT unique=2 (connection 1) ended "
					   "twice: again at #3");
	end(l, 40, FUSE_LOOKUP, NULL); /* #4 */
	CU_ASSERT_STRING_EQUAL(verdict(l), "LOOKUP unique=40 ended at #4 but "
					   "was never sent");
	end(l, 1ull << 20, 9999, NULL); /* #5: an opcode with no name */
	CU_ASSERT_STRING_EQUAL(verdict(l), "op 9999 unique=1048576 ended at #5 "
					   "but was never sent");
	send(l, 2, FUSE_GETATTR); /* #6 */
	CU_ASSERT_STRING_EQUAL(verdict(l), "GETATTR unique=2 (connection 1) "
					   "sent again at #6 after it ended");
	send(l, 2, FUSE_GETATTR); /* still open: not a new send */
	CU_ASSERT_PTR_NULL(req_ledger_check(l));
	/* a high unique grows the table */
	send(l, 1ull << 20, FUSE_READ);
	end(l, 1ull << 20, FUSE_READ, NULL);
	CU_ASSERT_PTR_NULL(req_ledger_check(l));
	CU_ASSERT_EQUAL(req_ledger_violations(l), 4);
	req_ledger_free(l);
}

/* Uniques restart with each connection; ends match the newest open. */
static void test_connections(void)
{
	struct req_ledger *l = req_ledger_new();

	seq = 0;
	send(l, 2, FUSE_INIT);	  /* #1, connection 1 */
	send(l, 4, FUSE_GETATTR); /* #2 */
	end(l, 2, FUSE_INIT, NULL);
	send(l, 2, FUSE_INIT); /* #4, connection 2 */
	CU_ASSERT_EQUAL(req_ledger_connections(l), 2);
	end(l, 2, FUSE_INIT, NULL);
	end(l, 4, FUSE_GETATTR, NULL); /* connection 1's */
	CU_ASSERT_PTR_NULL(req_ledger_check(l));
	end(l, 2, FUSE_INIT, NULL); /* #7: the newest connection's, twice */
	CU_ASSERT_STRING_EQUAL(verdict(l), "INIT unique=2 (connection 2) ended "
					   "twice: again at #7");
	req_ledger_free(l);
	/* a later INIT (a rebuilt session) stays in its connection; a first
	 * request that is not INIT opens one too */
	l = req_ledger_new();
	send(l, 4, FUSE_GETATTR);
	send(l, 10, FUSE_INIT);
	CU_ASSERT_EQUAL(req_ledger_connections(l), 1);
	send(l, 2, FUSE_INIT);
	CU_ASSERT_EQUAL(req_ledger_connections(l), 2);
	req_ledger_free(l);
}

/* After a successful unmount, the connection that sent DESTROY is over. */
static void test_unmount(void)
{
	struct req_ledger *l = req_ledger_new();

	seq = 0;
	send(l, 2, FUSE_INIT);	  /* #1 */
	send(l, 4, FUSE_GETATTR); /* #2 */
	end(l, 2, FUSE_INIT, NULL);
	req_ledger_unmounted(l, ++seq); /* no DESTROY yet: nothing */
	CU_ASSERT_PTR_NULL(req_ledger_check(l));
	send(l, 6, FUSE_DESTROY); /* #5 */
	end(l, 6, FUSE_DESTROY, NULL);
	/* the trace's record of an unmount is not what the ledger reads:
	 * the executor tells it (req_ledger_unmounted()) */
	CU_ASSERT_FALSE(req_ledger_follows("scn.op"));
	op_result(l, "umount", "op 3: 0"); /* #7 */
	CU_ASSERT_PTR_NULL(req_ledger_check(l));
	CU_ASSERT_EQUAL(req_ledger_open(l), 1);
	++seq; /* #8: an unmount that failed, not told */
	req_ledger_unmounted(l, ++seq); /* #9 */
	CU_ASSERT_STRING_EQUAL(verdict(l), "GETATTR unique=4 (connection 1) "
					   "sent at #2 never ended: its "
					   "connection was unmounted (#9)");
	CU_ASSERT_EQUAL(req_ledger_open(l), 0);
	/* reported once only */
	req_ledger_unmounted(l, ++seq);
	CU_ASSERT_PTR_NULL(req_ledger_check(l));
	req_ledger_free(l);
}

/* A settled machine: every open request never ends; one report, capped. */
static void test_settled(void)
{
	struct req_ledger *l = req_ledger_new();
	const char *m;

	check_clear();
	check_invariant_clear();
	seq = 0;
	CU_ASSERT_EQUAL(req_ledger_register(l), 0);
	CU_ASSERT_TRUE(check_invariants_enabled());
	CU_ASSERT_EQUAL(req_ledger_register(l), -EEXIST);
	req_ledger_settled(l); /* nothing open: no report */
	CU_ASSERT_EQUAL(check_count(), 0);
	send(l, 2, FUSE_INIT);
	for (u64 u = 4; u <= 24; u += 2)
		send(l, u, FUSE_GETATTR);
	req_ledger_settled(l);
	CU_ASSERT_EQUAL_FATAL(check_count(), 1);
	m = check_at(0)->message;
	CU_ASSERT_STRING_EQUAL(check_at(0)->kind, "invariant");
	CU_ASSERT_EQUAL(strncmp(m,
				REQ_LEDGER_INVARIANT ": INIT unique=2 "
						     "(connection 1) sent at "
						     "#1 never ended: the "
						     "machine can make no "
						     "more progress",
				strlen(REQ_LEDGER_INVARIANT) + 80),
			0);
	/* 12 found: 8 spelled out, 4 counted */
	CU_ASSERT_PTR_NOT_NULL(strstr(m, "GETATTR unique=16 "));
	CU_ASSERT_PTR_NULL(strstr(m, "GETATTR unique=18 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(m, "; and 4 more"));
	CU_ASSERT_EQUAL(req_ledger_violations(l), 12);
	check_invariant_clear();
	check_clear();
	req_ledger_free(l);
}

/* In real runs: silent wherever no bug is switched on. */
static void test_silent_on_correct_scenarios(void)
{
	struct vfsim_exec_opts o = { .format = VFSIM_TRACE_TEXT };
	glob_t g;

	CU_ASSERT_EQUAL_FATAL(glob("tests/scenarios/*.vfs", 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *f = g.gl_pathv[i];
		struct scenario_error err;
		struct vfsim_result r;
		struct scenario *s;
		bool bug = strstr(f, "/bug-") != NULL, loud;

		CU_ASSERT_EQUAL_FATAL(scenario_parse_file(f, &s, &err), 0);
		vfsim_exec(s, &o, &r);
		loud = strstr(r.trace, "bug            invariant") != NULL;
		if (!bug && loud)
			fprintf(stderr, "\n%s: the invariant fired\n", f);
		if (!bug)
			CU_ASSERT_FALSE(loud);
		/* the bugs that lose a request */
		if (strstr(f, "bug-remove-without-drain") ||
		    strstr(f, "bug-freeze-returns-0"))
			CU_ASSERT_TRUE(loud);
		vfsim_result_free(&r);
		scenario_free(s);
	}
	globfree(&g);
}

VT_SUITE(cli_req_ledger, NULL, NULL, VT_CASE(test_holds),
	 VT_CASE(test_ended_twice_and_never_sent), VT_CASE(test_connections),
	 VT_CASE(test_unmount), VT_CASE(test_settled),
	 VT_CASE(test_silent_on_correct_scenarios));
