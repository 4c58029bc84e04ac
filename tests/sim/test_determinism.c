// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_determinism.c - the same seed gives the same trace, byte for byte.
 *
 * A small randomized workload (tasks taking spinlocks and mutexes, sleeping,
 * completing and waiting with timeouts, queueing and flushing work) is
 * generated from a seed and run under "random:SEED" twice; the trace hashes
 * must match, for 100 seeds. Under "fifo" the hash must also equal a
 * constant stored here, so every build (-O2, -O0 coverage, Valgrind, ASan)
 * is checked to produce the same trace.
 *
 * Updating FIFO_HASH: when a deliberate change alters the trace (a new
 * event, a changed detail text, a detail given another way: the hash
 * covers the binary record, see sim/trace/trace.h), run
 * `make test T=sim_determinism`; the
 * failing assertion's message is preceded by a line
 * "fifo trace hash: 0x..." -- paste that value below and say why in the
 * commit message.
 */
#include <stdio.h>

#include "sim/kernel/completion.h"
#include "sim/kernel/delay.h"
#include "sim/kernel/mutex.h"
#include "sim/kernel/spinlock.h"
#include "sim/kernel/workqueue.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

#define FIFO_HASH 0x348363b3ca66652cULL

#define NR_TASKS 4
#define NR_OPS	 8

static DEFINE_SPINLOCK(wl_lock);
static DEFINE_MUTEX(wl_mutex);
static struct completion wl_done[2];
static struct work_struct wl_work[2];
static struct delayed_work wl_dwork;
static int counter;
static u8 program[NR_TASKS][NR_OPS];
static u8 param[NR_TASKS][NR_OPS];

static u64 mix(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void work_fn(struct work_struct *w)
{
	(void)w;
	spin_lock(&wl_lock);
	counter++;
	spin_unlock(&wl_lock);
}

static void slow_work_fn(struct work_struct *w)
{
	(void)w;
	usleep_range(3, 6);
	counter += 2;
}

static int wl_task(void *arg)
{
	int id = (int)(long)arg;

	for (int i = 0; i < NR_OPS; i++) {
		unsigned p = param[id][i];

		switch (program[id][i]) {
		case 0:
			spin_lock(&wl_lock);
			sched_yield();
			counter++;
			spin_unlock(&wl_lock);
			break;
		case 1:
			mutex_lock(&wl_mutex);
			usleep_range(p % 7, p % 7 + 3);
			mutex_unlock(&wl_mutex);
			break;
		case 2:
			schedule_work(&wl_work[p % 2]);
			break;
		case 3:
			schedule_delayed_work(&wl_dwork, p % 3);
			break;
		case 4:
			complete(&wl_done[p % 2]);
			break;
		case 5:
			wait_for_completion_timeout(&wl_done[p % 2], 1 + p % 2);
			break;
		case 6:
			usleep_range(p % 11, p % 11 + 1);
			break;
		default:
			flush_work(&wl_work[p % 2]);
			break;
		}
	}
	return counter;
}

static bool never(void *arg)
{
	(void)arg;
	return false;
}

/* How a workload is run. */
enum run_how {
	BY_RUN,	  /* sched_run(): tasks take steps themselves */
	BY_PRED,  /* sched_run_until(): the same, asking a predicate */
	BY_STEPS, /* sched_step(), one step at a time through the scheduler */
};

/* Run the workload of @seed under @policy, @how; returns the trace hash,
 * and the steps taken in @steps when not NULL. */
static u64 run_workload_by(u64 seed, const char *policy, enum run_how how,
			   u64 *steps)
{
	u64 s = seed, h;

	sim_test_setup();
	trace_set_keep(false);
	for (int t = 0; t < NR_TASKS; t++) {
		for (int i = 0; i < NR_OPS; i++) {
			u64 r = mix(&s);

			program[t][i] = (u8)(r % 8);
			param[t][i] = (u8)(r >> 8);
		}
	}
	counter = 0;
	spin_lock_init(&wl_lock);
	mutex_init(&wl_mutex);
	init_completion(&wl_done[0]);
	init_completion(&wl_done[1]);
	INIT_WORK(&wl_work[0], work_fn);
	INIT_WORK(&wl_work[1], slow_work_fn);
	INIT_DELAYED_WORK(&wl_dwork, work_fn);
	CU_ASSERT_EQUAL(sched_set_policy(policy), 0);
	for (long t = 0; t < NR_TASKS; t++)
		task_spawn(wl_task, (void *)t, t % 2 ? "dev" : "sys",
			   t % 2 ? TASK_DEVICE : TASK_SYSCALL, (int)t);
	if (how == BY_STEPS) {
		enum sched_status st;

		do
			st = sched_step();
		while (st == SCHED_STEPPED || st == SCHED_TIMER);
		CU_ASSERT_EQUAL(st, SCHED_DONE);
	} else {
		CU_ASSERT_EQUAL(how == BY_PRED ? sched_run_until(never, NULL) :
						 sched_run(),
				SCHED_DONE);
	}
	CU_ASSERT_EQUAL(check_count(), 0);
	TRACE(.kind = "end", .detail = trace_fmt("counter %d", counter));
	h = trace_hash();
	if (steps)
		*steps = sched_steps();
	sim_test_teardown();
	return h;
}

static u64 run_workload(u64 seed, const char *policy)
{
	return run_workload_by(seed, policy, BY_RUN, NULL);
}

static void test_random_seeds_reproduce(void)
{
	int differ = 0;
	u64 fifo = run_workload(1, "fifo");

	for (u64 seed = 1; seed <= 100; seed++) {
		char policy[32];
		u64 a, b;

		snprintf(policy, sizeof(policy), "random:%llu",
			 (unsigned long long)seed);
		a = run_workload(seed, policy);
		b = run_workload(seed, policy);
		CU_ASSERT_EQUAL(a, b);
		if (seed == 1)
			differ = a != fifo;
	}
	/* the random policy really changes the interleaving */
	CU_ASSERT_TRUE(differ);
}

static void test_fifo_hash_is_constant(void)
{
	u64 h = run_workload(1, "fifo");

	if (h != FIFO_HASH)
		printf("\nfifo trace hash: 0x%016llxULL\n",
		       (unsigned long long)h);
	CU_ASSERT_EQUAL(h, FIFO_HASH);
	CU_ASSERT_EQUAL(run_workload(1, "fifo"), h);
}

/* Inside sched_run() tasks take steps themselves (switching straight to
 * the next task); stepping through the scheduler one step at a time must
 * give the same trace and the same number of steps. */
static void test_run_equals_stepping(void)
{
	for (u64 seed = 1; seed <= 30; seed++) {
		char policy[32];
		u64 sa, sb, sc;

		snprintf(policy, sizeof(policy),
			 seed % 3 ? "random:%llu" : "fifo",
			 (unsigned long long)seed);
		CU_ASSERT_EQUAL(run_workload_by(seed, policy, BY_RUN, &sa),
				run_workload_by(seed, policy, BY_PRED, &sb));
		CU_ASSERT_EQUAL(run_workload_by(seed, policy, BY_RUN, &sa),
				run_workload_by(seed, policy, BY_STEPS, &sc));
		CU_ASSERT_EQUAL(sa, sb);
		CU_ASSERT_EQUAL(sa, sc);
	}
}

VT_SUITE(sim_determinism, NULL, NULL, VT_CASE(test_random_seeds_reproduce),
	 VT_CASE(test_fifo_hash_is_constant),
	 VT_CASE(test_run_equals_stepping));
