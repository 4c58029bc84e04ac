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
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fuse_proto/fuse_proto.h"
#include "sim/kernel/check.h"
#include "sim/cli/exec.h"
#include "sim/cli/req_ledger.h"
#include "tests/harness.h"
#include "tests/sim/trace_event.h"

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
	/* a high unique, far past the window */
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

/* Under Valgrind, long runs are shorter (still past the window's span). */
#ifdef VFSIM_VALGRIND
#define LONG_RUN  (REQ_LEDGER_WINDOW + 4096)
#define MODEL_IDS (REQ_LEDGER_WINDOW + REQ_LEDGER_WINDOW / 2)
#define CAP_IDS	  (REQ_LEDGER_WINDOW + 4096)
#else
#define LONG_RUN  1000000ull
#define MODEL_IDS (3 * REQ_LEDGER_WINDOW)
#define CAP_IDS	  (REQ_LEDGER_WINDOW + REQ_LEDGER_WINDOW / 2)
#endif

/*
 * A long run holds bounded memory: requests that all end leave nothing
 * behind (the ledger used to keep a byte per request for the whole run),
 * and neither does a request that stays open while the rest go by.
 */
static void test_long_run_bounded(void)
{
	struct req_ledger *l = req_ledger_new();
	size_t early = 0;
	u64 u;

	seq = 0;
	send(l, 2, FUSE_INIT);
	end(l, 2, FUSE_INIT, NULL);
	for (u = 4; u < 4 + 2 * LONG_RUN; u += 2) {
		send(l, u, FUSE_GETATTR);
		end(l, u, FUSE_GETATTR, NULL);
		if (u == 4 + 2 * 1000)
			early = req_ledger_bytes(l);
	}
	CU_ASSERT_EQUAL(req_ledger_bytes(l), early);
	/* the ledger's own table of kinds, a window and an open list */
	CU_ASSERT(req_ledger_bytes(l) < 8192);
	/* one stays open from here on: the window spans it, then leaves it
	 * behind on the open list, and stops growing */
	send(l, u, FUSE_LOOKUP);
	for (u64 v = u + 2; v < u + 2 + 2 * LONG_RUN; v += 2) {
		send(l, v, FUSE_GETATTR);
		end(l, v, FUSE_GETATTR, NULL);
	}
	CU_ASSERT(req_ledger_bytes(l) <= early + REQ_LEDGER_WINDOW);
	CU_ASSERT_EQUAL(req_ledger_open(l), 1);
	CU_ASSERT_PTR_NULL(req_ledger_check(l));
	end(l, u, FUSE_LOOKUP, NULL);
	CU_ASSERT_PTR_NULL(req_ledger_check(l));
	CU_ASSERT_EQUAL(req_ledger_open(l), 0);
	CU_ASSERT_EQUAL(req_ledger_violations(l), 0);
	req_ledger_free(l);
}

static void forget(struct req_ledger *l, u64 unique, bool dropped)
{
	struct trace_event ev = EV(.kind = dropped ? "virtio_fs.forget_drop" :
						     "virtio_fs.forget",
				   .unique = unique, .opcode = FUSE_FORGET,
				   .seq = ++seq);

	req_ledger_event(l, &ev);
}

/*
 * LOOKUP/FORGET cycles: a FORGET's unique is no request, so it must not
 * stay "never sent" for ever, a gap each once the window passes it.
 */
static void test_forget_cycles_bounded(void)
{
	struct req_ledger *l = req_ledger_new();
	size_t early = 0;
	u64 u, n = 0;

	seq = 0;
	send(l, 2, FUSE_INIT);
	end(l, 2, FUSE_INIT, NULL);
	for (u = 4; u < 4 + 2 * LONG_RUN; u += 4, n++) {
		send(l, u, FUSE_LOOKUP);
		end(l, u, FUSE_LOOKUP, NULL);
		forget(l, u + 2, n % 7 == 0);
		if (n == 1000)
			early = req_ledger_bytes(l);
	}
	CU_ASSERT_EQUAL(req_ledger_bytes(l), early);
	CU_ASSERT(req_ledger_bytes(l) < 8192);
	/* a FORGET sent after newer requests (parked, then dispatched) */
	send(l, u + 2, FUSE_GETATTR);
	end(l, u + 2, FUSE_GETATTR, NULL);
	forget(l, u, false);
	CU_ASSERT_EQUAL(req_ledger_bytes(l), early);
	CU_ASSERT_EQUAL(req_ledger_open(l), 0);
	CU_ASSERT_PTR_NULL(req_ledger_check(l));
	/* an end of a FORGET's unique is still a violation */
	end(l, u, FUSE_FORGET, NULL);
	CU_ASSERT_NOT_EQUAL(verdict(l)[0], '\0');
	CU_ASSERT_EQUAL(req_ledger_violations(l), 1);
	req_ledger_free(l);
}

