// SPDX-License-Identifier: GPL-2.0-only
/*
 * sched_policy.c - who runs next: fifo, random, replay, callback; the
 * record of choices and the depth-first explorer built on it.
 *
 * Only decisions between two or more runnable tasks are choices, so a
 * replay string stays short and a schedule is exactly its list of choices.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/kernel/check.h"
#include "sim/kernel/sched.h"
#include "sim/trace/host.h"
#include "sim/trace/trace.h"

enum policy_kind {
	P_FIFO,
	P_RANDOM,
	P_REPLAY,
	P_FN
};

/*
 * The record of choices, run-length coded: a choice 0 (fifo's at every
 * decision, and the most common one under any policy) only lengthens the
 * run of zeros it ends, so a fifo run's record stays one entry long
 * however long the run. Other choices are kept one by one with the number
 * of tasks they were made among.
 */
struct choice_run {
	u32 chosen;  /* 0: a run of zeros */
	u32 offered; /* tasks runnable, for a choice other than 0 */
	u64 count;   /* zeros in the run; 1 for another choice */
};

static struct {
	enum policy_kind policy;
	u64 rng;
	u32 *replay;
	size_t nr_replay, replay_pos;
	size_t replay_past; /* choices made after the list ran out */
	sched_choose_fn fn;
	void *fn_arg;
	char err[128];
	/* recorded choices */
	struct choice_run *runs;
	size_t nr_runs, cap_runs;
	size_t nr_choices;
	/* sched_choice_at(): where the last lookup ended, for scans */
	size_t at_run, at_first;
	struct task **cand;
	size_t cap_cand;
} S;

void sched_policy_exit(void)
{
	host_free(S.replay);
	host_free(S.runs);
	host_free(S.cand);
	memset(&S, 0, sizeof(S));
	sched_fast.explores = false;
	sched_fast.fifo_zeros = 0;
}

static void drop_choices(void)
{
	S.nr_choices = 0;
	S.nr_runs = 0;
	S.at_run = S.at_first = 0;
	S.replay_pos = 0;
	S.replay_past = 0;
	sched_fast.fifo_zeros = 0;
	sched_fast.explores = S.policy != P_FIFO;
}

static int parse_u64(const char *s, const char *end, u64 max, u64 *out)
{
	u64 v = 0;

	if (s == end)
		return -EINVAL;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (max - (u64)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (u64)(*s - '0');
	}
	*out = v;
	return 0;
}

static int policy_fail(char *msg, size_t msgsize, int err, const char *what,
		       const char *spec)
{
	if (msgsize)
		snprintf(msg, msgsize, "%s: \"%.60s\"", what, spec);
	return err;
}

/* "I,J,..." into a heap list; every item a decimal u32, no empty item. */
static int parse_replay(const char *p, struct sched_policy_spec *out)
{
	u64 v;
	int err;

	while (*p) {
		const char *end = strchr(p, ',');

		if (!end)
			end = p + strlen(p);
		err = parse_u64(p, end, UINT32_MAX, &v);
		if (!err && *end == ',' && !end[1])
			err = -EINVAL; /* trailing comma */
		if (err) {
			host_free(out->replay);
			out->replay = NULL;
			out->nr = 0;
			return err;
		}
		out->replay =
			host_realloc(out->replay, (out->nr + 1) * sizeof(u32));
		out->replay[out->nr++] = (u32)v;
		p = *end ? end + 1 : end;
	}
	return 0;
}

int sched_policy_parse(const char *spec, struct sched_policy_spec *out,
		       char *msg, size_t msgsize)
{
	int err;

	assert(out && (msg || !msgsize));
	memset(out, 0, sizeof(*out));
	if (!spec)
		return policy_fail(msg, msgsize, -EINVAL, "no policy given",
				   "");
	if (strcmp(spec, "fifo") == 0) {
		out->kind = SCHED_POLICY_FIFO;
	} else if (strncmp(spec, "random:", 7) == 0) {
		out->kind = SCHED_POLICY_RANDOM;
		err = parse_u64(spec + 7, spec + strlen(spec), UINT64_MAX,
				&out->seed);
		if (err)
			return policy_fail(
				msg, msgsize, err,
				err == -ERANGE ? "random seed out of range" :
						 "random seed is not a number",
				spec);
	} else if (strncmp(spec, "replay:", 7) == 0) {
		out->kind = SCHED_POLICY_REPLAY;
		err = parse_replay(spec + 7, out);
		if (err)
			return policy_fail(
				msg, msgsize, err,
				err == -ERANGE ?
					"replay choice out of range" :
					"replay list is not I,J,... of numbers",
				spec);
	} else {
		return policy_fail(msg, msgsize, -EINVAL,
				   "unknown policy (fifo, random:SEED, "
				   "replay:I,J,...)",
				   spec);
	}
	if (msgsize)
		msg[0] = 0;
	return 0;
}

