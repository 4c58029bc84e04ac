// SPDX-License-Identifier: GPL-2.0-only
/*
 * sched_wait.c - where a task stops: yield and preemption points, a block
 * (with its timeout) and a wake-up, and the wait queue's two hot paths
 * (sim/kernel/wait.h), here so that the block and the wake-ups they make
 * are inline in them. A task that stops inside sched_run_until() takes
 * the next step itself (switch_away()), with the same inline pieces as
 * sched_step() (sched_internal.h).
 *
 * A preemption point (sched_preempt_point()) asks the policy whether the
 * running task goes on; only when it does not does the step end.
 */
#include <assert.h>
#include <errno.h>

#include "sim/kernel/check.h"
#include "sim/kernel/delay.h"
#include "sim/kernel/sched_internal.h"
#include "sim/kernel/wait.h"

/*
 * Leave @t (runnable again or blocked) for the next step. Inside
 * sched_run_until(), @t does what the scheduler does between two steps
 * (invariants, predicate) and, when the next step is nothing but a choice
 * (a task is runnable, no limit reached, the predicate false), takes it
 * and switches straight to the task picked; otherwise control goes back to
 * the scheduler, told what was done already.
 * Guarantees: on return @t is current again, picked by a later step.
 * (Inline in its three callers: a block is the hot one, one call fewer.)
 */
static inline __attribute__((always_inline)) void switch_away(struct task *t)
{
	struct task *next;

	if (!sched_state.in_run) {
		switch_to_sched(t);
		return;
	}
	set_current(NULL); /* between steps, as in the scheduler */
	if (check_invariants_due())
		check_invariants_run();
	sched_state.post_done = true;
	if (sched_state.pred)
		sched_state.pred_said = sched_state.pred(sched_state.pred_arg);
	if (sched_state.pred_said > 0 || !sched_fast.nr_runnable ||
	    limit_reached()) {
		set_current(t);
		switch_to_sched(t);
		return;
	}
	sched_state.post_done = false;
	sched_state.pred_said = -1;
	next = take_next();
	set_current(next);
	if (next == t)
		return;
	sched_state.switches++;
	fiber_start(&t->fake_stack, next->stack, next->stack_size);
	ctx_switch(&t->sp, next->sp);
	fiber_finish(t->fake_stack, NULL, NULL);
}

void sched_yield(void)
{
	struct task *t = current;

	if (!t)
		return;
	fp_point();
	list_add_tail(&t->run_node, &sched_state.runq);
	sched_fast.nr_runnable++;
	switch_away(t);
}

/* Only a policy that explores gets here (sched_preempt_point()). */
void __sched_preempt(void)
{
	struct task *t = current;
	unsigned c;

	/* a decision is made here: the task's place in its code is part of
	 * the state an exploring dfs keys (sim/kernel/footprint.h); every
	 * other way a task stops is an event of its own */
	fp_point();
	c = sched_policy_preempt(t, &sched_state.runq,
				 sched_fast.nr_runnable + 1);
	if (!c)
		return;
	/* the (c - 1)-th waiting task runs next; @t waits at the tail */
	sched_state.forced =
		list_first_entry(&sched_state.runq, struct task, run_node);
	while (--c)
		sched_state.forced =
			list_next_entry(sched_state.forced, run_node);
	list_add_tail(&t->run_node, &sched_state.runq);
	sched_fast.nr_runnable++;
	switch_away(t);
}

/* Process-wide, not per machine: a test that turns them off to show what
 * they find keeps them off across the machines an exploration builds. */
void sched_set_event_points(bool on)
{
	sched_fast.event_points = on;
}

static void timeout_fired(struct sim_timer *timer)
{
	struct task *t = container_of(timer, struct task, timer);

	t->timed_out = true;
	TRACE(.kind = "timer.fire", .task = "-",
	      .args = TRACE_FMT("%s: %s %s", t->tname, t->wait_what,
				t->wait_name ? t->wait_name : ""));
	sched_wake(t);
}

