// SPDX-License-Identifier: GPL-2.0-only
/*
 * sched.c - the run queue and its steps: the scheduler's state, tasks
 * spawned, run and joined, and the verdict when none can run (done or
 * deadlock). The other parts: yield points, blocks and wake-ups in
 * sched_wait.c, the virtual clock and timers in sched_time.c, the
 * scheduler's part of a machine image in sched_image.c, the policies in
 * sched_policy.c; sched_internal.h is what they share.
 *
 * The scheduler runs on the host thread's own stack (the test's or the
 * program's main). Each step switches into one task and back, so there is
 * exactly one place where the policy decides, the clock moves and
 * invariants are checked. One shortcut, taken inside sched_run() and
 * sched_run_until(): a task that stops takes the next step itself, doing
 * on its own stack what the scheduler would do between two steps (the
 * invariants, the run's predicate, then take_next(), the same code
 * sched_step() runs) and switches straight to the task picked, or carries
 * on when that is itself (switch_away(), sched_wait.c). Whenever the
 * scheduler would do more than that (fire timers, stop at the step limit
 * or the predicate, free a dead task), control goes back to it; the
 * steps, choices and trace are the same either way.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim/kernel/check.h"
#include "sim/kernel/sched_internal.h"
#include "sim/trace/host.h"
#include "sim/trace/image.h"
#include "sim/kernel/workqueue.h"

struct task *sched_current;
/* event points are process-wide (see sched_set_event_points()) */
struct sched_fast sched_fast = { .event_points = true };

const char *sched_current_tname = "-";
u64 sched_current_thash, sched_no_task_hash;

struct sched_state sched_state;

/*
 * A machine image (sim/trace/image.h; vfsim's own) puts this state back
 * as it was when the machine was built; the rest of the scheduler's part
 * is in sched_image.c.
 */
IMAGE_STATE(sched_state)
IMAGE_STATE(sched_current)
IMAGE_STATE(sched_current_tname)
IMAGE_STATE(sched_current_thash)

u64 sched_steps(void)
{
	return sched_state.steps;
}

u64 sched_switches(void)
{
	return sched_state.switches;
}

unsigned sched_nr_cpus(void)
{
	return sched_state.ready ? sched_state.nr_cpus : 1;
}

const char *sched_task_name(void)
{
	return current ? current->tname : "-";
}

int smp_processor_id(void)
{
	return current ? current->cpu : 0;
}

void sched_set_max_steps(u64 max_steps)
{
	sched_state.max_steps = max_steps;
}

u64 sched_max_steps(void)
{
	return sched_state.max_steps;
}

bool sched_ready(void)
{
	return sched_state.ready;
}
int sched_init(const struct sched_opts *opts)
{
	struct sched_opts o = opts ? *opts : (struct sched_opts){ 0 };

	if (sched_state.ready)
		return -EBUSY;
	if (o.nr_cpus > 1024 || (o.stack_size && o.stack_size < 16384) ||
	    o.stack_size % 4096)
		return -EINVAL;
	memset(&sched_state, 0, sizeof(sched_state));
	sched_fast.nr_runnable = 0;
	sched_fast.nr_alive = 0;
	sched_state.nr_cpus = o.nr_cpus ? o.nr_cpus : 2;
	sched_state.stack_size = o.stack_size ? o.stack_size :
						SCHED_DEFAULT_STACK;
	sched_state.max_steps = o.max_steps;
	sched_state.max_time = o.max_time_ns;
	INIT_LIST_HEAD(&sched_state.all);
	INIT_LIST_HEAD(&sched_state.runq);
	INIT_LIST_HEAD(&sched_state.timers);
	sched_policy_exit(); /* back to fifo, no recorded choices */
	sched_state.ready = true;
	/* before set_current() copies it: the process's first machine
	 * hashes its events outside tasks as every later one does */
	sched_no_task_hash = trace_name_hash("-");
	sched_trace_context();
	return 0;
}

void sched_trace_context(void)
{
	set_current(NULL);
	trace_set_context(sched_now, sched_task_name);
	trace_set_context_vars(&sched_state.now, &sched_current_tname,
			       &sched_current_thash);
}

static void free_task(struct task *t)
{
	if (t->stack) {
		VALGRIND_STACK_DEREGISTER(t->valgrind_id);
		task_stack_free(t->stack, t->stack_size);
		t->stack = NULL;
	}
}

void sched_exit(void)
{
	struct task *t, *n;

	if (!sched_state.ready)
		return;
	assert(!current);
	workqueue_reset();
	while (!list_empty(&sched_state.timers))
		sim_timer_cancel(list_first_entry(&sched_state.timers,
						  struct sim_timer, node));
	list_for_each_entry_safe(t, n, &sched_state.all, all_node) {
		free_task(t);
		host_free(t);
	}
	sched_policy_exit();
	memset(&sched_state, 0, sizeof(sched_state));
	sched_fast.nr_runnable = 0;
	sched_fast.nr_alive = 0;
	trace_set_context(NULL, NULL);
	trace_set_context_vars(NULL, NULL, NULL);
}