void sched_policy_spec_free(struct sched_policy_spec *ps)
{
	host_free(ps->replay);
	ps->replay = NULL;
	ps->nr = 0;
}

int sched_set_policy(const char *spec)
{
	struct sched_policy_spec ps;
	int err = sched_policy_parse(spec, &ps, S.err, sizeof(S.err));

	if (err)
		return err;
	switch (ps.kind) {
	case SCHED_POLICY_RANDOM:
		S.policy = P_RANDOM;
		S.rng = ps.seed;
		break;
	case SCHED_POLICY_REPLAY:
		/* the installed policy takes over the parsed list */
		host_free(S.replay);
		S.replay = ps.replay;
		S.nr_replay = ps.nr;
		S.policy = P_REPLAY;
		break;
	default:
		assert(ps.kind == SCHED_POLICY_FIFO);
		S.policy = P_FIFO;
		break;
	}
	drop_choices();
	return 0;
}

void sched_set_policy_fn(sched_choose_fn fn, void *arg)
{
	assert(fn);
	S.policy = P_FN;
	S.fn = fn;
	S.fn_arg = arg;
	drop_choices();
}

const char *sched_policy_error(void)
{
	return S.err;
}

const char *sched_policy_name(void)
{
	static const char *const names[] = { "fifo", "random", "replay", "fn" };

	return names[S.policy];
}