/* Every report is the same once the window has moved past the request. */
static void test_reports_after_the_window_slid(void)
{
	struct req_ledger *l = req_ledger_new();
	char want[160];
	u64 u, top = 4 + 2 * (REQ_LEDGER_WINDOW + 1000);

	seq = 0;
	send(l, 2, FUSE_INIT); /* #1 */
	end(l, 2, FUSE_INIT, NULL);
	send(l, 4, FUSE_LOOKUP); /* #3: open through it all */
	/* 6 is skipped (a FORGET's unique); 8 is sent late */
	for (u = 10; u < top; u += 2) {
		send(l, u, FUSE_GETATTR);
		end(l, u, FUSE_GETATTR, NULL);
	}
	CU_ASSERT_PTR_NULL(req_ledger_check(l));
	send(l, 8, FUSE_READ); /* late, from below the window */
	CU_ASSERT_PTR_NULL(req_ledger_check(l));
	CU_ASSERT_EQUAL(req_ledger_open(l), 2);
	end(l, 8, FUSE_READ, NULL);
	CU_ASSERT_PTR_NULL(req_ledger_check(l));
	end(l, 8, FUSE_READ, "again");
	snprintf(want, sizeof(want),
		 "READ unique=8 (connection 1) ended twice: again at #%" PRIu64,
		 seq);
	CU_ASSERT_STRING_EQUAL(verdict(l), want);
	end(l, 6, FUSE_GETATTR, NULL);
	snprintf(want, sizeof(want),
		 "GETATTR unique=6 ended at #%" PRIu64 " but was never sent",
		 seq);
	CU_ASSERT_STRING_EQUAL(verdict(l), want);
	end(l, 12, FUSE_GETATTR, "again");
	snprintf(want, sizeof(want),
		 "GETATTR unique=12 (connection 1) ended twice: again at "
		 "#%" PRIu64,
		 seq);
	CU_ASSERT_STRING_EQUAL(verdict(l), want);
	send(l, 14, FUSE_GETATTR);
	snprintf(want, sizeof(want),
		 "GETATTR unique=14 (connection 1) sent again at #%" PRIu64
		 " after it ended",
		 seq);
	CU_ASSERT_STRING_EQUAL(verdict(l), want);
	send(l, 14, FUSE_GETATTR); /* open again: not a new send */
	CU_ASSERT_PTR_NULL(req_ledger_check(l));
	end(l, 14, FUSE_GETATTR, NULL);
	CU_ASSERT_PTR_NULL(req_ledger_check(l));
	/* a unique far past the window, never sent */
	end(l, top + 2 * REQ_LEDGER_WINDOW, FUSE_GETATTR, NULL);
	snprintf(want, sizeof(want),
		 "GETATTR unique=%" PRIu64 " ended at #%" PRIu64
		 " but was never sent",
		 (u64)(top + 2 * REQ_LEDGER_WINDOW), seq);
	CU_ASSERT_STRING_EQUAL(verdict(l), want);
	/* the one open since #3 never ends */
	send(l, top, FUSE_DESTROY);
	end(l, top, FUSE_DESTROY, NULL);
	req_ledger_unmounted(l, ++seq);
	snprintf(want, sizeof(want),
		 "LOOKUP unique=4 (connection 1) sent at #3 never ended: its "
		 "connection was unmounted (#%" PRIu64 ")",
		 seq);
	CU_ASSERT_STRING_EQUAL(verdict(l), want);
	end(l, 4, FUSE_LOOKUP, NULL); /* abandoned: it counts as ended */
	snprintf(want, sizeof(want),
		 "LOOKUP unique=4 (connection 1) ended twice: again at "
		 "#%" PRIu64,
		 seq);
	CU_ASSERT_STRING_EQUAL(verdict(l), want);
	CU_ASSERT_EQUAL(req_ledger_violations(l), 7);
	req_ledger_free(l);
}

/*
 * The ledger against a model that keeps every unique's state (as the
 * ledger once did), on a long random run of @n uniques from @first on
 * (after INIT's 2): sends mostly in order, ends in any order, some
 * uniques skipped, sent late, ended twice, sent again, and a few requests
 * open for long stretches, so the window slides past all of them. Every
 * event's verdict must be the model's.
 */
