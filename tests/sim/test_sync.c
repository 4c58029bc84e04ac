// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_sync.c - spinlock, mutex, completion, wait queue, kref, atomics,
 * lists: semantics and every misuse report.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "sim/kernel/atomic.h"
#include "sim/kernel/completion.h"
#include "sim/kernel/kref.h"
#include "sim/kernel/list.h"
#include "sim/kernel/mutex.h"
#include "sim/kernel/slab.h"
#include "sim/kernel/spinlock.h"
#include "sim/kernel/wait.h"
#include "tests/harness.h"
#include "tests/sim/sim_test_util.h"

/* --- spinlock ----------------------------------------------------------- */

static DEFINE_SPINLOCK(glock);
static int shared, inside, max_inside;

static int locker(void *arg)
{
	unsigned long flags;
	int n = *(int *)arg;

	for (int i = 0; i < n; i++) {
		if (i % 3 == 0) {
			spin_lock(&glock);
		} else if (i % 3 == 1) {
			spin_lock_irqsave(&glock, flags);
		} else {
			spin_lock_bh(&glock);
		}
		inside++;
		if (inside > max_inside)
			max_inside = inside;
		sched_yield(); /* another task gets a chance to collide */
		shared++;
		inside--;
		if (i % 3 == 0)
			spin_unlock(&glock);
		else if (i % 3 == 1)
			spin_unlock_irqrestore(&glock, flags);
		else
			spin_unlock_bh(&glock);
	}
	return 0;
}

static void test_spin_mutual_exclusion(void)
{
	int n = 30;

	shared = inside = max_inside = 0;
	spin_lock_init(&glock);
	CU_ASSERT_STRING_EQUAL(glock.name, "glock");
	CU_ASSERT_EQUAL(sched_set_policy("random:3"), 0);
	for (int i = 0; i < 3; i++)
		task_spawn(locker, &n, "locker", TASK_SYSCALL, i);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(shared, 90);
	CU_ASSERT_EQUAL(max_inside, 1);
	CU_ASSERT_EQUAL(check_count(), 0);
	CU_ASSERT(trace_find("spinlock glock", 0) >= 0); /* contention */
}

static DEFINE_MUTEX(sleepy);

static int spin_misuse(void *arg)
{
	spinlock_t *l = arg;

	spin_lock(l);
	spin_lock(l);	     /* recursion */
	mutex_lock(&sleepy); /* sleeps */
	mutex_unlock(&sleepy);
	spin_unlock(l);
	spin_unlock(l); /* not locked any more */
	return 0;
}

