/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sched_internal.h - between the parts of the scheduler: its state, the
 * running task's trace context, and the inline pieces of a step that
 * sched.c (the run queue and steps) and sched_wait.c (yield points,
 * blocks and wake-ups) both run. sched_time.c (the clock and timers) and
 * sched_image.c (the scheduler's part of a machine image) use the state.
 *
 * take_next(), switch_away()'s helpers and set_current() run on every
 * step of every round trip: they stay static inline here, so each part
 * compiles them into its own code as when the parts were one file.
 */
#ifndef VFSIM_SIM_KERNEL_SCHED_INTERNAL_H
#define VFSIM_SIM_KERNEL_SCHED_INTERNAL_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>

#include "sim/trace/asan.h"
#include "sim/kernel/footprint.h"
#include "sim/kernel/sched.h"
#include "sim/trace/trace.h"

/** @cond INTERNAL */
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#else
#define VALGRIND_STACK_REGISTER(lo, hi) 0u
#define VALGRIND_STACK_DEREGISTER(id)	((void)(id))
#endif

#ifdef VFSIM_ASAN
#define fiber_start(save, bottom, size) \
	__sanitizer_start_switch_fiber(save, bottom, size)
#define fiber_finish(save, bottom, size) \
	__sanitizer_finish_switch_fiber(save, bottom, size)
#else
#define fiber_start(save, bottom, size)	 ((void)(save), (void)(bottom))
#define fiber_finish(save, bottom, size) ((void)(save), (void)(bottom))
#endif

/* The scheduler's state (sched.c; a machine image's, IMAGE_STATE()). */
struct sched_state {
	bool ready;
	unsigned nr_cpus;
	size_t stack_size;
	u64 max_steps, max_time;
	struct list_head all, runq, timers;
	unsigned nr_timers, nr_idle_timers;
	/* steps of non-daemon tasks; its value at the last idle-only
	 * firing, and how many such firings in a row it did not move */
	u64 user_steps, idle_mark;
	unsigned idle_fires;
	u32 next_id;
	u64 now, steps, switches, timer_seq;
	u64 fired; /* timers fired so far (sched_step() sees a hook's) */
	bool stall_reported;
	bool in_run; /* in sched_run_until(): tasks may take steps */
	bool (*pred)(void *arg); /* its predicate, and */
	void *pred_arg;		 /* the predicate's argument */
	/* Set when a task already did what follows a step: the invariants
	 * ran, and the predicate gave pred_said (0 false, 1 true). */
	bool post_done;
	signed char pred_said;
	struct task *forced; /* the next step's task, chosen at a preemption */
	void *sched_sp;
	const void *main_bottom;
	size_t main_size;
	void *sched_fake;
	struct task *last;  /* the task the last step ran */
	u64 (*clock)(void); /* a real clock the virtual one follows, or NULL */
	bool (*outside)(void *arg, u64 until); /* sched_set_outside() */
	void *outside_arg;
};

extern struct sched_state sched_state;

/* The name the trace records for the running task ("-" outside tasks),
 * kept beside sched_current so that an event reads it without a call;
 * and the hash of "-". */
extern const char *sched_current_tname;
extern u64 sched_current_thash, sched_no_task_hash;

/* @t (or none: NULL) is the running task, for the code and the trace. */
static inline void set_current(struct task *t)
{
	sched_current = t;
	sched_current_tname = t ? t->tname : "-";
	sched_current_thash = t ? t->tname_hash : sched_no_task_hash;
}

/* Each task's first frame (sched.c). */
void sched_task_entry(void *arg);

/* The running task's context for the trace: none running (sched.c). */
void sched_trace_context(void);

/* The clock moves to the earliest expiry and every timer due at that
 * instant fires; with a real clock, wait for it to reach @when first
 * (sched_time.c). */
void sched_fire_timers(void);
void sched_wait_for_clock(u64 when);

/* Back to the scheduler's stack from task @t (announced to ASan). */
static inline void switch_to_sched(struct task *t)
{
	fiber_start(t->state == TASK_DEAD ? NULL : &t->fake_stack,
		    sched_state.main_bottom, sched_state.main_size);
	ctx_switch(&t->sp, sched_state.sched_sp);
	fiber_finish(t->fake_stack, NULL, NULL);
}

/* A footprint event of task @t's own; a device task's steps also touch
 * the device model, which its workers share without the kernel's locks,
 * so that two device tasks' steps never commute (footprint.h). */
static inline void fp_touch_task(const struct task *t)
{
	fp_touch(t);
	if (unlikely(fp_on) && t->kind == TASK_DEVICE)
		fp_touch(&fp_device_state);
}

/* One step's choice: the task a preemption chose, else the next task off
 * the run queue (policy asked when two or more are runnable); the step
 * counted. */
static inline __attribute__((always_inline)) struct task *take_next(void)
{
	unsigned n = sched_fast.nr_runnable;
	struct task *t = sched_state.forced;

	assert(n);
	sched_state.stall_reported = false;
	sched_state.forced = NULL;
	if (!t || list_empty(&t->run_node))
		t = n == 1 ? list_first_entry(&sched_state.runq, struct task,
					      run_node) :
			     sched_policy_pick(&sched_state.runq, n);
	list_del_init(&t->run_node);
	sched_fast.nr_runnable--;
	sched_state.steps++;
	sched_state.user_steps += !(t->flags & TASK_F_DAEMON);
	sched_state.last = t;
	return t;
}

/* The step limit or the trace's budget is reached: no step starts. */
static inline bool limit_reached(void)
{
	return (sched_state.max_steps &&
		sched_state.steps >= sched_state.max_steps) ||
	       trace_over_budget;
}

/** @endcond */

#endif /* VFSIM_SIM_KERNEL_SCHED_INTERNAL_H */