/* splitmix64: tiny, good enough, and the same on every host. */
static u64 next_random(void)
{
	u64 z = (S.rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Fifo never gets here: it takes its fast paths below. */
static unsigned policy_choose(unsigned n)
{
	unsigned c = 0;

	assert(S.policy != P_FIFO);
	if (S.policy == P_RANDOM)
		c = (unsigned)(next_random() % n);
	else if (S.policy == P_FN)
		c = S.fn(S.fn_arg, S.cand, n);
	else if (S.replay_pos < S.nr_replay)
		c = S.replay[S.replay_pos++];
	else
		S.replay_past++;
	if (c >= n) {
		check_report("sched.choice",
			     "choice %u at decision %zu is out of range: "
			     "only %u tasks are runnable; taking 0",
			     c, S.nr_choices, n);
		c = 0;
	}
	return c;
}

/* A choice that does not lengthen the run of zeros: a new entry. */
static void record_new_run(unsigned c, unsigned n)
{
	if (S.nr_runs == S.cap_runs) {
		S.cap_runs = S.cap_runs ? 2 * S.cap_runs : 16;
		S.runs = host_realloc(S.runs, S.cap_runs * sizeof(*S.runs));
	}
	S.runs[S.nr_runs++] = (struct choice_run){ c, c ? n : 0, 1 };
}

/*
 * Add fifo's zeros from the preemption points (sched_fast.fifo_zeros,
 * counted inline there) to the record: every reader of the record calls
 * this first. They are all 0 and fifo makes no other choice, so adding
 * them late puts them where they were made.
 */
static void take_fifo_zeros(void)
{
	u64 k = sched_fast.fifo_zeros;

	if (likely(!k))
		return;
	sched_fast.fifo_zeros = 0;
	S.nr_choices += k;
	if (S.nr_runs && !S.runs[S.nr_runs - 1].chosen) {
		S.runs[S.nr_runs - 1].count += k;
		return;
	}
	record_new_run(0, 0);
	S.runs[S.nr_runs - 1].count = k;
}

static inline void record_choice(unsigned c, unsigned n)
{
	struct choice_run *r;

	take_fifo_zeros();
	r = S.nr_runs ? &S.runs[S.nr_runs - 1] : NULL;
	S.nr_choices++;
	if (likely(!c && r && !r->chosen)) {
		r->count++;
		return;
	}
	record_new_run(c, n);
}

bool sched_replay_use(struct sched_replay_use *u)
{
	memset(u, 0, sizeof(*u));
	if (S.policy != P_REPLAY)
		return false;
	u->listed = S.nr_replay;
	u->used = S.replay_pos;
	u->past_end = S.replay_past;
	return true;
}

size_t sched_nr_choices(void)
{
	take_fifo_zeros();
	return S.nr_choices;
}

size_t sched_choices_memory(void)
{
	take_fifo_zeros();
	return S.cap_runs * sizeof(*S.runs);
}

unsigned sched_choice_at(size_t i, unsigned *offered)
{
	const struct choice_run *r;

	take_fifo_zeros();
	assert(i < S.nr_choices);
	/* a scan asks in order: start from where the last lookup ended */
	if (i < S.at_first || S.at_run >= S.nr_runs)
		S.at_run = S.at_first = 0;
	while (i >= S.at_first + S.runs[S.at_run].count)
		S.at_first += S.runs[S.at_run++].count;
	r = &S.runs[S.at_run];
	if (offered)
		*offered = r->offered;
	return r->chosen;
}

/* Append the decimal @v at @len of @buf (room @size), counting the length
 * a full rendering needs. */
static size_t put_u32(char *buf, size_t size, size_t len, u32 v)
{
	char tmp[10];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n) {
		if (len + 1 < size)
			buf[len] = tmp[n - 1];
		len++;
		n--;
	}
	return len;
}

/* "replay:" and the first @nr choices, the last of them replaced by
 * @last. A long run of zeros is written a block at a time. */
static int format_choices(char *buf, size_t size, size_t nr, u32 last)
{
	static const char zeros[] = "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,";
	size_t len = 7, done = 0;

	if (size)
		snprintf(buf, size, "replay:");
	for (size_t r = 0; r < S.nr_runs && done < nr; r++) {
		const struct choice_run *cr = &S.runs[r];
		u64 k = cr->count < nr - done ? cr->count : nr - done;

		if (!cr->chosen) {
			/* all but the list's very last choice, as "0," */
			u64 plain = done + k == nr ? k - 1 : k;

			for (u64 z = 0; z < plain;) {
				size_t chunk = plain - z < 16 ?
						       (size_t)(plain - z) :
						       16;

				if (len < size) {
					size_t room = size - 1 - len;
					size_t n = 2 * chunk < room ?
							   2 * chunk :
							   room;

					memcpy(buf + len, zeros, n);
				}
				len += 2 * chunk;
				z += chunk;
			}
			done += plain;
			if (done + 1 == nr && plain < k) {
				len = put_u32(buf, size, len, last);
				done++;
			}
			continue;
		}
		len = put_u32(buf, size, len,
			      done + 1 == nr ? last : cr->chosen);
		done++;
		if (done < nr) {
			if (len + 1 < size)
				buf[len] = ',';
			len++;
		}
	}
	if (size)
		buf[len < size ? len : size - 1] = '\0';
	return (int)len;
}

int sched_choices_format(char *buf, size_t size)
{
	const struct choice_run *r;

	take_fifo_zeros();
	r = S.nr_runs ? &S.runs[S.nr_runs - 1] : NULL;
	return format_choices(buf, size, S.nr_choices, r ? r->chosen : 0);
}

bool sched_explore_next(char *buf, size_t size)
{
	size_t i, r;

	take_fifo_zeros();
	i = S.nr_choices;
	r = S.nr_runs;

	/* A choice 0 always had an alternative: it was made among two or
	 * more. So the last choice to try otherwise is the last 0, or a
	 * later choice that was not the last offered. */
	while (r > 0) {
		const struct choice_run *cr = &S.runs[r - 1];

		if (!cr->chosen || cr->chosen + 1 < cr->offered)
			break;
		i -= cr->count;
		r--;
	}
	if (r == 0)
		return false;
	format_choices(buf, size, i, S.runs[r - 1].chosen + 1);
	return true;
}

/* The candidates in order, @first (when not NULL) then the run queue. */
static void list_candidates(struct task *first, struct list_head *runq,
			    unsigned n)
{
	struct task *t;
	unsigned i = 0;

	if (S.cap_cand < n) {
		S.cap_cand = 2 * n;
		S.cand = host_realloc(S.cand, S.cap_cand * sizeof(*S.cand));
	}
	if (first)
		S.cand[i++] = first;
	list_for_each_entry(t, runq, run_node)
		S.cand[i++] = t;
	assert(i == n);
}

struct task *sched_policy_pick(struct list_head *runq, unsigned n)
{
	struct task *t;
	unsigned c;

	assert(n >= 2);
	if (S.policy == P_FIFO) {
		/* the hot path: no candidate array needed */
		record_choice(0, n);
		t = list_first_entry(runq, struct task, run_node);
		TRACE(.kind = "sched.pick", .task = "-",
		      .args = TRACE_FMT("%s (0 of %u runnable)", t->tname, n));
		return t;
	}
	list_candidates(NULL, runq, n);
	c = policy_choose(n);
	record_choice(c, n);
	t = S.cand[c];
	TRACE(.kind = "sched.pick", .task = "-",
	      .args = TRACE_FMT("%s (%u of %u runnable)", t->tname, c, n));
	return t;
}

unsigned sched_policy_preempt(struct task *cur, struct list_head *runq,
			      unsigned n)
{
	unsigned c;

	assert(n >= 2);
	/* fifo counts its zeros inline (sched_preempt_point()) */
	assert(S.policy != P_FIFO);
	list_candidates(cur, runq, n);
	c = policy_choose(n);
	record_choice(c, n);
	if (c)
		TRACE(.kind = "sched.preempt", .task = "-",
		      .args = TRACE_FMT("%s (%u of %u runnable) preempts %s",
					S.cand[c]->tname, c, n, cur->tname));
	return c;
}