/* sched_block(), inline in it and in wq_wait() (a block on a wait queue,
 * three per round trip, is one call). */
static inline __attribute__((always_inline)) int
__sched_block(const char *what, const char *name, u64 timeout_ns)
{
	struct task *t = current;

	if (!t) {
		enum sched_status st = sched_step();

		return st == SCHED_STEPPED || st == SCHED_TIMER ? 0 : -EDEADLK;
	}
	assert(t->state == TASK_RUNNABLE);
	fp_touch_task(t);
	t->state = TASK_BLOCKED;
	t->wait_what = what;
	t->wait_name = name;
	t->timed_out = false;
	if (timeout_ns)
		sim_timer_arm(&t->timer, sched_state.now + timeout_ns,
			      timeout_fired);
	TRACE(.kind = "task.block",
	      .args = TRACE_FMT("%s %s", what, name ? name : ""));
	switch_away(t);
	/* after the wake-up: its event on @t orders what follows */
	fp_touch_task(t);
	sim_timer_cancel(&t->timer);
	return t->timed_out ? -ETIMEDOUT : 0;
}

int sched_block(const char *what, const char *name, u64 timeout_ns)
{
	return __sched_block(what, name, timeout_ns);
}

/* sched_wake(), inline in it and in __wake_up_common(). */
static inline __attribute__((always_inline)) void __sched_wake(struct task *t)
{
	fp_touch(t);
	if (t->state != TASK_BLOCKED)
		return;
	t->state = TASK_RUNNABLE;
	/* woken first: the timeout must not fire for a wait that is over */
	sim_timer_cancel(&t->timer);
	list_add_tail(&t->run_node, &sched_state.runq);
	sched_fast.nr_runnable++;
	if (!t->timed_out)
		TRACE(.kind = "task.wake", .args = TRACE_FMT("%s", t->tname));
}

void sched_wake(struct task *t)
{
	__sched_wake(t);
}

/*
 * The wait queue's two hot paths (sim/kernel/wait.h): here rather than in
 * wait.c so that the block and the wake-ups they make are inline in them,
 * a round trip's three blocks and three wake-ups one call each.
 */

/* Guarantees: on return the entry is unlinked, whatever ended the wait. */
int wq_wait(wait_queue_head_t *wq, const char *what, u64 timeout_ns)
{
	struct wait_queue_entry wait = { .task = current };
	int ret;

	if (!current)
		return sched_block(what, wq->name, timeout_ns);
	fp_touch(wq);
	list_add_tail(&wait.entry, &wq->head);
	ret = __sched_block(what, wq->name, timeout_ns);
	if (wait.entry.next != &wait.entry)
		list_del_init(&wait.entry);
	return ret;
}

unsigned __wake_up_common(wait_queue_head_t *wq, unsigned nr)
{
	unsigned n = 0;

	fp_touch(wq);
	while (!list_empty(&wq->head) && (!nr || n < nr)) {
		struct wait_queue_entry *w = list_first_entry(
			&wq->head, struct wait_queue_entry, entry);

		list_del_init(&w->entry);
		__sched_wake(w->task);
		n++;
	}
	/* A woken task may run on another CPU at once, before the waker's
	 * next line: a preemption point once every waiter is off the list
	 * (fifo goes on, and records the 0). */
	if (n)
		sched_event_point();
	return n;
}

void __might_sleep_report(const char *func)
{
	struct task *t = current;
	char held[160];

	task_held_locks(t, held, sizeof(held));
	check_report("sleep.atomic",
		     "BUG: sleeping function called from invalid context: "
		     "%s() in task %s (%s)%s%s, step %llu",
		     func, t->name, task_kind_name(t->kind),
		     !t->spin_held     ? "" :
		     t->spin_held == 1 ? " holding spinlock " :
					 " holding spinlocks ",
		     held, (unsigned long long)sched_state.steps);
}