static void same_as_a_full_table(u64 first, u64 n)
{
	struct req_ledger *l = req_ledger_new();
	u8 *st = calloc(n, 1); /* 0 unseen, 1 open, 2 ended */
	u64 *open = calloc(n, sizeof(*open)), next = first, rnd = 12345;
	size_t nr_open = 0, mismatches = 0;
	char want[160];

	CU_ASSERT_FATAL(st && open);
	seq = 0;
	send(l, 2, FUSE_INIT);
	end(l, 2, FUSE_INIT, NULL);
	/* (unsigned: a run that ends at the last unique wraps next to 0) */
	while ((next - first) / 2 < n) {
		u64 r, u, i;
		bool do_send;

		rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
		r = (rnd >> 33) % 1000;
		if (r < 450) { /* the next unique */
			u = next;
			next += 2;
			do_send = true;
		} else if (r < 460) { /* skipped */
			next += 2;
			continue;
		} else if (r < 940 && nr_open) { /* the oldest, or any */
			size_t k = r < 900 ? 0 : (rnd >> 20) % nr_open;

			/* some stay open a long time */
			if ((open[k] - first) % 4096 == 0 && (rnd >> 40) % 64)
				continue;
			u = open[k];
			do_send = false;
		} else { /* any unique up to the next: late, again, bogus */
			u = first +
			    2 * ((rnd >> 16) % ((next - first) / 2 + 1));
			do_send = r < 970;
		}
		i = (u - first) / 2;
		want[0] = 0;
		if (do_send) {
			send(l, u, FUSE_GETATTR);
			if (st[i] == 2)
				snprintf(want, sizeof(want),
					 "GETATTR unique=%" PRIu64
					 " (connection 1) sent again at "
					 "#%" PRIu64 " after it ended",
					 u, seq);
			if (st[i] != 1) {
				st[i] = 1;
				open[nr_open++] = u;
			}
		} else {
			end(l, u, FUSE_GETATTR, NULL);
			if (st[i] == 1) {
				size_t k = 0;

				while (open[k] != u)
					k++;
				memmove(&open[k], &open[k + 1],
					(nr_open - k - 1) * sizeof(*open));
				nr_open--;
				st[i] = 2;
			} else if (st[i] == 2) {
				snprintf(want, sizeof(want),
					 "GETATTR unique=%" PRIu64
					 " (connection 1) ended twice: again "
					 "at #%" PRIu64,
					 u, seq);
			} else {
				snprintf(want, sizeof(want),
					 "GETATTR unique=%" PRIu64
					 " ended at #%" PRIu64
					 " but was never sent",
					 u, seq);
			}
		}
		if (strcmp(verdict(l), want) && mismatches++ < 3)
			fprintf(stderr, "\nevent #%" PRIu64 ": \"%s\"\n", seq,
				want);
		if (req_ledger_open(l) != nr_open && mismatches++ < 3)
			fprintf(stderr, "\nevent #%" PRIu64 ": %zu open\n", seq,
				nr_open);
	}
	CU_ASSERT_EQUAL(mismatches, 0);
	CU_ASSERT(req_ledger_violations(l) > 100);
	/* what never ended is found too, however high its unique */
	mismatches = req_ledger_violations(l) + nr_open;
	req_ledger_settled(l);
	CU_ASSERT_EQUAL(req_ledger_violations(l), mismatches);
	CU_ASSERT_EQUAL(req_ledger_open(l), 0);
	free(st);
	free(open);
	req_ledger_free(l);
}
static void test_same_as_a_full_table(void)
{
	same_as_a_full_table(4, MODEL_IDS);
}

/*
 * Every unique a connection can hand out is followed: the ledger used to
 * ignore uniques from 2^27 on (67 million requests into a connection),
 * silently. A run across that old cap, and one up to the last unique
 * there is (2^64 - 2: uniques step by 2 and never wrap in a connection's
 * life), each reached by a jump that leaves one gap, are judged as the
 * full table judges them; so are a lone request at the top and the
 * ledger's memory after the jumps.
 */
static void test_every_unique_followed(void)
{
	const u64 top = UINT64_MAX - 1;
	struct req_ledger *l = req_ledger_new();
	char want[160];

	same_as_a_full_table((1ull << 27) - REQ_LEDGER_WINDOW, CAP_IDS);
	same_as_a_full_table(0 - 2 * (u64)CAP_IDS, CAP_IDS);
	seq = 0;
	send(l, 2, FUSE_INIT);
	end(l, 2, FUSE_INIT, NULL);
	send(l, 1ull << 27, FUSE_LOOKUP);
	send(l, top, FUSE_GETATTR);
	CU_ASSERT_EQUAL(req_ledger_open(l), 2);
	end(l, top, FUSE_GETATTR, NULL);
	end(l, 1ull << 27, FUSE_LOOKUP, NULL);
	CU_ASSERT_PTR_NULL(req_ledger_check(l));
	end(l, top, FUSE_GETATTR, "again");
	snprintf(want, sizeof(want),
		 "GETATTR unique=%" PRIu64 " (connection 1) ended twice: "
		 "again at #%" PRIu64,
		 top, seq);
	CU_ASSERT_STRING_EQUAL(verdict(l), want);
	/* nothing per unique skipped: a gap per jump, and a window at most
	 * (the LOOKUP was open when the top was sent) */
	CU_ASSERT(req_ledger_bytes(l) < 8192 + REQ_LEDGER_WINDOW);
	CU_ASSERT_EQUAL(req_ledger_open(l), 0);
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
	 VT_CASE(test_long_run_bounded), VT_CASE(test_forget_cycles_bounded),
	 VT_CASE(test_reports_after_the_window_slid),
	 VT_CASE(test_same_as_a_full_table),
	 VT_CASE(test_every_unique_followed),
	 VT_CASE(test_silent_on_correct_scenarios));
