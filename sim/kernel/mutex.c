// SPDX-License-Identifier: GPL-2.0-only
/*
 * mutex.c - spinlocks and mutexes (both are "a lock with an owner and a
 * queue of waiters"; they differ in whether waiting may sleep).
 */
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "sim/kernel/check.h"
#include "sim/kernel/footprint.h"
#include "sim/kernel/mutex.h"
#include "sim/kernel/slab.h"
#include "sim/kernel/spinlock.h"

static const char *strip_amp(const char *name)
{
	return name && name[0] == '&' ? name + 1 : name;
}

static const char *owner_name(const struct task *t)
{
	return t ? t->name : "-";
}

void __spin_lock_init(spinlock_t *lock, const char *name)
{
	lock->locked = false;
	lock->owner = NULL;
	lock->name = strip_amp(name);
	__init_waitqueue_head(&lock->wait, lock->name);
}

/* The held-lock stack: a push here, a removal wherever the lock sits in
 * spin_released() (locks need not be released in the order taken). */
static void spin_acquired(spinlock_t *lock)
{
	struct task *t = current;

	lock->locked = true;
	lock->owner = t;
	if (!t)
		return;
	if (t->spin_held < TASK_HELD_LOCKS)
		t->held[t->spin_held] = (struct held_lock){ lock, lock->name };
	t->spin_held++;
}

static void spin_released(struct task *t, const spinlock_t *lock)
{
	unsigned named = t->spin_held < TASK_HELD_LOCKS ? t->spin_held :
							  TASK_HELD_LOCKS;

	assert(t->spin_held > 0);
	/* most locks are released last taken first: a pop */
	if (t->spin_held <= TASK_HELD_LOCKS &&
	    t->held[named - 1].lock == lock) {
		t->spin_held--;
		return;
	}
	for (unsigned i = named; i-- > 0;) {
		if (t->held[i].lock != lock)
			continue;
		memmove(&t->held[i], &t->held[i + 1],
			(named - i - 1) * sizeof(t->held[0]));
		/* The slot freed at the top stood for a lock past the
		 * stack, which was never named. */
		if (t->spin_held > TASK_HELD_LOCKS)
			t->held[named - 1] = (struct held_lock){ NULL, "?" };
		break;
	}
	t->spin_held--;
}

/*
 * A lock in freed memory (every byte kfree()'s poison): the simulated
 * kernel uses an object after freeing it (a historical bug switched on,
 * or a race the explorer found). KASAN would report it; so does vfsim,
 * and it stops the task here for good (a wait nothing ends), since
 * nothing in that memory can be trusted: its wait list's links are
 * poison, and following them would crash the simulator instead. vfsim's
 * own: the kernel would go on and corrupt memory.
 */
static bool lock_freed(const void *lock, size_t size, const char *op)
{
	const u8 *b = lock;
	wait_queue_head_t never;

	for (size_t i = 0; i < size; i++)
		if (b[i] != POISON_FREE)
			return false;
	check_report("kasan.uaf",
		     "BUG: KASAN: use-after-free in %s(): the lock is in "
		     "freed memory (task %s stops here)",
		     op, owner_name(current));
	if (current) {
		init_waitqueue_head(&never);
		wq_wait(&never, "use-after-free", 0);
	}
	return true;
}

/* Guarantees: on return the caller holds the lock (unless the misuse was
 * reported: recursion, a lock in freed memory, or a wait that can never
 * end outside tasks). */
void __spin_lock_slow(spinlock_t *lock)
{
	if (unlikely(lock_freed(lock, sizeof(*lock), "spin_lock")))
		return;
	if (lock->locked && current && lock->owner == current) {
		check_report("spin.recursion",
			     "BUG: spinlock recursion on %s: task %s already "
			     "holds it",
			     lock->name, current->name);
		return;
	}
	sched_preempt_point();
	for (;;) {
		/* freed while this task waited or was preempted (read
		 * before the poisoned bool is) */
		if (unlikely(lock_freed(lock, sizeof(*lock), "spin_lock")))
			return;
		/* Taking, trying, testing and releasing a lock are all
		 * footprint events: a trylock or spin_is_locked() sees
		 * whether a release came first, so a release cannot
		 * commute with them. */
		fp_touch(lock);
		if (!lock->locked)
			break;
		if (wq_wait(&lock->wait, "spinlock", 0) == -EDEADLK) {
			check_report("spin.stuck",
				     "spin_lock(%s) outside tasks: held by %s "
				     "and nothing can release it",
				     lock->name, owner_name(lock->owner));
			return;
		}
	}
	spin_acquired(lock);
}

int spin_trylock(spinlock_t *lock)
{
	fp_touch(lock);
	if (lock->locked)
		return 0;
	spin_acquired(lock);
	return 1;
}

void __spin_unlock_slow(spinlock_t *lock)
{
	if (unlikely(lock_freed(lock, sizeof(*lock), "spin_unlock")))
		return;
	if (!lock->locked) {
		check_report("spin.unlock_unlocked",
			     "BUG: spin_unlock(%s) by task %s: not locked",
			     lock->name, owner_name(current));
		return;
	}
	if (lock->owner != current)
		check_report("spin.unlock_not_owner",
			     "BUG: spin_unlock(%s) by task %s: held by %s",
			     lock->name, owner_name(current),
			     owner_name(lock->owner));
	if (lock->owner)
		spin_released(lock->owner, lock);
	/* a trylock or spin_is_locked() sees whether this came first */
	fp_touch(lock);
	lock->locked = false;
	lock->owner = NULL;
	wake_up_all(&lock->wait);
}

void __mutex_init(struct mutex *m, const char *name)
{
	m->locked = false;
	m->owner = NULL;
	m->name = strip_amp(name);
	__init_waitqueue_head(&m->wait, m->name);
}

void __mutex_lock_slow(struct mutex *m)
{
	if (unlikely(lock_freed(m, sizeof(*m), "mutex_lock")))
		return;
	if (m->locked && current && m->owner == current) {
		check_report("mutex.recursion",
			     "BUG: mutex_lock(%s): task %s already holds it",
			     m->name, current->name);
		return;
	}
	sched_preempt_point();
	for (;;) {
		if (unlikely(lock_freed(m, sizeof(*m), "mutex_lock")))
			return;
		fp_touch(m);
		if (!m->locked)
			break;
		if (wq_wait(&m->wait, "mutex", 0) == -EDEADLK) {
			check_report("mutex.stuck",
				     "mutex_lock(%s) outside tasks: held by %s "
				     "and nothing can release it",
				     m->name, owner_name(m->owner));
			return;
		}
	}
	m->locked = true;
	m->owner = current;
}

int mutex_trylock(struct mutex *m)
{
	fp_touch(m);
	if (m->locked)
		return 0;
	m->locked = true;
	m->owner = current;
	return 1;
}

void __mutex_unlock_slow(struct mutex *m)
{
	if (unlikely(lock_freed(m, sizeof(*m), "mutex_unlock")))
		return;
	if (!m->locked) {
		check_report("mutex.unlock_unlocked",
			     "BUG: mutex_unlock(%s) by task %s: not locked",
			     m->name, owner_name(current));
		return;
	}
	if (m->owner != current)
		check_report("mutex.unlock_not_owner",
			     "BUG: mutex_unlock(%s) by task %s: held by %s",
			     m->name, owner_name(current),
			     owner_name(m->owner));
	fp_touch(m); /* see __spin_unlock_slow() */
	m->locked = false;
	m->owner = NULL;
	__wake_up(&m->wait, 1);
}