const struct task *sched_last_task(void)
{
	return sched_state.last;
}

int sched_for_each_task(int (*fn)(void *arg, const struct task *t), void *arg)
{
	struct task *t;
	int ret;

	if (!sched_state.ready)
		return 0;
	list_for_each_entry(t, &sched_state.all, all_node) {
		ret = fn(arg, t);
		if (ret)
			return ret;
	}
	return 0;
}

/* --- tasks --------------------------------------------------------------- */

void sched_task_entry(void *arg)
{
	struct task *t = arg;
	const void *bottom = NULL;
	size_t size = 0;

	/* The first task ever run is entered from the scheduler, whose stack
	 * this records; later ones may be entered from another task. */
	fiber_finish(NULL, &bottom, &size);
	if (!sched_state.main_bottom) {
		sched_state.main_bottom = bottom;
		sched_state.main_size = size;
	}
	TRACE(.kind = "task.start",
	      .args = TRACE_FMT("%s cpu%d", task_kind_name(t->kind), t->cpu));
	t->result = t->fn(t->arg);
	fp_touch_task(t);
	if (t->spin_held) {
		char held[160];

		task_held_locks(t, held, sizeof(held));
		check_report("spin.held_at_exit",
			     "task %s returned holding %u spinlock%s: %s",
			     t->name, t->spin_held,
			     t->spin_held == 1 ? "" : "s", held);
	}
	t->state = TASK_DEAD;
	if (!(t->flags & TASK_F_DAEMON))
		sched_fast.nr_alive--;
	TRACE(.kind = "task.exit", .args = TRACE_FMT("result %d", t->result));
	switch_to_sched(t);
	assert(0 && "a dead task was resumed");
}

struct task *task_spawn_flags(int (*fn)(void *arg), void *arg, const char *name,
			      enum task_kind kind, int cpu, u32 flags)
{
	struct task *t;

	assert(sched_state.ready && fn && name);
	t = host_calloc(1, sizeof(*t));
	t->stack = task_stack_alloc(sched_state.stack_size);
	t->stack_size = sched_state.stack_size;
	t->valgrind_id =
		VALGRIND_STACK_REGISTER(t->stack, t->stack + t->stack_size);
	t->sp = ctx_prepare(t->stack, t->stack_size, sched_task_entry, t);
	t->fn = fn;
	t->arg = arg;
	t->id = ++sched_state.next_id;
	t->fp_chain = fp_spawn(t->id);
	t->flags = flags;
	t->kind = (u8)kind;
	t->cpu = (s16)((unsigned)(cpu < 0 ? 0 : cpu) % sched_state.nr_cpus);
	t->state = TASK_RUNNABLE;
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->tname = trace_name(t->name);
	t->tname_hash = trace_name_hash(t->tname);
	list_add_tail(&t->all_node, &sched_state.all);
	list_add_tail(&t->run_node, &sched_state.runq);
	sched_fast.nr_runnable++;
	if (!(flags & TASK_F_DAEMON))
		sched_fast.nr_alive++;
	TRACE(.kind = "task.spawn", .args = TRACE_FMT("%s", t->tname));
	return t;
}

struct task *task_spawn(int (*fn)(void *arg), void *arg, const char *name,
			enum task_kind kind, int cpu)
{
	return task_spawn_flags(fn, arg, name, kind, cpu, 0);
}

bool task_done(const struct task *t)
{
	return t->state == TASK_DEAD;
}

unsigned sched_nr_alive(void)
{
	unsigned n = 0;
	struct task *t;

	if (!sched_state.ready)
		return 0;
	list_for_each_entry(t, &sched_state.all, all_node)
		n += t->state != TASK_DEAD;
	return n;
}

static void run_task(struct task *t)
{
	set_current(t);
	sched_state.switches++;
	fiber_start(&sched_state.sched_fake, t->stack, t->stack_size);
	ctx_switch(&sched_state.sched_sp, t->sp);
	fiber_finish(sched_state.sched_fake, NULL, NULL);
	/* Tasks may have passed the CPU on (switch_away()): the one that
	 * came back is current. */
	t = sched_current;
	set_current(NULL);
	if (t->state == TASK_DEAD)
		free_task(t);
}

/* A blocked daemon waiting for work is idle, not stuck. */
static bool stuck(const struct task *t)
{
	return t->state == TASK_BLOCKED &&
	       (!(t->flags & TASK_F_DAEMON) ||
		strcmp(t->wait_what, SCHED_WAIT_IDLE) != 0);
}

bool __sched_tasks_done(void)
{
	struct task *t;

	if (!sched_state.ready)
		return true;
	list_for_each_entry(t, &sched_state.all, all_node)
		if (stuck(t))
			return false;
	return true;
}

static enum sched_status stalled(void)
{
	struct task *t;
	unsigned n = 0;