static void test_spin_misuse_reports(void)
{
	spinlock_t l;

	spin_lock_init(&l);
	task_spawn(spin_misuse, &l, "bad", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(check_count_kind("spin.recursion"), 1);
	CU_ASSERT_EQUAL(check_count_kind("sleep.atomic"), 1);
	CU_ASSERT_EQUAL(check_count_kind("spin.unlock_unlocked"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		check_at((size_t)check_find("sleep.atomic"))->message,
		"BUG: sleeping function called from invalid context: "
		"mutex_lock() in task bad (syscall) holding spinlock l"));
	CU_ASSERT_STRING_EQUAL(check_at(0)->task, "bad");
	CU_ASSERT(check_at(0)->trace_seq > 0);
}

static spinlock_t held;

static int take_and_keep(void *arg)
{
	(void)arg;
	spin_lock(&held);
	return 0;
}

static int release_other(void *arg)
{
	(void)arg;
	spin_unlock(&held);
	return 0;
}

static void test_spin_unlock_not_owner_and_held_at_exit(void)
{
	spin_lock_init(&held);
	task_spawn(take_and_keep, NULL, "taker", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(check_count_kind("spin.held_at_exit"), 1);
	task_spawn(release_other, NULL, "other", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(check_count_kind("spin.unlock_not_owner"), 1);
	CU_ASSERT_FALSE(spin_is_locked(&held));
}

/* Locks in freed memory (every byte kfree()'s poison), one per call. */
static union {
	spinlock_t spin;
	struct mutex mutex;
} freed_locks[4];

static int use_freed_lock(void *arg)
{
	switch ((int)(intptr_t)arg) {
	case 0:
		spin_lock(&freed_locks[0].spin);
		break;
	case 1:
		spin_unlock(&freed_locks[1].spin);
		break;
	case 2:
		mutex_lock(&freed_locks[2].mutex);
		break;
	default:
		mutex_unlock(&freed_locks[3].mutex);
		break;
	}
	return 0;
}

/* Under fifo the lock calls take an inline fast path for a live lock:
 * a lock in freed memory must still be reported by each of them, and its
 * task stop there (it never returns, so it waits for good). */
static void test_freed_locks_under_fifo(void)
{
	static const char *const ops[] = { "spin_lock()", "spin_unlock()",
					   "mutex_lock()", "mutex_unlock()" };

	memset(freed_locks, POISON_FREE, sizeof(freed_locks));
	CU_ASSERT_STRING_EQUAL(sched_policy_name(), "fifo");
	for (int i = 0; i < 4; i++)
		task_spawn(use_freed_lock, (void *)(intptr_t)i, "user",
			   TASK_SYSCALL, 0);
	sched_run();
	CU_ASSERT_EQUAL(check_count_kind("kasan.uaf"), 4);
	for (size_t k = 0; k < ARRAY_SIZE(ops); k++) {
		bool found = false;

		for (size_t i = 0; i < check_kept(); i++)
			found |= strstr(check_at(i)->message, ops[k]) != NULL;
		CU_ASSERT_TRUE(found);
	}
}

static int irq_sleeps(void *arg)
{
	(void)arg;
	usleep_range(10, 20);
	return 0;
}

static void test_irq_may_not_sleep(void)
{
	task_spawn(irq_sleeps, NULL, "vq-irq", TASK_IRQ, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(check_count_kind("sleep.atomic"), 1);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(check_at(0)->message, "usleep_range() in task vq-irq"));
}

static void test_spin_outside_tasks(void)
{
	spinlock_t l;
	unsigned long flags;

	spin_lock_init(&l);
	CU_ASSERT_EQUAL(spin_trylock(&l), 1);
	CU_ASSERT_EQUAL(spin_trylock(&l), 0);
	/* held by "nobody" and no task can release it */
	spin_lock(&l);
	CU_ASSERT_EQUAL(check_count_kind("spin.stuck"), 1);
	spin_unlock(&l);
	spin_lock_irq(&l);
	spin_unlock_irq(&l);
	spin_lock_irqsave(&l, flags);
	CU_ASSERT_EQUAL(flags, 0);
	spin_unlock_irqrestore(&l, flags);
	CU_ASSERT_FALSE(spin_is_locked(&l));
	CU_ASSERT_EQUAL(check_count(), 1);
	assert_spin_locked(&l);
	CU_ASSERT_EQUAL(check_count_kind("spin.not_locked"), 1);
	spin_lock(&l);
	assert_spin_locked(&l);
	CU_ASSERT_EQUAL(check_count_kind("spin.not_locked"), 1);
	spin_unlock(&l);
}

/* --- mutex -------------------------------------------------------------- */

static DEFINE_MUTEX(gmutex);

static int mutexer(void *arg)
{
	int n = *(int *)arg;

	for (int i = 0; i < n; i++) {
		mutex_lock(&gmutex);
		inside++;
		if (inside > max_inside)
			max_inside = inside;
		usleep_range(1, 2); /* sleeping under a mutex is fine */
		inside--;
		shared++;
		mutex_unlock(&gmutex);
	}
	return 0;
}

static void test_mutex_exclusion(void)
{
	int n = 10;

	shared = inside = max_inside = 0;
	mutex_init(&gmutex);
	CU_ASSERT_EQUAL(sched_set_policy("random:11"), 0);
	for (int i = 0; i < 3; i++)
		task_spawn(mutexer, &n, "m", TASK_SYSCALL, i);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(shared, 30);
	CU_ASSERT_EQUAL(max_inside, 1);
	CU_ASSERT_EQUAL(check_count(), 0);
	CU_ASSERT(trace_find("mutex gmutex", 0) >= 0);
}

static struct mutex m2;

static int mutex_misuse(void *arg)
{
	(void)arg;
	mutex_lock(&m2);
	mutex_lock(&m2); /* recursion */
	CU_ASSERT_EQUAL(mutex_trylock(&m2), 0);
	mutex_unlock(&m2);
	mutex_unlock(&m2);
	return 0;
}

static int mutex_taker(void *arg)
{
	(void)arg;
	return mutex_trylock(&m2);
}

static int mutex_other_unlock(void *arg)
{
	(void)arg;
	mutex_unlock(&m2);
	return 0;
}

static void test_mutex_misuse(void)
{
	struct task *t;
	int r = 0;

	mutex_init(&m2);
	task_spawn(mutex_misuse, NULL, "mm", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(check_count_kind("mutex.recursion"), 1);
	CU_ASSERT_EQUAL(check_count_kind("mutex.unlock_unlocked"), 1);
	t = task_spawn(mutex_taker, NULL, "taker", TASK_SYSCALL, 0);
	task_join(t, &r);
	CU_ASSERT_EQUAL(r, 1);
	CU_ASSERT_TRUE(mutex_is_locked(&m2));
	task_spawn(mutex_other_unlock, NULL, "thief", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(check_count_kind("mutex.unlock_not_owner"), 1);
	/* outside tasks: a held mutex nobody releases */
	CU_ASSERT_EQUAL(mutex_trylock(&m2), 1);
	mutex_lock(&m2);
	CU_ASSERT_EQUAL(check_count_kind("mutex.stuck"), 1);
	mutex_unlock(&m2);
}

/* --- completion ------------------------------------------------------------ */

static struct completion done;
static int seen;

static int waiter(void *arg)
{
	(void)arg;
	wait_for_completion(&done);
	seen++;
	return 0;
}

static int completer(void *arg)
{
	(void)arg;
	usleep_range(100, 100);
	complete(&done);
	return 0;
}

static void test_completion_basic(void)
{
	seen = 0;
	init_completion(&done);
	CU_ASSERT_STRING_EQUAL(done.wait.name, "done");
	CU_ASSERT_FALSE(completion_done(&done));
	task_spawn(waiter, NULL, "w", TASK_SYSCALL, 0);
	task_spawn(completer, NULL, "c", TASK_WORKER, 1);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(seen, 1);
	CU_ASSERT_EQUAL(sched_now(), 100000);
	CU_ASSERT_FALSE(completion_done(&done));
	/* complete before wait: no sleep */
	complete(&done);
	CU_ASSERT_TRUE(completion_done(&done));
	CU_ASSERT_TRUE(try_wait_for_completion(&done));
	CU_ASSERT_FALSE(try_wait_for_completion(&done));
	complete(&done);
	reinit_completion(&done);
	CU_ASSERT_FALSE(completion_done(&done));
}

static void test_complete_all(void)
{
	seen = 0;
	init_completion(&done);
	for (int i = 0; i < 3; i++)
		task_spawn(waiter, NULL, "w", TASK_SYSCALL, i);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DEADLOCK);
	CU_ASSERT_EQUAL(check_count_kind("deadlock"), 3);
	complete_all(&done);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(seen, 3);
	/* done stays "infinite" */
	wait_for_completion(&done);
	CU_ASSERT_TRUE(completion_done(&done));
	complete(&done);
	CU_ASSERT_TRUE(try_wait_for_completion(&done));
}

static int timed_waiter(void *arg)
{
	unsigned long t = *(unsigned long *)arg;

	return (int)wait_for_completion_timeout(&done, t);
}

static void test_completion_timeout(void)
{
	unsigned long t = 5;
	struct task *tw;
	int r = -1;

	init_completion(&done);
	tw = task_spawn(timed_waiter, &t, "tw", TASK_SYSCALL, 0);
	CU_ASSERT_EQUAL(task_join(tw, &r), 0);
	CU_ASSERT_EQUAL(r, 0);
	CU_ASSERT_EQUAL(sched_now(), 5 * 1000000ULL);
	/* completed in time: the remaining jiffies are returned */
	t = 10;
	tw = task_spawn(timed_waiter, &t, "tw2", TASK_SYSCALL, 0);
	task_spawn(completer, NULL, "c", TASK_WORKER, 1);
	CU_ASSERT_EQUAL(task_join(tw, &r), 0);
	CU_ASSERT_EQUAL(r, 10); /* 100 us of 10 ms used: 10 jiffies left */
	/* already done: immediate success */
	complete(&done);
	CU_ASSERT_EQUAL(wait_for_completion_timeout(&done, 3), 3);
	/* outside tasks and nothing to run: times out at once */
	CU_ASSERT_EQUAL(wait_for_completion_timeout(&done, 3), 0);
	/* zero timeout */
	CU_ASSERT_EQUAL(wait_for_completion_timeout(&done, 0), 0);
}

static void test_completion_outside_stuck(void)
{
	DECLARE_COMPLETION(c);

	wait_for_completion(&c);
	CU_ASSERT_EQUAL(check_count_kind("completion.stuck"), 1);
}

static void test_completion_from_outside(void)
{
	seen = 0;
	init_completion(&done);
	task_spawn(completer, NULL, "c", TASK_WORKER, 1);
	/* the test's main waits by running the scheduler */
	wait_for_completion(&done);
	CU_ASSERT_EQUAL(sched_now(), 100000);
	CU_ASSERT_EQUAL(check_count(), 0);
}

/* --- wait queues ------------------------------------------------------ */

static DECLARE_WAIT_QUEUE_HEAD(wq);
static int cond_val;

static int event_waiter(void *arg)
{
	(void)arg;
	wait_event(wq, cond_val >= 2);
	return cond_val;
}

static int event_setter(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3; i++) {
		usleep_range(10, 10);
		cond_val++;
		wake_up(&wq);
	}
	return 0;
}

static void test_wait_event(void)
{
	struct task *t;
	int r = 0;

	cond_val = 0;
	init_waitqueue_head(&wq);
	CU_ASSERT_STRING_EQUAL(wq.name, "wq");
	CU_ASSERT_FALSE(waitqueue_active(&wq));
	t = task_spawn(event_waiter, NULL, "ew", TASK_SYSCALL, 0);
	task_spawn(event_setter, NULL, "es", TASK_DEVICE, 1);
	sched_step();
	CU_ASSERT_TRUE(waitqueue_active(&wq));
	CU_ASSERT_EQUAL(task_join(t, &r), 0);
	CU_ASSERT_EQUAL(r, 2);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	/* from outside: runs the scheduler until the condition holds */
	cond_val = 0;
	task_spawn(event_setter, NULL, "es2", TASK_DEVICE, 1);
	wait_event(wq, cond_val == 3);
	CU_ASSERT_EQUAL(cond_val, 3);
	/* outside and impossible: stops instead of hanging */
	wait_event(wq, cond_val == 99);
	CU_ASSERT_EQUAL(cond_val, 3);
}

static int timed_event(void *arg)
{
	int want = *(int *)arg;

	return (int)wait_event_timeout(wq, cond_val >= want, 3);
}

static void test_wait_event_timeout(void)
{
	struct task *t;
	int want = 100, r = -1;

	cond_val = 0;
	init_waitqueue_head(&wq);
	t = task_spawn(timed_event, &want, "te", TASK_SYSCALL, 0);
	task_spawn(event_setter, NULL, "es", TASK_DEVICE, 1);
	CU_ASSERT_EQUAL(task_join(t, &r), 0);
	CU_ASSERT_EQUAL(r, 0);
	CU_ASSERT_EQUAL(sched_now(), 3000000);
	want = 1;
	cond_val = 0;
	t = task_spawn(timed_event, &want, "te2", TASK_SYSCALL, 0);
	task_spawn(event_setter, NULL, "es2", TASK_DEVICE, 1);
	CU_ASSERT_EQUAL(task_join(t, &r), 0);
	CU_ASSERT_EQUAL(r, 3); /* woke after 10 us: ~3 jiffies left */
	cond_val = 5;
	CU_ASSERT_EQUAL(wait_event_timeout(wq, cond_val == 5, 2), 2);
	CU_ASSERT_EQUAL(sched_run(), SCHED_DONE);
	CU_ASSERT_EQUAL(wait_event_timeout(wq, cond_val == 6, 2), 0);
	CU_ASSERT_EQUAL(__wait_remaining(0), 1);
}

/* --- kref, atomics, lists ------------------------------------------------- */

static int released;

static void release_fn(struct kref *k)
{
	(void)k;
	released++;
}

static void test_kref(void)
{
	struct kref k = KREF_INIT(1);

	released = 0;
	kref_init(&k);
	kref_get(&k);
	CU_ASSERT_EQUAL(kref_read(&k), 2);
	CU_ASSERT_EQUAL(kref_put(&k, release_fn), 0);
	CU_ASSERT_EQUAL(kref_put(&k, release_fn), 1);
	CU_ASSERT_EQUAL(released, 1);
	CU_ASSERT_FALSE(kref_get_unless_zero(&k));
	CU_ASSERT_EQUAL(check_count(), 0);
	kref_get(&k);
	CU_ASSERT_EQUAL(check_count_kind("kref.get_zero"), 1);
	CU_ASSERT_TRUE(kref_get_unless_zero(&k));
	atomic_set(&k.refcount, 0);
	CU_ASSERT_EQUAL(kref_put(&k, release_fn), 0);
	CU_ASSERT_EQUAL(check_count_kind("kref.underflow"), 1);
	CU_ASSERT_EQUAL(released, 1);
}

static void test_atomics(void)
{
	atomic_t a = ATOMIC_INIT(5);
	atomic64_t b = ATOMIC_INIT(1);
	int x = 0;

	atomic_inc(&a);
	atomic_add(4, &a);
	atomic_sub(2, &a);
	atomic_dec(&a);
	CU_ASSERT_EQUAL(atomic_read(&a), 7);
	CU_ASSERT_EQUAL(atomic_inc_return(&a), 8);
	CU_ASSERT_EQUAL(atomic_dec_return(&a), 7);
	CU_ASSERT_EQUAL(atomic_add_return(3, &a), 10);
	CU_ASSERT_EQUAL(atomic_sub_return(9, &a), 1);
	CU_ASSERT_TRUE(atomic_dec_and_test(&a));
	atomic_set(&a, 4);
	CU_ASSERT_TRUE(atomic_sub_and_test(4, &a));
	CU_ASSERT_EQUAL(atomic_cmpxchg(&a, 0, 9), 0);
	CU_ASSERT_EQUAL(atomic_cmpxchg(&a, 0, 1), 9);
	CU_ASSERT_EQUAL(atomic_xchg(&a, 2), 9);
	CU_ASSERT_EQUAL(atomic_read(&a), 2);
	atomic64_set(&b, 1LL << 40);
	atomic64_add(2, &b);
	atomic64_sub(1, &b);
	atomic64_inc(&b);
	atomic64_dec(&b);
	CU_ASSERT_EQUAL(atomic64_read(&b), (1LL << 40) + 1);
	CU_ASSERT_EQUAL(atomic64_inc_return(&b), (1LL << 40) + 2);
	CU_ASSERT_EQUAL(atomic64_add_return(-(1LL << 40) - 1, &b), 1);
	CU_ASSERT_TRUE(atomic64_dec_and_test(&b));
	WRITE_ONCE(x, 3);
	smp_mb();
	smp_rmb();
	smp_wmb();
	virt_mb();
	CU_ASSERT_EQUAL(READ_ONCE(x), 3);
}

struct item {
	int v;
	struct list_head node;
};

static int list_values(struct list_head *h, int *out)
{
	struct item *it;
	int n = 0;

	list_for_each_entry(it, h, node)
		out[n++] = it->v;
	return n;
}

static void test_list(void)
{
	LIST_HEAD(a);
	LIST_HEAD(b);
	struct item it[6], *pos, *tmp;
	struct list_head *p, *q;
	int v[8], n;

	for (int i = 0; i < 6; i++)
		it[i].v = i;
	CU_ASSERT_TRUE(list_empty(&a));
	CU_ASSERT_PTR_NULL(list_first_entry_or_null(&a, struct item, node));
	list_add_tail(&it[0].node, &a);
	CU_ASSERT_TRUE(list_is_singular(&a));
	list_add_tail(&it[1].node, &a);
	list_add(&it[2].node, &a); /* front */
	n = list_values(&a, v);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT(v[0] == 2 && v[1] == 0 && v[2] == 1);
	CU_ASSERT_EQUAL(list_first_entry(&a, struct item, node)->v, 2);
	CU_ASSERT_EQUAL(list_last_entry(&a, struct item, node)->v, 1);
	CU_ASSERT_TRUE(list_is_last(&it[1].node, &a));
	CU_ASSERT_FALSE(list_is_singular(&a));
	list_move_tail(&it[2].node, &a);
	list_move(&it[1].node, &a);
	n = list_values(&a, v);
	CU_ASSERT(n == 3 && v[0] == 1 && v[1] == 0 && v[2] == 2);
	list_add_tail(&it[3].node, &b);
	list_add_tail(&it[4].node, &b);
	list_splice_init(&b, &a); /* front */
	CU_ASSERT_TRUE(list_empty(&b));
	n = list_values(&a, v);
	CU_ASSERT(n == 5 && v[0] == 3 && v[1] == 4 && v[2] == 1);
	list_add_tail(&it[5].node, &b);
	list_splice_tail_init(&b, &a);
	CU_ASSERT_EQUAL(list_last_entry(&a, struct item, node)->v, 5);
	CU_ASSERT_EQUAL(list_count_nodes(&a), 6);
	list_del(&it[5].node);
	list_add(&it[5].node, &b);
	list_splice_tail(&b, &a); /* b is stale now */
	CU_ASSERT_EQUAL(list_last_entry(&a, struct item, node)->v, 5);
	INIT_LIST_HEAD(&b);
	list_splice_init(&b, &a);      /* empty: no-op */
	list_splice_tail_init(&b, &a); /* empty: no-op */
	list_splice(&b, &a);
	list_splice_tail(&b, &a);
	list_del_init(&it[5].node);
	CU_ASSERT_TRUE(list_empty(&it[5].node));
	list_add(&it[5].node, &b);
	list_del(&it[5].node);
	CU_ASSERT_PTR_NULL(it[5].node.next);
	n = 0;
	list_for_each(p, &a)
		n++;
	CU_ASSERT_EQUAL(n, 5);
	list_for_each_safe(p, q, &a)
		list_del_init(p);
	CU_ASSERT_TRUE(list_empty(&a));
	for (int i = 0; i < 4; i++)
		list_add_tail(&it[i].node, &a);
	list_splice_tail(&a, &b);
	INIT_LIST_HEAD(&a);
	n = 0;
	list_for_each_entry_safe(pos, tmp, &b, node) {
		CU_ASSERT_EQUAL(pos->v, n);
		list_del(&pos->node);
		n++;
	}
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_TRUE(list_empty(&b));
	list_add(&it[0].node, &b);
	CU_ASSERT_PTR_EQUAL(list_first_entry_or_null(&b, struct item, node),
			    &it[0]);
}

VT_SUITE_EACH(sim_sync, sim_test_setup, sim_test_teardown,
	      VT_CASE(test_spin_mutual_exclusion),
	      VT_CASE(test_spin_misuse_reports),
	      VT_CASE(test_spin_unlock_not_owner_and_held_at_exit),
	      VT_CASE(test_freed_locks_under_fifo),
	      VT_CASE(test_irq_may_not_sleep), VT_CASE(test_spin_outside_tasks),
	      VT_CASE(test_mutex_exclusion), VT_CASE(test_mutex_misuse),
	      VT_CASE(test_completion_basic), VT_CASE(test_complete_all),
	      VT_CASE(test_completion_timeout),
	      VT_CASE(test_completion_outside_stuck),
	      VT_CASE(test_completion_from_outside), VT_CASE(test_wait_event),
	      VT_CASE(test_wait_event_timeout), VT_CASE(test_kref),
	      VT_CASE(test_atomics), VT_CASE(test_list));