	list_for_each_entry(t, &sched_state.all, all_node)
		n += stuck(t);
	if (!n)
		return SCHED_DONE;
	if (!sched_state.stall_reported) {
		sched_state.stall_reported = true;
		list_for_each_entry(t, &sched_state.all, all_node) {
			if (stuck(t))
				check_report("deadlock",
					     "task %s (%s, cpu%d) blocked "
					     "forever in %s %s",
					     t->name, task_kind_name(t->kind),
					     t->cpu, t->wait_what,
					     t->wait_name ? t->wait_name : "?");
		}
	}
	return SCHED_DEADLOCK;
}

/* Nothing runnable and only housekeeping timers armed: over (stalled():
 * done, or deadlocked with tasks blocked) when each says firing it could
 * change nothing, or after as many firings with no non-daemon task
 * running as the most patient timer asked for; else SCHED_TIMER (fire
 * them). */
static enum sched_status idle_timers_only(void)
{
	struct sim_timer *tm;
	unsigned int patience = 0;
	bool idle = true;

	list_for_each_entry(tm, &sched_state.timers, node) {
		idle &= tm->idle(tm);
		if (tm->patience > patience)
			patience = tm->patience;
	}
	if (idle)
		return stalled();
	if (sched_state.user_steps != sched_state.idle_mark) {
		sched_state.idle_mark = sched_state.user_steps;
		sched_state.idle_fires = 0;
	}
	if (++sched_state.idle_fires > patience)
		return stalled();
	return SCHED_TIMER;
}

enum sched_status sched_step(void)
{
	struct task *t;

	assert(!current && "sched_step() called from inside a task");
	if (!sched_state.ready)
		return SCHED_DONE;
	if (limit_reached())
		return SCHED_LIMIT;
	if (!sched_fast.nr_runnable) {
		u64 until = sched_state.nr_timers ?
				    list_first_entry(&sched_state.timers,
						     struct sim_timer, node)
					    ->expires :
				    UINT64_MAX;

		/* The world outside may still wake someone: wait for it, at
		 * most until the next timer is due. */
		if (sched_state.clock && sched_state.outside) {
			u64 fired = sched_state.fired;

			if (sched_state.outside(sched_state.outside_arg,
						until)) {
				sched_clock_sync();
				return SCHED_TIMER;
			}
			/* The hook's own clock sync may have fired timers
			 * (a scenario's `at` block now pending, a task
			 * woken): the state below is stale, no verdict. */
			if (sched_state.fired != fired ||
			    sched_fast.nr_runnable)
				return SCHED_TIMER;
		}
		if (!sched_state.nr_timers)
			return stalled();
		if (sched_state.nr_timers == sched_state.nr_idle_timers) {
			enum sched_status st = idle_timers_only();

			if (st != SCHED_TIMER)
				return st;
		}
		if (sched_state.max_time &&
		    list_first_entry(&sched_state.timers, struct sim_timer,
				     node)
				    ->expires > sched_state.max_time)
			return SCHED_TIME_LIMIT;
		if (sched_state.clock)
			sched_wait_for_clock(
				list_first_entry(&sched_state.timers,
						 struct sim_timer, node)
					->expires);
		sched_fire_timers();
		return SCHED_TIMER;
	}
	t = take_next();
	run_task(t);
	if (!sched_state.post_done && check_invariants_due())
		check_invariants_run();
	sched_state.post_done = false;
	return SCHED_STEPPED;
}

enum sched_status sched_run_until(bool (*pred)(void *arg), void *arg)
{
	bool was_in = sched_state.in_run;
	bool (*was_pred)(void *) = sched_state.pred;
	void *was_arg = sched_state.pred_arg;
	enum sched_status st;

	sched_state.in_run = true;
	sched_state.pred = pred;
	sched_state.pred_arg = arg;
	sched_state.pred_said = -1;
	for (;;) {
		/* A task that took steps itself asked the predicate already. */
		bool stop = pred && (sched_state.pred_said >= 0 ?
					     sched_state.pred_said :
					     pred(arg));

		sched_state.pred_said = -1;
		if (stop) {
			st = SCHED_STOPPED;
			break;
		}
		st = sched_step();
		if (st != SCHED_STEPPED && st != SCHED_TIMER)
			break;
	}
	sched_state.in_run = was_in;
	sched_state.pred = was_pred;
	sched_state.pred_arg = was_arg;
	return st;
}

enum sched_status sched_run(void)
{
	return sched_run_until(NULL, NULL);
}

const char *sched_status_name(enum sched_status st)
{
	static const char *const names[] = { "stepped",	  "timer", "done",
					     "deadlock",  "limit", "stopped",
					     "time limit" };

	return (unsigned)st < ARRAY_SIZE(names) ? names[st] : "?";
}

int task_join(struct task *t, int *result)
{
	assert(!current);
	while (t->state != TASK_DEAD) {
		enum sched_status st = sched_step();

		if (st != SCHED_STEPPED && st != SCHED_TIMER)
			return -EDEADLK;
	}
	if (result)
		*result = t->result;
	return 0;
}
